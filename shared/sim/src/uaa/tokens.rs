//! JWT issuance and verification for both simulated UAAs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::rng::mix;

const PRIVATE_KEY_PEM: &[u8] = include_bytes!("../../keys/sim-uaa-signing-key.pem");
pub(crate) const PUBLIC_KEY_PEM: &str = include_str!("../../keys/sim-uaa-signing-key.pub.pem");
pub(crate) const MODULUS_B64URL: &str = include_str!("../../keys/sim-uaa-signing-key.n.txt");
pub(crate) const EXPONENT_B64URL: &str = "AQAB";
pub(crate) const KEY_ID: &str = "sim-key-1";
/// cf-deployment's access-token-validity is 1200 s; UAA answers `expires_in` one less.
pub(crate) const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 1199;
const REFRESH_TOKEN_LIFETIME_SECS: u64 = 2_592_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub(crate) jti: String,
    pub(crate) sub: String,
    pub(crate) scope: Vec<String>,
    pub(crate) client_id: String,
    pub(crate) cid: String,
    pub(crate) azp: String,
    pub(crate) grant_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) origin: Option<String>,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
    pub(crate) iss: String,
    pub(crate) zid: String,
    pub(crate) aud: Vec<String>,
}

/// Who a token is for; kept with refresh tokens so a refresh re-issues the same identity.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) issuer: String,
    pub(crate) client_id: String,
    pub(crate) grant_type: &'static str,
    pub(crate) user: Option<(String, String)>,
    pub(crate) scopes: Vec<String>,
}

#[derive(Debug)]
struct StoredRefresh {
    grant: Grant,
    expires_at: u64,
}

pub(crate) struct IssuedToken {
    pub(crate) access_token: String,
    pub(crate) jti: String,
    pub(crate) expires_in: u64,
    pub(crate) refresh_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    Missing,
    Invalid,
    Expired,
}

pub(crate) struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    counter: AtomicU64,
    salt: u64,
    refresh: Mutex<HashMap<String, StoredRefresh>>,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService").finish_non_exhaustive()
    }
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl TokenService {
    pub(crate) fn new() -> Result<Self, SimError> {
        let salt = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        Ok(Self {
            encoding: EncodingKey::from_rsa_pem(PRIVATE_KEY_PEM)?,
            decoding: DecodingKey::from_rsa_components(MODULUS_B64URL.trim(), EXPONENT_B64URL)?,
            counter: AtomicU64::new(1),
            salt,
            refresh: Mutex::new(HashMap::new()),
        })
    }

    /// A unique opaque id (not security relevant: it is a simulator).
    fn opaque_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}{:016x}", mix(self.salt, n), mix(n, self.salt))
    }

    pub(crate) fn issue(&self, grant: &Grant, lifetime_secs: u64, with_refresh: bool) -> Result<IssuedToken, SimError> {
        let now = now_secs();
        let jti = self.opaque_id();
        let (user_id, user_name) = match &grant.user {
            Some((id, name)) => (Some(id.clone()), Some(name.clone())),
            None => (None, None),
        };
        let mut aud: Vec<String> =
            grant.scopes.iter().filter_map(|s| s.split_once('.').map(|(resource, _)| resource.to_owned())).collect();
        aud.push(grant.client_id.clone());
        aud.sort();
        aud.dedup();
        let claims = Claims {
            jti: jti.clone(),
            sub: user_id.clone().unwrap_or_else(|| grant.client_id.clone()),
            scope: grant.scopes.clone(),
            client_id: grant.client_id.clone(),
            cid: grant.client_id.clone(),
            azp: grant.client_id.clone(),
            grant_type: grant.grant_type.to_owned(),
            origin: user_id.as_ref().map(|_| "uaa".to_owned()),
            user_id,
            user_name,
            iat: now,
            exp: now + lifetime_secs,
            iss: format!("{}/oauth/token", grant.issuer),
            zid: "uaa".to_owned(),
            aud,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_ID.to_owned());
        let access_token = jsonwebtoken::encode(&header, &claims, &self.encoding)?;
        let refresh_token = with_refresh.then(|| {
            let token = format!("{}-r", self.opaque_id());
            if let Ok(mut store) = self.refresh.lock() {
                store.insert(
                    token.clone(),
                    StoredRefresh { grant: grant.clone(), expires_at: now + REFRESH_TOKEN_LIFETIME_SECS },
                );
            }
            token
        });
        Ok(IssuedToken { access_token, jti, expires_in: lifetime_secs, refresh_token })
    }

    /// The grant behind a refresh token, if it is known, unexpired and from this UAA.
    pub(crate) fn redeem_refresh(&self, token: &str, issuer: &str) -> Option<Grant> {
        let store = self.refresh.lock().ok()?;
        let stored = store.get(token)?;
        (stored.expires_at > now_secs() && stored.grant.issuer == issuer).then(|| stored.grant.clone())
    }

    /// Verifies signature, issuer and expiry of a bearer token.
    pub(crate) fn verify(&self, authorization: Option<&str>, issuer: &str) -> Result<Claims, TokenError> {
        let header = authorization.ok_or(TokenError::Missing)?;
        let (scheme, token) = header.trim().split_once(' ').ok_or(TokenError::Invalid)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Invalid);
        }
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        // Expiry is checked below without leeway, so lifetime 0 yields an already expired token.
        validation.validate_exp = false;
        validation.set_issuer(&[format!("{issuer}/oauth/token")]);
        let data = jsonwebtoken::decode::<Claims>(token.trim(), &self.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.exp <= now_secs() {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant {
            issuer: "http://127.0.0.1:1".into(),
            client_id: "cf".into(),
            grant_type: "password",
            user: Some(("u-1".into(), "admin".into())),
            scopes: vec!["cloud_controller.admin_read_only".into(), "openid".into()],
        }
    }

    #[test]
    fn issued_tokens_verify_and_expire() {
        let service = TokenService::new().unwrap();
        let token = service.issue(&grant(), 60, true).unwrap();
        let bearer = format!("bearer {}", token.access_token);
        let claims = service.verify(Some(&bearer), "http://127.0.0.1:1").unwrap();
        assert_eq!(claims.user_name.as_deref(), Some("admin"));
        assert_eq!(service.verify(Some(&bearer), "http://127.0.0.1:2").err(), Some(TokenError::Invalid));
        let expired = service.issue(&grant(), 0, false).unwrap();
        let bearer = format!("bearer {}", expired.access_token);
        assert_eq!(service.verify(Some(&bearer), "http://127.0.0.1:1").err(), Some(TokenError::Expired));
        let refresh = token.refresh_token.unwrap();
        assert!(refresh.ends_with("-r"));
        assert!(service.redeem_refresh(&refresh, "http://127.0.0.1:1").is_some());
        assert!(service.redeem_refresh("nope-r", "http://127.0.0.1:1").is_none());
    }
}
