//! Cold start of a Lambda function binary on this machine: a minimal Lambda Runtime API serves
//! one API Gateway event; we time process start → first `/next` (ready) and → the response.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::routing::{get, post};
use capacity_sim::Profile;
use tokio::sync::Notify;

const EVENT: &str = include_str!("../../../events/dashboard.json");

#[derive(Default)]
struct Timeline {
    ready: Option<Instant>,
    done: Option<Instant>,
    status: Option<u64>,
    served: bool,
}

#[derive(Clone)]
struct Runtime {
    timeline: Arc<Mutex<Timeline>>,
    notify: Arc<Notify>,
}

async fn next(State(rt): State<Runtime>) -> (HeaderMap, String) {
    let first = {
        let mut t = rt.timeline.lock().unwrap_or_else(PoisonError::into_inner);
        t.ready.get_or_insert_with(Instant::now);
        !std::mem::replace(&mut t.served, true)
    };
    if !first {
        // One invocation per process: later polls wait until the process is stopped.
        std::future::pending::<()>().await;
    }
    let mut headers = HeaderMap::new();
    let deadline =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis() + 30_000;
    for (name, value) in [
        ("lambda-runtime-aws-request-id", "bench-request-1".to_owned()),
        ("lambda-runtime-deadline-ms", deadline.to_string()),
        ("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:dashboard".to_owned()),
        ("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000".to_owned()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    (headers, EVENT.to_owned())
}

async fn response(State(rt): State<Runtime>, body: Bytes) -> &'static str {
    let status = serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v["statusCode"].as_u64());
    {
        let mut t = rt.timeline.lock().unwrap_or_else(PoisonError::into_inner);
        t.done = Some(Instant::now());
        t.status = status;
    }
    rt.notify.notify_one();
    "{}"
}

async fn one_run(binary: &std::path::Path, sim: &capacity_sim::SimHandle) -> Option<(Duration, Duration, Option<u64>)> {
    let rt = Runtime { timeline: Arc::default(), notify: Arc::new(Notify::new()) };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(response))
        .route("/2018-06-01/runtime/init/error", post(response))
        .with_state(rt.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.ok()?;
    let address = listener.local_addr().ok()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let c = &sim.credentials;
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "dashboard")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/dashboard")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_REGION", "us-east-1")
        .env("CF_API_URL", &sim.urls.cf)
        .env("CF_USERNAME", &c.cf_username)
        .env("CF_PASSWORD", &c.cf_password)
        .env("BOSH_ENVIRONMENT", &sim.urls.bosh)
        .env("BOSH_CLIENT", &c.bosh_client)
        .env("BOSH_CLIENT_SECRET", &c.bosh_client_secret)
        .env("AUTH_MODE", "disabled")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    let finished = tokio::time::timeout(Duration::from_secs(60), rt.notify.notified()).await.is_ok();
    let _ = child.kill().await;
    server.abort();
    let t = rt.timeline.lock().unwrap_or_else(PoisonError::into_inner);
    let (ready, done) = (t.ready?, t.done?);
    finished.then(|| (ready - started, done - ready, t.status))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

pub(crate) async fn run(binary: &std::path::Path, profile: Profile, runs: u32) {
    let sim = crate::crawl::sim(profile, 0).await;
    let mut inits = Vec::new();
    let mut firsts = Vec::new();
    let mut statuses = Vec::new();
    for _ in 0..runs.max(1) {
        match one_run(binary, &sim).await {
            Some((init, first, status)) => {
                inits.push(init);
                firsts.push(first);
                statuses.push(status);
            }
            None => eprintln!("a run did not complete"),
        }
    }
    let ok = statuses.iter().filter(|s| **s == Some(200)).count();
    println!(
        "| function | runs (200 OK) | process start → ready (median) | first invocation, cold cache, `{profile}` simulator (median) |"
    );
    println!("|---|---|---|---|");
    println!(
        "| {} | {} ({ok}) | {:.1} ms | {:.1} ms |",
        binary.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        inits.len(),
        median(inits).as_secs_f64() * 1000.0,
        median(firsts).as_secs_f64() * 1000.0,
    );
}
