//! The frontend bundle: files from `FRONTEND_DIR`, `index.html` for client-side routes, and
//! cache headers that let browsers keep hashed assets for a year.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use tower_http::services::{ServeDir, ServeFile};

/// A router serving the bundle in `dir`, or a page explaining how to build it.
pub(crate) fn frontend(dir: &Path) -> Router {
    let index = dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %dir.display(), "no frontend bundle found; the API still works (build it with scripts/demo)");
        return Router::new().fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Html(
                    "<!doctype html><title>Diego Capacity Analyzer</title><p>The web dashboard is not built. \
                      Run <code>scripts/demo</code>, or <code>npm run build</code> in <code>frontend/</code>. \
                      The API is available under <a href=\"/api/health\">/api/health</a>.</p>",
                ),
            )
        });
    }
    let files = ServeDir::new(dir).precompressed_gzip().fallback(ServeFile::new(index));
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_headers))
}

/// Vite names assets by content hash under `/assets/`, so they never change: cache them for a
/// year. Everything else (`index.html`, client routes) must be revalidated.
async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await.into_response();
    if response.status().is_success() {
        let value = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}
