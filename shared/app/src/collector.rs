//! The collect use case: one snapshot per source, CF and BOSH and Log Cache in parallel.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use capacity_clients::bosh::{BoshClient, BoshConfig};
use capacity_clients::cf::{CfClient, CfConfig, UsageSource};
use capacity_clients::log_cache::LogCacheClient;
use capacity_clients::uaa::{Grant, TokenConfig};
use capacity_clients::{ClientError, HttpSettings, UpstreamMetrics};
use capacity_core::snapshot::{BoshSnapshot, CfSnapshot, FoundationSnapshot, RepSnapshot, SourceState};
use tokio::sync::OnceCell;

use crate::config::{CfCredentials, Config, UsageMode};
use crate::error::{AppError, ConfigError};

/// Seconds since the Unix epoch.
#[must_use]
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Collects snapshots from the configured upstreams. The CF connection (API root discovery) is
/// made on first use and kept; a failed connection is retried on the next collect.
#[derive(Debug)]
pub struct Collector {
    cf_config: CfConfig,
    usage_mode: UsageMode,
    cf: OnceCell<CfClient>,
    bosh: Option<BoshClient>,
    log_cache_enabled: bool,
    log_cache_url: Option<String>,
    log_cache: OnceCell<LogCacheClient>,
    http: HttpSettings,
    metrics: Arc<UpstreamMetrics>,
}

impl Collector {
    /// Builds the clients from the configuration; nothing is sent yet.
    pub fn new(config: &Config, metrics: Arc<UpstreamMetrics>) -> Result<Self, ConfigError> {
        let http = HttpSettings {
            timeout: config.upstream_timeout,
            ca_pem: config.cf.ca_cert.clone(),
            skip_tls_verify: config.cf.skip_tls_verify,
            ..HttpSettings::default()
        };
        let grant = match &config.cf.credentials {
            CfCredentials::User { username, password } => {
                Grant::Password { username: username.clone(), password: password.clone() }
            }
            CfCredentials::Client { client_id, client_secret } => {
                Grant::ClientCredentials { client_id: client_id.clone(), client_secret: client_secret.clone() }
            }
        };
        let mut token = TokenConfig::new(grant);
        token.oauth_client_id.clone_from(&config.cf.oauth_client.0);
        token.oauth_client_secret = config.cf.oauth_client.1.clone();
        let mut cf_config = CfConfig::new(config.cf.api_url.clone(), token);
        cf_config.concurrency = config.cf.concurrency;
        cf_config.http = http.clone();
        let bosh = match &config.bosh {
            None => None,
            Some(b) => {
                let mut bosh_config = BoshConfig::new(
                    b.environment.clone(),
                    b.client.clone(),
                    b.client_secret.clone(),
                    b.ca_cert.clone(),
                );
                bosh_config.deployments.clone_from(&b.deployments);
                bosh_config.http.retry = b.retry;
                bosh_config.http.timeout = config.upstream_timeout;
                bosh_config.task_poll_interval = b.task_poll_interval;
                Some(
                    BoshClient::new(bosh_config, metrics.clone())
                        .map_err(|e| ConfigError::Invalid { variable: "BOSH_ENVIRONMENT", reason: e.to_string() })?,
                )
            }
        };
        Ok(Self {
            cf_config,
            usage_mode: config.cf.usage_source,
            cf: OnceCell::new(),
            bosh,
            log_cache_enabled: config.log_cache_enabled,
            log_cache_url: config.log_cache_url.clone(),
            log_cache: OnceCell::new(),
            http,
            metrics,
        })
    }

    /// Request counters of every upstream.
    #[must_use]
    pub fn metrics(&self) -> &Arc<UpstreamMetrics> {
        &self.metrics
    }

    /// Whether BOSH is configured.
    #[must_use]
    pub fn bosh_configured(&self) -> bool {
        self.bosh.is_some()
    }

    /// Whether Log Cache is enabled.
    #[must_use]
    pub fn log_cache_enabled(&self) -> bool {
        self.log_cache_enabled
    }

    /// The connected CF client.
    pub async fn cf(&self) -> Result<&CfClient, ClientError> {
        self.cf.get_or_try_init(|| CfClient::connect(self.cf_config.clone(), self.metrics.clone())).await
    }

    /// CF facts. Without them nothing can be analysed, so failure is an error.
    pub async fn collect_cf(&self, now: i64) -> Result<CfSnapshot, ClientError> {
        let started = Instant::now();
        let cf = self.cf().await?;
        let log_cache = match self.usage_mode {
            UsageMode::Stats => None,
            UsageMode::Auto if !self.log_cache_enabled => None,
            UsageMode::Auto | UsageMode::LogCache => match self.log_cache_client().await {
                Ok(client) => Some(client),
                Err(error) => {
                    tracing::warn!(%error, "Log Cache unavailable for instance usage; reading stats");
                    None
                }
            },
        };
        let usage = log_cache.map_or(UsageSource::Stats, UsageSource::LogCache);
        let snapshot = cf.snapshot(now, usage).await;
        log_outcome("cf", started, snapshot.as_ref().map(|s| s.processes.len()));
        snapshot
    }

    /// BOSH facts, or why they are missing.
    pub async fn collect_bosh(&self, now: i64) -> SourceState<BoshSnapshot> {
        let Some(bosh) = &self.bosh else { return SourceState::NotConfigured };
        let started = Instant::now();
        let result = bosh.snapshot(now).await;
        log_outcome("bosh", started, result.as_ref().map(|s| s.vms.len()));
        degrade(result)
    }

    /// The rep's capacity gauges, or why they are missing.
    pub async fn collect_log_cache(&self, now: i64) -> SourceState<RepSnapshot> {
        if !self.log_cache_enabled {
            return SourceState::NotConfigured;
        }
        let started = Instant::now();
        let result = match self.log_cache_client().await {
            Ok(client) => client.rep_capacity(now).await,
            Err(e) => Err(e),
        };
        log_outcome("log_cache", started, result.as_ref().map(|s| s.cells.len()));
        degrade(result)
    }

    /// Everything, in parallel. CF failure is an error; BOSH or Log Cache failure degrades.
    pub async fn collect(&self, now: i64) -> Result<FoundationSnapshot, AppError> {
        let (cf, bosh, log_cache) =
            tokio::join!(self.collect_cf(now), self.collect_bosh(now), self.collect_log_cache(now));
        Ok(FoundationSnapshot { cf: cf.map_err(|e| AppError::CfUnavailable(Arc::new(e)))?, bosh, log_cache })
    }

    async fn log_cache_client(&self) -> Result<&LogCacheClient, ClientError> {
        self.log_cache
            .get_or_try_init(|| async {
                let cf = self.cf().await?;
                let url =
                    self.log_cache_url.clone().or_else(|| cf.discovery().log_cache_url.clone()).ok_or_else(|| {
                        ClientError::Config(
                            "the CF API root advertises no log_cache link; set LOG_CACHE_URL".to_owned(),
                        )
                    })?;
                LogCacheClient::new(&url, cf.tokens(), self.http.clone(), self.metrics.clone())
            })
            .await
    }
}

fn degrade<T>(result: Result<T, ClientError>) -> SourceState<T> {
    match result {
        Ok(data) => SourceState::Available { data },
        Err(e) => SourceState::Unavailable { reason: e.to_string() },
    }
}

fn log_outcome<T: std::fmt::Display>(source: &str, started: Instant, result: Result<T, &ClientError>) {
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok(items) => tracing::info!(source, ms, items = %items, "collected"),
        Err(error) => tracing::warn!(source, ms, %error, "collect failed"),
    }
}
