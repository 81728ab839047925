//! Hand-computed fixtures for the analysis. Every expected number is derived in a comment.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::*;
use crate::snapshot::*;
use crate::units::MIB;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

fn vm(deployment: &str, group: &str, index: u32, addr: &str, ram: Option<u64>, active: bool) -> BoshVm {
    BoshVm {
        deployment: deployment.into(),
        instance_group: group.into(),
        index: Some(index),
        instance_id: format!("{group}-{index}-uuid"),
        vm_cid: format!("vm-{addr}"),
        ips: vec![ip(addr)],
        az: Some("az1".into()),
        active,
        vm_type: None,
        job_state: Some("running".into()),
        cloud_ram_mb: ram,
        cloud_cpus: Some(4),
        vitals: Some(Vitals {
            cpu_user: Some(20.0),
            cpu_sys: Some(4.0),
            cpu_wait: Some(1.0),
            mem_kb: Some(8 * 1024 * 1024),
            mem_percent: Some(25.0),
            ..Vitals::default()
        }),
    }
}

fn rep(addr: &str, total: u64, remaining: u64, tag: Option<&str>) -> RepCell {
    RepCell {
        ip: ip(addr),
        instance_id: Some(format!("rep-{addr}")),
        memory_total_mb: Some(total),
        memory_remaining_mb: Some(remaining),
        containers_total: Some(250),
        containers_remaining: Some(240),
        placement_tags: tag.into_iter().map(str::to_owned).collect(),
        ..RepCell::at(ip(addr))
    }
}

fn running(index: u32, host: &str, quota_mb: u64, used_mb: u64) -> InstanceStats {
    InstanceStats {
        index,
        state: InstanceState::Running,
        host: Some(ip(host)),
        mem_quota: Some(quota_mb * MIB),
        disk_quota: Some(1024 * MIB),
        mem: Some(used_mb * MIB),
        disk: Some(100 * MIB),
        cpu: Some(0.1),
        details: None,
    }
}

fn state_only(index: u32, state: InstanceState) -> InstanceStats {
    InstanceStats {
        index,
        state,
        host: None,
        mem_quota: None,
        disk_quota: None,
        mem: None,
        disk: None,
        cpu: None,
        details: None,
    }
}

fn process(guid: &str, app: &str, instances: u32, memory: u64, stats: Option<Vec<InstanceStats>>) -> Process {
    Process {
        guid: guid.into(),
        app_guid: app.into(),
        process_type: "web".into(),
        instances,
        memory_in_mb: memory,
        disk_in_mb: 1024,
        stats,
    }
}

fn app(guid: &str, space: &str, state: AppState) -> App {
    App { guid: guid.into(), name: format!("{guid}-name"), state, space_guid: space.into() }
}

/// Shared cells .1/.2 (32 GiB VMs, rep total 32000), isolated cell .10 of segment `iso`
/// (64 GiB VM, rep total 64000). Org `o1` defaults to `iso`; space `s1` (org o1) has no
/// assignment → iso; space `s2` (org o1) is explicitly assigned to shared → shared; space `s3`
/// (org o2, no default) → shared.
fn cf_fixture() -> CfSnapshot {
    CfSnapshot {
        collected_at: 1_700_000_000,
        api_version: None,
        organizations: vec![
            Organization { guid: "o1".into(), name: "org-one".into() },
            Organization { guid: "o2".into(), name: "org-two".into() },
        ],
        spaces: vec![
            Space { guid: "s1".into(), name: "space-one".into(), organization_guid: "o1".into() },
            Space { guid: "s2".into(), name: "space-two".into(), organization_guid: "o1".into() },
            Space { guid: "s3".into(), name: "space-three".into(), organization_guid: "o2".into() },
        ],
        isolation_segments: vec![
            IsolationSegment { guid: SHARED_SEGMENT_GUID.into(), name: "shared".into() },
            IsolationSegment { guid: "seg-iso".into(), name: "iso".into() },
            IsolationSegment { guid: "seg-empty".into(), name: "empty".into() },
        ],
        space_segments: BTreeMap::from([("s2".into(), SHARED_SEGMENT_GUID.into())]),
        org_default_segments: BTreeMap::from([("o1".into(), "seg-iso".into())]),
        apps: vec![
            app("a-iso", "s1", AppState::Started),
            app("a-shared", "s3", AppState::Started),
            app("a-override", "s2", AppState::Started),
            app("a-stopped", "s3", AppState::Stopped),
        ],
        processes: vec![
            // iso app: 2 × 2048 MiB on the isolated cell; one instance crashed.
            process(
                "p-iso",
                "a-iso",
                3,
                2048,
                Some(vec![
                    running(0, "10.0.0.10", 2048, 500),
                    running(1, "10.0.0.10", 2048, 700),
                    state_only(2, InstanceState::Crashed),
                ]),
            ),
            // shared app: 1024 MiB on .1 and .2, one DOWN (never placed).
            process(
                "p-shared",
                "a-shared",
                3,
                1024,
                Some(vec![
                    running(0, "10.0.0.1", 1024, 300),
                    running(1, "10.0.0.2", 1024, 400),
                    state_only(2, InstanceState::Down),
                ]),
            ),
            // override app: 1 × 4096 MiB on .1, using 1000 MiB.
            process("p-override", "a-override", 1, 4096, Some(vec![running(0, "10.0.0.1", 4096, 1000)])),
            // stopped app: 5 × 512 desired, no stats, no demand.
            process("p-stopped", "a-stopped", 5, 512, None),
        ],
        warnings: vec![],
    }
}

fn bosh_fixture() -> BoshSnapshot {
    BoshSnapshot {
        collected_at: 1_700_000_000,
        director_name: "d".into(),
        director_version: "282".into(),
        deployments: vec!["cf-abc".into(), "p-isolation-segment-iso-def".into()],
        vms: vec![
            vm("cf-abc", "diego_cell", 0, "10.0.0.1", Some(32768), true),
            vm("cf-abc", "diego_cell", 1, "10.0.0.2", Some(32768), true),
            // The inactive twin of cell 1 must not count.
            vm("cf-abc", "diego_cell", 1, "10.0.0.99", Some(32768), false),
            vm("cf-abc", "router", 0, "10.0.0.50", Some(4096), true),
            vm("p-isolation-segment-iso-def", "isolated_diego_cell_iso", 0, "10.0.0.10", Some(65536), true),
        ],
    }
}

/// Rep: .1 allocated 5152 (1024+32 + 4096+32 = 5184 minus nothing… the rep also sees a task of
/// 0 MiB here, so we set remaining explicitly): total 32000, remaining 26816 → allocated 5184.
/// .2: 1024+32 = 1056 → remaining 30944. .10: 2×(2048+32) = 4160 + a 1000 MiB task = 5160 →
/// remaining 58840.
fn rep_fixture() -> RepSnapshot {
    RepSnapshot {
        collected_at: 1_700_000_000,
        cells: vec![
            rep("10.0.0.1", 32000, 26816, None),
            rep("10.0.0.2", 32000, 30944, None),
            rep("10.0.0.10", 64000, 58840, Some("iso")),
        ],
    }
}

fn cell<'a>(a: &'a FoundationAnalysis, addr: &str) -> &'a CellCapacity {
    let wanted = ip(addr);
    a.cells.iter().find(|c| c.ip == wanted).unwrap_or_else(|| panic!("no cell {addr}"))
}

fn segment<'a>(a: &'a FoundationAnalysis, name: &str) -> &'a SegmentCapacity {
    a.segments.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no segment {name}"))
}

fn full() -> FoundationAnalysis {
    analyse(&cf_fixture(), Some(&bosh_fixture()), Some(&rep_fixture()), &AnalysisOptions::default())
}

#[test]
fn cells_join_on_ip_and_prefer_the_rep_figures() {
    let a = full();
    assert_eq!(
        a.cells.len(),
        3,
        "router and inactive VM excluded: {:?}",
        a.cells.iter().map(|c| c.ip).collect::<Vec<_>>()
    );
    let c1 = cell(&a, "10.0.0.1");
    assert_eq!(c1.name, "diego_cell/0");
    assert_eq!(c1.memory.capacity_mb, Some(32000));
    assert_eq!(c1.memory.capacity_source, Provenance::RepMetric);
    assert_eq!(c1.memory.allocated_mb, 5184);
    assert_eq!(c1.memory.allocated_source, Provenance::RepMetric);
    // CF sees only the quotas: 1024 + 4096.
    assert_eq!(c1.memory.allocated_instances_mb, 5120);
    assert_eq!(c1.memory.used_mb, 1300);
    assert_eq!(c1.memory.free_mb, Some(32000 - 5184));
    assert_eq!(c1.containers.app_instances, 2);
    assert_eq!(c1.containers.used, Some(10));
    assert_eq!(c1.segment, "shared");
    let busy = c1.cpu_percent.unwrap_or_default();
    assert!((busy - 25.0).abs() < 1e-9);
}

#[test]
fn isolated_cell_takes_its_placement_tag() {
    let a = full();
    let c = cell(&a, "10.0.0.10");
    assert_eq!(c.segment, "iso");
    assert_eq!(c.segment_source, SegmentSource::PlacementTag);
    assert_eq!(c.memory.allocated_mb, 5160, "includes the task the CF stats cannot see");
    assert_eq!(c.memory.allocated_instances_mb, 4096);
    assert_eq!(c.memory.used_mb, 1200);
}

#[test]
fn without_log_cache_capacity_comes_from_bosh_and_allocation_from_cf() {
    let a = analyse(&cf_fixture(), Some(&bosh_fixture()), None, &AnalysisOptions::default());
    let c1 = cell(&a, "10.0.0.1");
    assert_eq!(c1.memory.capacity_mb, Some(32768));
    assert_eq!(c1.memory.capacity_source, Provenance::BoshCloudProperties);
    assert_eq!(c1.memory.allocated_mb, 5120);
    assert_eq!(c1.memory.allocated_source, Provenance::CfInstances);
    assert_eq!(c1.memory.allocated_rep_mb, None);
    // Without the placement tag the iso cell is recognised by the apps placed on it.
    let iso = cell(&a, "10.0.0.10");
    assert_eq!(iso.segment, "iso");
    assert_eq!(iso.segment_source, SegmentSource::PlacedInstances);
}

#[test]
fn bosh_vitals_estimate_capacity_when_cloud_properties_are_missing() {
    let mut bosh = bosh_fixture();
    for vm in &mut bosh.vms {
        vm.cloud_ram_mb = None;
    }
    let a = analyse(&cf_fixture(), Some(&bosh), None, &AnalysisOptions::default());
    // 8 GiB in use at 25 % → 32 GiB of RAM.
    let c1 = cell(&a, "10.0.0.1");
    assert_eq!(c1.memory.capacity_mb, Some(32768));
    assert_eq!(c1.memory.capacity_source, Provenance::BoshVitals);
}

#[test]
fn empty_isolated_cell_is_named_by_its_instance_group() {
    let mut cf = cf_fixture();
    cf.processes.retain(|p| p.guid != "p-iso");
    let a = analyse(&cf, Some(&bosh_fixture()), None, &AnalysisOptions::default());
    let iso = cell(&a, "10.0.0.10");
    assert_eq!(iso.segment, "iso");
    assert_eq!(iso.segment_source, SegmentSource::InstanceGroupName);
}

#[test]
fn cf_only_cells_have_unknown_or_configured_capacity() {
    let a = analyse(&cf_fixture(), None, None, &AnalysisOptions::default());
    assert_eq!(a.cells.len(), 3);
    assert!(a.cells.iter().all(|c| c.memory.capacity_mb.is_none() && c.memory.capacity_source == Provenance::Unknown));
    assert!(a.notes.iter().any(|n| n.contains("no known memory capacity")));
    let configured = AnalysisOptions { configured_cell_memory_mb: Some(30000), ..AnalysisOptions::default() };
    let a = analyse(&cf_fixture(), None, None, &configured);
    assert!(
        a.cells
            .iter()
            .all(|c| c.memory.capacity_mb == Some(30000) && c.memory.capacity_source == Provenance::Configured)
    );
}

#[test]
fn apps_follow_space_then_org_default_then_shared() {
    let a = full();
    let seg = |guid: &str| a.apps.iter().find(|x| x.guid == guid).map(|x| x.segment.clone()).unwrap_or_default();
    assert_eq!(seg("a-iso"), "iso", "org default applies");
    assert_eq!(seg("a-override"), "shared", "explicit shared assignment overrides the org default");
    assert_eq!(seg("a-shared"), "shared", "no assignment, no default");
}

#[test]
fn stopped_apps_request_nothing_and_instance_states_are_counted() {
    let a = full();
    let stopped = a.apps.iter().find(|x| x.guid == "a-stopped").map(|x| (x.requested_mb, x.instances, x.used_mb));
    assert_eq!(stopped, Some((0, 5, None)));
    let iso = a.apps.iter().find(|x| x.guid == "a-iso").cloned();
    let iso = iso.unwrap_or_else(|| panic!("missing a-iso"));
    assert_eq!(iso.requested_mb, 3 * 2048);
    assert_eq!(iso.used_mb, Some(1200));
    assert_eq!(iso.instance_states, InstanceCounts { running: 2, crashed: 1, ..InstanceCounts::default() });
    // requested = 3×2048 + 3×1024 + 4096; the stopped app's 5×512 is excluded.
    assert_eq!(a.totals.requested_mb, 6144 + 3072 + 4096);
    assert_eq!(a.totals.apps, 4);
    assert_eq!(a.totals.apps_started, 3);
    assert_eq!(a.totals.instance_states.down, 1);
}

#[test]
fn segments_sum_their_cells_and_apps() {
    let a = full();
    assert_eq!(a.segments.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["shared", "empty", "iso"]);
    let shared = segment(&a, "shared");
    assert_eq!(shared.cells, 2);
    assert_eq!(shared.capacity_mb, 64000);
    assert_eq!(shared.allocated_mb, 5184 + 1056);
    assert_eq!(shared.used_mb, 1700);
    assert_eq!(shared.requested_mb, 3072 + 4096);
    assert_eq!(shared.guid.as_deref(), Some(SHARED_SEGMENT_GUID));
    // N−1: 64000 − 32000 = 32000 left ≥ 6240 allocated.
    assert_eq!(shared.n_minus_one.capacity_without_largest_mb, 32000);
    assert!(shared.n_minus_one.fits);
    // Free chunks per cell: ⌊26816/4096⌋ + ⌊30944/4096⌋ = 6 + 7.
    assert_eq!(shared.free_chunks, 13);
    let iso = segment(&a, "iso");
    // One cell: losing it leaves nothing.
    assert_eq!(iso.n_minus_one.capacity_without_largest_mb, 0);
    assert!(!iso.n_minus_one.fits);
    assert_eq!(iso.n_minus_one.utilization_percent, None);
    let empty = segment(&a, "empty");
    assert_eq!((empty.cells, empty.capacity_mb, empty.requested_mb), (0, 0, 0));
    assert_eq!(a.totals.segments_failing_n_minus_one, 1);
    assert_eq!(a.totals.capacity_mb, 128_000);
    assert_eq!(a.totals.free_chunks, 13 + 58840 / 4096);
}

#[test]
fn free_chunks_are_per_cell_not_aggregate() {
    // Two cells with 3 GiB free each hold no 4 GiB instance, although 6 GiB are free in total.
    assert_eq!(free_chunks(3072, 4096) + free_chunks(3072, 4096), 0);
    assert_eq!(free_chunks(8192, 4096), 2);
    assert_eq!(free_chunks(100, 0), 0);
}

#[test]
fn right_sizing_multiplies_by_instances_once() {
    // Peak 300 MiB × 1.25 = 375 → 384 MiB; limit 1024 frees 640 per instance × 4.
    let r = apps::right_size(1024, 300 * MIB, 4, 1.25);
    assert_eq!(r, Some(RightSizing { recommended_mb: 384, frees_mb: 2560 }));
    // Peak close to the limit: nothing worth suggesting.
    assert_eq!(apps::right_size(1024, 900 * MIB, 4, 1.25), None);
    // Saving below 15 % of the limit (8192 − 7296 = 896 < 1228.8): no suggestion.
    assert_eq!(apps::right_size(8192, 5800 * MIB, 1, 1.25), None);
}

#[test]
fn hosts_unknown_to_bosh_and_rep_are_reported() {
    let mut cf = cf_fixture();
    if let Some(p) = cf.processes.iter_mut().find(|p| p.guid == "p-override") {
        p.stats = Some(vec![running(0, "10.9.9.9", 4096, 1000)]);
    }
    let a = analyse(&cf, Some(&bosh_fixture()), Some(&rep_fixture()), &AnalysisOptions::default());
    assert_eq!(a.cells.len(), 4);
    assert!(a.notes.iter().any(|n| n.starts_with("1 cell IP(s) host instances")), "{:?}", a.notes);
}

#[test]
fn analysis_serialises_to_json() {
    let json = serde_json::to_value(full()).unwrap_or_default();
    assert_eq!(json["cells"][0]["memory"]["capacity_source"], "rep_metric");
    assert_eq!(json["segments"][0]["name"], "shared");
}
