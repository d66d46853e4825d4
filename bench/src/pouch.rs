//! The PouchDB side: `pouchdb-server` 4.2 on 127.0.0.1 with its own data
//! folder, and PouchDB 9 clients (LevelDB on disk) run by
//! `bench/pouchdb/bench.mjs`, one Node process per step.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::Value;
use tokio::process::{Child, Command};

use crate::dataset::Rows;

/// The longest one Node step may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(900);
/// The database both sides' documents live in on the server.
const DB_NAME: &str = "grid";

/// A running `pouchdb-server`; killed when dropped.
pub struct PouchServer {
    pub addr: SocketAddr,
    child: Child,
}

impl PouchServer {
    /// Starts the server from `node_dir/node_modules` on a free loopback
    /// port, keeping its databases, config and log in `work`.
    pub async fn start(node_dir: &Path, work: &Path) -> anyhow::Result<PouchServer> {
        std::fs::create_dir_all(work)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let bin = node_dir.join("node_modules/pouchdb-server/bin/pouchdb-server");
        let log = std::fs::File::create(work.join("server-output.log"))?;
        let child = Command::new("node")
            .arg(&bin)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--no-stdout-logs",
            ])
            .arg("--dir")
            .arg(work)
            .arg("--config")
            .arg(work.join("config.json"))
            .current_dir(work)
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let server = PouchServer { addr, child };
        server.wait_ready().await?;
        Ok(server)
    }

    /// The database URL under `base`: the server itself, or a proxy to it.
    pub fn db_url(base: &str) -> String {
        format!("{base}/{DB_NAME}")
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn wait_ready(&self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(answer) = client.get(self.url()).send().await {
                if answer.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("pouchdb-server on {} did not answer in 30 s", self.addr)
    }

    /// Stops the server and waits for it to exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await??;
        Ok(())
    }
}

/// What a Node step printed.
#[derive(Debug, Clone, Deserialize)]
pub struct StepResult {
    pub ms: f64,
    #[serde(default)]
    pub docs_written: Option<u64>,
    #[serde(default)]
    pub loaded: Option<u64>,
    pub max_rss_kb: u64,
}

/// Runs `node bench.mjs <step> <args>` in `node_dir` and reads its line.
pub async fn step(
    node_dir: &Path,
    step: &str,
    args: &[(&str, &str)],
) -> anyhow::Result<StepResult> {
    let mut command = Command::new("node");
    command.arg(node_dir.join("bench.mjs")).arg(step);
    for (name, value) in args {
        command.arg(format!("--{name}")).arg(value);
    }
    let child = command
        .current_dir(node_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting node")?;
    let output = tokio::time::timeout(STEP_TIMEOUT, child.wait_with_output())
        .await
        .with_context(|| format!("the PouchDB {step} step took longer than 15 minutes"))??;
    if !output.status.success() {
        bail!(
            "the PouchDB {step} step failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let stdout = String::from_utf8(output.stdout)?;
    let line = stdout
        .lines()
        .last()
        .context("the Node step printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("reading the Node step's line {line:?}"))
}

/// Writes the rows as PouchDB documents: each record's own fields, with
/// `_id` = `<entity>:<uuid>` and a `type`.
pub fn write_grid_docs(rows: &Rows, path: &Path) -> anyhow::Result<usize> {
    let mut docs = Vec::with_capacity(rows.len());
    let mut add = |kind: &str, id: String, record: Value| {
        let mut doc = serde_json::Map::new();
        doc.insert("_id".into(), Value::String(format!("{kind}:{id}")));
        doc.insert("type".into(), Value::String(kind.to_owned()));
        if let Value::Object(fields) = record {
            doc.extend(fields.into_iter().filter(|(k, _)| k != "id"));
        }
        docs.push(Value::Object(doc));
    };
    for h in &rows.households {
        add("household", h.id.to_string(), serde_json::to_value(h)?);
    }
    for r in &rows.residents {
        add("resident", r.id.to_string(), serde_json::to_value(r)?);
    }
    for e in &rows.enterprises {
        add("enterprise", e.id.to_string(), serde_json::to_value(e)?);
    }
    for i in &rows.issues {
        add("issue", i.id.to_string(), serde_json::to_value(i)?);
    }
    for e in &rows.issue_events {
        add("issue_event", e.id.to_string(), serde_json::to_value(e)?);
    }
    let count = docs.len();
    std::fs::write(path, serde_json::to_vec(&docs)?)?;
    Ok(count)
}

/// Writes documents to a file a Node step reads.
pub fn write_docs(docs: &[Value], path: &Path) -> anyhow::Result<()> {
    std::fs::write(path, serde_json::to_vec(docs)?)?;
    Ok(())
}

/// A fresh folder for one client's local database.
pub fn client_dir(work: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let dir = work.join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
