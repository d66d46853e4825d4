//! Registry edits and task steps in the randomized fault runs.
//!
//! Each round, the first two phones (always on the same grid) both change
//! one field of one household before either syncs: a contested field, a
//! different household and field each round, so every contest must leave
//! exactly one recorded conflict naming both values. Any phone may also
//! change a household's member count (uncontested or not, by chance), add
//! notes to the grid's dispatched task, and in the first round both of the
//! first two phones start that task, so one start applies and the other is
//! kept without effect. Phones run with skewed clocks, some days off.

use std::collections::BTreeSet;
use std::path::Path;

use gridline_app::core::steps::StepInput;
use gridline_app::core::Device;
use gridline_schema::lifecycle::EventKind;
use gridline_schema::wire::Entity;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// A clock skew for a phone: most are right; some are minutes, days or
/// decades off (a phone reset to 1970).
pub fn random_skew(rng: &mut ChaCha8Rng) -> i64 {
    const MINUTE: i64 = 60_000;
    const DAY: i64 = 86_400_000;
    match rng.gen_range(0..10) {
        0..=4 => rng.gen_range(-30_000..30_000),
        5 => rng.gen_range(10 * MINUTE..60 * MINUTE),
        6 => -rng.gen_range(10 * MINUTE..60 * MINUTE),
        7 => rng.gen_range(2 * DAY..5 * DAY),
        8 => -rng.gen_range(2 * DAY..5 * DAY),
        _ => -gridline_app::core::db::now_ms() + rng.gen_range(0..DAY),
    }
}

/// Whether a phone with this skew must be warned about its clock.
pub fn clock_warned(skew_ms: i64) -> bool {
    skew_ms.abs() > 5 * 60_000
}

/// Two values two phones gave one field.
#[derive(Debug, Clone)]
pub struct Contest {
    pub household: String,
    pub field: &'static str,
    pub values: [String; 2],
}

/// What the phones did that the relay must account for.
#[derive(Debug, Default)]
pub struct Ledger {
    pub edits: u64,
    pub steps: u64,
    pub starts: u64,
    pub contests: Vec<Contest>,
    /// (household, field) pairs not yet contested.
    pub free: Vec<(String, &'static str)>,
}

impl Ledger {
    /// Prepares the contests of a run on a grid with these households.
    pub fn new(rng: &mut ChaCha8Rng, households: &[String]) -> Ledger {
        let mut free: Vec<_> = households
            .iter()
            .flat_map(|h| [(h.clone(), "address"), (h.clone(), "head_name")])
            .collect();
        free.shuffle(rng);
        Ledger {
            free,
            ..Ledger::default()
        }
    }
}

/// The grid's households and its dispatched task, from a phone's copy.
pub fn grid_of(db: &Path) -> (Vec<String>, Option<String>) {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT id FROM households ORDER BY id")
        .unwrap();
    let households = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let task = conn
        .query_row(
            "SELECT id FROM issues WHERE status = 'dispatched' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    (households, task)
}

fn set(field: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(field.to_owned(), value);
    map
}

fn edit(device: &Device, household: &str, field: &str, value: Value) {
    let id = Uuid::parse_str(household).unwrap();
    device
        .edit_row(Entity::Household, id, set(field, value), Vec::new())
        .expect("a valid edit is accepted, online or not");
}

/// The edits and steps of one round, made before its syncs. `pair` are the
/// first two phones (same grid); `others` the rest, with their grids'
/// households.
pub fn round(
    rng: &mut ChaCha8Rng,
    round: usize,
    pair: [&Device; 2],
    households: &[String],
    task: Option<&str>,
    ledger: &mut Ledger,
) {
    if let Some((household, field)) = ledger.free.pop() {
        let values = [0, 1].map(|side| match field {
            "address" => format!("争议地址{round}-{side}-{}号", rng.gen_range(1..999)),
            _ => format!(
                "户主{round}{side}{}",
                ["曾", "单", "仇", "区"][rng.gen_range(0..4)]
            ),
        });
        for (device, value) in pair.iter().zip(&values) {
            edit(device, &household, field, json!(value));
            ledger.edits += 1;
        }
        ledger.contests.push(Contest {
            household,
            field,
            values,
        });
    }
    for device in pair {
        for _ in 0..rng.gen_range(0..=2) {
            let household = &households[rng.gen_range(0..households.len())];
            edit(device, household, "members", json!(rng.gen_range(1..=9)));
            ledger.edits += 1;
        }
        let Some(task) = task else { continue };
        let kind = if round == 0 {
            EventKind::Start
        } else {
            EventKind::Note
        };
        if kind == EventKind::Start || rng.gen_bool(0.3) {
            let note = Some(format!("走访记录 第{round}轮"));
            let input = StepInput {
                issue_id: task.to_owned(),
                kind,
                note,
                photos: vec![],
                position: None,
            };
            device
                .take_step(input)
                .expect("a step the phone's view allows is accepted");
            ledger.steps += 1;
            ledger.starts += u64::from(kind == EventKind::Start);
        }
    }
}

/// The relay applied every edit and step exactly once, recorded one conflict
/// per contest with both values, kept the contest's winner, took exactly one
/// start; every phone holds the relay's rows, conflicts and task state.
pub fn check(relay_db: &Path, grid: &str, phones: &[&Path], ledger: &Ledger, task: Option<&str>) {
    let relay = Connection::open(relay_db).unwrap();
    let count = |sql: &str| -> i64 { relay.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT COUNT(*) FROM applied_ops WHERE entity = 'household' AND outcome IN ('applied', 'merged')"),
        ledger.edits as i64,
        "every edit applied exactly once"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM applied_ops WHERE entity = 'issue_event' AND outcome IN ('applied', 'merged')"),
        ledger.steps as i64,
        "every step kept exactly once"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM issue_events"),
        ledger.steps as i64
    );
    if ledger.starts > 0 {
        assert_eq!(
            count("SELECT COUNT(*) FROM issue_events WHERE kind = 'start' AND effective = 1"),
            1,
            "one start moves the task; the other is kept without effect"
        );
    }

    for contest in &ledger.contests {
        let mut stmt = relay
            .prepare("SELECT kept_json, other_json FROM conflicts WHERE row_id = ?1 AND field = ?2")
            .unwrap();
        let found: Vec<(String, String)> = stmt
            .query_map([&contest.household, contest.field], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(found.len(), 1, "one conflict for {contest:?}: {found:?}");
        let (kept, other): (String, String) = (
            serde_json::from_str(&found[0].0).unwrap(),
            serde_json::from_str(&found[0].1).unwrap(),
        );
        let both: BTreeSet<_> = [kept.clone(), other].into();
        assert_eq!(
            both,
            contest.values.iter().cloned().collect(),
            "both values are kept"
        );
        let now: String = relay
            .query_row(
                &format!("SELECT {} FROM households WHERE id = ?1", contest.field),
                [&contest.household],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(now, kept, "the row holds the kept value");
    }

    let rows = |conn: &Connection, sql: &str| -> BTreeSet<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let households = format!(
        "SELECT id || '|' || address || '|' || head_name || '|' || members || '|' || version
           FROM households WHERE grid_code = '{grid}'"
    );
    let conflicts = format!(
        "SELECT id || '|' || kept_json || '|' || other_json || '|' || (resolved_at_ms IS NULL)
           FROM conflicts WHERE grid_code = '{grid}'"
    );
    let task_state = "SELECT status FROM issues WHERE id = ?1";
    let at_relay = (rows(&relay, &households), rows(&relay, &conflicts));
    for (n, db) in phones.iter().enumerate() {
        let local = Connection::open(db).unwrap();
        let local_households = rows(
            &local,
            "SELECT id || '|' || address || '|' || head_name || '|' || members || '|' || version
               FROM households",
        );
        let local_conflicts = rows(
            &local,
            "SELECT id || '|' || kept_json || '|' || other_json || '|' || (resolved_at_ms IS NULL)
               FROM conflicts",
        );
        assert_eq!(
            local_households, at_relay.0,
            "phone {n} holds the relay's households"
        );
        assert_eq!(
            local_conflicts, at_relay.1,
            "phone {n} holds the relay's conflicts"
        );
        if let Some(task) = task {
            let status = |c: &Connection| -> String {
                c.query_row(task_state, [task], |r| r.get(0)).unwrap()
            };
            assert_eq!(
                status(&local),
                status(&relay),
                "phone {n} shows the task as the relay has it"
            );
        }
    }
}
