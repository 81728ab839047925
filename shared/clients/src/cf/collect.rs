//! The CF crawl: bulk lists, segment relationships, and stats only where instances can run.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;

use capacity_core::snapshot::{
    App, AppState, CfSnapshot, InstanceState, InstanceStats, IsolationSegment, Organization, Process,
    SHARED_SEGMENT_GUID, Space,
};
use futures::{StreamExt, TryStreamExt, stream};

use super::{CfClient, UsageSource, wire};
use crate::ClientError;

impl CfClient {
    /// Crawls everything the analysis needs. Request plan (all lists at `per_page` 5000):
    /// organizations, spaces, isolation segments, apps and processes (one request per page);
    /// per segment its assigned spaces; per non-shared segment its entitled orgs; per entitled
    /// org its default segment; then `/v3/processes/:guid/stats` only for processes of STARTED
    /// apps with instances > 0. Lists run in parallel; per-resource calls at bounded concurrency.
    ///
    /// With [`UsageSource::LogCache`], processes are listed with their instance states embedded
    /// and placement and usage come from Log Cache container metrics in batches of app guids;
    /// stats are then read only for processes with instances Log Cache cannot place (STARTING
    /// ones have no metrics yet). If Log Cache fails, every started process falls back to stats.
    pub async fn snapshot(&self, now: i64, usage: UsageSource<'_>) -> Result<CfSnapshot, ClientError> {
        let embed = matches!(usage, UsageSource::LogCache(_));
        let started = std::time::Instant::now();
        let (organizations, spaces, segments, apps, (processes, states)) = tokio::try_join!(
            self.organizations(),
            self.spaces(),
            self.segments_with_relationships(),
            self.apps(),
            self.processes_with_states(embed),
        )?;
        let (isolation_segments, space_segments, org_default_segments) = segments;
        let mut snapshot = CfSnapshot {
            collected_at: now,
            api_version: self.discovery.api_version.clone(),
            organizations,
            spaces,
            isolation_segments,
            space_segments,
            org_default_segments,
            apps,
            processes,
            warnings: Vec::new(),
        };
        let lists_ms = started.elapsed().as_millis();
        if let UsageSource::LogCache(log_cache) = usage {
            self.usage_from_log_cache(&mut snapshot, &states, log_cache).await;
        }
        let log_cache_ms = started.elapsed().as_millis() - lists_ms;
        self.fill_stats(&mut snapshot).await?;
        // Where a slow crawl spends its time, for operators tuning CF_STATS_CONCURRENCY.
        tracing::info!(
            lists_ms,
            log_cache_ms,
            stats_ms = started.elapsed().as_millis() - lists_ms - log_cache_ms,
            "CF crawl phases"
        );
        Ok(snapshot)
    }

    /// Every organization.
    pub async fn organizations(&self) -> Result<Vec<Organization>, ClientError> {
        let named: Vec<wire::Named> = self.list("/v3/organizations", "v3/organizations").await?;
        Ok(named.into_iter().map(|o| Organization { guid: o.guid, name: o.name }).collect())
    }

    /// Every space.
    pub async fn spaces(&self) -> Result<Vec<Space>, ClientError> {
        let spaces: Vec<wire::SpaceResource> = self.list("/v3/spaces", "v3/spaces").await?;
        Ok(spaces
            .into_iter()
            .map(|s| Space {
                guid: s.guid,
                name: s.name,
                organization_guid: s.relationships.organization.data.map(|d| d.guid).unwrap_or_default(),
            })
            .collect())
    }

    /// Every app with its desired state. CC has no state filter on `/v3/apps`, so all are listed.
    pub async fn apps(&self) -> Result<Vec<App>, ClientError> {
        let apps: Vec<wire::AppResource> = self.list("/v3/apps", "v3/apps").await?;
        Ok(apps
            .into_iter()
            .map(|a| App {
                guid: a.guid,
                name: a.name,
                state: if a.state == "STARTED" { AppState::Started } else { AppState::Stopped },
                space_guid: a.relationships.space.data.map(|d| d.guid).unwrap_or_default(),
            })
            .collect())
    }

    /// Every process (all apps in one bulk list, never per app).
    pub async fn processes(&self) -> Result<Vec<Process>, ClientError> {
        Ok(self.processes_with_states(false).await?.0)
    }

    /// Every process, and with `embed` the instance states CC embeds per process.
    async fn processes_with_states(
        &self,
        embed: bool,
    ) -> Result<(Vec<Process>, Vec<Option<Vec<(u32, InstanceState)>>>), ClientError> {
        let path = if embed { "v3/processes?embed=process_instances" } else { "v3/processes" };
        let processes: Vec<wire::ProcessResource> = self.list("/v3/processes", path).await?;
        let states = processes
            .iter()
            .map(|p| p.process_instances.as_ref().map(|i| i.iter().map(|e| (e.index, e.state)).collect()))
            .collect();
        let processes = processes
            .into_iter()
            .map(|p| Process {
                guid: p.guid,
                app_guid: p.relationships.app.data.map(|d| d.guid).unwrap_or_default(),
                process_type: p.process_type,
                instances: p.instances,
                memory_in_mb: p.memory_in_mb,
                disk_in_mb: p.disk_in_mb,
                stats: None,
            })
            .collect();
        Ok((processes, states))
    }

    /// Segments, explicit space assignments (shared included: it overrides an org default) and
    /// org defaults (only entitled orgs can have a non-shared default, so only they are asked).
    async fn segments_with_relationships(
        &self,
    ) -> Result<(Vec<IsolationSegment>, BTreeMap<String, String>, BTreeMap<String, String>), ClientError> {
        let named: Vec<wire::Named> = self.list("/v3/isolation_segments", "v3/isolation_segments").await?;
        let segments: Vec<IsolationSegment> =
            named.into_iter().map(|s| IsolationSegment { guid: s.guid, name: s.name }).collect();
        let all_guids: Vec<String> = segments.iter().map(|s| s.guid.clone()).collect();
        let assigned: Vec<(String, Vec<wire::GuidRef>)> = stream::iter(all_guids)
            .map(|segment| async move {
                let path = format!("v3/isolation_segments/{segment}/relationships/spaces");
                let spaces: wire::ToMany = self.get("/v3/isolation_segments/:guid/relationships/spaces", &path).await?;
                Ok::<_, ClientError>((segment, spaces.data))
            })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        let mut space_segments = BTreeMap::new();
        for (segment, spaces) in assigned {
            for space in spaces {
                space_segments.insert(space.guid, segment.clone());
            }
        }
        let non_shared: Vec<String> =
            segments.iter().filter(|s| s.guid != SHARED_SEGMENT_GUID).map(|s| s.guid.clone()).collect();
        let entitled: Vec<Vec<wire::GuidRef>> = stream::iter(non_shared)
            .map(|segment| async move {
                let path = format!("v3/isolation_segments/{segment}/relationships/organizations");
                let orgs: wire::ToMany =
                    self.get("/v3/isolation_segments/:guid/relationships/organizations", &path).await?;
                Ok::<_, ClientError>(orgs.data)
            })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        let entitled_orgs: BTreeSet<String> = entitled.into_iter().flatten().map(|o| o.guid).collect();
        let defaults: Vec<(String, Option<String>)> = stream::iter(entitled_orgs)
            .map(|org| async move {
                let path = format!("v3/organizations/{org}/relationships/default_isolation_segment");
                let default: wire::ToOne =
                    self.get("/v3/organizations/:guid/relationships/default_isolation_segment", &path).await?;
                Ok::<_, ClientError>((org, default.data.map(|d| d.guid)))
            })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        let org_default_segments =
            defaults.into_iter().filter_map(|(org, segment)| segment.map(|segment| (org, segment))).collect();
        Ok((segments, space_segments, org_default_segments))
    }

    /// Fetches stats for processes of STARTED apps with instances > 0. A process deleted since
    /// the list (404) or whose stats backend is down (503) keeps `stats: None` and a warning;
    /// any other failure fails the crawl.
    async fn fill_stats(&self, snapshot: &mut CfSnapshot) -> Result<(), ClientError> {
        let started: HashSet<&str> =
            snapshot.apps.iter().filter(|a| a.state == AppState::Started).map(|a| a.guid.as_str()).collect();
        let wanted: Vec<(usize, String)> = snapshot
            .processes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.stats.is_none() && p.instances > 0 && started.contains(p.app_guid.as_str()))
            .map(|(i, p)| (i, p.guid.clone()))
            .collect();
        let results: Vec<(usize, Result<Vec<InstanceStats>, ClientError>)> = stream::iter(wanted)
            .map(|(i, guid)| async move { (i, self.process_stats(&guid).await) })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut bad_hosts = 0usize;
        for (i, result) in results {
            match result {
                Ok(stats) => {
                    bad_hosts += stats.iter().filter(|s| s.host.is_none() && s.state.holds_container()).count();
                    snapshot.processes[i].stats = Some(stats);
                }
                Err(e) if matches!(e.upstream_status(), Some(404 | 503)) => {
                    snapshot.warnings.push(format!("stats of process {} unavailable: {e}", snapshot.processes[i].guid));
                }
                Err(e) => return Err(e),
            }
        }
        if bad_hosts > 0 {
            snapshot.warnings.push(format!("{bad_hosts} running instance(s) reported no usable cell IP (host)"));
        }
        Ok(())
    }

    /// `/v3/processes/:guid/stats`, converted; sizes stay in bytes.
    pub async fn process_stats(&self, process_guid: &str) -> Result<Vec<InstanceStats>, ClientError> {
        let path = format!("v3/processes/{process_guid}/stats");
        let stats: wire::StatsResponse = self.get("/v3/processes/:guid/stats", &path).await?;
        Ok(stats.resources.into_iter().map(instance_stats).collect())
    }
}

fn instance_stats(entry: wire::StatsEntry) -> InstanceStats {
    let usage = entry.usage;
    InstanceStats {
        index: entry.index,
        state: entry.state,
        host: entry.host.as_deref().map(str::trim).filter(|h| !h.is_empty()).and_then(|h| h.parse::<IpAddr>().ok()),
        mem_quota: entry.mem_quota,
        disk_quota: entry.disk_quota,
        mem: usage.as_ref().and_then(|u| u.mem),
        disk: usage.as_ref().and_then(|u| u.disk),
        cpu: usage.as_ref().and_then(|u| u.cpu).filter(|c| c.is_finite()),
        details: entry.details.filter(|d| !d.is_empty()),
    }
}
