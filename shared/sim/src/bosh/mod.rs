//! The BOSH director: `/info`, deployments, VMs and the VmState task flow.

mod rows;
pub(crate) mod tasks;

use axum::Router;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::rng::fmt_guid;
use crate::server::Shared;
use crate::server::respond::{bosh_error, bosh_not_authorized, json};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/info", get(info))
        .route("/deployments", get(deployments))
        .route("/deployments/{name}/vms", get(vms))
        .route("/deployments/{name}/instances", get(instances))
        .route("/tasks/{id}", get(tasks::task))
        .route("/tasks/{id}/output", get(tasks::output))
}

/// Token checks as the director does them: signature, issuer, expiry, not a refresh token,
/// and a read scope.
pub(crate) fn authorize(state: &Shared, headers: &HeaderMap, path: &str) -> Result<(), Response> {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let claims = state.tokens.verify(auth, &state.urls.bosh_uaa).map_err(|_| bosh_not_authorized(path))?;
    if claims.jti.ends_with("-r") {
        return Err(bosh_not_authorized(path));
    }
    let uuid = &state.bosh_uuid;
    let allowed =
        ["bosh.admin".to_owned(), "bosh.read".to_owned(), format!("bosh.{uuid}.admin"), format!("bosh.{uuid}.read")];
    if claims.scope.iter().any(|s| allowed.contains(s)) {
        Ok(())
    } else {
        Err(bosh_error(
            StatusCode::UNAUTHORIZED,
            600_000,
            &format!("Require one of the scopes: bosh.admin, bosh.{uuid}.admin, bosh.read, bosh.{uuid}.read"),
        ))
    }
}

async fn info(State(state): State<Shared>) -> Response {
    let uaa = &state.urls.bosh_uaa;
    json(
        StatusCode::OK,
        &json!({
            "name": "p-bosh",
            "uuid": state.bosh_uuid,
            "version": "282.1.2 (00000000)",
            "user": null,
            "cpi": "vsphere_cpi",
            "stemcell_os": "ubuntu-jammy",
            "stemcell_version": "1.606",
            "user_authentication": {"type": "uaa", "options": {"url": uaa, "urls": [uaa]}},
            "features": {
                "local_dns": {"status": true, "extras": {"domain_name": "bosh"}},
                "power_dns": {"status": false, "extras": {"domain_name": "bosh"}},
                "snapshots": {"status": false},
                "config_server": {"status": true, "extras": {"urls": ["https://127.0.0.1:8844/api/"]}},
            },
        }),
    )
}

fn flag(params: &[(String, String)], name: &str) -> bool {
    params.iter().any(|(k, v)| k == name && v == "true")
}

async fn deployments(State(state): State<Shared>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    if let Err(r) = authorize(&state, &headers, "/deployments") {
        return r;
    }
    let params = crate::query_pairs(raw.as_deref());
    let list: Vec<Value> = state
        .world
        .deployments
        .iter()
        .map(|d| {
            let mut entry = serde_json::Map::new();
            entry.insert("name".to_owned(), json!(d.name));
            if !flag(&params, "exclude_configs") {
                entry.insert("cloud_config".to_owned(), json!("latest"));
            }
            if !flag(&params, "exclude_releases") {
                let releases: Vec<Value> = d.releases.iter().map(|(n, v)| json!({"name": n, "version": v})).collect();
                entry.insert("releases".to_owned(), Value::Array(releases));
            }
            if !flag(&params, "exclude_stemcells") {
                entry.insert(
                    "stemcells".to_owned(),
                    json!([{"name": "bosh-vsphere-esxi-ubuntu-jammy-go_agent", "version": d.stemcell_version}]),
                );
            }
            if !flag(&params, "exclude_lock") {
                entry.insert("locked".to_owned(), json!(false));
            }
            entry.insert("teams".to_owned(), json!([]));
            Value::Object(entry)
        })
        .collect();
    json(StatusCode::OK, &Value::Array(list))
}

fn deployment_index(state: &Shared, name: &str) -> Result<u32, Response> {
    state
        .world
        .index
        .deployments
        .get(name)
        .copied()
        .ok_or_else(|| bosh_error(StatusCode::NOT_FOUND, 70000, &format!("Deployment '{name}' doesn't exist")))
}

async fn vms(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Response {
    vm_listing(&state, &headers, &name, uri.path(), raw.as_deref(), false)
}

async fn instances(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Response {
    vm_listing(&state, &headers, &name, uri.path(), raw.as_deref(), true)
}

fn vm_listing(
    state: &Shared,
    headers: &HeaderMap,
    name: &str,
    path: &str,
    raw: Option<&str>,
    instances: bool,
) -> Response {
    if let Err(r) = authorize(state, headers, path) {
        return r;
    }
    let deployment = match deployment_index(state, name) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let params = crate::query_pairs(raw);
    if params.iter().any(|(k, v)| k == "format" && v == "full") {
        let id = match state.bosh_tasks.lock() {
            Ok(mut tasks) => tasks.create(deployment, name, instances),
            Err(_) => return bosh_error(StatusCode::INTERNAL_SERVER_ERROR, 100, "task store unavailable"),
        };
        let location = format!("{}/tasks/{id}", state.urls.bosh);
        return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    }
    let Some(d) = state.world.deployments.get(deployment as usize) else {
        return bosh_error(StatusCode::NOT_FOUND, 70000, &format!("Deployment '{name}' doesn't exist"));
    };
    let rows: Vec<Value> = d
        .vms
        .iter()
        .filter(|vm| !instances || vm.active)
        .map(|vm| {
            let mut row = json!({
                "agent_id": fmt_guid(vm.agent_id),
                "cid": vm.vm_cid,
                "job": vm.job,
                "index": vm.index,
                "id": fmt_guid(vm.instance_id),
                "az": crate::model::az_name(vm.az),
                "ips": [crate::model::fmt_ip(vm.ip)],
                "vm_created_at": crate::timefmt::rfc3339(vm.created_at),
            });
            if let Some(map) = row.as_object_mut() {
                if instances {
                    map.insert("expects_vm".to_owned(), json!(true));
                } else {
                    map.insert("active".to_owned(), json!(vm.active));
                    map.insert("permanent_nats_credentials".to_owned(), json!(true));
                }
            }
            row
        })
        .collect();
    json(StatusCode::OK, &Value::Array(rows))
}
