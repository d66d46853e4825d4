//! Edits of registry rows (households, residents, enterprises) and the
//! conflicts two edits of one field leave behind.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Entity;

/// The fields a device may change on each registry entity; anything else in
/// an edit is refused.
pub const EDITABLE: &[(Entity, &[&str])] = &[
    (Entity::Household, &["address", "head_name", "members"]),
    (
        Entity::Resident,
        &[
            "household_id",
            "name",
            "gender",
            "birth_date",
            "citizen_id",
            "phone",
            "relation",
            "care_tags",
            "moved_out_at_ms",
        ],
    ),
    (
        Entity::Enterprise,
        &[
            "name",
            "credit_code",
            "legal_representative",
            "address",
            "industry",
            "lat",
            "lon",
        ],
    ),
];

/// `household|resident|enterprise` + `update`: new values for some fields.
///
/// `base_version` is the row's version the device last had from the relay.
/// The relay merges per field: a field nobody else changed since that
/// version is simply written; a field another device changed since is a
/// conflict, settled by the later clock stamp and recorded with both values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryEdit {
    pub base_version: i64,
    pub set: serde_json::Map<String, serde_json::Value>,
    /// Conflicts on this row that the leader settled with this edit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolves: Vec<Uuid>,
}

/// `household|resident|enterprise` + `delete`: the row becomes a tombstone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryDelete {
    pub base_version: i64,
}

/// A field two devices changed from the same base, as it travels in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub entity: Entity,
    pub row_id: Uuid,
    pub field: String,
    /// The value the row holds.
    pub kept: serde_json::Value,
    pub kept_author: String,
    /// The value that lost.
    pub other: serde_json::Value,
    pub other_author: String,
    pub created_at_ms: i64,
    #[serde(default)]
    pub resolved_at_ms: Option<i64>,
}

/// The fields a device may change on `entity`; empty for issues.
pub fn editable(entity: Entity) -> &'static [&'static str] {
    EDITABLE
        .iter()
        .find(|(e, _)| *e == entity)
        .map_or(&[], |(_, f)| f)
}

/// The fields a new row of `entity` must carry; the rest of [`editable`]
/// may be left out.
pub fn required(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Household => &["address", "head_name", "members"],
        Entity::Resident => &[
            "household_id",
            "name",
            "gender",
            "birth_date",
            "citizen_id",
            "relation",
        ],
        Entity::Enterprise => &[
            "name",
            "credit_code",
            "legal_representative",
            "address",
            "industry",
        ],
        _ => &[],
    }
}

/// The column a field is stored in, on the device and at the relay: lists
/// are stored as JSON text.
pub fn column(field: &str) -> &str {
    match field {
        "care_tags" => "care_tags_json",
        other => other,
    }
}

/// A checked field value as SQLite stores it.
pub fn sql_value(value: &serde_json::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    use serde_json::Value;
    match value {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}
