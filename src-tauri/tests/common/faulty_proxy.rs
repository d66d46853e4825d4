//! An unreliable network between the device and the relay: an HTTP proxy on
//! 127.0.0.1 that, request by request, drops, duplicates, delays or holds
//! back what passes through it.
//!
//! What happens to each request is drawn from a ChaCha8 generator seeded by
//! the test, in the order requests arrive. Every request takes the same
//! number of draws whatever befalls it, so one seed gives one fault stream;
//! requests that race each other may meet it in another order, which is the
//! one thing a replay with the same seed cannot repeat exactly.
//!
//! The faults are the ones a phone on a mobile network meets:
//! - the request is lost before the relay sees it (the connection closes, or
//!   a gateway answers 502);
//! - the relay applies it and the answer is lost (the connection closes
//!   after the relay has committed);
//! - it arrives twice (a retransmission), one copy after the other or both
//!   at once; the device sees the second answer;
//! - it is late (0 to 200 ms);
//! - it is overtaken: held until a later request has gone through, or for at
//!   most [`REORDER_HOLD`].
//!
//! A relay that is down is answered 502, like a real gateway in front of it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderName};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// The longest a late request is held.
pub const MAX_DELAY: Duration = Duration::from_millis(200);
/// The longest a request waits to be overtaken.
pub const REORDER_HOLD: Duration = Duration::from_millis(300);

/// How likely each fault is for one request, from 0 to 1. At most one of
/// `drop_request`, `drop_reply` and `duplicate` befalls a request, so their
/// sum must not exceed 1; `delay` and `reorder` come on top.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    pub drop_request: f64,
    pub drop_reply: f64,
    pub duplicate: f64,
    pub delay: f64,
    pub reorder: f64,
}

impl Faults {
    /// A perfect network.
    pub const NONE: Faults = Faults {
        drop_request: 0.0,
        drop_reply: 0.0,
        duplicate: 0.0,
        delay: 0.0,
        reorder: 0.0,
    };
}

/// How many requests met each fault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub requests: u64,
    pub dropped_requests: u64,
    pub dropped_replies: u64,
    pub duplicated: u64,
    pub delayed: u64,
    /// Requests held back to be overtaken.
    pub reordered: u64,
    /// Of those, the ones another request did overtake.
    pub overtaken: u64,
    /// Requests answered 502 because the relay was down.
    pub relay_down: u64,
}

impl std::ops::AddAssign for FaultCounts {
    fn add_assign(&mut self, o: FaultCounts) {
        self.requests += o.requests;
        self.dropped_requests += o.dropped_requests;
        self.dropped_replies += o.dropped_replies;
        self.duplicated += o.duplicated;
        self.delayed += o.delayed;
        self.reordered += o.reordered;
        self.overtaken += o.overtaken;
        self.relay_down += o.relay_down;
    }
}

/// A running proxy; dropping it closes the port and every connection.
pub struct FaultyProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accepting: JoinHandle<()>,
}

impl FaultyProxy {
    /// Starts a proxy in front of `upstream` (e.g. `http://127.0.0.1:8787`)
    /// on the current tokio runtime.
    pub async fn start(upstream: &str, seed: u64, faults: Faults) -> FaultyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            // Raw bytes both ways (no decompression), and a fresh connection
            // per forward, so a relay restart leaves no stale connection
            // behind to fail a request the plan meant to deliver.
            client: reqwest::Client::builder()
                .no_gzip()
                .no_proxy()
                .pool_max_idle_per_host(0)
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            dice: Mutex::new(Dice {
                rng: ChaCha8Rng::seed_from_u64(seed),
                faults,
            }),
            counters: Counters::default(),
            forwarded: AtomicU64::new(0),
            forwarded_signal: Notify::new(),
        });
        let accepting = tokio::spawn(accept(listener, shared.clone()));
        FaultyProxy {
            addr,
            shared,
            accepting,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes the odds for requests that arrive from now on.
    pub fn set_faults(&self, faults: Faults) {
        let sum = faults.drop_request + faults.drop_reply + faults.duplicate;
        assert!(sum <= 1.0, "the exclusive faults add up to {sum}");
        self.shared.dice.lock().unwrap().faults = faults;
    }

    pub fn counts(&self) -> FaultCounts {
        self.shared.counters.snapshot()
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// What becomes of one request.
#[derive(Debug, Clone, Copy)]
enum Delivery {
    Forward,
    /// Lost on the way in: `close` the connection, or answer 502.
    DropRequest {
        close: bool,
    },
    DropReply,
    /// Sent twice, one copy after the other or both `together`.
    Duplicate {
        together: bool,
    },
}

#[derive(Debug, Clone, Copy)]
struct Plan {
    delivery: Delivery,
    delay: Option<Duration>,
    reorder: bool,
}

struct Dice {
    rng: ChaCha8Rng,
    faults: Faults,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    dropped_requests: AtomicU64,
    dropped_replies: AtomicU64,
    duplicated: AtomicU64,
    delayed: AtomicU64,
    reordered: AtomicU64,
    overtaken: AtomicU64,
    relay_down: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> FaultCounts {
        let get = |c: &AtomicU64| c.load(Ordering::SeqCst);
        FaultCounts {
            requests: get(&self.requests),
            dropped_requests: get(&self.dropped_requests),
            dropped_replies: get(&self.dropped_replies),
            duplicated: get(&self.duplicated),
            delayed: get(&self.delayed),
            reordered: get(&self.reordered),
            overtaken: get(&self.overtaken),
            relay_down: get(&self.relay_down),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::SeqCst);
}

struct Shared {
    upstream: String,
    client: reqwest::Client,
    dice: Mutex<Dice>,
    counters: Counters,
    /// Requests sent on to the relay so far, for holding one back until
    /// another has overtaken it.
    forwarded: AtomicU64,
    forwarded_signal: Notify,
}

/// The service's error: hyper closes the connection without an answer.
#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the proxy dropped the connection on purpose")
    }
}

impl std::error::Error for ConnectionDropped {}

type Answer = Result<Response<Full<Bytes>>, ConnectionDropped>;

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    // Owned here, so aborting this task drops every open connection too.
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        connections.spawn(async move {
            let service = service_fn(move |req| handle(shared.clone(), req));
            // An error here is a dropped connection, most of them on purpose.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Answer {
    let plan = shared.draw();
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|_| ConnectionDropped)?
        .to_bytes();

    if let Some(delay) = plan.delay {
        bump(&shared.counters.delayed);
        tokio::time::sleep(delay).await;
    }
    if plan.reorder {
        bump(&shared.counters.reordered);
        if shared.wait_to_be_overtaken().await {
            bump(&shared.counters.overtaken);
        }
    }
    match plan.delivery {
        Delivery::Forward => shared.forward(&parts, &body).await,
        Delivery::DropRequest { close } => {
            bump(&shared.counters.dropped_requests);
            if close {
                Err(ConnectionDropped)
            } else {
                Ok(bad_gateway())
            }
        }
        Delivery::DropReply => {
            bump(&shared.counters.dropped_replies);
            let _ = shared.forward(&parts, &body).await;
            Err(ConnectionDropped)
        }
        Delivery::Duplicate { together } => {
            bump(&shared.counters.duplicated);
            if together {
                let first = shared.forward(&parts, &body);
                let second = shared.forward(&parts, &body);
                tokio::join!(first, second).1
            } else {
                let _ = shared.forward(&parts, &body).await;
                shared.forward(&parts, &body).await
            }
        }
    }
}

impl Shared {
    /// The fate of the next request. Always the same six draws, so the
    /// stream does not shift with what the previous request met.
    fn draw(&self) -> Plan {
        bump(&self.counters.requests);
        let mut dice = self.dice.lock().unwrap();
        let faults = dice.faults;
        let rng = &mut dice.rng;
        let which: f64 = rng.gen();
        let close = rng.gen_bool(0.5);
        let together = rng.gen_bool(0.5);
        let late = rng.gen_bool(faults.delay);
        let delay = Duration::from_millis(rng.gen_range(0..=MAX_DELAY.as_millis() as u64));
        let reorder = rng.gen_bool(faults.reorder);

        let lost_in = faults.drop_request;
        let lost_out = lost_in + faults.drop_reply;
        let twice = lost_out + faults.duplicate;
        let delivery = if which < lost_in {
            Delivery::DropRequest { close }
        } else if which < lost_out {
            Delivery::DropReply
        } else if which < twice {
            Delivery::Duplicate { together }
        } else {
            Delivery::Forward
        };
        Plan {
            delivery,
            delay: late.then_some(delay),
            reorder,
        }
    }

    /// Holds a request until another one has been forwarded after it
    /// arrived, or for [`REORDER_HOLD`]; says whether it was overtaken.
    async fn wait_to_be_overtaken(&self) -> bool {
        let seen = self.forwarded.load(Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + REORDER_HOLD;
        loop {
            let signal = self.forwarded_signal.notified();
            if self.forwarded.load(Ordering::SeqCst) > seen {
                return true;
            }
            if tokio::time::timeout_at(deadline, signal).await.is_err() {
                return false;
            }
        }
    }

    /// Sends the request on to the relay and returns its answer as it
    /// came, or 502 when the relay cannot be reached.
    async fn forward(&self, parts: &hyper::http::request::Parts, body: &Bytes) -> Answer {
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut upstream = self
            .client
            .request(parts.method.clone(), format!("{}{path}", self.upstream))
            .body(body.clone());
        for (name, value) in &parts.headers {
            if passes_through(name) && name != header::HOST && name != header::CONTENT_LENGTH {
                upstream = upstream.header(name, value);
            }
        }
        self.forwarded.fetch_add(1, Ordering::SeqCst);
        self.forwarded_signal.notify_waiters();

        let answered = async {
            let resp = upstream.send().await?;
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.bytes().await?;
            Ok::<_, reqwest::Error>((status, headers, bytes))
        };
        let Ok((status, headers, bytes)) = answered.await else {
            bump(&self.counters.relay_down);
            return Ok(bad_gateway());
        };
        let mut resp = Response::new(Full::new(bytes));
        *resp.status_mut() = status;
        copy_end_to_end(&headers, resp.headers_mut());
        Ok(resp)
    }
}

fn bad_gateway() -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from_static(b"bad gateway")));
    *resp.status_mut() = StatusCode::BAD_GATEWAY;
    resp
}

fn copy_end_to_end(from: &HeaderMap, to: &mut HeaderMap) {
    for (name, value) in from {
        if passes_through(name) {
            to.append(name.clone(), value.clone());
        }
    }
}

/// Whether a header travels end to end rather than hop by hop.
fn passes_through(name: &HeaderName) -> bool {
    ![
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::TE,
        header::TRAILER,
        header::UPGRADE,
        header::PROXY_AUTHORIZATION,
        header::PROXY_AUTHENTICATE,
    ]
    .contains(name)
        && name.as_str() != "keep-alive"
}
