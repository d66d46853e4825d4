//! Patrols (走访排查): start and stop, the GPS track while one runs, visits
//! to households and enterprises, and the day's summary.
//!
//! A track keeps only real fixes: a position of exactly 0,0 (what a phone
//! reports before its first fix) or one less accurate than
//! [`MAX_TRACK_ACCURACY_M`] is discarded, and so is a jump faster than a
//! person on an e-bike could move, which is a fix gone wrong rather than a
//! walk. Visits go to the relay as operations, where the points rules
//! credit them; the track stays on the phone.

use gridline_schema::geo::{distance_m, is_real_fix};
use gridline_schema::wire::{Action, Entity, NewVisit, Subject};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{CoreError, Result};
use super::model::Position;
use super::outbox::{self, Author};
use super::Device;

/// Fixes less accurate than this, in metres, are left out of the track.
pub const MAX_TRACK_ACCURACY_M: f64 = 50.0;
/// Faster than this between two fixes, in metres per second, is a bad fix.
pub const MAX_TRACK_SPEED_M_S: f64 = 15.0;
/// Steps shorter than this are never called jumps: fixes a second apart
/// wander by tens of metres under tall buildings.
pub const MIN_JUMP_M: f64 = 200.0;

const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatrolItem {
    pub id: String,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub distance_m: f64,
    pub points: i64,
    pub visits: i64,
}

/// A visit as the leader records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitInput {
    /// `household` or `enterprise`.
    pub entity: Entity,
    pub id: String,
    pub note: String,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub position: Option<Position>,
}

/// One day of patrol work, China time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaySummary {
    /// Midnight that began the day, ms since the epoch.
    pub day_start_ms: i64,
    pub patrols: i64,
    pub patrol_ms: i64,
    pub distance_m: f64,
    pub visits: i64,
    pub reports: i64,
    pub steps: i64,
}

/// The points the relay credited, with each entry's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsSummary {
    pub total: i64,
    pub entries: Vec<PointItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointItem {
    pub reason: String,
    pub ref_id: String,
    pub points: i64,
    pub at_ms: i64,
}

impl Device {
    /// Starts a patrol, or returns the one already running.
    pub fn start_patrol(&self) -> Result<PatrolItem> {
        let now = self.now_ms();
        let id = self.db.write(|tx| {
            let running: Option<String> = tx
                .query_row(
                    "SELECT id FROM patrols WHERE ended_at_ms IS NULL",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = running {
                return Ok(id);
            }
            let id = Uuid::now_v7().to_string();
            tx.execute(
                "INSERT INTO patrols (id, started_at_ms) VALUES (?1, ?2)",
                params![id, now],
            )?;
            Ok(id)
        })?;
        self.patrol(&id)
    }

    /// The running patrol, if any.
    pub fn current_patrol(&self) -> Result<Option<PatrolItem>> {
        let id: Option<String> = self
            .db
            .lock()
            .query_row(
                "SELECT id FROM patrols WHERE ended_at_ms IS NULL",
                [],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| self.patrol(&id)).transpose()
    }

    /// Adds a fix to the running patrol's track; false when it was discarded
    /// (no patrol running, not a real fix, too inaccurate, or a jump).
    pub fn track_point(&self, position: Position) -> Result<bool> {
        let accurate = position
            .accuracy_m
            .is_some_and(|a| a.is_finite() && a <= MAX_TRACK_ACCURACY_M);
        if !is_real_fix(position.lat, position.lon) || !accurate {
            return Ok(false);
        }
        let now = self.now_ms();
        self.db.write(|tx| {
            let Some(patrol) = tx
                .query_row("SELECT id FROM patrols WHERE ended_at_ms IS NULL", [], |r| r.get::<_, String>(0))
                .optional()?
            else {
                return Ok(false);
            };
            let last: Option<(f64, f64, i64)> = tx
                .query_row(
                    "SELECT lat, lon, at_ms FROM patrol_points WHERE patrol_id = ?1
                      ORDER BY at_ms DESC LIMIT 1",
                    [&patrol],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let step = last.map_or(0.0, |(lat, lon, _)| distance_m(lat, lon, position.lat, position.lon));
            if let Some((_, _, at)) = last {
                let seconds = ((now - at) as f64 / 1000.0).max(1.0);
                if step > MIN_JUMP_M && step / seconds > MAX_TRACK_SPEED_M_S {
                    return Ok(false);
                }
            }
            tx.execute(
                "INSERT INTO patrol_points (patrol_id, at_ms, lat, lon, accuracy_m) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![patrol, now, position.lat, position.lon, position.accuracy_m],
            )?;
            tx.execute("UPDATE patrols SET distance_m = distance_m + ?2 WHERE id = ?1", params![patrol, step])?;
            Ok(true)
        })
    }

    /// Ends the running patrol.
    pub fn stop_patrol(&self) -> Result<Option<PatrolItem>> {
        let now = self.now_ms();
        let id: Option<String> = self.db.write(|tx| {
            let id: Option<String> = tx
                .query_row(
                    "SELECT id FROM patrols WHERE ended_at_ms IS NULL",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = &id {
                tx.execute(
                    "UPDATE patrols SET ended_at_ms = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
            }
            Ok(id)
        })?;
        id.map(|id| self.patrol(&id)).transpose()
    }

    /// The track of a patrol, as `[lat, lon]` pairs in order.
    pub fn patrol_track(&self, id: &str) -> Result<Vec<[f64; 2]>> {
        let conn = self.db.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT lat, lon FROM patrol_points WHERE patrol_id = ?1 ORDER BY at_ms",
        )?;
        let track = stmt
            .query_map([id], |r| Ok([r.get(0)?, r.get(1)?]))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(track)
    }

    fn patrol(&self, id: &str) -> Result<PatrolItem> {
        let conn = self.db.lock();
        Ok(conn.query_row(
            "SELECT p.id, p.started_at_ms, p.ended_at_ms, p.distance_m,
                    (SELECT COUNT(*) FROM patrol_points WHERE patrol_id = p.id),
                    (SELECT COUNT(*) FROM visits WHERE patrol_id = p.id)
               FROM patrols p WHERE p.id = ?1",
            [id],
            |r| {
                Ok(PatrolItem {
                    id: r.get(0)?,
                    started_at_ms: r.get(1)?,
                    ended_at_ms: r.get(2)?,
                    distance_m: r.get(3)?,
                    points: r.get(4)?,
                    visits: r.get(5)?,
                })
            },
        )?)
    }

    /// Records a visit (on the running patrol, if any) and queues it for the
    /// relay. Works offline.
    pub fn record_visit(&self, input: VisitInput) -> Result<String> {
        let note = input.note.trim().to_owned();
        if note.is_empty() {
            return Err(CoreError::NoteRequired);
        }
        if !matches!(input.entity, Entity::Household | Entity::Enterprise) {
            return Err(CoreError::RowMissing);
        }
        let target = Uuid::parse_str(&input.id).map_err(|_| CoreError::RowMissing)?;
        let session = self.stored_session()?;
        let device_id = self.device_id()?;
        let id = Uuid::now_v7();
        let now = self.now_ms();
        self.db.write(|tx| {
            let table = super::registry::table(input.entity)?;
            if !tx.prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?.exists([&input.id])? {
                return Err(CoreError::RowMissing);
            }
            if let Some(sha) = &input.photo {
                if !tx.prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?.exists([sha])? {
                    return Err(CoreError::PhotoNotFound(sha.clone()));
                }
            }
            let patrol: Option<String> = tx
                .query_row("SELECT id FROM patrols WHERE ended_at_ms IS NULL", [], |r| r.get(0))
                .optional()?;
            let p = input.position;
            tx.execute(
                "INSERT INTO visits (id, patrol_id, target_kind, target_id, note, photo_sha256, lat, lon, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id.to_string(),
                    patrol,
                    input.entity.code(),
                    input.id,
                    note,
                    input.photo,
                    p.map(|p| p.lat),
                    p.map(|p| p.lon),
                    now
                ],
            )?;
            let visit = NewVisit {
                subject: Subject { entity: input.entity, id: target },
                note: note.clone(),
                photo: input.photo.clone(),
                position: p.map(|p| gridline_schema::wire::Position {
                    lat: p.lat,
                    lon: p.lon,
                    accuracy_m: p.accuracy_m,
                    source: p.source,
                }),
                at_ms: now,
            };
            let author = Author { account: &session.account, device_id: &device_id };
            outbox::queue(tx, &author, Entity::Visit, id, Action::Create, serde_json::to_value(visit)?, now)?;
            Ok(())
        })?;
        Ok(id.to_string())
    }

    /// The day containing `at_ms` (China time): patrols, distance, visits,
    /// reports filed and task steps taken on this phone.
    pub fn day_summary(&self, at_ms: i64) -> Result<DaySummary> {
        let start = (at_ms + CHINA_OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
        let end = start + DAY_MS;
        let now = self.now_ms();
        let conn = self.db.lock();
        let (patrols, patrol_ms, distance_m): (i64, i64, f64) = conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(COALESCE(ended_at_ms, ?3) - started_at_ms), 0),
                    COALESCE(SUM(distance_m), 0)
               FROM patrols WHERE started_at_ms >= ?1 AND started_at_ms < ?2",
            params![start, end, now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let count = |sql: &str| -> Result<i64> {
            Ok(conn.query_row(sql, params![start, end], |r| r.get(0))?)
        };
        Ok(DaySummary {
            day_start_ms: start,
            patrols,
            patrol_ms,
            distance_m,
            visits: count("SELECT COUNT(*) FROM visits WHERE at_ms >= ?1 AND at_ms < ?2")?,
            reports: count(
                "SELECT COUNT(*) FROM issues WHERE filed_here = 1 AND reported_at_ms >= ?1 AND reported_at_ms < ?2",
            )?,
            steps: count("SELECT COUNT(*) FROM issue_events WHERE at_ms >= ?1 AND at_ms < ?2 AND kind != 'note'")?,
        })
    }

    /// The signed-in leader's points: the total and every entry, newest first.
    pub fn points(&self) -> Result<PointsSummary> {
        let session = self.stored_session()?;
        let conn = self.db.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT reason, ref_id, points, at_ms FROM points WHERE account = ?1 ORDER BY at_ms DESC",
        )?;
        let entries: Vec<PointItem> = stmt
            .query_map([&session.account], |r| {
                Ok(PointItem {
                    reason: r.get(0)?,
                    ref_id: r.get(1)?,
                    points: r.get(2)?,
                    at_ms: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(PointsSummary {
            total: entries.iter().map(|e| e.points).sum(),
            entries,
        })
    }
}
