//! The proposer's phase 2: accept requests, counting acceptances, and the Multi-Paxos
//! steady state.
//!
//! After phase 1 the proposer sends `Accept(b, slot, v)` for each slot it must fill (see
//! `proposer` for which value) and counts `Accepted` answers for *its own ballot*: `q2`
//! of them mean the value is chosen. Answers that do not come are asked for again with
//! the same ballot, which is safe (an acceptor accepting the same ballot and value twice
//! changes nothing).
//!
//! In Multi-Paxos the proposer stays in phase 2 as the leader: each new command takes the
//! next free slot and costs one round trip to the acceptors, with up to `pipeline` slots
//! under way at once. A slot learned through someone else's ballot leaves phase 2 too; if
//! another value won it, the proposer's own command goes back in the queue for a later
//! slot.
use super::ballot::{Ballot, Slot};
use super::config::Mode;
use super::ghost::{BallotOutcome, ValueSource};
use super::io::Io;
use super::messages::{Msg, Timer};
use super::notes::Note;
use super::proposer::{Around, Proposer, ProposerPhase, SlotProgress};
use super::value::Value;
use crate::sim::sorted::SortedSet;
use crate::sim::NodeId;

impl Proposer {
    /// Phase 2a for one slot.
    pub(super) fn propose(
        &mut self,
        io: &mut impl Io,
        around: &Around,
        ballot: Ballot,
        slot: Slot,
        value: Value,
        source: ValueSource,
    ) {
        if let Some(r) = self.history.record_mut(ballot) {
            r.slots_proposed += 1;
            if r.first_value.is_none() {
                r.first_value = Some((value, source));
            }
        }
        let was_idle = self.in_progress.is_empty();
        self.in_progress.insert(
            slot,
            SlotProgress {
                value,
                source,
                acks: SortedSet::new(),
            },
        );
        for to in &around.setup.acceptors {
            io.send(
                *to,
                Msg::Accept {
                    ballot,
                    slot,
                    value,
                },
            );
        }
        if was_idle {
            io.set_timer(Timer::PhaseTimeout, around.setup.timing.phase_timeout);
        }
    }

    /// Multi-Paxos steady state: queued commands take the next free slots.
    pub(super) fn assign_slots(&mut self, io: &mut impl Io, around: &Around) {
        let ProposerPhase::Accepting { ballot } = self.phase else {
            return;
        };
        while (self.in_progress.len() as u32) < around.setup.pipeline {
            let Some(value) = self.pending.pop_front() else {
                break;
            };
            while around.learned(self.next_slot) || self.in_progress.contains_key(&self.next_slot) {
                self.next_slot += 1;
            }
            let slot = self.next_slot;
            self.next_slot += 1;
            io.note(Note::SlotAssigned {
                ballot,
                slot,
                value,
            });
            self.propose(io, around, ballot, slot, value, ValueSource::Own);
        }
    }

    pub(crate) fn on_accepted(
        &mut self,
        io: &mut impl Io,
        around: &Around,
        from: NodeId,
        (ballot, slot, value): (Ballot, Slot, Value),
    ) {
        if self.ballot() != Some(ballot) || !around.setup.acceptors.contains(&from) {
            return;
        }
        let Some(progress) = self.in_progress.get_mut(&slot) else {
            return;
        };
        if progress.value != value || !progress.acks.insert(from) {
            return;
        }
        let acks = progress.acks.len() as u32;
        let needed = around.setup.phase2_quorum;
        io.note(Note::AcceptCounted {
            ballot,
            slot,
            from,
            acks,
            needed,
        });
        if acks < needed {
            return;
        }
        io.note(Note::SawChosen {
            ballot,
            slot,
            value,
        });
        self.in_progress.remove(&slot);
        if let Some(r) = self.history.record_mut(ballot) {
            if r.outcome == BallotOutcome::Running {
                r.outcome = BallotOutcome::Chosen { at: io.now() };
            }
        }
        self.after_slot_done(io, around);
    }

    /// A slot left phase 2 (chosen, or learned through someone else).
    pub(super) fn after_slot_done(&mut self, io: &mut impl Io, around: &Around) {
        match around.setup.mode {
            Mode::Single => {
                self.pending.clear();
                self.in_progress.clear();
                self.phase = ProposerPhase::Idle;
                io.cancel_timer(Timer::PhaseTimeout);
            }
            Mode::Multi => {
                if self.in_progress.is_empty() {
                    io.cancel_timer(Timer::PhaseTimeout);
                }
                self.assign_slots(io, around);
            }
        }
    }

    /// Its node learned `slot` (maybe through another proposer's ballot).
    pub(crate) fn on_learned(&mut self, io: &mut impl Io, around: &Around, slot: Slot) {
        let progress = self.in_progress.remove(&slot);
        if let Some(p) = &progress {
            let learned = around.learner.and_then(|l| l.learned_in(slot));
            let mine = matches!(p.source, ValueSource::Own | ValueSource::KeptOwn { .. });
            if mine && learned.is_some_and(|v| v != p.value) && !self.pending.contains(&p.value) {
                // Another value won this slot: ours needs another one.
                self.pending.push_front(p.value);
            }
        }
        match (around.setup.mode, &self.phase) {
            // Single-decree: the decree is decided, so it stops retrying and stops its
            // phase 2. A phase 1 under way goes on: its promises will report the decided
            // value, which it will then propose again (harmless, and instructive).
            (Mode::Single, ProposerPhase::Preparing { .. }) => self.pending.clear(),
            (Mode::Single, ProposerPhase::Accepting { ballot }) => {
                let ballot = *ballot;
                self.history
                    .end(ballot, BallotOutcome::Superseded { at: io.now() });
                self.after_slot_done(io, around);
            }
            (Mode::Single, ProposerPhase::Waiting) => self.after_slot_done(io, around),
            (Mode::Multi, _) if progress.is_some() => self.after_slot_done(io, around),
            _ => {}
        }
    }

    /// Phase 2 answers are missing: send the accept requests again, same ballot, to the
    /// acceptors that have not answered (lost messages only cost time).
    pub(super) fn resend(&mut self, io: &mut impl Io, around: &Around, ballot: Ballot) {
        for (slot, progress) in &self.in_progress {
            io.note(Note::Resent {
                ballot,
                slot: *slot,
            });
            let missing = around
                .setup
                .acceptors
                .iter()
                .filter(|a| !progress.acks.contains(a));
            for to in missing {
                let (slot, value) = (*slot, progress.value);
                io.send(
                    *to,
                    Msg::Accept {
                        ballot,
                        slot,
                        value,
                    },
                );
            }
        }
        if !self.in_progress.is_empty() {
            io.set_timer(Timer::PhaseTimeout, around.setup.timing.phase_timeout);
        }
    }
}
