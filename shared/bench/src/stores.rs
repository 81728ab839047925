//! Cache round trips of a real collected snapshot, and single flight under concurrent cold
//! requests.

use std::sync::Arc;
use std::time::Instant;

use capacity_app::Collector;
use capacity_app::cache::{self, CacheEntry, CacheStore, DynamoCache, MemoryCache};
use capacity_app::collector::unix_now;
use capacity_app::config::Config;
use capacity_app::http::{ApiState, Endpoint, router};
use capacity_app::service::{CapacityService, ServiceSettings};
use capacity_clients::UpstreamMetrics;
use capacity_core::snapshot::CfSnapshot;
use capacity_sim::Profile;
use tower::ServiceExt;

fn collector(sim: &capacity_sim::SimHandle) -> (Collector, Config) {
    let config = match Config::load(&crate::crawl::settings(sim, "auto")) {
        Ok((c, _)) => c,
        Err(e) => panic!("config: {e}"),
    };
    match Collector::new(&config, Arc::new(UpstreamMetrics::default())) {
        Ok(c) => (c, config),
        Err(e) => panic!("collector: {e}"),
    }
}

async fn round_trip(store: &dyn CacheStore, value: &[u8]) -> (f64, f64) {
    let now = unix_now();
    let entry = CacheEntry {
        value: bytes::Bytes::copy_from_slice(value),
        version: format!("bench-{now}"),
        written_at: now,
        fresh_until: now + 300,
        expires_at: now + 3600,
    };
    let started = Instant::now();
    if let Err(e) = store.put("bench:cf", entry).await {
        panic!("put: {e}");
    }
    let put = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let got = match store.get("bench:cf", unix_now()).await {
        Ok(Some(entry)) => entry,
        other => panic!("get: {other:?}"),
    };
    assert_eq!(got.value.len(), value.len());
    (put, started.elapsed().as_secs_f64() * 1000.0)
}

pub(crate) async fn cache(profile: Profile) {
    let sim = crate::crawl::sim(profile, 0).await;
    let (collector, _) = collector(&sim);
    let snapshot = match collector.collect_cf(unix_now()).await {
        Ok(s) => s,
        Err(e) => panic!("collect: {e}"),
    };
    let instances: usize = snapshot.processes.iter().filter_map(|p| p.stats.as_ref()).map(Vec::len).sum();
    let started = Instant::now();
    let encoded = match cache::encode(&snapshot) {
        Ok(e) => e,
        Err(e) => panic!("encode: {e}"),
    };
    let encode_ms = started.elapsed().as_secs_f64() * 1000.0;
    let raw = serde_json::to_vec(&snapshot).map_or(0, |v| v.len());
    let started = Instant::now();
    let decoded: CfSnapshot = match cache::decode(&encoded) {
        Ok(d) => d,
        Err(e) => panic!("decode: {e}"),
    };
    let decode_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(decoded.processes.len(), snapshot.processes.len());
    println!(
        "CF snapshot of the `{profile}` profile: {} apps, {} processes, {instances} instance stats; JSON {:.1} MB, gzip {:.1} MB ({} DynamoDB items of ≤ 350 KiB); encode {encode_ms:.0} ms, decode {decode_ms:.0} ms.\n",
        snapshot.apps.len(),
        snapshot.processes.len(),
        raw as f64 / 1e6,
        encoded.len() as f64 / 1e6,
        encoded.len().div_ceil(cache::CHUNK_BYTES)
    );
    println!("| cache | put | get |\n|---|---|---|");
    let (put, get) = round_trip(&MemoryCache::new(), &encoded).await;
    println!("| in memory | {put:.1} ms | {get:.1} ms |");
    match std::env::var("MOTO_ENDPOINT") {
        Ok(endpoint) => {
            let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .endpoint_url(endpoint)
                .region(aws_config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_dynamodb::config::Credentials::new("b", "b", None, None, "bench"))
                .load()
                .await;
            let client = aws_sdk_dynamodb::Client::new(&config);
            let table = format!("bench-{}", unix_now());
            if let Err(e) = DynamoCache::create_table(&client, &table).await {
                panic!("table: {e}");
            }
            let store = DynamoCache::new(client, table);
            let (put, get) = round_trip(&store, &encoded).await;
            println!("| DynamoDB (moto server on loopback) | {put:.1} ms | {get:.1} ms |");
        }
        Err(_) => println!("| DynamoDB | not measured: MOTO_ENDPOINT unset | |"),
    }
}

pub(crate) async fn single_flight(requests: usize) {
    let sim = crate::crawl::sim(Profile::Small, 20).await;
    let (collector, config) = collector(&sim);
    let service = Arc::new(CapacityService::new(
        Arc::new(collector),
        Arc::new(MemoryCache::new()),
        ServiceSettings::from_config(&config),
    ));
    let app = router(Arc::new(ApiState::unauthenticated(service)), &Endpoint::ALL);
    sim.reset_stats();
    let calls: Vec<_> = (0..requests)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let request = axum::http::Request::get("/api/dashboard").body(axum::body::Body::empty());
                match request {
                    Ok(r) => app.oneshot(r).await.map(|r| r.status().as_u16()).unwrap_or(0),
                    Err(_) => 0,
                }
            })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        if call.await.unwrap_or(0) == 200 {
            ok += 1;
        }
    }
    let stats = sim.stats();
    let apps = stats.count(capacity_sim::Upstream::Cf, "/v3/apps");
    let vms = stats.count(capacity_sim::Upstream::Bosh, "/deployments/:name/vms");
    let deployments = sim.truth().counts.cell_deployments;
    println!(
        "| concurrent cold requests | 200 OK | CF app list reads | BOSH vms reads per deployment | upstream collects |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| {requests} | {ok} | {apps} | {} | {} |",
        vms / deployments.max(1),
        if apps == 1 && vms == deployments { 1 } else { apps }
    );
}
