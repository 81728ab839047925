//! Per-client rate limiting, applied before authentication so that floods of bad tokens or
//! unknown key ids are throttled too. Clients are told apart by IP: the TCP peer, or the entry
//! a trusted proxy appended to `X-Forwarded-For` (`TRUSTED_PROXY_HOPS`; the gorouter on Cloud
//! Foundry is one hop).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use capacity_app::http::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The limiter and how to find the client.
#[derive(Debug)]
pub(crate) struct RateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    trusted_hops: usize,
}

impl RateLimit {
    /// `per_minute` requests per client, with bursts of `burst`.
    pub(crate) fn new(per_minute: NonZeroU32, burst: NonZeroU32, trusted_hops: usize) -> Self {
        Self { limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)), trusted_hops }
    }
}

/// The client's IP: the `trusted_hops`-th entry from the right of `X-Forwarded-For` (the one the
/// outermost trusted proxy appended), else the TCP peer.
pub(crate) fn client_ip(forwarded_for: Option<&str>, peer: Option<IpAddr>, trusted_hops: usize) -> Option<IpAddr> {
    if trusted_hops > 0 {
        let chain: Vec<&str> =
            forwarded_for.unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        let entry = chain.len().checked_sub(trusted_hops).and_then(|i| chain.get(i));
        if let Some(ip) = entry.and_then(|e| e.parse().ok()) {
            return Some(ip);
        }
    }
    peer
}

/// The middleware.
pub(crate) async fn rate_limit(State(limit): State<Arc<RateLimit>>, request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let Some(ip) = client_ip(forwarded, peer, limit.trusted_hops) else { return next.run(request).await };
    match limit.limiter.check_key(&ip) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
            tracing::warn!(client = %ip, retry_after = wait, path = request.uri().path(), "rate limited");
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate limited",
                format!("too many requests from this client; retry in {wait} s"),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxy_appended() {
        let peer = Some(ip("10.0.0.9"));
        // No trusted proxy: the header is ignored (anyone can write it).
        assert_eq!(client_ip(Some("1.2.3.4"), peer, 0), peer);
        // One hop (gorouter): its appended entry, not the client-supplied one before it.
        assert_eq!(client_ip(Some("6.6.6.6, 203.0.113.7"), peer, 1), Some(ip("203.0.113.7")));
        assert_eq!(client_ip(Some("6.6.6.6, 203.0.113.7, 10.1.1.1"), peer, 2), Some(ip("203.0.113.7")));
        // Missing or garbage header: the peer.
        assert_eq!(client_ip(None, peer, 1), peer);
        assert_eq!(client_ip(Some("not-an-ip"), peer, 1), peer);
        assert_eq!(client_ip(Some("1.1.1.1"), peer, 3), peer);
    }
}
