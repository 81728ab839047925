//! `capacity-server`: the Cloud Foundry / standalone binary, and `--demo` against the built-in
//! foundation simulator. Serves every API route (the same router code the Lambda functions
//! run), `/metrics`, and the frontend bundle, and keeps the cache warm in-process.

mod demo;
mod metrics;
mod router;
mod serve;
mod static_files;
mod vcap;
mod warm;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use capacity_app::bootstrap::{self, Sources};
use capacity_app::config::Settings;
use clap::Parser;

/// Command-line options; everything else comes from the environment (see README).
#[derive(Debug, Parser)]
#[command(name = "capacity-server", version, about = "Diego capacity analyzer: API, dashboard and warm cache")]
struct Args {
    /// Run against the built-in foundation simulator (no foundation or credentials needed).
    #[arg(long)]
    demo: bool,
    /// Simulator profile in demo mode: small, medium, large or huge.
    #[arg(long, default_value = "medium")]
    demo_profile: capacity_sim::Profile,
    /// Simulator seed in demo mode.
    #[arg(long, default_value_t = 1)]
    demo_seed: u64,
    /// First of five consecutive loopback ports for the simulator (0 = ephemeral).
    #[arg(long, default_value_t = 0)]
    demo_sim_port: u16,
    /// Listening port (default: $PORT, else 8080).
    #[arg(long)]
    port: Option<u16>,
    /// Directory of the frontend bundle (default: $FRONTEND_DIR, else frontend/dist).
    #[arg(long)]
    frontend_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    capacity_app::telemetry::init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "capacity-server cannot start");
            ExitCode::FAILURE
        }
    }
}

fn env_number(name: &str, default: u64) -> Result<u64, String> {
    std::env::var(name)
        .map_or(Ok(default), |v| v.trim().parse().map_err(|_| format!("{name} is invalid: expected a number")))
}

async fn run(args: Args) -> Result<(), String> {
    let env = Settings::from_env();
    let vcap = vcap::credentials(env.get("VCAP_SERVICES").as_deref(), env.get("VCAP_SERVICE_NAME").as_deref())
        .map_err(|e| e.to_string())?;
    if !vcap.is_empty() {
        tracing::info!(keys = vcap.len(), "credentials read from the bound service");
    }
    let mut settings = env.with_priority_layer(vcap);
    let mut demo = None;
    if args.demo {
        let d = demo::start(args.demo_profile, args.demo_seed, args.demo_sim_port).await.map_err(|e| e.to_string())?;
        tracing::warn!(profile = %args.demo_profile, cf = %d.sim.urls.cf, "DEMO MODE: reading the built-in foundation simulator, not a real foundation");
        settings = settings.with_priority_layer(d.settings.clone());
        demo = Some(d);
    }
    let app = bootstrap::build(Sources { settings, secret_store: None }).await.map_err(|e| e.to_string())?;
    let frontend_dir = args
        .frontend_dir
        .or_else(|| std::env::var_os("FRONTEND_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("frontend/dist"));
    let limits = router::Limits {
        request_timeout: Duration::from_secs(env_number("REQUEST_TIMEOUT_SECS", 60)?),
        body_limit: usize::try_from(env_number("BODY_LIMIT_BYTES", 1024 * 1024)?).unwrap_or(usize::MAX),
    };
    let router = router::build(&app, &frontend_dir, limits);
    let port = match args.port {
        Some(port) => port,
        None => u16::try_from(env_number("PORT", 8080)?).map_err(|_| "PORT is invalid: expected 1-65535".to_owned())?,
    };
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)))
        .await
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%address, frontend = %frontend_dir.display(), "capacity-server listening");
    if args.demo {
        println!("Diego Capacity Analyzer demo: open http://127.0.0.1:{}/", address.port());
    }
    let shutdown = serve::shutdown_signal();
    let warm = warm::spawn(app.service.clone(), shutdown.clone());
    let serve_limits = serve::Limits {
        header_read_timeout: Duration::from_secs(10),
        shutdown_grace: Duration::from_secs(env_number("SHUTDOWN_GRACE_SECS", 9)?),
    };
    serve::serve(listener, router, serve_limits, shutdown).await;
    warm.abort();
    if let Some(d) = demo {
        d.sim.shutdown().await;
    }
    tracing::info!("capacity-server stopped");
    Ok(())
}
