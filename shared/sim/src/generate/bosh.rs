//! BOSH deployments and VMs, including the cells Diego runs on.

use super::{CellShape, EPOCH, ProfileParams};
use crate::model::{Cell, Deployment, Vm, World};
use crate::rng::{SplitMix64, fmt_guid};

const STEMCELL_VERSION: &str = "1.606";

fn ip(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

/// (instance group, count at scale 1, vm_type) of the non-cell VMs of the cf deployment.
const CF_CONTROL_PLANE: &[(&str, u32, &str)] = &[
    ("nats", 2, "medium"),
    ("database", 1, "large.disk"),
    ("uaa", 2, "medium.disk"),
    ("diego_database", 2, "small"),
    ("cloud_controller", 2, "medium.disk"),
    ("cloud_controller_worker", 2, "micro"),
    ("clock_global", 1, "medium.disk"),
    ("diego_brain", 2, "small"),
    ("router", 2, "micro.ram"),
    ("doppler", 2, "medium"),
    ("log_cache", 2, "medium.mem"),
    ("credhub", 2, "medium"),
    ("tcp_router", 1, "micro"),
];

struct Builder<'a> {
    rng: &'a mut SplitMix64,
    world: &'a mut World,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn vm(
        &mut self,
        job: &str,
        index: u32,
        ip: u32,
        vm_type: &'static str,
        shape: (u32, u64, u64),
        cell: Option<u32>,
    ) -> Vm {
        let instance_id = self.rng.guid();
        let agent_id = self.rng.guid();
        let created_at = EPOCH + 86_400 * 90 + self.rng.below(86_400 * 60) as i64;
        Vm {
            job: job.to_owned(),
            index,
            instance_id,
            agent_id,
            vm_cid: format!("vm-{}", fmt_guid(self.rng.guid())),
            ip,
            az: (index % 3) as u8,
            active: true,
            bootstrap: index == 0,
            cell,
            vm_type,
            cpus: shape.0,
            ram_mb: shape.1,
            disk_mb: shape.2,
            created_at,
            vitals_seed: self.rng.next_u64(),
        }
    }

    fn add_cell(&mut self, deployment: u32, job: &str, index: u32, ip: u32, segment: u16, shape: CellShape) -> Vm {
        let cell_index = self.world.cells.len() as u32;
        let vm = self.vm(job, index, ip, shape.vm_type, (shape.cpus, shape.ram_mb, shape.disk_mb), Some(cell_index));
        let deployment_vms = self.world.deployments.get(deployment as usize).map_or(0, |d| d.vms.len());
        // Garden reports a little less than the VM's RAM (kernel, agent, Garden itself).
        let total_memory_mb = shape.ram_mb - shape.ram_mb * 16 / 1000;
        // Ephemeral disk minus the droplet cache and the executor's overhead.
        let total_disk_mb = shape.disk_mb - shape.disk_mb / 10 - 10_240;
        self.world.cells.push(Cell {
            deployment,
            vm: deployment_vms as u32,
            segment,
            ip,
            instance_id: vm.instance_id,
            az: vm.az,
            cpus: shape.cpus,
            ram_mb: shape.ram_mb,
            total_memory_mb,
            total_disk_mb,
            allocated_memory_mb: 0,
            allocated_disk_mb: 0,
            instances_memory_mb: 0,
            used_bytes: 0,
            running: 0,
            starting: 0,
            tasks: Vec::new(),
            cpu_centi_total: 0,
        });
        vm
    }

    fn push_vm(&mut self, deployment: u32, vm: Vm) {
        if let Some(d) = self.world.deployments.get_mut(deployment as usize) {
            d.vms.push(vm);
        }
    }

    fn new_deployment(&mut self, name: String, releases: &[(&str, &str)]) -> u32 {
        self.world.deployments.push(Deployment {
            name,
            releases: releases.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            stemcell_version: STEMCELL_VERSION.to_owned(),
            vms: Vec::new(),
        });
        self.world.deployments.len() as u32 - 1
    }
}

pub(super) fn build(rng: &mut SplitMix64, params: &ProfileParams, cells_per_segment: &[u32], world: &mut World) {
    let mut b = Builder { rng, world };
    let cf_name = format!("cf-{}", b.rng.hex(20));
    let cf = b.new_deployment(
        cf_name,
        &[
            ("bpm", "1.4.20"),
            ("capi", "1.205.0"),
            ("cf-networking", "3.63.0"),
            ("diego", "2.118.0"),
            ("garden-runc", "1.66.0"),
            ("loggregator-agent", "8.3.4"),
            ("routing", "0.336.0"),
            ("uaa", "78.4.0"),
        ],
    );
    let mut next_ip = ip(10, 0, 0, 10);
    for (job, count, vm_type) in CF_CONTROL_PLANE {
        for index in 0..count * params.control_plane_scale {
            let vm = b.vm(job, index, next_ip, vm_type, (2, 8_192, 65_536), None);
            b.push_vm(cf, vm);
            next_ip += 1;
        }
    }
    let shared_cells = cells_per_segment.first().copied().unwrap_or(0);
    let twin = b.rng.below(u64::from(shared_cells.max(1))) as u32;
    for index in 0..shared_cells {
        let cell_ip = ip(10, 0, 16, 10) + index;
        let vm = b.add_cell(cf, "diego_cell", index, cell_ip, 0, params.shared_cell);
        let twin_of = (index == twin).then_some((vm.instance_id, vm.az, vm.bootstrap, vm.created_at));
        // The cell points at the VM slot it was created for, so the active VM goes first.
        b.push_vm(cf, vm);
        if let Some((instance_id, az, bootstrap, created_at)) = twin_of {
            // create-swap-delete left the previous VM of this instance behind, inactive.
            let shape = params.shared_cell;
            let mut old = b.vm(
                "diego_cell",
                index,
                ip(10, 0, 30, 10),
                shape.vm_type,
                (shape.cpus, shape.ram_mb, shape.disk_mb),
                None,
            );
            old.instance_id = instance_id;
            old.active = false;
            old.az = az;
            old.bootstrap = bootstrap;
            old.created_at = created_at - 86_400 * 30;
            b.push_vm(cf, old);
        }
    }

    let segment_names: Vec<String> = b.world.segments.iter().map(|s| s.name.clone()).collect();
    for (seg, name) in segment_names.iter().enumerate().skip(1) {
        let count = cells_per_segment.get(seg).copied().unwrap_or(0);
        let deployment_name = format!("p-isolation-segment-{name}-{}", b.rng.hex(20));
        let d = b.new_deployment(
            deployment_name,
            &[
                ("bpm", "1.4.20"),
                ("cf-networking", "3.63.0"),
                ("diego", "2.118.0"),
                ("garden-runc", "1.66.0"),
                ("loggregator-agent", "8.3.4"),
                ("routing", "0.336.0"),
                ("silk", "3.63.0"),
            ],
        );
        let subnet = 32 + 16 * (seg as u32 - 1);
        let base = ip(10, 0, 0, 10) + (subnet << 8);
        let job = format!("isolated_diego_cell_{name}");
        for index in 0..count {
            let vm = b.add_cell(d, &job, index, base + index, seg as u16, params.isolated_cell);
            b.push_vm(d, vm);
        }
        for index in 0..2 {
            let vm = b.vm(
                &format!("isolated_router_{name}"),
                index,
                base + 4_000 + index,
                "micro.ram",
                (2, 4_096, 32_768),
                None,
            );
            b.push_vm(d, vm);
        }
    }

    let mysql_name = format!("p-mysql-{}", b.rng.hex(20));
    let mysql = b.new_deployment(
        mysql_name,
        &[("bpm", "1.4.20"), ("mysql-backup", "2.39.0"), ("pxc", "1.2.30"), ("routing", "0.336.0")],
    );
    let mut mysql_ip = ip(10, 0, 8, 10);
    for (job, count) in [("mysql", 3), ("proxy", 2), ("backup-restore", 1)] {
        for index in 0..count {
            let vm = b.vm(job, index, mysql_ip, "large.disk", (4, 16_384, 102_400), None);
            b.push_vm(mysql, vm);
            mysql_ip += 1;
        }
    }
}
