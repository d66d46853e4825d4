//! What the leader should know without looking: new tasks, deadlines within
//! a day, returned tasks; and, before filing a report, the open issues it
//! may repeat.

use gridline_schema::geo::distance_m;
use gridline_schema::{Domain, IssueStatus};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::db::{meta_get, meta_set};
use super::error::Result;
use super::Device;

/// How far apart two reports of one domain may be and still be one problem.
pub const DUPLICATE_RADIUS_M: f64 = 50.0;
/// How far back a report counts as a possible duplicate.
pub const DUPLICATE_WINDOW_MS: i64 = 7 * 86_400_000;
/// A deadline this close is worth a notice.
pub const DEADLINE_NOTICE_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    NewTask,
    DeadlineSoon,
    Returned,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub kind: NoticeKind,
    pub issue_id: String,
    pub description: String,
    pub deadline_at_ms: Option<i64>,
    /// Not seen on the tasks screen yet.
    pub unread: bool,
}

/// An open issue near a report being written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NearbyIssue {
    pub id: String,
    pub description: String,
    pub status: IssueStatus,
    pub reported_at_ms: i64,
    pub distance_m: f64,
}

/// id, description, status, deadline, received, updated.
type TaskRow = (String, String, String, Option<i64>, Option<i64>, i64);

impl Device {
    /// The notices for the leader, most urgent first.
    pub fn notices(&self) -> Result<Vec<Notice>> {
        let now = self.now_ms();
        let conn = self.db.lock();
        let seen: i64 = meta_get(&conn, "tasks_seen_at_ms")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut stmt = conn.prepare_cached(
            "SELECT id, description, status, deadline_at_ms, received_at_ms, updated_at_ms FROM issues
              WHERE filed_here = 0 AND status NOT IN ('verified', 'closed', 'handled')",
        )?;
        let rows: Vec<TaskRow> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut notices = Vec::new();
        for (id, description, status, deadline, received, updated) in rows {
            let notice = |kind, unread| Notice {
                kind,
                issue_id: id.clone(),
                description: description.clone(),
                deadline_at_ms: deadline,
                unread,
            };
            if status == IssueStatus::Returned.code() {
                notices.push(notice(NoticeKind::Returned, updated > seen));
            } else if deadline.is_some_and(|d| d > now && d - now <= DEADLINE_NOTICE_MS) {
                notices.push(notice(NoticeKind::DeadlineSoon, true));
            } else if status == IssueStatus::Dispatched.code() && received.unwrap_or(updated) > seen
            {
                notices.push(notice(NoticeKind::NewTask, true));
            }
        }
        notices.sort_by_key(|n| {
            (
                n.kind != NoticeKind::DeadlineSoon,
                n.deadline_at_ms.unwrap_or(i64::MAX),
            )
        });
        Ok(notices)
    }

    /// The leader opened the tasks screen: what is there now has been seen.
    pub fn mark_tasks_seen(&self) -> Result<()> {
        let now = self.now_ms();
        self.db
            .write(|tx| meta_set(tx, "tasks_seen_at_ms", &now.to_string()))
    }

    /// Open issues of `domain` within [`DUPLICATE_RADIUS_M`] of the point,
    /// reported in the last [`DUPLICATE_WINDOW_MS`], nearest first: what a new
    /// report may repeat. Read from the phone's copy, so it works offline.
    pub fn nearby_open_issues(
        &self,
        domain: Domain,
        lat: f64,
        lon: f64,
    ) -> Result<Vec<NearbyIssue>> {
        let since = self.now_ms() - DUPLICATE_WINDOW_MS;
        // A box a little larger than the radius first, then the true distance.
        let dlat = DUPLICATE_RADIUS_M / 111_000.0 * 1.5;
        let dlon = dlat / lat.to_radians().cos().max(0.1);
        let conn = self.db.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, description, status, reported_at_ms, lat, lon FROM issues
              WHERE domain = ?1 AND reported_at_ms >= ?2
                AND status NOT IN ('verified', 'closed')
                AND lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6",
        )?;
        let rows = stmt.query_map(
            params![
                domain.code(),
                since,
                lat - dlat,
                lat + dlat,
                lon - dlon,
                lon + dlon
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, f64>(4)?,
                    r.get::<_, f64>(5)?,
                ))
            },
        )?;
        let mut nearby = Vec::new();
        for row in rows {
            let (id, description, status, reported_at_ms, ilat, ilon) = row?;
            let d = distance_m(lat, lon, ilat, ilon);
            if d <= DUPLICATE_RADIUS_M {
                if let Some(status) = IssueStatus::from_code(&status) {
                    nearby.push(NearbyIssue {
                        id,
                        description,
                        status,
                        reported_at_ms,
                        distance_m: d,
                    });
                }
            }
        }
        nearby.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        Ok(nearby)
    }
}
