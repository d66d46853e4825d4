//! What a search returns, and the order results come in.
//!
//! Every candidate is given one `u64` score whose bit fields, from the top,
//! are the match quality, whether the record is current (not moved out),
//! whether only primary readings were used, which field matched and the
//! kind of record, then a preference for shorter titles. Comparing scores
//! is then the whole ranking, and the field can be read back from the
//! score without storing it beside it.

use serde::Serialize;

/// Which table a hit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HitKind {
    Resident,
    Household,
    Enterprise,
}

impl HitKind {
    /// Residents first, then households, then enterprises, when all else
    /// is equal: a leader searching a name usually means the person.
    fn rank(self) -> u64 {
        match self {
            HitKind::Resident => 2,
            HitKind::Household => 1,
            HitKind::Enterprise => 0,
        }
    }
}

/// Which field of the record the query matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// A resident's or an enterprise's name.
    Name,
    CitizenId,
    Phone,
    CreditCode,
    /// A household's head.
    HeadName,
    LegalRepresentative,
    Address,
}

const FIELDS: [Field; 7] = [
    Field::Address,
    Field::LegalRepresentative,
    Field::HeadName,
    Field::CreditCode,
    Field::Phone,
    Field::CitizenId,
    Field::Name,
];

impl Field {
    /// Higher ranks first; a record's own name outranks a household found
    /// through its head, which outranks anything found by address.
    fn rank(self) -> u64 {
        FIELDS.iter().position(|&f| f == self).unwrap_or(0) as u64
    }
}

/// How much of the field the query covered. Ordered worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Quality {
    /// The query matched inside the field.
    Substring,
    /// The query matched the start of the field or, for ID and phone
    /// numbers, which are quoted by their last digits (尾号), its end.
    Prefix,
    /// The query matched the whole field.
    Exact,
}

/// One search result, as the UI shows it. ID numbers and phone numbers in
/// `title` and `subtitle` are masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub kind: HitKind,
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub matched: Field,
    pub quality: Quality,
    /// A resident who has moved out of the grid; such hits rank below
    /// current ones of the same quality.
    pub moved_out: bool,
}

const QUALITY_SHIFT: u32 = 48;
const CURRENT_SHIFT: u32 = 47;
const PRIMARY_SHIFT: u32 = 46;
const FIELD_SHIFT: u32 = 40;
const KIND_SHIFT: u32 = 38;
const BREVITY_SHIFT: u32 = 22;

/// What a candidate's score is made of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub quality: Quality,
    pub current: bool,
    pub primary: bool,
    pub field: Field,
    pub kind: HitKind,
    /// The title's length in characters.
    pub title_len: usize,
}

impl Candidate {
    /// The packed score; never zero, so zero can mean "no match".
    pub(crate) fn score(self) -> u64 {
        let quality = self.quality as u64 + 1;
        let brevity = 0xFFFF - self.title_len.min(0xFFFF) as u64;
        quality << QUALITY_SHIFT
            | u64::from(self.current) << CURRENT_SHIFT
            | u64::from(self.primary) << PRIMARY_SHIFT
            | self.field.rank() << FIELD_SHIFT
            | self.kind.rank() << KIND_SHIFT
            | brevity << BREVITY_SHIFT
    }
}

/// The quality a score was made with.
pub(crate) fn quality_of(score: u64) -> Quality {
    match score >> QUALITY_SHIFT {
        3 => Quality::Exact,
        2 => Quality::Prefix,
        _ => Quality::Substring,
    }
}

/// The field a score was made with.
pub(crate) fn field_of(score: u64) -> Field {
    FIELDS[((score >> FIELD_SHIFT) & 0xF) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> Candidate {
        Candidate {
            quality: Quality::Prefix,
            current: true,
            primary: true,
            field: Field::Name,
            kind: HitKind::Resident,
            title_len: 2,
        }
    }

    #[test]
    fn quality_outweighs_every_other_part_of_the_score() {
        let exact_address = Candidate {
            quality: Quality::Exact,
            current: false,
            primary: false,
            field: Field::Address,
            kind: HitKind::Enterprise,
            title_len: 40,
        };

        assert!(exact_address.score() > candidate().score());
    }

    #[test]
    fn a_moved_out_resident_scores_below_a_current_one_of_the_same_quality() {
        let moved_out = Candidate {
            current: false,
            ..candidate()
        };

        assert!(candidate().score() > moved_out.score());
    }

    #[test]
    fn the_field_and_quality_can_be_read_back_from_the_score() {
        for field in FIELDS {
            let score = Candidate {
                field,
                ..candidate()
            }
            .score();

            assert_eq!(field_of(score), field);
            assert_eq!(quality_of(score), Quality::Prefix);
        }
    }

    #[test]
    fn hits_serialize_with_camel_case_names_for_the_ui() {
        let hit = Hit {
            kind: HitKind::Resident,
            id: "r1".into(),
            title: "张三".into(),
            subtitle: String::new(),
            matched: Field::CitizenId,
            quality: Quality::Exact,
            moved_out: true,
        };

        let json = serde_json::to_value(&hit).unwrap();

        assert_eq!(json["kind"], "resident");
        assert_eq!(json["matched"], "citizenId");
        assert_eq!(json["movedOut"], true);
    }
}
