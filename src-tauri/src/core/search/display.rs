//! The title and subtitle of a hit.
//!
//! A hit has to be told apart from others of the same name at a glance, so
//! the subtitle carries a number, but only ever masked: a list of search
//! results is exactly what gets shown over a shoulder or in a screenshot.

use super::hit::{field_of, quality_of, Field, Hit};
use super::records::{masked_citizen_id, masked_phone, Record};

/// The hit for `record`, scored `score`. `address_of` finds a household's
/// address, shown under each of its residents.
pub(crate) fn hit<'a>(
    record: &'a Record,
    score: u64,
    address_of: impl Fn(&str) -> Option<&'a str>,
) -> Hit {
    let matched = field_of(score);
    let subtitle = match record {
        Record::Resident {
            household_id,
            citizen_id,
            phone,
            ..
        } => {
            let number = if matched == Field::Phone {
                masked_phone(phone)
            } else {
                masked_citizen_id(citizen_id)
            };
            join(&[&number, address_of(household_id).unwrap_or("")])
        }
        Record::Household {
            head_name, members, ..
        } => join(&[&format!("户主 {head_name}"), &format!("{members}人")]),
        Record::Enterprise {
            credit_code,
            legal_representative,
            ..
        } => join(&[&credit_code.to_ascii_uppercase(), legal_representative]),
    };
    Hit {
        kind: record.kind(),
        id: record.id().to_owned(),
        title: record.title().to_owned(),
        subtitle,
        matched,
        quality: quality_of(score),
        moved_out: record.moved_out(),
    }
}

/// The non-empty parts, separated by a middle dot.
fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}
