//! Slow and idle clients: they are cut off in time and do not hold up a
//! shutdown.

use std::time::{Duration, Instant};

use gridline_relay::http::{serve_with, ServeOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::*;

/// Starts the relay with `options`; the sender stops it.
async fn start(
    fixture: &Fixture,
    options: ServeOptions,
) -> (
    std::net::SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(
        listener,
        fixture.state.clone(),
        options,
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, stop, server)
}

/// Reads until the relay closes the connection; how long that took.
async fn time_until_closed(stream: &mut TcpStream, limit: Duration) -> Duration {
    let started = Instant::now();
    let mut sink = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut sink)).await;
    assert!(
        read.is_ok(),
        "the relay kept the connection open past {limit:?}"
    );
    started.elapsed()
}

#[tokio::test]
async fn a_client_that_stalls_inside_the_request_line_is_disconnected() {
    let fixture = Fixture::new();
    let options = ServeOptions {
        header_read_timeout: Duration::from_secs(1),
        ..ServeOptions::default()
    };
    let (addr, _stop, _server) = start(&fixture, options).await;
    let mut stalled = TcpStream::connect(addr).await.unwrap();

    stalled.write_all(b"GET /healthz HT").await.unwrap();
    let waited = time_until_closed(&mut stalled, Duration::from_secs(5)).await;

    assert!(
        waited >= Duration::from_millis(900),
        "closed too early: {waited:?}"
    );
}

#[tokio::test]
async fn a_client_that_connects_and_sends_nothing_is_disconnected() {
    let fixture = Fixture::new();
    let options = ServeOptions {
        header_read_timeout: Duration::from_secs(1),
        ..ServeOptions::default()
    };
    let (addr, _stop, _server) = start(&fixture, options).await;
    let mut idle = TcpStream::connect(addr).await.unwrap();

    time_until_closed(&mut idle, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_shutdown_ends_within_the_grace_period_despite_a_stalled_client() {
    let fixture = Fixture::new();
    let options = ServeOptions {
        header_read_timeout: Duration::from_secs(60),
        shutdown_grace: Duration::from_secs(1),
        ..ServeOptions::default()
    };
    let (addr, stop, server) = start(&fixture, options).await;
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled
        .write_all(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let healthy = Client::new()
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();

    let started = Instant::now();
    stop.send(()).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(5), server).await;

    assert_eq!(healthy.status(), 200);
    assert!(
        result.is_ok(),
        "serve must return once the grace period is over"
    );
    result.unwrap().unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    time_until_closed(&mut stalled, Duration::from_secs(1)).await;
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let fixture = Fixture::new();
    let options = ServeOptions {
        max_connections: 2,
        ..ServeOptions::default()
    };
    let (addr, _stop, _server) = start(&fixture, options).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /healthz HT").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut third = TcpStream::connect(addr).await.unwrap();
    let waited = time_until_closed(&mut third, Duration::from_secs(3)).await;

    assert!(
        waited < Duration::from_secs(2),
        "the third connection waited {waited:?}"
    );
}

#[tokio::test]
async fn a_request_with_too_many_headers_is_refused_with_431() {
    let fixture = Fixture::new();
    let (addr, _stop, _server) = start(&fixture, ServeOptions::default()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = String::from("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for i in 0..100 {
        request.push_str(&format!("X-Filler-{i}: {i}\r\n"));
    }
    request.push_str("\r\n");

    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;

    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}
