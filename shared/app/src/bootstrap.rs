//! Building the running application from its environment: secrets, configuration, cache,
//! collector and service. Shared by every Lambda function and by `capacity-server`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use capacity_clients::UpstreamMetrics;
use tokio::sync::OnceCell;

use crate::auth::{Authenticator, HttpKeySource, Jwks};
use crate::cache::{CacheStore, DynamoCache, MemoryCache};
use crate::collector::Collector;
use crate::config::{AuthConfig, Config, Settings};
use crate::error::{AppError, ConfigError};
use crate::http::ApiState;
use crate::secrets::{AwsSecretsManager, SecretStore};
use crate::service::{CapacityService, ServiceSettings, Upstreams, UpstreamsReloader};

/// Where configuration comes from, before the secret store is consulted.
#[derive(Debug, Clone)]
pub struct Sources {
    /// Environment-like layers, highest priority first (e.g. `VCAP_SERVICES` credentials, then
    /// the process environment).
    pub settings: Settings,
    /// A secret store to put in front of them; `None` reads `SECRET_ID` and uses AWS Secrets
    /// Manager when it is set.
    pub secret_store: Option<Arc<dyn SecretStore>>,
}

impl Sources {
    /// The process environment, with AWS Secrets Manager when `SECRET_ID` is set.
    #[must_use]
    pub fn from_env() -> Self {
        Self { settings: Settings::from_env(), secret_store: None }
    }
}

/// The assembled application.
#[derive(Debug, Clone)]
pub struct Application {
    /// Validated configuration (secret values included, never logged).
    pub config: Config,
    /// The capacity service.
    pub service: Arc<CapacityService>,
    /// Upstream request counters.
    pub upstream_metrics: Arc<UpstreamMetrics>,
    /// Who may call the API.
    pub auth: Arc<Authenticator>,
}

impl Application {
    /// State for the HTTP routes.
    #[must_use]
    pub fn api_state(&self) -> Arc<ApiState> {
        let ui_auth = match &self.config.auth {
            AuthConfig::Uaa(uaa) => Some(uaa.ui.clone()),
            AuthConfig::Disabled => None,
        };
        Arc::new(ApiState {
            service: self.service.clone(),
            auth: self.auth.clone(),
            ui_auth,
            rendered: Default::default(),
        })
    }
}

/// Loads the AWS SDK configuration once per process (credentials, region, endpoint overrides).
async fn aws_config() -> &'static aws_config::SdkConfig {
    static CONFIG: OnceCell<aws_config::SdkConfig> = OnceCell::const_new();
    CONFIG.get_or_init(|| aws_config::defaults(aws_config::BehaviorVersion::latest()).load()).await
}

/// Reads the secret store (if any) and validates the configuration.
async fn load_config(sources: &Sources) -> Result<Config, ConfigError> {
    let store: Option<Arc<dyn SecretStore>> = match (&sources.secret_store, sources.settings.get("SECRET_ID")) {
        (Some(store), _) => Some(store.clone()),
        (None, Some(secret_id)) => {
            Some(Arc::new(AwsSecretsManager::new(aws_sdk_secretsmanager::Client::new(aws_config().await), secret_id)))
        }
        (None, None) => None,
    };
    let mut settings = sources.settings.clone();
    if let Some(store) = store {
        let values = store.load().await.map_err(|e| ConfigError::SecretStore(e.to_string()))?;
        tracing::info!(store = store.kind(), keys = values.len(), "secrets loaded");
        settings = settings.with_priority_layer(values);
    }
    let (config, warnings) = Config::load(&settings)?;
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    Ok(config)
}

/// Builds the application. Fails with a message naming the missing or invalid variable.
pub async fn build(sources: Sources) -> Result<Application, ConfigError> {
    let config = load_config(&sources).await?;
    let upstream_metrics = Arc::new(UpstreamMetrics::default());
    let collector = Arc::new(Collector::new(&config, upstream_metrics.clone())?);
    let cache: Arc<dyn CacheStore> = match &config.cache.table {
        Some(table) => Arc::new(DynamoCache::new(aws_sdk_dynamodb::Client::new(aws_config().await), table.clone())),
        None => Arc::new(MemoryCache::with_sweep(Duration::from_secs(60))),
    };
    tracing::info!(
        foundation = %config.foundation,
        cache = cache.kind(),
        bosh = config.bosh.is_some(),
        log_cache = config.log_cache_enabled,
        "configuration loaded"
    );
    let auth = Arc::new(authenticator(&config, upstream_metrics.clone())?);
    let reloader = Arc::new(Reloader { sources, metrics: upstream_metrics.clone() });
    let service = CapacityService::new(collector, cache, ServiceSettings::from_config(&config)).with_reloader(reloader);
    Ok(Application { config, service: Arc::new(service), upstream_metrics, auth })
}

/// The authenticator the configuration asks for. UAA keys are fetched on first use, through the
/// same TLS settings as CF's UAA.
fn authenticator(config: &Config, metrics: Arc<UpstreamMetrics>) -> Result<Authenticator, ConfigError> {
    let AuthConfig::Uaa(uaa) = &config.auth else {
        return Ok(Authenticator::Disabled);
    };
    let http = capacity_clients::HttpSettings {
        timeout: config.upstream_timeout,
        ca_pem: config.cf.ca_cert.clone(),
        skip_tls_verify: config.cf.skip_tls_verify,
        ..capacity_clients::HttpSettings::default()
    };
    let upstream = capacity_clients::http::Upstream::new(capacity_clients::upstream::UAA, http, metrics)
        .map_err(|e| ConfigError::Invalid { variable: "AUTH_JWKS_URL", reason: e.to_string() })?;
    let source = Arc::new(HttpKeySource::new(upstream, uaa.jwks_url.clone()));
    Ok(Authenticator::Enabled {
        settings: uaa.tokens.clone(),
        keys: Arc::new(Jwks::new(source, Duration::from_secs(30))),
        api_keys: uaa.api_keys.clone(),
    })
}

/// Re-reads the secret store and rebuilds the collector after an authentication failure.
#[derive(Debug)]
struct Reloader {
    sources: Sources,
    metrics: Arc<UpstreamMetrics>,
}

#[async_trait]
impl UpstreamsReloader for Reloader {
    async fn reload(&self) -> Result<Arc<dyn Upstreams>, AppError> {
        let config = load_config(&self.sources).await?;
        Ok(Arc::new(Collector::new(&config, self.metrics.clone())?))
    }
}
