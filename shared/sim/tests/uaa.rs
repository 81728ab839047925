#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use common::{client, post_form, small};
use reqwest::StatusCode;
use serde_json::Value;

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
    serde_json::from_slice(&raw).unwrap()
}

#[tokio::test]
async fn password_grant_with_cf_basic_client() {
    let sim = small().await;
    let c = &sim.credentials;
    let res = post_form(
        &format!("{}/oauth/token", sim.urls.uaa),
        Some(("cf", "")),
        &[("grant_type", "password"), ("username", &c.cf_username), ("password", &c.cf_password)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 1199);
    assert!(body["refresh_token"].as_str().unwrap().ends_with("-r"));
    let scope = body["scope"].as_str().unwrap();
    for s in ["cloud_controller.admin_read_only", "doppler.firehose", "openid"] {
        assert!(scope.split(' ').any(|x| x == s), "{scope}");
    }
    let token = body["access_token"].as_str().unwrap();
    let header = token.split('.').next().unwrap();
    let header: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    assert!(header["kid"].is_string());
    let claims = claims(token);
    assert_eq!(claims["user_name"], "admin");
    assert_eq!(claims["client_id"], "cf");
    assert_eq!(claims["grant_type"], "password");
    assert_eq!(claims["iss"], format!("{}/oauth/token", sim.urls.uaa));
    assert!(claims["scope"].is_array() && claims["aud"].is_array());
    assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), 1199);
    assert_eq!(claims["jti"], body["jti"]);
}

#[tokio::test]
async fn client_credentials_in_basic_or_form_body() {
    let sim = small().await;
    let c = &sim.credentials;
    let url = format!("{}/oauth/token", sim.urls.uaa);
    let basic =
        post_form(&url, Some((&c.cf_client_id, &c.cf_client_secret)), &[("grant_type", "client_credentials")]).await;
    assert_eq!(basic.status(), StatusCode::OK);
    let body: Value = basic.json().await.unwrap();
    assert!(body.get("refresh_token").is_none());
    let form = post_form(
        &url,
        None,
        &[("grant_type", "client_credentials"), ("client_id", &c.cf_client_id), ("client_secret", &c.cf_client_secret)],
    )
    .await;
    assert_eq!(form.status(), StatusCode::OK);
    let body: Value = form.json().await.unwrap();
    assert_eq!(claims(body["access_token"].as_str().unwrap())["grant_type"], "client_credentials");

    let bosh = post_form(
        &format!("{}/oauth/token", sim.urls.bosh_uaa),
        Some((&c.bosh_client, &c.bosh_client_secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    let body: Value = bosh.json().await.unwrap();
    assert_eq!(body["scope"], "bosh.read");
}

#[tokio::test]
async fn bad_credentials_are_401_invalid_client() {
    let sim = small().await;
    let c = &sim.credentials;
    let url = format!("{}/oauth/token", sim.urls.uaa);
    let res = post_form(&url, Some((&c.cf_client_id, "wrong")), &[("grant_type", "client_credentials")]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get("www-authenticate").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_description"], "Bad credentials");

    let res =
        post_form(&url, Some(("cf", "")), &[("grant_type", "password"), ("username", "admin"), ("password", "nope")])
            .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The CF client is unknown to the BOSH UAA.
    let res = post_form(
        &format!("{}/oauth/token", sim.urls.bosh_uaa),
        Some((&c.cf_client_id, &c.cf_client_secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_token_grant() {
    let sim = small().await;
    let c = &sim.credentials;
    let url = format!("{}/oauth/token", sim.urls.uaa);
    let res = post_form(
        &url,
        Some(("cf", "")),
        &[("grant_type", "password"), ("username", &c.cf_username), ("password", &c.cf_password)],
    )
    .await;
    let body: Value = res.json().await.unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let res = post_form(&url, Some(("cf", "")), &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let fresh: Value = res.json().await.unwrap();
    assert_ne!(fresh["access_token"], body["access_token"]);
    assert_eq!(claims(fresh["access_token"].as_str().unwrap())["user_name"], "admin");

    let res = post_form(&url, Some(("cf", "")), &[("grant_type", "refresh_token"), ("refresh_token", "bogus-r")]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn token_keys_publish_the_rsa_key() {
    let sim = small().await;
    let body: Value = client().get(format!("{}/token_keys", sim.urls.uaa)).send().await.unwrap().json().await.unwrap();
    let key = &body["keys"][0];
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["e"], "AQAB");
    assert!(key["value"].as_str().unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(key["n"].as_str().unwrap().len() > 300);
}
