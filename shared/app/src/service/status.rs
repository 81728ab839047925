//! Provenance for response metadata, the health report and the warm-cache report.

use serde::Serialize;

use super::{CapacityService, FetchStatus, Fetched};
use crate::collector::unix_now;

/// What one source contributed to a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceMeta {
    /// Whether the view used this source at all.
    pub used: bool,
    /// Freshness; `None` when the source was not used.
    pub status: Option<FetchStatus>,
    /// When its data was collected (Unix seconds).
    pub collected_at: Option<i64>,
    /// Whether this request ran the refresh.
    pub refreshed: bool,
    /// Why it is stale or missing.
    pub reason: Option<String>,
}

impl SourceMeta {
    /// Provenance of a read.
    #[must_use]
    pub fn of<T>(fetched: &Fetched<T>) -> Self {
        Self {
            used: true,
            status: Some(fetched.status),
            collected_at: fetched.written_at,
            refreshed: fetched.refreshed,
            reason: fetched.reason.clone(),
        }
    }

    /// A source the view does not need, described by what this process last saw of it.
    #[must_use]
    pub fn skipped(known: Option<(i64, bool)>) -> Self {
        Self {
            used: false,
            status: known.map(|(_, fresh)| if fresh { FetchStatus::Fresh } else { FetchStatus::Stale }),
            collected_at: known.map(|(at, _)| at),
            refreshed: false,
            reason: None,
        }
    }

    /// A read that failed outright.
    #[must_use]
    pub fn failed(reason: String) -> Self {
        Self {
            used: true,
            status: Some(FetchStatus::Unavailable),
            collected_at: None,
            refreshed: false,
            reason: Some(reason),
        }
    }

    /// Whether data from this source is present.
    #[must_use]
    pub fn available(&self) -> bool {
        matches!(self.status, Some(FetchStatus::Fresh | FetchStatus::Stale))
    }
}

/// What the warm-cache run did.
#[derive(Debug, Clone, Serialize)]
pub struct WarmReport {
    /// CF, BOSH, Log Cache.
    pub sources: [SourceMeta; 3],
    /// Wall time of the run.
    pub elapsed_ms: u64,
}

/// Health of one upstream as far as this instance knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    /// `ok` (fresh data), `degraded` (stale data or a recent failure with data kept), `error`
    /// (a recent failure and no data), `not_configured`, or `unknown` (nothing collected yet).
    pub status: &'static str,
    /// Cache key.
    pub cache_key: String,
    /// When the cached data was collected.
    pub collected_at: Option<i64>,
    /// Seconds since then.
    pub age_seconds: Option<i64>,
    /// Whether the cached data is within its TTL.
    pub fresh: bool,
    /// The last failure, if recent.
    pub last_error: Option<String>,
}

/// The health report. Never contacts an upstream, so it stays cheap and cannot hang.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// CF API.
    pub cf_api: SourceHealth,
    /// BOSH director.
    pub bosh_api: SourceHealth,
    /// Log Cache.
    pub log_cache: SourceHealth,
    /// Cache adapter in use.
    pub cache_backend: &'static str,
}

pub(super) async fn health(service: &CapacityService, bosh_configured: bool, log_cache_enabled: bool) -> HealthReport {
    let now = unix_now();
    let (cf, bosh, log_cache) = tokio::join!(
        one(service, &service.cf, true, now),
        one(service, &service.bosh, bosh_configured, now),
        one(service, &service.log_cache, log_cache_enabled, now),
    );
    HealthReport { cf_api: cf, bosh_api: bosh, log_cache, cache_backend: service.cache.kind() }
}

async fn one<T>(service: &CapacityService, slot: &super::SourceSlot<T>, configured: bool, now: i64) -> SourceHealth
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let (memo, failure) = slot.known_state(now);
    let known = match memo {
        Some(times) => Some(times),
        // A separate process (another Lambda) may have written it: ask the store, cheaply.
        None => service.cache.meta(&slot.key, now).await.ok().flatten().map(|m| (m.written_at, m.fresh_until)),
    };
    let fresh = known.is_some_and(|(_, until)| now < until);
    let status = match (configured, known, &failure) {
        (false, _, _) => "not_configured",
        (true, Some(_), None) if fresh => "ok",
        (true, Some(_), _) => "degraded",
        (true, None, Some(_)) => "error",
        (true, None, None) => "unknown",
    };
    SourceHealth {
        status,
        cache_key: slot.key.clone(),
        collected_at: known.map(|(at, _)| at),
        age_seconds: known.map(|(at, _)| (now - at).max(0)),
        fresh,
        last_error: failure,
    }
}
