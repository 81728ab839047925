//! CF API v3 JSON as it travels; only the fields the analyzer reads. Unknown fields are ignored.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct Root {
    pub(crate) links: RootLinks,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RootLinks {
    #[serde(default)]
    pub(crate) login: Option<Link>,
    #[serde(default)]
    pub(crate) uaa: Option<Link>,
    #[serde(default)]
    pub(crate) log_cache: Option<Link>,
    #[serde(default)]
    pub(crate) cloud_controller_v3: Option<Link>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Link {
    pub(crate) href: String,
    #[serde(default)]
    pub(crate) meta: Option<LinkMeta>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LinkMeta {
    #[serde(default)]
    pub(crate) version: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    pub(crate) pagination: Pagination,
    pub(crate) resources: Vec<T>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Pagination {
    #[serde(default)]
    pub(crate) total_results: Option<u64>,
    #[serde(default)]
    pub(crate) total_pages: Option<u64>,
    #[serde(default)]
    pub(crate) next: Option<Href>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Href {
    pub(crate) href: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub(crate) errors: Vec<ErrorItem>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorItem {
    #[serde(default)]
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) detail: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Named {
    pub(crate) guid: String,
    pub(crate) name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ToOne {
    pub(crate) data: Option<GuidRef>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ToMany {
    pub(crate) data: Vec<GuidRef>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct GuidRef {
    pub(crate) guid: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpaceResource {
    pub(crate) guid: String,
    pub(crate) name: String,
    pub(crate) relationships: SpaceRelationships,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpaceRelationships {
    pub(crate) organization: ToOne,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AppResource {
    pub(crate) guid: String,
    pub(crate) name: String,
    pub(crate) state: String,
    pub(crate) relationships: AppRelationships,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AppRelationships {
    pub(crate) space: ToOne,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProcessResource {
    pub(crate) guid: String,
    #[serde(rename = "type")]
    pub(crate) process_type: String,
    pub(crate) instances: u32,
    pub(crate) memory_in_mb: u64,
    pub(crate) disk_in_mb: u64,
    pub(crate) relationships: ProcessRelationships,
    /// Present with `embed=process_instances` (experimental in CC): states only.
    #[serde(default)]
    pub(crate) process_instances: Option<Vec<EmbeddedInstance>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EmbeddedInstance {
    pub(crate) index: u32,
    pub(crate) state: capacity_core::InstanceState,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProcessRelationships {
    pub(crate) app: ToOne,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatsResponse {
    pub(crate) resources: Vec<StatsEntry>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatsEntry {
    pub(crate) index: u32,
    pub(crate) state: capacity_core::InstanceState,
    #[serde(default)]
    pub(crate) host: Option<String>,
    #[serde(default)]
    pub(crate) mem_quota: Option<u64>,
    #[serde(default)]
    pub(crate) disk_quota: Option<u64>,
    #[serde(default)]
    pub(crate) usage: Option<Usage>,
    #[serde(default)]
    pub(crate) details: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Usage {
    #[serde(default)]
    pub(crate) mem: Option<u64>,
    #[serde(default)]
    pub(crate) disk: Option<u64>,
    #[serde(default)]
    pub(crate) cpu: Option<f64>,
}
