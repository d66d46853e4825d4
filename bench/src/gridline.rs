//! The Gridline side: the device core (`gridline_app::core::Device`)
//! against the real relay.
//!
//! A fresh download runs in a child process (`gridline-bench
//! device-download`), so each one starts cold and its peak resident set is
//! its own, as each PouchDB download runs in its own Node process. Catch-up
//! and push run on one device in this process, already logged in.

use std::ops::Range;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use gridline_app::core::Device;
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::dataset::{GridSpec, Rows};
use crate::filings;
use crate::relay_store::{self, Login};

/// The longest one fresh download may take before it counts as failed.
const CHILD_TIMEOUT: Duration = Duration::from_secs(600);
/// The child reads the password from here, not from its command line.
const PASSWORD_ENV: &str = "GRIDLINE_BENCH_PASSWORD";

/// Rows of each kind in a device's database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub households: i64,
    pub residents: i64,
    pub enterprises: i64,
    pub issues: i64,
    pub issue_events: i64,
}

impl Counts {
    pub fn of(rows: &Rows) -> Counts {
        Counts {
            households: rows.households.len() as i64,
            residents: rows.residents.len() as i64,
            enterprises: rows.enterprises.len() as i64,
            issues: rows.issues.len() as i64,
            issue_events: rows.issue_events.len() as i64,
        }
    }
}

/// What one fresh download reported from its process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FreshDownload {
    /// Opening the new device and logging in, which downloads the grid.
    pub ms: f64,
    /// The process's peak resident set (`VmHWM`), kB.
    pub max_rss_kb: u64,
    pub counts: Counts,
}

/// Runs one fresh download in a child process against `server`, with the
/// device's data in `dir`.
pub async fn fresh_download(
    server: &str,
    login: &Login,
    dir: &Path,
) -> anyhow::Result<FreshDownload> {
    let exe = std::env::current_exe()?;
    let child = tokio::process::Command::new(exe)
        .arg("device-download")
        .arg("--server")
        .arg(server)
        .arg("--account")
        .arg(&login.account)
        .arg("--dir")
        .arg(dir)
        .env(PASSWORD_ENV, &login.password)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let output = tokio::time::timeout(CHILD_TIMEOUT, child.wait_with_output())
        .await
        .context("a fresh download took longer than 10 minutes")??;
    if !output.status.success() {
        bail!(
            "the fresh download failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let stdout = String::from_utf8(output.stdout)?;
    let line = stdout
        .lines()
        .last()
        .context("the fresh download printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("reading the child's answer {line:?}"))
}

/// The child's side of [`fresh_download`]: a new device in `dir` logs in
/// to `server`, which downloads the grid; prints one JSON line.
pub fn device_download_main(server: &str, account: &str, dir: &Path) -> anyhow::Result<()> {
    let password = std::env::var(PASSWORD_ENV).context("the password was not passed")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    let started = Instant::now();
    let device = Device::open(dir)?;
    runtime.block_on(device.login(server, account, &password))?;
    let ms = started.elapsed().as_secs_f64() * 1e3;

    let state = device.sync_state()?;
    if let Some(error) = state.last_error {
        bail!("the first download did not finish: {}", error.message);
    }
    drop(device);
    let answer = FreshDownload {
        ms,
        max_rss_kb: peak_rss_kb()?,
        counts: device_counts(dir)?,
    };
    println!("{}", serde_json::to_string(&answer)?);
    Ok(())
}

/// This process's peak resident set, from `/proc/self/status`.
pub fn peak_rss_kb() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/self/status")
}

/// Counts the rows of a device's database by reading its file, to check
/// that a download brought everything.
pub fn device_counts(dir: &Path) -> anyhow::Result<Counts> {
    let conn = Connection::open_with_flags(
        dir.join("gridline.db"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let count = |table: &str| -> anyhow::Result<i64> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(Counts {
        households: count("households")?,
        residents: count("residents")?,
        enterprises: count("enterprises")?,
        issues: count("issues")?,
        issue_events: count("issue_events")?,
    })
}

/// One timed sync on the already synced device.
#[derive(Debug, Clone, Copy)]
pub struct SyncRun {
    pub ms: f64,
    pub pushed: i64,
    pub pulled: i64,
}

/// Each round: 100 rows change at the relay (not timed), then one device
/// sync brings them in (timed).
pub async fn catch_up(
    device: &Device,
    relay_data: &Path,
    rows: &Arc<Rows>,
    rounds: usize,
) -> anyhow::Result<Vec<SyncRun>> {
    let mut runs = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (data, rows) = (relay_data.to_owned(), Arc::clone(rows));
        let changed =
            tokio::task::spawn_blocking(move || relay_store::edit_rows(&data, &rows, round))
                .await??;
        let run = timed_sync(device).await?;
        if run.pulled < changed as i64 {
            bail!(
                "catch-up round {round} pulled {} of {changed} changes",
                run.pulled
            );
        }
        runs.push(run);
    }
    Ok(runs)
}

/// Each round (numbered, so each files different reports): `count` reports are filed on the device with no sync (not
/// timed), then one sync pushes them (timed). The sync also pulls the
/// issues back, as every Gridline sync ends with a pull.
pub async fn push(
    device: &Device,
    grid: &GridSpec,
    rounds: Range<usize>,
    count: usize,
) -> anyhow::Result<Vec<SyncRun>> {
    let mut runs = Vec::with_capacity(rounds.len());
    for round in rounds {
        for report in filings::reports(grid, round, count) {
            device.create_report(report)?;
        }
        let run = timed_sync(device).await?;
        if run.pushed != count as i64 {
            bail!(
                "push round {round} delivered {} of {count} reports",
                run.pushed
            );
        }
        runs.push(run);
    }
    Ok(runs)
}

async fn timed_sync(device: &Device) -> anyhow::Result<SyncRun> {
    let started = Instant::now();
    let outcome = device.sync_now().await?;
    Ok(SyncRun {
        ms: started.elapsed().as_secs_f64() * 1e3,
        pushed: outcome.pushed,
        pulled: outcome.pulled,
    })
}
