//! Validators for the identifiers that grid work records.
//!
//! Three kinds of number come up when a grid leader registers a resident or a
//! business: the 18-character citizen ID number (GB 11643-1999), the
//! 18-character unified social credit code (GB 32100-2015) and the mainland
//! mobile number. The app checks them as they are typed and the relay checks
//! them again on arrival, so both sides call the same functions here.
//!
//! Each `parse_*` function is forgiving about how a number was typed and
//! strict about what it means. Chinese input methods readily produce
//! full-width digits and letters (`４１０１…`), phones insert spaces, and
//! people type `x` for the check character; all of that is folded away and
//! the parsed value holds one canonical ASCII form, so equal numbers compare
//! equal and are stored once. What is left must then satisfy the standard,
//! including its check character, and each failure is a typed error with a
//! stable [`code`](CitizenIdError::code) the UI can translate.
//!
//! Citizen ID numbers and mobile numbers are personal data: their types
//! print a masked form through both `Debug` and `Display`, so a stray log
//! line or panic message cannot leak them. Reading the full value takes an
//! explicit `as_str()`.

mod calendar;
mod citizen_id;
mod credit_code;
pub mod fields;
mod mobile;

pub use citizen_id::{citizen_id_check_char, parse_citizen_id, CitizenId, CitizenIdError};
pub use credit_code::{credit_code_check_char, parse_credit_code, CreditCode, CreditCodeError};
pub use mobile::{parse_mobile, Mobile, MobileError};

/// Folds a full-width form to its ASCII twin, so `４`, `Ｘ` and `ｘ` read as
/// `4`, `X` and `x`, and the ideographic space U+3000 reads as a space.
///
/// The full-width block U+FF01..=U+FF5E mirrors ASCII `!`..=`~` at a fixed
/// distance of 0xFEE0. Every other character is returned unchanged.
pub fn fold_width(c: char) -> char {
    const FULL_WIDTH_OFFSET: u32 = 0xFEE0;
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - FULL_WIDTH_OFFSET).unwrap_or(c),
        _ => c,
    }
}

/// Folds full-width forms, drops surrounding whitespace and upper-cases
/// ASCII letters: the common first step of every parser here.
fn normalise(input: &str) -> String {
    input
        .chars()
        .map(fold_width)
        .collect::<String>()
        .trim()
        .to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_fold_to_ascii() {
        let folded: String = "０９ＡＺａｚ！～".chars().map(fold_width).collect();

        assert_eq!(folded, "09AZaz!~");
    }

    #[test]
    fn ideographic_space_folds_to_a_plain_space() {
        assert_eq!(fold_width('\u{3000}'), ' ');
    }

    #[test]
    fn characters_outside_the_full_width_block_are_left_alone() {
        for c in ['a', '7', '郑', '\u{FF00}', '\u{FF5F}', '\u{FFE5}'] {
            assert_eq!(fold_width(c), c, "{c:?} has no ASCII twin and must survive");
        }
    }

    #[test]
    fn normalising_trims_mixed_whitespace_and_upper_cases() {
        assert_eq!(normalise("\u{3000} ４１ｘ\t\n"), "41X");
    }
}
