//! Unified social credit codes (统一社会信用代码) as defined by GB 32100-2015.
//!
//! Every registered business, association and public body has one code of
//! 18 characters:
//!
//! | position | meaning |
//! |---|---|
//! | 1 | registration authority (e.g. `9` for market regulation) |
//! | 2 | kind of organisation within that authority |
//! | 3–8 | administrative division code of the registering authority |
//! | 9–17 | the organisation's code (GB 11714, with its own check character) |
//! | 18 | check character over positions 1–17 |
//!
//! Every character comes from a 31-character alphabet: the digits and the
//! capital letters without I, O, Z, S and V, which are too easily taken for
//! 1, 0, 2, 5 and U. Positions 1 and 2 are only required to be in the
//! alphabet: the tables of authorities and kinds have grown since 2015 and
//! refusing a new one would block a real business. Positions 9–17 are not
//! checked against GB 11714's own check character for the same reason of
//! caution; the check in position 18 already catches any single mistyped
//! character.
//!
//! Credit codes are public records, so [`CreditCode`] prints in full.

use std::fmt;
use std::str::FromStr;

use super::normalise;

/// The alphabet in value order: a character's value is its index here.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights for positions 1 to 17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

const LENGTH: usize = 18;

/// Positions (1-based) of the administrative division code.
const REGION_POSITIONS: std::ops::RangeInclusive<usize> = 3..=8;

/// Why a string is not a valid unified social credit code.
///
/// The checks run in the order of the variants, and the first failure is
/// reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// The code, once trimmed, does not have 18 characters.
    #[error("a unified social credit code has 18 characters, but this one has {found}")]
    Length { found: usize },
    /// A character is outside the 31-character alphabet (digits and capital
    /// letters except I, O, Z, S and V).
    #[error("character {position} of the credit code, {found:?}, is not allowed in credit codes")]
    Character { position: usize, found: char },
    /// Positions 3 to 8, the administrative division code, hold a letter.
    #[error(
        "character {position} of the credit code, {found:?}, should be a digit: \
         positions 3 to 8 are a region code"
    )]
    Region { position: usize, found: char },
    /// The check character does not match the first 17 characters.
    #[error("the credit code's check character should be {expected}, not {found}")]
    CheckChar { expected: char, found: char },
}

impl CreditCodeError {
    /// A stable code for the failure, for the UI to translate and for
    /// clients to match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "credit_code_length",
            Self::Character { .. } => "credit_code_character",
            Self::Region { .. } => "credit_code_region",
            Self::CheckChar { .. } => "credit_code_check_char",
        }
    }
}

/// A unified social credit code that has passed every check, held in
/// canonical form: 18 ASCII digits and capital letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_credit_code(s)
    }
}

/// Parses and checks a unified social credit code.
///
/// Surrounding whitespace, full-width characters and lower-case letters are
/// accepted and folded to the canonical form.
pub fn parse_credit_code(input: &str) -> Result<CreditCode, CreditCodeError> {
    let code = normalise(input);

    let found = code.chars().count();
    if found != LENGTH {
        return Err(CreditCodeError::Length { found });
    }
    let mut values = [0u32; LENGTH];
    for (index, c) in code.chars().enumerate() {
        values[index] = value_of(c).ok_or(CreditCodeError::Character {
            position: index + 1,
            found: c,
        })?;
    }
    // From here on every character is ASCII, so byte indexing is safe.

    for position in REGION_POSITIONS {
        let found = char::from(code.as_bytes()[position - 1]);
        if !found.is_ascii_digit() {
            return Err(CreditCodeError::Region { position, found });
        }
    }

    let expected = check_char_of(&values[..LENGTH - 1]);
    let found = char::from(code.as_bytes()[LENGTH - 1]);
    if found != expected {
        return Err(CreditCodeError::CheckChar { expected, found });
    }

    Ok(CreditCode(code))
}

/// The check character for the first 17 characters of a code, or `None` if
/// `first17` is not exactly 17 characters of the alphabet.
///
/// Lower-case and full-width input is not folded here: pass canonical text.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let values = first17
        .chars()
        .map(value_of)
        .collect::<Option<Vec<u32>>>()?;
    (values.len() == LENGTH - 1).then(|| check_char_of(&values))
}

/// The value 0..=30 of a character of the alphabet.
fn value_of(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET
        .iter()
        .position(|&a| a == byte)
        .map(|index| index as u32)
}

/// The check character over 17 values: 31 minus the weighted sum modulo 31,
/// where 31 itself (a sum divisible by 31) stands for 0.
fn check_char_of(values: &[u32]) -> char {
    let sum: u32 = values
        .iter()
        .zip(WEIGHTS)
        .map(|(value, weight)| value * weight)
        .sum();
    let check = (31 - sum % 31) % 31;
    char::from(ALPHABET[check as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values: digits 0-9, then A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20
    // M21 N22 P23 Q24 R25 T26 U27 W28 X29 Y30.

    /// 91410108MA9000018: products 9 3 36 27 0 26 0 136 420 290 225 0 0 0 0
    /// 30 224, sum 1426 = 46 * 31, so 31 - 0 = 31, which stands for '0'.
    const CHECK_0: &str = "91410108MA90000180";

    /// 91410108MA9000008: as above but position 16 is 0 (30 less) and
    /// sum 1396, 1396 mod 31 = 1, 31 - 1 = 30 = 'Y'.
    const CHECK_Y: &str = "91410108MA9000008Y";

    /// 12410108415803104: products 1 6 36 27 0 26 0 136 80 29 125 104 0 72
    /// 10 0 112, sum 764, 764 mod 31 = 20, 31 - 20 = 11 = 'B'.
    const CHECK_B: &str = "12410108415803104B";

    #[test]
    fn check_characters_match_the_hand_worked_examples() {
        for code in [CHECK_0, CHECK_Y, CHECK_B] {
            let expected = code.chars().last().unwrap();

            assert_eq!(
                credit_code_check_char(&code[..17]),
                Some(expected),
                "for {code}"
            );
        }
    }

    #[test]
    fn weights_are_powers_of_three_modulo_31() {
        let mut power = 1;
        for weight in WEIGHTS {
            assert_eq!(weight, power);
            power = power * 3 % 31;
        }
    }

    #[test]
    fn check_character_needs_17_characters_of_the_alphabet() {
        assert_eq!(
            credit_code_check_char("91410108MA900001"),
            None,
            "16 characters"
        );
        assert_eq!(
            credit_code_check_char("91410108MA90000180"),
            None,
            "18 characters"
        );
        assert_eq!(credit_code_check_char("91410108MI9000018"), None, "an I");
        assert_eq!(
            credit_code_check_char("91410108ma9000018"),
            None,
            "lower case"
        );
    }

    #[test]
    fn valid_codes_parse_to_themselves() {
        for code in [CHECK_0, CHECK_Y, CHECK_B] {
            let parsed = parse_credit_code(code);

            assert_eq!(parsed.as_ref().map(CreditCode::as_str), Ok(code));
        }
    }

    #[test]
    fn lower_case_full_width_and_spaced_input_is_folded() {
        let typed = "\u{3000} ９１４１０１０８ｍａ９０００００８ｙ\t";

        let parsed = parse_credit_code(typed).unwrap();

        assert_eq!(parsed.as_str(), CHECK_Y);
        assert_eq!(parse_credit_code("91410108ma9000008y").unwrap(), parsed);
    }

    #[test]
    fn letters_left_out_of_the_alphabet_are_refused() {
        for (typed, position, found) in [
            ("91410108MI9000008Y", 10, 'I'),
            ("91410108MO9000008Y", 10, 'O'),
            ("Z1410108MA9000008Y", 1, 'Z'),
            ("9S410108MA9000008Y", 2, 'S'),
            ("91410108MA9000008V", 18, 'V'),
            ("91410108MA900000-Y", 17, '-'),
        ] {
            let err = parse_credit_code(typed).unwrap_err();

            assert_eq!(
                err,
                CreditCodeError::Character { position, found },
                "{typed}"
            );
            assert_eq!(err.code(), "credit_code_character");
        }
    }

    #[test]
    fn a_lower_case_o_is_refused_after_folding() {
        let err = parse_credit_code("91410108Mo9000008Y").unwrap_err();

        assert_eq!(
            err,
            CreditCodeError::Character {
                position: 10,
                found: 'O'
            }
        );
    }

    #[test]
    fn a_letter_in_the_region_code_is_refused() {
        let body = "914101A8MA9000008";
        let code = format!("{body}{}", credit_code_check_char(body).unwrap());

        let err = parse_credit_code(&code).unwrap_err();

        assert_eq!(
            err,
            CreditCodeError::Region {
                position: 7,
                found: 'A'
            }
        );
        assert_eq!(err.code(), "credit_code_region");
    }

    #[test]
    fn any_alphabet_character_is_accepted_as_authority_and_kind() {
        for body in [
            "Y1410108MA9000008",
            "AB410108MA9000008",
            "00410108MA9000008",
        ] {
            let code = format!("{body}{}", credit_code_check_char(body).unwrap());

            assert!(parse_credit_code(&code).is_ok(), "{code}");
        }
    }

    #[test]
    fn a_wrong_check_character_names_the_expected_one() {
        let err = parse_credit_code("91410108MA9000008X").unwrap_err();

        assert_eq!(
            err,
            CreditCodeError::CheckChar {
                expected: 'Y',
                found: 'X'
            }
        );
        assert_eq!(err.code(), "credit_code_check_char");
        assert!(
            err.to_string().contains('Y'),
            "message must name the expected one: {err}"
        );
    }

    #[test]
    fn any_single_substitution_is_caught() {
        let alphabet: Vec<char> = ALPHABET.iter().map(|&b| char::from(b)).collect();
        for position in 0..17 {
            for &replacement in &alphabet {
                let mut typed: Vec<char> = CHECK_B.chars().collect();
                if typed[position] == replacement {
                    continue;
                }
                typed[position] = replacement;
                let typed: String = typed.into_iter().collect();

                assert!(
                    parse_credit_code(&typed).is_err(),
                    "{typed} must be refused"
                );
            }
        }
    }

    #[test]
    fn wrong_lengths_report_the_length_found() {
        for (typed, found) in [
            ("", 0),
            ("91410108MA9000008", 17),
            ("91410108MA9000008YY", 19),
        ] {
            let err = parse_credit_code(typed).unwrap_err();

            assert_eq!(err, CreditCodeError::Length { found }, "{typed:?}");
            assert_eq!(err.code(), "credit_code_length");
        }
    }

    #[test]
    fn codes_print_in_full() {
        let code = parse_credit_code(CHECK_B).unwrap();

        assert_eq!(code.to_string(), CHECK_B);
        assert_eq!(format!("{code:?}"), format!("CreditCode({CHECK_B:?})"));
    }

    #[test]
    fn from_str_parses_like_the_function() {
        let parsed: Result<CreditCode, _> = " 91410108ma90000180 ".parse();

        assert_eq!(parsed.map(|code| code.to_string()), Ok(CHECK_0.to_owned()));
    }
}
