//! Matching a query against names, by characters and by pinyin at once.
//!
//! A query is walked along a name's [`Unit`]s. At each unit the next query
//! character either is the unit's own character (`张`, or a digit in a
//! shop's name), or starts a reading of it: the whole reading
//! (`zhang`), its initial (`zh`, `z`), or, at the end of the query, any
//! prefix of it (`zha`). So `zs`, `zhs`, `zhangsan`, `zhangs`, `张s` and
//! `张三` all find 张三, with no list of spellings stored per name: a name
//! whose characters have several readings each would otherwise need every
//! combination.
//!
//! A walk from the first unit gives an exact or prefix match; a walk from a
//! later unit (`san` in 张三) a substring match, tried only when no walk
//! from the start succeeds, since it would rank lower anyway.

use super::hit::{Field, Quality};
use super::phonetics::{char_bit, initial_len, Phonetics, Unit};

/// How well a name matched: the quality, then whether only primary
/// readings were used (a surname read its everyday way is not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Outcome {
    pub quality: Quality,
    pub primary: bool,
}

const BEST: Outcome = Outcome {
    quality: Quality::Exact,
    primary: true,
};

/// One name of one record.
struct Entry {
    slot: u32,
    field: Field,
    start: u32,
    len: u16,
    /// Union of its units' [`Phonetics::start_mask`]s.
    mask: u64,
}

/// Every searchable name, with the units of all of them packed together.
#[derive(Default)]
pub(crate) struct NameTable {
    entries: Vec<Entry>,
    units: Vec<Unit>,
}

impl NameTable {
    /// Adds a name of the record in `slot`.
    pub(crate) fn push(
        &mut self,
        phonetics: &mut Phonetics,
        slot: u32,
        field: Field,
        text: &str,
        person: bool,
    ) {
        let start = self.units.len();
        phonetics.push_units(text, person, &mut self.units);
        // Names are short; one longer than a u16 of characters is cut there
        // rather than refused.
        let len = (self.units.len() - start).min(u16::MAX as usize);
        self.units.truncate(start + len);
        if len == 0 {
            return;
        }
        let mask = self.units[start..]
            .iter()
            .fold(0, |mask, &unit| mask | phonetics.start_mask(unit));
        self.entries.push(Entry {
            slot,
            field,
            start: start as u32,
            len: len as u16,
            mask,
        });
    }

    /// Calls `found` with the best outcome of every name that `query` (folded,
    /// non-empty) matches, skipping records for which `alive` is false.
    pub(crate) fn scan(
        &self,
        phonetics: &Phonetics,
        query: &[char],
        alive: impl Fn(u32) -> bool,
        mut found: impl FnMut(u32, Field, Outcome),
    ) {
        let Some(&first) = query.first() else {
            return;
        };
        let need = char_bit(first);
        for entry in &self.entries {
            if entry.mask & need == 0 || !alive(entry.slot) {
                continue;
            }
            let start = entry.start as usize;
            let units = &self.units[start..start + entry.len as usize];
            if let Some(outcome) = best_outcome(phonetics, units, query) {
                found(entry.slot, entry.field, outcome);
            }
        }
    }

    /// Approximate heap use, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.units.capacity() * std::mem::size_of::<Unit>()
    }
}

/// The best way `query` matches the name made of `units`, if any.
pub(crate) fn best_outcome(
    phonetics: &Phonetics,
    units: &[Unit],
    query: &[char],
) -> Option<Outcome> {
    let mut walk = Walk {
        phonetics,
        units,
        query,
        from_start: true,
        best: None,
    };
    walk.step(0, 0, true);
    if walk.best.is_some() {
        return walk.best;
    }
    walk.from_start = false;
    for start in 1..units.len() {
        walk.step(start, 0, true);
        if walk.best.is_some_and(|b| b.primary) {
            break;
        }
    }
    walk.best
}

/// One walk of a query along a name; keeps the best outcome seen.
struct Walk<'a> {
    phonetics: &'a Phonetics,
    units: &'a [Unit],
    query: &'a [char],
    from_start: bool,
    best: Option<Outcome>,
}

impl Walk<'_> {
    /// Matches `query[j..]` from `units[i]` on; `primary` is whether the
    /// path so far used primary readings only.
    fn step(&mut self, i: usize, j: usize, primary: bool) {
        if i == self.units.len() || self.best == Some(BEST) {
            return;
        }
        let unit = self.units[i];
        let next = self.query[j];
        if next == unit.ch {
            if j + 1 == self.query.len() {
                self.finish(i, true, primary);
            } else {
                self.step(i + 1, j + 1, primary);
            }
        }
        if !next.is_ascii_lowercase() {
            return;
        }
        let rest = &self.query[j..];
        for (reading, reading_primary) in self.phonetics.readings(unit) {
            let primary = primary && reading_primary;
            let common = reading
                .iter()
                .zip(rest)
                .take_while(|(r, q)| u32::from(**r) == u32::from(**q))
                .count();
            if common == 0 {
                continue;
            }
            if common == rest.len() {
                // The query ends inside this reading: typing the whole
                // reading or just its initial leaves nothing unsaid.
                let clean = common == reading.len() || common <= initial_len(reading);
                self.finish(i, clean, primary);
                continue;
            }
            let initial = initial_len(reading);
            let mut last_take = 0;
            for take in [reading.len(), initial, 1] {
                if take <= common && take != last_take {
                    self.step(i + 1, j + take, primary);
                    last_take = take;
                }
            }
        }
    }

    /// Records a match that consumed the whole query at `units[last]`.
    fn finish(&mut self, last: usize, clean: bool, primary: bool) {
        let quality = if !self.from_start {
            Quality::Substring
        } else if clean && last + 1 == self.units.len() {
            Quality::Exact
        } else {
            Quality::Prefix
        };
        let outcome = Outcome { quality, primary };
        if self.best.is_none_or(|best| outcome > best) {
            self.best = Some(outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(name: &str, query: &str) -> Option<Outcome> {
        let mut phonetics = Phonetics::default();
        let mut units = Vec::new();
        phonetics.push_units(name, true, &mut units);
        let query: Vec<char> = query.chars().collect();
        best_outcome(&phonetics, &units, &query)
    }

    fn quality(name: &str, query: &str) -> Option<Quality> {
        outcome(name, query).map(|o| o.quality)
    }

    #[test]
    fn initials_full_pinyin_and_characters_each_match_a_whole_name_exactly() {
        for query in ["zs", "zhs", "zhangsan", "张三", "张s", "zhangs"] {
            assert_eq!(quality("张三", query), Some(Quality::Exact), "{query}");
        }
    }

    #[test]
    fn a_query_covering_only_the_start_of_a_name_is_a_prefix_match() {
        for query in ["zhang", "z", "张", "zhangsa", "zha"] {
            assert_eq!(quality("张三丰", query), Some(Quality::Prefix), "{query}");
        }
    }

    #[test]
    fn a_query_starting_inside_a_name_is_a_substring_match() {
        assert_eq!(quality("王建国", "jianguo"), Some(Quality::Substring));
        assert_eq!(quality("王建国", "建国"), Some(Quality::Substring));
    }

    #[test]
    fn letters_that_are_no_reading_of_the_name_do_not_match() {
        assert_eq!(quality("张三", "zx"), None);
        assert_eq!(quality("张三", "zhangsanfeng"), None);
        assert_eq!(quality("张三", "李"), None);
    }

    #[test]
    fn a_surname_matched_by_its_everyday_reading_is_not_primary() {
        let by_surname = outcome("曾明", "zengming").unwrap();
        let by_everyday = outcome("曾明", "cengming").unwrap();

        assert!(by_surname.primary);
        assert!(!by_everyday.primary);
        assert!(by_surname > by_everyday);
    }

    #[test]
    fn a_given_name_character_matches_under_each_of_its_readings() {
        assert_eq!(quality("王乐", "wangle"), Some(Quality::Exact));
        assert_eq!(quality("王乐", "wangyue"), Some(Quality::Exact));
    }

    #[test]
    fn compound_surnames_match_by_their_surname_reading() {
        assert_eq!(quality("万俟卨", "moqixie"), Some(Quality::Exact));
        assert_eq!(quality("尉迟恭", "ycg"), Some(Quality::Exact));
        assert_eq!(quality("长孙无忌", "zhangsun"), Some(Quality::Prefix));
        assert!(outcome("长孙无忌", "zhangsun").unwrap().primary);
    }
}
