//! API keys for automation: issued out of band, stored only as SHA-256 hashes (`API_KEYS`,
//! normally in the secret store), compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Role;
use crate::error::ConfigError;

/// Prefix of every key, so that a leaked key is recognisable by secret scanners.
pub const KEY_PREFIX: &str = "dca_";

/// A stored key: its name, its role and the SHA-256 of the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// Who or what holds it (logged on use instead of the key).
    pub name: String,
    /// What it may do.
    pub role: Role,
    digest: [u8; 32],
}

/// Parses `API_KEYS`: `name:role:sha256-hex` entries separated by commas or newlines.
pub fn parse_records(text: &str) -> Result<Vec<ApiKeyRecord>, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid { variable: "API_KEYS", reason };
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .enumerate()
        .map(|(i, entry)| {
            let mut parts = entry.splitn(3, ':');
            let (Some(name), Some(role), Some(hash)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(invalid(format!("entry {} is not name:role:sha256-hex", i + 1)));
            };
            let role = match role {
                "viewer" => Role::Viewer,
                "operator" => Role::Operator,
                _ => return Err(invalid(format!("entry {} has role other than viewer or operator", i + 1))),
            };
            let bytes = hex::decode(hash.trim()).map_err(|_| invalid(format!("entry {} hash is not hex", i + 1)))?;
            let digest: [u8; 32] =
                bytes.try_into().map_err(|_| invalid(format!("entry {} hash is not 32 bytes of SHA-256", i + 1)))?;
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
                return Err(invalid(format!("entry {} name must be letters, digits, '-', '_' or '.'", i + 1)));
            }
            Ok(ApiKeyRecord { name: name.to_owned(), role, digest })
        })
        .collect()
}

/// The record a presented key matches. Every record is compared, in constant time, so timing
/// reveals neither which record nor how much of a hash matched.
#[must_use]
pub fn find<'a>(records: &'a [ApiKeyRecord], presented: &str) -> Option<&'a ApiKeyRecord> {
    let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    let mut found = None;
    for record in records {
        if bool::from(record.digest.ct_eq(&digest)) {
            found = Some(record);
        }
    }
    found
}

/// A new random key and the `API_KEYS` entry that stores it.
pub fn generate(name: &str, role: Role) -> Result<(String, String), String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness available: {e}"))?;
    let key = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    let record = format!("{name}:{}:{}", role.as_str(), hex::encode(Sha256::digest(key.as_bytes())));
    Ok((key, record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_match_their_record_and_nothing_else() {
        let (key, record) = generate("ci-pipeline", Role::Viewer).unwrap();
        assert!(key.starts_with(KEY_PREFIX));
        assert!(!record.contains(&key[4..]), "the record holds a hash, not the key");
        let (other, other_record) = generate("ops", Role::Operator).unwrap();
        let records = parse_records(&format!("{record},\n{other_record}")).unwrap();
        assert_eq!(find(&records, &key).map(|r| (r.name.as_str(), r.role)), Some(("ci-pipeline", Role::Viewer)));
        assert_eq!(find(&records, &other).map(|r| r.role), Some(Role::Operator));
        assert!(find(&records, "dca_wrong").is_none());
        assert!(find(&records, "").is_none());
    }

    #[test]
    fn malformed_records_name_the_variable_not_the_value() {
        for bad in ["justaname", "n:admin:00", "n:viewer:zz", "n:viewer:abcd", "bad name:viewer:00"] {
            let err = parse_records(bad).unwrap_err().to_string();
            assert!(err.starts_with("API_KEYS is invalid"), "{err}");
            assert!(!err.contains(bad), "{err}");
        }
        assert!(parse_records("").unwrap().is_empty());
    }
}
