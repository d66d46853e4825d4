//! Logging in, the first download of the grid, and logging out.
//!
//! The session (relay address, token, account and grid) lives in the `meta`
//! table. Logging in as the leader of another grid clears the previous
//! grid's copy, but never an operation still waiting in the outbox: those
//! block a change of account until they are synced or the leader confirms
//! dropping them.

use gridline_schema::wire::{GridInfo, LoginRequest};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::db::{self, meta_get, meta_set};
use super::error::{CoreError, Result};
use super::model::{GridSummary, Session};
use super::relay::{normalize_server, RelayClient};
use super::{outbox, Device};

/// What is kept of a login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredSession {
    pub server: String,
    pub token: String,
    pub account: String,
    pub display_name: String,
    pub grid_code: String,
}

impl Device {
    /// Logs in, stores the session and downloads the grid. A failed
    /// download leaves the session in place; the next sync completes it.
    pub async fn login(&self, server: &str, account: &str, password: &str) -> Result<Session> {
        let server = normalize_server(server)?;
        let client = RelayClient::new(self.http.clone(), &server)?;
        let request = LoginRequest {
            account: account.trim().to_owned(),
            password: password.to_owned(),
            device_id: self.device_id()?,
        };
        let answer = client.login(&request).await?;

        let stored = StoredSession {
            server: server.clone(),
            token: answer.token,
            account: answer.account,
            display_name: answer.display_name,
            grid_code: answer.grid.code.clone(),
        };
        self.db.write(|tx| {
            let previous = meta_get(tx, "session")?
                .and_then(|s| serde_json::from_str::<StoredSession>(&s).ok());
            if previous
                .as_ref()
                .is_some_and(|p| p.grid_code != stored.grid_code)
            {
                let (pending, _) = outbox::counts(tx)?;
                if pending > 0 {
                    return Err(CoreError::PendingOps(pending));
                }
                clear_grid_copy(tx)?;
            }
            store_grid(tx, &answer.grid)?;
            meta_set(tx, "session", &serde_json::to_string(&stored)?)?;
            Ok(())
        })?;
        tracing::info!(grid = %stored.grid_code, "logged in");

        if let Err(e) = self.sync_now().await {
            tracing::warn!(code = e.code(), "first download did not finish: {e}");
        }
        self.current_session()?.ok_or(CoreError::NotLoggedIn)
    }

    /// The logged-in session, if any.
    pub fn current_session(&self) -> Result<Option<Session>> {
        let conn = self.db.lock();
        let Some(stored) = stored_session(&conn)? else {
            return Ok(None);
        };
        let grid = grid_summary(&conn)?;
        Ok(grid.map(|grid| Session {
            account: stored.account,
            display_name: stored.display_name,
            server: stored.server,
            grid,
        }))
    }

    /// Logs out. Refused while operations are pending, unless `force`,
    /// in which case the unsent operations are dropped with the grid copy.
    pub fn logout(&self, force: bool) -> Result<()> {
        self.db.write(|tx| {
            let (pending, _) = outbox::counts(tx)?;
            if pending > 0 && !force {
                return Err(CoreError::PendingOps(pending));
            }
            tx.execute("DELETE FROM outbox", [])?;
            clear_grid_copy(tx)?;
            tx.execute("DELETE FROM grid", [])?;
            for key in ["session", "pull_cursor", "last_sync_at_ms", "last_error"] {
                db::meta_delete(tx, key)?;
            }
            Ok(())
        })
    }

    pub(crate) fn stored_session(&self) -> Result<StoredSession> {
        stored_session(&self.db.lock())?.ok_or(CoreError::NotLoggedIn)
    }
}

pub(crate) fn stored_session(conn: &Connection) -> Result<Option<StoredSession>> {
    Ok(meta_get(conn, "session")?.and_then(|s| serde_json::from_str(&s).ok()))
}

fn grid_summary(conn: &Connection) -> Result<Option<GridSummary>> {
    use gridline_schema::wire::Division;
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT code, name, district_code, district_name, township_code, township_name,
                    community_code, community_name FROM grid LIMIT 1",
            [],
            |r| {
                Ok(GridSummary {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    district: Division {
                        code: r.get(2)?,
                        name: r.get(3)?,
                    },
                    township: Division {
                        code: r.get(4)?,
                        name: r.get(5)?,
                    },
                    community: Division {
                        code: r.get(6)?,
                        name: r.get(7)?,
                    },
                })
            },
        )
        .optional()?)
}

fn store_grid(tx: &Connection, grid: &GridInfo) -> Result<()> {
    tx.execute("DELETE FROM grid", [])?;
    tx.execute(
        "INSERT INTO grid (code, name, district_code, district_name, township_code,
                           township_name, community_code, community_name, boundary_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            grid.code,
            grid.name,
            grid.district.code,
            grid.district.name,
            grid.township.code,
            grid.township.name,
            grid.community.code,
            grid.community.name,
            serde_json::to_string(&grid.boundary)?,
        ],
    )?;
    Ok(())
}

/// Drops the copy of a grid's rows; keeps issues that still have
/// operations in the outbox.
fn clear_grid_copy(tx: &Connection) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM households; DELETE FROM residents; DELETE FROM enterprises;
         DELETE FROM issue_photos WHERE issue_id NOT IN (SELECT row_id FROM outbox);
         DELETE FROM issues WHERE id NOT IN (SELECT row_id FROM outbox);",
    )?;
    db::meta_delete(tx, "pull_cursor")?;
    Ok(())
}
