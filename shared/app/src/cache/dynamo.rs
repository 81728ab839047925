//! The DynamoDB cache adapter.
//!
//! Items (partition key `pk`, string):
//! * manifest `<key>`: `version`, `written_at`, `fresh_until`, `expires_at` (the table's TTL
//!   attribute), `chunks`, `size`, and the value inline in `value` when it fits one item;
//! * chunk `<key>#<version>#<i>`: `value`, `expires_at`;
//! * lease `<key>#lease`: `holder`, `lease_until`, `expires_at`.
//!
//! A value above [`CHUNK_BYTES`] is written as chunks first and published by overwriting the
//! manifest, so a reader sees the old version or the new one, never half of either. Chunks of
//! the replaced version are deleted afterwards; a reader that raced the delete re-reads the
//! manifest. Every read compares `expires_at` with now, since TTL deletion is lazy.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, KeySchemaElement, KeyType, KeysAndAttributes,
    PutRequest, ScalarAttributeType, TimeToLiveSpecification, WriteRequest,
};
use bytes::{Bytes, BytesMut};

use super::{CacheEntry, CacheError, CacheMeta, CacheStore};

/// Largest value stored in one item: DynamoDB's limit is 400 KB including attribute names.
pub const CHUNK_BYTES: usize = 350 * 1024;
const BATCH_WRITE_MAX: usize = 25;
const BATCH_GET_MAX: usize = 100;
const READ_ATTEMPTS: usize = 3;

/// A cache in one DynamoDB table.
#[derive(Debug, Clone)]
pub struct DynamoCache {
    client: Client,
    table: String,
}

type Item = HashMap<String, AttributeValue>;

fn backend<E: std::error::Error>(what: &str, e: E) -> CacheError {
    CacheError::Backend(format!("{what}: {}", DisplayErrorContext(e)))
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn string<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

fn chunk_key(key: &str, version: &str, index: usize) -> String {
    format!("{key}#{version}#{index}")
}

struct Manifest {
    version: String,
    written_at: i64,
    fresh_until: i64,
    expires_at: i64,
    chunks: usize,
    size: usize,
    inline: Option<Bytes>,
}

impl Manifest {
    fn from_item(item: &Item, now: i64) -> Result<Option<Self>, CacheError> {
        let expires_at =
            number(item, "expires_at").ok_or_else(|| CacheError::Corrupt("manifest without expires_at".into()))?;
        if expires_at <= now {
            return Ok(None);
        }
        let corrupt = |field: &str| CacheError::Corrupt(format!("manifest without {field}"));
        Ok(Some(Self {
            version: string(item, "version").ok_or_else(|| corrupt("version"))?.to_owned(),
            written_at: number(item, "written_at").ok_or_else(|| corrupt("written_at"))?,
            fresh_until: number(item, "fresh_until").ok_or_else(|| corrupt("fresh_until"))?,
            expires_at,
            chunks: usize::try_from(number(item, "chunks").unwrap_or(0)).map_err(|_| corrupt("chunks"))?,
            size: usize::try_from(number(item, "size").unwrap_or(0)).map_err(|_| corrupt("size"))?,
            inline: item.get("value").and_then(|v| v.as_b().ok()).map(|b| Bytes::copy_from_slice(b.as_ref())),
        }))
    }
}

impl DynamoCache {
    /// A cache over an existing table.
    #[must_use]
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// Creates the table as the SAM template does (on-demand, key `pk`, TTL on `expires_at`).
    /// For tests and local tooling; production tables come from `template.yaml`.
    pub async fn create_table(client: &Client, table: &str) -> Result<(), CacheError> {
        client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(|e| backend("table definition", e))?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(KeyType::Hash)
                    .build()
                    .map_err(|e| backend("table definition", e))?,
            )
            .send()
            .await
            .map_err(|e| backend("CreateTable", e))?;
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name("expires_at")
                    .enabled(true)
                    .build()
                    .map_err(|e| backend("TTL specification", e))?,
            )
            .send()
            .await
            .map_err(|e| backend("UpdateTimeToLive", e))?;
        Ok(())
    }

    async fn manifest(&self, key: &str, now: i64) -> Result<Option<Manifest>, CacheError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("GetItem", e))?;
        match out.item {
            Some(item) => Manifest::from_item(&item, now),
            None => Ok(None),
        }
    }

    /// Reads every chunk of a version; `None` when one is gone (the version was replaced).
    async fn chunks(&self, key: &str, manifest: &Manifest) -> Result<Option<Bytes>, CacheError> {
        let wanted: Vec<String> = (0..manifest.chunks).map(|i| chunk_key(key, &manifest.version, i)).collect();
        let mut found: HashMap<String, Blob> = HashMap::with_capacity(wanted.len());
        for batch in wanted.chunks(BATCH_GET_MAX) {
            let mut keys: Vec<Item> = batch.iter().map(|k| HashMap::from([("pk".to_owned(), s(k))])).collect();
            for _ in 0..10 {
                if keys.is_empty() {
                    break;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| backend("BatchGetItem request", e))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| backend("BatchGetItem", e))?;
                for item in out.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default() {
                    if let (Some(pk), Some(AttributeValue::B(blob))) =
                        (string(&item, "pk").map(str::to_owned), item.get("value"))
                    {
                        found.insert(pk, blob.clone());
                    }
                }
                keys = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).map(|k| k.keys).unwrap_or_default();
            }
        }
        let mut value = BytesMut::with_capacity(manifest.size);
        for key in &wanted {
            let Some(blob) = found.get(key) else { return Ok(None) };
            value.extend_from_slice(blob.as_ref());
        }
        if value.len() != manifest.size {
            return Err(CacheError::Corrupt(format!("expected {} bytes, read {}", manifest.size, value.len())));
        }
        Ok(Some(value.freeze()))
    }

    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), CacheError> {
        for batch in requests.chunks(BATCH_WRITE_MAX) {
            let mut pending = batch.to_vec();
            for attempt in 0..8u32 {
                if pending.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(|e| backend("BatchWriteItem", e))?;
                pending = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
                if !pending.is_empty() {
                    tokio::time::sleep(Duration::from_millis(50 * 2u64.pow(attempt))).await;
                }
            }
            if !pending.is_empty() {
                return Err(CacheError::Backend("BatchWriteItem left items unprocessed".into()));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl CacheStore for DynamoCache {
    async fn get(&self, key: &str, now: i64) -> Result<Option<CacheEntry>, CacheError> {
        for _ in 0..READ_ATTEMPTS {
            let Some(manifest) = self.manifest(key, now).await? else { return Ok(None) };
            let value = match manifest.inline.clone() {
                Some(inline) => inline,
                None => match self.chunks(key, &manifest).await? {
                    Some(value) => value,
                    // Replaced while we read: the next manifest names complete chunks.
                    None => continue,
                },
            };
            return Ok(Some(CacheEntry {
                value,
                version: manifest.version,
                written_at: manifest.written_at,
                fresh_until: manifest.fresh_until,
                expires_at: manifest.expires_at,
            }));
        }
        Err(CacheError::Corrupt(format!("chunks of {key} kept disappearing while reading")))
    }

    async fn meta(&self, key: &str, now: i64) -> Result<Option<CacheMeta>, CacheError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(key))
            .projection_expression("version, written_at, fresh_until, expires_at")
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("GetItem", e))?;
        let Some(item) = out.item else { return Ok(None) };
        Ok(Manifest::from_item(&item, now)?.map(|m| CacheMeta {
            version: m.version,
            written_at: m.written_at,
            fresh_until: m.fresh_until,
            expires_at: m.expires_at,
        }))
    }

    async fn put(&self, key: &str, entry: CacheEntry) -> Result<(), CacheError> {
        let previous = self.manifest(key, i64::MIN).await.ok().flatten();
        let mut manifest: Item = HashMap::from([
            ("pk".to_owned(), s(key)),
            ("version".to_owned(), s(&entry.version)),
            ("written_at".to_owned(), n(entry.written_at)),
            ("fresh_until".to_owned(), n(entry.fresh_until)),
            ("expires_at".to_owned(), n(entry.expires_at)),
            ("size".to_owned(), n(i64::try_from(entry.value.len()).unwrap_or(i64::MAX))),
        ]);
        if entry.value.len() <= CHUNK_BYTES {
            manifest.insert("chunks".to_owned(), n(0));
            manifest.insert("value".to_owned(), AttributeValue::B(Blob::new(entry.value.to_vec())));
        } else {
            let parts: Vec<&[u8]> = entry.value.chunks(CHUNK_BYTES).collect();
            let mut requests = Vec::with_capacity(parts.len());
            for (i, part) in parts.iter().enumerate() {
                let item: Item = HashMap::from([
                    ("pk".to_owned(), s(&chunk_key(key, &entry.version, i))),
                    ("value".to_owned(), AttributeValue::B(Blob::new(part.to_vec()))),
                    ("expires_at".to_owned(), n(entry.expires_at)),
                ]);
                let put = PutRequest::builder().set_item(Some(item)).build().map_err(|e| backend("PutRequest", e))?;
                requests.push(WriteRequest::builder().put_request(put).build());
            }
            self.batch_write(requests).await?;
            manifest.insert("chunks".to_owned(), n(i64::try_from(parts.len()).unwrap_or(i64::MAX)));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(manifest))
            .send()
            .await
            .map_err(|e| backend("PutItem", e))?;
        if let Some(old) = previous.filter(|p| p.version != entry.version && p.chunks > 0) {
            let deletes: Result<Vec<WriteRequest>, CacheError> = (0..old.chunks)
                .map(|i| {
                    let delete = DeleteRequest::builder()
                        .key("pk", s(&chunk_key(key, &old.version, i)))
                        .build()
                        .map_err(|e| backend("DeleteRequest", e))?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect();
            // Leftovers are harmless: the TTL removes them.
            if let Err(e) = self.batch_write(deletes?).await {
                tracing::warn!(error = %e, "could not delete replaced cache chunks");
            }
        }
        Ok(())
    }

    async fn try_lease(&self, key: &str, holder: &str, now: i64, lease_for: Duration) -> Result<bool, CacheError> {
        let until = now.saturating_add(i64::try_from(lease_for.as_secs()).unwrap_or(i64::MAX).max(1));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(&format!("{key}#lease")))
            .item("holder", s(holder))
            .item("lease_until", n(until))
            .item("expires_at", n(until))
            .condition_expression("attribute_not_exists(pk) OR lease_until <= :now OR holder = :holder")
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":holder", s(holder))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) => match e.into_service_error() {
                e if e.is_conditional_check_failed_exception() => Ok(false),
                e => Err(backend("PutItem (lease)", e)),
            },
        }
    }

    async fn release_lease(&self, key: &str, holder: &str) -> Result<(), CacheError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(&format!("{key}#lease")))
            .condition_expression("holder = :holder")
            .expression_attribute_values(":holder", s(holder))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => match e.into_service_error() {
                e if e.is_conditional_check_failed_exception() => Ok(()),
                e => Err(backend("DeleteItem (lease)", e)),
            },
        }
    }

    fn kind(&self) -> &'static str {
        "dynamodb"
    }
}
