//! Bottlenecks and recommendations, each computed from the figures it cites.
//!
//! * Cells to add for a segment's N−1 utilisation to reach a target t: the smallest k with
//!   `allocated ≤ t × (capacity + k·c − max(largest, c))`, c being the segment's usual cell.
//! * Resizing: for a cell of G GB (capacity c′ = G × 1024 × (1 − overhead)), the smallest n with
//!   `allocated ≤ t × (n − 1) · c′`.
//! * Hosts to add: the smallest h extra hosts (of the largest cluster's shape) for which the
//!   cells' VM memory plus platform VMs fit the limiting usable host memory and the vCPU:pCPU
//!   ratio meets its target.
//! * Bottlenecks express every resource as a fraction of its own limit: memory as allocated ÷
//!   capacity, N−1 memory as allocated ÷ capacity without the largest cell, containers as the
//!   fullest cell ÷ the limit, CPU as the vCPU:pCPU ratio ÷ its target (a ratio is never read as
//!   a percentage) and measured CPU pressure ÷ 100 %.

use serde::Serialize;

use super::figures::{Figures, SegmentFigure};
use super::input::Resolved;
use super::model::FoundationModel;

/// A changed input field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Input field.
    pub field: String,
    /// Today's value, when it has one.
    pub from: Option<f64>,
    /// Proposed value.
    pub to: f64,
}

impl Change {
    pub(crate) fn new(field: &str, from: Option<f64>, to: f64) -> Self {
        Self { field: field.to_owned(), from, to }
    }
}

/// A concrete fix: set `field` to `value`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    /// What to do.
    pub description: String,
    /// Input field to change.
    pub field: String,
    /// Value to set it to.
    pub value: f64,
}

impl Fix {
    pub(crate) fn new(description: String, field: &str, value: f64) -> Self {
        Self { description, field: field.to_owned(), value }
    }
}

/// A resource and how close it is to its limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bottleneck {
    /// `memory`, `memory_n_minus_one`, `disk`, `containers`, `cpu_ratio`, `cpu_pressure`.
    pub resource: &'static str,
    /// Value in the resource's own unit.
    pub value: f64,
    /// Its limit in the same unit.
    pub limit: f64,
    /// Unit of value and limit.
    pub unit: &'static str,
    /// value ÷ limit: comparable across resources.
    pub fraction_of_limit: f64,
    /// The highest fraction.
    pub constraining: bool,
}

/// What a recommendation improves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Improvement {
    /// Figure, e.g. `n_minus_one_utilization_percent`.
    pub figure: String,
    /// Before.
    pub from: f64,
    /// After.
    pub to: f64,
}

/// One recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// `add_cells`, `resize_cells`, `add_hosts`, `right_size_apps`, `no_action`.
    pub kind: &'static str,
    /// Segment it applies to, when one.
    pub segment: Option<String>,
    /// One line.
    pub title: String,
    /// The figures behind it.
    pub detail: String,
    /// What it improves and by how much.
    pub improves: Vec<Improvement>,
}

/// Smallest k ≥ 0 with `allocated ≤ target % × (capacity + k·cell − max(largest, cell))`.
#[must_use]
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn cells_for_n1(capacity: u64, allocated: u64, largest: u64, cell: u64, target_pct: f64) -> Option<u64> {
    if cell == 0 || target_pct <= 0.0 {
        return None;
    }
    let fits = |k: u64| {
        let left = (capacity + k * cell).saturating_sub(largest.max(if k > 0 { cell } else { 0 }));
        allocated as f64 <= target_pct / 100.0 * left as f64
    };
    let estimate = ((allocated as f64 * 100.0 / target_pct - capacity as f64 + largest.max(cell) as f64) / cell as f64)
        .ceil()
        .max(0.0) as u64;
    let mut k = estimate.saturating_sub(1);
    while k > 0 && fits(k - 1) {
        k -= 1;
    }
    while !fits(k) {
        k += 1;
    }
    Some(k)
}

#[allow(clippy::cast_precision_loss)]
fn n1_after_adding(s: &SegmentFigure, k: u64) -> f64 {
    let left = (s.capacity_mb + k * s.typical_cell_mb).saturating_sub(s.largest_cell_mb.max(s.typical_cell_mb));
    if left == 0 { f64::INFINITY } else { s.allocated_mb as f64 * 100.0 / left as f64 }
}

/// Extra hosts (and their GB) needed for host memory and the vCPU target; `None` when no host
/// layer is known or nothing is needed.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn hosts_needed(r: &Resolved, proposed: &Figures) -> Option<(u32, f64)> {
    let layer = r.hosts.as_ref()?;
    let h = proposed.hosts.as_ref()?;
    let shape = layer.clusters.iter().max_by(|a, b| a.memory_gb_per_host.total_cmp(&b.memory_gb_per_host))?;
    let ok = |extra: u32| {
        let mut l = layer.clone();
        if let Some(c) = l.clusters.iter_mut().find(|c| c.name == shape.name) {
            c.hosts += extra;
        }
        let memory = l.memory_mb();
        let usable = (memory - l.ha_reserved_mb()).min(memory - l.largest_host_mb());
        let ratio_ok = proposed.vcpus.is_none_or(|v| v as f64 <= r.target_vcpu_ratio * l.cores() as f64);
        h.demand_mb <= usable && ratio_ok
    };
    if ok(0) {
        return None;
    }
    (1..=10_000).find(|extra| ok(*extra)).map(|extra| (extra, shape.memory_gb_per_host))
}

/// Every resource as a fraction of its limit, most constrained first.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub(crate) fn bottlenecks(r: &Resolved, p: &Figures) -> Vec<Bottleneck> {
    let mut out = Vec::new();
    let mut push = |resource, value: f64, limit: f64, unit| {
        if limit > 0.0 && value.is_finite() {
            out.push(Bottleneck {
                resource,
                value,
                limit,
                unit,
                fraction_of_limit: value / limit,
                constraining: false,
            });
        }
    };
    push("memory", p.allocated_mb as f64, p.capacity_mb as f64, "MiB");
    push("memory_n_minus_one", p.allocated_mb as f64, p.n_minus_one.capacity_without_largest_mb as f64, "MiB");
    if let Some(d) = p.disk_allocated_percent {
        push("disk", d, 100.0, "%");
    }
    push("containers", p.max_containers_per_cell as f64, r.max_containers as f64, "containers per cell");
    if let Some(ratio) = p.vcpu_ratio {
        push("cpu_ratio", ratio, r.target_vcpu_ratio, "vCPU per physical core");
    }
    if let Some(pressure) = p.cpu_pressure_percent {
        push("cpu_pressure", pressure, 100.0, "% busy");
    }
    out.sort_by(|a, b| b.fraction_of_limit.total_cmp(&a.fraction_of_limit));
    if let Some(first) = out.first_mut() {
        first.constraining = true;
    }
    out
}

const RESIZE_PRESETS_GB: [f64; 3] = [32.0, 64.0, 128.0];

/// Recommendations for the proposed state, or "no action needed".
#[must_use]
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::too_many_lines)]
pub(crate) fn recommendations(model: &FoundationModel, r: &Resolved, p: &Figures) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let target = r.n1_target_pct;
    for s in &p.segments {
        let util = s.n_minus_one.utilization_percent.unwrap_or(f64::INFINITY);
        if s.cells == 0 || util <= target {
            continue;
        }
        if let Some(k) = cells_for_n1(s.capacity_mb, s.allocated_mb, s.largest_cell_mb, s.typical_cell_mb, target) {
            let after = n1_after_adding(s, k);
            out.push(Recommendation {
                kind: "add_cells",
                segment: Some(s.name.clone()),
                title: format!("Add {k} cell(s) of {:.0} GB to {}", s.typical_cell_vm_mb as f64 / 1024.0, s.name),
                detail: format!(
                    "allocated {:.0} GiB; capacity without the largest cell goes from {:.0} to {:.0} GiB",
                    s.allocated_mb as f64 / 1024.0,
                    s.n_minus_one.capacity_without_largest_mb as f64 / 1024.0,
                    (s.allocated_mb as f64 * 100.0 / after) / 1024.0,
                ),
                improves: vec![Improvement { figure: "n_minus_one_utilization_percent".into(), from: util, to: after }],
            });
        }
        let keep = 1.0 - r.overhead_pct / 100.0;
        let current_gb = s.typical_cell_vm_mb as f64 / 1024.0;
        for gb in RESIZE_PRESETS_GB.into_iter().filter(|gb| (gb - current_gb).abs() >= 1.0) {
            let c = gb * 1024.0 * keep;
            let n = (s.allocated_mb as f64 * 100.0 / (target * c)).ceil() as u64 + 1;
            let n1 = s.allocated_mb as f64 * 100.0 / ((n - 1) as f64 * c);
            let vcpus = s.typical_cell_vcpus.map(|v| ((f64::from(v) * gb / current_gb.max(1.0)).round() as u32).max(1));
            let cpu_note =
                vcpus.map(|v| format!(", {v} vCPUs each ({} in total)", u64::from(v) * n)).unwrap_or_default();
            out.push(Recommendation {
                kind: "resize_cells",
                segment: Some(s.name.clone()),
                title: format!("Or run {} as {n} cells of {gb:.0} GB", s.name),
                detail: format!(
                    "{n} × {:.0} GiB usable = {:.0} GiB{cpu_note}; today {} cells of {current_gb:.0} GB",
                    c / 1024.0,
                    n as f64 * c / 1024.0,
                    s.cells
                ),
                improves: vec![Improvement { figure: "n_minus_one_utilization_percent".into(), from: util, to: n1 }],
            });
        }
        let reclaimable = model.segment(&s.name).map_or(0, |m| m.reclaimable_mb);
        if reclaimable > 0 {
            let left = s.n_minus_one.capacity_without_largest_mb.max(1) as f64;
            let after = s.allocated_mb.saturating_sub(reclaimable) as f64 * 100.0 / left;
            out.push(Recommendation {
                kind: "right_size_apps",
                segment: Some(s.name.clone()),
                title: format!("Right-size apps in {}: frees {:.1} GiB", s.name, reclaimable as f64 / 1024.0),
                detail: "memory limits above peak use × 1.25 (see /api/apps?sort=reclaimable)".to_owned(),
                improves: vec![Improvement { figure: "n_minus_one_utilization_percent".into(), from: util, to: after }],
            });
        }
    }
    if let (Some((extra, gb)), Some(h)) = (hosts_needed(r, p), &p.hosts) {
        let mut improves = Vec::new();
        if let Some(u) = h.utilization_percent {
            improves.push(Improvement {
                figure: "host_memory_utilization_percent".into(),
                from: u,
                to: h.demand_mb * 100.0
                    / (h.ha_usable_mb.min(h.n_minus_one_host_usable_mb) + f64::from(extra) * gb * 1024.0),
            });
        }
        if let (Some(ratio), Some(layer)) = (p.vcpu_ratio, &r.hosts) {
            let per_host = layer.cores() as f64 / f64::from(layer.hosts().max(1));
            improves.push(Improvement {
                figure: "vcpu_ratio".into(),
                from: ratio,
                to: ratio * layer.cores() as f64 / (layer.cores() as f64 + f64::from(extra) * per_host),
            });
        }
        out.push(Recommendation {
            kind: "add_hosts",
            segment: None,
            title: format!("Add {extra} host(s) of {gb:.0} GB"),
            detail: format!(
                "cells and platform VMs need {:.0} GiB; usable host memory is {:.0} GiB ({} limits)",
                h.demand_mb / 1024.0,
                h.ha_usable_mb.min(h.n_minus_one_host_usable_mb) / 1024.0,
                h.limiting
            ),
            improves,
        });
    }
    if out.is_empty() {
        out.push(Recommendation {
            kind: "no_action",
            segment: None,
            title: "No action needed".to_owned(),
            detail: format!(
                "N−1 utilisation {} is within the {target:.0} % target{}, {} free chunks of {} MiB",
                p.n_minus_one.utilization_percent.map_or_else(|| "n/a".to_owned(), |u| format!("{u:.1} %")),
                p.vcpu_ratio.map(|v| format!(", vCPU:pCPU {v:.2} ≤ {:.1}", r.target_vcpu_ratio)).unwrap_or_default(),
                p.free_chunks,
                p.chunk_mb,
            ),
            improves: Vec::new(),
        });
    }
    out
}
