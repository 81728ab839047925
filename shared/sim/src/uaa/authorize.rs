//! Browser sign-in for the dashboard's public client: `GET /oauth/authorize` answers the login
//! form, `POST /login.do` checks the credentials and redirects back with a one-time code.
//!
//! Real UAA keeps the authorization request in a session and shows `/login` first; here the
//! form carries the request in hidden fields, and both steps validate it in full.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use url::Url;

use super::accounts::{self, CF_CLI_CLIENT};
use super::codes::{CodeBinding, is_pkce_value};
use super::field;
use super::login_page::{error_page, login_form};
use crate::server::Shared;

const BAD_CREDENTIALS: &str = "Unable to verify email or password. Please try again.";

/// A validated authorization request.
#[derive(Debug)]
struct AuthorizeRequest {
    client_id: String,
    /// As presented: the token endpoint compares it verbatim.
    redirect_uri: String,
    redirect: Url,
    oauth_state: Option<String>,
    scope: Option<String>,
    requested: Vec<String>,
    code_challenge: String,
}

impl AuthorizeRequest {
    /// The hidden fields of the login form.
    fn hidden(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
        ];
        if let Some(state) = &self.oauth_state {
            fields.push(("state", state));
        }
        if let Some(scope) = &self.scope {
            fields.push(("scope", scope));
        }
        fields.push(("code_challenge", self.code_challenge.as_str()));
        fields.push(("code_challenge_method", "S256"));
        fields
    }

    fn reject(&self, error: &'static str, description: String) -> Rejection {
        Rejection::Redirect { redirect: self.redirect.clone(), state: self.oauth_state.clone(), error, description }
    }
}

#[derive(Debug)]
enum Rejection {
    /// Client or redirect URI cannot be trusted: an error page, never a redirect.
    Page(String),
    /// Everything else goes back to the validated redirect URI (RFC 6749 §4.1.2.1).
    Redirect { redirect: Url, state: Option<String>, error: &'static str, description: String },
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
            Rejection::Redirect { redirect, state, error, description } => {
                let mut pairs = vec![("error", error), ("error_description", description.as_str())];
                if let Some(state) = &state {
                    pairs.push(("state", state));
                }
                redirect_to(&redirect, &pairs)
            }
        }
    }
}

/// `302` to `redirect` with `pairs` appended to its query.
fn redirect_to(redirect: &Url, pairs: &[(&str, &str)]) -> Response {
    let mut target = redirect.clone();
    target.query_pairs_mut().extend_pairs(pairs);
    match HeaderValue::from_str(target.as_str()) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Cannot build the redirect"),
    }
}

fn present<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    field(params, name).filter(|v| !v.is_empty())
}

fn validate(state: &Shared, params: &[(String, String)]) -> Result<AuthorizeRequest, Rejection> {
    let creds = &state.credentials;
    let client_id =
        present(params, "client_id").ok_or_else(|| Rejection::Page("A client_id must be supplied.".into()))?;
    if client_id != creds.dashboard_client_id {
        let known = client_id == CF_CLI_CLIENT || client_id == creds.cf_client_id;
        return Err(Rejection::Page(if known {
            "Unauthorized grant type: authorization_code".to_owned()
        } else {
            format!("No client with requested id: {client_id}")
        }));
    }
    let redirect_uri =
        present(params, "redirect_uri").ok_or_else(|| Rejection::Page("A redirect_uri must be supplied.".into()))?;
    let redirect = accounts::loopback_url(redirect_uri).ok_or_else(|| {
        Rejection::Page(format!("Invalid redirect {redirect_uri} did not match one of the registered values"))
    })?;
    let scope = present(params, "scope").map(str::to_owned);
    let mut request = AuthorizeRequest {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        redirect,
        oauth_state: present(params, "state").map(str::to_owned),
        requested: scope.as_deref().unwrap_or("").split_ascii_whitespace().map(str::to_owned).collect(),
        scope,
        code_challenge: String::new(),
    };
    match present(params, "response_type") {
        Some("code") => {}
        Some(other) => {
            return Err(request.reject("unsupported_response_type", format!("Unsupported response types: [{other}]")));
        }
        None => return Err(request.reject("invalid_request", "A response_type must be supplied.".into())),
    }
    let Some(challenge) = present(params, "code_challenge") else {
        return Err(request.reject("invalid_request", "Code challenge required.".into()));
    };
    if !is_pkce_value(challenge) {
        let description = "Code challenge length must between 43 and 128 and use only [A-Z],[a-z],[0-9],_,.,-,~";
        return Err(request.reject("invalid_request", description.into()));
    }
    if present(params, "code_challenge_method") != Some("S256") {
        return Err(request.reject("invalid_request", "Unsupported code challenge method. Supported: S256".into()));
    }
    request.code_challenge = challenge.to_owned();
    let allowed = accounts::dashboard_client_scopes();
    if let Some(unknown) = request.requested.iter().find(|s| !allowed.contains(s)) {
        let description = format!(
            "Invalid scope: {unknown}. Did you know that you can get default scopes by simply sending no value?"
        );
        return Err(request.reject("invalid_scope", description));
    }
    Ok(request)
}

/// `GET /oauth/authorize`: the login form carrying the validated request.
pub(crate) async fn authorize(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let params = crate::query_pairs(raw.as_deref());
    match validate(&state, &params) {
        Ok(request) => login_form(StatusCode::OK, &request.hidden(), "", None),
        Err(rejection) => rejection.into_response(),
    }
}

/// `POST /login.do`: credentials plus the request from the hidden fields.
pub(crate) async fn login(State(state): State<Shared>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let request = match validate(&state, &form) {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    let username = field(&form, "username").unwrap_or("");
    let password = field(&form, "password").unwrap_or("");
    let Some(user) = accounts::authenticate(&state.credentials, state.world.seed, username, password) else {
        return login_form(StatusCode::UNAUTHORIZED, &request.hidden(), username, Some(BAD_CREDENTIALS));
    };
    // Requested ∩ what the user may have; everything the user may have when nothing was asked.
    let scopes: Vec<String> = if request.requested.is_empty() {
        user.scopes.clone()
    } else {
        user.scopes.iter().filter(|s| request.requested.contains(s)).cloned().collect()
    };
    if scopes.is_empty() {
        let description = format!(
            "Invalid scope: {}. User is not authorized for any of the requested scopes",
            request.requested.join(" ")
        );
        return request.reject("invalid_scope", description).into_response();
    }
    let binding = CodeBinding {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        user,
        scopes,
        code_challenge: request.code_challenge.clone(),
    };
    match state.auth_codes.issue(binding) {
        Ok(code) => {
            let mut pairs = vec![("code", code.as_str())];
            if let Some(oauth_state) = &request.oauth_state {
                pairs.push(("state", oauth_state));
            }
            redirect_to(&request.redirect, &pairs)
        }
        Err(error) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}
