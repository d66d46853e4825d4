//! Issues in the relay's store: writing a new one with its photos and its
//! change-log entry.
//!
//! Both the device push and Open311 create issues through [`insert`], so an
//! issue reaches its grid's devices the same way whoever filed it.

use gridline_schema::wire::{Entity, IssueRecord};
use gridline_schema::FocusTag;
use rusqlite::types::Type;
use rusqlite::{params, Connection, Row};
use uuid::Uuid;

use crate::changes;

/// Inserts `issue` and its photos and records it in the change log of its
/// grid. Call inside the write transaction.
pub fn insert(
    conn: &Connection,
    issue: &IssueRecord,
    external_account: Option<&str>,
) -> anyhow::Result<()> {
    insert_written(
        conn,
        issue,
        &serde_json::to_string(issue)?,
        external_account,
    )
}

/// [`insert`] with the issue already written as its wire JSON, which a push
/// prepares before it takes the database.
pub fn insert_written(
    conn: &Connection,
    issue: &IssueRecord,
    json: &str,
    external_account: Option<&str>,
) -> anyhow::Result<()> {
    let position = issue.position.as_ref();
    conn.prepare_cached(
        "INSERT INTO issues (id, grid_code, domain, focus_tag, description, status, source,
                             lat, lon, accuracy_m, position_source, address, reported_by,
                             reported_at_ms, received_at_ms, deadline_at_ms, updated_at_ms,
                             version, external_account, subcategory, subject_entity, subject_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22)",
    )?
    .execute(params![
        issue.id.to_string(),
        issue.grid_code,
        issue.domain.code(),
        issue.focus_tag.map(FocusTag::code),
        issue.description,
        issue.status.code(),
        issue.source.code(),
        position.map(|p| p.lat),
        position.map(|p| p.lon),
        position.and_then(|p| p.accuracy_m),
        position.map(|p| p.source.code()),
        issue.address,
        issue.reported_by,
        issue.reported_at_ms,
        issue.received_at_ms,
        issue.deadline_at_ms,
        issue.updated_at_ms,
        issue.version,
        external_account,
        issue.subcategory,
        issue.subject.as_ref().map(|s| s.entity.code()),
        issue.subject.as_ref().map(|s| s.id.to_string()),
    ])?;
    let mut photo = conn.prepare_cached(
        "INSERT INTO issue_photos (issue_id, ordinal, sha256) VALUES (?1, ?2, ?3)",
    )?;
    for (ordinal, sha256) in issue.photos.iter().enumerate() {
        photo.execute(params![issue.id.to_string(), ordinal as i64, sha256])?;
    }
    changes::record_json(conn, &issue.grid_code, Entity::Issue, issue.id, Some(json))?;
    Ok(())
}

/// Whether an issue with this id exists.
pub fn exists(conn: &Connection, id: Uuid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM issues WHERE id = ?1")?
        .exists(params![id.to_string()])
}

/// Reads a vocabulary code from column `idx`; an unknown code is a
/// conversion error rather than a silent default.
pub fn vocabulary<T>(r: &Row, idx: usize, from_code: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let code: String = r.get(idx)?;
    from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            Type::Text,
            format!("unknown code {code:?}").into(),
        )
    })
}
