//! The change log devices pull from.
//!
//! Every write to a row a device can see goes through [`record`] in the same
//! transaction, which moves the row to the end of the log with its current
//! state. A pull walks the log of one grid from a cursor.

use gridline_schema::wire::Entity;
use rusqlite::{params, Connection};
use uuid::Uuid;

/// Records the current state of a row (`None` for a deletion); returns its
/// new sequence number.
pub fn record(
    conn: &Connection,
    grid_code: &str,
    entity: Entity,
    row_id: Uuid,
    data: Option<&serde_json::Value>,
) -> rusqlite::Result<i64> {
    let data_json = data.map(|d| d.to_string());
    conn.execute(
        "DELETE FROM change_log WHERE entity = ?1 AND row_id = ?2",
        params![entity.code(), row_id.to_string()],
    )?;
    conn.execute(
        "INSERT INTO change_log (grid_code, entity, row_id, data_json) VALUES (?1, ?2, ?3, ?4)",
        params![grid_code, entity.code(), row_id.to_string(), data_json],
    )?;
    Ok(conn.last_insert_rowid())
}
