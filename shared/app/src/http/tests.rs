use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use capacity_core::snapshot::*;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::*;
use crate::cache::MemoryCache;
use crate::service::{FixedUpstreams, ServiceSettings};

fn cf() -> CfSnapshot {
    let apps: Vec<App> = (0..120)
        .map(|i| App {
            guid: format!("app-{i:03}"),
            name: format!("app-{i:03}"),
            state: if i % 10 == 0 {
                capacity_core::snapshot::AppState::Stopped
            } else {
                capacity_core::snapshot::AppState::Started
            },
            space_guid: if i % 2 == 0 { "s1".into() } else { "s2".into() },
        })
        .collect();
    let processes = apps
        .iter()
        .enumerate()
        .map(|(i, a)| Process {
            guid: format!("p-{i}"),
            app_guid: a.guid.clone(),
            process_type: "web".into(),
            instances: 1 + (i as u32 % 3),
            memory_in_mb: 256 * (1 + i as u64 % 4),
            disk_in_mb: 1024,
            stats: None,
        })
        .collect();
    CfSnapshot {
        organizations: vec![Organization { guid: "o1".into(), name: "payments".into() }],
        spaces: vec![
            Space { guid: "s1".into(), name: "prod".into(), organization_guid: "o1".into() },
            Space { guid: "s2".into(), name: "dev".into(), organization_guid: "o1".into() },
        ],
        isolation_segments: vec![
            IsolationSegment { guid: SHARED_SEGMENT_GUID.into(), name: "shared".into() },
            IsolationSegment { guid: "iso".into(), name: "iso-prod".into() },
        ],
        space_segments: [("s1".to_owned(), "iso".to_owned())].into(),
        apps,
        processes,
        ..CfSnapshot::default()
    }
}

fn app_with(upstreams: FixedUpstreams) -> (Router, Arc<FixedUpstreams>) {
    let upstreams = Arc::new(upstreams);
    let settings = ServiceSettings {
        foundation: "lab".into(),
        ttl_secs: 300,
        stale_secs: 600,
        lease_for: std::time::Duration::from_secs(30),
        lease_wait: std::time::Duration::from_millis(100),
        lease_poll: std::time::Duration::from_millis(10),
        failure_backoff_secs: 30,
        analysis: capacity_core::AnalysisOptions::default(),
        refresh_min_age_secs: 30,
    };
    let service = Arc::new(CapacityService::new(upstreams.clone(), Arc::new(MemoryCache::new()), settings));
    (router(Arc::new(ApiState::unauthenticated(service)), &Endpoint::ALL), upstreams)
}

fn app() -> Router {
    app_with(FixedUpstreams::new(
        cf(),
        SourceState::NotConfigured,
        SourceState::Unavailable { reason: "Log Cache answered 404".into() },
    ))
    .0
}

async fn get(router: &Router, uri: &str) -> (StatusCode, Value) {
    let response = router.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn apps_are_filtered_sorted_and_paged() {
    let router = app();
    let (status, body) = get(&router, "/api/apps").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 120);
    assert_eq!(body["limit"], APPS_DEFAULT_LIMIT);
    assert_eq!(body["apps"].as_array().map(Vec::len), Some(APPS_DEFAULT_LIMIT));
    let requested: Vec<u64> =
        body["apps"].as_array().unwrap().iter().map(|a| a["requested_mb"].as_u64().unwrap()).collect();
    assert!(requested.windows(2).all(|w| w[0] >= w[1]), "sorted by requested desc");
    let (_, page2) = get(&router, "/api/apps?limit=50&offset=100").await;
    assert_eq!(page2["apps"].as_array().map(Vec::len), Some(20));
    let (_, iso) = get(&router, "/api/apps?segment=iso-prod&state=started&sort=name&limit=500").await;
    assert_eq!(iso["total"], 48, "60 apps in s1 (even indices), 12 of them stopped (multiples of 10)");
    assert_eq!(iso["apps"][0]["name"], "app-002");
    let (_, search) = get(&router, "/api/apps?q=APP-11&space=dev").await;
    assert_eq!(search["total"], 5, "app-111, 113, 115, 117, 119");
    assert_eq!(search["metadata"]["sources"]["bosh"]["status"], "not_used");
}

#[tokio::test]
async fn bad_queries_are_400_with_json() {
    let router = app();
    for uri in [
        "/api/apps?limit=0",
        "/api/apps?limit=501",
        "/api/apps?limit=abc",
        "/api/apps?sort=evil",
        "/api/apps?order=sideways",
        "/api/apps?state=crashed",
        "/api/apps?unknown=1",
        "/api/cells?sort=price",
        "/api/dashboard?refresh=maybe",
    ] {
        let (status, body) = get(&router, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body["code"], 400, "{uri}");
        assert!(body["details"].as_str().is_some_and(|d| !d.is_empty()), "{uri}: {body}");
    }
    let long = format!("/api/apps?q={}", "x".repeat(300));
    assert_eq!(get(&router, &long).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let router = app();
    let (status, body) = get(&router, "/api/nope").await;
    assert_eq!((status, body["code"].as_u64()), (StatusCode::NOT_FOUND, Some(404)));
    let response = router.clone().oneshot(Request::post("/api/dashboard").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn dashboard_reports_degraded_sources_in_metadata() {
    let router = app();
    let (status, body) = get(&router, "/api/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let meta = &body["metadata"];
    assert_eq!(meta["foundation"], "lab");
    assert_eq!(meta["cached"], false, "the first request collected");
    assert_eq!(meta["bosh_available"], false);
    assert_eq!(meta["log_cache_available"], false);
    assert_eq!(meta["sources"]["bosh"]["status"], "not_configured");
    assert_eq!(meta["sources"]["log_cache"]["status"], "unavailable");
    assert_eq!(meta["sources"]["log_cache"]["reason"], "Log Cache answered 404");
    assert_eq!(body["totals"]["apps"], 120);
    assert_eq!(body["top_apps"].as_array().map(Vec::len), Some(10));
    let (_, again) = get(&router, "/api/dashboard").await;
    assert_eq!(again["metadata"]["cached"], true);
}

#[tokio::test]
async fn cf_down_is_a_gateway_error() {
    let mut upstreams = FixedUpstreams::new(cf(), SourceState::NotConfigured, SourceState::NotConfigured);
    upstreams.cf = Err("connection refused".into());
    let (router, _) = app_with(upstreams);
    for uri in ["/api/dashboard", "/api/cells", "/api/apps", "/api/segments"] {
        let (status, body) = get(&router, uri).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert_eq!(body["error"], "Cloud Foundry API unavailable");
        assert!(body["details"].as_str().is_some_and(|d| d.contains("connection refused")));
    }
    let (status, health) = get(&router, "/api/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["cf_api"], "error");
    assert_eq!(health["status"], "error");
}

#[tokio::test]
async fn segments_and_cells_answer_and_health_is_cheap() {
    let (router, upstreams) =
        app_with(FixedUpstreams::new(cf(), SourceState::NotConfigured, SourceState::NotConfigured));
    let (status, health) = get(&router, "/api/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["cf_api"], "unknown");
    assert_eq!(upstreams.calls(), (0, 0, 0), "health never collects");
    let (_, segments) = get(&router, "/api/segments").await;
    assert_eq!(segments["segments"].as_array().map(Vec::len), Some(2));
    let (_, cells) = get(&router, "/api/cells?segment=shared").await;
    assert_eq!(cells["total"], 0);
    let (_, health) = get(&router, "/api/health").await;
    assert_eq!((health["cf_api"].as_str(), health["bosh_api"].as_str()), (Some("ok"), Some("not_configured")));
    assert_eq!(health["cache"]["keys"][0]["cache_key"], "lab:cf");
}
