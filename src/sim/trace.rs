//! The record of a run: every event with what a space-time diagram needs to draw it.
use super::network::NetChange;
use super::protocol::{NodeId, Protocol};
use super::time::Time;

/// A message's identity: every send (and every duplicate) gets a fresh one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgId(pub u64);

/// Why a message never reached its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// The network lost it (the loss probability).
    Lost,
    /// The link was cut when it was sent or when it arrived.
    Partition,
    /// It arrived at a crashed node.
    NodeDown,
    /// A person dropped it by hand.
    ByUser,
}

impl DropReason {
    pub fn label(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::Partition => "partition",
            DropReason::NodeDown => "node down",
            DropReason::ByUser => "dropped by user",
        }
    }
}

/// One thing that happened. A step (one event or one user action) records one or more
/// entries: the event itself, then the sends, timers and state changes it caused.
#[derive(Clone, Debug)]
pub enum TraceKind<P: Protocol> {
    Start {
        node: NodeId,
    },
    Send {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        /// When it will arrive (or be found lost); equal to the send time when it was
        /// dropped on the spot by a cut link.
        arrives: Time,
        /// Set on the extra copy the network made of another message.
        copy_of: Option<MsgId>,
    },
    Deliver {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        /// The message, for captions ("P2 receives PREPARE t1").
        msg: P::Msg,
    },
    Drop {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
        msg: P::Msg,
    },
    /// A person held a message in flight back (`Action::DelayMessage`).
    Delay {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        /// How much later it arrives than it would have.
        by: Time,
        /// When it arrives now.
        arrives: Time,
        msg: P::Msg,
    },
    Timer {
        node: NodeId,
        timer: P::Timer,
    },
    Command {
        node: NodeId,
        cmd: P::Cmd,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Pause {
        node: NodeId,
    },
    Resume {
        node: NodeId,
    },
    Network {
        change: NetChange,
    },
    State {
        node: NodeId,
        from: &'static str,
        to: &'static str,
    },
    /// A user action that could not apply (e.g. crashing a node that is already down).
    Ignored {
        why: String,
    },
    Violation {
        invariant: u32,
        message: String,
    },
    /// A node narrated a decision (see `Ctx::note`).
    Note {
        node: NodeId,
        note: P::Note,
    },
}

#[derive(Clone, Debug)]
pub struct TraceEntry<P: Protocol> {
    pub step: u64,
    pub time: Time,
    pub kind: TraceKind<P>,
}

impl<P: Protocol> TraceKind<P> {
    /// The node whose lane this entry is drawn on.
    pub fn node(&self) -> Option<NodeId> {
        match self {
            TraceKind::Start { node }
            | TraceKind::Timer { node, .. }
            | TraceKind::Command { node, .. }
            | TraceKind::Crash { node }
            | TraceKind::Restart { node }
            | TraceKind::Pause { node }
            | TraceKind::Resume { node }
            | TraceKind::State { node, .. }
            | TraceKind::Note { node, .. } => Some(*node),
            TraceKind::Send { from, .. } => Some(*from),
            TraceKind::Deliver { to, .. }
            | TraceKind::Drop { to, .. }
            | TraceKind::Delay { to, .. } => Some(*to),
            TraceKind::Network { .. } | TraceKind::Ignored { .. } | TraceKind::Violation { .. } => {
                None
            }
        }
    }
}
