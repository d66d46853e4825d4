//! The Huiji District demo: a relay database built from real division data.
//!
//! `gridline-relay demo` fills an empty data folder with what a district
//! relay holds after go-live: the real townships and communities of Huiji
//! District (惠济区, 410108) with their official codes, grids carved inside
//! the real district boundary, a registry of households, residents and
//! enterprises in every grid, a few dispatched issues, one grid leader's
//! account per grid and an Open311 key for the district platform. Logins
//! go to `demo-credentials.json` beside the database.
//!
//! Everything is drawn from one ChaCha8 generator seeded by `--seed`, and
//! nothing reads the wall clock, so one seed always builds the same data —
//! password salts and timestamps included. All rows go in through one
//! transaction, so a failed build leaves no half-made district behind.
//!
//! The people are invented. Their ID numbers are well-formed (real region
//! codes, plausible birth dates, correct check characters) but were
//! generated, and any match with a real person is chance.

mod accounts;
mod carve;
mod clock;
mod divisions;
pub mod enterprises;
pub mod issues;
mod layout;
pub mod names;
pub mod people;
mod shape;
mod summary;
pub mod writer;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::TransactionBehavior;
use uuid::Uuid;

pub use accounts::{Credentials, Leader, Named, Point, CREDENTIALS_FILE};
pub use summary::DemoSummary;

use crate::password::SALT_LEN;
use crate::store;
use accounts::{account_name, hash_all, new_api_key, new_password, write_credentials};
use divisions::{Division, Huiji};
use enterprises::Directory;
use layout::GridPlan;
use names::Names;
use people::{AddressBook, Registry};
use writer::Writer;

/// The seed the demo uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20261204;
/// Where the division data is looked for, relative to the current folder,
/// when neither `--divisions` nor `GRIDLINE_DIVISIONS` says.
pub const DEFAULT_DIVISIONS: &str = "../shared/data/divisions";
/// The environment variable that names the division data folder.
pub const DIVISIONS_ENV: &str = "GRIDLINE_DIVISIONS";
/// SQLite's page cache for the build, in KiB.
const BUILD_CACHE_KIB: i64 = 256 * 1024;
/// The name of the district platform's API key.
pub const PLATFORM_KEY_NAME: &str = "district-platform";

/// Options of `gridline-relay demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoOptions {
    /// Relay data folder to build the demo in (relay.db, photos/, demo-credentials.json).
    #[arg(long)]
    pub data: PathBuf,
    /// Folder with zhengzhou.csv and huiji-boundary.geojson [default: $GRIDLINE_DIVISIONS,
    /// else ../shared/data/divisions]
    #[arg(long)]
    pub divisions: Option<PathBuf>,
    /// Seed of everything generated; the same seed builds the same data.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Grids carved in each community (1 to 99).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub grids_per_community: u32,
    /// Households registered in each grid, 1 to 5 residents each.
    #[arg(long, default_value_t = 300)]
    pub households_per_grid: u32,
    /// Enterprises registered in each grid.
    #[arg(long, default_value_t = 12)]
    pub enterprises_per_grid: u32,
    /// Dispatched, still open issues waiting in each grid.
    #[arg(long, default_value_t = 2)]
    pub open_issues_per_grid: u32,
    /// Replace an existing relay database and its photos.
    #[arg(long)]
    pub force: bool,
}

impl DemoOptions {
    /// The defaults of the command line, building in `data`.
    pub fn new(data: impl Into<PathBuf>) -> DemoOptions {
        DemoOptions {
            data: data.into(),
            divisions: None,
            seed: DEFAULT_SEED,
            grids_per_community: 3,
            households_per_grid: 300,
            enterprises_per_grid: 12,
            open_issues_per_grid: 2,
            force: false,
        }
    }

    /// The division data folder: `--divisions`, else `$GRIDLINE_DIVISIONS`,
    /// else [`DEFAULT_DIVISIONS`].
    pub fn divisions_dir(&self) -> PathBuf {
        self.divisions
            .clone()
            .or_else(|| std::env::var_os(DIVISIONS_ENV).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIVISIONS))
    }
}

/// A fresh row id drawn from the demo's generator, so ids repeat with the seed.
pub(crate) fn new_id(rng: &mut impl Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// Builds the demo into `opts.data`; see the module documentation.
pub fn run(opts: &DemoOptions) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    if !(1..=99).contains(&opts.grids_per_community) {
        bail!("--grids-per-community must be between 1 and 99 (grid numbers have two digits)");
    }
    refuse_existing(&opts.data, opts.force)?;

    let divisions_dir = opts.divisions_dir();
    let huiji = Huiji::load(&divisions_dir)?;
    let boundary = carve::load_boundary(&divisions_dir)?;
    let grids = layout::plan(&huiji, &boundary, opts.grids_per_community)?;
    tracing::debug!(
        grids = grids.len(),
        ms = started.elapsed().as_millis() as u64,
        "carved grids"
    );

    if opts.force {
        clear(&opts.data)?;
    }
    let mut conn = store::open(&opts.data)?;
    let relay_data = std::fs::canonicalize(&opts.data)?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let now_ms = clock::demo_now_ms(opts.seed);
    let names = Names::new();

    // The build is one transaction of a few hundred megabytes whose random
    // ids land all over the primary-key and change-log indexes. With the
    // default 2 MB page cache, SQLite spills dirty pages to the WAL and reads
    // them back over and over; a cache that holds the whole build cuts the
    // time by about a third. The setting dies with the connection.
    conn.pragma_update(None, "cache_size", -BUILD_CACHE_KIB)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let writer = Writer::new(&tx);
    write_divisions(&writer, &huiji)?;
    let counts = write_grids(&writer, &grids, &huiji, &names, opts, &mut rng, now_ms)?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "wrote the registry"
    );

    let (leaders, jobs) = draw_leaders(&grids, &names, &mut rng);
    let hashes = hash_all(&jobs)?;
    for (leader, hash) in leaders.iter().zip(&hashes) {
        writer.account(
            &leader.account,
            &leader.display_name,
            hash,
            &leader.grid_code,
            now_ms,
        )?;
    }
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "hashed passwords"
    );

    let (api_key, api_key_sha256) = new_api_key(&mut rng);
    writer.api_key(&api_key_sha256, PLATFORM_KEY_NAME, now_ms)?;
    writer.setting("demo_seed", &opts.seed.to_string())?;
    writer.setting("district_code", &huiji.district.code)?;
    tx.commit().context("committing the demo")?;

    let credentials = Credentials {
        district: Named {
            code: huiji.district.code.clone(),
            name: huiji.district.name.clone(),
        },
        api_key: api_key.clone(),
        relay_data: relay_data.clone(),
        leaders,
    };
    let credentials_path = write_credentials(&relay_data, &credentials)?;
    let summary = DemoSummary {
        townships: huiji.townships.len(),
        communities: huiji.townships.iter().map(|t| t.communities.len()).sum(),
        grids: grids.len(),
        households: counts.households,
        residents: counts.residents,
        enterprises: counts.enterprises,
        issues: counts.issues,
        api_key,
        relay_db: store::db_path(&relay_data),
        credentials_path,
        leaders: credentials.leaders,
        elapsed: started.elapsed(),
    };
    tracing::info!(
        grids = summary.grids,
        households = summary.households,
        residents = summary.residents,
        ms = summary.elapsed.as_millis() as u64,
        "built the Huiji District demo"
    );
    Ok(summary)
}

fn write_divisions(writer: &Writer, huiji: &Huiji) -> anyhow::Result<()> {
    writer.division(&huiji.city)?;
    writer.division(&huiji.district)?;
    for township in &huiji.townships {
        writer.division(&township.division)?;
        for community in &township.communities {
            writer.division(community)?;
        }
    }
    Ok(())
}

/// Writes each grid with its households, residents, enterprises and open
/// issues.
fn write_grids(
    writer: &Writer,
    grids: &[GridPlan],
    huiji: &Huiji,
    names: &Names,
    opts: &DemoOptions,
    rng: &mut ChaCha8Rng,
    now_ms: i64,
) -> anyhow::Result<Counts> {
    let mut registry = Registry::new(names, &huiji.id_region_codes, clock::china_day(now_ms));
    let mut directory = Directory::new(names, &huiji.district.code);
    let mut counts = Counts::default();
    // Addresses run on across a community's grids, so none repeats.
    let mut book = AddressBook::new(String::new(), false);
    let mut book_community = "";

    for grid in grids {
        writer.grid(&grid.code, &grid.name, &grid.community.code, &grid.shape)?;
        if book_community != grid.community.code {
            book = AddressBook::new(grid.place.clone(), grid.rural);
            book_community = &grid.community.code;
        }
        for _ in 0..opts.households_per_grid {
            let address = book.next(rng);
            let household = registry.household(rng, &grid.code, address);
            writer.household(&household.record)?;
            for resident in &household.residents {
                writer.resident(resident)?;
            }
            counts.households += 1;
            counts.residents += household.residents.len();
        }
        for _ in 0..opts.enterprises_per_grid {
            let position = grid.shape.random_point(rng);
            writer.enterprise(&directory.enterprise(rng, &grid.code, &grid.place, position))?;
            counts.enterprises += 1;
        }
        for _ in 0..opts.open_issues_per_grid {
            let position = grid.shape.random_point(rng);
            let (place, rural) = (&grid.place, grid.rural);
            writer.issue(&issues::open_issue(
                rng, &grid.code, place, rural, position, now_ms,
            ))?;
            counts.issues += 1;
        }
    }
    Ok(counts)
}

/// One leader per grid, and the password and salt each must be hashed with.
fn draw_leaders(
    grids: &[GridPlan],
    names: &Names,
    rng: &mut ChaCha8Rng,
) -> (Vec<Leader>, Vec<(String, [u8; SALT_LEN])>) {
    let named = |d: &Division| Named {
        code: d.code.clone(),
        name: d.name.clone(),
    };
    let mut leaders = Vec::with_capacity(grids.len());
    let mut jobs = Vec::with_capacity(grids.len());
    for grid in grids {
        let male = rng.gen_bool(0.5);
        let born = rng.gen_range(1970..1998);
        let display_name = names.full(rng, male, born);
        let password = new_password(rng);
        let salt: [u8; SALT_LEN] = rng.gen();
        jobs.push((password.clone(), salt));
        leaders.push(Leader {
            account: account_name(grid.township_index, grid.community_index, grid.number),
            password,
            display_name,
            grid_code: grid.code.clone(),
            grid_name: grid.name.clone(),
            township: named(grid.township),
            community: named(grid.community),
            point: Point {
                lon: grid.shape.inside[0],
                lat: grid.shape.inside[1],
            },
        });
    }
    (leaders, jobs)
}

#[derive(Default)]
struct Counts {
    households: usize,
    residents: usize,
    enterprises: usize,
    issues: usize,
}

/// Refuses to build over a relay database that holds anything, unless
/// `force`. In WAL mode a young database's pages may all still sit in the
/// `-wal` file, so that counts too.
fn refuse_existing(data: &Path, force: bool) -> anyhow::Result<()> {
    let db = store::db_path(data);
    let wal = wal_path(&db, "-wal");
    let non_empty = |p: &Path| std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false);
    if !force && (non_empty(&db) || non_empty(&wal)) {
        bail!(
            "{} already holds a relay database; pass --force to replace it and its photos",
            data.display()
        );
    }
    Ok(())
}

/// Deletes the relay database with its WAL files and every stored photo.
fn clear(data: &Path) -> anyhow::Result<()> {
    let db = store::db_path(data);
    for path in [wal_path(&db, "-wal"), wal_path(&db, "-shm"), db] {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", path.display()));
            }
            _ => {}
        }
    }
    let photos = store::photos_dir(data);
    if photos.exists() {
        std::fs::remove_dir_all(&photos)
            .with_context(|| format!("removing {}", photos.display()))?;
    }
    Ok(())
}

fn wal_path(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
