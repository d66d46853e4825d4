//! `gridline-bench`: Gridline's sync measured side by side with PouchDB.
//!
//! One dataset (a grid of 10,000 residents in their households, 500
//! enterprises, 2,000 issues with three timeline steps each), drawn from a
//! seed, is loaded into a real relay and into `pouchdb-server`; then, in the
//! same run:
//!
//! 1. fresh download: a new device logs in and downloads the grid, against
//!    a new PouchDB replicating from the server and against the floor (one
//!    gzipped JSON document fetched, parsed and inserted);
//! 2. catch-up: 100 changes made at the relay reach a synced device;
//! 3. push: 1,000 reports filed offline go up, against 1,000 PouchDB docs;
//! 4. relay ingest: hundreds of devices push at once;
//! 5. memory: the peak RSS of a fresh download's process on each side;
//! 6. photo: the upload copy against `vipsthumbnail`.
//!
//! Everything listens on 127.0.0.1 only and lives in a temporary folder
//! removed at the end. The output ends with one `name=value` line per
//! figure; `scripts/bench.sh` runs it all.

mod dataset;
mod filings;
mod floor;
mod gridline;
mod ingest;
mod photo;
mod pouch;
mod proxy;
mod relay;
mod relay_store;
mod run;
mod table;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "gridline-bench",
    about = "Gridline sync against PouchDB, side by side"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every measurement and print the table and the figures.
    Run(RunArgs),
    /// (Used by `run`.) A fresh device logs in and downloads its grid;
    /// prints time, peak RSS and row counts as one JSON line. The password
    /// comes from $GRIDLINE_BENCH_PASSWORD.
    #[command(hide = true)]
    DeviceDownload {
        #[arg(long)]
        server: String,
        #[arg(long)]
        account: String,
        #[arg(long)]
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Runs of each timed measurement; medians are reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Seed of the dataset.
    #[arg(long, default_value_t = 20261204)]
    seed: u64,
    #[arg(long, default_value_t = 10_000)]
    residents: usize,
    #[arg(long, default_value_t = 500)]
    enterprises: usize,
    #[arg(long, default_value_t = 2_000)]
    issues: usize,
    /// Reports filed offline and pushed in each push run.
    #[arg(long, default_value_t = 1_000)]
    push: usize,
    /// Simulated devices pushing at once in the ingest test.
    #[arg(long, default_value_t = 500)]
    devices: usize,
    /// Pushes each simulated device makes, one after another.
    #[arg(long, default_value_t = 10)]
    pushes_per_device: usize,
    /// Operations in each of those pushes.
    #[arg(long, default_value_t = 10)]
    ops_per_push: usize,
    /// The shared data folder (divisions/, photos/) [default: $GRIDLINE_SHARED/data].
    #[arg(long)]
    data: Option<PathBuf>,
    /// The Node project of the PouchDB side (bench/pouchdb, installed).
    #[arg(long)]
    pouch: PathBuf,
    /// PouchDB's replication batch size for the fresh download [default:
    /// PouchDB's own, 100]. Gridline pulls pages of up to 1000 changes.
    #[arg(long)]
    pouch_batch_size: Option<u32>,
    /// The photo from photos/INVENTORY.csv to make an upload copy of.
    #[arg(long, default_value = "Oppo-R7-Plus.jpg")]
    photo: String,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::DeviceDownload {
            server,
            account,
            dir,
        } => gridline::device_download_main(&server, &account, &dir),
        Command::Run(args) => run(args),
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.runs >= 1, "--runs must be at least 1");
    let data_dir = match args.data {
        Some(dir) => dir,
        None => std::env::var_os("GRIDLINE_SHARED")
            .map(|s| PathBuf::from(s).join("data"))
            .context("pass --data or set GRIDLINE_SHARED")?,
    };
    let work = tempfile::Builder::new()
        .prefix("gridline-bench-")
        .tempdir()?;
    init_logging(&work.path().join("bench.log"))?;
    let plan = run::Plan {
        seed: args.seed,
        runs: args.runs,
        size: dataset::Size {
            residents: args.residents,
            enterprises: args.enterprises,
            issues: args.issues,
        },
        push_count: args.push,
        load: ingest::Load {
            devices: args.devices,
            batches: args.pushes_per_device,
            ops_per_batch: args.ops_per_push,
        },
        data_dir,
        pouch_dir: std::fs::canonicalize(&args.pouch)
            .with_context(|| format!("finding {}", args.pouch.display()))?,
        pouch_batch_size: args.pouch_batch_size,
        photo: args.photo,
        work: work.path().to_owned(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let figures = runtime.block_on(run::run(&plan))?;
    // The relay's runtime was told to stop; the work folder goes with `work`.
    drop(runtime);

    println!("\n{}\n", figures.table());
    println!("{}", figures.headline().lines());
    Ok(())
}

/// Logs of the relay and the in-process device go to a file in the work
/// folder at their production level (`info`, or `RUST_LOG`), so they cost
/// what they cost in service without filling the terminal.
fn init_logging(path: &std::path::Path) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .map_err(|e| anyhow::anyhow!("installing the log subscriber: {e}"))
}
