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
//!    yet whether the changes will become visible: it is **in doubt** from its yes vote
//!    until it learns the outcome. A participant that cannot commit answers `VOTE NO` and
//!    aborts at once.
//! 2. **Commit (decision).** If every vote is yes, the coordinator writes `COMMIT` to its
//!    log and sends `COMMIT` to everyone; otherwise (a no vote, or a vote that does not
//!    arrive in time) it decides `ABORT`. Each participant applies the decision, writes it
//!    to its log and releases its locks; a commit is acknowledged (`ACK`) once it is on
//!    disk. When every participant has acknowledged a commit, the coordinator writes `END`
//!    and may forget the transaction; an abort it forgets at once (see presumed abort).
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
//! *No record of a commit means the transaction aborted* (Mohan, Lindsay and Obermarck,
//! "Transaction Management in the R* Distributed Database Management System", 1986). A
//! coordinator that recovers with no decision in its log aborts; a coordinator asked about
//! a transaction it has no commit record for answers abort. So nothing about an abort has
//! to be remembered: the coordinator sends `ABORT` once and forgets the transaction (its
//! `ABORT` record is written but not waited for, and there is no `END`); participants
//! write `ABORT` without waiting for it and do not acknowledge it; a `VOTE NO` leaves
//! before its record. A participant that missed the `ABORT` asks, and is told abort.
//!
//! The exact cost, in forced writes (a write something waits for), counted per outcome
//! by [`forced_writes`]:
//! - a commit: the coordinator's `BEGIN` and `COMMIT`, and each participant's `PREPARED`
//!   and `COMMIT` (`2n + 2`: presumed abort's `2n + 1`, plus this model's `BEGIN`, below);
//! - an abort: the coordinator's `BEGIN`, and `PREPARED` at the participants that had
//!   voted yes before the abort; and an `ABORT` that a participant forces before telling
//!   a peer (see cooperative termination).
//!
//! R* pays nothing before the decision: its transactions carry globally unique names.
//! Here transactions are numbered from the coordinator's log, so the coordinator forces
//! `BEGIN` before anyone hears of a transaction, or a crash could make it reuse a number
//! the participants already know. That one write per transaction, commit or abort, is
//! this model's, not presumed abort's.
//!
//! ## Timeouts
//! - A participant that has not voted yet is still free: if no `PREPARE` comes within its
//!   work timeout it aborts on its own (and will vote no if the prepare shows up later).
//! - The coordinator aborts if the votes do not all arrive within its vote timeout.
//! - The coordinator resends a commit, every retransmit interval, to each participant
//!   that has not acknowledged it, so a lost `COMMIT` or `ACK` only costs time.
//! - A participant is in doubt from its yes vote. Past its decision timeout it is
//!   **blocked**: it asks the coordinator (`INQUIRE`), and again periodically.
//!
//! Safety does not depend on any timeout, so every combination is allowed: a timeout only
//! makes a node ask, or abort a transaction it has not voted yes on. A node tells an
//! outcome only once it cannot forget it: the coordinator's commit is on disk before it
//! leaves; a participant's abort is on disk before it tells a peer; and an abort told from
//! memory by a coordinator that then crashes is presumed again after the restart.
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
//! since it will now vote no, the coordinator cannot have committed. It must force its
//! `ABORT` record before answering: a peer that answered from memory and then crashed
//! could restart knowing nothing of the transaction, do its work when a slow `BEGIN`
//! arrives, and vote yes while the asker has already aborted. But if every peer is
//! itself prepared, nobody knows anything the asker does not, and they all stay blocked
//! until the coordinator recovers. Cooperative termination shortens some outages; it does
//! not remove blocking.
//!
//! ## The two broken variants
//! - **Send before log** (`Variant::SendBeforeLog`): the coordinator sends `COMMIT` while
//!   its `COMMIT` record is still being written. If it crashes in those 2 ms, the
//!   participants that got it commit, but the coordinator restarts with no decision in its
//!   log, presumes abort, and a participant that missed the `COMMIT` aborts: atomicity is
//!   violated.
//! - **Forget vote on crash** (`Variant::ForgetVoteOnCrash`): a participant sends its yes
//!   vote without logging `PREPARED`. If it crashes before the decision arrives, it restarts
//!   believing it never voted, aborts on its own (and tells inquiring peers abort), while
//!   the coordinator, who counted its yes, commits everywhere else.
//!
//! The invariants *atomicity* (no transaction is committed at one node and aborted at
//! another) and *validity* (a transaction commits only if every participant voted yes) are
//! checked after every step, on the logs and states of all nodes, crashed ones included.
mod config;
mod coordinator;
mod durable_log;
mod invariants;
mod messages;
mod notes;
mod participant;
mod participant_card;
mod scenarios;
#[cfg(test)]
mod tests;

pub use config::{
    TwoPcConfig, TxId, Variant, Vote, COORDINATOR, MAX_DURATION, MAX_PARTICIPANTS, MIN_PARTICIPANTS,
};
pub use coordinator::{Coordinator, CoordinatorPhase};
pub use durable_log::{ForcedWrites, Record};
pub use invariants::invariants;
pub use messages::{Cmd, Decision, Msg, Timer};
pub use notes::{CannotHelp, DecisionReason, NoReason, Note};
pub use participant::{Participant, ParticipantPhase};
pub use scenarios::{
    cooperative_termination_blocked, cooperative_termination_helps,
    coordinator_crash_after_prepare, forget_vote_bug, happy_path, lost_commit, one_votes_no,
    participant_crash_before_vote, scenario, scenarios, send_before_log_bug, Scenario,
    ScenarioInfo,
};

use crate::sim::{Ctx, Line, NetConfig, NodeId, NodeSet, Protocol};
use config::Settings;
use durable_log::Storage;

/// A 2PC node: the coordinator (node 0) or a participant (nodes 1 to n).
/// Where a node's decision on a transaction shows (see [`TwoPcNode::reached`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reached {
    /// Its decision record is in its log, on disk.
    InLog,
    /// Decided and acted on, its record not on disk yet.
    InMemory,
}

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

    /// Records on their way to the disk (being written, or waiting for the write in
    /// progress): a crash now loses them.
    pub fn log_pending(&self) -> Vec<Record> {
        let storage = match self {
            TwoPcNode::Coordinator(c) => &c.storage,
            TwoPcNode::Participant(p) => &p.storage,
        };
        storage.pending().copied().collect()
    }

    /// Whether the run has a single transaction (every record is for t1).
    pub fn runs_one_transaction(&self) -> bool {
        let settings = match self {
            TwoPcNode::Coordinator(c) => &c.settings,
            TwoPcNode::Participant(p) => &p.settings,
        };
        settings.transactions == 1
    }

    /// The transaction the node is on (0 when none).
    pub fn tx(&self) -> TxId {
        match self {
            TwoPcNode::Coordinator(c) => c.tx,
            TwoPcNode::Participant(p) => p.tx,
        }
    }

    /// This node's forced log writes, by the outcome of the transaction each was for
    /// (statistics: they survive crashes). Writes for a transaction whose outcome the node
    /// has not learned yet are in [`TwoPcNode::forced_writes_undecided`] until it does.
    pub fn forced_writes(&self) -> ForcedWrites {
        self.storage().forced
    }

    /// This node's forced log writes for transactions whose outcome it does not know yet
    /// (a coordinator's `BEGIN` before its decision, an in-doubt participant's `PREPARED`):
    /// already paid, and counted by outcome once the node learns it.
    pub fn forced_writes_undecided(&self) -> u64 {
        self.storage().forced_undecided()
    }

    fn storage(&self) -> &Storage {
        match self {
            TwoPcNode::Coordinator(c) => &c.storage,
            TwoPcNode::Participant(p) => &p.storage,
        }
    }

    /// Whether the node has reached `decision` on `tx`, and where that shows: in its log
    /// (durable) or in memory (decided and acted on, not yet on disk).
    pub fn reached(&self, tx: TxId, decision: Decision) -> Option<Reached> {
        if self.storage().has(decision.record(tx)) {
            return Some(Reached::InLog);
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
        in_memory.then_some(Reached::InMemory)
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
    type Note = Note;
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

    /// The participants are interchangeable: they run the same code, none is special, and
    /// the only node ids kept anywhere are the bit masks of participants (the coordinator's
    /// yes votes and acknowledgements, a participant's peers owed an abort), renamed here.
    /// Messages and timers name transactions only. The invariants (atomicity, validity)
    /// ask about every participant alike.
    fn symmetry(nodes: &[&Self]) -> Option<crate::sim::protocol::Symmetry<Self>> {
        let participants = (0..nodes.len() as u32)
            .map(NodeId)
            .filter(|n| nodes[n.index()].as_participant().is_some())
            .collect();
        Some(crate::sim::protocol::Symmetry {
            classes: vec![participants],
            state: |node, r| {
                let rename = |mask: u8| r.bits(u64::from(mask)) as u8;
                let mut node = node.clone();
                match &mut node {
                    TwoPcNode::Coordinator(c) => {
                        c.yes_votes = rename(c.yes_votes);
                        c.acks = rename(c.acks);
                    }
                    TwoPcNode::Participant(p) => p.peers_owed_abort = rename(p.peers_owed_abort),
                }
                node
            },
            msg: |msg, _| *msg,
            timer: |timer, _| *timer,
        })
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

    fn detail_lines(&self) -> Vec<Line> {
        match self {
            TwoPcNode::Coordinator(c) => c.detail_lines(),
            TwoPcNode::Participant(p) => p.detail_lines(),
        }
    }

    /// Message names are the protocol's vocabulary (`PREPARE t1`), the same in every
    /// language.
    fn msg_label(msg: &Msg) -> Line {
        Line::value(msg)
    }

    fn timer_label(timer: &Timer) -> Line {
        timer.label()
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

/// A node's name inside a line: the coordinator's is a word, translated with the line
/// (its English reads "coordinator", exactly [`node_name`]); a participant's is a name.
pub fn node_line(id: NodeId) -> crate::sim::Line {
    match id.0 {
        0 => crate::sim::Line::tr("coordinator"),
        _ => crate::sim::Line::value(node_name(id)),
    }
}

/// The names of the nodes of a run, in id order.
pub fn node_names(config: &TwoPcConfig) -> Vec<String> {
    let count = Settings::new(config).participants + 1;
    (0..count).map(|i| node_name(NodeId(i))).collect()
}

/// Every node's forced log writes added up, by outcome: what presumed abort saves shows
/// as a small abort column.
pub fn forced_writes(nodes: &NodeSet<'_, TwoPcNode>) -> ForcedWrites {
    nodes
        .iter()
        .fold(ForcedWrites::default(), |sum, (_, node, _)| {
            sum.plus(node.forced_writes())
        })
}

/// The suggested network: 10 to 30 ms of latency, no loss.
pub fn net_config() -> NetConfig {
    NetConfig::default()
}
