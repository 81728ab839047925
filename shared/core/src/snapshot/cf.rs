//! Cloud Controller v3 facts: orgs, spaces, isolation segments, apps, processes, instance stats.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// The fixed guid of the built-in `shared` isolation segment (CC `IsolationSegmentModel`).
pub const SHARED_SEGMENT_GUID: &str = "933b4c58-120b-499a-b85d-4b6fc9e2903b";
/// The name every report uses for the shared segment.
pub const SHARED_SEGMENT_NAME: &str = "shared";

/// Facts read from the CF API in one collect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CfSnapshot {
    /// Unix seconds when the collect finished.
    pub collected_at: i64,
    /// `cloud_controller_v3.meta.version` from the API root, when advertised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Every organization.
    pub organizations: Vec<Organization>,
    /// Every space.
    pub spaces: Vec<Space>,
    /// Every isolation segment CF lists, the shared one included.
    pub isolation_segments: Vec<IsolationSegment>,
    /// Space guid → guid of the segment explicitly assigned to it (the shared guid included:
    /// an explicit `shared` assignment overrides the org default).
    pub space_segments: BTreeMap<String, String>,
    /// Org guid → guid of its default isolation segment.
    pub org_default_segments: BTreeMap<String, String>,
    /// Every app.
    pub apps: Vec<App>,
    /// Every process, with instance stats where they were fetched.
    pub processes: Vec<Process>,
    /// Non-fatal problems met while collecting (e.g. stats of one process unavailable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A CF organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// CF guid.
    pub guid: String,
    /// Name.
    pub name: String,
}

/// A CF space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Space {
    /// CF guid.
    pub guid: String,
    /// Name.
    pub name: String,
    /// Guid of the organization it belongs to.
    pub organization_guid: String,
}

/// A CF isolation segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationSegment {
    /// CF guid ([`SHARED_SEGMENT_GUID`] for the built-in one).
    pub guid: String,
    /// Name; it is also the placement tag Diego matches cells with.
    pub name: String,
}

/// Desired state of an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppState {
    /// The app should run.
    Started,
    /// The app is stopped; it reserves nothing.
    Stopped,
}

/// A CF app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct App {
    /// CF guid.
    pub guid: String,
    /// Name.
    pub name: String,
    /// Desired state.
    pub state: AppState,
    /// Guid of the space it lives in.
    pub space_guid: String,
}

/// A CF process (one per process type of an app).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Process {
    /// CF guid.
    pub guid: String,
    /// Guid of the owning app.
    pub app_guid: String,
    /// Process type, e.g. `web`, `worker`.
    #[serde(rename = "type")]
    pub process_type: String,
    /// Desired instances.
    pub instances: u32,
    /// Memory limit per instance in MiB.
    pub memory_in_mb: u64,
    /// Disk limit per instance in MiB.
    pub disk_in_mb: u64,
    /// Instance stats; `None` when not fetched (stopped app, zero instances, or fetch failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Vec<InstanceStats>>,
}

/// State of one process instance as CC reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceState {
    /// Running in a container on a cell.
    Running,
    /// Claimed or unclaimed: a container is being set up (it already reserves memory).
    Starting,
    /// Crashed: no container is held.
    Crashed,
    /// Never placed, or missing (e.g. `insufficient resources: memory`).
    Down,
    /// Being stopped.
    Stopping,
    /// A state this version does not know.
    #[serde(other)]
    Unknown,
}

impl InstanceState {
    /// Whether the instance holds a container (and so a memory reservation) on a cell.
    #[must_use]
    pub fn holds_container(self) -> bool {
        matches!(self, Self::Running | Self::Starting | Self::Stopping)
    }
}

/// One entry of `/v3/processes/:guid/stats`. Sizes are in bytes, as CC reports them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceStats {
    /// Instance index.
    pub index: u32,
    /// State.
    pub state: InstanceState,
    /// The cell IP (`host`); absent for DOWN and CRASHED instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<IpAddr>,
    /// Memory limit in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_quota: Option<u64>,
    /// Disk limit in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_quota: Option<u64>,
    /// Memory in use in bytes (`usage.mem`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem: Option<u64>,
    /// Disk in use in bytes (`usage.disk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<u64>,
    /// CPU as a fraction of one core (`usage.cpu`; may exceed 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<f64>,
    /// Why a DOWN instance is down (placement error), when CC says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl CfSnapshot {
    /// The guid → name map of isolation segments.
    pub fn segment_names(&self) -> BTreeMap<&str, &str> {
        self.isolation_segments.iter().map(|s| (s.guid.as_str(), s.name.as_str())).collect()
    }
}
