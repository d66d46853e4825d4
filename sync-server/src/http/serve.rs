//! Accepting connections and serving the router on them.
//!
//! `axum::serve` reads request heads with no time limit, so a client that
//! sends half a request line (or nothing) holds its socket forever, and
//! graceful shutdown waits for it. This loop serves each connection with
//! hyper directly instead: request heads must arrive within
//! [`ServeOptions::header_read_timeout`], at most
//! [`ServeOptions::max_connections`] are open at once (more are accepted
//! and closed at once, so the backlog drains), and after a shutdown signal
//! connections get [`ServeOptions::shutdown_grace`] to finish before they
//! are dropped.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{router, AppState};

/// How connections are served. The defaults suit production; tests shorten
/// the times.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How long a client may take to send a request's head, from the
    /// moment the relay starts waiting for it (a new connection, or an
    /// idle kept-alive one).
    pub header_read_timeout: Duration,
    /// How many connections may be open at once.
    pub max_connections: usize,
    /// How long connections may finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// The most header lines a request may carry; more is answered 431.
    pub max_headers: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
            max_headers: 64,
        }
    }
}

/// The largest request head in bytes (hyper's smallest allowed read buffer);
/// a longer one is answered 431 or 414 by hyper itself.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Opens the store in `data_dir` and serves the relay on `listen` until
/// SIGTERM or Ctrl-C, letting requests in flight finish.
pub async fn serve(data_dir: PathBuf, listen: SocketAddr) -> anyhow::Result<()> {
    serve_configured(data_dir, listen, None).await
}

/// [`serve`], with the public URL links to the relay are built from (see
/// [`AppState::with_public_url`]).
pub async fn serve_configured(
    data_dir: PathBuf,
    listen: SocketAddr,
    public_url: Option<String>,
) -> anyhow::Result<()> {
    let state = AppState::open(&data_dir)
        .with_context(|| format!("opening the store in {}", data_dir.display()))?
        .with_public_url(public_url);
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    tracing::info!(
        address = %listener.local_addr()?,
        data = %data_dir.display(),
        "relay listening"
    );
    serve_with(listener, state, ServeOptions::default(), shutdown_signal()).await?;
    tracing::info!("relay stopped");
    Ok(())
}

/// Serves the router over `state` on `listener` until `shutdown` completes,
/// then lets open connections finish for `options.shutdown_grace` and drops
/// the rest.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let service = TowerToHyperService::new(router(state));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .keep_alive(true)
        .max_headers(options.max_headers)
        .max_buf_size(MAX_HEAD_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(options.header_read_timeout)
        .keep_alive_timeout(options.header_read_timeout);
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to close.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(
                max = options.max_connections,
                "too many connections; closing a new one"
            );
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (builder, service) = (builder.clone(), service.clone());
        let watcher = graceful.watcher();
        let head_timeout = options.header_read_timeout;
        connections.spawn(async move {
            // hyper's head timeout starts once it knows the protocol; a
            // client that sends nothing would otherwise stall before that.
            if !first_bytes_arrive(&stream, head_timeout).await {
                tracing::debug!(%peer, "connection sent nothing in time; closed");
                return;
            }
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }

    drop(listener);
    tracing::info!(
        open = connections.len(),
        "shutting down; finishing requests in flight"
    );
    let finished = tokio::time::timeout(options.shutdown_grace, async {
        graceful.shutdown().await;
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            dropped = connections.len(),
            grace_s = options.shutdown_grace.as_secs_f64(),
            "connections still open after the grace period; dropping them"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Whether the client sends anything within `timeout`.
async fn first_bytes_arrive(stream: &TcpStream, timeout: Duration) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(timeout, stream.peek(&mut byte)).await,
        Ok(Ok(n)) if n > 0
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received");
}
