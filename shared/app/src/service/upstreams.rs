//! The upstream port: what the service refreshes sources from.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use capacity_clients::ClientError;
use capacity_core::snapshot::{BoshSnapshot, CfSnapshot, RepSnapshot, SourceState};

use crate::collector::Collector;

/// Collects one source at a time.
#[async_trait]
pub trait Upstreams: Send + Sync + std::fmt::Debug {
    /// CF facts; an error means nothing can be analysed.
    async fn cf(&self, now: i64) -> Result<CfSnapshot, ClientError>;
    /// BOSH facts, or why they are missing.
    async fn bosh(&self, now: i64) -> SourceState<BoshSnapshot>;
    /// Rep capacity gauges, or why they are missing.
    async fn log_cache(&self, now: i64) -> SourceState<RepSnapshot>;
    /// Whether BOSH is configured at all.
    fn bosh_configured(&self) -> bool;
    /// Whether Log Cache is enabled at all.
    fn log_cache_enabled(&self) -> bool;
}

#[async_trait]
impl Upstreams for Collector {
    async fn cf(&self, now: i64) -> Result<CfSnapshot, ClientError> {
        self.collect_cf(now).await
    }
    async fn bosh(&self, now: i64) -> SourceState<BoshSnapshot> {
        self.collect_bosh(now).await
    }
    async fn log_cache(&self, now: i64) -> SourceState<RepSnapshot> {
        self.collect_log_cache(now).await
    }
    fn bosh_configured(&self) -> bool {
        Collector::bosh_configured(self)
    }
    fn log_cache_enabled(&self) -> bool {
        Collector::log_cache_enabled(self)
    }
}

/// Fixed snapshots held in memory, counting how often each source is collected. The in-memory
/// adapter of [`Upstreams`], for tests of everything above the clients.
#[derive(Debug)]
pub struct FixedUpstreams {
    /// CF answer: the snapshot, or an error message (reported as an unreachable CF).
    pub cf: Result<CfSnapshot, String>,
    /// BOSH answer.
    pub bosh: SourceState<BoshSnapshot>,
    /// Log Cache answer.
    pub log_cache: SourceState<RepSnapshot>,
    /// Collect counts: CF, BOSH, Log Cache.
    pub calls: [AtomicU64; 3],
}

impl FixedUpstreams {
    /// Upstreams that always answer these snapshots.
    #[must_use]
    pub fn new(cf: CfSnapshot, bosh: SourceState<BoshSnapshot>, log_cache: SourceState<RepSnapshot>) -> Self {
        Self { cf: Ok(cf), bosh, log_cache, calls: Default::default() }
    }

    /// How many times each source was collected: (cf, bosh, log_cache).
    #[must_use]
    pub fn calls(&self) -> (u64, u64, u64) {
        (
            self.calls[0].load(Ordering::SeqCst),
            self.calls[1].load(Ordering::SeqCst),
            self.calls[2].load(Ordering::SeqCst),
        )
    }
}

#[async_trait]
impl Upstreams for FixedUpstreams {
    async fn cf(&self, now: i64) -> Result<CfSnapshot, ClientError> {
        self.calls[0].fetch_add(1, Ordering::SeqCst);
        match &self.cf {
            Ok(s) => Ok(CfSnapshot { collected_at: now, ..s.clone() }),
            Err(reason) => Err(ClientError::Transport { upstream: "cf", route: "/", reason: reason.clone() }),
        }
    }
    async fn bosh(&self, _now: i64) -> SourceState<BoshSnapshot> {
        self.calls[1].fetch_add(1, Ordering::SeqCst);
        self.bosh.clone()
    }
    async fn log_cache(&self, _now: i64) -> SourceState<RepSnapshot> {
        self.calls[2].fetch_add(1, Ordering::SeqCst);
        self.log_cache.clone()
    }
    fn bosh_configured(&self) -> bool {
        !matches!(self.bosh, SourceState::NotConfigured)
    }
    fn log_cache_enabled(&self) -> bool {
        !matches!(self.log_cache, SourceState::NotConfigured)
    }
}
