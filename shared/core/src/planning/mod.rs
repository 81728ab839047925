//! Capacity planning: what-if scenarios over a [`FoundationModel`] — N−1 and host-loss headroom,
//! HA admission, free chunks, vCPU ratios, container limits — with a verdict, warnings that name
//! their cause and fixes, ranked bottlenecks and recommendations computed from the numbers they
//! cite. Every formula is documented where it is computed (`figures.rs`, `assess.rs`,
//! `recommend.rs`) and collected in `docs/capacity-model.md`.

mod assess;
mod figures;
mod input;
mod model;
mod peer;
mod recommend;

pub use assess::{Severity, Verdict, VerdictStatus, Warning};
pub use figures::{Figures, HostFigures, NMinusOneFigure, SegmentFigure};
pub use input::{CellShape, DEFAULT_OVERHEAD_PCT, ScenarioInput, Workload};
pub use model::{CellModel, FoundationModel, HostCluster, HostLayer, SCHEMA_VERSION, SegmentModel};
pub use peer::{PeerCluster, PeerManualInput};
pub use recommend::{Bottleneck, Change, Fix, Improvement, Recommendation, cells_for_n1};

use serde::{Deserialize, Serialize};

/// Field-level validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("invalid input: {}", .errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct PlanningError {
    /// One entry per offending field.
    pub errors: Vec<FieldError>,
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Field path, e.g. `workload.memory_mb`.
    pub field: String,
    /// What is wrong (with the accepted range or unit).
    pub message: String,
}

impl PlanningError {
    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.into(), message: message.into() });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn into_result(self) -> Result<(), Self> {
        if self.errors.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// Current vs proposed, and what to make of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioResult {
    /// The segment planned (`None` = every segment).
    pub segment: Option<String>,
    /// Figures today.
    pub current: Figures,
    /// Figures with the proposed changes.
    pub proposed: Figures,
    /// proposed − current for the headline figures.
    pub delta: Delta,
    /// Fits / fits with warnings / does not fit, with reasons.
    pub verdict: Verdict,
    /// Warnings naming the change that caused them and concrete fixes.
    pub warnings: Vec<Warning>,
    /// Each resource as a fraction of its own limit, most constrained first (proposed state).
    pub bottlenecks: Vec<Bottleneck>,
    /// What to do, computed from the numbers each cites.
    pub recommendations: Vec<Recommendation>,
}

/// Differences proposed − current.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Delta {
    /// Cells.
    pub cells: i64,
    /// Capacity (MiB).
    pub capacity_mb: i64,
    /// Allocated % (points).
    pub allocated_percent: Option<f64>,
    /// N−1 utilisation (points).
    pub n_minus_one_utilization_percent: Option<f64>,
    /// Free chunks.
    pub free_chunks: i64,
    /// vCPU:pCPU ratio.
    pub vcpu_ratio: Option<f64>,
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

#[allow(clippy::cast_possible_wrap)]
fn delta(current: &Figures, proposed: &Figures) -> Delta {
    Delta {
        cells: proposed.cells as i64 - current.cells as i64,
        capacity_mb: proposed.capacity_mb as i64 - current.capacity_mb as i64,
        allocated_percent: diff(current.allocated_percent, proposed.allocated_percent),
        n_minus_one_utilization_percent: diff(
            current.n_minus_one.utilization_percent,
            proposed.n_minus_one.utilization_percent,
        ),
        free_chunks: proposed.free_chunks as i64 - current.free_chunks as i64,
        vcpu_ratio: diff(current.vcpu_ratio, proposed.vcpu_ratio),
    }
}

/// Plans a scenario. Errors list every invalid field.
pub fn plan(model: &FoundationModel, input: &ScenarioInput) -> Result<ScenarioResult, PlanningError> {
    let resolved = input.resolve(model)?;
    let (current, proposed) = figures::compute(model, &resolved);
    let warnings = assess::warnings(&resolved, &current, &proposed);
    let verdict = assess::verdict(&resolved, &proposed, &warnings);
    let bottlenecks = recommend::bottlenecks(&resolved, &proposed);
    let recommendations = recommend::recommendations(model, &resolved, &proposed);
    Ok(ScenarioResult {
        segment: input.segment.clone(),
        delta: delta(&current, &proposed),
        current,
        proposed,
        verdict,
        warnings,
        bottlenecks,
        recommendations,
    })
}

#[cfg(test)]
mod tests;
