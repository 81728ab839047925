//! The in-process warm loop: refreshes every source before it expires, so that users rarely
//! wait on an upstream crawl.

use std::sync::Arc;
use std::time::Duration;

use capacity_app::service::CapacityService;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the loop runs and how early it refreshes, for a TTL: every TTL/5 (at least 5 s),
/// refreshing whatever would expire within two periods.
pub(crate) fn schedule(ttl_secs: i64) -> (Duration, i64) {
    let period = (ttl_secs / 5).max(5);
    (Duration::from_secs(u64::try_from(period).unwrap_or(60)), period * 2)
}

/// Starts the loop; it stops when `shutdown` turns true.
pub(crate) fn spawn(service: Arc<CapacityService>, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    let (period, lead) = schedule(service.settings().ttl_secs);
    tokio::spawn(async move {
        loop {
            let report = service.warm(lead).await;
            let refreshed: Vec<&str> = ["cf", "bosh", "log_cache"]
                .into_iter()
                .zip(&report.sources)
                .filter(|(_, s)| s.refreshed)
                .map(|(name, _)| name)
                .collect();
            if !refreshed.is_empty() {
                tracing::info!(?refreshed, ms = report.elapsed_ms, "warm loop refreshed sources");
            }
            for (name, source) in ["cf", "bosh", "log_cache"].into_iter().zip(&report.sources) {
                if let Some(reason) = source.reason.as_deref().filter(|_| !source.available()) {
                    tracing::warn!(source = name, reason, "warm loop could not refresh");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_well_before_expiry() {
        assert_eq!(schedule(300), (Duration::from_secs(60), 120));
        assert_eq!(schedule(10), (Duration::from_secs(5), 10));
        for ttl in [10, 60, 300, 3600] {
            let (period, lead) = schedule(ttl);
            assert!(lead >= period.as_secs() as i64 * 2, "a source is refreshed at least one period before expiry");
        }
    }
}
