//! `capacity-bench`: the Rust side of `scripts/bench`. Each subcommand prints a Markdown table.

mod baseline;
mod crawl;
mod lambda_init;
mod stores;

use std::time::Duration;

use capacity_sim::Profile;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "capacity-bench")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Upstream requests and wall time of a cold refresh, ours vs the per-app baseline.
    Crawl {
        /// Profiles, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "small,medium,large,huge")]
        profiles: Vec<Profile>,
        /// Simulated latency per request (ms), comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "0,20,50")]
        latencies: Vec<u64>,
        /// Runs longer than this are projected from the 0 ms run instead of measured.
        #[arg(long, default_value_t = 120)]
        budget_secs: u64,
    },
    /// Process start to ready, and the first (cold) invocation, of a Lambda function binary.
    LambdaInit {
        /// The function binary (built for this machine).
        #[arg(long)]
        binary: std::path::PathBuf,
        /// Simulator profile behind it.
        #[arg(long, default_value = "small")]
        profile: Profile,
        /// Runs to take the median of.
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Cache round trip of a collected snapshot: encode, put, get, decode (DynamoDB via `MOTO_ENDPOINT`).
    Cache {
        /// Simulator profile to collect.
        #[arg(long, default_value = "huge")]
        profile: Profile,
    },
    /// N concurrent cold requests: how many upstream collects they cause.
    SingleFlight {
        /// Concurrent requests.
        #[arg(long, default_value_t = 100)]
        requests: usize,
    },
}

#[tokio::main]
async fn main() {
    match Args::parse().command {
        Command::Crawl { profiles, latencies, budget_secs } => {
            Box::pin(crawl_tables(&profiles, &latencies, Duration::from_secs(budget_secs))).await
        }
        Command::LambdaInit { binary, profile, runs } => lambda_init::run(&binary, profile, runs).await,
        Command::Cache { profile } => stores::cache(profile).await,
        Command::SingleFlight { requests } => stores::single_flight(requests).await,
    }
}

fn secs(run: &crawl::Run) -> String {
    format!("{:.2} s{}", run.seconds, if run.projected { " (projected)" } else { "" })
}

async fn crawl_tables(profiles: &[Profile], latencies: &[u64], budget: Duration) {
    let mut requests = String::from(
        "| profile | apps | instances | ours, Log Cache usage | ours, stats usage | stats-plan floor | per-app baseline (CF only) | baseline ÷ ours |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut times = String::from(
        "| profile | latency | ours, Log Cache usage | ours, stats usage | per-app baseline (CF only) |\n|---|---|---|---|---|\n",
    );
    for &profile in profiles {
        let mut zero_baseline = None;
        for &latency in latencies {
            let sim = crawl::sim(profile, latency).await;
            let lc = crawl::ours(&sim, "log_cache").await;
            let stats =
                if latency == 0 || profile != Profile::Huge { Some(crawl::ours(&sim, "stats").await) } else { None };
            let base = crawl::baseline(&sim, latency, zero_baseline.as_ref(), budget).await;
            if latency == 0 {
                let truth = sim.truth();
                let instances: u64 = truth.counts.instances_by_state.values().sum();
                let stats_requests = stats.as_ref().map_or(0, |s| s.requests);
                requests.push_str(&format!(
                    "| {profile} | {} | {instances} | {} | {stats_requests} | {} | {} | {:.0}× |\n",
                    truth.counts.apps,
                    lc.requests,
                    crawl::floor(&sim),
                    base.requests,
                    base.requests as f64 / lc.requests as f64,
                ));
                zero_baseline = Some(base.clone());
            }
            times.push_str(&format!(
                "| {profile} | {latency} ms | {} | {} | {} |\n",
                secs(&lc),
                stats.as_ref().map_or_else(|| "not run".to_owned(), secs),
                secs(&base)
            ));
            eprintln!(
                "{profile} {latency} ms: lc {:.2}s stats {:?} baseline {:.2}s",
                lc.seconds,
                stats.map(|s| s.seconds),
                base.seconds
            );
        }
    }
    println!("### Upstream requests per cold refresh (0 ms latency)\n\n{requests}");
    println!("### Cold refresh wall time\n\n{times}");
}
