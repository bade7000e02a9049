//! The record of a run: every event with what a space-time diagram needs to draw it.
use super::network::NetChange;
use super::protocol::{Ctx, Line, NodeId, Protocol};
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
        message: Line,
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

/// A trace with its protocol's messages, timers, commands and notes already put in words
/// (see [`TraceKind::worded`]). The code that reads a trace for people (the event log, the
/// diagram's rows) then reads one type for every scene, so the bundle carries one copy of
/// it instead of one per scene. A `Worded` node never runs: it only names the words' types.
/// Messages and timers stay [`Line`]s, so a reader puts them in the page's language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Worded;

impl Protocol for Worded {
    type Msg = Line;
    type Timer = Line;
    type Cmd = String;
    type Note = NoteWords;
    fn on_start(&mut self, _: &mut Ctx<'_, Self>) {}
    fn on_message(&mut self, _: &mut Ctx<'_, Self>, _: NodeId, _: Line) {}
    fn on_timer(&mut self, _: &mut Ctx<'_, Self>, _: Line) {}
    fn on_command(&mut self, _: &mut Ctx<'_, Self>, _: String) {}
    fn on_crash(&mut self) {}
    fn state_label(&self) -> &'static str {
        ""
    }
    fn msg_label(msg: &Line) -> Line {
        msg.clone()
    }
    fn timer_label(timer: &Line) -> Line {
        timer.clone()
    }
}

/// A node's note in words, and whether it is routine: bookkeeping such as a timer being set
/// or a write reaching the disk, which the log keeps but a caption never puts before a
/// decision (see `Scene::routine_note`); or a flaw: a broken variant breaking a rule of the
/// protocol, which a caption tells first (see `Scene::broken_variant_note`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NoteWords {
    pub text: String,
    pub routine: bool,
    /// The note is the step's change on the stage (see `Scene::note_changes_stage`).
    pub changes_stage: bool,
    pub flaw: bool,
}

/// How a reader puts a protocol's typed parts in words (for [`TraceKind::worded`]).
pub struct Words<'a, P: Protocol> {
    pub msg: &'a dyn Fn(&P::Msg) -> Line,
    pub timer: &'a dyn Fn(&P::Timer) -> Line,
    pub cmd: &'a dyn Fn(&P::Cmd) -> String,
    pub note: &'a dyn Fn(NodeId, &P::Note) -> NoteWords,
}

impl<P: Protocol> TraceEntry<P> {
    /// This entry with its message, timer, command or note put in `words`.
    pub fn worded(&self, words: &Words<'_, P>) -> TraceEntry<Worded> {
        TraceEntry {
            step: self.step,
            time: self.time,
            kind: self.kind.worded(words),
        }
    }
}

impl<P: Protocol> TraceKind<P> {
    /// This entry with its message, timer, command or note put in `words`; the rest as is.
    pub fn worded(&self, words: &Words<'_, P>) -> TraceKind<Worded> {
        use TraceKind as K;
        match self {
            K::Send {
                id,
                from,
                to,
                msg,
                arrives,
                copy_of,
            } => K::Send {
                id: *id,
                from: *from,
                to: *to,
                msg: (words.msg)(msg),
                arrives: *arrives,
                copy_of: *copy_of,
            },
            K::Deliver { id, from, to, msg } => K::Deliver {
                id: *id,
                from: *from,
                to: *to,
                msg: (words.msg)(msg),
            },
            K::Drop {
                id,
                from,
                to,
                reason,
                msg,
            } => K::Drop {
                id: *id,
                from: *from,
                to: *to,
                reason: *reason,
                msg: (words.msg)(msg),
            },
            K::Delay {
                id,
                from,
                to,
                by,
                arrives,
                msg,
            } => K::Delay {
                id: *id,
                from: *from,
                to: *to,
                by: *by,
                arrives: *arrives,
                msg: (words.msg)(msg),
            },
            K::Timer { node, timer } => K::Timer {
                node: *node,
                timer: (words.timer)(timer),
            },
            K::Command { node, cmd } => K::Command {
                node: *node,
                cmd: (words.cmd)(cmd),
            },
            K::Note { node, note } => K::Note {
                node: *node,
                note: (words.note)(*node, note),
            },
            K::Start { node } => K::Start { node: *node },
            K::Crash { node } => K::Crash { node: *node },
            K::Restart { node } => K::Restart { node: *node },
            K::Pause { node } => K::Pause { node: *node },
            K::Resume { node } => K::Resume { node: *node },
            K::Network { change } => K::Network {
                change: change.clone(),
            },
            K::State { node, from, to } => K::State {
                node: *node,
                from,
                to,
            },
            K::Ignored { why } => K::Ignored { why: why.clone() },
            K::Violation { invariant, message } => K::Violation {
                invariant: *invariant,
                message: message.clone(),
            },
        }
    }
}
