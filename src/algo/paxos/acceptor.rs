//! The acceptor: Paxos's memory.
//!
//! An acceptor keeps two things, both **on disk** (they survive a crash):
//! - `promised`: the highest ballot it promised. It answers a `Prepare(b)` only if `b` is
//!   at least that, and then promises `b`: it will never again accept a ballot below `b`.
//! - `accepted`: per slot, the value it last accepted and the ballot it accepted it in.
//!   It accepts `Accept(b, slot, v)` only if `b` is at least its promise (accepting also
//!   counts as promising `b`).
//!
//! Why the promise must be durable: a proposer that collected promises for `b` relies on
//! them. If an acceptor forgot its promise in a crash it could accept an older ballot's
//! value that the proposer of `b` never heard about, and two values could be chosen.
//! The `forget-promise` variant does exactly that, and the `forget-promise` scenario shows
//! the result. (*Paxos Made Simple* §2.3: "an acceptor must remember this information even
//! if it fails and then restarts".)
//!
//! In Multi-Paxos one promise covers every slot (the prepare says from which slot on the
//! proposer wants to hear about accepted values), which is what lets a stable leader skip
//! phase 1 for every new command (§3).
use super::ballot::{Ballot, Slot};
use super::config::{Setup, Variant};
use super::ghost::AcceptorHistory;
use super::io::Io;
use super::messages::{learners_and, Msg, SlotVote};
use super::notes::Note;
use super::value::Value;
use crate::sim::sorted::SortedMap;
use crate::sim::NodeId;

/// An acceptor's accepted value in one slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AcceptedValue {
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Acceptor {
    /// Durable (volatile in the `forget-promise` variant).
    promised: Ballot,
    /// Durable.
    accepted: SortedMap<Slot, AcceptedValue>,
    /// Ghost: what it promised and accepted over its whole life.
    history: AcceptorHistory,
}

impl Acceptor {
    pub fn new() -> Self {
        Self::default()
    }

    /// The highest ballot promised (as it stands now; see [`Acceptor::history`] for the
    /// highest ever).
    pub fn promised(&self) -> Ballot {
        self.promised
    }

    /// The accepted (ballot, value) per slot.
    pub fn accepted(&self) -> &SortedMap<Slot, AcceptedValue> {
        &self.accepted
    }

    pub fn accepted_in(&self, slot: Slot) -> Option<AcceptedValue> {
        self.accepted.get(&slot).copied()
    }

    pub fn history(&self) -> &AcceptorHistory {
        &self.history
    }

    pub(crate) fn on_prepare(
        &mut self,
        io: &mut impl Io,
        from: NodeId,
        ballot: Ballot,
        from_slot: Slot,
    ) {
        if ballot < self.promised {
            io.note(Note::RefusedPrepare {
                ballot,
                promised: self.promised,
            });
            let promised = self.promised;
            io.send(from, Msg::Nack { ballot, promised });
            return;
        }
        // Equal is allowed: a duplicated or repeated prepare of the same ballot comes from
        // the same proposer, and promising again changes nothing.
        let previous = self.promised;
        self.promised = ballot;
        self.history.record_promise(ballot);
        let accepted: Vec<SlotVote> = self
            .accepted
            .range(from_slot..)
            .map(|(slot, a)| SlotVote {
                slot: *slot,
                ballot: a.ballot,
                value: a.value,
            })
            .collect();
        io.note(Note::Promised {
            ballot,
            previous,
            reported: accepted.len() as u32,
            first: accepted.first().copied(),
        });
        io.send(from, Msg::Promise { ballot, accepted });
    }

    pub(crate) fn on_accept(
        &mut self,
        io: &mut impl Io,
        setup: &Setup,
        ballot: Ballot,
        slot: Slot,
        value: Value,
    ) {
        if ballot < self.promised {
            io.note(Note::RefusedAccept {
                ballot,
                slot,
                promised: self.promised,
            });
            let promised = self.promised;
            io.send(ballot.proposer, Msg::Nack { ballot, promised });
            return;
        }
        // Safe: no promise above `ballot` was ever made (promises are durable), so no
        // proposer of a higher ballot counted on this acceptor staying out of `ballot`.
        self.promised = ballot;
        self.accepted.insert(slot, AcceptedValue { ballot, value });
        self.history.record_vote(slot, ballot, value);
        io.note(Note::AcceptedValue {
            ballot,
            slot,
            value,
        });
        for to in learners_and(&setup.learners, ballot.proposer) {
            io.send(
                to,
                Msg::Accepted {
                    ballot,
                    slot,
                    value,
                },
            );
        }
    }

    /// A crash: everything here is on disk, except the promise in the broken variant.
    pub(crate) fn on_crash(&mut self, setup: &Setup) {
        if setup.variant == Variant::ForgetPromise {
            self.promised = Ballot::ZERO;
        }
    }

    pub(crate) fn on_restart(&mut self, io: &mut impl Io, setup: &Setup) {
        if setup.variant == Variant::ForgetPromise {
            io.note(Note::PromiseForgotten {
                had: self.history.highest_promise(),
            });
        } else {
            io.note(Note::PromiseRestored {
                promised: self.promised,
                accepted: self.accepted.len() as u32,
            });
        }
    }
}
