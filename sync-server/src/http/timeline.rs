//! Steps in an issue's life, from a leader's device or from the platform.
//!
//! Every step is kept in the issue's timeline. A step that applies moves the
//! issue; a step taken on an outdated view of the issue (the leader saw it
//! `handling`, the platform has since returned it) or one that does not
//! start from the issue's state is kept with `effective = false` and the
//! reason, and the issue stays where it is. Timeline events are only ever
//! added, so two of them never conflict.

use gridline_schema::lifecycle::{self, Actor, EventKind};
use gridline_schema::wire::{Entity, IssueEventRecord, IssueRecord, NewIssueEvent, Operation};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::auth::DeviceSession;
use super::error::ApiError;
use super::points;
use super::push::{missing_photos, photo_names, Decision, Refusal};
use crate::changes;

/// The longest note a step may carry, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// Who took a step and by whose clock.
pub struct Taker<'a> {
    pub actor: Actor,
    /// The account, or the platform key's name.
    pub name: &'a str,
    /// The grid the taker may act in; `None` for the platform.
    pub grid_code: Option<&'a str>,
}

/// `issue_event` + `create` from a device.
pub fn from_device(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    received_at_ms: i64,
) -> Result<Decision, ApiError> {
    let step: NewIssueEvent = match serde_json::from_value(op.fields.clone()) {
        Ok(step) => step,
        Err(e) => {
            return Ok(Refusal::rejected("invalid_fields", format!("not a step: {e}")).into())
        }
    };
    let taker = Taker {
        actor: Actor::Leader,
        name: &session.account,
        grid_code: Some(&session.grid_code),
    };
    Ok(
        match take(conn, &taker, op.row_id, &step, None, received_at_ms)? {
            Ok(Taken { refusal: None, .. }) => Decision::Applied,
            Ok(Taken {
                refusal: Some(refusal),
                ..
            }) => Decision::Merged {
                code: refusal.code(),
                message: refusal.message(step.kind),
            },
            Err(refusal) => refusal.into(),
        },
    )
}

/// A step kept in the timeline, and why it did not move the issue, if it did not.
pub struct Taken {
    pub event: IssueEventRecord,
    pub refusal: Option<lifecycle::Refusal>,
}

/// Takes `step` on its issue as `taker`: records the event (id `event_id`)
/// and, if it applies, moves the issue (setting `deadline_at_ms` when
/// given). Call inside a write transaction.
pub fn take(
    conn: &Connection,
    taker: &Taker<'_>,
    event_id: Uuid,
    step: &NewIssueEvent,
    deadline_at_ms: Option<i64>,
    received_at_ms: i64,
) -> Result<Result<Taken, Refusal>, ApiError> {
    if !step.kind.permitted_to(taker.actor) {
        let message = format!("a grid leader may not {} an issue", step.kind);
        return Ok(Err(Refusal::rejected("step_not_permitted", message)));
    }
    let issue = match changes::current(conn, Entity::Issue, step.issue_id)? {
        Some((grid, Some(data))) if taker.grid_code.is_none_or(|g| g == grid) => {
            serde_json::from_value::<IssueRecord>(data).map_err(ApiError::internal)?
        }
        // Not here at all: most likely the device's own report, still
        // waiting for a photo. Try again later rather than refuse for good.
        None if taker.actor == Actor::Leader => {
            let message = format!("issue {} has not arrived yet", step.issue_id);
            return Ok(Err(Refusal::retry("issue_missing", message)));
        }
        _ => {
            let message = format!("issue {} is not in this grid", step.issue_id);
            return Ok(Err(Refusal::rejected("issue_missing", message)));
        }
    };
    if let Some(p) = step.position {
        let accuracy_ok = p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
        if !gridline_schema::geo::is_real_fix(p.lat, p.lon) || !accuracy_ok {
            let message = "the position is not a real fix, or its accuracy is negative";
            return Ok(Err(Refusal::rejected("invalid_position", message)));
        }
    }
    let note = step
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if step.kind.needs_note() && note.is_none() {
        let message = format!("{} needs a note saying why", step.kind);
        return Ok(Err(Refusal::rejected("note_required", message)));
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        let message = format!("the note is longer than {MAX_NOTE_CHARS} characters");
        return Ok(Err(Refusal::rejected("note_too_long", message)));
    }
    if step.kind.needs_photo() && step.photos.is_empty() {
        let message = "marking an issue handled needs at least one photo of the result";
        return Ok(Err(Refusal::rejected("photo_required", message)));
    }
    let photos = match photo_names(&step.photos) {
        Ok(photos) => photos,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(retry) = missing_photos(conn, &photos)? {
        return Ok(Err(retry));
    }
    let exists = conn
        .prepare_cached("SELECT 1 FROM issue_events WHERE id = ?1")?
        .exists(params![event_id.to_string()])?;
    if exists {
        return Ok(Err(Refusal::rejected(
            "row_exists",
            format!("step {event_id} exists"),
        )));
    }

    let from = issue.status;
    let (to, refusal) = match lifecycle::step(step.kind, from, step.expected_status) {
        Ok(to) => (to, None),
        Err(refusal) => (from, Some(refusal)),
    };
    let event = IssueEventRecord {
        id: event_id,
        issue_id: issue.id,
        grid_code: issue.grid_code.clone(),
        kind: step.kind,
        from_status: from,
        to_status: to,
        effective: refusal.is_none(),
        // The code first, so the device can word the reason itself.
        reason: refusal.map(|r| format!("{}: {}", r.code(), r.message(step.kind))),
        note: note.map(str::to_owned),
        photos,
        position: step.position,
        actor: taker.name.to_owned(),
        at_ms: step.at_ms,
        received_at_ms,
    };
    insert_event(conn, &event)?;
    if refusal.is_none() && (to != from || deadline_at_ms.is_some()) {
        let mut moved = issue;
        moved.status = to;
        moved.updated_at_ms = received_at_ms;
        moved.version += 1;
        if deadline_at_ms.is_some() {
            moved.deadline_at_ms = deadline_at_ms;
        }
        conn.prepare_cached(
            "UPDATE issues SET status = ?2, updated_at_ms = ?3, version = ?4, deadline_at_ms = ?5
              WHERE id = ?1",
        )?
        .execute(params![
            moved.id.to_string(),
            moved.status.code(),
            moved.updated_at_ms,
            moved.version,
            moved.deadline_at_ms
        ])?;
        let data = serde_json::to_value(&moved).map_err(ApiError::internal)?;
        changes::record(conn, &moved.grid_code, Entity::Issue, moved.id, Some(&data))?;
        credit_points(conn, &moved, step.kind, received_at_ms)?;
    }
    Ok(Ok(Taken { event, refusal }))
}

/// Writes one timeline event and its change-log entry.
pub fn insert_event(conn: &Connection, e: &IssueEventRecord) -> Result<(), ApiError> {
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
        serde_json::to_string(&e.photos).map_err(ApiError::internal)?,
        position.map(|p| p.lat),
        position.map(|p| p.lon),
        position.and_then(|p| p.accuracy_m),
        e.actor,
        e.at_ms,
        e.received_at_ms,
    ])?;
    let data = serde_json::to_value(e).map_err(ApiError::internal)?;
    changes::record(conn, &e.grid_code, Entity::IssueEvent, e.id, Some(&data))?;
    Ok(())
}

/// The points a step that took effect earns (see [`points`]). Both are
/// credited when the district verifies the issue, so a task returned as not
/// done earns nothing for having been marked handled.
fn credit_points(
    conn: &Connection,
    issue: &IssueRecord,
    kind: EventKind,
    at_ms: i64,
) -> Result<(), ApiError> {
    if kind != EventKind::Verify {
        return Ok(());
    }
    if let Some(reporter) = &issue.reported_by {
        let reason = "report_verified";
        points::credit(
            conn,
            &issue.grid_code,
            reporter,
            reason,
            issue.id,
            points::REPORT_VERIFIED,
            at_ms,
        )?;
    }
    let handled: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT actor, received_at_ms FROM issue_events
              WHERE issue_id = ?1 AND kind = 'handle' AND effective = 1
              ORDER BY received_at_ms DESC LIMIT 1",
        )?
        .query_row(params![issue.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((leader, handled_at)) = handled {
        if issue
            .deadline_at_ms
            .is_none_or(|deadline| handled_at <= deadline)
        {
            let reason = "handled_on_time";
            points::credit(
                conn,
                &issue.grid_code,
                &leader,
                reason,
                issue.id,
                points::HANDLED_ON_TIME,
                at_ms,
            )?;
        }
    }
    Ok(())
}
