//! The rep's own capacity gauges per cell, read through Log Cache PromQL.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Capacity gauges of every cell that reported, from one collect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepSnapshot {
    /// Unix seconds when the collect finished.
    pub collected_at: i64,
    /// One entry per cell (joined on the `ip` tag).
    pub cells: Vec<RepCell>,
}

/// Capacity gauges of one cell. A gauge the rep reported as -1 (executor error) is `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepCell {
    /// Cell IP (`ip` tag added by the forwarder agent).
    pub ip: IpAddr,
    /// BOSH instance UUID (`index` tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// BOSH deployment (`deployment` tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Instance group (`job` tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// Availability zone (`zone` tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Placement tags, when the operator or tile stamps them (`placement_tag`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placement_tags: Vec<String>,
    /// `CapacityTotalMemory` (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_total_mb: Option<u64>,
    /// `CapacityRemainingMemory` (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_remaining_mb: Option<u64>,
    /// `CapacityTotalDisk` (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_total_mb: Option<u64>,
    /// `CapacityRemainingDisk` (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_remaining_mb: Option<u64>,
    /// `CapacityTotalContainers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers_total: Option<u64>,
    /// `CapacityRemainingContainers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers_remaining: Option<u64>,
    /// `ContainerCount` (containers in any state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_count: Option<u64>,
}

impl RepCell {
    /// A cell at this IP with no gauges yet.
    #[must_use]
    pub fn at(ip: IpAddr) -> Self {
        Self {
            ip,
            instance_id: None,
            deployment: None,
            job: None,
            zone: None,
            placement_tags: Vec::new(),
            memory_total_mb: None,
            memory_remaining_mb: None,
            disk_total_mb: None,
            disk_remaining_mb: None,
            containers_total: None,
            containers_remaining: None,
            container_count: None,
        }
    }
}
