//! The points ledger: what a leader earns, by rules the relay owns.
//!
//! - `report_verified` (+5): the district verified an issue the leader
//!   reported. A report closed as a duplicate is never verified, so it
//!   earns nothing.
//! - `handled_on_time` (+3): the district verified a task the leader had
//!   marked handled before its deadline (by the relay's clock). Credited at
//!   verification, so a task returned as not done earns nothing.
//! - `visit` (+1): a visit to a household or enterprise, at most
//!   [`VISITS_CREDITED_PER_DAY`] a day (China time).
//!
//! A credit is keyed by its reason and the thing that earned it, so a rule
//! that fires twice for one thing credits once. Credits reach the leader's
//! devices through the change log like any row.

use gridline_schema::wire::{Entity, PointRecord};
use rusqlite::{params, Connection};
use uuid::Uuid;

use super::error::ApiError;
use crate::changes;

pub const REPORT_VERIFIED: i64 = 5;
pub const HANDLED_ON_TIME: i64 = 3;
pub const VISIT: i64 = 1;
/// Visits beyond this many in a day earn nothing more.
pub const VISITS_CREDITED_PER_DAY: i64 = 20;

const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Credits `points` to `account` for `reason` and `ref_id`, once.
pub fn credit(
    conn: &Connection,
    grid_code: &str,
    account: &str,
    reason: &str,
    ref_id: Uuid,
    points: i64,
    at_ms: i64,
) -> Result<(), ApiError> {
    let entry = PointRecord {
        id: Uuid::now_v7(),
        grid_code: grid_code.to_owned(),
        account: account.to_owned(),
        reason: reason.to_owned(),
        ref_id,
        points,
        at_ms,
    };
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO points (id, grid_code, account, reason, ref_id, points, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            entry.id.to_string(),
            grid_code,
            account,
            reason,
            ref_id.to_string(),
            points,
            at_ms
        ])?;
    if inserted == 1 {
        let data = serde_json::to_value(&entry).map_err(ApiError::internal)?;
        changes::record(conn, grid_code, Entity::PointEntry, entry.id, Some(&data))?;
    }
    Ok(())
}

/// Credits a visit unless the day's credited visits are used up.
pub fn credit_visit(
    conn: &Connection,
    grid_code: &str,
    account: &str,
    visit: Uuid,
    at_ms: i64,
) -> Result<(), ApiError> {
    let day_start = (at_ms + CHINA_OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
    let today: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM points WHERE account = ?1 AND reason = 'visit'
                AND at_ms >= ?2 AND at_ms < ?3",
        )?
        .query_row(params![account, day_start, day_start + DAY_MS], |r| {
            r.get(0)
        })?;
    if today < VISITS_CREDITED_PER_DAY {
        credit(conn, grid_code, account, "visit", visit, VISIT, at_ms)?;
    }
    Ok(())
}
