//! What the nodes narrate: one typed note per decision a learner would want explained
//! (the scene turns each into a caption). Crashes, restarts and lost messages are the
//! kernel's events; these are what the nodes decide.
use super::config::TxId;
use super::durable_log::Record;
use super::messages::{Decision, Msg};
use crate::sim::NodeId;

/// Why the coordinator decided what it decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecisionReason {
    /// Every participant voted yes.
    AllVotedYes,
    /// This participant voted no.
    VotedNo(NodeId),
    /// Not every vote arrived within the vote timeout.
    VoteTimeout,
    /// It restarted with `BEGIN` but no decision in its log: presumed abort.
    NothingInTheLog,
}

/// Why a participant voted no.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoReason {
    /// Its vote was set to no (or the random vote came out no).
    ItsVote,
    /// The transaction's work never reached it (BEGIN lost, or it was down).
    NeverDidTheWork,
    /// It had already aborted on its own (work timeout, or a peer's inquiry).
    AlreadyAborted,
    /// It is still prepared on an earlier transaction and holds its locks.
    Busy,
}

/// Why a participant asked by a peer about a transaction stays silent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CannotHelp {
    /// It voted yes on it (or is writing `PREPARED` to vote yes) and has no outcome
    /// either: it knows no more than the asker.
    InDoubtToo,
    /// It never heard of it, but holds the locks of an earlier transaction it is in doubt
    /// on, so it cannot take this one up (even to abort it).
    Busy,
    /// It has no record of it in its log (an old transaction it has forgotten).
    NoRecord,
}

/// One decision, narrated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    // The coordinator.
    /// Forced `BEGIN` to its log before telling anyone (so the number is never reused).
    BeginForced {
        tx: TxId,
    },
    /// `BEGIN` is on disk: sent the work to every participant.
    WorkSent {
        tx: TxId,
    },
    /// The work is done: sent `PREPARE` to these participants (bit `i` for node `i`).
    PrepareSent {
        tx: TxId,
        to: u8,
    },
    /// A vote arrived; `waiting` are the participants whose yes is still missing.
    VoteCounted {
        tx: TxId,
        from: NodeId,
        yes: bool,
        waiting: u8,
    },
    Decided {
        tx: TxId,
        decision: Decision,
        reason: DecisionReason,
    },
    /// Writing `COMMIT`: nobody is told before it is on disk.
    CommitForcing {
        tx: TxId,
    },
    /// Broken variant: sent `COMMIT` while its record is still on its way to the disk.
    CommitSentBeforeLogged {
        tx: TxId,
    },
    /// The decision left for these participants (bit `i` for node `i`).
    DecisionSent {
        tx: TxId,
        decision: Decision,
        to: u8,
    },
    /// Presumed abort: sent `ABORT` once and forgot the transaction, without waiting for
    /// acknowledgements or for its (unforced) `ABORT` record.
    AbortForgotten {
        tx: TxId,
    },
    /// Resent the decision to those that have not acknowledged it (bit `i` for node `i`).
    DecisionResent {
        tx: TxId,
        decision: Decision,
        to: u8,
    },
    /// An `ACK` for a transaction it has already ended and forgotten (a late copy, sent
    /// for one of the resent `COMMIT`s): ignored, since nothing waits for it.
    LateAckIgnored {
        tx: TxId,
        from: NodeId,
    },
    /// Every participant acknowledged the commit: wrote `END` (not forced) and forgot it.
    Ended {
        tx: TxId,
    },
    /// Answered a participant that asked about `tx`.
    Answered {
        tx: TxId,
        to: NodeId,
        decision: Decision,
    },
    /// Read its log after a restart: carries on with `tx` as the log says.
    Recovered {
        tx: TxId,
        found: Option<Decision>,
    },

    // Any node.
    /// Still reading its log after a restart: it ignored this message from `from`.
    IgnoredWhileRecovering {
        from: NodeId,
        msg: Msg,
    },
    /// A log write reached the disk and nothing was waiting for it (the records a
    /// decision waits for are told by that decision's note). `released_locks`: a
    /// participant's `COMMIT` record, which its locks were held until.
    LogWritten {
        records: Vec<Record>,
        released_locks: bool,
    },

    // The participants.
    /// Began the work of `tx`, holding its locks (`BEGIN` written, not forced).
    WorkStarted {
        tx: TxId,
    },
    /// Forcing `PREPARED` to its log before it may vote yes.
    PreparedForcing {
        tx: TxId,
    },
    /// `PREPARED` is on disk: voted yes, and is now in doubt.
    VotedYes {
        tx: TxId,
    },
    /// Broken variant: voted yes with nothing in its log.
    VotedYesWithoutLogging {
        tx: TxId,
    },
    VotedNo {
        tx: TxId,
        reason: NoReason,
    },
    /// Aborted on its own: not having voted, it may (no prepare came in time).
    AbortedOnItsOwn {
        tx: TxId,
    },
    /// Restarted and found only `BEGIN tx` in its log: no yes vote is logged, so it
    /// aborts on its own. `forgot_yes_vote`: it did vote yes (the forget-vote variant
    /// logged nothing), which the observer knows and the node does not.
    RestartedWithOnlyBegin {
        tx: TxId,
        forgot_yes_vote: bool,
    },
    /// Learned the outcome from the coordinator or a peer.
    Learned {
        tx: TxId,
        decision: Decision,
        from: NodeId,
    },
    /// `COMMIT` is on disk: acknowledged it.
    Acknowledged {
        tx: TxId,
    },
    /// The coordinator's `COMMIT` reached a participant that had already committed `tx` (a
    /// resend, or the answer to its inquiry): it changes nothing, and the participant
    /// acknowledges it, at once if its `COMMIT` record is `on_disk`, else once it is.
    DuplicateCommit {
        tx: TxId,
        on_disk: bool,
    },
    /// Broken variants only: the coordinator's `COMMIT` reached a participant that had
    /// aborted `tx`. It keeps its abort (it cannot undo it) and acknowledges, which only
    /// stops the resends: `tx` is committed elsewhere and aborted here.
    /// `commit_durable`: the coordinator logged its `COMMIT` before sending it (every
    /// variant but send-before-log), so `tx` is surely committed there.
    AcknowledgedCommitAfterAbort {
        tx: TxId,
        commit_durable: bool,
    },
    /// In doubt past its decision timeout: blocked, it asks (bit `i` for node `i`).
    Blocked {
        tx: TxId,
        asked: u8,
        times: u32,
    },
    /// Told a peer that asked the outcome it knows durably.
    ToldPeer {
        peer: NodeId,
        tx: TxId,
        decision: Decision,
    },
    /// A peer asked about `tx`, and this participant cannot answer.
    CannotHelpPeer {
        peer: NodeId,
        tx: TxId,
        why: CannotHelp,
    },
    /// Aborted to answer a peer's inquiry; forcing `ABORT` before the answer may leave.
    AbortForcedBeforeTellingPeer {
        peer: NodeId,
        tx: TxId,
    },
    /// Read its log after a restart: `PREPARED` without an outcome means in doubt.
    RecoveredInDoubt {
        tx: TxId,
    },
}
