//! `GET /v3/processes/:guid/stats`: one entry per desired index, CC's shapes per state.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::authorize;
use super::query::{parse_params, reject_unknown};
use super::render::instance_guid;
use crate::model::{InstanceState, NO_CELL, Process, World, fmt_ip};
use crate::rng::{mix, parse_guid};
use crate::server::Shared;
use crate::server::respond::{cf_error, json};
use crate::timefmt::rfc3339;

const MIB: u64 = 1024 * 1024;

pub(crate) async fn process_stats(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(guid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    (|| {
        authorize(&state, &headers)?;
        reject_unknown(&parse_params(raw.as_deref()), &[])?;
        let w = &state.world;
        let process = parse_guid(&guid)
            .and_then(|g| w.index.processes.get(&g))
            .and_then(|i| w.processes.get(*i as usize))
            .ok_or_else(process_not_found)?;
        Ok(json(StatusCode::OK, &stats_body(w, process)))
    })()
    .unwrap_or_else(|r: Response| r)
}

pub(crate) async fn app_process_stats(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((guid, process_type)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    (|| {
        authorize(&state, &headers)?;
        reject_unknown(&parse_params(raw.as_deref()), &[])?;
        let w = &state.world;
        let app = parse_guid(&guid)
            .and_then(|g| w.index.apps.get(&g))
            .and_then(|i| w.apps.get(*i as usize))
            .ok_or_else(|| crate::server::respond::cf_not_found("App"))?;
        let process = (app.first_process..app.first_process + app.process_count)
            .filter_map(|p| w.processes.get(p as usize))
            .find(|p| p.kind.as_str() == process_type)
            .ok_or_else(process_not_found)?;
        Ok(json(StatusCode::OK, &stats_body(w, process)))
    })()
    .unwrap_or_else(|r: Response| r)
}

fn process_not_found() -> Response {
    cf_error(StatusCode::NOT_FOUND, 10010, "CF-ResourceNotFound", "Process not found")
}

pub(crate) fn stats_body(w: &World, process: &Process) -> Value {
    let segment = w.app_segment(process.app);
    let tag = w.placement_tag(segment);
    let instances = w.process_instances(process);
    let now = rfc3339(crate::timefmt::now_unix());
    let kind = process.kind.as_str();
    let resources: Vec<Value> = (0..process.instances)
        .map(|index| {
            let Some(inst) = instances.get(index as usize).filter(|i| i.state != InstanceState::Down) else {
                // Never placed, or no LRP at all (stopped app): the reduced DOWN shape.
                let details = instances.get(index as usize).and_then(|i| i.down_reason.details());
                return json!({"type": kind, "index": index, "state": "DOWN", "routable": false, "uptime": 0,
                    "isolation_segment": tag, "details": details});
            };
            let placed = inst.cell != NO_CELL;
            let host = if placed { w.cells.get(inst.cell as usize).map(|c| fmt_ip(c.ip)).unwrap_or_default() } else { String::new() };
            let h = mix(process.guid as u64, u64::from(index));
            let internal_ip = if placed { format!("10.255.{}.{}", (h >> 8) % 256, (h % 254) + 1) } else { String::new() };
            let ports = if placed && kind == "web" {
                let external = 61_000 + (h % 2_000) as u32 * 2;
                json!([{"external": external, "internal": 8080, "external_tls_proxy_port": external + 1, "internal_tls_proxy_port": 61001}])
            } else {
                json!([])
            };
            let cpu = f64::from(inst.cpu_centi) / 10_000.0;
            json!({
                "type": kind,
                "index": index,
                "instance_guid": instance_guid(process, index),
                "state": inst.state.as_str(),
                "routable": inst.state == InstanceState::Running,
                "host": host,
                "instance_internal_ip": internal_ip,
                "instance_ports": ports,
                "uptime": inst.uptime_secs,
                "mem_quota": u64::from(process.memory_mb) * MIB,
                "disk_quota": u64::from(process.disk_mb) * MIB,
                "log_rate_limit": process.log_rate_limit,
                "fds_quota": 16384,
                "isolation_segment": tag,
                "details": null,
                "usage": {
                    "time": now,
                    "cpu": cpu,
                    "cpu_entitlement": (cpu * 1024.0 / f64::from(process.memory_mb.max(1)) * 10_000.0).round() / 10_000.0,
                    "mem": inst.mem_bytes,
                    "disk": inst.disk_bytes,
                    "log_rate": if inst.state == InstanceState::Running { h % 2048 } else { 0 },
                },
            })
        })
        .collect();
    json!({"resources": resources})
}
