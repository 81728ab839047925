//! `foundation-sim`: runs the foundation simulator until Ctrl-C / SIGTERM.

use std::time::Duration;

use capacity_sim::{ErrorRule, Faults, Profile, SimConfig, Simulator, Upstream};
use clap::Parser;

/// A faithful fake of UAA, CF API v3, the BOSH director and Log Cache, for the Diego
/// capacity analyzer. All credentials it prints are fake.
#[derive(Debug, Parser)]
#[command(name = "foundation-sim", version)]
struct Args {
    /// Base port: cf=P, uaa=P+1, log_cache=P+2, bosh=P+3, bosh_uaa=P+4 (0 = ephemeral ports).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Foundation size: small, medium, large or huge.
    #[arg(long, default_value = "small")]
    profile: Profile,
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Latency added to every upstream request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// GETs of a BOSH task (the first included) until it is `done`.
    #[arg(long, default_value_t = 2)]
    task_polls: u32,
    /// Lifetime of issued access tokens (e.g. "20m", "30s"); default 1199 s.
    #[arg(long, value_parser = humantime::parse_duration)]
    token_lifetime: Option<Duration>,
    /// Start with the BOSH director refusing connections.
    #[arg(long)]
    bosh_unreachable: bool,
    /// Serve the BOSH director over HTTPS (prints the CA certificate).
    #[arg(long)]
    bosh_tls: bool,
    /// Fraction (0..1) of requests to every upstream answered with 503.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
}

fn faults_from(args: &Args) -> Faults {
    let mut faults = Faults { bosh_unreachable: args.bosh_unreachable, ..Faults::default() };
    faults.latency.default_ms = args.latency_ms;
    faults.token_lifetime_secs = args.token_lifetime.map(|d| d.as_secs());
    if args.error_rate > 0.0 {
        faults.errors = Upstream::ALL
            .into_iter()
            .map(|upstream| ErrorRule { upstream, route: None, status: 503, rate: args.error_rate, count: None })
            .collect();
    }
    faults
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO));
    tracing_subscriber::fmt().finish().with(filter).init();
    let args = Args::parse();
    let config = SimConfig {
        profile: args.profile,
        seed: args.seed,
        faults: faults_from(&args),
        base_port: args.port,
        task_polls_until_done: args.task_polls,
        bosh_tls: args.bosh_tls,
        ..SimConfig::default()
    };
    let started = std::time::Instant::now();
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(error) => {
            tracing::error!(%error, "cannot start the simulator");
            return std::process::ExitCode::FAILURE;
        }
    };
    let truth = sim.truth();
    tracing::info!(
        profile = %args.profile,
        seed = args.seed,
        cells = truth.counts.cells,
        apps = truth.counts.apps,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "foundation generated"
    );
    let u = &sim.urls;
    let c = &sim.credentials;
    println!("foundation-sim ({} profile, seed {}) — simulated endpoints, fake credentials:", args.profile, args.seed);
    println!("  CF API     {}", u.cf);
    println!(
        "  UAA        {}   user {} / {}, client {} / {} (cf CLI client: cf, empty secret)",
        u.uaa, c.cf_username, c.cf_password, c.cf_client_id, c.cf_client_secret
    );
    println!(
        "             viewer {} / {}; dashboard sign-in: {}/oauth/authorize (public client {}, PKCE S256)",
        c.viewer_username, c.viewer_password, u.uaa, c.dashboard_client_id
    );
    println!("  Log Cache  {}", u.log_cache);
    println!("  BOSH       {}", u.bosh);
    println!("  BOSH UAA   {}   client {} / {}", u.bosh_uaa, c.bosh_client, c.bosh_client_secret);
    println!("  admin      {}/__sim/truth, /__sim/stats, /__sim/faults", u.cf);
    if let Some(ca) = sim.bosh_ca_pem() {
        println!("BOSH director CA:\n{ca}");
    }
    wait_for_signal().await;
    tracing::info!("shutting down");
    sim.shutdown().await;
    std::process::ExitCode::SUCCESS
}
