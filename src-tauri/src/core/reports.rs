//! Filing reports on the device, and the lists the screens show.
//!
//! A report is written to `issues` and queued as an `issue`/`create`
//! operation in one transaction; it shows as pending until the relay
//! confirms it, and as rejected, with the relay's reason, if refused.

use gridline_schema::geo::{is_real_fix, polygons_contain};
use gridline_schema::wire::{Action, Entity, NewReport, Subject};
use gridline_schema::{Domain, FocusTag, IssueSource, IssueStatus, PositionSource};
use rusqlite::{params, Connection, OptionalExtension, Row};
use uuid::Uuid;

use super::error::{CoreError, Result};
use super::model::{HomeSummary, NewReportInput, Position, ReportItem, SyncMark, TaskItem};
use super::photo_store::is_sha256;
use super::{outbox, Device};

/// The longest description a report may carry, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

const ISSUE_COLUMNS: &str = "id, domain, focus_tag, description, status, source, lat, lon,
    accuracy_m, position_source, address, reported_at_ms, received_at_ms, deadline_at_ms";

impl Device {
    /// Saves a report locally and queues it for the relay. Works offline.
    pub fn create_report(&self, input: NewReportInput) -> Result<ReportItem> {
        let description = input.description.trim().to_owned();
        if description.is_empty() {
            return Err(CoreError::DescriptionEmpty);
        }
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(CoreError::DescriptionTooLong {
                max: MAX_DESCRIPTION_CHARS,
            });
        }
        if let Some(p) = &input.position {
            let accuracy_ok = p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
            if !is_real_fix(p.lat, p.lon) || !accuracy_ok {
                return Err(CoreError::PositionInvalid);
            }
        }
        if let Some(code) = &input.subcategory {
            if !gridline_schema::subcategory::belongs_to(input.domain, code) {
                return Err(CoreError::DomainRequired);
            }
        }
        let subject = match &input.subject {
            Some(s) => Some(Subject {
                entity: s.entity,
                id: Uuid::parse_str(&s.id).map_err(|_| CoreError::RowMissing)?,
            }),
            None => None,
        };
        let session = self.stored_session()?;
        let device_id = self.device_id()?;
        let id = Uuid::now_v7();
        let now = self.now_ms();

        self.db.write(|tx| {
            if let Some(s) = &subject {
                let table = super::registry::table(s.entity)?;
                let known = tx
                    .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
                    .exists([s.id.to_string()])?;
                if !known {
                    return Err(CoreError::RowMissing);
                }
            }
            for sha in &input.photos {
                let known: bool = is_sha256(sha)
                    && tx.query_row(
                        "SELECT COUNT(*) FROM photos WHERE sha256 = ?1",
                        [sha],
                        |r| r.get::<_, i64>(0).map(|n| n > 0),
                    )?;
                if !known {
                    return Err(CoreError::PhotoNotFound(sha.clone()));
                }
            }
            let fields = NewReport {
                domain: input.domain,
                subcategory: input.subcategory.clone(),
                subject: subject.clone(),
                focus_tag: input.focus_tag,
                description: description.clone(),
                position: input.position.map(|p| gridline_schema::wire::Position {
                    lat: p.lat,
                    lon: p.lon,
                    accuracy_m: p.accuracy_m,
                    source: p.source,
                }),
                photos: input.photos.clone(),
                reported_at_ms: now,
            };
            let p = input.position;
            tx.execute(
                "INSERT INTO issues (id, domain, focus_tag, description, status, source, lat, lon,
                                     accuracy_m, position_source, reported_by, reported_at_ms,
                                     updated_at_ms, filed_here, subcategory, subject_entity,
                                     subject_id)
                 VALUES (?1, ?2, ?3, ?4, 'reported', 'patrol', ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1,
                         ?11, ?12, ?13)",
                params![
                    id.to_string(),
                    input.domain.code(),
                    input.focus_tag.map(FocusTag::code),
                    description,
                    p.map(|p| p.lat),
                    p.map(|p| p.lon),
                    p.and_then(|p| p.accuracy_m),
                    p.map(|p| p.source.code()),
                    session.account,
                    now,
                    input.subcategory,
                    subject.as_ref().map(|s| s.entity.code()),
                    subject.as_ref().map(|s| s.id.to_string())
                ],
            )?;
            for (i, sha) in input.photos.iter().enumerate() {
                tx.execute(
                    "INSERT INTO issue_photos (issue_id, ordinal, sha256) VALUES (?1, ?2, ?3)",
                    params![id.to_string(), i as i64, sha],
                )?;
            }
            let author = outbox::Author {
                account: &session.account,
                device_id: &device_id,
            };
            let fields = serde_json::to_value(&fields)?;
            outbox::queue(tx, &author, Entity::Issue, id, Action::Create, fields, now)?;
            Ok(())
        })?;
        tracing::info!(issue = %id, domain = %input.domain, "report saved");

        let conn = self.db.lock();
        let sql = format!("SELECT {ISSUE_COLUMNS} FROM issues WHERE id = ?1");
        let item = conn.query_row(&sql, [id.to_string()], |r| Ok(report_row(r)))??;
        report_item(&conn, item)
    }

    /// Reports filed on this device, newest first, with their sync state.
    pub fn my_reports(&self) -> Result<Vec<ReportItem>> {
        let conn = self.db.lock();
        let sql = format!(
            "SELECT {ISSUE_COLUMNS} FROM issues WHERE filed_here = 1 OR reported_by = ?1
             ORDER BY reported_at_ms DESC"
        );
        let account = super::session::stored_session(&conn)?.map(|s| s.account);
        let mut stmt = conn.prepare(&sql)?;
        let rows: Vec<_> = stmt.query_map([account], |r| Ok(report_row(r)))?.collect();
        rows.into_iter()
            .map(|row| report_item(&conn, row??))
            .collect()
    }

    /// Issues dispatched to the grid (not filed by this leader): open ones
    /// first, soonest deadline first.
    pub fn grid_tasks(&self) -> Result<Vec<TaskItem>> {
        let conn = self.db.lock();
        let account = super::session::stored_session(&conn)?.map(|s| s.account);
        let sql = format!(
            "SELECT {ISSUE_COLUMNS} FROM issues
             WHERE filed_here = 0 AND (reported_by IS NULL OR reported_by != ?1)
             ORDER BY status IN ('verified', 'closed'),
                      deadline_at_ms IS NULL, deadline_at_ms, reported_at_ms DESC"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows: Vec<_> = stmt.query_map([account], |r| Ok(report_row(r)))?.collect();
        rows.into_iter()
            .map(|row| {
                let row = row??;
                Ok(TaskItem {
                    photos: Device::photo_refs(issue_photos(&conn, &row.id)?),
                    id: row.id,
                    domain: row.domain,
                    description: row.description,
                    status: row.status,
                    source: row.source,
                    address: row.address,
                    reported_at_ms: row.reported_at_ms,
                    deadline_at_ms: row.deadline_at_ms,
                    position: row.position,
                })
            })
            .collect()
    }

    /// Whether a WGS-84 point lies inside the leader's grid; `None` before
    /// the grid has been downloaded. The screens warn, but do not refuse, a
    /// report placed outside: the problem may sit just across the line.
    pub fn position_in_grid(&self, lat: f64, lon: f64) -> Result<Option<bool>> {
        let conn = self.db.lock();
        let boundary: Option<String> = conn
            .query_row("SELECT boundary_json FROM grid LIMIT 1", [], |r| r.get(0))
            .optional()?;
        let Some(boundary) = boundary else {
            return Ok(None);
        };
        let polygons: Vec<Vec<[f64; 2]>> = serde_json::from_str(&boundary)?;
        Ok(Some(
            is_real_fix(lat, lon) && polygons_contain(&polygons, lon, lat),
        ))
    }

    /// The home screen: the grid, its counts and the sync state.
    pub fn home_summary(&self) -> Result<HomeSummary> {
        let session = self.current_session()?.ok_or(CoreError::NotLoggedIn)?;
        let sync = self.sync_state()?;
        let conn = self.db.lock();
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        Ok(HomeSummary {
            session,
            residents: count("SELECT COUNT(*) FROM residents")?,
            households: count("SELECT COUNT(*) FROM households")?,
            enterprises: count("SELECT COUNT(*) FROM enterprises")?,
            open_issues: count(
                "SELECT COUNT(*) FROM issues WHERE status NOT IN ('verified', 'closed')",
            )?,
            sync,
        })
    }
}

/// An `issues` row as read, before its sync state is attached.
struct IssueRow {
    id: String,
    domain: Domain,
    focus_tag: Option<FocusTag>,
    description: String,
    status: IssueStatus,
    source: IssueSource,
    position: Option<Position>,
    address: Option<String>,
    reported_at_ms: i64,
    received_at_ms: Option<i64>,
    deadline_at_ms: Option<i64>,
}

fn report_row(r: &Row<'_>) -> Result<IssueRow> {
    let bad = |what: &str, v: &str| CoreError::Internal(format!("unknown {what} {v:?} in store"));
    let domain: String = r.get(1)?;
    let focus: Option<String> = r.get(2)?;
    let status: String = r.get(4)?;
    let source: String = r.get(5)?;
    let lat: Option<f64> = r.get(6)?;
    let lon: Option<f64> = r.get(7)?;
    let position_source: Option<String> = r.get(9)?;
    let position = match (lat, lon) {
        (Some(lat), Some(lon)) => Some(Position {
            lat,
            lon,
            accuracy_m: r.get(8)?,
            source: position_source
                .as_deref()
                .and_then(PositionSource::from_code)
                .unwrap_or(PositionSource::Manual),
        }),
        _ => None,
    };
    Ok(IssueRow {
        id: r.get(0)?,
        domain: Domain::from_code(&domain).ok_or_else(|| bad("domain", &domain))?,
        focus_tag: focus.as_deref().and_then(FocusTag::from_code),
        description: r.get(3)?,
        status: IssueStatus::from_code(&status).ok_or_else(|| bad("status", &status))?,
        source: IssueSource::from_code(&source).ok_or_else(|| bad("source", &source))?,
        position,
        address: r.get(10)?,
        reported_at_ms: r.get(11)?,
        received_at_ms: r.get(12)?,
        deadline_at_ms: r.get(13)?,
    })
}

fn report_item(conn: &Connection, row: IssueRow) -> Result<ReportItem> {
    let (sync, sync_error) = match outbox::row_state(conn, &row.id)? {
        Some((state, error)) if state == "rejected" => (SyncMark::Rejected, error),
        Some((_, error)) => (SyncMark::Pending, error),
        None if row.received_at_ms.is_some() => (SyncMark::Synced, None),
        None => (SyncMark::Pending, None),
    };
    let hashes = issue_photos(conn, &row.id)?;
    // The district's receipt: its first step that moved the report on.
    let accepted_at_ms: Option<i64> = conn
        .prepare_cached(
            "SELECT MIN(received_at_ms) FROM issue_events
              WHERE issue_id = ?1 AND effective = 1 AND kind IN ('accept', 'dispatch')",
        )?
        .query_row([&row.id], |r| r.get(0))?;
    Ok(ReportItem {
        accepted_at_ms,
        id: row.id,
        domain: row.domain,
        focus_tag: row.focus_tag,
        description: row.description,
        status: row.status,
        reported_at_ms: row.reported_at_ms,
        received_at_ms: row.received_at_ms,
        sync,
        sync_error,
        position: row.position,
        photos: Device::photo_refs(hashes),
    })
}

/// The photos filed with an issue, in order.
fn issue_photos(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT sha256 FROM issue_photos WHERE issue_id = ?1 ORDER BY ordinal")?;
    let hashes = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(hashes)
}
