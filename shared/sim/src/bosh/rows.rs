//! One VmState result row per VM, as the director writes them (vitals are strings).

use serde_json::{Value, json};

use crate::model::{Cell, Vm, World, az_name, fmt_ip};
use crate::rng::{SplitMix64, fmt_guid};
use crate::timefmt::{now_unix, rfc3339};

const CELL_PROCESSES: &[&str] = &[
    "rep",
    "garden",
    "route_emitter",
    "silk-daemon",
    "netmon",
    "vxlan-policy-agent",
    "loggr-forwarder-agent",
    "loggr-syslog-agent",
    "bosh-dns",
    "bosh-dns-healthcheck",
];

fn processes_for(job: &str) -> Vec<&str> {
    if job == "diego_cell" || job.starts_with("isolated_diego_cell") {
        return CELL_PROCESSES.to_vec();
    }
    let own: &[&str] = match job {
        "router" => &["gorouter"],
        j if j.starts_with("isolated_router") => &["gorouter"],
        "cloud_controller" => &["cloud_controller_ng", "cloud_controller_worker_local_1", "nginx_cc"],
        "diego_brain" => &["auctioneer", "cc_uploader", "file_server", "ssh_proxy", "tps_watcher"],
        "diego_database" => &["bbs", "locket"],
        "doppler" => &["doppler", "reverse_log_proxy"],
        "log_cache" => &["log-cache", "log-cache-gateway", "log-cache-cf-auth-proxy"],
        "mysql" => &["galera-agent", "pxc-mysql", "cluster-health-logger"],
        other => return vec![other, "bosh-dns"],
    };
    own.iter().copied().chain(["loggr-forwarder-agent", "bosh-dns"]).collect()
}

/// Memory in use on the VM (ActualUsed), derived from what runs on it.
fn used_kb(vm: &Vm, cell: Option<&Cell>, rng: &mut SplitMix64) -> u64 {
    let system_kb = 1_600_000 + rng.below(600_000);
    match cell {
        Some(c) => system_kb + c.used_bytes / 1024 + u64::from(c.running) * 12_000,
        None => system_kb + vm.ram_mb * 1024 * rng.range(10, 45) / 100,
    }
}

fn vitals(vm: &Vm, cell: Option<&Cell>, now: i64) -> Value {
    let mut rng = SplitMix64::new(vm.vitals_seed);
    let mem_kb = used_kb(vm, cell, &mut rng);
    let ram_kb = (vm.ram_mb * 1024).max(1);
    let mem_percent = (mem_kb * 100 + ram_kb / 2) / ram_kb;
    // Busy cores in hundredths of a core: instances' CPU on cells, noise elsewhere.
    let busy_centi = match cell {
        Some(c) => c.cpu_centi_total / 100 + rng.below(40),
        None => rng.range(5, 60),
    };
    let vm_percent = (busy_centi as f64 / f64::from(vm.cpus.max(1))).min(97.0);
    let user = vm_percent * 0.8;
    let sys = vm_percent * 0.2 + 0.4;
    let wait = rng.unit() * 1.5;
    let cores = busy_centi as f64 / 100.0;
    let ephemeral = match cell {
        Some(c) => 12 + c.allocated_disk_mb * 40 / (c.total_disk_mb.max(1)),
        None => rng.range(5, 30),
    };
    json!({
        "cpu": {"sys": format!("{sys:.1}"), "user": format!("{user:.1}"), "wait": format!("{wait:.1}")},
        "mem": {"kb": mem_kb.to_string(), "percent": mem_percent.to_string()},
        "swap": {"kb": "0", "percent": "0"},
        "load": [format!("{:.2}", cores * 1.05), format!("{:.2}", cores), format!("{:.2}", cores * 0.95)],
        "disk": {
            "system": {"percent": rng.range(30, 48).to_string(), "inode_percent": rng.range(8, 20).to_string()},
            "ephemeral": {"percent": ephemeral.to_string(), "inode_percent": rng.range(1, 6).to_string()},
        },
        "uptime": {"secs": (now - vm.created_at).max(0)},
    })
}

fn row(world: &World, vm: &Vm, now: i64) -> Value {
    let cell = vm.cell.and_then(|c| world.cells.get(c as usize));
    let mut rng = SplitMix64::new(vm.vitals_seed ^ 0x9E0C);
    let uptime = (now - vm.created_at).max(0);
    let processes: Vec<Value> = processes_for(&vm.job)
        .into_iter()
        .map(|name| {
            let kb = rng.range(8_000, 250_000);
            json!({
                "name": name,
                "state": "running",
                "uptime": {"secs": uptime - rng.below(120) as i64},
                "mem": {"kb": kb, "percent": (kb as f64 * 1000.0 / (vm.ram_mb as f64 * 1024.0)).round() / 10.0},
                "cpu": {"total": (rng.unit() * 30.0).round() / 10.0},
            })
        })
        .collect();
    json!({
        "vm_cid": vm.vm_cid,
        "active": vm.active,
        "vm_created_at": rfc3339(vm.created_at),
        "cloud_properties": {"cpu": vm.cpus, "ram": vm.ram_mb, "disk": vm.disk_mb},
        "disk_cid": null,
        "disk_cids": [],
        "ips": [fmt_ip(vm.ip)],
        "dns": [],
        "agent_id": fmt_guid(vm.agent_id),
        "job_name": vm.job,
        "index": vm.index,
        "job_state": "running",
        "state": "started",
        "vm_type": vm.vm_type,
        "resource_pool": vm.vm_type,
        "vitals": vitals(vm, cell, now),
        "processes": processes,
        "az": az_name(vm.az),
        "id": fmt_guid(vm.instance_id),
        "bootstrap": vm.bootstrap,
        "ignore": false,
        "stemcell": {"name": "bosh-vsphere-esxi-ubuntu-jammy-go_agent", "version": "1.606", "api_version": 3},
    })
}

/// The task result: one JSON object per line. `instances_only` keeps active VMs only.
pub(crate) fn ndjson(world: &World, deployment: u32, instances_only: bool) -> String {
    let now = now_unix();
    let mut out = String::new();
    if let Some(d) = world.deployments.get(deployment as usize) {
        for vm in d.vms.iter().filter(|vm| !instances_only || vm.active) {
            out.push_str(&row(world, vm, now).to_string());
            out.push('\n');
        }
    }
    out
}
