//! Log Cache: PromQL instant queries, and the rep's capacity gauges per cell.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

use capacity_core::snapshot::{RepCell, RepSnapshot};
use reqwest::{StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::clip;
use crate::http::{HttpSettings, Upstream, decode};
use crate::uaa::TokenManager;
use crate::{ClientError, UpstreamMetrics, upstream};

const QUERY_ROUTE: &str = "/api/v1/query";

/// The rep gauges read per collect, one PromQL query each.
pub const REP_GAUGES: [&str; 7] = [
    "CapacityTotalMemory",
    "CapacityRemainingMemory",
    "CapacityTotalDisk",
    "CapacityRemainingDisk",
    "CapacityTotalContainers",
    "CapacityRemainingContainers",
    "ContainerCount",
];

/// One sample of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Labels (envelope tags plus `source_id` and `instance_id`).
    pub labels: BTreeMap<String, String>,
    /// Value.
    pub value: f64,
}

/// A Log Cache client authenticated with CF's UAA tokens.
#[derive(Debug, Clone)]
pub struct LogCacheClient {
    upstream: Upstream,
    base: Url,
    tokens: Arc<TokenManager>,
}

/// `M` is what a sample's `metric` (its labels) is read into: every label, or only those needed.
#[derive(Deserialize)]
#[serde(bound = "M: DeserializeOwned")]
struct QueryResponse<M> {
    status: String,
    #[serde(default)]
    data: Option<QueryData<M>>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(bound = "M: DeserializeOwned")]
struct QueryData<M> {
    #[serde(rename = "resultType")]
    result_type: String,
    #[serde(default)]
    result: Vec<VectorSample<M>>,
}

#[derive(Deserialize)]
#[serde(bound = "M: DeserializeOwned")]
struct VectorSample<M> {
    metric: M,
    value: (f64, String),
}

impl LogCacheClient {
    /// A client for the Log Cache at `url` (from `LOG_CACHE_URL` or the CF root's `links.log_cache`).
    pub fn new(
        url: &str,
        tokens: Arc<TokenManager>,
        http: HttpSettings,
        metrics: Arc<UpstreamMetrics>,
    ) -> Result<Self, ClientError> {
        let mut base = Url::parse(url).map_err(|_| ClientError::Config("the Log Cache URL is not valid".to_owned()))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self { upstream: Upstream::new(upstream::LOG_CACHE, http, metrics)?, base, tokens })
    }

    /// Runs a PromQL instant query and returns its vector samples. Log Cache answers 404 for any
    /// authentication problem, so a 404 renews the token once before it counts as a failure.
    pub async fn query(&self, promql: &str) -> Result<Vec<Sample>, ClientError> {
        let samples = self.query_as::<BTreeMap<String, String>>(promql).await?;
        Ok(samples.into_iter().map(|(labels, value)| Sample { labels, value }).collect())
    }

    /// Like [`Self::query`], reading each sample's labels into `M`: a struct of the labels
    /// wanted skips the others without allocating them.
    pub async fn query_as<M: DeserializeOwned>(&self, promql: &str) -> Result<Vec<(M, f64)>, ClientError> {
        let mut url = self.base.join("api/v1/query").map_err(|e| ClientError::Config(e.to_string()))?;
        url.query_pairs_mut().append_pair("query", promql);
        let mut renewed = false;
        loop {
            let token = self.tokens.bearer().await?;
            let bearer = format!("bearer {}", token.expose());
            let response = self
                .upstream
                .execute(QUERY_ROUTE, |c| c.get(url.as_str()).header(header::AUTHORIZATION, &bearer))
                .await?;
            let status = response.status();
            if status == StatusCode::NOT_FOUND && !renewed {
                self.tokens.invalidate(&token).await;
                renewed = true;
                continue;
            }
            let body = self.upstream.body(QUERY_ROUTE, response).await?;
            if status == StatusCode::NOT_FOUND {
                return Err(ClientError::Auth {
                    upstream: upstream::LOG_CACHE,
                    reason:
                        "Log Cache answered 404: the token lacks doppler.firehose or logs.admin, or the URL is wrong"
                            .to_owned(),
                });
            }
            let parsed: Result<QueryResponse<M>, _> = decode(upstream::LOG_CACHE, QUERY_ROUTE, &body);
            return match parsed {
                Ok(r) if status.is_success() && r.status == "success" => samples(r),
                Ok(r) => Err(ClientError::Status {
                    upstream: upstream::LOG_CACHE,
                    route: QUERY_ROUTE,
                    status: status.as_u16(),
                    detail: Some(clip(&format!(
                        "{}: {}",
                        r.error_type.unwrap_or_default(),
                        r.error.unwrap_or_default()
                    ))),
                }),
                Err(_) if !status.is_success() => Err(ClientError::Status {
                    upstream: upstream::LOG_CACHE,
                    route: QUERY_ROUTE,
                    status: status.as_u16(),
                    detail: None,
                }),
                Err(e) => Err(e),
            };
        }
    }

    /// The rep's capacity gauges of every cell: one query per gauge, run concurrently, joined on
    /// the `ip` tag. A gauge of -1 (the executor's error value) is treated as missing.
    pub async fn rep_capacity(&self, now: i64) -> Result<RepSnapshot, ClientError> {
        let queries = REP_GAUGES.map(|gauge| async move {
            let samples = self.query(&format!("{gauge}{{source_id=\"rep\"}}")).await?;
            Ok::<_, ClientError>((gauge, samples))
        });
        let results = futures::future::try_join_all(queries).await?;
        let mut cells: HashMap<IpAddr, RepCell> = HashMap::new();
        for (gauge, samples) in results {
            for sample in samples {
                let Some(ip) = sample.labels.get("ip").and_then(|ip| ip.parse::<IpAddr>().ok()) else { continue };
                let cell = cells.entry(ip).or_insert_with(|| tagged_cell(ip, &sample.labels));
                let value = whole(sample.value);
                match gauge {
                    "CapacityTotalMemory" => cell.memory_total_mb = value,
                    "CapacityRemainingMemory" => cell.memory_remaining_mb = value,
                    "CapacityTotalDisk" => cell.disk_total_mb = value,
                    "CapacityRemainingDisk" => cell.disk_remaining_mb = value,
                    "CapacityTotalContainers" => cell.containers_total = value,
                    "CapacityRemainingContainers" => cell.containers_remaining = value,
                    _ => cell.container_count = value,
                }
            }
        }
        let mut cells: Vec<RepCell> = cells.into_values().collect();
        cells.sort_by_key(|c| c.ip);
        Ok(RepSnapshot { collected_at: now, cells })
    }
}

fn samples<M>(response: QueryResponse<M>) -> Result<Vec<(M, f64)>, ClientError> {
    let Some(data) = response.data else { return Ok(Vec::new()) };
    if data.result_type != "vector" {
        return Err(ClientError::Protocol {
            upstream: upstream::LOG_CACHE,
            route: QUERY_ROUTE,
            reason: format!("expected a vector, got {}", clip(&data.result_type)),
        });
    }
    Ok(data
        .result
        .into_iter()
        .filter_map(|s| s.value.1.trim().parse::<f64>().ok().map(|value| (s.metric, value)))
        .collect())
}

fn tagged_cell(ip: IpAddr, labels: &BTreeMap<String, String>) -> RepCell {
    let tag = |k: &str| labels.get(k).filter(|v| !v.is_empty()).cloned();
    let mut cell = RepCell::at(ip);
    cell.instance_id = tag("index").or_else(|| tag("instance_id"));
    cell.deployment = tag("deployment");
    cell.job = tag("job");
    cell.zone = tag("zone");
    cell.placement_tags = tag("placement_tag")
        .or_else(|| tag("placement_tags"))
        .map(|t| t.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    cell
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn whole(value: f64) -> Option<u64> {
    (0.0..1.8e19).contains(&value).then(|| value.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executor_error_values_are_missing() {
        assert_eq!(whole(-1.0), None);
        assert_eq!(whole(f64::NAN), None);
        assert_eq!(whole(12288.0), Some(12288));
    }

    #[test]
    fn placement_tags_are_split() {
        let labels = BTreeMap::from([
            ("placement_tag".to_owned(), "iso-a, iso-b".to_owned()),
            ("job".to_owned(), "x".to_owned()),
        ]);
        let cell = tagged_cell(IpAddr::from([10, 0, 0, 1]), &labels);
        assert_eq!(cell.placement_tags, ["iso-a", "iso-b"]);
        assert_eq!(cell.job.as_deref(), Some("x"));
    }
}
