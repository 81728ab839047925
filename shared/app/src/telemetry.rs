//! Logging setup. JSON on Lambda (CloudWatch parses it) or when `LOG_FORMAT=json`; text
//! otherwise. The level comes from `RUST_LOG`, else `LOG_LEVEL`, else `info`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are ignored.
pub fn init() {
    let on_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let json = on_lambda || std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let level = std::env::var("LOG_LEVEL").unwrap_or_else(|_| "info".to_owned());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = if json {
        builder.json().flatten_event(true).with_current_span(false).without_time().try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
    // A second init (tests, a Lambda re-entry) keeps the first subscriber.
    let _ = result;
}
