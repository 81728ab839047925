#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

//! The collector over real HTTP against the foundation simulator: the wire formats, the
//! request plan, the failure modes, and the analysis compared with the simulator's ground truth.

mod support;

use std::time::{Duration, Instant};

use capacity_app::collector::unix_now;
use capacity_clients::ClientError;
use capacity_core::snapshot::SourceState;
use capacity_core::{AnalysisOptions, FoundationAnalysis, analyse};
use capacity_sim::{
    AuthFailureRule, ErrorRule, Faults, GroundTruth, MalformedMode, MalformedRule, Profile, RateLimitRule, Upstream,
};

fn unavailable_reason<T>(state: &SourceState<T>) -> Option<&str> {
    match state {
        SourceState::Unavailable { reason } => Some(reason),
        _ => None,
    }
}

fn pages(n: u64, per_page: u64) -> u64 {
    n.div_ceil(per_page).max(1)
}

/// Asserts the analysis equals the simulator's ground truth, cell by cell and segment by segment.
fn assert_matches_truth(analysis: &FoundationAnalysis, truth: &GroundTruth) {
    assert_eq!(analysis.cells.len() as u64, truth.counts.cells, "cells (inactive VMs excluded)");
    for t in &truth.cells {
        let ip: std::net::IpAddr = t.ip.parse().expect("truth ip");
        let cell = analysis.cells.iter().find(|c| c.ip == ip).unwrap_or_else(|| panic!("cell {} missing", t.ip));
        let m = &cell.memory;
        assert_eq!(cell.segment, t.segment, "segment of {}", t.ip);
        assert_eq!(m.capacity_mb, Some(t.capacity_mb), "capacity of {}", t.ip);
        assert_eq!(m.allocated_mb, t.allocated_mb, "allocated of {}", t.ip);
        assert_eq!(m.allocated_instances_mb, t.allocated_instances_mb, "CF-side allocation of {}", t.ip);
        assert_eq!(m.used_bytes, t.used_bytes, "used of {}", t.ip);
        assert_eq!(cell.containers.app_instances, t.instances, "instances on {}", t.ip);
        assert_eq!(cell.instance_group.as_deref(), Some(t.instance_group.as_str()));
    }
    for t in &truth.segments {
        let s = analysis.segments.iter().find(|s| s.name == t.name).unwrap_or_else(|| panic!("segment {}", t.name));
        assert_eq!(s.cells, t.cells, "cells of {}", t.name);
        assert_eq!(s.capacity_mb, t.capacity_mb, "capacity of {}", t.name);
        assert_eq!(s.allocated_mb, t.allocated_mb, "allocated of {}", t.name);
        assert_eq!(s.allocated_instances_mb, t.allocated_instances_mb, "CF-side allocation of {}", t.name);
        assert_eq!(s.used_mb, capacity_core::units::bytes_to_mib(t.used_bytes), "used of {}", t.name);
        assert_eq!(s.requested_mb, t.requested_mb, "requested of {} (STARTED apps only)", t.name);
        let by_state = |k: &str| t.instances_by_state.get(k).copied().unwrap_or(0);
        assert_eq!(s.instance_states.down, by_state("DOWN"), "DOWN in {}", t.name);
        assert_eq!(s.instance_states.crashed, by_state("CRASHED"), "CRASHED in {}", t.name);
    }
    assert_eq!(analysis.totals.capacity_mb, truth.totals.capacity_mb);
    assert_eq!(analysis.totals.allocated_mb, truth.totals.allocated_mb);
    assert_eq!(analysis.totals.requested_mb, truth.totals.requested_mb);
    assert_eq!(analysis.totals.apps_started, truth.counts.apps_started);
}

async fn collect_and_compare(profile: Profile) {
    let sim = support::sim(profile, Faults::default()).await;
    let (collector, _) = support::collector(&sim, &[]);
    let snapshot = collector.collect(unix_now()).await.expect("collect");
    assert!(snapshot.bosh.is_available(), "{:?}", snapshot.bosh.status_word());
    assert!(snapshot.log_cache.is_available());
    let truth = sim.truth();
    assert_matches_truth(&snapshot.analyse(&AnalysisOptions::default()), &truth);
    // Without Log Cache, allocation falls back to CF's figure and must still match it.
    let degraded = analyse(&snapshot.cf, snapshot.bosh.data(), None, &AnalysisOptions::default());
    for t in &truth.cells {
        let ip: std::net::IpAddr = t.ip.parse().expect("ip");
        let cell = degraded.cells.iter().find(|c| c.ip == ip).expect("cell");
        assert_eq!(cell.memory.allocated_mb, t.allocated_instances_mb);
        assert_eq!(cell.memory.capacity_mb, Some(t.vm_ram_mb), "BOSH cloud_properties.ram");
        assert_eq!(cell.segment, t.segment, "segment without placement tags, {}", t.ip);
    }
}

#[tokio::test]
async fn small_analysis_matches_ground_truth() {
    collect_and_compare(Profile::Small).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_analysis_matches_ground_truth() {
    collect_and_compare(Profile::Large).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_analysis_matches_ground_truth() {
    collect_and_compare(Profile::Huge).await;
}

#[tokio::test]
async fn medium_analysis_matches_ground_truth_and_the_request_plan_is_the_floor() {
    let sim = support::sim(Profile::Medium, Faults::default()).await;
    let (collector, metrics) = support::collector(&sim, &[]);
    let snapshot = collector.collect(unix_now()).await.expect("collect");
    let truth = sim.truth();
    assert_matches_truth(&snapshot.analyse(&AnalysisOptions::default()), &truth);
    let c = &truth.counts;
    let stats = sim.stats();
    let cf_floor = 1 // GET /
        + pages(c.orgs, 5000)
        + pages(c.spaces, 5000)
        + pages(c.isolation_segments, 5000)
        + pages(c.apps, 5000)
        + pages(c.processes, 5000)
        + c.isolation_segments // assigned spaces, shared included
        + c.non_shared_segments // entitled orgs
        + c.entitled_orgs // their default segment
        + c.processes_with_stats;
    let bosh_floor = 1 + 1 + c.cell_deployments * (1 + 2 + 1); // info, deployments, per deployment: vms, 2 polls, output
    assert_eq!(stats.upstream_total(Upstream::Cf), cf_floor, "CF requests: {:?}", stats.upstreams.get(&Upstream::Cf));
    assert_eq!(stats.upstream_total(Upstream::Uaa), 1, "one CF token");
    assert_eq!(stats.upstream_total(Upstream::Bosh), bosh_floor, "{:?}", stats.upstreams.get(&Upstream::Bosh));
    assert_eq!(stats.upstream_total(Upstream::BoshUaa), 1, "one BOSH token");
    assert_eq!(stats.upstream_total(Upstream::LogCache), 7, "one PromQL query per rep gauge");
    assert_eq!(stats.total, cf_floor + 1 + bosh_floor + 1 + 7);
    assert_eq!(metrics.total(None), stats.total, "our own counters agree with the simulator's");
    assert_eq!(stats.count(Upstream::Cf, "/v3/processes/:guid/stats"), c.processes_with_stats);
}

#[tokio::test]
async fn pagination_follows_next_hrefs_across_pages() {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let config = support::config(&sim, &[]);
    let metrics = std::sync::Arc::new(capacity_clients::UpstreamMetrics::default());
    let mut cf = capacity_clients::cf::CfConfig::new(
        config.cf.api_url.clone(),
        capacity_clients::uaa::TokenConfig::new(capacity_clients::uaa::Grant::Password {
            username: sim.credentials.cf_username.clone(),
            password: sim.credentials.cf_password.clone().into(),
        }),
    );
    cf.per_page = 7;
    let client = capacity_clients::cf::CfClient::connect(cf, metrics).await.expect("connect");
    let apps = client.apps().await.expect("apps");
    let truth = sim.truth();
    assert_eq!(apps.len() as u64, truth.counts.apps);
    let unique: std::collections::HashSet<_> = apps.iter().map(|a| a.guid.as_str()).collect();
    assert_eq!(unique.len(), apps.len(), "no page read twice");
    assert_eq!(sim.stats().count(Upstream::Cf, "/v3/apps"), pages(truth.counts.apps, 7));
}

#[tokio::test]
async fn token_expiring_mid_crawl_is_renewed_transparently() {
    // Tokens live 1 s and the crawl takes longer (20 ms per request, 2 at a time).
    let mut faults = Faults { token_lifetime_secs: Some(1), ..Faults::default() };
    faults.latency.default_ms = 20;
    let sim = support::sim(Profile::Small, faults).await;
    let (collector, _) = support::collector(&sim, &[("CF_STATS_CONCURRENCY", "2"), ("LOG_CACHE_ENABLED", "false")]);
    let started = Instant::now();
    let cf = collector.collect_cf(unix_now()).await.expect("crawl survives token expiry");
    assert!(started.elapsed() > Duration::from_secs(2), "the crawl outlived several tokens");
    assert_eq!(cf.apps.len() as u64, sim.truth().counts.apps);
    let tokens = sim.stats().upstream_total(Upstream::Uaa);
    assert!(tokens >= 2, "tokens were renewed: {tokens}");
    let requests = sim.stats().upstream_total(Upstream::Cf);
    assert!(tokens * 5 < requests, "each token served many requests: {tokens} tokens for {requests} requests");
}

#[tokio::test]
async fn a_401_from_cf_reauthenticates_once_and_retries() {
    let faults = Faults {
        auth_failures: vec![AuthFailureRule { upstream: Upstream::Cf, route: Some("/v3/apps".into()), count: 1 }],
        ..Faults::default()
    };
    let sim = support::sim(Profile::Small, faults).await;
    let (collector, _) = support::collector(&sim, &[]);
    let cf = collector.collect_cf(unix_now()).await.expect("retried after re-authentication");
    assert_eq!(cf.apps.len() as u64, sim.truth().counts.apps);
    let stats = sim.stats();
    assert_eq!(stats.upstream_total(Upstream::Uaa), 2, "one token, then one more after the 401");
    let apps = &stats.upstreams[&Upstream::Cf].routes["/v3/apps"];
    assert_eq!(apps.by_status.get(&401), Some(&1));
}

#[tokio::test]
async fn bad_credentials_are_an_auth_error_without_the_password() {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let (collector, _) = support::collector(&sim, &[("CF_PASSWORD", "wrong-password-xyz")]);
    let err = collector.collect_cf(unix_now()).await.expect_err("refused");
    assert!(matches!(err, ClientError::Auth { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("Bad credentials"), "{text}");
    assert!(!text.contains("wrong-password-xyz"), "{text}");
}

#[tokio::test]
async fn rate_limits_are_honoured() {
    let faults = Faults {
        rate_limits: vec![RateLimitRule {
            upstream: Upstream::Cf,
            route: Some("/v3/processes".into()),
            count: 1,
            retry_after_secs: 1,
        }],
        ..Faults::default()
    };
    let sim = support::sim(Profile::Small, faults).await;
    let (collector, metrics) = support::collector(&sim, &[]);
    let started = Instant::now();
    let cf = collector.collect_cf(unix_now()).await.expect("waits, then succeeds");
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was waited out");
    assert_eq!(cf.processes.len() as u64, sim.truth().counts.processes);
    let route = &sim.stats().upstreams[&Upstream::Cf].routes["/v3/processes"];
    assert_eq!((route.by_status.get(&429), route.by_status.get(&200)), (Some(&1), Some(&1)));
    assert!(metrics.snapshot().iter().any(|c| c.route == "/v3/processes" && c.outcome == "4xx" && c.requests == 1));
}

#[tokio::test]
async fn bosh_task_flow_reads_every_cell_vm() {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let (collector, _) = support::collector(&sim, &[]);
    let SourceState::Available { data } = collector.collect_bosh(unix_now()).await else { panic!("BOSH available") };
    let truth = sim.truth();
    assert_eq!(data.deployments.len() as u64, truth.counts.cell_deployments);
    let active = data.vms.iter().filter(|v| v.active).count() as u64;
    assert_eq!(active, truth.counts.cells);
    assert_eq!(
        data.vms.len() as u64,
        truth.counts.cells + truth.counts.inactive_vm_rows,
        "inactive rows are read, then ignored"
    );
    assert!(data.vms.iter().all(|v| v.vitals.as_ref().is_some_and(|v| v.cpu_user.is_some() && v.mem_kb.is_some())));
    let stats = sim.stats();
    assert_eq!(stats.count(Upstream::Bosh, "/deployments/:name/vms"), truth.counts.cell_deployments);
    assert_eq!(stats.count(Upstream::Bosh, "/tasks/:id"), 2 * truth.counts.cell_deployments);
    assert_eq!(stats.count(Upstream::Bosh, "/tasks/:id/output"), truth.counts.cell_deployments);
    let vms_route = &stats.upstreams[&Upstream::Bosh].routes["/deployments/:name/vms"];
    assert_eq!(vms_route.by_status.get(&302), Some(&truth.counts.cell_deployments));
}

#[tokio::test]
async fn bosh_down_degrades_after_three_backed_off_retries() {
    let sim = support::sim(Profile::Small, Faults { bosh_unreachable: true, ..Faults::default() }).await;
    let (collector, metrics) = support::collector(&sim, &[]);
    let started = Instant::now();
    let snapshot = collector.collect(unix_now()).await.expect("CF still answers");
    let SourceState::Unavailable { reason } = &snapshot.bosh else { panic!("BOSH must be unavailable") };
    assert!(reason.contains("unreachable"), "{reason}");
    // 1 try + 3 retries after 10, 20 and 40 ms (±20 % jitter).
    assert!(started.elapsed() >= Duration::from_millis(56), "{:?}", started.elapsed());
    let info: u64 =
        metrics.snapshot().iter().filter(|c| c.upstream == "bosh" && c.route == "/info").map(|c| c.requests).sum();
    assert_eq!(info, 4);
    assert!(snapshot.log_cache.is_available(), "other sources are unaffected");
    let analysis = snapshot.analyse(&AnalysisOptions::default());
    assert_eq!(analysis.cells.len() as u64, sim.truth().counts.cells, "cells still known from the rep");
    assert!(analysis.cells.iter().all(|c| c.cpu_percent.is_none()));
}

#[tokio::test]
async fn bosh_5xx_is_retried_then_succeeds() {
    let faults = Faults {
        errors: vec![ErrorRule {
            upstream: Upstream::Bosh,
            route: Some("/deployments".into()),
            status: 502,
            rate: 1.0,
            count: Some(2),
        }],
        ..Faults::default()
    };
    let sim = support::sim(Profile::Small, faults).await;
    let (collector, _) = support::collector(&sim, &[]);
    assert!(collector.collect_bosh(unix_now()).await.is_available());
    assert_eq!(sim.stats().count(Upstream::Bosh, "/deployments"), 3);
}

#[tokio::test]
async fn malformed_bodies_are_typed_errors() {
    for mode in [MalformedMode::Truncate, MalformedMode::Garbage, MalformedMode::WrongTypes] {
        let faults = Faults {
            malformed: vec![MalformedRule {
                upstream: Upstream::Cf,
                route: Some("/v3/apps".into()),
                mode,
                count: None,
            }],
            ..Faults::default()
        };
        let sim = support::sim(Profile::Small, faults).await;
        let (collector, _) = support::collector(&sim, &[]);
        let err = collector.collect_cf(unix_now()).await.expect_err("malformed");
        assert!(matches!(err, ClientError::Decode { route: "/v3/apps", .. }), "{mode:?}: {err:?}");
    }
    for (upstream, route) in [(Upstream::Bosh, "/tasks/:id/output"), (Upstream::LogCache, "/api/v1/query")] {
        let faults = Faults {
            malformed: vec![MalformedRule {
                upstream,
                route: Some(route.into()),
                mode: MalformedMode::Garbage,
                count: None,
            }],
            ..Faults::default()
        };
        let sim = support::sim(Profile::Small, faults).await;
        let (collector, _) = support::collector(&sim, &[]);
        let snapshot = collector.collect(unix_now()).await.expect("CF is fine");
        let reason = match upstream {
            Upstream::Bosh => unavailable_reason(&snapshot.bosh),
            _ => unavailable_reason(&snapshot.log_cache),
        };
        assert!(reason.is_some_and(|r| r.contains("malformed")), "{route}: {reason:?}");
    }
}

#[tokio::test]
async fn bosh_ca_certificate_is_the_trusted_root() {
    let sim = capacity_sim::Simulator::start(capacity_sim::SimConfig {
        bosh_tls: true,
        ..capacity_sim::SimConfig::default()
    })
    .await
    .expect("simulator starts");
    assert!(sim.urls.bosh.starts_with("https://"));
    let ca = sim.bosh_ca_pem().expect("generated CA");
    let (collector, _) = support::collector(&sim, &[("BOSH_CA_CERT", ca.as_str())]);
    assert!(collector.collect_bosh(unix_now()).await.is_available(), "the director's CA is trusted");
    let (untrusting, _) = support::collector(&sim, &[("BOSH_RETRIES", "0")]);
    let reason = unavailable_reason(&untrusting.collect_bosh(unix_now()).await).map(str::to_owned);
    assert!(reason.as_deref().is_some_and(|r| r.contains("certificate")), "{reason:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_cache_usage_agrees_with_stats_and_needs_far_fewer_requests() {
    let sim = support::sim(Profile::Medium, Faults::default()).await;
    let (by_stats, _) = support::collector(&sim, &[("CF_USAGE_SOURCE", "stats")]);
    let stats_snapshot = by_stats.collect(unix_now()).await.expect("stats collect");
    let stats_calls = sim.stats().count(Upstream::Cf, "/v3/processes/:guid/stats");
    sim.reset_stats();
    let (by_log_cache, _) = support::collector(&sim, &[("CF_USAGE_SOURCE", "log_cache")]);
    let lc_snapshot = by_log_cache.collect(unix_now()).await.expect("log cache collect");
    let options = AnalysisOptions::default();
    let a = stats_snapshot.analyse(&options);
    let b = lc_snapshot.analyse(&options);
    // Same cells, same placement and allocation, same use, per cell and per segment.
    assert_eq!(a.cells.len(), b.cells.len());
    for (x, y) in a.cells.iter().zip(&b.cells) {
        assert_eq!((x.ip, &x.segment), (y.ip, &y.segment));
        assert_eq!(x.memory.allocated_instances_mb, y.memory.allocated_instances_mb, "{}", x.ip);
        assert_eq!(x.memory.used_bytes, y.memory.used_bytes, "{}", x.ip);
        assert_eq!(x.containers.app_instances, y.containers.app_instances, "{}", x.ip);
    }
    for (x, y) in a.segments.iter().zip(&b.segments) {
        assert_eq!(
            (x.allocated_instances_mb, x.used_mb, x.requested_mb),
            (y.allocated_instances_mb, y.used_mb, y.requested_mb)
        );
        assert_eq!(x.instance_states, y.instance_states, "{}", x.name);
    }
    for (x, y) in a.apps.iter().zip(&b.apps) {
        assert_eq!((&x.guid, x.used_mb, x.instance_states), (&y.guid, y.used_mb, y.instance_states));
    }
    assert_matches_truth(&b, &sim.truth());
    // Stats only for processes Log Cache cannot place (STARTING instances have no metrics yet).
    let stats = sim.stats();
    let fallback = stats.count(Upstream::Cf, "/v3/processes/:guid/stats");
    let starting = sim.truth().counts.instances_by_state.get("STARTING").copied().unwrap_or(0);
    assert!(fallback <= starting, "{fallback} stats calls for {starting} starting instances");
    assert!(fallback * 20 < stats_calls, "{fallback} vs {stats_calls}");
    let apps_with_instances = lc_snapshot
        .cf
        .processes
        .iter()
        .filter(|p| {
            p.instances > 0
                && lc_snapshot
                    .cf
                    .apps
                    .iter()
                    .any(|a| a.guid == p.app_guid && a.state == capacity_core::snapshot::AppState::Started)
        })
        .map(|p| p.app_guid.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    let batches = apps_with_instances.div_ceil(capacity_clients::cf::APPS_PER_QUERY as u64);
    assert_eq!(stats.upstream_total(Upstream::LogCache), 7 + 2 * batches);
}
