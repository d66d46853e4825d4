//! One run of the whole benchmark: build the dataset, load it into the
//! relay and pouchdb-server, measure each figure, print per-run numbers as
//! they come, and return the figures.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use gridline_app::core::Device;

use crate::dataset::{self, GridSpec, Rows, Size};
use crate::floor::{self, FloorServer};
use crate::gridline::{self, Counts};
use crate::ingest::{self, Load};
use crate::pouch::{self, PouchServer};
use crate::proxy::CountingProxy;
use crate::relay::Relay;
use crate::relay_store::{self, Login};
use crate::table::Figures;
use crate::{filings, photo};

/// What a run measures and with what.
pub struct Plan {
    pub seed: u64,
    pub runs: usize,
    pub size: Size,
    pub push_count: usize,
    pub load: Load,
    /// `<shared>/data`: divisions and photos.
    pub data_dir: PathBuf,
    /// The Node project with `bench.mjs` and its `node_modules`.
    pub pouch_dir: PathBuf,
    /// PouchDB's replication batch size, if not its default.
    pub pouch_batch_size: Option<u32>,
    pub photo: String,
    /// Where temporary folders go; removed at the end.
    pub work: PathBuf,
}

/// The two servers and what every phase needs to reach them.
struct Setup<'p> {
    plan: &'p Plan,
    grid: GridSpec,
    rows: Arc<Rows>,
    relay_data: PathBuf,
    relay: Relay,
    login: Login,
    pouch: PouchServer,
    pouch_work: PathBuf,
    /// The PouchDB database URL on the server.
    pouch_db: String,
}

pub async fn run(plan: &Plan) -> anyhow::Result<Figures> {
    let started = Instant::now();
    println!("machine: {}", machine_load());
    let set = dataset::build(plan.seed, plan.size, &plan.data_dir.join("divisions"))?;
    let (grid, rows) = (set.grid, Arc::new(set.rows));
    let expected = Counts::of(&rows);
    println!(
        "dataset: {} households, {} residents, {} enterprises, {} issues, {} timeline events \
         ({} records; seed {})",
        expected.households,
        expected.residents,
        expected.enterprises,
        expected.issues,
        expected.issue_events,
        rows.len(),
        plan.seed
    );

    let relay_data = plan.work.join("relay");
    let login = {
        let (data, grid, rows) = (relay_data.clone(), grid.clone(), rows.clone());
        tokio::task::spawn_blocking(move || relay_store::seed(&data, &grid, &rows)).await??
    };
    let relay = Relay::start(&relay_data).await?;
    let pouch_work = plan.work.join("pouch");
    let pouch = PouchServer::start(&plan.pouch_dir, &pouch_work.join("server")).await?;
    let pouch_db = PouchServer::db_url(&pouch.url());
    let docs_file = pouch_work.join("grid-docs.json");
    pouch::write_grid_docs(&rows, &docs_file)?;
    let loaded = node(
        plan,
        "load",
        &[("remote", pouch_db.as_str()), ("docs", path(&docs_file)?)],
    )
    .await?;
    println!(
        "loaded the relay and pouchdb-server ({} docs in {:.1} s; not timed); set-up {:.1} s",
        loaded.loaded.unwrap_or(0),
        loaded.ms / 1e3,
        started.elapsed().as_secs_f64()
    );
    let setup = Setup {
        plan,
        grid,
        rows,
        relay_data,
        relay,
        login,
        pouch,
        pouch_work,
        pouch_db,
    };

    let mut figures = Figures::new(setup.rows.len(), plan.push_count, plan.load);
    fresh_downloads(&setup, &mut figures).await?;
    on_one_device(&setup, &mut figures).await?;
    let Setup {
        pouch,
        relay,
        relay_data,
        grid,
        ..
    } = setup;
    pouch.stop().await?;

    println!("\n-- relay ingest");
    let tokens = {
        let (data, grid, count) = (relay_data.clone(), grid.clone(), plan.load.devices);
        tokio::task::spawn_blocking(move || relay_store::device_tokens(&data, &grid, count))
            .await??
    };
    let cpu_before = ingest::cpu_ms_by_thread_name();
    figures.ingest = ingest::run(&relay.url(), &relay_data, &grid, &tokens, plan.load).await?;
    let cpu = cpu_split(&cpu_before, &ingest::cpu_ms_by_thread_name());
    let i = &figures.ingest;
    println!(
        "ingest: {} ops sent, {} applied in {:.2} s in {} pushes; not applied {:?}; \
         unanswered {}; applied but missing {}\n\
         CPU during ingest: relay threads {:.1} s, everything else in this process \
         (the simulated devices) {:.1} s, over {:.1} s of wall time on {} cores",
        i.sent,
        i.applied,
        i.wall.as_secs_f64(),
        i.latencies_ms.len(),
        i.not_applied,
        i.unanswered,
        i.applied_missing,
        cpu.0 / 1e3,
        cpu.1 / 1e3,
        i.wall.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    drop(relay);

    println!("\n-- photo upload copy");
    let photo_path = photo::find(&plan.data_dir.join("photos"), &plan.photo)?;
    figures.photo = photo::compare(&photo_path, &plan.work, plan.runs)?;
    for (n, p) in figures.photo.iter().enumerate() {
        println!(
            "photo run {}: Gridline {:.0} ms, {} bytes | vipsthumbnail {:.0} ms, {} bytes",
            n + 1,
            p.gridline_ms,
            p.gridline_bytes,
            p.vips_ms,
            p.vips_bytes
        );
    }
    println!(
        "\nbenchmark took {:.0} s; machine at the end: {}",
        started.elapsed().as_secs_f64(),
        machine_load()
    );
    Ok(figures)
}

/// Fresh downloads on both sides and the floor, interleaved run by run;
/// then one more of each side through a counting proxy, not timed.
async fn fresh_downloads(s: &Setup<'_>, figures: &mut Figures) -> anyhow::Result<()> {
    println!("\n-- fresh download (each side in a process of its own) and the floor");
    let expected = Counts::of(&s.rows);
    let gz = floor::gzip_rows(&s.rows)?;
    figures.gzip_bytes = gz.len() as u64;
    let floor_server = FloorServer::start(gz).await?;
    for run in 0..s.plan.runs {
        let dir = s.plan.work.join(format!("fresh-gridline-{run}"));
        let gl = gridline::fresh_download(&s.relay.url(), &s.login, &dir).await?;
        check_counts(gl.counts, expected)?;
        remove(&dir);

        let dir = pouch::client_dir(&s.pouch_work, &format!("fresh-{run}"))?;
        let pd = pouch_download(s, &s.pouch_db, &dir).await?;
        if pd.docs_written != Some(s.rows.len() as u64) {
            bail!(
                "PouchDB wrote {:?} of {} docs",
                pd.docs_written,
                s.rows.len()
            );
        }
        remove(&dir);

        let db_path = s.plan.work.join(format!("floor-{run}.db"));
        let (floor_time, inserted) = floor::download(&floor_server.url, &db_path).await?;
        if inserted != s.rows.len() {
            bail!("the floor inserted {inserted} of {} rows", s.rows.len());
        }
        for suffix in ["", "-wal", "-shm"] {
            remove(Path::new(&format!("{}{suffix}", db_path.display())));
        }

        let floor_ms = floor_time.as_secs_f64() * 1e3;
        println!(
            "run {}: Gridline {:.0} ms (peak RSS {:.1} MB) | PouchDB {:.0} ms (peak RSS {:.1} MB) \
             | floor {floor_ms:.0} ms",
            run + 1,
            gl.ms,
            gl.max_rss_kb as f64 / 1024.0,
            pd.ms,
            pd.max_rss_kb as f64 / 1024.0,
        );
        figures.gridline_fresh_ms.push(gl.ms);
        figures.gridline_rss_kb.push(gl.max_rss_kb as f64);
        figures.pouch_fresh_ms.push(pd.ms);
        figures.pouch_rss_kb.push(pd.max_rss_kb as f64);
        figures.floor_ms.push(floor_ms);
    }

    let proxy = CountingProxy::start(s.relay.addr).await?;
    let dir = s.plan.work.join("fresh-gridline-counted");
    gridline::fresh_download(&proxy.url(), &s.login, &dir).await?;
    figures.gridline_traffic = proxy.take();
    remove(&dir);
    let proxy = CountingProxy::start(s.pouch.addr).await?;
    let dir = pouch::client_dir(&s.pouch_work, "fresh-counted")?;
    let via = PouchServer::db_url(&proxy.url());
    pouch_download(s, &via, &dir).await?;
    figures.pouch_traffic = proxy.take();
    remove(&dir);
    for (side, t) in [
        ("Gridline", &figures.gridline_traffic),
        ("PouchDB", &figures.pouch_traffic),
    ] {
        println!(
            "{side} fresh download, counted: {} requests on {} connections, {} bytes up, \
             {} bytes down (gzipped dataset: {} bytes)\n  {}",
            t.requests,
            t.connections,
            t.bytes_up,
            t.bytes_down,
            figures.gzip_bytes,
            t.breakdown()
        );
    }
    Ok(())
}

/// Catch-up and push on one device that logged in once (not timed), then
/// one push round on a second device through a counting proxy, to show
/// which requests the push sync spends its time in.
async fn on_one_device(s: &Setup<'_>, figures: &mut Figures) -> anyhow::Result<()> {
    println!("\n-- catch-up and push on one logged-in device");
    let device = logged_in_device(&s.plan.work.join("phone"), &s.relay.url(), &s.login).await?;
    figures.catch_up = gridline::catch_up(&device, &s.relay_data, &s.rows, s.plan.runs).await?;
    for (n, r) in figures.catch_up.iter().enumerate() {
        println!(
            "catch-up run {}: {:.1} ms, {} changes pulled",
            n + 1,
            r.ms,
            r.pulled
        );
    }

    for run in 0..s.plan.runs {
        let gl = gridline::push(&device, &s.grid, run..run + 1, s.plan.push_count).await?[0];
        let reports = filings::reports(&s.grid, run, s.plan.push_count);
        let docs = filings::as_documents(&reports, run, dataset::NOW_MS);
        let file = s.pouch_work.join(format!("push-{run}.json"));
        pouch::write_docs(&docs, &file)?;
        let dir = pouch::client_dir(&s.pouch_work, &format!("push-{run}"))?;
        let args = [
            ("remote", s.pouch_db.as_str()),
            ("dir", path(&dir)?),
            ("docs", path(&file)?),
        ];
        let pp = node(s.plan, "push", &args).await?;
        if pp.docs_written != Some(s.plan.push_count as u64) {
            bail!(
                "PouchDB pushed {:?} of {} docs",
                pp.docs_written,
                s.plan.push_count
            );
        }
        remove(&dir);
        println!(
            "push run {}: Gridline {:.0} ms ({} pushed, {} pulled back in the same sync) \
             | PouchDB {:.0} ms",
            run + 1,
            gl.ms,
            gl.pushed,
            gl.pulled,
            pp.ms
        );
        figures.gridline_push.push(gl);
        figures.pouch_push_ms.push(pp.ms);
    }
    drop(device);

    let proxy = CountingProxy::start(s.relay.addr).await?;
    let counted =
        logged_in_device(&s.plan.work.join("phone-counted"), &proxy.url(), &s.login).await?;
    proxy.take();
    let round = s.plan.runs;
    gridline::push(&counted, &s.grid, round..round + 1, s.plan.push_count).await?;
    println!(
        "Gridline push sync, counted (not timed):\n  {}",
        proxy.take().breakdown()
    );
    Ok(())
}

async fn logged_in_device(dir: &Path, server: &str, login: &Login) -> anyhow::Result<Device> {
    let device = Device::open(dir)?;
    device
        .login(server, &login.account, &login.password)
        .await?;
    if let Some(error) = device.sync_state()?.last_error {
        bail!("the device's first download failed: {}", error.message);
    }
    Ok(device)
}

/// A fresh PouchDB replicating from `remote` into `dir`.
async fn pouch_download(
    s: &Setup<'_>,
    remote: &str,
    dir: &Path,
) -> anyhow::Result<pouch::StepResult> {
    let batch = s.plan.pouch_batch_size.map(|b| b.to_string());
    let mut args = vec![("remote", remote), ("dir", path(dir)?)];
    if let Some(batch) = &batch {
        args.push(("batch_size", batch.as_str()));
    }
    node(s.plan, "download", &args).await
}

/// Runs one Node step of the PouchDB side.
async fn node(plan: &Plan, step: &str, args: &[(&str, &str)]) -> anyhow::Result<pouch::StepResult> {
    pouch::step(&plan.pouch_dir, step, args).await
}

/// CPU ms used between two readings: by the relay's threads, and by all
/// the others.
fn cpu_split(
    before: &std::collections::HashMap<String, f64>,
    after: &std::collections::HashMap<String, f64>,
) -> (f64, f64) {
    let used = |name: &String, ms: &f64| ms - before.get(name).copied().unwrap_or(0.0);
    let relay: f64 = after
        .iter()
        .filter(|(n, _)| n.as_str() == "relay")
        .map(|(n, ms)| used(n, ms))
        .sum();
    let rest: f64 = after
        .iter()
        .filter(|(n, _)| n.as_str() != "relay")
        .map(|(n, ms)| used(n, ms))
        .sum();
    (relay, rest)
}

/// The device must hold every row; a missing timeline is reported, not
/// fatal, for a device that does not keep timelines.
fn check_counts(got: Counts, expected: Counts) -> anyhow::Result<()> {
    let core = |c: Counts| (c.households, c.residents, c.enterprises, c.issues);
    if core(got) != core(expected) {
        bail!("the fresh device holds {got:?}; expected {expected:?}");
    }
    if got.issue_events != expected.issue_events {
        println!(
            "warning: the fresh device holds {} of {} timeline events",
            got.issue_events, expected.issue_events
        );
    }
    Ok(())
}

/// Cores and load average: other work on a shared machine moves every
/// figure, so the output says how busy it was.
fn machine_load() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let averages: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{cores} cores, load average {} (1, 5, 15 min)",
        averages.join(" ")
    )
}

fn path(p: &Path) -> anyhow::Result<&str> {
    p.to_str()
        .with_context(|| format!("{} is not UTF-8", p.display()))
}

/// Removes a finished client's files as the run goes, so a run needs the
/// space of one client at a time; the work folder goes at the end anyway.
fn remove(p: &Path) {
    let _ = if p.is_dir() {
        std::fs::remove_dir_all(p)
    } else {
        std::fs::remove_file(p)
    };
}
