//! Request counts per upstream, route template and outcome.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

/// Counts every upstream request. Shared by all clients of one process (`Arc`).
#[derive(Debug, Default)]
pub struct UpstreamMetrics {
    counts: Mutex<BTreeMap<(&'static str, &'static str, &'static str), Tally>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    requests: u64,
    seconds: f64,
}

/// One row of [`UpstreamMetrics::snapshot`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpstreamCount {
    /// Upstream name (`cf`, `uaa`, `bosh`, `bosh_uaa`, `log_cache`).
    pub upstream: &'static str,
    /// Route template, e.g. `/v3/processes/:guid/stats`.
    pub route: &'static str,
    /// `2xx`, `3xx`, `4xx`, `5xx`, `timeout` or `error`.
    pub outcome: &'static str,
    /// Requests.
    pub requests: u64,
    /// Σ seconds spent waiting for them.
    pub seconds: f64,
}

impl UpstreamMetrics {
    /// Records one finished request.
    pub fn record(&self, upstream: &'static str, route: &'static str, outcome: &'static str, elapsed: Duration) {
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let tally = counts.entry((upstream, route, outcome)).or_default();
        tally.requests += 1;
        tally.seconds += elapsed.as_secs_f64();
    }

    /// Every counter, ordered by upstream, route and outcome.
    #[must_use]
    pub fn snapshot(&self) -> Vec<UpstreamCount> {
        let counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        counts
            .iter()
            .map(|((upstream, route, outcome), t)| UpstreamCount {
                upstream,
                route,
                outcome,
                requests: t.requests,
                seconds: t.seconds,
            })
            .collect()
    }

    /// Total requests, optionally for one upstream.
    #[must_use]
    pub fn total(&self, upstream: Option<&str>) -> u64 {
        self.snapshot().iter().filter(|c| upstream.is_none_or(|u| c.upstream == u)).map(|c| c.requests).sum()
    }

    /// The outcome label of an HTTP status.
    #[must_use]
    pub fn outcome_of(status: u16) -> &'static str {
        match status {
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        }
    }
}
