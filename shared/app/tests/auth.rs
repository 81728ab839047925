//! Authentication negative and positive cases against the simulator's UAA keys: every refused
//! request is a JSON 401/403, and none is served.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use capacity_app::auth::{Authenticator, HttpKeySource, Jwks, KeySource, StaticKeySource, TokenSettings, apikey};
use capacity_app::cache::MemoryCache;
use capacity_app::http::{ApiState, Endpoint, router};
use capacity_app::service::{CapacityService, FixedUpstreams, ServiceSettings};
use capacity_core::snapshot::{CfSnapshot, SourceState};
use capacity_sim::{Faults, Profile, Upstream};
use http_body_util::BodyExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tower::ServiceExt;

const SIM_KEY: &[u8] = include_bytes!("../../sim/keys/sim-uaa-signing-key.pem");
const SIM_PUBLIC: &[u8] = include_bytes!("../../sim/keys/sim-uaa-signing-key.pub.pem");
const FORGED_KEY: &[u8] = include_bytes!("fixtures/forged-rsa-key.pem");
const EC_KEY: &[u8] = include_bytes!("fixtures/ec-p256-key.pem");
const EC_JWKS: &str = include_str!("fixtures/ec-p256.jwks.json");
const SIM_KID: &str = "sim-key-1";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn settings(issuer: &str) -> TokenSettings {
    TokenSettings {
        issuer: issuer.to_owned(),
        audience: "diego_capacity".to_owned(),
        viewer_scopes: vec!["diego_capacity.viewer".to_owned()],
        operator_scopes: vec!["diego_capacity.operator".to_owned()],
        leeway: Duration::from_secs(5),
    }
}

fn claims(issuer: &str, scopes: &[&str]) -> Value {
    let t = now();
    json!({"jti": "j1", "sub": "u1", "user_name": "alice", "client_id": "diego_capacity_dashboard",
           "scope": scopes, "aud": ["diego_capacity", "openid"], "iss": issuer, "iat": t, "exp": t + 600})
}

fn sign(claims: &Value, alg: Algorithm, key: &EncodingKey, kid: Option<&str>) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn sim_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(SIM_KEY).unwrap()
}

struct Harness {
    router: axum::Router,
    sim: capacity_sim::SimHandle,
    issuer: String,
    viewer_key: String,
    operator_key: String,
}

async fn harness() -> Harness {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let issuer = format!("{}/oauth/token", sim.urls.uaa);
    let upstream = capacity_clients::http::Upstream::new(
        "uaa",
        capacity_clients::HttpSettings::default(),
        Arc::new(capacity_clients::UpstreamMetrics::default()),
    )
    .unwrap();
    let source: Arc<dyn KeySource> = Arc::new(HttpKeySource::new(upstream, format!("{}/token_keys", sim.urls.uaa)));
    let (viewer_key, viewer_record) = apikey::generate("ci-viewer", capacity_app::auth::Role::Viewer).unwrap();
    let (operator_key, operator_record) = apikey::generate("ci-operator", capacity_app::auth::Role::Operator).unwrap();
    let auth = Authenticator::Enabled {
        settings: settings(&issuer),
        keys: Arc::new(Jwks::new(source, Duration::from_secs(30))),
        api_keys: apikey::parse_records(&format!("{viewer_record},{operator_record}")).unwrap(),
    };
    let upstreams =
        Arc::new(FixedUpstreams::new(CfSnapshot::default(), SourceState::NotConfigured, SourceState::NotConfigured));
    let mut service_settings = ServiceSettings::from_config(&support::config(&sim, &[]));
    service_settings.foundation = "auth-test".into();
    let service = Arc::new(CapacityService::new(upstreams, Arc::new(MemoryCache::new()), service_settings));
    let state = ApiState { service, auth: Arc::new(auth), ui_auth: None, rendered: Default::default() };
    Harness { router: router(Arc::new(state), &Endpoint::ALL), sim, issuer, viewer_key, operator_key }
}

async fn call(
    router: &axum::Router,
    method: &str,
    uri: &str,
    auth: Option<(&str, &str)>,
) -> (StatusCode, Value, Option<String>) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    if method == "POST" {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let body = if method == "POST" {
        Body::from(r#"{"snapshot": {"name":"x","clusters":[{"diego_cell_count":2,"diego_cell_memory_gb":32}]}}"#)
    } else {
        Body::empty()
    };
    let response = router.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let challenge = response.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), challenge)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn valid_tokens_and_keys_are_served_and_roles_are_enforced() {
    let h = harness().await;
    let operator =
        sign(&claims(&h.issuer, &["openid", "diego_capacity.operator"]), Algorithm::RS256, &sim_key(), Some(SIM_KID));
    let viewer =
        sign(&claims(&h.issuer, &["openid", "diego_capacity.viewer"]), Algorithm::RS256, &sim_key(), Some(SIM_KID));
    let (status, body, _) = call(&h.router, "GET", "/api/dashboard", Some(("authorization", &bearer(&operator)))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(call(&h.router, "GET", "/api/apps", Some(("authorization", &bearer(&viewer)))).await.0, StatusCode::OK);
    // Viewers read; only operators plan.
    let (status, body, _) = call(&h.router, "POST", "/api/scenario", Some(("authorization", &bearer(&viewer)))).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    assert_eq!(
        call(&h.router, "POST", "/api/scenario", Some(("authorization", &bearer(&operator)))).await.0,
        StatusCode::OK
    );
    // API keys, by header or scheme.
    assert_eq!(call(&h.router, "GET", "/api/cells", Some(("x-api-key", &h.viewer_key))).await.0, StatusCode::OK);
    let apikey_scheme = format!("ApiKey {}", h.operator_key);
    assert_eq!(
        call(&h.router, "POST", "/api/scenario", Some(("authorization", &apikey_scheme))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&h.router, "POST", "/api/scenario", Some(("x-api-key", &h.viewer_key))).await.0,
        StatusCode::FORBIDDEN
    );
    // The keys were fetched once for all of this.
    assert_eq!(h.sim.stats().count(Upstream::Uaa, "/token_keys"), 1);
}

#[tokio::test]
async fn every_bad_credential_is_refused_with_json() {
    let h = harness().await;
    let iss = h.issuer.clone();
    let t = now();
    let key = sim_key();
    let ok = |c: &Value| sign(c, Algorithm::RS256, &key, Some(SIM_KID));
    let with = |patch: Value| {
        let mut c = claims(&iss, &["diego_capacity.viewer"]);
        for (k, v) in patch.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    let hs_with_public_key = jsonwebtoken::encode(
        &Header { kid: Some(SIM_KID.into()), ..Header::new(Algorithm::HS256) },
        &claims(&iss, &["diego_capacity.viewer"]),
        &EncodingKey::from_secret(SIM_PUBLIC),
    )
    .unwrap();
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": SIM_KID})),
        b64(&claims(&iss, &["diego_capacity.viewer"]))
    );
    let cases: Vec<(&str, String, StatusCode)> = vec![
        (
            "bad signature",
            sign(
                &claims(&iss, &["diego_capacity.viewer"]),
                Algorithm::RS256,
                &EncodingKey::from_rsa_pem(FORGED_KEY).unwrap(),
                Some(SIM_KID),
            ),
            StatusCode::UNAUTHORIZED,
        ),
        ("wrong issuer", ok(&with(json!({"iss": "https://evil.example.com/oauth/token"}))), StatusCode::UNAUTHORIZED),
        ("wrong audience", ok(&with(json!({"aud": ["cloud_controller", "openid"]}))), StatusCode::UNAUTHORIZED),
        ("expired", ok(&with(json!({"exp": t - 120}))), StatusCode::UNAUTHORIZED),
        ("not yet valid", ok(&with(json!({"nbf": t + 600}))), StatusCode::UNAUTHORIZED),
        (
            "no exp",
            ok(&{
                let mut c = claims(&iss, &["diego_capacity.viewer"]);
                c.as_object_mut().unwrap().remove("exp");
                c
            }),
            StatusCode::UNAUTHORIZED,
        ),
        ("alg none", alg_none, StatusCode::UNAUTHORIZED),
        (
            "unknown kid",
            sign(&claims(&iss, &["diego_capacity.viewer"]), Algorithm::RS256, &key, Some("rotated-away")),
            StatusCode::UNAUTHORIZED,
        ),
        ("HS256 with the public key", hs_with_public_key, StatusCode::UNAUTHORIZED),
        ("garbage", "not.a.jwt".to_owned(), StatusCode::UNAUTHORIZED),
        ("no capacity scope", ok(&with(json!({"scope": ["openid", "cloud_controller.read"]}))), StatusCode::FORBIDDEN),
    ];
    for (name, token, expected) in cases {
        let (status, body, challenge) =
            call(&h.router, "GET", "/api/dashboard", Some(("authorization", &bearer(&token)))).await;
        assert_eq!(status, expected, "{name}: {body}");
        assert_eq!(body["code"], expected.as_u16(), "{name}");
        assert!(body["details"].as_str().is_some_and(|d| !d.contains(&token)), "{name}: the token is never echoed");
        if expected == StatusCode::UNAUTHORIZED {
            assert!(challenge.is_some_and(|c| c.starts_with("Bearer")), "{name}: WWW-Authenticate");
        }
    }
    for (name, value) in [
        ("authorization", "Basic YWRtaW46YWRtaW4="),
        ("authorization", "Bearer"),
        ("authorization", "dca_123"),
        ("x-api-key", "dca_revoked_or_unknown"),
    ] {
        let (status, body, _) = call(&h.router, "GET", "/api/cells", Some((name, value))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: {value}: {body}");
    }
    let (status, body, challenge) = call(&h.router, "GET", "/api/segments", None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    assert!(challenge.is_some());
    // The unknown kid was looked up at most once more, however often it is presented.
    let fetches = h.sim.stats().count(Upstream::Uaa, "/token_keys");
    assert!(fetches <= 2, "key fetches are rate-limited: {fetches}");
}

#[tokio::test]
async fn health_is_public_but_says_less_to_anonymous_callers() {
    let h = harness().await;
    let (status, anonymous, _) = call(&h.router, "GET", "/api/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(anonymous["auth"]["mode"], "uaa");
    assert!(anonymous.get("cache").is_none() && anonymous.get("cf_api").is_none(), "{anonymous}");
    let (_, full, _) = call(&h.router, "GET", "/api/health", Some(("x-api-key", &h.viewer_key))).await;
    assert!(full.get("cache").is_some() && full.get("cf_api").is_some(), "{full}");
}

#[tokio::test]
async fn ec_signed_uaa_tokens_verify() {
    let issuer = "https://uaa.example.com/oauth/token";
    let keys = Arc::new(Jwks::new(Arc::new(StaticKeySource(EC_JWKS.to_owned())), Duration::from_secs(30)));
    let auth = Authenticator::Enabled { settings: settings(issuer), keys, api_keys: Vec::new() };
    let token = sign(
        &claims(issuer, &["diego_capacity.viewer"]),
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_KEY).unwrap(),
        Some("ec-test-1"),
    );
    let mut headers = http::HeaderMap::new();
    headers.insert(header::AUTHORIZATION, bearer(&token).parse().unwrap());
    let principal = auth.authorize(&headers, capacity_app::auth::Role::Viewer).await.unwrap();
    assert_eq!((principal.subject.as_str(), principal.method), ("alice", "uaa_user"));
    // The same EC key must not verify an RS256 token claiming its kid.
    let rs = sign(&claims(issuer, &["diego_capacity.viewer"]), Algorithm::RS256, &sim_key(), Some("ec-test-1"));
    headers.insert(header::AUTHORIZATION, bearer(&rs).parse().unwrap());
    assert!(auth.authorize(&headers, capacity_app::auth::Role::Viewer).await.is_err());
}

/// A token from the simulator's UAA (password grant through the `cf` client).
async fn uaa_token(sim: &capacity_sim::SimHandle, user: &str, password: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/oauth/token", sim.urls.uaa))
        .basic_auth("cf", Some(""))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("grant_type=password&username={user}&password={password}"))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tokens_issued_by_the_simulated_uaa_map_to_roles() {
    let h = harness().await;
    let c = &h.sim.credentials;
    let admin = uaa_token(&h.sim, &c.cf_username, &c.cf_password).await;
    let viewer = uaa_token(&h.sim, &c.viewer_username, &c.viewer_password).await;
    assert_eq!(
        call(&h.router, "POST", "/api/scenario", Some(("authorization", &bearer(&admin)))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&h.router, "GET", "/api/dashboard", Some(("authorization", &bearer(&viewer)))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&h.router, "POST", "/api/scenario", Some(("authorization", &bearer(&viewer)))).await.0,
        StatusCode::FORBIDDEN
    );
}
