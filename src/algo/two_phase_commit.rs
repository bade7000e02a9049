//! # Two-phase commit (2PC)
//!
//! A transaction touches data kept by several servers (the *participants*). Either all of
//! them must apply its changes or none of them may: that is **atomicity**. Two-phase commit
//! is the classic way to get it. One node, the *coordinator*, asks every participant
//! whether it can commit, and only if every one of them says yes does it decide to commit.
//!
//! ## The two phases
//! 1. **Prepare (voting).** When the work is done the coordinator sends `PREPARE` to every
//!    participant. A participant that can commit makes its changes durable, writes
//!    `PREPARED` to its log and answers `VOTE YES`. From that moment it has *promised*: it
//!    may no longer abort on its own, and it must keep its locks, because it does not know
//!    yet whether the changes will become visible. A participant that cannot commit
//!    answers `VOTE NO` and aborts at once.
//! 2. **Commit (decision).** If every vote is yes, the coordinator writes `COMMIT` to its
//!    log and sends `COMMIT` to everyone; otherwise (a no vote, or a vote that does not
//!    arrive in time) it decides `ABORT`. Each participant applies the decision, writes it
//!    to its log, releases its locks and answers `ACK`. When every participant has
//!    acknowledged, the coordinator writes `END` and may forget the transaction.
//!
//! In this simulation the coordinator first sends `BEGIN` (the transaction's work); the
//! participants do the work holding locks (`WORKING`), and after a while the coordinator
//! sends `PREPARE`. Several transactions can run one after the other (the coordinator
//! starts the next one a short think time after the previous one ended; `transactions = 0`
//! in the configuration means it never stops), and every message and log record names
//! its transaction (`t1`, `t2`, ...).
//!
//! ## The durable log, and why the order "log, then send" matters
//! A crash wipes a node's memory; only its log survives. Writing to the log takes time (a
//! disk flush, 2 ms by default, shown as the `flush log` timer), so there is always a moment
//! when a decision exists in memory but not yet on disk. The rule is: **a record must be on disk
//! before any message that depends on it leaves the node.**
//! - A participant writes `PREPARED` before it sends `VOTE YES`. Otherwise it could crash
//!   after voting, forget its promise on restart, and abort while the others commit.
//! - The coordinator writes `COMMIT` before it sends `COMMIT`. Otherwise it could crash
//!   after some participants committed, find nothing in its log, and decide abort.
//! - A participant writes `COMMIT` before it sends `ACK`: after all acks the coordinator
//!   forgets the transaction, so nobody could tell the participant the outcome again.
//!
//! Like a database after a checkpoint, each log here keeps only its three most recent
//! transactions, so that a long run does not carry an ever-growing log.
//!
//! ## Presumed abort
//! *No record of a commit means the transaction aborted.* A coordinator that recovers with
//! no decision in its log aborts; a coordinator asked about a transaction it has no commit
//! record for answers abort. As a consequence aborts never have to wait for the disk: the
//! `ABORT` message may leave before the `ABORT` record is written, and the same holds for a
//! `VOTE NO`. Only commits pay for a forced log write. (A real presumed-abort system also
//! skips the acks for aborts; here every decision is acknowledged so that the view shows
//! each participant finishing.)
//!
//! ## Timeouts
//! - A participant that has not voted yet is still free: if no `PREPARE` comes within its
//!   work timeout it aborts on its own (and will vote no if the prepare shows up later).
//! - The coordinator aborts if the votes do not all arrive within its vote timeout.
//! - The coordinator resends its decision, every retransmit interval, to each participant
//!   that has not acknowledged it, so a lost `COMMIT` or `ACK` only costs time.
//! - A prepared participant that hears nothing asks the coordinator (`INQUIRE`), and again
//!   periodically. Past its decision timeout it is **IN DOUBT**.
//!
//! ## Recovery
//! A node that restarts reads its log. The coordinator finishes whatever its log says: a
//! `COMMIT` without `END` is announced again; a `BEGIN` with no decision is aborted
//! (presumed abort). A participant that finds `COMMIT` or `ABORT` knows the outcome; one
//! that finds only `BEGIN` never voted yes, so it aborts on its own; one that finds
//! `PREPARED` takes its locks again and asks the coordinator.
//!
//! ## The blocking problem
//! Between its yes vote and the decision a participant can neither commit (others may have
//! voted no) nor abort (the coordinator may have decided commit and told someone else). If
//! the coordinator crashes in that window, every prepared participant is **in doubt** and
//! must hold its locks, blocking every other transaction that needs the same data, until
//! the coordinator comes back. No timeout can fix this: a timeout only tells the
//! participant that it does not know. This is 2PC's great weakness, and the reason for
//! three-phase commit and for running the coordinator's decision through consensus (Paxos
//! or Raft commit, as Spanner does).
//!
//! ## Cooperative termination
//! An in-doubt participant may also ask its fellow participants. A peer that knows the
//! outcome tells it. A peer that has not voted yet may abort on the spot and answer abort:
//! since it will now vote no, the coordinator cannot have committed. But if every peer is
//! itself prepared, nobody knows anything the asker does not, and they all stay blocked
//! until the coordinator recovers. Cooperative termination shortens some outages; it does
//! not remove blocking.
//!
//! ## The two broken variants
//! - **Send before log** (`Variant::SendBeforeLog`): the coordinator sends `COMMIT` while
//!   its `COMMIT` record is still being written. If it crashes in those 2 ms, the
//!   participants commit, but the coordinator restarts with no decision in its log,
//!   presumes abort and tells them to abort: atomicity is violated.
//! - **Forget vote on crash** (`Variant::ForgetVoteOnCrash`): a participant sends its yes
//!   vote without logging `PREPARED`. If it crashes before the decision arrives, it restarts
//!   believing it never voted, aborts on its own (and tells inquiring peers abort), while
//!   the coordinator, who counted its yes, commits everywhere else.
//!
//! The invariants *atomicity* (no transaction is committed at one node and aborted at
//! another) and *validity* (a transaction commits only if every participant voted yes) are
//! checked after every step, on the logs and states of all nodes, crashed ones included.
use crate::sim::scenario::Trigger;
use crate::sim::{Action, Ctx, Invariant, MsgId, NetConfig, NodeId, NodeSet, Protocol, Sim, Time};
use std::fmt;
use std::str::FromStr;

/// A transaction's number. Transactions are numbered from 1; 0 means "none".
pub type TxId = u32;

/// The coordinator is always node 0; participants are nodes 1 to n.
pub const COORDINATOR: NodeId = NodeId(0);
pub const MIN_PARTICIPANTS: u32 = 2;
pub const MAX_PARTICIPANTS: u32 = 7;

/// Each log keeps the records of its three most recent transactions and drops older ones,
/// as a database truncates its log after a checkpoint; otherwise a long run (and every
/// timeline checkpoint of it) would carry an ever-growing log.
const LOG_KEEP: TxId = 3;

/// How many recent transactions a participant's record of its own yes votes covers (used
/// only by the validity invariant; one more than `LOG_KEEP`, so it covers every
/// transaction a log can still show).
const VOTE_HISTORY_KEEP: TxId = LOG_KEEP + 1;

/// A participant's vote when a `PREPARE` arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vote {
    Yes,
    No,
    /// Drawn from the seeded randomness when the prepare arrives: yes three times in four,
    /// so that transactions with several random voters still commit now and then.
    Random,
}

impl Vote {
    pub const ALL: [Vote; 3] = [Vote::Yes, Vote::No, Vote::Random];

    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Random => "random",
        }
    }
}

impl fmt::Display for Vote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Vote {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vote::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("\"{s}\" is not a vote (expected yes, no or random)"))
    }
}

/// Which version of the protocol the nodes run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Every record is on disk before a message that depends on it is sent.
    Correct,
    /// Broken: the coordinator sends its commit decision before its commit record is
    /// flushed.
    SendBeforeLog,
    /// Broken: participants do not log their yes vote, so a crash makes them forget it.
    ForgetVoteOnCrash,
}

impl Variant {
    pub const ALL: [Variant; 3] = [
        Variant::Correct,
        Variant::SendBeforeLog,
        Variant::ForgetVoteOnCrash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::SendBeforeLog => "send-before-log",
            Variant::ForgetVoteOnCrash => "forget-vote",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Variant::Correct => {
                "every record reaches the disk before the message that depends on it"
            }
            Variant::SendBeforeLog => {
                "broken: the coordinator sends COMMIT before its COMMIT record is on disk"
            }
            Variant::ForgetVoteOnCrash => {
                "broken: participants vote yes without logging PREPARED, and forget it in a crash"
            }
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "\"{s}\" is not a variant (expected correct, send-before-log or forget-vote)"
                )
            })
    }
}

/// A 2PC scene's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TwoPcConfig {
    /// How many participants (2 to 7); they are nodes 1 to `participants`.
    pub participants: u32,
    /// Each participant's vote, in order (P1 first).
    pub votes: Vec<Vote>,
    pub variant: Variant,
    /// Whether in-doubt participants also ask each other.
    pub cooperative_termination: bool,
    /// How many transactions the coordinator runs one after the other; 0 means no limit.
    pub transactions: u32,
    /// How long a log write takes to reach the disk.
    pub flush_time: Time,
    /// How long the transaction's work lasts: the coordinator sends `PREPARE` this long
    /// after `BEGIN`.
    pub work_time: Time,
    /// A participant that is working and has not been asked to prepare within this time
    /// aborts on its own.
    pub work_timeout: Time,
    /// The coordinator aborts if the votes have not all arrived within this time.
    pub vote_timeout: Time,
    /// A prepared participant that has heard nothing for this long is in doubt and asks
    /// for the outcome; it asks again at the same interval.
    pub decision_timeout: Time,
    /// The coordinator resends its decision to participants that have not acknowledged it
    /// at this interval.
    pub retransmit_interval: Time,
    /// The pause between one transaction's end and the next one's start.
    pub think_time: Time,
}

impl Default for TwoPcConfig {
    fn default() -> Self {
        TwoPcConfig {
            participants: 3,
            votes: vec![Vote::Yes; 3],
            variant: Variant::Correct,
            cooperative_termination: false,
            transactions: 1,
            flush_time: Time::from_millis(2),
            work_time: Time::from_millis(40),
            work_timeout: Time::from_millis(200),
            vote_timeout: Time::from_millis(100),
            decision_timeout: Time::from_millis(100),
            retransmit_interval: Time::from_millis(80),
            think_time: Time::from_millis(20),
        }
    }
}

impl TwoPcConfig {
    /// The default configuration with `participants` participants, all voting yes.
    pub fn with_participants(participants: u32) -> Self {
        TwoPcConfig {
            participants,
            votes: vec![Vote::Yes; participants as usize],
            ..TwoPcConfig::default()
        }
    }

    /// Says what is wrong with the parameters, in words meant for the page.
    pub fn validate(&self) -> Result<(), String> {
        if !(MIN_PARTICIPANTS..=MAX_PARTICIPANTS).contains(&self.participants) {
            return Err(format!(
                "two-phase commit here takes {MIN_PARTICIPANTS} to {MAX_PARTICIPANTS} \
                 participants, not {}",
                self.participants
            ));
        }
        if self.votes.len() != self.participants as usize {
            return Err(format!(
                "there are {} participants but {} votes: give exactly one vote per participant",
                self.participants,
                self.votes.len()
            ));
        }
        let durations = [
            ("the disk flush time", self.flush_time),
            ("the work time", self.work_time),
            ("the participants' work timeout", self.work_timeout),
            ("the coordinator's vote timeout", self.vote_timeout),
            ("the participants' decision timeout", self.decision_timeout),
            ("the retransmit interval", self.retransmit_interval),
            ("the think time between transactions", self.think_time),
        ];
        if let Some((name, _)) = durations.iter().find(|(_, t)| *t == Time::ZERO) {
            return Err(format!("{name} must be longer than zero"));
        }
        if self.work_timeout <= self.work_time {
            return Err(format!(
                "the participants' work timeout ({}) must be longer than the work time ({}), \
                 or every participant would give up before the prepare arrives",
                self.work_timeout, self.work_time
            ));
        }
        Ok(())
    }
}

/// What every node keeps of the configuration: how it was built, not its state, so a crash
/// does not touch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Settings {
    participants: u32,
    variant: Variant,
    cooperative_termination: bool,
    transactions: u32,
    flush_time: Time,
    work_time: Time,
    work_timeout: Time,
    vote_timeout: Time,
    decision_timeout: Time,
    retransmit_interval: Time,
    think_time: Time,
}

impl Settings {
    fn new(config: &TwoPcConfig) -> Self {
        Settings {
            // Clamped so that an unvalidated configuration cannot overflow the vote masks.
            participants: config
                .participants
                .clamp(MIN_PARTICIPANTS, MAX_PARTICIPANTS),
            variant: config.variant,
            cooperative_termination: config.cooperative_termination,
            transactions: config.transactions,
            flush_time: config.flush_time,
            work_time: config.work_time,
            work_timeout: config.work_timeout,
            vote_timeout: config.vote_timeout,
            decision_timeout: config.decision_timeout,
            retransmit_interval: config.retransmit_interval,
            think_time: config.think_time,
        }
    }

    fn participant_ids(&self) -> impl Iterator<Item = NodeId> {
        (1..=self.participants).map(NodeId)
    }

    /// The bit of every participant (bit `i` for node `i`).
    fn everyone(&self) -> u8 {
        ((1u16 << (self.participants + 1)) - 2) as u8
    }

    fn is_participant(&self, node: NodeId) -> bool {
        (1..=self.participants).contains(&node.0)
    }
}

/// The outcome of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Commit,
    Abort,
}

impl Decision {
    fn message(self, tx: TxId) -> Msg {
        match self {
            Decision::Commit => Msg::Commit(tx),
            Decision::Abort => Msg::Abort(tx),
        }
    }

    fn record(self, tx: TxId) -> Record {
        match self {
            Decision::Commit => Record::Commit(tx),
            Decision::Abort => Record::Abort(tx),
        }
    }
}

/// One record of a node's durable log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Record {
    /// Coordinator: the transaction exists (so its number is never reused). Participant:
    /// it did the transaction's work (and could undo it).
    Begin(TxId),
    /// Participant: it voted yes and can commit whatever happens to it.
    Prepared(TxId),
    Commit(TxId),
    Abort(TxId),
    /// Coordinator: every participant acknowledged the decision.
    End(TxId),
}

impl Record {
    pub fn tx(self) -> TxId {
        match self {
            Record::Begin(t)
            | Record::Prepared(t)
            | Record::Commit(t)
            | Record::Abort(t)
            | Record::End(t) => t,
        }
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, tx) = match *self {
            Record::Begin(t) => ("BEGIN", t),
            Record::Prepared(t) => ("PREPARED", t),
            Record::Commit(t) => ("COMMIT", t),
            Record::Abort(t) => ("ABORT", t),
            Record::End(t) => ("END", t),
        };
        write!(f, "{name} t{tx}")
    }
}

/// What travels between the nodes. Every message names its transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Coordinator to participant: do the transaction's work.
    Begin(TxId),
    /// Coordinator to participant: can you commit?
    Prepare(TxId),
    VoteYes(TxId),
    VoteNo(TxId),
    /// The decision, from the coordinator or (cooperative termination) from a peer.
    Commit(TxId),
    Abort(TxId),
    /// Participant to coordinator: I have applied the decision durably.
    Ack(TxId),
    /// A prepared participant asking the coordinator (or a peer) for the outcome.
    Inquire(TxId),
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, tx) = match *self {
            Msg::Begin(t) => ("BEGIN", t),
            Msg::Prepare(t) => ("PREPARE", t),
            Msg::VoteYes(t) => ("VOTE YES", t),
            Msg::VoteNo(t) => ("VOTE NO", t),
            Msg::Commit(t) => ("COMMIT", t),
            Msg::Abort(t) => ("ABORT", t),
            Msg::Ack(t) => ("ACK", t),
            Msg::Inquire(t) => ("INQUIRE", t),
        };
        write!(f, "{name} t{tx}")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// The log write in progress reaches the disk.
    Flush,
    /// A restarted node has read its log.
    Recover,
    /// Coordinator: start the next transaction.
    NextTransaction,
    /// Coordinator: the work is done, send `PREPARE`.
    WorkDone(TxId),
    /// Coordinator: the votes did not all arrive.
    VoteTimeout(TxId),
    /// Coordinator: resend the decision to those that have not acknowledged it.
    Retransmit(TxId),
    /// Participant: no `PREPARE` came; abort on its own.
    WorkTimeout(TxId),
    /// Participant: prepared and no decision yet; ask for it.
    DecisionTimeout(TxId),
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Timer::Flush => f.write_str("flush log"),
            Timer::Recover => f.write_str("read log"),
            Timer::NextTransaction => f.write_str("next transaction"),
            Timer::WorkDone(t) => write!(f, "work done t{t}"),
            Timer::VoteTimeout(t) => write!(f, "vote timeout t{t}"),
            Timer::Retransmit(t) => write!(f, "retransmit t{t}"),
            Timer::WorkTimeout(t) => write!(f, "work timeout t{t}"),
            Timer::DecisionTimeout(t) => write!(f, "decision timeout t{t}"),
        }
    }
}

/// A user's input to one node, as written in a shared link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmd {
    /// Coordinator: start a new transaction now (when idle or done, even past the
    /// configured number of transactions).
    Begin,
    /// Participant: how to vote on the next prepares.
    SetVote(Vote),
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Begin => f.write_str("begin"),
            Cmd::SetVote(v) => write!(f, "vote-{v}"),
        }
    }
}

impl FromStr for Cmd {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "begin" => Ok(Cmd::Begin),
            _ => s
                .strip_prefix("vote-")
                .and_then(|v| v.parse().ok())
                .map(Cmd::SetVote)
                .ok_or_else(|| {
                    format!(
                        "\"{s}\" is not a 2PC command (expected begin, vote-yes, vote-no or \
                         vote-random)"
                    )
                }),
        }
    }
}

/// A node's log: the durable records, and the volatile write buffers a crash loses.
///
/// One flush is in progress at a time: records appended meanwhile wait for the next one
/// (a disk does one write at a time; batching the waiting records is "group commit").
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Storage {
    /// On disk: survives crashes.
    log: Vec<Record>,
    /// Being written now (volatile).
    writing: Vec<Record>,
    /// Waiting for the next flush (volatile).
    queued: Vec<Record>,
}

impl Storage {
    fn append(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>, flush_time: Time) {
        if self.writing.is_empty() {
            self.writing.push(record);
            cx.set_timer(Timer::Flush, flush_time);
        } else {
            self.queued.push(record);
        }
    }

    /// The flush in progress reached the disk: returns the records now durable.
    fn complete_flush(&mut self, cx: &mut Ctx<'_, TwoPcNode>, flush_time: Time) -> Vec<Record> {
        let done = std::mem::take(&mut self.writing);
        self.log.extend_from_slice(&done);
        let latest = self.latest_tx();
        self.log.retain(|r| r.tx() + LOG_KEEP > latest);
        if !self.queued.is_empty() {
            self.writing = std::mem::take(&mut self.queued);
            cx.set_timer(Timer::Flush, flush_time);
        }
        done
    }

    fn crash(&mut self) {
        self.writing.clear();
        self.queued.clear();
    }

    fn has(&self, record: Record) -> bool {
        self.log.contains(&record)
    }

    fn pending(&self) -> impl Iterator<Item = &Record> {
        self.writing.iter().chain(&self.queued)
    }

    /// The newest transaction the durable log mentions (0 if none).
    fn latest_tx(&self) -> TxId {
        self.log.iter().map(|r| r.tx()).max().unwrap_or(0)
    }

    fn describe(&self, lines: &mut Vec<String>) {
        if self.log.is_empty() {
            lines.push("log: (empty)".to_string());
        }
        lines.extend(self.log.iter().map(|r| format!("log: {r}")));
        lines.extend(
            self.pending()
                .map(|r| format!("writing: {r} (not on disk yet)")),
        );
    }
}

/// Where the coordinator is with its current transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoordinatorPhase {
    /// Between transactions.
    Idle,
    /// Writing the transaction's `BEGIN` record.
    Starting,
    /// `BEGIN` sent; the participants are doing the work.
    Executing,
    /// `PREPARE` sent; waiting for the votes.
    Collecting,
    /// Decided commit; writing the `COMMIT` record before telling anyone.
    LoggingCommit,
    /// Decision sent; resending it until every participant acknowledges.
    Finishing(Decision),
    /// Ran every configured transaction.
    Done,
    /// Restarted; reading the log.
    Recovering,
    Crashed,
}

/// Node 0: runs the transactions and decides their outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Coordinator {
    settings: Settings,
    storage: Storage,
    // Everything below is volatile.
    phase: CoordinatorPhase,
    /// The current transaction (0 before the first one, and after a crash).
    tx: TxId,
    /// Bit `i` is set when participant `i` voted yes on `tx`.
    yes_votes: u8,
    /// Bit `i` is set when participant `i` acknowledged the decision on `tx`.
    acks: u8,
    /// How many times the decision on `tx` was resent.
    retransmissions: u32,
}

impl Coordinator {
    fn new(settings: Settings) -> Self {
        Coordinator {
            settings,
            storage: Storage::default(),
            phase: CoordinatorPhase::Idle,
            tx: 0,
            yes_votes: 0,
            acks: 0,
            retransmissions: 0,
        }
    }

    pub fn phase(&self) -> CoordinatorPhase {
        self.phase
    }

    pub fn tx(&self) -> TxId {
        self.tx
    }

    /// The durable log.
    pub fn log(&self) -> &[Record] {
        &self.storage.log
    }

    /// Whether participant `node` voted yes on the current transaction.
    pub fn has_yes_vote(&self, node: NodeId) -> bool {
        self.settings.is_participant(node) && self.yes_votes & (1 << node.0) != 0
    }

    /// Whether participant `node` acknowledged the decision on the current transaction.
    pub fn has_ack(&self, node: NodeId) -> bool {
        self.settings.is_participant(node) && self.acks & (1 << node.0) != 0
    }

    pub fn retransmissions(&self) -> u32 {
        self.retransmissions
    }

    fn append(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        self.storage.append(record, cx, self.settings.flush_time);
    }

    /// Starts the transaction after the last one in the log, if the workload wants more.
    fn start_next(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let next = self.storage.latest_tx() + 1;
        if self.settings.transactions != 0 && next > self.settings.transactions {
            self.phase = CoordinatorPhase::Done;
        } else {
            self.start(next, cx);
        }
    }

    fn start(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        self.tx = tx;
        self.yes_votes = 0;
        self.acks = 0;
        self.retransmissions = 0;
        self.phase = CoordinatorPhase::Starting;
        // Logged before anyone hears of it, so that a restart never reuses the number.
        self.append(Record::Begin(tx), cx);
    }

    fn decide(&mut self, decision: Decision, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        cx.cancel_timer(Timer::VoteTimeout(tx));
        match (decision, self.settings.variant) {
            (Decision::Commit, Variant::SendBeforeLog) => {
                // The bug: the decision leaves while its record is still on its way to
                // the disk. A crash in between loses the only trace of the commit.
                self.phase = CoordinatorPhase::Finishing(Decision::Commit);
                self.append(Record::Commit(tx), cx);
                self.announce(Decision::Commit, cx);
            }
            (Decision::Commit, _) => {
                // The commit record must be on disk before anyone may act on it.
                self.phase = CoordinatorPhase::LoggingCommit;
                self.append(Record::Commit(tx), cx);
            }
            (Decision::Abort, _) => {
                // Presumed abort: losing this record is harmless (no record means abort),
                // so the decision need not wait for the disk.
                self.phase = CoordinatorPhase::Finishing(Decision::Abort);
                self.append(Record::Abort(tx), cx);
                self.announce(Decision::Abort, cx);
            }
        }
    }

    /// Sends the decision to every participant that has not acknowledged it yet.
    fn announce(&mut self, decision: Decision, cx: &mut Ctx<'_, TwoPcNode>) {
        for p in self.settings.participant_ids() {
            if self.acks & (1 << p.0) == 0 {
                cx.send(p, decision.message(self.tx));
            }
        }
        cx.set_timer(
            Timer::Retransmit(self.tx),
            self.settings.retransmit_interval,
        );
    }

    /// Every participant acknowledged: the transaction is over.
    fn finish(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        cx.cancel_timer(Timer::Retransmit(self.tx));
        self.append(Record::End(self.tx), cx);
        self.after_end(cx);
    }

    fn after_end(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let limit = self.settings.transactions;
        if limit != 0 && self.tx >= limit {
            self.phase = CoordinatorPhase::Done;
        } else {
            self.phase = CoordinatorPhase::Idle;
            cx.set_timer(Timer::NextTransaction, self.settings.think_time);
        }
    }

    /// What to tell a participant that asks about `tx`, if anything.
    fn answer(&self, tx: TxId) -> Option<Decision> {
        if self.storage.has(Record::Commit(tx)) {
            return Some(Decision::Commit);
        }
        if tx > self.tx {
            return None;
        }
        if tx == self.tx {
            return match self.phase {
                CoordinatorPhase::Finishing(decision) => Some(decision),
                // Still undecided (or the commit record is not on disk yet): the asker
                // will hear the decision when there is one.
                CoordinatorPhase::Starting
                | CoordinatorPhase::Executing
                | CoordinatorPhase::Collecting
                | CoordinatorPhase::LoggingCommit
                | CoordinatorPhase::Recovering
                | CoordinatorPhase::Crashed => None,
                CoordinatorPhase::Idle | CoordinatorPhase::Done => Some(Decision::Abort),
            };
        }
        // Presumed abort: no commit record for an older transaction means it aborted.
        Some(Decision::Abort)
    }

    fn recover(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let latest = self.storage.latest_tx();
        if latest == 0 {
            self.start_next(cx);
            return;
        }
        self.tx = latest;
        self.yes_votes = 0;
        self.acks = 0;
        self.retransmissions = 0;
        if self.storage.has(Record::End(latest)) {
            self.after_end(cx);
        } else if self.storage.has(Record::Commit(latest)) {
            self.phase = CoordinatorPhase::Finishing(Decision::Commit);
            self.announce(Decision::Commit, cx);
        } else {
            // No decision on disk: presumed abort. Any participant still waiting is told.
            if !self.storage.has(Record::Abort(latest)) {
                self.append(Record::Abort(latest), cx);
            }
            self.phase = CoordinatorPhase::Finishing(Decision::Abort);
            self.announce(Decision::Abort, cx);
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, TwoPcNode>, from: NodeId, msg: Msg) {
        if !self.settings.is_participant(from) || self.phase == CoordinatorPhase::Recovering {
            // While reading its log the coordinator ignores messages: senders retry.
            return;
        }
        let bit = 1u8 << from.0;
        let collecting = self.phase == CoordinatorPhase::Collecting;
        match msg {
            Msg::VoteYes(t) if collecting && t == self.tx => {
                self.yes_votes |= bit;
                if self.yes_votes == self.settings.everyone() {
                    self.decide(Decision::Commit, cx);
                }
            }
            Msg::VoteNo(t) if collecting && t == self.tx => self.decide(Decision::Abort, cx),
            Msg::Ack(t) if t == self.tx && matches!(self.phase, CoordinatorPhase::Finishing(_)) => {
                self.acks |= bit;
                if self.acks == self.settings.everyone() {
                    self.finish(cx);
                }
            }
            Msg::Inquire(t) => {
                if let Some(decision) = self.answer(t) {
                    cx.send(from, decision.message(t));
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, TwoPcNode>, timer: Timer) {
        let current = |t: TxId, phase: CoordinatorPhase, me: &Self| t == me.tx && me.phase == phase;
        match timer {
            Timer::Flush => {
                for record in self.storage.complete_flush(cx, self.settings.flush_time) {
                    self.after_flush(record, cx);
                }
            }
            Timer::Recover if self.phase == CoordinatorPhase::Recovering => self.recover(cx),
            Timer::NextTransaction if self.phase == CoordinatorPhase::Idle => self.start_next(cx),
            Timer::WorkDone(t) if current(t, CoordinatorPhase::Executing, self) => {
                self.phase = CoordinatorPhase::Collecting;
                for p in self.settings.participant_ids() {
                    cx.send(p, Msg::Prepare(t));
                }
                cx.set_timer(Timer::VoteTimeout(t), self.settings.vote_timeout);
            }
            Timer::VoteTimeout(t) if current(t, CoordinatorPhase::Collecting, self) => {
                self.decide(Decision::Abort, cx);
            }
            Timer::Retransmit(t) if t == self.tx => {
                if let CoordinatorPhase::Finishing(decision) = self.phase {
                    self.retransmissions += 1;
                    self.announce(decision, cx);
                }
            }
            _ => {}
        }
    }

    /// A record reached the disk: send what was waiting for it.
    fn after_flush(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        match record {
            Record::Begin(t) if t == self.tx && self.phase == CoordinatorPhase::Starting => {
                self.phase = CoordinatorPhase::Executing;
                for p in self.settings.participant_ids() {
                    cx.send(p, Msg::Begin(t));
                }
                cx.set_timer(Timer::WorkDone(t), self.settings.work_time);
            }
            Record::Commit(t) if t == self.tx && self.phase == CoordinatorPhase::LoggingCommit => {
                self.phase = CoordinatorPhase::Finishing(Decision::Commit);
                self.announce(Decision::Commit, cx);
            }
            _ => {}
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, TwoPcNode>, cmd: Cmd) {
        if cmd == Cmd::Begin
            && matches!(self.phase, CoordinatorPhase::Idle | CoordinatorPhase::Done)
        {
            cx.cancel_timer(Timer::NextTransaction);
            let next = self.storage.latest_tx().max(self.tx) + 1;
            self.start(next, cx);
        }
    }

    fn on_crash(&mut self) {
        self.storage.crash();
        self.phase = CoordinatorPhase::Crashed;
        self.tx = 0;
        self.yes_votes = 0;
        self.acks = 0;
        self.retransmissions = 0;
    }

    fn state_label(&self) -> &'static str {
        match self.phase {
            CoordinatorPhase::Idle => "IDLE",
            CoordinatorPhase::Starting => "STARTING",
            CoordinatorPhase::Executing => "EXECUTING",
            CoordinatorPhase::Collecting => "COLLECTING",
            CoordinatorPhase::LoggingCommit => "LOGGING COMMIT",
            CoordinatorPhase::Finishing(Decision::Commit) => "COMMITTING",
            CoordinatorPhase::Finishing(Decision::Abort) => "ABORTING",
            CoordinatorPhase::Done => "DONE",
            CoordinatorPhase::Recovering => "RECOVERING",
            CoordinatorPhase::Crashed => "CRASHED",
        }
    }

    fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.tx != 0 {
            let of = match self.settings.transactions {
                0 => String::new(),
                n => format!(" of {n}"),
            };
            lines.push(format!("transaction t{}{of}", self.tx));
        }
        let names = |mask: u8| -> Vec<String> {
            self.settings
                .participant_ids()
                .filter(|p| mask & (1 << p.0) != 0)
                .map(node_name)
                .collect()
        };
        match self.phase {
            CoordinatorPhase::Collecting => {
                let yes = names(self.yes_votes);
                let waiting = names(!self.yes_votes);
                lines.push(format!(
                    "yes votes: {}; waiting for {}",
                    list_or_none(&yes),
                    list_or_none(&waiting)
                ));
            }
            CoordinatorPhase::Finishing(_) => {
                let acked = names(self.acks);
                let waiting = names(!self.acks);
                lines.push(format!(
                    "acks: {}; waiting for {}",
                    list_or_none(&acked),
                    list_or_none(&waiting)
                ));
                if self.retransmissions > 0 {
                    lines.push(format!("decision resent {} times", self.retransmissions));
                }
            }
            _ => {}
        }
        self.storage.describe(&mut lines);
        lines
    }
}

/// Where a participant is with its current transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParticipantPhase {
    /// No transaction yet.
    Init,
    /// Doing the transaction's work, holding its locks; has not voted.
    Working,
    /// Decided to vote yes; writing `PREPARED` before sending the vote.
    Preparing,
    /// Voted yes; waiting for the decision, holding its locks. `in_doubt` once it has
    /// waited past its decision timeout.
    Prepared {
        in_doubt: bool,
    },
    Committed,
    Aborted,
    /// Restarted; reading the log.
    Recovering,
    Crashed,
}

/// Nodes 1 to n: do the work, vote, and apply the decision.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Participant {
    settings: Settings,
    /// How it votes on the next prepares (set by the configuration or a command; an
    /// operator's setting, so a crash does not change it).
    vote: Vote,
    storage: Storage,
    /// Not node state: the observer's record of the transactions this participant ever
    /// voted yes on (recent ones only), which a crash does not erase. The protocol never
    /// reads it; the validity invariant does, since a forgotten vote was still cast.
    yes_votes_cast: Vec<TxId>,
    // Everything below is volatile.
    phase: ParticipantPhase,
    /// The current transaction (0 when none).
    tx: TxId,
    /// The coordinator sent a decision that must be acknowledged once it is on disk.
    ack_owed: bool,
    /// How many times it asked for the outcome of `tx`.
    inquiries: u32,
}

impl Participant {
    fn new(settings: Settings, vote: Vote) -> Self {
        Participant {
            settings,
            vote,
            storage: Storage::default(),
            yes_votes_cast: Vec::new(),
            phase: ParticipantPhase::Init,
            tx: 0,
            ack_owed: false,
            inquiries: 0,
        }
    }

    pub fn phase(&self) -> ParticipantPhase {
        self.phase
    }

    pub fn tx(&self) -> TxId {
        self.tx
    }

    /// The durable log.
    pub fn log(&self) -> &[Record] {
        &self.storage.log
    }

    /// How it will vote on the next prepare.
    pub fn vote(&self) -> Vote {
        self.vote
    }

    pub fn is_in_doubt(&self) -> bool {
        self.phase == (ParticipantPhase::Prepared { in_doubt: true })
    }

    /// How many times it has asked for the outcome of its current transaction.
    pub fn inquiries(&self) -> u32 {
        self.inquiries
    }

    /// Whether it ever voted yes on `tx` (among its recent transactions), even if a crash
    /// made it forget.
    pub fn voted_yes_on(&self, tx: TxId) -> bool {
        self.yes_votes_cast.contains(&tx)
    }

    /// Whether it holds the current transaction's locks: from the work until its decision
    /// is known (a commit: until the commit is on disk). This is what blocking costs.
    pub fn holds_locks(&self) -> bool {
        match self.phase {
            ParticipantPhase::Working
            | ParticipantPhase::Preparing
            | ParticipantPhase::Prepared { .. } => true,
            ParticipantPhase::Committed => !self.storage.has(Record::Commit(self.tx)),
            _ => false,
        }
    }

    fn append(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        self.storage.append(record, cx, self.settings.flush_time);
    }

    fn latest_known(&self) -> TxId {
        self.tx.max(self.storage.latest_tx())
    }

    /// The outcome of `tx` as far as this participant knows it.
    fn outcome(&self, tx: TxId) -> Option<Decision> {
        if tx == self.tx {
            match self.phase {
                ParticipantPhase::Committed => return Some(Decision::Commit),
                ParticipantPhase::Aborted => return Some(Decision::Abort),
                _ => {}
            }
        }
        if self.storage.has(Record::Commit(tx)) {
            Some(Decision::Commit)
        } else if self.storage.has(Record::Abort(tx)) {
            Some(Decision::Abort)
        } else {
            None
        }
    }

    /// Takes up `tx`, which it had never heard of, as already aborted (its work never
    /// arrived, so it cannot promise anything about it).
    fn adopt_aborted(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        self.tx = tx;
        self.ack_owed = false;
        self.inquiries = 0;
        self.phase = ParticipantPhase::Aborted;
        self.append(Record::Abort(tx), cx);
    }

    fn abort_current(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        cx.cancel_timer(Timer::WorkTimeout(self.tx));
        cx.cancel_timer(Timer::DecisionTimeout(self.tx));
        self.phase = ParticipantPhase::Aborted;
        // Presumed abort: nothing waits for this record.
        self.append(Record::Abort(self.tx), cx);
    }

    fn on_begin(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        if tx <= self.latest_known() || self.holds_locks() {
            return; // a duplicate, or an old message
        }
        self.tx = tx;
        self.phase = ParticipantPhase::Working;
        self.ack_owed = false;
        self.inquiries = 0;
        // The work's undo information; nothing waits for it.
        self.append(Record::Begin(tx), cx);
        cx.set_timer(Timer::WorkTimeout(tx), self.settings.work_timeout);
    }

    fn on_prepare(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        if tx == self.tx {
            match self.phase {
                ParticipantPhase::Working => self.cast_vote(cx),
                // The first vote may have been lost: say it again.
                ParticipantPhase::Prepared { .. } => cx.send(COORDINATOR, Msg::VoteYes(tx)),
                ParticipantPhase::Aborted => cx.send(COORDINATOR, Msg::VoteNo(tx)),
                // Preparing: the vote leaves once the record is on disk.
                _ => {}
            }
        } else if tx > self.latest_known() {
            // Its work never reached us (BEGIN lost, or we were down): we cannot commit it.
            if !self.holds_locks() {
                self.adopt_aborted(tx, cx);
            }
            cx.send(COORDINATOR, Msg::VoteNo(tx));
        }
    }

    fn cast_vote(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        cx.cancel_timer(Timer::WorkTimeout(tx));
        let yes = match self.vote {
            Vote::Yes => true,
            Vote::No => false,
            Vote::Random => cx.rng().below(4) != 0,
        };
        if !yes {
            self.phase = ParticipantPhase::Aborted;
            self.append(Record::Abort(tx), cx);
            cx.send(COORDINATOR, Msg::VoteNo(tx));
        } else if self.settings.variant == Variant::ForgetVoteOnCrash {
            // The bug: the promise is only in memory.
            self.become_prepared(cx);
        } else {
            // The promise must be on disk before it is made.
            self.phase = ParticipantPhase::Preparing;
            self.append(Record::Prepared(tx), cx);
        }
    }

    fn become_prepared(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        self.phase = ParticipantPhase::Prepared { in_doubt: false };
        if !self.yes_votes_cast.contains(&tx) {
            self.yes_votes_cast.push(tx);
        }
        self.yes_votes_cast.retain(|t| t + VOTE_HISTORY_KEEP > tx);
        cx.send(COORDINATOR, Msg::VoteYes(tx));
        cx.set_timer(Timer::DecisionTimeout(tx), self.settings.decision_timeout);
    }

    fn on_decision(
        &mut self,
        from: NodeId,
        tx: TxId,
        decision: Decision,
        cx: &mut Ctx<'_, TwoPcNode>,
    ) {
        // Only the coordinator needs acks; a peer's answer is just information.
        let from_coordinator = from == COORDINATOR;
        if tx == self.tx {
            match (self.phase, decision) {
                (ParticipantPhase::Prepared { .. }, Decision::Commit) => {
                    cx.cancel_timer(Timer::DecisionTimeout(tx));
                    self.phase = ParticipantPhase::Committed;
                    // The ack waits for this record: after the acks the coordinator forgets.
                    self.append(Record::Commit(tx), cx);
                    self.ack_owed |= from_coordinator;
                }
                (
                    ParticipantPhase::Working
                    | ParticipantPhase::Preparing
                    | ParticipantPhase::Prepared { .. },
                    Decision::Abort,
                ) => {
                    self.abort_current(cx);
                    self.ack_owed |= from_coordinator;
                }
                // Already settled: a resent decision, or, in a broken variant, the opposite
                // one (the ack then only says "stop resending"). Peers need no ack.
                (ParticipantPhase::Committed | ParticipantPhase::Aborted, _)
                    if from_coordinator =>
                {
                    let own = if self.phase == ParticipantPhase::Committed {
                        Record::Commit(tx)
                    } else {
                        Record::Abort(tx)
                    };
                    if self.storage.has(own) {
                        cx.send(COORDINATOR, Msg::Ack(tx));
                    } else {
                        self.ack_owed = true;
                    }
                }
                // A commit before our yes vote cannot happen.
                _ => {}
            }
        } else if tx > self.latest_known() {
            if decision == Decision::Abort && !self.holds_locks() {
                self.adopt_aborted(tx, cx);
                self.ack_owed = from_coordinator;
            }
        } else if from_coordinator {
            // An older transaction, settled long ago.
            cx.send(COORDINATOR, Msg::Ack(tx));
        }
    }

    /// A peer in doubt asks what happened to `tx` (cooperative termination).
    fn on_inquiry(&mut self, from: NodeId, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        if let Some(decision) = self.outcome(tx) {
            cx.send(from, decision.message(tx));
            return;
        }
        let working_on_it = tx == self.tx && self.phase == ParticipantPhase::Working;
        let never_heard = tx > self.latest_known() && !self.holds_locks();
        // Not having voted, it is still free to abort, and once it has, the coordinator
        // cannot commit: so it can give the asker a safe answer. A prepared peer knows no
        // more than the asker and stays silent.
        if working_on_it {
            self.abort_current(cx);
        } else if never_heard {
            self.adopt_aborted(tx, cx);
        } else {
            return;
        }
        cx.send(from, Msg::Abort(tx));
    }

    fn recover(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let latest = self.storage.latest_tx();
        self.tx = latest;
        self.ack_owed = false;
        self.inquiries = 0;
        if latest == 0 {
            self.phase = ParticipantPhase::Init;
        } else if self.storage.has(Record::Commit(latest)) {
            self.phase = ParticipantPhase::Committed;
        } else if self.storage.has(Record::Abort(latest)) {
            self.phase = ParticipantPhase::Aborted;
        } else if self.storage.has(Record::Prepared(latest)) {
            // It promised: take the locks again and find out what was decided.
            self.phase = ParticipantPhase::Prepared { in_doubt: false };
            self.inquiries = 1;
            cx.send(COORDINATOR, Msg::Inquire(latest));
            cx.set_timer(
                Timer::DecisionTimeout(latest),
                self.settings.decision_timeout,
            );
        } else {
            // Only the work is logged, so it never voted yes (a yes vote is logged first):
            // it is free to abort. (In the forget-vote variant this is where it goes wrong.)
            self.phase = ParticipantPhase::Aborted;
            self.append(Record::Abort(latest), cx);
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, TwoPcNode>, from: NodeId, msg: Msg) {
        if self.phase == ParticipantPhase::Recovering {
            return; // reading the log; senders retry
        }
        match msg {
            Msg::Begin(t) => self.on_begin(t, cx),
            Msg::Prepare(t) => self.on_prepare(t, cx),
            Msg::Commit(t) => self.on_decision(from, t, Decision::Commit, cx),
            Msg::Abort(t) => self.on_decision(from, t, Decision::Abort, cx),
            Msg::Inquire(t) => self.on_inquiry(from, t, cx),
            Msg::VoteYes(_) | Msg::VoteNo(_) | Msg::Ack(_) => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, TwoPcNode>, timer: Timer) {
        match timer {
            Timer::Flush => {
                for record in self.storage.complete_flush(cx, self.settings.flush_time) {
                    self.after_flush(record, cx);
                }
            }
            Timer::Recover if self.phase == ParticipantPhase::Recovering => self.recover(cx),
            Timer::WorkTimeout(t) if t == self.tx && self.phase == ParticipantPhase::Working => {
                // No prepare came. Not having voted, it may give up on its own.
                self.abort_current(cx);
            }
            Timer::DecisionTimeout(t)
                if t == self.tx && matches!(self.phase, ParticipantPhase::Prepared { .. }) =>
            {
                // Blocked: it may neither commit nor abort. All it can do is ask.
                self.phase = ParticipantPhase::Prepared { in_doubt: true };
                self.inquiries += 1;
                cx.send(COORDINATOR, Msg::Inquire(t));
                if self.settings.cooperative_termination {
                    let me = cx.id();
                    for peer in self.settings.participant_ids().filter(|p| *p != me) {
                        cx.send(peer, Msg::Inquire(t));
                    }
                }
                cx.set_timer(Timer::DecisionTimeout(t), self.settings.decision_timeout);
            }
            _ => {}
        }
    }

    /// A record reached the disk: send what was waiting for it.
    fn after_flush(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        if record.tx() != self.tx {
            return;
        }
        match (record, self.phase) {
            (Record::Prepared(_), ParticipantPhase::Preparing) => self.become_prepared(cx),
            (Record::Commit(t), ParticipantPhase::Committed)
            | (Record::Abort(t), ParticipantPhase::Aborted)
                if self.ack_owed =>
            {
                self.ack_owed = false;
                cx.send(COORDINATOR, Msg::Ack(t));
            }
            _ => {}
        }
    }

    fn on_crash(&mut self) {
        self.storage.crash();
        self.phase = ParticipantPhase::Crashed;
        self.tx = 0;
        self.ack_owed = false;
        self.inquiries = 0;
    }

    fn state_label(&self) -> &'static str {
        match self.phase {
            ParticipantPhase::Init => "INIT",
            ParticipantPhase::Working => "WORKING",
            ParticipantPhase::Preparing => "PREPARING",
            ParticipantPhase::Prepared { in_doubt: false } => "PREPARED",
            ParticipantPhase::Prepared { in_doubt: true } => "IN DOUBT",
            ParticipantPhase::Committed => "COMMITTED",
            ParticipantPhase::Aborted => "ABORTED",
            ParticipantPhase::Recovering => "RECOVERING",
            ParticipantPhase::Crashed => "CRASHED",
        }
    }

    fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.tx != 0 {
            lines.push(format!("transaction t{}", self.tx));
        }
        lines.push(format!("votes {} on the next prepare", self.vote));
        if self.holds_locks() {
            lines.push(format!(
                "holding locks for t{}: other transactions on this data wait",
                self.tx
            ));
        }
        if self.is_in_doubt() {
            lines.push(format!(
                "in doubt: cannot commit or abort alone; asked {} times",
                self.inquiries
            ));
        }
        self.storage.describe(&mut lines);
        lines
    }
}

/// A 2PC node: the coordinator (node 0) or a participant (nodes 1 to n).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TwoPcNode {
    Coordinator(Coordinator),
    Participant(Participant),
}

impl TwoPcNode {
    pub fn as_coordinator(&self) -> Option<&Coordinator> {
        match self {
            TwoPcNode::Coordinator(c) => Some(c),
            TwoPcNode::Participant(_) => None,
        }
    }

    pub fn as_participant(&self) -> Option<&Participant> {
        match self {
            TwoPcNode::Participant(p) => Some(p),
            TwoPcNode::Coordinator(_) => None,
        }
    }

    /// The durable log.
    pub fn log(&self) -> &[Record] {
        match self {
            TwoPcNode::Coordinator(c) => c.log(),
            TwoPcNode::Participant(p) => p.log(),
        }
    }

    /// The transaction the node is on (0 when none).
    pub fn tx(&self) -> TxId {
        match self {
            TwoPcNode::Coordinator(c) => c.tx,
            TwoPcNode::Participant(p) => p.tx,
        }
    }

    fn storage(&self) -> &Storage {
        match self {
            TwoPcNode::Coordinator(c) => &c.storage,
            TwoPcNode::Participant(p) => &p.storage,
        }
    }

    /// Whether the node has reached `decision` on `tx`, and where that shows: "in its log"
    /// (durable) or "in memory" (decided and acted on, not yet on disk).
    pub fn reached(&self, tx: TxId, decision: Decision) -> Option<&'static str> {
        if self.storage().has(decision.record(tx)) {
            return Some("in its log");
        }
        let in_memory = match self {
            TwoPcNode::Coordinator(c) => {
                c.tx == tx && c.phase == CoordinatorPhase::Finishing(decision)
            }
            TwoPcNode::Participant(p) => {
                p.tx == tx
                    && p.phase
                        == match decision {
                            Decision::Commit => ParticipantPhase::Committed,
                            Decision::Abort => ParticipantPhase::Aborted,
                        }
            }
        };
        in_memory.then_some("in memory")
    }

    /// Calls `f` with every (transaction, decision) pair the node has reached, in its log
    /// or in memory: the pairs for which [`TwoPcNode::reached`] says yes (some may come
    /// twice).
    fn for_each_decision(&self, mut f: impl FnMut(TxId, Decision)) {
        for record in self.log() {
            match *record {
                Record::Commit(t) => f(t, Decision::Commit),
                Record::Abort(t) => f(t, Decision::Abort),
                _ => {}
            }
        }
        if let Some((tx, decision)) = self.decision_in_memory() {
            f(tx, decision);
        }
    }

    /// The decision the node has reached in memory (it may not be on disk yet).
    fn decision_in_memory(&self) -> Option<(TxId, Decision)> {
        match self {
            TwoPcNode::Coordinator(c) => match c.phase {
                CoordinatorPhase::Finishing(decision) => Some((c.tx, decision)),
                _ => None,
            },
            TwoPcNode::Participant(p) => match p.phase {
                ParticipantPhase::Committed => Some((p.tx, Decision::Commit)),
                ParticipantPhase::Aborted => Some((p.tx, Decision::Abort)),
                _ => None,
            },
        }
    }

    /// The newest transaction the node's log or memory mentions (0 if none).
    fn newest_tx(&self) -> TxId {
        self.log().iter().map(|r| r.tx()).fold(self.tx(), TxId::max)
    }
}

impl Protocol for TwoPcNode {
    type Note = ();
    type Msg = Msg;
    type Timer = Timer;
    type Cmd = Cmd;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            TwoPcNode::Coordinator(c) => c.start_next(cx),
            TwoPcNode::Participant(p) => p.phase = ParticipantPhase::Init,
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            TwoPcNode::Coordinator(c) => c.on_message(cx, from, msg),
            TwoPcNode::Participant(p) => p.on_message(cx, from, msg),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            TwoPcNode::Coordinator(c) => c.on_timer(cx, timer),
            TwoPcNode::Participant(p) => p.on_timer(cx, timer),
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        match (self, cmd) {
            (TwoPcNode::Coordinator(c), cmd) => c.on_command(cx, cmd),
            (TwoPcNode::Participant(p), Cmd::SetVote(vote)) => p.vote = vote,
            (TwoPcNode::Participant(_), Cmd::Begin) => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            TwoPcNode::Coordinator(c) => c.on_crash(),
            TwoPcNode::Participant(p) => p.on_crash(),
        }
    }

    /// Reading the log takes as long as a flush; recovery happens when it is read.
    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        let flush_time = match self {
            TwoPcNode::Coordinator(c) => {
                c.phase = CoordinatorPhase::Recovering;
                c.settings.flush_time
            }
            TwoPcNode::Participant(p) => {
                p.phase = ParticipantPhase::Recovering;
                p.settings.flush_time
            }
        };
        cx.set_timer(Timer::Recover, flush_time);
    }

    fn state_label(&self) -> &'static str {
        match self {
            TwoPcNode::Coordinator(c) => c.state_label(),
            TwoPcNode::Participant(p) => p.state_label(),
        }
    }

    fn detail_lines(&self) -> Vec<String> {
        match self {
            TwoPcNode::Coordinator(c) => c.detail_lines(),
            TwoPcNode::Participant(p) => p.detail_lines(),
        }
    }

    fn msg_label(msg: &Msg) -> String {
        msg.to_string()
    }

    fn timer_label(timer: &Timer) -> String {
        timer.to_string()
    }
}

/// The nodes of a run: the coordinator, then one participant per vote. Call
/// [`TwoPcConfig::validate`] first; a participant without a vote votes yes.
pub fn nodes(config: &TwoPcConfig) -> Vec<TwoPcNode> {
    let settings = Settings::new(config);
    let participants = (0..settings.participants).map(|i| {
        let vote = config.votes.get(i as usize).copied().unwrap_or(Vote::Yes);
        TwoPcNode::Participant(Participant::new(settings, vote))
    });
    std::iter::once(TwoPcNode::Coordinator(Coordinator::new(settings)))
        .chain(participants)
        .collect()
}

/// A node's name on the views: "coordinator", "P1", "P2", ...
pub fn node_name(id: NodeId) -> String {
    match id.0 {
        0 => "coordinator".to_string(),
        n => format!("P{n}"),
    }
}

/// The names of the nodes of a run, in id order.
pub fn node_names(config: &TwoPcConfig) -> Vec<String> {
    let count = Settings::new(config).participants + 1;
    (0..count).map(|i| node_name(NodeId(i))).collect()
}

/// The suggested network: 10 to 30 ms of latency, no loss.
pub fn net_config() -> NetConfig {
    NetConfig::default()
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// "P1 (in its log), coordinator (in memory)" for every node that reached `decision`.
fn who_reached(nodes: &NodeSet<'_, TwoPcNode>, tx: TxId, decision: Decision) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|(id, node, _)| {
            node.reached(tx, decision)
                .map(|where_| format!("{} ({where_})", node_name(id)))
        })
        .collect()
}

fn anyone_reached(nodes: &NodeSet<'_, TwoPcNode>, tx: TxId, decision: Decision) -> bool {
    nodes
        .iter()
        .any(|(_, node, _)| node.reached(tx, decision).is_some())
}

/// The decisions reached on the 64 newest transactions, gathered in two quick passes over
/// the nodes' logs. The invariants run after every step, so instead of asking every node
/// about every transaction in turn they read each log once and compare bit masks.
struct Recent {
    /// The newest transaction any node mentions (0 if none).
    newest: TxId,
    /// Bit `i` is set when some node has committed transaction `newest - i`.
    commits: u64,
    /// Bit `i` is set when some node has aborted transaction `newest - i`.
    aborts: u64,
    /// Whether some node has reached a decision on an older transaction.
    older: bool,
}

// Validity reads the `LOG_KEEP` newest transactions off the masks.
const _: () = assert!(LOG_KEEP <= 64);

impl Recent {
    fn of(nodes: &NodeSet<'_, TwoPcNode>) -> Self {
        let newest = nodes.iter().map(|(_, node, _)| node.newest_tx()).max();
        let mut recent = Recent {
            newest: newest.unwrap_or(0),
            commits: 0,
            aborts: 0,
            older: false,
        };
        for (_, node, _) in nodes.iter() {
            node.for_each_decision(|tx, decision| recent.note(tx, decision));
        }
        recent
    }

    /// Notes that some node reached `decision` on `tx` (0 means none: ignored). No
    /// transaction is newer than `newest`.
    fn note(&mut self, tx: TxId, decision: Decision) {
        let age = self.newest - tx;
        if tx == 0 {
        } else if age >= 64 {
            self.older = true;
        } else if decision == Decision::Commit {
            self.commits |= 1 << age;
        } else {
            self.aborts |= 1 << age;
        }
    }
}

/// The oldest transaction committed at some node and aborted at another, found without
/// [`Recent`]'s window: for when some node's decisions are far older than the others'.
fn oldest_conflict(nodes: &NodeSet<'_, TwoPcNode>) -> Option<TxId> {
    // The committed transactions: a few, since each log keeps three transactions.
    let mut committed = [0 as TxId; 32];
    let mut count = 0;
    let mut overflow = false;
    for (_, node, _) in nodes.iter() {
        node.for_each_decision(|tx, decision| {
            if tx != 0 && decision == Decision::Commit && !committed[..count].contains(&tx) {
                match committed.get_mut(count) {
                    Some(slot) => {
                        *slot = tx;
                        count += 1;
                    }
                    None => overflow = true,
                }
            }
        });
    }
    let is_committed = |tx: TxId| {
        committed[..count].contains(&tx)
            || (overflow && anyone_reached(nodes, tx, Decision::Commit))
    };
    let mut oldest: Option<TxId> = None;
    if count > 0 {
        for (_, node, _) in nodes.iter() {
            node.for_each_decision(|tx, decision| {
                if tx != 0 && decision == Decision::Abort && is_committed(tx) {
                    oldest = Some(oldest.map_or(tx, |o| o.min(tx)));
                }
            });
        }
    }
    oldest
}

fn check_atomicity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), String> {
    let recent = Recent::of(nodes);
    let conflict = if recent.older {
        oldest_conflict(nodes)
    } else {
        // The highest bit is the oldest transaction.
        let both = recent.commits & recent.aborts;
        (both != 0).then(|| recent.newest - (63 - both.leading_zeros()))
    };
    match conflict {
        None => Ok(()),
        Some(tx) => Err(format!(
            "transaction t{tx} is committed at {} but aborted at {}",
            who_reached(nodes, tx, Decision::Commit).join(", "),
            who_reached(nodes, tx, Decision::Abort).join(", ")
        )),
    }
}

fn check_validity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), String> {
    let recent = Recent::of(nodes);
    // Vote records cover each participant's recent transactions only (the `LOG_KEEP`
    // newest); older commits were checked when they happened. Oldest first.
    for age in (0..LOG_KEEP)
        .rev()
        .filter(|age| recent.commits & (1 << age) != 0)
    {
        let tx = recent.newest - age;
        let silent = |node: &TwoPcNode| node.as_participant().is_some_and(|p| !p.voted_yes_on(tx));
        if !nodes.iter().any(|(_, node, _)| silent(node)) {
            continue;
        }
        let silent: Vec<String> = nodes
            .iter()
            .filter(|(_, node, _)| silent(node))
            .map(|(id, _, _)| node_name(id))
            .collect();
        return Err(format!(
            "transaction t{tx} is committed at {} although {} never voted yes on it",
            who_reached(nodes, tx, Decision::Commit).join(", "),
            silent.join(", ")
        ));
    }
    Ok(())
}

/// The safety properties, checked after every step on every node (crashed ones included).
pub fn invariants() -> Vec<Invariant<TwoPcNode>> {
    vec![
        Invariant {
            name: "atomicity",
            description: "no transaction is committed at one node and aborted at another",
            check: check_atomicity,
            changes_with: None,
        },
        Invariant {
            name: "validity",
            description: "a transaction commits only if every participant voted yes",
            check: check_validity,
            changes_with: None,
        },
    ]
}

/// A ready-made scenario as the scene's menu lists it (`id` short and URL-safe, `title`,
/// `description`). The type is the scenes' own, so that every scene's menu shares it.
pub use crate::sim::scenario::ScenarioInfo;

/// A scenario: the configuration and the faults, placed by what happens in the run.
pub type Scenario = (TwoPcConfig, Vec<Trigger<TwoPcNode>>);

const SCENARIOS: [(ScenarioInfo, fn() -> Scenario); 9] = [
    (
        ScenarioInfo {
            id: "happy",
            title: "Happy path",
            description: "Every participant votes yes: the coordinator logs COMMIT, tells \
                          everyone, and each participant commits and acknowledges.",
        },
        happy_path,
    ),
    (
        ScenarioInfo {
            id: "vote-no",
            title: "One participant votes no",
            description: "P2 votes no: the coordinator aborts at once, without waiting for \
                          the other votes, and every participant aborts.",
        },
        one_votes_no,
    ),
    (
        ScenarioInfo {
            id: "coord-crash",
            title: "Coordinator crashes after prepare",
            description: "The coordinator crashes right after sending PREPARE. The \
                          participants vote yes and are then IN DOUBT: they hold their \
                          locks and keep asking, blocked, until the coordinator restarts, \
                          finds no decision in its log and aborts (presumed abort).",
        },
        coordinator_crash_after_prepare,
    ),
    (
        ScenarioInfo {
            id: "participant-crash",
            title: "A participant crashes before voting",
            description: "P2 crashes while doing the work. Its vote never comes, so the \
                          coordinator times out and aborts. When P2 restarts it finds only \
                          BEGIN in its log (no yes vote) and aborts too.",
        },
        participant_crash_before_vote,
    ),
    (
        ScenarioInfo {
            id: "loss",
            title: "A lost COMMIT",
            description: "The COMMIT to P2 is lost. P2 stays prepared until the coordinator, \
                          missing its ACK, sends the COMMIT again; then everyone commits.",
        },
        lost_commit,
    ),
    (
        ScenarioInfo {
            id: "coop",
            title: "Cooperative termination helps",
            description: "The coordinator crashes just after deciding commit, and its COMMIT \
                          reaches only P1. P2 and P3, in doubt, ask their peers; P1 answers \
                          COMMIT and they finish without the coordinator.",
        },
        cooperative_termination_helps,
    ),
    (
        ScenarioInfo {
            id: "coop-blocked",
            title: "Cooperative termination cannot help",
            description: "Participants ask each other, but the coordinator crashed after \
                          sending PREPARE and all of them are prepared: nobody knows the \
                          outcome, so all stay blocked until the coordinator returns.",
        },
        cooperative_termination_blocked,
    ),
    (
        ScenarioInfo {
            id: "send-before-log",
            title: "Bug: sending the decision before logging it",
            description: "The coordinator sends COMMIT before its COMMIT record is on disk and \
                          crashes in between. The participants commit; the coordinator \
                          restarts with no decision, presumes abort: atomicity is violated.",
        },
        send_before_log_bug,
    ),
    (
        ScenarioInfo {
            id: "forget-vote",
            title: "Bug: a yes vote that is not logged",
            description: "P1 votes yes without logging it, then crashes. It restarts believing \
                          it never voted and aborts, while the others commit: atomicity is \
                          violated.",
        },
        forget_vote_bug,
    ),
];

/// The ready-made scenarios, in menu order.
pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.iter().map(|(info, _)| *info).collect()
}

/// The scenario with this id.
pub fn scenario(id: &str) -> Option<Scenario> {
    SCENARIOS
        .iter()
        .find(|(info, _)| info.id == id)
        .map(|(_, build)| build())
}

fn coordinator_of(sim: &Sim<TwoPcNode>) -> Option<&Coordinator> {
    sim.node(COORDINATOR).and_then(TwoPcNode::as_coordinator)
}

fn participant_of(sim: &Sim<TwoPcNode>, index: u32) -> Option<&Participant> {
    sim.node(NodeId(index)).and_then(TwoPcNode::as_participant)
}

fn coordinator_in(sim: &Sim<TwoPcNode>, phase: CoordinatorPhase) -> bool {
    coordinator_of(sim).is_some_and(|c| c.phase == phase)
}

fn every_participant(sim: &Sim<TwoPcNode>, test: impl Fn(&Participant) -> bool) -> bool {
    (1..sim.node_count()).all(|i| participant_of(sim, i).is_some_and(&test))
}

/// The first message in flight to `to` that `test` accepts.
fn in_flight_to(sim: &Sim<TwoPcNode>, to: u32, test: impl Fn(&Msg) -> bool) -> Option<MsgId> {
    sim.in_flight()
        .find(|m| m.to == NodeId(to) && test(&m.msg))
        .map(|m| m.id)
}

/// A trigger that drops the first in-flight message to `to` that `test` accepts.
fn drop_message_to(to: u32, test: fn(&Msg) -> bool) -> Trigger<TwoPcNode> {
    Trigger::new(
        move |sim| in_flight_to(sim, to, test).is_some(),
        // MsgId(0) is never used, so if the message were gone the drop is just ignored.
        move |sim| Action::DropMessage(in_flight_to(sim, to, test).unwrap_or(MsgId(0))),
    )
}

fn is_commit(msg: &Msg) -> bool {
    matches!(msg, Msg::Commit(_))
}

pub fn happy_path() -> Scenario {
    (TwoPcConfig::default(), Vec::new())
}

pub fn one_votes_no() -> Scenario {
    let config = TwoPcConfig {
        votes: vec![Vote::Yes, Vote::No, Vote::Yes],
        ..TwoPcConfig::default()
    };
    (config, Vec::new())
}

/// The crash fires once the coordinator has sent every PREPARE; it restarts after each
/// participant has been in doubt long enough to ask three times.
pub fn coordinator_crash_after_prepare() -> Scenario {
    let triggers = vec![
        Trigger::new(
            |sim| coordinator_in(sim, CoordinatorPhase::Collecting),
            |_| Action::Crash(COORDINATOR),
        ),
        Trigger::new(
            |sim| every_participant(sim, |p| p.is_in_doubt() && p.inquiries >= 3),
            |_| Action::Restart(COORDINATOR),
        ),
    ];
    (TwoPcConfig::default(), triggers)
}

pub fn participant_crash_before_vote() -> Scenario {
    let triggers = vec![
        // Once its work is logged, so that its log shows BEGIN but no vote.
        Trigger::new(
            |sim| {
                participant_of(sim, 2).is_some_and(|p| {
                    p.phase == ParticipantPhase::Working && p.storage.has(Record::Begin(p.tx))
                })
            },
            |_| Action::Crash(NodeId(2)),
        ),
        Trigger::new(
            |sim| {
                coordinator_in(sim, CoordinatorPhase::Finishing(Decision::Abort))
                    && [1, 3].iter().all(|&i| {
                        participant_of(sim, i).is_some_and(|p| p.phase == ParticipantPhase::Aborted)
                    })
            },
            |_| Action::Restart(NodeId(2)),
        ),
    ];
    (TwoPcConfig::default(), triggers)
}

pub fn lost_commit() -> Scenario {
    (TwoPcConfig::default(), vec![drop_message_to(2, is_commit)])
}

pub fn cooperative_termination_helps() -> Scenario {
    let config = TwoPcConfig {
        cooperative_termination: true,
        ..TwoPcConfig::default()
    };
    let triggers = vec![
        Trigger::new(
            |sim| coordinator_in(sim, CoordinatorPhase::Finishing(Decision::Commit)),
            |_| Action::Crash(COORDINATOR),
        ),
        drop_message_to(2, is_commit),
        drop_message_to(3, is_commit),
        // Once everyone has committed, the coordinator returns and finishes its books.
        Trigger::new(
            |sim| every_participant(sim, |p| p.phase == ParticipantPhase::Committed),
            |_| Action::Restart(COORDINATOR),
        ),
    ];
    (config, triggers)
}

pub fn cooperative_termination_blocked() -> Scenario {
    let (_, triggers) = coordinator_crash_after_prepare();
    let config = TwoPcConfig {
        cooperative_termination: true,
        ..TwoPcConfig::default()
    };
    (config, triggers)
}

/// The crash falls in the 2 ms between sending COMMIT and the COMMIT record reaching the
/// disk; the coordinator restarts once every participant has committed.
pub fn send_before_log_bug() -> Scenario {
    let config = TwoPcConfig {
        variant: Variant::SendBeforeLog,
        ..TwoPcConfig::default()
    };
    let triggers = vec![
        Trigger::new(
            |sim| {
                coordinator_of(sim).is_some_and(|c| {
                    c.phase == CoordinatorPhase::Finishing(Decision::Commit)
                        && !c.storage.has(Record::Commit(c.tx))
                })
            },
            |_| Action::Crash(COORDINATOR),
        ),
        Trigger::new(
            |sim| every_participant(sim, |p| p.phase == ParticipantPhase::Committed),
            |_| Action::Restart(COORDINATOR),
        ),
    ];
    (config, triggers)
}

/// P1 crashes right after its (unlogged) yes vote and restarts once the coordinator has
/// decided to commit.
pub fn forget_vote_bug() -> Scenario {
    let config = TwoPcConfig {
        variant: Variant::ForgetVoteOnCrash,
        ..TwoPcConfig::default()
    };
    let triggers = vec![
        Trigger::new(
            |sim| {
                participant_of(sim, 1)
                    .is_some_and(|p| matches!(p.phase, ParticipantPhase::Prepared { .. }))
            },
            |_| Action::Crash(NodeId(1)),
        ),
        Trigger::new(
            |sim| coordinator_in(sim, CoordinatorPhase::Finishing(Decision::Commit)),
            |_| Action::Restart(NodeId(1)),
        ),
    ];
    (config, triggers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_through_text() {
        let all = [
            Cmd::Begin,
            Cmd::SetVote(Vote::Yes),
            Cmd::SetVote(Vote::No),
            Cmd::SetVote(Vote::Random),
        ];
        for cmd in all {
            assert_eq!(cmd.to_string().parse::<Cmd>(), Ok(cmd));
        }
        assert_eq!(Cmd::SetVote(Vote::No).to_string(), "vote-no");
        assert!("vote-maybe".parse::<Cmd>().is_err());
        for variant in Variant::ALL {
            assert_eq!(variant.to_string().parse::<Variant>(), Ok(variant));
        }
    }

    #[test]
    fn validate_explains_what_is_wrong() {
        assert_eq!(TwoPcConfig::default().validate(), Ok(()));
        assert_eq!(TwoPcConfig::with_participants(7).validate(), Ok(()));
        let too_few = TwoPcConfig::with_participants(1).validate().unwrap_err();
        assert!(too_few.contains("2 to 7 participants, not 1"), "{too_few}");
        let mismatch = TwoPcConfig {
            votes: vec![Vote::Yes],
            ..TwoPcConfig::default()
        };
        assert!(mismatch
            .validate()
            .unwrap_err()
            .contains("3 participants but 1 votes"));
        let zero = TwoPcConfig {
            flush_time: Time::ZERO,
            ..TwoPcConfig::default()
        };
        assert!(zero
            .validate()
            .unwrap_err()
            .contains("flush time must be longer than zero"));
    }

    /// The invariants as they were first written: obviously right, and slow (they loop
    /// over every transaction any node mentions, times every node, times its log). The
    /// fast ones must agree with them word for word.
    mod reference {
        use super::super::*;

        fn tx_range(node: &TwoPcNode) -> Option<(TxId, TxId)> {
            let txs = node.log().iter().map(|r| r.tx()).chain(Some(node.tx()));
            let txs = txs.filter(|t| *t != 0);
            let lo = txs.clone().min()?;
            let hi = txs.max()?;
            Some((lo, hi))
        }

        fn mentioned_txs(nodes: &NodeSet<'_, TwoPcNode>) -> std::ops::RangeInclusive<TxId> {
            let ranges = nodes.iter().filter_map(|(_, node, _)| tx_range(node));
            let (lo, hi) = ranges.fold((TxId::MAX, 0), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
            lo..=hi
        }

        pub fn check_atomicity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), String> {
            for tx in mentioned_txs(nodes) {
                if anyone_reached(nodes, tx, Decision::Commit)
                    && anyone_reached(nodes, tx, Decision::Abort)
                {
                    return Err(format!(
                        "transaction t{tx} is committed at {} but aborted at {}",
                        who_reached(nodes, tx, Decision::Commit).join(", "),
                        who_reached(nodes, tx, Decision::Abort).join(", ")
                    ));
                }
            }
            Ok(())
        }

        pub fn check_validity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), String> {
            let txs = mentioned_txs(nodes);
            let newest = *txs.end();
            for tx in txs.filter(|t| t + LOG_KEEP > newest) {
                if !anyone_reached(nodes, tx, Decision::Commit) {
                    continue;
                }
                let silent: Vec<String> = nodes
                    .iter()
                    .filter(|(_, node, _)| {
                        node.as_participant().is_some_and(|p| !p.voted_yes_on(tx))
                    })
                    .map(|(id, _, _)| node_name(id))
                    .collect();
                if !silent.is_empty() {
                    return Err(format!(
                        "transaction t{tx} is committed at {} although {} never voted yes on it",
                        who_reached(nodes, tx, Decision::Commit).join(", "),
                        silent.join(", ")
                    ));
                }
            }
            Ok(())
        }
    }

    /// Random nodes: logs, phases, current transactions and yes votes drawn from a window
    /// of transactions that is sometimes narrow (many conflicts), sometimes wider than the
    /// fast invariants' 64-transaction window, and sometimes includes transaction 0.
    fn random_nodes(rng: &mut crate::sim::SimRng) -> Vec<TwoPcNode> {
        let participants = 2 + rng.below(6) as u32;
        let settings = Settings::new(&TwoPcConfig::with_participants(participants));
        let base = [0, 1, 40, 5_000][rng.below(4) as usize];
        let spread = [3, 6, 70, 300][rng.below(4) as usize];
        let longest = [4, 12, 40][rng.below(3) as usize];
        let tx = |rng: &mut crate::sim::SimRng| base + rng.below(spread) as TxId;
        let mut nodes = Vec::new();
        for i in 0..=participants {
            let mut storage = Storage::default();
            for _ in 0..rng.below(longest) {
                let t = tx(rng);
                let record = [
                    Record::Begin,
                    Record::Prepared,
                    Record::Commit,
                    Record::Abort,
                ][rng.below(4) as usize];
                storage.log.push(if i == 0 && rng.below(5) == 0 {
                    Record::End(t)
                } else {
                    record(t)
                });
            }
            let current = if rng.below(4) == 0 { 0 } else { tx(rng) };
            let node = if i == 0 {
                let phases = [
                    CoordinatorPhase::Idle,
                    CoordinatorPhase::Collecting,
                    CoordinatorPhase::LoggingCommit,
                    CoordinatorPhase::Finishing(Decision::Commit),
                    CoordinatorPhase::Finishing(Decision::Abort),
                    CoordinatorPhase::Crashed,
                ];
                let mut c = Coordinator::new(settings);
                c.storage = storage;
                c.tx = current;
                c.phase = phases[rng.below(phases.len() as u64) as usize];
                TwoPcNode::Coordinator(c)
            } else {
                let phases = [
                    ParticipantPhase::Init,
                    ParticipantPhase::Working,
                    ParticipantPhase::Prepared { in_doubt: true },
                    ParticipantPhase::Committed,
                    ParticipantPhase::Aborted,
                    ParticipantPhase::Crashed,
                ];
                let mut p = Participant::new(settings, Vote::Yes);
                p.storage = storage;
                p.tx = current;
                p.phase = phases[rng.below(phases.len() as u64) as usize];
                p.yes_votes_cast = (0..rng.below(5)).map(|_| tx(rng)).collect();
                TwoPcNode::Participant(p)
            };
            nodes.push(node);
        }
        nodes
    }

    #[test]
    fn fast_invariants_agree_with_the_reference() {
        let mut rng = crate::sim::SimRng::new(2024);
        let mut violations = [0u32; 2];
        for case in 0..6_000 {
            let sim = Sim::new(0, random_nodes(&mut rng), NetConfig::default(), Vec::new());
            let nodes = sim.nodes();
            let atomicity = check_atomicity(&nodes);
            assert_eq!(atomicity, reference::check_atomicity(&nodes), "case {case}");
            let validity = check_validity(&nodes);
            assert_eq!(validity, reference::check_validity(&nodes), "case {case}");
            violations[0] += u32::from(atomicity.is_err());
            violations[1] += u32::from(validity.is_err());
        }
        // Both verdicts were exercised, not only "all is well".
        assert!(
            violations.iter().all(|v| (300..5_700).contains(v)),
            "{violations:?}"
        );
    }

    #[test]
    fn names_and_labels_read_well() {
        let config = TwoPcConfig::default();
        assert_eq!(node_names(&config), ["coordinator", "P1", "P2", "P3"]);
        assert_eq!(TwoPcNode::msg_label(&Msg::VoteYes(1)), "VOTE YES t1");
        assert_eq!(TwoPcNode::msg_label(&Msg::Commit(2)), "COMMIT t2");
        assert_eq!(
            TwoPcNode::timer_label(&Timer::Retransmit(3)),
            "retransmit t3"
        );
        assert_eq!(Record::Prepared(4).to_string(), "PREPARED t4");
        let ids: Vec<&str> = scenarios().iter().map(|s| s.id).collect();
        assert!(ids.iter().all(|id| scenario(id).is_some()));
    }
}
