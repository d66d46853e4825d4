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
    record_json(conn, grid_code, entity, row_id, data_json.as_deref())
}

/// [`record`] with the row already written as JSON text.
pub fn record_json(
    conn: &Connection,
    grid_code: &str,
    entity: Entity,
    row_id: Uuid,
    data_json: Option<&str>,
) -> rusqlite::Result<i64> {
    conn.prepare_cached("DELETE FROM change_log WHERE entity = ?1 AND row_id = ?2")?
        .execute(params![entity.code(), row_id.to_string()])?;
    conn.prepare_cached(
        "INSERT INTO change_log (grid_code, entity, row_id, data_json) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        grid_code,
        entity.code(),
        row_id.to_string(),
        data_json
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The latest state of a row as the change log holds it: its grid and its
/// wire record (`None` for a deletion), or `None` if the log never saw it.
pub fn current(
    conn: &Connection,
    entity: Entity,
    row_id: Uuid,
) -> rusqlite::Result<Option<(String, Option<serde_json::Value>)>> {
    use rusqlite::OptionalExtension;
    let row = conn
        .prepare_cached(
            "SELECT grid_code, data_json FROM change_log WHERE entity = ?1 AND row_id = ?2",
        )?
        .query_row(params![entity.code(), row_id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?;
    row.map(|(grid, json)| {
        let data = json
            .map(|j| serde_json::from_str(&j))
            .transpose()
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok((grid, data))
    })
    .transpose()
}
