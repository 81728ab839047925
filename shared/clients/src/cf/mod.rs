//! Cloud Controller v3: discovery, authenticated requests, pagination and the snapshot crawl.

mod collect;
mod pages;
mod usage;

pub use usage::APPS_PER_QUERY;
mod wire;

/// Where instance placement and usage come from.
#[derive(Debug, Clone, Copy)]
pub enum UsageSource<'a> {
    /// `/v3/processes/:guid/stats`, one call per started process.
    Stats,
    /// Log Cache container metrics in batches of apps, stats only where Log Cache cannot tell.
    LogCache(&'a crate::log_cache::LogCacheClient),
}

use std::sync::Arc;

use reqwest::{StatusCode, header};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::clip;
use crate::http::{HttpSettings, Upstream, decode};
use crate::uaa::{TokenConfig, TokenManager};
use crate::{ClientError, UpstreamMetrics, upstream};

/// Settings of the CF client.
#[derive(Debug, Clone)]
pub struct CfConfig {
    /// API URL, e.g. `https://api.sys.example.com`.
    pub api_url: String,
    /// How to obtain tokens from the UAA the API root advertises.
    pub token: TokenConfig,
    /// Page size for lists (CC's maximum is 5000).
    pub per_page: u32,
    /// Concurrent `/v3/processes/:guid/stats` and relationship requests.
    pub concurrency: usize,
    /// Transport settings for the API and its UAA.
    pub http: HttpSettings,
}

impl CfConfig {
    /// Production defaults: 5000 per page, 20 concurrent requests.
    #[must_use]
    pub fn new(api_url: impl Into<String>, token: TokenConfig) -> Self {
        Self { api_url: api_url.into(), token, per_page: 5000, concurrency: 20, http: HttpSettings::default() }
    }
}

/// What the API root advertises.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Where tokens come from (`links.login`, else `links.uaa`).
    pub uaa_url: String,
    /// Log Cache, when advertised.
    pub log_cache_url: Option<String>,
    /// `cloud_controller_v3.meta.version`.
    pub api_version: Option<String>,
}

/// An authenticated CF API v3 client.
#[derive(Debug, Clone)]
pub struct CfClient {
    api: Upstream,
    base: Url,
    tokens: Arc<TokenManager>,
    discovery: Discovery,
    per_page: u32,
    concurrency: usize,
}

impl CfClient {
    /// Reads the API root (`GET /`, unauthenticated) to find UAA and Log Cache, and prepares the
    /// token manager. No token is fetched until the first request.
    pub async fn connect(config: CfConfig, metrics: Arc<UpstreamMetrics>) -> Result<Self, ClientError> {
        let base = parse_base(&config.api_url)?;
        let api = Upstream::new(upstream::CF, config.http.clone(), metrics.clone())?;
        let root_url = base.as_str().to_owned();
        let response = api.execute("/", |c| c.get(&root_url).header(header::ACCEPT, "application/json")).await?;
        if !response.status().is_success() {
            return Err(ClientError::Status {
                upstream: upstream::CF,
                route: "/",
                status: response.status().as_u16(),
                detail: Some("the CF API root did not answer; is CF_API_URL right?".to_owned()),
            });
        }
        let root: wire::Root = api.json("/", response).await?;
        let uaa_url = root.links.login.or(root.links.uaa).map(|l| l.href).ok_or_else(|| ClientError::Protocol {
            upstream: upstream::CF,
            route: "/",
            reason: "the API root advertises neither links.login nor links.uaa".to_owned(),
        })?;
        let uaa = Upstream::new(upstream::UAA, config.http.clone(), metrics)?;
        let discovery = Discovery {
            uaa_url: uaa_url.clone(),
            log_cache_url: root.links.log_cache.map(|l| l.href),
            api_version: root.links.cloud_controller_v3.and_then(|l| l.meta).and_then(|m| m.version),
        };
        let tokens = Arc::new(TokenManager::new(uaa, &uaa_url, config.token));
        Ok(Self {
            api,
            base,
            tokens,
            discovery,
            per_page: config.per_page.clamp(1, 5000),
            concurrency: config.concurrency.max(1),
        })
    }

    /// What the API root advertised.
    #[must_use]
    pub fn discovery(&self) -> &Discovery {
        &self.discovery
    }

    /// The token manager, shared with Log Cache (it accepts CF's UAA tokens).
    #[must_use]
    pub fn tokens(&self) -> Arc<TokenManager> {
        self.tokens.clone()
    }

    /// GETs `path_and_query` (relative to the API URL) and decodes the JSON answer. A 401 makes
    /// the token manager re-authenticate once and the request is retried once.
    pub async fn get<T: DeserializeOwned>(&self, route: &'static str, path_and_query: &str) -> Result<T, ClientError> {
        let url = self.url(route, path_and_query)?;
        self.get_url(route, &url).await
    }

    pub(crate) async fn get_url<T: DeserializeOwned>(&self, route: &'static str, url: &Url) -> Result<T, ClientError> {
        let mut reauthenticated = false;
        loop {
            let token = self.tokens.bearer().await?;
            let response = self
                .api
                .execute(route, |c| {
                    c.get(url.as_str())
                        .header(header::ACCEPT, "application/json")
                        .header(header::AUTHORIZATION, format!("bearer {}", token.expose()))
                })
                .await?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !reauthenticated {
                tracing::info!(route, "CF API refused the token; re-authenticating once");
                self.tokens.invalidate(&token).await;
                reauthenticated = true;
                continue;
            }
            let body = self.api.body(route, response).await?;
            if status.is_success() {
                return decode(upstream::CF, route, &body);
            }
            return Err(cf_error(route, status, &body));
        }
    }

    pub(crate) fn url(&self, route: &'static str, path_and_query: &str) -> Result<Url, ClientError> {
        self.base
            .join(path_and_query.trim_start_matches('/'))
            .map_err(|e| self.protocol(route, &format!("bad path: {e}")))
    }

    /// CC builds `next.href` from its external URL. We keep only its path and query and send them
    /// to the API we were configured with, so a token never travels to a host we did not choose.
    pub(crate) fn same_origin(&self, route: &'static str, href: &str) -> Result<Url, ClientError> {
        let next = Url::parse(href).map_err(|_| self.protocol(route, "pagination.next.href is not a URL"))?;
        let mut url = self.base.clone();
        let base_path = self.base.path().trim_end_matches('/');
        let next_path = next.path();
        let path = if base_path.is_empty() || next_path.starts_with(base_path) {
            next_path.to_owned()
        } else {
            format!("{base_path}{next_path}")
        };
        url.set_path(&path);
        url.set_query(next.query());
        if next.origin() != self.base.origin() {
            tracing::debug!(route, "pagination href names another origin; following it on the configured API URL");
        }
        Ok(url)
    }

    pub(crate) fn protocol(&self, route: &'static str, reason: &str) -> ClientError {
        ClientError::Protocol { upstream: upstream::CF, route, reason: reason.to_owned() }
    }
}

fn parse_base(api_url: &str) -> Result<Url, ClientError> {
    let with_scheme = if api_url.contains("://") { api_url.to_owned() } else { format!("https://{api_url}") };
    let mut base =
        Url::parse(&with_scheme).map_err(|_| ClientError::Config("CF_API_URL is not a valid URL".to_owned()))?;
    if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
        return Err(ClientError::Config("CF_API_URL must be an http(s) URL with a host".to_owned()));
    }
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    Ok(base)
}

/// Turns a non-success answer into the CF `errors[]` envelope's typed error, or a status error.
fn cf_error(route: &'static str, status: StatusCode, body: &[u8]) -> ClientError {
    let auth_failure = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    let first = serde_json::from_slice::<wire::ErrorEnvelope>(body).ok().and_then(|e| e.errors.into_iter().next());
    match first {
        Some(e) if auth_failure => ClientError::Auth {
            upstream: upstream::CF,
            reason: clip(&format!("{} ({}): {}", e.title, e.code, e.detail)),
        },
        Some(e) => ClientError::CfApi {
            route,
            status: status.as_u16(),
            code: e.code,
            title: clip(&e.title),
            detail: clip(&e.detail),
        },
        None if auth_failure => {
            ClientError::Auth { upstream: upstream::CF, reason: format!("HTTP {}", status.as_u16()) }
        }
        None => ClientError::Status { upstream: upstream::CF, route, status: status.as_u16(), detail: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_gain_a_scheme_and_a_trailing_slash() {
        assert_eq!(parse_base("api.example.com").map(|u| u.to_string()).ok(), Some("https://api.example.com/".into()));
        assert_eq!(
            parse_base("http://127.0.0.1:1234").map(|u| u.to_string()).ok(),
            Some("http://127.0.0.1:1234/".into())
        );
        assert!(parse_base("ftp://x").is_err());
        assert!(parse_base("http://").is_err());
    }

    #[test]
    fn cf_error_envelope_becomes_typed() {
        let body = br#"{"errors":[{"code":10005,"title":"CF-BadQueryParameter","detail":"Unknown query parameter(s): 'states'"}]}"#;
        match cf_error("/v3/apps", StatusCode::BAD_REQUEST, body) {
            ClientError::CfApi { code, title, status, .. } => {
                assert_eq!((code, title.as_str(), status), (10005, "CF-BadQueryParameter", 400));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            cf_error("/v3/apps", StatusCode::BAD_GATEWAY, b"<html>"),
            ClientError::Status { status: 502, .. }
        ));
    }
}
