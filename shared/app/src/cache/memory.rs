//! The in-memory cache adapter: a map with expiry checks and a periodic sweep.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use async_trait::async_trait;

use super::{CacheEntry, CacheError, CacheMeta, CacheStore};
use crate::collector::unix_now;

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<String, CacheEntry>,
    leases: HashMap<String, (String, i64)>,
}

/// A process-local cache. Expired entries are invisible at once and removed by the sweep.
#[derive(Debug, Default, Clone)]
pub struct MemoryCache {
    inner: Arc<Mutex<Inner>>,
}

impl MemoryCache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cache whose expired entries are swept every `every` by a background task that
    /// stops when the cache is dropped. Must be called inside a Tokio runtime.
    #[must_use]
    pub fn with_sweep(every: Duration) -> Self {
        let cache = Self::new();
        let weak: Weak<Mutex<Inner>> = Arc::downgrade(&cache.inner);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                let removed = sweep(&inner, unix_now());
                if removed > 0 {
                    tracing::debug!(removed, "swept expired cache entries");
                }
            }
        });
        cache
    }

    /// Removes expired entries and leases; returns how many entries went.
    #[must_use]
    pub fn sweep(&self, now: i64) -> usize {
        sweep(&self.inner, now)
    }

    /// Entries physically present (expired ones included until swept).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no entry is present.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn sweep(inner: &Mutex<Inner>, now: i64) -> usize {
    let mut inner = inner.lock().unwrap_or_else(PoisonError::into_inner);
    let before = inner.entries.len();
    inner.entries.retain(|_, e| e.expires_at > now);
    inner.leases.retain(|_, (_, until)| *until > now);
    before - inner.entries.len()
}

#[async_trait]
impl CacheStore for MemoryCache {
    async fn get(&self, key: &str, now: i64) -> Result<Option<CacheEntry>, CacheError> {
        Ok(self.lock().entries.get(key).filter(|e| e.expires_at > now).cloned())
    }

    async fn meta(&self, key: &str, now: i64) -> Result<Option<CacheMeta>, CacheError> {
        Ok(self.lock().entries.get(key).filter(|e| e.expires_at > now).map(CacheEntry::meta))
    }

    async fn put(&self, key: &str, entry: CacheEntry) -> Result<(), CacheError> {
        self.lock().entries.insert(key.to_owned(), entry);
        Ok(())
    }

    async fn try_lease(&self, key: &str, holder: &str, now: i64, lease_for: Duration) -> Result<bool, CacheError> {
        let mut inner = self.lock();
        let free = inner.leases.get(key).is_none_or(|(owner, until)| *until <= now || owner == holder);
        if free {
            let until = now.saturating_add(i64::try_from(lease_for.as_secs()).unwrap_or(i64::MAX).max(1));
            inner.leases.insert(key.to_owned(), (holder.to_owned(), until));
        }
        Ok(free)
    }

    async fn release_lease(&self, key: &str, holder: &str) -> Result<(), CacheError> {
        let mut inner = self.lock();
        if inner.leases.get(key).is_some_and(|(owner, _)| owner == holder) {
            inner.leases.remove(key);
        }
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str, fresh_until: i64, expires_at: i64) -> CacheEntry {
        CacheEntry {
            value: bytes::Bytes::from_static(b"v"),
            version: version.into(),
            written_at: 0,
            fresh_until,
            expires_at,
        }
    }

    #[tokio::test]
    async fn expired_entries_are_invisible_before_and_gone_after_the_sweep() {
        let cache = MemoryCache::new();
        cache.put("k", entry("1", 10, 20)).await.unwrap();
        assert!(cache.get("k", 15).await.unwrap().is_some_and(|e| !e.is_fresh(15)), "stale but present");
        assert!(cache.get("k", 20).await.unwrap().is_none(), "expired is a miss");
        assert_eq!(cache.len(), 1, "still physically present until swept");
        assert_eq!(cache.sweep(20), 1);
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn leases_exclude_others_until_released_or_expired() {
        let cache = MemoryCache::new();
        let lease = Duration::from_secs(30);
        assert!(cache.try_lease("k", "a", 100, lease).await.unwrap());
        assert!(!cache.try_lease("k", "b", 101, lease).await.unwrap());
        cache.release_lease("k", "b").await.unwrap();
        assert!(!cache.try_lease("k", "b", 102, lease).await.unwrap(), "only the holder releases");
        assert!(cache.try_lease("k", "b", 130, lease).await.unwrap(), "an expired lease is free");
        cache.release_lease("k", "b").await.unwrap();
        assert!(cache.try_lease("k", "a", 131, lease).await.unwrap());
    }
}
