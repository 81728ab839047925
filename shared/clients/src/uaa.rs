//! UAA tokens: password, client_credentials and refresh_token grants, reused until shortly
//! before `exp`, invalidated after a 401.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::{StatusCode, header};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::error::clip;
use crate::http::{Upstream, decode};
use crate::{ClientError, Secret};

const ROUTE: &str = "/oauth/token";

/// How this analyzer proves who it is.
#[derive(Debug, Clone)]
pub enum Grant {
    /// A user (the `cf` CLI's flow): `grant_type=password` with the OAuth client in Basic auth.
    Password {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// A UAA client: `grant_type=client_credentials`.
    ClientCredentials {
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: Secret,
    },
}

/// Where client credentials travel. UAA accepts both; the cf CLI uses the body, bosh uses Basic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic `client:secret`.
    Basic,
    /// Form fields `client_id` / `client_secret`.
    Body,
}

/// Everything a [`TokenManager`] needs besides the token endpoint.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    /// The credential grant.
    pub grant: Grant,
    /// OAuth client for password and refresh grants (`cf` by default).
    pub oauth_client_id: String,
    /// Its secret (empty for `cf`).
    pub oauth_client_secret: Secret,
    /// How client_credentials are sent.
    pub client_auth: ClientAuth,
    /// A token is renewed once it is closer than this to `exp` (60 s, as the cf CLI does).
    pub expiry_margin: Duration,
}

impl TokenConfig {
    /// Defaults for a grant: OAuth client `cf` with an empty secret, credentials in the body,
    /// a 60 s margin.
    #[must_use]
    pub fn new(grant: Grant) -> Self {
        Self {
            grant,
            oauth_client_id: "cf".to_owned(),
            oauth_client_secret: Secret::default(),
            client_auth: ClientAuth::Body,
            expiry_margin: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone)]
struct CachedToken {
    access: Secret,
    refresh: Option<Secret>,
    obtained_at: SystemTime,
    expires_at: SystemTime,
}

impl CachedToken {
    /// Usable at `now`: more than the margin before expiry. The margin shrinks to a quarter of
    /// the token's lifetime, so that short-lived tokens are still reused.
    fn usable(&self, now: SystemTime, margin: Duration) -> bool {
        let lifetime = self.expires_at.duration_since(self.obtained_at).unwrap_or_default();
        now + margin.min(lifetime / 4) < self.expires_at
    }
}

/// Hands out bearer tokens for one UAA, fetching a new one only when needed.
#[derive(Debug)]
pub struct TokenManager {
    upstream: Upstream,
    token_url: String,
    config: TokenConfig,
    cached: Mutex<Option<CachedToken>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct UaaError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

impl TokenManager {
    /// A manager for the UAA at `uaa_url` (its `/oauth/token` is used).
    #[must_use]
    pub fn new(upstream: Upstream, uaa_url: &str, config: TokenConfig) -> Self {
        Self {
            upstream,
            token_url: format!("{}{ROUTE}", uaa_url.trim_end_matches('/')),
            config,
            cached: Mutex::new(None),
        }
    }

    /// A valid access token: the cached one until `expiry_margin` before `exp`, else a refreshed
    /// one (refresh_token grant when UAA gave a refresh token, else the primary grant).
    pub async fn bearer(&self) -> Result<Secret, ClientError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| t.usable(SystemTime::now(), self.config.expiry_margin)) {
            return Ok(token.access.clone());
        }
        let refresh = cached.as_ref().and_then(|t| t.refresh.clone());
        let fresh = match refresh {
            Some(refresh) => match self.refresh(&refresh).await {
                Ok(token) => token,
                Err(ClientError::Auth { reason, .. }) => {
                    tracing::info!(upstream = self.upstream.name(), %reason, "refresh token refused; re-authenticating");
                    self.authenticate().await?
                }
                Err(other) => return Err(other),
            },
            None => self.authenticate().await?,
        };
        let access = fresh.access.clone();
        *cached = Some(fresh);
        Ok(access)
    }

    /// Forgets `used` after the upstream rejected it, so the next [`bearer`](Self::bearer) gets a
    /// new one. A token already replaced by a concurrent caller is left alone.
    pub async fn invalidate(&self, used: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| &t.access == used) {
            // Keep the refresh token: a 401 on an access token says nothing about it.
            if let Some(token) = cached.as_mut() {
                token.expires_at = UNIX_EPOCH;
            }
        }
    }

    async fn authenticate(&self) -> Result<CachedToken, ClientError> {
        let c = &self.config;
        match &c.grant {
            Grant::Password { username, password } => {
                let form =
                    [("grant_type", "password"), ("username", username.as_str()), ("password", password.expose())];
                self.request(&form, Some((&c.oauth_client_id, &c.oauth_client_secret))).await
            }
            Grant::ClientCredentials { client_id, client_secret } => match c.client_auth {
                ClientAuth::Basic => {
                    self.request(&[("grant_type", "client_credentials")], Some((client_id, client_secret))).await
                }
                ClientAuth::Body => {
                    let form = [
                        ("grant_type", "client_credentials"),
                        ("client_id", client_id.as_str()),
                        ("client_secret", client_secret.expose()),
                    ];
                    self.request(&form, None).await
                }
            },
        }
    }

    async fn refresh(&self, refresh_token: &Secret) -> Result<CachedToken, ClientError> {
        let c = &self.config;
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose())];
        match &c.grant {
            Grant::Password { .. } => self.request(&form, Some((&c.oauth_client_id, &c.oauth_client_secret))).await,
            // Client tokens carry no refresh token; re-doing the grant is the refresh.
            Grant::ClientCredentials { .. } => self.authenticate().await,
        }
    }

    async fn request(
        &self,
        form: &[(&str, &str)],
        basic: Option<(&String, &Secret)>,
    ) -> Result<CachedToken, ClientError> {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let response = self
            .upstream
            .execute(ROUTE, |client| {
                let request = client
                    .post(&self.token_url)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, "application/json")
                    .body(body.clone());
                match basic {
                    Some((id, secret)) => request.basic_auth(id, Some(secret.expose())),
                    None => request,
                }
            })
            .await?;
        let status = response.status();
        let bytes = self.upstream.body(ROUTE, response).await?;
        if status.is_success() {
            let token: TokenResponse = decode(self.upstream.name(), ROUTE, &bytes)?;
            let expires_at = jwt_expiry(&token.access_token)
                .or_else(|| token.expires_in.map(|s| SystemTime::now() + Duration::from_secs(s)))
                .unwrap_or_else(SystemTime::now);
            return Ok(CachedToken {
                access: Secret::new(token.access_token),
                refresh: token.refresh_token.map(Secret::new),
                obtained_at: SystemTime::now(),
                expires_at,
            });
        }
        let parsed: Option<UaaError> = serde_json::from_slice(&bytes).ok();
        let reason = parsed
            .filter(|e| !e.error.is_empty())
            .map(|e| clip(&format!("{}: {}", e.error, e.error_description)))
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN) {
            return Err(ClientError::Auth { upstream: self.upstream.name(), reason });
        }
        Err(ClientError::Status {
            upstream: self.upstream.name(),
            route: ROUTE,
            status: status.as_u16(),
            detail: Some(reason),
        })
    }
}

/// The `exp` claim of a JWT, read without verifying it: we only schedule our own renewal with it.
fn jwt_expiry(token: &str) -> Option<SystemTime> {
    #[derive(Deserialize)]
    struct Claims {
        exp: u64,
    }
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(claims.exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_a_margin_before_expiry() {
        let at = UNIX_EPOCH + Duration::from_secs(1000);
        let token = |lifetime: u64| CachedToken {
            access: Secret::new("a"),
            refresh: None,
            obtained_at: at,
            expires_at: at + Duration::from_secs(lifetime),
        };
        let margin = Duration::from_secs(60);
        // A 20-minute token is reused until 60 s before it expires.
        assert!(token(1200).usable(at + Duration::from_secs(1139), margin));
        assert!(!token(1200).usable(at + Duration::from_secs(1140), margin));
        // A 2-minute token: the margin shrinks to 30 s.
        assert!(token(120).usable(at + Duration::from_secs(89), margin));
        assert!(!token(120).usable(at + Duration::from_secs(90), margin));
    }

    #[test]
    fn expiry_is_read_from_the_jwt_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"exp":1700001200,"jti":"x"}"#);
        let token = format!("e30.{payload}.sig");
        assert_eq!(jwt_expiry(&token), Some(UNIX_EPOCH + Duration::from_secs(1_700_001_200)));
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
    }
}
