//! The whole router: API routes, `/metrics`, the frontend, and the layers around them.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{any, get};
use capacity_app::bootstrap::Application;
use capacity_app::http::{self as api, Endpoint};
use http::{HeaderName, HeaderValue, StatusCode};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::metrics::{self, HttpMetrics, MetricsState};
use crate::static_files;

/// Request limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Longest a request may take (a cold crawl of a large foundation included).
    pub(crate) request_timeout: Duration,
    /// Largest request body accepted.
    pub(crate) body_limit: usize,
}

const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
];

/// Assembles the router of `capacity-server`.
pub(crate) fn build(app: &Application, frontend_dir: &Path, limits: Limits) -> Router {
    let http_metrics = Arc::new(HttpMetrics::default());
    let metrics_state = MetricsState {
        http: http_metrics.clone(),
        upstream: app.upstream_metrics.clone(),
        service: app.service.clone(),
    };
    let mut router = Router::new()
        .merge(api::api_routes(app.api_state(), &Endpoint::ALL))
        .route("/metrics", get(metrics::render).with_state(metrics_state))
        .route("/api/{*rest}", any(api::not_found))
        .method_not_allowed_fallback(api::method_not_allowed)
        .merge(static_files::frontend(frontend_dir));
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(limits.body_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.request_timeout))
        .layer(axum::middleware::from_fn_with_state(http_metrics, metrics::record))
        .layer(TraceLayer::new_for_http())
}
