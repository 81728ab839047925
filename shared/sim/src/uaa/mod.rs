//! The two UAAs: CF's (users + the analyzer's client) and the BOSH director's.

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

/// The cf CLI's public client: no secret.
const CF_CLI_CLIENT: &str = "cf";

pub(crate) fn router(upstream: Upstream) -> Router<Shared> {
    Router::new()
        .route(
            "/oauth/token",
            post(move |State(state): State<Shared>, headers: HeaderMap, body: Bytes| async move {
                token(&state, upstream, &headers, &body)
            }),
        )
        .route("/token_keys", get(token_keys))
        .route("/token_key", get(token_key))
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

fn cf_scopes() -> Vec<String> {
    ["cloud_controller.admin_read_only", "cloud_controller.read", "doppler.firehose", "openid", "uaa.user"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
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
    let creds = &state.credentials;
    let known_client = match upstream {
        Upstream::BoshUaa => client_id == creds.bosh_client && client_secret == creds.bosh_client_secret,
        _ => {
            (client_id == CF_CLI_CLIENT && client_secret.is_empty())
                || (client_id == creds.cf_client_id && client_secret == creds.cf_client_secret)
        }
    };
    if !known_client {
        return uaa_bad_credentials();
    }
    let public_client = client_id == CF_CLI_CLIENT && upstream == Upstream::Uaa;
    let grant = match grant_type {
        "client_credentials" if !public_client => {
            let scopes = if upstream == Upstream::BoshUaa {
                vec!["bosh.read".to_owned()]
            } else {
                vec!["cloud_controller.admin_read_only".to_owned(), "doppler.firehose".to_owned(), "openid".to_owned()]
            };
            Grant { issuer, client_id, grant_type: "client_credentials", user: None, scopes }
        }
        "password" if public_client => {
            let user_ok = field(&form, "username") == Some(creds.cf_username.as_str())
                && field(&form, "password") == Some(creds.cf_password.as_str());
            if !user_ok {
                return uaa_bad_credentials();
            }
            let user = (admin_user_id(state), creds.cf_username.clone());
            Grant { issuer, client_id, grant_type: "password", user: Some(user), scopes: cf_scopes() }
        }
        "refresh_token" => {
            let presented = field(&form, "refresh_token").unwrap_or("");
            match state.tokens.redeem_refresh(presented, &issuer) {
                Some(grant) if grant.client_id == client_id => {
                    return respond_token(state, &grant, Some(presented.to_owned()));
                }
                _ => {
                    return uaa_error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_token",
                        &format!("Invalid refresh token (expired or unknown): {}", abbreviate(presented)),
                    );
                }
            }
        }
        "client_credentials" | "password" => {
            return uaa_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized_client",
                &format!("Unauthorized grant type: {grant_type}"),
            );
        }
        other => {
            return uaa_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            );
        }
    };
    // Only user grants get a refresh token; client_credentials never does.
    respond_issue(state, &grant, grant.grant_type == "password")
}

fn abbreviate(token: &str) -> String {
    token.chars().take(12).collect()
}

fn admin_user_id(state: &Shared) -> String {
    crate::rng::fmt_guid(crate::rng::SplitMix64::new(crate::rng::mix(state.world.seed, 0xAD)).guid())
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
