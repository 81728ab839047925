//! Domain types and pure capacity analysis of a Diego foundation.
//!
//! Nothing in this crate performs I/O, reads a clock or spawns a task: every figure is a pure
//! function of the snapshots the collector hands in, so it can be tested to the byte.
//!
//! * [`snapshot`] holds the raw facts per source (CF API v3, BOSH director, Log Cache).
//! * [`analysis`] joins them into cells, isolation segments, apps and foundation totals,
//!   following the capacity model in `DESIGN.md` (each formula is documented where it lives).

pub mod analysis;
pub mod planning;
pub mod snapshot;
pub mod units;

pub use analysis::{
    AnalysisOptions, AppUsage, CellCapacity, FoundationAnalysis, FoundationTotals, SegmentCapacity, analyse,
};
pub use snapshot::{
    BoshSnapshot, BoshVm, CfSnapshot, FoundationSnapshot, InstanceState, InstanceStats, RepCell, RepSnapshot,
    SourceState, Vitals,
};
