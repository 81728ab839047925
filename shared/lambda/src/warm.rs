//! The warm-cache handler: an EventBridge schedule triggers it; it refreshes every source whose
//! freshness would end before the next run, and logs what it did.

use capacity_app::bootstrap::Application;
use capacity_app::service::SourceMeta;
use lambda_runtime::LambdaEvent;
use serde::{Deserialize, Serialize};

/// Default lead: a 4-minute schedule plus one minute of margin.
const DEFAULT_LEAD_SECS: i64 = 300;

/// The fields of an EventBridge scheduled event that matter here.
#[derive(Debug, Clone, Deserialize)]
pub struct ScheduledEvent {
    /// Event id.
    #[serde(default)]
    pub id: String,
    /// `Scheduled Event` for schedules.
    #[serde(rename = "detail-type", default)]
    pub detail_type: String,
    /// `aws.events` (or `aws.scheduler`).
    #[serde(default)]
    pub source: String,
    /// When the schedule fired.
    #[serde(default)]
    pub time: String,
}

/// What the function returns (and logs).
#[derive(Debug, Clone, Serialize)]
pub struct WarmOutcome {
    /// Sources refreshed by this run.
    pub refreshed: Vec<&'static str>,
    /// Sources that could not be refreshed, with the reason.
    pub failed: Vec<(&'static str, String)>,
    /// Wall time (ms).
    pub elapsed_ms: u64,
}

/// `WARM_LEAD_SECS`: refresh what expires within this many seconds (default 300).
#[must_use]
pub fn lead_secs_from_env() -> i64 {
    std::env::var("WARM_LEAD_SECS").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_LEAD_SECS)
}

/// Handles one scheduled invocation.
pub async fn handle_warm(
    app: &Application,
    event: LambdaEvent<ScheduledEvent>,
    lead_secs: i64,
) -> Result<WarmOutcome, lambda_runtime::Error> {
    let report = app.service.warm(lead_secs).await;
    let names = ["cf", "bosh", "log_cache"];
    let refreshed = names.iter().zip(&report.sources).filter(|(_, s)| s.refreshed).map(|(n, _)| *n).collect();
    let failed = names
        .iter()
        .zip(&report.sources)
        .filter(|(_, s)| s.used && !s.available() && s.reason.is_some())
        .map(|(n, s): (&&str, &SourceMeta)| (*n, s.reason.clone().unwrap_or_default()))
        .collect();
    let outcome = WarmOutcome { refreshed, failed, elapsed_ms: report.elapsed_ms };
    tracing::info!(
        event_id = %event.payload.id,
        scheduled_at = %event.payload.time,
        refreshed = ?outcome.refreshed,
        failed = ?outcome.failed,
        elapsed_ms = outcome.elapsed_ms,
        "warm-cache run finished"
    );
    Ok(outcome)
}
