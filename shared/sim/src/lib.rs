//! Foundation simulator: a faithful fake of UAA, CF API v3, the BOSH director and Log Cache,
//! generated deterministically from a profile and a seed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), capacity_sim::SimError> {
//! let sim = capacity_sim::Simulator::start(capacity_sim::SimConfig::default()).await?;
//! println!("CF API at {}", sim.urls.cf);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

// Handlers short-circuit with ready-made HTTP error responses (`Result<_, Response>`); the
// 128-byte error variant only ever travels a few frames up to the handler.
#![allow(clippy::result_large_err)]

mod admin;
mod bosh;
mod cf;
mod config;
mod error;
mod faults;
mod generate;
mod logcache;
mod model;
mod rng;
mod server;
mod stats;
mod timefmt;
mod truth;
mod uaa;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{Profile, SimConfig, SimCredentials, UnknownProfile};
pub use error::SimError;
pub use faults::{
    AuthFailureRule, ErrorRule, Faults, LatencyFaults, MalformedMode, MalformedRule, RateLimitRule, Upstream,
};
pub use stats::{RequestStats, RouteStats, UpstreamStats};
pub use truth::{CellTruth, CountsTruth, GroundTruth, SegmentTruth, TotalsTruth};

/// Base URLs of the five listeners, without trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimUrls {
    pub cf: String,
    pub uaa: String,
    pub log_cache: String,
    pub bosh: String,
    pub bosh_uaa: String,
}

/// Entry point.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Generates the foundation and starts the five listeners on 127.0.0.1.
    pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        let running = server::start(config).await?;
        Ok(SimHandle {
            urls: running.state.urls.clone(),
            credentials: running.state.credentials.clone(),
            state: running.state,
            shutdown: running.shutdown,
            tasks: running.tasks,
        })
    }
}

/// A running simulator. Dropping it stops the listeners.
#[derive(Debug)]
pub struct SimHandle {
    pub urls: SimUrls,
    pub credentials: SimCredentials,
    state: Arc<server::SimState>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SimHandle {
    /// Replaces every fault (and restarts their counters). `bosh_unreachable` takes effect
    /// within milliseconds; `PUT /__sim/faults` waits for it.
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    pub fn stats(&self) -> RequestStats {
        self.state.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn reset_stats(&self) {
        if let Ok(mut stats) = self.state.stats.lock() {
            *stats = RequestStats::default();
        }
    }

    /// The same data as `GET /__sim/truth`.
    pub fn truth(&self) -> GroundTruth {
        self.state.truth.clone()
    }

    /// PEM of the CA that signed the BOSH director's certificate (only with `bosh_tls`).
    pub fn bosh_ca_pem(&self) -> Option<String> {
        self.state.bosh_ca_pem.clone()
    }

    /// Stops accepting, lets open connections finish briefly, then stops everything.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        for task in &mut self.tasks {
            if tokio::time::timeout(Duration::from_secs(2), &mut *task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Query string pairs, decoded.
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}
