//! Conflicts: a field two devices changed from the same base, kept with
//! both values until a leader settles it.

use gridline_schema::wire::{ConflictRecord, Entity, Operation};
use rusqlite::{params, Connection};
use uuid::Uuid;

use crate::changes;
use crate::http::auth::DeviceSession;
use crate::http::error::ApiError;

/// Records a conflict and puts it in the change log for the grid's devices.
pub fn write_conflict(
    conn: &Connection,
    c: &ConflictRecord,
    other_op: Uuid,
) -> Result<(), ApiError> {
    conn.prepare_cached(
        "INSERT INTO conflicts (id, grid_code, entity, row_id, field, kept_json, kept_author,
                                other_json, other_author, other_op_id, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        c.id.to_string(),
        c.grid_code,
        c.entity.code(),
        c.row_id.to_string(),
        c.field,
        c.kept.to_string(),
        c.kept_author,
        c.other.to_string(),
        c.other_author,
        other_op.to_string(),
        c.created_at_ms,
    ])?;
    let data = serde_json::to_value(c).map_err(ApiError::internal)?;
    changes::record(conn, &c.grid_code, Entity::Conflict, c.id, Some(&data))?;
    Ok(())
}

/// Marks the listed conflicts of this row settled; returns how many were open.
pub fn resolve(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    ids: &[Uuid],
    at_ms: i64,
) -> Result<usize, ApiError> {
    let mut settled = 0;
    for id in ids {
        let Some((grid, Some(data))) = changes::current(conn, Entity::Conflict, *id)? else {
            continue;
        };
        let mut conflict: ConflictRecord =
            serde_json::from_value(data).map_err(ApiError::internal)?;
        if grid != session.grid_code
            || conflict.row_id != op.row_id
            || conflict.resolved_at_ms.is_some()
        {
            continue;
        }
        conflict.resolved_at_ms = Some(at_ms);
        conn.prepare_cached(
            "UPDATE conflicts SET resolved_at_ms = ?2, resolved_by = ?3 WHERE id = ?1",
        )?
        .execute(params![id.to_string(), at_ms, session.account])?;
        let data = serde_json::to_value(&conflict).map_err(ApiError::internal)?;
        changes::record(conn, &grid, Entity::Conflict, *id, Some(&data))?;
        settled += 1;
    }
    Ok(settled)
}
