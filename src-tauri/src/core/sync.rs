//! Sync: upload the photos pending operations need, push the outbox, then
//! pull the grid's changes since the last cursor.
//!
//! Only one sync runs at a time. The database is locked only to read a batch
//! or to record an answer, never while waiting on the network. An operation
//! leaves the outbox only on the relay's `applied` or `duplicate`, so a push
//! whose answer is lost is simply sent again and answered `duplicate`.

use std::sync::atomic::Ordering;

use gridline_schema::wire::{
    Entity, NewIssueEvent, NewReport, NewVisit, Operation, Outcome, PushRequest,
};
use rusqlite::{params, Connection};

use super::db::{meta_delete, meta_get, meta_set};
use super::error::{CoreError, ErrorInfo, Result};
use super::model::{SyncOutcome, SyncState, CLOCK_WARN_MS};
use super::relay::RelayClient;
use super::{outbox, replica, Device};

/// Operations sent in one push: the relay's most, so a day of offline work
/// leaves in few round trips.
const PUSH_BATCH: usize = gridline_schema::wire::MAX_OPS_PER_PUSH;
/// Changes asked for in one pull page: the relay's largest, so a first
/// download takes as few round trips as it can.
const PULL_PAGE: u32 = gridline_schema::wire::MAX_PULL_LIMIT;
/// Upper bound on push or pull rounds in one sync, so a misbehaving relay
/// cannot keep the device looping.
const MAX_ROUNDS: usize = 10_000;

impl Device {
    /// The sync state shown on every screen.
    pub fn sync_state(&self) -> Result<SyncState> {
        let conn = self.db.lock();
        let (pending, rejected) = outbox::counts(&conn)?;
        let last_sync_at_ms = meta_get(&conn, "last_sync_at_ms")?.and_then(|v| v.parse().ok());
        let clock_offset_ms = meta_get(&conn, "clock_offset_ms")?.and_then(|v| v.parse().ok());
        Ok(SyncState {
            pending,
            rejected,
            last_sync_at_ms,
            last_error: meta_get(&conn, "last_error")?.and_then(|v| serde_json::from_str(&v).ok()),
            syncing: self.syncing.load(Ordering::SeqCst),
            clock_offset_ms,
            clock_suspect: clock_suspect(self.now_ms(), clock_offset_ms, last_sync_at_ms),
        })
    }

    /// Pushes every pending operation and pulls every change. On failure the
    /// outbox is untouched beyond what the relay confirmed, and the error is
    /// kept for the sync state.
    pub async fn sync_now(&self) -> Result<SyncOutcome> {
        if self.syncing.swap(true, Ordering::SeqCst) {
            return Err(CoreError::SyncInProgress);
        }
        let result = self.sync_inner().await;
        self.syncing.store(false, Ordering::SeqCst);

        let recorded = self.db.write(|tx| {
            match &result {
                Ok(_) => {
                    meta_set(tx, "last_sync_at_ms", &self.now_ms().to_string())?;
                    meta_delete(tx, "last_error")?;
                }
                Err(e) => meta_set(
                    tx,
                    "last_error",
                    &serde_json::to_string(&ErrorInfo::from(e))?,
                )?,
            }
            Ok(())
        });
        let (pushed, rejected, pulled) = result?;
        recorded?;
        tracing::info!(pushed, rejected, pulled, "sync finished");
        Ok(SyncOutcome {
            pushed,
            rejected,
            pulled,
            sync: self.sync_state()?,
        })
    }

    async fn sync_inner(&self) -> Result<(i64, i64, i64)> {
        let session = self.stored_session()?;
        let client = RelayClient::new(self.http.clone(), &session.server)?;
        let (pushed, rejected) = self.push_all(&client, &session.token).await?;
        let pulled = self.pull_all(&client, &session.token).await?;
        Ok((pushed, rejected, pulled))
    }

    async fn push_all(&self, client: &RelayClient, token: &str) -> Result<(i64, i64)> {
        let (mut pushed, mut rejected) = (0, 0);
        let mut tried = std::collections::HashSet::new();
        for _ in 0..MAX_ROUNDS {
            let batch = outbox::pending(&self.db.lock(), PUSH_BATCH + tried.len())?;
            let batch: Vec<_> = batch
                .into_iter()
                .filter(|op| !tried.contains(&op.id))
                .collect();
            if batch.is_empty() {
                break;
            }
            let batch: Vec<_> = batch.into_iter().take(PUSH_BATCH).collect();
            for op in &batch {
                tried.insert(op.id);
                self.upload_photos(client, token, &photos_of(op)).await?;
            }
            let answer = client
                .push(token, &PushRequest { ops: batch.clone() })
                .await?;
            self.db.write(|tx| {
                for result in &answer.results {
                    match result.outcome {
                        Outcome::Applied | Outcome::Merged | Outcome::Duplicate => {
                            pushed += 1;
                            mark_received(tx, result)?;
                        }
                        Outcome::Rejected => rejected += 1,
                        Outcome::Retry if result.code.as_deref() == Some("photo_missing") => {
                            // The relay lacks a photo the device thought it sent
                            // (a restored relay, say): send it again next time.
                            if let Some(op) = batch.iter().find(|op| op.id == result.op_id) {
                                for sha in photos_of(op) {
                                    tx.execute(
                                        "UPDATE photos SET uploaded_at_ms = NULL WHERE sha256 = ?1",
                                        [sha],
                                    )?;
                                }
                            }
                        }
                        Outcome::Retry => {}
                    }
                    outbox::settle(tx, result)?;
                }
                Ok(())
            })?;
        }
        Ok((pushed, rejected))
    }

    async fn upload_photos(
        &self,
        client: &RelayClient,
        token: &str,
        hashes: &[String],
    ) -> Result<()> {
        for sha in hashes {
            let uploaded: bool = self
                .db
                .lock()
                .query_row(
                    "SELECT uploaded_at_ms IS NOT NULL FROM photos WHERE sha256 = ?1",
                    [sha],
                    |r| r.get(0),
                )
                .unwrap_or(false);
            if uploaded {
                continue;
            }
            // A photo missing here is left for the relay to answer `retry`,
            // so its report stays visibly pending instead of blocking the rest.
            let Ok(bytes) = self.read_photo(sha) else {
                tracing::warn!(sha256 = %sha, "photo of a pending report is missing on the device");
                continue;
            };
            client.upload_photo(token, sha, &bytes).await?;
            self.db.write(|tx| {
                tx.execute(
                    "UPDATE photos SET uploaded_at_ms = ?2 WHERE sha256 = ?1",
                    params![sha, self.now_ms()],
                )?;
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Pulls every page after the stored cursor. The next page is asked
    /// for before the current one is written, so the relay reads it while
    /// the phone writes: a first download overlaps network and disk.
    async fn pull_all(&self, client: &RelayClient, token: &str) -> Result<i64> {
        let fetch = |since: i64| {
            let (client, token) = (client.clone(), token.to_owned());
            tokio::spawn(async move { client.pull(&token, since, PULL_PAGE).await })
        };
        let mut since: i64 = meta_get(&self.db.lock(), "pull_cursor")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut asked_at_ms = self.now_ms();
        let mut next = Some(fetch(since));
        let mut pulled = 0;
        for _ in 0..MAX_ROUNDS {
            let Some(request) = next.take() else { break };
            let page = request
                .await
                .map_err(|e| CoreError::Internal(format!("pull task: {e}")))??;
            // Half the round trip stands in for the relay's time to answer.
            let offset = page.server_time_ms - (asked_at_ms + self.now_ms()) / 2;
            if page.has_more && !page.changes.is_empty() {
                asked_at_ms = self.now_ms();
                next = Some(fetch(page.cursor));
            }
            self.db.write(|tx| {
                meta_set(tx, "clock_offset_ms", &offset.to_string())?;
                let (pending, _) = outbox::counts(tx)?;
                replica::apply_page(tx, &page.changes, pending > 0)?;
                meta_set(tx, "pull_cursor", &page.cursor.max(since).to_string())?;
                Ok(())
            })?;
            since = page.cursor.max(since);
            let registry = [Entity::Household, Entity::Resident, Entity::Enterprise];
            if page.changes.iter().any(|c| registry.contains(&c.entity)) {
                self.forget_search_index();
            }
            pulled += page.changes.len() as i64;
        }
        Ok(pulled)
    }
}

/// Whether the phone's clock deserves a warning: off the relay's by more
/// than [`CLOCK_WARN_MS`], or earlier than the last sync it recorded (the
/// clock was turned back, or reset to its factory date).
fn clock_suspect(now_ms: i64, offset_ms: Option<i64>, last_sync_at_ms: Option<i64>) -> bool {
    offset_ms.is_some_and(|o| o.abs() > CLOCK_WARN_MS)
        || last_sync_at_ms.is_some_and(|last| now_ms < last)
}

/// The photos an operation needs at the relay before it can apply.
fn photos_of(op: &Operation) -> Vec<String> {
    match op.entity {
        Entity::Issue => serde_json::from_value::<NewReport>(op.fields.clone()).map(|r| r.photos),
        Entity::IssueEvent => {
            serde_json::from_value::<NewIssueEvent>(op.fields.clone()).map(|e| e.photos)
        }
        Entity::Visit => serde_json::from_value::<NewVisit>(op.fields.clone())
            .map(|v| v.photo.into_iter().collect()),
        _ => return Vec::new(),
    }
    .unwrap_or_default()
}

/// Stamps the relay's receipt on the row an operation created; call before
/// the operation leaves the outbox.
fn mark_received(tx: &Connection, result: &gridline_schema::wire::OpResult) -> Result<()> {
    tx.execute(
        "UPDATE issues SET received_at_ms = ?2
         WHERE received_at_ms IS NULL
           AND id = (SELECT row_id FROM outbox WHERE op_id = ?1 AND entity = 'issue')",
        params![result.op_id.to_string(), result.received_at_ms],
    )?;
    tx.execute(
        "UPDATE issue_events SET received_at_ms = ?2, pending = 0
         WHERE id = (SELECT row_id FROM outbox WHERE op_id = ?1 AND entity = 'issue_event')",
        params![result.op_id.to_string(), result.received_at_ms],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_400_000_000;

    #[test]
    fn a_clock_within_five_minutes_of_the_relay_is_fine() {
        assert!(!clock_suspect(NOW, Some(4 * 60_000), Some(NOW - 1)));
        assert!(!clock_suspect(NOW, None, None), "nothing known yet");
    }

    #[test]
    fn a_clock_far_off_or_behind_the_last_sync_is_suspect() {
        assert!(
            clock_suspect(NOW, Some(-6 * 60_000), None),
            "six minutes slow"
        );
        assert!(
            clock_suspect(NOW, Some(3 * 86_400_000), None),
            "three days fast"
        );
        assert!(
            clock_suspect(NOW, Some(0), Some(NOW + 60_000)),
            "earlier than the last sync"
        );
    }
}
