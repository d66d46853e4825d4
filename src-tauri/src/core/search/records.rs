//! The rows the index is built from, read from the device database, and how
//! a matched row is shown.
//!
//! Only the columns that are searched or shown are read. Strings are kept
//! as `Box<str>`, which is a third smaller than `String` per field and
//! adds up over 20,000 residents.

use std::fmt;

use gridline_schema::validate::{parse_citizen_id, parse_mobile};
use rusqlite::{Connection, OptionalExtension, Row};

use super::fold::{digits, fold};
use super::hit::HitKind;
use crate::core::Result;

/// A resident, as the index needs it. `Debug` masks the ID and phone
/// numbers, so a row in a log line cannot leak them.
#[derive(Clone, PartialEq)]
pub struct ResidentRow {
    pub id: String,
    pub household_id: String,
    pub name: String,
    pub citizen_id: String,
    pub phone: Option<String>,
    pub relation: String,
    /// Whether `moved_out_at_ms` is set.
    pub moved_out: bool,
}

impl fmt::Debug for ResidentRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phone = self.phone.as_deref().map(|p| masked_phone(&digits(p)));
        f.debug_struct("ResidentRow")
            .field("id", &self.id)
            .field("household_id", &self.household_id)
            .field("name", &self.name)
            .field("citizen_id", &masked_citizen_id(&fold(&self.citizen_id)))
            .field("phone", &phone)
            .field("relation", &self.relation)
            .field("moved_out", &self.moved_out)
            .finish()
    }
}

/// A household, as the index needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdRow {
    pub id: String,
    pub address: String,
    pub head_name: String,
    pub members: i64,
}

/// An enterprise, as the index needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseRow {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub address: String,
}

const RESIDENT_COLUMNS: &str = "SELECT id, household_id, name, citizen_id, phone, relation,
        moved_out_at_ms IS NOT NULL FROM residents";
const HOUSEHOLD_COLUMNS: &str = "SELECT id, address, head_name, members FROM households";
const ENTERPRISE_COLUMNS: &str =
    "SELECT id, name, credit_code, legal_representative, address FROM enterprises";

fn resident(row: &Row<'_>) -> rusqlite::Result<ResidentRow> {
    Ok(ResidentRow {
        id: row.get(0)?,
        household_id: row.get(1)?,
        name: row.get(2)?,
        citizen_id: row.get(3)?,
        phone: row.get(4)?,
        relation: row.get(5)?,
        moved_out: row.get(6)?,
    })
}

fn household(row: &Row<'_>) -> rusqlite::Result<HouseholdRow> {
    Ok(HouseholdRow {
        id: row.get(0)?,
        address: row.get(1)?,
        head_name: row.get(2)?,
        members: row.get(3)?,
    })
}

fn enterprise(row: &Row<'_>) -> rusqlite::Result<EnterpriseRow> {
    Ok(EnterpriseRow {
        id: row.get(0)?,
        name: row.get(1)?,
        credit_code: row.get(2)?,
        legal_representative: row.get(3)?,
        address: row.get(4)?,
    })
}

/// Every row of the three tables, in a stable order.
pub(crate) fn load_all(conn: &Connection) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    let mut read = |sql: &str, map: &dyn Fn(&Row<'_>) -> rusqlite::Result<Record>| -> Result<()> {
        let mut stmt = conn.prepare(&format!("{sql} ORDER BY id"))?;
        for record in stmt.query_map([], |row| map(row))? {
            records.push(record?);
        }
        Ok(())
    };
    read(RESIDENT_COLUMNS, &|row| resident(row).map(Record::from))?;
    read(HOUSEHOLD_COLUMNS, &|row| household(row).map(Record::from))?;
    read(ENTERPRISE_COLUMNS, &|row| enterprise(row).map(Record::from))?;
    Ok(records)
}

/// One row by kind and id, or `None` if it is not in the database.
pub(crate) fn load_one(conn: &Connection, kind: HitKind, id: &str) -> Result<Option<Record>> {
    let one = |sql: &str| format!("{sql} WHERE id = ?1");
    let record = match kind {
        HitKind::Resident => conn
            .query_row(&one(RESIDENT_COLUMNS), [id], resident)
            .optional()?
            .map(Record::from),
        HitKind::Household => conn
            .query_row(&one(HOUSEHOLD_COLUMNS), [id], household)
            .optional()?
            .map(Record::from),
        HitKind::Enterprise => conn
            .query_row(&one(ENTERPRISE_COLUMNS), [id], enterprise)
            .optional()?
            .map(Record::from),
    };
    Ok(record)
}

/// A row as the index holds it, with its searched numbers already folded.
/// No `Debug`: it holds ID and phone numbers in full.
pub(crate) enum Record {
    Resident {
        id: Box<str>,
        household_id: Box<str>,
        name: Box<str>,
        /// Folded and lower-case: `x` for the check character.
        citizen_id: Box<str>,
        /// Digits only, the bare 11 for a valid mobile number.
        phone: Box<str>,
        relation: Box<str>,
        moved_out: bool,
    },
    Household {
        id: Box<str>,
        address: Box<str>,
        head_name: Box<str>,
        members: i64,
    },
    Enterprise {
        id: Box<str>,
        name: Box<str>,
        /// Folded and lower-case.
        credit_code: Box<str>,
        legal_representative: Box<str>,
        address: Box<str>,
    },
}

impl From<ResidentRow> for Record {
    fn from(row: ResidentRow) -> Record {
        let phone = row.phone.as_deref().unwrap_or("");
        let phone = match parse_mobile(phone) {
            Ok(mobile) => mobile.as_str().to_owned(),
            Err(_) => digits(phone),
        };
        Record::Resident {
            id: row.id.into(),
            household_id: row.household_id.into(),
            name: row.name.into(),
            citizen_id: fold(&row.citizen_id).into(),
            phone: phone.into(),
            relation: row.relation.into(),
            moved_out: row.moved_out,
        }
    }
}

impl From<HouseholdRow> for Record {
    fn from(row: HouseholdRow) -> Record {
        Record::Household {
            id: row.id.into(),
            address: row.address.into(),
            head_name: row.head_name.into(),
            members: row.members,
        }
    }
}

impl From<EnterpriseRow> for Record {
    fn from(row: EnterpriseRow) -> Record {
        Record::Enterprise {
            id: row.id.into(),
            name: row.name.into(),
            credit_code: fold(&row.credit_code).into(),
            legal_representative: row.legal_representative.into(),
            address: row.address.into(),
        }
    }
}

impl Record {
    pub(crate) fn kind(&self) -> HitKind {
        match self {
            Record::Resident { .. } => HitKind::Resident,
            Record::Household { .. } => HitKind::Household,
            Record::Enterprise { .. } => HitKind::Enterprise,
        }
    }

    pub(crate) fn id(&self) -> &str {
        match self {
            Record::Resident { id, .. }
            | Record::Household { id, .. }
            | Record::Enterprise { id, .. } => id,
        }
    }

    /// The resident's folded ID number; empty for other kinds.
    pub(crate) fn citizen_id(&self) -> &str {
        match self {
            Record::Resident { citizen_id, .. } => citizen_id,
            _ => "",
        }
    }

    pub(crate) fn moved_out(&self) -> bool {
        matches!(
            self,
            Record::Resident {
                moved_out: true,
                ..
            }
        )
    }

    /// What the hit is called on screen.
    pub(crate) fn title(&self) -> &str {
        match self {
            Record::Resident { name, .. } => name,
            Record::Household { address, .. } => address,
            Record::Enterprise { name, .. } => name,
        }
    }

    /// Approximate heap use, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        let strings: &[&str] = match self {
            Record::Resident {
                id,
                household_id,
                name,
                citizen_id,
                phone,
                relation,
                ..
            } => &[id, household_id, name, citizen_id, phone, relation],
            Record::Household {
                id,
                address,
                head_name,
                ..
            } => &[id, address, head_name],
            Record::Enterprise {
                id,
                name,
                credit_code,
                legal_representative,
                address,
            } => &[id, name, credit_code, legal_representative, address],
        };
        strings.iter().map(|s| s.len()).sum()
    }
}

/// A citizen ID number as it may be shown: the validator's mask for a
/// valid number, otherwise its first three and last four characters.
pub(crate) fn masked_citizen_id(folded: &str) -> String {
    match parse_citizen_id(folded) {
        Ok(id) => id.masked(),
        Err(_) => mask_middle(&folded.to_ascii_uppercase(), 3, 4),
    }
}

/// A phone number as it may be shown: first three and last four digits.
pub(crate) fn masked_phone(digits: &str) -> String {
    match parse_mobile(digits) {
        Ok(mobile) => mobile.masked(),
        Err(_) => mask_middle(digits, 3, 4),
    }
}

/// `text` with all but its first `head` and last `tail` characters starred;
/// entirely starred when it is too short to keep both ends and hide
/// anything between them.
fn mask_middle(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_citizen_id_is_masked_by_the_validator() {
        let masked = masked_citizen_id("11010519491231002x");

        assert_eq!(masked, "110105********002X");
    }

    #[test]
    fn an_invalid_citizen_id_still_shows_only_its_ends() {
        assert_eq!(
            masked_citizen_id("123456789012345678"),
            "123***********5678"
        );
        assert_eq!(masked_citizen_id("1234567"), "*******");
    }

    #[test]
    fn a_resident_row_prints_its_numbers_masked() {
        let row = ResidentRow {
            id: "r1".into(),
            household_id: "h1".into(),
            name: "张三".into(),
            citizen_id: "11010519491231002X".into(),
            phone: Some("138 0013 8000".into()),
            relation: "户主".into(),
            moved_out: false,
        };

        let printed = format!("{row:?}");

        assert!(printed.contains("110105********002X"), "{printed}");
        assert!(printed.contains("138****8000"), "{printed}");
        assert!(!printed.contains("19491231"), "{printed}");
        assert!(!printed.contains("0013"), "{printed}");
    }

    #[test]
    fn a_phone_number_shows_three_and_four_digits() {
        assert_eq!(masked_phone("13800138000"), "138****8000");
        assert_eq!(masked_phone("037166661234"), "037*****1234");
    }
}
