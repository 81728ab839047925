//! Scenario input: what to change, validated into a resolved form with every default applied.

use serde::{Deserialize, Serialize};

use super::PlanningError;
use super::model::{FoundationModel, HostLayer};

/// Memory a cell VM loses to its OS, Garden and agents when no better figure is known (7 %, the
/// peer tool's convention).
pub const DEFAULT_OVERHEAD_PCT: f64 = 7.0;

/// A proposed scenario. Everything is optional: an empty input evaluates today's foundation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInput {
    /// Segment to plan (`None` = every segment; cell shape changes then apply to all of them).
    #[serde(default)]
    pub segment: Option<String>,
    /// New cell shape.
    #[serde(default)]
    pub cell: Option<CellShape>,
    /// New number of cells in the segment.
    #[serde(default)]
    pub cell_count: Option<u32>,
    /// Memory a cell VM keeps for itself (% of VM RAM); default: what the foundation shows, else 7.
    #[serde(default)]
    pub memory_overhead_pct: Option<f64>,
    /// Diego memory overcommit: advertised capacity ÷ real capacity (1.0 = none).
    #[serde(default)]
    pub overcommit: Option<f64>,
    /// A workload to add.
    #[serde(default)]
    pub workload: Option<Workload>,
    /// Hosts under the cells (overrides the model's).
    #[serde(default)]
    pub hosts: Option<HostLayer>,
    /// Memory of non-Diego VMs on those hosts (GB).
    #[serde(default)]
    pub platform_vms_gb: Option<f64>,
    /// Target vCPU:pCPU ratio (default 4).
    #[serde(default)]
    pub target_vcpu_ratio: Option<f64>,
    /// Chunk size for free chunks (MiB; default: the largest instance limit, at least 4096).
    #[serde(default)]
    pub chunk_mb: Option<u64>,
    /// N−1 utilisation target for recommendations (%, default 80).
    #[serde(default)]
    pub n1_target_pct: Option<f64>,
    /// Containers a cell may run (Diego's default 250).
    #[serde(default)]
    pub max_containers_per_cell: Option<u64>,
}

/// A cell shape; omitted fields keep today's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellShape {
    /// VM RAM (GB).
    #[serde(default)]
    pub memory_gb: Option<f64>,
    /// vCPUs.
    #[serde(default)]
    pub vcpus: Option<u32>,
    /// Ephemeral disk Diego can allocate (GB).
    #[serde(default)]
    pub disk_gb: Option<f64>,
}

/// A hypothetical workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Name for reports.
    #[serde(default)]
    pub name: Option<String>,
    /// Instances.
    pub instances: u32,
    /// Memory limit per instance (MiB).
    pub memory_mb: u64,
    /// Disk limit per instance (MiB).
    #[serde(default)]
    pub disk_mb: u64,
}

/// The input with defaults applied and the scope resolved.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) segments: Vec<String>,
    pub(crate) cell: Option<CellShape>,
    pub(crate) cell_count: Option<u32>,
    pub(crate) overhead_pct: f64,
    pub(crate) overcommit: f64,
    pub(crate) workload: Option<Workload>,
    pub(crate) hosts: Option<HostLayer>,
    pub(crate) platform_vms_mb: f64,
    pub(crate) target_vcpu_ratio: f64,
    pub(crate) chunk_mb: u64,
    pub(crate) n1_target_pct: f64,
    pub(crate) max_containers: u64,
    pub(crate) proxy_mb: u64,
}

fn range(errors: &mut PlanningError, field: &str, value: Option<f64>, min: f64, max: f64, unit: &str) {
    if value.is_some_and(|v| !v.is_finite() || v < min || v > max) {
        errors.push(field, format!("must be between {min} and {max} {unit}"));
    }
}

/// The overhead the foundation shows: 1 − Σ capacity ÷ Σ VM RAM over cells where both are known.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn observed_overhead_pct(model: &FoundationModel) -> Option<f64> {
    let (cap, ram) = model
        .segments
        .iter()
        .flat_map(|s| &s.cells)
        .filter_map(|c| Some((c.capacity_mb, c.vm_memory_mb?)))
        .fold((0u64, 0u64), |(a, b), (c, r)| (a + c, b + r));
    (ram > 0 && cap <= ram).then(|| (1.0 - cap as f64 / ram as f64) * 100.0)
}

impl ScenarioInput {
    pub(crate) fn resolve(&self, model: &FoundationModel) -> Result<Resolved, PlanningError> {
        let mut e = PlanningError::default();
        if let Some(cell) = &self.cell {
            range(&mut e, "cell.memory_gb", cell.memory_gb, 1.0, 4096.0, "GB");
            range(&mut e, "cell.disk_gb", cell.disk_gb, 1.0, 65536.0, "GB");
            if cell.vcpus.is_some_and(|v| v == 0 || v > 512) {
                e.push("cell.vcpus", "must be between 1 and 512 vCPUs");
            }
        }
        if self.cell_count.is_some_and(|n| n == 0 || n > 10_000) {
            e.push("cell_count", "must be between 1 and 10000 cells");
        }
        range(&mut e, "memory_overhead_pct", self.memory_overhead_pct, 0.0, 50.0, "%");
        range(&mut e, "overcommit", self.overcommit, 1.0, 4.0, "(ratio)");
        range(&mut e, "platform_vms_gb", self.platform_vms_gb, 0.0, 1.0e7, "GB");
        range(&mut e, "target_vcpu_ratio", self.target_vcpu_ratio, 0.1, 64.0, "(vCPU per physical core)");
        range(&mut e, "n1_target_pct", self.n1_target_pct, 1.0, 100.0, "%");
        if self.chunk_mb.is_some_and(|c| !(64..=262_144).contains(&c)) {
            e.push("chunk_mb", "must be between 64 and 262144 MiB");
        }
        if self.max_containers_per_cell.is_some_and(|c| c == 0 || c > 10_000) {
            e.push("max_containers_per_cell", "must be between 1 and 10000");
        }
        if let Some(w) = &self.workload {
            if w.instances > 1_000_000 {
                e.push("workload.instances", "must be at most 1000000");
            }
            if w.memory_mb == 0 || w.memory_mb > 262_144 {
                e.push("workload.memory_mb", "must be between 1 and 262144 MiB");
            }
            if w.disk_mb > 1_048_576 {
                e.push("workload.disk_mb", "must be at most 1048576 MiB");
            }
        }
        if let Some(hosts) = &self.hosts {
            validate_hosts(&mut e, hosts);
        }
        let segments: Vec<String> = match &self.segment {
            Some(name) => match model.segment(name) {
                Some(s) if !s.cells.is_empty() || self.cell_count.is_some() => vec![s.name.clone()],
                Some(_) => {
                    e.push(
                        "segment",
                        format!("segment '{name}' has no cells; set cell_count and cell.memory_gb to plan some"),
                    );
                    Vec::new()
                }
                None => {
                    let known: Vec<&str> = model.segments.iter().map(|s| s.name.as_str()).collect();
                    e.push("segment", format!("no segment named '{name}' (known: {})", known.join(", ")));
                    Vec::new()
                }
            },
            None => model.segments.iter().filter(|s| !s.cells.is_empty()).map(|s| s.name.clone()).collect(),
        };
        let count_valid = !e.errors.iter().any(|f| f.field == "cell_count");
        if self.segment.is_none() && self.cell_count.is_some() && segments.len() > 1 && count_valid {
            e.push("cell_count", "applies to one segment: set segment as well");
        }
        if self.segment.is_none() && segments.is_empty() && e.is_empty() {
            e.push("segment", "the foundation has no cells with a known capacity to plan with");
        }
        let empty_target = segments.first().and_then(|s| model.segment(s)).is_some_and(|s| s.cells.is_empty());
        if empty_target && self.cell.as_ref().and_then(|c| c.memory_gb).is_none() {
            e.push("cell.memory_gb", "required to add cells to a segment that has none");
        }
        e.into_result()?;
        let largest_instance =
            segments.iter().filter_map(|s| model.segment(s)).map(|s| s.largest_instance_mb).max().unwrap_or(0);
        Ok(Resolved {
            segments,
            cell: self.cell.clone(),
            cell_count: self.cell_count,
            overhead_pct: self
                .memory_overhead_pct
                .or_else(|| observed_overhead_pct(model))
                .unwrap_or(DEFAULT_OVERHEAD_PCT),
            overcommit: self.overcommit.unwrap_or(1.0),
            workload: self.workload.clone().filter(|w| w.instances > 0),
            hosts: self.hosts.clone().or_else(|| model.hosts.clone()).filter(|h| h.hosts() > 0),
            platform_vms_mb: self.platform_vms_gb.unwrap_or(model.platform_vms_gb) * 1024.0,
            target_vcpu_ratio: self.target_vcpu_ratio.unwrap_or(4.0),
            chunk_mb: self.chunk_mb.unwrap_or_else(|| largest_instance.max(4096)),
            n1_target_pct: self.n1_target_pct.unwrap_or(80.0),
            max_containers: self.max_containers_per_cell.unwrap_or(250),
            proxy_mb: model.proxy_mb,
        })
    }
}

fn validate_hosts(e: &mut PlanningError, hosts: &HostLayer) {
    if hosts.clusters.is_empty() {
        e.push("hosts.clusters", "at least one cluster is required");
    }
    for (i, c) in hosts.clusters.iter().enumerate() {
        if c.hosts > 10_000 {
            e.push(format!("hosts.clusters[{i}].hosts"), "must be at most 10000");
        }
        range(e, &format!("hosts.clusters[{i}].memory_gb_per_host"), Some(c.memory_gb_per_host), 1.0, 65536.0, "GB");
        if c.cores_per_host == 0 || c.cores_per_host > 4096 {
            e.push(format!("hosts.clusters[{i}].cores_per_host"), "must be between 1 and 4096");
        }
        range(e, &format!("hosts.clusters[{i}].ha_admission_pct"), Some(c.ha_admission_pct), 0.0, 100.0, "%");
    }
}
