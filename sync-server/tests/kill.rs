//! The relay process SIGKILLed in the middle of a stream of pushes.
//!
//! Four pushers send batches of new reports to the real `gridline-relay
//! serve` process until a timer kills it with SIGKILL, some batches being
//! applied, some half applied and some never read. After a restart every
//! operation ever sent is pushed again, answered or not: each must come back
//! `applied` (it never landed) or `duplicate` (it had), every answer given
//! before the kill must still hold, and the store must hold exactly one
//! issue per operation.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gridline_schema::wire::{
    Action, Entity, NewReport, Operation, Outcome, Position, PushRequest, PushResponse,
};
use gridline_schema::{Domain, PositionSource};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use uuid::Uuid;

const RELAY: &str = env!("CARGO_BIN_EXE_gridline-relay");
const PUSHERS: usize = 4;
/// How long anything here may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_relay_killed_mid_push_applies_every_operation_exactly_once_after_restart() {
    let template = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    build_demo(template.path(), &logs.path().join("demo.log"));
    let creds: Value = serde_json::from_str(
        &std::fs::read_to_string(template.path().join("demo-credentials.json")).unwrap(),
    )
    .unwrap();
    let leader = &creds["leaders"][0];
    let demo_issues = count(
        &template.path().join("relay.db"),
        "SELECT COUNT(*) FROM issues",
    );

    for (round, kill_after_ms) in [60, 250, 700].into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("relay");
        copy_files(template.path(), &data);
        let mut relay = RelayProcess::serve(&data, &dir.path().join("first.log")).await;
        let mut tokens = Vec::new();
        for pusher in 0..PUSHERS {
            tokens.push(login(&relay.url, leader, &format!("kill-{round}-{pusher}")).await);
        }

        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let pushers: Vec<_> = (0..PUSHERS)
            .map(|pusher| {
                let stream = Stream {
                    url: relay.url.clone(),
                    token: tokens[pusher].clone(),
                    leader: leader.clone(),
                    label: format!("kill-{round}-{pusher}"),
                    pusher,
                };
                tokio::spawn(stream.push_until_cut_off(ledger.clone()))
            })
            .collect();
        let started = Instant::now();
        while ledger.lock().unwrap().answers.is_empty() {
            assert!(started.elapsed() < PATIENCE, "no push was answered");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        relay.kill();
        for pusher in pushers {
            tokio::time::timeout(PATIENCE, pusher)
                .await
                .unwrap()
                .unwrap();
        }
        let ledger = std::mem::take(&mut *ledger.lock().unwrap());
        assert!(
            ledger.answers.values().all(|(o, _)| *o == Outcome::Applied),
            "a new operation is applied the first time"
        );

        let relay = RelayProcess::serve(&data, &dir.path().join("second.log")).await;
        let replayed = replay(&relay.url, &tokens, &ledger.sent).await;
        let again = replay(&relay.url, &tokens, &ledger.sent).await;

        let mut applied_now = 0;
        for ((_, op), (outcome, received_at_ms)) in ledger.sent.iter().zip(&replayed) {
            match ledger.answers.get(&op.id) {
                Some(before) => assert_eq!(
                    (*outcome, *received_at_ms),
                    (Outcome::Duplicate, before.1),
                    "op {} was applied before the kill and that answer stands",
                    op.id
                ),
                None => {
                    assert!(matches!(outcome, Outcome::Applied | Outcome::Duplicate));
                    applied_now += (*outcome == Outcome::Applied) as usize;
                }
            }
        }
        assert!(
            again.iter().all(|(o, _)| *o == Outcome::Duplicate),
            "a second replay changes nothing"
        );
        drop(relay);

        let db = data.join("relay.db");
        let expected: BTreeSet<_> = ledger.sent.iter().map(|(_, op)| op.row_id).collect();
        assert_eq!(expected.len(), ledger.sent.len());
        let stored = issues_labelled(&db, &format!("kill-{round}-"));
        assert_eq!(
            stored.len(),
            ledger.sent.len(),
            "one issue per operation, none doubled"
        );
        assert_eq!(
            stored.into_iter().collect::<BTreeSet<_>>(),
            expected,
            "none missing"
        );
        let all = count(&db, "SELECT COUNT(*) FROM issues");
        assert_eq!(
            all,
            demo_issues + ledger.sent.len() as i64,
            "no issue beyond them"
        );
        let applied = count(
            &db,
            "SELECT COUNT(*) FROM applied_ops WHERE outcome = 'applied'",
        );
        assert_eq!(
            applied,
            ledger.sent.len() as i64,
            "one applied record per operation"
        );
        println!(
            "kill {round} after {kill_after_ms} ms: {} ops sent, {} answered before the kill, \
             {} landed unanswered, {applied_now} applied only on replay",
            ledger.sent.len(),
            ledger.answers.len(),
            ledger.sent.len() - ledger.answers.len() - applied_now,
        );
    }
}

/// Every operation sent, with its pusher, and the answers that came back.
#[derive(Default)]
struct Ledger {
    sent: Vec<(usize, Operation)>,
    answers: HashMap<Uuid, (Outcome, i64)>,
}

/// One pusher: a device token and what it files.
struct Stream {
    url: String,
    token: String,
    leader: Value,
    label: String,
    pusher: usize,
}

impl Stream {
    /// Pushes batches of 1 to 25 new reports until the relay stops
    /// answering; every operation enters the ledger before it is sent.
    async fn push_until_cut_off(self, ledger: Arc<Mutex<Ledger>>) {
        let client = http_client();
        let started = Instant::now();
        let mut n = 0;
        while started.elapsed() < PATIENCE {
            let size = 1 + (n * 7 + self.pusher * 3) % 25;
            let ops: Vec<_> = (n..n + size).map(|i| self.report(i)).collect();
            n += size;
            let pushed = ops.iter().map(|op| (self.pusher, op.clone()));
            ledger.lock().unwrap().sent.extend(pushed);

            let sent = client
                .post(format!("{}/api/v1/push", self.url))
                .bearer_auth(&self.token)
                .json(&PushRequest { ops })
                .send()
                .await;
            let answer = match sent {
                Ok(resp) if resp.status().is_success() => resp.json::<PushResponse>().await,
                Ok(resp) => panic!("the relay refused a push: {}", resp.status()),
                Err(_) => return,
            };
            let Ok(answer) = answer else { return };
            let mut entry = ledger.lock().unwrap();
            for result in answer.results {
                entry
                    .answers
                    .insert(result.op_id, (result.outcome, result.received_at_ms));
            }
        }
        panic!("the relay was never killed");
    }

    fn report(&self, i: usize) -> Operation {
        let now = now_ms();
        let point = &self.leader["point"];
        let device_id = format!("{}-device", self.label);
        let report = NewReport {
            domain: Domain::PublicService,
            subcategory: None,
            subject: None,
            focus_tag: None,
            description: format!("{}-{i} 路灯不亮", self.label),
            position: Some(Position {
                lat: point["lat"].as_f64().unwrap(),
                lon: point["lon"].as_f64().unwrap(),
                accuracy_m: Some(10.0),
                source: PositionSource::Manual,
            }),
            photos: Vec::new(),
            reported_at_ms: now,
        };
        Operation {
            id: Uuid::now_v7(),
            entity: Entity::Issue,
            row_id: Uuid::now_v7(),
            action: Action::Create,
            fields: serde_json::to_value(report).unwrap(),
            author: self.leader["account"].as_str().unwrap().to_owned(),
            hlc: format!("{now:015}-{i:05}-{device_id}"),
            device_id,
            created_at_ms: now,
        }
    }
}

/// Pushes every operation again with its pusher's token, in batches the
/// relay accepts; returns each one's outcome and receipt time, in order.
async fn replay(url: &str, tokens: &[String], sent: &[(usize, Operation)]) -> Vec<(Outcome, i64)> {
    let client = http_client();
    let mut outcomes = Vec::with_capacity(sent.len());
    for chunk in sent.chunk_by(|a, b| a.0 == b.0) {
        for batch in chunk.chunks(500) {
            let ops: Vec<_> = batch.iter().map(|(_, op)| op.clone()).collect();
            let answer: PushResponse = client
                .post(format!("{url}/api/v1/push"))
                .bearer_auth(&tokens[batch[0].0])
                .json(&PushRequest { ops })
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json()
                .await
                .unwrap();
            for (result, (_, op)) in answer.results.iter().zip(batch) {
                assert_eq!(result.op_id, op.id, "answers come in request order");
                outcomes.push((result.outcome, result.received_at_ms));
            }
        }
    }
    outcomes
}

/// The `gridline-relay serve` process; killed (SIGKILL) when dropped.
struct RelayProcess {
    child: Child,
    url: String,
}

impl RelayProcess {
    async fn serve(data: &Path, log: &Path) -> RelayProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log_file = std::fs::File::create(log).unwrap();
        let child = Command::new(RELAY)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap();
        let mut relay = RelayProcess {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            let health = http_client()
                .get(format!("{}/healthz", relay.url))
                .send()
                .await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return relay;
            }
            if let Some(status) = relay.child.try_wait().unwrap() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("the relay exited ({status}) before serving:\n{log}");
            }
            assert!(started.elapsed() < PATIENCE, "the relay did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no graceful shutdown, no flush, connections cut.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn build_demo(data: &Path, log: &Path) {
    let divisions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/divisions");
    let mut child = Command::new(RELAY)
        .arg("demo")
        .arg("--data")
        .arg(data)
        .arg("--divisions")
        .arg(divisions)
        .args(["--grids-per-community", "1", "--households-per-grid", "2"])
        .args(["--enterprises-per-grid", "1", "--open-issues-per-grid", "1"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the demo build took over {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = std::fs::read_to_string(log).unwrap_or_default();
    assert!(status.success(), "gridline-relay demo: {status}\n{output}");
}

fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("photos")).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

async fn login(url: &str, leader: &Value, device_id: &str) -> String {
    let body = serde_json::json!({
        "account": leader["account"], "password": leader["password"], "device_id": device_id
    });
    let answer: Value = http_client()
        .post(format!("{url}/api/v1/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["token"].as_str().unwrap().to_owned()
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn read_only(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    read_only(db).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The ids of the issues whose description starts with `label`.
fn issues_labelled(db: &Path, label: &str) -> Vec<Uuid> {
    let conn = read_only(db);
    let mut stmt = conn.prepare("SELECT id, description FROM issues").unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    rows.map(Result::unwrap)
        .filter(|(_, description)| description.starts_with(label))
        .map(|(id, _)| Uuid::parse_str(&id).unwrap())
        .collect()
}

fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since_epoch.unwrap().as_millis() as i64
}
