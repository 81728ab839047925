//! `capacity-server --demo` as a real process: every route, the bundle, `/metrics` parsed as
//! Prometheus text, and a graceful SIGTERM during a slow request.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{bundle, start};

use serde_json::Value;

async fn json(url: &str) -> (u16, Value) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn sample(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

async fn scrape(base: &str) -> prometheus_parse::Scrape {
    let text = reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap();
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("valid Prometheus text")
}

#[tokio::test]
async fn every_route_the_bundle_and_metrics() {
    let dir = bundle();
    let server = start(&dir.0).await;
    let b = &server.base;
    let (status, health) = json(&format!("{b}/api/health")).await;
    assert_eq!(status, 200);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    let (status, dashboard) = json(&format!("{b}/api/dashboard")).await;
    assert_eq!(status, 200);
    assert_eq!(dashboard["totals"]["cells"], 10);
    for (route, key) in [("cells", "cells"), ("segments", "segments"), ("apps?limit=5", "apps")] {
        let (status, body) = json(&format!("{b}/api/{route}")).await;
        assert_eq!(status, 200, "{route}");
        assert!(body[key].is_array(), "{route}");
    }
    let (status, body) = json(&format!("{b}/api/unknown")).await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(404)));
    assert_eq!(json(&format!("{b}/api/apps?limit=9999")).await.0, 400);

    // The bundle: hashed assets cached for a year, client routes fall back to index.html.
    let asset = reqwest::get(format!("{b}/assets/index-abc123.js")).await.unwrap();
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    let route = reqwest::get(format!("{b}/cells")).await.unwrap();
    assert_eq!(route.status(), 200);
    assert_eq!(route.headers()["cache-control"], "no-cache");
    assert!(route.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(route.text().await.unwrap().contains("<title>bundle</title>"));

    // Metrics parse and move.
    let before = scrape(b).await;
    let dashboards = sample(&before, "capacity_http_requests_total", &[("route", "/api/dashboard"), ("status", "200")]);
    assert!(dashboards >= 1.0);
    assert!(sample(&before, "capacity_upstream_requests_total", &[("upstream", "cf"), ("outcome", "2xx")]) > 0.0);
    assert!(sample(&before, "capacity_cache_hits_total", &[("source", "cf")]) >= 1.0);
    assert!(sample(&before, "capacity_refreshes_total", &[("source", "cf"), ("outcome", "ok")]) >= 1.0);
    reqwest::get(format!("{b}/api/dashboard")).await.unwrap();
    let after = scrape(b).await;
    assert_eq!(
        sample(&after, "capacity_http_requests_total", &[("route", "/api/dashboard"), ("status", "200")]),
        dashboards + 1.0
    );
    assert!(
        sample(&after, "capacity_http_request_duration_seconds_count", &[("route", "/api/dashboard")])
            >= dashboards + 1.0
    );
}

#[tokio::test]
async fn sigterm_lets_a_slow_request_finish_and_exits_zero() {
    let dir = bundle();
    let mut server = start(&dir.0).await;
    // Every CF list now takes two seconds, so a forced refresh is slow.
    let faults = serde_json::json!({"latency": {"per_route": {"/v3/apps": 2000}}});
    let put = reqwest::Client::new().put(format!("{}/faults", server.sim_admin)).json(&faults).send().await.unwrap();
    assert!(put.status().is_success());
    let url = format!("{}/api/dashboard?refresh=true", server.base);
    let slow = tokio::spawn(async move {
        let started = Instant::now();
        let response = reqwest::get(url).await.expect("the in-flight request completes");
        (response.status().as_u16(), started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let signalled = Instant::now();
    let (status, took) = slow.await.unwrap();
    assert_eq!(status, 200, "the request in flight at SIGTERM still succeeds");
    assert!(took >= Duration::from_secs(2), "it really was slow: {took:?}");
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(signalled.elapsed() < Duration::from_secs(5), "still running 5 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    assert!(reqwest::get(format!("{}/api/health", server.base)).await.is_err(), "no longer listening");
}
