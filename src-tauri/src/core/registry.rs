//! Editing the registry on the device: households, residents, enterprises.
//!
//! Every field is checked by the same rules the relay applies
//! (`gridline_schema::validate::fields`) before anything is saved, so a
//! wrong ID number is refused while the leader is still looking at it, with
//! the expected check character named. A saved change is written to the
//! local row and queued in one transaction. An edit carries only the fields
//! it changes and the row version the device last had from the relay, which
//! is what the relay's per-field merge needs.

use gridline_schema::validate::fields::{self, FieldError};
use gridline_schema::wire::{
    column, editable, required, sql_value, Action, Entity, RegistryDelete, RegistryEdit,
};
use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::error::{CoreError, Result};
use super::outbox::{self, Author};
use super::search::{Hit, HitKind, SearchIndex};
use super::Device;

/// The local table of a registry entity.
pub(crate) fn table(entity: Entity) -> Result<&'static str> {
    match entity {
        Entity::Household => Ok("households"),
        Entity::Resident => Ok("residents"),
        Entity::Enterprise => Ok("enterprises"),
        _ => Err(CoreError::Internal(format!(
            "{} is not a registry entity",
            entity.code()
        ))),
    }
}

/// Writes `values` into the local row; the row's version is left alone (it
/// is the relay's, and edits are based on it).
pub(crate) fn write_fields(
    tx: &Connection,
    entity: Entity,
    id: &str,
    values: &Map<String, Value>,
) -> Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    let sets: Vec<String> = values
        .keys()
        .enumerate()
        .map(|(i, f)| format!("{} = ?{}", column(f), i + 2))
        .collect();
    let sql_text = format!(
        "UPDATE {} SET {} WHERE id = ?1",
        table(entity)?,
        sets.join(", ")
    );
    let mut args = vec![Sql::Text(id.to_owned())];
    args.extend(values.values().map(sql_value));
    tx.execute(&sql_text, params_from_iter(args))?;
    Ok(())
}

/// Checks every field; the canonical values or the first field's error.
fn checked(entity: Entity, given: &Map<String, Value>) -> Result<Map<String, Value>> {
    given
        .iter()
        .map(|(name, value)| Ok((name.clone(), fields::field(entity, name, value)?)))
        .collect::<std::result::Result<_, FieldError>>()
        .map_err(CoreError::Field)
}

/// A field two devices changed, as the leader sees it to settle it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictItem {
    pub id: String,
    pub entity: Entity,
    pub row_id: String,
    pub field: String,
    /// The value the row holds now, and who wrote it.
    pub kept: Value,
    pub kept_author: String,
    /// The value that lost, and who wrote it.
    pub other: Value,
    pub other_author: String,
    pub created_at_ms: i64,
}

impl Device {
    /// Searches the grid's registry: names (also by pinyin and initials),
    /// ID numbers or their last digits, phones, addresses, enterprises.
    /// Numbers in the hits are masked.
    pub fn search_registry(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        let mut index = self.search.lock().unwrap_or_else(|p| p.into_inner());
        if index.is_none() {
            *index = Some(SearchIndex::build(&self.db.lock())?);
        }
        Ok(index
            .as_ref()
            .map_or_else(Vec::new, |i| i.search(query, limit.clamp(1, 200))))
    }

    /// Keeps a built search index in step with one changed row.
    fn reindex(&self, entity: Entity, id: Uuid) {
        let kind = match entity {
            Entity::Household => HitKind::Household,
            Entity::Resident => HitKind::Resident,
            Entity::Enterprise => HitKind::Enterprise,
            _ => return,
        };
        let mut index = self.search.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(built) = index.as_mut() {
            if built
                .refresh(&self.db.lock(), kind, &id.to_string())
                .is_err()
            {
                *index = None;
            }
        }
    }

    /// Drops the search index; the next search builds it afresh.
    pub(crate) fn forget_search_index(&self) {
        *self.search.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Adds a household, resident or enterprise; returns its id. Works offline.
    pub fn create_row(&self, entity: Entity, given: Map<String, Value>) -> Result<Uuid> {
        let values = checked(entity, &given)?;
        if let Some(missing) = required(entity).iter().find(|f| !values.contains_key(**f)) {
            return Err(CoreError::Field(FieldError::Empty((*missing).to_owned())));
        }
        let session = self.stored_session()?;
        let device_id = self.device_id()?;
        let id = Uuid::now_v7();
        let now = self.now_ms();
        self.db.write(|tx| {
            if let Some(household) = values.get("household_id").and_then(Value::as_str) {
                let known = tx
                    .prepare_cached("SELECT 1 FROM households WHERE id = ?1")?
                    .exists([household])?;
                if !known {
                    return Err(CoreError::RowMissing);
                }
            }
            let names: Vec<&str> = values.keys().map(|f| column(f)).collect();
            let sql_text = format!(
                "INSERT INTO {} (id, version, {}) VALUES (?1, 0, {})",
                table(entity)?,
                names.join(", "),
                (2..2 + names.len())
                    .map(|i| format!("?{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut args = vec![Sql::Text(id.to_string())];
            args.extend(values.values().map(sql_value));
            tx.execute(&sql_text, params_from_iter(args))?;
            let author = Author {
                account: &session.account,
                device_id: &device_id,
            };
            outbox::queue(
                tx,
                &author,
                entity,
                id,
                Action::Create,
                Value::Object(values.clone()),
                now,
            )?;
            if let Some(household) = values.get("household_id").and_then(Value::as_str) {
                keep_household_size(tx, &author, household, now)?;
            }
            Ok(())
        })?;
        tracing::info!(entity = entity.code(), row = %id, "registry row added");
        self.reindex(entity, id);
        Ok(id)
    }

    /// Changes some fields of a row; `resolves` names the conflicts this edit
    /// settles. Works offline.
    pub fn edit_row(
        &self,
        entity: Entity,
        id: Uuid,
        given: Map<String, Value>,
        resolves: Vec<Uuid>,
    ) -> Result<()> {
        let values = checked(entity, &given)?;
        let session = self.stored_session()?;
        let device_id = self.device_id()?;
        let now = self.now_ms();
        self.db.write(|tx| {
            let base_version = row_version(tx, entity, id)?.ok_or(CoreError::RowMissing)?;
            write_fields(tx, entity, &id.to_string(), &values)?;
            for conflict in &resolves {
                tx.execute(
                    "UPDATE conflicts SET resolved_at_ms = ?2 WHERE id = ?1",
                    params![conflict.to_string(), now],
                )?;
            }
            let edit = RegistryEdit {
                base_version,
                set: values.clone(),
                resolves: resolves.clone(),
            };
            let author = Author {
                account: &session.account,
                device_id: &device_id,
            };
            outbox::queue(
                tx,
                &author,
                entity,
                id,
                Action::Update,
                serde_json::to_value(edit)?,
                now,
            )?;
            Ok(())
        })?;
        tracing::info!(entity = entity.code(), row = %id, fields = values.len(), "registry row edited");
        self.reindex(entity, id);
        Ok(())
    }

    /// Records that a resident moved out; the row stays, as history.
    pub fn move_out(&self, resident: Uuid) -> Result<()> {
        let mut set = Map::new();
        set.insert("moved_out_at_ms".into(), Value::from(self.now_ms()));
        self.edit_row(Entity::Resident, resident, set, Vec::new())
    }

    /// Deletes a row (it becomes a tombstone at the relay). Works offline.
    pub fn delete_row(&self, entity: Entity, id: Uuid) -> Result<()> {
        let session = self.stored_session()?;
        let device_id = self.device_id()?;
        let now = self.now_ms();
        self.db.write(|tx| {
            let base_version = row_version(tx, entity, id)?.ok_or(CoreError::RowMissing)?;
            if entity == Entity::Household {
                let lived_in = tx
                    .prepare_cached(
                        "SELECT 1 FROM residents WHERE household_id = ?1 AND moved_out_at_ms IS NULL",
                    )?
                    .exists([id.to_string()])?;
                if lived_in {
                    return Err(CoreError::HouseholdNotEmpty);
                }
            }
            tx.execute(&format!("DELETE FROM {} WHERE id = ?1", table(entity)?), [id.to_string()])?;
            let author = Author { account: &session.account, device_id: &device_id };
            let fields = serde_json::to_value(RegistryDelete { base_version })?;
            outbox::queue(tx, &author, entity, id, Action::Delete, fields, now)?;
            Ok(())
        })?;
        self.reindex(entity, id);
        Ok(())
    }

    /// Fields changed on two devices that nobody has settled yet. ID and
    /// phone numbers in them are masked, as in every list.
    pub fn open_conflicts(&self) -> Result<Vec<ConflictItem>> {
        let mut items = self.stored_conflicts()?;
        for item in &mut items {
            if matches!(item.field.as_str(), "citizen_id" | "phone") {
                for value in [&mut item.kept, &mut item.other] {
                    if let Some(text) = value.as_str() {
                        *value = Value::from(super::roster::masked_number(&item.field, text));
                    }
                }
            }
        }
        Ok(items)
    }

    /// The open conflicts with their values as stored.
    fn stored_conflicts(&self) -> Result<Vec<ConflictItem>> {
        let conn = self.db.lock();
        let mut stmt = conn.prepare(
            "SELECT id, entity, row_id, field, kept_json, kept_author, other_json, other_author,
                    created_at_ms
               FROM conflicts WHERE resolved_at_ms IS NULL ORDER BY created_at_ms",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (id, entity, row_id, field, kept, kept_author, other, other_author, created_at_ms) =
                row?;
            let entity = Entity::from_code(&entity)
                .ok_or_else(|| CoreError::Internal(format!("unknown entity {entity}")))?;
            items.push(ConflictItem {
                id,
                entity,
                row_id,
                field,
                kept: serde_json::from_str(&kept)?,
                kept_author,
                other: serde_json::from_str(&other)?,
                other_author,
                created_at_ms,
            });
        }
        Ok(items)
    }

    /// Settles a conflict: `keep_other` writes the value that lost, otherwise
    /// the kept value stands. Either way the relay records it settled.
    pub fn resolve_conflict(&self, conflict_id: Uuid, keep_other: bool) -> Result<()> {
        let conflict = self
            .stored_conflicts()?
            .into_iter()
            .find(|c| c.id == conflict_id.to_string())
            .ok_or(CoreError::RowMissing)?;
        let row_id =
            Uuid::parse_str(&conflict.row_id).map_err(|e| CoreError::Internal(e.to_string()))?;
        let mut set = Map::new();
        set.insert(
            conflict.field.clone(),
            if keep_other {
                conflict.other
            } else {
                conflict.kept
            },
        );
        self.edit_row(conflict.entity, row_id, set, vec![conflict_id])
    }
}

/// The relay's version of a local row, `None` if the device does not have it.
fn row_version(conn: &Connection, entity: Entity, id: Uuid) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT version FROM {} WHERE id = ?1",
            table(entity)?
        ))?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

/// Whether `field` is one the leader may change on `entity`.
pub fn is_editable(entity: Entity, field: &str) -> bool {
    editable(entity).contains(&field)
}

/// A household never lists fewer members than the residents living in it:
/// adding one beyond its count raises the count, as an edit of its own.
fn keep_household_size(
    tx: &Connection,
    author: &Author<'_>,
    household: &str,
    now: i64,
) -> Result<()> {
    let (members, living, version): (i64, i64, i64) = tx.query_row(
        "SELECT members, (SELECT COUNT(*) FROM residents WHERE household_id = ?1 AND moved_out_at_ms IS NULL), version
           FROM households WHERE id = ?1",
        [household],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if living <= members || living > 99 {
        return Ok(());
    }
    let mut set = Map::new();
    set.insert("members".into(), Value::from(living));
    write_fields(tx, Entity::Household, household, &set)?;
    let id = Uuid::parse_str(household).map_err(|e| CoreError::Internal(e.to_string()))?;
    let edit = RegistryEdit {
        base_version: version,
        set,
        resolves: Vec::new(),
    };
    outbox::queue(
        tx,
        author,
        Entity::Household,
        id,
        Action::Update,
        serde_json::to_value(edit)?,
        now,
    )?;
    Ok(())
}
