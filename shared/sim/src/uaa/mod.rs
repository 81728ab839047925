//! The two UAAs: CF's (users, the analyzer's client, the dashboard's browser sign-in) and the
//! BOSH director's.

pub(crate) mod accounts;
mod authorize;
pub(crate) mod codes;
pub(crate) mod cors;
mod login_page;
pub(crate) mod tokens;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine;
use serde_json::json;

use crate::faults::Upstream;
use crate::server::Shared;
use crate::server::respond::{json, uaa_bad_credentials, uaa_error};
use tokens::{DEFAULT_TOKEN_LIFETIME_SECS, Grant};

pub(crate) fn router(upstream: Upstream) -> Router<Shared> {
    let token = post(move |State(state): State<Shared>, headers: HeaderMap, body: Bytes| async move {
        token(&state, upstream, &headers, &body)
    });
    if upstream != Upstream::Uaa {
        return Router::new()
            .route("/oauth/token", token)
            .route("/token_keys", get(token_keys))
            .route("/token_key", get(token_key));
    }
    Router::new()
        .route("/oauth/token", token.options(cors::preflight))
        .route("/token_keys", get(token_keys).options(cors::preflight))
        .route("/token_key", get(token_key).options(cors::preflight))
        .route("/oauth/authorize", get(authorize::authorize))
        .route("/login.do", post(authorize::login))
}

fn key_json() -> serde_json::Value {
    json!({
        "kty": "RSA",
        "e": tokens::EXPONENT_B64URL,
        "use": "sig",
        "kid": tokens::KEY_ID,
        "alg": "RS256",
        "value": tokens::PUBLIC_KEY_PEM.trim(),
        "n": tokens::MODULUS_B64URL.trim(),
    })
}

async fn token_keys() -> Response {
    json(StatusCode::OK, &json!({"keys": [key_json()]}))
}

async fn token_key() -> Response {
    json(StatusCode::OK, &key_json())
}

/// Client id and secret from HTTP Basic, else from the form body (UAA accepts both).
fn client_credentials(headers: &HeaderMap, form: &[(String, String)]) -> Option<(String, String)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| pair.split_once(':').map(|(id, secret)| (id.to_owned(), secret.to_owned())));
    basic.or_else(|| {
        let id = field(form, "client_id")?;
        Some((id.to_owned(), field(form, "client_secret").unwrap_or("").to_owned()))
    })
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn token(state: &Shared, upstream: Upstream, headers: &HeaderMap, body: &[u8]) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let issuer = if upstream == Upstream::BoshUaa { state.urls.bosh_uaa.clone() } else { state.urls.uaa.clone() };
    let Some(grant_type) = field(&form, "grant_type") else {
        return uaa_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing grant type");
    };
    let Some((client_id, client_secret)) = client_credentials(headers, &form) else {
        return uaa_bad_credentials();
    };
    let Some(client) = accounts::client(upstream, &state.credentials, &client_id, &client_secret) else {
        return uaa_bad_credentials();
    };
    if !accounts::GRANT_TYPES.contains(&grant_type) {
        return uaa_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {grant_type}"),
        );
    }
    if !client.allows(grant_type) {
        return uaa_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            &format!("Unauthorized grant type: {grant_type}"),
        );
    }
    let grant = match grant_type {
        "client_credentials" => {
            Grant { issuer, client_id, grant_type: "client_credentials", user: None, scopes: client.authorities() }
        }
        "password" => {
            let username = field(&form, "username").unwrap_or("");
            let password = field(&form, "password").unwrap_or("");
            let Some(user) = accounts::authenticate(&state.credentials, state.world.seed, username, password) else {
                return uaa_bad_credentials();
            };
            Grant { issuer, client_id, grant_type: "password", user: Some((user.id, user.name)), scopes: user.scopes }
        }
        "authorization_code" => match codes::exchange(&state.auth_codes, issuer, &client_id, &form) {
            Ok(grant) => grant,
            Err(response) => return response,
        },
        _ => return refresh(state, &issuer, &client_id, &form),
    };
    // Only user grants get a refresh token; client_credentials never does.
    respond_issue(state, &grant, grant.user.is_some())
}

/// `grant_type=refresh_token`: only with a refresh token issued to the same client.
fn refresh(state: &Shared, issuer: &str, client_id: &str, form: &[(String, String)]) -> Response {
    let Some(presented) = field(form, "refresh_token").filter(|t| !t.is_empty()) else {
        return uaa_error(StatusCode::BAD_REQUEST, "invalid_request", "A refresh_token must be supplied.");
    };
    match state.tokens.redeem_refresh(presented, issuer) {
        Some(grant) if grant.client_id == client_id => respond_token(state, &grant, Some(presented.to_owned())),
        _ => uaa_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            &format!("Invalid refresh token (expired or unknown): {}", abbreviate(presented)),
        ),
    }
}

fn abbreviate(token: &str) -> String {
    token.chars().take(12).collect()
}

fn lifetime(state: &Shared) -> u64 {
    state.faults().token_lifetime_secs.unwrap_or(DEFAULT_TOKEN_LIFETIME_SECS)
}

fn respond_issue(state: &Shared, grant: &Grant, with_refresh: bool) -> Response {
    match state.tokens.issue(grant, lifetime(state), with_refresh) {
        Ok(issued) => token_body(grant, issued),
        Err(e) => uaa_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e.to_string()),
    }
}

/// Refresh: a new access token; UAA keeps the (non-rotating) refresh token.
fn respond_token(state: &Shared, grant: &Grant, refresh: Option<String>) -> Response {
    match state.tokens.issue(grant, lifetime(state), false) {
        Ok(mut issued) => {
            issued.refresh_token = refresh;
            token_body(grant, issued)
        }
        Err(e) => uaa_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e.to_string()),
    }
}

fn token_body(grant: &Grant, issued: tokens::IssuedToken) -> Response {
    let mut body = json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
        "scope": grant.scopes.join(" "),
        "jti": issued.jti,
    });
    if let (Some(refresh), Some(map)) = (issued.refresh_token, body.as_object_mut()) {
        map.insert("refresh_token".to_owned(), json!(refresh));
    }
    let mut response = json(StatusCode::OK, &body);
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
