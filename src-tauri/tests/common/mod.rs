//! A real relay for the device core's tests: a demo district on a fresh
//! SQLite file, served on 127.0.0.1 by the relay's own `serve`, stoppable
//! and restartable on the same port.

#![allow(dead_code)]

pub mod faulty_proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Leader {
    pub account: String,
    pub password: String,
    pub grid_code: String,
    pub point: Point,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Credentials {
    pub api_key: String,
    pub leaders: Vec<Leader>,
}

pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
}

/// Builds a small demo district in `dir` and returns its credentials.
pub fn demo(dir: &Path) -> Credentials {
    let opts = gridline_relay::demo::DemoOptions {
        data: dir.to_path_buf(),
        divisions: Some(shared_data().join("divisions")),
        seed: 7,
        grids_per_community: 1,
        households_per_grid: 20,
        enterprises_per_grid: 2,
        open_issues_per_grid: 1,
        force: false,
    };
    gridline_relay::demo::run(&opts).expect("demo district builds");
    let json = std::fs::read_to_string(dir.join("demo-credentials.json")).unwrap();
    serde_json::from_str(&json).unwrap()
}

/// A relay serving `data` on a fixed loopback port, on a runtime of its own
/// so that stopping it drops every open connection too, as a killed
/// process would.
pub struct Relay {
    pub data: PathBuf,
    pub addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Relay {
    pub async fn start(data: &Path) -> Relay {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = ([127, 0, 0, 1], port).into();
        let mut relay = Relay {
            data: data.to_path_buf(),
            addr,
            runtime: None,
        };
        relay.resume().await;
        relay
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts serving again on the same port. The port is bound here, in
    /// the test's thread, so that if another process took it meanwhile
    /// (fault campaigns run side by side) the run stops with that reason
    /// instead of talking to a stranger's relay.
    pub async fn resume(&mut self) {
        let (data, addr) = (self.data.clone(), self.addr);
        let listener = std::net::TcpListener::bind(addr).unwrap_or_else(|e| {
            panic!(
                "port {} was taken while the relay was down: {e}",
                addr.port()
            )
        });
        listener.set_nonblocking(true).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let state = gridline_relay::http::AppState::open(&data).expect("relay state");
            let options = gridline_relay::http::ServeOptions::default();
            gridline_relay::http::serve_with(listener, state, options, std::future::pending())
                .await
                .expect("relay serves");
        });
        self.runtime = Some(runtime);
        let url = format!("{}/healthz", self.url());
        for _ in 0..100 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("relay did not come up on {}", self.addr);
    }

    /// Stops serving: the port refuses connections until [`Relay::resume`].
    pub async fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(self.addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("relay still accepts connections on {}", self.addr);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
