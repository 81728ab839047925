//! List and show endpoints for apps, processes, spaces, organizations and segments.

use std::collections::HashSet;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::query::{ListQuery, list_response};
use super::{authorize, render};
use crate::model::{Guid, InstanceState, SHARED, World};
use crate::rng::{fmt_guid, parse_guid};
use crate::server::Shared;
use crate::server::respond::cf_not_found;
use crate::timefmt::now_unix;

type Outcome = Result<Response, Response>;

const PAGING: [&str; 3] = ["page", "per_page", "order_by"];
const UNIMPLEMENTED: &[&str] = &["label_selector", "created_ats", "updated_ats"];

fn valid(extra: &[&'static str]) -> Vec<&'static str> {
    PAGING.iter().chain(extra).copied().collect()
}

fn guid_set(values: Option<HashSet<&str>>) -> Option<HashSet<Guid>> {
    values.map(|v| v.into_iter().filter_map(parse_guid).collect())
}

/// Indices (via `index`) of the guids in a filter; unknown guids simply match nothing.
fn index_set(values: Option<HashSet<&str>>, index: &std::collections::HashMap<Guid, u32>) -> Option<HashSet<u32>> {
    guid_set(values).map(|g| g.iter().filter_map(|guid| index.get(guid).copied()).collect())
}

fn sort_ids(ids: &mut [u32], q: &ListQuery, key: impl Fn(u32) -> (i64, String)) {
    if q.order_by != "created_at" {
        ids.sort_by_cached_key(|id| key(*id));
    }
    if q.descending {
        ids.reverse();
    }
}

pub(crate) async fn apps(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    list_apps(&state, &headers, raw.as_deref()).unwrap_or_else(|r| r)
}

fn list_apps(state: &Shared, headers: &HeaderMap, raw: Option<&str>) -> Outcome {
    authorize(state, headers)?;
    let valid = valid(&[
        "guids",
        "names",
        "space_guids",
        "organization_guids",
        "stacks",
        "include",
        "lifecycle_type",
        "label_selector",
        "created_ats",
        "updated_ats",
    ]);
    let q = ListQuery::parse(raw, &valid, &["created_at", "updated_at", "name", "state"])?;
    q.unsupported(UNIMPLEMENTED)?;
    let include = q.options("include", &["space", "space.organization", "org"])?;
    let w = &state.world;
    let guids = guid_set(q.list("guids"));
    let names = q.list("names");
    let spaces = index_set(q.list("space_guids"), &w.index.spaces);
    let orgs = index_set(q.list("organization_guids"), &w.index.orgs);
    let stacks = q.list("stacks");
    let lifecycle = q.get("lifecycle_type");
    let mut ids: Vec<u32> = (0..w.apps.len() as u32)
        .filter(|i| {
            let app = &w.apps[*i as usize];
            let docker = app.buildpack == crate::generate::workload::DOCKER;
            let org = w.spaces.get(app.space as usize).map_or(u32::MAX, |s| s.org);
            guids.as_ref().is_none_or(|g| g.contains(&app.guid))
                && names.as_ref().is_none_or(|n| n.contains(app.name.as_str()))
                && spaces.as_ref().is_none_or(|s| s.contains(&app.space))
                && orgs.as_ref().is_none_or(|o| o.contains(&org))
                && stacks.as_ref().is_none_or(|s| !docker && s.contains("cflinuxfs4"))
                && lifecycle.is_none_or(|l| l == if docker { "docker" } else { "buildpack" })
        })
        .collect();
    sort_ids(&mut ids, &q, |i| {
        let app = &w.apps[i as usize];
        match q.order_by.as_str() {
            "updated_at" => (app.updated_at, String::new()),
            "state" => (i64::from(!app.started), String::new()),
            _ => (0, app.name.clone()),
        }
    });
    let base = &state.urls.cf;
    let (pagination, page) = q.page_of(&format!("{base}/v3/apps"), &ids);
    let resources = page.iter().map(|i| render::app(w, base, &w.apps[*i as usize])).collect();
    let included = (!include.is_empty()).then(|| {
        let mut space_ids: Vec<u32> = Vec::new();
        for i in page {
            let s = w.apps[*i as usize].space;
            if !space_ids.contains(&s) {
                space_ids.push(s);
            }
        }
        let mut out = serde_json::Map::new();
        if include.iter().any(|i| i.starts_with("space")) {
            let spaces: Vec<Value> =
                space_ids.iter().filter_map(|s| w.spaces.get(*s as usize)).map(|s| render::space(w, base, s)).collect();
            out.insert("spaces".to_owned(), Value::Array(spaces));
        }
        if include.iter().any(|i| i == "space.organization" || i == "org") {
            let mut org_ids: Vec<u32> = Vec::new();
            for s in &space_ids {
                if let Some(space) = w.spaces.get(*s as usize)
                    && !org_ids.contains(&space.org)
                {
                    org_ids.push(space.org);
                }
            }
            let orgs: Vec<Value> =
                org_ids.iter().filter_map(|o| w.orgs.get(*o as usize)).map(|o| render::org(base, o)).collect();
            out.insert("organizations".to_owned(), Value::Array(orgs));
        }
        Value::Object(out)
    });
    Ok(list_response(pagination, resources, included))
}

pub(crate) async fn processes(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    list_processes(&state, &headers, raw.as_deref(), None).unwrap_or_else(|r| r)
}

pub(crate) async fn app_processes(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    (|| {
        authorize(&state, &headers)?;
        let app = parse_guid(&guid)
            .and_then(|g| state.world.index.apps.get(&g).copied())
            .ok_or_else(|| cf_not_found("App"))?;
        list_processes(&state, &headers, raw.as_deref(), Some(app))
    })()
    .unwrap_or_else(|r| r)
}

fn list_processes(state: &Shared, headers: &HeaderMap, raw: Option<&str>, only_app: Option<u32>) -> Outcome {
    authorize(state, headers)?;
    let extra: &[&'static str] = if only_app.is_some() {
        &["guids", "types", "embed", "label_selector", "created_ats", "updated_ats"]
    } else {
        &[
            "guids",
            "types",
            "app_guids",
            "space_guids",
            "organization_guids",
            "embed",
            "label_selector",
            "created_ats",
            "updated_ats",
        ]
    };
    let q = ListQuery::parse(raw, &valid(extra), &["created_at", "updated_at"])?;
    q.unsupported(UNIMPLEMENTED)?;
    let embed = q.options("embed", &["process_instances"])?;
    let w = &state.world;
    let guids = guid_set(q.list("guids"));
    let types = q.list("types");
    let apps = index_set(q.list("app_guids"), &w.index.apps);
    let spaces = index_set(q.list("space_guids"), &w.index.spaces);
    let orgs = index_set(q.list("organization_guids"), &w.index.orgs);
    let candidates: Box<dyn Iterator<Item = u32>> = match only_app.and_then(|a| w.apps.get(a as usize)) {
        Some(app) => Box::new(app.first_process..app.first_process + app.process_count),
        None => Box::new(0..w.processes.len() as u32),
    };
    let mut ids: Vec<u32> = candidates
        .filter(|i| {
            let p = &w.processes[*i as usize];
            let space = w.apps.get(p.app as usize).map_or(u32::MAX, |a| a.space);
            let org = w.spaces.get(space as usize).map_or(u32::MAX, |s| s.org);
            guids.as_ref().is_none_or(|g| g.contains(&p.guid))
                && types.as_ref().is_none_or(|t| t.contains(p.kind.as_str()))
                && apps.as_ref().is_none_or(|a| a.contains(&p.app))
                && spaces.as_ref().is_none_or(|s| s.contains(&space))
                && orgs.as_ref().is_none_or(|o| o.contains(&org))
        })
        .collect();
    sort_ids(&mut ids, &q, |i| {
        (w.apps.get(w.processes[i as usize].app as usize).map_or(0, |a| a.updated_at), String::new())
    });
    let base = &state.urls.cf;
    let path = match only_app.and_then(|a| w.apps.get(a as usize)) {
        Some(app) => format!("{base}/v3/apps/{}/processes", fmt_guid(app.guid)),
        None => format!("{base}/v3/processes"),
    };
    let (pagination, page) = q.page_of(&path, &ids);
    let now = now_unix();
    let resources = page
        .iter()
        .map(|i| {
            let process = &w.processes[*i as usize];
            let mut value = render::process(w, base, process);
            if !embed.is_empty()
                && let Some(map) = value.as_object_mut()
            {
                map.insert("process_instances".to_owned(), process_instances(w, *i, now));
            }
            value
        })
        .collect();
    Ok(list_response(pagination, resources, None))
}

/// The experimental `embed=process_instances` array: states only.
fn process_instances(w: &World, process: u32, now: i64) -> Value {
    let Some(p) = w.processes.get(process as usize) else { return json!([]) };
    let instances = w.process_instances(p);
    let entries: Vec<Value> = (0..p.instances)
        .map(|index| match instances.get(index as usize) {
            Some(inst) if inst.state != InstanceState::Down => {
                json!({"index": index, "state": inst.state.as_str(), "since": now - i64::from(inst.uptime_secs)})
            }
            _ => json!({"index": index, "state": "DOWN", "since": null}),
        })
        .collect();
    Value::Array(entries)
}

pub(crate) async fn spaces(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    (|| {
        authorize(&state, &headers)?;
        let valid = valid(&["guids", "names", "organization_guids", "include", "label_selector", "created_ats", "updated_ats"]);
        let q = ListQuery::parse(raw.as_deref(), &valid, &["created_at", "updated_at", "name"])?;
        q.unsupported(UNIMPLEMENTED)?;
        let include = q.options("include", &["organization"])?;
        let w = &state.world;
        let guids = guid_set(q.list("guids"));
        let names = q.list("names");
        let orgs = index_set(q.list("organization_guids"), &w.index.orgs);
        let mut ids: Vec<u32> = (0..w.spaces.len() as u32)
            .filter(|i| {
                let s = &w.spaces[*i as usize];
                guids.as_ref().is_none_or(|g| g.contains(&s.guid))
                    && names.as_ref().is_none_or(|n| n.contains(s.name.as_str()))
                    && orgs.as_ref().is_none_or(|o| o.contains(&s.org))
            })
            .collect();
        sort_ids(&mut ids, &q, |i| (w.spaces[i as usize].created_at, w.spaces[i as usize].name.clone()));
        let base = &state.urls.cf;
        let (pagination, page) = q.page_of(&format!("{base}/v3/spaces"), &ids);
        let resources = page.iter().map(|i| render::space(w, base, &w.spaces[*i as usize])).collect();
        let included = (!include.is_empty()).then(|| {
            let mut org_ids: Vec<u32> = Vec::new();
            for i in page {
                let o = w.spaces[*i as usize].org;
                if !org_ids.contains(&o) {
                    org_ids.push(o);
                }
            }
            json!({"organizations": org_ids.iter().filter_map(|o| w.orgs.get(*o as usize)).map(|o| render::org(base, o)).collect::<Vec<_>>()})
        });
        Ok(list_response(pagination, resources, included))
    })()
    .unwrap_or_else(|r: Response| r)
}

pub(crate) async fn orgs(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    (|| {
        authorize(&state, &headers)?;
        let valid = valid(&["guids", "names", "label_selector", "created_ats", "updated_ats"]);
        let q = ListQuery::parse(raw.as_deref(), &valid, &["created_at", "updated_at", "name"])?;
        q.unsupported(UNIMPLEMENTED)?;
        let w = &state.world;
        let guids = guid_set(q.list("guids"));
        let names = q.list("names");
        let mut ids: Vec<u32> = (0..w.orgs.len() as u32)
            .filter(|i| {
                let o = &w.orgs[*i as usize];
                guids.as_ref().is_none_or(|g| g.contains(&o.guid))
                    && names.as_ref().is_none_or(|n| n.contains(o.name.as_str()))
            })
            .collect();
        sort_ids(&mut ids, &q, |i| (w.orgs[i as usize].created_at, w.orgs[i as usize].name.clone()));
        let base = &state.urls.cf;
        let (pagination, page) = q.page_of(&format!("{base}/v3/organizations"), &ids);
        let resources = page.iter().map(|i| render::org(base, &w.orgs[*i as usize])).collect();
        Ok(list_response(pagination, resources, None))
    })()
    .unwrap_or_else(|r: Response| r)
}

pub(crate) async fn segments(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    (|| {
        authorize(&state, &headers)?;
        let valid = valid(&["guids", "names", "organization_guids", "label_selector", "created_ats", "updated_ats"]);
        let q = ListQuery::parse(raw.as_deref(), &valid, &["created_at", "updated_at", "name"])?;
        q.unsupported(UNIMPLEMENTED)?;
        let w = &state.world;
        let guids = guid_set(q.list("guids"));
        let names = q.list("names");
        let orgs = index_set(q.list("organization_guids"), &w.index.orgs);
        let mut ids: Vec<u32> = (0..w.segments.len() as u32)
            .filter(|i| {
                let s = &w.segments[*i as usize];
                let seg = *i as u16;
                guids.as_ref().is_none_or(|g| g.contains(&s.guid))
                    && names.as_ref().is_none_or(|n| n.contains(s.name.as_str()))
                    && orgs.as_ref().is_none_or(|o| {
                        seg == SHARED
                            || o.iter().any(|org| w.orgs.get(*org as usize).is_some_and(|x| x.entitled.contains(&seg)))
                    })
            })
            .collect();
        sort_ids(&mut ids, &q, |i| (w.segments[i as usize].created_at, w.segments[i as usize].name.clone()));
        let base = &state.urls.cf;
        let (pagination, page) = q.page_of(&format!("{base}/v3/isolation_segments"), &ids);
        let resources = page.iter().map(|i| render::segment(base, &w.segments[*i as usize])).collect();
        Ok(list_response(pagination, resources, None))
    })()
    .unwrap_or_else(|r: Response| r)
}
