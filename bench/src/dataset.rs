//! The one grid both sides sync: households, residents, enterprises, issues
//! and their timelines, drawn from one seed.
//!
//! People, enterprises and issues come from the relay's own demo generators
//! (realistic names by generation, GB 11643 citizen IDs, GB 32100 credit
//! codes, issue reports by domain), so the rows look like a real community
//! register; the benchmark only decides how many and adds three timeline
//! steps to each issue. Nothing reads the wall clock: the same seed gives
//! byte-identical records.

use std::path::Path;

use anyhow::{bail, Context};
use gridline_relay::demo::enterprises::Directory;
use gridline_relay::demo::issues::open_issue;
use gridline_relay::demo::names::Names;
use gridline_relay::demo::people::{AddressBook, Registry};
use gridline_schema::lifecycle::EventKind;
use gridline_schema::validate::{parse_citizen_id, parse_credit_code};
use gridline_schema::wire::{
    EnterpriseRecord, HouseholdRecord, IssueEventRecord, IssueRecord, ResidentRecord,
};
use gridline_schema::IssueStatus;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The district the grid lies in (Huiji District, Zhengzhou).
const DISTRICT_CODE: &str = "410108";
/// The instant the dataset is "now": 2026-12-04 08:00 Beijing time.
pub const NOW_MS: i64 = 1_796_342_400_000;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;
/// Who takes the platform's steps in the timeline.
pub const PLATFORM_ACTOR: &str = "district-platform";

/// Notes a leader adds to an issue after a first visit.
const NOTES: &[&str] = &[
    "已电话联系反映人，约定明日上午到现场核实",
    "已到现场查看，情况属实，正在协调相关部门",
    "已通知物业负责人，要求三日内整改",
    "反映人不在家，已留下联系卡片",
];

/// How much the grid holds.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub residents: usize,
    pub enterprises: usize,
    pub issues: usize,
}

/// A division as the relay's tree holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

/// The benchmark grid and the divisions above it.
#[derive(Debug, Clone)]
pub struct GridSpec {
    pub code: String,
    pub name: String,
    /// City, district, township, community: parents first.
    pub divisions: Vec<Division>,
    /// The community's everyday name, e.g. `金河社区`.
    pub place: String,
    pub rural: bool,
    /// One polygon, outer ring of `[lon, lat]`, closed.
    pub boundary: Vec<Vec<[f64; 2]>>,
    /// The grid leader's account.
    pub account: String,
}

/// Every row of the grid as the relay sends it, in insertion order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rows {
    pub households: Vec<HouseholdRecord>,
    pub residents: Vec<ResidentRecord>,
    pub enterprises: Vec<EnterpriseRecord>,
    pub issues: Vec<IssueRecord>,
    pub issue_events: Vec<IssueEventRecord>,
}

impl Rows {
    /// How many records in all.
    pub fn len(&self) -> usize {
        self.households.len()
            + self.residents.len()
            + self.enterprises.len()
            + self.issues.len()
            + self.issue_events.len()
    }
}

/// The grid and its rows.
pub struct Dataset {
    pub grid: GridSpec,
    pub rows: Rows,
}

/// Builds the dataset from `seed`; the division names come from
/// `zhengzhou.csv` in `divisions_dir`.
pub fn build(seed: u64, size: Size, divisions_dir: &Path) -> anyhow::Result<Dataset> {
    let tree = read_divisions(divisions_dir)?;
    let grid = grid_spec(&tree)?;
    let id_regions: Vec<String> = tree
        .iter()
        .filter(|d| d.level == "county")
        .map(|d| d.code.clone())
        .collect();

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let names = Names::new();
    let today = (NOW_MS + 8 * HOUR_MS).div_euclid(DAY_MS);
    let mut registry = Registry::new(&names, &id_regions, today);
    let mut book = AddressBook::new(grid.place.clone(), grid.rural);
    let (mut households, mut residents) = (Vec::new(), Vec::new());
    while residents.len() < size.residents {
        let address = book.next(&mut rng);
        let mut household = registry.household(&mut rng, &grid.code, address);
        // The last household is cut to make the count exact; its head stays first.
        let room = size.residents - residents.len();
        if household.residents.len() > room {
            household.residents.truncate(room);
            household.record.members = room as u32;
        }
        households.push(household.record);
        residents.extend(household.residents);
    }

    let mut directory = Directory::new(&names, DISTRICT_CODE);
    let enterprises = (0..size.enterprises)
        .map(|_| {
            let point = random_point(&mut rng, &grid.boundary);
            directory.enterprise(&mut rng, &grid.code, &grid.place, point)
        })
        .collect();

    let (mut issues, mut issue_events) = (Vec::new(), Vec::new());
    for _ in 0..size.issues {
        let point = random_point(&mut rng, &grid.boundary);
        let mut issue = open_issue(&mut rng, &grid.code, &grid.place, grid.rural, point, NOW_MS);
        issue_events.extend(timeline(&mut rng, &mut issue, &grid.account));
        issues.push(issue);
    }

    let rows = Rows {
        households,
        residents,
        enterprises,
        issues,
        issue_events,
    };
    check(&rows)?;
    Ok(Dataset { grid, rows })
}

/// Three steps for a dispatched issue: the platform accepted and dispatched
/// it; then the leader either started handling it (moving it on) or added
/// a note.
fn timeline(rng: &mut impl Rng, issue: &mut IssueRecord, leader: &str) -> Vec<IssueEventRecord> {
    let accepted_at = issue.received_at_ms + rng.gen_range(1..=10) * MINUTE_MS;
    let dispatched_at = issue.updated_at_ms.max(accepted_at + MINUTE_MS);
    let third_at = (dispatched_at + rng.gen_range(10..=600) * MINUTE_MS).min(NOW_MS - MINUTE_MS);
    let starts = rng.gen_bool(0.5);
    let note = NOTES[rng.gen_range(0..NOTES.len())];
    let mut event = |kind, from, to, actor: &str, at_ms, note: Option<&str>| IssueEventRecord {
        id: random_id(rng),
        issue_id: issue.id,
        grid_code: issue.grid_code.clone(),
        kind,
        from_status: from,
        to_status: to,
        effective: true,
        reason: None,
        note: note.map(str::to_owned),
        photos: Vec::new(),
        position: None,
        actor: actor.to_owned(),
        at_ms,
        received_at_ms: at_ms,
    };
    let (reported, accepted, dispatched) = (
        IssueStatus::Reported,
        IssueStatus::Accepted,
        IssueStatus::Dispatched,
    );
    let mut events = vec![
        event(
            EventKind::Accept,
            reported,
            accepted,
            PLATFORM_ACTOR,
            accepted_at,
            None,
        ),
        event(
            EventKind::Dispatch,
            accepted,
            dispatched,
            PLATFORM_ACTOR,
            dispatched_at,
            None,
        ),
    ];
    if starts {
        let handling = IssueStatus::Handling;
        events.push(event(
            EventKind::Start,
            dispatched,
            handling,
            leader,
            third_at,
            None,
        ));
    } else {
        events.push(event(
            EventKind::Note,
            dispatched,
            dispatched,
            leader,
            third_at,
            Some(note),
        ));
    }
    if starts {
        issue.status = IssueStatus::Handling;
        issue.updated_at_ms = third_at;
        issue.version += 1;
    }
    events
}

/// A row id from the dataset's generator, so ids repeat with the seed.
pub fn random_id(rng: &mut impl Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// A point inside the grid, `[lon, lat]`.
pub fn random_point(rng: &mut impl Rng, boundary: &[Vec<[f64; 2]>]) -> [f64; 2] {
    let ring = boundary.iter().flatten();
    let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in ring {
        for k in 0..2 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    for _ in 0..1000 {
        let lon = rng.gen_range(min[0]..max[0]);
        let lat = rng.gen_range(min[1]..max[1]);
        if gridline_schema::geo::polygons_contain(boundary, lon, lat) {
            return [lon, lat];
        }
    }
    boundary[0][0]
}

/// Every generated identifier must pass the same validators the app uses.
fn check(rows: &Rows) -> anyhow::Result<()> {
    for r in &rows.residents {
        if parse_citizen_id(&r.citizen_id).is_err() {
            bail!("generated resident {} has an invalid citizen ID", r.id);
        }
    }
    for e in &rows.enterprises {
        if let Err(err) = parse_credit_code(&e.credit_code) {
            bail!(
                "generated enterprise {} has an invalid credit code: {err}",
                e.id
            );
        }
    }
    Ok(())
}

/// Reads `code,name,level,parent_code` rows from `zhengzhou.csv`.
fn read_divisions(dir: &Path) -> anyhow::Result<Vec<Division>> {
    let path = dir.join("zhengzhou.csv");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split(',');
            let (code, name, level) = (cols.next()?, cols.next()?, cols.next()?);
            let parent = cols.next().unwrap_or("").trim();
            Some(Division {
                code: code.trim().to_owned(),
                name: name.trim().to_owned(),
                level: level.trim().to_owned(),
                parent_code: (!parent.is_empty()).then(|| parent.to_owned()),
            })
        })
        .collect())
}

/// The first community of the district's first township, as grid 01.
///
/// The boundary is a stand-in quadrilateral of about 1.4 × 1.1 km near the
/// district's seat: the benchmark measures sync, not geometry, and a small
/// ring keeps the grid's own record the size a real one would be.
fn grid_spec(tree: &[Division]) -> anyhow::Result<GridSpec> {
    let find = |code: &str| {
        tree.iter()
            .find(|d| d.code == code)
            .cloned()
            .with_context(|| format!("division {code} is missing"))
    };
    let first_child = |parent: &str| {
        tree.iter()
            .filter(|d| d.parent_code.as_deref() == Some(parent))
            .min_by(|a, b| a.code.cmp(&b.code))
            .cloned()
            .with_context(|| format!("division {parent} has no children"))
    };
    let district = find(DISTRICT_CODE)?;
    let city = find(district.parent_code.as_deref().unwrap_or_default())?;
    let township = first_child(&district.code)?;
    let community = first_child(&township.code)?;
    let place = community
        .name
        .strip_suffix("居民委员会")
        .or_else(|| community.name.strip_suffix("村民委员会"))
        .unwrap_or(&community.name)
        .to_owned();
    let ring = vec![
        [113.6110, 34.8600],
        [113.6262, 34.8604],
        [113.6258, 34.8702],
        [113.6114, 34.8699],
        [113.6110, 34.8600],
    ];
    Ok(GridSpec {
        code: format!("{}-01", community.code),
        name: format!("{place}第1网格"),
        rural: community.code.as_bytes().get(9) == Some(&b'2'),
        place,
        divisions: vec![city, district, township, community],
        boundary: vec![ring],
        account: "bench-leader".to_owned(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn divisions_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/divisions")
    }

    pub fn small() -> Size {
        Size {
            residents: 100,
            enterprises: 5,
            issues: 10,
        }
    }

    #[test]
    fn the_same_seed_builds_the_same_grid_with_exactly_the_residents_asked_for() {
        let a = build(7, small(), &divisions_dir()).unwrap();
        let b = build(7, small(), &divisions_dir()).unwrap();

        assert_eq!(
            a.rows.residents.len(),
            100,
            "the last household is cut to fit"
        );
        let members: u32 = a.rows.households.iter().map(|h| h.members).sum();
        assert_eq!(members, 100, "household sizes add up to the residents");
        assert_eq!(
            a.rows.issue_events.len(),
            30,
            "three timeline steps per issue"
        );
        assert_eq!(
            serde_json::to_string(&a.rows).unwrap(),
            serde_json::to_string(&b.rows).unwrap(),
            "nothing may depend on the wall clock or the OS's randomness"
        );
    }

    #[test]
    fn timelines_lead_to_the_state_their_issue_is_in() {
        let set = build(8, small(), &divisions_dir()).unwrap();

        for issue in &set.rows.issues {
            let steps: Vec<_> = set
                .rows
                .issue_events
                .iter()
                .filter(|e| e.issue_id == issue.id)
                .collect();
            assert_eq!(steps.len(), 3);
            assert_eq!(steps[2].to_status, issue.status, "issue {}", issue.id);
            assert!(
                steps.windows(2).all(|w| w[0].at_ms <= w[1].at_ms),
                "steps in time order"
            );
        }
    }

    #[test]
    fn positions_fall_inside_the_grid() {
        let set = build(9, small(), &divisions_dir()).unwrap();

        for e in &set.rows.enterprises {
            let (lon, lat) = (e.lon.unwrap(), e.lat.unwrap());
            assert!(gridline_schema::geo::polygons_contain(
                &set.grid.boundary,
                lon,
                lat
            ));
        }
    }
}
