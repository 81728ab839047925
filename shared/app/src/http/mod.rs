//! HTTP routes shared by the Lambda functions and `capacity-server`.

mod auth;
mod error;
mod metadata;
mod planning;
mod query;
mod rendered;
mod routes;
mod views;

pub use error::ApiError;
pub use metadata::{Metadata, rfc3339};
pub use query::{APPS_DEFAULT_LIMIT, APPS_MAX_LIMIT};

use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, get, post};

use crate::service::CapacityService;

/// What every handler shares.
#[derive(Debug)]
pub struct ApiState {
    /// The capacity service.
    pub service: Arc<CapacityService>,
    /// Who may call.
    pub auth: Arc<crate::auth::Authenticator>,
    /// Sign-in settings for the dashboard, published by `/api/health`.
    pub ui_auth: Option<crate::config::UiAuthConfig>,
    /// Bodies rendered once per analysis.
    pub rendered: rendered::Rendered,
}

impl ApiState {
    /// State without authentication (tests and demos).
    #[must_use]
    pub fn unauthenticated(service: Arc<CapacityService>) -> Self {
        Self {
            service,
            auth: Arc::new(crate::auth::Authenticator::Disabled),
            ui_auth: None,
            rendered: Default::default(),
        }
    }
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
    /// `POST /api/scenario`.
    Scenario,
    /// `GET /api/recommendations`.
    Recommendations,
    /// `GET /api/snapshot`.
    SnapshotExport,
    /// `POST /api/snapshot/import`.
    SnapshotImport,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Self; 9] = [
        Self::Health,
        Self::Dashboard,
        Self::Cells,
        Self::Apps,
        Self::Segments,
        Self::Scenario,
        Self::Recommendations,
        Self::SnapshotExport,
        Self::SnapshotImport,
    ];

    /// Its path.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Self::Health => "/api/health",
            Self::Dashboard => "/api/dashboard",
            Self::Cells => "/api/cells",
            Self::Apps => "/api/apps",
            Self::Segments => "/api/segments",
            Self::Scenario => "/api/scenario",
            Self::Recommendations => "/api/recommendations",
            Self::SnapshotExport => "/api/snapshot",
            Self::SnapshotImport => "/api/snapshot/import",
        }
    }

    /// The role a caller needs; `None` for public routes.
    #[must_use]
    pub fn role(self) -> Option<crate::auth::Role> {
        use crate::auth::Role;
        match self {
            Self::Health => None,
            Self::Scenario | Self::SnapshotImport => Some(Role::Operator),
            _ => Some(Role::Viewer),
        }
    }

    fn handler(self) -> MethodRouter<Arc<ApiState>> {
        match self {
            Self::Health => get(routes::health),
            Self::Dashboard => get(routes::dashboard),
            Self::Cells => get(routes::cells),
            Self::Apps => get(routes::apps),
            Self::Segments => get(routes::segments),
            Self::Scenario => post(planning::scenario),
            Self::Recommendations => get(planning::recommendations),
            Self::SnapshotExport => get(planning::export),
            Self::SnapshotImport => post(planning::import),
        }
    }
}

/// The routes of `endpoints`, without fallbacks (to merge into a larger router).
pub fn api_routes(state: Arc<ApiState>, endpoints: &[Endpoint]) -> Router {
    let mut router = Router::new();
    for endpoint in endpoints {
        let handler = match endpoint.role() {
            None => endpoint.handler(),
            Some(crate::auth::Role::Viewer) => {
                endpoint.handler().route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::viewer))
            }
            Some(crate::auth::Role::Operator) => {
                endpoint.handler().route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::operator))
            }
        };
        router = router.route(endpoint.path(), handler);
    }
    router.with_state(state)
}

/// JSON 404 for an unknown route.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// JSON 405 for a known route called with another method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed",
        "this route does not accept that method",
    )
}

/// A router serving `endpoints`, with JSON 404 and 405 answers: what a Lambda function runs.
pub fn router(state: Arc<ApiState>, endpoints: &[Endpoint]) -> Router {
    api_routes(state, endpoints).fallback(not_found).method_not_allowed_fallback(method_not_allowed)
}

#[cfg(test)]
mod tests;
