//! The dashboard's browser sign-in, step by step: authorize, the login form, the code exchange.

use capacity_sim::SimHandle;
use reqwest::{Response, StatusCode, header};
use serde_json::Value;

use super::{client, form, post_form};

/// A PKCE pair computed independently (Python hashlib): BASE64URL(SHA-256(verifier)).
pub const VERIFIER: &str = "sim-dashboard-verifier-0123456789-abcdefghijklmnop";
pub const CHALLENGE: &str = "Oa2FHlimuvhjHh6UU1nahAkNUJS4rM6MxjvgMx32c5Q";
/// Another valid verifier that does not match `CHALLENGE`.
pub const OTHER_VERIFIER: &str = "sim-dashboard-verifier-second-pair-QRSTUVWXYZ_0987.~";
pub const REDIRECT: &str = "http://127.0.0.1:5173/auth/callback";
pub const STATE: &str = "st-<&\"1>";

/// A complete authorization request; tests override single parameters.
pub fn params(sim: &SimHandle, scope: Option<&str>) -> Vec<(String, String)> {
    let mut out = vec![
        ("response_type", "code"),
        ("client_id", sim.credentials.dashboard_client_id.as_str()),
        ("redirect_uri", REDIRECT),
        ("state", STATE),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    if let Some(scope) = scope {
        out.push(("scope", scope));
    }
    out.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// `params` with `name` set to `value` (`None` removes it).
pub fn with(mut params: Vec<(String, String)>, name: &str, value: Option<&str>) -> Vec<(String, String)> {
    params.retain(|(k, _)| k != name);
    if let Some(value) = value {
        params.push((name.to_owned(), value.to_owned()));
    }
    params
}

fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

pub async fn authorize(sim: &SimHandle, params: &[(String, String)]) -> Response {
    let url = format!("{}/oauth/authorize?{}", sim.urls.uaa, form(&pairs(params)));
    client().get(url).header("accept", "text/html").send().await.expect("authorize")
}

pub async fn login(sim: &SimHandle, fields: &[(String, String)]) -> Response {
    client()
        .post(format!("{}/login.do", sim.urls.uaa))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&pairs(fields)))
        .send()
        .await
        .expect("login")
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The hidden inputs of the login form, as a browser would submit them.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in html.split("<input type=\"hidden\" name=\"").skip(1) {
        let (name, rest) = chunk.split_once("\" value=\"").expect("value attribute");
        let value = rest.split_once('"').expect("closing quote").0;
        out.push((unescape(name), unescape(value)));
    }
    out
}

/// The query of a redirect's `Location`, after checking it goes to `REDIRECT`.
pub fn redirect_query(res: &Response) -> Vec<(String, String)> {
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get(header::LOCATION).expect("location").to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    assert_eq!(format!("{}{}", url.origin().ascii_serialization(), url.path()), REDIRECT);
    url.query_pairs().into_owned().collect()
}

pub fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The login form for `params`, submitted with the given credentials.
pub async fn submit(sim: &SimHandle, params: &[(String, String)], username: &str, password: &str) -> Response {
    let page = authorize(sim, params).await;
    assert_eq!(page.status(), StatusCode::OK);
    let mut fields = hidden_fields(&page.text().await.unwrap());
    fields.push(("username".to_owned(), username.to_owned()));
    fields.push(("password".to_owned(), password.to_owned()));
    login(sim, &fields).await
}

/// Signs in and returns the authorization code (checking the echoed state).
pub async fn sign_in(sim: &SimHandle, username: &str, password: &str, scope: Option<&str>) -> String {
    let res = submit(sim, &params(sim, scope), username, password).await;
    let query = redirect_query(&res);
    assert_eq!(value(&query, "state"), Some(STATE));
    value(&query, "code").expect("code").to_owned()
}

/// `grant_type=authorization_code` as the public client (form body, no secret).
pub async fn exchange(sim: &SimHandle, code: &str, verifier: &str, redirect_uri: &str) -> Response {
    post_form(
        &format!("{}/oauth/token", sim.urls.uaa),
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &sim.credentials.dashboard_client_id),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ],
    )
    .await
}

pub async fn error_of(res: Response) -> (StatusCode, String, String) {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned(), body["error_description"].as_str().unwrap().to_owned())
}

pub fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
    serde_json::from_slice(&raw).unwrap()
}

pub fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}
