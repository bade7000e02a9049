//! The proposer: runs ballots to get a value chosen.
//!
//! ## One ballot (*Paxos Made Simple* §2.2)
//! 1. **Prepare.** Pick a ballot `b` higher than any it has used or seen (`ballot`), write
//!    its round to disk (so a restart never reuses it), and send `Prepare(b)` to every
//!    acceptor.
//! 2. **Promises.** Wait for `q1` promises. Each reports the value the acceptor accepted
//!    in the highest ballot below `b`, if any.
//! 3. **The rule.** If any promise reported a value, propose **the one with the highest
//!    ballot**; only if none did may it propose its own. This is the heart of Paxos. If a
//!    value `v` was chosen in some ballot `c < b`, a phase-2 quorum accepted `v` in `c`,
//!    and that quorum meets every phase-1 quorum, so at least one promise reports `c` or a
//!    higher ballot. By induction on ballots every ballot between `c` and `b` that got any
//!    acceptance proposed `v` too, so the highest reported value is `v`: the proposer
//!    re-proposes the chosen value, and a chosen value never changes. Keeping its own
//!    value instead (the `keep-own-value` variant) breaks exactly this.
//! 4. **Accept.** Send `Accept(b, v)` to every acceptor; `q2` acceptances mean `v` is
//!    chosen.
//!
//! A nack (an acceptor promised a higher ballot) ends the ballot: the proposer waits and
//! tries again above what it saw. Two proposers doing that can overtake each other
//! forever (§2.4). With **back-off** the wait is random and doubles with each failure,
//! so that one of them soon gets two clear round trips; with **leader election** only
//! the leader tries at all (see `election`).
//!
//! ## Multi-Paxos (§3)
//! A log of slots, one Paxos instance each. A stable leader runs phase 1 **once** for
//! every slot from the first it has not learned: the promises report what was accepted in
//! any of those slots. It re-proposes, per slot, the highest-ballot value reported, and
//! fills every hole below the highest reported slot with a **no-op** (a hole cannot be
//! left: the log is applied in order). From then on each new command takes the next slot
//! and needs phase 2 only: one round trip. Up to `pipeline` slots are in phase 2 at once.
use super::ballot::{Ballot, Slot};
use super::config::{Mode, Setup, Variant};
use super::ghost::{BallotOutcome, ProposerHistory, ValueSource};
use super::io::Io;
use super::learner::Learner;
use super::messages::{Msg, SlotVote, Timer};
use super::notes::{IgnoreReason, Note, StartReason};
use super::value::{CmdId, Value};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{NodeId, Time};
use std::collections::VecDeque;

/// Back-off doubles at most this many times.
const MAX_DOUBLINGS: u32 = 5;
/// How many times a request may be forwarded between proposers.
const MAX_HOPS: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProposerPhase {
    /// Nothing to do (or, single-decree, the value is decided).
    Idle,
    /// Waiting before the next ballot after a failed one.
    Waiting,
    /// Phase 1: prepares sent, promises coming in.
    Preparing {
        ballot: Ballot,
        from_slot: Slot,
        promised_by: SortedSet<NodeId>,
        /// Per slot, the highest-ballot accepted value reported so far.
        reported: SortedMap<Slot, SlotVote>,
    },
    /// Phase 2 under `ballot`: accept requests out for the slots in progress. In
    /// Multi-Paxos this is the stable leader's steady state.
    Accepting { ballot: Ballot },
}

/// A slot in phase 2.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SlotProgress {
    pub value: Value,
    pub source: ValueSource,
    pub acks: SortedSet<NodeId>,
}

/// What a proposer needs to know about the rest of its node.
pub struct Around<'a> {
    pub setup: &'a Setup,
    /// Its node's learner (every Multi-Paxos proposer has one).
    pub learner: Option<&'a Learner>,
    /// The leader by the failure detector, when leader election is on.
    pub leader: Option<NodeId>,
}

impl Around<'_> {
    pub(super) fn learned(&self, slot: Slot) -> bool {
        self.learner.is_some_and(|l| l.is_learned(slot))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Proposer {
    /// Durable: the highest round it ever used.
    pub(super) max_round: u32,
    /// Durable: the last number given to a command submitted on this node.
    pub(super) next_seq: u32,
    pub(super) phase: ProposerPhase,
    pub(super) highest_seen: Ballot,
    /// Values waiting for a slot (single-decree: its value).
    pub(super) pending: VecDeque<Value>,
    pub(super) in_progress: SortedMap<Slot, SlotProgress>,
    pub(super) next_slot: Slot,
    /// Failed ballots in a row (for back-off).
    pub(super) failures: u32,
    /// Ghost.
    pub(super) history: ProposerHistory,
}

impl Proposer {
    pub fn new() -> Self {
        Proposer {
            max_round: 0,
            next_seq: 0,
            phase: ProposerPhase::Idle,
            highest_seen: Ballot::ZERO,
            pending: VecDeque::new(),
            in_progress: SortedMap::new(),
            next_slot: 0,
            failures: 0,
            history: ProposerHistory::default(),
        }
    }

    pub fn phase(&self) -> &ProposerPhase {
        &self.phase
    }

    /// The ballot it is running, in phase 1 or 2.
    pub fn ballot(&self) -> Option<Ballot> {
        match &self.phase {
            ProposerPhase::Preparing { ballot, .. } | ProposerPhase::Accepting { ballot } => {
                Some(*ballot)
            }
            ProposerPhase::Idle | ProposerPhase::Waiting => None,
        }
    }

    pub fn pending(&self) -> impl Iterator<Item = &Value> {
        self.pending.iter()
    }

    pub fn in_progress(&self) -> &SortedMap<Slot, SlotProgress> {
        &self.in_progress
    }

    pub fn max_round(&self) -> u32 {
        self.max_round
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    pub fn history(&self) -> &ProposerHistory {
        &self.history
    }

    /// A fresh id for a command submitted on this node.
    pub(crate) fn next_cmd_id(&mut self, me: NodeId) -> CmdId {
        self.next_seq += 1;
        CmdId {
            client: me,
            seq: self.next_seq,
        }
    }

    fn may_run(&self, me: NodeId, around: &Around) -> bool {
        around.leader.is_none_or(|l| l == me)
    }

    /// Whether there is anything to run a ballot for.
    fn has_work(&self, around: &Around) -> bool {
        match around.setup.mode {
            Mode::Single => !around.learned(0) && !self.pending.is_empty(),
            // A Multi-Paxos leader holds its ballot even with nothing to do, so that the
            // next command costs one round trip.
            Mode::Multi => around.leader.is_some() || !self.pending.is_empty(),
        }
    }

    /// A value to get chosen.
    pub(crate) fn on_value(&mut self, io: &mut impl Io, around: &Around, value: Value, hops: u8) {
        let me = io.id();
        self.history.record_proposed(value);
        io.note(Note::ValueReceived { value });
        let single = around.setup.mode == Mode::Single;
        if single && around.learned(0) {
            io.note(Note::Ignored {
                reason: IgnoreReason::AlreadyDecided,
            });
            return;
        }
        if let Some(leader) = around.leader.filter(|l| *l != me && hops < MAX_HOPS) {
            io.note(Note::Forwarded { value, leader });
            io.send(
                leader,
                Msg::Request {
                    value,
                    hops: hops + 1,
                },
            );
            // Single-decree: keep it too, in case this node leads later.
            if !single {
                return;
            }
        }
        if !self.pending.contains(&value) {
            self.pending.push_back(value);
        }
        self.drive(io, around, StartReason::NewValue);
    }

    /// Starts a ballot if idle and allowed, or gives new values slots if leading.
    fn drive(&mut self, io: &mut impl Io, around: &Around, reason: StartReason) {
        match self.phase {
            ProposerPhase::Idle if self.may_run(io.id(), around) && self.has_work(around) => {
                self.start_ballot(io, around, reason)
            }
            ProposerPhase::Accepting { .. } if around.setup.mode == Mode::Multi => {
                self.assign_slots(io, around)
            }
            _ => {}
        }
    }

    /// Phase 1a with a ballot above everything it used or saw.
    pub(crate) fn start_ballot(&mut self, io: &mut impl Io, around: &Around, reason: StartReason) {
        let me = io.id();
        let now = io.now();
        if let Some(old) = self.ballot() {
            self.history.end(old, BallotOutcome::Replaced { at: now });
        }
        io.cancel_timer(Timer::Retry);
        let ballot = Ballot::next_above(self.highest_seen, me)
            .max(Ballot::new(self.max_round.saturating_add(1), me));
        // On disk before any prepare leaves: a restarted proposer must never run the same
        // ballot again, possibly with another value.
        self.max_round = ballot.round;
        self.highest_seen = self.highest_seen.max(ballot);
        let from_slot = match around.setup.mode {
            Mode::Single => 0,
            Mode::Multi => around.learner.map_or(0, Learner::prefix),
        };
        self.requeue_in_progress();
        self.phase = ProposerPhase::Preparing {
            ballot,
            from_slot,
            promised_by: SortedSet::new(),
            reported: SortedMap::new(),
        };
        self.history.start(ballot, from_slot, now);
        io.note(Note::BallotStarted {
            ballot,
            from_slot,
            reason,
        });
        for to in &around.setup.acceptors {
            io.send(*to, Msg::Prepare { ballot, from_slot });
        }
        io.set_timer(Timer::PhaseTimeout, around.setup.timing.phase_timeout);
    }

    /// Own values that were in phase 2 go back to the queue (an adopted value or a no-op
    /// is not its own to keep: the next phase 1 will report it if it matters).
    pub(super) fn requeue_in_progress(&mut self) {
        let own: Vec<Value> = std::mem::take(&mut self.in_progress)
            .into_values()
            .filter(|p| matches!(p.source, ValueSource::Own | ValueSource::KeptOwn { .. }))
            .map(|p| p.value)
            .collect();
        for value in own.into_iter().rev() {
            if !self.pending.contains(&value) {
                self.pending.push_front(value);
            }
        }
    }

    pub(crate) fn on_promise(
        &mut self,
        io: &mut impl Io,
        around: &Around,
        from: NodeId,
        ballot: Ballot,
        accepted: &[SlotVote],
    ) {
        let ProposerPhase::Preparing {
            ballot: current,
            promised_by,
            reported,
            ..
        } = &mut self.phase
        else {
            return;
        };
        if *current != ballot || !promised_by.insert(from) {
            return;
        }
        for vote in accepted {
            let best = reported.entry(vote.slot).or_insert(*vote);
            if vote.ballot > best.ballot {
                *best = *vote;
            }
        }
        let promises = promised_by.len() as u32;
        let needed = around.setup.phase1_quorum;
        io.note(Note::PromiseCounted {
            ballot,
            from,
            promises,
            needed,
        });
        if promises >= needed {
            self.begin_phase2(io, around);
        }
    }

    /// Phase 1 is done: choose a value per slot (the rule), send accept requests.
    fn begin_phase2(&mut self, io: &mut impl Io, around: &Around) {
        let phase = std::mem::replace(&mut self.phase, ProposerPhase::Idle);
        let ProposerPhase::Preparing {
            ballot,
            from_slot,
            reported,
            ..
        } = phase
        else {
            return;
        };
        io.note(Note::Phase1Done { ballot });
        if let Some(r) = self.history.record_mut(ballot) {
            r.phase1_done = Some(io.now());
        }
        self.phase = ProposerPhase::Accepting { ballot };
        self.failures = 0;
        let last_reported = reported.keys().next_back().copied();
        let end = match around.setup.mode {
            Mode::Single => 1,
            Mode::Multi => last_reported.map_or(from_slot, |s| s + 1),
        };
        for slot in from_slot..end {
            // Multi-Paxos skips slots it knows are decided. Single-decree goes on: a
            // ballot started after the decision proposes the decided value again.
            if around.setup.mode == Mode::Multi && around.learned(slot) {
                continue;
            }
            let keep_own = around.setup.variant == Variant::KeepOwnValue;
            let (value, source) = match reported.get(&slot) {
                Some(r) if keep_own && !self.pending.is_empty() => {
                    let value = self.pending.pop_front().unwrap_or(r.value);
                    io.note(Note::KeptOwnValue {
                        ballot,
                        slot,
                        value,
                        ignored: r.value,
                        accepted_in: r.ballot,
                    });
                    let ignored_from = r.ballot;
                    (value, ValueSource::KeptOwn { ignored_from })
                }
                Some(r) => {
                    io.note(Note::Adopted {
                        ballot,
                        slot,
                        value: r.value,
                        accepted_in: r.ballot,
                    });
                    (r.value, ValueSource::Adopted { from: r.ballot })
                }
                None if around.setup.mode == Mode::Multi => {
                    io.note(Note::HoleFilled { ballot, slot });
                    self.history.record_proposed(Value::Noop);
                    (Value::Noop, ValueSource::Noop)
                }
                None => match self.pending.pop_front() {
                    Some(value) => {
                        io.note(Note::FreeToChoose {
                            ballot,
                            slot,
                            value,
                        });
                        (value, ValueSource::Own)
                    }
                    None => continue,
                },
            };
            self.propose(io, around, ballot, slot, value, source);
        }
        self.next_slot = self.next_slot.max(end);
        if around.setup.mode == Mode::Multi {
            self.assign_slots(io, around);
        }
        if self.in_progress.is_empty() && around.setup.mode == Mode::Single {
            // A ballot someone asked for with no value to propose: phase 1 alone.
            self.phase = ProposerPhase::Idle;
            self.history
                .end(ballot, BallotOutcome::Replaced { at: io.now() });
            io.cancel_timer(Timer::PhaseTimeout);
        }
    }

    pub(crate) fn on_nack(
        &mut self,
        io: &mut impl Io,
        around: &Around,
        ballot: Ballot,
        promised: Ballot,
    ) {
        self.highest_seen = self.highest_seen.max(promised);
        if self.ballot() != Some(ballot) || promised <= ballot {
            return;
        }
        io.note(Note::Preempted {
            ballot,
            by: promised,
        });
        self.history.end(
            ballot,
            BallotOutcome::Preempted {
                by: promised,
                at: io.now(),
            },
        );
        self.fail(io, around);
    }

    /// The ballot failed: wait, then try again.
    fn fail(&mut self, io: &mut impl Io, around: &Around) {
        self.requeue_in_progress();
        self.phase = ProposerPhase::Waiting;
        io.cancel_timer(Timer::PhaseTimeout);
        self.failures = self.failures.saturating_add(1);
        let timing = &around.setup.timing;
        let randomized = around.setup.backoff;
        let after = if randomized {
            let doublings = (self.failures - 1).min(MAX_DOUBLINGS);
            Time(io.rng().between(1, timing.backoff_base.0 << doublings))
        } else {
            timing.retry_delay
        };
        io.note(Note::Waiting {
            after,
            failures: self.failures,
            randomized,
        });
        io.set_timer(Timer::Retry, after);
    }

    pub(crate) fn on_retry(&mut self, io: &mut impl Io, around: &Around) {
        if self.phase != ProposerPhase::Waiting {
            return;
        }
        self.phase = ProposerPhase::Idle;
        self.drive(io, around, StartReason::Retry);
    }

    pub(crate) fn on_phase_timeout(&mut self, io: &mut impl Io, around: &Around) {
        match &self.phase {
            ProposerPhase::Preparing { ballot, .. } => {
                let ballot = *ballot;
                io.note(Note::PhaseTimedOut { ballot, phase: 1 });
                self.history
                    .end(ballot, BallotOutcome::TimedOut { at: io.now() });
                self.fail(io, around);
            }
            ProposerPhase::Accepting { ballot } => {
                let ballot = *ballot;
                self.resend(io, around, ballot);
            }
            ProposerPhase::Idle | ProposerPhase::Waiting => {}
        }
    }

    /// The failure detector changed its mind about the leader.
    pub(crate) fn on_leader_change(&mut self, io: &mut impl Io, around: &Around, leader: NodeId) {
        let me = io.id();
        if leader == me {
            if matches!(self.phase, ProposerPhase::Idle | ProposerPhase::Waiting)
                && self.has_work(around)
            {
                self.phase = ProposerPhase::Idle;
                self.start_ballot(io, around, StartReason::BecameLeader);
            }
            return;
        }
        if self.phase == ProposerPhase::Idle {
            return;
        }
        if let Some(b) = self.ballot() {
            self.history
                .end(b, BallotOutcome::SteppedDown { at: io.now() });
        }
        io.note(Note::SteppedDown { leader });
        self.requeue_in_progress();
        self.phase = ProposerPhase::Idle;
        self.failures = 0;
        io.cancel_timer(Timer::PhaseTimeout);
        io.cancel_timer(Timer::Retry);
        if around.setup.mode == Mode::Multi {
            for value in std::mem::take(&mut self.pending) {
                io.note(Note::Forwarded { value, leader });
                io.send(leader, Msg::Request { value, hops: 1 });
            }
        }
    }

    /// Everything but the highest round used (and the command counter) is lost.
    pub(crate) fn on_crash(&mut self) {
        if let Some(b) = self.ballot() {
            self.history.end(b, BallotOutcome::Crashed);
        }
        let keep = (
            self.max_round,
            self.next_seq,
            std::mem::take(&mut self.history),
        );
        *self = Proposer::new();
        (self.max_round, self.next_seq, self.history) = keep;
    }

    pub(crate) fn on_restart(&mut self, io: &mut impl Io) {
        io.note(Note::RoundRestored {
            round: self.max_round,
        });
    }
}

impl Default for Proposer {
    fn default() -> Self {
        Self::new()
    }
}
