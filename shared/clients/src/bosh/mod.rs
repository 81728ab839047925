//! BOSH director: discovery, UAA client credentials, the `vms?format=full` task flow.

mod wire;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use capacity_core::snapshot::{BoshSnapshot, BoshVm, Vitals, is_cell_instance_group};
use futures::{StreamExt, TryStreamExt, stream};
use reqwest::{Response, StatusCode, header};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::clip;
use crate::http::{HttpSettings, Upstream, decode};
use crate::uaa::{ClientAuth, Grant, TokenConfig, TokenManager};
use crate::{ClientError, RetryPolicy, Secret, UpstreamMetrics, upstream};

/// The first pause before polling a task again.
const FIRST_TASK_POLL: Duration = Duration::from_millis(100);

/// Settings of the BOSH client.
#[derive(Debug, Clone)]
pub struct BoshConfig {
    /// Director address: `10.0.0.6`, `director.example.com:25555` or a full URL.
    pub environment: String,
    /// UAA client (`BOSH_CLIENT`).
    pub client: String,
    /// Its secret (`BOSH_CLIENT_SECRET`).
    pub client_secret: Secret,
    /// Deployments to read; `None` discovers those holding cells.
    pub deployments: Option<Vec<String>>,
    /// Transport: by default retries 3 times after 1 s, 2 s, 4 s; `ca_pem` is the director's CA.
    pub http: HttpSettings,
    /// Longest pause between task polls (the bosh CLI uses 500 ms); the first is 100 ms.
    pub task_poll_interval: Duration,
    /// Give up on a task after this long.
    pub task_timeout: Duration,
    /// Deployments read in parallel.
    pub concurrency: usize,
}

impl BoshConfig {
    /// Production defaults for a director with a private CA.
    #[must_use]
    pub fn new(
        environment: impl Into<String>,
        client: impl Into<String>,
        client_secret: Secret,
        ca_pem: Option<String>,
    ) -> Self {
        Self {
            environment: environment.into(),
            client: client.into(),
            client_secret,
            deployments: None,
            http: HttpSettings { ca_pem, ca_only: true, retry: RetryPolicy::BOSH_DEFAULT, ..HttpSettings::default() },
            task_poll_interval: Duration::from_millis(500),
            task_timeout: Duration::from_secs(300),
            concurrency: 4,
        }
    }
}

#[derive(Debug)]
enum DirectorAuth {
    Uaa(Box<TokenManager>),
    Basic { user: String, password: Secret },
}

/// A BOSH director client.
#[derive(Debug)]
pub struct BoshClient {
    director: Upstream,
    base: Url,
    config: BoshConfig,
    metrics: Arc<UpstreamMetrics>,
}

impl BoshClient {
    /// Validates the settings and builds the HTTP client; nothing is sent yet.
    pub fn new(config: BoshConfig, metrics: Arc<UpstreamMetrics>) -> Result<Self, ClientError> {
        let base = director_url(&config.environment)?;
        let director = Upstream::new(upstream::BOSH, config.http.clone(), metrics.clone())?;
        Ok(Self { director, base, config, metrics })
    }

    /// Reads every active and inactive VM of cell instance groups, with vitals.
    pub async fn snapshot(&self, now: i64) -> Result<BoshSnapshot, ClientError> {
        let info: wire::Info = {
            let url = self.url(&["info"]);
            let response = self.director.execute("/info", |c| c.get(url.as_str())).await?;
            self.decode_ok("/info", response).await?
        };
        let auth = self.auth(&info)?;
        let deployments: Vec<wire::Deployment> = self.get(&auth, "/deployments", self.url(&["deployments"])).await?;
        let names = self.cell_deployments(deployments);
        let auth = &auth;
        let per_deployment: Vec<Vec<BoshVm>> = stream::iter(names.clone())
            .map(|name| async move { self.cell_vms(auth, &name).await })
            .buffer_unordered(self.config.concurrency.max(1))
            .try_collect()
            .await?;
        Ok(BoshSnapshot {
            collected_at: now,
            director_name: info.name,
            director_version: info.version,
            deployments: names,
            vms: per_deployment.into_iter().flatten().collect(),
        })
    }

    fn auth(&self, info: &wire::Info) -> Result<DirectorAuth, ClientError> {
        let kind = info.user_authentication.as_ref().map_or("basic", |a| a.kind.as_str());
        if kind != "uaa" {
            return Ok(DirectorAuth::Basic {
                user: self.config.client.clone(),
                password: self.config.client_secret.clone(),
            });
        }
        let uaa_url = info
            .user_authentication
            .as_ref()
            .and_then(|a| a.options.as_ref())
            .and_then(|o| o.url.clone())
            .unwrap_or_else(|| {
                let mut fallback = self.base.clone();
                let _ = fallback.set_port(Some(8443));
                fallback.as_str().trim_end_matches('/').to_owned()
            });
        let uaa = Upstream::new(upstream::BOSH_UAA, self.config.http.clone(), self.metrics.clone())?;
        let mut token = TokenConfig::new(Grant::ClientCredentials {
            client_id: self.config.client.clone(),
            client_secret: self.config.client_secret.clone(),
        });
        token.client_auth = ClientAuth::Basic;
        Ok(DirectorAuth::Uaa(Box::new(TokenManager::new(uaa, &uaa_url, token))))
    }

    /// The configured deployments, else those that ship the `diego` release (cells run its `rep`
    /// job), else — when the director omits releases — the names TAS and cf-deployment use.
    fn cell_deployments(&self, deployments: Vec<wire::Deployment>) -> Vec<String> {
        if let Some(configured) = &self.config.deployments {
            return configured.clone();
        }
        let mut names: Vec<String> = deployments
            .into_iter()
            .filter(|d| match &d.releases {
                Some(releases) => releases.iter().any(|r| r.name == "diego"),
                None => {
                    let n = d.name.as_str();
                    n == "cf"
                        || n.starts_with("cf-")
                        || n.starts_with("p-isolation-segment")
                        || n.starts_with("pas-windows")
                }
            })
            .map(|d| d.name)
            .collect();
        names.sort();
        names
    }

    /// `vms?format=full` → 302 to a task → poll until `done` → NDJSON result, cell rows only.
    async fn cell_vms(&self, auth: &DirectorAuth, deployment: &str) -> Result<Vec<BoshVm>, ClientError> {
        const ROUTE: &str = "/deployments/:name/vms";
        let mut url = self.url(&["deployments", deployment, "vms"]);
        url.set_query(Some("format=full"));
        let response = self.send(auth, ROUTE, &url).await?;
        if response.status() != StatusCode::FOUND {
            return Err(self.error(ROUTE, response).await);
        }
        let task_id = response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(task_id_from_location)
            .ok_or_else(|| ClientError::Protocol {
                upstream: upstream::BOSH,
                route: ROUTE,
                reason: "302 without a /tasks/<id> Location".to_owned(),
            })?;
        self.wait_for_task(auth, deployment, task_id).await?;
        let mut output = self.url(&["tasks", &task_id.to_string(), "output"]);
        output.set_query(Some("type=result"));
        let response = self.send(auth, "/tasks/:id/output", &output).await?;
        if !response.status().is_success() {
            return Err(self.error("/tasks/:id/output", response).await);
        }
        let body = self.director.body("/tasks/:id/output", response).await?;
        let mut vms = Vec::new();
        for line in body.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)) {
            let row: wire::VmRow = decode(upstream::BOSH, "/tasks/:id/output", line)?;
            if is_cell_instance_group(&row.job_name) || row.processes.iter().any(|p| p.name == "rep") {
                vms.push(to_vm(deployment, row));
            }
        }
        Ok(vms)
    }

    async fn wait_for_task(&self, auth: &DirectorAuth, deployment: &str, task_id: u64) -> Result<(), ClientError> {
        let url = self.url(&["tasks", &task_id.to_string()]);
        let deadline = Instant::now() + self.config.task_timeout;
        // A small director finishes `vms` in well under a second: poll after 100 ms, then back
        // off to the configured interval, so a short task is not held up by a full interval.
        let mut pause = self.config.task_poll_interval.min(FIRST_TASK_POLL);
        loop {
            let task: wire::Task = self.get(auth, "/tasks/:id", url.clone()).await?;
            match task.state.as_str() {
                "done" => return Ok(()),
                "queued" | "processing" | "cancelling" if Instant::now() < deadline => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(self.config.task_poll_interval);
                }
                "queued" | "processing" | "cancelling" => {
                    return Err(ClientError::TaskFailed {
                        task_id,
                        deployment: deployment.to_owned(),
                        state: format!("still {} after {:?}", task.state, self.config.task_timeout),
                    });
                }
                other => {
                    return Err(ClientError::TaskFailed {
                        task_id,
                        deployment: deployment.to_owned(),
                        state: clip(other),
                    });
                }
            }
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        auth: &DirectorAuth,
        route: &'static str,
        url: Url,
    ) -> Result<T, ClientError> {
        let response = self.send(auth, route, &url).await?;
        self.decode_ok(route, response).await
    }

    async fn decode_ok<T: DeserializeOwned>(&self, route: &'static str, response: Response) -> Result<T, ClientError> {
        if !response.status().is_success() {
            return Err(self.error(route, response).await);
        }
        self.director.json(route, response).await
    }

    /// Sends an authenticated GET; on a 401 a UAA token is renewed once and the request resent.
    async fn send(&self, auth: &DirectorAuth, route: &'static str, url: &Url) -> Result<Response, ClientError> {
        let mut renewed = false;
        loop {
            let (response, token) = match auth {
                DirectorAuth::Uaa(tokens) => {
                    let token = tokens.bearer().await?;
                    let bearer = format!("bearer {}", token.expose());
                    let r = self
                        .director
                        .execute(route, |c| c.get(url.as_str()).header(header::AUTHORIZATION, &bearer))
                        .await?;
                    (r, Some(token))
                }
                DirectorAuth::Basic { user, password } => {
                    let r = self
                        .director
                        .execute(route, |c| c.get(url.as_str()).basic_auth(user, Some(password.expose())))
                        .await?;
                    (r, None)
                }
            };
            if response.status() == StatusCode::UNAUTHORIZED {
                if let (DirectorAuth::Uaa(tokens), Some(token), false) = (auth, &token, renewed) {
                    tokens.invalidate(token).await;
                    renewed = true;
                    continue;
                }
                return Err(ClientError::Auth {
                    upstream: upstream::BOSH,
                    reason: "the director refused our credentials (check BOSH_CLIENT and its bosh.read scope)"
                        .to_owned(),
                });
            }
            return Ok(response);
        }
    }

    async fn error(&self, route: &'static str, response: Response) -> ClientError {
        let status = response.status().as_u16();
        let detail = match self.director.body(route, response).await {
            Ok(body) => serde_json::from_slice::<wire::DirectorError>(&body)
                .ok()
                .filter(|e| !e.description.is_empty())
                .map(|e| clip(&format!("{} ({})", e.description, e.code))),
            Err(e) => return e,
        };
        ClientError::Status { upstream: upstream::BOSH, route, status, detail }
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// `10.0.0.6` → `https://10.0.0.6:25555`; an explicit scheme and port are kept.
fn director_url(environment: &str) -> Result<Url, ClientError> {
    let trimmed = environment.trim();
    let explicit_scheme = trimmed.contains("://");
    let text = if explicit_scheme { trimmed.to_owned() } else { format!("https://{trimmed}") };
    let mut url =
        Url::parse(&text).map_err(|_| ClientError::Config("BOSH_ENVIRONMENT is not a valid address".to_owned()))?;
    if url.host().is_none() || !matches!(url.scheme(), "http" | "https") {
        return Err(ClientError::Config("BOSH_ENVIRONMENT must be a host or an http(s) URL".to_owned()));
    }
    let has_port = trimmed.rsplit_once(':').is_some_and(|(_, p)| p.trim_end_matches('/').parse::<u16>().is_ok());
    if !has_port {
        let _ = url.set_port(Some(25555));
    }
    Ok(url)
}

fn task_id_from_location(location: &str) -> Option<u64> {
    let path = location.split('?').next()?;
    let (_, id) = path.trim_end_matches('/').rsplit_once("/tasks/")?;
    id.parse().ok()
}

fn to_vm(deployment: &str, row: wire::VmRow) -> BoshVm {
    let vitals = row.vitals.map(|v| Vitals {
        cpu_user: v.cpu.as_ref().and_then(|c| c.user.as_ref()).and_then(wire::Number::value),
        cpu_sys: v.cpu.as_ref().and_then(|c| c.sys.as_ref()).and_then(wire::Number::value),
        cpu_wait: v.cpu.as_ref().and_then(|c| c.wait.as_ref()).and_then(wire::Number::value),
        mem_kb: v.mem.as_ref().and_then(|m| m.kb.as_ref()).and_then(wire::Number::whole),
        mem_percent: v.mem.as_ref().and_then(|m| m.percent.as_ref()).and_then(wire::Number::value),
        load_1m: v.load.as_ref().and_then(|l| l.first()).and_then(wire::Number::value),
        ephemeral_disk_percent: v
            .disk
            .as_ref()
            .and_then(|d| d.ephemeral.as_ref())
            .and_then(|e| e.percent.as_ref())
            .and_then(wire::Number::value),
    });
    let cloud = row.cloud_properties.as_ref();
    BoshVm {
        deployment: deployment.to_owned(),
        instance_group: row.job_name,
        index: row.index,
        instance_id: row.id,
        vm_cid: row.vm_cid.unwrap_or_default(),
        ips: row.ips.iter().filter_map(|ip| ip.trim().parse::<IpAddr>().ok()).collect(),
        az: row.az,
        // Directors before `active` existed listed only active VMs.
        active: row.active.unwrap_or(true),
        vm_type: row.vm_type,
        job_state: row.job_state,
        cloud_ram_mb: cloud.and_then(|c| c.ram.as_ref()).and_then(wire::Number::whole),
        cloud_cpus: cloud
            .and_then(|c| c.cpu.as_ref())
            .and_then(wire::Number::whole)
            .and_then(|c| u32::try_from(c).ok()),
        vitals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn director_addresses_default_to_https_25555() {
        let u = |s: &str| director_url(s).map(|u| u.to_string()).unwrap_or_default();
        assert_eq!(u("10.0.0.6"), "https://10.0.0.6:25555/");
        assert_eq!(u("director.example.com:443"), "https://director.example.com/");
        assert_eq!(u("http://127.0.0.1:4000"), "http://127.0.0.1:4000/");
        assert!(director_url("ftp://x").is_err());
    }

    #[test]
    fn task_ids_come_from_the_location_path() {
        assert_eq!(task_id_from_location("https://10.0.0.6:25555/tasks/42"), Some(42));
        assert_eq!(task_id_from_location("/tasks/7?x=1"), Some(7));
        assert_eq!(task_id_from_location("https://d/deployments/x"), None);
        assert_eq!(task_id_from_location("https://d/tasks/abc"), None);
    }

    #[test]
    fn string_vitals_are_parsed() {
        let row: wire::VmRow = serde_json::from_str(
            r#"{"job_name":"diego_cell","id":"u","ips":["10.0.16.21","bogus"],"active":true,"index":0,
            "cloud_properties":{"cpu":4,"ram":32768},
            "vitals":{"cpu":{"sys":"3.1","user":"22.4","wait":"0.2"},"mem":{"kb":"20971520","percent":"64"},
                      "load":["1.20","1.05","0.98"],"disk":{"ephemeral":{"percent":"37"}}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let vm = to_vm("cf-x", row);
        assert_eq!(vm.ips, vec!["10.0.16.21".parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]))]);
        assert_eq!(vm.cloud_ram_mb, Some(32768));
        let v = vm.vitals.unwrap_or_default();
        assert_eq!(v.mem_kb, Some(20_971_520));
        assert_eq!(v.cpu_user, Some(22.4));
        assert_eq!(v.load_1m, Some(1.2));
        assert_eq!(v.ephemeral_disk_percent, Some(37.0));
    }

    #[test]
    fn garbage_vitals_become_missing_not_errors() {
        let row: wire::VmRow = serde_json::from_str(
            r#"{"job_name":"diego_cell","id":"u","vitals":{"cpu":{"user":"n/a"},"mem":{"kb":"-5"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let v = to_vm("d", row).vitals.unwrap_or_default();
        assert_eq!((v.cpu_user, v.mem_kb), (None, None));
    }
}
