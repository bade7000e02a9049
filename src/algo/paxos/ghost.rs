//! Ghost history: what happened, recorded for the invariants and the views, never read by
//! the protocol itself.
//!
//! "Chosen" is a global fact that no node knows: a value is chosen in a slot once a
//! phase-2 quorum of acceptors has accepted it in the same ballot (*Paxos Made Simple*
//! §2.2). An acceptor may later accept a higher ballot and overwrite what it stores, but
//! the acceptance happened, so each acceptor keeps a ghost list of its acceptances (its
//! "votes", in the terms of Lamport's later *Voting* formulation). A crash does not touch
//! it: it is history, not state. From the votes of all acceptors the invariants compute
//! what is chosen; a node never looks.
use super::ballot::{Ballot, Slot};
use super::value::Value;
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::Time;

/// How many promised ballots an acceptor's ghost remembers for the quorum view (the
/// oldest are dropped; votes, which safety depends on, are all kept).
pub const PROMISES_KEPT: usize = 256;
/// How many of its ballots a proposer's timeline keeps (the oldest are dropped).
pub const BALLOTS_KEPT: usize = 64;

/// One acceptance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Vote {
    pub ballot: Ballot,
    pub value: Value,
    /// The highest ballot the acceptor had ever promised when it accepted, crashes
    /// included: above `ballot` means it broke a promise.
    pub promised_before: Ballot,
}

/// An acceptor's history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AcceptorHistory {
    votes: SortedMap<Slot, Vec<Vote>>,
    highest_promise: Ballot,
    promised: SortedSet<Ballot>,
    last_vote: Option<(Slot, Ballot)>,
    vote_count: u64,
}

impl AcceptorHistory {
    pub fn record_promise(&mut self, ballot: Ballot) {
        self.highest_promise = self.highest_promise.max(ballot);
        self.promised.insert(ballot);
        if self.promised.len() > PROMISES_KEPT {
            self.promised.pop_first();
        }
    }

    /// Records an acceptance. A repeated accept request for the same ballot adds no vote
    /// (it changes nothing that was chosen), but if the acceptor had since promised a
    /// higher ballot, accepting it again still breaks that promise, and is kept as such.
    pub fn record_vote(&mut self, slot: Slot, ballot: Ballot, value: Value) {
        let promised_before = self.highest_promise;
        let votes = self.votes.entry(slot).or_default();
        match votes.iter_mut().find(|v| v.ballot == ballot) {
            Some(vote) if promised_before > ballot => {
                vote.promised_before = vote.promised_before.max(promised_before);
            }
            Some(_) => return,
            None => votes.push(Vote {
                ballot,
                value,
                promised_before,
            }),
        }
        self.highest_promise = self.highest_promise.max(ballot);
        self.last_vote = Some((slot, ballot));
        self.vote_count += 1;
    }

    /// Every acceptance in `slot`, in the order they happened.
    pub fn votes_in(&self, slot: Slot) -> &[Vote] {
        self.votes.get(&slot).map_or(&[], Vec::as_slice)
    }

    pub fn votes(&self) -> impl Iterator<Item = (Slot, &Vote)> {
        self.votes
            .iter()
            .flat_map(|(slot, votes)| votes.iter().map(move |v| (*slot, v)))
    }

    /// The slot of the most recent acceptance.
    pub fn last_vote(&self) -> Option<Slot> {
        self.last_vote.map(|(slot, _)| slot)
    }

    /// The most recent acceptance.
    pub fn latest_vote(&self) -> Option<(Slot, Vote)> {
        let (slot, ballot) = self.last_vote?;
        let vote = self.votes_in(slot).iter().find(|v| v.ballot == ballot)?;
        Some((slot, *vote))
    }

    pub fn vote_count(&self) -> u64 {
        self.vote_count
    }

    /// Whether it ever promised `ballot` (among the last [`PROMISES_KEPT`] promises).
    pub fn promised(&self, ballot: Ballot) -> bool {
        self.promised.contains(&ballot)
    }

    pub fn promised_ballots(&self) -> impl Iterator<Item = Ballot> + '_ {
        self.promised.iter().copied()
    }

    /// The highest ballot ever promised, crashes included.
    pub fn highest_promise(&self) -> Ballot {
        self.highest_promise
    }
}

/// Where a proposer's value for a slot came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueSource {
    /// Nothing was reported in the slot: its own (or a client's) value.
    Own,
    /// Reported by the promises: the highest-ballot accepted value, adopted.
    Adopted { from: Ballot },
    /// A hole in the log filled with a no-op.
    Noop,
    /// Broken (keep-own-value): its own value although another was reported.
    KeptOwn { ignored_from: Ballot },
}

/// How a ballot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BallotOutcome {
    Running,
    /// Its value (single-decree), or its first slot's value, reached a phase-2 quorum.
    Chosen {
        at: Time,
    },
    /// A nack showed a higher ballot.
    Preempted {
        by: Ballot,
        at: Time,
    },
    /// Phase 1 got no quorum in time.
    TimedOut {
        at: Time,
    },
    /// Another proposer became the leader.
    SteppedDown {
        at: Time,
    },
    /// A person started another ballot, or it ended with nothing to propose.
    Replaced {
        at: Time,
    },
    /// The value was decided through another proposer's ballot.
    Superseded {
        at: Time,
    },
    /// The proposer crashed during it.
    Crashed,
}

/// One ballot on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BallotRecord {
    pub ballot: Ballot,
    pub started: Time,
    pub from_slot: Slot,
    pub phase1_done: Option<Time>,
    /// The value proposed in the first slot of phase 2, and where it came from.
    pub first_value: Option<(Value, ValueSource)>,
    /// Slots this ballot sent accept requests for.
    pub slots_proposed: u32,
    pub outcome: BallotOutcome,
}

/// A proposer's history: its ballots (the last [`BALLOTS_KEPT`]) and every value it was
/// given, for the validity check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProposerHistory {
    ballots: Vec<BallotRecord>,
    started: u64,
    proposed: SortedSet<Value>,
}

impl ProposerHistory {
    pub fn start(&mut self, ballot: Ballot, from_slot: Slot, at: Time) {
        if self.ballots.len() >= BALLOTS_KEPT {
            self.ballots.remove(0);
        }
        self.ballots.push(BallotRecord {
            ballot,
            started: at,
            from_slot,
            phase1_done: None,
            first_value: None,
            slots_proposed: 0,
            outcome: BallotOutcome::Running,
        });
        self.started += 1;
    }

    /// The record of `ballot`, if it is still kept.
    pub fn record_mut(&mut self, ballot: Ballot) -> Option<&mut BallotRecord> {
        self.ballots.iter_mut().rev().find(|r| r.ballot == ballot)
    }

    /// Ends `ballot` with `outcome` unless it already ended.
    pub fn end(&mut self, ballot: Ballot, outcome: BallotOutcome) {
        if let Some(r) = self.record_mut(ballot) {
            if r.outcome == BallotOutcome::Running {
                r.outcome = outcome;
            }
        }
    }

    pub fn ballots(&self) -> &[BallotRecord] {
        &self.ballots
    }

    /// Ballots started over the whole run (the timeline keeps only the last ones).
    pub fn started_count(&self) -> u64 {
        self.started
    }

    pub fn record_proposed(&mut self, value: Value) {
        self.proposed.insert(value);
    }

    pub fn was_proposed(&self, value: &Value) -> bool {
        self.proposed.contains(value)
    }
}
