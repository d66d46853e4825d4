//! The local copy of the grid: writing pulled rows, then laying the
//! device's own unconfirmed changes back over them.
//!
//! A pull brings the relay's state of a row. If the leader changed that row
//! and the change is still in the outbox, writing the relay's state alone
//! would hide the change until the next sync; so after each pulled row the
//! pending changes on it are applied again, in the order they were made.
//! When the relay confirms them, its next state already includes them.

use gridline_schema::lifecycle;
use gridline_schema::wire::{
    Action, ConflictRecord, EnterpriseRecord, Entity, HouseholdRecord, IssueEventRecord,
    IssueRecord, NewIssueEvent, PointRecord, RegistryEdit, ResidentRecord, VisitRecord,
};
use rusqlite::{params, Connection};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::Result;
use super::outbox;
use super::registry;

/// The current state of one row as a pull brings it: the data is kept as
/// its JSON text and read straight into the entity's record, with no
/// intermediate value per row.
#[derive(Debug, Deserialize)]
pub struct Pulled {
    pub seq: i64,
    pub entity: Entity,
    pub row_id: uuid::Uuid,
    pub data: Option<Box<RawValue>>,
}

/// One page of a pull.
#[derive(Debug, Deserialize)]
pub struct PulledPage {
    pub changes: Vec<Pulled>,
    pub cursor: i64,
    pub has_more: bool,
    pub server_time_ms: i64,
}

/// Writes one page of pulled changes. `overlay` is false when the outbox is
/// empty, which spares a lookup per row on a first download.
pub fn apply_page(tx: &Connection, changes: &[Pulled], overlay: bool) -> Result<()> {
    for change in changes {
        apply_change(tx, change)?;
        if overlay {
            overlay_pending(tx, change)?;
        }
    }
    Ok(())
}

fn table(entity: Entity) -> &'static str {
    match entity {
        Entity::Household => "households",
        Entity::Resident => "residents",
        Entity::Enterprise => "enterprises",
        Entity::Issue => "issues",
        Entity::IssueEvent => "issue_events",
        Entity::Conflict => "conflicts",
        Entity::Visit => "visits",
        Entity::PointEntry => "points",
    }
}

/// Writes one pulled row into the local copy.
fn apply_change(tx: &Connection, change: &Pulled) -> Result<()> {
    let id = change.row_id.to_string();
    let Some(data) = &change.data else {
        tx.prepare_cached(&format!(
            "DELETE FROM {} WHERE id = ?1",
            table(change.entity)
        ))?
        .execute([&id])?;
        return Ok(());
    };
    match change.entity {
        Entity::Household => {
            let h: HouseholdRecord = serde_json::from_str(data.get())?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO households (id, address, head_name, members, version)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, h.address, h.head_name, h.members, h.version])?;
        }
        Entity::Resident => {
            let r: ResidentRecord = serde_json::from_str(data.get())?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO residents (id, household_id, name, gender, birth_date,
                                                   citizen_id, phone, relation, care_tags_json,
                                                   moved_out_at_ms, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                id,
                r.household_id.to_string(),
                r.name,
                r.gender,
                r.birth_date,
                r.citizen_id,
                r.phone,
                r.relation,
                serde_json::to_string(&r.care_tags)?,
                r.moved_out_at_ms,
                r.version
            ])?;
        }
        Entity::Enterprise => {
            let e: EnterpriseRecord = serde_json::from_str(data.get())?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO enterprises (id, name, credit_code, legal_representative,
                                                     address, industry, lat, lon, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                e.name,
                e.credit_code,
                e.legal_representative,
                e.address,
                e.industry,
                e.lat,
                e.lon,
                e.version
            ])?;
        }
        Entity::Issue => upsert_issue(tx, &serde_json::from_str(data.get())?)?,
        Entity::IssueEvent => upsert_event(tx, &serde_json::from_str(data.get())?)?,
        Entity::Visit => {
            let v: VisitRecord = serde_json::from_str(data.get())?;
            let p = v.position;
            tx.prepare_cached(
                "INSERT INTO visits (id, target_kind, target_id, note, photo_sha256, lat, lon, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                id,
                v.subject.entity.code(),
                v.subject.id.to_string(),
                v.note,
                v.photo,
                p.map(|p| p.lat),
                p.map(|p| p.lon),
                v.at_ms
            ])?;
        }
        Entity::PointEntry => {
            let e: PointRecord = serde_json::from_str(data.get())?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO points (id, account, reason, ref_id, points, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                e.account,
                e.reason,
                e.ref_id.to_string(),
                e.points,
                e.at_ms
            ])?;
        }
        Entity::Conflict => {
            let c: ConflictRecord = serde_json::from_str(data.get())?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO conflicts (id, entity, row_id, field, kept_json,
                                                   kept_author, other_json, other_author,
                                                   created_at_ms, resolved_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                c.entity.code(),
                c.row_id.to_string(),
                c.field,
                c.kept.to_string(),
                c.kept_author,
                c.other.to_string(),
                c.other_author,
                c.created_at_ms,
                c.resolved_at_ms
            ])?;
        }
    }
    Ok(())
}

fn upsert_issue(tx: &Connection, i: &IssueRecord) -> Result<()> {
    let p = i.position;
    tx.prepare_cached(
        "INSERT INTO issues (id, domain, focus_tag, description, status, source, lat, lon,
                             accuracy_m, position_source, address, reported_by, reported_at_ms,
                             received_at_ms, deadline_at_ms, updated_at_ms, version,
                             subcategory, subject_entity, subject_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20)
         ON CONFLICT (id) DO UPDATE SET
             domain = excluded.domain, focus_tag = excluded.focus_tag,
             description = excluded.description, status = excluded.status,
             source = excluded.source, lat = excluded.lat, lon = excluded.lon,
             accuracy_m = excluded.accuracy_m, position_source = excluded.position_source,
             address = excluded.address, reported_by = excluded.reported_by,
             reported_at_ms = excluded.reported_at_ms, received_at_ms = excluded.received_at_ms,
             deadline_at_ms = excluded.deadline_at_ms, updated_at_ms = excluded.updated_at_ms,
             version = excluded.version, subcategory = excluded.subcategory,
             subject_entity = excluded.subject_entity, subject_id = excluded.subject_id",
    )?
    .execute(params![
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
        i.version,
        i.subcategory,
        i.subject.as_ref().map(|s| s.entity.code()),
        i.subject.as_ref().map(|s| s.id.to_string())
    ])?;
    tx.prepare_cached("DELETE FROM issue_photos WHERE issue_id = ?1")?
        .execute([i.id.to_string()])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO issue_photos (issue_id, ordinal, sha256) VALUES (?1, ?2, ?3)",
    )?;
    for (n, sha) in i.photos.iter().enumerate() {
        insert.execute(params![i.id.to_string(), n as i64, sha])?;
    }
    Ok(())
}

/// Writes a timeline event as the relay holds it; it replaces the device's
/// pending copy of the same step (same id).
fn upsert_event(tx: &Connection, e: &IssueEventRecord) -> Result<()> {
    let p = e.position;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO issue_events (id, issue_id, kind, from_status, to_status,
                                              effective, reason, note, photos_json, lat, lon,
                                              accuracy_m, actor, at_ms, received_at_ms, pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0)",
    )?
    .execute(params![
        e.id.to_string(),
        e.issue_id.to_string(),
        e.kind.code(),
        e.from_status.code(),
        e.to_status.code(),
        e.effective,
        e.reason,
        e.note,
        serde_json::to_string(&e.photos)?,
        p.map(|p| p.lat),
        p.map(|p| p.lon),
        p.and_then(|p| p.accuracy_m),
        e.actor,
        e.at_ms,
        e.received_at_ms
    ])?;
    Ok(())
}

/// Applies the device's pending changes on a pulled row again.
fn overlay_pending(tx: &Connection, change: &Pulled) -> Result<()> {
    let id = change.row_id.to_string();
    match change.entity {
        Entity::Household | Entity::Resident | Entity::Enterprise => {
            for op in outbox::pending_on(tx, change.entity, &id)? {
                match op.action {
                    Action::Update => {
                        let edit: RegistryEdit = serde_json::from_value(op.fields)?;
                        registry::write_fields(tx, change.entity, &id, &edit.set)?;
                    }
                    Action::Delete => {
                        tx.execute(
                            &format!("DELETE FROM {} WHERE id = ?1", table(change.entity)),
                            [&id],
                        )?;
                    }
                    Action::Create => {}
                }
            }
        }
        Entity::Issue => {
            // Steps are queued under their own ids: find this issue's.
            let status: String =
                tx.query_row("SELECT status FROM issues WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })?;
            let mut status = gridline_schema::IssueStatus::from_code(&status);
            let mut stmt = tx.prepare_cached(
                "SELECT op_json FROM outbox WHERE state = 'pending' AND entity = 'issue_event' ORDER BY seq",
            )?;
            let ops: Vec<String> = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for json in ops {
                let op: gridline_schema::wire::Operation = serde_json::from_str(&json)?;
                let step: NewIssueEvent = serde_json::from_value(op.fields)?;
                if step.issue_id != change.row_id {
                    continue;
                }
                if let Some(Ok(to)) = status.map(|s| lifecycle::step(step.kind, s, None)) {
                    status = Some(to);
                }
            }
            if let Some(status) = status {
                tx.execute(
                    "UPDATE issues SET status = ?2 WHERE id = ?1",
                    params![id, status.code()],
                )?;
            }
        }
        Entity::IssueEvent | Entity::Conflict | Entity::Visit | Entity::PointEntry => {}
    }
    Ok(())
}
