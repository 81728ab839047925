//! `GET /metrics` in the Prometheus text format: HTTP traffic, upstream requests, cache and
//! refresh counters.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use capacity_app::service::{CapacityService, SourceCounters};
use capacity_clients::UpstreamMetrics;
use http::header;

/// Name, type, help and value of one per-source series.
type Series = (&'static str, &'static str, &'static str, fn(&SourceCounters) -> f64);

const BUCKETS: [f64; 10] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0];

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Route template → (method, status) → latency histogram.
type RequestHistograms = BTreeMap<String, BTreeMap<(&'static str, u16), Histogram>>;

/// HTTP request counters per route template, method and status.
#[derive(Debug, Default)]
pub(crate) struct HttpMetrics {
    requests: Mutex<RequestHistograms>,
}

/// Methods as static labels (anything else is `other`): no allocation per request.
fn method_label(method: &http::Method) -> &'static str {
    match *method {
        http::Method::GET => "GET",
        http::Method::POST => "POST",
        http::Method::HEAD => "HEAD",
        http::Method::OPTIONS => "OPTIONS",
        http::Method::PUT => "PUT",
        http::Method::DELETE => "DELETE",
        _ => "other",
    }
}

impl HttpMetrics {
    fn observe(&self, route: &str, method: &'static str, status: u16, seconds: f64) {
        let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        // The route's key is allocated only the first time the route is seen.
        if !requests.contains_key(route) {
            requests.insert(route.to_owned(), BTreeMap::new());
        }
        let Some(by_status) = requests.get_mut(route) else { return };
        let h = by_status.entry((method, status)).or_default();
        h.count += 1;
        h.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.buckets[i] += 1;
            }
        }
    }
}

/// Everything `/metrics` reads.
#[derive(Debug, Clone)]
pub(crate) struct MetricsState {
    pub(crate) http: Arc<HttpMetrics>,
    pub(crate) upstream: Arc<UpstreamMetrics>,
    pub(crate) service: Arc<CapacityService>,
}

/// Middleware recording every request under its route template (never the raw path, so that
/// label cardinality stays bounded).
pub(crate) async fn record(State(metrics): State<Arc<HttpMetrics>>, request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or_else(
        || if request.uri().path().starts_with("/api/") { "/api/*" } else { "static" },
        MatchedPath::as_str,
    );
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.observe(route, method, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn header_lines(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// `GET /metrics`.
pub(crate) async fn render(State(state): State<MetricsState>) -> impl IntoResponse {
    let mut out = String::with_capacity(4096);
    let requests = state.http.requests.lock().unwrap_or_else(PoisonError::into_inner).clone();
    header_lines(&mut out, "capacity_http_requests_total", "counter", "HTTP requests by route, method and status.");
    let series = || {
        requests.iter().flat_map(|(route, m)| m.iter().map(move |(&(method, status), h)| (route, method, status, h)))
    };
    for (route, method, status, h) in series() {
        let _ = writeln!(
            out,
            "capacity_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {}",
            escape(route),
            h.count
        );
    }
    header_lines(&mut out, "capacity_http_request_duration_seconds", "histogram", "HTTP request latency.");
    let mut by_route: BTreeMap<(&str, &'static str), Histogram> = BTreeMap::new();
    for (route, method, _, h) in series() {
        let agg = by_route.entry((route.as_str(), method)).or_default();
        agg.count += h.count;
        agg.sum += h.sum;
        for (a, b) in agg.buckets.iter_mut().zip(h.buckets) {
            *a += b;
        }
    }
    for ((route, method), h) in &by_route {
        let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
        for (bound, count) in BUCKETS.iter().zip(h.buckets) {
            let _ = writeln!(out, "capacity_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "capacity_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "capacity_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
        let _ = writeln!(out, "capacity_http_request_duration_seconds_count{{{labels}}} {}", h.count);
    }
    let upstream = state.upstream.snapshot();
    header_lines(
        &mut out,
        "capacity_upstream_requests_total",
        "counter",
        "Upstream requests by upstream, route and outcome.",
    );
    for c in &upstream {
        let _ = writeln!(
            out,
            "capacity_upstream_requests_total{{upstream=\"{}\",route=\"{}\",outcome=\"{}\"}} {}",
            c.upstream,
            escape(c.route),
            c.outcome,
            c.requests
        );
    }
    header_lines(&mut out, "capacity_upstream_request_seconds_total", "counter", "Time spent waiting on upstreams.");
    for c in &upstream {
        let _ = writeln!(
            out,
            "capacity_upstream_request_seconds_total{{upstream=\"{}\",route=\"{}\",outcome=\"{}\"}} {}",
            c.upstream,
            escape(c.route),
            c.outcome,
            c.seconds
        );
    }
    let sources = state.service.metrics().snapshot();
    let series: [Series; 6] = [
        ("capacity_cache_hits_total", "counter", "Reads answered from the cache.", |c| c.hits as f64),
        ("capacity_cache_misses_total", "counter", "Reads that needed a refresh.", |c| c.misses as f64),
        ("capacity_cache_stale_serves_total", "counter", "Reads answered with stale data.", |c| c.stale_serves as f64),
        ("capacity_refresh_seconds_total", "counter", "Time spent refreshing sources.", |c| c.refresh_seconds),
        ("capacity_last_refresh_seconds", "gauge", "Duration of the last refresh.", |c| c.last_refresh_seconds),
        ("capacity_cache_value_bytes", "gauge", "Encoded size of the cached value.", |c| c.cached_bytes as f64),
    ];
    for (name, kind, help, value) in series {
        header_lines(&mut out, name, kind, help);
        for (source, counters) in &sources {
            let _ = writeln!(out, "{name}{{source=\"{source}\"}} {}", value(counters));
        }
    }
    header_lines(&mut out, "capacity_refreshes_total", "counter", "Source refreshes by outcome.");
    for (source, c) in &sources {
        let _ = writeln!(out, "capacity_refreshes_total{{source=\"{source}\",outcome=\"ok\"}} {}", c.refreshes_ok);
        let _ =
            writeln!(out, "capacity_refreshes_total{{source=\"{source}\",outcome=\"failed\"}} {}", c.refreshes_failed);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out)
}
