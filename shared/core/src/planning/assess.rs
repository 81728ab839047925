//! Warnings and the verdict. Each warning names the input change that caused it (or none when
//! the foundation is already in that state) and concrete fixes computed from the same figures.

use serde::Serialize;

use super::figures::Figures;
use super::input::Resolved;
use super::recommend::{Change, Fix, cells_for_n1, hosts_needed};

/// How bad a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Fits, but with less headroom than wanted.
    Warning,
    /// Does not fit, or cannot survive a failure.
    Critical,
}

/// One finding about the proposed state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// Severity.
    pub severity: Severity,
    /// Stable code, e.g. `n_minus_one_fails`.
    pub code: &'static str,
    /// What is wrong, with the figures.
    pub message: String,
    /// The change that caused it; `None` when it is already so today.
    pub caused_by: Option<Change>,
    /// Concrete ways out.
    pub fixes: Vec<Fix>,
}

/// The answer to "will it fit?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// Fits with the headroom targets met.
    Fits,
    /// Fits, but a warning applies (resilience, CPU ratio, headroom).
    FitsWithWarnings,
    /// Does not fit: over capacity, unplaceable instances, or over the container limit.
    DoesNotFit,
}

/// The verdict with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Status.
    pub status: VerdictStatus,
    /// One line per reason (the messages of the warnings that decided it).
    pub reasons: Vec<String>,
}

const DOES_NOT_FIT: [&str; 3] = ["over_capacity", "workload_unplaced", "containers_exceeded"];

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1} %"))
}

fn gib(mb: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let g = mb as f64 / 1024.0;
    format!("{g:.1} GiB")
}

/// The input change most likely behind a memory finding.
fn memory_change(r: &Resolved, current: &Figures, proposed: &Figures) -> Option<Change> {
    #[allow(clippy::cast_precision_loss)]
    if r.cell_count.is_some() && proposed.cells != current.cells {
        return Some(Change::new("cell_count", Some(current.cells as f64), proposed.cells as f64));
    }
    if let Some(gb) = r.cell.as_ref().and_then(|c| c.memory_gb) {
        return Some(Change::new("cell.memory_gb", current.cell_memory_gb, gb));
    }
    if let Some(w) = &r.workload {
        return Some(Change::new("workload.instances", Some(0.0), f64::from(w.instances)));
    }
    if (r.overcommit - 1.0).abs() > f64::EPSILON {
        return Some(Change::new("overcommit", Some(1.0), r.overcommit));
    }
    None
}

/// The input change most likely behind a CPU finding.
fn cpu_change(r: &Resolved, current: &Figures, proposed: &Figures) -> Option<Change> {
    if let Some(v) = r.cell.as_ref().and_then(|c| c.vcpus) {
        return Some(Change::new("cell.vcpus", current.cell_vcpus.map(f64::from), f64::from(v)));
    }
    #[allow(clippy::cast_precision_loss)]
    if r.cell_count.is_some() && proposed.cells != current.cells {
        return Some(Change::new("cell_count", Some(current.cells as f64), proposed.cells as f64));
    }
    None
}

/// Every finding about the proposed state, most severe first.
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
pub(crate) fn warnings(r: &Resolved, current: &Figures, proposed: &Figures) -> Vec<Warning> {
    let mut out = Vec::new();
    let mem_change = memory_change(r, current, proposed);
    let n1_fixes = |target: f64| -> Vec<Fix> {
        proposed
            .segments
            .iter()
            .filter_map(|s| {
                let k = cells_for_n1(s.capacity_mb, s.allocated_mb, s.largest_cell_mb, s.typical_cell_mb, target)?;
                (k > 0).then(|| {
                    Fix::new(
                        format!("add {k} cell(s) of {} to {}", gib(s.typical_cell_vm_mb), s.name),
                        "cell_count",
                        (s.cells + k) as f64,
                    )
                })
            })
            .collect()
    };
    if proposed.allocated_mb > proposed.capacity_mb {
        out.push(Warning {
            severity: Severity::Critical,
            code: "over_capacity",
            message: format!(
                "allocated memory {} exceeds capacity {}",
                gib(proposed.allocated_mb),
                gib(proposed.capacity_mb)
            ),
            caused_by: mem_change.clone(),
            fixes: n1_fixes(100.0),
        });
    }
    if proposed.unplaced_instances > 0 {
        let w = r.workload.as_ref();
        let size = w.map_or(0, |w| w.memory_mb + r.proxy_mb);
        let per_cell = proposed.segments.first().map_or(0, |s| s.typical_cell_mb / size.max(1)).min(r.max_containers);
        let extra = proposed.unplaced_instances.div_ceil(per_cell.max(1));
        out.push(Warning {
            severity: Severity::Critical,
            code: "workload_unplaced",
            message: format!(
                "{} of {} new instances ({size} MiB each with the proxy) find no cell with room",
                proposed.unplaced_instances,
                w.map_or(0, |w| w.instances)
            ),
            caused_by: w.map(|w| Change::new("workload.instances", Some(0.0), f64::from(w.instances))),
            fixes: vec![Fix::new(
                format!("add {extra} cell(s); each empty cell holds {per_cell} such instances"),
                "cell_count",
                (proposed.segments.first().map_or(0, |s| s.cells) + extra) as f64,
            )],
        });
    }
    if proposed.max_containers_per_cell > r.max_containers {
        let need = proposed.instances.div_ceil(r.max_containers);
        out.push(Warning {
            severity: Severity::Critical,
            code: "containers_exceeded",
            message: format!(
                "a cell would run {} containers; the limit is {}",
                proposed.max_containers_per_cell, r.max_containers
            ),
            caused_by: mem_change.clone(),
            fixes: vec![Fix::new(format!("keep at least {need} cells"), "cell_count", need as f64)],
        });
    }
    if !proposed.n_minus_one.fits {
        let failing: Vec<&str> =
            proposed.segments.iter().filter(|s| !s.n_minus_one.fits).map(|s| s.name.as_str()).collect();
        out.push(Warning {
            severity: Severity::Critical,
            code: "n_minus_one_fails",
            message: format!(
                "losing the largest cell leaves no room for the allocated memory in {} (N−1 utilisation {})",
                failing.join(", "),
                pct(proposed.n_minus_one.utilization_percent)
            ),
            caused_by: mem_change.clone(),
            fixes: n1_fixes(100.0),
        });
    } else if proposed.n_minus_one.utilization_percent.is_some_and(|u| u > r.n1_target_pct) {
        out.push(Warning {
            severity: Severity::Warning,
            code: "n_minus_one_above_target",
            message: format!(
                "N−1 utilisation {} is above the {:.0} % target",
                pct(proposed.n_minus_one.utilization_percent),
                r.n1_target_pct
            ),
            caused_by: mem_change.clone(),
            fixes: n1_fixes(r.n1_target_pct),
        });
    }
    if let Some(h) = &proposed.hosts {
        if !h.survives_host_loss {
            out.push(Warning {
                severity: Severity::Critical,
                code: "host_loss_fails",
                message: format!(
                    "losing one host takes {} cell(s); the rest ({}) cannot hold the allocated {}",
                    h.cells_per_host,
                    gib(h.capacity_after_host_loss_mb),
                    gib(proposed.allocated_mb)
                ),
                caused_by: mem_change.clone(),
                fixes: host_loss_fix(h.hosts, proposed).into_iter().collect(),
            });
        }
        if !h.fits {
            let label = if h.limiting == "ha_admission" {
                format!("HA admission control (≈N−{})", h.ha_hosts_equivalent)
            } else {
                "the loss of one host".to_owned()
            };
            let fixes = hosts_needed(r, proposed)
                .map(|(extra, per_host)| {
                    vec![Fix::new(
                        format!("add {extra} host(s) of {per_host:.0} GB"),
                        "hosts",
                        f64::from(h.hosts + extra),
                    )]
                })
                .unwrap_or_default();
            out.push(Warning {
                severity: Severity::Warning,
                code: "host_memory_exceeded",
                message: format!(
                    "cells and platform VMs need {:.0} GiB of host memory; {label} leaves {:.0} GiB",
                    h.demand_mb / 1024.0,
                    h.ha_usable_mb.min(h.n_minus_one_host_usable_mb) / 1024.0
                ),
                caused_by: mem_change.clone(),
                fixes,
            });
        }
    }
    if let Some(ratio) = proposed.vcpu_ratio.filter(|r2| *r2 > r.target_vcpu_ratio) {
        let mut fixes = Vec::new();
        if let (Some(max), Some(per_cell)) = (proposed.max_cells_by_cpu, proposed.cell_vcpus) {
            if max < proposed.cells && max > 0 {
                fixes.push(Fix::new(format!("keep at most {max} cells of {per_cell} vCPUs"), "cell_count", max as f64));
            }
            let fitting =
                proposed.max_cells_by_cpu.map(|m| m * u64::from(per_cell)).unwrap_or(0) / proposed.cells.max(1);
            if fitting >= 1 && fitting < u64::from(per_cell) {
                fixes.push(Fix::new(format!("use {fitting} vCPUs per cell"), "cell.vcpus", fitting as f64));
            }
        }
        if let Some((extra, _)) = hosts_needed(r, proposed) {
            fixes.push(Fix::new(
                format!("add {extra} host(s)"),
                "hosts",
                f64::from(proposed.hosts.as_ref().map_or(0, |h| h.hosts) + extra),
            ));
        }
        out.push(Warning {
            severity: if ratio > 2.0 * r.target_vcpu_ratio { Severity::Critical } else { Severity::Warning },
            code: "vcpu_ratio_above_target",
            message: format!("vCPU:pCPU ratio {ratio:.2} is above the target {:.2}", r.target_vcpu_ratio),
            caused_by: cpu_change(r, current, proposed),
            fixes,
        });
    }
    if proposed.free_chunks < 10 && proposed.allocated_mb <= proposed.capacity_mb {
        out.push(Warning {
            severity: Severity::Warning,
            code: "few_free_chunks",
            message: format!(
                "only {} free chunk(s) of {} MiB: large instances and staging may not find a cell",
                proposed.free_chunks, proposed.chunk_mb
            ),
            caused_by: mem_change.clone(),
            fixes: n1_fixes(r.n1_target_pct),
        });
    }
    if proposed.cpu_pressure_percent.is_some_and(|p| p > 80.0) {
        out.push(Warning {
            severity: Severity::Warning,
            code: "cpu_pressure_high",
            message: format!("cells are {} busy on average (user + sys + wait)", pct(proposed.cpu_pressure_percent)),
            caused_by: cpu_change(r, current, proposed),
            fixes: Vec::new(),
        });
    }
    if proposed.blast_radius_percent > 10.0 && proposed.instances > 0 {
        out.push(Warning {
            severity: Severity::Info,
            code: "large_blast_radius",
            message: format!(
                "one cell holds {:.1} % of the instances: a cell failure restarts that share at once",
                proposed.blast_radius_percent
            ),
            caused_by: mem_change,
            fixes: Vec::new(),
        });
    }
    out.sort_by_key(|w| std::cmp::Reverse(w.severity));
    out
}

/// Does not fit when a capacity finding is critical; fits with warnings when any warning or
/// critical resilience finding applies; fits otherwise.
pub(crate) fn verdict(_r: &Resolved, _proposed: &Figures, warnings: &[Warning]) -> Verdict {
    let blocking: Vec<String> =
        warnings.iter().filter(|w| DOES_NOT_FIT.contains(&w.code)).map(|w| w.message.clone()).collect();
    if !blocking.is_empty() {
        return Verdict { status: VerdictStatus::DoesNotFit, reasons: blocking };
    }
    let concerns: Vec<String> =
        warnings.iter().filter(|w| w.severity >= Severity::Warning).map(|w| w.message.clone()).collect();
    if concerns.is_empty() {
        Verdict {
            status: VerdictStatus::Fits,
            reasons: vec!["every segment survives the loss of its largest cell within the targets".to_owned()],
        }
    } else {
        Verdict { status: VerdictStatus::FitsWithWarnings, reasons: concerns }
    }
}

/// Fewest extra hosts after which losing one host still leaves room: cells spread over more
/// hosts, so one host carries ⌈cells ÷ hosts⌉ fewer of them.
fn host_loss_fix(hosts: u32, p: &Figures) -> Option<Fix> {
    let largest = p.segments.iter().map(|s| s.largest_cell_mb).max()?;
    let survives = |h: u64| p.allocated_mb <= p.capacity_mb.saturating_sub(p.cells.div_ceil(h) * largest);
    let extra = (1..=10_000u64).find(|extra| survives(u64::from(hosts) + extra))?;
    #[allow(clippy::cast_precision_loss)]
    Some(Fix::new(format!("spread the cells over {extra} more host(s)"), "hosts", (u64::from(hosts) + extra) as f64))
}
