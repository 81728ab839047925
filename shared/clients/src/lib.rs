//! Clients for the upstream APIs a Diego capacity analyzer reads: UAA, the Cloud Foundry API v3,
//! the BOSH director and Log Cache. Built on reqwest with rustls only.
//!
//! Every request goes through [`http::Upstream`], which applies the per-request timeout, the
//! retry policy, counts the request per upstream and route in [`UpstreamMetrics`], and opens a
//! tracing span. Bodies of failed responses are never put into errors or logs: only the typed
//! fields of the upstream's error envelope are.

pub mod bosh;
pub mod cf;
mod error;
pub mod http;
pub mod log_cache;
mod metrics;
mod retry;
mod secret;
pub mod uaa;

pub use error::ClientError;
pub use http::HttpSettings;
pub use metrics::{UpstreamCount, UpstreamMetrics};
pub use retry::RetryPolicy;
pub use secret::Secret;

/// Upstream names used in metrics, spans and errors.
pub mod upstream {
    /// Cloud Controller.
    pub const CF: &str = "cf";
    /// CF's UAA.
    pub const UAA: &str = "uaa";
    /// BOSH director.
    pub const BOSH: &str = "bosh";
    /// The BOSH director's UAA.
    pub const BOSH_UAA: &str = "bosh_uaa";
    /// Log Cache.
    pub const LOG_CACHE: &str = "log_cache";
}
