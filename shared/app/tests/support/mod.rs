//! Starting a simulator and pointing the collector at it.

#![allow(dead_code, unreachable_pub, clippy::expect_used)]

pub mod moto;

use std::sync::Arc;

use capacity_app::Collector;
use capacity_app::config::{Config, Settings};
use capacity_clients::UpstreamMetrics;
use capacity_sim::{Faults, Profile, SimConfig, SimHandle, Simulator};

pub async fn sim(profile: Profile, faults: Faults) -> SimHandle {
    Simulator::start(SimConfig { profile, seed: 7, faults, ..SimConfig::default() }).await.expect("simulator starts")
}

/// Environment-style settings for a simulator: user credentials, BOSH with fast polls and
/// retries scaled down 100× (10 ms, 20 ms, 40 ms: the policy, not the wait, is under test).
pub fn settings(sim: &SimHandle, extra: &[(&str, &str)]) -> Settings {
    let c = &sim.credentials;
    let mut pairs: Vec<(String, String)> = vec![
        ("CF_API_URL".into(), sim.urls.cf.clone()),
        ("CF_USERNAME".into(), c.cf_username.clone()),
        ("CF_PASSWORD".into(), c.cf_password.clone()),
        ("BOSH_ENVIRONMENT".into(), sim.urls.bosh.clone()),
        ("BOSH_CLIENT".into(), c.bosh_client.clone()),
        ("BOSH_CLIENT_SECRET".into(), c.bosh_client_secret.clone()),
        ("BOSH_TASK_POLL_MS".into(), "10".into()),
        ("BOSH_RETRY_BASE_MS".into(), "10".into()),
        ("AUTH_MODE".into(), "disabled".into()),
        // The request-plan tests count one stats call per started process; the Log Cache usage
        // path has its own tests.
        ("CF_USAGE_SOURCE".into(), "stats".into()),
    ];
    pairs.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Settings::default().with_layer(pairs)
}

pub fn collector(sim: &SimHandle, extra: &[(&str, &str)]) -> (Collector, Arc<UpstreamMetrics>) {
    let (config, _warnings) = Config::load(&settings(sim, extra)).expect("valid config");
    let metrics = Arc::new(UpstreamMetrics::default());
    (Collector::new(&config, metrics.clone()).expect("collector"), metrics)
}

pub fn config(sim: &SimHandle, extra: &[(&str, &str)]) -> Config {
    Config::load(&settings(sim, extra)).expect("valid config").0
}

/// Requests of one cold collect, per upstream: the floor of the request plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Floor {
    pub cf: u64,
    pub uaa: u64,
    pub bosh: u64,
    pub bosh_uaa: u64,
    pub log_cache: u64,
}

impl Floor {
    pub fn total(&self) -> u64 {
        self.cf + self.uaa + self.bosh + self.bosh_uaa + self.log_cache
    }
}

/// GET / + list pages + segment relationships + one stats call per started process; one CF
/// token; BOSH info, deployments and per deployment the 302, the task polls and the output;
/// one BOSH token; one PromQL query per rep gauge.
pub fn floor(truth: &capacity_sim::GroundTruth, task_polls: u64) -> Floor {
    let pages = |n: u64| n.div_ceil(5000).max(1);
    let c = &truth.counts;
    Floor {
        cf: 1
            + pages(c.orgs)
            + pages(c.spaces)
            + pages(c.isolation_segments)
            + pages(c.apps)
            + pages(c.processes)
            + c.isolation_segments
            + c.non_shared_segments
            + c.entitled_orgs
            + c.processes_with_stats,
        uaa: 1,
        bosh: 2 + c.cell_deployments * (2 + task_polls),
        bosh_uaa: 1,
        log_cache: capacity_clients::log_cache::REP_GAUGES.len() as u64,
    }
}
