//! One run of the whole benchmark: build the dataset, load it into the
//! relay and pouchdb-server, measure each figure, print per-run numbers as
//! they come, and return the figures.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use gridline_app::core::Device;

use crate::dataset::{self, Dataset, Size};
use crate::floor::{self, FloorServer};
use crate::gridline::{self, Counts};
use crate::ingest::{self, Load};
use crate::pouch::{self, PouchServer};
use crate::proxy::CountingProxy;
use crate::relay::Relay;
use crate::relay_store;
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
    pub photo: String,
    /// Where temporary folders go; removed at the end.
    pub work: PathBuf,
}

pub async fn run(plan: &Plan) -> anyhow::Result<Figures> {
    let started = Instant::now();
    let Dataset { grid, rows } = dataset::build(plan.seed, plan.size, &plan.data_dir.join("divisions"))?;
    let rows = Arc::new(rows);
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
        let (data, grid, rows) = (relay_data.clone(), grid.clone(), Arc::clone(&rows));
        tokio::task::spawn_blocking(move || relay_store::seed(&data, &grid, &rows)).await??
    };
    let relay = Relay::start(&relay_data).await?;
    let gz = floor::gzip_rows(&rows)?;
    let gzip_bytes = gz.len() as u64;
    let floor_server = FloorServer::start(gz).await?;

    let pouch_work = plan.work.join("pouch");
    let server = PouchServer::start(&plan.pouch_dir, &pouch_work.join("server")).await?;
    let docs_file = pouch_work.join("grid-docs.json");
    let docs = pouch::write_grid_docs(&rows, &docs_file)?;
    let db = PouchServer::db_url(&server.url());
    let loaded = pouch::step(&plan.pouch_dir, "load", &[("remote", db.as_str()), ("docs", path(&docs_file)?)]).await?;
    println!(
        "loaded: relay and pouchdb-server ({} docs in {:.1} s, not timed); gzip {} bytes; set-up {:.1} s",
        loaded.loaded.unwrap_or(0),
        loaded.ms / 1e3,
        gzip_bytes,
        started.elapsed().as_secs_f64()
    );

    let mut figures = Figures {
        rows: rows.len(),
        gridline_fresh_ms: Vec::new(),
        pouch_fresh_ms: Vec::new(),
        floor_ms: Vec::new(),
        gridline_traffic: Default::default(),
        pouch_traffic: Default::default(),
        gzip_bytes,
        gridline_rss_kb: Vec::new(),
        pouch_rss_kb: Vec::new(),
        catch_up: Vec::new(),
        push_count: plan.push_count,
        gridline_push: Vec::new(),
        pouch_push_ms: Vec::new(),
        load: plan.load,
        ingest: Default::default(),
        photo: Vec::new(),
    };

    println!("\n-- fresh download (each in its own process) and the floor");
    for run in 0..plan.runs {
        let dir = plan.work.join(format!("fresh-gridline-{run}"));
        let gl = gridline::fresh_download(&relay.url(), &login, &dir).await?;
        check_counts(gl.counts, expected)?;
        remove(&dir);

        let dir = pouch::client_dir(&pouch_work, &format!("fresh-{run}"))?;
        let pd = pouch::step(&plan.pouch_dir, "download", &[("remote", db.as_str()), ("dir", path(&dir)?)]).await?;
        if pd.docs_written != Some(docs as u64) {
            bail!("PouchDB wrote {:?} of {docs} docs", pd.docs_written);
        }
        remove(&dir);

        let db_path = plan.work.join(format!("floor-{run}.db"));
        let (floor_time, inserted) = floor::download(&floor_server.url, &db_path).await?;
        if inserted != rows.len() {
            bail!("the floor inserted {inserted} of {} rows", rows.len());
        }
        for suffix in ["", "-wal", "-shm"] {
            remove(Path::new(&format!("{}{suffix}", db_path.display())));
        }

        let floor_ms = floor_time.as_secs_f64() * 1e3;
        println!(
            "run {}: Gridline {:.0} ms (peak RSS {:.1} MB) | PouchDB {:.0} ms (peak RSS {:.1} MB) | floor {:.0} ms",
            run + 1,
            gl.ms,
            gl.max_rss_kb as f64 / 1024.0,
            pd.ms,
            pd.max_rss_kb as f64 / 1024.0,
            floor_ms
        );
        figures.gridline_fresh_ms.push(gl.ms);
        figures.gridline_rss_kb.push(gl.max_rss_kb as f64);
        figures.pouch_fresh_ms.push(pd.ms);
        figures.pouch_rss_kb.push(pd.max_rss_kb as f64);
        figures.floor_ms.push(floor_ms);
    }

    // One more download each through a counting proxy, not timed.
    let proxy = CountingProxy::start(relay.addr).await?;
    let dir = plan.work.join("fresh-gridline-counted");
    gridline::fresh_download(&proxy.url(), &login, &dir).await?;
    figures.gridline_traffic = proxy.take();
    remove(&dir);
    let proxy = CountingProxy::start(server.addr).await?;
    let dir = pouch::client_dir(&pouch_work, "fresh-counted")?;
    let via = PouchServer::db_url(&proxy.url());
    pouch::step(&plan.pouch_dir, "download", &[("remote", via.as_str()), ("dir", path(&dir)?)]).await?;
    figures.pouch_traffic = proxy.take();
    remove(&dir);
    let (g, p) = (figures.gridline_traffic, figures.pouch_traffic);
    println!(
        "traffic: Gridline {} requests, {} bytes up, {} bytes down, {} connections | \
         PouchDB {} requests, {} bytes up, {} bytes down, {} connections | gzip {} bytes",
        g.requests, g.bytes_up, g.bytes_down, g.connections,
        p.requests, p.bytes_up, p.bytes_down, p.connections, gzip_bytes
    );

    println!("\n-- catch-up and push on one logged-in device");
    let device = Device::open(&plan.work.join("phone"))?;
    device.login(&relay.url(), &login.account, &login.password).await?;
    if let Some(error) = device.sync_state()?.last_error {
        bail!("the device's first download failed: {}", error.message);
    }
    figures.catch_up = gridline::catch_up(&device, &relay_data, &rows, plan.runs).await?;
    for (n, r) in figures.catch_up.iter().enumerate() {
        println!("catch-up run {}: {:.1} ms, {} changes pulled", n + 1, r.ms, r.pulled);
    }
    figures.gridline_push = gridline::push(&device, &grid, plan.runs, plan.push_count).await?;
    for run in 0..plan.runs {
        let docs = filings::as_documents(&filings::reports(&grid, run, plan.push_count), run, crate::dataset::NOW_MS);
        let file = pouch_work.join(format!("push-{run}.json"));
        pouch::write_docs(&docs, &file)?;
        let dir = pouch::client_dir(&pouch_work, &format!("push-{run}"))?;
        let pp = pouch::step(&plan.pouch_dir, "push", &[("remote", db.as_str()), ("dir", path(&dir)?), ("docs", path(&file)?)]).await?;
        if pp.docs_written != Some(plan.push_count as u64) {
            bail!("PouchDB pushed {:?} of {} docs", pp.docs_written, plan.push_count);
        }
        remove(&dir);
        let gl = figures.gridline_push[run];
        println!(
            "push run {}: Gridline {:.0} ms ({} pushed, {} pulled back) | PouchDB {:.0} ms",
            run + 1,
            gl.ms,
            gl.pushed,
            gl.pulled,
            pp.ms
        );
        figures.pouch_push_ms.push(pp.ms);
    }
    drop(device);
    server.stop().await?;

    println!("\n-- relay ingest");
    let tokens = {
        let (data, grid, count) = (relay_data.clone(), grid.clone(), plan.load.devices);
        tokio::task::spawn_blocking(move || relay_store::device_tokens(&data, &grid, count)).await??
    };
    figures.ingest = ingest::run(&relay.url(), &relay_data, &grid, &tokens, plan.load).await?;
    let i = &figures.ingest;
    println!(
        "ingest: {} ops sent, {} applied in {:.2} s, {} pushes; not applied {:?}; \
         unanswered {}; applied but missing {}",
        i.sent,
        i.applied,
        i.wall.as_secs_f64(),
        i.latencies_ms.len(),
        i.not_applied,
        i.unanswered,
        i.applied_missing
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
    println!("\nbenchmark took {:.0} s", started.elapsed().as_secs_f64());
    Ok(figures)
}

/// The device must hold every row; a missing timeline is reported, not
/// fatal, while the device does not keep timelines yet.
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

fn path(p: &Path) -> anyhow::Result<&str> {
    p.to_str().with_context(|| format!("{} is not UTF-8", p.display()))
}

/// Removes a finished client's files as the run goes, so a run needs the
/// space of one client at a time; the work folder goes at the end anyway.
fn remove(p: &Path) {
    let _ = if p.is_dir() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) };
}
