//! Route handlers. Each is a thin adapter: parse the query, ask the service, shape the JSON.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ApiState;
use super::error::ApiError;
use super::metadata::{Metadata, rfc3339};
use super::query::{AppsQuery, CellsQuery, CommonQuery};
use super::rendered::with_metadata;
use super::views::{Apps, Cells, Dashboard, Segments};
use crate::collector::unix_now;
use crate::service::SourceHealth;

type ApiResult = Result<Response, ApiError>;

fn internal(e: serde_json::Error) -> ApiError {
    ApiError::from(crate::error::AppError::Internal(e.to_string()))
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// `GET /api/dashboard`.
pub(crate) async fn dashboard(
    State(state): State<Arc<ApiState>>,
    q: Result<Query<CommonQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    let view = state.service.foundation(q.freshness(state.service.settings().refresh_min_age_secs)).await?;
    let metadata = Metadata::new(&state.service.settings().foundation, &view.sources);
    let body =
        state.rendered.body("dashboard", &view.analysis, || serde_json::to_vec(&Dashboard::new(&view.analysis)))?;
    with_metadata(&metadata, &body)
}

/// `GET /api/cells`.
pub(crate) async fn cells(
    State(state): State<Arc<ApiState>>,
    q: Result<Query<CellsQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    let view = state.service.foundation(q.freshness(state.service.settings().refresh_min_age_secs)).await?;
    let metadata = Metadata::new(&state.service.settings().foundation, &view.sources);
    if q.is_default() {
        let body = state.rendered.body("cells", &view.analysis, || {
            let cells = q.apply(&view.analysis.cells).unwrap_or_default();
            serde_json::to_vec(&Cells { total: cells.len(), cells })
        })?;
        return with_metadata(&metadata, &body);
    }
    let cells = q.apply(&view.analysis.cells)?;
    with_metadata(&metadata, &serde_json::to_vec(&Cells { total: cells.len(), cells }).map_err(internal)?)
}

/// `GET /api/segments`.
pub(crate) async fn segments(
    State(state): State<Arc<ApiState>>,
    q: Result<Query<CommonQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    let view = state.service.foundation(q.freshness(state.service.settings().refresh_min_age_secs)).await?;
    let metadata = Metadata::new(&state.service.settings().foundation, &view.sources);
    let body = state
        .rendered
        .body("segments", &view.analysis, || serde_json::to_vec(&Segments { segments: &view.analysis.segments }))?;
    with_metadata(&metadata, &body)
}

/// `GET /api/apps`.
pub(crate) async fn apps(State(state): State<Arc<ApiState>>, q: Result<Query<AppsQuery>, QueryRejection>) -> ApiResult {
    let q = query(q)?;
    let view = state.service.apps(q.freshness(state.service.settings().refresh_min_age_secs)).await?;
    let page = q.apply(&view.apps)?;
    let metadata = Metadata::new(&state.service.settings().foundation, &view.sources);
    Ok(Json(Apps { metadata, total: page.total, limit: page.limit, offset: page.offset, apps: page.apps })
        .into_response())
}

/// What an anonymous caller learns: whether the service is up, and how to sign in.
#[derive(Serialize)]
struct PublicHealth<'a> {
    status: &'static str,
    version: &'static str,
    auth: AuthInfo<'a>,
}

#[derive(Serialize)]
struct AuthInfo<'a> {
    /// `uaa` or `disabled`.
    mode: &'static str,
    /// Sign-in settings for the dashboard (authorization code with PKCE).
    #[serde(skip_serializing_if = "Option::is_none")]
    uaa: Option<&'a crate::config::UiAuthConfig>,
}

#[derive(Serialize)]
struct Health<'a> {
    auth: AuthInfo<'a>,
    status: &'static str,
    version: &'static str,
    foundation: String,
    timestamp: String,
    cf_api: &'static str,
    bosh_api: &'static str,
    log_cache: &'static str,
    cache: CacheHealth,
}

#[derive(Serialize)]
struct CacheHealth {
    backend: &'static str,
    keys: Vec<SourceHealth>,
}

/// `GET /api/health`: always 200 while the process runs; the body says what works. It never
/// contacts an upstream. Anonymous callers (when authentication is on) see only the overall
/// status, the version and how to sign in.
pub(crate) async fn health(State(state): State<Arc<ApiState>>, headers: axum::http::HeaderMap) -> ApiResult {
    let auth = AuthInfo { mode: if state.auth.enabled() { "uaa" } else { "disabled" }, uaa: state.ui_auth.as_ref() };
    let report = state.service.health().await;
    let statuses = [report.cf_api.status, report.bosh_api.status, report.log_cache.status];
    let overall = if report.cf_api.status == "error" {
        "error"
    } else if statuses.iter().any(|s| matches!(*s, "degraded" | "error")) {
        "degraded"
    } else {
        "ok"
    };
    if state.auth.enabled() && state.auth.authenticate(&headers).await.is_err() {
        return Ok(Json(PublicHealth { status: overall, version: env!("CARGO_PKG_VERSION"), auth }).into_response());
    }
    Ok(Json(Health {
        auth,
        status: overall,
        version: env!("CARGO_PKG_VERSION"),
        foundation: state.service.settings().foundation.clone(),
        timestamp: rfc3339(unix_now()),
        cf_api: report.cf_api.status,
        bosh_api: report.bosh_api.status,
        log_cache: report.log_cache.status,
        cache: CacheHealth {
            backend: report.cache_backend,
            keys: vec![report.cf_api, report.bosh_api, report.log_cache],
        },
    })
    .into_response())
}
