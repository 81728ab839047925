//! Places tasks and LRP instances on the cells of their segment, the way Diego's auction
//! would end up: spread, capacity respected, and DOWN with the placement error when full.

use crate::model::{
    Cell, DownReason, Instance, InstanceState, MAX_CONTAINERS, NO_CELL, PROXY_MEMORY_MB, RunningTask, World,
};
use crate::rng::SplitMix64;

const MIB: u64 = 1024 * 1024;
/// How many cells one placement tries before giving up (keeps the huge profile fast).
const MAX_ATTEMPTS: usize = 64;

struct Need {
    memory_mb: u64,
    disk_mb: u64,
}

/// Why a cell cannot take the workload, in rep's order of checks.
fn misfit(cell: &Cell, need: &Need) -> Option<DownReason> {
    if cell.remaining_memory_mb() < need.memory_mb {
        Some(DownReason::Memory)
    } else if cell.total_disk_mb.saturating_sub(cell.allocated_disk_mb) < need.disk_mb {
        Some(DownReason::Disk)
    } else if cell.containers() >= MAX_CONTAINERS {
        Some(DownReason::Containers)
    } else {
        None
    }
}

pub(super) fn place(rng: &mut SplitMix64, world: &mut World) {
    place_tasks(rng, world);
    let segments = world.segments.len();
    let mut cells_by_segment: Vec<Vec<u32>> = vec![Vec::new(); segments];
    for (i, cell) in world.cells.iter().enumerate() {
        if let Some(list) = cells_by_segment.get_mut(usize::from(cell.segment)) {
            list.push(i as u32);
        }
    }
    let mut cursors = vec![0usize; segments];
    let mut instances = Vec::new();
    for p in 0..world.processes.len() {
        let (app, desired, memory_mb, disk_mb) = {
            let process = &world.processes[p];
            (process.app, process.instances, u64::from(process.memory_mb), u64::from(process.disk_mb))
        };
        world.processes[p].first_instance = instances.len() as u32;
        if !world.apps.get(app as usize).is_some_and(|a| a.started) {
            continue;
        }
        let seg = usize::from(world.app_segment(app));
        let candidates = cells_by_segment.get(seg).map(Vec::as_slice).unwrap_or(&[]);
        let need = Need { memory_mb: memory_mb + PROXY_MEMORY_MB, disk_mb };
        for _ in 0..desired {
            let roll = rng.unit();
            let state = if roll < 0.02 {
                InstanceState::Crashed
            } else if roll < 0.04 {
                InstanceState::Starting
            } else if roll < 0.045 {
                InstanceState::Down
            } else {
                InstanceState::Running
            };
            let mut inst = Instance {
                cell: NO_CELL,
                state,
                down_reason: DownReason::None,
                uptime_secs: 0,
                mem_bytes: 0,
                disk_bytes: 0,
                cpu_centi: 0,
            };
            if state.holds_container() {
                let cursor = cursors.get(seg).copied().unwrap_or(0);
                match find_cell(&world.cells, candidates, cursor, &need) {
                    Ok((cell, next_cursor)) => {
                        if let Some(c) = cursors.get_mut(seg) {
                            *c = next_cursor;
                        }
                        inst.cell = cell;
                        fill_usage(rng, &mut inst, memory_mb, disk_mb);
                        if let Some(cell) = world.cells.get_mut(cell as usize) {
                            reserve(cell, &inst, &need, memory_mb);
                        }
                    }
                    Err(reason) => {
                        inst.state = InstanceState::Down;
                        inst.down_reason = reason;
                    }
                }
            } else if state == InstanceState::Crashed {
                inst.uptime_secs = 0;
            }
            instances.push(inst);
        }
    }
    world.instances = instances;
}

fn find_cell(cells: &[Cell], candidates: &[u32], cursor: usize, need: &Need) -> Result<(u32, usize), DownReason> {
    if candidates.is_empty() {
        return Err(DownReason::Memory);
    }
    let mut first_reason = None;
    for k in 0..candidates.len().min(MAX_ATTEMPTS) {
        let slot = (cursor + k) % candidates.len();
        let index = candidates[slot];
        let Some(cell) = cells.get(index as usize) else { continue };
        match misfit(cell, need) {
            None => return Ok((index, (slot + 1) % candidates.len())),
            Some(reason) => {
                first_reason.get_or_insert(reason);
            }
        }
    }
    Err(first_reason.unwrap_or(DownReason::Memory))
}

fn fill_usage(rng: &mut SplitMix64, inst: &mut Instance, memory_mb: u64, disk_mb: u64) {
    if inst.state != InstanceState::Running {
        // STARTING: container reserved, no metrics yet.
        inst.uptime_secs = rng.below(30) as u32;
        return;
    }
    let mem_share = 0.30 + 0.10 * rng.unit();
    inst.mem_bytes = (memory_mb as f64 * MIB as f64 * mem_share) as u64 + rng.below(4096);
    let disk_share = 0.05 + 0.30 * rng.unit();
    inst.disk_bytes = (disk_mb as f64 * MIB as f64 * disk_share) as u64 + rng.below(4096);
    let load = rng.unit();
    // Most apps idle; a few use up to an eighth of a core.
    inst.cpu_centi = (load * load * 1_200.0) as u32 + 10;
    inst.uptime_secs = rng.range(120, 86_400 * 40) as u32;
}

fn reserve(cell: &mut Cell, inst: &Instance, need: &Need, memory_mb: u64) {
    cell.allocated_memory_mb += need.memory_mb;
    cell.allocated_disk_mb += need.disk_mb;
    cell.instances_memory_mb += memory_mb;
    cell.used_bytes += inst.mem_bytes;
    cell.cpu_centi_total += u64::from(inst.cpu_centi);
    if inst.state == InstanceState::Starting {
        cell.starting += 1;
    } else {
        cell.running += 1;
    }
}

/// Running tasks reserve memory on some cells; only the rep metrics can see them.
fn place_tasks(rng: &mut SplitMix64, world: &mut World) {
    for (i, cell) in world.cells.iter_mut().enumerate() {
        // Cell 0 always runs one, so every profile and seed has tasks somewhere.
        if i > 0 && !rng.chance(0.25) {
            continue;
        }
        for _ in 0..rng.range(1, 2) {
            let memory_mb = rng.weighted(&[(256u32, 3), (512, 4), (1024, 3)]).unwrap_or(512);
            let task = RunningTask { memory_mb, disk_mb: 1024 };
            cell.allocated_memory_mb += u64::from(task.memory_mb);
            cell.allocated_disk_mb += u64::from(task.disk_mb);
            cell.tasks.push(task);
        }
    }
}
