//! The foundation as planning sees it: per segment, per cell capacity and allocation. Built from
//! a live analysis, or imported (this crate's snapshot format, or the peer tool's aggregate
//! sample format).

use serde::{Deserialize, Serialize};

use crate::analysis::FoundationAnalysis;
use crate::snapshot::SHARED_SEGMENT_NAME;

/// Version of the snapshot format written by [`FoundationModel`].
pub const SCHEMA_VERSION: u32 = 1;

/// A foundation for planning: exportable, importable, and the base of every scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundationModel {
    /// Format version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Foundation name.
    pub name: String,
    /// When the data was collected (RFC 3339), if known.
    #[serde(default)]
    pub captured_at: Option<String>,
    /// Isolation segments with their cells.
    pub segments: Vec<SegmentModel>,
    /// The virtualisation hosts under the cells, when known.
    #[serde(default)]
    pub hosts: Option<HostLayer>,
    /// Memory of non-Diego platform VMs on those hosts (GB).
    #[serde(default)]
    pub platform_vms_gb: f64,
    /// Per-instance memory Diego adds for the Envoy proxy (MiB; 32 when the proxy is on).
    #[serde(default = "default_proxy_mb")]
    pub proxy_mb: u64,
}

fn default_proxy_mb() -> u64 {
    32
}

/// One isolation segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentModel {
    /// Segment name (`shared` for the shared segment).
    pub name: String,
    /// Its cells.
    pub cells: Vec<CellModel>,
    /// Σ requested memory of STARTED apps in the segment (MiB).
    #[serde(default)]
    pub requested_mb: u64,
    /// Largest memory limit of one instance (MiB): the chunk that must still fit somewhere.
    #[serde(default)]
    pub largest_instance_mb: u64,
    /// Memory right-sizing would free in the segment (MiB).
    #[serde(default)]
    pub reclaimable_mb: u64,
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellModel {
    /// Memory Diego can allocate (MiB).
    pub capacity_mb: u64,
    /// Memory Diego has allocated (MiB).
    pub allocated_mb: u64,
    /// Memory in use (MiB), if known.
    #[serde(default)]
    pub used_mb: Option<u64>,
    /// VM RAM (MiB), if known: capacity plus the VM's overhead.
    #[serde(default)]
    pub vm_memory_mb: Option<u64>,
    /// vCPUs, if known.
    #[serde(default)]
    pub vcpus: Option<u32>,
    /// Disk Diego can allocate (MiB), if known.
    #[serde(default)]
    pub disk_mb: Option<u64>,
    /// Disk Diego has allocated (MiB), if known.
    #[serde(default)]
    pub disk_allocated_mb: Option<u64>,
    /// Containers (app instances) on the cell.
    #[serde(default)]
    pub containers: u64,
    /// Measured CPU pressure (user + sys + wait, %), if known.
    #[serde(default)]
    pub cpu_percent: Option<f64>,
}

/// Hosts under the cells (e.g. vSphere clusters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostLayer {
    /// One entry per cluster.
    pub clusters: Vec<HostCluster>,
}

/// One cluster of identical hosts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostCluster {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Hosts.
    pub hosts: u32,
    /// RAM per host (GB).
    pub memory_gb_per_host: f64,
    /// Physical cores per host (count threads here if you plan in threads).
    pub cores_per_host: u32,
    /// vSphere HA admission control reservation (% of cluster memory).
    #[serde(default)]
    pub ha_admission_pct: f64,
}

impl HostLayer {
    /// Σ hosts.
    #[must_use]
    pub fn hosts(&self) -> u32 {
        self.clusters.iter().map(|c| c.hosts).sum()
    }

    /// Σ host RAM (MiB).
    #[must_use]
    pub fn memory_mb(&self) -> f64 {
        self.clusters.iter().map(|c| f64::from(c.hosts) * c.memory_gb_per_host * 1024.0).sum()
    }

    /// Σ physical cores.
    #[must_use]
    pub fn cores(&self) -> u64 {
        self.clusters.iter().map(|c| u64::from(c.hosts) * u64::from(c.cores_per_host)).sum()
    }

    /// RAM of the largest host (MiB): what losing one host costs at worst.
    #[must_use]
    pub fn largest_host_mb(&self) -> f64 {
        self.clusters.iter().filter(|c| c.hosts > 0).map(|c| c.memory_gb_per_host * 1024.0).fold(0.0, f64::max)
    }

    /// Memory reserved by HA admission control, per cluster (MiB).
    #[must_use]
    pub fn ha_reserved_mb(&self) -> f64 {
        self.clusters
            .iter()
            .map(|c| f64::from(c.hosts) * c.memory_gb_per_host * 1024.0 * c.ha_admission_pct / 100.0)
            .sum()
    }
}

impl FoundationModel {
    /// The planning view of a live analysis. Cells without a known capacity are left out (they
    /// cannot be planned with) and named in `skipped`.
    #[must_use]
    pub fn from_analysis(analysis: &FoundationAnalysis, name: &str, captured_at: Option<String>) -> (Self, usize) {
        let mut skipped = 0;
        let mut segments: Vec<SegmentModel> = analysis
            .segments
            .iter()
            .map(|s| SegmentModel {
                name: s.name.clone(),
                cells: Vec::new(),
                requested_mb: s.requested_mb,
                largest_instance_mb: 0,
                reclaimable_mb: 0,
            })
            .collect();
        for cell in &analysis.cells {
            let Some(capacity_mb) = cell.memory.capacity_mb else {
                skipped += 1;
                continue;
            };
            let model = CellModel {
                capacity_mb,
                allocated_mb: cell.memory.allocated_mb,
                used_mb: Some(cell.memory.used_mb),
                vm_memory_mb: None,
                vcpus: cell.vcpus,
                disk_mb: cell.disk.capacity_mb,
                disk_allocated_mb: cell.disk.allocated_mb,
                containers: cell.containers.used.unwrap_or(cell.containers.app_instances),
                cpu_percent: cell.cpu_percent,
            };
            match segments.iter_mut().find(|s| s.name == cell.segment) {
                Some(segment) => segment.cells.push(model),
                None => segments.push(SegmentModel {
                    name: cell.segment.clone(),
                    cells: vec![model],
                    requested_mb: 0,
                    largest_instance_mb: 0,
                    reclaimable_mb: 0,
                }),
            }
        }
        for app in analysis.apps.iter().filter(|a| a.requested_mb > 0) {
            if let Some(segment) = segments.iter_mut().find(|s| s.name == app.segment) {
                segment.reclaimable_mb += app.reclaimable_mb;
                let largest =
                    app.processes.iter().filter(|p| p.instances > 0).map(|p| p.memory_in_mb).max().unwrap_or(0);
                segment.largest_instance_mb = segment.largest_instance_mb.max(largest);
            }
        }
        let model = Self {
            schema_version: SCHEMA_VERSION,
            name: name.to_owned(),
            captured_at,
            segments,
            hosts: None,
            platform_vms_gb: 0.0,
            proxy_mb: default_proxy_mb(),
        };
        (model, skipped)
    }

    /// The segment called `name`.
    #[must_use]
    pub fn segment(&self, name: &str) -> Option<&SegmentModel> {
        self.segments.iter().find(|s| s.name == name)
    }

    /// The shared segment's name, for defaults.
    #[must_use]
    pub fn default_segment(&self) -> &str {
        self.segments
            .iter()
            .find(|s| s.name == SHARED_SEGMENT_NAME && !s.cells.is_empty())
            .or_else(|| self.segments.iter().find(|s| !s.cells.is_empty()))
            .map_or(SHARED_SEGMENT_NAME, |s| s.name.as_str())
    }
}
