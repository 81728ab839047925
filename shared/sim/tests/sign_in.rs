//! The dashboard's browser sign-in against the CF UAA: authorization_code with PKCE (S256).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use capacity_sim::{ErrorRule, Faults, SimConfig, Simulator, Upstream};
use common::browser::{
    CHALLENGE, OTHER_VERIFIER, REDIRECT, STATE, VERIFIER, authorize, claims, error_of, exchange, hidden_fields, login,
    params, redirect_query, sign_in, strings, submit, value, with,
};
use common::{post_form, small};
use reqwest::{StatusCode, header};
use serde_json::Value;

#[tokio::test]
async fn admin_signs_in_and_gets_a_dashboard_token() {
    let sim = small().await;
    let page = authorize(&sim, &params(&sim, None)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    for needle in [
        "<form method=\"post\" action=\"/login.do\"",
        "<label for=\"username\">",
        "<input id=\"username\"",
        "<label for=\"password\">",
        "<input id=\"password\" name=\"password\" type=\"password\"",
        ">Sign in</button>",
    ] {
        assert!(html.contains(needle), "{needle} missing in {html}");
    }
    assert!(!html.contains("<script"));
    let hidden = hidden_fields(&html);
    assert_eq!(value(&hidden, "state"), Some(STATE));
    assert_eq!(value(&hidden, "code_challenge"), Some(CHALLENGE));
    assert_eq!(value(&hidden, "redirect_uri"), Some(REDIRECT));

    let code = sign_in(&sim, "admin", "sim-admin-password", None).await;
    let res = exchange(&sim, &code, VERIFIER, REDIRECT).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 1199);
    assert!(body["refresh_token"].as_str().unwrap().ends_with("-r"));
    let scope: Vec<&str> = body["scope"].as_str().unwrap().split(' ').collect();
    for s in ["cloud_controller.admin_read_only", "diego_capacity.operator", "diego_capacity.viewer", "openid"] {
        assert!(scope.contains(&s), "{scope:?}");
    }
    let claims = claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["grant_type"], "authorization_code");
    assert_eq!(claims["client_id"], "diego_capacity_dashboard");
    assert_eq!(claims["cid"], "diego_capacity_dashboard");
    assert_eq!(claims["user_name"], "admin");
    assert_eq!(claims["origin"], "uaa");
    assert_eq!(claims["sub"], claims["user_id"]);
    assert_eq!(claims["iss"], format!("{}/oauth/token", sim.urls.uaa));
    assert_eq!(claims["jti"], body["jti"]);
    let aud = strings(&claims["aud"]);
    assert!(aud.contains(&"diego_capacity".to_owned()) && aud.contains(&"diego_capacity_dashboard".to_owned()));
}

async fn granted(sim: &capacity_sim::SimHandle, user: &str, password: &str, scope: Option<&str>) -> Vec<String> {
    let code = sign_in(sim, user, password, scope).await;
    let body: Value = exchange(sim, &code, VERIFIER, REDIRECT).await.json().await.unwrap();
    assert_eq!(
        body["scope"].as_str().unwrap(),
        strings(&claims(body["access_token"].as_str().unwrap())["scope"]).join(" ")
    );
    strings(&claims(body["access_token"].as_str().unwrap())["scope"])
}

#[tokio::test]
async fn viewer_and_admin_get_their_own_scopes() {
    let sim = small().await;
    let asked = Some("openid diego_capacity.viewer diego_capacity.operator");
    assert_eq!(granted(&sim, "viewer", "sim-viewer-password", asked).await, ["diego_capacity.viewer", "openid"]);
    assert_eq!(granted(&sim, "viewer", "sim-viewer-password", None).await, ["diego_capacity.viewer", "openid"]);
    assert_eq!(
        granted(&sim, "admin", "sim-admin-password", asked).await,
        ["diego_capacity.operator", "diego_capacity.viewer", "openid"]
    );
    // Nothing of what the viewer asked for is allowed: back to the client with invalid_scope.
    let res = submit(&sim, &params(&sim, Some("diego_capacity.operator")), "viewer", "sim-viewer-password").await;
    let query = redirect_query(&res);
    assert_eq!(value(&query, "error"), Some("invalid_scope"));
    assert_eq!(value(&query, "state"), Some(STATE));
    assert_eq!(value(&query, "code"), None);
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_verifier_and_redirect_uri() {
    let sim = small().await;
    let code = sign_in(&sim, "viewer", "sim-viewer-password", None).await;
    let (status, error, _) = error_of(exchange(&sim, &code, OTHER_VERIFIER, REDIRECT).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    // UAA consumes the code before checking: the right verifier comes too late.
    let (_, error, description) = error_of(exchange(&sim, &code, VERIFIER, REDIRECT).await).await;
    assert_eq!(error, "invalid_grant");
    assert!(description.contains("Invalid authorization code"), "{description}");

    let code = sign_in(&sim, "viewer", "sim-viewer-password", None).await;
    let res = exchange(&sim, &code, VERIFIER, "http://127.0.0.1:5173/other").await;
    assert_eq!(error_of(res).await, (StatusCode::BAD_REQUEST, "invalid_grant".into(), "Redirect URI mismatch.".into()));

    let code = sign_in(&sim, "viewer", "sim-viewer-password", None).await;
    assert_eq!(exchange(&sim, &code, VERIFIER, REDIRECT).await.status(), StatusCode::OK);
    let (status, error, _) = error_of(exchange(&sim, &code, VERIFIER, REDIRECT).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn expired_codes_are_invalid_grant() {
    let sim = Simulator::start(SimConfig { auth_code_lifetime_secs: 0, ..SimConfig::default() }).await.unwrap();
    let code = sign_in(&sim, "admin", "sim-admin-password", None).await;
    let (status, error, description) = error_of(exchange(&sim, &code, VERIFIER, REDIRECT).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert!(description.contains("expired"), "{description}");
}

#[tokio::test]
async fn missing_exchange_parameters_are_invalid_request() {
    let sim = small().await;
    let code = sign_in(&sim, "admin", "sim-admin-password", None).await;
    for (c, verifier, redirect) in [("", VERIFIER, REDIRECT), (&code, "", REDIRECT), (&code, VERIFIER, "")] {
        let (status, error, _) = error_of(exchange(&sim, c, verifier, redirect).await).await;
        assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_request"));
    }
    // None of that consumed the code.
    assert_eq!(exchange(&sim, &code, VERIFIER, REDIRECT).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_bad_password_shows_the_form_again_without_the_password() {
    let sim = small().await;
    let res = submit(&sim, &params(&sim, None), "viewer", "wrong-Pa55word").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(header::LOCATION).is_none());
    let html = res.text().await.unwrap();
    assert!(html.contains("Unable to verify email or password"), "{html}");
    assert!(html.contains("value=\"viewer\""), "the username is kept");
    assert!(!html.contains("wrong-Pa55word"));
    assert_eq!(value(&hidden_fields(&html), "code_challenge"), Some(CHALLENGE));
}

#[tokio::test]
async fn untrusted_clients_and_redirect_uris_get_an_error_page() {
    let sim = small().await;
    let base = params(&sim, None);
    for (name, bad) in [
        ("redirect_uri", Some("https://evil.example/cb")),
        ("redirect_uri", Some("http://127.0.0.1.evil.example/cb")),
        ("redirect_uri", Some("http://127.0.0.1:5173/cb#fragment")),
        ("redirect_uri", None),
        ("client_id", Some("unknown-client")),
        ("client_id", Some("cf")),
        ("client_id", None),
    ] {
        let res = authorize(&sim, &with(base.clone(), name, bad)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{name}={bad:?}");
        assert!(res.headers().get(header::LOCATION).is_none());
        assert!(res.text().await.unwrap().contains("<h1>"));
    }
    // A tampered hidden field is validated again at /login.do.
    let mut fields = with(base, "redirect_uri", Some("https://evil.example/cb"));
    fields.push(("username".into(), "admin".into()));
    fields.push(("password".into(), "sim-admin-password".into()));
    let res = login(&sim, &fields).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(header::LOCATION).is_none());
}

#[tokio::test]
async fn other_request_errors_go_back_to_the_client() {
    let sim = small().await;
    let base = params(&sim, None);
    for (name, bad, error) in [
        ("response_type", Some("token"), "unsupported_response_type"),
        ("response_type", None, "invalid_request"),
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge_method", None, "invalid_request"),
        ("code_challenge", None, "invalid_request"),
        ("code_challenge", Some("too-short"), "invalid_request"),
        ("scope", Some("openid cloud_controller.admin"), "invalid_scope"),
    ] {
        let query = redirect_query(&authorize(&sim, &with(base.clone(), name, bad)).await);
        assert_eq!(value(&query, "error"), Some(error), "{name}={bad:?}");
        assert!(value(&query, "error_description").is_some());
        assert_eq!(value(&query, "state"), Some(STATE));
    }
}

#[tokio::test]
async fn the_public_client_refreshes_without_a_secret() {
    let sim = small().await;
    let url = format!("{}/oauth/token", sim.urls.uaa);
    let code = sign_in(&sim, "viewer", "sim-viewer-password", None).await;
    let body: Value = exchange(&sim, &code, VERIFIER, REDIRECT).await.json().await.unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("client_id", "diego_capacity_dashboard"), ("refresh_token", refresh)];
    let res = post_form(&url, None, &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let fresh: Value = res.json().await.unwrap();
    assert_ne!(fresh["access_token"], body["access_token"]);
    assert_eq!(fresh["refresh_token"], body["refresh_token"]);
    let claims = claims(fresh["access_token"].as_str().unwrap());
    assert_eq!(
        (claims["user_name"].as_str(), claims["client_id"].as_str()),
        (Some("viewer"), Some("diego_capacity_dashboard"))
    );
    assert_eq!(strings(&claims["scope"]), ["diego_capacity.viewer", "openid"]);

    // Someone else's refresh token, or none at all.
    let res = post_form(&url, Some(("cf", "")), &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(error_of(res).await.1, "invalid_token");
    let res =
        post_form(&url, None, &[("grant_type", "refresh_token"), ("client_id", "diego_capacity_dashboard")]).await;
    assert_eq!(error_of(res).await.1, "invalid_request");
}

#[tokio::test]
async fn clients_keep_to_their_grant_types() {
    let sim = small().await;
    let c = &sim.credentials;
    let url = format!("{}/oauth/token", sim.urls.uaa);
    let dashboard = c.dashboard_client_id.as_str();
    let res = post_form(
        &url,
        None,
        &[("grant_type", "password"), ("client_id", dashboard), ("username", "admin"), ("password", &c.cf_password)],
    )
    .await;
    assert_eq!(
        error_of(res).await,
        (StatusCode::UNAUTHORIZED, "unauthorized_client".into(), "Unauthorized grant type: password".into())
    );
    let res = post_form(&url, Some((dashboard, "a-secret")), &[("grant_type", "authorization_code")]).await;
    assert_eq!(error_of(res).await.1, "invalid_client");
    let res = post_form(&url, Some(("cf", "")), &[("grant_type", "authorization_code"), ("code", "x")]).await;
    assert_eq!(error_of(res).await.1, "unauthorized_client");

    // Password grant through `cf`: the admin keeps every CF scope and gains the dashboard's.
    let res = post_form(
        &url,
        Some(("cf", "")),
        &[("grant_type", "password"), ("username", &c.viewer_username), ("password", &c.viewer_password)],
    )
    .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["scope"], "diego_capacity.viewer openid");
    let res = post_form(
        &url,
        Some(("cf", "")),
        &[("grant_type", "password"), ("username", &c.cf_username), ("password", &c.cf_password)],
    )
    .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["scope"],
        "cloud_controller.admin_read_only cloud_controller.read diego_capacity.operator diego_capacity.viewer \
         doppler.firehose openid uaa.user"
    );
    assert!(strings(&claims(body["access_token"].as_str().unwrap())["aud"]).contains(&"diego_capacity".to_owned()));

    // The analyzer's automation client can read the dashboard API too.
    let res =
        post_form(&url, Some((&c.cf_client_id, &c.cf_client_secret)), &[("grant_type", "client_credentials")]).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["scope"], "cloud_controller.admin_read_only diego_capacity.viewer doppler.firehose openid");
    assert!(strings(&claims(body["access_token"].as_str().unwrap())["aud"]).contains(&"diego_capacity".to_owned()));
}

#[tokio::test]
async fn sign_in_routes_are_counted_and_take_faults() {
    let sim = small().await;
    sim.reset_stats();
    let code = sign_in(&sim, "admin", "sim-admin-password", None).await;
    assert_eq!(exchange(&sim, &code, VERIFIER, REDIRECT).await.status(), StatusCode::OK);
    let stats = sim.stats();
    assert_eq!(stats.count(Upstream::Uaa, "/oauth/authorize"), 1);
    assert_eq!(stats.count(Upstream::Uaa, "/login.do"), 1);
    assert_eq!(stats.count(Upstream::Uaa, "/oauth/token"), 1);

    let rule = |route: &str| ErrorRule {
        upstream: Upstream::Uaa,
        route: Some(route.to_owned()),
        status: 503,
        rate: 1.0,
        count: Some(1),
    };
    sim.set_faults(Faults { errors: vec![rule("/login.do"), rule("/oauth/authorize")], ..Faults::default() });
    assert_eq!(authorize(&sim, &params(&sim, None)).await.status(), StatusCode::SERVICE_UNAVAILABLE);
    let mut fields = params(&sim, None);
    fields.push(("username".into(), "admin".into()));
    fields.push(("password".into(), "sim-admin-password".into()));
    assert_eq!(login(&sim, &fields).await.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(login(&sim, &fields).await.status(), StatusCode::FOUND);
    let by_status = &sim.stats().upstreams[&Upstream::Uaa].routes["/login.do"].by_status;
    assert_eq!((by_status.get(&503), by_status.get(&302)), (Some(&1), Some(&2)));
}
