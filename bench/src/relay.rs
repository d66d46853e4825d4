//! The real relay, served on 127.0.0.1 from a data folder, on a tokio
//! runtime of its own so that its work is not scheduled behind the
//! benchmark's clients.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use gridline_relay::http::{serve_with, AppState, ServeOptions};
use tokio::sync::oneshot;

/// A serving relay; stops (letting requests finish briefly) when dropped.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Relay {
    /// Serves the store in `data_dir` on a free loopback port and waits
    /// until `/healthz` answers.
    pub async fn start(data_dir: &Path) -> anyhow::Result<Relay> {
        let state = AppState::open(data_dir).context("opening the relay store")?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("relay")
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        // The production settings, but a short grace at the end of a run.
        let options = ServeOptions {
            shutdown_grace: Duration::from_secs(2),
            ..ServeOptions::default()
        };
        runtime.spawn(async move {
            // Registered from inside, with the runtime that serves it.
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::error!(error = %e, "cannot serve the relay's socket");
                    return;
                }
            };
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = serve_with(listener, state, options, shutdown).await {
                tracing::error!(error = %e, "the relay stopped with an error");
            }
        });
        let relay = Relay {
            addr,
            stop: Some(stop),
            runtime: Some(runtime),
        };
        relay.wait_healthy().await?;
        Ok(relay)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn wait_healthy(&self) -> anyhow::Result<()> {
        let url = format!("{}/healthz", self.url());
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(answer) = client.get(&url).send().await {
                if answer.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        anyhow::bail!("the relay on {} did not answer /healthz in 5 s", self.addr)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Dropping a runtime blocks, which is not allowed inside another
        // runtime's task; its threads are told to stop and left to do so.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
