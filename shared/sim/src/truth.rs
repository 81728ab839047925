//! Ground truth computed from the generated data itself, for checking an analyzer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{InstanceState, NO_CELL, PROXY_MEMORY_MB, SHARED, World, az_name, fmt_ip};
use crate::rng::fmt_guid;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CellTruth {
    pub ip: String,
    pub instance_id: String,
    pub deployment: String,
    pub instance_group: String,
    pub az: String,
    /// Segment name; `"shared"` for the shared segment.
    pub segment: String,
    /// The rep's CapacityTotalMemory (MiB).
    pub capacity_mb: u64,
    /// Total − remaining: instances + 32 MiB proxy each + tasks.
    pub allocated_mb: u64,
    /// Σ memory_in_mb of RUNNING + STARTING instances on the cell (CF's `mem_quota` view).
    pub allocated_instances_mb: u64,
    pub used_bytes: u64,
    /// RUNNING + STARTING instances on the cell.
    pub instances: u64,
    /// Containers incl. tasks (the rep's ContainerCount).
    pub containers: u64,
    pub tasks: u64,
    pub tasks_mb: u64,
    pub vcpus: u32,
    pub vm_ram_mb: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SegmentTruth {
    pub name: String,
    /// `None` for shared.
    pub guid: Option<String>,
    pub cells: u64,
    pub capacity_mb: u64,
    pub allocated_mb: u64,
    pub allocated_instances_mb: u64,
    pub used_bytes: u64,
    /// Σ memory_in_mb × instances over processes of STARTED apps on this segment.
    pub requested_mb: u64,
    /// Desired instances of STARTED apps on this segment, by state.
    pub instances_by_state: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TotalsTruth {
    pub cells: u64,
    pub capacity_mb: u64,
    pub allocated_mb: u64,
    pub allocated_instances_mb: u64,
    pub used_bytes: u64,
    pub requested_mb: u64,
    /// RUNNING + STARTING instances.
    pub instances: u64,
    pub containers: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountsTruth {
    pub apps: u64,
    pub apps_started: u64,
    pub processes: u64,
    /// Processes of STARTED apps with instances > 0 (the stats calls a crawler needs).
    pub processes_with_stats: u64,
    pub orgs: u64,
    pub spaces: u64,
    /// As `GET /v3/isolation_segments` lists them, shared included.
    pub isolation_segments: u64,
    pub non_shared_segments: u64,
    /// Distinct orgs entitled to any non-shared segment.
    pub entitled_orgs: u64,
    /// Orgs with a default isolation segment.
    pub orgs_with_default_segment: u64,
    /// Spaces with an explicit segment assignment (shared included).
    pub spaces_with_assigned_segment: u64,
    pub deployments: u64,
    /// Deployments whose releases include `diego`.
    pub cell_deployments: u64,
    /// VM rows of `vms?format=full` per deployment, inactive rows included.
    pub vm_rows_by_deployment: BTreeMap<String, u64>,
    pub inactive_vm_rows: u64,
    pub cells: u64,
    /// Desired instances of STARTED apps, by state.
    pub instances_by_state: BTreeMap<String, u64>,
    pub running_tasks: u64,
}

/// What `GET /__sim/truth` returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroundTruth {
    pub profile: String,
    pub seed: u64,
    pub proxy_memory_mb: u64,
    pub cells: Vec<CellTruth>,
    pub segments: Vec<SegmentTruth>,
    pub totals: TotalsTruth,
    pub counts: CountsTruth,
}

pub(crate) fn compute(world: &World) -> GroundTruth {
    let mut segments: Vec<SegmentTruth> = world
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| SegmentTruth {
            name: s.name.clone(),
            guid: (i as u16 != SHARED).then(|| fmt_guid(s.guid)),
            ..SegmentTruth::default()
        })
        .collect();
    let mut totals = TotalsTruth::default();
    let mut cells = Vec::with_capacity(world.cells.len());
    for cell in &world.cells {
        let vm = world.cell_vm(cell);
        let deployment = world.deployments.get(cell.deployment as usize).map(|d| d.name.clone()).unwrap_or_default();
        let truth = CellTruth {
            ip: fmt_ip(cell.ip),
            instance_id: fmt_guid(cell.instance_id),
            deployment,
            instance_group: vm.map(|v| v.job.clone()).unwrap_or_default(),
            az: az_name(cell.az),
            segment: world.segments.get(usize::from(cell.segment)).map(|s| s.name.clone()).unwrap_or_default(),
            capacity_mb: cell.total_memory_mb,
            allocated_mb: cell.total_memory_mb - cell.remaining_memory_mb(),
            allocated_instances_mb: cell.instances_memory_mb,
            used_bytes: cell.used_bytes,
            instances: u64::from(cell.running + cell.starting),
            containers: u64::from(cell.containers()),
            tasks: cell.tasks.len() as u64,
            tasks_mb: cell.tasks.iter().map(|t| u64::from(t.memory_mb)).sum(),
            vcpus: cell.cpus,
            vm_ram_mb: cell.ram_mb,
        };
        if let Some(seg) = segments.get_mut(usize::from(cell.segment)) {
            seg.cells += 1;
            seg.capacity_mb += truth.capacity_mb;
            seg.allocated_mb += truth.allocated_mb;
            seg.allocated_instances_mb += truth.allocated_instances_mb;
            seg.used_bytes += truth.used_bytes;
        }
        totals.cells += 1;
        totals.capacity_mb += truth.capacity_mb;
        totals.allocated_mb += truth.allocated_mb;
        totals.allocated_instances_mb += truth.allocated_instances_mb;
        totals.used_bytes += truth.used_bytes;
        totals.instances += truth.instances;
        totals.containers += truth.containers;
        cells.push(truth);
    }

    let mut counts = CountsTruth {
        apps: world.apps.len() as u64,
        apps_started: world.apps.iter().filter(|a| a.started).count() as u64,
        processes: world.processes.len() as u64,
        orgs: world.orgs.len() as u64,
        spaces: world.spaces.len() as u64,
        isolation_segments: world.segments.len() as u64,
        non_shared_segments: world.segments.len().saturating_sub(1) as u64,
        entitled_orgs: world.orgs.iter().filter(|o| !o.entitled.is_empty()).count() as u64,
        orgs_with_default_segment: world.orgs.iter().filter(|o| o.default_segment.is_some()).count() as u64,
        spaces_with_assigned_segment: world.spaces.iter().filter(|s| s.assigned_segment.is_some()).count() as u64,
        deployments: world.deployments.len() as u64,
        cells: world.cells.len() as u64,
        running_tasks: world.cells.iter().map(|c| c.tasks.len() as u64).sum(),
        ..CountsTruth::default()
    };
    for d in &world.deployments {
        if d.releases.iter().any(|(name, _)| name == "diego") {
            counts.cell_deployments += 1;
        }
        counts.vm_rows_by_deployment.insert(d.name.clone(), d.vms.len() as u64);
        counts.inactive_vm_rows += d.vms.iter().filter(|v| !v.active).count() as u64;
    }

    for process in &world.processes {
        let Some(app) = world.apps.get(process.app as usize) else { continue };
        if !app.started {
            continue;
        }
        if process.instances > 0 {
            counts.processes_with_stats += 1;
        }
        let seg = world.effective_segment(app.space);
        let requested = u64::from(process.memory_mb) * u64::from(process.instances);
        totals.requested_mb += requested;
        let segment = segments.get_mut(usize::from(seg));
        let mut by_state: BTreeMap<&str, u64> = BTreeMap::new();
        for inst in world.process_instances(process) {
            *by_state.entry(inst.state.as_str()).or_default() += 1;
            debug_assert!(inst.state.holds_container() == (inst.cell != NO_CELL));
        }
        if let Some(segment) = segment {
            segment.requested_mb += requested;
            for (state, n) in &by_state {
                *segment.instances_by_state.entry((*state).to_owned()).or_default() += n;
            }
        }
        for (state, n) in by_state {
            *counts.instances_by_state.entry(state.to_owned()).or_default() += n;
        }
    }
    for state in [InstanceState::Running, InstanceState::Starting, InstanceState::Crashed, InstanceState::Down] {
        counts.instances_by_state.entry(state.as_str().to_owned()).or_default();
        for seg in &mut segments {
            seg.instances_by_state.entry(state.as_str().to_owned()).or_default();
        }
    }

    GroundTruth {
        profile: world.profile.to_string(),
        seed: world.seed,
        proxy_memory_mb: PROXY_MEMORY_MB,
        cells,
        segments,
        totals,
        counts,
    }
}
