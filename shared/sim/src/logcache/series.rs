//! The gauges Log Cache holds for the simulated foundation: the rep's capacity per cell and
//! container metrics per app instance.

use std::collections::BTreeMap;

use crate::cf::instance_guid;
use crate::model::{Cell, InstanceState, MAX_CONTAINERS, World, az_name, fmt_ip};
use crate::rng::{fmt_guid, parse_guid};

pub(crate) type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub(crate) labels: Labels,
    pub(crate) value: f64,
    pub(crate) unit: &'static str,
}

pub(crate) const REP_METRICS: &[&str] = &[
    "CapacityTotalMemory",
    "CapacityRemainingMemory",
    "CapacityAllocatedMemory",
    "CapacityTotalDisk",
    "CapacityRemainingDisk",
    "CapacityAllocatedDisk",
    "CapacityTotalContainers",
    "CapacityRemainingContainers",
    "ContainerCount",
    "StartingContainerCount",
];

pub(crate) const APP_METRICS: &[&str] = &["cpu", "memory", "disk", "memory_quota", "disk_quota"];

fn rep_value(cell: &Cell, metric: &str) -> Option<(f64, &'static str)> {
    let remaining_disk = cell.total_disk_mb.saturating_sub(cell.allocated_disk_mb);
    let v = match metric {
        "CapacityTotalMemory" => (cell.total_memory_mb as f64, "MiB"),
        "CapacityRemainingMemory" => (cell.remaining_memory_mb() as f64, "MiB"),
        "CapacityAllocatedMemory" => ((cell.total_memory_mb - cell.remaining_memory_mb()) as f64, "MiB"),
        "CapacityTotalDisk" => (cell.total_disk_mb as f64, "MiB"),
        "CapacityRemainingDisk" => (remaining_disk as f64, "MiB"),
        "CapacityAllocatedDisk" => ((cell.total_disk_mb - remaining_disk) as f64, "MiB"),
        "CapacityTotalContainers" => (f64::from(MAX_CONTAINERS), ""),
        "CapacityRemainingContainers" => (f64::from(MAX_CONTAINERS.saturating_sub(cell.containers())), ""),
        "ContainerCount" => (f64::from(cell.containers()), ""),
        "StartingContainerCount" => (f64::from(cell.starting), ""),
        _ => return None,
    };
    Some(v)
}

/// The forwarder-agent tags every envelope from a cell carries.
fn cell_tags(world: &World, cell: &Cell, labels: &mut Labels) {
    let deployment = world.deployments.get(cell.deployment as usize).map(|d| d.name.clone()).unwrap_or_default();
    let job = world.cell_vm(cell).map(|v| v.job.clone()).unwrap_or_default();
    labels.insert("deployment".to_owned(), deployment);
    labels.insert("job".to_owned(), job);
    labels.insert("index".to_owned(), fmt_guid(cell.instance_id));
    labels.insert("ip".to_owned(), fmt_ip(cell.ip));
}

pub(crate) fn rep_samples(world: &World, metric: &str, out: &mut Vec<Sample>) {
    for cell in &world.cells {
        let Some((value, unit)) = rep_value(cell, metric) else { return };
        let mut labels = Labels::new();
        labels.insert("source_id".to_owned(), "rep".to_owned());
        labels.insert("instance_id".to_owned(), fmt_guid(cell.instance_id));
        labels.insert("origin".to_owned(), "rep".to_owned());
        labels.insert("zone".to_owned(), az_name(cell.az));
        cell_tags(world, cell, &mut labels);
        if let Some(tag) = world.placement_tag(cell.segment) {
            labels.insert("placement_tag".to_owned(), tag.to_owned());
            labels.insert("product".to_owned(), "Pivotal Isolation Segment".to_owned());
        }
        out.push(Sample { labels, value, unit });
    }
}

/// Container gauges of every RUNNING instance of every process of one app.
pub(crate) fn app_samples(world: &World, source_id: &str, metric: &str, out: &mut Vec<Sample>) {
    if !APP_METRICS.contains(&metric) {
        return;
    }
    let Some(app_index) = parse_guid(source_id).and_then(|g| world.index.apps.get(&g)).copied() else { return };
    let Some(app) = world.apps.get(app_index as usize) else { return };
    let space = world.spaces.get(app.space as usize);
    let org = space.and_then(|s| world.orgs.get(s.org as usize));
    for p in app.first_process..app.first_process + app.process_count {
        let Some(process) = world.processes.get(p as usize) else { continue };
        for (index, inst) in world.process_instances(process).iter().enumerate() {
            if inst.state != InstanceState::Running {
                continue;
            }
            let Some(cell) = world.cells.get(inst.cell as usize) else { continue };
            let (value, unit) = match metric {
                "cpu" => (f64::from(inst.cpu_centi) / 100.0, "percentage"),
                "memory" => (inst.mem_bytes as f64, "bytes"),
                "disk" => (inst.disk_bytes as f64, "bytes"),
                "memory_quota" => (f64::from(process.memory_mb) * 1_048_576.0, "bytes"),
                _ => (f64::from(process.disk_mb) * 1_048_576.0, "bytes"),
            };
            let mut labels = Labels::new();
            labels.insert("source_id".to_owned(), source_id.to_owned());
            labels.insert("instance_id".to_owned(), index.to_string());
            labels.insert("app_id".to_owned(), source_id.to_owned());
            labels.insert("app_name".to_owned(), app.name.clone());
            labels.insert("process_id".to_owned(), fmt_guid(process.guid));
            labels.insert("process_type".to_owned(), process.kind.as_str().to_owned());
            labels.insert("process_instance_id".to_owned(), instance_guid(process, index as u32));
            labels.insert("space_id".to_owned(), space.map(|s| fmt_guid(s.guid)).unwrap_or_default());
            labels.insert("space_name".to_owned(), space.map(|s| s.name.clone()).unwrap_or_default());
            labels.insert("organization_id".to_owned(), org.map(|o| fmt_guid(o.guid)).unwrap_or_default());
            labels.insert("organization_name".to_owned(), org.map(|o| o.name.clone()).unwrap_or_default());
            labels.insert("origin".to_owned(), "rep".to_owned());
            cell_tags(world, cell, &mut labels);
            out.push(Sample { labels, value, unit });
        }
    }
}

/// Every sample of `metric` for one source id.
pub(crate) fn samples(world: &World, source_id: &str, metric: &str, out: &mut Vec<Sample>) {
    if source_id == "rep" {
        rep_samples(world, metric, out);
    } else {
        app_samples(world, source_id, metric, out);
    }
}

/// Prometheus' float formatting: shortest representation, integers without a fraction.
pub(crate) fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}
