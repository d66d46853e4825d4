//! Reading the registry for the screens: pages of households, residents and
//! enterprises, one row in full, and checking a field as it is typed.
//!
//! ID numbers and phone numbers leave the core masked. The full number of
//! one row is given only by [`Device::reveal`], which records who asked,
//! when, and for which row and field (never the number itself).

use gridline_schema::validate::fields::{self, FieldError};
use gridline_schema::validate::{
    citizen_id_check_char, credit_code_check_char, parse_citizen_id, parse_mobile,
};
use gridline_schema::wire::Entity;
use gridline_schema::CareTag;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{CoreError, Result};
use super::{outbox, Device};

/// The most rows one page may hold.
pub const MAX_PAGE: u32 = 200;

/// One page of a list, and how many rows there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdItem {
    pub id: String,
    pub address: String,
    pub head_name: String,
    pub members: i64,
    /// Residents registered in it who have not moved out.
    pub residents: i64,
    /// A change not yet confirmed by the relay.
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResidentItem {
    pub id: String,
    pub household_id: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    /// Masked: `410105********1234`.
    pub citizen_id: String,
    /// Masked: `138****8000`.
    pub phone: Option<String>,
    pub relation: String,
    pub care_tags: Vec<CareTag>,
    pub moved_out_at_ms: Option<i64>,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseItem {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub address: String,
    pub industry: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub pending: bool,
}

/// What a field check says while the leader types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    pub ok: bool,
    /// The error code when not ok.
    pub code: Option<String>,
    /// For ID numbers and credit codes with a wrong last character: the
    /// character the first 17 call for.
    pub expected_check_char: Option<String>,
}

fn pending(conn: &Connection, entity: Entity, id: &str) -> Result<bool> {
    Ok(!outbox::pending_on(conn, entity, id)?.is_empty())
}

fn masked_id(raw: &str) -> String {
    parse_citizen_id(raw).map_or_else(|_| mask_middle(raw, 3, 4), |id| id.masked())
}

fn masked_phone(raw: &str) -> String {
    parse_mobile(raw).map_or_else(|_| mask_middle(raw, 3, 4), |m| m.masked())
}

/// An ID number (`citizen_id`) or phone as lists show it.
pub fn masked_number(field: &str, raw: &str) -> String {
    if field == "citizen_id" {
        masked_id(raw)
    } else {
        masked_phone(raw)
    }
}

/// Keeps `head` and `tail` characters and stars the rest.
fn mask_middle(raw: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let stars = "*".repeat(chars.len() - head - tail);
    format!(
        "{}{stars}{}",
        chars[..head].iter().collect::<String>(),
        chars[chars.len() - tail..].iter().collect::<String>()
    )
}

fn resident_item(conn: &Connection, r: &Row) -> Result<ResidentItem> {
    let id: String = r.get(0)?;
    let tags: String = r.get(8)?;
    let tags: Vec<String> = serde_json::from_str(&tags)?;
    Ok(ResidentItem {
        pending: pending(conn, Entity::Resident, &id)?,
        id,
        household_id: r.get(1)?,
        name: r.get(2)?,
        gender: r.get(3)?,
        birth_date: r.get(4)?,
        citizen_id: masked_id(&r.get::<_, String>(5)?),
        phone: r.get::<_, Option<String>>(6)?.map(|p| masked_phone(&p)),
        relation: r.get(7)?,
        care_tags: tags.iter().filter_map(|t| CareTag::from_code(t)).collect(),
        moved_out_at_ms: r.get(9)?,
    })
}

const RESIDENT_COLUMNS: &str =
    "id, household_id, name, gender, birth_date, citizen_id, phone, relation,
    care_tags_json, moved_out_at_ms";

impl Device {
    /// A page of households, by address.
    pub fn households(&self, offset: u32, limit: u32) -> Result<Page<HouseholdItem>> {
        let conn = self.db.lock();
        let total = conn.query_row("SELECT COUNT(*) FROM households", [], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(
            "SELECT h.id, h.address, h.head_name, h.members,
                    (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id AND r.moved_out_at_ms IS NULL)
               FROM households h ORDER BY h.address LIMIT ?1 OFFSET ?2",
        )?;
        let rows: Vec<(String, String, String, i64, i64)> = stmt
            .query_map(params![limit.min(MAX_PAGE), offset], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let items = rows
            .into_iter()
            .map(|(id, address, head_name, members, residents)| {
                Ok(HouseholdItem {
                    pending: pending(&conn, Entity::Household, &id)?,
                    id,
                    address,
                    head_name,
                    members,
                    residents,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page { items, total })
    }

    /// A page of residents, by name; only those with `care_tag` if given.
    pub fn residents(
        &self,
        offset: u32,
        limit: u32,
        care_tag: Option<CareTag>,
    ) -> Result<Page<ResidentItem>> {
        let conn = self.db.lock();
        // Tags are stored as a JSON list of codes: match the quoted code.
        let pattern = care_tag.map_or_else(|| "%".to_owned(), |t| format!("%\"{}\"%", t.code()));
        let total = conn.query_row(
            "SELECT COUNT(*) FROM residents WHERE care_tags_json LIKE ?1",
            [&pattern],
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {RESIDENT_COLUMNS} FROM residents WHERE care_tags_json LIKE ?1
              ORDER BY moved_out_at_ms IS NOT NULL, name LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![pattern, limit.min(MAX_PAGE), offset])?;
        let mut items = Vec::new();
        while let Some(r) = rows.next()? {
            items.push(resident_item(&conn, r)?);
        }
        Ok(Page { items, total })
    }

    /// The residents of one household, the head first.
    pub fn household_residents(&self, household_id: &str) -> Result<Vec<ResidentItem>> {
        let conn = self.db.lock();
        let sql = format!(
            "SELECT {RESIDENT_COLUMNS} FROM residents WHERE household_id = ?1
              ORDER BY moved_out_at_ms IS NOT NULL, relation != 'head', birth_date"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([household_id])?;
        let mut items = Vec::new();
        while let Some(r) = rows.next()? {
            items.push(resident_item(&conn, r)?);
        }
        Ok(items)
    }

    /// One resident, masked.
    pub fn resident(&self, id: &str) -> Result<ResidentItem> {
        let conn = self.db.lock();
        let sql = format!("SELECT {RESIDENT_COLUMNS} FROM residents WHERE id = ?1");
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([id])?;
        let row = rows.next()?.ok_or(CoreError::RowMissing)?;
        resident_item(&conn, row)
    }

    /// A page of enterprises, by name.
    pub fn enterprises(&self, offset: u32, limit: u32) -> Result<Page<EnterpriseItem>> {
        let conn = self.db.lock();
        let total = conn.query_row("SELECT COUNT(*) FROM enterprises", [], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, credit_code, legal_representative, address, industry, lat, lon
               FROM enterprises ORDER BY name LIMIT ?1 OFFSET ?2",
        )?;
        let mut rows = stmt.query(params![limit.min(MAX_PAGE), offset])?;
        let mut items = Vec::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            items.push(EnterpriseItem {
                pending: pending(&conn, Entity::Enterprise, &id)?,
                id,
                name: r.get(1)?,
                credit_code: r.get(2)?,
                legal_representative: r.get(3)?,
                address: r.get(4)?,
                industry: r.get(5)?,
                lat: r.get(6)?,
                lon: r.get(7)?,
            });
        }
        Ok(Page { items, total })
    }

    /// The full ID or phone number of one resident, for the leader who asked
    /// to see it. The asking is recorded; the number is not.
    pub fn reveal(&self, resident_id: &str, field: &str) -> Result<Option<String>> {
        let column = match field {
            "citizen_id" => "citizen_id",
            "phone" => "phone",
            _ => return Err(CoreError::Field(FieldError::NotEditable(field.to_owned()))),
        };
        let session = self.stored_session()?;
        let now = self.now_ms();
        let value = self.db.write(|tx| {
            let value: Option<Option<String>> = tx
                .query_row(&format!("SELECT {column} FROM residents WHERE id = ?1"), [resident_id], |r| r.get(0))
                .optional()?;
            let value = value.ok_or(CoreError::RowMissing)?;
            tx.execute(
                "INSERT INTO reveals (entity, row_id, field, account, at_ms) VALUES ('resident', ?1, ?2, ?3, ?4)",
                params![resident_id, column, session.account, now],
            )?;
            Ok(value)
        })?;
        tracing::info!(resident = %resident_id, field = column, "full number shown to the leader");
        Ok(value)
    }

    /// How many times full numbers were shown, for the settings screen.
    pub fn reveal_count(&self) -> Result<i64> {
        Ok(self
            .db
            .lock()
            .query_row("SELECT COUNT(*) FROM reveals", [], |r| r.get(0))?)
    }
}

/// Checks one field as typed, naming the expected check character when
/// only the last character of an ID number or credit code is wrong.
pub fn check_field(entity: Entity, field: &str, value: &Value) -> FieldCheck {
    match fields::field(entity, field, value) {
        Ok(_) => FieldCheck {
            ok: true,
            code: None,
            expected_check_char: None,
        },
        Err(e) => {
            let typed: String = value
                .as_str()
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| gridline_schema::validate::fold_width(c).to_ascii_uppercase())
                .collect();
            let first17 = typed.get(..17).unwrap_or_default();
            let expected = match e.code() {
                "id_check_char" => citizen_id_check_char(first17),
                "credit_code_check_char" => credit_code_check_char(first17),
                _ => None,
            };
            FieldCheck {
                ok: false,
                code: Some(e.code().to_owned()),
                expected_check_char: expected.map(String::from),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_wrong_last_character_names_the_one_expected() {
        let check = check_field(Entity::Resident, "citizen_id", &json!("110105194912310021"));

        assert!(!check.ok);
        assert_eq!(check.code.as_deref(), Some("id_check_char"));
        assert_eq!(check.expected_check_char.as_deref(), Some("X"));
    }

    #[test]
    fn full_width_digits_are_checked_as_ordinary_ones() {
        let check = check_field(
            Entity::Resident,
            "citizen_id",
            &json!("１１０１０５１９４９１２３１００２Ｘ"),
        );

        assert!(check.ok, "{check:?}");
    }

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask_middle("13800138000", 3, 4), "138****8000");
        assert_eq!(mask_middle("123", 3, 4), "***");
    }
}
