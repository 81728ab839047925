//! Running `capacity-server --demo` as a process for the tests.

#![allow(dead_code, unreachable_pub, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub base: String,
    pub sim_admin: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Five consecutive free ports for the simulator.
pub fn free_port_block() -> u16 {
    for _ in 0..50 {
        let first = free_port();
        if first < 60_000 && (1..5).all(|i| TcpListener::bind(("127.0.0.1", first + i)).is_ok()) {
            return first;
        }
    }
    panic!("no block of five free ports");
}

pub async fn start(frontend: &std::path::Path) -> Server {
    start_with(frontend, &[], &[]).await
}

/// Starts `capacity-server --demo` with extra arguments and environment.
pub async fn start_with(frontend: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Server {
    let (port, sim) = (free_port(), free_port_block());
    let child = Command::new(env!("CARGO_BIN_EXE_capacity-server"))
        .args(["--demo", "--demo-profile", "small", "--demo-sim-port", &sim.to_string(), "--port", &port.to_string()])
        .args(args)
        .arg("--frontend-dir")
        .arg(frontend)
        .env("REFRESH_MIN_AGE_SECS", "0")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("capacity-server starts");
    let server =
        Server { child, base: format!("http://127.0.0.1:{port}"), sim_admin: format!("http://127.0.0.1:{sim}/__sim") };
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{}/api/health", server.base)).await.is_err() {
        assert!(Instant::now() < deadline, "server did not answer within 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

pub fn bundle() -> tempdir::Dir {
    tempdir::Dir::new()
}

/// A throwaway frontend bundle (index.html plus one hashed asset).
pub mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let path = std::env::temp_dir().join(format!("capacity-bundle-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(path.join("assets")).unwrap();
            std::fs::write(path.join("index.html"), "<!doctype html><title>bundle</title>").unwrap();
            std::fs::write(path.join("assets/index-abc123.js"), "console.log(1)").unwrap();
            Self(path)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
