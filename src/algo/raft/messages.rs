//! What travels between Raft nodes, the timers, and the commands a person gives.
//!
//! The RPCs are those of Figure 2 (RequestVote, AppendEntries) and Figure 13
//! (InstallSnapshot), each reply carrying the replier's term so that a stale sender learns
//! it is behind. Two fields are this simulation's additions, both from the dissertation:
//! `pre_vote` (§9.6) and the heartbeat `round` a leader uses to confirm its leadership for
//! ReadIndex reads (§6.4). Clients talk to servers with `Request` and `Reply`.
use super::kv::{KvStore, Op, OpResult};
use super::log::{Entry, Index, Term};
use super::members::Members;
use super::notes::Note;
use crate::sim::{Line, NodeId, Protocol, Time};
use std::fmt;
use std::str::FromStr;

/// A state machine snapshot with the log position it replaces (§7). `chain` is ghost state
/// for the invariants (the log chain at `last_index`); the protocol never reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Snapshot {
    pub last_index: Index,
    pub last_term: Term,
    pub members: Members,
    pub store: KvStore,
    pub chain: u64,
}

/// A follower's hint after a failed consistency check (§5.3): the term of its entry at the
/// leader's `prev_index` and the first index of that term in its log; or, when its log is
/// too short, no term and the index just after its last entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConflictHint {
    pub term: Option<Term>,
    pub first_index: Index,
}

/// A server's answer to a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    Done(OpResult),
    /// "I am not the leader; try this one" (if the server knows who leads).
    NotLeader(Option<NodeId>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    RequestVote {
        term: Term,
        last_log_index: Index,
        last_log_term: Term,
        /// A pre-vote asks "would you vote for me in `term`?" and changes nobody's term.
        pre_vote: bool,
        /// Sent after a "time out now": voters must not ignore it for having heard from
        /// a leader recently (dissertation §4.2.3, §3.10).
        transfer: bool,
    },
    VoteReply {
        term: Term,
        granted: bool,
        pre_vote: bool,
    },
    AppendEntries {
        term: Term,
        prev_index: Index,
        prev_term: Term,
        entries: Vec<Entry>,
        leader_commit: Index,
        round: u64,
    },
    AppendReply {
        term: Term,
        success: bool,
        /// On success, the last index known to match the leader's log; on failure, the
        /// `prev_index` that did not match.
        index: Index,
        hint: Option<ConflictHint>,
        round: u64,
    },
    InstallSnapshot {
        term: Term,
        snapshot: Box<Snapshot>,
        round: u64,
    },
    SnapshotReply {
        term: Term,
        last_index: Index,
        round: u64,
    },
    Request {
        serial: u64,
        op: Op,
    },
    Reply {
        serial: u64,
        answer: Answer,
    },
}

impl Msg {
    /// A short label for the views.
    /// The RPCs keep their names from the paper (`RequestVote`, `AppendEntries`), as
    /// Chinese texts on Raft do; the words around them are translated.
    pub fn label(&self) -> Line {
        match self {
            Msg::RequestVote {
                term,
                pre_vote: true,
                ..
            } => Line::value(format_args!("PreVote t{term}")),
            Msg::RequestVote { term, .. } => Line::value(format_args!("RequestVote t{term}")),
            Msg::VoteReply {
                term,
                granted,
                pre_vote,
            } => Line::tr(match (pre_vote, granted) {
                (true, true) => "pre-vote yes t{term}",
                (true, false) => "pre-vote no t{term}",
                (false, true) => "vote yes t{term}",
                (false, false) => "vote no t{term}",
            })
            .with("term", term),
            Msg::AppendEntries {
                term,
                prev_index,
                entries,
                ..
            } if entries.is_empty() => Line::tr("heartbeat t{term} @{index}")
                .with("term", term)
                .with("index", prev_index),
            Msg::AppendEntries {
                term,
                prev_index,
                entries,
                ..
            } => Line::value(format_args!(
                "AppendEntries t{term} [{}..{}]",
                prev_index + 1,
                prev_index + entries.len() as Index
            )),
            Msg::AppendReply {
                term,
                success: true,
                index,
                ..
            } => Line::value(format_args!("ok t{term} ≤{index}")),
            Msg::AppendReply { term, index, .. } => Line::tr("reject t{term} @{index}")
                .with("term", term)
                .with("index", index),
            Msg::InstallSnapshot { term, snapshot, .. } => Line::value(format_args!(
                "InstallSnapshot t{term} ≤{}",
                snapshot.last_index
            )),
            Msg::SnapshotReply {
                term, last_index, ..
            } => Line::tr("snapshot ok t{term} ≤{index}")
                .with("term", term)
                .with("index", last_index),
            Msg::Request { op, .. } => Line::value(op),
            Msg::Reply {
                answer: Answer::Done(result),
                ..
            } => Line::value(result),
            Msg::Reply {
                answer: Answer::NotLeader(Some(leader)),
                ..
            } => Line::tr("not leader, try {server}").with("server", leader),
            Msg::Reply { .. } => Line::tr("not leader"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// Follower or candidate: no leader heard from in time, start an election. Leader
    /// with CheckQuorum: time to check that a majority answered during the last timeout.
    Election,
    /// Leader: send AppendEntries to every follower.
    Heartbeat,
    /// Client: no answer in time; try another server.
    ClientRetry,
    /// Client: start the next operation of the workload.
    ClientThink,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::Election => "election timeout",
            Timer::Heartbeat => "heartbeat",
            Timer::ClientRetry => "request timeout",
            Timer::ClientThink => "next operation",
        })
    }
}

/// A person's input (written in links).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmd {
    /// To a client: run this operation (`put:x:5`, `get:x`).
    Client(Op),
    /// To a server: start an election now (`timeout`).
    TimeoutNow,
    /// To the leader: add this server to the configuration (`add:5`).
    AddServer(NodeId),
    /// To the leader: remove this server (`remove:2`).
    RemoveServer(NodeId),
    /// To a follower or candidate: make its election timer fire this many milliseconds from
    /// now (`timer:120`); the UI sends one per server to spread or align the timers.
    ElectionTimer(u64),
}

/// Longest `timer:MS` a command may ask for, in milliseconds.
pub const MAX_TIMER_MS: u64 = 10_000;

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Client(op) => write!(f, "{op}"),
            Cmd::TimeoutNow => f.write_str("timeout"),
            Cmd::AddServer(n) => write!(f, "add:{}", n.0),
            Cmd::RemoveServer(n) => write!(f, "remove:{}", n.0),
            Cmd::ElectionTimer(ms) => write!(f, "timer:{ms}"),
        }
    }
}

impl FromStr for Cmd {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let server = |n: &str| -> Result<NodeId, String> {
            match n.parse::<u32>() {
                Ok(id) if id < Members::LIMIT => Ok(NodeId(id)),
                _ => Err(format!("\"{n}\" is not a server number")),
            }
        };
        match s.split_once(':') {
            None if s == "timeout" => Ok(Cmd::TimeoutNow),
            Some(("put" | "get", _)) => s.parse().map(Cmd::Client),
            Some(("add", n)) => server(n).map(Cmd::AddServer),
            Some(("remove", n)) => server(n).map(Cmd::RemoveServer),
            Some(("timer", ms)) => match ms.parse::<u64>() {
                Ok(ms) if ms <= MAX_TIMER_MS => Ok(Cmd::ElectionTimer(ms)),
                _ => Err(format!(
                    "a timer is a number of milliseconds up to {MAX_TIMER_MS}, not \"{ms}\""
                )),
            },
            _ => Err(format!(
                "\"{s}\" is not a Raft command (expected put:KEY:VALUE, get:KEY, timeout, \
                 add:N, remove:N or timer:MS)"
            )),
        }
    }
}

impl Cmd {
    /// The timer command's delay.
    pub fn timer_delay(ms: u64) -> Time {
        Time::from_millis(ms.min(MAX_TIMER_MS))
    }
}

/// What the Raft handlers need of the node type that hosts them: its messages, timers and
/// notes are Raft's. The handlers are generic over it, so that they depend on these types
/// only and not on the node enum that combines servers and clients.
pub trait Host: Protocol<Msg = Msg, Timer = Timer, Note = Note> {}
impl<P: Protocol<Msg = Msg, Timer = Timer, Note = Note>> Host for P {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_as_text() {
        for text in [
            "put:x:5",
            "get:y",
            "timeout",
            "add:5",
            "remove:0",
            "timer:120",
        ] {
            let cmd: Cmd = text.parse().expect("a command");
            assert_eq!(cmd.to_string(), text);
        }
        for bad in ["add:99", "timer:99999", "put:x", "elect", "remove:-1"] {
            assert!(bad.parse::<Cmd>().is_err(), "{bad}");
        }
    }
}
