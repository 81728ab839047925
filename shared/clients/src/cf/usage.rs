//! Placement and usage of instances from Log Cache container metrics instead of one stats call
//! per process. Each running instance's `memory` and `memory_quota` gauges carry the cell's `ip`
//! tag, the app guid (`source_id`), the process guid (`process_id`) and the index
//! (`instance_id`): two PromQL queries per batch of apps place and size every running instance.
//! States come from `embed=process_instances` on the process list.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use capacity_core::snapshot::{AppState, CfSnapshot, InstanceState, InstanceStats};
use futures::{StreamExt, TryStreamExt, stream};
use serde::Deserialize;

use super::CfClient;
use crate::ClientError;
use crate::log_cache::LogCacheClient;

/// Apps per PromQL query: Log Cache's auth proxy looks every source id up in CC, so batches stay
/// modest; 100 guids keep the URL under 4 KB.
pub const APPS_PER_QUERY: usize = 100;

#[derive(Debug, Clone, Copy)]
enum Metric {
    Memory,
    Quota,
}

/// The labels of a container gauge that place it; the dozen others are skipped unread.
#[derive(Debug, Deserialize)]
struct ContainerLabels {
    process_id: Option<String>,
    instance_id: Option<String>,
    ip: Option<String>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Gauges {
    ip: Option<IpAddr>,
    memory: Option<u64>,
    quota: Option<u64>,
}

impl CfClient {
    /// Fills `stats` of the processes Log Cache can describe completely; the others keep
    /// `stats: None` for the stats fallback. A Log Cache failure leaves everything to the
    /// fallback, with a warning.
    pub(super) async fn usage_from_log_cache(
        &self,
        snapshot: &mut CfSnapshot,
        states: &[Option<Vec<(u32, InstanceState)>>],
        log_cache: &LogCacheClient,
    ) {
        let started: HashSet<&str> =
            snapshot.apps.iter().filter(|a| a.state == AppState::Started).map(|a| a.guid.as_str()).collect();
        let mut wanted_apps: Vec<String> = snapshot
            .processes
            .iter()
            .filter(|p| p.instances > 0 && started.contains(p.app_guid.as_str()))
            .map(|p| p.app_guid.clone())
            .collect();
        wanted_apps.sort_unstable();
        wanted_apps.dedup();
        let gauges = match self.container_gauges(&wanted_apps, log_cache).await {
            Ok(g) => g,
            Err(e) => {
                snapshot.warnings.push(format!("Log Cache container metrics unavailable, reading stats instead: {e}"));
                return;
            }
        };
        let mut from_log_cache = 0usize;
        for (process, states) in snapshot.processes.iter_mut().zip(states) {
            if process.instances == 0 || !started.contains(process.app_guid.as_str()) {
                continue;
            }
            let Some(states) = states else { continue };
            let mut stats = Vec::with_capacity(states.len());
            let mut complete = true;
            for &(index, state) in states {
                let g = gauges
                    .get(process.guid.as_str())
                    .and_then(|by_index| by_index.get(&index))
                    .copied()
                    .unwrap_or_default();
                if state.holds_container() && (g.ip.is_none() || g.memory.is_none()) {
                    // No metrics yet (STARTING) or a gap: only stats can place this one.
                    complete = false;
                    break;
                }
                let placed = state.holds_container();
                stats.push(InstanceStats {
                    index,
                    state,
                    host: g.ip.filter(|_| placed),
                    mem_quota: g.quota.filter(|_| placed),
                    disk_quota: None,
                    mem: g.memory.filter(|_| placed),
                    disk: None,
                    cpu: None,
                    details: None,
                });
            }
            if complete {
                process.stats = Some(stats);
                from_log_cache += 1;
            }
        }
        tracing::debug!(processes = from_log_cache, "instance usage read from Log Cache");
    }

    async fn container_gauges(
        &self,
        apps: &[String],
        log_cache: &LogCacheClient,
    ) -> Result<HashMap<String, HashMap<u32, Gauges>>, ClientError> {
        let queries: Vec<(Metric, String)> = apps
            .chunks(APPS_PER_QUERY)
            .flat_map(|batch| {
                let ids = batch.join("|");
                [
                    (Metric::Memory, format!("memory{{source_id=~\"{ids}\"}}")),
                    (Metric::Quota, format!("memory_quota{{source_id=~\"{ids}\"}}")),
                ]
            })
            .collect();
        // Each batch is folded into `gauges` as it arrives: holding every batch's samples (all
        // their labels) until the last one came back cost about 1.5 KB per instance and metric.
        let gauges = stream::iter(queries)
            .map(|(metric, promql)| async move {
                Ok::<_, ClientError>((metric, log_cache.query_as::<ContainerLabels>(&promql).await?))
            })
            .buffer_unordered(self.concurrency)
            .try_fold(HashMap::new(), |mut gauges, (metric, samples)| async move {
                fold_samples(&mut gauges, metric, samples);
                Ok(gauges)
            })
            .await?;
        Ok(gauges)
    }
}

/// Adds one query's samples to the gauges of each process instance.
fn fold_samples(
    gauges: &mut HashMap<String, HashMap<u32, Gauges>>,
    metric: Metric,
    samples: Vec<(ContainerLabels, f64)>,
) {
    for (labels, value) in samples {
        let (Some(process), Some(index)) = (labels.process_id, labels.instance_id.and_then(|i| i.parse::<u32>().ok()))
        else {
            continue;
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let value = (value.is_finite() && value >= 0.0).then(|| value.round() as u64);
        let entry = gauges.entry(process).or_default().entry(index).or_default();
        if entry.ip.is_none() {
            entry.ip = labels.ip.and_then(|ip| ip.parse().ok());
        }
        match metric {
            Metric::Memory => entry.memory = value,
            Metric::Quota => entry.quota = value,
        }
    }
}
