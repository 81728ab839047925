#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use capacity_sim::{Faults, SimConfig, Simulator};
use common::{bosh_token, cf_token, client, get, get_json, small};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn info_advertises_the_directors_uaa() {
    let sim = small().await;
    let body: Value = client().get(format!("{}/info", sim.urls.bosh)).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["user_authentication"]["type"], "uaa");
    assert_eq!(body["user_authentication"]["options"]["url"], sim.urls.bosh_uaa);
    assert_eq!(body["user_authentication"]["options"]["urls"][0], sim.urls.bosh_uaa);
    assert!(body["uuid"].is_string() && body["version"].is_string());
}

#[tokio::test]
async fn missing_or_foreign_token_is_plain_text_401() {
    let sim = small().await;
    let res = client().get(format!("{}/deployments", sim.urls.bosh)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Basic realm=\"BOSH Director\"");
    assert_eq!(res.text().await.unwrap(), "Not authorized: '/deployments'\n");
    let cf = cf_token(&sim).await;
    let res = get(&format!("{}/deployments", sim.urls.bosh), &cf).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn deployments_and_exclude_params() {
    let sim = small().await;
    let token = bosh_token(&sim).await;
    let truth = sim.truth();
    let (status, body) = get_json(&format!("{}/deployments", sim.urls.bosh), &token).await;
    assert_eq!(status, StatusCode::OK);
    let list = body.as_array().unwrap();
    assert_eq!(list.len() as u64, truth.counts.deployments);
    let with_diego =
        list.iter().filter(|d| d["releases"].as_array().unwrap().iter().any(|r| r["name"] == "diego")).count();
    assert_eq!(with_diego as u64, truth.counts.cell_deployments);
    assert!(list.iter().any(|d| d["name"].as_str().unwrap().starts_with("p-mysql-")));
    let url = format!(
        "{}/deployments?exclude_configs=true&exclude_releases=true&exclude_stemcells=true&exclude_lock=true",
        sim.urls.bosh
    );
    let (_, trimmed) = get_json(&url, &token).await;
    let keys: Vec<&String> = trimmed[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["name", "teams"]);
    let (status, body) = get_json(&format!("{}/deployments/nope/vms", sim.urls.bosh), &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], 70000);
}

#[tokio::test]
async fn vms_format_full_redirects_to_a_task_with_ndjson_result() {
    let sim = small().await;
    let token = bosh_token(&sim).await;
    let truth = sim.truth();
    let cf_deployment = truth.cells.iter().find(|c| c.segment == "shared").unwrap().deployment.clone();
    let res = get(&format!("{}/deployments/{cf_deployment}/vms?format=full", sim.urls.bosh), &token).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{}/tasks/", sim.urls.bosh)), "{location}");

    let (_, task) = get_json(&location, &token).await;
    assert_eq!(task["state"], "queued");
    let (_, early) = get_json(&format!("{location}/output?type=result"), &token).await;
    assert_eq!(early, Value::String(String::new()), "no result before done");
    let (_, task) = get_json(&location, &token).await;
    assert_eq!(task["state"], "done");
    assert_eq!(task["description"], "retrieve vm-stats");

    let text = get(&format!("{location}/output?type=result"), &token).await.text().await.unwrap();
    let rows: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len() as u64, truth.counts.vm_rows_by_deployment[&cf_deployment]);
    assert_eq!(rows.iter().filter(|r| r["active"] == false).count(), 1);
    assert!(rows.iter().any(|r| r["job_name"] == "router"));
    let cells: Vec<&Value> = rows.iter().filter(|r| r["job_name"] == "diego_cell" && r["active"] == true).collect();
    assert_eq!(cells.len(), truth.cells.iter().filter(|c| c.deployment == cf_deployment).count());
    let inactive = rows.iter().find(|r| r["active"] == false).unwrap();
    assert!(cells.iter().any(|c| c["id"] == inactive["id"]), "the old VM shares its instance id");
    for row in &rows {
        let v = &row["vitals"];
        for key in ["sys", "user", "wait"] {
            let s = v["cpu"][key].as_str().expect("cpu vitals are strings");
            assert_eq!(s.split('.').nth(1).map(str::len), Some(1), "{s}");
        }
        assert!(v["mem"]["kb"].is_string() && v["mem"]["percent"].is_string());
        assert!(v["swap"]["kb"].is_string());
        assert_eq!(v["load"].as_array().unwrap().len(), 3);
        assert!(v["load"][0].is_string());
        assert!(v["disk"]["system"]["percent"].is_string() && v["disk"]["ephemeral"]["percent"].is_string());
        assert!(row["cloud_properties"]["ram"].is_u64());
    }
    let names: Vec<&str> =
        cells[0]["processes"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"rep") && names.contains(&"garden"));
}

#[tokio::test]
async fn task_polls_are_configurable() {
    let sim = Simulator::start(SimConfig { task_polls_until_done: 3, ..SimConfig::default() }).await.unwrap();
    let token = bosh_token(&sim).await;
    let deployment = sim.truth().cells[0].deployment.clone();
    let res = get(&format!("{}/deployments/{deployment}/vms?format=full", sim.urls.bosh), &token).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let mut states = Vec::new();
    for _ in 0..3 {
        let (_, task) = get_json(&location, &token).await;
        states.push(task["state"].as_str().unwrap().to_owned());
    }
    assert_eq!(states, ["queued", "processing", "done"]);
}

#[tokio::test]
async fn sync_vms_list() {
    let sim = small().await;
    let token = bosh_token(&sim).await;
    let deployment = sim.truth().cells[0].deployment.clone();
    let (status, body) = get_json(&format!("{}/deployments/{deployment}/vms", sim.urls.bosh), &token).await;
    assert_eq!(status, StatusCode::OK);
    let rows = body.as_array().unwrap();
    assert!(rows.iter().all(|r| r["cid"].is_string() && r["ips"].is_array() && r["active"].is_boolean()));
}

#[tokio::test]
async fn unreachable_director_refuses_connections_then_recovers() {
    let sim = small().await;
    let info = format!("{}/info", sim.urls.bosh);
    assert!(client().get(&info).send().await.is_ok());
    let res = client()
        .put(format!("{}/__sim/faults", sim.urls.cf))
        .body(r#"{"bosh_unreachable": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let err = client().get(&info).send().await.expect_err("connection refused");
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    sim.set_faults(Faults::default());
    let res = client().delete(format!("{}/__sim/faults", sim.urls.cf)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(client().get(&info).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn director_over_tls_with_generated_ca() {
    let sim = Simulator::start(SimConfig { bosh_tls: true, ..SimConfig::default() }).await.unwrap();
    assert!(sim.urls.bosh.starts_with("https://127.0.0.1:"));
    let ca = sim.bosh_ca_pem().expect("CA with bosh_tls");
    let cert = reqwest::Certificate::from_pem(ca.as_bytes()).unwrap();
    let tls_client = reqwest::Client::builder().tls_certs_only([cert]).build().unwrap();
    let res = tls_client.get(format!("{}/info", sim.urls.bosh)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(client().get(format!("{}/info", sim.urls.bosh)).send().await.is_err(), "untrusted without the CA");
}
