//! Per-segment and foundation totals, N−1 headroom and free chunks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AnalysisOptions, AppUsage, CellCapacity, InstanceCounts};
use crate::snapshot::{AppState, CfSnapshot, SHARED_SEGMENT_GUID, SHARED_SEGMENT_NAME};
use crate::units::{bytes_to_mib, percent};

/// Capacity of one isolation segment: its cells and the STARTED apps bound to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCapacity {
    /// Segment name (`"shared"` for the shared one).
    pub name: String,
    /// CF guid; `None` for a segment seen on cells only.
    pub guid: Option<String>,
    /// Cells serving the segment.
    pub cells: u64,
    /// Cells whose capacity is unknown (their capacity is missing from the sums).
    pub cells_without_capacity: u64,
    /// Σ cell capacity (MiB).
    pub capacity_mb: u64,
    /// Σ cell allocation (MiB), Diego's figure where known.
    pub allocated_mb: u64,
    /// Σ `mem_quota` of placed instances (MiB), CF's figure.
    pub allocated_instances_mb: u64,
    /// Σ used memory (MiB).
    pub used_mb: u64,
    /// Σ per-cell free memory (MiB).
    pub free_mb: u64,
    /// allocated ÷ capacity (%).
    pub allocated_percent: Option<f64>,
    /// used ÷ capacity (%).
    pub used_percent: Option<f64>,
    /// Σ requested memory of STARTED apps in the segment (MiB).
    pub requested_mb: u64,
    /// STARTED apps in the segment.
    pub apps_started: u64,
    /// Instance states of the segment's apps.
    pub instance_states: InstanceCounts,
    /// Capacity of the largest cell (MiB).
    pub largest_cell_mb: u64,
    /// Headroom if the largest cell is lost.
    pub n_minus_one: NMinusOne,
    /// Σ per cell ⌊free ÷ chunk⌋: how many chunk-sized instances still fit, fragmentation included.
    pub free_chunks: u64,
    /// Mean CPU pressure of cells with vitals (%).
    pub avg_cpu_percent: Option<f64>,
}

/// N−1: can the segment's allocated memory still be placed when its largest cell is lost?
/// `capacity_without_largest = capacity − largest cell`; it fits when
/// `allocated ≤ capacity_without_largest`; utilisation = `allocated ÷ capacity_without_largest`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NMinusOne {
    /// Capacity left with the largest cell gone (MiB).
    pub capacity_without_largest_mb: u64,
    /// allocated ÷ capacity_without_largest (%); `None` when nothing is left.
    pub utilization_percent: Option<f64>,
    /// Whether every allocated MiB still fits.
    pub fits: bool,
}

/// Foundation-wide figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundationTotals {
    /// Cells.
    pub cells: u64,
    /// Cells whose capacity is unknown.
    pub cells_without_capacity: u64,
    /// Σ capacity (MiB).
    pub capacity_mb: u64,
    /// Σ allocated (MiB).
    pub allocated_mb: u64,
    /// Σ CF-side allocation (MiB).
    pub allocated_instances_mb: u64,
    /// Σ used (MiB).
    pub used_mb: u64,
    /// Σ free (MiB).
    pub free_mb: u64,
    /// allocated ÷ capacity (%).
    pub allocated_percent: Option<f64>,
    /// used ÷ capacity (%).
    pub used_percent: Option<f64>,
    /// Σ requested memory of STARTED apps (MiB).
    pub requested_mb: u64,
    /// Σ per-cell free chunks.
    pub free_chunks: u64,
    /// Chunk size used (MiB).
    pub chunk_mb: u64,
    /// Mean CPU pressure of cells with vitals (%).
    pub avg_cpu_percent: Option<f64>,
    /// Apps.
    pub apps: u64,
    /// STARTED apps.
    pub apps_started: u64,
    /// Instance states over all apps.
    pub instance_states: InstanceCounts,
    /// Isolation segments (shared included).
    pub segments: u64,
    /// Segments that would not absorb the loss of their largest cell.
    pub segments_failing_n_minus_one: u64,
}

/// Free chunks of one cell: ⌊free ÷ chunk⌋. Summed per cell, never from aggregate free memory,
/// because an instance cannot span two cells.
#[must_use]
pub fn free_chunks(free_mb: u64, chunk_mb: u64) -> u64 {
    free_mb.checked_div(chunk_mb).unwrap_or(0)
}

#[derive(Default)]
struct Accumulator {
    cells: u64,
    cells_without_capacity: u64,
    capacity_mb: u64,
    allocated_mb: u64,
    allocated_instances_mb: u64,
    used_bytes: u64,
    free_mb: u64,
    largest_cell_mb: u64,
    free_chunks: u64,
    cpu_sum: f64,
    cpu_cells: u32,
    requested_mb: u64,
    apps_started: u64,
    instance_states: InstanceCounts,
}

impl Accumulator {
    fn add_cell(&mut self, cell: &CellCapacity, chunk_mb: u64) {
        self.cells += 1;
        let m = &cell.memory;
        match m.capacity_mb {
            Some(c) => {
                self.capacity_mb += c;
                self.largest_cell_mb = self.largest_cell_mb.max(c);
            }
            None => self.cells_without_capacity += 1,
        }
        self.allocated_mb += m.allocated_mb;
        self.allocated_instances_mb += m.allocated_instances_mb;
        self.used_bytes += m.used_bytes;
        if let Some(free) = m.free_mb {
            self.free_mb += free;
            self.free_chunks += free_chunks(free, chunk_mb);
        }
        if let Some(cpu) = cell.cpu_percent {
            self.cpu_sum += cpu;
            self.cpu_cells += 1;
        }
    }

    fn add_app(&mut self, app: &AppUsage) {
        if app.state == AppState::Started {
            self.apps_started += 1;
            self.requested_mb += app.requested_mb;
        }
        self.instance_states.merge(&app.instance_states);
    }

    fn avg_cpu(&self) -> Option<f64> {
        (self.cpu_cells > 0).then(|| self.cpu_sum / f64::from(self.cpu_cells))
    }

    fn n_minus_one(&self) -> NMinusOne {
        let remaining = self.capacity_mb.saturating_sub(self.largest_cell_mb);
        NMinusOne {
            capacity_without_largest_mb: remaining,
            utilization_percent: percent(self.allocated_mb, remaining),
            fits: self.cells > 0 && self.allocated_mb <= remaining,
        }
    }
}

/// Aggregates cells and apps per segment and for the whole foundation. Segments are ordered
/// shared first, then by name; every CF segment appears, even without cells.
#[must_use]
pub fn summarise(
    cf: &CfSnapshot,
    cells: &[CellCapacity],
    apps: &[AppUsage],
    options: &AnalysisOptions,
) -> (Vec<SegmentCapacity>, FoundationTotals) {
    let mut per_segment: BTreeMap<(bool, &str), Accumulator> = BTreeMap::new();
    let mut guids: BTreeMap<&str, &str> = BTreeMap::new();
    for segment in &cf.isolation_segments {
        let name = if segment.guid == SHARED_SEGMENT_GUID { SHARED_SEGMENT_NAME } else { segment.name.as_str() };
        guids.insert(name, segment.guid.as_str());
        per_segment.entry((name != SHARED_SEGMENT_NAME, name)).or_default();
    }
    per_segment.entry((false, SHARED_SEGMENT_NAME)).or_default();
    let mut all = Accumulator::default();
    for cell in cells {
        per_segment
            .entry((cell.segment != SHARED_SEGMENT_NAME, &cell.segment))
            .or_default()
            .add_cell(cell, options.chunk_mb);
        all.add_cell(cell, options.chunk_mb);
    }
    for app in apps {
        per_segment.entry((app.segment != SHARED_SEGMENT_NAME, &app.segment)).or_default().add_app(app);
        all.add_app(app);
    }
    let segments: Vec<SegmentCapacity> = per_segment
        .into_iter()
        .map(|((_, name), acc)| {
            let used_mb = bytes_to_mib(acc.used_bytes);
            SegmentCapacity {
                name: name.to_owned(),
                guid: guids.get(name).map(|g| (*g).to_owned()),
                cells: acc.cells,
                cells_without_capacity: acc.cells_without_capacity,
                capacity_mb: acc.capacity_mb,
                allocated_mb: acc.allocated_mb,
                allocated_instances_mb: acc.allocated_instances_mb,
                used_mb,
                free_mb: acc.free_mb,
                allocated_percent: percent(acc.allocated_mb, acc.capacity_mb),
                used_percent: percent(used_mb, acc.capacity_mb),
                requested_mb: acc.requested_mb,
                apps_started: acc.apps_started,
                instance_states: acc.instance_states,
                largest_cell_mb: acc.largest_cell_mb,
                n_minus_one: acc.n_minus_one(),
                free_chunks: acc.free_chunks,
                avg_cpu_percent: acc.avg_cpu(),
            }
        })
        .collect();
    let used_mb = bytes_to_mib(all.used_bytes);
    let totals = FoundationTotals {
        cells: all.cells,
        cells_without_capacity: all.cells_without_capacity,
        capacity_mb: all.capacity_mb,
        allocated_mb: all.allocated_mb,
        allocated_instances_mb: all.allocated_instances_mb,
        used_mb,
        free_mb: all.free_mb,
        allocated_percent: percent(all.allocated_mb, all.capacity_mb),
        used_percent: percent(used_mb, all.capacity_mb),
        requested_mb: all.requested_mb,
        free_chunks: all.free_chunks,
        chunk_mb: options.chunk_mb,
        avg_cpu_percent: all.avg_cpu(),
        apps: apps.len() as u64,
        apps_started: all.apps_started,
        instance_states: all.instance_states,
        segments: segments.len() as u64,
        segments_failing_n_minus_one: segments.iter().filter(|s| s.cells > 0 && !s.n_minus_one.fits).count() as u64,
    };
    (segments, totals)
}
