//! Raw facts per upstream source, as the collector gathered them. No derived figures live here.

mod bosh;
mod cf;
mod rep;

pub use bosh::{BoshSnapshot, BoshVm, Vitals, is_cell_instance_group};
pub use cf::{
    App, AppState, CfSnapshot, InstanceState, InstanceStats, IsolationSegment, Organization, Process,
    SHARED_SEGMENT_GUID, SHARED_SEGMENT_NAME, Space,
};
pub use rep::{RepCell, RepSnapshot};

use serde::{Deserialize, Serialize};

/// What one optional source yielded: its data, why it is missing, or that it is not configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SourceState<T> {
    /// The source answered.
    Available {
        /// What it answered.
        data: T,
    },
    /// The source is configured but failed; `reason` is safe to show (no secrets, no bodies).
    Unavailable {
        /// Why it failed.
        reason: String,
    },
    /// The operator did not configure this source.
    NotConfigured,
}

impl<T> SourceState<T> {
    /// The data when the source answered.
    pub fn data(&self) -> Option<&T> {
        match self {
            Self::Available { data } => Some(data),
            _ => None,
        }
    }

    /// Whether the source answered.
    pub fn is_available(&self) -> bool {
        matches!(self, Self::Available { .. })
    }

    /// A short status word for reports: `ok`, `unavailable` or `not_configured`.
    pub fn status_word(&self) -> &'static str {
        match self {
            Self::Available { .. } => "ok",
            Self::Unavailable { .. } => "unavailable",
            Self::NotConfigured => "not_configured",
        }
    }
}

/// Everything one collect produced. CF is mandatory (without it there is nothing to analyse);
/// BOSH and Log Cache may be missing, and the snapshot says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundationSnapshot {
    /// Cloud Controller facts.
    pub cf: CfSnapshot,
    /// BOSH director facts (cell VMs and their vitals).
    pub bosh: SourceState<BoshSnapshot>,
    /// The rep's capacity gauges read through Log Cache.
    pub log_cache: SourceState<RepSnapshot>,
}
