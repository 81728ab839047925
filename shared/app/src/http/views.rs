//! Response bodies of the data routes.

use capacity_core::{AppUsage, CellCapacity, FoundationAnalysis, FoundationTotals, SegmentCapacity};
use serde::Serialize;

use super::metadata::Metadata;

/// `GET /api/dashboard`: what the overview needs, small at any foundation size.
#[derive(Debug, Serialize)]
pub(crate) struct Dashboard<'a> {
    /// Foundation totals.
    pub(crate) totals: &'a FoundationTotals,
    /// Every isolation segment.
    pub(crate) segments: &'a [SegmentCapacity],
    /// The ten apps requesting the most memory.
    pub(crate) top_apps: Vec<AppSummary<'a>>,
    /// The ten apps whose right-sizing frees the most memory.
    pub(crate) right_sizing: Vec<AppSummary<'a>>,
    /// Data-quality notes.
    pub(crate) notes: &'a [String],
}

/// An app without its per-process detail.
#[derive(Debug, Serialize)]
pub(crate) struct AppSummary<'a> {
    /// CF guid.
    pub(crate) guid: &'a str,
    /// Name.
    pub(crate) name: &'a str,
    /// Org.
    pub(crate) org: &'a str,
    /// Space.
    pub(crate) space: &'a str,
    /// Segment.
    pub(crate) segment: &'a str,
    /// Desired instances.
    pub(crate) instances: u64,
    /// Requested memory (MiB).
    pub(crate) requested_mb: u64,
    /// Used memory (MiB).
    pub(crate) used_mb: Option<u64>,
    /// Memory right-sizing would free (MiB).
    pub(crate) reclaimable_mb: u64,
}

impl<'a> From<&'a AppUsage> for AppSummary<'a> {
    fn from(a: &'a AppUsage) -> Self {
        Self {
            guid: &a.guid,
            name: &a.name,
            org: &a.org,
            space: &a.space,
            segment: &a.segment,
            instances: a.instances,
            requested_mb: a.requested_mb,
            used_mb: a.used_mb,
            reclaimable_mb: a.reclaimable_mb,
        }
    }
}

impl<'a> Dashboard<'a> {
    /// Builds the dashboard from an analysis.
    #[must_use]
    pub(crate) fn new(analysis: &'a FoundationAnalysis) -> Self {
        Self {
            totals: &analysis.totals,
            segments: &analysis.segments,
            top_apps: top(&analysis.apps, |a| a.requested_mb),
            right_sizing: top(&analysis.apps, |a| a.reclaimable_mb),
            notes: &analysis.notes,
        }
    }
}

fn top(apps: &[AppUsage], key: impl Fn(&AppUsage) -> u64) -> Vec<AppSummary<'_>> {
    const TOP: usize = 10;
    let mut ranked: Vec<&AppUsage> = apps.iter().filter(|a| key(a) > 0).collect();
    let by = |a: &&AppUsage, b: &&AppUsage| key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name));
    if ranked.len() > TOP {
        ranked.select_nth_unstable_by(TOP - 1, by);
        ranked.truncate(TOP);
    }
    ranked.sort_by(by);
    ranked.into_iter().map(AppSummary::from).collect()
}

/// `GET /api/cells`.
#[derive(Debug, Serialize)]
pub(crate) struct Cells<'a> {
    /// Cells matching the filter.
    pub(crate) total: usize,
    /// The cells.
    pub(crate) cells: Vec<&'a CellCapacity>,
}

/// `GET /api/segments`.
#[derive(Debug, Serialize)]
pub(crate) struct Segments<'a> {
    /// Every segment.
    pub(crate) segments: &'a [SegmentCapacity],
}

/// `GET /api/apps`.
#[derive(Debug, Serialize)]
pub(crate) struct Apps<'a> {
    /// Freshness and provenance.
    pub(crate) metadata: Metadata,
    /// Apps matching the filters (before paging).
    pub(crate) total: usize,
    /// Page size used.
    pub(crate) limit: usize,
    /// Offset used.
    pub(crate) offset: usize,
    /// The page.
    pub(crate) apps: Vec<&'a AppUsage>,
}
