//! The secret store port: where credentials come from before the environment is consulted.
//!
//! One JSON object of string values, e.g.
//! `{"cf_password": "…", "cf_client_secret": "…", "bosh_client_secret": "…", "bosh_ca_cert": "-----BEGIN…"}`.
//! Keys are configuration variable names in any case (`cf_password` provides `CF_PASSWORD`).
//! Values are read once per cold start and again after an upstream authentication failure.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::DisplayErrorContext;

/// Why the secret store could not be read. Never carries a secret value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The store is unreachable, denied access, or the secret does not exist.
    #[error("{0}")]
    Unavailable(String),
    /// The secret is not a JSON object of strings.
    #[error("the secret is not a JSON object of string values ({0})")]
    Malformed(String),
}

/// A source of credentials.
#[async_trait]
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// All key/value pairs the store holds.
    async fn load(&self) -> Result<HashMap<String, String>, SecretError>;
    /// A short name for logs.
    fn kind(&self) -> &'static str;
}

/// AWS Secrets Manager: one secret (`SECRET_ID`, a name or ARN) holding a JSON object.
#[derive(Debug, Clone)]
pub struct AwsSecretsManager {
    client: Client,
    secret_id: String,
}

impl AwsSecretsManager {
    /// An adapter for one secret.
    #[must_use]
    pub fn new(client: Client, secret_id: impl Into<String>) -> Self {
        Self { client, secret_id: secret_id.into() }
    }
}

#[async_trait]
impl SecretStore for AwsSecretsManager {
    async fn load(&self) -> Result<HashMap<String, String>, SecretError> {
        let out = self.client.get_secret_value().secret_id(&self.secret_id).send().await.map_err(|e| {
            SecretError::Unavailable(format!("GetSecretValue of SECRET_ID failed: {}", DisplayErrorContext(e)))
        })?;
        let text = out.secret_string().ok_or_else(|| SecretError::Malformed("no SecretString".to_owned()))?;
        parse_json_object(text)
    }

    fn kind(&self) -> &'static str {
        "aws-secrets-manager"
    }
}

/// The environment as a secret store: the keys it knows, read from process variables.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentSecrets;

/// Variables that hold credentials.
pub const SECRET_VARIABLES: [&str; 6] =
    ["CF_PASSWORD", "CF_CLIENT_SECRET", "CF_OAUTH_CLIENT_SECRET", "BOSH_CLIENT_SECRET", "BOSH_CA_CERT", "CF_CA_CERT"];

#[async_trait]
impl SecretStore for EnvironmentSecrets {
    async fn load(&self) -> Result<HashMap<String, String>, SecretError> {
        Ok(SECRET_VARIABLES.iter().filter_map(|k| std::env::var(k).ok().map(|v| ((*k).to_owned(), v))).collect())
    }

    fn kind(&self) -> &'static str {
        "environment"
    }
}

/// Fixed values held in memory (tests, and the demo mode's simulator credentials).
#[derive(Debug, Clone, Default)]
pub struct StaticSecrets(pub HashMap<String, String>);

#[async_trait]
impl SecretStore for StaticSecrets {
    async fn load(&self) -> Result<HashMap<String, String>, SecretError> {
        Ok(self.0.clone())
    }

    fn kind(&self) -> &'static str {
        "static"
    }
}

/// Parses a secret string: a flat JSON object whose values are strings (numbers and booleans
/// are accepted as text; nested values are refused).
pub fn parse_json_object(text: &str) -> Result<HashMap<String, String>, SecretError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| SecretError::Malformed(format!("invalid JSON at line {}", e.line())))?;
    let serde_json::Value::Object(map) = value else {
        return Err(SecretError::Malformed("not an object".to_owned()));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            serde_json::Value::Number(n) => Ok((k, n.to_string())),
            serde_json::Value::Bool(b) => Ok((k, b.to_string())),
            _ => Err(SecretError::Malformed(format!("key {k} is not a string"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_json_is_a_flat_object_and_errors_never_echo_values() {
        let ok = parse_json_object(r#"{"cf_password":"p4ss","port":8443,"tls":true}"#).unwrap();
        assert_eq!(ok["cf_password"], "p4ss");
        assert_eq!(ok["port"], "8443");
        for bad in [r#"["cf_password"]"#, r#"{"cf_password": {"nested": "hunter2"}}"#, "hunter2 not json"] {
            let err = parse_json_object(bad).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{err}");
        }
    }
}
