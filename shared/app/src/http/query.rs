//! Query parameters of the data routes, validated into typed filters. Unknown parameters and
//! out-of-range values are 400s that name the parameter.

use std::cmp::Ordering;

use capacity_core::snapshot::AppState;
use capacity_core::{AppUsage, CellCapacity};
use serde::Deserialize;

use super::error::ApiError;
use crate::service::Freshness;

/// Default and maximum page sizes of `/api/apps`.
pub const APPS_DEFAULT_LIMIT: usize = 50;
/// See [`APPS_DEFAULT_LIMIT`].
pub const APPS_MAX_LIMIT: usize = 500;
/// `?refresh=true`: re-collect unless the data is younger than `REFRESH_MIN_AGE_SECS`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommonQuery {
    /// Ask for fresher data.
    #[serde(default)]
    pub(crate) refresh: Option<bool>,
}

impl CommonQuery {
    /// The freshness this request asks for.
    #[must_use]
    pub(crate) fn freshness(&self, min_age: i64) -> Freshness {
        refresh_freshness(self.refresh, min_age)
    }
}

fn refresh_freshness(refresh: Option<bool>, min_age: i64) -> Freshness {
    if refresh == Some(true) { Freshness::RefreshIfOlderThan(min_age) } else { Freshness::Normal }
}

/// `GET /api/cells` parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CellsQuery {
    /// Only cells of this segment.
    pub(crate) segment: Option<String>,
    /// `name` (default), `allocated`, `used`, `free`, `capacity`, `cpu`.
    pub(crate) sort: Option<String>,
    /// `asc` or `desc`.
    pub(crate) order: Option<String>,
    /// See [`CommonQuery::refresh`].
    pub(crate) refresh: Option<bool>,
}

/// `GET /api/apps` parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppsQuery {
    /// Only apps of this segment.
    pub(crate) segment: Option<String>,
    /// Only apps of this org (exact name).
    pub(crate) org: Option<String>,
    /// Only apps of this space (exact name).
    pub(crate) space: Option<String>,
    /// Case-insensitive substring of the app, space or org name, or a guid prefix.
    pub(crate) q: Option<String>,
    /// `started` or `stopped`.
    pub(crate) state: Option<String>,
    /// `requested` (default), `used`, `reclaimable`, `instances`, `name`.
    pub(crate) sort: Option<String>,
    /// `asc` or `desc` (default `desc`, `asc` for `name`).
    pub(crate) order: Option<String>,
    /// Page size (default 50, maximum 500).
    pub(crate) limit: Option<usize>,
    /// Apps to skip.
    pub(crate) offset: Option<usize>,
    /// See [`CommonQuery::refresh`].
    pub(crate) refresh: Option<bool>,
}

fn descending(order: Option<&str>, default_desc: bool) -> Result<bool, ApiError> {
    match order {
        None => Ok(default_desc),
        Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(_) => Err(ApiError::bad_request("order must be asc or desc")),
    }
}

fn bounded_text(name: &str, value: Option<&String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.len() > 256 => Err(ApiError::bad_request(format!("{name} is longer than 256 characters"))),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => Ok(Some(v.trim().to_owned())),
        None => Ok(None),
    }
}

impl CellsQuery {
    /// No filter and the default order: the common case, rendered once per analysis.
    #[must_use]
    pub(crate) fn is_default(&self) -> bool {
        self.segment.is_none() && self.sort.as_deref().is_none_or(|s| s == "name") && self.order.is_none()
    }

    /// Freshness requested.
    #[must_use]
    pub(crate) fn freshness(&self, min_age: i64) -> Freshness {
        refresh_freshness(self.refresh, min_age)
    }

    /// Filters and sorts cells.
    pub(crate) fn apply<'a>(&self, cells: &'a [CellCapacity]) -> Result<Vec<&'a CellCapacity>, ApiError> {
        let segment = bounded_text("segment", self.segment.as_ref())?;
        let sort = self.sort.as_deref().unwrap_or("name");
        let key: fn(&CellCapacity, &CellCapacity) -> Ordering = match sort {
            "name" => |a, b| (&a.segment, &a.name, a.ip).cmp(&(&b.segment, &b.name, b.ip)),
            "allocated" => |a, b| cmp_f(a.memory.allocated_percent, b.memory.allocated_percent),
            "used" => |a, b| cmp_f(a.memory.used_percent, b.memory.used_percent),
            "free" => |a, b| a.memory.free_mb.cmp(&b.memory.free_mb),
            "capacity" => |a, b| a.memory.capacity_mb.cmp(&b.memory.capacity_mb),
            "cpu" => |a, b| cmp_f(a.cpu_percent, b.cpu_percent),
            _ => return Err(ApiError::bad_request("sort must be one of name, allocated, used, free, capacity, cpu")),
        };
        let desc = descending(self.order.as_deref(), sort != "name")?;
        let mut selected: Vec<&CellCapacity> =
            cells.iter().filter(|c| segment.as_ref().is_none_or(|s| &c.segment == s)).collect();
        selected.sort_by(|a, b| if desc { key(b, a) } else { key(a, b) });
        Ok(selected)
    }
}

fn cmp_f(a: Option<f64>, b: Option<f64>) -> Ordering {
    a.unwrap_or(f64::NEG_INFINITY).total_cmp(&b.unwrap_or(f64::NEG_INFINITY))
}

/// A filtered, sorted page of apps.
#[derive(Debug)]
pub(crate) struct AppsPage<'a> {
    /// Matches before paging.
    pub(crate) total: usize,
    /// Page size.
    pub(crate) limit: usize,
    /// Offset.
    pub(crate) offset: usize,
    /// The page.
    pub(crate) apps: Vec<&'a AppUsage>,
}

impl AppsQuery {
    /// Freshness requested.
    #[must_use]
    pub(crate) fn freshness(&self, min_age: i64) -> Freshness {
        refresh_freshness(self.refresh, min_age)
    }

    /// Filters, sorts and pages apps.
    pub(crate) fn apply<'a>(&self, apps: &'a [AppUsage]) -> Result<AppsPage<'a>, ApiError> {
        let limit = self.limit.unwrap_or(APPS_DEFAULT_LIMIT);
        if limit == 0 || limit > APPS_MAX_LIMIT {
            return Err(ApiError::bad_request(format!("limit must be between 1 and {APPS_MAX_LIMIT}")));
        }
        let offset = self.offset.unwrap_or(0);
        let segment = bounded_text("segment", self.segment.as_ref())?;
        let org = bounded_text("org", self.org.as_ref())?;
        let space = bounded_text("space", self.space.as_ref())?;
        let q = bounded_text("q", self.q.as_ref())?.map(|q| q.to_lowercase());
        let state = match self.state.as_deref() {
            None => None,
            Some("started") => Some(AppState::Started),
            Some("stopped") => Some(AppState::Stopped),
            Some(_) => return Err(ApiError::bad_request("state must be started or stopped")),
        };
        let sort = self.sort.as_deref().unwrap_or("requested");
        let key: fn(&AppUsage, &AppUsage) -> Ordering = match sort {
            "requested" => |a, b| a.requested_mb.cmp(&b.requested_mb),
            "used" => |a, b| a.used_mb.cmp(&b.used_mb),
            "reclaimable" => |a, b| a.reclaimable_mb.cmp(&b.reclaimable_mb),
            "instances" => |a, b| a.instances.cmp(&b.instances),
            "name" => |a, b| a.name.cmp(&b.name),
            _ => {
                return Err(ApiError::bad_request("sort must be one of requested, used, reclaimable, instances, name"));
            }
        };
        let desc = descending(self.order.as_deref(), sort != "name")?;
        let matches = |a: &&AppUsage| {
            segment.as_ref().is_none_or(|s| &a.segment == s)
                && org.as_ref().is_none_or(|o| &a.org == o)
                && space.as_ref().is_none_or(|s| &a.space == s)
                && state.is_none_or(|s| a.state == s)
                && q.as_ref().is_none_or(|q| {
                    a.guid.starts_with(q.as_str())
                        || [&a.name, &a.space, &a.org].iter().any(|t| t.to_lowercase().contains(q.as_str()))
                })
        };
        let mut selected: Vec<&AppUsage> = apps.iter().filter(matches).collect();
        // Ties on the sort key break on name and guid so that pages are stable.
        selected.sort_by(|a, b| {
            let primary = if desc { key(b, a) } else { key(a, b) };
            primary.then_with(|| a.name.cmp(&b.name)).then_with(|| a.guid.cmp(&b.guid))
        });
        let total = selected.len();
        let page = selected.into_iter().skip(offset).take(limit).collect();
        Ok(AppsPage { total, limit, offset, apps: page })
    }
}
