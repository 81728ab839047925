//! CORS for the CF UAA's `/oauth/token`, `/token_keys` and `/token_key`, so a dashboard in
//! the browser can exchange codes and fetch keys. Real UAA's CORS is configurable; the
//! simulator allows loopback origins (127.0.0.1, localhost) only.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::accounts::loopback_url;

/// Routes that answer cross-origin requests.
pub(crate) const CORS_ROUTES: [&str; 3] = ["/oauth/token", "/token_keys", "/token_key"];
const ALLOWED_METHODS: [&str; 3] = ["GET", "POST", "OPTIONS"];
const ALLOWED_HEADERS: [&str; 3] = ["authorization", "content-type", "accept"];
const MAX_AGE_SECS: &str = "1800";

/// The request's `Origin`, if it is an allowed (loopback) origin.
fn allowed_origin(headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let url = loopback_url(origin.to_str().ok()?)?;
    // An origin is scheme, host and port only.
    (url.path() == "/" && url.query().is_none()).then(|| origin.clone())
}

fn add_origin(response: &mut Response, origin: HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// `OPTIONS` on a CORS route. A preflight from an allowed origin for allowed methods and
/// headers gets 204 with the `Access-Control-*` headers; a preflight from anywhere else is
/// refused with 403 and no CORS headers; a plain `OPTIONS` lists the methods.
pub(crate) async fn preflight(headers: HeaderMap) -> Response {
    let Some(method) = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD) else {
        let mut response = StatusCode::NO_CONTENT.into_response();
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST, OPTIONS"));
        return response;
    };
    let method_ok = method.to_str().is_ok_and(|m| ALLOWED_METHODS.contains(&m));
    let headers_ok = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS).is_none_or(|requested| {
        requested.to_str().is_ok_and(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .all(|h| ALLOWED_HEADERS.iter().any(|a| a.eq_ignore_ascii_case(h)))
        })
    });
    match allowed_origin(&headers) {
        Some(origin) if method_ok && headers_ok => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            add_origin(&mut response, origin);
            let out = response.headers_mut();
            out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
            out.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type, accept"),
            );
            out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE_SECS));
            response
        }
        _ => (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain")], "Invalid CORS request").into_response(),
    }
}

/// Adds `Access-Control-Allow-Origin` to every answer of a CORS route for an allowed origin,
/// injected faults included (it runs outside the fault layer, like UAA's filter).
pub(crate) async fn decorate(request: Request, next: Next) -> Response {
    let cors_route = request.extensions().get::<MatchedPath>().is_some_and(|m| CORS_ROUTES.contains(&m.as_str()));
    let origin = if cors_route { allowed_origin(request.headers()) } else { None };
    let mut response = next.run(request).await;
    if let Some(origin) = origin
        && !response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    {
        add_origin(&mut response, origin);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn only_loopback_origins_are_allowed() {
        assert!(allowed_origin(&with(&[("origin", "http://127.0.0.1:5173")])).is_some());
        assert!(allowed_origin(&with(&[("origin", "http://localhost:8080")])).is_some());
        for bad in ["https://evil.example", "null", "http://127.0.0.1:5173/path", "http://10.0.0.1"] {
            assert!(allowed_origin(&with(&[("origin", bad)])).is_none(), "{bad}");
        }
    }

    #[tokio::test]
    async fn preflight_checks_method_and_headers() {
        let ok = preflight(with(&[
            ("origin", "http://localhost:5173"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "Content-Type, accept"),
        ]))
        .await;
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        let bad_header = preflight(with(&[
            ("origin", "http://localhost:5173"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "x-custom"),
        ]))
        .await;
        assert_eq!(bad_header.status(), StatusCode::FORBIDDEN);
        let bad_method =
            preflight(with(&[("origin", "http://localhost:5173"), ("access-control-request-method", "DELETE")])).await;
        assert_eq!(bad_method.status(), StatusCode::FORBIDDEN);
        assert!(bad_method.headers().get("access-control-allow-origin").is_none());
    }
}
