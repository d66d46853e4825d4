//! Names turned into units that the pinyin matcher walks.
//!
//! Each character of a name becomes a [`Unit`]: the character itself plus
//! the list of its toneless readings, primary ones first. The lists are
//! interned, so the thousands of 王 and 华 in a grid share one list each
//! and a unit stays at 12 bytes.
//!
//! A given-name character is indexed under all its readings, all primary:
//! nobody can tell from the character alone whether 乐 in a given name is
//! `le` or `yue`. The leading character of a person's name is read as a
//! surname instead (see [`super::surnames`]).
//!
//! `ü` is indexed both as `v`, which is how every pinyin keyboard types it,
//! and as `u`, which is how people write it without one.

use std::collections::HashMap;

use pinyin::ToPinyinMulti;

use super::fold::fold_chars;
use super::surnames::surname_readings;

/// One character of a name, with where its readings are in the pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    /// The folded character; matched as itself by Chinese or ASCII input.
    pub ch: char,
    list: u32,
    len: u8,
    /// How many of the readings, from the first, are primary.
    primary: u8,
}

/// Interned readings and reading lists.
#[derive(Default)]
pub(crate) struct Phonetics {
    /// Each distinct reading once, as lower-case ASCII.
    syllables: Vec<Box<[u8]>>,
    syllable_ids: HashMap<Box<str>, u16>,
    /// Reading lists, packed end to end: ids into `syllables`.
    lists: Vec<u16>,
    /// Lists already built, by character and surname reading (`""` for a
    /// character read as in a given name).
    cache: HashMap<(char, &'static str), (u32, u8, u8)>,
}

impl Phonetics {
    /// Appends the units of a name to `out`. `person` is whether the text
    /// is a person's name, whose leading character is read as a surname.
    pub(crate) fn push_units(&mut self, text: &str, person: bool, out: &mut Vec<Unit>) {
        let folded: String = fold_chars(text).collect();
        let surname = if person {
            surname_readings(&folded)
        } else {
            Vec::new()
        };
        for (position, ch) in folded.chars().enumerate() {
            let primary: &'static [&'static str] = surname.get(position).copied().unwrap_or(&[]);
            let key = primary.first().copied().unwrap_or("");
            let (list, len, primary_len) = match self.cache.get(&(ch, key)) {
                Some(&found) => found,
                None => {
                    let built = self.build_list(ch, primary);
                    self.cache.insert((ch, key), built);
                    built
                }
            };
            out.push(Unit {
                ch,
                list,
                len,
                primary: primary_len,
            });
        }
    }

    /// The readings of a unit, each with whether it is primary.
    pub(crate) fn readings(&self, unit: Unit) -> impl Iterator<Item = (&[u8], bool)> + '_ {
        let start = unit.list as usize;
        self.lists[start..start + unit.len as usize]
            .iter()
            .enumerate()
            .map(move |(i, &id)| (&*self.syllables[id as usize], i < unit.primary as usize))
    }

    /// A bit mask of what a unit can start with: bits 0..26 for the first
    /// letter of each reading (or the character itself, if it is a letter),
    /// bits 32..64 for a hash of the character. A query whose first
    /// character's bit is missing from every unit of a name cannot match
    /// it, which lets the matcher skip most names without walking them.
    pub(crate) fn start_mask(&self, unit: Unit) -> u64 {
        let mut mask = char_bit(unit.ch);
        for (reading, _) in self.readings(unit) {
            mask |= letter_bit(reading[0]);
        }
        mask
    }

    /// Approximate heap use, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        let syllables: usize = self.syllables.iter().map(|s| s.len() + 16).sum();
        syllables
            + self.syllable_ids.capacity() * 24
            + self.lists.capacity() * 2
            + self.cache.capacity() * 32
    }

    fn build_list(&mut self, ch: char, primary: &[&str]) -> (u32, u8, u8) {
        let mut readings: Vec<String> = primary.iter().map(|r| r.to_string()).collect();
        let primary_len = readings.len();
        if let Some(multi) = ch.to_pinyin_multi() {
            for reading in multi {
                let plain = reading.plain();
                if plain.contains('ü') {
                    readings.push(plain.replace('ü', "v"));
                    readings.push(plain.replace('ü', "u"));
                } else {
                    readings.push(plain.to_owned());
                }
            }
        }
        // Keep the first copy of each reading, so a surname reading that the
        // table also lists stays primary.
        let mut seen = Vec::with_capacity(readings.len());
        for reading in readings {
            if !seen.contains(&reading) {
                seen.push(reading);
            }
        }
        let start = self.lists.len() as u32;
        for reading in &seen {
            let id = self.syllable_id(reading);
            self.lists.push(id);
        }
        // Outside a surname every reading is primary.
        let primary_len = if primary_len == 0 {
            seen.len()
        } else {
            primary_len
        };
        (start, seen.len() as u8, primary_len as u8)
    }

    fn syllable_id(&mut self, reading: &str) -> u16 {
        if let Some(&id) = self.syllable_ids.get(reading) {
            return id;
        }
        let id = self.syllables.len() as u16;
        self.syllables.push(reading.as_bytes().into());
        self.syllable_ids.insert(reading.into(), id);
        id
    }
}

/// The mask bit of a lower-case ASCII letter; none for anything else.
pub(crate) fn letter_bit(byte: u8) -> u64 {
    match byte {
        b'a'..=b'z' => 1 << (byte - b'a'),
        _ => 0,
    }
}

/// The mask bit of a character as itself: its letter bit for an ASCII
/// letter, a hash bit for anything else (see [`Phonetics::start_mask`]).
pub(crate) fn char_bit(ch: char) -> u64 {
    if ch.is_ascii_lowercase() {
        letter_bit(ch as u8)
    } else {
        1 << (32 + (ch as u32 % 32))
    }
}

/// How many leading letters of a reading make its initial: two for `zh`,
/// `ch` and `sh`, one otherwise.
pub(crate) fn initial_len(reading: &[u8]) -> usize {
    match reading {
        [b'z' | b'c' | b's', b'h', _, ..] => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings_of(phonetics: &Phonetics, unit: Unit) -> Vec<(String, bool)> {
        phonetics
            .readings(unit)
            .map(|(r, primary)| (String::from_utf8(r.to_vec()).unwrap(), primary))
            .collect()
    }

    #[test]
    fn a_surname_reading_comes_first_and_others_are_secondary() {
        let mut phonetics = Phonetics::default();
        let mut units = Vec::new();

        phonetics.push_units("曾明", true, &mut units);

        let zeng = readings_of(&phonetics, units[0]);
        assert_eq!(zeng[0], ("zeng".to_owned(), true));
        assert!(zeng.contains(&("ceng".to_owned(), false)), "{zeng:?}");
    }

    #[test]
    fn a_given_name_character_has_all_its_readings_as_primary() {
        let mut phonetics = Phonetics::default();
        let mut units = Vec::new();

        phonetics.push_units("王乐", true, &mut units);

        let le = readings_of(&phonetics, units[1]);
        assert!(le.contains(&("le".to_owned(), true)), "{le:?}");
        assert!(le.contains(&("yue".to_owned(), true)), "{le:?}");
    }

    #[test]
    fn a_non_person_name_reads_its_first_character_as_usual() {
        let mut phonetics = Phonetics::default();
        let mut units = Vec::new();

        phonetics.push_units("曾经", false, &mut units);

        assert!(readings_of(&phonetics, units[0])
            .iter()
            .all(|(_, primary)| *primary));
    }

    #[test]
    fn u_umlaut_is_indexed_as_v_and_as_u() {
        let mut phonetics = Phonetics::default();
        let mut units = Vec::new();

        phonetics.push_units("吕", true, &mut units);

        let lv = readings_of(&phonetics, units[0]);
        assert!(lv.contains(&("lv".to_owned(), true)), "{lv:?}");
        assert!(lv.contains(&("lu".to_owned(), true)), "{lv:?}");
    }

    #[test]
    fn the_initial_of_zh_ch_and_sh_is_two_letters() {
        assert_eq!(initial_len(b"zhang"), 2);
        assert_eq!(initial_len(b"shi"), 2);
        assert_eq!(initial_len(b"san"), 1);
        assert_eq!(initial_len(b"zi"), 1);
    }
}
