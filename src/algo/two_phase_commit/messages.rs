//! What travels between the nodes, their timers, and the commands a person gives them.
use super::config::{TxId, Vote};
use crate::sim::Line;
use std::fmt;
use std::str::FromStr;

/// The outcome of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Commit,
    Abort,
}

impl Decision {
    pub(super) fn message(self, tx: TxId) -> Msg {
        match self {
            Decision::Commit => Msg::Commit(tx),
            Decision::Abort => Msg::Abort(tx),
        }
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

impl Timer {
    /// The timer's name on the views.
    pub fn label(&self) -> Line {
        let (template, tx) = match *self {
            Timer::Flush => return Line::tr("flush log"),
            Timer::Recover => return Line::tr("read log"),
            Timer::NextTransaction => return Line::tr("next transaction"),
            Timer::WorkDone(t) => ("work done t{tx}", t),
            Timer::VoteTimeout(t) => ("vote timeout t{tx}", t),
            Timer::Retransmit(t) => ("retransmit t{tx}", t),
            Timer::WorkTimeout(t) => ("work timeout t{tx}", t),
            Timer::DecisionTimeout(t) => ("decision timeout t{tx}", t),
        };
        Line::tr(template).with("tx", tx)
    }
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.label(), f)
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
