#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use capacity_sim::{
    AuthFailureRule, ErrorRule, Faults, MalformedMode, MalformedRule, RateLimitRule, RequestStats, Upstream,
};
use common::{bosh_token, cf_token, client, get, get_json, small};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn latency_is_applied_per_route() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let mut faults = Faults::default();
    faults.latency.per_route.insert("/v3/spaces".to_owned(), 300);
    sim.set_faults(faults);
    let started = Instant::now();
    let (status, _) = get_json(&format!("{}/v3/spaces", sim.urls.cf), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed().as_millis() >= 300);
    let started = Instant::now();
    get_json(&format!("{}/v3/organizations", sim.urls.cf), &token).await;
    assert!(started.elapsed().as_millis() < 300);
}

#[tokio::test]
async fn error_rule_with_count_uses_upstream_formats() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    sim.set_faults(Faults {
        errors: vec![
            ErrorRule {
                upstream: Upstream::Cf,
                route: Some("/v3/apps".to_owned()),
                status: 503,
                rate: 1.0,
                count: Some(2),
            },
            ErrorRule { upstream: Upstream::Bosh, route: None, status: 500, rate: 1.0, count: Some(1) },
        ],
        ..Faults::default()
    });
    let url = format!("{}/v3/apps", sim.urls.cf);
    for _ in 0..2 {
        let (status, body) = get_json(&url, &token).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["errors"][0]["title"], "CF-ServiceUnavailable");
    }
    assert_eq!(get_json(&url, &token).await.0, StatusCode::OK);
    let (status, body) = get_json(&format!("{}/info", sim.urls.bosh), "").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["code"].is_number() && body["description"].is_string());
}

#[tokio::test]
async fn rate_limit_is_429_with_retry_after() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    sim.set_faults(Faults {
        rate_limits: vec![RateLimitRule { upstream: Upstream::Cf, route: None, count: 1, retry_after_secs: 7 }],
        ..Faults::default()
    });
    let res = get(&format!("{}/v3/apps", sim.urls.cf), &token).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "7");
    assert_eq!(res.headers()["content-type"], "text/plain");
    let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(body["errors"][0]["code"], 10013);
    assert_eq!(get(&format!("{}/v3/apps", sim.urls.cf), &token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn auth_failure_rejects_valid_tokens() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let bosh = bosh_token(&sim).await;
    sim.set_faults(Faults {
        auth_failures: vec![
            AuthFailureRule { upstream: Upstream::Cf, route: None, count: 1 },
            AuthFailureRule { upstream: Upstream::Bosh, route: Some("/deployments".to_owned()), count: 1 },
            AuthFailureRule { upstream: Upstream::LogCache, route: None, count: 1 },
        ],
        ..Faults::default()
    });
    let (status, body) = get_json(&format!("{}/v3/apps", sim.urls.cf), &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], 1000);
    let res = get(&format!("{}/deployments", sim.urls.bosh), &bosh).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.text().await.unwrap(), "Not authorized: '/deployments'\n");
    let res = get(&format!("{}/api/v1/query?query=x", sim.urls.log_cache), &token).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(get_json(&format!("{}/v3/apps", sim.urls.cf), &token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn malformed_bodies() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let url = format!("{}/v3/organizations", sim.urls.cf);
    for mode in [MalformedMode::Truncate, MalformedMode::Garbage, MalformedMode::WrongTypes] {
        sim.set_faults(Faults {
            malformed: vec![MalformedRule {
                upstream: Upstream::Cf,
                route: Some("/v3/organizations".to_owned()),
                mode,
                count: Some(1),
            }],
            ..Faults::default()
        });
        let res = get(&url, &token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap();
        let parsed = serde_json::from_slice::<Value>(&bytes);
        match mode {
            MalformedMode::WrongTypes => {
                let v = parsed.unwrap();
                assert!(v["pagination"]["total_results"].is_string());
                assert!(v["resources"][0]["guid"].is_number());
            }
            _ => assert!(parsed.is_err(), "{mode:?}"),
        }
        let (status, body) = get_json(&url, &token).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["pagination"]["total_results"].is_number(), "count 1 means only the first");
    }
}

#[tokio::test]
async fn faults_admin_routes_round_trip() {
    let sim = small().await;
    let admin = format!("{}/__sim/faults", sim.urls.log_cache);
    let body = r#"{"latency":{"default_ms":1,"per_upstream":{"cf":2}},"errors":[{"upstream":"cf","route":"/v3/apps","status":502,"rate":0.5,"count":3}],"token_lifetime_secs":60}"#;
    let res = client().put(&admin).body(body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let faults: Faults = client().get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(faults, sim.faults());
    assert_eq!(faults.errors[0].status, 502);
    assert_eq!(faults.token_lifetime_secs, Some(60));
    let res = client().put(&admin).body(r#"{"nope":1}"#).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    client().delete(&admin).send().await.unwrap();
    assert_eq!(sim.faults(), Faults::default());
}

#[tokio::test]
async fn stats_count_requests_by_route_template_and_status() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let (_, processes) = get_json(&format!("{}/v3/processes?per_page=2", sim.urls.cf), &token).await;
    for p in processes["resources"].as_array().unwrap() {
        get(p["links"]["stats"]["href"].as_str().unwrap(), &token).await;
    }
    get(&format!("{}/v3/apps?states=STARTED", sim.urls.cf), &token).await;
    let stats: RequestStats =
        client().get(format!("{}/__sim/stats", sim.urls.bosh)).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats, sim.stats());
    assert_eq!(stats.count(Upstream::Uaa, "/oauth/token"), 1);
    assert_eq!(stats.count(Upstream::Cf, "/v3/processes"), 1);
    assert_eq!(stats.count(Upstream::Cf, "/v3/processes/:guid/stats"), 2);
    let apps = &stats.upstreams[&Upstream::Cf].routes["/v3/apps"];
    assert_eq!(apps.by_status[&400], 1);
    assert_eq!(stats.total, 5, "admin requests are not counted");
    let res = client().post(format!("{}/__sim/stats/reset", sim.urls.cf)).send().await.unwrap();
    assert!(res.status().is_success());
    assert_eq!(sim.stats().total, 0);
    sim.reset_stats();
}
