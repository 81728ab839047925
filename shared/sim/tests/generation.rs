#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use capacity_sim::{GroundTruth, Profile};
use common::{client, start};

#[tokio::test]
async fn same_seed_same_truth_other_seed_other_truth() {
    let a = start(Profile::Small, 42).await;
    let b = start(Profile::Small, 42).await;
    let c = start(Profile::Small, 43).await;
    let ta = a.truth();
    assert_eq!(ta, b.truth());
    assert_ne!(ta, c.truth());
    let over_http: GroundTruth =
        client().get(format!("{}/__sim/truth", a.urls.uaa)).send().await.unwrap().json().await.unwrap();
    assert_eq!(over_http, ta);
    assert_eq!(serde_json::to_string(&ta).unwrap(), serde_json::to_string(&b.truth()).unwrap());
}

fn check_shape(t: &GroundTruth, cells: u64, apps: u64) {
    assert_eq!(t.counts.cells, cells);
    assert_eq!(t.counts.apps, apps);
    assert!(t.counts.non_shared_segments >= 2);
    assert!(t.counts.inactive_vm_rows == 1);
    assert_eq!(t.counts.deployments, t.counts.cell_deployments + 1);
    let load = t.totals.allocated_mb as f64 / t.totals.capacity_mb as f64;
    assert!((0.5..=0.78).contains(&load), "allocation {load}");
    for state in ["RUNNING", "STARTING", "CRASHED", "DOWN"] {
        assert!(t.counts.instances_by_state[state] > 0, "{state}");
    }
    for cell in &t.cells {
        assert!(cell.allocated_mb <= cell.capacity_mb);
        assert!(cell.containers <= 250);
        let used_share = cell.used_bytes as f64 / (cell.allocated_instances_mb.max(1) as f64 * 1_048_576.0);
        assert!(cell.instances == 0 || (0.2..0.45).contains(&used_share), "{used_share}");
    }
}

#[tokio::test]
async fn medium_profile_shape() {
    let sim = start(Profile::Medium, 7).await;
    check_shape(&sim.truth(), 100, 2_000);
}

/// Generation smoke test of the largest profile; kept cheap so it also runs in debug builds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_profile_generates_quickly() {
    let started = Instant::now();
    let sim = start(Profile::Huge, 1).await;
    let elapsed = started.elapsed();
    let t = sim.truth();
    check_shape(&t, 1_000, 50_000);
    let desired: u64 = t.counts.instances_by_state.values().sum();
    assert!(desired > 200_000, "{desired} instances");
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}
