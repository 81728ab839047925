//! 100 concurrent cold `/api/dashboard` requests cause exactly one upstream collect, with the
//! in-memory cache in one process and with DynamoDB across several service instances.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use capacity_app::Collector;
use capacity_app::cache::{CacheStore, DynamoCache, MemoryCache};
use capacity_app::http::{ApiState, Endpoint, router};
use capacity_app::service::{CapacityService, ServiceSettings};
use capacity_clients::UpstreamMetrics;
use capacity_sim::{Faults, Profile, Upstream};
use tower::ServiceExt;

fn service(sim: &capacity_sim::SimHandle, cache: Arc<dyn CacheStore>) -> Arc<CapacityService> {
    let config = support::config(sim, &[]);
    let collector = Arc::new(Collector::new(&config, Arc::new(UpstreamMetrics::default())).unwrap());
    Arc::new(CapacityService::new(collector, cache, ServiceSettings::from_config(&config)))
}

async fn hammer(routers: &[axum::Router], requests: usize) {
    let calls: Vec<_> = (0..requests)
        .map(|i| {
            let router = routers[i % routers.len()].clone();
            tokio::spawn(async move {
                let response =
                    router.oneshot(Request::get("/api/dashboard").body(Body::empty()).unwrap()).await.unwrap();
                response.status()
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_cache_one_collect_for_100_cold_requests() {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let service = service(&sim, Arc::new(MemoryCache::new()));
    let app = router(Arc::new(ApiState::unauthenticated(service)), &Endpoint::ALL);
    hammer(&[app], 100).await;
    let floor = support::floor(&sim.truth(), 2);
    let stats = sim.stats();
    assert_eq!(stats.upstream_total(Upstream::Cf), floor.cf);
    assert_eq!(stats.upstream_total(Upstream::Uaa), floor.uaa);
    assert_eq!(stats.upstream_total(Upstream::Bosh), floor.bosh);
    assert_eq!(stats.upstream_total(Upstream::BoshUaa), floor.bosh_uaa);
    assert_eq!(stats.upstream_total(Upstream::LogCache), floor.log_cache);
    assert_eq!(stats.total, floor.total());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_cache_one_collect_across_four_instances() {
    let sim = support::sim(Profile::Small, Faults::default()).await;
    let client = aws_sdk_dynamodb::Client::new(&support::moto::sdk_config().await);
    let table = support::moto::unique_table("single-flight");
    DynamoCache::create_table(&client, &table).await.unwrap();
    // Four "Lambda instances": separate services and clients, one shared table.
    let routers: Vec<axum::Router> = (0..4)
        .map(|_| {
            let cache: Arc<dyn CacheStore> = Arc::new(DynamoCache::new(client.clone(), table.clone()));
            router(Arc::new(ApiState::unauthenticated(service(&sim, cache))), &Endpoint::ALL)
        })
        .collect();
    hammer(&routers, 100).await;
    let truth = sim.truth();
    let floor = support::floor(&truth, 2);
    let stats = sim.stats();
    // Every collect-specific route was read exactly as often as one collect needs...
    assert_eq!(stats.count(Upstream::Cf, "/v3/apps"), 1);
    assert_eq!(stats.count(Upstream::Cf, "/v3/processes"), 1);
    assert_eq!(stats.count(Upstream::Cf, "/v3/processes/:guid/stats"), truth.counts.processes_with_stats);
    assert_eq!(stats.count(Upstream::Bosh, "/deployments/:name/vms"), truth.counts.cell_deployments);
    assert_eq!(stats.upstream_total(Upstream::Bosh), floor.bosh);
    assert_eq!(stats.upstream_total(Upstream::LogCache), floor.log_cache);
    // ...and only connection set-up (API root, token) may repeat, at most once per instance.
    assert!(stats.count(Upstream::Cf, "/") <= 4);
    assert!(stats.upstream_total(Upstream::Uaa) <= 4);
    assert_eq!(stats.upstream_total(Upstream::Cf) - stats.count(Upstream::Cf, "/"), floor.cf - 1);
}
