//! Import of the closest peer tool's sample format (its `ManualInput`): an aggregate description
//! of vSphere clusters and uniform cells, without per-cell data. Every cluster is kept (the peer
//! itself sizes everything from the first cluster only).

use serde::Deserialize;

use super::PlanningError;
use super::model::{CellModel, FoundationModel, HostCluster, HostLayer, SCHEMA_VERSION, SegmentModel};
use crate::snapshot::SHARED_SEGMENT_NAME;

/// Memory the peer assumes a cell loses to its VM (⌊7 % of the cell's GB⌋), kept on import so that
/// its samples give the same capacity in both tools.
const PEER_OVERHEAD_PCT: u64 = 7;

/// The peer's sample / manual-input format (integers throughout, GB).
#[derive(Debug, Clone, Deserialize)]
pub struct PeerManualInput {
    /// Foundation name.
    pub name: String,
    /// vSphere clusters.
    pub clusters: Vec<PeerCluster>,
    /// Memory of non-Diego platform VMs (GB).
    #[serde(default)]
    pub platform_vms_gb: f64,
    /// Σ memory × instances of the apps (GB).
    #[serde(default)]
    pub total_app_memory_gb: f64,
    /// Σ disk × instances (GB).
    #[serde(default)]
    pub total_app_disk_gb: f64,
    /// App instances.
    #[serde(default)]
    pub total_app_instances: u64,
    /// Largest per-instance memory limit (MB).
    #[serde(default)]
    pub max_instance_memory_mb: u64,
}

/// One peer cluster.
#[derive(Debug, Clone, Deserialize)]
pub struct PeerCluster {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// ESXi hosts.
    #[serde(default)]
    pub host_count: u32,
    /// RAM per host (GB).
    #[serde(default)]
    pub memory_gb_per_host: f64,
    /// Logical CPUs per host (older samples call it `cpu_cores_per_host`).
    #[serde(default, alias = "cpu_cores_per_host")]
    pub cpu_threads_per_host: u32,
    /// HA admission control (%).
    #[serde(default)]
    pub ha_admission_control_percentage: f64,
    /// Cells in the cluster.
    pub diego_cell_count: u32,
    /// Cell memory (GB).
    pub diego_cell_memory_gb: u64,
    /// Cell vCPUs (the frontend also accepts `diego_cell_vcpu`).
    #[serde(default, alias = "diego_cell_vcpu")]
    pub diego_cell_cpu: u32,
    /// Cell disk (GB); 0 = unknown.
    #[serde(default)]
    pub diego_cell_disk_gb: u64,
}

impl PeerManualInput {
    /// Converts to a [`FoundationModel`] with one `shared` segment. The apps' memory, disk and
    /// instances are spread evenly over the cells: the format has no per-cell figures.
    pub fn into_model(self) -> Result<FoundationModel, PlanningError> {
        let mut errors = PlanningError::default();
        if self.clusters.is_empty() {
            errors.push("clusters", "at least one cluster is required");
        }
        for (i, c) in self.clusters.iter().enumerate() {
            if c.diego_cell_count > 0 && c.diego_cell_memory_gb == 0 {
                errors.push(format!("clusters[{i}].diego_cell_memory_gb"), "must be greater than 0");
            }
            if c.ha_admission_control_percentage < 0.0 || c.ha_admission_control_percentage > 100.0 {
                errors.push(format!("clusters[{i}].ha_admission_control_percentage"), "must be between 0 and 100");
            }
        }
        let cells: u64 = self.clusters.iter().map(|c| u64::from(c.diego_cell_count)).sum();
        if cells == 0 && errors.is_empty() {
            errors.push("clusters", "no cluster has Diego cells");
        }
        if self.total_app_memory_gb < 0.0 || self.total_app_disk_gb < 0.0 || self.platform_vms_gb < 0.0 {
            errors.push("total_app_memory_gb", "figures must not be negative");
        }
        errors.into_result()?;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let spread = |total: f64, i: u64| -> u64 {
            let total = (total * 1024.0).round() as u64;
            total / cells + u64::from(i < total % cells)
        };
        let mut all = Vec::with_capacity(usize::try_from(cells).unwrap_or(0));
        for cluster in &self.clusters {
            let memory_mb = cluster.diego_cell_memory_gb * 1024;
            let overhead_mb = cluster.diego_cell_memory_gb * PEER_OVERHEAD_PCT / 100 * 1024;
            for _ in 0..cluster.diego_cell_count {
                let i = all.len() as u64;
                all.push(CellModel {
                    capacity_mb: memory_mb - overhead_mb,
                    allocated_mb: spread(self.total_app_memory_gb, i),
                    used_mb: None,
                    vm_memory_mb: Some(memory_mb),
                    vcpus: (cluster.diego_cell_cpu > 0).then_some(cluster.diego_cell_cpu),
                    disk_mb: (cluster.diego_cell_disk_gb > 0).then_some(cluster.diego_cell_disk_gb * 1024),
                    disk_allocated_mb: (cluster.diego_cell_disk_gb > 0).then(|| spread(self.total_app_disk_gb, i)),
                    containers: self.total_app_instances / cells + u64::from(i < self.total_app_instances % cells),
                    cpu_percent: None,
                });
            }
        }
        let hosts: Vec<HostCluster> = self
            .clusters
            .iter()
            .filter(|c| c.host_count > 0)
            .map(|c| HostCluster {
                name: c.name.clone(),
                hosts: c.host_count,
                memory_gb_per_host: c.memory_gb_per_host,
                cores_per_host: c.cpu_threads_per_host,
                ha_admission_pct: c.ha_admission_control_percentage,
            })
            .collect();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let requested_mb = (self.total_app_memory_gb * 1024.0).round() as u64;
        Ok(FoundationModel {
            schema_version: SCHEMA_VERSION,
            name: self.name,
            captured_at: None,
            segments: vec![SegmentModel {
                name: SHARED_SEGMENT_NAME.to_owned(),
                cells: all,
                requested_mb,
                largest_instance_mb: self.max_instance_memory_mb,
                reclaimable_mb: 0,
            }],
            hosts: (!hosts.is_empty()).then_some(HostLayer { clusters: hosts }),
            platform_vms_gb: self.platform_vms_gb,
            proxy_mb: 0,
        })
    }
}
