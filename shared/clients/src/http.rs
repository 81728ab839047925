//! One HTTP client per upstream: timeouts, TLS roots, retries, 429 handling, counting, tracing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{RequestBuilder, Response, StatusCode, header};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::clip;
use crate::{ClientError, RetryPolicy, UpstreamMetrics};

/// Transport settings of one upstream.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Per-request timeout, body included (default 30 s).
    pub timeout: Duration,
    /// TCP + TLS connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Extra trusted root certificates, PEM text.
    pub ca_pem: Option<String>,
    /// Trust only `ca_pem`, not the platform roots (a BOSH director's private CA).
    pub ca_only: bool,
    /// Skip TLS verification. Only ever set from an explicit operator flag.
    pub skip_tls_verify: bool,
    /// Retries for transport errors, timeouts and 5xx answers.
    pub retry: RetryPolicy,
    /// How many `429 Retry-After` answers to honour per request before giving up.
    pub max_rate_limit_waits: u32,
    /// Longest `Retry-After` to honour; longer ones fail at once.
    pub max_retry_after: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            ca_pem: None,
            ca_only: false,
            skip_tls_verify: false,
            retry: RetryPolicy::API_DEFAULT,
            max_rate_limit_waits: 3,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// A reqwest client bound to one upstream name, with the policies above.
#[derive(Debug, Clone)]
pub struct Upstream {
    name: &'static str,
    client: reqwest::Client,
    metrics: Arc<UpstreamMetrics>,
    settings: HttpSettings,
}

impl Upstream {
    /// Builds the client. Redirects are never followed: BOSH's 302 is handled explicitly, and a
    /// redirect elsewhere must not carry our bearer token.
    pub fn new(name: &'static str, settings: HttpSettings, metrics: Arc<UpstreamMetrics>) -> Result<Self, ClientError> {
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("diego-capacity-analyzer/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = settings.ca_pem.as_deref().filter(|p| !p.trim().is_empty()) {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|_| ClientError::Config(format!("the CA certificate for {name} is not valid PEM")))?;
            if certs.is_empty() {
                return Err(ClientError::Config(format!("the CA certificate for {name} holds no certificate")));
            }
            builder = if settings.ca_only { builder.tls_certs_only(certs) } else { builder.tls_certs_merge(certs) };
        }
        if settings.skip_tls_verify {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let client = builder
            .build()
            .map_err(|e| ClientError::Config(format!("cannot build the {name} HTTP client: {}", e.without_url())))?;
        Ok(Self { name, client, metrics, settings })
    }

    /// Upstream name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The underlying client, to build requests.
    #[must_use]
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request built by `build` (called again for each attempt), retrying transport
    /// errors, timeouts and 5xx per the policy and honouring `429 Retry-After`. Any other answer
    /// is returned for the caller to interpret; a 5xx is returned once retries are spent.
    pub async fn execute(
        &self,
        route: &'static str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, ClientError> {
        let span = tracing::debug_span!("upstream", upstream = self.name, route);
        async {
            let mut retries = 0;
            let mut rate_limit_waits = 0;
            loop {
                let started = Instant::now();
                let outcome = build(&self.client).send().await;
                let elapsed = started.elapsed();
                let result: Result<(), ClientError> = match outcome {
                    Ok(response) => {
                        let status = response.status();
                        self.metrics.record(self.name, route, UpstreamMetrics::outcome_of(status.as_u16()), elapsed);
                        tracing::debug!(status = status.as_u16(), ms = elapsed.as_millis() as u64, "answered");
                        if status == StatusCode::TOO_MANY_REQUESTS {
                            let wait = retry_after(&response);
                            match wait.filter(|w| *w <= self.settings.max_retry_after) {
                                Some(wait) if rate_limit_waits < self.settings.max_rate_limit_waits => {
                                    rate_limit_waits += 1;
                                    tracing::info!(retry_after_ms = wait.as_millis() as u64, "rate limited; waiting");
                                    tokio::time::sleep(wait).await;
                                    continue;
                                }
                                _ => {
                                    return Err(ClientError::RateLimited {
                                        upstream: self.name,
                                        route,
                                        retry_after: wait,
                                    });
                                }
                            }
                        }
                        if status.is_server_error() && retries < self.settings.retry.retries {
                            Err(ClientError::Status { upstream: self.name, route, status: status.as_u16(), detail: None })
                        } else {
                            return Ok(response);
                        }
                    }
                    Err(error) => {
                        let error = self.transport_error(route, &error);
                        let outcome = if matches!(error, ClientError::Timeout { .. }) { "timeout" } else { "error" };
                        self.metrics.record(self.name, route, outcome, elapsed);
                        Err(error)
                    }
                };
                let Err(error) = result else { continue };
                if !error.is_transient() || retries >= self.settings.retry.retries {
                    return Err(error);
                }
                let delay = self.settings.retry.delay(retries);
                retries += 1;
                tracing::warn!(%error, retry = retries, delay_ms = delay.as_millis() as u64, "transient failure; retrying");
                tokio::time::sleep(delay).await;
            }
        }
        .instrument(span)
        .await
    }

    /// Reads the whole body, mapping read failures to transport errors.
    pub async fn body(&self, route: &'static str, response: Response) -> Result<bytes::Bytes, ClientError> {
        response.bytes().await.map_err(|e| self.transport_error(route, &e))
    }

    /// Reads and decodes a JSON body.
    pub async fn json<T: DeserializeOwned>(&self, route: &'static str, response: Response) -> Result<T, ClientError> {
        let body = self.body(route, response).await?;
        decode(self.name, route, &body)
    }

    /// Maps a reqwest error without its URL (queries may be long; nothing else belongs in logs).
    pub fn transport_error(&self, route: &'static str, error: &reqwest::Error) -> ClientError {
        if error.is_timeout() {
            return ClientError::Timeout { upstream: self.name, route, timeout: self.settings.timeout };
        }
        let mut reason = String::new();
        let mut source: Option<&dyn std::error::Error> = Some(error);
        while let Some(e) = source {
            let text = if reason.is_empty() { e.to_string() } else { format!(": {e}") };
            if !reason.contains(text.trim_start_matches(": ")) {
                reason.push_str(&text);
            }
            source = e.source();
        }
        ClientError::Transport { upstream: self.name, route, reason: clip(&strip_url(&reason)) }
    }
}

/// Decodes JSON into `T`, turning parser errors into [`ClientError::Decode`].
pub fn decode<T: DeserializeOwned>(upstream: &'static str, route: &'static str, body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| ClientError::Decode { upstream, route, reason: clip(&e.to_string()) })
}

/// `Retry-After` in seconds (the HTTP-date form is not used by CF and is treated as absent).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn strip_url(text: &str) -> String {
    // reqwest prints "error sending request for url (…)"; the URL adds nothing an operator needs.
    match (text.find(" for url ("), text.find(')')) {
        (Some(start), Some(end)) if end > start => format!("{}{}", &text[..start], &text[end + 1..]),
        _ => text.to_owned(),
    }
}
