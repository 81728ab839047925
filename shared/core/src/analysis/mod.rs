//! Joins the per-source snapshots into one picture of the foundation.
//!
//! The capacity model (`DESIGN.md`, "Capacity model") in one place:
//!
//! * **Cell capacity** (MiB) is what Diego can allocate: the rep's `CapacityTotalMemory`. Without
//!   Log Cache it is estimated from the BOSH VM's RAM (`cloud_properties.ram`), else from vitals
//!   (`mem.kb × 100 / mem.percent`, the VM's RAM seen by the agent), else a configured figure —
//!   and every cell says which ([`Provenance`]). BOSH `mem.kb` alone is memory *in use*, never capacity.
//! * **Allocated** (MiB) is what Diego reserved: `CapacityTotalMemory − CapacityRemainingMemory`,
//!   which also covers the Envoy proxy's 32 MiB per instance, STARTING containers and tasks.
//!   From CF alone it is Σ `mem_quota` of instances holding a container on the cell (joined by
//!   the stats' `host` IP). Both are reported; decisions use Diego's own figure when present.
//! * **Used** (MiB) is Σ `usage.mem` of instances holding a container. CRASHED instances hold no
//!   container; DOWN ones were never placed.
//! * **Requested** (MiB) counts STARTED apps only: Σ `memory_in_mb × instances` per process.
//! * An app's **isolation segment** is its space's assigned segment, else its org's default,
//!   else shared; an explicit assignment to `shared` overrides the org default.

mod apps;
mod cells;
mod placement;
mod segments;

pub use apps::{AppUsage, InstanceCounts, ProcessUsage, RightSizing, analyse_apps, right_size};
pub use cells::{CellCapacity, CellContainers, CellDisk, CellMemory, SegmentSource, analyse_cells};
pub use placement::SegmentResolver;
pub use segments::{FoundationTotals, NMinusOne, SegmentCapacity, free_chunks, summarise};

use serde::{Deserialize, Serialize};

use crate::snapshot::{BoshSnapshot, CfSnapshot, FoundationSnapshot, RepSnapshot};

/// Where a figure comes from, so the UI and the API can say how much to trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// The rep's own gauge, read from Log Cache: Diego's view, authoritative.
    RepMetric,
    /// Estimated from the BOSH VM's `cloud_properties.ram`.
    BoshCloudProperties,
    /// Estimated from BOSH vitals (`mem.kb × 100 / mem.percent`).
    BoshVitals,
    /// The operator's configured cell size.
    Configured,
    /// Summed from CF process stats (instances placed on the cell).
    CfInstances,
    /// No source could tell.
    Unknown,
}

/// Knobs of the analysis; all have production defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisOptions {
    /// Chunk size for "free chunks" (MiB); 4096 is Healthwatch's default memory chunk.
    pub chunk_mb: u64,
    /// Cell memory capacity to assume when neither Log Cache nor BOSH can tell (MiB).
    pub configured_cell_memory_mb: Option<u64>,
    /// Right-sizing: recommended limit = peak usage × this factor, rounded up to 64 MiB.
    pub right_sizing_headroom: f64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self { chunk_mb: 4096, configured_cell_memory_mb: None, right_sizing_headroom: 1.25 }
    }
}

/// The joined picture: every cell, every segment, every app, and foundation totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundationAnalysis {
    /// Foundation-wide figures.
    pub totals: FoundationTotals,
    /// One entry per isolation segment (shared first), including segments without cells.
    pub segments: Vec<SegmentCapacity>,
    /// One entry per cell.
    pub cells: Vec<CellCapacity>,
    /// One entry per app.
    pub apps: Vec<AppUsage>,
    /// Data-quality notes worth showing an operator (joins that failed, missing figures).
    pub notes: Vec<String>,
}

/// Runs the whole analysis over borrowed snapshots.
#[must_use]
pub fn analyse(
    cf: &CfSnapshot,
    bosh: Option<&BoshSnapshot>,
    rep: Option<&RepSnapshot>,
    options: &AnalysisOptions,
) -> FoundationAnalysis {
    let resolver = SegmentResolver::new(cf);
    let apps = analyse_apps(cf, &resolver, options);
    let cell_report = analyse_cells(cf, bosh, rep, &resolver, options);
    let (segments, totals) = summarise(cf, &cell_report.cells, &apps, options);
    FoundationAnalysis { totals, segments, cells: cell_report.cells, apps, notes: cell_report.notes }
}

impl FoundationSnapshot {
    /// Analyses this snapshot with the given options.
    #[must_use]
    pub fn analyse(&self, options: &AnalysisOptions) -> FoundationAnalysis {
        analyse(&self.cf, self.bosh.data(), self.log_cache.data(), options)
    }
}

#[cfg(test)]
mod tests;
