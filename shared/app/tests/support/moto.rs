//! The local AWS-protocol server (moto) that `scripts/test` starts and names in `MOTO_ENDPOINT`.
//! Without it these tests fail loudly: they never skip.

use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

/// The endpoint, or a panic that says how to get one.
pub fn endpoint() -> String {
    match std::env::var("MOTO_ENDPOINT") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "MOTO_ENDPOINT is not set: these tests need the local AWS-protocol server. Run scripts/test \
             (it installs moto into .venv-tools and starts it), or start `.venv-tools/bin/moto_server -H 127.0.0.1 -p 5055` \
             and export MOTO_ENDPOINT=http://127.0.0.1:5055"
        ),
    }
}

/// SDK configuration pointing at moto with dummy credentials.
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .load()
        .await
}

/// A table name no other test uses.
pub fn unique_table(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}
