//! Snapshot encoding for the cache: JSON, gzip-compressed, streamed both ways so the
//! uncompressed text of a large foundation never sits in memory whole.

use std::io::{BufReader, BufWriter};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::CacheError;

/// Serialises and compresses a value.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CacheError> {
    // Level 3: a large snapshot compresses ~10× at a fraction of level 6's CPU time.
    // serde_json writes token by token; without the buffer every token was its own deflate call
    // (5.4 s for the `huge` snapshot).
    let mut writer = BufWriter::with_capacity(64 * 1024, GzEncoder::new(Vec::new(), Compression::new(3)));
    serde_json::to_writer(&mut writer, value).map_err(|e| CacheError::Corrupt(format!("cannot encode: {e}")))?;
    let encoder = writer.into_inner().map_err(|e| CacheError::Corrupt(format!("cannot compress: {}", e.error())))?;
    encoder.finish().map_err(|e| CacheError::Corrupt(format!("cannot compress: {e}")))
}

/// Decompresses and deserialises a value written by [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CacheError> {
    let reader = BufReader::with_capacity(64 * 1024, GzDecoder::new(bytes));
    serde_json::from_reader(reader).map_err(|e| CacheError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let value = vec![("a".to_owned(), 1u64); 1000];
        let bytes = encode(&value).unwrap();
        assert!(bytes.len() < 200, "repetitive data compresses: {}", bytes.len());
        let back: Vec<(String, u64)> = decode(&bytes).unwrap();
        assert_eq!(back, value);
        assert!(decode::<Vec<u64>>(b"not gzip").is_err());
        assert!(decode::<Vec<u64>>(&bytes[..bytes.len() / 2]).is_err(), "truncated values are corrupt");
    }
}
