//! Deterministic generation of a foundation from (profile, seed).

mod bosh;
mod placement;
mod topology;
pub(crate) mod workload;

use crate::config::Profile;
use crate::model::{Indexes, World};
use crate::rng::{SplitMix64, mix};

/// Unix time the generated history is anchored to (2025-06-01T00:00:00Z), so timestamps do
/// not depend on when the simulator runs.
pub(crate) const EPOCH: i64 = 1_748_736_000;

/// VM shape of a cell.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellShape {
    pub(crate) cpus: u32,
    pub(crate) ram_mb: u64,
    pub(crate) disk_mb: u64,
    pub(crate) vm_type: &'static str,
}

const CELL_4_32: CellShape = CellShape { cpus: 4, ram_mb: 32_768, disk_mb: 131_072, vm_type: "xlarge.mem" };
const CELL_8_64: CellShape = CellShape { cpus: 8, ram_mb: 65_536, disk_mb: 262_144, vm_type: "2xlarge.mem" };
const CELL_16_128: CellShape = CellShape { cpus: 16, ram_mb: 131_072, disk_mb: 524_288, vm_type: "4xlarge.mem" };

#[derive(Debug, Clone, Copy)]
pub(crate) struct ProfileParams {
    pub(crate) cells: u32,
    pub(crate) apps: u32,
    pub(crate) orgs: u32,
    pub(crate) isolation_segments: usize,
    pub(crate) shared_cell: CellShape,
    pub(crate) isolated_cell: CellShape,
    /// Many instances per app, to reach ~250k instances in the huge profile.
    pub(crate) dense: bool,
    /// Multiplier for non-cell instance groups (routers, api, doppler...).
    pub(crate) control_plane_scale: u32,
}

impl ProfileParams {
    pub(crate) fn of(profile: Profile) -> Self {
        match profile {
            Profile::Small => Self {
                cells: 10,
                apps: 200,
                orgs: 4,
                isolation_segments: 2,
                shared_cell: CELL_4_32,
                isolated_cell: CELL_8_64,
                dense: false,
                control_plane_scale: 1,
            },
            Profile::Medium => Self {
                cells: 100,
                apps: 2_000,
                orgs: 12,
                isolation_segments: 2,
                shared_cell: CELL_4_32,
                isolated_cell: CELL_8_64,
                dense: false,
                control_plane_scale: 1,
            },
            Profile::Large => Self {
                cells: 500,
                apps: 20_000,
                orgs: 40,
                isolation_segments: 3,
                shared_cell: CELL_8_64,
                isolated_cell: CELL_8_64,
                dense: false,
                control_plane_scale: 2,
            },
            Profile::Huge => Self {
                cells: 1_000,
                apps: 50_000,
                orgs: 80,
                isolation_segments: 3,
                shared_cell: CELL_16_128,
                isolated_cell: CELL_16_128,
                dense: true,
                control_plane_scale: 3,
            },
        }
    }
}

/// Builds the whole foundation. Pure: same inputs, same world.
pub(crate) fn generate(profile: Profile, seed: u64) -> World {
    let params = ProfileParams::of(profile);
    let salt = match profile {
        Profile::Small => 0x5111,
        Profile::Medium => 0x3ed1,
        Profile::Large => 0x1a46,
        Profile::Huge => 0x4a9e,
    };
    let mut rng = SplitMix64::new(mix(seed, salt));

    let topo = topology::build(&mut rng, &params);
    let mut world = World {
        profile,
        seed,
        orgs: topo.orgs,
        spaces: topo.spaces,
        segments: topo.segments,
        apps: Vec::new(),
        processes: Vec::new(),
        instances: Vec::new(),
        cells: Vec::new(),
        deployments: Vec::new(),
        index: Indexes::default(),
    };
    let cells_per_segment = topology::cells_per_segment(&params, world.segments.len());
    bosh::build(&mut rng, &params, &cells_per_segment, &mut world);
    workload::build(&mut rng, &params, &mut world);
    placement::place(&mut rng, &mut world);
    build_indexes(&mut world);
    world
}

fn build_indexes(world: &mut World) {
    let index = &mut world.index;
    index.apps = world.apps.iter().enumerate().map(|(i, a)| (a.guid, i as u32)).collect();
    index.processes = world.processes.iter().enumerate().map(|(i, p)| (p.guid, i as u32)).collect();
    index.spaces = world.spaces.iter().enumerate().map(|(i, s)| (s.guid, i as u32)).collect();
    index.orgs = world.orgs.iter().enumerate().map(|(i, o)| (o.guid, i as u32)).collect();
    index.segments = world.segments.iter().enumerate().map(|(i, s)| (s.guid, i as u16)).collect();
    index.deployments = world.deployments.iter().enumerate().map(|(i, d)| (d.name.clone(), i as u32)).collect();
}

/// Target share of each segment's memory that the generated workload should reserve.
/// Segment 2 (an org's default) is deliberately over-subscribed so some instances are DOWN
/// with `insufficient resources: memory`.
pub(crate) fn target_load(segment: u16) -> f64 {
    match segment {
        0 => 0.58,
        1 => 0.50,
        2 => 1.05,
        _ => 0.66,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InstanceState, SHARED};

    #[test]
    fn small_world_has_the_required_shapes() {
        let world = generate(Profile::Small, 1);
        assert_eq!(world.cells.len(), 10);
        assert_eq!(world.apps.len(), 200);
        assert!(world.segments.len() >= 3);
        assert!(world.spaces.iter().any(|s| s.assigned_segment == Some(SHARED)));
        assert!(world.orgs.iter().any(|o| o.default_segment.is_some()));
        assert!(world.spaces.iter().any(|s| s.assigned_segment.is_some_and(|g| g != SHARED)));
        let stopped = world.apps.iter().filter(|a| !a.started).count();
        assert!(stopped > 0);
        for state in [InstanceState::Running, InstanceState::Starting, InstanceState::Crashed, InstanceState::Down] {
            assert!(world.instances.iter().any(|i| i.state == state), "{state:?}");
        }
        assert!(world.instances.iter().any(|i| i.down_reason.details().is_some()));
        assert!(world.cells.iter().any(|c| !c.tasks.is_empty()));
        for cell in &world.cells {
            assert!(cell.allocated_memory_mb <= cell.total_memory_mb);
            assert!(cell.containers() <= crate::model::MAX_CONTAINERS);
        }
    }

    #[test]
    fn placement_respects_segments() {
        let world = generate(Profile::Small, 5);
        for process in &world.processes {
            let segment = world.app_segment(process.app);
            for inst in world.process_instances(process) {
                if inst.cell != crate::model::NO_CELL {
                    assert_eq!(world.cells[inst.cell as usize].segment, segment);
                }
            }
        }
    }
}
