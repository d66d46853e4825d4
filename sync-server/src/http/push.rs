//! Applying the operations of a push, each once, each on its own.
//!
//! Every operation runs in its own `IMMEDIATE` transaction: a refused one
//! does not hold back the rest of the batch. The answer given to an
//! operation is stored in `applied_ops` with its id, so a replay (the device
//! lost the response and pushes again) changes nothing and is answered as
//! before: `duplicate` for an applied operation, the same refusal for a
//! rejected one. The id must name the same operation from the same
//! account: otherwise it is refused as `op_id_conflict`. Only `retry` is not stored, because its cause (a photo
//! still uploading) goes away and the operation should then apply.

use gridline_schema::geo;
use gridline_schema::wire::{Action, Entity, IssueRecord, NewReport, OpResult, Operation, Outcome};
use gridline_schema::{IssueSource, IssueStatus};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::auth::{sha256_hex, DeviceSession};
use super::error::ApiError;
use super::issues;
use super::photos::is_sha256_hex;
use crate::store;

/// The longest description a report may carry, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Why an operation was not applied: `rejected` for good or `retry` later.
struct Refusal {
    outcome: Outcome,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn rejected(code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            outcome: Outcome::Rejected,
            code,
            message: message.into(),
        }
    }
}

/// Applies one operation for the device behind `session` and says what
/// became of it. An `Err` is a fault of the relay, not of the operation.
pub fn apply(
    conn: &mut Connection,
    session: &DeviceSession,
    op: &Operation,
) -> Result<OpResult, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let content_sha256 = content_sha256(op);
    if let Some(previous) = previous_answer(&tx, session, op, &content_sha256)? {
        return Ok(previous);
    }

    let received_at_ms = store::now_ms();
    let decision = check(&tx, session, op, received_at_ms)?;
    let (outcome, code, message) = match decision {
        Ok(issue) => {
            issues::insert(&tx, &issue, None).map_err(ApiError::internal)?;
            (Outcome::Applied, None, None)
        }
        Err(refusal) if refusal.outcome == Outcome::Retry => {
            // Dropping the transaction records nothing: the next push tries again.
            return Ok(OpResult {
                op_id: op.id,
                outcome: Outcome::Retry,
                code: Some(refusal.code.to_owned()),
                message: Some(refusal.message),
                received_at_ms,
            });
        }
        Err(refusal) => (Outcome::Rejected, Some(refusal.code), Some(refusal.message)),
    };

    tx.execute(
        "INSERT INTO applied_ops (op_id, grid_code, account, device_id, entity, row_id, hlc,
                                  claimed_at_ms, received_at_ms, outcome, code, message,
                                  content_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
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
        ],
    )?;
    tx.commit()?;
    if outcome == Outcome::Applied {
        tracing::info!(op_id = %op.id, row_id = %op.row_id, "operation applied");
    } else {
        tracing::info!(op_id = %op.id, code = code.unwrap_or_default(), "operation rejected");
    }
    Ok(OpResult {
        op_id: op.id,
        outcome,
        code: code.map(str::to_owned),
        message,
        received_at_ms,
    })
}

/// The SHA-256 of what an operation does (entity, row, action, fields), so
/// a replay can be told from a different operation reusing its id.
fn content_sha256(op: &Operation) -> String {
    let content = serde_json::json!([op.entity, op.row_id, op.action, op.fields]);
    sha256_hex(content.to_string().as_bytes())
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
        .query_row(
            "SELECT outcome, code, message, received_at_ms, account, content_sha256
               FROM applied_ops WHERE op_id = ?1",
            params![op.id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
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
    Ok(Some(if outcome == outcome_code(Outcome::Rejected) {
        OpResult {
            op_id: op.id,
            outcome: Outcome::Rejected,
            code,
            message,
            received_at_ms,
        }
    } else {
        OpResult {
            op_id: op.id,
            outcome: Outcome::Duplicate,
            code: None,
            message: None,
            received_at_ms,
        }
    }))
}

/// Decides an operation: the issue to insert, or why not.
fn check(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    received_at_ms: i64,
) -> Result<Result<IssueRecord, Refusal>, ApiError> {
    if (op.entity, op.action) != (Entity::Issue, Action::Create) {
        return Ok(Err(Refusal::rejected(
            "unsupported_operation",
            format!(
                "the relay does not accept {:?} {:?} yet",
                op.action, op.entity
            ),
        )));
    }
    let issue = match report_to_issue(op, session, received_at_ms) {
        Ok(issue) => issue,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if issues::exists(conn, issue.id)? {
        return Ok(Err(Refusal::rejected(
            "row_exists",
            format!("issue {} already exists", issue.id),
        )));
    }
    let missing = missing_photos(conn, &issue.photos)?;
    if !missing.is_empty() {
        return Ok(Err(Refusal {
            outcome: Outcome::Retry,
            code: "photo_missing",
            message: format!("upload these photos first: {}", missing.join(", ")),
        }));
    }
    Ok(Ok(issue))
}

/// Validates the fields of an `issue` + `create` and builds the issue. A
/// report belongs to the grid of the token that pushed it.
fn report_to_issue(
    op: &Operation,
    session: &DeviceSession,
    received_at_ms: i64,
) -> Result<IssueRecord, Refusal> {
    let report: NewReport = serde_json::from_value(op.fields.clone())
        .map_err(|e| Refusal::rejected("invalid_fields", format!("not a report: {e}")))?;

    let description = report.description.trim();
    if description.is_empty() {
        return Err(Refusal::rejected(
            "description_empty",
            "the description is empty",
        ));
    }
    let chars = description.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(Refusal::rejected(
            "description_too_long",
            format!("the description has {chars} characters; at most {MAX_DESCRIPTION_CHARS}"),
        ));
    }
    if let Some(p) = &report.position {
        let accuracy_ok = p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
        if !geo::is_real_fix(p.lat, p.lon) || !accuracy_ok {
            return Err(Refusal::rejected(
                "invalid_position",
                "the position is not a real fix, or its accuracy is negative",
            ));
        }
    }
    let mut photos = Vec::with_capacity(report.photos.len());
    for sha in &report.photos {
        let sha = sha.to_ascii_lowercase();
        if !is_sha256_hex(&sha) {
            return Err(Refusal::rejected(
                "invalid_photo_hash",
                "photos must be named by 64 hex characters of SHA-256",
            ));
        }
        photos.push(sha);
    }

    Ok(IssueRecord {
        id: op.row_id,
        grid_code: session.grid_code.clone(),
        domain: report.domain,
        focus_tag: report.focus_tag,
        description: description.to_owned(),
        status: IssueStatus::Reported,
        source: IssueSource::Patrol,
        position: report.position,
        address: None,
        photos,
        reported_by: Some(session.account.clone()),
        reported_at_ms: report.reported_at_ms,
        received_at_ms,
        deadline_at_ms: None,
        updated_at_ms: received_at_ms,
        version: 1,
    })
}

/// The photos of the list the relay does not have yet.
fn missing_photos(conn: &Connection, photos: &[String]) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?;
    let mut missing = Vec::new();
    for sha in photos {
        if !stmt.exists(params![sha])? {
            missing.push(sha.clone());
        }
    }
    Ok(missing)
}

fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Applied => "applied",
        Outcome::Duplicate => "duplicate",
        Outcome::Rejected => "rejected",
        Outcome::Retry => "retry",
    }
}
