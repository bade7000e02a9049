//! What nodes narrate: one typed note per decision, which the scene turns into a caption
//! ("n3 promised 2.1: it had promised nothing higher; it reports red, accepted at 1.0").
use super::ballot::{Ballot, Slot};
use super::messages::SlotVote;
use super::value::{CmdId, Value, Word};
use crate::sim::{NodeId, Time};

/// Why a proposer started a ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StartReason {
    /// It was given a value and was not running a ballot.
    NewValue,
    /// Its wait after a failed ballot (refused, or no quorum in time) ended.
    Retry,
    /// The failure detector made it the leader.
    BecameLeader,
    /// A person asked it to ("start a ballot now").
    Asked,
}

/// How a learner came to know a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LearnedHow {
    /// A phase-2 quorum of acceptors told it they accepted this ballot.
    Quorum { ballot: Ballot },
    /// Broken (mix-ballots): acceptances of the value from different ballots added up.
    MixedBallots,
    /// Another learner told it (catch-up).
    Told { by: NodeId },
}

/// Why a node ignored a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IgnoreReason {
    NotAProposer,
    /// Single-decree: the value is already decided here.
    AlreadyDecided,
    /// Key-value commands need Multi-Paxos.
    NeedsMulti,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    // --- proposer ---
    /// A value to get chosen arrived (config, user, client or another proposer).
    ValueReceived {
        value: Value,
    },
    /// Not the leader: the value goes to the leader.
    Forwarded {
        value: Value,
        leader: NodeId,
    },
    /// Durable first: the new round is on disk before any prepare leaves.
    BallotStarted {
        ballot: Ballot,
        from_slot: Slot,
        reason: StartReason,
    },
    PromiseCounted {
        ballot: Ballot,
        from: NodeId,
        promises: u32,
        needed: u32,
    },
    /// Phase 1 is done: a quorum promised.
    Phase1Done {
        ballot: Ballot,
    },
    /// The rule: the highest-ballot value reported in the slot must be proposed.
    Adopted {
        ballot: Ballot,
        slot: Slot,
        value: Value,
        accepted_in: Ballot,
    },
    /// No acceptor of the quorum had accepted anything here: any value is safe.
    FreeToChoose {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// Broken (keep-own-value): it kept its value and ignored one that was reported.
    KeptOwnValue {
        ballot: Ballot,
        slot: Slot,
        value: Value,
        ignored: Value,
        accepted_in: Ballot,
    },
    /// Multi-Paxos recovery: nobody reported a value for this hole, so a no-op fills it.
    HoleFilled {
        ballot: Ballot,
        slot: Slot,
    },
    /// Multi-Paxos steady state: a new command goes into the next slot, phase 2 only.
    SlotAssigned {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    AcceptCounted {
        ballot: Ballot,
        slot: Slot,
        from: NodeId,
        acks: u32,
        needed: u32,
    },
    /// Its own ballot reached a phase-2 quorum: the value is chosen.
    SawChosen {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// A nack: some acceptor promised a higher ballot.
    Preempted {
        ballot: Ballot,
        by: Ballot,
    },
    /// Waiting before the next try (random with back-off, fixed without).
    Waiting {
        after: Time,
        failures: u32,
        randomized: bool,
    },
    PhaseTimedOut {
        ballot: Ballot,
        phase: u8,
    },
    /// Phase 2 answers missing: the accept requests go out again, same ballot.
    Resent {
        ballot: Ballot,
        slot: Slot,
    },
    /// Someone else is the leader now: it stops running ballots.
    SteppedDown {
        leader: NodeId,
    },
    /// Restart: the highest round it ever used, read from disk, so it never reuses a
    /// ballot.
    RoundRestored {
        round: u32,
    },
    // --- acceptor ---
    /// Durable first: the promise is on disk before the reply leaves. `reported`
    /// accepted values go with it; `first` is the first of them (the only one in
    /// single-decree Paxos), so that a caption can name it.
    Promised {
        ballot: Ballot,
        previous: Ballot,
        reported: u32,
        first: Option<SlotVote>,
    },
    RefusedPrepare {
        ballot: Ballot,
        promised: Ballot,
    },
    /// Durable first: the accepted value is on disk before the reply leaves.
    AcceptedValue {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    RefusedAccept {
        ballot: Ballot,
        slot: Slot,
        promised: Ballot,
    },
    /// Restart: promise and accepted values read back from disk.
    PromiseRestored {
        promised: Ballot,
        accepted: u32,
    },
    /// Broken (forget-promise): the promise was in memory only and is gone.
    PromiseForgotten {
        had: Ballot,
    },
    // --- learner ---
    AcceptedCounted {
        slot: Slot,
        ballot: Ballot,
        from: NodeId,
        count: u32,
        needed: u32,
    },
    Learned {
        slot: Slot,
        value: Value,
        how: LearnedHow,
    },
    /// It knows of a slot it has not learned; it asks the other learners.
    /// `known_decided`: a heartbeat said another node learned it, so it is decided (else
    /// it only saw an acceptance for it, or restarted: it may not be chosen yet).
    AskedAbout {
        slot: Slot,
        known_decided: bool,
    },
    /// The catch-up timer fired, but it has learned every slot it knows of by now.
    NothingToAsk,
    /// Another learner asked about `slot`, which it has not learned either.
    CannotAnswer {
        slot: Slot,
        asker: NodeId,
    },
    // --- replica ---
    Applied {
        slot: Slot,
        value: Value,
        result: Option<Word>,
    },
    /// A retried command that was already applied in an earlier slot.
    DuplicateSkipped {
        slot: Slot,
        id: CmdId,
    },
    Replied {
        id: CmdId,
        to: NodeId,
    },
    // --- failure detector ---
    LeaderChanged {
        leader: NodeId,
        previous: NodeId,
    },
    // --- client ---
    ClientSent {
        id: CmdId,
        to: NodeId,
        value: Value,
    },
    ClientGotReply {
        id: CmdId,
        result: Option<Word>,
    },
    ClientTimedOut {
        id: CmdId,
        next: NodeId,
    },
    // --- any ---
    Ignored {
        reason: IgnoreReason,
    },
}
