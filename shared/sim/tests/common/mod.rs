//! Helpers shared by the integration tests: start a simulator, get tokens, call it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

pub mod browser;

use capacity_sim::{Profile, SimConfig, SimHandle, Simulator};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub async fn start(profile: Profile, seed: u64) -> SimHandle {
    Simulator::start(SimConfig { profile, seed, ..SimConfig::default() }).await.expect("simulator starts")
}

pub async fn small() -> SimHandle {
    start(Profile::Small, 1).await
}

pub fn client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub async fn post_form(url: &str, basic: Option<(&str, &str)>, pairs: &[(&str, &str)]) -> Response {
    let mut req = client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(form(pairs));
    if let Some((user, pass)) = basic {
        req = req.basic_auth(user, Some(pass));
    }
    req.send().await.expect("token request")
}

/// A password-grant token from CF's UAA (the cf CLI flow).
pub async fn cf_token(sim: &SimHandle) -> String {
    let c = &sim.credentials;
    let res = post_form(
        &format!("{}/oauth/token", sim.urls.uaa),
        Some(("cf", "")),
        &[("grant_type", "password"), ("username", &c.cf_username), ("password", &c.cf_password)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// A client_credentials token from the BOSH director's UAA.
pub async fn bosh_token(sim: &SimHandle) -> String {
    let c = &sim.credentials;
    let res = post_form(
        &format!("{}/oauth/token", sim.urls.bosh_uaa),
        Some((&c.bosh_client, &c.bosh_client_secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

pub async fn get(url: &str, token: &str) -> Response {
    client().get(url).bearer_auth(token).send().await.expect("request")
}

pub async fn get_json(url: &str, token: &str) -> (StatusCode, Value) {
    let res = get(url, token).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}
