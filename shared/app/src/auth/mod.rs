//! Who is calling: UAA bearer tokens verified against UAA's keys (issuer, audience, expiry,
//! not-before, algorithm), or API keys; scopes map to roles.

pub mod apikey;
pub mod jwks;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use jsonwebtoken::{Algorithm, Validation};
use serde::{Deserialize, Serialize};

pub use apikey::ApiKeyRecord;
pub use jwks::{HttpKeySource, Jwks, KeySource, StaticKeySource};

/// What a caller may do. An operator may do everything a viewer may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read the data routes.
    Viewer,
    /// Also run planning and import routes.
    Operator,
}

impl Role {
    /// `viewer` or `operator`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Operator => "operator",
        }
    }
}

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// User name, client id, or API key name (never a credential).
    pub subject: String,
    /// How the caller proved it: `uaa_user`, `uaa_client`, `api_key`, or `none` (auth disabled).
    pub method: &'static str,
    /// What it may do.
    pub role: Role,
}

/// Why a request is refused. Messages never quote the token or key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No credentials.
    #[error("authentication required: send Authorization: Bearer <UAA token> or an API key")]
    Missing,
    /// An Authorization header that is neither a bearer token nor an API key.
    #[error("malformed Authorization header")]
    Malformed,
    /// The token failed verification.
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// The API key matches no stored key.
    #[error("unknown API key")]
    UnknownApiKey,
    /// Authenticated, but the role is too low.
    #[error("{subject} lacks the {needed} role")]
    Forbidden {
        /// Who.
        subject: String,
        /// Role needed.
        needed: &'static str,
    },
    /// UAA's keys could not be fetched.
    #[error("cannot verify tokens now: {0}")]
    KeysUnavailable(String),
}

impl AuthError {
    /// 401, 403 or 503.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Forbidden { .. } => 403,
            Self::KeysUnavailable(_) => 503,
            _ => 401,
        }
    }
}

/// Token verification settings.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// Expected `iss` (`AUTH_ISSUER`), e.g. `https://uaa.sys.example.com/oauth/token`.
    pub issuer: String,
    /// Required member of `aud` (`AUTH_AUDIENCE`, default `diego_capacity`).
    pub audience: String,
    /// Scopes granting the viewer role (`AUTH_VIEWER_SCOPES`).
    pub viewer_scopes: Vec<String>,
    /// Scopes granting the operator role (`AUTH_OPERATOR_SCOPES`).
    pub operator_scopes: Vec<String>,
    /// Clock skew tolerated on `exp` and `nbf`.
    pub leeway: Duration,
}

/// Checks credentials.
#[derive(Debug)]
pub enum Authenticator {
    /// Every caller is an operator. Only by explicit configuration (`AUTH_MODE=disabled`).
    Disabled,
    /// Tokens and API keys.
    Enabled {
        /// Token settings.
        settings: TokenSettings,
        /// UAA keys.
        keys: Arc<Jwks>,
        /// Stored API keys.
        api_keys: Vec<ApiKeyRecord>,
    },
}

#[derive(Debug, Deserialize)]
struct Claims {
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default)]
    user_name: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    sub: Option<String>,
}

impl Authenticator {
    /// Authenticates a request and checks it holds `needed`.
    pub async fn authorize(&self, headers: &HeaderMap, needed: Role) -> Result<Principal, AuthError> {
        let principal = self.authenticate(headers).await?;
        if principal.role < needed {
            return Err(AuthError::Forbidden { subject: principal.subject, needed: needed.as_str() });
        }
        Ok(principal)
    }

    /// Whether authentication is on.
    #[must_use]
    pub fn enabled(&self) -> bool {
        matches!(self, Self::Enabled { .. })
    }

    /// Who is calling, without a role check.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Principal, AuthError> {
        let Self::Enabled { settings, keys, api_keys } = self else {
            return Ok(Principal { subject: "anonymous".to_owned(), method: "none", role: Role::Operator });
        };
        if let Some(key) = headers.get("x-api-key") {
            return api_key(api_keys, key.to_str().map_err(|_| AuthError::Malformed)?);
        }
        let Some(value) = headers.get(http::header::AUTHORIZATION) else { return Err(AuthError::Missing) };
        let value = value.to_str().map_err(|_| AuthError::Malformed)?.trim();
        let (scheme, credential) = value.split_once(' ').ok_or(AuthError::Malformed)?;
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => verify(settings, keys, credential.trim()).await,
            "apikey" => api_key(api_keys, credential.trim()),
            _ => Err(AuthError::Malformed),
        }
    }
}

fn api_key(records: &[ApiKeyRecord], presented: &str) -> Result<Principal, AuthError> {
    let record = apikey::find(records, presented).ok_or(AuthError::UnknownApiKey)?;
    Ok(Principal { subject: record.name.clone(), method: "api_key", role: record.role })
}

async fn verify(settings: &TokenSettings, keys: &Jwks, token: &str) -> Result<Principal, AuthError> {
    let invalid = |reason: &str| AuthError::InvalidToken(reason.to_owned());
    // An unknown or `none` algorithm fails here: jsonwebtoken has no `none`.
    let header =
        jsonwebtoken::decode_header(token).map_err(|_| invalid("unreadable header or unsupported algorithm"))?;
    let key = keys.key(header.kid.as_deref()).await.map_err(|e| match e {
        jwks::KeyError::Unknown => invalid("signed by an unknown key"),
        jwks::KeyError::Unavailable(reason) => AuthError::KeysUnavailable(reason),
    })?;
    // Rejects HS* and any algorithm the key's type does not allow (RS/HS confusion included).
    if !key.algorithms.contains(&header.alg)
        || matches!(header.alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
    {
        return Err(invalid("algorithm not allowed for this key"));
    }
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[settings.issuer.as_str()]);
    validation.set_audience(&[settings.audience.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.validate_nbf = true;
    validation.leeway = settings.leeway.as_secs();
    let data = jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => invalid("expired"),
            ErrorKind::ImmatureSignature => invalid("not yet valid"),
            ErrorKind::InvalidIssuer => invalid("wrong issuer"),
            ErrorKind::InvalidAudience => invalid("wrong audience"),
            ErrorKind::InvalidSignature => invalid("bad signature"),
            ErrorKind::MissingRequiredClaim(_) => invalid("missing exp, iss or aud"),
            _ => invalid("malformed"),
        }
    })?;
    let claims = data.claims;
    let scopes: HashSet<&str> = claims.scope.iter().map(String::as_str).collect();
    let has = |wanted: &[String]| wanted.iter().any(|s| scopes.contains(s.as_str()));
    let (subject, method) = match (&claims.user_name, &claims.client_id) {
        (Some(user), _) => (user.clone(), "uaa_user"),
        (None, Some(client)) => (client.clone(), "uaa_client"),
        (None, None) => (claims.sub.clone().unwrap_or_default(), "uaa_client"),
    };
    let role = if has(&settings.operator_scopes) {
        Role::Operator
    } else if has(&settings.viewer_scopes) {
        Role::Viewer
    } else {
        return Err(AuthError::Forbidden { subject, needed: Role::Viewer.as_str() });
    };
    Ok(Principal { subject, method, role })
}
