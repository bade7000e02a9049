//! A server's log: numbered entries, each stamped with the term of the leader that created
//! it, after an optional snapshot that replaced the oldest entries (paper §5.3, §7).
//!
//! Two facts about terms make the log easy to search: a leader only appends entries of its
//! own term, which is at least every term already in its log, and followers copy a
//! leader's log; so along every log the terms never decrease. The entries of one term form
//! one contiguous run, found by binary search.
//!
//! The configuration is kept here too. A server uses the *latest* configuration entry in
//! its log, committed or not (dissertation §4.1: "a server always uses the latest
//! configuration in its log"), so that a configuration takes effect the moment it is
//! appended and is undone if the entry is ever truncated.
//!
//! Ghost state (never read by the protocol, only by the invariants): every entry carries a
//! *chain* value that hashes the entry together with the chain of the entry before it, so
//! two logs agree on a whole prefix exactly when their chains agree at its last index; and
//! the log counts the entries it ever removed, and keeps the last entries a conflict
//! removed, so that the stage can show what was replaced.
use super::kv::Op;
use super::members::Members;
use crate::sim::NodeId;

pub type Term = u64;
pub type Index = u64;

/// How many of the entries one conflict removed the log remembers (the stage's log window
/// shows at most 13 columns).
pub const REMOVED_KEPT: usize = 16;

/// The end of a log, as the election restriction compares logs (§5.4.1): the term and
/// index of its last entry (both 0 for an empty log).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LastEntry {
    pub term: Term,
    pub index: Index,
}

impl LastEntry {
    /// Whether a log ending here is at least as up to date as one ending at `other`: a
    /// later last term wins; with equal last terms the longer log wins (§5.4.1).
    pub fn at_least_as_up_to_date_as(self, other: LastEntry) -> bool {
        (self.term, self.index) >= (other.term, other.index)
    }
}

/// What a log entry asks the state machine to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// The entry a new leader appends to commit its predecessors' entries (§8).
    Noop,
    /// An entry a scenario starts with (the logs of the paper's Figures 7 and 8): only its
    /// term matters to those figures, so its content is not modelled and it changes no state.
    Preloaded,
    /// A client's request, with its session serial number (dissertation §6.3).
    Client { client: NodeId, serial: u64, op: Op },
    /// A new configuration (dissertation §4.1).
    Config(Members),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub term: Term,
    pub command: Command,
}

/// Mixes two words (SplitMix64's finaliser): the ghost chains, stable on every platform.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_add(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Entry {
    /// The chain value of this entry after a prefix whose chain is `prev`.
    pub(crate) fn chain_after(&self, prev: u64) -> u64 {
        let digest = match self.command {
            Command::Noop => 1,
            Command::Preloaded => 4,
            Command::Client { client, serial, op } => {
                let op = match op {
                    super::kv::Op::Put { key, value } => {
                        (u64::from(key.letter() as u8) << 32) | u64::from(value)
                    }
                    super::kv::Op::Get { key } => (1 << 40) | u64::from(key.letter() as u8),
                };
                mix(mix(2, u64::from(client.0)), mix(serial, op))
            }
            Command::Config(m) => mix(3, u64::from(m.bits())),
        };
        mix(mix(prev, self.term), digest)
    }
}

/// The durable log. Index 0 is "before the first entry" (term 0).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Log {
    entries: Vec<Entry>,
    /// Ghost: `chains[k]` is the chain of `entries[k]`.
    chains: Vec<u64>,
    /// The last index and term the snapshot replaced (0, 0 without a snapshot).
    snapshot_index: Index,
    snapshot_term: Term,
    /// The configuration in force at `snapshot_index`.
    snapshot_members: Members,
    /// Ghost: the chain at `snapshot_index`.
    snapshot_chain: u64,
    /// The configuration entries among `entries`, oldest first.
    configs: Vec<(Index, Members)>,
    /// Ghost: how many entries were ever removed (by a conflict, or by a snapshot that
    /// replaced a log that disagreed with it). Compaction does not count.
    removed: u64,
    /// Ghost: the entries the latest conflict removed (at most [`REMOVED_KEPT`], the
    /// first ones), with their indexes; empty until a conflict removes one.
    last_removed: Vec<(Index, Entry)>,
    /// Ghost: how many times the log changed (so an invariant can tell it did not).
    version: u64,
}

impl Log {
    /// An empty log whose configuration is `members`.
    pub fn new(members: Members) -> Log {
        Log {
            entries: Vec::new(),
            chains: Vec::new(),
            snapshot_index: 0,
            snapshot_term: 0,
            snapshot_members: members,
            snapshot_chain: 0,
            configs: Vec::new(),
            removed: 0,
            last_removed: Vec::new(),
            version: 0,
        }
    }

    pub fn snapshot_index(&self) -> Index {
        self.snapshot_index
    }

    pub fn snapshot_term(&self) -> Term {
        self.snapshot_term
    }

    /// The configuration the snapshot holds.
    pub fn snapshot_members(&self) -> Members {
        self.snapshot_members
    }

    pub fn first_index(&self) -> Index {
        self.snapshot_index + 1
    }

    pub fn last_index(&self) -> Index {
        self.snapshot_index + self.entries.len() as Index
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// Its last entry's term and index, as a vote compares logs (§5.4.1).
    pub fn last_entry(&self) -> LastEntry {
        LastEntry {
            term: self.last_term(),
            index: self.last_index(),
        }
    }

    /// The entries after the snapshot, with their indexes.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = (Index, &Entry)> + '_ {
        let base = self.snapshot_index;
        self.entries
            .iter()
            .enumerate()
            .map(move |(k, e)| (base + 1 + k as Index, e))
    }

    /// How many entries follow the snapshot.
    pub fn len(&self) -> u64 {
        self.entries.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn slot(&self, index: Index) -> Option<usize> {
        let k = index.checked_sub(self.snapshot_index + 1)?;
        (k < self.entries.len() as u64).then_some(k as usize)
    }

    pub fn entry(&self, index: Index) -> Option<&Entry> {
        self.slot(index).map(|k| &self.entries[k])
    }

    /// The term of the entry at `index`: known for the snapshot's last entry and every entry
    /// after it (0 at index 0), unknown for entries compacted away or beyond the end.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.snapshot_index {
            Some(self.snapshot_term)
        } else {
            self.entry(index).map(|e| e.term)
        }
    }

    /// Up to `max` entries from `from` on (which must be after the snapshot).
    pub fn entries_from(&self, from: Index, max: u32) -> Vec<Entry> {
        match self.slot(from) {
            Some(k) => {
                let end = (k + max as usize).min(self.entries.len());
                self.entries[k..end].to_vec()
            }
            None => Vec::new(),
        }
    }

    /// Whether a log ending with (`last_term`, `last_index`) is at least as up to date as
    /// this one (§5.4.1): a later last term wins; with equal last terms the longer log wins.
    pub fn is_behind_or_equal(&self, last_term: Term, last_index: Index) -> bool {
        LastEntry {
            term: last_term,
            index: last_index,
        }
        .at_least_as_up_to_date_as(self.last_entry())
    }

    /// Appends `entry` and returns its index.
    pub fn append(&mut self, entry: Entry) -> Index {
        self.version += 1;
        let prev = self.chains.last().copied().unwrap_or(self.snapshot_chain);
        self.chains.push(entry.chain_after(prev));
        self.entries.push(entry);
        let index = self.last_index();
        if let Command::Config(m) = entry.command {
            self.configs.push((index, m));
        }
        index
    }

    /// Removes the entries from `from` on (a conflict with the leader's log, §5.3).
    pub fn truncate_from(&mut self, from: Index) {
        if let Some(k) = self.slot(from) {
            self.version += 1;
            self.removed += (self.entries.len() - k) as u64;
            self.last_removed = (from..)
                .zip(&self.entries[k..])
                .take(REMOVED_KEPT)
                .map(|(index, entry)| (index, *entry))
                .collect();
            self.entries.truncate(k);
            self.chains.truncate(k);
            self.configs.retain(|(i, _)| *i < from);
        }
    }

    /// The configuration in force: the latest in the log, committed or not.
    pub fn members(&self) -> Members {
        self.configs
            .last()
            .map_or(self.snapshot_members, |(_, m)| *m)
    }

    /// The index of the latest configuration entry (the snapshot's index if none follows).
    pub fn members_index(&self) -> Index {
        self.configs.last().map_or(self.snapshot_index, |(i, _)| *i)
    }

    /// The configuration before the latest one (the snapshot's if only one entry follows
    /// it); `None` if the log holds no configuration entry.
    pub fn previous_members(&self) -> Option<Members> {
        match self.configs.as_slice() {
            [] => None,
            [_] => Some(self.snapshot_members),
            [.., (_, prev), _] => Some(*prev),
        }
    }

    /// The configuration in force at `index` (at or after the snapshot).
    pub fn members_at(&self, index: Index) -> Members {
        self.configs
            .iter()
            .rev()
            .find(|(i, _)| *i <= index)
            .map_or(self.snapshot_members, |(_, m)| *m)
    }

    /// The first index of the run of `term` that contains `index` (for the conflict hint:
    /// the follower tells the leader where that term starts in its log, §5.3).
    pub fn first_index_of_term_at(&self, index: Index) -> Index {
        let Some(term) = self.term_at(index) else {
            return index;
        };
        let end = self.slot(index).map_or(0, |k| k + 1);
        let k = self.entries[..end].partition_point(|e| e.term < term);
        (self.snapshot_index + 1 + k as Index).min(index)
    }

    /// The last index holding an entry of `term`, if the log (after its snapshot) has one.
    pub fn last_index_of_term(&self, term: Term) -> Option<Index> {
        let k = self.entries.partition_point(|e| e.term <= term);
        if k > 0 && self.entries[k - 1].term == term {
            Some(self.snapshot_index + k as Index)
        } else if k == 0 && self.snapshot_term == term && self.snapshot_index > 0 {
            Some(self.snapshot_index)
        } else {
            None
        }
    }

    /// Replaces the entries up to `index` (which must be in the log) by a snapshot (§7).
    pub fn compact(&mut self, index: Index) {
        let Some(k) = self.slot(index) else {
            return;
        };
        self.version += 1;
        self.snapshot_members = self.members_at(index);
        self.snapshot_term = self.entries[k].term;
        self.snapshot_chain = self.chains[k];
        self.snapshot_index = index;
        self.entries.drain(..=k);
        self.chains.drain(..=k);
        self.configs.retain(|(i, _)| *i > index);
    }

    /// Takes a leader's snapshot (§7, Figure 13): if this log has the snapshot's last entry,
    /// the entries after it stay; otherwise the whole log is replaced.
    pub fn install(&mut self, index: Index, term: Term, members: Members, chain: u64) {
        if index > self.snapshot_index && self.term_at(index) == Some(term) {
            self.compact(index);
            return;
        }
        self.version += 1;
        self.removed += self.entries.len() as u64;
        self.entries.clear();
        self.chains.clear();
        self.configs.clear();
        self.snapshot_index = index;
        self.snapshot_term = term;
        self.snapshot_members = members;
        self.snapshot_chain = chain;
    }

    /// Ghost: the chain at `index`, if the log still holds it (or its snapshot ends there).
    pub fn chain_at(&self, index: Index) -> Option<u64> {
        if index == self.snapshot_index {
            Some(self.snapshot_chain)
        } else {
            self.slot(index).map(|k| self.chains[k])
        }
    }

    /// Ghost: how many times this log changed.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Ghost: how many entries this log ever removed.
    pub fn removed(&self) -> u64 {
        self.removed
    }

    /// Ghost: the entries the latest conflict removed, with their indexes, oldest first.
    pub fn last_removed(&self) -> &[(Index, Entry)] {
        &self.last_removed
    }

    /// The first and last index of `term` in this log, counting the snapshot's last entry.
    fn term_range(&self, term: Term) -> Option<(Index, Index)> {
        let start = self.entries.partition_point(|e| e.term < term);
        let end = self.entries.partition_point(|e| e.term <= term);
        let base = self.snapshot_index + 1;
        let with_snapshot = self.snapshot_index > 0 && self.snapshot_term == term;
        match (start < end, with_snapshot) {
            (true, true) => Some((self.snapshot_index, base + end as Index - 1)),
            (true, false) => Some((base + start as Index, base + end as Index - 1)),
            (false, true) => Some((self.snapshot_index, self.snapshot_index)),
            (false, false) => None,
        }
    }

    /// Ghost check of Log Matching (§5.3) against `other`: an index where both logs hold an
    /// entry of the same term but differ in what comes up to it.
    ///
    /// Per term, the indexes both logs hold with that term form one interval, and chains
    /// cover whole prefixes. Take the highest term whose intervals overlap and compare the
    /// chains at the top of the overlap: if they agree, the two logs are identical up to
    /// there, which holds every entry of every lower term in both logs, and no higher term is
    /// shared at all; so one comparison decides. Walking down from the last term, that term
    /// is usually the first one tried.
    pub fn matching_conflict(&self, other: &Log) -> Option<Index> {
        let mut term = self.last_term();
        loop {
            let (lo, hi) = self.term_range(term)?;
            if let Some((other_lo, other_hi)) = other.term_range(term) {
                let top = hi.min(other_hi);
                if lo.max(other_lo) <= top {
                    return (self.chain_at(top) != other.chain_at(top)).then_some(top);
                }
            }
            // The next lower term in this log (none below the snapshot's last entry).
            if lo <= self.snapshot_index {
                return None;
            }
            term = self.term_at(lo - 1)?;
            if lo - 1 == 0 {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_of(terms: &[Term]) -> Log {
        let mut log = Log::new(Members::first(3));
        for &term in terms {
            log.append(Entry {
                term,
                command: Command::Noop,
            });
        }
        log
    }

    #[test]
    fn terms_and_hints() {
        let log = log_of(&[1, 1, 4, 4, 4, 6]);
        assert_eq!((log.last_index(), log.last_term()), (6, 6));
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(7), None);
        assert_eq!(log.first_index_of_term_at(5), 3);
        assert_eq!(log.last_index_of_term(4), Some(5));
        assert_eq!(log.last_index_of_term(5), None);
        assert!(log.is_behind_or_equal(6, 6));
        assert!(log.is_behind_or_equal(7, 1));
        assert!(!log.is_behind_or_equal(6, 5));
    }

    #[test]
    fn compaction_keeps_terms_configs_and_chains() {
        let mut log = log_of(&[1, 1, 2]);
        let four = Members::first(4);
        log.append(Entry {
            term: 2,
            command: Command::Config(four),
        });
        log.append(Entry {
            term: 3,
            command: Command::Noop,
        });
        let chain = log.chain_at(4);
        log.compact(4);
        assert_eq!((log.snapshot_index(), log.snapshot_term()), (4, 2));
        assert_eq!(log.members(), four);
        assert_eq!(log.chain_at(4), chain);
        assert_eq!(log.term_at(3), None);
        assert_eq!(log.first_index_of_term_at(5), 5);
        assert_eq!(log.removed(), 0);
    }

    #[test]
    fn log_matching_finds_a_divergent_prefix() {
        let a = log_of(&[1, 1, 2, 2]);
        let mut b = log_of(&[1, 1, 2]);
        assert_eq!(a.matching_conflict(&b), None);
        // Same term at index 2, different content at index 1: a violation.
        let mut c = Log::new(Members::first(3));
        c.append(Entry {
            term: 1,
            command: Command::Config(Members::first(5)),
        });
        c.append(Entry {
            term: 1,
            command: Command::Noop,
        });
        assert_eq!(a.matching_conflict(&c), Some(2));
        assert_eq!(c.matching_conflict(&a), Some(2));
        // Different terms at the same index are no violation.
        b.truncate_from(3);
        b.append(Entry {
            term: 3,
            command: Command::Noop,
        });
        assert_eq!(a.matching_conflict(&b), None);
        assert_eq!(b.removed(), 1);
        assert_eq!(
            b.last_removed(),
            &[(
                3,
                Entry {
                    term: 2,
                    command: Command::Noop
                }
            )]
        );
    }

    fn removed_terms(log: &Log) -> Vec<(Index, Term)> {
        log.last_removed()
            .iter()
            .map(|(i, e)| (*i, e.term))
            .collect()
    }

    #[test]
    fn a_conflict_remembers_what_it_removed_until_the_next_one() {
        let mut log = log_of(&[1, 2, 2, 2]);
        assert!(log.last_removed().is_empty());
        log.truncate_from(3);
        assert_eq!(removed_terms(&log), [(3, 2), (4, 2)]);
        // Appending keeps the record; a truncation past the end removes nothing and keeps it.
        log.append(Entry {
            term: 3,
            command: Command::Noop,
        });
        log.truncate_from(9);
        assert_eq!(log.last_removed().len(), 2);
        log.truncate_from(2);
        assert_eq!(removed_terms(&log), [(2, 2), (3, 3)]);
        // A snapshot's compaction is no conflict: the record stays.
        log.compact(1);
        assert_eq!(log.last_removed().len(), 2);
    }
}
