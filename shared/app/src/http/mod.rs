//! HTTP routes shared by the Lambda functions and `capacity-server`.

mod error;
mod metadata;
mod query;
mod routes;
mod views;

pub use error::ApiError;
pub use metadata::{Metadata, rfc3339};
pub use query::{APPS_DEFAULT_LIMIT, APPS_MAX_LIMIT};

use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, get};

use crate::service::CapacityService;

/// What every handler shares.
#[derive(Debug)]
pub struct ApiState {
    /// The capacity service.
    pub service: Arc<CapacityService>,
}

/// One API endpoint: the unit a Lambda function serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /api/health`.
    Health,
    /// `GET /api/dashboard`.
    Dashboard,
    /// `GET /api/cells`.
    Cells,
    /// `GET /api/apps`.
    Apps,
    /// `GET /api/segments`.
    Segments,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Self; 5] = [Self::Health, Self::Dashboard, Self::Cells, Self::Apps, Self::Segments];

    /// Its path.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Self::Health => "/api/health",
            Self::Dashboard => "/api/dashboard",
            Self::Cells => "/api/cells",
            Self::Apps => "/api/apps",
            Self::Segments => "/api/segments",
        }
    }

    fn handler(self) -> MethodRouter<Arc<ApiState>> {
        match self {
            Self::Health => get(routes::health),
            Self::Dashboard => get(routes::dashboard),
            Self::Cells => get(routes::cells),
            Self::Apps => get(routes::apps),
            Self::Segments => get(routes::segments),
        }
    }
}

/// A router serving `endpoints`, with JSON 404 and 405 answers.
pub fn router(state: Arc<ApiState>, endpoints: &[Endpoint]) -> Router {
    let mut router = Router::new();
    for endpoint in endpoints {
        router = router.route(endpoint.path(), endpoint.handler());
    }
    router
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed",
                "this route only answers GET",
            )
        })
        .with_state(state)
}

#[cfg(test)]
mod tests;
