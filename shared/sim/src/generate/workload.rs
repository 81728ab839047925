//! Apps and processes: sizes drawn from plausible distributions, then scaled per segment so
//! each segment lands near its target reservation.

use super::{EPOCH, ProfileParams, target_load};
use crate::model::{App, PROXY_MEMORY_MB, Process, ProcessType, SHARED, World};
use crate::rng::SplitMix64;

const NAME_FIRST: &[&str] = &[
    "api",
    "web",
    "orders",
    "catalog",
    "billing",
    "search",
    "auth",
    "notify",
    "report",
    "ingest",
    "export",
    "profile",
    "cart",
    "inventory",
    "pricing",
    "ledger",
    "gateway",
    "events",
];
const NAME_SECOND: &[&str] = &["service", "app", "backend", "ui", "processor", "adapter", "proxy", "sync"];

pub(crate) const BUILDPACKS: &[&str] = &[
    "java_buildpack_offline",
    "nodejs_buildpack",
    "go_buildpack",
    "python_buildpack",
    "staticfile_buildpack",
    "dotnet_core_buildpack",
    "binary_buildpack",
];
/// `buildpack` value meaning a docker-lifecycle app.
pub(crate) const DOCKER: u8 = u8::MAX;

const MEMORY_MB: &[(u32, u32)] = &[(128, 5), (256, 20), (512, 30), (768, 10), (1024, 25), (2048, 8), (4096, 2)];
const DISK_MB: &[(u32, u32)] = &[(512, 10), (1024, 75), (2048, 15)];
const WEB_INSTANCES: &[(u32, u32)] = &[(1, 45), (2, 30), (3, 12), (4, 8), (6, 3), (10, 2)];
const WEB_INSTANCES_DENSE: &[(u32, u32)] = &[(2, 25), (3, 25), (4, 20), (5, 10), (6, 8), (8, 7), (10, 3), (16, 2)];
const WORKER_INSTANCES: &[(u32, u32)] = &[(0, 33), (1, 45), (2, 22)];
const WORKER_INSTANCES_DENSE: &[(u32, u32)] = &[(0, 30), (2, 30), (4, 25), (8, 15)];

pub(super) fn build(rng: &mut SplitMix64, params: &ProfileParams, world: &mut World) {
    let segments = world.segments.len();
    let mut spaces_by_segment: Vec<Vec<u32>> = vec![Vec::new(); segments];
    for space in 0..world.spaces.len() as u32 {
        let seg = usize::from(world.effective_segment(space));
        if let Some(list) = spaces_by_segment.get_mut(seg) {
            list.push(space);
        }
    }
    let mut capacity_mb = vec![0u64; segments];
    for cell in &world.cells {
        if let Some(c) = capacity_mb.get_mut(usize::from(cell.segment)) {
            *c += cell.total_memory_mb;
        }
    }
    let weights: Vec<(u16, u32)> = (0..segments as u16)
        .filter(|s| spaces_by_segment.get(usize::from(*s)).is_some_and(|l| !l.is_empty()))
        .map(|s| {
            let cap = capacity_mb.get(usize::from(s)).copied().unwrap_or(0) as f64;
            // Apps spread by capacity alone, so every segment has the same instance density
            // and the over-subscribed one runs out of memory (not container slots) first.
            (s, (cap / 1024.0).max(1.0) as u32)
        })
        .collect();

    let step = (86_400 * 200 / i64::from(params.apps.max(1))).max(1);
    let (web_dist, worker_dist) =
        if params.dense { (WEB_INSTANCES_DENSE, WORKER_INSTANCES_DENSE) } else { (WEB_INSTANCES, WORKER_INSTANCES) };
    for i in 0..params.apps {
        let seg = rng.weighted(&weights).unwrap_or(SHARED);
        let candidates = spaces_by_segment.get(usize::from(seg)).map(Vec::as_slice).unwrap_or(&[]);
        let space = candidates.get(rng.below(candidates.len() as u64) as usize).copied().unwrap_or(0);
        let first = NAME_FIRST[rng.below(NAME_FIRST.len() as u64) as usize];
        let second = NAME_SECOND[rng.below(NAME_SECOND.len() as u64) as usize];
        let started = !rng.chance(0.10);
        let buildpack = if rng.chance(0.05) { DOCKER } else { rng.below(BUILDPACKS.len() as u64) as u8 };
        let created_at = EPOCH + 86_400 * 100 + i64::from(i) * step + rng.below(step as u64) as i64;
        let updated_at = created_at + rng.below(86_400 * 30) as i64;
        let app_index = world.apps.len() as u32;
        let first_process = world.processes.len() as u32;
        let mut kinds = vec![ProcessType::Web];
        if rng.chance(0.25) {
            kinds.push(ProcessType::Worker);
        }
        for kind in &kinds {
            let dist = if *kind == ProcessType::Web { web_dist } else { worker_dist };
            world.processes.push(Process {
                guid: rng.guid(),
                app: app_index,
                kind: *kind,
                instances: rng.weighted(dist).unwrap_or(1),
                memory_mb: rng.weighted(MEMORY_MB).unwrap_or(512),
                disk_mb: rng.weighted(DISK_MB).unwrap_or(1024),
                log_rate_limit: if rng.chance(0.7) { -1 } else { 16_384 },
                first_instance: 0,
            });
        }
        world.apps.push(App {
            guid: rng.guid(),
            name: format!("{first}-{second}-{i}"),
            space,
            started,
            buildpack,
            created_at,
            updated_at,
            first_process,
            process_count: kinds.len() as u32,
        });
    }
    scale_memory(world, &capacity_mb);
}

/// Scales process memory so each segment's reservation (memory + proxy) meets its target.
fn scale_memory(world: &mut World, capacity_mb: &[u64]) {
    let segments = capacity_mb.len();
    let mut memory = vec![0u64; segments];
    let mut instances = vec![0u64; segments];
    let app_segments: Vec<u16> = (0..world.apps.len() as u32).map(|a| world.app_segment(a)).collect();
    for process in &world.processes {
        let app = process.app as usize;
        if !world.apps.get(app).is_some_and(|a| a.started) {
            continue;
        }
        let seg = usize::from(app_segments.get(app).copied().unwrap_or(SHARED));
        if let (Some(m), Some(n)) = (memory.get_mut(seg), instances.get_mut(seg)) {
            *m += u64::from(process.memory_mb) * u64::from(process.instances);
            *n += u64::from(process.instances);
        }
    }
    let factors: Vec<f64> = (0..segments)
        .map(|s| {
            let budget = capacity_mb[s] as f64 * target_load(s as u16) - (PROXY_MEMORY_MB * instances[s]) as f64;
            if memory[s] == 0 { 1.0 } else { (budget / memory[s] as f64).max(0.05) }
        })
        .collect();
    for process in &mut world.processes {
        let seg = usize::from(app_segments.get(process.app as usize).copied().unwrap_or(SHARED));
        let factor = factors.get(seg).copied().unwrap_or(1.0);
        let scaled = (f64::from(process.memory_mb) * factor / 64.0).round() as u32 * 64;
        process.memory_mb = scaled.max(64);
    }
}
