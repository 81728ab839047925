//! Errors of the application layer.

use capacity_clients::ClientError;

/// A startup or configuration problem. Messages name variables, never their values.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is absent.
    #[error("{variable} is required: {hint}")]
    Missing {
        /// Variable name.
        variable: &'static str,
        /// What to set.
        hint: &'static str,
    },
    /// A variable is present but unusable.
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        /// Variable name.
        variable: &'static str,
        /// Why (no value quoted).
        reason: String,
    },
    /// The secret store could not be read.
    #[error("the secret store could not be read: {0}")]
    SecretStore(String),
}

/// Why a request for capacity data failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The CF API, which every view needs, failed.
    #[error("the Cloud Foundry API is unavailable: {0}")]
    CfUnavailable(#[source] std::sync::Arc<ClientError>),
    /// Configuration problem discovered at use.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Another instance is refreshing and no value exists yet.
    #[error("the data is being collected; retry shortly")]
    RefreshInProgress,
    /// The cache failed and no fallback was possible.
    #[error("the cache is unavailable: {0}")]
    Cache(String),
    /// The request itself is wrong.
    #[error("{0}")]
    BadRequest(String),
    /// Unexpected internal failure (a bug or a broken invariant).
    #[error("internal error: {0}")]
    Internal(String),
}
