//! Isolation-segment relationship endpoints (not paginated: `{"data": …, "links": …}`).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::authorize;
use super::query::{parse_params, reject_unknown};
use crate::model::{SHARED, World};
use crate::rng::{fmt_guid, parse_guid};
use crate::server::Shared;
use crate::server::respond::{cf_not_found, json};

fn relationship(
    state: &Shared,
    headers: &HeaderMap,
    raw: Option<&str>,
    build: impl FnOnce(&World, &str) -> Option<Value>,
    what: &str,
) -> Response {
    (|| {
        authorize(state, headers)?;
        reject_unknown(&parse_params(raw), &[])?;
        let body = build(&state.world, &state.urls.cf).ok_or_else(|| cf_not_found(what))?;
        Ok(json(StatusCode::OK, &body))
    })()
    .unwrap_or_else(|r: Response| r)
}

fn to_one(world: &World, base: &str, self_href: String, segment: Option<u16>) -> Value {
    let seg = segment.and_then(|s| world.segments.get(usize::from(s)));
    let mut links = json!({"self": {"href": self_href}});
    if let (Some(seg), Some(map)) = (seg, links.as_object_mut()) {
        map.insert(
            "related".to_owned(),
            json!({"href": format!("{base}/v3/isolation_segments/{}", fmt_guid(seg.guid))}),
        );
    }
    json!({"data": seg.map(|s| json!({"guid": fmt_guid(s.guid)})), "links": links})
}

pub(crate) async fn space_segment(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    relationship(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| {
            let space =
                parse_guid(&guid).and_then(|g| w.index.spaces.get(&g)).and_then(|i| w.spaces.get(*i as usize))?;
            let href = format!("{base}/v3/spaces/{guid}/relationships/isolation_segment");
            Some(to_one(w, base, href, space.assigned_segment))
        },
        "Space",
    )
}

pub(crate) async fn org_default_segment(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    relationship(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| {
            let org = parse_guid(&guid).and_then(|g| w.index.orgs.get(&g)).and_then(|i| w.orgs.get(*i as usize))?;
            let href = format!("{base}/v3/organizations/{guid}/relationships/default_isolation_segment");
            Some(to_one(w, base, href, org.default_segment))
        },
        "Organization",
    )
}

/// Spaces explicitly assigned to the segment (for shared: those assigned to shared).
pub(crate) async fn segment_spaces(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    relationship(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| {
            let seg = parse_guid(&guid).and_then(|g| w.index.segments.get(&g)).copied()?;
            let data: Vec<Value> = w
                .spaces
                .iter()
                .filter(|s| s.assigned_segment == Some(seg))
                .map(|s| json!({"guid": fmt_guid(s.guid)}))
                .collect();
            Some(
                json!({"data": data, "links": {"self": {"href": format!("{base}/v3/isolation_segments/{guid}/relationships/spaces")}}}),
            )
        },
        "Isolation segment",
    )
}

/// Orgs entitled to the segment (every org for shared). Entitlement is not the default.
pub(crate) async fn segment_orgs(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    relationship(
        &state,
        &headers,
        raw.as_deref(),
        |w, base| {
            let seg = parse_guid(&guid).and_then(|g| w.index.segments.get(&g)).copied()?;
            let data: Vec<Value> = w
                .orgs
                .iter()
                .filter(|o| seg == SHARED || o.entitled.contains(&seg))
                .map(|o| json!({"guid": fmt_guid(o.guid)}))
                .collect();
            Some(json!({"data": data, "links": {
                "self": {"href": format!("{base}/v3/isolation_segments/{guid}/relationships/organizations")},
                "related": {"href": format!("{base}/v3/isolation_segments/{guid}/organizations")},
            }}))
        },
        "Isolation segment",
    )
}
