//! CORS on the CF UAA's token and key routes: loopback origins only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use capacity_sim::{ErrorRule, Faults, Upstream};
use common::browser::{REDIRECT, VERIFIER, exchange, sign_in};
use common::{client, form, small};
use reqwest::{Method, Response, StatusCode};

const ORIGIN: &str = "http://localhost:5173";

async fn preflight(url: &str, origin: &str, method: &str, headers: &str) -> Response {
    client()
        .request(Method::OPTIONS, url)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .send()
        .await
        .unwrap()
}

fn allow_origin(res: &Response) -> Option<&str> {
    res.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn preflights_from_loopback_origins_are_allowed() {
    let sim = small().await;
    for path in ["/oauth/token", "/token_keys", "/token_key"] {
        let url = format!("{}{path}", sim.urls.uaa);
        for origin in [ORIGIN, "http://127.0.0.1:8080"] {
            let res = preflight(&url, origin, "POST", "content-type, accept").await;
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path} {origin}");
            assert_eq!(allow_origin(&res), Some(origin));
            let h = res.headers();
            assert_eq!(h["access-control-allow-methods"], "GET, POST, OPTIONS");
            assert_eq!(h["access-control-allow-headers"], "authorization, content-type, accept");
            assert!(h["access-control-max-age"].to_str().unwrap().parse::<u64>().unwrap() > 0);
            assert_eq!(h["vary"], "Origin");
        }
    }
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let sim = small().await;
    let token_url = format!("{}/oauth/token", sim.urls.uaa);
    for origin in ["https://evil.example", "http://127.0.0.1.evil.example", "null"] {
        let res = preflight(&token_url, origin, "POST", "content-type").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(allow_origin(&res), None);
        let res = client().get(format!("{}/token_keys", sim.urls.uaa)).header("origin", origin).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(allow_origin(&res), None);
    }
    // Not a CORS route, and not the BOSH UAA.
    let res = client().get(format!("{}/oauth/authorize", sim.urls.uaa)).header("origin", ORIGIN).send().await.unwrap();
    assert_eq!(allow_origin(&res), None);
    let res = preflight(&format!("{}/oauth/token", sim.urls.bosh_uaa), ORIGIN, "POST", "content-type").await;
    assert_eq!(allow_origin(&res), None);
}

#[tokio::test]
async fn actual_responses_carry_the_origin() {
    let sim = small().await;
    let code = sign_in(&sim, "viewer", "sim-viewer-password", None).await;
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("client_id", &sim.credentials.dashboard_client_id),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ]);
    let token_url = format!("{}/oauth/token", sim.urls.uaa);
    let post = |body: String| {
        client()
            .post(&token_url)
            .header("origin", ORIGIN)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let res = post(body.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(allow_origin(&res), Some(ORIGIN));
    // Errors too (the code is used up now).
    let res = post(body).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(allow_origin(&res), Some(ORIGIN));
    for path in ["/token_keys", "/token_key"] {
        let res = client().get(format!("{}{path}", sim.urls.uaa)).header("origin", ORIGIN).send().await.unwrap();
        assert_eq!(allow_origin(&res), Some(ORIGIN), "{path}");
    }
    // Without an Origin header nothing changes.
    let code = sign_in(&sim, "viewer", "sim-viewer-password", None).await;
    assert_eq!(allow_origin(&exchange(&sim, &code, VERIFIER, REDIRECT).await), None);

    // Injected faults are answered with CORS headers as well, so the browser sees the status.
    let rule = ErrorRule {
        upstream: Upstream::Uaa,
        route: Some("/token_keys".to_owned()),
        status: 503,
        rate: 1.0,
        count: Some(1),
    };
    sim.set_faults(Faults { errors: vec![rule], ..Faults::default() });
    let res = client().get(format!("{}/token_keys", sim.urls.uaa)).header("origin", ORIGIN).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(allow_origin(&res), Some(ORIGIN));
}
