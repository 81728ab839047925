//! Planning routes: scenarios, recommendations, snapshot export and import.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use capacity_core::planning::{
    self, Bottleneck, FoundationModel, PeerManualInput, Recommendation, ScenarioInput, ScenarioResult, Verdict,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ApiState;
use super::error::ApiError;
use super::metadata::Metadata;
use crate::service::{Freshness, SourceMeta};

type ApiResult = Result<Response, ApiError>;

/// `POST /api/scenario` body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioRequest {
    /// The changes (all optional).
    #[serde(default)]
    scenario: ScenarioInput,
    /// A foundation to plan against instead of the live one: this API's snapshot format, or the
    /// peer tool's sample format.
    #[serde(default)]
    snapshot: Option<Value>,
}

#[derive(Serialize)]
struct ScenarioResponse<'a> {
    /// Absent when planning against an imported snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata>,
    foundation: &'a str,
    #[serde(flatten)]
    result: &'a ScenarioResult,
}

fn json<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// Reads an uploaded snapshot: ours when it has `schema_version`, the peer's format otherwise.
fn snapshot_from(value: Value) -> Result<FoundationModel, ApiError> {
    let ours = value.get("schema_version").is_some();
    if ours {
        let model: FoundationModel =
            serde_json::from_value(value).map_err(|e| ApiError::bad_request(format!("snapshot: {e}")))?;
        if model.schema_version != planning::SCHEMA_VERSION {
            return Err(ApiError::bad_request(format!(
                "snapshot: schema_version {} is not supported (expected {})",
                model.schema_version,
                planning::SCHEMA_VERSION
            )));
        }
        return Ok(model);
    }
    let peer: PeerManualInput = serde_json::from_value(value).map_err(|e| {
        ApiError::bad_request(format!(
            "snapshot: neither this API's format (no schema_version) nor the peer's sample format: {e}"
        ))
    })?;
    peer.into_model().map_err(ApiError::invalid_fields)
}

/// The live foundation as a planning model, with the metadata of its sources.
async fn live_model(state: &ApiState, freshness: Freshness) -> Result<(FoundationModel, [SourceMeta; 3]), ApiError> {
    let view = state.service.foundation(freshness).await?;
    let settings = state.service.settings();
    let captured = view.sources[0].collected_at.map(super::metadata::rfc3339);
    let (model, skipped) = FoundationModel::from_analysis(&view.analysis, &settings.foundation, captured);
    if skipped > 0 {
        tracing::info!(skipped, "cells without a known capacity are left out of planning");
    }
    Ok((model, view.sources))
}

/// `POST /api/scenario`.
pub(crate) async fn scenario(
    State(state): State<Arc<ApiState>>,
    body: Result<Json<ScenarioRequest>, JsonRejection>,
) -> ApiResult {
    let request = json(body)?;
    let (model, sources) = match request.snapshot {
        Some(snapshot) => (snapshot_from(snapshot)?, None),
        None => {
            let (model, sources) = live_model(&state, Freshness::Normal).await?;
            (model, Some(sources))
        }
    };
    let result = planning::plan(&model, &request.scenario).map_err(ApiError::invalid_fields)?;
    let metadata = sources.map(|s| Metadata::new(&state.service.settings().foundation, &s));
    Ok(Json(ScenarioResponse { metadata, foundation: &model.name, result: &result }).into_response())
}

/// `GET /api/recommendations` parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecommendationsQuery {
    segment: Option<String>,
    n1_target_pct: Option<f64>,
    refresh: Option<bool>,
}

#[derive(Serialize)]
struct RecommendationsResponse<'a> {
    metadata: Metadata,
    verdict: &'a Verdict,
    bottlenecks: &'a [Bottleneck],
    recommendations: &'a [Recommendation],
}

/// `GET /api/recommendations`: today's foundation, no changes.
pub(crate) async fn recommendations(
    State(state): State<Arc<ApiState>>,
    q: Result<Query<RecommendationsQuery>, QueryRejection>,
) -> ApiResult {
    let Query(q) = q.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let freshness = if q.refresh == Some(true) {
        Freshness::RefreshIfOlderThan(state.service.settings().refresh_min_age_secs)
    } else {
        Freshness::Normal
    };
    let (model, sources) = live_model(&state, freshness).await?;
    let input = ScenarioInput { segment: q.segment, n1_target_pct: q.n1_target_pct, ..ScenarioInput::default() };
    let result = planning::plan(&model, &input).map_err(ApiError::invalid_fields)?;
    let metadata = Metadata::new(&state.service.settings().foundation, &sources);
    Ok(Json(RecommendationsResponse {
        metadata,
        verdict: &result.verdict,
        bottlenecks: &result.bottlenecks,
        recommendations: &result.recommendations,
    })
    .into_response())
}

/// `GET /api/snapshot`: the live foundation as a planning snapshot, to plan offline.
pub(crate) async fn export(State(state): State<Arc<ApiState>>) -> ApiResult {
    let (model, _) = live_model(&state, Freshness::Normal).await?;
    let filename = format!("attachment; filename=\"{}-snapshot.json\"", model.name);
    let mut response = Json(model).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&filename) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Serialize)]
struct ImportResponse {
    snapshot: FoundationModel,
    cells: usize,
    segments: usize,
}

/// `POST /api/snapshot/import`: validates a snapshot (ours or the peer's) and returns it in this
/// API's format, ready to send back with a scenario.
pub(crate) async fn import(body: Result<Json<Value>, JsonRejection>) -> ApiResult {
    let snapshot = snapshot_from(json(body)?)?;
    let cells = snapshot.segments.iter().map(|s| s.cells.len()).sum();
    if cells == 0 {
        return Err(ApiError::bad_request("snapshot: it holds no cells"));
    }
    let segments = snapshot.segments.len();
    Ok(Json(ImportResponse { snapshot, cells, segments }).into_response())
}
