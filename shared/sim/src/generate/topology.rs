//! Orgs, spaces and isolation segments, with the assignment quirks CC allows.

use super::{EPOCH, ProfileParams};
use crate::model::{Org, SHARED, SHARED_SEGMENT_GUID, Segment, Space};
use crate::rng::SplitMix64;

pub(super) struct Topology {
    pub(super) orgs: Vec<Org>,
    pub(super) spaces: Vec<Space>,
    pub(super) segments: Vec<Segment>,
}

const SPACE_ASSIGNED_NAMES: &[&str] = &["payments", "secure", "finance", "pci"];
const ORG_DEFAULT_NAMES: &[&str] = &["edge", "dmz", "partner"];
const EXTRA_NAMES: &[&str] = &["batch", "analytics"];
const ORG_WORDS: &[&str] = &[
    "retail",
    "platform",
    "data",
    "mobile",
    "search",
    "identity",
    "billing",
    "logistics",
    "marketing",
    "risk",
    "claims",
    "trading",
    "pricing",
    "support",
    "media",
    "research",
];
const SPACE_WORDS: &[&str] = &["dev", "test", "staging", "prod", "sandbox", "perf"];

/// Segment indices by role (index 0 is shared).
pub(crate) const SPACE_ASSIGNED: u16 = 1;
pub(crate) const ORG_DEFAULT: u16 = 2;
pub(crate) const EXTRA: u16 = 3;

fn pick<'a>(rng: &mut SplitMix64, names: &[&'a str]) -> &'a str {
    names.get(rng.below(names.len() as u64) as usize).copied().unwrap_or("iso")
}

pub(super) fn build(rng: &mut SplitMix64, params: &ProfileParams) -> Topology {
    let mut segments = vec![Segment { guid: SHARED_SEGMENT_GUID, name: "shared".to_owned(), created_at: EPOCH }];
    let mut names = vec![pick(rng, SPACE_ASSIGNED_NAMES), pick(rng, ORG_DEFAULT_NAMES)];
    if params.isolation_segments > 2 {
        names.push(pick(rng, EXTRA_NAMES));
    }
    for (i, name) in names.into_iter().enumerate() {
        segments.push(Segment { guid: rng.guid(), name: name.to_owned(), created_at: EPOCH + 3_600 * (i as i64 + 1) });
    }
    let has_extra = segments.len() > usize::from(EXTRA);

    let mut orgs = Vec::new();
    let mut spaces = Vec::new();
    for i in 0..params.orgs {
        let name = if i == 0 {
            "system".to_owned()
        } else {
            let word = ORG_WORDS[(i as usize - 1) % ORG_WORDS.len()];
            let round = (i as usize - 1) / ORG_WORDS.len();
            if round == 0 { word.to_owned() } else { format!("{word}-{}", round + 1) }
        };
        let org_index = orgs.len() as u32;
        let mut org = Org {
            guid: rng.guid(),
            name,
            default_segment: None,
            entitled: Vec::new(),
            created_at: EPOCH + 86_400 * i64::from(i),
        };
        let space_count = rng.range(2, 5) as usize;
        let first_space = spaces.len();
        let offset = rng.below(SPACE_WORDS.len() as u64) as usize;
        for s in 0..space_count {
            let word = SPACE_WORDS[(offset + s) % SPACE_WORDS.len()];
            spaces.push(Space {
                guid: rng.guid(),
                name: word.to_owned(),
                org: org_index,
                assigned_segment: None,
                created_at: org.created_at + 600 * (s as i64 + 1),
            });
        }
        let own = &mut spaces[first_space..];
        assign_segments(i, &mut org, own, has_extra);
        orgs.push(org);
    }
    Topology { orgs, spaces, segments }
}

/// Gives a few orgs entitlements, defaults and space assignments. Org 1 has a default segment
/// but its first space is explicitly assigned to `shared` — which must win over the default.
fn assign_segments(i: u32, org: &mut Org, spaces: &mut [Space], has_extra: bool) {
    let role = if i < 4 { i } else { 4 + (i % 5) };
    match role {
        1 | 4 => {
            org.entitled.push(ORG_DEFAULT);
            org.default_segment = Some(ORG_DEFAULT);
            if let Some(first) = spaces.first_mut() {
                first.assigned_segment = Some(SHARED);
            }
        }
        2 | 5 => {
            org.entitled.push(SPACE_ASSIGNED);
            for space in spaces.iter_mut().take(2) {
                space.assigned_segment = Some(SPACE_ASSIGNED);
            }
        }
        3 => {
            // Entitled to both, no default: one space on the over-subscribed segment.
            org.entitled.push(SPACE_ASSIGNED);
            org.entitled.push(ORG_DEFAULT);
            if let Some(last) = spaces.last_mut() {
                last.assigned_segment = Some(ORG_DEFAULT);
            }
        }
        6 if has_extra => {
            org.entitled.push(EXTRA);
            for space in spaces.iter_mut().take(2) {
                space.assigned_segment = Some(EXTRA);
            }
        }
        7 => {
            // Explicitly on shared although entitled elsewhere.
            org.entitled.push(SPACE_ASSIGNED);
            if let Some(first) = spaces.first_mut() {
                first.assigned_segment = Some(SHARED);
            }
        }
        _ => {}
    }
}

/// Cells per segment index: shared gets the rest after fixed shares for isolated ones.
pub(super) fn cells_per_segment(params: &ProfileParams, segments: usize) -> Vec<u32> {
    let isolated = segments.saturating_sub(1);
    let share = if isolated > 2 { 0.12 } else { 0.15 };
    let mut counts = vec![0u32; segments];
    let mut used = 0;
    for count in counts.iter_mut().skip(1) {
        *count = ((f64::from(params.cells) * share).round() as u32).max(2);
        used += *count;
    }
    if let Some(shared) = counts.first_mut() {
        *shared = params.cells.saturating_sub(used).max(2);
    }
    counts
}
