//! Mainland China mobile numbers.
//!
//! A mobile number has 11 digits, begins with `1`, and its second digit is
//! 3 to 9: the ranges that carriers have been allotted so far. The carrier
//! prefixes within those ranges are not checked, since new ones are opened
//! every few years and a stale list would refuse real numbers.
//!
//! People write the same number many ways: `138 0000 1234`,
//! `138-0000-1234`, `+86 13800001234`, `008613800001234`, in full-width
//! digits from a Chinese input method. All of these parse to the same
//! [`Mobile`], which holds the bare 11 digits.

use std::fmt;
use std::str::FromStr;

use super::normalise;

const LENGTH: usize = 11;

/// Ways the country code 86 is written in front of a number: with the
/// international `+`, with the `00` dialled from most other countries, or
/// bare.
const COUNTRY_PREFIXES: [&str; 3] = ["+86", "0086", "86"];

/// Why a string is not a valid mainland mobile number.
///
/// The checks run in the order of the variants, and the first failure is
/// reported. None of the messages repeat the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    /// After separators and the country code are removed, the number does
    /// not have 11 characters.
    #[error("a mobile number has 11 digits, but this one has {found}")]
    Length { found: usize },
    /// A character other than a digit, space or hyphen.
    #[error("character {position} of the mobile number is not a digit")]
    Character { position: usize },
    /// The number does not start with 13 to 19.
    #[error("a mainland mobile number starts with 13 to 19")]
    Prefix,
}

impl MobileError {
    /// A stable code for the failure, for the UI to translate and for
    /// clients to match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "mobile_length",
            Self::Character { .. } => "mobile_character",
            Self::Prefix => "mobile_prefix",
        }
    }
}

/// A mainland mobile number that has passed every check, held as its bare
/// 11 ASCII digits.
///
/// This is personal data. `Debug` and `Display` print only the
/// [`masked`](Self::masked) form; the full number takes
/// [`as_str`](Self::as_str).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    /// The 11 digits, without country code or separators. Do not log them.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first three and last four digits with the middle four hidden,
    /// e.g. `138****1234`, the way Chinese services customarily show a
    /// number back to its owner.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Mobile").field(&self.masked()).finish()
    }
}

impl FromStr for Mobile {
    type Err = MobileError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_mobile(s)
    }
}

/// Parses and checks a mainland mobile number.
///
/// Spaces and hyphens anywhere, full-width digits, and a leading `+86`,
/// `0086` or `86` are accepted and removed. Positions in
/// [`MobileError::Character`] count the digits that remain.
pub fn parse_mobile(input: &str) -> Result<Mobile, MobileError> {
    let compact: String = normalise(input)
        .chars()
        .filter(|&c| c != ' ' && c != '-')
        .collect();
    // No valid national number starts with 8 or 0, so taking these off can
    // never shorten a number that was already bare.
    let national = COUNTRY_PREFIXES
        .iter()
        .find_map(|prefix| compact.strip_prefix(prefix))
        .unwrap_or(&compact);

    let found = national.chars().count();
    if found != LENGTH {
        return Err(MobileError::Length { found });
    }
    if let Some(index) = national.chars().position(|c| !c.is_ascii_digit()) {
        return Err(MobileError::Character {
            position: index + 1,
        });
    }
    let bytes = national.as_bytes();
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(MobileError::Prefix);
    }

    Ok(Mobile(national.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBER: &str = "13800001234";

    #[test]
    fn a_bare_number_parses_to_itself() {
        assert_eq!(parse_mobile(NUMBER).unwrap().as_str(), NUMBER);
    }

    #[test]
    fn country_code_forms_are_removed() {
        for typed in [
            "+8613800001234",
            "+86 138 0000 1234",
            "008613800001234",
            "8613800001234",
            "+86-138-0000-1234",
        ] {
            let parsed = parse_mobile(typed);

            assert_eq!(parsed.as_ref().map(Mobile::as_str), Ok(NUMBER), "{typed}");
        }
    }

    #[test]
    fn separators_full_width_digits_and_surrounding_space_are_folded() {
        for typed in [
            "138 0000 1234",
            "138-0000-1234",
            "１３８００００１２３４",
            "\u{3000}138\u{3000}0000－1234 \n",
        ] {
            let parsed = parse_mobile(typed);

            assert_eq!(parsed.as_ref().map(Mobile::as_str), Ok(NUMBER), "{typed:?}");
        }
    }

    #[test]
    fn every_second_digit_from_3_to_9_is_accepted() {
        for second in 3..=9 {
            let typed = format!("1{second}800001234");

            assert!(parse_mobile(&typed).is_ok(), "{typed}");
        }
    }

    #[test]
    fn numbers_not_starting_with_13_to_19_are_refused() {
        for typed in ["12800001234", "10800001234", "23800001234", "03800001234"] {
            let err = parse_mobile(typed).unwrap_err();

            assert_eq!(err, MobileError::Prefix, "{typed}");
            assert_eq!(err.code(), "mobile_prefix");
        }
    }

    #[test]
    fn wrong_lengths_report_the_digits_found() {
        for (typed, found) in [
            ("", 0),
            ("1380000123", 10),
            ("138000012345", 12),
            ("+86 138000012345", 12),
        ] {
            let err = parse_mobile(typed).unwrap_err();

            assert_eq!(err, MobileError::Length { found }, "{typed:?}");
            assert_eq!(err.code(), "mobile_length");
        }
    }

    #[test]
    fn a_country_code_alone_does_not_make_a_number() {
        assert_eq!(
            parse_mobile("+86").unwrap_err(),
            MobileError::Length { found: 0 }
        );
    }

    #[test]
    fn other_characters_are_refused_with_their_position() {
        for (typed, position) in [("1380000123a", 11), ("138.0000.12", 4), ("(138)000012", 1)] {
            let err = parse_mobile(typed).unwrap_err();

            assert_eq!(err, MobileError::Character { position }, "{typed}");
            assert_eq!(err.code(), "mobile_character");
        }
    }

    #[test]
    fn masking_hides_the_middle_four_digits() {
        let mobile = parse_mobile("138 5678 1234").unwrap();

        assert_eq!(mobile.masked(), "138****1234");
    }

    #[test]
    fn debug_and_display_never_show_the_full_number() {
        let mobile = parse_mobile("13856781234").unwrap();

        let shown = format!("{mobile} {mobile:?} {:?}", Some(&mobile));

        assert!(!shown.contains("5678"), "leaked: {shown}");
        assert_eq!(mobile.to_string(), "138****1234");
        assert_eq!(format!("{mobile:?}"), "Mobile(\"138****1234\")");
    }

    #[test]
    fn from_str_parses_like_the_function() {
        let parsed: Result<Mobile, _> = "+86 138 0000 1234".parse();

        assert_eq!(
            parsed.map(|mobile| mobile.as_str().to_owned()),
            Ok(NUMBER.to_owned())
        );
    }
}
