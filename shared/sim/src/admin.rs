//! `/__sim/*`: stats, ground truth and faults. Served on every listener, never counted.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::faults::Faults;
use crate::server::Shared;
use crate::server::respond::json;
use crate::stats::RequestStats;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/__sim/stats", get(stats))
        .route("/__sim/stats/reset", post(reset_stats))
        .route("/__sim/truth", get(truth))
        .route("/__sim/faults", get(get_faults).put(put_faults).delete(delete_faults))
}

fn to_json<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_value(value) {
        Ok(v) => json(StatusCode::OK, &v),
        Err(e) => json(StatusCode::INTERNAL_SERVER_ERROR, &json!({"error": e.to_string()})),
    }
}

async fn stats(State(state): State<Shared>) -> Response {
    let stats = state.stats.lock().map(|s| s.clone()).unwrap_or_default();
    to_json(&stats)
}

async fn reset_stats(State(state): State<Shared>) -> Response {
    if let Ok(mut stats) = state.stats.lock() {
        *stats = RequestStats::default();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn truth(State(state): State<Shared>) -> Response {
    to_json(&state.truth)
}

async fn get_faults(State(state): State<Shared>) -> Response {
    to_json(&state.faults())
}

async fn put_faults(State(state): State<Shared>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => {
            state.set_faults(faults);
            state.bosh_listener_settled().await;
            to_json(&state.faults())
        }
        Err(e) => {
            json(StatusCode::BAD_REQUEST, &json!({"error": "invalid faults", "details": e.to_string(), "code": 400}))
        }
    }
}

async fn delete_faults(State(state): State<Shared>) -> Response {
    state.set_faults(Faults::default());
    state.bosh_listener_settled().await;
    to_json(&state.faults())
}
