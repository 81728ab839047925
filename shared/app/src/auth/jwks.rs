//! UAA's signing keys (`/token_keys`), cached, fetched again on an unknown `kid` at most every
//! `min_refetch` so that a flood of forged `kid`s cannot turn into a flood of fetches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use capacity_clients::http::Upstream;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};

/// Where keys come from.
#[async_trait]
pub trait KeySource: Send + Sync + std::fmt::Debug {
    /// The JWKS document (`{"keys": [...]}`).
    async fn fetch(&self) -> Result<String, String>;
}

/// Keys over HTTP from UAA.
#[derive(Debug)]
pub struct HttpKeySource {
    upstream: Upstream,
    url: String,
}

impl HttpKeySource {
    /// A source reading `url` through `upstream` (counted and timed like every upstream call).
    #[must_use]
    pub fn new(upstream: Upstream, url: String) -> Self {
        Self { upstream, url }
    }
}

#[async_trait]
impl KeySource for HttpKeySource {
    async fn fetch(&self) -> Result<String, String> {
        let response = self.upstream.execute("/token_keys", |c| c.get(&self.url)).await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("UAA /token_keys answered HTTP {}", response.status().as_u16()));
        }
        let body = self.upstream.body("/token_keys", response).await.map_err(|e| e.to_string())?;
        String::from_utf8(body.to_vec()).map_err(|_| "UAA /token_keys is not UTF-8".to_owned())
    }
}

/// Fixed keys (tests, and deployments that pin keys).
#[derive(Debug, Clone)]
pub struct StaticKeySource(pub String);

#[async_trait]
impl KeySource for StaticKeySource {
    async fn fetch(&self) -> Result<String, String> {
        Ok(self.0.clone())
    }
}

#[derive(Clone)]
pub(crate) struct VerifyKey {
    pub(crate) key: DecodingKey,
    /// Algorithms this key may verify: RSA keys only RS*/PS*, EC keys only ES*; never HS*.
    pub(crate) algorithms: Vec<Algorithm>,
}

/// The cache.
pub struct Jwks {
    source: Arc<dyn KeySource>,
    keys: RwLock<HashMap<String, VerifyKey>>,
    last_fetch: Mutex<Option<Instant>>,
    fetching: tokio::sync::Mutex<()>,
    min_refetch: Duration,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks").field("source", &self.source).finish_non_exhaustive()
    }
}

/// Why no key could be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyError {
    Unknown,
    Unavailable(String),
}

fn algorithms(jwk: &Jwk) -> Vec<Algorithm> {
    let family: &[Algorithm] = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => &[
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
        ],
        AlgorithmParameters::EllipticCurve(_) => &[Algorithm::ES256, Algorithm::ES384],
        _ => &[],
    };
    // A key that names its algorithm verifies only that one.
    match jwk.common.key_algorithm.and_then(|a| a.to_string().parse::<Algorithm>().ok()) {
        Some(alg) => family.iter().copied().filter(|a| *a == alg).collect(),
        None => family.to_vec(),
    }
}

impl Jwks {
    /// A cache over `source`.
    #[must_use]
    pub fn new(source: Arc<dyn KeySource>, min_refetch: Duration) -> Self {
        Self {
            source,
            keys: RwLock::new(HashMap::new()),
            last_fetch: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
            min_refetch,
        }
    }

    fn lookup(&self, kid: Option<&str>) -> Option<VerifyKey> {
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        match kid {
            Some(kid) => keys.get(kid).cloned(),
            // UAA always names the key; without a kid only a single-key set is unambiguous.
            None if keys.len() == 1 => keys.values().next().cloned(),
            None => None,
        }
    }

    /// The key for `kid`, fetching the set when it is unknown (rate-limited).
    pub(crate) async fn key(&self, kid: Option<&str>) -> Result<VerifyKey, KeyError> {
        if let Some(key) = self.lookup(kid) {
            return Ok(key);
        }
        let _one_fetch = self.fetching.lock().await;
        if let Some(key) = self.lookup(kid) {
            return Ok(key);
        }
        let recent = self
            .last_fetch
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|t| t.elapsed() < self.min_refetch);
        if recent {
            return Err(KeyError::Unknown);
        }
        *self.last_fetch.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        let text = self.source.fetch().await.map_err(KeyError::Unavailable)?;
        let set: JwkSet = serde_json::from_str(&text)
            .map_err(|e| KeyError::Unavailable(format!("UAA token keys are not a JWK set: {e}")))?;
        let mut fresh = HashMap::new();
        for (i, jwk) in set.keys.iter().enumerate() {
            let algs = algorithms(jwk);
            let Ok(key) = DecodingKey::from_jwk(jwk) else { continue };
            if algs.is_empty() {
                continue;
            }
            let id = jwk.common.key_id.clone().unwrap_or_else(|| format!("#{i}"));
            fresh.insert(id, VerifyKey { key, algorithms: algs });
        }
        tracing::info!(keys = fresh.len(), "UAA token keys loaded");
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        self.lookup(kid).ok_or(KeyError::Unknown)
    }
}
