//! The planning routes: the shipped example scenarios (docs/scenarios) with their verdicts and
//! key figures, live planning against the simulator, snapshot export/import, input validation.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use capacity_app::Collector;
use capacity_app::cache::MemoryCache;
use capacity_app::http::{ApiState, Endpoint, router};
use capacity_app::service::{CapacityService, ServiceSettings};
use capacity_clients::UpstreamMetrics;
use capacity_sim::{Faults, Profile};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

async fn live_router() -> (axum::Router, capacity_sim::SimHandle) {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let config = support::config(&sim, &[]);
    let collector = Arc::new(Collector::new(&config, Arc::new(UpstreamMetrics::default())).unwrap());
    let service =
        Arc::new(CapacityService::new(collector, Arc::new(MemoryCache::new()), ServiceSettings::from_config(&config)));
    (router(Arc::new(ApiState::unauthenticated(service)), &Endpoint::ALL), sim)
}

async fn call(router: &axum::Router, method: &str, uri: &str, body: Option<String>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let response =
        router.clone().oneshot(request.body(body.map_or_else(Body::empty, Body::from)).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn example(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenarios");
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A scenario request from docs/scenarios, planned against the lab foundation snapshot.
async fn run_example(router: &axum::Router, file: &str) -> Value {
    let mut request: Value = serde_json::from_str(&example(file)).unwrap();
    request["snapshot"] = serde_json::from_str(&example("lab-foundation.json")).unwrap();
    let (status, body) = call(router, "POST", "/api/scenario", Some(request.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{file}: {body}");
    body
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[tokio::test]
async fn the_shipped_example_scenarios() {
    let (router, _sim) = live_router().await;
    // 1. Today: 120 cells of 30 GB usable (32 − 7 %); 2,600 of 3,600 GB allocated = 72.2 %;
    //    N−1 2,600 ÷ 3,570 = 72.8 %; ⌊(30,720 − 22,187) ÷ 4,096⌋ = 2 chunks per cell → 240.
    let today = run_example(&router, "1-today.json").await;
    assert_eq!(today["verdict"]["status"], "fits");
    let p = &today["proposed"];
    assert_eq!((p["cells"].as_u64(), p["capacity_mb"].as_u64()), (Some(120), Some(3_686_400)));
    assert!((f(&p["allocated_percent"]) - 72.222).abs() < 0.01);
    assert!((f(&p["n_minus_one"]["utilization_percent"]) - 72.829).abs() < 0.01);
    assert_eq!(p["free_chunks"], 240);
    assert_eq!(today["recommendations"][0]["kind"], "no_action");
    assert_eq!(p["hosts"]["limiting"], "ha_admission", "17 % of 12 hosts is more than one host");

    // 2. Retire 30 cells: 90 × 30 GB = 2,700 GB; N−1 2,600 ÷ 2,670 = 97.4 % > 80 %; a host
    //    carries ⌈90 ÷ 12⌉ = 8 cells, so losing one leaves 2,460 GB < 2,600.
    let retire = run_example(&router, "2-retire-30-cells.json").await;
    assert_eq!(retire["verdict"]["status"], "fits_with_warnings");
    let p = &retire["proposed"];
    assert!((f(&p["n_minus_one"]["utilization_percent"]) - 97.378).abs() < 0.01);
    assert_eq!(
        (p["hosts"]["cells_per_host"].as_u64(), p["hosts"]["survives_host_loss"].as_bool()),
        (Some(8), Some(false))
    );
    let codes: Vec<&str> = retire["warnings"].as_array().unwrap().iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, ["host_loss_fails", "n_minus_one_above_target", "few_free_chunks"]);
    let n1 = &retire["warnings"][1];
    assert_eq!(n1["caused_by"], serde_json::json!({"field": "cell_count", "from": 120.0, "to": 90.0}));
    // Smallest k: 2,600 ≤ 0.8 × (2,700 + 30k − 30) → k = 20 → 110 cells.
    assert_eq!(n1["fixes"][0]["value"], 110.0);
    assert_eq!(retire["recommendations"][0]["title"], "Add 20 cell(s) of 32 GB to shared");

    // 3. 60 cells of 64 GB / 8 vCPU: the same 3,600 GB usable, N−1 2,600 ÷ 3,540 = 73.4 %,
    //    vCPU 480 ÷ 576 threads = 0.83.
    let resize = run_example(&router, "3-resize-to-64gb.json").await;
    assert_eq!(resize["verdict"]["status"], "fits");
    let p = &resize["proposed"];
    assert!((f(&p["n_minus_one"]["utilization_percent"]) - 73.446).abs() < 0.01);
    assert!((f(&p["vcpu_ratio"]) - 480.0 / 576.0).abs() < 1e-9);
    assert_eq!(resize["delta"]["cells"], -60);

    // 4. 400 instances of 2 GB (+32 MiB proxy) = 812.5 GB more: 94.4 % allocated, N−1 95.2 %.
    let workload = run_example(&router, "4-new-workload.json").await;
    assert_eq!(workload["verdict"]["status"], "fits_with_warnings");
    let p = &workload["proposed"];
    assert_eq!(p["unplaced_instances"], 0);
    assert!((f(&p["allocated_percent"]) - 94.444).abs() < 0.01);
    assert_eq!(workload["warnings"][1]["caused_by"]["field"], "workload.instances");
    assert_eq!(workload["recommendations"][0]["title"], "Add 23 cell(s) of 32 GB to shared");

    // 5. 240 cells at a 1.5 vCPU target: 960 vCPUs ÷ 576 threads = 1.67 > 1.5; host memory
    //    8,320 GiB needed, HA 17 % (≈N−2) leaves 7,649: two more 768 GB hosts.
    let cpu = run_example(&router, "5-double-cells-cpu.json").await;
    assert_eq!(cpu["verdict"]["status"], "fits_with_warnings");
    assert_eq!(cpu["bottlenecks"][0]["resource"], "cpu_ratio");
    assert!((f(&cpu["bottlenecks"][0]["fraction_of_limit"]) - 1.6667 / 1.5).abs() < 1e-3);
    assert_eq!(cpu["recommendations"][0]["title"], "Add 2 host(s) of 768 GB");
    assert_eq!(cpu["proposed"]["hosts"]["ha_hosts_equivalent"], 2);
}

#[tokio::test]
async fn live_planning_snapshot_round_trip_and_validation() {
    let (router, sim) = live_router().await;
    let (status, live) = call(&router, "POST", "/api/scenario", Some("{}".into())).await;
    assert_eq!(status, StatusCode::OK, "{live}");
    assert_eq!(live["metadata"]["bosh_available"], true);
    assert_eq!(live["current"]["cells"].as_u64(), Some(sim.truth().counts.cells));
    let (status, recs) = call(&router, "GET", "/api/recommendations", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(recs["recommendations"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(recs["bottlenecks"][0]["constraining"].as_bool().unwrap_or(false));

    // Export, import, and plan offline: the same figures as live.
    let (status, snapshot) = call(&router, "GET", "/api/snapshot", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(snapshot["schema_version"], 1);
    let (status, imported) = call(&router, "POST", "/api/snapshot/import", Some(snapshot.to_string())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(imported["cells"].as_u64(), Some(sim.truth().counts.cells));
    let offline = serde_json::json!({"scenario": {}, "snapshot": imported["snapshot"]});
    let (status, planned) = call(&router, "POST", "/api/scenario", Some(offline.to_string())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(planned["current"], live["current"]);
    assert!(planned.get("metadata").is_none(), "offline plans carry no live metadata");

    // Field-level 400s.
    let bad = r#"{"scenario": {"cell_count": 0, "overcommit": 9, "workload": {"instances": 1, "memory_mb": 0}}}"#;
    let (status, body) = call(&router, "POST", "/api/scenario", Some(bad.into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, ["cell_count", "overcommit", "workload.memory_mb"]);
    for body in [
        "{not json",
        r#"{"scenario": {"cell_count": "many"}}"#,
        r#"{"scenario": {"cells": 3}}"#,
        r#"{"snapshot": {"clusters": "x"}}"#,
    ] {
        let (status, err) = call(&router, "POST", "/api/scenario", Some(body.into())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(err["code"], 400);
    }
    let unknown = r#"{"scenario": {"segment": "nope"}}"#;
    let (_, err) = call(&router, "POST", "/api/scenario", Some(unknown.into())).await;
    assert_eq!(err["fields"][0]["field"], "segment");
    let (status, _) = call(
        &router,
        "POST",
        "/api/snapshot/import",
        Some(r#"{"schema_version": 1, "name": "x", "segments": []}"#.into()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an empty snapshot is refused");
}
