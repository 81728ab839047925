//! Hand-computed planning cases (the arithmetic is in the comments) and property tests.

use proptest::prelude::*;

use super::*;

fn cell(capacity_mb: u64, allocated_mb: u64) -> CellModel {
    CellModel {
        capacity_mb,
        allocated_mb,
        used_mb: Some(allocated_mb / 3),
        vm_memory_mb: Some(32768),
        vcpus: Some(4),
        disk_mb: None,
        disk_allocated_mb: None,
        containers: 20,
        cpu_percent: Some(30.0),
    }
}

/// One segment of four 32 GB cells with 30,000 MiB capacity, 15,000 MiB allocated each.
fn base() -> FoundationModel {
    FoundationModel {
        schema_version: SCHEMA_VERSION,
        name: "lab".into(),
        captured_at: None,
        segments: vec![SegmentModel {
            name: "shared".into(),
            cells: vec![cell(30_000, 15_000); 4],
            requested_mb: 60_000,
            largest_instance_mb: 2048,
            reclaimable_mb: 0,
        }],
        hosts: None,
        platform_vms_gb: 0.0,
        proxy_mb: 32,
    }
}

fn hosts(count: u32, gb: f64, cores: u32, ha: f64) -> HostLayer {
    HostLayer {
        clusters: vec![HostCluster {
            name: "az1".into(),
            hosts: count,
            memory_gb_per_host: gb,
            cores_per_host: cores,
            ha_admission_pct: ha,
        }],
    }
}

fn run(model: &FoundationModel, input: ScenarioInput) -> ScenarioResult {
    plan(model, &input).unwrap_or_else(|e| panic!("{e}"))
}

fn codes(result: &ScenarioResult) -> Vec<&'static str> {
    result.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn todays_foundation_with_headroom_fits_and_needs_nothing() {
    let r = run(&base(), ScenarioInput::default());
    let p = &r.proposed;
    // 4 × 30,000 = 120,000 capacity; 60,000 allocated = 50 %.
    assert_eq!((p.capacity_mb, p.allocated_mb), (120_000, 60_000));
    assert_eq!(p.allocated_percent, Some(50.0));
    // N−1: 120,000 − 30,000 = 90,000 left; 60,000 ÷ 90,000 = 66.7 %.
    assert_eq!(p.n_minus_one.capacity_without_largest_mb, 90_000);
    assert!((p.n_minus_one.utilization_percent.unwrap_or(0.0) - 66.666_666).abs() < 1e-3);
    // Chunk = max(largest instance 2048, 4096); per cell ⌊15,000 ÷ 4096⌋ = 3 → 12.
    assert_eq!((p.chunk_mb, p.free_chunks), (4096, 12));
    // 80 instances, 20 per cell: one cell holds 25 %.
    assert_eq!((p.instances, p.blast_radius_percent), (80, 25.0));
    assert_eq!(r.verdict.status, VerdictStatus::Fits);
    assert_eq!(codes(&r), ["large_blast_radius"]);
    assert_eq!(r.recommendations.len(), 1);
    assert_eq!(r.recommendations[0].kind, "no_action");
    assert_eq!(r.current, r.proposed, "no change, same figures");
}

#[test]
fn removing_a_cell_breaches_the_n1_target_and_says_why() {
    let r = run(&base(), ScenarioInput { cell_count: Some(3), ..ScenarioInput::default() });
    let p = &r.proposed;
    // 3 cells of 30,000; the 60,000 allocated spread 20,000 each.
    assert_eq!((p.cells, p.capacity_mb, p.allocated_mb), (3, 90_000, 60_000));
    // N−1: 90,000 − 30,000 = 60,000 left, exactly full: fits, but 100 % > 80 % target.
    assert_eq!(p.n_minus_one.utilization_percent, Some(100.0));
    assert!(p.n_minus_one.fits);
    // ⌊10,000 ÷ 4096⌋ = 2 per cell → 6 chunks (< 10).
    assert_eq!(p.free_chunks, 6);
    assert_eq!(codes(&r), ["n_minus_one_above_target", "few_free_chunks", "large_blast_radius"]);
    let n1 = &r.warnings[0];
    assert_eq!(n1.caused_by, Some(Change::new("cell_count", Some(4.0), 3.0)));
    // Smallest k: 60,000 ≤ 0.8 × (90,000 + 30,000k − 30,000) → k = 1 → 4 cells.
    assert_eq!(n1.fixes[0].field, "cell_count");
    assert_eq!(n1.fixes[0].value, 4.0);
    assert_eq!(r.verdict.status, VerdictStatus::FitsWithWarnings);
    let add = r.recommendations.iter().find(|x| x.kind == "add_cells").unwrap_or_else(|| panic!("add_cells"));
    assert!(add.title.starts_with("Add 1 cell(s)"), "{}", add.title);
    assert_eq!(add.improves[0].from, 100.0);
    assert!((add.improves[0].to - 66.666_666).abs() < 1e-3, "60,000 ÷ 90,000");
    assert_eq!(r.delta.cells, -1);
    assert_eq!(r.delta.capacity_mb, -30_000);
}

#[test]
fn a_workload_that_cannot_be_placed_does_not_fit() {
    let workload = Workload { name: None, instances: 10, memory_mb: 8192, disk_mb: 0 };
    let r = run(&base(), ScenarioInput { workload: Some(workload), ..ScenarioInput::default() });
    // Each instance reserves 8,192 + 32 = 8,224; every cell has 15,000 free: one fits per
    // cell (6,776 left < 8,224), so 4 placed and 6 not.
    assert_eq!(r.proposed.unplaced_instances, 6);
    assert_eq!(r.proposed.allocated_mb, 60_000 + 4 * 8224);
    assert_eq!(r.verdict.status, VerdictStatus::DoesNotFit);
    let w = r.warnings.iter().find(|w| w.code == "workload_unplaced").unwrap_or_else(|| panic!("warning"));
    // An empty 30,000 MiB cell holds ⌊30,000 ÷ 8,224⌋ = 3: ⌈6 ÷ 3⌉ = 2 more cells.
    assert_eq!(w.fixes[0].value, 6.0);
    assert_eq!(w.caused_by, Some(Change::new("workload.instances", Some(0.0), 10.0)));
    // The same workload on 64 GB cells fits.
    let bigger = ScenarioInput {
        workload: Some(Workload { name: None, instances: 10, memory_mb: 8192, disk_mb: 0 }),
        cell: Some(CellShape { memory_gb: Some(64.0), ..CellShape::default() }),
        memory_overhead_pct: Some(8.0),
        ..ScenarioInput::default()
    };
    assert_eq!(run(&base(), bigger).proposed.unplaced_instances, 0);
}

#[test]
fn host_layer_ha_admission_and_host_loss() {
    let mut model = base();
    model.hosts = Some(hosts(3, 64.0, 32, 25.0));
    let r = run(&model, ScenarioInput::default());
    let h = r.proposed.hosts.clone().unwrap_or_else(|| panic!("hosts"));
    // Host RAM 3 × 65,536 = 196,608; HA 25 % reserves 49,152 → 147,456 usable; losing the
    // largest host leaves 131,072: that limits. Demand = 4 × 32,768 = 131,072: fits exactly.
    assert_eq!(h.memory_mb, 196_608.0);
    assert_eq!(h.ha_usable_mb, 147_456.0);
    assert_eq!(h.n_minus_one_host_usable_mb, 131_072.0);
    assert_eq!((h.limiting, h.fits), ("n_minus_one_host", true));
    assert_eq!(h.ha_hosts_equivalent, 0, "49,152 reserved is less than one 65,536 host");
    // ⌈4 ÷ 3⌉ = 2 cells per host; losing one leaves 120,000 − 60,000 = 60,000 ≥ 60,000.
    assert_eq!((h.cells_per_host, h.capacity_after_host_loss_mb, h.survives_host_loss), (2, 60_000, true));
    // vCPU: 16 ÷ 96 cores.
    assert!((r.proposed.vcpu_ratio.unwrap_or(0.0) - 16.0 / 96.0).abs() < 1e-9);
    // 1 GB of platform VMs tips host memory over: one more host (262,144 − 65,536 = 196,608).
    let r = run(&model, ScenarioInput { platform_vms_gb: Some(1.0), ..ScenarioInput::default() });
    let w = r.warnings.iter().find(|w| w.code == "host_memory_exceeded").unwrap_or_else(|| panic!("host warning"));
    assert_eq!(w.fixes[0].value, 4.0);
    assert!(r.recommendations.iter().any(|x| x.kind == "add_hosts" && x.title.starts_with("Add 1 host")));
}

#[test]
fn cpu_ratio_is_measured_against_its_own_target() {
    let mut model = base();
    model.hosts = Some(hosts(3, 512.0, 4, 0.0));
    let r = run(&model, ScenarioInput { target_vcpu_ratio: Some(1.0), ..ScenarioInput::default() });
    // 16 vCPUs on 12 cores = 1.33 > 1.0; at most ⌊1.0 × 12 ÷ 4⌋ = 3 cells.
    assert_eq!(r.proposed.max_cells_by_cpu, Some(3));
    let w = r.warnings.iter().find(|w| w.code == "vcpu_ratio_above_target").unwrap_or_else(|| panic!("cpu warning"));
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.fixes.iter().any(|f| f.field == "cell_count" && f.value == 3.0));
    let cpu = r.bottlenecks.iter().find(|b| b.resource == "cpu_ratio").unwrap_or_else(|| panic!("bottleneck"));
    assert!((cpu.fraction_of_limit - 16.0 / 12.0).abs() < 1e-9);
    // The ratio is the constraint here (1.33 of its limit) ahead of N−1 memory (0.67).
    assert_eq!(r.bottlenecks[0].resource, "cpu_ratio");
    assert!(r.bottlenecks[0].constraining);
    // A memory-bound foundation with a 2.5 ratio at a target of 4 is memory-constrained (the
    // peer ranks 250 % CPU above 86 % memory).
    let mut memory_bound = base();
    for c in &mut memory_bound.segments[0].cells {
        c.allocated_mb = 25_800;
    }
    memory_bound.hosts = Some(hosts(4, 512.0, 4, 0.0));
    let r = run(&memory_bound, ScenarioInput::default());
    assert_eq!(r.bottlenecks[0].resource, "memory_n_minus_one");
}

#[test]
fn overcommit_multiplies_capacity() {
    let r = run(&base(), ScenarioInput { overcommit: Some(2.0), ..ScenarioInput::default() });
    assert_eq!(r.proposed.capacity_mb, 240_000);
    assert_eq!(
        r.warnings.iter().find(|w| w.caused_by.is_some()).and_then(|w| w.caused_by.clone()),
        Some(Change::new("overcommit", Some(1.0), 2.0))
    );
}

#[test]
fn validation_names_every_bad_field() {
    let input = ScenarioInput {
        cell_count: Some(0),
        overcommit: Some(5.0),
        cell: Some(CellShape { memory_gb: Some(-1.0), vcpus: Some(0), disk_gb: None }),
        workload: Some(Workload { name: None, instances: 1, memory_mb: 0, disk_mb: 0 }),
        hosts: Some(HostLayer {
            clusters: vec![HostCluster {
                name: String::new(),
                hosts: 1,
                memory_gb_per_host: 0.0,
                cores_per_host: 0,
                ha_admission_pct: 120.0,
            }],
        }),
        ..ScenarioInput::default()
    };
    let err = plan(&base(), &input).unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "cell.memory_gb",
        "cell.vcpus",
        "cell_count",
        "overcommit",
        "workload.memory_mb",
        "hosts.clusters[0].memory_gb_per_host",
        "hosts.clusters[0].cores_per_host",
        "hosts.clusters[0].ha_admission_pct",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let unknown =
        plan(&base(), &ScenarioInput { segment: Some("nope".into()), ..ScenarioInput::default() }).unwrap_err();
    assert!(unknown.errors[0].message.contains("known: shared"));
}

#[test]
fn cells_for_n1_is_the_smallest_k() {
    // (capacity, allocated, largest, cell, target) → k
    let cases = [
        (90_000, 60_000, 30_000, 30_000, 80.0, 1),
        (120_000, 60_000, 30_000, 30_000, 80.0, 0),
        (90_000, 60_000, 30_000, 30_000, 100.0, 0),
        (30_000, 20_000, 30_000, 30_000, 80.0, 1),
        (300_000, 290_000, 30_000, 30_000, 80.0, 4),
    ];
    for (capacity, allocated, largest, cell, target, k) in cases {
        assert_eq!(cells_for_n1(capacity, allocated, largest, cell, target), Some(k), "{capacity} {allocated}");
    }
    // 290,000 ≤ 0.8 × (300,000 + 30,000k − 30,000): k = 4 gives 312,000 ✓, k = 3 gives 288,000 ✗.
    assert_eq!(cells_for_n1(1, 1, 1, 0, 80.0), None);
}

#[test]
fn the_peer_small_foundation_sample_imports_with_per_cell_chunks() {
    let sample = r#"{"name":"Small Foundation","clusters":[{"name":"c1","host_count":4,"memory_gb_per_host":512,
      "cpu_threads_per_host":32,"ha_admission_control_percentage":0,"diego_cell_count":10,"diego_cell_memory_gb":32,
      "diego_cell_cpu":4,"diego_cell_disk_gb":64}],"platform_vms_gb":200,"total_app_memory_gb":150,
      "total_app_disk_gb":100,"total_app_instances":50,"max_instance_memory_mb":4096}"#;
    let peer: PeerManualInput = serde_json::from_str(sample).unwrap_or_else(|e| panic!("{e}"));
    let model = peer.into_model().unwrap_or_else(|e| panic!("{e}"));
    let r = run(&model, ScenarioInput::default());
    let p = &r.proposed;
    // 10 × (32 − ⌊32 × 7 %⌋ = 30 GB) = 300 GB; 150 GB allocated = 50 % (the peer agrees).
    assert_eq!(p.capacity_mb, 300 * 1024);
    assert_eq!(p.allocated_percent, Some(50.0));
    // Per cell 15 GiB free → 3 chunks of 4 GiB, 30 in all; the peer's aggregate formula says
    // ⌊150 GiB ÷ 4 GiB⌋ = 37, which no 4 GiB instance could use beyond 30.
    assert_eq!(p.free_chunks, 30);
    assert_eq!(p.vcpu_ratio, Some(40.0 / 128.0));
    let h = p.hosts.clone().unwrap_or_else(|| panic!("hosts"));
    // Demand 10 × 32 GiB + 200 GB platform = 520 GiB; usable with one host lost 1,536 GiB.
    assert_eq!(h.demand_mb, 520.0 * 1024.0);
    assert_eq!(h.n_minus_one_host_usable_mb, 1536.0 * 1024.0);
    assert!(PeerManualInput { clusters: vec![], ..peer_empty() }.into_model().is_err());
}

fn peer_empty() -> PeerManualInput {
    serde_json::from_str(r#"{"name":"x","clusters":[]}"#).unwrap_or_else(|e| panic!("{e}"))
}

fn model_from(cells: &[(u64, u64)]) -> FoundationModel {
    let mut m = base();
    m.segments[0].cells = cells.iter().map(|&(cap, alloc)| cell(cap, alloc.min(cap))).collect();
    m
}

fn cells_strategy() -> impl Strategy<Value = Vec<(u64, u64)>> {
    prop::collection::vec((8_000u64..130_000, 0u64..130_000), 1..40)
}

proptest! {
    #[test]
    fn adding_cells_never_lowers_capacity(cells in cells_strategy(), extra in 0u32..20) {
        let m = model_from(&cells);
        let n = cells.len() as u32;
        let a = run(&m, ScenarioInput { cell_count: Some(n), ..ScenarioInput::default() });
        let b = run(&m, ScenarioInput { cell_count: Some(n + extra), ..ScenarioInput::default() });
        prop_assert!(b.proposed.capacity_mb >= a.proposed.capacity_mb);
    }

    #[test]
    fn n_minus_one_capacity_never_exceeds_capacity(cells in cells_strategy()) {
        let r = run(&model_from(&cells), ScenarioInput::default());
        prop_assert!(r.proposed.n_minus_one.capacity_without_largest_mb <= r.proposed.capacity_mb);
        prop_assert!(r.current.n_minus_one.capacity_without_largest_mb < r.current.capacity_mb);
    }

    #[test]
    fn per_cell_chunks_never_exceed_aggregate_chunks(cells in cells_strategy(), chunk in 64u64..16_384) {
        let r = run(&model_from(&cells), ScenarioInput { chunk_mb: Some(chunk), ..ScenarioInput::default() });
        let free: u64 = cells.iter().map(|&(cap, alloc)| cap - alloc.min(cap)).sum();
        prop_assert!(r.proposed.free_chunks <= free / chunk);
    }

    #[test]
    fn a_fitting_workload_keeps_fitting_on_bigger_cells(
        cells in cells_strategy(),
        instances in 1u32..200,
        memory in 64u64..8_192,
        gb in 16.0f64..128.0,
        grow in 1.0f64..64.0,
    ) {
        let m = model_from(&cells);
        let at = |size: f64| ScenarioInput {
            cell: Some(CellShape { memory_gb: Some(size), ..CellShape::default() }),
            workload: Some(Workload { name: None, instances, memory_mb: memory, disk_mb: 0 }),
            memory_overhead_pct: Some(7.0),
            ..ScenarioInput::default()
        };
        let small = run(&m, at(gb));
        if small.proposed.unplaced_instances == 0 {
            prop_assert_eq!(run(&m, at(gb + grow)).proposed.unplaced_instances, 0);
        }
    }
}
