//! Ghost state: what a server records about its own history for the invariants to read.
//! The protocol writes it at the moments it describes and never reads it back, so it
//! cannot change a run; it survives crashes because it is not the server's memory but the
//! observer's notebook.
//!
//! Figure 3's properties talk about history ("a leader of term T", "an entry committed in
//! term T", "a server applied index i"), which the current state alone cannot show once
//! logs have moved on. Each record is bounded, so the checks stay cheap at every step.
use super::log::{Entry, Index, Term};
use crate::sim::NodeId;

/// How many recent applied indexes a server remembers for State Machine Safety.
pub const APPLIED_WINDOW: usize = 32;
/// How many terms of commit records a server keeps for Leader Completeness.
pub const COMMIT_MARKS: usize = 8;

/// "Up to `index` is committed", as a server learned it while in term `learned_in`; the
/// chain pins the whole committed prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitMark {
    pub index: Index,
    pub chain: u64,
    pub learned_in: Term,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ghost {
    /// Every term this server was leader in, in order.
    pub led_terms: Vec<Term>,
    /// The log's removal count when it last became leader (Leader Append-Only).
    pub removed_when_elected: u64,
    /// The highest commit it learned in each of its last few terms, oldest first.
    pub commits: Vec<CommitMark>,
    /// The chain of everything applied so far, computed from the applied entries alone.
    pub applied_chain: u64,
    /// `(index, chain)` of recent applies, at slot `index % APPLIED_WINDOW`.
    pub applied: [(Index, u64); APPLIED_WINDOW],
    /// The highest index it ever applied.
    pub applied_high: Index,
    /// An index it applied twice with different contents (across a crash), if ever.
    pub applied_twice: Option<Index>,
    /// How many applies (and state machine resets) it recorded.
    pub applies: u64,
    /// The volatile-vote variant only: the vote `(term, candidate)` this server cast and
    /// then lost in a crash, kept so that the narration can say so at the restart and at
    /// a second vote in that term. The server reads it back only to choose the words of
    /// a note, never to decide: it cannot change a run.
    pub lost_vote: Option<(Term, NodeId)>,
    /// How many times its role, term, leaderships or commit records changed: the checks
    /// that read those skip the steps where no server's count moved.
    pub epoch: u64,
}

impl Ghost {
    /// Notes that the role or the term changed.
    pub fn touch(&mut self) {
        self.epoch += 1;
    }

    pub fn record_leadership(&mut self, term: Term, removed: u64) {
        self.epoch += 1;
        self.led_terms.push(term);
        self.removed_when_elected = removed;
    }

    pub fn led(&self, term: Term) -> bool {
        self.led_terms.binary_search(&term).is_ok()
    }

    pub fn record_commit(&mut self, index: Index, chain: u64, term: Term) {
        self.epoch += 1;
        let mark = CommitMark {
            index,
            chain,
            learned_in: term,
        };
        match self.commits.last_mut() {
            Some(last) if last.learned_in == term => {
                if index > last.index {
                    *last = mark;
                }
            }
            _ => {
                if self.commits.len() == COMMIT_MARKS {
                    self.commits.remove(0);
                }
                self.commits.push(mark);
            }
        }
    }

    /// The latest commit mark learned before `term`.
    pub fn commit_before(&self, term: Term) -> Option<&CommitMark> {
        self.commits.iter().rev().find(|m| m.learned_in < term)
    }

    /// Records that `entry` was applied at `index`.
    pub fn record_apply(&mut self, index: Index, entry: &Entry) {
        self.applied_chain = entry.chain_after(self.applied_chain);
        self.note_applied(index, self.applied_chain);
    }

    /// The state machine was reset to a snapshot ending at `index` with `chain` (a restart
    /// or an installed snapshot).
    pub fn reset_applied(&mut self, index: Index, chain: u64) {
        self.applied_chain = chain;
        if index > 0 {
            self.note_applied(index, chain);
        }
    }

    fn note_applied(&mut self, index: Index, chain: u64) {
        self.applies += 1;
        let slot = &mut self.applied[(index % APPLIED_WINDOW as u64) as usize];
        if slot.0 == index && slot.1 != chain && self.applied_twice.is_none() {
            self.applied_twice = Some(index);
        }
        *slot = (index, chain);
        self.applied_high = self.applied_high.max(index);
    }

    /// The chain it had after applying `index`, if that is among the recent applies.
    pub fn applied_at(&self, index: Index) -> Option<u64> {
        let slot = self.applied[(index % APPLIED_WINDOW as u64) as usize];
        (slot.0 == index && index > 0).then_some(slot.1)
    }
}
