//! Show endpoints: one resource by guid.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::query::{parse_params, reject_unknown};
use super::{authorize, render};
use crate::model::{Guid, World};
use crate::rng::parse_guid;
use crate::server::Shared;
use crate::server::respond::{cf_not_found, json};

/// Show endpoints accept no query parameters.
fn show(
    state: &Shared,
    headers: &HeaderMap,
    raw: Option<&str>,
    render: impl FnOnce(&World, &str) -> Option<Value>,
    what: &str,
) -> Response {
    (|| {
        authorize(state, headers)?;
        reject_unknown(&parse_params(raw), &[])?;
        let value = render(&state.world, &state.urls.cf).ok_or_else(|| cf_not_found(what))?;
        Ok(json(StatusCode::OK, &value))
    })()
    .unwrap_or_else(|r: Response| r)
}

fn lookup<T>(guid: &str, index: &std::collections::HashMap<Guid, T>) -> Option<T>
where
    T: Copy,
{
    parse_guid(guid).and_then(|g| index.get(&g).copied())
}

pub(crate) async fn app(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    show(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| lookup(&guid, &w.index.apps).map(|i| render::app(w, base, &w.apps[i as usize])),
        "App",
    )
}

pub(crate) async fn process(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    show(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| lookup(&guid, &w.index.processes).map(|i| render::process(w, base, &w.processes[i as usize])),
        "Process",
    )
}

pub(crate) async fn space(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    show(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| lookup(&guid, &w.index.spaces).map(|i| render::space(w, base, &w.spaces[i as usize])),
        "Space",
    )
}

pub(crate) async fn org(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    show(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| lookup(&guid, &w.index.orgs).map(|i| render::org(base, &w.orgs[i as usize])),
        "Organization",
    )
}

pub(crate) async fn segment(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    show(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| lookup(&guid, &w.index.segments).map(|i| render::segment(base, &w.segments[usize::from(i)])),
        "Isolation segment",
    )
}
