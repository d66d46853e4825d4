//! A counting TCP proxy on 127.0.0.1: what a client really sends and
//! receives, and how many HTTP requests it makes.
//!
//! Bytes are counted as they cross the sockets, headers and compression
//! included, so both sides are measured the same way whatever their HTTP
//! client does. Requests are counted by framing the client's stream as
//! HTTP/1.1 (a head, then a `Content-Length` or chunked body); both the
//! device's client and Node's speak HTTP/1.1 to a plain `http://` URL.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What crossed the proxy.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    pub requests: u64,
    /// Client to server.
    pub bytes_up: u64,
    /// Server to client.
    pub bytes_down: u64,
    pub connections: u64,
}

impl Traffic {
    pub fn bytes(&self) -> u64 {
        self.bytes_up + self.bytes_down
    }
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
    connections: AtomicU64,
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
                shared.connections.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(forward(client, upstream, shared.clone()));
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

    /// The traffic so far, and the counters back to zero.
    pub fn take(&self) -> Traffic {
        let c = &self.counters;
        Traffic {
            requests: c.requests.swap(0, Ordering::Relaxed),
            bytes_up: c.bytes_up.swap(0, Ordering::Relaxed),
            bytes_down: c.bytes_down.swap(0, Ordering::Relaxed),
            connections: c.connections.swap(0, Ordering::Relaxed),
        }
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn forward(client: TcpStream, upstream: SocketAddr, counters: Arc<Counters>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let up_counters = counters.clone();
    let up = async move {
        let mut framer = RequestFramer::default();
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = client_read.read(&mut buf).await {
            if n == 0 {
                break;
            }
            up_counters.bytes_up.fetch_add(n as u64, Ordering::Relaxed);
            let started = framer.feed(&buf[..n]);
            up_counters.requests.fetch_add(started, Ordering::Relaxed);
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
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
}

/// Where the framer is in the client's byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Reading a request head; holds its bytes so far.
    Head(Vec<u8>),
    /// Skipping this many body bytes.
    Body(u64),
    /// Reading a chunk-size line.
    ChunkSize(Vec<u8>),
    /// Skipping a chunk's data and its CRLF.
    ChunkData(u64),
    /// Reading trailer lines after the last chunk, until an empty one.
    Trailer(Vec<u8>),
}

/// Counts the HTTP/1.1 requests in a client's byte stream, fed in pieces.
#[derive(Debug)]
pub struct RequestFramer {
    state: State,
}

impl Default for RequestFramer {
    fn default() -> Self {
        RequestFramer {
            state: State::Head(Vec::new()),
        }
    }
}

/// The longest head or line the framer keeps before giving up on framing.
const MAX_LINE: usize = 64 * 1024;

impl RequestFramer {
    /// Feeds the next bytes; returns how many requests began in them.
    pub fn feed(&mut self, mut bytes: &[u8]) -> u64 {
        let mut started = 0;
        while !bytes.is_empty() {
            match &mut self.state {
                State::Head(head) => {
                    let (taken, done) = take_until(head, bytes, b"\r\n\r\n");
                    bytes = &bytes[taken..];
                    if head.len() > MAX_LINE {
                        head.clear();
                    }
                    if done {
                        if head.len() == 4 {
                            // A stray blank line between requests.
                            head.clear();
                            continue;
                        }
                        started += 1;
                        self.state = body_after(head);
                    }
                }
                State::Body(left) | State::ChunkData(left) => {
                    let n = (*left).min(bytes.len() as u64);
                    bytes = &bytes[n as usize..];
                    *left -= n;
                    if *left == 0 {
                        self.state = match self.state {
                            State::ChunkData(_) => State::ChunkSize(Vec::new()),
                            _ => State::Head(Vec::new()),
                        };
                    }
                }
                State::ChunkSize(line) => {
                    let (taken, done) = take_until(line, bytes, b"\r\n");
                    bytes = &bytes[taken..];
                    if done {
                        let text = String::from_utf8_lossy(&line[..line.len() - 2]).into_owned();
                        let hex = text.split(';').next().unwrap_or("").trim();
                        self.state = match u64::from_str_radix(hex, 16) {
                            Ok(0) => State::Trailer(Vec::new()),
                            Ok(size) => State::ChunkData(size + 2),
                            Err(_) => State::Head(Vec::new()),
                        };
                    } else if line.len() > MAX_LINE {
                        self.state = State::Head(Vec::new());
                    }
                }
                State::Trailer(line) => {
                    let (taken, done) = take_until(line, bytes, b"\r\n");
                    bytes = &bytes[taken..];
                    if done {
                        if line.len() == 2 {
                            self.state = State::Head(Vec::new());
                        } else {
                            line.clear();
                        }
                    }
                }
            }
        }
        started
    }
}

/// Appends bytes to `acc` up to and including the first `end` (which may
/// straddle earlier input); returns how many were taken and whether `end`
/// was reached.
fn take_until(acc: &mut Vec<u8>, bytes: &[u8], end: &[u8]) -> (usize, bool) {
    for (i, &b) in bytes.iter().enumerate() {
        acc.push(b);
        if acc.ends_with(end) {
            return (i + 1, true);
        }
    }
    (bytes.len(), false)
}

/// What follows a request head: its body by `Transfer-Encoding: chunked`
/// or `Content-Length`, or the next head.
fn body_after(head: &[u8]) -> State {
    let text = String::from_utf8_lossy(head);
    let mut length = 0u64;
    for line in text.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            return State::ChunkSize(Vec::new());
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().unwrap_or(0);
        }
    }
    if length > 0 {
        State::Body(length)
    } else {
        State::Head(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_with_length_and_chunked_bodies_are_each_counted_once_in_any_split() {
        let stream = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n\
            POST /b HTTP/1.1\r\nContent-Length: 13\r\n\r\nGET / HTTP/1.\
            POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n\
            GET /d HTTP/1.1\r\n\r\n";

        for split in [1, 2, 3, 7, 64, stream.len()] {
            let mut framer = RequestFramer::default();
            let counted: u64 = stream.chunks(split).map(|piece| framer.feed(piece)).sum();

            assert_eq!(counted, 4, "bodies that look like requests are not counted (split {split})");
        }
    }

    #[tokio::test]
    async fn the_proxy_forwards_both_ways_and_counts_every_byte() {
        let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream = server.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = server.accept().await.unwrap();
            let mut buf = [0u8; 64];
            let n = s.read(&mut buf).await.unwrap();
            s.write_all(&buf[..n]).await.unwrap();
        });
        let proxy = CountingProxy::start(upstream).await.unwrap();

        let mut client = TcpStream::connect(proxy.addr).await.unwrap();
        let request = b"GET / HTTP/1.1\r\n\r\n";
        client.write_all(request).await.unwrap();
        let mut echoed = vec![0u8; request.len()];
        client.read_exact(&mut echoed).await.unwrap();

        assert_eq!(echoed, request);
        let traffic = proxy.take();
        assert_eq!(traffic.requests, 1);
        assert_eq!(traffic.bytes_up, request.len() as u64);
        assert_eq!(traffic.bytes_down, request.len() as u64);
    }
}
