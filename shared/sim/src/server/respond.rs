//! Each upstream's own error formats, used by handlers and by injected faults alike.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::faults::Upstream;

pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

fn status_of(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// CC v3 `{"errors":[{code,title,detail}]}`.
pub(crate) fn cf_error(status: StatusCode, code: u32, title: &str, detail: &str) -> Response {
    json(status, &json!({"errors": [{"code": code, "title": title, "detail": detail}]}))
}

pub(crate) fn cf_not_authenticated() -> Response {
    cf_error(StatusCode::UNAUTHORIZED, 10002, "CF-NotAuthenticated", "Authentication error")
}

pub(crate) fn cf_invalid_token() -> Response {
    cf_error(StatusCode::UNAUTHORIZED, 1000, "CF-InvalidAuthToken", "Invalid Auth Token")
}

pub(crate) fn cf_bad_query(detail: &str) -> Response {
    cf_error(
        StatusCode::BAD_REQUEST,
        10005,
        "CF-BadQueryParameter",
        &format!("The query parameter is invalid: {detail}"),
    )
}

pub(crate) fn cf_not_found(what: &str) -> Response {
    cf_error(StatusCode::NOT_FOUND, 10010, "CF-ResourceNotFound", &format!("{what} not found"))
}

/// UAA `{"error","error_description"}`.
pub(crate) fn uaa_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(status, &json!({"error": error, "error_description": description}))
}

pub(crate) fn uaa_bad_credentials() -> Response {
    let mut response = uaa_error(StatusCode::UNAUTHORIZED, "invalid_client", "Bad credentials");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(
            "Basic realm=\"UAA/client\", error=\"unauthorized\", error_description=\"Bad credentials\"",
        ),
    );
    response
}

/// BOSH director `{"code","description"}`.
pub(crate) fn bosh_error(status: StatusCode, code: u32, description: &str) -> Response {
    json(status, &json!({"code": code, "description": description}))
}

/// The director's plain-text 401 for a missing or bad token.
pub(crate) fn bosh_not_authorized(path: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain"), (header::WWW_AUTHENTICATE, "Basic realm=\"BOSH Director\"")],
        format!("Not authorized: '{path}'\n"),
    )
        .into_response()
}

/// Log Cache hides every auth problem behind a bare 404.
pub(crate) fn log_cache_not_found() -> Response {
    (StatusCode::NOT_FOUND, Body::empty()).into_response()
}

pub(crate) fn promql_error(status: StatusCode, error_type: &str, message: &str) -> Response {
    json(status, &json!({"status": "error", "errorType": error_type, "error": message}))
}

/// grpc-gateway error body used by Log Cache's non-PromQL routes.
pub(crate) fn grpc_error(status: StatusCode, message: &str) -> Response {
    let code = match status.as_u16() {
        400 => 3,
        404 => 5,
        429 => 8,
        503 => 14,
        504 => 4,
        _ => 13,
    };
    json(status, &json!({"code": code, "message": message, "details": []}))
}

fn cf_code_for(status: u16) -> (u32, &'static str, &'static str) {
    match status {
        400 => (10005, "CF-BadQueryParameter", "The query parameter is invalid"),
        401 => (1000, "CF-InvalidAuthToken", "Invalid Auth Token"),
        403 => (10003, "CF-NotAuthorized", "You are not authorized to perform the requested action"),
        404 => (10010, "CF-ResourceNotFound", "Resource not found"),
        429 => (10013, "CF-RateLimitExceeded", "Rate Limit Exceeded"),
        502 => (10001, "CF-ServerError", "An unknown error occurred."),
        503 => (10015, "CF-ServiceUnavailable", "Service Unavailable"),
        _ => (10001, "CF-ServerError", "An unknown error occurred."),
    }
}

/// An injected error with the given status, formatted as `upstream` would.
pub(crate) fn injected_error(upstream: Upstream, status: u16, route: &str, path: &str) -> Response {
    let code = status_of(status);
    let reason = code.canonical_reason().unwrap_or("error");
    match upstream {
        Upstream::Cf => {
            let (c, title, detail) = cf_code_for(status);
            cf_error(code, c, title, detail)
        }
        Upstream::Uaa | Upstream::BoshUaa => {
            let error = match status {
                401 => "invalid_token",
                403 => "insufficient_scope",
                429 => "too_many_requests",
                400 => "invalid_request",
                _ => "server_error",
            };
            uaa_error(code, error, reason)
        }
        Upstream::Bosh if status == 401 => bosh_not_authorized(path),
        Upstream::Bosh => bosh_error(code, 100, &format!("{reason} (injected)")),
        Upstream::LogCache if status == 401 || status == 403 => log_cache_not_found(),
        Upstream::LogCache if route.starts_with("/api/v1/query") => {
            let error_type = if status == 400 {
                "bad_data"
            } else if status == 503 {
                "unavailable"
            } else {
                "internal"
            };
            promql_error(code, error_type, reason)
        }
        Upstream::LogCache => grpc_error(code, reason),
    }
}

pub(crate) fn rate_limited(upstream: Upstream, retry_after_secs: u64, route: &str, path: &str) -> Response {
    let mut response = match upstream {
        Upstream::Cf => {
            // CC's rate limiter: text/plain content type around a JSON v3 error body.
            let body =
                json!({"errors": [{"code": 10013, "title": "CF-RateLimitExceeded", "detail": "Rate Limit Exceeded"}]});
            let mut r = (StatusCode::TOO_MANY_REQUESTS, serde_json::to_vec(&body).unwrap_or_default()).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            r.headers_mut().insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            r
        }
        _ => injected_error(upstream, 429, route, path),
    };
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// What the upstream says when a (valid) token is treated as invalid.
pub(crate) fn auth_failure(upstream: Upstream, path: &str) -> Response {
    match upstream {
        Upstream::Cf => cf_invalid_token(),
        Upstream::Uaa | Upstream::BoshUaa => uaa_bad_credentials(),
        Upstream::Bosh => bosh_not_authorized(path),
        Upstream::LogCache => log_cache_not_found(),
    }
}

/// Unknown route on an upstream.
pub(crate) fn not_found(upstream: Upstream, path: &str) -> Response {
    match upstream {
        Upstream::Cf => cf_error(StatusCode::NOT_FOUND, 10000, "CF-NotFound", "Unknown request"),
        Upstream::Uaa | Upstream::BoshUaa => {
            uaa_error(StatusCode::NOT_FOUND, "not_found", &format!("No handler for {path}"))
        }
        Upstream::Bosh => {
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html")], "<h1>Not Found</h1>").into_response()
        }
        Upstream::LogCache => log_cache_not_found(),
    }
}
