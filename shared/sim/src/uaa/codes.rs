//! One-time authorization codes (RFC 6749 §4.1) bound to a PKCE challenge (RFC 7636, S256
//! only), and their exchange at the token endpoint.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_lc_rs::digest::{SHA256, digest};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::accounts::User;
use super::field;
use super::tokens::{Grant, now_secs};
use crate::server::respond::uaa_error;

/// What a code was issued for; all of it is checked again when the code is redeemed.
#[derive(Debug, Clone)]
pub(crate) struct CodeBinding {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) user: User,
    pub(crate) scopes: Vec<String>,
    pub(crate) code_challenge: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CodeError {
    #[error("no randomness available for an authorization code")]
    Random,
    #[error("the authorization code store is unavailable")]
    Store,
}

enum Redeemed {
    Valid(CodeBinding),
    Expired,
    Unknown,
}

/// Issued, not yet redeemed codes.
pub(crate) struct AuthCodes {
    lifetime_secs: u64,
    codes: Mutex<HashMap<String, (CodeBinding, u64)>>,
}

impl std::fmt::Debug for AuthCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthCodes").field("lifetime_secs", &self.lifetime_secs).finish_non_exhaustive()
    }
}

impl AuthCodes {
    pub(crate) fn new(lifetime_secs: u64) -> Self {
        Self { lifetime_secs, codes: Mutex::new(HashMap::new()) }
    }

    /// A fresh random code (32 URL-safe characters) valid for the configured lifetime.
    pub(crate) fn issue(&self, binding: CodeBinding) -> Result<String, CodeError> {
        let mut raw = [0_u8; 24];
        aws_lc_rs::rand::fill(&mut raw).map_err(|_| CodeError::Random)?;
        let code = URL_SAFE_NO_PAD.encode(raw);
        let now = now_secs();
        let mut codes = self.codes.lock().map_err(|_| CodeError::Store)?;
        codes.retain(|_, (_, expires_at)| *expires_at > now);
        codes.insert(code.clone(), (binding, now + self.lifetime_secs));
        Ok(code)
    }

    /// Takes a code out of the store: whatever the outcome, it cannot be presented again
    /// (UAA consumes the code before it checks redirect URI and verifier).
    fn consume(&self, code: &str) -> Redeemed {
        let Ok(mut codes) = self.codes.lock() else {
            return Redeemed::Unknown;
        };
        match codes.remove(code) {
            Some((binding, expires_at)) if expires_at > now_secs() => Redeemed::Valid(binding),
            Some(_) => Redeemed::Expired,
            None => Redeemed::Unknown,
        }
    }
}

/// BASE64URL(SHA-256(verifier)) without padding: the S256 code challenge.
pub(crate) fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()))
}

/// RFC 7636 §4.1/§4.2: 43 to 128 unreserved characters.
pub(crate) fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(s256_challenge(verifier).as_bytes(), challenge.as_bytes()).is_ok()
}

fn invalid_grant(description: &str) -> Response {
    uaa_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// `grant_type=authorization_code`: the code, its redirect URI and the PKCE verifier.
pub(crate) fn exchange(
    codes: &AuthCodes,
    issuer: String,
    client_id: &str,
    form: &[(String, String)],
) -> Result<Grant, Response> {
    let missing = |description: &str| uaa_error(StatusCode::BAD_REQUEST, "invalid_request", description);
    let code = field(form, "code").filter(|c| !c.is_empty());
    let code = code.ok_or_else(|| missing("An authorization code must be supplied."))?;
    let redirect_uri = field(form, "redirect_uri").filter(|r| !r.is_empty());
    let redirect_uri = redirect_uri.ok_or_else(|| missing("A redirect_uri must be supplied."))?;
    let verifier = field(form, "code_verifier").filter(|v| !v.is_empty());
    let verifier = verifier.ok_or_else(|| missing("Code verifier must be provided for this authorization code."))?;
    let binding = match codes.consume(code) {
        Redeemed::Valid(binding) => binding,
        Redeemed::Expired => return Err(invalid_grant(&format!("Authorization code expired: {code}"))),
        Redeemed::Unknown => return Err(invalid_grant(&format!("Invalid authorization code: {code}"))),
    };
    if binding.client_id != client_id {
        return Err(invalid_grant("Client ID mismatch"));
    }
    if binding.redirect_uri != redirect_uri {
        return Err(invalid_grant("Redirect URI mismatch."));
    }
    if !verifier_matches(verifier, &binding.code_challenge) {
        return Err(invalid_grant("Invalid code verifier"));
    }
    Ok(Grant {
        issuer,
        client_id: binding.client_id,
        grant_type: "authorization_code",
        user: Some((binding.user.id, binding.user.name)),
        scopes: binding.scopes,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Computed independently (Python hashlib) for this test.
    const VERIFIER: &str = "sim-dashboard-verifier-0123456789-abcdefghijklmnop";
    const CHALLENGE: &str = "Oa2FHlimuvhjHh6UU1nahAkNUJS4rM6MxjvgMx32c5Q";

    fn binding() -> CodeBinding {
        CodeBinding {
            client_id: "dash".into(),
            redirect_uri: "http://127.0.0.1:1/cb".into(),
            user: User { id: "u-1".into(), name: "viewer".into(), scopes: vec!["openid".into()] },
            scopes: vec!["openid".into()],
            code_challenge: CHALLENGE.into(),
        }
    }

    fn form(code: &str, verifier: &str) -> Vec<(String, String)> {
        vec![
            ("code".into(), code.into()),
            ("redirect_uri".into(), "http://127.0.0.1:1/cb".into()),
            ("code_verifier".into(), verifier.into()),
        ]
    }

    #[test]
    fn s256_matches_an_independent_implementation() {
        assert_eq!(s256_challenge(VERIFIER), CHALLENGE);
        assert!(verifier_matches(VERIFIER, CHALLENGE));
        assert!(!verifier_matches("sim-dashboard-verifier-0123456789-abcdefghijklmnoq", CHALLENGE));
        assert!(is_pkce_value(VERIFIER) && is_pkce_value(CHALLENGE));
        assert!(!is_pkce_value("short") && !is_pkce_value(&"a b".repeat(20)) && !is_pkce_value(&"a".repeat(129)));
    }

    #[test]
    fn codes_are_single_use_random_and_expire() {
        let codes = AuthCodes::new(300);
        let code = codes.issue(binding()).unwrap();
        assert_eq!(code.len(), 32);
        assert_ne!(code, codes.issue(binding()).unwrap());
        let grant = exchange(&codes, "iss".into(), "dash", &form(&code, VERIFIER)).unwrap();
        assert_eq!((grant.grant_type, grant.user.map(|u| u.1)), ("authorization_code", Some("viewer".to_owned())));
        assert!(exchange(&codes, "iss".into(), "dash", &form(&code, VERIFIER)).is_err());

        let expired = AuthCodes::new(0);
        let code = expired.issue(binding()).unwrap();
        assert!(matches!(expired.consume(&code), Redeemed::Expired));
    }

    #[test]
    fn a_wrong_verifier_burns_the_code() {
        let codes = AuthCodes::new(300);
        let code = codes.issue(binding()).unwrap();
        let wrong = "sim-dashboard-verifier-second-pair-QRSTUVWXYZ_0987.~";
        assert_eq!(
            exchange(&codes, "iss".into(), "dash", &form(&code, wrong)).err().map(|r| r.status().as_u16()),
            Some(400)
        );
        assert!(exchange(&codes, "iss".into(), "dash", &form(&code, VERIFIER)).is_err());
        let missing = exchange(&codes, "iss".into(), "dash", &form("", VERIFIER)).err();
        assert_eq!(missing.map(|r| r.status()), Some(StatusCode::BAD_REQUEST));
    }
}
