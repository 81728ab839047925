//! The DynamoDB cache and Secrets Manager adapters against a real AWS-protocol server (moto).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use capacity_app::cache::{self, CHUNK_BYTES, CacheEntry, CacheStore, DynamoCache};
use capacity_app::collector::unix_now;
use capacity_app::secrets::{AwsSecretsManager, SecretError, SecretStore};
use capacity_core::snapshot::*;
use support::moto;

async fn table(prefix: &str) -> (aws_sdk_dynamodb::Client, DynamoCache) {
    let client = aws_sdk_dynamodb::Client::new(&moto::sdk_config().await);
    let name = moto::unique_table(prefix);
    DynamoCache::create_table(&client, &name).await.expect("create table");
    (client.clone(), DynamoCache::new(client, name))
}

fn entry(value: Vec<u8>, version: &str, fresh_for: i64, expires_in: i64) -> CacheEntry {
    let now = unix_now();
    CacheEntry {
        value: Bytes::from(value),
        version: version.into(),
        written_at: now,
        fresh_until: now + fresh_for,
        expires_at: now + expires_in,
    }
}

/// A CF snapshot the size of the `huge` profile: 50,000 apps, 60,000 processes, 250,000 instances.
fn huge_cf_snapshot() -> CfSnapshot {
    let guid =
        |kind: u64, i: u64| format!("{kind:08x}-{:04x}-4{:03x}-8{:03x}-{i:012x}", i % 65_536, i % 4096, (i * 7) % 4096);
    let apps: Vec<App> = (0..50_000)
        .map(|i| App {
            guid: guid(1, i),
            name: format!("service-{i}-api"),
            state: if i % 10 == 0 { AppState::Stopped } else { AppState::Started },
            space_guid: guid(2, i % 2_000),
        })
        .collect();
    let mut processes = Vec::with_capacity(60_000);
    let mut placed = 0u64;
    for i in 0..60_000u64 {
        let instances = if i < 50_000 { 4 + (i % 2) as u32 } else { 3 };
        let stats = (0..instances)
            .map(|index| {
                placed += 1;
                InstanceStats {
                    index,
                    state: InstanceState::Running,
                    host: Some(IpAddr::from([10, 0, (placed % 4) as u8, (placed % 250) as u8])),
                    mem_quota: Some(1024 << 20),
                    disk_quota: Some(1024 << 20),
                    mem: Some(300_000_000 + placed * 17),
                    disk: Some(90_000_000 + placed * 3),
                    cpu: Some((placed % 100) as f64 / 1000.0),
                    details: None,
                }
            })
            .collect();
        processes.push(Process {
            guid: guid(3, i),
            app_guid: guid(1, i % 50_000),
            process_type: if i < 50_000 { "web".into() } else { "worker".into() },
            instances,
            memory_in_mb: 1024,
            disk_in_mb: 1024,
            stats: Some(stats),
        });
    }
    assert!(placed >= 250_000, "{placed}");
    CfSnapshot { collected_at: unix_now(), apps, processes, ..CfSnapshot::default() }
}

#[tokio::test]
async fn the_table_has_ttl_on_expires_at() {
    let (client, cache) = table("ttl").await;
    let _ = cache;
    let tables = client.list_tables().send().await.unwrap();
    let name = tables.table_names().iter().find(|t| t.starts_with("ttl-")).cloned().unwrap();
    let ttl = client.describe_time_to_live().table_name(&name).send().await.unwrap();
    let spec = ttl.time_to_live_description().unwrap();
    assert_eq!(spec.attribute_name(), Some("expires_at"));
    assert!(matches!(spec.time_to_live_status().map(|s| s.as_str()), Some("ENABLED" | "ENABLING")));
}

#[tokio::test]
async fn an_expired_item_is_a_miss_while_it_is_still_stored() {
    let (client, cache) = table("expired").await;
    cache.put("f:cf", entry(b"old".to_vec(), "v1", -20, -10)).await.unwrap();
    let now = unix_now();
    assert!(cache.get("f:cf", now).await.unwrap().is_none());
    assert!(cache.meta("f:cf", now).await.unwrap().is_none());
    let tables = client.list_tables().send().await.unwrap();
    let name = tables.table_names().iter().find(|t| t.starts_with("expired-")).cloned().unwrap();
    let raw = client.get_item().table_name(name).key("pk", AttributeValue::S("f:cf".into())).send().await.unwrap();
    assert!(raw.item.is_some(), "moto (like DynamoDB) still holds the expired item");
    // Stale but not expired: returned, and not fresh.
    cache.put("f:cf", entry(b"stale".to_vec(), "v2", -5, 100)).await.unwrap();
    let got = cache.get("f:cf", unix_now()).await.unwrap().unwrap();
    assert_eq!((got.value.as_ref(), got.is_fresh(unix_now())), (&b"stale"[..], false));
}

#[tokio::test]
async fn a_huge_profile_value_round_trips_in_chunks() {
    let (_, cache) = table("huge").await;
    let snapshot = huge_cf_snapshot();
    let encoded = cache::encode(&snapshot).unwrap();
    assert!(encoded.len() > 2 * CHUNK_BYTES, "needs several items: {} bytes", encoded.len());
    cache.put("f:cf", entry(encoded.clone(), "v1", 300, 600)).await.unwrap();
    let got = cache.get("f:cf", unix_now()).await.unwrap().unwrap();
    assert_eq!(got.value.len(), encoded.len());
    let decoded: CfSnapshot = cache::decode(&got.value).unwrap();
    assert_eq!(decoded, snapshot);
    // Replacing it with a small value removes the old chunks and reads back the new one.
    cache.put("f:cf", entry(b"small".to_vec(), "v2", 300, 600)).await.unwrap();
    assert_eq!(cache.get("f:cf", unix_now()).await.unwrap().unwrap().value.as_ref(), b"small");
}

#[tokio::test]
async fn concurrent_writers_never_expose_half_a_value() {
    let (_, cache) = table("writers").await;
    let cache = Arc::new(cache);
    // Eight distinct multi-chunk values, each filled with its own byte.
    let values: Vec<Vec<u8>> = (0..8u8).map(|w| vec![w; CHUNK_BYTES * 2 + 1000 * usize::from(w)]).collect();
    let writers: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(w, v)| {
            let (cache, v) = (cache.clone(), v.clone());
            tokio::spawn(async move {
                for round in 0..3 {
                    cache.put("f:cf", entry(v.clone(), &format!("w{w}-r{round}"), 300, 600)).await.unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let (cache, values) = (cache.clone(), values.clone());
        tokio::spawn(async move {
            let mut seen = 0;
            for _ in 0..40 {
                if let Some(got) = cache.get("f:cf", unix_now()).await.unwrap() {
                    assert!(values.iter().any(|v| v.as_slice() == got.value.as_ref()), "a torn value was read");
                    seen += 1;
                }
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = reader.await.unwrap();
    let last = cache.get("f:cf", unix_now()).await.unwrap().unwrap();
    assert!(values.iter().any(|v| v.as_slice() == last.value.as_ref()));
    assert!(seen > 0, "the reader saw complete values while writers ran");
}

#[tokio::test]
async fn one_lease_among_many_contenders() {
    let (_, cache) = table("lease").await;
    let cache = Arc::new(cache);
    let now = unix_now();
    let contenders: Vec<_> = (0..50)
        .map(|i| {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache.try_lease("f:cf", &format!("holder-{i}"), now, Duration::from_secs(60)).await.unwrap()
            })
        })
        .collect();
    let mut winners = 0;
    for c in contenders {
        winners += u32::from(c.await.unwrap());
    }
    assert_eq!(winners, 1);
    // An expired lease can be taken over; a released one is free.
    assert!(cache.try_lease("f:cf", "late", now + 61, Duration::from_secs(60)).await.unwrap());
    cache.release_lease("f:cf", "late").await.unwrap();
    assert!(cache.try_lease("f:cf", "next", now + 62, Duration::from_secs(60)).await.unwrap());
}

#[tokio::test]
async fn secrets_manager_reads_one_json_secret() {
    let client = aws_sdk_secretsmanager::Client::new(&moto::sdk_config().await);
    let name = moto::unique_table("capacity-secret");
    client
        .create_secret()
        .name(&name)
        .secret_string(r#"{"cf_password":"from-secrets-manager","bosh_client_secret":"bosh-sm-secret"}"#)
        .send()
        .await
        .unwrap();
    let values: HashMap<String, String> = AwsSecretsManager::new(client.clone(), &name).load().await.unwrap();
    assert_eq!(values["cf_password"], "from-secrets-manager");
    let missing = AwsSecretsManager::new(client.clone(), "no-such-secret").load().await.unwrap_err();
    assert!(matches!(missing, SecretError::Unavailable(_)));
    assert!(missing.to_string().contains("GetSecretValue"));
    let not_json = moto::unique_table("bad-secret");
    client.create_secret().name(&not_json).secret_string("hunter2").send().await.unwrap();
    let malformed = AwsSecretsManager::new(client, &not_json).load().await.unwrap_err().to_string();
    assert!(!malformed.contains("hunter2"), "{malformed}");
}
