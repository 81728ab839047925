//! Hardening of `capacity-server` as a process: CORS allow-list, rate limiting before
//! authentication, body limits, sign-in through the simulator's UAA, and secrets that never
//! reach a log line or a response on any failure path.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capacity_sim::{SimConfig, Simulator};
use common::{bundle, free_port, start_with};
use serde_json::Value;

#[tokio::test]
async fn cors_preflight_follows_the_allow_list() {
    let dir = bundle();
    let server = start_with(&dir.0, &[], &[("CORS_ALLOWED_ORIGINS", "https://dash.example.com")]).await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, format!("{}/api/dashboard", server.base))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("https://dash.example.com").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://dash.example.com");
    assert!(allowed.headers().get("access-control-allow-credentials").is_none(), "bearer tokens, not cookies");
    let refused = preflight("https://evil.example.com").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let plain = client
        .get(format!("{}/api/health", server.base))
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("access-control-allow-origin").is_none());
}

#[test]
fn a_wildcard_cors_origin_is_refused_at_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_capacity-server"))
        .args(["--demo", "--demo-profile", "small", "--port", &free_port().to_string()])
        .env("CORS_ALLOWED_ORIGINS", "*")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("CORS_ALLOWED_ORIGINS is invalid"));
}

#[tokio::test]
async fn rate_limiting_comes_before_authentication_and_says_when_to_retry() {
    let dir = bundle();
    let server =
        start_with(&dir.0, &["--demo-auth"], &[("RATE_LIMIT_PER_MINUTE", "60"), ("RATE_LIMIT_BURST", "5")]).await;
    let url = format!("{}/api/dashboard", server.base);
    // The health polls of start-up used some of the burst: count until the limit answers.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(reqwest::get(&url).await.unwrap());
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status().as_u16()).collect();
    assert!(codes.contains(&401), "unauthenticated requests are refused: {codes:?}");
    let limited = statuses.into_iter().find(|r| r.status() == 429).expect("a 429 after the burst");
    let retry: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = limited.json().await.unwrap();
    assert_eq!((body["code"].as_u64(), body["error"].as_str()), (Some(429), Some("rate limited")));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let dir = bundle();
    let server = start_with(&dir.0, &[], &[("BODY_LIMIT_BYTES", "1024")]).await;
    let big = format!(r#"{{"scenario": {{}}, "snapshot": {{"name": "{}"}}}}"#, "x".repeat(4096));
    let response = reqwest::Client::new()
        .post(format!("{}/api/scenario", server.base))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn demo_auth_signs_in_through_the_simulated_uaa() {
    let dir = bundle();
    let server = start_with(&dir.0, &["--demo-auth"], &[]).await;
    let anonymous = reqwest::get(format!("{}/api/dashboard", server.base)).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let health: Value = reqwest::get(format!("{}/api/health", server.base)).await.unwrap().json().await.unwrap();
    assert_eq!(health["auth"]["mode"], "uaa");
    let token_url = health["auth"]["uaa"]["token_url"].as_str().unwrap().to_owned();
    let token: Value = reqwest::Client::new()
        .post(&token_url)
        .basic_auth("cf", Some(""))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password&username=viewer&password=sim-viewer-password")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signed_in = reqwest::Client::new()
        .get(format!("{}/api/dashboard", server.base))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let page = reqwest::get(format!("{}/", server.base)).await.unwrap();
    let uaa_origin = token_url.trim_end_matches("/oauth/token");
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains(uaa_origin), "CSP admits the UAA");
}

/// A failure path: its name, the environment, and the requests that exercise it.
type Case<'a> = (&'a str, Vec<(&'static str, String)>, Vec<(&'a str, &'a [(&'a str, &'a str)])>);

/// Runs `capacity-server` (not in demo mode) with `env`, optionally makes requests, and
/// returns everything it logged plus the response bodies.
async fn run_and_capture(env: &[(&str, String)], requests: &[(&str, &[(&str, &str)])]) -> String {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_capacity-server"))
        .args(["--port", &port.to_string()])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "debug")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut captured = String::new();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut up = false;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if reqwest::get(format!("{base}/api/health")).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if up {
        let client = reqwest::Client::new();
        for (path, headers) in requests {
            let mut request = client.get(format!("{base}{path}"));
            for (k, v) in *headers {
                request = request.header(*k, *v);
            }
            let response = request.send().await.unwrap();
            captured.push_str(&response.text().await.unwrap());
            captured.push('\n');
        }
        let _ = child.kill();
    }
    let output = child.wait_with_output().unwrap();
    captured.push_str(&String::from_utf8_lossy(&output.stdout));
    captured.push_str(&String::from_utf8_lossy(&output.stderr));
    captured
}

#[tokio::test]
async fn no_secret_reaches_a_log_or_a_response_on_any_failure_path() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let c = sim.credentials.clone();
    let base = |extra: &[(&str, &str)]| -> Vec<(&'static str, String)> {
        let mut env: Vec<(&'static str, String)> = vec![
            ("CF_API_URL", sim.urls.cf.clone()),
            ("CF_USERNAME", c.cf_username.clone()),
            ("CF_PASSWORD", c.cf_password.clone()),
            ("BOSH_ENVIRONMENT", sim.urls.bosh.clone()),
            ("BOSH_CLIENT", c.bosh_client.clone()),
            ("BOSH_CLIENT_SECRET", c.bosh_client_secret.clone()),
            ("BOSH_RETRIES", "0".into()),
            ("AUTH_MODE", "disabled".into()),
        ];
        for (k, v) in extra {
            let key: &'static str = Box::leak((*k).to_owned().into_boxed_str());
            env.retain(|(existing, _)| *existing != key);
            if !v.is_empty() {
                env.push((key, (*v).to_owned()));
            }
        }
        env
    };
    let issuer = format!("{}/oauth/token", sim.urls.uaa);
    let (_, known_key_record) = capacity_app::auth::apikey::generate("ci", capacity_app::auth::Role::Viewer).unwrap();
    let vcap = r#"{"user-provided":[{"name":"diego-capacity-analyzer","credentials":{"cf_password":{"nested":"SECRET-D-vcap"}}}]}"#;
    let cases: Vec<Case<'_>> = vec![
        ("missing user with a password", base(&[("CF_USERNAME", ""), ("CF_PASSWORD", "SECRET-A-startup")]), vec![]),
        ("unreadable BOSH CA", base(&[("BOSH_CA_CERT", "not a pem SECRET-B-ca")]), vec![]),
        (
            "malformed API keys",
            base(&[("AUTH_MODE", "uaa"), ("AUTH_ISSUER", issuer.as_str()), ("API_KEYS", "ci:viewer:SECRET-C-apikeys")]),
            vec![],
        ),
        ("malformed service binding", base(&[("VCAP_SERVICES", vcap)]), vec![]),
        (
            "wrong CF password",
            base(&[("CF_PASSWORD", "SECRET-F-cfpw")]),
            vec![("/api/dashboard", &[]), ("/api/health", &[])],
        ),
        (
            "wrong BOSH secret",
            base(&[("BOSH_CLIENT_SECRET", "SECRET-G-bosh")]),
            vec![("/api/dashboard", &[]), ("/api/health", &[])],
        ),
        (
            "wrong CF client secret",
            base(&[
                ("CF_USERNAME", ""),
                ("CF_PASSWORD", ""),
                ("CF_CLIENT_ID", "capacity-analyzer"),
                ("CF_CLIENT_SECRET", "SECRET-H-client"),
            ]),
            vec![("/api/dashboard", &[])],
        ),
        (
            "forged credentials presented to the API",
            base(&[("AUTH_MODE", "uaa"), ("AUTH_ISSUER", issuer.as_str()), ("API_KEYS", known_key_record.as_str())]),
            vec![
                ("/api/dashboard", &[("authorization", "Bearer SECRET-I-token.abc.def")]),
                ("/api/dashboard", &[("x-api-key", "SECRET-J-apikey")]),
                ("/api/cells", &[("authorization", "ApiKey SECRET-K-apikey")]),
                ("/api/health", &[("authorization", "Bearer SECRET-L-token")]),
            ],
        ),
    ];
    for (name, env, requests) in &cases {
        let captured = run_and_capture(env, requests).await;
        assert!(!captured.is_empty(), "{name}: something was logged");
        for marker in [
            "SECRET-A", "SECRET-B", "SECRET-C", "SECRET-D", "SECRET-F", "SECRET-G", "SECRET-H", "SECRET-I", "SECRET-J",
            "SECRET-K", "SECRET-L",
        ] {
            assert!(!captured.contains(marker), "{name}: {marker} leaked:\n{captured}");
        }
        for real in [&c.cf_password, &c.bosh_client_secret, &c.cf_client_secret] {
            assert!(!captured.contains(real.as_str()), "{name}: a real credential leaked");
        }
    }
    // The failure paths were really taken: each startup case names its variable.
    let startup = run_and_capture(&cases[0].1, &[]).await;
    assert!(startup.contains("CF_USERNAME is required"), "{startup}");
    let wrong_cf = run_and_capture(&cases[4].1, &[("/api/dashboard", &[])]).await;
    assert!(wrong_cf.contains("Bad credentials"), "{wrong_cf}");

    // The secret store: a malformed secret in AWS Secrets Manager (moto) stops the start-up
    // without quoting it.
    let moto = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT is set by scripts/test (the moto server)");
    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new("t", "t", None, None, "test"))
        .load()
        .await;
    let name = format!("hygiene-{}", std::process::id());
    aws_sdk_secretsmanager::Client::new(&aws)
        .create_secret()
        .name(&name)
        .secret_string("cf_password=SECRET-M-store (not JSON)")
        .send()
        .await
        .unwrap();
    let env = [
        base(&[]),
        vec![
            ("SECRET_ID", name.clone()),
            ("AWS_ENDPOINT_URL", moto),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "t".into()),
            ("AWS_SECRET_ACCESS_KEY", "SECRET-N-aws".into()),
        ],
    ]
    .concat();
    let captured = run_and_capture(&env, &[]).await;
    assert!(captured.contains("secret store"), "{captured}");
    assert!(!captured.contains("SECRET-M") && !captured.contains("SECRET-N"), "{captured}");
}
