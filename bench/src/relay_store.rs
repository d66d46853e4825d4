//! Writing straight into the relay's store, the way the relay itself does:
//! the seeded grid, device tokens for the simulated devices, and the
//! changes a catch-up brings in. Every visible row goes through the
//! relay's own writer or `changes::record`, in the same transaction as the
//! row, so devices pull exactly what they would from a live relay.

use std::path::Path;

use anyhow::Context;
use gridline_relay::changes;
use gridline_relay::demo::names::Names;
use gridline_relay::demo::writer::Writer;
use gridline_relay::{password, store};
use gridline_schema::wire::{Entity, IssueEventRecord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::dataset::{GridSpec, Rows};

/// How the benchmark's grid leader logs in.
#[derive(Debug, Clone)]
pub struct Login {
    pub account: String,
    pub password: String,
}

/// Creates the relay store in `data_dir` holding the grid, its divisions,
/// one leader account and every row of the dataset, in one transaction.
pub fn seed(data_dir: &Path, grid: &GridSpec, rows: &Rows) -> anyhow::Result<Login> {
    let mut conn = store::open(data_dir)?;
    let password = format!("bench-{}", hex::encode(rand::random::<[u8; 6]>()));
    let hash = password::hash_password(&password)?;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    write_grid(&tx, grid, &hash)?;
    let writer = Writer::new(&tx);
    for h in &rows.households {
        writer.household(h)?;
    }
    for r in &rows.residents {
        writer.resident(r)?;
    }
    for e in &rows.enterprises {
        writer.enterprise(e)?;
    }
    for i in &rows.issues {
        writer.issue(i)?;
    }
    for event in &rows.issue_events {
        write_issue_event(&tx, event)?;
    }
    tx.commit().context("committing the seeded grid")?;
    Ok(Login {
        account: grid.account.clone(),
        password,
    })
}

fn write_grid(conn: &Connection, grid: &GridSpec, password_hash: &str) -> anyhow::Result<()> {
    for d in &grid.divisions {
        conn.execute(
            "INSERT INTO divisions (code, name, level, parent_code) VALUES (?1, ?2, ?3, ?4)",
            params![d.code, d.name, d.level, d.parent_code],
        )?;
    }
    let points = grid.boundary.iter().flatten();
    let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in points {
        for k in 0..2 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    let community = grid.divisions.last().context("the grid has no community")?;
    conn.execute(
        "INSERT INTO grids (code, name, community_code, boundary_json,
                            min_lon, min_lat, max_lon, max_lat)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            grid.code,
            grid.name,
            community.code,
            serde_json::to_string(&grid.boundary)?,
            min[0],
            min[1],
            max[0],
            max[1]
        ],
    )?;
    conn.execute(
        "INSERT INTO accounts (account, display_name, password_hash, grid_code, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            grid.account,
            "基准测试网格员",
            password_hash,
            grid.code,
            store::now_ms()
        ],
    )?;
    Ok(())
}

/// One timeline step, as the relay keeps it and logs it for pulls.
fn write_issue_event(conn: &Connection, e: &IssueEventRecord) -> anyhow::Result<()> {
    let position = e.position.as_ref();
    conn.prepare_cached(
        "INSERT INTO issue_events (id, issue_id, grid_code, kind, from_status, to_status,
                                   effective, reason, note, photos_json, lat, lon, accuracy_m,
                                   actor, at_ms, received_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        e.id.to_string(),
        e.issue_id.to_string(),
        e.grid_code,
        e.kind.code(),
        e.from_status.code(),
        e.to_status.code(),
        e.effective,
        e.reason,
        e.note,
        serde_json::to_string(&e.photos)?,
        position.map(|p| p.lat),
        position.map(|p| p.lon),
        position.and_then(|p| p.accuracy_m),
        e.actor,
        e.at_ms,
        e.received_at_ms,
    ])?;
    let data = serde_json::to_value(e)?;
    changes::record(conn, &e.grid_code, Entity::IssueEvent, e.id, Some(&data))?;
    Ok(())
}

/// Mints `count` bearer tokens for the leader's grid, one per simulated
/// device, storing only their SHA-256 as a login would, without paying
/// for `count` password checks.
pub fn device_tokens(
    data_dir: &Path,
    grid: &GridSpec,
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let mut conn = store::open(data_dir)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut tokens = Vec::with_capacity(count);
    for n in 0..count {
        let token = hex::encode(rand::random::<[u8; 32]>());
        tx.execute(
            "INSERT INTO device_tokens (token_sha256, account, grid_code, device_id, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                hex::encode(Sha256::digest(token.as_bytes())),
                grid.account,
                grid.code,
                format!("bench-device-{n:03}"),
                store::now_ms()
            ],
        )?;
        tokens.push(token);
    }
    tx.commit()?;
    Ok(tokens)
}

/// How many rows of each kind one catch-up round changes.
const EDITED_RESIDENTS: usize = 60;
const EDITED_ENTERPRISES: usize = 20;
const EDITED_ISSUES: usize = 20;

/// Changes 100 rows at the relay while it serves (WAL lets a second
/// connection write): 60 residents get a new phone number, 20 enterprises a
/// new legal representative, 20 issues a later deadline. Round `round`
/// edits rows no earlier round touched, so each starts from version 1.
/// Returns how many changes were recorded.
pub fn edit_rows(data_dir: &Path, rows: &Rows, round: usize) -> anyhow::Result<usize> {
    let mut conn = store::open(data_dir)?;
    let mut rng = ChaCha8Rng::seed_from_u64(0xED17 + round as u64);
    let names = Names::new();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut recorded = 0;

    for r in pick(&rows.residents, round, EDITED_RESIDENTS)? {
        let mut r = r.clone();
        r.phone = Some(format!("139{:08}", rng.gen_range(0..100_000_000u32)));
        r.version += 1;
        tx.execute(
            "UPDATE residents SET phone = ?2, version = ?3 WHERE id = ?1",
            params![r.id.to_string(), r.phone, r.version],
        )?;
        let data = serde_json::to_value(&r)?;
        changes::record(&tx, &r.grid_code, Entity::Resident, r.id, Some(&data))?;
        recorded += 1;
    }
    for e in pick(&rows.enterprises, round, EDITED_ENTERPRISES)? {
        let mut e = e.clone();
        let male = rng.gen_bool(0.7);
        e.legal_representative = names.full(&mut rng, male, 1975);
        e.version += 1;
        tx.execute(
            "UPDATE enterprises SET legal_representative = ?2, version = ?3 WHERE id = ?1",
            params![e.id.to_string(), e.legal_representative, e.version],
        )?;
        let data = serde_json::to_value(&e)?;
        changes::record(&tx, &e.grid_code, Entity::Enterprise, e.id, Some(&data))?;
        recorded += 1;
    }
    let now = store::now_ms();
    for i in pick(&rows.issues, round, EDITED_ISSUES)? {
        let mut i = i.clone();
        i.deadline_at_ms = i.deadline_at_ms.map(|d| d + 2 * 86_400_000);
        i.updated_at_ms = now;
        i.version += 1;
        tx.execute(
            "UPDATE issues SET deadline_at_ms = ?2, updated_at_ms = ?3, version = ?4
              WHERE id = ?1",
            params![
                i.id.to_string(),
                i.deadline_at_ms,
                i.updated_at_ms,
                i.version
            ],
        )?;
        let data = serde_json::to_value(&i)?;
        changes::record(&tx, &i.grid_code, Entity::Issue, i.id, Some(&data))?;
        recorded += 1;
    }
    tx.commit()?;
    Ok(recorded)
}

/// The `per_round` rows of round `round`, which no other round shares.
fn pick<T>(all: &[T], round: usize, per_round: usize) -> anyhow::Result<&[T]> {
    let start = round * per_round;
    all.get(start..start + per_round).with_context(|| {
        format!(
            "round {round} needs {} rows; the dataset has {}",
            start + per_round,
            all.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::tests::divisions_dir;
    use crate::dataset::{build, Size};

    #[test]
    fn every_seeded_row_is_in_the_change_log_and_a_catch_up_round_logs_100_more() {
        let dir = tempfile::tempdir().unwrap();
        let size = Size {
            residents: 100,
            enterprises: 20,
            issues: 20,
        };
        let set = build(3, size, &divisions_dir()).unwrap();
        let data = dir.path().join("relay");
        let logged = |conn: &Connection| -> i64 {
            conn.query_row("SELECT MAX(seq) FROM change_log", [], |r| r.get(0))
                .unwrap()
        };

        let login = seed(&data, &set.grid, &set.rows).unwrap();
        let after_seed = logged(&store::open(&data).unwrap());
        let changed = edit_rows(&data, &set.rows, 0).unwrap();
        let conn = store::open(&data).unwrap();

        assert_eq!(
            after_seed as usize,
            set.rows.len(),
            "one log entry per seeded row"
        );
        assert_eq!(changed, 100);
        assert_eq!(
            logged(&conn),
            after_seed + 100,
            "each change moves its row to the end"
        );
        let version: i64 = conn
            .query_row(
                "SELECT version FROM residents WHERE id = ?1",
                [set.rows.residents[0].id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(version, 2, "the row itself changed, not only its log entry");
        assert_eq!(login.account, set.grid.account);
    }
}
