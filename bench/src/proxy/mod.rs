//! A counting TCP proxy on 127.0.0.1: what a client really sends and
//! receives, how many HTTP requests it makes, and where its time goes.
//!
//! Bytes are counted as they cross the sockets, headers and compression
//! included, so both sides are measured the same way whatever their HTTP
//! client does. Requests are found by framing the client's stream as
//! HTTP/1.1 ([`framer`]); both the device's client and Node's speak
//! HTTP/1.1 to a plain `http://` URL. Each request is timed from the end
//! of its head to the last response byte before the next request on its
//! connection, which tells time spent waiting on the server from time the
//! client spends between requests.

mod framer;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use framer::RequestFramer;

/// One request and when its answer came.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Method and path, without the query.
    pub request: String,
    pub sent: Instant,
    pub first_byte: Option<Instant>,
    pub last_byte: Option<Instant>,
}

impl Exchange {
    /// From the request to its last response byte, ms.
    pub fn wait_ms(&self) -> f64 {
        self.last_byte.map_or(0.0, |last| {
            last.duration_since(self.sent).as_secs_f64() * 1e3
        })
    }
}

/// What crossed the proxy.
#[derive(Debug, Default, Clone)]
pub struct Traffic {
    pub requests: u64,
    /// Client to server.
    pub bytes_up: u64,
    /// Server to client.
    pub bytes_down: u64,
    pub connections: u64,
    pub exchanges: Vec<Exchange>,
}

impl Traffic {
    pub fn bytes(&self) -> u64 {
        self.bytes_up + self.bytes_down
    }

    /// Where the time went: the span from the first request to the last
    /// answer, how much of it some request was outstanding, and each kind
    /// of request's count, total and longest wait.
    pub fn breakdown(&self) -> String {
        let Some(start) = self.exchanges.iter().map(|e| e.sent).min() else {
            return "no requests".to_owned();
        };
        let end = self
            .exchanges
            .iter()
            .filter_map(|e| e.last_byte)
            .max()
            .unwrap_or(start);
        let mut spans: Vec<(Instant, Instant)> = self
            .exchanges
            .iter()
            .filter_map(|e| Some((e.sent, e.last_byte?)))
            .collect();
        spans.sort();
        let (mut waiting_ms, mut covered_to) = (0.0, start);
        for (from, to) in spans {
            let from = from.max(covered_to);
            if to > from {
                waiting_ms += to.duration_since(from).as_secs_f64() * 1e3;
                covered_to = to;
            }
        }
        let span_ms = end.duration_since(start).as_secs_f64() * 1e3;
        let mut kinds: BTreeMap<&str, (usize, f64, f64)> = BTreeMap::new();
        for e in &self.exchanges {
            let kind = kinds.entry(e.request.as_str()).or_default();
            kind.0 += 1;
            kind.1 += e.wait_ms();
            kind.2 = kind.2.max(e.wait_ms());
        }
        let mut out = format!(
            "{} requests over {span_ms:.0} ms: a request outstanding {waiting_ms:.0} ms, \
             none outstanding (client at work) {:.0} ms",
            self.exchanges.len(),
            span_ms - waiting_ms
        );
        let mut kinds: Vec<_> = kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
        for (request, (count, total, max)) in kinds.into_iter().take(8) {
            out.push_str(&format!(
                "\n    {request} x{count}: {total:.0} ms waited in all, longest {max:.0} ms"
            ));
        }
        out
    }
}

/// The requests of one connection not yet taken, and whether it closed.
#[derive(Default)]
struct Connection {
    exchanges: Vec<Exchange>,
    closed: bool,
}

type ConnectionLog = Arc<Mutex<Connection>>;

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
    connections: AtomicU64,
    /// Every connection still open, or closed since the last take.
    logs: Mutex<Vec<ConnectionLog>>,
}

/// A running proxy; stops when dropped.
pub struct CountingProxy {
    pub addr: SocketAddr,
    counters: Arc<Counters>,
    accept: JoinHandle<()>,
}

impl CountingProxy {
    /// Listens on a free loopback port and forwards every connection to
    /// `upstream`.
    pub async fn start(upstream: SocketAddr) -> anyhow::Result<CountingProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let shared = counters.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let log = ConnectionLog::default();
                shared.connections.fetch_add(1, Ordering::Relaxed);
                lock(&shared.logs).push(log.clone());
                tokio::spawn(forward(client, upstream, shared.clone(), log));
            }
        });
        Ok(CountingProxy {
            addr,
            counters,
            accept,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The traffic since the last take, and the counters back to zero. A
    /// kept-alive connection stays watched: its next requests count next time.
    pub fn take(&self) -> Traffic {
        let c = &self.counters;
        let mut exchanges = Vec::new();
        lock(&c.logs).retain(|log| {
            let mut connection = lock(log);
            exchanges.append(&mut connection.exchanges);
            !connection.closed
        });
        exchanges.sort_by_key(|e| e.sent);
        Traffic {
            requests: c.requests.swap(0, Ordering::Relaxed),
            bytes_up: c.bytes_up.swap(0, Ordering::Relaxed),
            bytes_down: c.bytes_down.swap(0, Ordering::Relaxed),
            connections: c.connections.swap(0, Ordering::Relaxed),
            exchanges,
        }
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A poisoned lock only means a forwarding task panicked; the log is
/// still worth reading.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

async fn forward(
    client: TcpStream,
    upstream: SocketAddr,
    counters: Arc<Counters>,
    log: ConnectionLog,
) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let (up_counters, up_log, down_log) = (counters.clone(), log.clone(), log.clone());
    let up = async move {
        let mut framer = RequestFramer::default();
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = client_read.read(&mut buf).await {
            if n == 0 {
                break;
            }
            up_counters.bytes_up.fetch_add(n as u64, Ordering::Relaxed);
            for line in framer.feed(&buf[..n]) {
                up_counters.requests.fetch_add(1, Ordering::Relaxed);
                lock(&up_log).exchanges.push(Exchange {
                    request: request_kind(&line),
                    sent: Instant::now(),
                    first_byte: None,
                    last_byte: None,
                });
            }
            if server_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = server_write.shutdown().await;
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = server_read.read(&mut buf).await {
            if n == 0 {
                break;
            }
            counters.bytes_down.fetch_add(n as u64, Ordering::Relaxed);
            if let Some(last) = lock(&down_log).exchanges.last_mut() {
                let now = Instant::now();
                last.first_byte.get_or_insert(now);
                last.last_byte = Some(now);
            }
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
    lock(&log).closed = true;
}

/// `GET /grid/_changes?since=0 HTTP/1.1` → `GET /grid/_changes`; path
/// segments that name one document or photo are folded to `{id}`.
fn request_kind(line: &str) -> String {
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("?");
    let path = parts.next().unwrap_or("").split('?').next().unwrap_or("");
    let path: Vec<&str> = path
        .split('/')
        .map(|segment| if segment.len() > 24 { "{id}" } else { segment })
        .collect();
    format!("{method} {}", path.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_kinds_drop_the_query_and_fold_long_ids() {
        assert_eq!(
            request_kind("GET /api/v1/pull?since=42&limit=500 HTTP/1.1"),
            "GET /api/v1/pull"
        );
        assert_eq!(
            request_kind("PUT /api/v1/photos/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 HTTP/1.1"),
            "PUT /api/v1/photos/{id}"
        );
    }

    #[tokio::test]
    async fn the_proxy_forwards_both_ways_and_counts_every_byte_and_request() {
        let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream = server.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = server.accept().await.unwrap();
            let mut buf = [0u8; 64];
            while let Ok(n) = s.read(&mut buf).await {
                if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        });
        let proxy = CountingProxy::start(upstream).await.unwrap();
        let mut client = TcpStream::connect(proxy.addr).await.unwrap();
        let request = b"GET /x?y=1 HTTP/1.1\r\n\r\n";
        let mut echoed = vec![0u8; request.len()];

        client.write_all(request).await.unwrap();
        client.read_exact(&mut echoed).await.unwrap();
        let first = proxy.take();
        client.write_all(request).await.unwrap();
        client.read_exact(&mut echoed).await.unwrap();
        let second = proxy.take();

        assert_eq!(echoed, request);
        assert_eq!(first.requests, 1);
        assert_eq!(first.connections, 1);
        assert_eq!(first.bytes_up, request.len() as u64);
        assert_eq!(first.bytes_down, request.len() as u64);
        assert_eq!(first.exchanges[0].request, "GET /x");
        assert!(
            first.exchanges[0].last_byte.is_some(),
            "the answer was timed"
        );
        assert_eq!(
            (second.requests, second.connections, second.exchanges.len()),
            (1, 0, 1),
            "a kept-alive connection's next request counts after a take"
        );
    }
}
