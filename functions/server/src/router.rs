//! The whole router: API routes, `/metrics`, the frontend, and the layers around them.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{any, get};
use capacity_app::bootstrap::Application;
use capacity_app::config::AuthConfig;
use capacity_app::http::{self as api, Endpoint};
use http::{HeaderName, HeaderValue, Method, StatusCode, header};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::metrics::{self, HttpMetrics, MetricsState};
use crate::protect::{self, RateLimit};
use crate::static_files;

/// Request limits and browser-facing policy.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Longest a request may take (a cold crawl of a large foundation included).
    pub(crate) request_timeout: Duration,
    /// Largest request body accepted.
    pub(crate) body_limit: usize,
    /// Origins allowed to call the API from a browser (`CORS_ALLOWED_ORIGINS`); empty = none.
    pub(crate) cors_origins: Vec<HeaderValue>,
    /// Per-client rate limit.
    pub(crate) rate_limit: Arc<RateLimit>,
}

const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("strict-transport-security", "max-age=31536000"),
];

/// The bundle's content security policy: only our own scripts, no framing, and API calls to
/// ourselves plus the UAA the dashboard signs in with.
fn content_security_policy(app: &Application) -> String {
    let uaa = match &app.config.auth {
        AuthConfig::Uaa(uaa) => url::Url::parse(&uaa.ui.token_url).ok().map(|u| u.origin().ascii_serialization()),
        AuthConfig::Disabled => None,
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'{}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        uaa.map(|o| format!(" {o}")).unwrap_or_default()
    )
}

/// Assembles the router of `capacity-server`.
pub(crate) fn build(app: &Application, frontend_dir: &Path, limits: &Limits) -> Router {
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
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(app)) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp));
    }
    let router = router
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(limits.body_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.request_timeout))
        .layer(axum::middleware::from_fn_with_state(limits.rate_limit.clone(), protect::rate_limit));
    // Credentials travel as bearer tokens, never cookies: no allow-credentials, and never "*".
    let router = if limits.cors_origins.is_empty() {
        router
    } else {
        router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(limits.cors_origins.clone()))
                .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static("x-api-key")])
                .max_age(Duration::from_secs(600)),
        )
    };
    router.layer(axum::middleware::from_fn_with_state(http_metrics, metrics::record)).layer(TraceLayer::new_for_http())
}
