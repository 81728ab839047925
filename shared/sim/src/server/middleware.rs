//! Per-request fault injection and request counting for one upstream.

use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::respond;
use super::{Shared, UpstreamCtx};
use crate::faults::{FaultAction, MalformedMode, Upstream};

/// axum's `{param}` templates shown as `:param`, the form used by stats and fault rules.
pub(crate) fn route_template(matched: &str) -> String {
    matched.replace('{', ":").replace('}', "")
}

pub(crate) async fn upstream_layer(State(ctx): State<UpstreamCtx>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |m| route_template(m.as_str()));
    let path = request.uri().path().to_owned();
    let decision = match ctx.state.faults.lock() {
        Ok(mut engine) => Some(engine.decide(ctx.upstream, &route)),
        Err(_) => None,
    };
    if let Some(ms) = decision.map(|d| d.latency_ms).filter(|ms| *ms > 0) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let response = match decision.and_then(|d| d.action) {
        Some(FaultAction::RateLimited { retry_after_secs }) => {
            respond::rate_limited(ctx.upstream, retry_after_secs, &route, &path)
        }
        Some(FaultAction::Error { status }) => respond::injected_error(ctx.upstream, status, &route, &path),
        Some(FaultAction::AuthFailure) => respond::auth_failure(ctx.upstream, &path),
        None => {
            let response = next.run(request).await;
            if response.status().is_success() {
                let mode = ctx.state.faults.lock().ok().and_then(|mut e| e.malform(ctx.upstream, &route));
                match mode {
                    Some(mode) => malform(response, mode).await,
                    None => response,
                }
            } else {
                response
            }
        }
    };
    record(&ctx.state, ctx.upstream, &route, response.status().as_u16());
    response
}

pub(crate) fn record(state: &Shared, upstream: Upstream, route: &str, status: u16) {
    if let Ok(mut stats) = state.stats.lock() {
        stats.record(upstream, route, status);
    }
}

async fn malform(response: Response, mode: MalformedMode) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let corrupted: Vec<u8> = match mode {
        MalformedMode::Truncate => bytes.get(..bytes.len() / 2).unwrap_or_default().to_vec(),
        MalformedMode::Garbage => b"<html><body>\x00\xff upstream proxy error \xfe</body>".to_vec(),
        MalformedMode::WrongTypes => wrong_types(&bytes),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(corrupted))
}

/// Re-types every scalar of a JSON (or NDJSON) body: numbers become strings, strings become
/// numbers, booleans become strings.
fn wrong_types(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::with_capacity(bytes.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end_matches('\n');
        match serde_json::from_str::<Value>(trimmed) {
            Ok(value) => {
                out.extend(serde_json::to_vec(&retype(value)).unwrap_or_default());
                if line.ends_with('\n') {
                    out.push(b'\n');
                }
            }
            Err(_) => out.extend_from_slice(line.as_bytes()),
        }
    }
    out
}

fn retype(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => Value::from(s.len() as u64),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(retype).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, retype(v))).collect()),
        Value::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_use_colons() {
        assert_eq!(route_template("/v3/processes/{guid}/stats"), "/v3/processes/:guid/stats");
    }

    #[test]
    fn wrong_types_swaps_scalars_line_by_line() {
        let out = wrong_types(b"{\"a\":1,\"b\":\"xy\"}\n{\"c\":true}\n");
        assert_eq!(String::from_utf8_lossy(&out), "{\"a\":\"1\",\"b\":2}\n{\"c\":\"true\"}\n");
    }
}
