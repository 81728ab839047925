//! The one mapping from application errors to HTTP statuses and JSON error bodies.

use std::sync::Arc;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use capacity_clients::ClientError;
use serde::Serialize;

use crate::error::AppError;

/// `{"error": "...", "details": "...", "code": 503}` with a matching status.
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    /// Short, stable summary.
    pub error: String,
    /// What happened, safe to show (no secrets, no upstream bodies).
    pub details: String,
    /// HTTP status.
    pub code: u16,
    /// Field-level problems of a request body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<capacity_core::planning::FieldError>,
    /// `Retry-After` seconds, when waiting helps.
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with this status.
    #[must_use]
    pub fn new(status: StatusCode, error: &str, details: impl Into<String>) -> Self {
        Self {
            error: error.to_owned(),
            details: details.into(),
            code: status.as_u16(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 with a field-level explanation.
    #[must_use]
    pub fn bad_request(details: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad request", details)
    }

    /// 400 listing every invalid field.
    #[must_use]
    pub fn invalid_fields(error: capacity_core::planning::PlanningError) -> Self {
        let mut api = Self::bad_request(error.to_string());
        api.error = "invalid input".to_owned();
        api.fields = error.errors;
        api
    }

    /// 404 for an unknown route.
    #[must_use]
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not found", "no such API route")
    }

    fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

/// CF failures: unreachable → 503, timed out → 504, answered wrongly → 502.
fn cf_status(error: &ClientError) -> (StatusCode, &'static str) {
    match error {
        ClientError::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, "Cloud Foundry API timed out"),
        ClientError::Transport { .. } | ClientError::RateLimited { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "Cloud Foundry API unavailable")
        }
        ClientError::Auth { .. } => (StatusCode::BAD_GATEWAY, "Cloud Foundry authentication failed"),
        ClientError::Config(_) => (StatusCode::INTERNAL_SERVER_ERROR, "client configuration error"),
        _ => (StatusCode::BAD_GATEWAY, "Cloud Foundry API error"),
    }
}

impl From<&AppError> for ApiError {
    fn from(error: &AppError) -> Self {
        match error {
            AppError::CfUnavailable(e) => {
                let (status, summary) = cf_status(e);
                let api = Self::new(status, summary, e.to_string());
                if matches!(**e, ClientError::Transport { .. } | ClientError::RateLimited { .. }) {
                    api.with_retry_after(30)
                } else {
                    api
                }
            }
            AppError::RefreshInProgress => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "refresh in progress", error.to_string()).with_retry_after(5)
            }
            AppError::Cache(_) => Self::new(StatusCode::SERVICE_UNAVAILABLE, "cache unavailable", error.to_string()),
            AppError::BadRequest(details) => Self::bad_request(details.clone()),
            AppError::Config(_) => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "configuration error", error.to_string())
            }
            AppError::Internal(_) => Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error", error.to_string()),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let api = Self::from(&error);
        if api.code >= 500 {
            tracing::warn!(status = api.code, %error, "request failed");
        } else {
            tracing::info!(status = api.code, %error, "request rejected");
        }
        api
    }
}

impl From<Arc<ClientError>> for ApiError {
    fn from(error: Arc<ClientError>) -> Self {
        AppError::CfUnavailable(error).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        if let Some(value) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn status_of(e: ClientError) -> u16 {
        ApiError::from(&AppError::CfUnavailable(Arc::new(e))).code
    }

    #[test]
    fn cf_failures_map_to_gateway_statuses() {
        assert_eq!(
            status_of(ClientError::Timeout { upstream: "cf", route: "/", timeout: Duration::from_secs(1) }),
            504
        );
        assert_eq!(status_of(ClientError::Transport { upstream: "cf", route: "/", reason: "refused".into() }), 503);
        assert_eq!(status_of(ClientError::Decode { upstream: "cf", route: "/v3/apps", reason: "eof".into() }), 502);
        assert_eq!(
            status_of(ClientError::Status { upstream: "cf", route: "/v3/apps", status: 500, detail: None }),
            502
        );
        assert_eq!(status_of(ClientError::Auth { upstream: "uaa", reason: "invalid_client".into() }), 502);
        assert_eq!(ApiError::from(&AppError::RefreshInProgress).code, 503);
        assert_eq!(ApiError::from(&AppError::BadRequest("limit".into())).code, 400);
    }
}
