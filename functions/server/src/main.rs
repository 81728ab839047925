//! `capacity-server`: the Cloud Foundry / standalone binary, and `--demo` against the built-in
//! foundation simulator. Serves every API route (the same router code the Lambda functions
//! run), `/metrics`, and the frontend bundle, and keeps the cache warm in-process.

mod demo;
mod metrics;
mod protect;
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
    /// In demo mode, require sign-in through the simulator's UAA (default: authentication off).
    #[arg(long)]
    demo_auth: bool,
    /// Print a new API key and the API_KEYS entry storing its hash, then exit.
    #[arg(long, value_names = ["NAME", "ROLE"], num_args = 2)]
    new_api_key: Option<Vec<String>>,
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
    if let Some(spec) = &args.new_api_key {
        return new_api_key(spec);
    }
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "capacity-server cannot start");
            ExitCode::FAILURE
        }
    }
}

/// `--new-api-key NAME ROLE`: the key goes to the caller once; only its hash is stored.
fn new_api_key(spec: &[String]) -> ExitCode {
    let role = match spec.get(1).map(String::as_str) {
        Some("viewer") => capacity_app::auth::Role::Viewer,
        Some("operator") => capacity_app::auth::Role::Operator,
        _ => {
            eprintln!("ROLE must be viewer or operator");
            return ExitCode::FAILURE;
        }
    };
    let name = spec.first().map_or("", String::as_str);
    if capacity_app::auth::apikey::parse_records(&format!("{name}:viewer:{}", "0".repeat(64))).is_err() {
        eprintln!("NAME may only contain letters, digits, '-', '_' and '.'");
        return ExitCode::FAILURE;
    }
    match capacity_app::auth::apikey::generate(name, role) {
        Ok((key, record)) => {
            println!("API key (give it to the client; it is not stored anywhere): {key}");
            println!("API_KEYS entry (add it to the secret store, comma-separated): {record}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// `CORS_ALLOWED_ORIGINS`: comma-separated origins (`https://dash.example.com`); `*` is refused.
fn cors_origins(value: Option<&str>) -> Result<Vec<http::HeaderValue>, String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let parsed =
                url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            match parsed {
                Some(u) if origin != "*" => http::HeaderValue::from_str(&u.origin().ascii_serialization())
                    .map_err(|_| "CORS_ALLOWED_ORIGINS is invalid".to_owned()),
                _ => {
                    Err("CORS_ALLOWED_ORIGINS is invalid: list full origins such as https://dash.example.com (never *)"
                        .to_owned())
                }
            }
        })
        .collect()
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
        let d = demo::start(args.demo_profile, args.demo_seed, args.demo_sim_port, args.demo_auth)
            .await
            .map_err(|e| e.to_string())?;
        tracing::warn!(profile = %args.demo_profile, cf = %d.sim.urls.cf, "DEMO MODE: reading the built-in foundation simulator, not a real foundation");
        settings = settings.with_priority_layer(d.settings.clone());
        demo = Some(d);
    }
    let app = bootstrap::build(Sources { settings, secret_store: None }).await.map_err(|e| e.to_string())?;
    let frontend_dir = args
        .frontend_dir
        .or_else(|| std::env::var_os("FRONTEND_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("frontend/dist"));
    let per_minute =
        std::num::NonZeroU32::new(u32::try_from(env_number("RATE_LIMIT_PER_MINUTE", 600)?).unwrap_or(u32::MAX))
            .ok_or("RATE_LIMIT_PER_MINUTE is invalid: must be greater than zero")?;
    let burst = std::num::NonZeroU32::new(u32::try_from(env_number("RATE_LIMIT_BURST", 100)?).unwrap_or(u32::MAX))
        .ok_or("RATE_LIMIT_BURST is invalid: must be greater than zero")?;
    let limits = router::Limits {
        request_timeout: Duration::from_secs(env_number("REQUEST_TIMEOUT_SECS", 60)?),
        body_limit: usize::try_from(env_number("BODY_LIMIT_BYTES", 1024 * 1024)?).unwrap_or(usize::MAX),
        cors_origins: cors_origins(std::env::var("CORS_ALLOWED_ORIGINS").ok().as_deref())?,
        rate_limit: std::sync::Arc::new(protect::RateLimit::new(
            per_minute,
            burst,
            usize::try_from(env_number("TRUSTED_PROXY_HOPS", 0)?).unwrap_or(0),
        )),
    };
    let router = router::build(&app, &frontend_dir, &limits);
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
