//! Log Cache: info, PromQL instant/range queries, read and meta.

mod promql;
mod series;

use std::fmt::Write as _;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::server::Shared;
use crate::server::respond::{json, log_cache_not_found, promql_error};
use crate::timefmt::now_unix_f64;
use series::Sample;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/api/v1/info", get(info))
        .route("/api/v1/query", get(query))
        .route("/api/v1/query_range", get(query_range))
        .route("/api/v1/read/{source_id}", get(read))
        .route("/api/v1/meta", get(meta))
}

/// Admin tokens (doppler.firehose / logs.admin) from CF's UAA; anything else is a 404.
fn authorize(state: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    match state.tokens.verify(auth, &state.urls.uaa) {
        Ok(claims) if claims.scope.iter().any(|s| s == "doppler.firehose" || s == "logs.admin") => Ok(()),
        _ => Err(log_cache_not_found()),
    }
}

async fn info() -> Response {
    json(StatusCode::OK, &json!({"version": "3.2.1", "vm_uptime": "864000"}))
}

fn bad_data(message: &str) -> Response {
    promql_error(StatusCode::BAD_REQUEST, "bad_data", message)
}

fn param(raw: Option<&str>, name: &str) -> Option<String> {
    crate::query_pairs(raw).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn parse_time(raw: Option<&str>, name: &str) -> Result<Option<f64>, Response> {
    match param(raw, name) {
        None => Ok(None),
        Some(t) => {
            t.parse::<f64>().map(Some).map_err(|_| bad_data(&format!("cannot parse \"{t}\" to a valid timestamp")))
        }
    }
}

/// Evaluates the selector: every source id, then equality on the other matchers.
fn evaluate(state: &Shared, raw: Option<&str>) -> Result<Vec<Sample>, Response> {
    let query = param(raw, "query").unwrap_or_default();
    let selector = promql::parse(&query).map_err(|e| bad_data(&e.to_string()))?;
    let mut samples = Vec::new();
    for source_id in selector.source_ids() {
        series::samples(&state.world, source_id, &selector.metric, &mut samples);
    }
    samples.retain(|s| selector.other_matchers().all(|m| s.labels.get(&m.label).is_some_and(|v| *v == m.value)));
    Ok(samples)
}

fn success(result_type: &str, result: &str) -> Response {
    let body = format!(r#"{{"status":"success","data":{{"resultType":"{result_type}","result":[{result}]}}}}"#);
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn metric_json(sample: &Sample) -> String {
    serde_json::to_string(&sample.labels).unwrap_or_else(|_| "{}".to_owned())
}

/// `[<unix seconds, 3 decimals>,"<value>"]` — the number written by hand to keep 3 decimals.
fn point(t: f64, value: f64) -> String {
    format!("[{t:.3},\"{}\"]", series::format_value(value))
}

async fn query(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    (|| {
        authorize(&state, &headers)?;
        let time = parse_time(raw.as_deref(), "time")?.unwrap_or_else(now_unix_f64);
        let samples = evaluate(&state, raw.as_deref())?;
        let mut result = String::new();
        for (i, s) in samples.iter().enumerate() {
            if i > 0 {
                result.push(',');
            }
            let _ = write!(result, r#"{{"metric":{},"value":{}}}"#, metric_json(s), point(time, s.value));
        }
        Ok(success("vector", &result))
    })()
    .unwrap_or_else(|r: Response| r)
}

async fn query_range(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    (|| {
        authorize(&state, &headers)?;
        let start = parse_time(raw.as_deref(), "start")?.ok_or_else(|| bad_data("missing start"))?;
        let end = parse_time(raw.as_deref(), "end")?.ok_or_else(|| bad_data("missing end"))?;
        let step_text = param(raw.as_deref(), "step").unwrap_or_default();
        let step = step_text
            .trim_end_matches('s')
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0)
            .ok_or_else(|| bad_data(&format!("cannot parse \"{step_text}\" to a valid duration")))?;
        if end < start || (end - start) / step > 11_000.0 {
            return Err(bad_data("exceeded maximum resolution of 11,000 points per timeseries"));
        }
        let samples = evaluate(&state, raw.as_deref())?;
        let mut result = String::new();
        for (i, s) in samples.iter().enumerate() {
            if i > 0 {
                result.push(',');
            }
            let mut values = Vec::new();
            let mut t = start;
            while t <= end {
                values.push(point(t, s.value));
                t += step;
            }
            let _ = write!(result, r#"{{"metric":{},"values":[{}]}}"#, metric_json(s), values.join(","));
        }
        Ok(success("matrix", &result))
    })()
    .unwrap_or_else(|r: Response| r)
}

fn gauge_envelope(sample: &Sample, names: &[(&str, f64, &str)], timestamp: &str) -> Value {
    let mut metrics = serde_json::Map::new();
    for (name, value, unit) in names {
        metrics.insert((*name).to_owned(), json!({"unit": unit, "value": value}));
    }
    let mut tags = sample.labels.clone();
    let source_id = tags.remove("source_id").unwrap_or_default();
    let instance_id = tags.remove("instance_id").unwrap_or_default();
    json!({"timestamp": timestamp, "source_id": source_id, "instance_id": instance_id,
        "deprecated_tags": {}, "tags": tags, "gauge": {"metrics": metrics}})
}

/// `/api/v1/read/<source_id>`: the latest gauges as envelopes (int64s as strings).
async fn read(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(source_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(r) = authorize(&state, &headers) {
        return r;
    }
    let pairs = crate::query_pairs(raw.as_deref());
    let types: Vec<&str> = pairs.iter().filter(|(k, _)| k == "envelope_types").map(|(_, v)| v.as_str()).collect();
    let limit =
        pairs.iter().find(|(k, _)| k == "limit").and_then(|(_, v)| v.parse::<usize>().ok()).unwrap_or(100).min(1000);
    let timestamp = format!("{}", (now_unix_f64() * 1e9) as i64);
    let mut batch = Vec::new();
    if types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case("gauge")) {
        if source_id == "rep" {
            for metric in series::REP_METRICS {
                let mut samples = Vec::new();
                series::rep_samples(&state.world, metric, &mut samples);
                batch.extend(samples.iter().map(|s| gauge_envelope(s, &[(metric, s.value, s.unit)], &timestamp)));
            }
        } else {
            let mut per_metric: Vec<Vec<Sample>> = Vec::new();
            for metric in series::APP_METRICS {
                let mut samples = Vec::new();
                series::app_samples(&state.world, &source_id, metric, &mut samples);
                per_metric.push(samples);
            }
            // One envelope per instance carrying the five container gauges.
            if let Some(first) = per_metric.first() {
                for (i, sample) in first.iter().enumerate() {
                    let names: Vec<(&str, f64, &str)> = series::APP_METRICS
                        .iter()
                        .zip(&per_metric)
                        .filter_map(|(name, samples)| samples.get(i).map(|s| (*name, s.value, s.unit)))
                        .collect();
                    batch.push(gauge_envelope(sample, &names, &timestamp));
                }
            }
        }
    }
    batch.truncate(limit);
    json(StatusCode::OK, &json!({"envelopes": {"batch": batch}}))
}

async fn meta(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&state, &headers) {
        return r;
    }
    let now = format!("{}", (now_unix_f64() * 1e9) as i64);
    let oldest = format!("{}", ((now_unix_f64() - 900.0) * 1e9) as i64);
    let mut meta = serde_json::Map::new();
    let entry = |count: usize| json!({"count": count.to_string(), "expired": "0", "oldest_timestamp": oldest, "newest_timestamp": now});
    meta.insert("rep".to_owned(), entry(state.world.cells.len() * series::REP_METRICS.len() * 15));
    for app in state.world.apps.iter().filter(|a| a.started) {
        meta.insert(crate::rng::fmt_guid(app.guid), entry(100));
    }
    json(StatusCode::OK, &json!({"meta": meta}))
}
