//! Per-cell capacity: the join of BOSH VMs, rep gauges and CF instance placement on the cell IP.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{AnalysisOptions, Provenance, SegmentResolver};
use crate::snapshot::{
    BoshSnapshot, BoshVm, CfSnapshot, RepCell, RepSnapshot, SHARED_SEGMENT_NAME, is_cell_instance_group,
};
use crate::units::{bytes_to_mib, kib_to_mib, percent};

/// One Diego cell and what is known about its capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellCapacity {
    /// BOSH instance UUID when known, else the IP.
    pub id: String,
    /// `instance_group/index` as BOSH shows it, else the best name available.
    pub name: String,
    /// Cell IP: the join key between BOSH, the rep and CF stats (`host`).
    pub ip: IpAddr,
    /// BOSH deployment.
    pub deployment: Option<String>,
    /// BOSH instance group.
    pub instance_group: Option<String>,
    /// Availability zone.
    pub az: Option<String>,
    /// Isolation segment the cell serves (`"shared"` for the shared one).
    pub segment: String,
    /// How the segment was determined.
    pub segment_source: SegmentSource,
    /// Memory figures.
    pub memory: CellMemory,
    /// Disk figures (from the rep only).
    pub disk: CellDisk,
    /// Container slots.
    pub containers: CellContainers,
    /// CPU pressure from BOSH vitals: user + sys + wait (% of the VM's CPUs).
    pub cpu_percent: Option<f64>,
    /// vCPUs of the VM (`cloud_properties.cpu`).
    pub vcpus: Option<u32>,
    /// Memory in use on the VM as the agent sees it (%): not Diego capacity.
    pub vm_memory_used_percent: Option<f64>,
    /// BOSH job state (`running`, `failing`, `unresponsive agent`, …).
    pub job_state: Option<String>,
    /// Which sources know this cell.
    pub seen_by: SeenBy,
}

/// Memory of one cell, in MiB.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CellMemory {
    /// What Diego can allocate on the cell.
    pub capacity_mb: Option<u64>,
    /// Where `capacity_mb` comes from.
    pub capacity_source: Provenance,
    /// The allocation decisions use: Diego's (rep) when known, else the CF instance sum.
    pub allocated_mb: u64,
    /// Where `allocated_mb` comes from.
    pub allocated_source: Provenance,
    /// Diego's allocation: total − remaining (includes proxy reservations, starting containers, tasks).
    pub allocated_rep_mb: Option<u64>,
    /// Σ `mem_quota` of instances placed here according to CF stats.
    pub allocated_instances_mb: u64,
    /// Σ `usage.mem` of instances placed here.
    pub used_mb: u64,
    /// Σ `usage.mem` in bytes, kept so that sums across cells stay exact.
    pub used_bytes: u64,
    /// capacity − allocated, when capacity is known.
    pub free_mb: Option<u64>,
    /// allocated ÷ capacity (%).
    pub allocated_percent: Option<f64>,
    /// used ÷ capacity (%).
    pub used_percent: Option<f64>,
}

/// Disk of one cell, in MiB, as the rep reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellDisk {
    /// `CapacityTotalDisk`.
    pub capacity_mb: Option<u64>,
    /// total − remaining.
    pub allocated_mb: Option<u64>,
}

/// Container slots of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellContainers {
    /// `CapacityTotalContainers` (Diego's default limit is 250).
    pub capacity: Option<u64>,
    /// Containers in use per the rep (`total − remaining`, else `ContainerCount`).
    pub used: Option<u64>,
    /// App instances CF places on the cell (RUNNING, STARTING or STOPPING).
    pub app_instances: u64,
}

/// Which sources know a cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenBy {
    /// An active BOSH VM of a cell instance group has this IP.
    pub bosh: bool,
    /// The rep on this IP reported capacity gauges.
    pub rep: bool,
    /// CF stats place instances on this IP.
    pub cf: bool,
}

/// How a cell's isolation segment was determined, most to least reliable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentSource {
    /// The rep's `placement_tag` tag.
    PlacementTag,
    /// The segment of the apps Diego placed on it.
    PlacedInstances,
    /// The isolation segment tile's naming (`isolated_diego_cell_<name>`, `p-isolation-segment-<name>-…`).
    InstanceGroupName,
    /// Nothing says otherwise: a plain cell serves the shared segment.
    Default,
}

/// Cells plus the notes the join produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CellReport {
    /// Cells, sorted by segment then deployment, instance group, index and IP.
    pub cells: Vec<CellCapacity>,
    /// Data-quality notes.
    pub notes: Vec<String>,
}

/// Facts gathered per IP before the figures are derived.
#[derive(Debug, Default)]
struct CellFacts<'a> {
    vm: Option<&'a BoshVm>,
    rep: Option<&'a RepCell>,
    quota_bytes: u64,
    used_bytes: u64,
    instances: u64,
    segment_votes: HashMap<&'a str, u64>,
}

/// Builds one [`CellCapacity`] per cell IP known to any source.
#[must_use]
pub fn analyse_cells<'a>(
    cf: &'a CfSnapshot,
    bosh: Option<&'a BoshSnapshot>,
    rep: Option<&'a RepSnapshot>,
    resolver: &SegmentResolver<'a>,
    options: &AnalysisOptions,
) -> CellReport {
    let mut facts: HashMap<IpAddr, CellFacts<'a>> = HashMap::new();
    let mut notes = Vec::new();
    if let Some(bosh) = bosh {
        let mut inactive = 0;
        for vm in bosh.vms.iter().filter(|vm| is_cell_instance_group(&vm.instance_group)) {
            if !vm.active {
                inactive += 1;
                continue;
            }
            for ip in &vm.ips {
                facts.entry(*ip).or_default().vm = Some(vm);
            }
        }
        if inactive > 0 {
            notes.push(format!("{inactive} inactive BOSH VM row(s) ignored (create-swap-delete)"));
        }
    }
    for cell in rep.map(|r| r.cells.as_slice()).unwrap_or_default() {
        facts.entry(cell.ip).or_default().rep = Some(cell);
    }
    let app_segment: HashMap<&str, &str> =
        cf.apps.iter().map(|app| (app.guid.as_str(), resolver.segment_of_space(&app.space_guid))).collect();
    let known_cells = facts.len();
    for process in &cf.processes {
        let segment = app_segment.get(process.app_guid.as_str()).copied().unwrap_or(SHARED_SEGMENT_NAME);
        for instance in process.stats.iter().flatten().filter(|i| i.state.holds_container()) {
            let Some(host) = instance.host else { continue };
            let cell = facts.entry(host).or_default();
            cell.quota_bytes += instance.mem_quota.unwrap_or(0);
            cell.used_bytes += instance.mem.unwrap_or(0);
            cell.instances += 1;
            *cell.segment_votes.entry(segment).or_default() += 1;
        }
    }
    if bosh.is_some() || rep.is_some() {
        let unknown = facts.len() - known_cells;
        if unknown > 0 {
            notes.push(format!(
                "{unknown} cell IP(s) host instances but are unknown to BOSH and the rep (deployment not scanned?)"
            ));
        }
    }
    let segment_names: Vec<&str> = resolver.segment_names().collect();
    let mut cells: Vec<CellCapacity> =
        facts.into_iter().map(|(ip, f)| derive_cell(ip, &f, &segment_names, options)).collect();
    let without_capacity = cells.iter().filter(|c| c.memory.capacity_mb.is_none()).count();
    if without_capacity > 0 {
        notes.push(format!("{without_capacity} cell(s) have no known memory capacity"));
    }
    cells.sort_by(|a, b| {
        (&a.segment, &a.deployment, &a.instance_group, cell_index(&a.name), a.ip).cmp(&(
            &b.segment,
            &b.deployment,
            &b.instance_group,
            cell_index(&b.name),
            b.ip,
        ))
    });
    CellReport { cells, notes }
}

fn cell_index(name: &str) -> Option<u64> {
    name.rsplit_once('/').and_then(|(_, idx)| idx.parse().ok())
}

fn derive_cell(ip: IpAddr, f: &CellFacts<'_>, segment_names: &[&str], options: &AnalysisOptions) -> CellCapacity {
    let (capacity_mb, capacity_source) = capacity(f, options);
    let allocated_instances_mb = bytes_to_mib(f.quota_bytes);
    let allocated_rep_mb = f.rep.and_then(|r| Some(r.memory_total_mb?.saturating_sub(r.memory_remaining_mb?)));
    let (allocated_mb, allocated_source) = match allocated_rep_mb {
        Some(mb) => (mb, Provenance::RepMetric),
        None => (allocated_instances_mb, Provenance::CfInstances),
    };
    let used_mb = bytes_to_mib(f.used_bytes);
    let (segment, segment_source) = segment(f, segment_names);
    let vitals = f.vm.and_then(|vm| vm.vitals.as_ref());
    let rep = f.rep;
    CellCapacity {
        id: f
            .vm
            .map(|vm| vm.instance_id.clone())
            .or_else(|| rep.and_then(|r| r.instance_id.clone()))
            .unwrap_or_else(|| ip.to_string()),
        name: name(ip, f),
        ip,
        deployment: f.vm.map(|vm| vm.deployment.clone()).or_else(|| rep.and_then(|r| r.deployment.clone())),
        instance_group: f.vm.map(|vm| vm.instance_group.clone()).or_else(|| rep.and_then(|r| r.job.clone())),
        az: f.vm.and_then(|vm| vm.az.clone()).or_else(|| rep.and_then(|r| r.zone.clone())),
        segment,
        segment_source,
        memory: CellMemory {
            capacity_mb,
            capacity_source,
            allocated_mb,
            allocated_source,
            allocated_rep_mb,
            allocated_instances_mb,
            used_mb,
            used_bytes: f.used_bytes,
            free_mb: capacity_mb.map(|c| c.saturating_sub(allocated_mb)),
            allocated_percent: capacity_mb.and_then(|c| percent(allocated_mb, c)),
            used_percent: capacity_mb.and_then(|c| percent(used_mb, c)),
        },
        disk: CellDisk {
            capacity_mb: rep.and_then(|r| r.disk_total_mb),
            allocated_mb: rep.and_then(|r| Some(r.disk_total_mb?.saturating_sub(r.disk_remaining_mb?))),
        },
        containers: CellContainers {
            capacity: rep.and_then(|r| r.containers_total),
            used: rep.and_then(|r| {
                r.containers_total
                    .zip(r.containers_remaining)
                    .map(|(t, left)| t.saturating_sub(left))
                    .or(r.container_count)
            }),
            app_instances: f.instances,
        },
        cpu_percent: vitals.and_then(|v| v.cpu_busy_percent()),
        vcpus: f.vm.and_then(|vm| vm.cloud_cpus),
        vm_memory_used_percent: vitals.and_then(|v| v.mem_percent),
        job_state: f.vm.and_then(|vm| vm.job_state.clone()),
        seen_by: SeenBy { bosh: f.vm.is_some(), rep: f.rep.is_some(), cf: f.instances > 0 },
    }
}

/// Capacity, most to least authoritative: rep gauge, VM RAM, RAM derived from vitals, configured.
fn capacity(f: &CellFacts<'_>, options: &AnalysisOptions) -> (Option<u64>, Provenance) {
    if let Some(total) = f.rep.and_then(|r| r.memory_total_mb).filter(|t| *t > 0) {
        return (Some(total), Provenance::RepMetric);
    }
    if let Some(ram) = f.vm.and_then(|vm| vm.cloud_ram_mb).filter(|r| *r > 0) {
        return (Some(ram), Provenance::BoshCloudProperties);
    }
    let from_vitals = f.vm.and_then(|vm| vm.vitals.as_ref()).and_then(|v| {
        let (kb, pct) = (v.mem_kb?, v.mem_percent?);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        (pct >= 1.0).then(|| kib_to_mib((kb as f64 * 100.0 / pct).round() as u64))
    });
    if let Some(ram) = from_vitals {
        return (Some(ram), Provenance::BoshVitals);
    }
    match options.configured_cell_memory_mb {
        Some(mb) => (Some(mb), Provenance::Configured),
        None => (None, Provenance::Unknown),
    }
}

fn segment(f: &CellFacts<'_>, segment_names: &[&str]) -> (String, SegmentSource) {
    if let Some(tag) = f.rep.and_then(|r| r.placement_tags.first()) {
        return (tag.clone(), SegmentSource::PlacementTag);
    }
    // Ties break on the name so the result never depends on hash order.
    if let Some((name, _)) = f.segment_votes.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))) {
        return ((*name).to_owned(), SegmentSource::PlacedInstances);
    }
    let group = f.vm.map(|vm| vm.instance_group.as_str()).or_else(|| f.rep.and_then(|r| r.job.as_deref()));
    let deployment = f.vm.map(|vm| vm.deployment.as_str()).or_else(|| f.rep.and_then(|r| r.deployment.as_deref()));
    if let Some(name) = segment_from_names(group, deployment, segment_names) {
        return (name, SegmentSource::InstanceGroupName);
    }
    (SHARED_SEGMENT_NAME.to_owned(), SegmentSource::Default)
}

/// Matches the isolation segment tile's naming against the segments CF knows. Tile names are
/// slugs (`isolated_diego_cell_iso_1`, `p-isolation-segment-iso-1-<hex>`), so `-`/`_` and case
/// are ignored when comparing.
fn segment_from_names(group: Option<&str>, deployment: Option<&str>, known: &[&str]) -> Option<String> {
    fn slug(s: &str) -> String {
        s.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
    }
    let from_group = group.and_then(|g| g.strip_prefix("isolated_diego_cell_")).map(slug);
    let from_deployment = deployment
        .and_then(|d| d.strip_prefix("p-isolation-segment-"))
        .map(|rest| rest.rsplit_once('-').map_or(rest, |(name, _hex)| name))
        .map(slug);
    [from_group, from_deployment]
        .into_iter()
        .flatten()
        .find_map(|candidate| known.iter().find(|k| slug(k) == candidate).map(|k| (*k).to_owned()))
}

fn name(ip: IpAddr, f: &CellFacts<'_>) -> String {
    if let Some(vm) = f.vm {
        return match vm.index {
            Some(index) => format!("{}/{index}", vm.instance_group),
            None => format!("{}/{}", vm.instance_group, vm.instance_id),
        };
    }
    match f.rep.and_then(|r| r.job.as_deref().zip(r.instance_id.as_deref())) {
        Some((job, id)) => format!("{job}/{id}"),
        None => ip.to_string(),
    }
}
