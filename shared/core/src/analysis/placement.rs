//! Which isolation segment an app's instances must run in.

use std::collections::HashMap;

use crate::snapshot::{CfSnapshot, SHARED_SEGMENT_GUID, SHARED_SEGMENT_NAME};

/// Resolves spaces to segment names following CC's `IsolationSegmentSelector`: the space's
/// assigned segment wins (an explicit `shared` assignment means shared), else the org's default
/// segment, else shared.
#[derive(Debug)]
pub struct SegmentResolver<'a> {
    space_org: HashMap<&'a str, &'a str>,
    space_names: HashMap<&'a str, &'a str>,
    org_names: HashMap<&'a str, &'a str>,
    segment_names: HashMap<&'a str, &'a str>,
    cf: &'a CfSnapshot,
}

impl<'a> SegmentResolver<'a> {
    /// Indexes the snapshot's spaces, orgs and segments.
    #[must_use]
    pub fn new(cf: &'a CfSnapshot) -> Self {
        Self {
            space_org: cf.spaces.iter().map(|s| (s.guid.as_str(), s.organization_guid.as_str())).collect(),
            space_names: cf.spaces.iter().map(|s| (s.guid.as_str(), s.name.as_str())).collect(),
            org_names: cf.organizations.iter().map(|o| (o.guid.as_str(), o.name.as_str())).collect(),
            segment_names: cf.isolation_segments.iter().map(|s| (s.guid.as_str(), s.name.as_str())).collect(),
            cf,
        }
    }

    /// Segment name for apps in this space (`"shared"` for the shared segment).
    #[must_use]
    pub fn segment_of_space(&self, space_guid: &str) -> &'a str {
        if let Some(assigned) = self.cf.space_segments.get(space_guid) {
            return self.name_of(assigned);
        }
        self.space_org
            .get(space_guid)
            .and_then(|org| self.cf.org_default_segments.get(*org))
            .map_or(SHARED_SEGMENT_NAME, |default| self.name_of(default))
    }

    /// Name of the space, or its guid when the space is unknown.
    #[must_use]
    pub fn space_name(&self, space_guid: &'a str) -> &'a str {
        self.space_names.get(space_guid).copied().unwrap_or(space_guid)
    }

    /// Name of the org owning the space, or `""` when unknown.
    #[must_use]
    pub fn org_name_of_space(&self, space_guid: &str) -> &'a str {
        self.space_org.get(space_guid).and_then(|org| self.org_names.get(*org)).copied().unwrap_or("")
    }

    /// Names of every segment CF knows, the shared one included.
    pub fn segment_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.segment_names
            .iter()
            .map(|(guid, name)| if *guid == SHARED_SEGMENT_GUID { SHARED_SEGMENT_NAME } else { *name })
    }

    fn name_of(&self, segment_guid: &'a str) -> &'a str {
        if segment_guid == SHARED_SEGMENT_GUID {
            return SHARED_SEGMENT_NAME;
        }
        // A segment the list did not return keeps its guid as a name rather than vanishing.
        self.segment_names.get(segment_guid).copied().unwrap_or(segment_guid)
    }
}
