//! Request counters per upstream and route template.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::faults::Upstream;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteStats {
    pub count: u64,
    /// HTTP status → number of responses.
    pub by_status: BTreeMap<u16, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamStats {
    pub total: u64,
    /// Route template (e.g. `/v3/processes/:guid/stats`) → counters.
    pub routes: BTreeMap<String, RouteStats>,
}

/// What `GET /__sim/stats` returns. Admin requests are not counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    pub total: u64,
    pub upstreams: BTreeMap<Upstream, UpstreamStats>,
}

impl RequestStats {
    pub(crate) fn record(&mut self, upstream: Upstream, route: &str, status: u16) {
        self.total += 1;
        let up = self.upstreams.entry(upstream).or_default();
        up.total += 1;
        let r = up.routes.entry(route.to_owned()).or_default();
        r.count += 1;
        *r.by_status.entry(status).or_default() += 1;
    }

    /// Requests to one route of one upstream (0 when never called).
    pub fn count(&self, upstream: Upstream, route: &str) -> u64 {
        self.upstreams.get(&upstream).and_then(|u| u.routes.get(route)).map_or(0, |r| r.count)
    }

    /// Requests to one upstream.
    pub fn upstream_total(&self, upstream: Upstream) -> u64 {
        self.upstreams.get(&upstream).map_or(0, |u| u.total)
    }
}
