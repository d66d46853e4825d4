//! `issue` + `create`: a report filed on a device becomes an issue of the
//! device's grid, once all its photos have arrived.

use gridline_schema::geo;
use gridline_schema::wire::{Entity, IssueRecord, NewReport, Operation};
use gridline_schema::{IssueSource, IssueStatus};
use rusqlite::Connection;
use serde::Deserialize;

use super::{missing_photos, photo_names, Decision, Refusal};
use crate::http::auth::DeviceSession;
use crate::http::error::ApiError;
use crate::http::issues;

/// The longest description a report may carry, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// A report checked and written out before the database is taken: the
/// issue and its wire JSON, or why it is refused.
pub type Prepared = Result<(IssueRecord, String), Refusal>;

/// Checks the report `op` carries and writes its issue's JSON; needs no
/// database, so a push does this before queueing for it.
pub fn prepare(op: &Operation, session: &DeviceSession, received_at_ms: i64) -> Prepared {
    let issue = report_to_issue(op, session, received_at_ms)?;
    let json = serde_json::to_string(&issue)
        .map_err(|e| Refusal::rejected("invalid_fields", e.to_string()))?;
    Ok((issue, json))
}

/// Files a prepared report, or says why not.
pub fn file(
    conn: &Connection,
    session: &DeviceSession,
    prepared: Prepared,
) -> Result<Decision, ApiError> {
    let (issue, json) = match prepared {
        Ok(prepared) => prepared,
        Err(refusal) => return Ok(refusal.into()),
    };
    if issues::exists(conn, issue.id)? {
        let message = format!("issue {} already exists", issue.id);
        return Ok(Refusal::rejected("row_exists", message).into());
    }
    if let Some(subject) = &issue.subject {
        let registry = [Entity::Household, Entity::Resident, Entity::Enterprise];
        let known = registry.contains(&subject.entity)
            && matches!(
                crate::changes::current(conn, subject.entity, subject.id)?,
                Some((grid, Some(_))) if grid == session.grid_code
            );
        if !known {
            let message = format!(
                "{} {} is not in this grid",
                subject.entity.code(),
                subject.id
            );
            return Ok(Refusal::rejected("subject_missing", message).into());
        }
    }
    if let Some(retry) = missing_photos(conn, &issue.photos)? {
        return Ok(retry.into());
    }
    issues::insert_written(conn, &issue, &json, None).map_err(ApiError::internal)?;
    Ok(Decision::Applied)
}

/// Validates the fields of an `issue` + `create` and builds the issue. A
/// report belongs to the grid of the token that pushed it.
fn report_to_issue(
    op: &Operation,
    session: &DeviceSession,
    received_at_ms: i64,
) -> Result<IssueRecord, Refusal> {
    let report = NewReport::deserialize(&op.fields)
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
    if let Some(code) = &report.subcategory {
        if !gridline_schema::subcategory::belongs_to(report.domain, code) {
            let message = format!("{code} is not a sub-category of {}", report.domain);
            return Err(Refusal::rejected("invalid_subcategory", message));
        }
    }
    let photos = photo_names(&report.photos)?;

    Ok(IssueRecord {
        id: op.row_id,
        subcategory: report.subcategory.clone(),
        subject: report.subject.clone(),
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
