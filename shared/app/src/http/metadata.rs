//! The `metadata` object every data response carries.

use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;

use crate::collector::unix_now;
use crate::service::{FetchStatus, SourceMeta};

/// Freshness and provenance of a response.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    /// When the response was built (RFC 3339, UTC).
    pub timestamp: String,
    /// The foundation's name (`FOUNDATION`).
    pub foundation: String,
    /// True when no source was collected for this request (everything came from the cache).
    pub cached: bool,
    /// Age of the oldest source used, in seconds.
    pub age_seconds: i64,
    /// True when any source used is past its TTL (served because a refresh failed).
    pub stale: bool,
    /// Whether BOSH data is present.
    pub bosh_available: bool,
    /// Whether Log Cache data is present.
    pub log_cache_available: bool,
    /// Per source.
    pub sources: Sources,
}

/// Provenance per source.
#[derive(Debug, Clone, Serialize)]
pub struct Sources {
    /// CF API.
    pub cf: SourceInfo,
    /// BOSH director.
    pub bosh: SourceInfo,
    /// Log Cache.
    pub log_cache: SourceInfo,
}

/// Provenance of one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    /// `fresh`, `stale`, `unavailable`, `not_configured`, or `not_used` by this view.
    pub status: &'static str,
    /// When its data was collected (RFC 3339).
    pub collected_at: Option<String>,
    /// Seconds since then.
    pub age_seconds: Option<i64>,
    /// Why it is stale or unavailable.
    pub reason: Option<String>,
}

/// RFC 3339 (UTC, seconds) of a Unix time.
#[must_use]
pub fn rfc3339(unix: i64) -> String {
    let secs = u64::try_from(unix).unwrap_or(0);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

fn info(meta: &SourceMeta, now: i64) -> SourceInfo {
    let status = match meta.status {
        _ if !meta.used => "not_used",
        None => "unknown",
        Some(FetchStatus::Fresh) => "fresh",
        Some(FetchStatus::Stale) => "stale",
        Some(FetchStatus::Unavailable) => "unavailable",
        Some(FetchStatus::NotConfigured) => "not_configured",
    };
    SourceInfo {
        status,
        collected_at: meta.collected_at.map(rfc3339),
        age_seconds: meta.collected_at.map(|at| (now - at).max(0)),
        reason: meta.reason.clone(),
    }
}

impl Metadata {
    /// Metadata of a response built from these sources (CF, BOSH, Log Cache).
    #[must_use]
    pub fn new(foundation: &str, sources: &[SourceMeta; 3]) -> Self {
        let now = unix_now();
        let used = || sources.iter().filter(|s| s.used);
        Self {
            timestamp: rfc3339(now),
            foundation: foundation.to_owned(),
            cached: used().all(|s| !s.refreshed),
            age_seconds: used().filter_map(|s| s.collected_at).map(|at| (now - at).max(0)).max().unwrap_or(0),
            stale: used().any(|s| s.status == Some(FetchStatus::Stale)),
            bosh_available: sources[1].available(),
            log_cache_available: sources[2].available(),
            sources: Sources {
                cf: info(&sources[0], now),
                bosh: info(&sources[1], now),
                log_cache: info(&sources[2], now),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_utc_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
    }
}
