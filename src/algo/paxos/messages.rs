//! What travels between nodes (the four Paxos messages plus the helpers around them), the
//! timers nodes set, and the commands a person can give.
//!
//! The four messages of *Paxos Made Simple* §2.2, with Lamport's names in brackets:
//! - `Prepare(b, from_slot)` (phase 1a, "prepare request"): "promise me you will ignore
//!   every ballot below `b`, and tell me what you have accepted". In Multi-Paxos one
//!   prepare covers every slot from `from_slot` on (§3).
//! - `Promise(b, accepted)` (phase 1b): the promise, with the highest-ballot value the
//!   acceptor accepted in each of those slots.
//! - `Accept(b, slot, v)` (phase 2a, "accept request").
//! - `Accepted(b, slot, v)` (phase 2b), sent to the learners and to the ballot's proposer.
//!
//! An acceptor that refuses answers `Nack` with the higher ballot it promised, so that the
//! proposer stops wasting its time and knows what to overtake (an optimisation Lamport
//! mentions in §2.5; without it the proposer just times out).
use super::ballot::{Ballot, Slot};
use super::value::{CmdId, Value, Word};
use crate::sim::{Line, NodeId};
use std::fmt;
use std::str::FromStr;

/// An acceptor's accepted value in one slot, as reported in a promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SlotVote {
    pub slot: Slot,
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Phase 1a.
    Prepare { ballot: Ballot, from_slot: Slot },
    /// Phase 1b: what the acceptor accepted in slots `from_slot` and above.
    Promise {
        ballot: Ballot,
        accepted: Vec<SlotVote>,
    },
    /// Phase 2a.
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// Phase 2b.
    Accepted {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// "I promised `promised`, which is above your `ballot`."
    Nack { ballot: Ballot, promised: Ballot },
    /// Failure detector: "I am alive"; with how many slots from 0 the sender has learned,
    /// so that a learner that missed some can tell.
    Heartbeat { learned_prefix: Slot },
    /// A value for a proposer to get chosen: from a client, or forwarded by a proposer
    /// that is not the leader (`hops` counts forwards, so two proposers that each think
    /// the other leads do not bounce it forever).
    Request { value: Value, hops: u8 },
    /// The leader's answer to a client once its command is applied (a get's result).
    Reply { id: CmdId, result: Option<Word> },
    /// A learner that missed a decision asks the other learners.
    AskDecided { slot: Slot },
    /// "Slot `slot` is decided: `value`", from a learner that learned it.
    Decided { slot: Slot, value: Value },
}

impl Msg {
    /// Which family a message belongs to, for counting.
    pub fn kind(&self) -> MsgKind {
        match self {
            Msg::Prepare { .. } => MsgKind::Prepare,
            Msg::Promise { .. } => MsgKind::Promise,
            Msg::Accept { .. } => MsgKind::Accept,
            Msg::Accepted { .. } => MsgKind::Accepted,
            Msg::Nack { .. } => MsgKind::Nack,
            Msg::Heartbeat { .. } => MsgKind::Heartbeat,
            Msg::Request { .. } | Msg::Reply { .. } => MsgKind::Client,
            Msg::AskDecided { .. } | Msg::Decided { .. } => MsgKind::CatchUp,
        }
    }

    /// The label on the views: `prepare 3.1`, `accept 3.1 [2] put x=1`.
    /// In Chinese the phases keep the paper's names (Prepare, Promise, Accept, Accepted,
    /// Nack), as Chinese texts on Paxos do; the words around them are translated.
    pub fn label(&self) -> Line {
        let slot = |s: &Slot| format!(" [{s}]");
        match self {
            Msg::Prepare { ballot, from_slot } if *from_slot == 0 => {
                Line::tr("prepare {ballot}").with("ballot", ballot)
            }
            Msg::Prepare { ballot, from_slot } => Line::tr("prepare {ballot} from [{slot}]")
                .with("ballot", ballot)
                .with("slot", from_slot),
            Msg::Promise { ballot, accepted } => match accepted.as_slice() {
                [] => Line::tr("promise {ballot}").with("ballot", ballot),
                [one] => Line::tr("promise {ballot}, had {value} at {at}")
                    .with("ballot", ballot)
                    .with("value", one.value)
                    .with("at", one.ballot),
                many => Line::tr("promise {ballot}, had {n} values")
                    .with("ballot", ballot)
                    .with("n", many.len()),
            },
            Msg::Accept {
                ballot,
                slot: s,
                value,
            } => Line::tr("accept {ballot}{slot} {value}")
                .with("ballot", ballot)
                .with("slot", slot(s))
                .with("value", value),
            Msg::Accepted {
                ballot,
                slot: s,
                value,
            } => Line::tr("accepted {ballot}{slot} {value}")
                .with("ballot", ballot)
                .with("slot", slot(s))
                .with("value", value),
            Msg::Nack { ballot, promised } => Line::tr("nack {ballot}: promised {promised}")
                .with("ballot", ballot)
                .with("promised", promised),
            Msg::Heartbeat { .. } => Line::tr("heartbeat"),
            Msg::Request { value, .. } => Line::tr("request {value}").with("value", value),
            Msg::Reply {
                result: Some(v), ..
            } => Line::tr("reply {value}").with("value", v),
            Msg::Reply { .. } => Line::tr("reply ok"),
            Msg::AskDecided { slot: s } => {
                Line::tr("what was decided{slot}?").with("slot", slot(s))
            }
            Msg::Decided { slot: s, value } => Line::tr("decided{slot} {value}")
                .with("slot", slot(s))
                .with("value", value),
        }
    }
}

/// Families of messages, for the benchmark's counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MsgKind {
    Prepare,
    Promise,
    Accept,
    Accepted,
    Nack,
    Heartbeat,
    Client,
    CatchUp,
}

/// Messages sent by one node, by family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MsgCounts {
    pub prepare: u64,
    pub promise: u64,
    pub accept: u64,
    pub accepted: u64,
    pub nack: u64,
    pub heartbeat: u64,
    pub client: u64,
    pub catch_up: u64,
}

impl MsgCounts {
    pub fn count(&mut self, kind: MsgKind) {
        let field = match kind {
            MsgKind::Prepare => &mut self.prepare,
            MsgKind::Promise => &mut self.promise,
            MsgKind::Accept => &mut self.accept,
            MsgKind::Accepted => &mut self.accepted,
            MsgKind::Nack => &mut self.nack,
            MsgKind::Heartbeat => &mut self.heartbeat,
            MsgKind::Client => &mut self.client,
            MsgKind::CatchUp => &mut self.catch_up,
        };
        *field += 1;
    }

    pub fn add(&mut self, other: &MsgCounts) {
        self.prepare += other.prepare;
        self.promise += other.promise;
        self.accept += other.accept;
        self.accepted += other.accepted;
        self.nack += other.nack;
        self.heartbeat += other.heartbeat;
        self.client += other.client;
        self.catch_up += other.catch_up;
    }

    /// The consensus messages proper: prepare, promise, accept, accepted and nack.
    pub fn paxos(&self) -> u64 {
        self.prepare + self.promise + self.accept + self.accepted + self.nack
    }
}

/// Timers. Setting a timer that is already set replaces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// Proposer: the configured proposal number `index` is due.
    Proposal(u32),
    /// Proposer: no quorum in time (phase 1: try a higher ballot; phase 2: resend).
    PhaseTimeout,
    /// Proposer: the wait after a failed ballot is over.
    Retry,
    /// Failure detector: send heartbeats and look for silent proposers.
    Heartbeat,
    /// Learner: ask the others about a slot it missed.
    CatchUp,
    /// Client: the next command is due.
    ClientNext,
    /// Client: no answer in time.
    ClientTimeout,
}

impl Timer {
    pub fn label(&self) -> Line {
        Line::tr(match self {
            Timer::Proposal(i) => return Line::tr("proposal #{n}").with("n", i + 1),
            Timer::PhaseTimeout => "phase timeout",
            Timer::Retry => "retry",
            Timer::Heartbeat => "heartbeat",
            Timer::CatchUp => "catch up",
            Timer::ClientNext => "next command",
            Timer::ClientTimeout => "client timeout",
        })
    }
}

/// What a person (or a scenario) can ask of a node. Text forms, as in links:
/// `propose:red`, `ballot`, `put:x:1`, `get:x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmd {
    /// A proposer: propose this value (single-decree) or append it to the log (Multi).
    Propose(Word),
    /// A proposer: start a new, higher ballot now, whatever it was doing.
    StartBallot,
    /// A client or proposer: submit `put key value` to the replicated store.
    Put(Word, Word),
    /// A client or proposer: submit `get key`.
    Get(Word),
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Propose(v) => write!(f, "propose:{v}"),
            Cmd::StartBallot => f.write_str("ballot"),
            Cmd::Put(k, v) => write!(f, "put:{k}:{v}"),
            Cmd::Get(k) => write!(f, "get:{k}"),
        }
    }
}

impl FromStr for Cmd {
    /// Why the text is not a command, typed for the page's language (a value that is not a
    /// [`Word`] says so in [`Word::new`]'s words).
    type Err = Line;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.as_slice() {
            ["propose", v] => Ok(Cmd::Propose(v.parse()?)),
            ["ballot"] => Ok(Cmd::StartBallot),
            ["put", k, v] => Ok(Cmd::Put(k.parse()?, v.parse()?)),
            ["get", k] => Ok(Cmd::Get(k.parse()?)),
            _ => Err(Line::tr(
                "unknown command \"{command}\" (expected propose:value, ballot, put:key:value or get:key)",
            )
            .with("command", s)),
        }
    }
}

/// Who a message is for when it goes to "the learners and the proposer": each once.
pub fn learners_and(learners: &[NodeId], proposer: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    let extra = (!learners.contains(&proposer)).then_some(proposer);
    learners.iter().copied().chain(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_through_text() {
        let w = Word::lit;
        for cmd in [
            Cmd::Propose(w("red")),
            Cmd::StartBallot,
            Cmd::Put(w("x"), w("42")),
            Cmd::Get(w("x")),
        ] {
            assert_eq!(cmd.to_string().parse::<Cmd>(), Ok(cmd));
        }
        for bad in ["propose", "propose:RED", "put:x", "get", "ballot:1", "nope"] {
            assert!(bad.parse::<Cmd>().is_err(), "{bad}");
        }
    }
}
