//! Sync: upload the photos pending operations need, push the outbox, then
//! pull the grid's changes since the last cursor.
//!
//! Only one sync runs at a time. The database is locked only to read a batch
//! or to record an answer, never while waiting on the network. An operation
//! leaves the outbox only on the relay's `applied` or `duplicate`, so a push
//! whose answer is lost is simply sent again and answered `duplicate`.

use std::sync::atomic::Ordering;

use gridline_schema::wire::{
    Change, EnterpriseRecord, Entity, HouseholdRecord, IssueRecord, NewReport, Outcome,
    PushRequest, ResidentRecord,
};
use rusqlite::{params, Connection};

use super::db::{meta_delete, meta_get, meta_set, now_ms};
use super::error::{CoreError, ErrorInfo, Result};
use super::model::{SyncOutcome, SyncState, CLOCK_WARN_MS};
use super::relay::RelayClient;
use super::{outbox, Device};

/// Operations sent in one push.
const PUSH_BATCH: usize = 100;
/// Changes asked for in one pull page.
const PULL_PAGE: u32 = 500;
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
            clock_suspect: clock_suspect(now_ms(), clock_offset_ms, last_sync_at_ms),
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
                    meta_set(tx, "last_sync_at_ms", &now_ms().to_string())?;
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
                if op.entity == Entity::Issue {
                    if let Ok(report) = serde_json::from_value::<NewReport>(op.fields.clone()) {
                        self.upload_photos(client, token, &report.photos).await?;
                    }
                }
            }
            let answer = client.push(token, &PushRequest { ops: batch }).await?;
            self.db.write(|tx| {
                for result in &answer.results {
                    match result.outcome {
                        Outcome::Applied | Outcome::Duplicate => {
                            pushed += 1;
                            mark_received(tx, result)?;
                        }
                        Outcome::Rejected => rejected += 1,
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
            if client.has_photo(token, sha).await? {
                continue;
            }
            // A photo missing here is left for the relay to answer `retry`,
            // so its report stays visibly pending instead of blocking the rest.
            let Ok(bytes) = self.read_photo(sha) else {
                tracing::warn!(sha256 = %sha, "photo of a pending report is missing on the device");
                continue;
            };
            client.put_photo(token, sha, bytes).await?;
            self.db.write(|tx| {
                tx.execute(
                    "UPDATE photos SET uploaded_at_ms = ?2 WHERE sha256 = ?1",
                    params![sha, now_ms()],
                )?;
                Ok(())
            })?;
        }
        Ok(())
    }

    async fn pull_all(&self, client: &RelayClient, token: &str) -> Result<i64> {
        let mut pulled = 0;
        for _ in 0..MAX_ROUNDS {
            let since: i64 = meta_get(&self.db.lock(), "pull_cursor")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let asked_at_ms = now_ms();
            let page = client.pull(token, since, PULL_PAGE).await?;
            // Half the round trip stands in for the relay's time to answer.
            let offset = page.server_time_ms - (asked_at_ms + now_ms()) / 2;
            self.db.write(|tx| {
                meta_set(tx, "clock_offset_ms", &offset.to_string())?;
                for change in &page.changes {
                    apply_change(tx, change)?;
                }
                meta_set(tx, "pull_cursor", &page.cursor.max(since).to_string())?;
                Ok(())
            })?;
            pulled += page.changes.len() as i64;
            if !page.has_more || page.changes.is_empty() {
                break;
            }
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

/// Stamps the relay's receipt on the row an operation created; call before
/// the operation leaves the outbox.
fn mark_received(tx: &Connection, result: &gridline_schema::wire::OpResult) -> Result<()> {
    tx.execute(
        "UPDATE issues SET received_at_ms = ?2
         WHERE received_at_ms IS NULL
           AND id = (SELECT row_id FROM outbox WHERE op_id = ?1 AND entity = 'issue')",
        params![result.op_id.to_string(), result.received_at_ms],
    )?;
    Ok(())
}

/// Writes one pulled row into the local copy.
fn apply_change(tx: &Connection, change: &Change) -> Result<()> {
    let id = change.row_id.to_string();
    let Some(data) = &change.data else {
        let table = match change.entity {
            Entity::Household => "households",
            Entity::Resident => "residents",
            Entity::Enterprise => "enterprises",
            Entity::Issue => "issues",
        };
        tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [&id])?;
        return Ok(());
    };
    match change.entity {
        Entity::Household => {
            let h: HouseholdRecord = serde_json::from_value(data.clone())?;
            tx.execute(
                "INSERT OR REPLACE INTO households (id, address, head_name, members, version)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, h.address, h.head_name, h.members, h.version],
            )?;
        }
        Entity::Resident => {
            let r: ResidentRecord = serde_json::from_value(data.clone())?;
            tx.execute(
                "INSERT OR REPLACE INTO residents (id, household_id, name, gender, birth_date,
                                                   citizen_id, phone, relation, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id,
                    r.household_id.to_string(),
                    r.name,
                    r.gender,
                    r.birth_date,
                    r.citizen_id,
                    r.phone,
                    r.relation,
                    r.version
                ],
            )?;
        }
        Entity::Enterprise => {
            let e: EnterpriseRecord = serde_json::from_value(data.clone())?;
            tx.execute(
                "INSERT OR REPLACE INTO enterprises (id, name, credit_code, legal_representative,
                                                     address, industry, lat, lon, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id,
                    e.name,
                    e.credit_code,
                    e.legal_representative,
                    e.address,
                    e.industry,
                    e.lat,
                    e.lon,
                    e.version
                ],
            )?;
        }
        Entity::Issue => {
            let i: IssueRecord = serde_json::from_value(data.clone())?;
            upsert_issue(tx, &i)?;
        }
    }
    Ok(())
}

fn upsert_issue(tx: &Connection, i: &IssueRecord) -> Result<()> {
    let p = i.position;
    tx.execute(
        "INSERT INTO issues (id, domain, focus_tag, description, status, source, lat, lon,
                             accuracy_m, position_source, address, reported_by, reported_at_ms,
                             received_at_ms, deadline_at_ms, updated_at_ms, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (id) DO UPDATE SET
             domain = excluded.domain, focus_tag = excluded.focus_tag,
             description = excluded.description, status = excluded.status,
             source = excluded.source, lat = excluded.lat, lon = excluded.lon,
             accuracy_m = excluded.accuracy_m, position_source = excluded.position_source,
             address = excluded.address, reported_by = excluded.reported_by,
             reported_at_ms = excluded.reported_at_ms, received_at_ms = excluded.received_at_ms,
             deadline_at_ms = excluded.deadline_at_ms, updated_at_ms = excluded.updated_at_ms,
             version = excluded.version",
        params![
            i.id.to_string(),
            i.domain.code(),
            i.focus_tag.map(|f| f.code()),
            i.description,
            i.status.code(),
            i.source.code(),
            p.map(|p| p.lat),
            p.map(|p| p.lon),
            p.and_then(|p| p.accuracy_m),
            p.map(|p| p.source.code()),
            i.address,
            i.reported_by,
            i.reported_at_ms,
            i.received_at_ms,
            i.deadline_at_ms,
            i.updated_at_ms,
            i.version
        ],
    )?;
    tx.execute(
        "DELETE FROM issue_photos WHERE issue_id = ?1",
        [i.id.to_string()],
    )?;
    for (n, sha) in i.photos.iter().enumerate() {
        tx.execute(
            "INSERT INTO issue_photos (issue_id, ordinal, sha256) VALUES (?1, ?2, ?3)",
            params![i.id.to_string(), n as i64, sha],
        )?;
    }
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
