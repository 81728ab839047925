//! Each function's handler invoked in-process on its event JSON from `events/`, exactly as the
//! Lambda runtime does it: event → `LambdaRequest` → router → `LambdaResponse` JSON.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Read;

use base64::Engine as _;
use capacity_app::bootstrap::{self, Application, Sources};
use capacity_app::config::Settings;
use capacity_app::http::Endpoint;
use capacity_sim::{Faults, SimConfig, SimHandle, Simulator};
use lambda_http::request::LambdaRequest;
use lambda_http::tower::ServiceExt;
use lambda_http::{Adapter, Context, LambdaEvent};
use serde_json::Value;

async fn app_for(sim: &SimHandle, extra: &[(&str, &str)]) -> Application {
    let c = &sim.credentials;
    let mut pairs: Vec<(String, String)> = [
        ("CF_API_URL", sim.urls.cf.as_str()),
        ("CF_USERNAME", c.cf_username.as_str()),
        ("CF_PASSWORD", c.cf_password.as_str()),
        ("BOSH_ENVIRONMENT", sim.urls.bosh.as_str()),
        ("BOSH_CLIENT", c.bosh_client.as_str()),
        ("BOSH_CLIENT_SECRET", c.bosh_client_secret.as_str()),
        ("BOSH_TASK_POLL_MS", "10"),
        ("BOSH_RETRY_BASE_MS", "10"),
        ("AUTH_MODE", "disabled"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    pairs.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    bootstrap::build(Sources { settings: Settings::default().with_layer(pairs), secret_store: None })
        .await
        .expect("application builds")
}

fn event_file(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Invokes `router` on an API Gateway HTTP API v2 event; returns (the Lambda response JSON, body JSON).
async fn invoke(router: axum::Router, event: &str) -> (Value, Value) {
    let request: LambdaRequest = serde_json::from_str(event).expect("a valid API Gateway v2 event");
    let response = Adapter::from(router).oneshot(LambdaEvent::new(request, Context::default())).await.expect("handled");
    let wire = serde_json::to_value(&response).expect("serialisable response");
    let raw = wire["body"].as_str().unwrap_or_default();
    let bytes = if wire["isBase64Encoded"] == true {
        base64::engine::general_purpose::STANDARD.decode(raw).expect("base64 body")
    } else {
        raw.as_bytes().to_vec()
    };
    let gzipped = wire["headers"]["content-encoding"] == "gzip";
    let text = if gzipped {
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut out).expect("gzip body");
        out
    } else {
        String::from_utf8(bytes).expect("utf-8 body")
    };
    (wire, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn sim() -> SimHandle {
    Simulator::start(SimConfig::default()).await.expect("simulator")
}

#[tokio::test]
async fn every_function_answers_its_event() {
    let sim = sim().await;
    let app = app_for(&sim, &[]).await;
    let cases = [
        (Endpoint::Health, "health.json", "cf_api"),
        (Endpoint::Dashboard, "dashboard.json", "totals"),
        (Endpoint::Cells, "cells.json", "cells"),
        (Endpoint::Apps, "apps.json", "apps"),
        (Endpoint::Segments, "segments.json", "segments"),
        (Endpoint::Scenario, "scenario.json", "verdict"),
        (Endpoint::Recommendations, "recommendations.json", "recommendations"),
        (Endpoint::SnapshotExport, "snapshot.json", "schema_version"),
        (Endpoint::SnapshotImport, "snapshot-import.json", "snapshot"),
    ];
    for (endpoint, file, key) in cases {
        let router = capacity_lambda::function_router(&app, &[endpoint]);
        let (wire, body) = invoke(router, &event_file(file)).await;
        assert_eq!(wire["statusCode"], 200, "{file}: {wire}");
        assert!(body.get(key).is_some(), "{file}: {body}");
        if !matches!(endpoint, Endpoint::Health | Endpoint::SnapshotExport | Endpoint::SnapshotImport) {
            assert_eq!(body["metadata"]["bosh_available"], true, "{file}");
        }
    }
    // The cells event filters on the shared segment, the apps event pages by 20.
    let (_, cells) =
        invoke(capacity_lambda::function_router(&app, &[Endpoint::Cells]), &event_file("cells.json")).await;
    assert!(cells["cells"].as_array().unwrap().iter().all(|c| c["segment"] == "shared"));
    let (_, apps) = invoke(capacity_lambda::function_router(&app, &[Endpoint::Apps]), &event_file("apps.json")).await;
    assert_eq!(apps["limit"], 20);
    assert_eq!(apps["apps"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn a_function_does_not_serve_other_routes() {
    let sim = sim().await;
    let app = app_for(&sim, &[]).await;
    let router = capacity_lambda::function_router(&app, &[Endpoint::Health]);
    let (wire, body) = invoke(router, &event_file("dashboard.json")).await;
    assert_eq!(wire["statusCode"], 404);
    assert_eq!(body["code"], 404);
}

#[tokio::test]
async fn a_misconfigured_function_answers_json_naming_the_variable() {
    let error = bootstrap::build(Sources { settings: Settings::default(), secret_store: None })
        .await
        .expect_err("CF_API_URL is missing")
        .to_string();
    let (wire, body) = invoke(capacity_lambda::misconfigured_router(&error), &event_file("dashboard.json")).await;
    assert_eq!(wire["statusCode"], 500);
    assert_eq!(body["error"], "configuration error");
    assert!(body["details"].as_str().unwrap().contains("CF_API_URL"));
}

#[tokio::test]
async fn warm_cache_refreshes_everything_on_its_schedule_event() {
    let sim = sim().await;
    let app = app_for(&sim, &[]).await;
    let event: capacity_lambda::ScheduledEvent = serde_json::from_str(&event_file("warm-cache.json")).unwrap();
    assert_eq!(event.detail_type, "Scheduled Event");
    let outcome =
        capacity_lambda::handle_warm(&app, LambdaEvent::new(event.clone(), Context::default()), 300).await.unwrap();
    assert_eq!(outcome.refreshed, ["cf", "bosh", "log_cache"]);
    assert!(outcome.failed.is_empty());
    // A second run right after, looking 100 s ahead, finds everything fresh for 300 s.
    let again =
        capacity_lambda::handle_warm(&app, LambdaEvent::new(event.clone(), Context::default()), 100).await.unwrap();
    assert!(again.refreshed.is_empty());
    // BOSH down: the run reports it and keeps the rest.
    sim.set_faults(Faults { bosh_unreachable: true, ..Faults::default() });
    let lead = 400; // longer than the TTL: everything is due
    let degraded = capacity_lambda::handle_warm(&app, LambdaEvent::new(event, Context::default()), lead).await.unwrap();
    assert!(degraded.refreshed.contains(&"cf"));
    assert!(!degraded.refreshed.contains(&"bosh"));
}
