//! `visit` + `create`: a leader's visit to a household or enterprise of the
//! grid, kept with its note, photo and position, and credited by the points
//! rules.

use gridline_schema::geo;
use gridline_schema::wire::{Entity, NewVisit, Operation, VisitRecord};
use rusqlite::{params, Connection};

use super::{missing_photos, photo_names, Decision, Refusal};
use crate::changes;
use crate::http::auth::DeviceSession;
use crate::http::error::ApiError;
use crate::http::points;

/// The longest visit note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

pub fn record(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    received_at_ms: i64,
) -> Result<Decision, ApiError> {
    let visit: NewVisit = match serde_json::from_value(op.fields.clone()) {
        Ok(visit) => visit,
        Err(e) => {
            return Ok(Refusal::rejected("invalid_fields", format!("not a visit: {e}")).into())
        }
    };
    if !matches!(visit.subject.entity, Entity::Household | Entity::Enterprise) {
        return Ok(Refusal::rejected(
            "invalid_subject",
            "a visit is to a household or an enterprise",
        )
        .into());
    }
    let note = visit.note.trim();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        let message = format!("a visit needs a note of 1 to {MAX_NOTE_CHARS} characters");
        return Ok(Refusal::rejected("note_required", message).into());
    }
    if visit
        .position
        .is_some_and(|p| !geo::is_real_fix(p.lat, p.lon))
    {
        return Ok(Refusal::rejected("invalid_position", "the position is not a real fix").into());
    }
    let known = matches!(
        changes::current(conn, visit.subject.entity, visit.subject.id)?,
        Some((grid, Some(_))) if grid == session.grid_code
    );
    if !known {
        return Ok(
            Refusal::rejected("subject_missing", "the visited row is not in this grid").into(),
        );
    }
    let photos = match photo_names(visit.photo.as_slice()) {
        Ok(photos) => photos,
        Err(refusal) => return Ok(refusal.into()),
    };
    if let Some(retry) = missing_photos(conn, &photos)? {
        return Ok(retry.into());
    }
    if changes::current(conn, Entity::Visit, op.row_id)?.is_some() {
        return Ok(Refusal::rejected("row_exists", format!("visit {} exists", op.row_id)).into());
    }

    let record = VisitRecord {
        id: op.row_id,
        grid_code: session.grid_code.clone(),
        account: session.account.clone(),
        subject: visit.subject,
        note: note.to_owned(),
        photo: photos.into_iter().next(),
        position: visit.position,
        at_ms: visit.at_ms,
        received_at_ms,
    };
    let p = record.position;
    conn.prepare_cached(
        "INSERT INTO visits (id, grid_code, account, subject_entity, subject_id, note, photo_sha256,
                             lat, lon, accuracy_m, at_ms, received_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        record.id.to_string(),
        record.grid_code,
        record.account,
        record.subject.entity.code(),
        record.subject.id.to_string(),
        record.note,
        record.photo,
        p.map(|p| p.lat),
        p.map(|p| p.lon),
        p.and_then(|p| p.accuracy_m),
        record.at_ms,
        received_at_ms
    ])?;
    let data = serde_json::to_value(&record).map_err(ApiError::internal)?;
    changes::record(
        conn,
        &record.grid_code,
        Entity::Visit,
        record.id,
        Some(&data),
    )?;
    // Credited by when the relay received it: a phone's clock decides nothing.
    points::credit_visit(
        conn,
        &record.grid_code,
        &record.account,
        record.id,
        received_at_ms,
    )?;
    Ok(Decision::Applied)
}
