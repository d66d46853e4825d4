//! Citizen ID numbers (公民身份号码) as defined by GB 11643-1999.
//!
//! The number has 18 characters: a 6-digit address code (the county-level
//! administrative division of GB/T 2260 where the holder was registered), an
//! 8-digit birth date `YYYYMMDD`, a 3-digit sequence whose last digit is odd
//! for men and even for women, and a check character computed over the first
//! 17 digits with ISO 7064 MOD 11-2, which is a digit or `X` (for ten).
//!
//! The address code is checked only as far as can be done without a copy of
//! the division table, which changes every year: the first two digits must be
//! a province-level code, and the last four must not be `0000`, because that
//! is the code of a province itself, never of a place where people are
//! registered. Numbers of the older 15-digit form are refused. Residence
//! permits for Hong Kong, Macao and Taiwan residents living on the mainland
//! carry the same 18-character number with the address codes 810000, 820000
//! and 830000 and the same check character; grid leaders register these
//! residents too, so those three codes are accepted as they stand.

use std::fmt;
use std::str::FromStr;

use super::calendar::{is_real_date, today_in_china, Date};
use super::normalise;

/// Weights of ISO 7064 MOD 11-2 for the 17 body digits: 2^(18-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes of GB/T 2260: the first two digits of every address
/// code.
const PROVINCE_CODES: [u32; 34] = [
    11, 12, 13, 14, 15, // North China
    21, 22, 23, // North-east
    31, 32, 33, 34, 35, 36, 37, // East
    41, 42, 43, 44, 45, 46, // Central and south
    50, 51, 52, 53, 54, // South-west
    61, 62, 63, 64, 65, // North-west
    71, 81, 82, // Taiwan, Hong Kong, Macao
];

/// No birth date earlier than this is accepted. Nobody registered today was
/// born before it, and it keeps mistyped years like `0990` out.
const EARLIEST_BIRTH_DATE: Date = (1900, 1, 1);

const LENGTH: usize = 18;

/// Why a string is not a valid citizen ID number.
///
/// The checks run in the order of the variants, and the first failure is
/// reported. None of the messages repeat the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CitizenIdError {
    /// The number, once trimmed, does not have 18 characters.
    #[error("a citizen ID number has 18 characters, but this one has {found}")]
    Length { found: usize },
    /// A character is neither a digit nor, in the last place, `X`.
    #[error(
        "character {position} of the citizen ID number is not allowed: \
         the first 17 must be digits and the last a digit or X"
    )]
    Character { position: usize },
    /// The first six digits are not the code of a place of registration.
    #[error("the citizen ID number does not start with a known region code")]
    Region,
    /// Digits 7 to 14 are not a real date from 1900-01-01 up to today.
    #[error("the birth date in the citizen ID number is not a real date between 1900 and today")]
    BirthDate,
    /// The check character does not match the first 17 digits, usually
    /// because one of them was mistyped.
    #[error("the citizen ID number's check character should be {expected}, not {found}")]
    CheckChar { expected: char, found: char },
}

impl CitizenIdError {
    /// A stable code for the failure, for the UI to translate and for
    /// clients to match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "id_length",
            Self::Character { .. } => "id_character",
            Self::Region => "id_region",
            Self::BirthDate => "id_birth_date",
            Self::CheckChar { .. } => "id_check_char",
        }
    }
}

/// A citizen ID number that has passed every check, held in canonical form:
/// 18 ASCII characters, with an upper-case `X` if it has one.
///
/// This is personal data. `Debug` and `Display` print only the
/// [`masked`](Self::masked) form; the full number takes
/// [`as_str`](Self::as_str).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CitizenId(String);

impl CitizenId {
    /// The full number. Do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date as (year, month, day).
    pub fn birth_date(&self) -> (i32, u32, u32) {
        birth_date_of(&self.0)
    }

    /// Whether the holder is registered as male: the 17th digit, the last
    /// of the sequence code, is odd for men and even for women.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16] % 2 == 1
    }

    /// The first six and last four characters with the eight in between
    /// hidden, e.g. `410108********123X`: enough to tell records apart on
    /// screen without showing the birth date.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CitizenId").field(&self.masked()).finish()
    }
}

impl FromStr for CitizenId {
    type Err = CitizenIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_citizen_id(s)
    }
}

/// Parses and checks a citizen ID number.
///
/// Surrounding whitespace (including the ideographic space), full-width
/// digits and a lower-case or full-width `x` are accepted and folded to the
/// canonical form. The birth date may not be later than today in China.
pub fn parse_citizen_id(input: &str) -> Result<CitizenId, CitizenIdError> {
    parse_as_of(input, today_in_china())
}

/// The check character for the first 17 digits of a number, or `None` if
/// `first17` is not exactly 17 ASCII digits.
///
/// It does not check the region or birth date, so it can also mint numbers
/// for demonstration data.
pub fn citizen_id_check_char(first17: &str) -> Option<char> {
    let body = first17.as_bytes();
    if body.len() != LENGTH - 1 || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(check_char_of(body))
}

/// [`parse_citizen_id`] with "today" given, so tests do not depend on the
/// clock.
fn parse_as_of(input: &str, today: Date) -> Result<CitizenId, CitizenIdError> {
    let id = normalise(input);

    let found = id.chars().count();
    if found != LENGTH {
        return Err(CitizenIdError::Length { found });
    }
    for (index, c) in id.chars().enumerate() {
        let allowed = c.is_ascii_digit() || (index == LENGTH - 1 && c == 'X');
        if !allowed {
            return Err(CitizenIdError::Character {
                position: index + 1,
            });
        }
    }
    // From here on every character is ASCII, so byte slicing is safe.

    if !is_known_region(&id[..6]) {
        return Err(CitizenIdError::Region);
    }

    let birth = birth_date_of(&id);
    if !is_real_date(birth) || birth < EARLIEST_BIRTH_DATE || birth > today {
        return Err(CitizenIdError::BirthDate);
    }

    let expected = check_char_of(&id.as_bytes()[..LENGTH - 1]);
    let found = char::from(id.as_bytes()[LENGTH - 1]);
    if found != expected {
        return Err(CitizenIdError::CheckChar { expected, found });
    }

    Ok(CitizenId(id))
}

/// Whether a 6-digit address code can be a place of registration: see the
/// module documentation for why this is all that is checked.
fn is_known_region(code: &str) -> bool {
    RESIDENCE_PERMIT_CODES.contains(&code)
        || (PROVINCE_CODES.contains(&number(&code[..2])) && &code[2..] != "0000")
}

/// Address codes of residence permits for Hong Kong, Macao and Taiwan
/// residents, which are whole regions rather than places of registration.
const RESIDENCE_PERMIT_CODES: [&str; 3] = ["810000", "820000", "830000"];

/// ISO 7064 MOD 11-2 over 17 bytes already known to be ASCII digits.
fn check_char_of(body: &[u8]) -> char {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(&digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// The birth date in digits 7 to 14 of a number already known to be ASCII
/// digits there.
fn birth_date_of(id: &str) -> Date {
    let year = number(&id[6..10]) as i32;
    (year, number(&id[10..12]), number(&id[12..14]))
}

/// The value of a short run of ASCII digits.
fn number(digits: &str) -> u32 {
    digits
        .bytes()
        .fold(0, |value, digit| value * 10 + u32::from(digit - b'0'))
}

#[cfg(test)]
mod tests;
