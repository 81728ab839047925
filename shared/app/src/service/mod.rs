//! The capacity service: cached sources, single flight, stale-while-revalidate, and the
//! analysis memoised per combination of source versions.

mod metrics;
mod slot;
mod status;
mod upstreams;

pub use metrics::{ServiceMetrics, SourceCounters};
pub use slot::{FetchStatus, Fetched, Freshness};
pub use status::{HealthReport, SourceHealth, SourceMeta, WarmReport};
pub use upstreams::{FixedUpstreams, Upstreams};

use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use capacity_clients::ClientError;
use capacity_core::snapshot::{BoshSnapshot, CfSnapshot, RepSnapshot, SourceState};
use capacity_core::{AnalysisOptions, AppUsage, FoundationAnalysis, analysis};

use crate::cache::CacheStore;
use crate::config::Config;
use crate::error::AppError;
use slot::{SlotContext, SourceSlot};

/// Why a source could not be refreshed. Cheap to clone: it is remembered for the backoff.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RefreshError {
    /// The CF API failed.
    #[error("{0}")]
    Cf(Arc<ClientError>),
    /// An optional source failed.
    #[error("{0}")]
    Source(String),
    /// Another instance holds the refresh lease and has not finished.
    #[error("another instance is refreshing this source")]
    InProgress,
}

/// Builds fresh upstream clients after an authentication failure (credentials may have been
/// rotated in the secret store).
#[async_trait]
pub trait UpstreamsReloader: Send + Sync + std::fmt::Debug {
    /// New upstreams from freshly read configuration.
    async fn reload(&self) -> Result<Arc<dyn Upstreams>, AppError>;
}

/// Timing knobs of the service.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    /// Every cache key starts with it.
    pub foundation: String,
    /// Freshness of a collected source.
    pub ttl_secs: i64,
    /// How long past freshness a value may be served stale.
    pub stale_secs: i64,
    /// Lifetime of a refresh lease (a crashed holder frees it after this).
    pub lease_for: Duration,
    /// How long a reader waits for another instance's refresh before serving stale or 503.
    pub lease_wait: Duration,
    /// Polling interval while waiting.
    pub lease_poll: Duration,
    /// After a failed refresh, reads do not retry for this long.
    pub failure_backoff_secs: i64,
    /// Analysis options.
    pub analysis: AnalysisOptions,
    /// A refresh request re-collects only data older than this (seconds).
    pub refresh_min_age_secs: i64,
}

impl ServiceSettings {
    /// Settings from the configuration, with production timings.
    #[must_use]
    pub fn from_config(config: &Config) -> Self {
        Self {
            foundation: config.foundation.clone(),
            ttl_secs: i64::try_from(config.cache.ttl.as_secs()).unwrap_or(300),
            stale_secs: i64::try_from(config.cache.stale_for.as_secs()).unwrap_or(86_400),
            lease_for: Duration::from_secs(120),
            lease_wait: Duration::from_secs(10),
            lease_poll: slot::DEFAULT_LEASE_POLL,
            failure_backoff_secs: 30,
            analysis: config.analysis.clone(),
            refresh_min_age_secs: config.refresh_min_age_secs,
        }
    }
}

type AnalysisKey = (Option<String>, Option<String>, Option<String>);
type AppsMemo = Option<(Option<String>, Arc<Vec<AppUsage>>)>;

/// Analysis plus what each source contributed.
#[derive(Debug, Clone)]
pub struct FoundationView {
    /// The joined picture.
    pub analysis: Arc<FoundationAnalysis>,
    /// Per-source provenance for `metadata`.
    pub sources: [SourceMeta; 3],
}

/// Apps plus the CF provenance.
#[derive(Debug, Clone)]
pub struct AppsView {
    /// Every app.
    pub apps: Arc<Vec<AppUsage>>,
    /// Provenance of CF, BOSH (not used) and Log Cache (not used).
    pub sources: [SourceMeta; 3],
}

/// See the module documentation.
#[derive(Debug)]
pub struct CapacityService {
    upstreams: RwLock<Arc<dyn Upstreams>>,
    reloader: Option<Arc<dyn UpstreamsReloader>>,
    last_reload: Mutex<Option<Instant>>,
    cache: Arc<dyn CacheStore>,
    settings: ServiceSettings,
    holder: String,
    metrics: ServiceMetrics,
    cf: SourceSlot<CfSnapshot>,
    bosh: SourceSlot<BoshSnapshot>,
    log_cache: SourceSlot<RepSnapshot>,
    analysis: RwLock<Option<(AnalysisKey, Arc<FoundationAnalysis>)>>,
    analysis_compute: tokio::sync::Mutex<()>,
    apps: tokio::sync::Mutex<AppsMemo>,
}

impl CapacityService {
    /// A service over these upstreams and this cache.
    #[must_use]
    pub fn new(upstreams: Arc<dyn Upstreams>, cache: Arc<dyn CacheStore>, settings: ServiceSettings) -> Self {
        let holder = format!("{:016x}", std::collections::hash_map::RandomState::new().build_hasher().finish());
        Self {
            cf: SourceSlot::new("cf", &settings.foundation),
            bosh: SourceSlot::new("bosh", &settings.foundation),
            log_cache: SourceSlot::new("log_cache", &settings.foundation),
            upstreams: RwLock::new(upstreams),
            reloader: None,
            last_reload: Mutex::new(None),
            cache,
            settings,
            holder,
            metrics: ServiceMetrics::default(),
            analysis: RwLock::new(None),
            analysis_compute: tokio::sync::Mutex::new(()),
            apps: tokio::sync::Mutex::new(None),
        }
    }

    /// Lets the service rebuild its upstream clients after an authentication failure.
    #[must_use]
    pub fn with_reloader(mut self, reloader: Arc<dyn UpstreamsReloader>) -> Self {
        self.reloader = Some(reloader);
        self
    }

    /// Settings in force.
    #[must_use]
    pub fn settings(&self) -> &ServiceSettings {
        &self.settings
    }

    /// Cache and refresh counters.
    #[must_use]
    pub fn metrics(&self) -> &ServiceMetrics {
        &self.metrics
    }

    /// The cache adapter's name.
    #[must_use]
    pub fn cache_kind(&self) -> &'static str {
        self.cache.kind()
    }

    fn upstreams(&self) -> Arc<dyn Upstreams> {
        self.upstreams.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn ctx(&self) -> SlotContext<'_> {
        SlotContext {
            store: self.cache.as_ref(),
            holder: &self.holder,
            settings: &self.settings,
            metrics: &self.metrics,
        }
    }

    /// CF facts; without them no view can be built.
    pub async fn cf(&self, freshness: Freshness) -> Result<Fetched<CfSnapshot>, AppError> {
        let result = self
            .cf
            .get(&self.ctx(), freshness, || async {
                let now = crate::collector::unix_now();
                match self.upstreams().cf(now).await {
                    Err(ClientError::Auth { .. }) if self.reload_upstreams().await => {
                        self.upstreams().cf(now).await.map_err(|e| RefreshError::Cf(Arc::new(e)))
                    }
                    other => other.map_err(|e| RefreshError::Cf(Arc::new(e))),
                }
            })
            .await;
        result.map_err(|e| match e {
            RefreshError::Cf(e) => AppError::CfUnavailable(e),
            RefreshError::InProgress => AppError::RefreshInProgress,
            RefreshError::Source(reason) => AppError::Internal(reason),
        })
    }

    /// BOSH facts, or why they are missing.
    pub async fn bosh(&self, freshness: Freshness) -> Fetched<BoshSnapshot> {
        if !self.upstreams().bosh_configured() {
            return Fetched::not_configured();
        }
        let result = self
            .bosh
            .get(&self.ctx(), freshness, || async {
                optional(self.upstreams().bosh(crate::collector::unix_now()).await)
            })
            .await;
        unavailable_on_error(result)
    }

    /// Rep capacity gauges, or why they are missing.
    pub async fn log_cache(&self, freshness: Freshness) -> Fetched<RepSnapshot> {
        if !self.upstreams().log_cache_enabled() {
            return Fetched::not_configured();
        }
        let result = self
            .log_cache
            .get(&self.ctx(), freshness, || async {
                optional(self.upstreams().log_cache(crate::collector::unix_now()).await)
            })
            .await;
        unavailable_on_error(result)
    }

    /// Every source (in parallel) and their analysis, computed once per combination of versions.
    pub async fn foundation(&self, freshness: Freshness) -> Result<FoundationView, AppError> {
        let (cf, bosh, log_cache) = tokio::join!(self.cf(freshness), self.bosh(freshness), self.log_cache(freshness));
        let cf = cf?;
        let key: AnalysisKey = (cf.version.clone(), bosh.version.clone(), log_cache.version.clone());
        let sources = [SourceMeta::of(&cf), SourceMeta::of(&bosh), SourceMeta::of(&log_cache)];
        let memoised = |memo: &RwLock<Option<(AnalysisKey, Arc<FoundationAnalysis>)>>| {
            memo.read()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
                .filter(|(k, _)| *k == key)
                .map(|(_, a)| a.clone())
        };
        if let Some(analysis) = memoised(&self.analysis) {
            return Ok(FoundationView { analysis, sources });
        }
        // One analysis at a time; whoever waited may find it done.
        let _computing = self.analysis_compute.lock().await;
        if let Some(analysis) = memoised(&self.analysis) {
            return Ok(FoundationView { analysis, sources });
        }
        let options = self.settings.analysis.clone();
        let (cf_data, bosh_data, rep_data) = (cf.data.clone(), bosh.data.clone(), log_cache.data.clone());
        let analysis = tokio::task::spawn_blocking(move || {
            let cf = cf_data.ok_or_else(|| AppError::Internal("CF data missing after a successful read".to_owned()))?;
            Ok::<_, AppError>(analysis::analyse(&cf, bosh_data.as_deref(), rep_data.as_deref(), &options))
        })
        .await
        .map_err(|e| AppError::Internal(format!("analysis task failed: {e}")))??;
        let analysis = Arc::new(analysis);
        *self.analysis.write().unwrap_or_else(PoisonError::into_inner) = Some((key, analysis.clone()));
        Ok(FoundationView { analysis, sources })
    }

    /// Apps only: needs CF alone, so it never waits on BOSH or Log Cache.
    pub async fn apps(&self, freshness: Freshness) -> Result<AppsView, AppError> {
        let cf = self.cf(freshness).await?;
        let now = crate::collector::unix_now();
        let known = |(memo, _): (Option<(i64, i64)>, Option<String>)| memo.map(|(at, until)| (at, now < until));
        let sources = [
            SourceMeta::of(&cf),
            SourceMeta::skipped(known(self.bosh.known_state(now))),
            SourceMeta::skipped(known(self.log_cache.known_state(now))),
        ];
        let mut memo = self.apps.lock().await;
        if let Some((_, apps)) = memo.as_ref().filter(|(v, _)| *v == cf.version) {
            return Ok(AppsView { apps: apps.clone(), sources });
        }
        let options = self.settings.analysis.clone();
        let data =
            cf.data.clone().ok_or_else(|| AppError::Internal("CF data missing after a successful read".to_owned()))?;
        let apps = tokio::task::spawn_blocking(move || {
            let resolver = analysis::SegmentResolver::new(&data);
            analysis::analyse_apps(&data, &resolver, &options)
        })
        .await
        .map_err(|e| AppError::Internal(format!("analysis task failed: {e}")))?;
        let apps = Arc::new(apps);
        *memo = Some((cf.version.clone(), apps.clone()));
        Ok(AppsView { apps, sources })
    }

    /// Refreshes every source whose freshness ends within `expiring_within` seconds (the
    /// warm-cache schedule), in parallel, and reports what happened.
    pub async fn warm(&self, expiring_within: i64) -> WarmReport {
        let started = Instant::now();
        let freshness = Freshness::RefreshIfExpiringWithin(expiring_within);
        let (cf, bosh, log_cache) = tokio::join!(self.cf(freshness), self.bosh(freshness), self.log_cache(freshness));
        let cf_meta = match &cf {
            Ok(f) => SourceMeta::of(f),
            Err(e) => SourceMeta::failed(e.to_string()),
        };
        WarmReport {
            sources: [cf_meta, SourceMeta::of(&bosh), SourceMeta::of(&log_cache)],
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// What is known about each source without contacting any upstream.
    pub async fn health(&self) -> HealthReport {
        let upstreams = self.upstreams();
        status::health(self, upstreams.bosh_configured(), upstreams.log_cache_enabled()).await
    }

    /// Re-reads credentials and rebuilds the clients, at most once a minute.
    async fn reload_upstreams(&self) -> bool {
        let Some(reloader) = &self.reloader else { return false };
        {
            let mut last = self.last_reload.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|t| t.elapsed() < Duration::from_secs(60)) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match reloader.reload().await {
            Ok(upstreams) => {
                tracing::info!("credentials re-read after an authentication failure");
                *self.upstreams.write().unwrap_or_else(PoisonError::into_inner) = upstreams;
                true
            }
            Err(error) => {
                tracing::warn!(%error, "could not re-read credentials");
                false
            }
        }
    }
}

fn optional<T>(state: SourceState<T>) -> Result<T, RefreshError> {
    match state {
        SourceState::Available { data } => Ok(data),
        SourceState::Unavailable { reason } => Err(RefreshError::Source(reason)),
        SourceState::NotConfigured => Err(RefreshError::Source("not configured".to_owned())),
    }
}

fn unavailable_on_error<T>(result: Result<Fetched<T>, RefreshError>) -> Fetched<T> {
    result.unwrap_or_else(|error| Fetched {
        data: None,
        status: FetchStatus::Unavailable,
        written_at: None,
        version: None,
        refreshed: false,
        reason: Some(error.to_string()),
    })
}

#[cfg(test)]
mod tests;
