//! What Raft nodes narrate: one typed note per decision, which the scene turns into a
//! caption ("n2 granted its vote to n1 for term 3: n1's log is as up to date").
use super::kv::{Key, Op, OpResult, Value};
use super::log::{Index, LastEntry, Term};
use super::members::Members;
use crate::sim::{NodeId, Time};

/// The two logs a voter compared (or, in the broken variant, did not compare).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LogsCompared {
    pub candidate: LastEntry,
    /// The voter's own log.
    pub own: LastEntry,
    /// Whether the voter checked them (false only in the `vote-any-log` variant, which
    /// grants without comparing).
    pub checked: bool,
}

/// Why a server refused a (pre-)vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VoteRefusal {
    /// The candidate's term is older than the voter's.
    StaleTerm,
    /// The voter already voted for someone else in this term.
    AlreadyVoted(NodeId),
    /// The candidate's log is less up to date than the voter's (§5.4.1).
    LogBehind {
        candidate: LastEntry,
        own: LastEntry,
    },
    /// Pre-vote: the voter heard from a live leader within the minimum election timeout.
    LeaderAlive,
}

/// Why a server stopped being leader or candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepDown {
    /// It saw a message with a higher term.
    HigherTerm,
    /// A candidate heard from the leader of its own term.
    LeaderExists,
    /// A pre-candidate (PreVote) heard from the leader of its term: it never raised its
    /// term, and follows that leader.
    PreVoteEnded,
    /// CheckQuorum: no majority answered during the last election timeout.
    LostQuorum,
    /// It committed a configuration that does not include it (dissertation §4.2.2).
    RemovedFromConfig,
}

/// Why a follower refused AppendEntries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppendRefusal {
    /// The sender's term is older: it is not the current leader.
    StaleTerm,
    /// The follower's log has no entry at `prev_index`.
    LogTooShort,
    /// The follower's entry at `prev_index` has another term.
    TermMismatch { ours: Term, theirs: Term },
}

/// Why a leader refused a membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeRefusal {
    NotLeader(Option<NodeId>),
    /// It has not committed an entry of its own term yet (the 2015 fix).
    NoEntryOfTermCommitted,
    /// An earlier change is not committed yet: one change at a time.
    ChangePending(Index),
    AlreadyMember,
    NotAMember,
    NotAServer,
    /// The configuration would be empty.
    WouldBeEmpty,
}

/// Why a node ignored a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ignored {
    /// Client operations go to client nodes.
    NotAClient,
    /// Elections, timers and membership go to servers.
    NotAServer,
    /// A server outside its own configuration does not start elections.
    NotAMember,
    /// A leader has no election timer to move.
    IsLeader,
    /// The client already has this many operations queued.
    QueueFull,
}

/// One decision of a server or a client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    /// The election timer will fire at `due`.
    ElectionTimerSet {
        due: Time,
    },
    /// No leader was heard from in time.
    ElectionTimeout {
        term: Term,
    },
    /// The timer fired but the server is not in its configuration: it stays quiet.
    NotAMember {
        members: Members,
    },
    /// Pre-vote: asking whether the others would vote for it in `term` (its term + 1).
    PreVoteStarted {
        term: Term,
    },
    /// Became a candidate: incremented its term, voted for itself, asked for votes.
    ElectionStarted {
        term: Term,
        transfer: bool,
    },
    /// Granted a (pre-)vote: it had not voted for another candidate in `term` (or, for a
    /// pre-vote, heard from no live leader lately), and the logs were compared as `logs`
    /// says.
    VoteGranted {
        candidate: NodeId,
        term: Term,
        pre_vote: bool,
        logs: LogsCompared,
    },
    /// The volatile-vote variant only: it granted `candidate` a vote in `term` after a
    /// crash made it forget its vote there for `first` (the bug: two votes in one term).
    SecondVote {
        candidate: NodeId,
        term: Term,
        first: NodeId,
    },
    /// The volatile-vote variant only: it restarted without the vote for `candidate` it
    /// cast in `term`, kept in memory only (the bug).
    VoteLost {
        term: Term,
        candidate: NodeId,
    },
    VoteRefused {
        candidate: NodeId,
        term: Term,
        pre_vote: bool,
        reason: VoteRefusal,
    },
    /// Heard from a leader within the minimum election timeout: the request is ignored and
    /// the term kept (§4.2.3; on with CheckQuorum).
    VoteRequestIgnored {
        candidate: NodeId,
        term: Term,
    },
    /// A reply was counted: `ayes` of the `needed` majority so far.
    VoteCounted {
        from: NodeId,
        granted: bool,
        pre_vote: bool,
        ayes: u32,
        needed: u32,
    },
    BecameLeader {
        term: Term,
        ayes: u32,
    },
    /// Saw `term` (newer than its own) from `from`: adopted it, forgot its vote.
    NewTerm {
        term: Term,
        from: NodeId,
    },
    SteppedDown {
        term: Term,
        reason: StepDown,
    },
    /// A new leader appended a no-op entry of its term to its own log (durably), so that
    /// the entries of earlier terms it holds can commit (§5.4.2, §8).
    NoOpAppended {
        index: Index,
        term: Term,
    },
    /// A follower stored entries `from..=to`, after removing its conflicting entries from
    /// `truncated_from` on if any.
    EntriesAccepted {
        from: Index,
        to: Index,
        truncated_from: Option<Index>,
    },
    /// A heartbeat (or a repeat) matched the log: nothing to store.
    LogAlreadyMatches {
        up_to: Index,
    },
    AppendRefused {
        leader: NodeId,
        prev_index: Index,
        reason: AppendRefusal,
    },
    /// The leader moved its nextIndex for `peer` back after a refusal.
    NextIndexBackedOff {
        peer: NodeId,
        next_index: Index,
        used_hint: bool,
    },
    /// The leader learned that `peer`'s log matches its own up to `match_index`.
    MatchAdvanced {
        peer: NodeId,
        match_index: Index,
    },
    Committed {
        index: Index,
        term: Term,
    },
    /// A majority stores `index`, but it is from an older term, so counting replicas does
    /// not commit it (§5.4.2); it will be committed with the next entry of this term.
    OldTermNotCommitted {
        index: Index,
        term: Term,
    },
    /// Learned from the leader that entries up to `index` are committed.
    CommitLearned {
        index: Index,
    },
    Applied {
        index: Index,
    },
    SnapshotTaken {
        index: Index,
        term: Term,
    },
    SnapshotSent {
        peer: NodeId,
        index: Index,
    },
    /// Replaced its log start by the leader's snapshot; `kept_suffix`: the entries after it
    /// matched and were kept.
    SnapshotInstalled {
        index: Index,
        term: Term,
        kept_suffix: bool,
    },
    /// A request reached a server that is not the leader.
    Redirected {
        client: NodeId,
        leader: Option<NodeId>,
    },
    /// The leader put a client's request in its log.
    RequestAppended {
        client: NodeId,
        serial: u64,
        index: Index,
    },
    /// The request was applied before: its recorded answer is sent again.
    RepeatAnswered {
        client: NodeId,
        serial: u64,
    },
    /// The request is already in the log, waiting to commit.
    RequestAlreadyInLog {
        client: NodeId,
        serial: u64,
    },
    /// A leader stepping down forgets a client's request it was waiting to answer: only
    /// the leader answers, and the client will retry elsewhere.
    RequestForgotten {
        client: NodeId,
        serial: u64,
    },
    /// Sent the answer of an applied request.
    Answered {
        client: NodeId,
        serial: u64,
        result: OpResult,
    },
    /// ReadIndex: the read may be answered once leadership is confirmed by heartbeat round
    /// `round` and the state machine has applied `read_index`.
    ReadIndexRecorded {
        client: NodeId,
        read_index: Index,
        round: u64,
    },
    /// ReadIndex: the leader has not committed an entry of its term yet, so its commit
    /// index may be behind; the read waits.
    ReadWaitsForTermCommit {
        client: NodeId,
    },
    /// A majority answered heartbeat round `round`: still the leader.
    LeadershipConfirmed {
        round: u64,
    },
    /// Answered a read from the local state machine; `unchecked`: without confirming
    /// leadership (the broken local-reads variant).
    ReadServed {
        client: NodeId,
        key: Key,
        value: Option<Value>,
        unchecked: bool,
    },
    ConfigAppended {
        index: Index,
        members: Members,
    },
    ChangeRefused {
        reason: ChangeRefusal,
    },
    /// CheckQuorum: `heard` of the configuration answered during the last timeout.
    QuorumChecked {
        heard: u32,
        needed: u32,
    },
    CommandIgnored {
        reason: Ignored,
    },
    /// Client: started an operation (the history's invoke event).
    Invoked {
        op: Op,
        serial: u64,
    },
    /// Client: sent (or resent) its request.
    RequestSent {
        to: NodeId,
        serial: u64,
    },
    /// Client: no answer in time.
    RequestTimedOut {
        serial: u64,
    },
    /// Client: the operation returned (the history's return event).
    Returned {
        op: Op,
        result: OpResult,
    },
    /// Client: busy, the operation waits its turn.
    Queued {
        op: Op,
    },
}
