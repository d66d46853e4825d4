//! Handling tasks on the device: the steps a grid leader takes on an issue
//! (start, mark handled, escalate, add a note) and the issue's timeline.
//!
//! A step shows at once: the issue moves locally by the same lifecycle
//! table the relay enforces, and the step appears in the timeline marked
//! pending. The relay has the last word. If the platform moved the issue in
//! the meantime, the relay keeps the step without effect and says why; the
//! next pull brings the relay's state and that reason.
//!
//! Marking an issue handled needs at least one "after" photo, and evidence
//! that it was taken at the scene: a position (the photo's own, else the
//! phone's when the step is taken) within the handling radius of the
//! issue's location (100 m unless the `handle_radius_m` setting says
//! otherwise).

use gridline_schema::geo::distance_m;
use gridline_schema::lifecycle::{self, Actor, EventKind, Refusal};
use gridline_schema::wire::{Action, Entity, NewIssueEvent};
use gridline_schema::IssueStatus;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::db::meta_get;
use super::error::{CoreError, Result};
use super::model::{PhotoRef, Position};
use super::outbox::{self, Author};
use super::photo_store::photo_url;
use super::Device;

/// How near the scene an "after" photo must be, unless configured.
pub const DEFAULT_HANDLE_RADIUS_M: f64 = 100.0;

/// A step the leader takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepInput {
    pub issue_id: String,
    pub kind: EventKind,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    /// The phone's position when the step was taken.
    #[serde(default)]
    pub position: Option<Position>,
}

/// One step of an issue's timeline, for the screens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineItem {
    pub id: String,
    pub kind: EventKind,
    pub from_status: IssueStatus,
    pub to_status: IssueStatus,
    pub effective: bool,
    /// Why the step did not move the issue: `stale_transition` or
    /// `transition_not_allowed`.
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub photos: Vec<PhotoRef>,
    pub actor: String,
    pub at_ms: i64,
    /// When the relay received it; `None` while pending.
    pub received_at_ms: Option<i64>,
    pub pending: bool,
}

impl Device {
    /// Takes a step on an issue of the grid. Works offline.
    pub fn take_step(&self, input: StepInput) -> Result<TimelineItem> {
        let kind = input.kind;
        if !kind.permitted_to(Actor::Leader) {
            return Err(CoreError::StepNotAllowed(kind.code().to_owned()));
        }
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if kind.needs_note() && note.is_none() {
            return Err(CoreError::NoteRequired);
        }
        if kind.needs_photo() && input.photos.is_empty() {
            return Err(CoreError::PhotoRequired);
        }
        let issue_id = Uuid::parse_str(&input.issue_id).map_err(|_| CoreError::RowMissing)?;
        let session = self.stored_session()?;
        let device_id = self.device_id()?;
        let event_id = Uuid::now_v7();
        let now = self.now_ms();

        self.db.write(|tx| {
            let (status, scene) =
                issue_status_and_scene(tx, &input.issue_id)?.ok_or(CoreError::RowMissing)?;
            let to = lifecycle::step(kind, status, None).map_err(|refusal| match refusal {
                Refusal::NotFrom(found) | Refusal::Stale { found, .. } => {
                    CoreError::StepNotAllowed(found.code().to_owned())
                }
            })?;
            for sha in &input.photos {
                if !tx
                    .prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?
                    .exists([sha])?
                {
                    return Err(CoreError::PhotoNotFound(sha.clone()));
                }
            }
            if kind.needs_photo() {
                if let Some(scene) = scene {
                    check_at_scene(tx, scene, &input.photos, input.position)?;
                }
            }
            let position = input.position.map(|p| gridline_schema::wire::Position {
                lat: p.lat,
                lon: p.lon,
                accuracy_m: p.accuracy_m,
                source: p.source,
            });
            let step = NewIssueEvent {
                issue_id,
                kind,
                expected_status: Some(status),
                note: note.clone(),
                photos: input.photos.clone(),
                position,
                at_ms: now,
            };
            tx.execute(
                "INSERT INTO issue_events (id, issue_id, kind, from_status, to_status, effective,
                                           note, photos_json, lat, lon, accuracy_m, actor, at_ms,
                                           pending)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)",
                params![
                    event_id.to_string(),
                    input.issue_id,
                    kind.code(),
                    status.code(),
                    to.code(),
                    note,
                    serde_json::to_string(&input.photos)?,
                    position.map(|p| p.lat),
                    position.map(|p| p.lon),
                    position.and_then(|p| p.accuracy_m),
                    session.account,
                    now
                ],
            )?;
            tx.execute(
                "UPDATE issues SET status = ?2, updated_at_ms = ?3 WHERE id = ?1",
                params![input.issue_id, to.code(), now],
            )?;
            let author = Author {
                account: &session.account,
                device_id: &device_id,
            };
            outbox::queue(
                tx,
                &author,
                Entity::IssueEvent,
                event_id,
                Action::Create,
                serde_json::to_value(step)?,
                now,
            )?;
            Ok(())
        })?;
        tracing::info!(issue = %issue_id, kind = kind.code(), "step taken");
        self.timeline(&input.issue_id)?
            .into_iter()
            .find(|e| e.id == event_id.to_string())
            .ok_or(CoreError::RowMissing)
    }

    /// The steps of an issue, oldest first.
    pub fn timeline(&self, issue_id: &str) -> Result<Vec<TimelineItem>> {
        let conn = self.db.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, kind, from_status, to_status, effective, reason, note, photos_json, actor,
                    at_ms, received_at_ms, pending
               FROM issue_events WHERE issue_id = ?1 ORDER BY COALESCE(received_at_ms, at_ms), at_ms",
        )?;
        let rows = stmt.query_map([issue_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, Option<i64>>(10)?,
                r.get::<_, bool>(11)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (
                id,
                kind,
                from,
                to,
                effective,
                reason,
                note,
                photos,
                actor,
                at_ms,
                received_at_ms,
                pending,
            ) = row?;
            let unknown =
                |what: &str| CoreError::Internal(format!("unknown {what} in the timeline"));
            let photos: Vec<String> = serde_json::from_str(&photos)?;
            items.push(TimelineItem {
                id,
                kind: EventKind::from_code(&kind).ok_or_else(|| unknown("step"))?,
                from_status: IssueStatus::from_code(&from).ok_or_else(|| unknown("status"))?,
                to_status: IssueStatus::from_code(&to).ok_or_else(|| unknown("status"))?,
                effective,
                reason_code: reason.map(|r| r.split(':').next().unwrap_or_default().to_owned()),
                note,
                photos: photos
                    .into_iter()
                    .map(|sha| PhotoRef {
                        url: photo_url(&sha),
                        sha256: sha,
                    })
                    .collect(),
                actor,
                at_ms,
                received_at_ms,
                pending,
            });
        }
        Ok(items)
    }
}

/// Where an issue is: latitude and longitude, WGS-84.
type Scene = (f64, f64);

/// The issue's status and its location, if the device has the issue.
fn issue_status_and_scene(
    conn: &Connection,
    id: &str,
) -> Result<Option<(IssueStatus, Option<Scene>)>> {
    let row: Option<(String, Option<f64>, Option<f64>)> = conn
        .query_row(
            "SELECT status, lat, lon FROM issues WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((status, lat, lon)) = row else {
        return Ok(None);
    };
    let status = IssueStatus::from_code(&status)
        .ok_or_else(|| CoreError::Internal(format!("unknown status {status}")))?;
    Ok(Some((status, lat.zip(lon))))
}

/// Whether an "after" photo is shown to be at the scene: the nearest known
/// position (each photo's own, then the phone's) within the radius.
fn check_at_scene(
    conn: &Connection,
    (lat, lon): Scene,
    photos: &[String],
    phone: Option<Position>,
) -> Result<()> {
    let limit_m = meta_get(conn, "handle_radius_m")?
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(DEFAULT_HANDLE_RADIUS_M);
    let mut evidence = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT exif_lat, exif_lon FROM photos WHERE sha256 = ?1")?;
    for sha in photos {
        let at: Option<(Option<f64>, Option<f64>)> = stmt
            .query_row([sha], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((Some(plat), Some(plon))) = at {
            evidence.push(distance_m(lat, lon, plat, plon));
        }
    }
    if let Some(p) = phone {
        evidence.push(distance_m(lat, lon, p.lat, p.lon));
    }
    let nearest = evidence.into_iter().fold(f64::INFINITY, f64::min);
    if nearest.is_infinite() {
        return Err(CoreError::PositionRequired);
    }
    if nearest > limit_m {
        return Err(CoreError::TooFarFromIssue {
            distance_m: nearest.round() as u32,
            limit_m: limit_m as u32,
        });
    }
    Ok(())
}
