//! BOSH director facts: the VMs of cell instance groups and their vitals.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Facts read from the BOSH director in one collect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoshSnapshot {
    /// Unix seconds when the collect finished.
    pub collected_at: i64,
    /// Director name from `/info`.
    #[serde(default)]
    pub director_name: String,
    /// Director version from `/info`.
    #[serde(default)]
    pub director_version: String,
    /// Deployments whose VMs were read.
    pub deployments: Vec<String>,
    /// Every VM row of cell instance groups in those deployments, inactive ones included.
    pub vms: Vec<BoshVm>,
}

/// One row of `vms?format=full` for a cell instance group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoshVm {
    /// Deployment name.
    pub deployment: String,
    /// Instance group (`job_name`).
    pub instance_group: String,
    /// Instance index within the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// Instance UUID (`id`); the rep's `index` tag carries the same value.
    pub instance_id: String,
    /// IaaS VM id.
    #[serde(default)]
    pub vm_cid: String,
    /// IP addresses of the VM.
    pub ips: Vec<IpAddr>,
    /// Availability zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az: Option<String>,
    /// Only active VMs count: create-swap-delete leaves an inactive twin for a while.
    pub active: bool,
    /// BOSH VM type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_type: Option<String>,
    /// Aggregate job state, e.g. `running`, `failing`, `unresponsive agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_state: Option<String>,
    /// VM RAM in MiB from `cloud_properties.ram` (vSphere-style IaaS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_ram_mb: Option<u64>,
    /// vCPUs from `cloud_properties.cpu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_cpus: Option<u32>,
    /// Agent vitals; absent when the agent did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vitals: Option<Vitals>,
}

/// Agent vitals, parsed from the strings BOSH sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vitals {
    /// CPU user %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_user: Option<f64>,
    /// CPU system %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_sys: Option<f64>,
    /// CPU I/O wait %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_wait: Option<f64>,
    /// Memory **in use** on the VM in KiB (excludes buffers and cache). Never a capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_kb: Option<u64>,
    /// Memory in use as a percentage of VM RAM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_percent: Option<f64>,
    /// 1-minute load average.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_1m: Option<f64>,
    /// Ephemeral disk use %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_disk_percent: Option<f64>,
}

impl Vitals {
    /// CPU pressure: user + sys + wait, in percent of the VM's CPUs. `None` when BOSH sent none.
    #[must_use]
    pub fn cpu_busy_percent(&self) -> Option<f64> {
        let parts = [self.cpu_user, self.cpu_sys, self.cpu_wait];
        if parts.iter().all(Option::is_none) {
            return None;
        }
        Some(parts.iter().map(|p| p.unwrap_or(0.0)).sum())
    }
}

/// Whether an instance group runs Diego cells: `diego_cell`, `diego-cell`, `compute` (small
/// footprint), `isolated_diego_cell*` (isolation segment tile), `windows_diego_cell*`.
#[must_use]
pub fn is_cell_instance_group(name: &str) -> bool {
    matches!(name, "diego_cell" | "diego-cell" | "compute")
        || name.starts_with("isolated_diego_cell")
        || name.starts_with("windows_diego_cell")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_instance_groups_are_recognised() {
        for name in ["diego_cell", "diego-cell", "compute", "isolated_diego_cell_iso1", "windows_diego_cell"] {
            assert!(is_cell_instance_group(name), "{name}");
        }
        for name in ["router", "diego_brain", "isolated_router_iso1", "computer", "diego_cells_old"] {
            assert!(!is_cell_instance_group(name), "{name}");
        }
    }

    #[test]
    fn cpu_busy_is_user_plus_sys_plus_wait() {
        let v = Vitals { cpu_user: Some(22.4), cpu_sys: Some(3.1), cpu_wait: Some(0.2), ..Vitals::default() };
        let busy = v.cpu_busy_percent().unwrap_or_default();
        assert!((busy - 25.7).abs() < 1e-9, "{busy}");
        assert_eq!(Vitals::default().cpu_busy_percent(), None);
        let partial = Vitals { cpu_user: Some(10.0), ..Vitals::default() };
        assert_eq!(partial.cpu_busy_percent(), Some(10.0));
    }
}
