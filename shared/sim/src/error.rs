use thiserror::Error;

/// Why the simulator could not start.
#[derive(Debug, Error)]
pub enum SimError {
    #[error("cannot bind {listener} listener on {addr}: {source}")]
    Bind {
        listener: &'static str,
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("simulator signing key is unusable: {0}")]
    SigningKey(#[from] jsonwebtoken::errors::Error),
    #[error("cannot create the BOSH TLS certificate: {0}")]
    Tls(String),
    #[error("invalid configuration: {0}")]
    Config(String),
}
