//! The one text form that both the index and the query are reduced to.
//!
//! Chinese input methods switch readily into full-width mode, so a leader
//! may type `ＺＳ` or `１３８` without noticing; people also type pinyin with
//! or without spaces and in either case. Folding both sides the same way
//! makes all of those equal without any per-field special cases.

/// Full-width ASCII (U+FF01..=U+FF5E) sits at this fixed distance above
/// ASCII `!`..=`~`.
const FULL_WIDTH_OFFSET: u32 = 0xFEE0;

/// Folds one character: full-width forms to ASCII, ASCII letters to lower
/// case. Everything else is returned unchanged.
pub(crate) fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - FULL_WIDTH_OFFSET).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Whether a character carries no meaning for search: any space (the
/// ideographic one included) and the middle dots that separate the parts of
/// a transliterated name (`买买提·艾力`), which nobody types.
pub(crate) fn is_ignored(c: char) -> bool {
    c.is_whitespace() || matches!(c, '·' | '・' | '•' | '‧')
}

/// The folded characters of `text`, ignored ones left out.
pub(crate) fn fold_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|&c| !is_ignored(c)).map(fold_char)
}

/// `text` folded into a new string.
pub(crate) fn fold(text: &str) -> String {
    fold_chars(text).collect()
}

/// Only the ASCII digits of `text`, after folding: phone numbers are stored
/// and matched without their spaces, hyphens or country-code plus sign.
pub(crate) fn digits(text: &str) -> String {
    fold_chars(text).filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_digits_fold_to_lower_case_ascii() {
        assert_eq!(fold("ＺＳ １２３４"), "zs1234");
    }

    #[test]
    fn spaces_of_every_width_and_name_dots_are_dropped() {
        assert_eq!(fold(" zhang\u{3000}san\t"), "zhangsan");
        assert_eq!(fold("买买提·艾力"), "买买提艾力");
    }

    #[test]
    fn chinese_characters_pass_through_unchanged() {
        assert_eq!(fold("金水路１２号"), "金水路12号");
    }

    #[test]
    fn digits_keeps_only_the_digits_of_a_phone_number() {
        assert_eq!(digits("+86 138-0013-８０００"), "8613800138000");
    }
}
