//! Counters of the capacity service, exported by `/metrics`.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Cache and refresh counters per source.
#[derive(Debug, Default)]
pub struct ServiceMetrics {
    inner: Mutex<BTreeMap<&'static str, SourceCounters>>,
}

/// Counters of one source.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct SourceCounters {
    /// Reads answered from the memo or the cache store.
    pub hits: u64,
    /// Reads that had to refresh (or wait for a refresh).
    pub misses: u64,
    /// Reads answered with stale data.
    pub stale_serves: u64,
    /// Refreshes that succeeded.
    pub refreshes_ok: u64,
    /// Refreshes that failed.
    pub refreshes_failed: u64,
    /// Σ refresh seconds.
    pub refresh_seconds: f64,
    /// Duration of the last refresh.
    pub last_refresh_seconds: f64,
    /// Size of the last encoded value (bytes).
    pub cached_bytes: u64,
}

impl ServiceMetrics {
    fn with(&self, source: &'static str, f: impl FnOnce(&mut SourceCounters)) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(inner.entry(source).or_default());
    }

    pub(crate) fn cache_hit(&self, source: &'static str) {
        self.with(source, |c| c.hits += 1);
    }

    pub(crate) fn cache_miss(&self, source: &'static str) {
        self.with(source, |c| c.misses += 1);
    }

    pub(crate) fn stale_served(&self, source: &'static str) {
        self.with(source, |c| c.stale_serves += 1);
    }

    pub(crate) fn cache_bytes(&self, source: &'static str, bytes: usize) {
        self.with(source, |c| c.cached_bytes = bytes as u64);
    }

    pub(crate) fn refresh_finished(&self, source: &'static str, elapsed: Duration, ok: bool) {
        self.with(source, |c| {
            if ok {
                c.refreshes_ok += 1;
            } else {
                c.refreshes_failed += 1;
            }
            c.refresh_seconds += elapsed.as_secs_f64();
            c.last_refresh_seconds = elapsed.as_secs_f64();
        });
    }

    /// A copy of every source's counters.
    #[must_use]
    pub fn snapshot(&self) -> BTreeMap<&'static str, SourceCounters> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
