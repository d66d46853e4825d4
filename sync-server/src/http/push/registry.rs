//! Registry rows (households, residents, enterprises): create, merge edits
//! per field, delete as tombstones.
//!
//! Each row keeps, per field, the version, device, clock stamp and account
//! of the edit that last wrote it (`stamps_json`). An edit names the row
//! version it was based on. For each field it sets:
//!
//! - if nobody changed the field since that version, or only the same
//!   device did, the value is written;
//! - if another device changed it since, the two edits were concurrent.
//!   Equal values agree. Otherwise the edit with the later clock stamp wins
//!   (stamps sort as text; the device id inside breaks ties), whichever
//!   arrived first, so every order of arrival ends in the same row. The
//!   losing value is recorded as a conflict for the leader to settle.
//!
//! Fields an edit does not set are left alone, so edits of different
//! fields both survive. A deleted row stays as a tombstone: its change-log
//! entry is a deletion, and later edits of it are refused.

use gridline_schema::validate::fields;
use gridline_schema::wire::{
    column, required, sql_value, Action, ConflictRecord, EnterpriseRecord, Entity, HouseholdRecord,
    Operation, RegistryDelete, RegistryEdit, ResidentRecord,
};
use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::conflicts::{resolve, write_conflict};
use super::{Decision, Refusal};
use crate::changes;
use crate::http::auth::DeviceSession;
use crate::http::error::ApiError;

fn table(entity: Entity) -> &'static str {
    match entity {
        Entity::Household => "households",
        Entity::Resident => "residents",
        _ => "enterprises",
    }
}

/// Applies a registry operation from the device behind `session`.
pub fn apply(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    received_at_ms: i64,
) -> Result<Decision, ApiError> {
    match op.action {
        Action::Create => create(conn, session, op),
        Action::Update => update(conn, session, op, received_at_ms),
        Action::Delete => delete(conn, session, op, received_at_ms),
    }
}

/// Checks every field of `set` for `entity`; the canonical values, or the
/// first refusal.
fn checked(entity: Entity, set: &Map<String, Value>) -> Result<Map<String, Value>, Refusal> {
    set.iter()
        .map(|(name, value)| {
            fields::field(entity, name, value)
                .map(|v| (name.clone(), v))
                .map_err(|e| Refusal::rejected(e.code(), e.to_string()))
        })
        .collect()
}

/// A household a resident may belong to: live and in the same grid.
fn household_ok(conn: &Connection, grid_code: &str, id: &Value) -> Result<bool, ApiError> {
    let Some(id) = id.as_str().and_then(|s| Uuid::parse_str(s).ok()) else {
        return Ok(false);
    };
    Ok(
        matches!(changes::current(conn, Entity::Household, id)?, Some((g, Some(_))) if g == grid_code),
    )
}

fn create(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
) -> Result<Decision, ApiError> {
    let Some(given) = op.fields.as_object() else {
        return Ok(
            Refusal::rejected("invalid_fields", "a new row's fields must be an object").into(),
        );
    };
    let values = match checked(op.entity, given) {
        Ok(values) => values,
        Err(refusal) => return Ok(refusal.into()),
    };
    if let Some(missing) = required(op.entity)
        .iter()
        .find(|f| !values.contains_key(**f))
    {
        return Ok(Refusal::rejected("field_missing", format!("{missing} is required")).into());
    }
    if let Some(id) = values.get("household_id") {
        if !household_ok(conn, &session.grid_code, id)? {
            return Ok(
                Refusal::rejected("household_missing", "the household is not in this grid").into(),
            );
        }
    }
    if changes::current(conn, op.entity, op.row_id)?.is_some() {
        let message = format!("{} {} already exists", op.entity.code(), op.row_id);
        return Ok(Refusal::rejected("row_exists", message).into());
    }

    let mut record = values.clone();
    record.insert("id".into(), Value::from(op.row_id.to_string()));
    record.insert("grid_code".into(), Value::from(session.grid_code.clone()));
    record.insert("version".into(), Value::from(1));
    // Through the typed record, so what devices pull has the exact wire shape.
    let record = match wire_record(op.entity, Value::Object(record)) {
        Ok(record) => record,
        Err(e) => return Ok(Refusal::rejected("invalid_fields", e.to_string()).into()),
    };

    let names: Vec<&str> = values.keys().map(|f| column(f)).collect();
    let sql_text = format!(
        "INSERT INTO {} (id, grid_code, version, {}) VALUES (?1, ?2, 1, {})",
        table(op.entity),
        names.join(", "),
        (3..3 + names.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut args = vec![
        Sql::Text(op.row_id.to_string()),
        Sql::Text(session.grid_code.clone()),
    ];
    args.extend(values.values().map(sql_value));
    conn.execute(&sql_text, params_from_iter(args))?;
    changes::record(
        conn,
        &session.grid_code,
        op.entity,
        op.row_id,
        Some(&record),
    )?;
    Ok(Decision::Applied)
}

/// The row as the merge needs it.
struct Current {
    version: i64,
    stamps: Map<String, Value>,
    record: Map<String, Value>,
}

/// The live row `op` names in the device's grid, or why it cannot be edited.
fn current(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
) -> Result<Result<Current, Refusal>, ApiError> {
    let missing = || {
        Refusal::rejected(
            "row_missing",
            format!("{} {} is not in this grid", op.entity.code(), op.row_id),
        )
    };
    let record = match changes::current(conn, op.entity, op.row_id)? {
        Some((grid, _)) if grid != session.grid_code => return Ok(Err(missing())),
        None => return Ok(Err(missing())),
        Some((_, None)) => {
            let message = format!("{} {} was deleted", op.entity.code(), op.row_id);
            return Ok(Err(Refusal::rejected("row_deleted", message)));
        }
        Some((_, Some(Value::Object(record)))) => record,
        Some(_) => {
            return Err(ApiError::internal(anyhow::anyhow!(
                "a registry record is not an object"
            )))
        }
    };
    let (version, stamps_json): (i64, String) = conn
        .prepare_cached(&format!(
            "SELECT version, stamps_json FROM {} WHERE id = ?1",
            table(op.entity)
        ))?
        .query_row(params![op.row_id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a logged row is missing")))?;
    let stamps = serde_json::from_str(&stamps_json).map_err(ApiError::internal)?;
    Ok(Ok(Current {
        version,
        stamps,
        record,
    }))
}

fn update(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    received_at_ms: i64,
) -> Result<Decision, ApiError> {
    let edit: RegistryEdit = match serde_json::from_value(op.fields.clone()) {
        Ok(edit) => edit,
        Err(e) => {
            return Ok(Refusal::rejected("invalid_fields", format!("not an edit: {e}")).into())
        }
    };
    let values = match checked(op.entity, &edit.set) {
        Ok(values) => values,
        Err(refusal) => return Ok(refusal.into()),
    };
    if let Some(id) = values.get("household_id") {
        if !household_ok(conn, &session.grid_code, id)? {
            return Ok(
                Refusal::rejected("household_missing", "the household is not in this grid").into(),
            );
        }
    }
    let mut row = match current(conn, session, op)? {
        Ok(row) => row,
        Err(refusal) => return Ok(refusal.into()),
    };
    // The stamp decides conflicts, so it must be well formed and the
    // device's own; a base the relay never reached would hide them.
    if !is_own_stamp(&op.hlc, &session.device_id) {
        let message = "hlc must read <15-digit ms>-<5-digit counter>-<this device's id>";
        return Ok(Refusal::rejected("invalid_clock_stamp", message).into());
    }
    if edit.base_version > row.version || edit.base_version < 0 {
        let message = format!(
            "base version {} is beyond the row's {}",
            edit.base_version, row.version
        );
        return Ok(Refusal::rejected("invalid_base_version", message).into());
    }

    let version = row.version + 1;
    let mut written = Map::new();
    let mut conflicts = 0;
    for (field, value) in values {
        let now = row.record.get(&field).cloned().unwrap_or(Value::Null);
        let stamp = row
            .stamps
            .get(&field)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let stamp_version = stamp.first().and_then(Value::as_i64).unwrap_or(0);
        let stamp_device = stamp.get(1).and_then(Value::as_str).unwrap_or_default();
        let stamp_hlc = stamp.get(2).and_then(Value::as_str).unwrap_or_default();
        let stamp_author = stamp.get(3).and_then(Value::as_str).unwrap_or_default();
        let concurrent = stamp_version > edit.base_version && stamp_device != session.device_id;
        if now == value {
            continue;
        }
        let wins = !concurrent || op.hlc.as_str() > stamp_hlc;
        if concurrent {
            let (kept, kept_author, other, other_author) = if wins {
                (&value, session.account.as_str(), &now, stamp_author)
            } else {
                (&now, stamp_author, &value, session.account.as_str())
            };
            let conflict = ConflictRecord {
                id: Uuid::now_v7(),
                grid_code: session.grid_code.clone(),
                entity: op.entity,
                row_id: op.row_id,
                field: field.clone(),
                kept: kept.clone(),
                kept_author: kept_author.to_owned(),
                other: other.clone(),
                other_author: other_author.to_owned(),
                created_at_ms: received_at_ms,
                resolved_at_ms: None,
            };
            write_conflict(conn, &conflict, op.id)?;
            conflicts += 1;
        }
        if wins {
            let stamp = serde_json::json!([version, session.device_id, op.hlc, session.account]);
            row.stamps.insert(field.clone(), stamp);
            row.record.insert(field.clone(), value.clone());
            written.insert(field, value);
        }
    }
    let resolved = resolve(conn, session, op, &edit.resolves, received_at_ms)?;

    if !written.is_empty() {
        let sets: Vec<String> = written
            .keys()
            .enumerate()
            .map(|(i, f)| format!("{} = ?{}", column(f), i + 4))
            .collect();
        let sql_text = format!(
            "UPDATE {} SET version = ?2, stamps_json = ?3, {} WHERE id = ?1",
            table(op.entity),
            sets.join(", ")
        );
        let mut args = vec![
            Sql::Text(op.row_id.to_string()),
            Sql::Integer(version),
            Sql::Text(Value::Object(row.stamps).to_string()),
        ];
        args.extend(written.values().map(sql_value));
        conn.execute(&sql_text, params_from_iter(args))?;
        row.record.insert("version".into(), Value::from(version));
        changes::record(
            conn,
            &session.grid_code,
            op.entity,
            op.row_id,
            Some(&Value::Object(row.record)),
        )?;
    }

    Ok(if conflicts > 0 {
        Decision::Merged {
            code: "conflict",
            message: format!(
                "{conflicts} field(s) were also changed on another device; both values are kept"
            ),
        }
    } else if edit.base_version != row.version && resolved == 0 {
        Decision::Merged {
            code: "merged",
            message: format!("merged with edits made since version {}", edit.base_version),
        }
    } else {
        Decision::Applied
    })
}

fn delete(
    conn: &Connection,
    session: &DeviceSession,
    op: &Operation,
    received_at_ms: i64,
) -> Result<Decision, ApiError> {
    if let Err(e) = serde_json::from_value::<RegistryDelete>(op.fields.clone()) {
        return Ok(Refusal::rejected("invalid_fields", format!("not a deletion: {e}")).into());
    }
    let row = match current(conn, session, op)? {
        Ok(row) => row,
        Err(refusal) => return Ok(refusal.into()),
    };
    if op.entity == Entity::Household {
        let lived_in = conn
            .prepare_cached(
                "SELECT 1 FROM residents WHERE household_id = ?1
                    AND deleted_at_ms IS NULL AND moved_out_at_ms IS NULL",
            )?
            .exists(params![op.row_id.to_string()])?;
        if lived_in {
            let message = "residents still live in this household: move them out first";
            return Ok(Refusal::rejected("household_not_empty", message).into());
        }
    }
    conn.execute(
        &format!(
            "UPDATE {} SET deleted_at_ms = ?2, version = ?3 WHERE id = ?1",
            table(op.entity)
        ),
        params![op.row_id.to_string(), received_at_ms, row.version + 1],
    )?;
    changes::record(conn, &session.grid_code, op.entity, op.row_id, None)?;
    Ok(Decision::Applied)
}

/// `record` through the entity's typed wire record and back.
fn wire_record(entity: Entity, record: Value) -> serde_json::Result<Value> {
    match entity {
        Entity::Household => {
            serde_json::to_value(serde_json::from_value::<HouseholdRecord>(record)?)
        }
        Entity::Resident => serde_json::to_value(serde_json::from_value::<ResidentRecord>(record)?),
        _ => serde_json::to_value(serde_json::from_value::<EnterpriseRecord>(record)?),
    }
}

/// Whether `hlc` is `<15 digits>-<5 digits>-<device_id>`.
fn is_own_stamp(hlc: &str, device_id: &str) -> bool {
    let mut parts = hlc.splitn(3, '-');
    let digits = |p: Option<&str>, n: usize| {
        p.is_some_and(|p| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
    };
    digits(parts.next(), 15) && digits(parts.next(), 5) && parts.next() == Some(device_id)
}
