//! The generated foundation, stored compactly (the huge profile holds 250k instances).

use std::collections::HashMap;

use crate::config::Profile;

pub(crate) type Guid = u128;

/// The built-in segment CF lists as `shared`; assigning it counts as no segment.
pub(crate) const SHARED_SEGMENT_GUID: Guid = 0x933b4c58_120b_499a_b85d_4b6fc9e2903b;
/// Index of the shared segment in [`World::segments`].
pub(crate) const SHARED: u16 = 0;
/// Memory the Envoy proxy adds to every LRP reservation (cf-deployment enables it).
pub(crate) const PROXY_MEMORY_MB: u64 = 32;
/// `diego.rep.max_containers` default.
pub(crate) const MAX_CONTAINERS: u32 = 250;
/// Marks an instance that is not placed on any cell.
pub(crate) const NO_CELL: u32 = u32::MAX;

#[derive(Debug)]
pub(crate) struct Org {
    pub(crate) guid: Guid,
    pub(crate) name: String,
    pub(crate) default_segment: Option<u16>,
    /// Non-shared segments this org is entitled to (every org is entitled to shared).
    pub(crate) entitled: Vec<u16>,
    pub(crate) created_at: i64,
}

#[derive(Debug)]
pub(crate) struct Space {
    pub(crate) guid: Guid,
    pub(crate) name: String,
    pub(crate) org: u32,
    /// Explicit assignment; `Some(SHARED)` is a real assignment to the shared segment.
    pub(crate) assigned_segment: Option<u16>,
    pub(crate) created_at: i64,
}

#[derive(Debug)]
pub(crate) struct Segment {
    pub(crate) guid: Guid,
    pub(crate) name: String,
    pub(crate) created_at: i64,
}

#[derive(Debug)]
pub(crate) struct App {
    pub(crate) guid: Guid,
    pub(crate) name: String,
    pub(crate) space: u32,
    pub(crate) started: bool,
    pub(crate) buildpack: u8,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) first_process: u32,
    pub(crate) process_count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProcessType {
    Web,
    Worker,
}

impl ProcessType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ProcessType::Web => "web",
            ProcessType::Worker => "worker",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Process {
    pub(crate) guid: Guid,
    pub(crate) app: u32,
    pub(crate) kind: ProcessType,
    pub(crate) instances: u32,
    pub(crate) memory_mb: u32,
    pub(crate) disk_mb: u32,
    pub(crate) log_rate_limit: i64,
    /// Index into [`World::instances`] of instance 0; meaningful only for started apps.
    pub(crate) first_instance: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum InstanceState {
    Running,
    Starting,
    Crashed,
    /// Never placed (placement error) or no actual LRP at all.
    Down,
}

impl InstanceState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InstanceState::Running => "RUNNING",
            InstanceState::Starting => "STARTING",
            InstanceState::Crashed => "CRASHED",
            InstanceState::Down => "DOWN",
        }
    }

    /// Whether Diego holds a container (and a reservation) for it.
    pub(crate) fn holds_container(self) -> bool {
        matches!(self, InstanceState::Running | InstanceState::Starting)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DownReason {
    None,
    Memory,
    Disk,
    Containers,
}

impl DownReason {
    pub(crate) fn details(self) -> Option<&'static str> {
        match self {
            DownReason::None => None,
            DownReason::Memory => Some("insufficient resources: memory"),
            DownReason::Disk => Some("insufficient resources: disk"),
            DownReason::Containers => Some("insufficient resources: containers"),
        }
    }
}

/// One desired instance of a process of a started app (32 bytes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Instance {
    pub(crate) cell: u32,
    pub(crate) state: InstanceState,
    pub(crate) down_reason: DownReason,
    pub(crate) uptime_secs: u32,
    pub(crate) mem_bytes: u64,
    pub(crate) disk_bytes: u64,
    /// CPU in hundredths of a percent of one core (Log Cache `cpu` × 100).
    pub(crate) cpu_centi: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct RunningTask {
    pub(crate) memory_mb: u32,
    pub(crate) disk_mb: u32,
}

#[derive(Debug)]
pub(crate) struct Cell {
    pub(crate) deployment: u32,
    pub(crate) vm: u32,
    pub(crate) segment: u16,
    pub(crate) ip: u32,
    pub(crate) instance_id: Guid,
    pub(crate) az: u8,
    pub(crate) cpus: u32,
    pub(crate) ram_mb: u64,
    pub(crate) total_memory_mb: u64,
    pub(crate) total_disk_mb: u64,
    /// Diego's reservation: instances + proxy + tasks.
    pub(crate) allocated_memory_mb: u64,
    pub(crate) allocated_disk_mb: u64,
    /// Σ memory_in_mb of RUNNING/STARTING instances (what CF's mem_quota shows).
    pub(crate) instances_memory_mb: u64,
    pub(crate) used_bytes: u64,
    pub(crate) running: u32,
    pub(crate) starting: u32,
    pub(crate) tasks: Vec<RunningTask>,
    pub(crate) cpu_centi_total: u64,
}

impl Cell {
    pub(crate) fn containers(&self) -> u32 {
        self.running + self.starting + self.tasks.len() as u32
    }

    pub(crate) fn remaining_memory_mb(&self) -> u64 {
        self.total_memory_mb.saturating_sub(self.allocated_memory_mb)
    }
}

#[derive(Debug)]
pub(crate) struct Deployment {
    pub(crate) name: String,
    pub(crate) releases: Vec<(String, String)>,
    pub(crate) stemcell_version: String,
    pub(crate) vms: Vec<Vm>,
}

#[derive(Debug)]
pub(crate) struct Vm {
    pub(crate) job: String,
    pub(crate) index: u32,
    pub(crate) instance_id: Guid,
    pub(crate) agent_id: Guid,
    pub(crate) vm_cid: String,
    pub(crate) ip: u32,
    pub(crate) az: u8,
    pub(crate) active: bool,
    pub(crate) bootstrap: bool,
    pub(crate) cell: Option<u32>,
    pub(crate) vm_type: &'static str,
    pub(crate) cpus: u32,
    pub(crate) ram_mb: u64,
    pub(crate) disk_mb: u64,
    pub(crate) created_at: i64,
    pub(crate) vitals_seed: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Indexes {
    pub(crate) apps: HashMap<Guid, u32>,
    pub(crate) processes: HashMap<Guid, u32>,
    pub(crate) spaces: HashMap<Guid, u32>,
    pub(crate) orgs: HashMap<Guid, u32>,
    pub(crate) segments: HashMap<Guid, u16>,
    pub(crate) deployments: HashMap<String, u32>,
}

#[derive(Debug)]
pub(crate) struct World {
    pub(crate) profile: Profile,
    pub(crate) seed: u64,
    pub(crate) orgs: Vec<Org>,
    pub(crate) spaces: Vec<Space>,
    /// Index 0 is the shared segment.
    pub(crate) segments: Vec<Segment>,
    pub(crate) apps: Vec<App>,
    pub(crate) processes: Vec<Process>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) cells: Vec<Cell>,
    pub(crate) deployments: Vec<Deployment>,
    pub(crate) index: Indexes,
}

impl World {
    /// The segment an app in this space runs on: the space's assignment, else the org's
    /// default, else shared (CC's IsolationSegmentSelector).
    pub(crate) fn effective_segment(&self, space: u32) -> u16 {
        let Some(space) = self.spaces.get(space as usize) else {
            return SHARED;
        };
        if let Some(seg) = space.assigned_segment {
            return seg;
        }
        self.orgs.get(space.org as usize).and_then(|org| org.default_segment).unwrap_or(SHARED)
    }

    pub(crate) fn app_segment(&self, app: u32) -> u16 {
        self.apps.get(app as usize).map_or(SHARED, |a| self.effective_segment(a.space))
    }

    /// Segment name as the stats endpoint reports it: `None` for shared.
    pub(crate) fn placement_tag(&self, segment: u16) -> Option<&str> {
        if segment == SHARED { None } else { self.segments.get(usize::from(segment)).map(|s| s.name.as_str()) }
    }

    pub(crate) fn process_instances(&self, process: &Process) -> &[Instance] {
        let started = self.apps.get(process.app as usize).is_some_and(|a| a.started);
        if !started {
            return &[];
        }
        let start = process.first_instance as usize;
        let end = start + process.instances as usize;
        self.instances.get(start..end).unwrap_or(&[])
    }

    pub(crate) fn cell_vm(&self, cell: &Cell) -> Option<&Vm> {
        self.deployments.get(cell.deployment as usize).and_then(|d| d.vms.get(cell.vm as usize))
    }
}

/// Dotted-quad text of an IPv4 address stored as u32.
pub(crate) fn fmt_ip(ip: u32) -> String {
    std::net::Ipv4Addr::from(ip).to_string()
}

/// Availability zone name.
pub(crate) fn az_name(az: u8) -> String {
    format!("az{}", az + 1)
}
