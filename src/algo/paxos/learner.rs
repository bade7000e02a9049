//! The learner: finds out what was chosen.
//!
//! Acceptors send every acceptance (`Accepted(b, slot, v)`) to every learner. A learner
//! knows `v` is chosen in `slot` once a phase-2 quorum of *distinct acceptors* reported
//! accepting the *same ballot* `b` (*Paxos Made Simple* §2.3). The same ballot matters:
//! acceptances of `v` spread over different ballots do not make `v` chosen, because each
//! of those ballots may still be overtaken by one that chooses something else. The
//! `mix-ballots` variant makes exactly that mistake.
//!
//! "Learned" is what one node knows; "chosen" is the global fact (see `ghost`). A correct
//! learner only learns chosen values, but may learn late or, if messages are lost, not at
//! all. So a learner that knows a slot exists (it saw an acceptance for it, or a leader's
//! heartbeat says the log is longer) but has not learned it asks the other learners
//! every catch-up interval; one that learned it answers `Decided`. Only in the heartbeat
//! case does it know the slot is *decided*: an acceptance it saw may belong to a ballot
//! that never reaches a quorum, so it asks "have you learned it?", not "what was chosen?".
//!
//! The learned log is on disk: a crash loses only the tallies in progress.
use super::ballot::{Ballot, Slot};
use super::config::{Setup, Variant};
use super::io::Io;
use super::messages::{Msg, Timer};
use super::notes::{LearnedHow, Note};
use super::value::Value;
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::NodeId;

/// Most `Decided` answers one question gets (the slot asked and the ones after it).
const ANSWERS_PER_ASK: u32 = 8;

/// A learned log entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LearnedValue {
    pub value: Value,
    pub how: LearnedHow,
}

/// The acceptances heard for one slot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Tally {
    /// Per ballot: its value and the acceptors that accepted it.
    by_ballot: SortedMap<Ballot, (Value, SortedSet<NodeId>)>,
    /// Per value, whatever the ballot: only the broken `mix-ballots` learner uses it.
    by_value: SortedMap<Value, SortedSet<NodeId>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Learner {
    /// Durable.
    learned: SortedMap<Slot, LearnedValue>,
    /// How many slots from 0 are learned with no gap.
    prefix: Slot,
    /// One past the highest slot it has heard of.
    heard_of: Slot,
    /// One past the highest slot a heartbeat said its sender had learned (every slot below
    /// it is decided): only for the narration of catch-up.
    told_learned: Slot,
    /// Volatile.
    tallies: SortedMap<Slot, Tally>,
    catch_up_armed: bool,
    /// Ghost, for the invariants: the slot of the latest learning, and how many.
    last_learned: Option<Slot>,
    learn_count: u64,
}

impl Learner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn learned(&self) -> &SortedMap<Slot, LearnedValue> {
        &self.learned
    }

    pub fn learned_in(&self, slot: Slot) -> Option<Value> {
        self.learned.get(&slot).map(|l| l.value)
    }

    pub fn is_learned(&self, slot: Slot) -> bool {
        self.learned.contains_key(&slot)
    }

    /// How many slots from 0 are learned with no gap: the first slot not learned.
    pub fn prefix(&self) -> Slot {
        self.prefix
    }

    /// One past the highest slot learned.
    pub fn end(&self) -> Slot {
        self.learned.keys().next_back().map_or(0, |s| s + 1)
    }

    pub fn last_learned(&self) -> Option<Slot> {
        self.last_learned
    }

    pub fn learn_count(&self) -> u64 {
        self.learn_count
    }

    /// The acceptors heard from for `ballot` in `slot` so far (for the quorum view).
    pub fn heard_from(&self, slot: Slot, ballot: Ballot) -> Vec<NodeId> {
        self.tallies
            .get(&slot)
            .and_then(|t| t.by_ballot.get(&ballot))
            .map_or_else(Vec::new, |(_, from)| from.iter().copied().collect())
    }

    pub fn hear_of(&mut self, end: Slot) {
        self.heard_of = self.heard_of.max(end);
    }

    /// A heartbeat says its sender has learned every slot below `prefix`: those slots are
    /// decided, and this learner knows of them.
    pub fn hear_learned(&mut self, prefix: Slot) {
        self.hear_of(prefix);
        self.told_learned = self.told_learned.max(prefix);
    }

    /// An acceptance from acceptor `from`. Returns the slot if it learned it now.
    pub(crate) fn on_accepted(
        &mut self,
        io: &mut impl Io,
        setup: &Setup,
        from: NodeId,
        (ballot, slot, value): (Ballot, Slot, Value),
    ) -> Option<Slot> {
        self.hear_of(slot + 1);
        if self.learned.contains_key(&slot) || !setup.acceptors.contains(&from) {
            return None;
        }
        let needed = setup.phase2_quorum;
        let tally = self.tallies.entry(slot).or_default();
        let entry = tally
            .by_ballot
            .entry(ballot)
            .or_insert_with(|| (value, SortedSet::new()));
        entry.1.insert(from);
        let count = entry.1.len() as u32;
        io.note(Note::AcceptedCounted {
            slot,
            ballot,
            from,
            count,
            needed,
        });
        let mut how = (count >= needed).then_some(LearnedHow::Quorum { ballot });
        if setup.variant == Variant::MixBallots {
            // The bug: acceptances of this value in any ballot are added up.
            let mixed = tally.by_value.entry(value).or_default();
            mixed.insert(from);
            if how.is_none() && mixed.len() as u32 >= needed {
                how = Some(LearnedHow::MixedBallots);
            }
        }
        let how = how?;
        self.learn(io, slot, value, how);
        Some(slot)
    }

    /// Another learner says `slot` is decided. Returns the slot if it learned it now.
    pub(crate) fn on_decided(
        &mut self,
        io: &mut impl Io,
        from: NodeId,
        slot: Slot,
        value: Value,
    ) -> Option<Slot> {
        self.hear_of(slot + 1);
        if self.learned.contains_key(&slot) {
            return None;
        }
        self.learn(io, slot, value, LearnedHow::Told { by: from });
        Some(slot)
    }

    /// Learns one slot. Every handler learns at most one slot (the invariants rely on
    /// it: they check the latest learning only).
    fn learn(&mut self, io: &mut impl Io, slot: Slot, value: Value, how: LearnedHow) {
        self.learned.insert(slot, LearnedValue { value, how });
        self.tallies.remove(&slot);
        while self.learned.contains_key(&self.prefix) {
            self.prefix += 1;
        }
        self.last_learned = Some(slot);
        self.learn_count += 1;
        io.note(Note::Learned { slot, value, how });
    }

    pub(crate) fn on_ask(&self, io: &mut impl Io, from: NodeId, slot: Slot) {
        let answers: Vec<(Slot, Value)> = self
            .learned
            .range(slot..slot.saturating_add(ANSWERS_PER_ASK))
            .map(|(s, l)| (*s, l.value))
            .collect();
        if answers.is_empty() {
            io.note(Note::CannotAnswer { slot, asker: from });
        }
        for (slot, value) in answers {
            io.send(from, Msg::Decided { slot, value });
        }
    }

    /// Sets the catch-up timer if it knows of a slot it has not learned.
    pub(crate) fn arm_catch_up(&mut self, io: &mut impl Io, setup: &Setup) {
        if !self.catch_up_armed && self.prefix < self.heard_of {
            self.catch_up_armed = true;
            io.set_timer(Timer::CatchUp, setup.timing.catch_up_interval);
        }
    }

    pub(crate) fn on_catch_up(&mut self, io: &mut impl Io, setup: &Setup) {
        self.catch_up_armed = false;
        if self.prefix >= self.heard_of {
            // It learned what it was missing since the timer was set.
            io.note(Note::NothingToAsk);
            return;
        }
        let slot = self.prefix;
        io.note(Note::AskedAbout {
            slot,
            known_decided: slot < self.told_learned,
        });
        let me = io.id();
        for to in setup.learners.iter().copied().filter(|l| *l != me) {
            io.send(to, Msg::AskDecided { slot });
        }
        self.arm_catch_up(io, setup);
    }

    pub(crate) fn on_crash(&mut self) {
        self.tallies.clear();
        self.catch_up_armed = false;
    }
}
