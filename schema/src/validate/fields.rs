//! Checking one registry field at a time, as an edit carries it.
//!
//! The device checks each field as the leader types and before it queues an
//! edit; the relay checks again on arrival. Both call [`field`], which
//! returns the canonical value to store (an ID number in upper case, a
//! phone without `+86`) or a typed error whose code the UI translates.

use serde_json::Value;

use super::{calendar, parse_citizen_id, parse_credit_code, parse_mobile};
use crate::domain::CareTag;
use crate::wire::Entity;

/// The relations to the head of household a resident may have.
pub const RELATIONS: &[&str] = &[
    "head",
    "spouse",
    "child",
    "parent",
    "grandchild",
    "sibling",
    "other",
];

/// The longest free-text field (names, addresses), in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{0} cannot be changed here")]
    NotEditable(String),
    #[error("{0} must not be empty")]
    Empty(String),
    #[error("{0} is longer than {MAX_TEXT_CHARS} characters")]
    TooLong(String),
    #[error("{field} has the wrong kind of value: {expected} expected")]
    WrongType {
        field: String,
        expected: &'static str,
    },
    #[error("{field}: {reason}")]
    Invalid {
        field: String,
        code: &'static str,
        reason: String,
    },
}

impl FieldError {
    /// A stable code: the identifier validators' own codes where they apply.
    pub fn code(&self) -> &'static str {
        match self {
            FieldError::NotEditable(_) => "field_not_editable",
            FieldError::Empty(_) => "field_empty",
            FieldError::TooLong(_) => "field_too_long",
            FieldError::WrongType { .. } => "field_wrong_type",
            FieldError::Invalid { code, .. } => code,
        }
    }
}

/// Checks `value` for `field` of `entity`; returns the value to store.
pub fn field(entity: Entity, field: &str, value: &Value) -> Result<Value, FieldError> {
    if !crate::wire::editable(entity).contains(&field) {
        return Err(FieldError::NotEditable(field.to_owned()));
    }
    let invalid = |code: &'static str, reason: String| FieldError::Invalid {
        field: field.to_owned(),
        code,
        reason,
    };
    match field {
        "citizen_id" => {
            let id = parse_citizen_id(text(field, value)?)
                .map_err(|e| invalid(e.code(), e.to_string()))?;
            Ok(Value::from(id.as_str()))
        }
        "credit_code" => {
            let code = parse_credit_code(text(field, value)?)
                .map_err(|e| invalid(e.code(), e.to_string()))?;
            Ok(Value::from(code.as_str()))
        }
        "phone" if value.is_null() => Ok(Value::Null),
        "phone" => {
            let mobile =
                parse_mobile(text(field, value)?).map_err(|e| invalid(e.code(), e.to_string()))?;
            Ok(Value::from(mobile.as_str()))
        }
        "gender" => match text(field, value)? {
            g @ ("male" | "female") => Ok(Value::from(g)),
            other => Err(invalid(
                "invalid_gender",
                format!("{other:?} is not male or female"),
            )),
        },
        "relation" => match text(field, value)? {
            r if RELATIONS.contains(&r) => Ok(Value::from(r)),
            other => Err(invalid(
                "invalid_relation",
                format!("{other:?} is not a relation"),
            )),
        },
        "birth_date" => {
            let date = text(field, value)?;
            if is_date(date) {
                Ok(Value::from(date))
            } else {
                Err(invalid(
                    "invalid_date",
                    format!("{date:?} is not a date YYYY-MM-DD"),
                ))
            }
        }
        "members" => match value.as_u64() {
            Some(n @ 1..=99) => Ok(Value::from(n)),
            _ => Err(invalid(
                "invalid_members",
                "members must be 1 to 99".to_owned(),
            )),
        },
        "care_tags" => {
            let tags = value.as_array().ok_or_else(|| FieldError::WrongType {
                field: field.to_owned(),
                expected: "a list of care tags",
            })?;
            let mut codes = Vec::with_capacity(tags.len());
            for tag in tags {
                let tag = tag.as_str().and_then(CareTag::from_code).ok_or_else(|| {
                    invalid("invalid_care_tag", format!("{tag} is not a care tag"))
                })?;
                if !codes.contains(&tag.code()) {
                    codes.push(tag.code());
                }
            }
            Ok(Value::from(codes))
        }
        "moved_out_at_ms" if value.is_null() => Ok(Value::Null),
        "moved_out_at_ms" => value
            .as_i64()
            .filter(|t| *t > 0)
            .map(Value::from)
            .ok_or_else(|| FieldError::WrongType {
                field: field.to_owned(),
                expected: "a time in milliseconds",
            }),
        "lat" | "lon" if value.is_null() => Ok(Value::Null),
        "lat" | "lon" => {
            let limit = if field == "lat" { 90.0 } else { 180.0 };
            match value.as_f64() {
                Some(v) if v.is_finite() && v.abs() <= limit => Ok(Value::from(v)),
                _ => Err(invalid(
                    "invalid_position",
                    format!("{field} is out of range"),
                )),
            }
        }
        "household_id" => {
            let id = text(field, value)?;
            uuid::Uuid::parse_str(id)
                .map(|u| Value::from(u.to_string()))
                .map_err(|_| invalid("invalid_household", "not a household id".to_owned()))
        }
        _ => {
            let t = text(field, value)?.trim();
            if t.is_empty() {
                return Err(FieldError::Empty(field.to_owned()));
            }
            if t.chars().count() > MAX_TEXT_CHARS {
                return Err(FieldError::TooLong(field.to_owned()));
            }
            Ok(Value::from(t))
        }
    }
}

fn text<'v>(field: &str, value: &'v Value) -> Result<&'v str, FieldError> {
    value.as_str().ok_or_else(|| FieldError::WrongType {
        field: field.to_owned(),
        expected: "text",
    })
}

/// `YYYY-MM-DD`, a real calendar date, from 1900 on.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => y >= 1900 && calendar::is_real_date((y as i32, m, d)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_id_number_is_stored_canonical_and_a_wrong_check_char_keeps_its_code() {
        let ok = field(Entity::Resident, "citizen_id", &json!("11010519491231002x")).unwrap();
        assert_eq!(ok, json!("11010519491231002X"));

        let err = field(Entity::Resident, "citizen_id", &json!("110105194912310021")).unwrap_err();
        assert_eq!(err.code(), "id_check_char");
    }

    #[test]
    fn fields_outside_the_editable_list_are_refused() {
        let err = field(Entity::Household, "grid_code", &json!("x")).unwrap_err();
        assert_eq!(err.code(), "field_not_editable");
        let err = field(Entity::Resident, "version", &json!(9)).unwrap_err();
        assert_eq!(err.code(), "field_not_editable");
    }

    #[test]
    fn care_tags_must_be_known_codes_and_repeats_collapse() {
        let ok = field(
            Entity::Resident,
            "care_tags",
            &json!(["disabled", "disabled"]),
        )
        .unwrap();
        assert_eq!(ok, json!(["disabled"]));
        let err = field(Entity::Resident, "care_tags", &json!(["vip"])).unwrap_err();
        assert_eq!(err.code(), "invalid_care_tag");
    }

    #[test]
    fn text_is_trimmed_and_blank_text_refused() {
        assert_eq!(
            field(Entity::Household, "address", &json!("  1号楼 ")).unwrap(),
            json!("1号楼")
        );
        assert_eq!(
            field(Entity::Household, "head_name", &json!("  "))
                .unwrap_err()
                .code(),
            "field_empty"
        );
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(field(Entity::Resident, "birth_date", &json!("2000-02-29")).is_ok());
        assert!(field(Entity::Resident, "birth_date", &json!("1999-02-29")).is_err());
        assert!(field(Entity::Resident, "birth_date", &json!("1999-2-1")).is_err());
    }

    #[test]
    fn phones_may_be_cleared_but_not_malformed() {
        assert_eq!(
            field(Entity::Resident, "phone", &Value::Null).unwrap(),
            Value::Null
        );
        assert_eq!(
            field(Entity::Resident, "phone", &json!("+86 138 0013 8000")).unwrap(),
            json!("13800138000")
        );
        assert!(field(Entity::Resident, "phone", &json!("12345")).is_err());
    }
}
