//! Upstream requests and wall time of a cold refresh: ours (Log Cache usage and stats usage)
//! against the per-app baseline, on the same simulator, in one process.

use std::sync::Arc;
use std::time::{Duration, Instant};

use capacity_app::Collector;
use capacity_app::collector::unix_now;
use capacity_app::config::{Config, Settings};
use capacity_clients::UpstreamMetrics;
use capacity_clients::cf::{CfClient, CfConfig};
use capacity_clients::uaa::{Grant, TokenConfig};
use capacity_sim::{Faults, Profile, SimConfig, SimHandle, Simulator};

/// What one measured run produced.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) requests: u64,
    pub(crate) seconds: f64,
    pub(crate) projected: bool,
}

pub(crate) async fn sim(profile: Profile, latency_ms: u64) -> SimHandle {
    let mut faults = Faults::default();
    faults.latency.default_ms = latency_ms;
    match Simulator::start(SimConfig { profile, seed: 1, faults, ..SimConfig::default() }).await {
        Ok(sim) => sim,
        Err(e) => panic!("simulator: {e}"),
    }
}

pub(crate) fn settings(sim: &SimHandle, usage: &str) -> Settings {
    let c = &sim.credentials;
    Settings::default().with_layer(
        [
            ("CF_API_URL", sim.urls.cf.as_str()),
            ("CF_USERNAME", c.cf_username.as_str()),
            ("CF_PASSWORD", c.cf_password.as_str()),
            ("BOSH_ENVIRONMENT", sim.urls.bosh.as_str()),
            ("BOSH_CLIENT", c.bosh_client.as_str()),
            ("BOSH_CLIENT_SECRET", c.bosh_client_secret.as_str()),
            ("CF_USAGE_SOURCE", usage),
            ("AUTH_MODE", "disabled"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    )
}

/// Our cold collect of every source, with a fresh collector (API root and token included).
pub(crate) async fn ours(sim: &SimHandle, usage: &str) -> Run {
    sim.reset_stats();
    let config = match Config::load(&settings(sim, usage)) {
        Ok((config, _)) => config,
        Err(e) => panic!("config: {e}"),
    };
    let collector = match Collector::new(&config, Arc::new(UpstreamMetrics::default())) {
        Ok(c) => c,
        Err(e) => panic!("collector: {e}"),
    };
    let started = Instant::now();
    if let Err(e) = collector.collect(unix_now()).await {
        panic!("collect: {e}");
    }
    Run { requests: sim.stats().total, seconds: started.elapsed().as_secs_f64(), projected: false }
}

/// The per-app crawl (CF only), measured; projected from a measurement at 0 ms when the
/// measured run would exceed `budget`.
pub(crate) async fn baseline(sim: &SimHandle, latency_ms: u64, zero_latency: Option<&Run>, budget: Duration) -> Run {
    if let Some(zero) =
        zero_latency.filter(|z| z.seconds + z.requests as f64 * latency_ms as f64 / 1000.0 > budget.as_secs_f64())
    {
        return Run {
            requests: zero.requests,
            seconds: zero.seconds + zero.requests as f64 * latency_ms as f64 / 1000.0,
            projected: true,
        };
    }
    sim.reset_stats();
    let token = TokenConfig::new(Grant::Password {
        username: sim.credentials.cf_username.clone(),
        password: sim.credentials.cf_password.clone().into(),
    });
    let started = Instant::now();
    let cf = match CfClient::connect(CfConfig::new(sim.urls.cf.clone(), token), Arc::new(UpstreamMetrics::default()))
        .await
    {
        Ok(cf) => cf,
        Err(e) => panic!("connect: {e}"),
    };
    if let Err(e) = crate::baseline::crawl(&cf, &sim.urls.cf).await {
        panic!("baseline crawl: {e}");
    }
    Run { requests: sim.stats().total, seconds: started.elapsed().as_secs_f64(), projected: false }
}

/// The request floor of the stats plan, from the simulator's counts.
pub(crate) fn floor(sim: &SimHandle) -> u64 {
    let t = sim.truth();
    let c = &t.counts;
    let pages = |n: u64| n.div_ceil(5000).max(1);
    let cf = 1
        + pages(c.orgs)
        + pages(c.spaces)
        + pages(c.isolation_segments)
        + pages(c.apps)
        + pages(c.processes)
        + c.isolation_segments
        + c.non_shared_segments
        + c.entitled_orgs
        + c.processes_with_stats;
    let bosh = 2 + c.cell_deployments * 4;
    cf + 1 + bosh + 1 + 7
}
