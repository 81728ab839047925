//! One cached source: in-process memo, cache store, single flight (in process and across
//! processes through a lease), failure backoff and stale-while-revalidate.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{RefreshError, ServiceMetrics, ServiceSettings};
use crate::cache::{self, CacheEntry, CacheStore};
use crate::collector::unix_now;

/// How eager a read is to refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use a fresh value; refresh only when there is none.
    Normal,
    /// Refresh unless the value stays fresh for at least this many more seconds (warm-cache).
    RefreshIfExpiringWithin(i64),
    /// Refresh unless the value was written less than this many seconds ago (refresh button).
    RefreshIfOlderThan(i64),
}

/// Whether the value is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchStatus {
    /// Within its TTL.
    Fresh,
    /// Past its TTL; served because a refresh failed or is running elsewhere.
    Stale,
    /// No value: the source failed and nothing older is kept.
    Unavailable,
    /// The operator did not configure the source.
    NotConfigured,
}

/// The outcome of reading one source.
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    /// The value, unless unavailable.
    pub data: Option<Arc<T>>,
    /// Freshness.
    pub status: FetchStatus,
    /// When the value was collected (Unix seconds).
    pub written_at: Option<i64>,
    /// Cache version of the value.
    pub version: Option<String>,
    /// Whether this read ran the refresh (i.e. the answer did not come from the cache).
    pub refreshed: bool,
    /// Why the value is stale or missing.
    pub reason: Option<String>,
}

impl<T> Fetched<T> {
    /// Not configured: no data, no error.
    #[must_use]
    pub fn not_configured() -> Self {
        Self {
            data: None,
            status: FetchStatus::NotConfigured,
            written_at: None,
            version: None,
            refreshed: false,
            reason: None,
        }
    }

    fn from_memo(memo: &Memo<T>, status: FetchStatus, refreshed: bool, reason: Option<String>) -> Self {
        Self {
            data: Some(memo.data.clone()),
            status,
            written_at: Some(memo.written_at),
            version: Some(memo.version.clone()),
            refreshed,
            reason,
        }
    }
}

struct Memo<T> {
    version: String,
    data: Arc<T>,
    written_at: i64,
    fresh_until: i64,
    expires_at: i64,
}

impl<T> Clone for Memo<T> {
    fn clone(&self) -> Self {
        Self {
            version: self.version.clone(),
            data: self.data.clone(),
            written_at: self.written_at,
            fresh_until: self.fresh_until,
            expires_at: self.expires_at,
        }
    }
}

#[derive(Clone)]
struct Failure {
    until: i64,
    error: RefreshError,
}

/// A cached source.
pub(crate) struct SourceSlot<T> {
    pub(crate) name: &'static str,
    pub(crate) key: String,
    flight: tokio::sync::Mutex<()>,
    memo: Mutex<Option<Memo<T>>>,
    failure: Mutex<Option<Failure>>,
}

impl<T> std::fmt::Debug for SourceSlot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceSlot").field("name", &self.name).field("key", &self.key).finish_non_exhaustive()
    }
}

fn lock<U>(m: &Mutex<U>) -> std::sync::MutexGuard<'_, U> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T> SourceSlot<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    pub(crate) fn new(name: &'static str, foundation: &str) -> Self {
        Self {
            name,
            key: format!("{foundation}:{name}"),
            flight: tokio::sync::Mutex::new(()),
            memo: Mutex::new(None),
            failure: Mutex::new(None),
        }
    }

    /// Reads the source, refreshing it through `refresh` when needed.
    pub(crate) async fn get<F, Fut>(
        &self,
        ctx: &SlotContext<'_>,
        freshness: Freshness,
        refresh: F,
    ) -> Result<Fetched<T>, RefreshError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, RefreshError>>,
    {
        let now = unix_now();
        if let Some(hit) = self.memo_if_satisfies(now, freshness) {
            ctx.metrics.cache_hit(self.name);
            return Ok(hit);
        }
        if let Some(hit) = self.store_if_satisfies(ctx, now, freshness).await {
            ctx.metrics.cache_hit(self.name);
            return Ok(hit);
        }
        if let Some(failure) = self.recent_failure(now).filter(|_| freshness == Freshness::Normal) {
            self.warm_from_store(ctx).await;
            return self.fallback(now, failure.error, ctx);
        }
        let _flight = self.flight.lock().await;
        // Whoever held the flight before us may have refreshed already.
        let now = unix_now();
        if let Some(hit) = self.memo_if_satisfies(now, freshness) {
            ctx.metrics.cache_hit(self.name);
            return Ok(hit);
        }
        ctx.metrics.cache_miss(self.name);
        if !self.lease(ctx, now).await {
            tracing::debug!(source = self.name, "lease held elsewhere; waiting for its result");
            return self.wait_for_other_instance(ctx, freshness).await;
        }
        // Another instance may have written and released its lease since we looked.
        if let Some(hit) = self.store_if_satisfies(ctx, unix_now(), freshness).await {
            self.release(ctx).await;
            ctx.metrics.cache_hit(self.name);
            return Ok(hit);
        }
        tracing::debug!(source = self.name, holder = ctx.holder, "lease taken; refreshing");
        let started = Instant::now();
        let outcome = refresh().await;
        ctx.metrics.refresh_finished(self.name, started.elapsed(), outcome.is_ok());
        let result = match outcome {
            Ok(value) => {
                *lock(&self.failure) = None;
                let memo = self.store(ctx, value, unix_now()).await;
                Ok(Fetched::from_memo(&memo, FetchStatus::Fresh, true, None))
            }
            Err(error) => {
                tracing::warn!(source = self.name, %error, "refresh failed");
                *lock(&self.failure) =
                    Some(Failure { until: now + ctx.settings.failure_backoff_secs, error: error.clone() });
                self.warm_from_store(ctx).await;
                self.fallback(unix_now(), error, ctx)
            }
        };
        self.release(ctx).await;
        result
    }

    async fn release(&self, ctx: &SlotContext<'_>) {
        if let Err(e) = ctx.store.release_lease(&self.key, ctx.holder).await {
            tracing::warn!(source = self.name, error = %e, "could not release the refresh lease");
        }
    }

    /// What this process knows without I/O: the memo's (written_at, fresh_until) and the reason of
    /// a failure within the backoff window.
    pub(crate) fn known_state(&self, now: i64) -> (Option<(i64, i64)>, Option<String>) {
        let memo = lock(&self.memo).as_ref().filter(|m| m.expires_at > now).map(|m| (m.written_at, m.fresh_until));
        (memo, self.recent_failure(now).map(|f| f.error.to_string()))
    }

    fn memo_if_satisfies(&self, now: i64, freshness: Freshness) -> Option<Fetched<T>> {
        let memo = lock(&self.memo);
        let m = memo.as_ref()?;
        satisfies(m.written_at, m.fresh_until, now, freshness)
            .then(|| Fetched::from_memo(m, FetchStatus::Fresh, false, None))
    }

    async fn store_if_satisfies(&self, ctx: &SlotContext<'_>, now: i64, freshness: Freshness) -> Option<Fetched<T>> {
        let entry = match ctx.store.get(&self.key, now).await {
            Ok(entry) => entry?,
            Err(e) => {
                tracing::warn!(source = self.name, error = %e, "cache read failed; treating as a miss");
                return None;
            }
        };
        if !satisfies(entry.written_at, entry.fresh_until, now, freshness) {
            return None;
        }
        let memo = self.adopt(entry).await?;
        Some(Fetched::from_memo(&memo, FetchStatus::Fresh, false, None))
    }

    /// Makes a cache entry the memo, decoding it unless the memo already holds that version.
    async fn adopt(&self, entry: CacheEntry) -> Option<Memo<T>> {
        if let Some(m) = lock(&self.memo).as_ref().filter(|m| m.version == entry.version) {
            let mut m = m.clone();
            m.fresh_until = entry.fresh_until;
            m.expires_at = entry.expires_at;
            return Some(m);
        }
        let value = entry.value.clone();
        let decoded = tokio::task::spawn_blocking(move || cache::decode::<T>(&value)).await;
        match decoded {
            Ok(Ok(data)) => {
                let memo = Memo {
                    version: entry.version,
                    data: Arc::new(data),
                    written_at: entry.written_at,
                    fresh_until: entry.fresh_until,
                    expires_at: entry.expires_at,
                };
                *lock(&self.memo) = Some(memo.clone());
                Some(memo)
            }
            Ok(Err(e)) => {
                tracing::error!(source = self.name, error = %e, "cached value is unreadable; ignoring it");
                None
            }
            Err(e) => {
                tracing::error!(source = self.name, error = %e, "decoding task failed");
                None
            }
        }
    }

    async fn store(&self, ctx: &SlotContext<'_>, value: T, now: i64) -> Memo<T> {
        let data = Arc::new(value);
        let memo = Memo {
            version: format!("{:x}-{}", now_millis(), ctx.holder),
            data: data.clone(),
            written_at: now,
            fresh_until: now + ctx.settings.ttl_secs,
            expires_at: now + ctx.settings.ttl_secs + ctx.settings.stale_secs,
        };
        *lock(&self.memo) = Some(memo.clone());
        let encoded = tokio::task::spawn_blocking(move || cache::encode(&*data)).await;
        match encoded {
            Ok(Ok(bytes)) => {
                ctx.metrics.cache_bytes(self.name, bytes.len());
                let entry = CacheEntry {
                    value: Bytes::from(bytes),
                    version: memo.version.clone(),
                    written_at: memo.written_at,
                    fresh_until: memo.fresh_until,
                    expires_at: memo.expires_at,
                };
                if let Err(e) = ctx.store.put(&self.key, entry).await {
                    tracing::warn!(source = self.name, error = %e, "cache write failed; the value lives in this process only");
                }
            }
            Ok(Err(e)) => tracing::error!(source = self.name, error = %e, "cannot encode the value for the cache"),
            Err(e) => tracing::error!(source = self.name, error = %e, "encoding task failed"),
        }
        memo
    }

    async fn lease(&self, ctx: &SlotContext<'_>, now: i64) -> bool {
        match ctx.store.try_lease(&self.key, ctx.holder, now, ctx.settings.lease_for).await {
            Ok(taken) => taken,
            Err(e) => {
                // Better a duplicate refresh than none at all.
                tracing::warn!(source = self.name, error = %e, "lease unavailable; refreshing without it");
                true
            }
        }
    }

    /// Another process holds the lease: poll the cache until its result lands, then fall back
    /// to stale data, then give up with "refresh in progress". Any value that satisfies the
    /// requested freshness ends the wait, whoever wrote it: another request of this process may
    /// already have adopted the other instance's result.
    async fn wait_for_other_instance(
        &self,
        ctx: &SlotContext<'_>,
        freshness: Freshness,
    ) -> Result<Fetched<T>, RefreshError> {
        let deadline = Instant::now() + ctx.settings.lease_wait;
        while Instant::now() < deadline {
            tokio::time::sleep(ctx.settings.lease_poll).await;
            let now = unix_now();
            if let Some(hit) = self.memo_if_satisfies(now, freshness) {
                return Ok(hit);
            }
            let entry = match ctx.store.get(&self.key, now).await {
                Ok(entry) => entry,
                Err(e) => {
                    tracing::warn!(source = self.name, error = %e, "cache read failed while waiting for a refresh");
                    None
                }
            };
            let usable = entry.filter(|e| satisfies(e.written_at, e.fresh_until, now, freshness));
            if let Some(memo) = match usable {
                Some(entry) => self.adopt(entry).await,
                None => None,
            } {
                return Ok(Fetched::from_memo(&memo, FetchStatus::Fresh, false, None));
            }
        }
        self.warm_from_store(ctx).await;
        self.fallback(unix_now(), RefreshError::InProgress, ctx)
    }

    /// Stale data with the reason, or the error when nothing is kept.
    fn fallback(&self, now: i64, error: RefreshError, ctx: &SlotContext<'_>) -> Result<Fetched<T>, RefreshError> {
        let memo = lock(&self.memo);
        match memo.as_ref().filter(|m| m.expires_at > now) {
            Some(m) => {
                ctx.metrics.stale_served(self.name);
                let status = if m.fresh_until > now { FetchStatus::Fresh } else { FetchStatus::Stale };
                Ok(Fetched::from_memo(m, status, false, Some(error.to_string())))
            }
            None => Err(error),
        }
    }

    fn recent_failure(&self, now: i64) -> Option<Failure> {
        lock(&self.failure).as_ref().filter(|f| f.until > now).cloned()
    }

    /// Loads the last value from the store into the memo even if stale, so that a failed refresh
    /// can still serve it (a fresh process knows nothing else).
    pub(crate) async fn warm_from_store(&self, ctx: &SlotContext<'_>) {
        if lock(&self.memo).is_some() {
            return;
        }
        if let Ok(Some(entry)) = ctx.store.get(&self.key, unix_now()).await {
            let _ = self.adopt(entry).await;
        }
    }
}

fn satisfies(written_at: i64, fresh_until: i64, now: i64, freshness: Freshness) -> bool {
    match freshness {
        Freshness::Normal => now < fresh_until,
        Freshness::RefreshIfExpiringWithin(secs) => now + secs < fresh_until,
        Freshness::RefreshIfOlderThan(secs) => now < fresh_until && now - written_at < secs,
    }
}

fn now_millis() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// What a slot needs from the service for one read.
pub(crate) struct SlotContext<'a> {
    pub(crate) store: &'a dyn CacheStore,
    pub(crate) holder: &'a str,
    pub(crate) settings: &'a ServiceSettings,
    pub(crate) metrics: &'a ServiceMetrics,
}

/// Lease wait granularity when none is configured.
pub(crate) const DEFAULT_LEASE_POLL: Duration = Duration::from_millis(200);
