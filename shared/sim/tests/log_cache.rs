#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use common::{bosh_token, cf_token, client, get, get_json, small};
use reqwest::StatusCode;
use serde_json::Value;

fn query_url(base: &str, query: &str) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("query", query);
    format!("{base}/api/v1/query?{}", s.finish())
}

#[tokio::test]
async fn any_auth_problem_is_404() {
    let sim = small().await;
    let url = query_url(&sim.urls.log_cache, r#"CapacityTotalMemory{source_id="rep"}"#);
    let res = client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&url, "garbage").await.status(), StatusCode::NOT_FOUND);
    let bosh = bosh_token(&sim).await;
    assert_eq!(get(&url, &bosh).await.status(), StatusCode::NOT_FOUND);
    let info: Value =
        client().get(format!("{}/api/v1/info", sim.urls.log_cache)).send().await.unwrap().json().await.unwrap();
    assert!(info["version"].is_string());
}

#[tokio::test]
async fn queries_without_source_id_are_bad_data() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let (status, body) = get_json(&query_url(&sim.urls.log_cache, "CapacityTotalMemory"), &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["status"], "error");
    assert_eq!(body["errorType"], "bad_data");
    assert_eq!(body["error"], "query does not request any source_ids");
    let (status, body) = get_json(&query_url(&sim.urls.log_cache, r#"sum(memory{source_id="x"})"#), &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errorType"], "bad_data");
}

async fn rep_metric(sim: &capacity_sim::SimHandle, token: &str, name: &str) -> HashMap<String, (f64, Value)> {
    let url = query_url(&sim.urls.log_cache, &format!(r#"{name}{{source_id="rep"}}"#));
    let res = get(&url, token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(text.contains(".000,\"") || text.contains("\"value\":["), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "vector");
    body["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["value"][0].is_f64());
            let v: f64 = r["value"][1].as_str().unwrap().parse().unwrap();
            (r["metric"]["ip"].as_str().unwrap().to_owned(), (v, r["metric"].clone()))
        })
        .collect()
}

#[tokio::test]
async fn rep_capacity_is_consistent_with_truth() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let truth = sim.truth();
    let total = rep_metric(&sim, &token, "CapacityTotalMemory").await;
    let remaining = rep_metric(&sim, &token, "CapacityRemainingMemory").await;
    let containers = rep_metric(&sim, &token, "ContainerCount").await;
    let slots = rep_metric(&sim, &token, "CapacityTotalContainers").await;
    assert_eq!(total.len(), truth.cells.len());
    for cell in &truth.cells {
        let (t, labels) = &total[&cell.ip];
        assert_eq!(*t as u64, cell.capacity_mb);
        assert_eq!(cell.capacity_mb - remaining[&cell.ip].0 as u64, cell.allocated_mb);
        assert_eq!(
            cell.allocated_mb,
            cell.allocated_instances_mb + cell.instances * truth.proxy_memory_mb + cell.tasks_mb,
            "allocated = instances + proxy + tasks"
        );
        assert_eq!(containers[&cell.ip].0 as u64, cell.containers);
        assert_eq!(slots[&cell.ip].0, 250.0);
        assert_eq!(labels["instance_id"], cell.instance_id);
        assert_eq!(labels["index"], cell.instance_id);
        assert_eq!(labels["deployment"], cell.deployment);
        assert_eq!(labels["job"], cell.instance_group);
        assert_eq!(labels["zone"], cell.az);
        assert_eq!(labels["origin"], "rep");
        if cell.segment == "shared" {
            assert!(labels.get("placement_tag").is_none());
        } else {
            assert_eq!(labels["placement_tag"], cell.segment);
        }
    }
}

#[tokio::test]
async fn app_container_metrics_match_stats() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let (_, processes) = get_json(&format!("{}/v3/processes?per_page=5000", sim.urls.cf), &token).await;
    let (_, apps) = get_json(&format!("{}/v3/apps?per_page=5000", sim.urls.cf), &token).await;
    let started: Vec<&str> = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["state"] == "STARTED")
        .map(|a| a["guid"].as_str().unwrap())
        .take(20)
        .collect();
    let url = query_url(&sim.urls.log_cache, &format!(r#"memory{{source_id=~"{}"}}"#, started.join("|")));
    let (status, body) = get_json(&url, &token).await;
    assert_eq!(status, StatusCode::OK);
    let mut by_instance: HashMap<(String, String), u64> = HashMap::new();
    for r in body["data"]["result"].as_array().unwrap() {
        let m = &r["metric"];
        assert!(started.contains(&m["source_id"].as_str().unwrap()));
        assert_eq!(m["source_id"], m["app_id"]);
        assert!(m["ip"].is_string() && m["deployment"].is_string() && m["index"].is_string());
        let key = (m["process_id"].as_str().unwrap().to_owned(), m["instance_id"].as_str().unwrap().to_owned());
        by_instance.insert(key, r["value"][1].as_str().unwrap().parse().unwrap());
    }
    assert!(!by_instance.is_empty());
    let mut checked = 0;
    for p in processes["resources"].as_array().unwrap() {
        if !started.contains(&p["relationships"]["app"]["data"]["guid"].as_str().unwrap()) || p["instances"] == 0 {
            continue;
        }
        let (_, stats) = get_json(p["links"]["stats"]["href"].as_str().unwrap(), &token).await;
        for e in stats["resources"].as_array().unwrap() {
            let key = (p["guid"].as_str().unwrap().to_owned(), e["index"].to_string());
            if e["state"] == "RUNNING" {
                assert_eq!(by_instance.get(&key).copied(), e["usage"]["mem"].as_u64(), "{key:?}");
                checked += 1;
            } else {
                assert!(!by_instance.contains_key(&key));
            }
        }
    }
    assert_eq!(checked, by_instance.len());

    // Other matchers compare by equality whatever the operator.
    let one = started[0];
    let url = query_url(&sim.urls.log_cache, &format!(r#"cpu{{source_id="{one}",process_type=~"web"}}"#));
    let (status, body) = get_json(&url, &token).await;
    assert_eq!(status, StatusCode::OK);
    for r in body["data"]["result"].as_array().unwrap() {
        assert_eq!(r["metric"]["process_type"], "web");
    }
}

#[tokio::test]
async fn read_endpoint_returns_envelopes_with_string_timestamps() {
    let sim = small().await;
    let token = cf_token(&sim).await;
    let (status, body) =
        get_json(&format!("{}/api/v1/read/rep?envelope_types=GAUGE&limit=5", sim.urls.log_cache), &token).await;
    assert_eq!(status, StatusCode::OK);
    let batch = body["envelopes"]["batch"].as_array().unwrap();
    assert_eq!(batch.len(), 5);
    assert!(batch[0]["timestamp"].is_string());
    assert_eq!(batch[0]["source_id"], "rep");
    assert!(batch[0]["gauge"]["metrics"].is_object());
}
