//! Relay ingest: many devices pushing at once.
//!
//! Each simulated device is a tokio task with its own HTTP client and its
//! own bearer token (minted straight into the store), pushing batches of
//! valid `issue` + `create` operations one after another, as a device
//! drains its outbox. All devices start together. Request bodies are built
//! before the clock starts, so the figure is the relay's, not the
//! generator's; the generator still shares the two cores with the relay.
//!
//! An operation is lost if the relay answered `applied` but its issue is
//! not in the store afterwards, or if it never got an answer at all.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gridline_app::core::hlc::Stamp;
use gridline_relay::store;
use gridline_schema::wire::{
    Action, Entity, NewReport, Operation, Outcome, Position, PushRequest, PushResponse,
};
use gridline_schema::{Domain, PositionSource};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::params;
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::dataset::{random_point, GridSpec};

/// The longest one push may take before it counts as unanswered.
const PUSH_TIMEOUT: Duration = Duration::from_secs(60);

/// How the load is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub devices: usize,
    pub batches: usize,
    pub ops_per_batch: usize,
}

impl Load {
    pub fn total_ops(&self) -> usize {
        self.devices * self.batches * self.ops_per_batch
    }
}

/// What the relay made of the load.
#[derive(Debug, Clone, Default)]
pub struct Ingest {
    pub sent: usize,
    pub applied: usize,
    /// Answered, but not `applied` (rejected, retry, merged or duplicate).
    pub not_applied: HashMap<String, usize>,
    /// Ops in pushes that failed or timed out.
    pub unanswered: usize,
    /// Answered `applied` but missing from the store afterwards.
    pub applied_missing: usize,
    /// From the first push sent to the last answer.
    pub wall: Duration,
    /// Every push's latency, ms.
    pub latencies_ms: Vec<f64>,
}

impl Ingest {
    pub fn lost(&self) -> usize {
        self.applied_missing + self.unanswered
    }

    pub fn ops_per_s(&self) -> f64 {
        self.applied as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// One device's finished pushes: each op's answer, unanswered op count,
/// latencies.
struct DeviceLog {
    answers: Vec<(Uuid, Uuid, Outcome)>,
    unanswered: usize,
    latencies_ms: Vec<f64>,
}

/// Drives `load` against the relay at `relay_url`, one token per device,
/// then checks the store in `relay_data` for every applied operation.
pub async fn run(
    relay_url: &str,
    relay_data: &Path,
    grid: &GridSpec,
    tokens: &[String],
    load: Load,
) -> anyhow::Result<Ingest> {
    anyhow::ensure!(
        tokens.len() >= load.devices,
        "one token per device is needed"
    );
    let url = format!("{relay_url}/api/v1/push");
    let barrier = Arc::new(Barrier::new(load.devices + 1));
    let mut tasks = Vec::with_capacity(load.devices);
    for (n, token) in tokens.iter().take(load.devices).enumerate() {
        let (bodies, op_ids) = device_bodies(grid, n, load)?;
        let client = reqwest::Client::builder().timeout(PUSH_TIMEOUT).build()?;
        let (url, token, barrier) = (url.clone(), token.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut log = DeviceLog {
                answers: Vec::new(),
                unanswered: 0,
                latencies_ms: Vec::new(),
            };
            for (body, ids) in bodies.into_iter().zip(op_ids) {
                let started = Instant::now();
                let answer = push_once(&client, &url, &token, body).await;
                log.latencies_ms.push(started.elapsed().as_secs_f64() * 1e3);
                match answer {
                    Some(response) if response.results.len() == ids.len() => {
                        for ((op_id, row_id), result) in ids.iter().zip(response.results) {
                            if result.op_id != *op_id {
                                log.unanswered += 1;
                                continue;
                            }
                            log.answers.push((*op_id, *row_id, result.outcome));
                        }
                    }
                    _ => log.unanswered += ids.len(),
                }
            }
            log
        }));
    }

    barrier.wait().await;
    let started = Instant::now();
    let mut ingest = Ingest {
        sent: load.total_ops(),
        ..Ingest::default()
    };
    let mut applied_rows = Vec::new();
    for task in tasks {
        let log = task.await?;
        ingest.unanswered += log.unanswered;
        ingest.latencies_ms.extend(log.latencies_ms);
        for (_, row_id, outcome) in log.answers {
            if outcome == Outcome::Applied {
                applied_rows.push(row_id);
            } else {
                *ingest
                    .not_applied
                    .entry(format!("{outcome:?}"))
                    .or_default() += 1;
            }
        }
    }
    ingest.wall = started.elapsed();
    ingest.applied = applied_rows.len();

    let data = relay_data.to_owned();
    ingest.applied_missing =
        tokio::task::spawn_blocking(move || missing_issues(&data, &applied_rows)).await??;
    Ok(ingest)
}

async fn push_once(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: Vec<u8>,
) -> Option<PushResponse> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "an ingest push was refused");
        return None;
    }
    response.json().await.ok()
}

/// Device `n`'s push bodies, serialized in advance, with the ids of the
/// operation and of the issue each op creates.
#[allow(clippy::type_complexity)]
fn device_bodies(
    grid: &GridSpec,
    n: usize,
    load: Load,
) -> anyhow::Result<(Vec<Vec<u8>>, Vec<Vec<(Uuid, Uuid)>>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x1A6E_0000 + n as u64);
    let device_id = format!("bench-device-{n:03}");
    let mut stamp = None;
    let (mut bodies, mut ids) = (Vec::new(), Vec::new());
    for batch in 0..load.batches {
        let mut ops = Vec::with_capacity(load.ops_per_batch);
        for k in 0..load.ops_per_batch {
            let now = store::now_ms();
            let next = Stamp::next(stamp, now);
            stamp = Some(next);
            let [lon, lat] = random_point(&mut rng, &grid.boundary);
            let report = NewReport {
                domain: Domain::ALL[rng.gen_range(0..Domain::ALL.len())],
                subcategory: None,
                subject: None,
                focus_tag: None,
                description: format!(
                    "设备{n}第{}批第{}条：楼道堆放杂物，堵塞安全出口",
                    batch + 1,
                    k + 1
                ),
                position: Some(Position {
                    lat,
                    lon,
                    accuracy_m: Some(rng.gen_range(5.0..30.0)),
                    source: PositionSource::Device,
                }),
                photos: Vec::new(),
                reported_at_ms: now,
            };
            ops.push(Operation {
                id: Uuid::now_v7(),
                entity: Entity::Issue,
                row_id: Uuid::now_v7(),
                action: Action::Create,
                fields: serde_json::to_value(&report)?,
                author: grid.account.clone(),
                device_id: device_id.clone(),
                hlc: next.encode(&device_id),
                created_at_ms: now,
            });
        }
        ids.push(ops.iter().map(|op| (op.id, op.row_id)).collect());
        bodies.push(serde_json::to_vec(&PushRequest { ops })?);
    }
    Ok((bodies, ids))
}

/// How many of the issues the relay said it applied are not in its store.
fn missing_issues(relay_data: &Path, issue_ids: &[Uuid]) -> anyhow::Result<usize> {
    let conn = store::open(relay_data)?;
    let mut stmt = conn.prepare("SELECT COUNT(*) FROM issues WHERE id = ?1")?;
    let mut missing = 0;
    for id in issue_ids {
        let found: i64 = stmt.query_row(params![id.to_string()], |r| r.get(0))?;
        if found == 0 {
            missing += 1;
        }
    }
    Ok(missing)
}

/// CPU time used so far by this process's threads, ms, summed by thread
/// name: the relay's runtime names its threads `relay`, so the relay's
/// share can be told from the load generator's.
pub fn cpu_ms_by_thread_name() -> HashMap<String, f64> {
    // Linux counts in clock ticks of 1/100 s on every common configuration.
    const TICK_MS: f64 = 10.0;
    let mut totals = HashMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return totals;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        // After the name: state, then 10 more fields, then utime and stime.
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let ticks: f64 = [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
            .sum();
        *totals.entry(name).or_default() += ticks * TICK_MS;
    }
    totals
}
