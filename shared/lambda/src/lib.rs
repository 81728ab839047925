//! Lambda entry points. A function binary is "build the state once, build a router holding
//! only my route, run it": [`run_http`] does exactly that, and [`run_warm_cache`] runs the
//! scheduled refresh.

mod warm;

use std::sync::Arc;

use axum::Router;
use axum::routing::any;
use capacity_app::bootstrap::{self, Application, Sources};
use capacity_app::http::{self, ApiError, Endpoint};
use tower_http::compression::CompressionLayer;

pub use warm::{ScheduledEvent, WarmOutcome, handle_warm, lead_secs_from_env};

/// The router a function serves: its endpoints, JSON 404/405, gzip when the client accepts it.
pub fn function_router(app: &Application, endpoints: &[Endpoint]) -> Router {
    http::router(app.api_state(), endpoints).layer(CompressionLayer::new())
}

/// A router that answers every request with the startup error, so that API clients get a JSON
/// explanation instead of an opaque Lambda init failure.
pub fn misconfigured_router(error: &str) -> Router {
    let error = Arc::new(ApiError::new(http_status_500(), "configuration error", error.to_owned()));
    Router::new().fallback(any(move || {
        let error = error.clone();
        async move { (*error).clone() }
    }))
}

fn http_status_500() -> axum::http::StatusCode {
    axum::http::StatusCode::INTERNAL_SERVER_ERROR
}

/// Runs an HTTP function serving `endpoints` (state built once per cold start).
pub async fn run_http(endpoints: &[Endpoint]) -> Result<(), lambda_http::Error> {
    capacity_app::telemetry::init();
    let router = match bootstrap::build(Sources::from_env()).await {
        Ok(app) => function_router(&app, endpoints),
        Err(error) => {
            tracing::error!(%error, "configuration error; every request will answer 500 until it is fixed");
            misconfigured_router(&error.to_string())
        }
    };
    lambda_http::run(router).await
}

/// Runs the scheduled warm-cache function.
pub async fn run_warm_cache() -> Result<(), lambda_runtime::Error> {
    capacity_app::telemetry::init();
    let app = bootstrap::build(Sources::from_env()).await.map_err(|error| {
        tracing::error!(%error, "configuration error");
        lambda_runtime::Error::from(error.to_string())
    })?;
    let app = Arc::new(app);
    let lead = warm::lead_secs_from_env();
    lambda_runtime::run(lambda_runtime::service_fn(move |event| {
        let app = app.clone();
        async move { handle_warm(&app, event, lead).await }
    }))
    .await
}
