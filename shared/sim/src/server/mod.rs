//! Shared state and the five listeners.

mod listener;
pub(crate) mod middleware;
pub(crate) mod respond;
mod tls;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bosh::tasks::BoshTasks;
use crate::config::{SimConfig, SimCredentials};
use crate::error::SimError;
use crate::faults::{FaultEngine, Faults, Upstream};
use crate::model::World;
use crate::stats::RequestStats;
use crate::truth::GroundTruth;
use crate::uaa::codes::AuthCodes;
use crate::uaa::tokens::TokenService;
use crate::{SimUrls, admin, bosh, cf, generate, logcache, truth, uaa};

/// Everything the handlers of every listener share.
#[derive(Debug)]
pub(crate) struct SimState {
    pub(crate) world: World,
    pub(crate) truth: GroundTruth,
    pub(crate) urls: SimUrls,
    pub(crate) credentials: SimCredentials,
    pub(crate) tokens: TokenService,
    pub(crate) auth_codes: AuthCodes,
    pub(crate) faults: Mutex<FaultEngine>,
    pub(crate) stats: Mutex<RequestStats>,
    pub(crate) bosh_tasks: Mutex<BoshTasks>,
    pub(crate) task_polls_until_done: u32,
    pub(crate) bosh_uuid: String,
    pub(crate) bosh_reachable: watch::Sender<bool>,
    pub(crate) bosh_listening: watch::Receiver<bool>,
    pub(crate) bosh_ca_pem: Option<String>,
}

pub(crate) type Shared = Arc<SimState>;

impl SimState {
    pub(crate) fn set_faults(&self, faults: Faults) {
        let reachable = !faults.bosh_unreachable;
        if let Ok(mut engine) = self.faults.lock() {
            engine.replace(faults);
        }
        self.bosh_reachable.send_replace(reachable);
    }

    pub(crate) fn faults(&self) -> Faults {
        self.faults.lock().map(|e| e.faults().clone()).unwrap_or_default()
    }

    /// Waits (briefly) until the BOSH listener reflects the `bosh_unreachable` fault.
    pub(crate) async fn bosh_listener_settled(&self) {
        let want = *self.bosh_reachable.borrow();
        let mut rx = self.bosh_listening.clone();
        let _ = tokio::time::timeout(Duration::from_secs(2), rx.wait_for(|listening| *listening == want)).await;
    }
}

#[derive(Debug, Clone)]
pub(crate) struct UpstreamCtx {
    pub(crate) state: Shared,
    pub(crate) upstream: Upstream,
}

fn upstream_routes(upstream: Upstream) -> Router<Shared> {
    match upstream {
        Upstream::Cf => cf::router(),
        Upstream::Uaa => uaa::router(Upstream::Uaa),
        Upstream::BoshUaa => uaa::router(Upstream::BoshUaa),
        Upstream::LogCache => logcache::router(),
        Upstream::Bosh => bosh::router(),
    }
}

fn build_router(upstream: Upstream, state: Shared) -> Router {
    let ctx = UpstreamCtx { state: Arc::clone(&state), upstream };
    let mut routes =
        upstream_routes(upstream).route_layer(axum::middleware::from_fn_with_state(ctx, middleware::upstream_layer));
    if upstream == Upstream::Uaa {
        // Outside the fault layer: injected errors carry CORS headers too, as behind UAA's filter.
        routes = routes.route_layer(axum::middleware::from_fn(uaa::cors::decorate));
    }
    routes
        .merge(admin::router())
        .fallback(move |State(state): State<Shared>, uri: Uri| async move { unmatched(&state, upstream, &uri) })
        .with_state(state)
}

fn unmatched(state: &Shared, upstream: Upstream, uri: &Uri) -> Response {
    let response = respond::not_found(upstream, uri.path());
    middleware::record(state, upstream, "(unmatched)", response.status().as_u16());
    response
}

pub(crate) struct Running {
    pub(crate) state: Shared,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) tasks: Vec<JoinHandle<()>>,
}

async fn bind(upstream: Upstream, port: u16) -> Result<(TcpListener, SocketAddr), SimError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let bind_err = |source| SimError::Bind { listener: upstream.as_str(), addr: addr.to_string(), source };
    let listener = TcpListener::bind(addr).await.map_err(bind_err)?;
    let local = listener.local_addr().map_err(bind_err)?;
    Ok((listener, local))
}

pub(crate) async fn start(config: SimConfig) -> Result<Running, SimError> {
    let (profile, seed) = (config.profile, config.seed);
    let world = tokio::task::spawn_blocking(move || generate::generate(profile, seed))
        .await
        .map_err(|e| SimError::Config(format!("generation failed: {e}")))?;
    let truth = truth::compute(&world);

    let mut bound = Vec::new();
    for (offset, upstream) in Upstream::ALL.into_iter().enumerate() {
        let port = if config.base_port == 0 { 0 } else { config.base_port.saturating_add(offset as u16) };
        bound.push((upstream, bind(upstream, port).await?));
    }
    let director_tls = if config.bosh_tls { Some(tls::director_tls()?) } else { None };
    let url_of = |wanted: Upstream| {
        let port = bound.iter().find(|(u, _)| *u == wanted).map_or(0, |(_, (_, addr))| addr.port());
        let scheme = if wanted == Upstream::Bosh && director_tls.is_some() { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{port}")
    };
    let urls = SimUrls {
        cf: url_of(Upstream::Cf),
        uaa: url_of(Upstream::Uaa),
        log_cache: url_of(Upstream::LogCache),
        bosh: url_of(Upstream::Bosh),
        bosh_uaa: url_of(Upstream::BoshUaa),
    };

    let (bosh_reachable, reachable_rx) = watch::channel(!config.faults.bosh_unreachable);
    let (listening_tx, bosh_listening) = watch::channel(true);
    let mut uuid_rng = crate::rng::SplitMix64::new(crate::rng::mix(seed, 0xB05));
    let state = Arc::new(SimState {
        bosh_uuid: crate::rng::fmt_guid(uuid_rng.guid()),
        world,
        truth,
        urls,
        credentials: config.credentials,
        tokens: TokenService::new()?,
        auth_codes: AuthCodes::new(config.auth_code_lifetime_secs),
        faults: Mutex::new(FaultEngine::new(config.faults, seed)),
        stats: Mutex::new(RequestStats::default()),
        bosh_tasks: Mutex::new(BoshTasks::default()),
        task_polls_until_done: config.task_polls_until_done.max(1),
        bosh_reachable,
        bosh_listening,
        bosh_ca_pem: director_tls.as_ref().map(|t| t.ca_pem.clone()),
    });

    let (shutdown, shutdown_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    let mut gate = Some(listener::Gate { reachable: reachable_rx, listening: listening_tx });
    for (upstream, (tcp, addr)) in bound {
        let (gate, tls) = if upstream == Upstream::Bosh {
            (gate.take(), director_tls.as_ref().map(|t| t.acceptor.clone()))
        } else {
            (None, None)
        };
        let listener = listener::GatedListener::new(tcp, addr, gate, tls);
        let router = build_router(upstream, Arc::clone(&state));
        let mut stop = shutdown_rx.clone();
        tasks.push(tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%upstream, %error, "listener stopped");
            }
        }));
    }
    Ok(Running { state, shutdown, tasks })
}
