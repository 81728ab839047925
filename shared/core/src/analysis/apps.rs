//! Per-app demand: requested vs used memory, instance states, and right-sizing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{AnalysisOptions, SegmentResolver};
use crate::snapshot::{AppState, CfSnapshot, InstanceState, InstanceStats, Process};
use crate::units::{MIB, bytes_to_mib};

/// Demand and use of one app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppUsage {
    /// CF guid.
    pub guid: String,
    /// Name.
    pub name: String,
    /// Desired state.
    pub state: AppState,
    /// Org name.
    pub org: String,
    /// Space name.
    pub space: String,
    /// Effective isolation segment (`"shared"` for the shared one).
    pub segment: String,
    /// Σ desired instances over processes.
    pub instances: u64,
    /// Instance states seen in stats.
    pub instance_states: InstanceCounts,
    /// Σ `memory_in_mb × instances` over processes, STARTED apps only (a stopped app reserves nothing).
    pub requested_mb: u64,
    /// Σ `disk_in_mb × instances` over processes, STARTED apps only.
    pub requested_disk_mb: u64,
    /// Σ `usage.mem` of instances holding a container; `None` when no stats were read.
    pub used_mb: Option<u64>,
    /// Memory the right-sizing suggestions would free (MiB), summed over processes.
    pub reclaimable_mb: u64,
    /// One entry per process type.
    pub processes: Vec<ProcessUsage>,
}

/// Demand and use of one process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessUsage {
    /// Process type (`web`, `worker`, …).
    #[serde(rename = "type")]
    pub process_type: String,
    /// Desired instances.
    pub instances: u32,
    /// Memory limit per instance (MiB).
    pub memory_in_mb: u64,
    /// Disk limit per instance (MiB).
    pub disk_in_mb: u64,
    /// Σ `usage.mem` of its instances holding a container (MiB); `None` without stats.
    pub used_mb: Option<u64>,
    /// Highest `usage.mem` of one instance (MiB); `None` without running instances.
    pub peak_instance_mb: Option<u64>,
    /// A smaller limit that still fits the peak with headroom, when worth it.
    pub right_sizing: Option<RightSizing>,
}

/// A right-sizing suggestion for one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightSizing {
    /// Suggested `memory_in_mb`.
    pub recommended_mb: u64,
    /// `(memory_in_mb − recommended_mb) × instances`: what the change frees on the cells.
    pub frees_mb: u64,
}

/// Instance counts per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceCounts {
    /// RUNNING.
    pub running: u64,
    /// STARTING.
    pub starting: u64,
    /// CRASHED.
    pub crashed: u64,
    /// DOWN.
    pub down: u64,
    /// STOPPING or an unknown state.
    pub other: u64,
}

impl InstanceCounts {
    fn add(&mut self, state: InstanceState) {
        match state {
            InstanceState::Running => self.running += 1,
            InstanceState::Starting => self.starting += 1,
            InstanceState::Crashed => self.crashed += 1,
            InstanceState::Down => self.down += 1,
            InstanceState::Stopping | InstanceState::Unknown => self.other += 1,
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &Self) {
        self.running += other.running;
        self.starting += other.starting;
        self.crashed += other.crashed;
        self.down += other.down;
        self.other += other.other;
    }
}

/// Builds one [`AppUsage`] per app, in the snapshot's app order.
#[must_use]
pub fn analyse_apps<'a>(
    cf: &'a CfSnapshot,
    resolver: &SegmentResolver<'a>,
    options: &AnalysisOptions,
) -> Vec<AppUsage> {
    let mut processes_by_app: HashMap<&str, Vec<&Process>> = HashMap::with_capacity(cf.apps.len());
    for process in &cf.processes {
        processes_by_app.entry(process.app_guid.as_str()).or_default().push(process);
    }
    cf.apps
        .iter()
        .map(|app| {
            let started = app.state == AppState::Started;
            let processes = processes_by_app.remove(app.guid.as_str()).unwrap_or_default();
            let mut usage = AppUsage {
                guid: app.guid.clone(),
                name: app.name.clone(),
                state: app.state,
                org: resolver.org_name_of_space(&app.space_guid).to_owned(),
                space: resolver.space_name(&app.space_guid).to_owned(),
                segment: resolver.segment_of_space(&app.space_guid).to_owned(),
                instances: 0,
                instance_states: InstanceCounts::default(),
                requested_mb: 0,
                requested_disk_mb: 0,
                used_mb: None,
                reclaimable_mb: 0,
                processes: Vec::with_capacity(processes.len()),
            };
            for process in processes {
                let instances = u64::from(process.instances);
                usage.instances += instances;
                if started {
                    usage.requested_mb += process.memory_in_mb * instances;
                    usage.requested_disk_mb += process.disk_in_mb * instances;
                }
                let p = process_usage(process, started, options, &mut usage.instance_states);
                if let Some(used) = p.used_mb {
                    *usage.used_mb.get_or_insert(0) += used;
                }
                usage.reclaimable_mb += p.right_sizing.map_or(0, |r| r.frees_mb);
                usage.processes.push(p);
            }
            usage
        })
        .collect()
}

fn process_usage(
    process: &Process,
    started: bool,
    options: &AnalysisOptions,
    counts: &mut InstanceCounts,
) -> ProcessUsage {
    let stats = process.stats.as_deref().unwrap_or_default();
    for instance in stats {
        counts.add(instance.state);
    }
    let holding: Vec<&InstanceStats> = stats.iter().filter(|i| i.state.holds_container()).collect();
    let used_bytes: u64 = holding.iter().map(|i| i.mem.unwrap_or(0)).sum();
    let peak_bytes = stats.iter().filter(|i| i.state == InstanceState::Running).filter_map(|i| i.mem).max();
    let right_sizing = if started {
        peak_bytes
            .and_then(|peak| right_size(process.memory_in_mb, peak, process.instances, options.right_sizing_headroom))
    } else {
        None
    };
    ProcessUsage {
        process_type: process.process_type.clone(),
        instances: process.instances,
        memory_in_mb: process.memory_in_mb,
        disk_in_mb: process.disk_in_mb,
        used_mb: process.stats.as_ref().map(|_| bytes_to_mib(used_bytes)),
        peak_instance_mb: peak_bytes.map(bytes_to_mib),
        right_sizing,
    }
}

/// Right-sizing of one process: `recommended = ⌈peak × headroom / 64 MiB⌉ × 64 MiB` (at least
/// 64 MiB), suggested only when it frees at least 64 MiB and 15 % of the current limit per
/// instance. Freed memory = `(limit − recommended) × instances`: the limit is per instance,
/// so the saving is multiplied by instances exactly once.
#[must_use]
pub fn right_size(limit_mb: u64, peak_bytes: u64, instances: u32, headroom: f64) -> Option<RightSizing> {
    const STEP_MB: u64 = 64;
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let wanted_mb = ((peak_bytes as f64 * headroom.max(1.0)) / MIB as f64).ceil() as u64;
    let recommended = wanted_mb.div_ceil(STEP_MB).max(1) * STEP_MB;
    let saving = limit_mb.checked_sub(recommended)?;
    (saving >= STEP_MB && saving * 100 >= limit_mb * 15)
        .then(|| RightSizing { recommended_mb: recommended, frees_mb: saving * u64::from(instances) })
}
