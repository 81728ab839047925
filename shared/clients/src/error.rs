//! The one error type of the client crate.

use std::time::Duration;

/// Why an upstream call failed. Messages name the upstream and the route template, never a URL
/// query, a credential or a response body.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Connection refused, reset, TLS failure, DNS failure.
    #[error("{upstream} is unreachable ({route}): {reason}")]
    Transport {
        /// Upstream name.
        upstream: &'static str,
        /// Route template.
        route: &'static str,
        /// What the transport reported.
        reason: String,
    },
    /// No response within the per-request timeout.
    #[error("{upstream} did not answer {route} within {timeout:?}")]
    Timeout {
        /// Upstream name.
        upstream: &'static str,
        /// Route template.
        route: &'static str,
        /// The timeout that elapsed.
        timeout: Duration,
    },
    /// A non-success status without a more specific envelope.
    #[error("{upstream} answered {route} with HTTP {status}{}", detail_suffix(.detail))]
    Status {
        /// Upstream name.
        upstream: &'static str,
        /// Route template.
        route: &'static str,
        /// HTTP status.
        status: u16,
        /// A short, parsed explanation when the upstream gave one.
        detail: Option<String>,
    },
    /// The CF API's `errors[]` envelope.
    #[error("CF API answered {route} with HTTP {status}: {title} ({code}): {detail}")]
    CfApi {
        /// Route template.
        route: &'static str,
        /// HTTP status.
        status: u16,
        /// Numeric CF error code, e.g. 10005.
        code: i64,
        /// Error title, e.g. `CF-BadQueryParameter`.
        title: String,
        /// Error detail.
        detail: String,
    },
    /// Credentials were refused, or a token could not be obtained or used.
    #[error("authentication with {upstream} failed: {reason}")]
    Auth {
        /// Upstream name.
        upstream: &'static str,
        /// The upstream's error code and description (e.g. `invalid_client: Bad credentials`).
        reason: String,
    },
    /// Still rate-limited after honouring `Retry-After` as often as the policy allows.
    #[error("{upstream} kept rate-limiting {route} (last Retry-After {retry_after:?})")]
    RateLimited {
        /// Upstream name.
        upstream: &'static str,
        /// Route template.
        route: &'static str,
        /// Last `Retry-After` seen.
        retry_after: Option<Duration>,
    },
    /// The body is not what the API documents (malformed JSON, wrong types, truncated).
    #[error("{upstream} sent a malformed body for {route}: {reason}")]
    Decode {
        /// Upstream name.
        upstream: &'static str,
        /// Route template.
        route: &'static str,
        /// The parser's explanation (position and expected type; no body content).
        reason: String,
    },
    /// The upstream broke a protocol rule (a foreign pagination host, a redirect without task).
    #[error("{upstream} violated the protocol on {route}: {reason}")]
    Protocol {
        /// Upstream name.
        upstream: &'static str,
        /// Route template.
        route: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A BOSH task ended in a state other than `done`, or did not end in time.
    #[error("BOSH task {task_id} for deployment {deployment} ended as {state}")]
    TaskFailed {
        /// Task id.
        task_id: u64,
        /// Deployment.
        deployment: String,
        /// Final state (`error`, `cancelled`, `timeout`, or `still running` when we gave up).
        state: String,
    },
    /// Invalid client settings (a bad URL, an unparsable CA certificate).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default()
}

impl ClientError {
    /// Whether a retry may help: transport errors, timeouts and 5xx answers.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Status { status, .. } | Self::CfApi { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// The HTTP status the upstream answered, when it answered.
    #[must_use]
    pub fn upstream_status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } | Self::CfApi { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Keeps upstream-provided text short and on one line, so a hostile upstream cannot flood logs.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 200;
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match one_line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}
