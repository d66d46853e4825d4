//! The Huiji District demo, built small from the real division data and
//! checked the way a grid leader's phone and the district platform would
//! rely on it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::Parser;
use gridline_relay::demo::{self, DemoOptions, DemoSummary, CREDENTIALS_FILE};
use gridline_relay::password::verify_password;
use gridline_schema::geo::{gcj02_to_wgs84, polygons_contain, ring_contains};
use gridline_schema::validate::{parse_citizen_id, parse_credit_code, parse_mobile};
use gridline_schema::wire::{Entity, ResidentRecord};
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

fn divisions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/divisions")
}

/// One grid per community and a handful of rows each: every rule is
/// exercised in every community, quickly.
fn small(data: &Path) -> DemoOptions {
    DemoOptions {
        divisions: Some(divisions_dir()),
        grids_per_community: 1,
        households_per_grid: 5,
        enterprises_per_grid: 2,
        open_issues_per_grid: 1,
        ..DemoOptions::new(data)
    }
}

struct Built {
    dir: tempfile::TempDir,
    summary: DemoSummary,
}

/// The small demo, built once and shared by the tests that only read it.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let summary = demo::run(&small(dir.path())).expect("the small demo builds");
        Built { dir, summary }
    })
}

fn open(built: &Built) -> Connection {
    Connection::open(built.dir.path().join("relay.db")).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The district outline as the demo must have used it: GCJ-02 turned WGS-84.
fn district_ring() -> Vec<[f64; 2]> {
    let text = std::fs::read_to_string(divisions_dir().join("huiji-boundary.geojson")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ring = json["features"][0]["geometry"]["coordinates"][0]
        .as_array()
        .unwrap()
        .clone();
    ring.iter()
        .map(|p| {
            let (lat, lon) = gcj02_to_wgs84(p[1].as_f64().unwrap(), p[0].as_f64().unwrap());
            [lon, lat]
        })
        .collect()
}

fn ring_area(ring: &[[f64; 2]]) -> f64 {
    let twice: f64 = ring
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    (twice / 2.0).abs()
}

fn grid_boundaries(conn: &Connection) -> HashMap<String, Vec<Vec<[f64; 2]>>> {
    let mut stmt = conn
        .prepare("SELECT code, boundary_json FROM grids")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    rows.map(|row| {
        let (code, json) = row.unwrap();
        (code, serde_json::from_str(&json).unwrap())
    })
    .collect()
}

#[test]
fn the_district_has_its_eight_townships_and_ninety_two_communities_with_official_codes() {
    let conn = open(built());
    let csv = std::fs::read_to_string(divisions_dir().join("zhengzhou.csv")).unwrap();
    let expected: HashSet<(String, String)> = csv
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f[3].starts_with("410108") && f[2] != "county").then(|| (f[0].into(), f[1].into()))
        })
        .collect();

    let mut stmt = conn
        .prepare("SELECT code, name FROM divisions WHERE level IN ('township', 'village')")
        .unwrap();
    let stored: HashSet<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();

    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM divisions WHERE level = 'township'"
        ),
        8
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM divisions WHERE level = 'village'"
        ),
        92
    );
    assert_eq!(
        stored, expected,
        "exactly Huiji's divisions, with the CSV's codes and names"
    );
    assert!(stored.contains(&("410108100".into(), "花园口镇".into())));
    assert_eq!(
        count(&conn, "SELECT count(*) FROM divisions"),
        102,
        "plus the city and district"
    );
    assert_eq!(built().summary.townships, 8);
    assert_eq!(built().summary.communities, 92);
}

#[test]
fn grids_tile_the_district_without_gaps_or_overlaps() {
    let conn = open(built());
    let grids = grid_boundaries(&conn);
    let district = district_ring();
    let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in &district {
        for k in 0..2 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);

    let mut inside = 0;
    for _ in 0..4000 {
        let lon = rng.gen_range(min[0]..max[0]);
        let lat = rng.gen_range(min[1]..max[1]);
        let holders = grids
            .values()
            .filter(|g| polygons_contain(g, lon, lat))
            .count();
        if ring_contains(&district, lon, lat) {
            inside += 1;
            assert_eq!(
                holders, 1,
                "({lon}, {lat}) inside the district lies in {holders} grids"
            );
        } else {
            assert_eq!(
                holders, 0,
                "({lon}, {lat}) outside the district lies in a grid"
            );
        }
    }

    assert!(
        inside > 1000,
        "enough samples fell inside the district: {inside}"
    );
    assert_eq!(grids.len(), 92);
    let grid_area: f64 = grids.values().flatten().map(|r| ring_area(r)).sum();
    let district_area = ring_area(&district);
    let error = (grid_area - district_area).abs() / district_area;
    assert!(
        error < 0.01,
        "grids cover {grid_area}, the district {district_area}"
    );
}

#[test]
fn grid_bounding_boxes_enclose_their_rings_and_rings_are_closed() {
    let conn = open(built());
    let mut stmt = conn
        .prepare("SELECT boundary_json, min_lon, min_lat, max_lon, max_lat FROM grids")
        .unwrap();
    let rows: Vec<(String, f64, f64, f64, f64)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();

    for (json, min_lon, min_lat, max_lon, max_lat) in rows {
        let rings: Vec<Vec<[f64; 2]>> = serde_json::from_str(&json).unwrap();
        assert!(!rings.is_empty());
        for ring in &rings {
            assert_eq!(ring.first(), ring.last(), "rings are closed");
            for [lon, lat] in ring {
                assert!((min_lon..=max_lon).contains(lon) && (min_lat..=max_lat).contains(lat));
            }
        }
    }
}

#[test]
fn resident_ids_phones_and_credit_codes_pass_the_validators() {
    let conn = open(built());
    let mut stmt = conn
        .prepare("SELECT citizen_id, gender, birth_date, phone, relation FROM residents")
        .unwrap();
    let residents: Vec<(String, String, String, Option<String>, String)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();

    assert!(residents.len() >= 92 * 5, "every household has a head");
    for (citizen_id, gender, birth_date, phone, relation) in &residents {
        let id =
            parse_citizen_id(citizen_id).unwrap_or_else(|e| panic!("{}: {e}", &citizen_id[..6]));
        assert_eq!(
            id.is_male(),
            gender == "male",
            "the 17th digit says the sex"
        );
        let (y, m, d) = id.birth_date();
        assert_eq!(&format!("{y:04}-{m:02}-{d:02}"), birth_date);
        assert!(["head", "spouse", "child", "parent"].contains(&relation.as_str()));
        if let Some(phone) = phone {
            parse_mobile(phone).unwrap();
        }
    }
    let unique: HashSet<&String> = residents.iter().map(|r| &r.0).collect();
    assert_eq!(
        unique.len(),
        residents.len(),
        "no two residents share an ID number"
    );

    let mut stmt = conn.prepare("SELECT credit_code FROM enterprises").unwrap();
    let codes: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(codes.len(), 92 * 2);
    for code in &codes {
        parse_credit_code(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert!(code.starts_with("91410108"));
    }
}

#[test]
fn every_registry_row_and_issue_is_in_the_change_log_once_as_its_wire_record() {
    let conn = open(built());

    for (entity, table) in [
        (Entity::Household, "households"),
        (Entity::Resident, "residents"),
        (Entity::Enterprise, "enterprises"),
        (Entity::Issue, "issues"),
    ] {
        let logged = count(
            &conn,
            &format!(
                "SELECT count(*) FROM change_log c JOIN {table} t \
                 ON t.id = c.row_id AND t.grid_code = c.grid_code WHERE c.entity = '{}'",
                entity.code()
            ),
        );
        let rows = count(&conn, &format!("SELECT count(*) FROM {table}"));
        assert!(rows > 0);
        assert_eq!(
            logged, rows,
            "{table}: one log entry per row, in the row's grid"
        );
    }
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM issues WHERE status != 'dispatched'"
        ),
        0
    );
    let json: String = conn
        .query_row(
            "SELECT data_json FROM change_log WHERE entity = 'resident' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let record: ResidentRecord = serde_json::from_str(&json).expect("a pull can read it");
    let stored: String = conn
        .query_row(
            "SELECT name FROM residents WHERE id = ?1",
            [record.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, record.name);
}

#[test]
fn issues_and_enterprises_are_placed_inside_their_own_grid() {
    let conn = open(built());
    let grids = grid_boundaries(&conn);

    for table in ["issues", "enterprises"] {
        let mut stmt = conn
            .prepare(&format!("SELECT grid_code, lat, lon FROM {table}"))
            .unwrap();
        let rows: Vec<(String, f64, f64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (grid, lat, lon) in rows {
            assert!(
                polygons_contain(&grids[&grid], lon, lat),
                "{table} at ({lon}, {lat}) in {grid}"
            );
        }
    }
}

#[test]
fn every_grid_has_a_leader_whose_password_verifies_and_whose_point_is_in_the_grid() {
    let built = built();
    let conn = open(built);
    let grids = grid_boundaries(&conn);
    let path = built.dir.path().join(CREDENTIALS_FILE);
    let credentials: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let leaders = credentials["leaders"].as_array().unwrap();

    assert_eq!(leaders.len(), grids.len());
    assert_eq!(credentials["district"]["code"], "410108");
    let key = credentials["api_key"].as_str().unwrap();
    let key_digest = hex::encode(Sha256::digest(key.as_bytes()));
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM api_keys WHERE key_sha256 = '{key_digest}'")
        ),
        1
    );
    let mut grids_led = HashSet::new();
    for leader in leaders {
        let account = leader["account"].as_str().unwrap();
        let (hash, grid): (String, String) = conn
            .query_row(
                "SELECT password_hash, grid_code FROM accounts WHERE account = ?1",
                [account],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password(leader["password"].as_str().unwrap(), &hash),
            "{account}"
        );
        assert_eq!(leader["grid_code"], grid.as_str());
        let (lat, lon) = (
            leader["point"]["lat"].as_f64().unwrap(),
            leader["point"]["lon"].as_f64().unwrap(),
        );
        assert!(
            polygons_contain(&grids[&grid], lon, lat),
            "{account}'s point is in {grid}"
        );
        grids_led.insert(grid);
    }
    assert_eq!(grids_led.len(), grids.len(), "one leader per grid");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "only the owner may read the passwords");
    }
}

/// A digest of every table a device or the platform reads.
fn digest(data: &Path) -> String {
    let conn = Connection::open(data.join("relay.db")).unwrap();
    let mut hasher = Sha256::new();
    for table in [
        "divisions",
        "grids",
        "accounts",
        "api_keys",
        "households",
        "residents",
        "enterprises",
        "issues",
        "change_log",
        "settings",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i).unwrap();
                hasher.update(format!("{value:?}|").as_bytes());
            }
        }
    }
    hex::encode(hasher.finalize())
}

#[test]
fn one_seed_builds_the_same_data_again_but_only_when_forced_over_an_existing_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = small(dir.path());
    opts.households_per_grid = 2;
    let credentials = || std::fs::read_to_string(dir.path().join(CREDENTIALS_FILE)).unwrap();

    demo::run(&opts).unwrap();
    let (first_credentials, first_digest) = (credentials(), digest(dir.path()));
    std::fs::write(dir.path().join("photos").join("stale"), b"x").unwrap();
    let refused = demo::run(&opts).unwrap_err();
    opts.force = true;
    demo::run(&opts).unwrap();

    assert!(format!("{refused:#}").contains("--force"), "{refused:#}");
    assert_eq!(
        credentials(),
        first_credentials,
        "same logins, passwords and points"
    );
    assert_eq!(
        digest(dir.path()),
        first_digest,
        "same rows, ids, salts and times"
    );
    assert!(
        !dir.path().join("photos").join("stale").exists(),
        "--force empties photos/"
    );

    opts.seed += 1;
    demo::run(&opts).unwrap();
    assert_ne!(
        digest(dir.path()),
        first_digest,
        "another seed builds other data"
    );
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    demo: DemoOptions,
}

#[test]
fn the_command_line_defaults_to_three_grids_of_three_hundred_households_per_community() {
    let cli = Cli::try_parse_from(["demo", "--data", "d"]).unwrap();

    let defaults = DemoOptions::new("d");
    assert_eq!(cli.demo.seed, 20261204);
    assert_eq!(cli.demo.seed, defaults.seed);
    assert_eq!(cli.demo.grids_per_community, 3);
    assert_eq!(cli.demo.households_per_grid, 300);
    assert_eq!(cli.demo.enterprises_per_grid, 12);
    assert_eq!(cli.demo.open_issues_per_grid, 2);
    assert_eq!(
        (defaults.grids_per_community, defaults.households_per_grid),
        (3, 300),
        "DemoOptions::new agrees with the command line"
    );
    assert!(!cli.demo.force);
    assert!(Cli::try_parse_from(["demo"]).is_err(), "--data is required");
    assert!(Cli::try_parse_from(["demo", "--data", "d", "--grids-per-community", "0"]).is_err());
}

#[test]
fn the_divisions_folder_comes_from_the_flag_then_the_environment_then_the_default() {
    let mut opts = DemoOptions::new("d");

    std::env::remove_var(demo::DIVISIONS_ENV);
    let default = opts.divisions_dir();
    std::env::set_var(demo::DIVISIONS_ENV, "/from/env");
    let from_env = opts.divisions_dir();
    opts.divisions = Some("/from/flag".into());
    let from_flag = opts.divisions_dir();
    std::env::remove_var(demo::DIVISIONS_ENV);

    assert_eq!(default, PathBuf::from("../shared/data/divisions"));
    assert_eq!(from_env, PathBuf::from("/from/env"));
    assert_eq!(from_flag, PathBuf::from("/from/flag"));
}

#[test]
fn a_missing_divisions_folder_is_reported_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = small(dir.path());
    opts.divisions = Some(dir.path().join("nowhere"));

    let err = demo::run(&opts).unwrap_err();

    assert!(format!("{err:#}").contains("zhengzhou.csv"), "{err:#}");
    assert!(
        !dir.path().join("relay.db").exists(),
        "no database was started"
    );
}
