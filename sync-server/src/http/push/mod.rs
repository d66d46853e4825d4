//! Applying the operations of a push, each once, each on its own.
//!
//! A push runs in one `IMMEDIATE` transaction and each operation in a
//! savepoint inside it: a refused operation rolls back alone and does not
//! hold back the rest, and a batch costs one commit, not one per operation.
//! A fault of the relay itself (an `Err`) rolls back the whole push, which
//! the device then sends again.
//!
//! The answer given to an operation is stored in `applied_ops` with its id,
//! so a replay (the device lost the response and pushes again) changes
//! nothing and is answered as before: `duplicate` for an applied or merged
//! operation, the same refusal for a rejected one. The id must name the
//! same operation from the same account: otherwise it is refused as
//! `op_id_conflict`. Only `retry` is not stored, because its cause (a photo
//! still uploading) goes away and the operation should then apply.
//!
//! What an operation does is decided by its entity: [`report`] files an
//! issue, [`registry`] creates, merges and deletes registry rows, and
//! [`super::timeline`] takes a step in an issue's life.

mod conflicts;
mod registry;
mod report;
mod visit;

use gridline_schema::wire::{Action, Entity, OpResult, Operation, Outcome};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::auth::{sha256_hex, DeviceSession};
use super::error::ApiError;
use super::timeline;
use crate::store;

/// What became of an operation that reached a decision.
pub(crate) enum Decision {
    /// Applied as sent.
    Applied,
    /// Kept, but merged or without effect: `code` and `message` say how.
    Merged { code: &'static str, message: String },
    /// Not applied: rejected for good, or `retry` later.
    Refused(Refusal),
}

/// Why an operation was not applied: `rejected` for good or `retry` later.
pub(crate) struct Refusal {
    pub outcome: Outcome,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn rejected(code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            outcome: Outcome::Rejected,
            code,
            message: message.into(),
        }
    }

    pub fn retry(code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            outcome: Outcome::Retry,
            code,
            message: message.into(),
        }
    }
}

impl From<Refusal> for Decision {
    fn from(refusal: Refusal) -> Self {
        Decision::Refused(refusal)
    }
}

/// What can be worked out about an operation without the database: its
/// content hash, when it arrived, and for a report the checked issue.
pub struct Prepared {
    content_sha256: String,
    received_at_ms: i64,
    report: Option<report::Prepared>,
}

/// Prepares the operations of a push; CPU work only, done before the push
/// queues for the database so that the one writer spends its time writing.
pub fn prepare(session: &DeviceSession, ops: &[Operation]) -> Vec<Prepared> {
    let received_at_ms = store::now_ms();
    ops.iter()
        .map(|op| Prepared {
            content_sha256: content_sha256(op),
            received_at_ms,
            report: ((op.entity, op.action) == (Entity::Issue, Action::Create))
                .then(|| report::prepare(op, session, received_at_ms)),
        })
        .collect()
}

/// Applies the operations of one push for the device behind `session`, in
/// order, and says what became of each.
pub fn apply_batch(
    conn: &mut Connection,
    session: &DeviceSession,
    ops: &[Operation],
    prepared: Vec<Prepared>,
) -> Result<Vec<OpResult>, ApiError> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(ops.len());
    for (op, prepared) in ops.iter().zip(prepared) {
        let sp = tx.savepoint()?;
        let (result, keep) = apply_one(&sp, session, op, prepared)?;
        if keep {
            sp.commit()?;
        }
        results.push(result);
    }
    tx.commit()?;
    let applied = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Applied | Outcome::Merged))
        .count();
    tracing::info!(ops = results.len(), applied, "push applied");
    for r in results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Rejected | Outcome::Retry))
    {
        tracing::info!(op_id = %r.op_id, outcome = outcome_code(r.outcome), code = r.code.as_deref().unwrap_or_default(), "operation not applied");
    }
    Ok(results)
}

/// Decides one operation; the flag says whether its writes are kept.
fn apply_one(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    prepared: Prepared,
) -> Result<(OpResult, bool), ApiError> {
    let Prepared {
        content_sha256,
        received_at_ms,
        report,
    } = prepared;
    if let Some(previous) = previous_answer(conn, session, op, &content_sha256)? {
        return Ok((previous, false));
    }

    let decision = match (op.entity, op.action, report) {
        (Entity::Issue, Action::Create, Some(report)) => report::file(conn, session, report)?,
        (Entity::IssueEvent, Action::Create, _) => {
            timeline::from_device(conn, session, op, received_at_ms)?
        }
        (Entity::Visit, Action::Create, _) => visit::record(conn, session, op, received_at_ms)?,
        (Entity::Household | Entity::Resident | Entity::Enterprise, _, _) => {
            registry::apply(conn, session, op, received_at_ms)?
        }
        _ => Refusal::rejected(
            "unsupported_operation",
            format!("the relay does not accept {:?} {:?}", op.action, op.entity),
        )
        .into(),
    };
    let (outcome, code, message) = match decision {
        Decision::Applied => (Outcome::Applied, None, None),
        Decision::Merged { code, message } => (Outcome::Merged, Some(code), Some(message)),
        Decision::Refused(refusal) if refusal.outcome == Outcome::Retry => {
            // Rolling the savepoint back records nothing: the next push tries again.
            let result = OpResult {
                op_id: op.id,
                outcome: Outcome::Retry,
                code: Some(refusal.code.to_owned()),
                message: Some(refusal.message),
                received_at_ms,
            };
            return Ok((result, false));
        }
        Decision::Refused(refusal) => {
            (Outcome::Rejected, Some(refusal.code), Some(refusal.message))
        }
    };

    conn.prepare_cached(
        "INSERT INTO applied_ops (op_id, grid_code, account, device_id, entity, row_id, hlc,
                                  claimed_at_ms, received_at_ms, outcome, code, message,
                                  content_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        op.id.to_string(),
        session.grid_code,
        session.account,
        session.device_id,
        op.entity.code(),
        op.row_id.to_string(),
        op.hlc,
        op.created_at_ms,
        received_at_ms,
        outcome_code(outcome),
        code,
        message,
        content_sha256,
    ])?;
    let result = OpResult {
        op_id: op.id,
        outcome,
        code: code.map(str::to_owned),
        message,
        received_at_ms,
    };
    Ok((result, true))
}

/// The SHA-256 of what an operation does (entity, row, action, fields), so
/// a replay can be told from a different operation reusing its id.
fn content_sha256(op: &Operation) -> String {
    // The compact JSON array [entity, row_id, action, fields], written out
    // rather than built as a value, which would copy the fields.
    fn compact<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
    let content = format!(
        "[{},{},{},{}]",
        compact(&op.entity),
        compact(&op.row_id),
        compact(&op.action),
        op.fields
    );
    sha256_hex(content.as_bytes())
}

/// The stored answer for an operation seen before, as a replay receives it.
/// An id seen before from another account, or with other content, is not a
/// replay: it is refused as `op_id_conflict`, and that refusal is not
/// stored, so the original keeps its answer.
fn previous_answer(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    content_sha256: &str,
) -> Result<Option<OpResult>, ApiError> {
    let row = conn
        .prepare_cached(
            "SELECT outcome, code, message, received_at_ms, account, content_sha256
               FROM applied_ops WHERE op_id = ?1",
        )?
        .query_row(params![op.id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((outcome, code, message, received_at_ms, account, stored_sha256)) = row else {
        return Ok(None);
    };
    // An empty hash is a row written before hashes were kept: it cannot
    // be compared, so only the account is.
    let same_content = stored_sha256.is_empty() || stored_sha256 == content_sha256;
    if account != session.account || !same_content {
        tracing::warn!(op_id = %op.id, "an operation id was reused for a different operation");
        return Ok(Some(OpResult {
            op_id: op.id,
            outcome: Outcome::Rejected,
            code: Some("op_id_conflict".to_owned()),
            message: Some(
                "this operation id was already used for a different operation".to_owned(),
            ),
            received_at_ms: store::now_ms(),
        }));
    }
    let outcome = if outcome == outcome_code(Outcome::Rejected) {
        Outcome::Rejected
    } else {
        Outcome::Duplicate
    };
    let (code, message) = if outcome == Outcome::Rejected {
        (code, message)
    } else {
        (None, None)
    };
    Ok(Some(OpResult {
        op_id: op.id,
        outcome,
        code,
        message,
        received_at_ms,
    }))
}

fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Applied => "applied",
        Outcome::Merged => "merged",
        Outcome::Duplicate => "duplicate",
        Outcome::Rejected => "rejected",
        Outcome::Retry => "retry",
    }
}

/// The SHA-256 names of `photos`, lowercased, or why one is not a name.
pub(crate) fn photo_names(photos: &[String]) -> Result<Vec<String>, Refusal> {
    photos
        .iter()
        .map(|sha| {
            let sha = sha.to_ascii_lowercase();
            if super::photos::is_sha256_hex(&sha) {
                Ok(sha)
            } else {
                Err(Refusal::rejected(
                    "invalid_photo_hash",
                    "photos must be named by 64 hex characters of SHA-256",
                ))
            }
        })
        .collect()
}

/// `retry` if the relay does not have every photo of the list yet.
pub(crate) fn missing_photos(
    conn: &Connection,
    photos: &[String],
) -> rusqlite::Result<Option<Refusal>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?;
    let mut missing = Vec::new();
    for sha in photos {
        if !stmt.exists(params![sha])? {
            missing.push(sha.as_str());
        }
    }
    Ok((!missing.is_empty()).then(|| {
        Refusal::retry(
            "photo_missing",
            format!("upload these photos first: {}", missing.join(", ")),
        )
    }))
}
