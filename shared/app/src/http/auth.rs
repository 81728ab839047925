//! Authentication middleware: every data route needs a role; the answer to a refused request
//! is JSON with `WWW-Authenticate`, and the log names the reason and the caller, never the
//! credential.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiState;
use super::error::ApiError;
use crate::auth::{AuthError, Role};

/// The answer to a refused request.
pub(crate) fn refusal(error: &AuthError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let summary = match status {
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::SERVICE_UNAVAILABLE => "authentication unavailable",
        _ => "unauthorized",
    };
    let mut response = ApiError::new(status, summary, error.to_string()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"diego-capacity\""));
    }
    response
}

async fn require(state: &ApiState, needed: Role, mut request: Request, next: Next) -> Response {
    match state.auth.authorize(request.headers(), needed).await {
        Ok(principal) => {
            tracing::debug!(subject = %principal.subject, method = principal.method, path = request.uri().path(), "authorized");
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(error) => {
            tracing::warn!(reason = %error, path = request.uri().path(), "request refused");
            refusal(&error)
        }
    }
}

/// Middleware requiring the viewer role.
pub(crate) async fn viewer(State(state): State<Arc<ApiState>>, request: Request, next: Next) -> Response {
    require(&state, Role::Viewer, request, next).await
}

/// Middleware requiring the operator role.
pub(crate) async fn operator(State(state): State<Arc<ApiState>>, request: Request, next: Next) -> Response {
    require(&state, Role::Operator, request, next).await
}
