//! Logging setup. JSON on Lambda (CloudWatch parses it) or when `LOG_FORMAT=json`; text
//! otherwise. The level comes from `RUST_LOG`, else `LOG_LEVEL`, else `info`.

use std::str::FromStr;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber once; later calls are ignored.
pub fn init() {
    let on_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let json = on_lambda || std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr);
    let filter = filter();
    let result = if json {
        builder.json().flatten_event(true).with_current_span(false).without_time().finish().with(filter).try_init()
    } else {
        builder.with_ansi(false).finish().with(filter).try_init()
    };
    // A second init (tests, a Lambda re-entry) keeps the first subscriber.
    let _ = result;
}

/// `RUST_LOG` as `target=level` directives (e.g. `info,capacity_app=debug`), else `LOG_LEVEL`,
/// else `info`. Plain target filters, not `EnvFilter`: its regex engine would add a megabyte to
/// every Lambda binary.
fn filter() -> Targets {
    let from = |value: String| Targets::from_str(&value).ok();
    std::env::var("RUST_LOG")
        .ok()
        .and_then(from)
        .or_else(|| std::env::var("LOG_LEVEL").ok().and_then(from))
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}
