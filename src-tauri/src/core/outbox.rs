//! The outbox: operations saved on the device and not yet confirmed.

use gridline_schema::wire::{Action, Entity, OpResult, Operation, Outcome};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::db::{meta_get, meta_set};
use super::error::{ErrorInfo, Result};
use super::hlc::Stamp;

/// Who makes the changes on this device: the signed-in account and the
/// installation's id.
pub struct Author<'a> {
    pub account: &'a str,
    pub device_id: &'a str,
}

/// Builds an operation with a fresh id and clock stamp and queues it; call
/// inside the transaction that made the change.
pub fn queue(
    tx: &Connection,
    author: &Author<'_>,
    entity: Entity,
    row_id: Uuid,
    action: Action,
    fields: serde_json::Value,
    now_ms: i64,
) -> Result<Operation> {
    let op = Operation {
        id: Uuid::now_v7(),
        entity,
        row_id,
        action,
        fields,
        author: author.account.to_owned(),
        device_id: author.device_id.to_owned(),
        hlc: next_stamp(tx, now_ms)?.encode(author.device_id),
        created_at_ms: now_ms,
    };
    enqueue(tx, &op, now_ms)?;
    Ok(op)
}

/// The next clock stamp of this device, remembered in `meta`.
fn next_stamp(tx: &Connection, now: i64) -> Result<Stamp> {
    let last = meta_get(tx, "hlc")?.and_then(|s| Stamp::parse(&s));
    let stamp = Stamp::next(last, now);
    meta_set(tx, "hlc", &stamp.to_string())?;
    Ok(stamp)
}

/// Queues an operation; call inside the transaction that made the change.
pub fn enqueue(tx: &Connection, op: &Operation, now_ms: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (op_id, entity, row_id, op_json, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            op.id.to_string(),
            op.entity.code(),
            op.row_id.to_string(),
            serde_json::to_string(op)?,
            now_ms
        ],
    )?;
    Ok(())
}

/// The oldest pending operations, up to `limit`.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<Operation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT op_json FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| r.get::<_, String>(0))?;
    let mut ops = Vec::new();
    for json in rows {
        ops.push(serde_json::from_str(&json?)?);
    }
    Ok(ops)
}

/// Counts of pending and rejected operations.
pub fn counts(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'rejected'), 0)
         FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Records the relay's answer for one operation. Applied, merged and duplicate
/// remove it from the outbox; rejected keeps it with the reason; retry keeps
/// it pending and counts the attempt.
pub fn settle(tx: &Connection, result: &OpResult) -> Result<()> {
    let id = result.op_id.to_string();
    let error = || {
        serde_json::to_string(&ErrorInfo {
            code: result.code.clone().unwrap_or_else(|| "rejected".into()),
            message: result.message.clone().unwrap_or_default(),
        })
    };
    match result.outcome {
        Outcome::Applied | Outcome::Merged | Outcome::Duplicate => {
            tx.execute("DELETE FROM outbox WHERE op_id = ?1", [&id])?;
        }
        Outcome::Rejected => {
            tx.execute(
                "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ?2
                 WHERE op_id = ?1",
                params![id, error()?],
            )?;
        }
        Outcome::Retry => {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE op_id = ?1",
                params![id, error()?],
            )?;
        }
    }
    Ok(())
}

/// The state of the newest operation on a row, if one is still in the
/// outbox: `pending` or `rejected`, with the relay's reason.
pub fn row_state(conn: &Connection, row_id: &str) -> Result<Option<(String, Option<ErrorInfo>)>> {
    let found: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT state, last_error FROM outbox WHERE row_id = ?1 ORDER BY seq DESC LIMIT 1",
            [row_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(found.map(|(state, err)| (state, err.and_then(|e| serde_json::from_str(&e).ok()))))
}

/// The pending operations on one row, oldest first: what the device has
/// changed there that the relay has not confirmed.
pub fn pending_on(conn: &Connection, entity: Entity, row_id: &str) -> Result<Vec<Operation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT op_json FROM outbox WHERE state = 'pending' AND entity = ?1 AND row_id = ?2
          ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![entity.code(), row_id], |r| r.get::<_, String>(0))?;
    let mut ops = Vec::new();
    for json in rows {
        ops.push(serde_json::from_str(&json?)?);
    }
    Ok(ops)
}
