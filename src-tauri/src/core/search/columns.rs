//! Text fields packed for fast substring search, and ID numbers sorted for
//! search by their last digits.
//!
//! Searching 27,000 short strings one by one spends more time starting each
//! search than scanning; packing a field of every record into one string,
//! separated by newlines (which folding has removed from the text), turns a
//! query into a single SIMD scan of a few hundred kilobytes.

use memchr::memmem::Finder;

use super::hit::Quality;

/// One field of many records, end to end.
#[derive(Default)]
pub(crate) struct TextColumn {
    text: String,
    /// Where each entry ends (the offset of its separator).
    ends: Vec<u32>,
    /// The record slot each entry belongs to.
    slots: Vec<u32>,
}

impl TextColumn {
    /// Adds a folded value of the record in `slot`; empty values are left
    /// out.
    pub(crate) fn push(&mut self, slot: u32, folded: &str) {
        if folded.is_empty() {
            return;
        }
        self.text.push_str(folded);
        self.ends.push(self.text.len() as u32);
        self.text.push('\n');
        self.slots.push(slot);
    }

    /// Calls `found` once per entry containing `needle` (folded,
    /// non-empty), with how it matched. With `tail_is_prefix`, an entry
    /// ending in the needle counts as a prefix match: phone numbers are
    /// quoted by their last digits as often as by their first.
    pub(crate) fn find(
        &self,
        needle: &str,
        tail_is_prefix: bool,
        mut found: impl FnMut(u32, Quality),
    ) {
        let finder = Finder::new(needle.as_bytes());
        let haystack = self.text.as_bytes();
        let mut from = 0;
        while let Some(offset) = finder.find(&haystack[from..]) {
            let at = from + offset;
            let entry = self
                .ends
                .partition_point(|&end| (end as usize) < at + needle.len());
            let end = self.ends[entry] as usize;
            let start = if entry == 0 {
                0
            } else {
                self.ends[entry - 1] as usize + 1
            };
            // The leftmost hit in an entry is at its start if any is; one at
            // its end may come later.
            let at_end = tail_is_prefix && haystack[at..end].ends_with(needle.as_bytes());
            let quality = match (at == start, at + needle.len() == end) {
                (true, true) => Quality::Exact,
                (true, false) => Quality::Prefix,
                _ if at_end => Quality::Prefix,
                _ => Quality::Substring,
            };
            found(self.slots[entry], quality);
            from = end + 1;
        }
    }

    /// Approximate heap use, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.slots.capacity() * 4
    }
}

/// Record slots ordered by their ID number read backwards, so the numbers
/// ending in given digits sit together and are found by binary search.
#[derive(Default)]
pub(crate) struct SuffixIndex {
    slots: Vec<u32>,
}

impl SuffixIndex {
    /// Inserts `slot`, whose key `key_of` gives, at its place.
    pub(crate) fn insert<'k>(&mut self, slot: u32, key_of: impl Fn(u32) -> &'k str) {
        let key = key_of(slot);
        let at = self
            .slots
            .partition_point(|&other| before(key_of(other), key));
        self.slots.insert(at, slot);
    }

    /// Removes `slot`; `key_of` must still give its key.
    pub(crate) fn remove<'k>(&mut self, slot: u32, key_of: impl Fn(u32) -> &'k str) {
        let key = key_of(slot);
        let from = self
            .slots
            .partition_point(|&other| before(key_of(other), key));
        let same_key = self.slots[from..]
            .iter()
            .take_while(|&&other| key_of(other) == key);
        if let Some(offset) = same_key.into_iter().position(|&other| other == slot) {
            self.slots.remove(from + offset);
        }
    }

    /// Builds the index from scratch, faster than inserting one by one.
    pub(crate) fn rebuild<'k>(&mut self, slots: Vec<u32>, key_of: impl Fn(u32) -> &'k str) {
        self.slots = slots;
        self.slots
            .sort_by(|&a, &b| backwards_cmp(key_of(a), key_of(b)));
    }

    /// The slots whose key ends with `suffix`.
    pub(crate) fn ending_with<'k>(&self, suffix: &str, key_of: impl Fn(u32) -> &'k str) -> &[u32] {
        let from = self
            .slots
            .partition_point(|&slot| before(key_of(slot), suffix));
        let len = self.slots[from..].partition_point(|&slot| key_of(slot).ends_with(suffix));
        &self.slots[from..from + len]
    }

    /// Approximate heap use, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 4
    }
}

/// Orders keys by their characters read from the end.
fn backwards_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().rev().cmp(b.bytes().rev())
}

/// Whether `a` read backwards sorts before `b` read backwards.
fn before(a: &str, b: &str) -> bool {
    backwards_cmp(a, b).is_lt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[&str]) -> TextColumn {
        let mut column = TextColumn::default();
        for (slot, value) in values.iter().enumerate() {
            column.push(slot as u32, value);
        }
        column
    }

    fn found(column: &TextColumn, needle: &str) -> Vec<(u32, Quality)> {
        found_with(column, needle, false)
    }

    fn found_with(column: &TextColumn, needle: &str, tail_is_prefix: bool) -> Vec<(u32, Quality)> {
        let mut hits = Vec::new();
        column.find(needle, tail_is_prefix, |slot, quality| {
            hits.push((slot, quality))
        });
        hits
    }

    #[test]
    fn each_entry_containing_the_needle_is_found_once_with_its_quality() {
        let column = column(&["金水路1号", "金水路", "花园路金水路口", "文化路"]);

        let hits = found(&column, "金水路");

        assert_eq!(
            hits,
            vec![
                (0, Quality::Prefix),
                (1, Quality::Exact),
                (2, Quality::Substring)
            ]
        );
    }

    #[test]
    fn the_last_digits_of_a_number_count_as_a_prefix_when_asked() {
        let column = column(&["13800138000", "13912348000", "18000000001"]);

        assert_eq!(
            found_with(&column, "8000", true),
            vec![
                (0, Quality::Prefix),
                (1, Quality::Prefix),
                (2, Quality::Substring)
            ]
        );
        assert_eq!(found(&column, "8000")[0], (0, Quality::Substring));
    }

    #[test]
    fn a_needle_never_matches_across_two_entries() {
        let column = column(&["1234", "5678"]);

        assert!(found(&column, "3456").is_empty());
    }

    #[test]
    fn id_numbers_are_found_by_their_last_digits_only() {
        let keys = [
            "410105199001011234",
            "410105198002021234",
            "410105199001015678",
        ];
        let mut index = SuffixIndex::default();
        for slot in 0..3 {
            index.insert(slot, |s| keys[s as usize]);
        }

        let mut ending = index.ending_with("1234", |s| keys[s as usize]).to_vec();
        ending.sort();

        assert_eq!(ending, vec![0, 1]);
        assert_eq!(index.ending_with("01015678", |s| keys[s as usize]), &[2]);
        assert!(index.ending_with("4101", |s| keys[s as usize]).is_empty());
    }
}
