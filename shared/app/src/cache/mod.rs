//! The cache port and its adapters. A value is opaque bytes with three instants: when it was
//! written, until when it is fresh, and when it expires for good. Between `fresh_until` and
//! `expires_at` it is *stale*: served only when a refresh fails (stale-while-revalidate).
//! Adapters must treat `expires_at <= now` as a miss even while the item still exists
//! (DynamoDB deletes expired items lazily, up to days later).

mod codec;
mod dynamo;
mod memory;

pub use codec::{decode, encode};
pub use dynamo::{CHUNK_BYTES, DynamoCache};
pub use memory::MemoryCache;

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

/// A cached value and its lifetimes (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    /// Opaque payload (the codec's compressed JSON).
    pub value: Bytes,
    /// Distinguishes writes: equal versions hold equal bytes.
    pub version: String,
    /// When it was written.
    pub written_at: i64,
    /// Fresh until then.
    pub fresh_until: i64,
    /// Never returned from then on.
    pub expires_at: i64,
}

/// An entry without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheMeta {
    /// See [`CacheEntry::version`].
    pub version: String,
    /// See [`CacheEntry::written_at`].
    pub written_at: i64,
    /// See [`CacheEntry::fresh_until`].
    pub fresh_until: i64,
    /// See [`CacheEntry::expires_at`].
    pub expires_at: i64,
}

impl CacheEntry {
    /// The entry without its value.
    #[must_use]
    pub fn meta(&self) -> CacheMeta {
        CacheMeta {
            version: self.version.clone(),
            written_at: self.written_at,
            fresh_until: self.fresh_until,
            expires_at: self.expires_at,
        }
    }

    /// Whether the entry is still fresh at `now`.
    #[must_use]
    pub fn is_fresh(&self, now: i64) -> bool {
        now < self.fresh_until
    }
}

/// Why a cache operation failed. Messages carry no values.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The backing store failed.
    #[error("cache backend error: {0}")]
    Backend(String),
    /// A stored value could not be read back.
    #[error("cached value is corrupt: {0}")]
    Corrupt(String),
}

/// Where snapshots live between requests (and across Lambda instances).
#[async_trait]
pub trait CacheStore: Send + Sync + std::fmt::Debug {
    /// The entry, unless missing or expired at `now`.
    async fn get(&self, key: &str, now: i64) -> Result<Option<CacheEntry>, CacheError>;

    /// The entry's lifetimes without its value (cheap), unless missing or expired.
    async fn meta(&self, key: &str, now: i64) -> Result<Option<CacheMeta>, CacheError>;

    /// Stores an entry, atomically for readers: they see the old value or the new one.
    async fn put(&self, key: &str, entry: CacheEntry) -> Result<(), CacheError>;

    /// Takes the refresh lease of `key` for `holder` unless someone else holds an unexpired one.
    async fn try_lease(&self, key: &str, holder: &str, now: i64, lease_for: Duration) -> Result<bool, CacheError>;

    /// Gives the lease back if `holder` still holds it.
    async fn release_lease(&self, key: &str, holder: &str) -> Result<(), CacheError>;

    /// A short name for logs and health (`memory`, `dynamodb`).
    fn kind(&self) -> &'static str;
}
