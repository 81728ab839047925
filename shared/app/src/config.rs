//! Configuration from layered sources: the secret store first, then bound services
//! (`VCAP_SERVICES`), then the environment. Errors name the variable, never its value.

use std::collections::HashMap;
use std::time::Duration;

use capacity_clients::Secret;
use capacity_core::AnalysisOptions;

use crate::error::ConfigError;

/// Layered key/value lookup. Secret-store and service-binding keys are matched case-insensitively
/// against the variable name (`cf_password` provides `CF_PASSWORD`).
#[derive(Debug, Default, Clone)]
pub struct Settings {
    layers: Vec<HashMap<String, Secret>>,
}

impl Settings {
    /// Settings from the process environment only.
    #[must_use]
    pub fn from_env() -> Self {
        Self::default().with_layer(std::env::vars())
    }

    /// Adds a layer that the earlier ones take precedence over.
    #[must_use]
    pub fn with_layer(mut self, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        self.layers.push(pairs.into_iter().map(|(k, v)| (k.to_ascii_uppercase(), Secret::new(v))).collect());
        self
    }

    /// Puts a layer in front of all others (the secret store).
    #[must_use]
    pub fn with_priority_layer(mut self, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        self.layers.insert(0, pairs.into_iter().map(|(k, v)| (k.to_ascii_uppercase(), Secret::new(v))).collect());
        self
    }

    /// A non-empty value for `name` from the first layer that has one.
    #[must_use]
    pub fn secret(&self, name: &str) -> Option<Secret> {
        self.layers.iter().find_map(|layer| layer.get(name).filter(|v| !v.expose().trim().is_empty()).cloned())
    }

    /// Like [`secret`](Self::secret), for values that are not secret.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<String> {
        self.secret(name).map(|s| s.expose().trim().to_owned())
    }

    fn parse<T: std::str::FromStr>(&self, name: &'static str, default: T, what: &str) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => {
                v.parse().map_err(|_| ConfigError::Invalid { variable: name, reason: format!("expected {what}") })
            }
        }
    }

    fn flag(&self, name: &'static str) -> Result<bool, ConfigError> {
        match self.get(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
            Some(_) => Err(ConfigError::Invalid { variable: name, reason: "expected true or false".to_owned() }),
        }
    }
}

/// How the analyzer authenticates to CF's UAA.
#[derive(Debug, Clone)]
pub enum CfCredentials {
    /// `CF_USERNAME` / `CF_PASSWORD` (password grant through `CF_OAUTH_CLIENT`, default `cf`).
    User {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// `CF_CLIENT_ID` / `CF_CLIENT_SECRET` (client_credentials grant).
    Client {
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: Secret,
    },
}

/// CF API settings.
#[derive(Debug, Clone)]
pub struct CfSettings {
    /// `CF_API_URL`.
    pub api_url: String,
    /// Credentials.
    pub credentials: CfCredentials,
    /// `CF_OAUTH_CLIENT` (default `cf`) and `CF_OAUTH_CLIENT_SECRET` (default empty).
    pub oauth_client: (String, Secret),
    /// `CF_CA_CERT`: extra trusted root for CF, UAA and Log Cache.
    pub ca_cert: Option<String>,
    /// `CF_SKIP_SSL_VALIDATION`.
    pub skip_tls_verify: bool,
    /// `CF_STATS_CONCURRENCY` (default 20).
    pub concurrency: usize,
    /// `CF_USAGE_SOURCE`: where instance placement and usage come from.
    pub usage_source: UsageMode,
}

/// `CF_USAGE_SOURCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageMode {
    /// `auto` (default): Log Cache container metrics when Log Cache is enabled, else stats.
    Auto,
    /// `stats`: one `/v3/processes/:guid/stats` call per started process.
    Stats,
    /// `log_cache`: Log Cache container metrics (stats only where they cannot place an instance).
    LogCache,
}

/// BOSH director settings (optional as a whole).
#[derive(Debug, Clone)]
pub struct BoshSettings {
    /// `BOSH_ENVIRONMENT`.
    pub environment: String,
    /// `BOSH_CLIENT`.
    pub client: String,
    /// `BOSH_CLIENT_SECRET`.
    pub client_secret: Secret,
    /// `BOSH_CA_CERT` (PEM text).
    pub ca_cert: Option<String>,
    /// `BOSH_DEPLOYMENTS` (comma-separated); `None` discovers them.
    pub deployments: Option<Vec<String>>,
    /// `BOSH_RETRIES` (default 3) and `BOSH_RETRY_BASE_MS` (default 1000).
    pub retry: capacity_clients::RetryPolicy,
    /// `BOSH_TASK_POLL_MS` (default 500).
    pub task_poll_interval: Duration,
}

/// Cache settings.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// `CACHE_TTL` seconds (default 300): how long a collected source stays fresh.
    pub ttl: Duration,
    /// `CACHE_STALE_SECS` (default 86400): how long an expired value may still be served as
    /// stale when a refresh fails. It is also the DynamoDB TTL horizon.
    pub stale_for: Duration,
    /// `CACHE_TABLE`: the DynamoDB table; absent → in-memory cache.
    pub table: Option<String>,
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `FOUNDATION` (default `default`): prefixes every cache key.
    pub foundation: String,
    /// CF API.
    pub cf: CfSettings,
    /// BOSH director; `None` runs degraded (no vitals, capacity from Log Cache only).
    pub bosh: Option<BoshSettings>,
    /// `LOG_CACHE_URL`; `None` uses the CF root's `links.log_cache`.
    pub log_cache_url: Option<String>,
    /// `LOG_CACHE_ENABLED` (default true).
    pub log_cache_enabled: bool,
    /// `UPSTREAM_TIMEOUT_SECS` (default 30): per-request timeout for every upstream.
    pub upstream_timeout: Duration,
    /// Cache.
    pub cache: CacheSettings,
    /// `CELL_MEMORY_MB`, `CHUNK_MB`.
    pub analysis: AnalysisOptions,
    /// `REFRESH_MIN_AGE_SECS` (default 30): `?refresh=true` re-collects only data older than this.
    pub refresh_min_age_secs: i64,
    /// Who may call the API.
    pub auth: AuthConfig,
}

/// Authentication settings.
#[derive(Debug, Clone)]
pub enum AuthConfig {
    /// `AUTH_MODE=disabled`: every route is public. Only for demos and isolated networks.
    Disabled,
    /// `AUTH_MODE=uaa` (default): UAA bearer tokens and API keys.
    Uaa(Box<UaaAuthConfig>),
}

/// UAA authentication.
#[derive(Debug, Clone)]
pub struct UaaAuthConfig {
    /// Token checks.
    pub tokens: crate::auth::TokenSettings,
    /// `AUTH_JWKS_URL` (default: the issuer's `/token_keys`).
    pub jwks_url: String,
    /// `API_KEYS`: stored key hashes.
    pub api_keys: Vec<crate::auth::ApiKeyRecord>,
    /// Sign-in settings the dashboard reads from `/api/health`.
    pub ui: UiAuthConfig,
}

/// What the dashboard needs to sign users in (authorization code with PKCE).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UiAuthConfig {
    /// `AUTH_UI_AUTHORIZE_URL` (default: the issuer's `/oauth/authorize`).
    pub authorize_url: String,
    /// The issuer's token endpoint.
    pub token_url: String,
    /// `AUTH_UI_CLIENT_ID` (default `diego_capacity_dashboard`): a public UAA client.
    pub client_id: String,
    /// `AUTH_UI_SCOPES`.
    pub scopes: String,
}

/// Something worth a warning at startup that does not stop it.
pub type ConfigWarning = String;

impl Config {
    /// Validates and assembles the configuration.
    pub fn load(s: &Settings) -> Result<(Self, Vec<ConfigWarning>), ConfigError> {
        let mut warnings = Vec::new();
        let api_url = s.get("CF_API_URL").ok_or(ConfigError::Missing {
            variable: "CF_API_URL",
            hint: "the Cloud Foundry API URL, e.g. https://api.sys.example.com",
        })?;
        let credentials = cf_credentials(s)?;
        let cf = CfSettings {
            api_url,
            credentials,
            oauth_client: (
                s.get("CF_OAUTH_CLIENT").unwrap_or_else(|| "cf".to_owned()),
                s.secret("CF_OAUTH_CLIENT_SECRET").unwrap_or_default(),
            ),
            ca_cert: s.get("CF_CA_CERT"),
            skip_tls_verify: s.flag("CF_SKIP_SSL_VALIDATION")?,
            concurrency: positive(
                s.parse("CF_STATS_CONCURRENCY", 20usize, "a positive integer")?,
                "CF_STATS_CONCURRENCY",
            )?,
            usage_source: match s.get("CF_USAGE_SOURCE").map(|v| v.to_ascii_lowercase()).as_deref() {
                None | Some("auto") => UsageMode::Auto,
                Some("stats") => UsageMode::Stats,
                Some("log_cache") => UsageMode::LogCache,
                Some(_) => {
                    return Err(ConfigError::Invalid {
                        variable: "CF_USAGE_SOURCE",
                        reason: "expected auto, stats or log_cache".to_owned(),
                    });
                }
            },
        };
        let bosh = bosh_settings(s, &mut warnings)?;
        let ttl = Duration::from_secs(positive(s.parse("CACHE_TTL", 300u64, "seconds")?, "CACHE_TTL")?);
        let stale_for = Duration::from_secs(s.parse("CACHE_STALE_SECS", 86_400u64, "seconds")?);
        let chunk_mb = positive(s.parse("CHUNK_MB", 4096u64, "MiB")?, "CHUNK_MB")?;
        let configured_cell_memory_mb = match s.get("CELL_MEMORY_MB") {
            None => None,
            Some(_) => Some(positive(s.parse("CELL_MEMORY_MB", 0u64, "MiB")?, "CELL_MEMORY_MB")?),
        };
        let config = Self {
            foundation: foundation_name(s)?,
            cf,
            bosh,
            log_cache_url: s.get("LOG_CACHE_URL"),
            log_cache_enabled: s.get("LOG_CACHE_ENABLED").is_none() || s.flag("LOG_CACHE_ENABLED")?,
            upstream_timeout: Duration::from_secs(positive(
                s.parse("UPSTREAM_TIMEOUT_SECS", 30u64, "seconds")?,
                "UPSTREAM_TIMEOUT_SECS",
            )?),
            cache: CacheSettings { ttl, stale_for, table: s.get("CACHE_TABLE") },
            analysis: AnalysisOptions { chunk_mb, configured_cell_memory_mb, ..AnalysisOptions::default() },
            refresh_min_age_secs: s.parse("REFRESH_MIN_AGE_SECS", 30i64, "seconds")?.max(0),
            auth: auth_config(s, &mut warnings)?,
        };
        if config.cf.skip_tls_verify {
            warnings.push(
                "CF_SKIP_SSL_VALIDATION is on: TLS certificates of CF, UAA and Log Cache are NOT verified".to_owned(),
            );
        }
        Ok((config, warnings))
    }
}

fn cf_credentials(s: &Settings) -> Result<CfCredentials, ConfigError> {
    if let Some(client_id) = s.get("CF_CLIENT_ID") {
        let client_secret = s.secret("CF_CLIENT_SECRET").ok_or(ConfigError::Missing {
            variable: "CF_CLIENT_SECRET",
            hint: "the secret of CF_CLIENT_ID (or use CF_USERNAME and CF_PASSWORD instead)",
        })?;
        return Ok(CfCredentials::Client { client_id, client_secret });
    }
    let username = s.get("CF_USERNAME").ok_or(ConfigError::Missing {
        variable: "CF_USERNAME",
        hint: "set CF_USERNAME and CF_PASSWORD, or CF_CLIENT_ID and CF_CLIENT_SECRET",
    })?;
    let password = s
        .secret("CF_PASSWORD")
        .ok_or(ConfigError::Missing { variable: "CF_PASSWORD", hint: "the password of CF_USERNAME" })?;
    Ok(CfCredentials::User { username, password })
}

fn bosh_settings(s: &Settings, warnings: &mut Vec<ConfigWarning>) -> Result<Option<BoshSettings>, ConfigError> {
    let Some(environment) = s.get("BOSH_ENVIRONMENT") else {
        warnings.push(
            "BOSH_ENVIRONMENT is not set: running without BOSH (no cell vitals; capacity from Log Cache only)"
                .to_owned(),
        );
        return Ok(None);
    };
    let client = s.get("BOSH_CLIENT").ok_or(ConfigError::Missing {
        variable: "BOSH_CLIENT",
        hint: "the BOSH UAA client (e.g. ops_manager) when BOSH_ENVIRONMENT is set",
    })?;
    let client_secret = s
        .secret("BOSH_CLIENT_SECRET")
        .ok_or(ConfigError::Missing { variable: "BOSH_CLIENT_SECRET", hint: "the secret of BOSH_CLIENT" })?;
    let ca_cert = s.get("BOSH_CA_CERT");
    if ca_cert.as_ref().is_some_and(|pem| !pem.contains("-----BEGIN CERTIFICATE-----")) {
        {
            return Err(ConfigError::Invalid {
                variable: "BOSH_CA_CERT",
                reason: "expected PEM text (-----BEGIN CERTIFICATE-----)".to_owned(),
            });
        }
    }
    let deployments = s
        .get("BOSH_DEPLOYMENTS")
        .map(|list| list.split(',').map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).collect::<Vec<_>>());
    let valid_name = |n: &String| n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if deployments.as_ref().is_some_and(|names| !names.iter().all(valid_name)) {
        {
            return Err(ConfigError::Invalid {
                variable: "BOSH_DEPLOYMENTS",
                reason: "deployment names may only contain letters, digits, '-', '_' and '.'".to_owned(),
            });
        }
    }
    Ok(Some(BoshSettings {
        environment,
        client,
        client_secret,
        ca_cert,
        deployments: deployments.filter(|d| !d.is_empty()),
        retry: capacity_clients::RetryPolicy {
            retries: s.parse("BOSH_RETRIES", 3u32, "a number of retries")?,
            base_delay: Duration::from_millis(s.parse("BOSH_RETRY_BASE_MS", 1000u64, "milliseconds")?),
            jitter: 0.2,
        },
        task_poll_interval: Duration::from_millis(s.parse("BOSH_TASK_POLL_MS", 500u64, "milliseconds")?),
    }))
}

fn list(s: &Settings, name: &str, default: &str) -> Vec<String> {
    s.get(name)
        .unwrap_or_else(|| default.to_owned())
        .split([',', ' '])
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn auth_config(s: &Settings, warnings: &mut Vec<ConfigWarning>) -> Result<AuthConfig, ConfigError> {
    match s.get("AUTH_MODE").map(|m| m.to_ascii_lowercase()).as_deref() {
        None | Some("uaa") => {}
        Some("disabled") => {
            warnings.push("AUTH_MODE=disabled: every API route is public; use it only for demos".to_owned());
            return Ok(AuthConfig::Disabled);
        }
        Some(_) => {
            return Err(ConfigError::Invalid { variable: "AUTH_MODE", reason: "expected uaa or disabled".to_owned() });
        }
    }
    let issuer = s.get("AUTH_ISSUER").ok_or(ConfigError::Missing {
        variable: "AUTH_ISSUER",
        hint: "the UAA token issuer, e.g. https://uaa.sys.example.com/oauth/token (or AUTH_MODE=disabled for a demo)",
    })?;
    let parsed = url::Url::parse(&issuer)
        .map_err(|_| ConfigError::Invalid { variable: "AUTH_ISSUER", reason: "expected an absolute URL".to_owned() })?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(ConfigError::Invalid { variable: "AUTH_ISSUER", reason: "expected an http(s) URL".to_owned() });
    }
    let base = issuer.trim_end_matches('/').trim_end_matches("/oauth/token").to_owned();
    let tokens = crate::auth::TokenSettings {
        issuer: issuer.clone(),
        audience: s.get("AUTH_AUDIENCE").unwrap_or_else(|| "diego_capacity".to_owned()),
        viewer_scopes: list(s, "AUTH_VIEWER_SCOPES", "diego_capacity.viewer"),
        operator_scopes: list(s, "AUTH_OPERATOR_SCOPES", "diego_capacity.operator"),
        leeway: Duration::from_secs(s.parse("AUTH_LEEWAY_SECS", 30u64, "seconds")?),
    };
    let api_keys = match s.secret("API_KEYS") {
        Some(text) => crate::auth::apikey::parse_records(text.expose())?,
        None => Vec::new(),
    };
    let ui = UiAuthConfig {
        authorize_url: s.get("AUTH_UI_AUTHORIZE_URL").unwrap_or_else(|| format!("{base}/oauth/authorize")),
        token_url: format!("{base}/oauth/token"),
        client_id: s.get("AUTH_UI_CLIENT_ID").unwrap_or_else(|| "diego_capacity_dashboard".to_owned()),
        scopes: s
            .get("AUTH_UI_SCOPES")
            .unwrap_or_else(|| "openid diego_capacity.viewer diego_capacity.operator".to_owned()),
    };
    Ok(AuthConfig::Uaa(Box::new(UaaAuthConfig {
        jwks_url: s.get("AUTH_JWKS_URL").unwrap_or_else(|| format!("{base}/token_keys")),
        tokens,
        api_keys,
        ui,
    })))
}

fn foundation_name(s: &Settings) -> Result<String, ConfigError> {
    let name = s.get("FOUNDATION").unwrap_or_else(|| "default".to_owned());
    if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(ConfigError::Invalid {
            variable: "FOUNDATION",
            reason: "use at most 64 letters, digits, '-', '_' or '.'".to_owned(),
        });
    }
    Ok(name)
}

fn positive<T: PartialEq + Default>(value: T, variable: &'static str) -> Result<T, ConfigError> {
    if value == T::default() {
        return Err(ConfigError::Invalid { variable, reason: "must be greater than zero".to_owned() });
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
