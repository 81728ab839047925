use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use capacity_core::snapshot::{App, AppState, CfSnapshot, Organization, Space};

use super::*;
use crate::cache::MemoryCache;

fn cf_snapshot() -> CfSnapshot {
    CfSnapshot {
        organizations: vec![Organization { guid: "o".into(), name: "org".into() }],
        spaces: vec![Space { guid: "s".into(), name: "space".into(), organization_guid: "o".into() }],
        apps: vec![App { guid: "a".into(), name: "app".into(), state: AppState::Started, space_guid: "s".into() }],
        ..CfSnapshot::default()
    }
}

fn settings(ttl_secs: i64) -> ServiceSettings {
    ServiceSettings {
        foundation: "test".into(),
        ttl_secs,
        stale_secs: 3600,
        lease_for: Duration::from_secs(60),
        lease_wait: Duration::from_millis(500),
        lease_poll: Duration::from_millis(20),
        failure_backoff_secs: 30,
        analysis: AnalysisOptions::default(),
        refresh_min_age_secs: 30,
    }
}

/// Upstreams whose CF collect is slow (so concurrent readers overlap) and can be made to fail.
#[derive(Debug, Default)]
struct Switchable {
    fail: AtomicBool,
    cf_calls: AtomicU64,
    bosh_calls: AtomicU64,
}

#[async_trait]
impl Upstreams for Switchable {
    async fn cf(&self, now: i64) -> Result<CfSnapshot, ClientError> {
        self.cf_calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        if self.fail.load(Ordering::SeqCst) {
            return Err(ClientError::Timeout { upstream: "cf", route: "/v3/apps", timeout: Duration::from_secs(30) });
        }
        Ok(CfSnapshot { collected_at: now, ..cf_snapshot() })
    }
    async fn bosh(&self, _now: i64) -> SourceState<BoshSnapshot> {
        self.bosh_calls.fetch_add(1, Ordering::SeqCst);
        if self.fail.load(Ordering::SeqCst) {
            SourceState::Unavailable { reason: "BOSH is unreachable".into() }
        } else {
            SourceState::Available { data: BoshSnapshot::default() }
        }
    }
    async fn log_cache(&self, _now: i64) -> SourceState<RepSnapshot> {
        SourceState::NotConfigured
    }
    fn bosh_configured(&self) -> bool {
        true
    }
    fn log_cache_enabled(&self) -> bool {
        false
    }
}

#[tokio::test]
async fn concurrent_cold_reads_collect_once() {
    let upstreams = Arc::new(Switchable::default());
    let service = Arc::new(CapacityService::new(upstreams.clone(), Arc::new(MemoryCache::new()), settings(300)));
    let reads: Vec<_> = (0..100)
        .map(|_| {
            let s = service.clone();
            tokio::spawn(async move { s.foundation(Freshness::Normal).await.map(|v| v.analysis.totals.apps) })
        })
        .collect();
    for read in reads {
        assert_eq!(read.await.unwrap().unwrap(), 1);
    }
    assert_eq!(upstreams.cf_calls.load(Ordering::SeqCst), 1);
    assert_eq!(upstreams.bosh_calls.load(Ordering::SeqCst), 1);
    let counters = service.metrics().snapshot();
    assert_eq!(counters["cf"].refreshes_ok, 1);
    assert_eq!(counters["cf"].hits + counters["cf"].misses, 100);
}

#[tokio::test]
async fn failed_refresh_serves_stale_and_backs_off() {
    let upstreams = Arc::new(Switchable::default());
    // TTL 0: every read wants a refresh.
    let service = CapacityService::new(upstreams.clone(), Arc::new(MemoryCache::new()), settings(0));
    let first = service.cf(Freshness::Normal).await.unwrap();
    assert_eq!(service.bosh(Freshness::Normal).await.status, FetchStatus::Fresh);
    assert_eq!(first.status, FetchStatus::Fresh);
    assert!(first.refreshed);
    upstreams.fail.store(true, Ordering::SeqCst);
    let stale = service.cf(Freshness::Normal).await.unwrap();
    assert_eq!(stale.status, FetchStatus::Stale);
    assert!(stale.reason.as_deref().is_some_and(|r| r.contains("did not answer")), "{:?}", stale.reason);
    assert_eq!(stale.version, first.version, "the last good value is served");
    let calls = upstreams.cf_calls.load(Ordering::SeqCst);
    let again = service.cf(Freshness::Normal).await.unwrap();
    assert_eq!(again.status, FetchStatus::Stale);
    assert_eq!(upstreams.cf_calls.load(Ordering::SeqCst), calls, "no retry within the failure backoff");
    let bosh = service.bosh(Freshness::Normal).await;
    assert_eq!(bosh.status, FetchStatus::Stale, "BOSH keeps its last value: {:?}", bosh.reason);
    assert_eq!(bosh.reason.as_deref(), Some("BOSH is unreachable"));
    assert_eq!(service.health().await.bosh_api.status, "degraded");
}

#[tokio::test]
async fn cf_failure_without_data_is_an_error_and_optional_sources_degrade() {
    let upstreams = Arc::new(Switchable::default());
    upstreams.fail.store(true, Ordering::SeqCst);
    let service = CapacityService::new(upstreams, Arc::new(MemoryCache::new()), settings(300));
    assert!(matches!(service.foundation(Freshness::Normal).await, Err(AppError::CfUnavailable(_))));
    let bosh = service.bosh(Freshness::Normal).await;
    assert_eq!(bosh.status, FetchStatus::Unavailable);
    assert_eq!(bosh.reason.as_deref(), Some("BOSH is unreachable"));
    assert_eq!(service.log_cache(Freshness::Normal).await.status, FetchStatus::NotConfigured);
    let health = service.health().await;
    assert_eq!(
        (health.cf_api.status, health.bosh_api.status, health.log_cache.status),
        ("error", "error", "not_configured")
    );
}

#[tokio::test]
async fn a_second_process_reads_the_first_ones_value_from_the_shared_cache() {
    let cache: Arc<dyn CacheStore> = Arc::new(MemoryCache::new());
    let first = Arc::new(Switchable::default());
    let second = Arc::new(Switchable::default());
    let a = CapacityService::new(first.clone(), cache.clone(), settings(300));
    let b = CapacityService::new(second.clone(), cache, settings(300));
    let written = a.cf(Freshness::Normal).await.unwrap();
    let read = b.cf(Freshness::Normal).await.unwrap();
    assert_eq!(read.version, written.version);
    assert!(!read.refreshed);
    assert_eq!(second.cf_calls.load(Ordering::SeqCst), 0);
    assert_eq!(b.health().await.cf_api.status, "ok");
}

#[tokio::test]
async fn warm_refreshes_only_what_expires_soon() {
    let upstreams = Arc::new(Switchable::default());
    let service = CapacityService::new(upstreams.clone(), Arc::new(MemoryCache::new()), settings(300));
    service.cf(Freshness::Normal).await.unwrap();
    let report = service.warm(60).await;
    assert!(!report.sources[0].refreshed, "fresh for 300 s more: nothing to do");
    assert_eq!(upstreams.cf_calls.load(Ordering::SeqCst), 1);
    let report = service.warm(400).await;
    assert!(report.sources[0].refreshed);
    assert_eq!(upstreams.cf_calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn analysis_is_memoised_per_version() {
    let upstreams =
        Arc::new(FixedUpstreams::new(cf_snapshot(), SourceState::NotConfigured, SourceState::NotConfigured));
    let service = CapacityService::new(upstreams.clone(), Arc::new(MemoryCache::new()), settings(300));
    let one = service.foundation(Freshness::Normal).await.unwrap();
    let two = service.foundation(Freshness::Normal).await.unwrap();
    assert!(Arc::ptr_eq(&one.analysis, &two.analysis));
    assert_eq!(upstreams.calls(), (1, 0, 0));
    assert!(!two.sources[0].refreshed);
    assert!(one.sources[0].refreshed);
}
