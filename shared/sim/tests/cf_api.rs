#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use capacity_sim::Faults;
use common::{cf_token, client, get_json, small};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn root_advertises_the_other_services() {
    let sim = small().await;
    let body: Value = client().get(&sim.urls.cf).send().await.unwrap().json().await.unwrap();
    let links = &body["links"];
    assert_eq!(links["login"]["href"], sim.urls.uaa);
    assert_eq!(links["uaa"]["href"], sim.urls.uaa);
    assert_eq!(links["log_cache"]["href"], sim.urls.log_cache);
    assert_eq!(links["cloud_controller_v3"]["meta"]["version"], "3.228.0");
    assert!(links["credhub"].is_null());
    assert!(links["app_ssh"]["meta"]["oauth_client"].is_string());
}

#[tokio::test]
async fn pagination_follows_next_hrefs_to_the_end() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let truth = sim.truth();
    let mut url = format!("{}/v3/apps?per_page=37&include=space.organization", sim.urls.cf);
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let (status, body) = get_json(&url, &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let p = &body["pagination"];
        assert_eq!(p["total_results"], truth.counts.apps);
        assert_eq!(p["total_pages"], truth.counts.apps.div_ceil(37));
        assert!(p["first"]["href"].as_str().unwrap().starts_with(&format!("{}/v3/apps?", sim.urls.cf)));
        assert!(p["first"]["href"].as_str().unwrap().contains("include=space.organization"));
        seen += body["resources"].as_array().unwrap().len();
        pages += 1;
        assert!(!body["included"]["spaces"].as_array().unwrap().is_empty());
        assert!(!body["included"]["organizations"].as_array().unwrap().is_empty());
        match p["next"]["href"].as_str() {
            Some(next) => url = next.to_owned(),
            None => {
                assert!(p["next"].is_null());
                break;
            }
        }
    }
    assert_eq!(seen as u64, truth.counts.apps);
    assert_eq!(pages as u64, truth.counts.apps.div_ceil(37));
    let (_, body) = get_json(&format!("{}/v3/apps", sim.urls.cf), &token).await;
    assert_eq!(body["resources"].as_array().unwrap().len(), 50, "default per_page is 50");
}

#[tokio::test]
async fn strict_query_validation() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let (status, body) = get_json(&format!("{}/v3/apps?states=STARTED", sim.urls.cf), &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["code"], 10005);
    assert_eq!(body["errors"][0]["title"], "CF-BadQueryParameter");
    let detail = body["errors"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("Unknown query parameter(s): 'states'. Valid parameters are: '"), "{detail}");
    for per_page in ["0", "5001", "x"] {
        let (status, _) = get_json(&format!("{}/v3/processes?per_page={per_page}", sim.urls.cf), &token).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "per_page={per_page}");
    }
    let (status, _) = get_json(&format!("{}/v3/processes?per_page=5000", sim.urls.cf), &token).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn auth_errors_follow_cc() {
    let sim = small().await;
    let res = client().get(format!("{}/v3/apps", sim.urls.cf)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], 10002);
    assert_eq!(body["errors"][0]["title"], "CF-NotAuthenticated");

    let (status, body) = get_json(&format!("{}/v3/apps", sim.urls.cf), "not-a-jwt").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], 1000);

    sim.set_faults(Faults { token_lifetime_secs: Some(0), ..Faults::default() });
    let expired = cf_token(&sim).await;
    let (status, body) = get_json(&format!("{}/v3/apps", sim.urls.cf), &expired).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], 1000);
    assert_eq!(body["errors"][0]["title"], "CF-InvalidAuthToken");

    // A BOSH token is signed by another issuer.
    let bosh = common::bosh_token(&sim).await;
    let (status, _) = get_json(&format!("{}/v3/apps", sim.urls.cf), &bosh).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_guid_is_404() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let url = format!("{}/v3/processes/00000000-0000-4000-8000-000000000000/stats", sim.urls.cf);
    let (status, body) = get_json(&url, &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errors"][0]["title"], "CF-ResourceNotFound");
}

async fn list_all(sim: &capacity_sim::SimHandle, token: &str, path: &str) -> Vec<Value> {
    let (status, body) = get_json(&format!("{}{path}", sim.urls.cf), token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["pagination"]["next"].is_null());
    body["resources"].as_array().unwrap().clone()
}

/// Crawls like the analyzer would and checks the stats agree with the ground truth.
#[tokio::test]
async fn process_stats_match_truth() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let truth = sim.truth();
    let apps = list_all(&sim, &token, "/v3/apps?per_page=5000").await;
    let started: HashMap<String, bool> =
        apps.iter().map(|a| (a["guid"].as_str().unwrap().to_owned(), a["state"] == "STARTED")).collect();
    assert!(started.values().any(|s| !s), "some apps are stopped");
    let processes = list_all(&sim, &token, "/v3/processes?per_page=5000").await;
    assert_eq!(processes.len() as u64, truth.counts.processes);
    assert!(processes.iter().any(|p| p["type"] == "worker" && p["instances"] == 0));
    let cell_ips: HashMap<&str, &capacity_sim::CellTruth> = truth.cells.iter().map(|c| (c.ip.as_str(), c)).collect();

    let mut used_by_ip: HashMap<String, u64> = HashMap::new();
    let mut quota_mb_by_ip: HashMap<String, u64> = HashMap::new();
    let mut states: HashMap<String, u64> = HashMap::new();
    let mut stats_calls = 0;
    for p in &processes {
        let app = p["relationships"]["app"]["data"]["guid"].as_str().unwrap();
        if !started[app] || p["instances"] == 0 {
            continue;
        }
        stats_calls += 1;
        let url = p["links"]["stats"]["href"].as_str().unwrap();
        let (status, body) = get_json(url, &token).await;
        assert_eq!(status, StatusCode::OK);
        let entries = body["resources"].as_array().unwrap();
        assert_eq!(entries.len() as u64, p["instances"].as_u64().unwrap());
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(e["index"], i);
            let state = e["state"].as_str().unwrap().to_owned();
            *states.entry(state.clone()).or_default() += 1;
            match state.as_str() {
                "DOWN" => {
                    let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
                    assert_eq!(keys.len(), 7, "{e}");
                    assert!(e.get("host").is_none());
                }
                "CRASHED" => {
                    assert_eq!(e["host"], "");
                    assert_eq!(e["usage"]["mem"], 0);
                }
                _ => {
                    let host = e["host"].as_str().unwrap();
                    let cell = cell_ips.get(host).expect("host is a cell IP");
                    let seg = if cell.segment == "shared" { Value::Null } else { Value::from(cell.segment.clone()) };
                    assert_eq!(e["isolation_segment"], seg);
                    assert_eq!(e["mem_quota"].as_u64().unwrap(), p["memory_in_mb"].as_u64().unwrap() * 1024 * 1024);
                    *used_by_ip.entry(host.to_owned()).or_default() += e["usage"]["mem"].as_u64().unwrap();
                    *quota_mb_by_ip.entry(host.to_owned()).or_default() += p["memory_in_mb"].as_u64().unwrap();
                }
            }
        }
    }
    assert_eq!(stats_calls, truth.counts.processes_with_stats);
    for cell in &truth.cells {
        assert_eq!(used_by_ip.get(&cell.ip).copied().unwrap_or(0), cell.used_bytes, "used on {}", cell.ip);
        assert_eq!(
            quota_mb_by_ip.get(&cell.ip).copied().unwrap_or(0),
            cell.allocated_instances_mb,
            "quota on {}",
            cell.ip
        );
    }
    for (state, n) in &truth.counts.instances_by_state {
        assert_eq!(states.get(state).copied().unwrap_or(0), *n, "{state}");
    }
    let down_with_details = truth.counts.instances_by_state["DOWN"];
    assert!(down_with_details > 0);
}

#[tokio::test]
async fn segment_relationships_resolve_effective_segments() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let cf = &sim.urls.cf;
    let segments = list_all(&sim, &token, "/v3/isolation_segments").await;
    let shared = segments.iter().find(|s| s["name"] == "shared").unwrap();
    assert_eq!(shared["guid"], "933b4c58-120b-499a-b85d-4b6fc9e2903b");
    assert_eq!(segments.len() as u64, sim.truth().counts.isolation_segments);
    let mut assigned_to_shared = 0;
    for seg in &segments {
        let guid = seg["guid"].as_str().unwrap();
        let (status, spaces) =
            get_json(&format!("{cf}/v3/isolation_segments/{guid}/relationships/spaces"), &token).await;
        assert_eq!(status, StatusCode::OK);
        if seg["name"] == "shared" {
            assigned_to_shared += spaces["data"].as_array().unwrap().len();
        }
        let (status, orgs) =
            get_json(&format!("{cf}/v3/isolation_segments/{guid}/relationships/organizations"), &token).await;
        assert_eq!(status, StatusCode::OK);
        assert!(orgs["data"].is_array());
    }
    assert!(assigned_to_shared >= 1);
    let orgs = list_all(&sim, &token, "/v3/organizations").await;
    let mut defaults = 0;
    for org in &orgs {
        let guid = org["guid"].as_str().unwrap();
        let (status, body) =
            get_json(&format!("{cf}/v3/organizations/{guid}/relationships/default_isolation_segment"), &token).await;
        assert_eq!(status, StatusCode::OK);
        if !body["data"].is_null() {
            defaults += 1;
        }
    }
    assert_eq!(defaults, sim.truth().counts.orgs_with_default_segment);
}

#[tokio::test]
async fn embed_process_instances_and_filters() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let cf = &sim.urls.cf;
    let (_, apps) = get_json(&format!("{cf}/v3/apps?per_page=3"), &token).await;
    let apps = apps["resources"].as_array().unwrap();
    let guids: Vec<&str> = apps.iter().map(|a| a["guid"].as_str().unwrap()).collect();
    let (status, body) =
        get_json(&format!("{cf}/v3/processes?app_guids={}&embed=process_instances", guids.join(",")), &token).await;
    assert_eq!(status, StatusCode::OK);
    for p in body["resources"].as_array().unwrap() {
        assert!(guids.contains(&p["relationships"]["app"]["data"]["guid"].as_str().unwrap()));
        assert_eq!(p["process_instances"].as_array().unwrap().len() as u64, p["instances"].as_u64().unwrap());
    }
    let (status, _) = get_json(&format!("{cf}/v3/processes?embed=nope"), &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
