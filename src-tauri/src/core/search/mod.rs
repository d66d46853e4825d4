//! Offline search over the leader's registry: residents, households and
//! enterprises in one result list.
//!
//! The grid's rows are read once into a [`SearchIndex`] in memory, a few
//! megabytes for 20,000 residents, and every query is answered from it
//! without touching SQLite, fast enough to search on each keystroke. The
//! index is laid out for scanning rather than for lookup tables of
//! spellings:
//!
//! - names (residents, household heads, enterprises and their legal
//!   representatives) are walked character by character, by Chinese
//!   characters and pinyin readings at once (module `names`), so initials, full
//!   pinyin, its prefixes and mixed input need no stored variants;
//! - addresses, phone numbers and credit codes are each packed into one
//!   string and scanned with SIMD substring search (module `columns`);
//! - ID numbers are sorted by their reversed digits, so the numbers ending
//!   in the digits typed are one binary search away.
//!
//! Query and index text go through the same folding (module `fold`): full-width
//! to ASCII, lower case, spaces removed. Results are ranked exact, then
//! prefix, then substring, and within that current before moved-out
//! residents (module `hit` gives the whole order). ID and phone numbers leave
//! only masked; nothing searched for is logged.
//!
//! An edit or a sync updates single rows with [`SearchIndex::refresh`] or
//! the `upsert_*` methods. Replaced rows leave their old entries behind,
//! marked dead and skipped; once they are half the index it is compacted
//! from the live rows in memory, without reading the database again.

mod columns;
mod display;
mod fold;
mod hit;
mod names;
mod phonetics;
mod records;
mod surnames;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Instant;

use rusqlite::Connection;

use crate::core::Result;
use columns::{SuffixIndex, TextColumn};
use hit::Candidate;
use names::NameTable;
use phonetics::Phonetics;
use records::Record;

pub use hit::{Field, Hit, HitKind, Quality};
pub use records::{EnterpriseRow, HouseholdRow, ResidentRow};

/// Queries are cut to this many characters; nothing longer is a name.
const MAX_QUERY_CHARS: usize = 64;

/// Fewest digits that search phone numbers, ID numbers and credit codes:
/// fewer would match a large part of the grid and say nothing.
const MIN_NUMBER_DIGITS: usize = 4;

/// Dead slots tolerated before compaction is considered at all.
const MIN_DEAD_TO_COMPACT: usize = 1024;

/// The in-memory search index over one device database.
#[derive(Default)]
pub struct SearchIndex {
    phonetics: Phonetics,
    /// Every row ever added, by slot; `None` once replaced or removed.
    records: Vec<Option<Record>>,
    /// The live slot of each id, per kind (indexed by [`kind_index`]).
    slots: [HashMap<Box<str>, u32>; 3],
    names: NameTable,
    addresses: TextColumn,
    phones: TextColumn,
    credit_codes: TextColumn,
    citizen_ids: SuffixIndex,
    dead: usize,
}

impl SearchIndex {
    /// Reads every resident, household and enterprise from `conn`.
    pub fn build(conn: &Connection) -> Result<SearchIndex> {
        let started = Instant::now();
        let records = records::load_all(conn)?;
        let index = SearchIndex::from_records(records);
        tracing::info!(
            records = index.len(),
            heap_kib = index.heap_bytes() / 1024,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        Ok(index)
    }

    /// The best `limit` hits for `query`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let started = Instant::now();
        let query: Vec<char> = fold::fold_chars(query).take(MAX_QUERY_CHARS).collect();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let scores = self.score_all(&query);
        let mut ranked: Vec<(u64, u32)> = scores
            .iter()
            .enumerate()
            .filter(|(_, &score)| score > 0)
            .map(|(slot, &score)| (score, slot as u32))
            .collect();
        // Best score first; equal scores in the order the rows were added.
        let order = |a: &(u64, u32), b: &(u64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        let hits: Vec<Hit> = ranked
            .into_iter()
            .filter_map(|(score, slot)| {
                let record = self.records[slot as usize].as_ref()?;
                Some(display::hit(record, score, |id| self.household_address(id)))
            })
            .collect();
        tracing::trace!(
            hits = hits.len(),
            elapsed_us = started.elapsed().as_micros() as u64,
            "registry searched"
        );
        hits
    }

    /// Re-reads one row from `conn`: indexes its new content, or drops it
    /// if it is no longer there.
    pub fn refresh(&mut self, conn: &Connection, kind: HitKind, id: &str) -> Result<()> {
        match records::load_one(conn, kind, id)? {
            Some(record) => self.upsert(record),
            None => {
                self.remove(kind, id);
            }
        }
        Ok(())
    }

    /// Adds a resident, or replaces the one with the same id.
    pub fn upsert_resident(&mut self, row: ResidentRow) {
        self.upsert(row.into());
    }

    /// Adds a household, or replaces the one with the same id.
    pub fn upsert_household(&mut self, row: HouseholdRow) {
        self.upsert(row.into());
    }

    /// Adds an enterprise, or replaces the one with the same id.
    pub fn upsert_enterprise(&mut self, row: EnterpriseRow) {
        self.upsert(row.into());
    }

    /// Drops a row; returns whether it was indexed.
    pub fn remove(&mut self, kind: HitKind, id: &str) -> bool {
        let Some(slot) = self.slots[kind_index(kind)].remove(id) else {
            return false;
        };
        self.kill(slot);
        self.compact_if_worthwhile();
        true
    }

    /// How many rows are indexed.
    pub fn len(&self) -> usize {
        self.records.len() - self.dead
    }

    /// Whether no row is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An estimate of the index's heap use, in bytes.
    pub fn heap_bytes(&self) -> usize {
        let record_size = std::mem::size_of::<Option<Record>>();
        let records: usize = self
            .records
            .iter()
            .flatten()
            .map(Record::heap_bytes)
            .sum::<usize>()
            + self.records.capacity() * record_size;
        let ids: usize = self
            .slots
            .iter()
            .map(|map| map.capacity() * 21 + map.keys().map(|k| k.len()).sum::<usize>())
            .sum();
        records
            + ids
            + self.phonetics.heap_bytes()
            + self.names.heap_bytes()
            + self.addresses.heap_bytes()
            + self.phones.heap_bytes()
            + self.credit_codes.heap_bytes()
            + self.citizen_ids.heap_bytes()
    }

    fn from_records(records: Vec<Record>) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.records.reserve(records.len());
        for record in records {
            if let Some(old) = index.slots[kind_index(record.kind())]
                .get(record.id())
                .copied()
            {
                index.kill(old);
            }
            index.add(record);
        }
        let residents = index.slots[kind_index(HitKind::Resident)]
            .values()
            .copied()
            .collect();
        let records = &index.records;
        index
            .citizen_ids
            .rebuild(residents, |slot| citizen_id_of(records, slot));
        index
    }

    fn upsert(&mut self, record: Record) {
        if let Some(old) = self.slots[kind_index(record.kind())]
            .get(record.id())
            .copied()
        {
            self.kill(old);
        }
        let slot = self.add(record);
        let records = &self.records;
        if records[slot as usize]
            .as_ref()
            .is_some_and(|r| r.kind() == HitKind::Resident)
        {
            self.citizen_ids.insert(slot, |s| citizen_id_of(records, s));
        }
        self.compact_if_worthwhile();
    }

    /// Indexes `record` in a new slot, except in the ID number index, which
    /// the caller keeps.
    fn add(&mut self, record: Record) -> u32 {
        let slot = self.records.len() as u32;
        let phonetics = &mut self.phonetics;
        match &record {
            Record::Resident { name, phone, .. } => {
                self.names.push(phonetics, slot, Field::Name, name, true);
                self.phones.push(slot, phone);
            }
            Record::Household {
                address, head_name, ..
            } => {
                self.names
                    .push(phonetics, slot, Field::HeadName, head_name, true);
                self.addresses.push(slot, &fold::fold(address));
            }
            Record::Enterprise {
                name,
                credit_code,
                legal_representative,
                address,
                ..
            } => {
                self.names.push(phonetics, slot, Field::Name, name, false);
                let representative = Field::LegalRepresentative;
                self.names
                    .push(phonetics, slot, representative, legal_representative, true);
                self.addresses.push(slot, &fold::fold(address));
                self.credit_codes.push(slot, credit_code);
            }
        }
        self.slots[kind_index(record.kind())].insert(record.id().into(), slot);
        self.records.push(Some(record));
        slot
    }

    /// Marks a slot dead. Its entries stay in the name table and the text
    /// columns, skipped, until the next compaction; the ID number index
    /// drops it at once, since it needs every key to stay in order.
    fn kill(&mut self, slot: u32) {
        let records = &self.records;
        if records[slot as usize]
            .as_ref()
            .is_some_and(|r| r.kind() == HitKind::Resident)
        {
            self.citizen_ids.remove(slot, |s| citizen_id_of(records, s));
        }
        if self.records[slot as usize].take().is_some() {
            self.dead += 1;
        }
    }

    fn compact_if_worthwhile(&mut self) {
        if self.dead < MIN_DEAD_TO_COMPACT || self.dead * 2 < self.records.len() {
            return;
        }
        let started = Instant::now();
        let live: Vec<Record> = std::mem::take(&mut self.records)
            .into_iter()
            .flatten()
            .collect();
        *self = SearchIndex::from_records(live);
        tracing::debug!(
            records = self.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index compacted"
        );
    }

    /// The best score of every slot for `query` (folded, non-empty); zero
    /// where nothing matched.
    fn score_all(&self, query: &[char]) -> Vec<u64> {
        let mut scores = vec![0u64; self.records.len()];
        let mut offer = |slot: u32, field: Field, quality: Quality, primary: bool| {
            let Some(record) = &self.records[slot as usize] else {
                return;
            };
            let candidate = Candidate {
                quality,
                current: !record.moved_out(),
                primary,
                field,
                kind: record.kind(),
                title_len: record.title().chars().count(),
            };
            let best = &mut scores[slot as usize];
            *best = (*best).max(candidate.score());
        };

        let text: String = query.iter().collect();
        let numeric = query.iter().all(char::is_ascii_digit);
        if !numeric {
            let alive = |slot: u32| self.records[slot as usize].is_some();
            self.names
                .scan(&self.phonetics, query, alive, |slot, field, outcome| {
                    offer(slot, field, outcome.quality, outcome.primary)
                });
        }
        self.addresses.find(&text, false, |slot, quality| {
            offer(slot, Field::Address, quality, true)
        });
        if query.len() < MIN_NUMBER_DIGITS || !query.iter().all(char::is_ascii_alphanumeric) {
            return scores;
        }
        if numeric {
            self.phones.find(&text, true, |slot, quality| {
                offer(slot, Field::Phone, quality, true)
            });
        }
        if is_citizen_id_tail(query) {
            let records = &self.records;
            for &slot in self
                .citizen_ids
                .ending_with(&text, |s| citizen_id_of(records, s))
            {
                let full = citizen_id_of(records, slot).len() == text.len();
                // ID numbers are quoted by their last digits, so those count
                // as a prefix would for a name.
                let quality = if full {
                    Quality::Exact
                } else {
                    Quality::Prefix
                };
                offer(slot, Field::CitizenId, quality, true);
            }
        }
        self.credit_codes.find(&text, false, |slot, quality| {
            offer(slot, Field::CreditCode, quality, true)
        });
        scores
    }

    fn household_address(&self, id: &str) -> Option<&str> {
        let slot = *self.slots[kind_index(HitKind::Household)].get(id)?;
        match self.records[slot as usize].as_ref()? {
            Record::Household { address, .. } => Some(address),
            _ => None,
        }
    }
}

fn kind_index(kind: HitKind) -> usize {
    match kind {
        HitKind::Resident => 0,
        HitKind::Household => 1,
        HitKind::Enterprise => 2,
    }
}

fn citizen_id_of(records: &[Option<Record>], slot: u32) -> &str {
    records[slot as usize]
        .as_ref()
        .map_or("", Record::citizen_id)
}

/// Digits, with an `x` allowed last, as the end of an ID number may be.
fn is_citizen_id_tail(query: &[char]) -> bool {
    let Some((last, body)) = query.split_last() else {
        return false;
    };
    query.len() <= 18
        && body.iter().all(char::is_ascii_digit)
        && (last.is_ascii_digit() || *last == 'x')
}
