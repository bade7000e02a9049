//! The space-time diagram's rows: the trace of a window of steps, one row per thing that
//! happened, typed for drawing (kind, lane, peer, message) and labelled with a [`Line`] that
//! the diagram shows in the page's language.
use super::protocol::{Line, NodeId};
use super::time::Time;
use super::trace::{DropReason, MsgId, TraceEntry, TraceKind, Worded};

/// What kind of mark a trace row is on the space-time diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Start,
    Send,
    Deliver,
    Drop,
    Delay,
    Timer,
    Command,
    Crash,
    Restart,
    Pause,
    Resume,
    Network,
    State,
    Ignored,
    Violation,
    Note,
}

/// One trace entry, labelled for people.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub step: u64,
    pub time: Time,
    pub kind: RowKind,
    /// The lane it is drawn on (none for network-wide rows).
    pub node: Option<u32>,
    /// For sends, delivers and drops: the other end and the message.
    pub peer: Option<u32>,
    pub msg: Option<u64>,
    /// For sends: when the message arrives.
    pub arrives: Option<Time>,
    /// For state changes: the state entered, as `Protocol::state_label` names it (views
    /// draw it from here, never by parsing `label`).
    pub state: Option<&'static str>,
    /// What happened, for the diagram's tooltip (`crate::i18n::line` puts it in words).
    pub label: Line,
}

/// The diagram's rows of trace entries in words (one copy for every scene: see [`Worded`]).
/// Each row's label is a [`Line`], so the diagram shows it in the page's language; the
/// templates are the event log's where the row knows as much as the log does. Never
/// inlined, so that every scene's generic `rows` shares this one copy.
#[inline(never)]
pub(super) fn rows_of(
    entries: &[TraceEntry<Worded>],
    names: &[String],
    invariants: &[&'static str],
) -> Vec<TraceRow> {
    let name = |id: NodeId| {
        names
            .get(id.index())
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    // A message between two nodes, in one of the log's sentences.
    let between = |template: &'static str, msg: &Line, from: NodeId, to: NodeId| {
        Line::tr(template)
            .text("message", msg.clone())
            .with("from", name(from))
            .with("to", name(to))
    };
    let of_node =
        |template: &'static str, node: NodeId| Line::tr(template).with("node", name(node));
    entries
        .iter()
        .map(|e| {
            let mut row = TraceRow {
                step: e.step,
                time: e.time,
                kind: RowKind::Network,
                node: e.kind.node().map(|n| n.0),
                peer: None,
                msg: None,
                arrives: None,
                state: None,
                label: Line::value(""),
            };
            let peer = |n: NodeId| Some(n.0);
            let msg = |m: MsgId| Some(m.0);
            match &e.kind {
                TraceKind::Start { node } => {
                    row.kind = RowKind::Start;
                    row.label = of_node("{node} starts", *node);
                }
                TraceKind::Send {
                    id,
                    from,
                    to,
                    msg: m,
                    arrives,
                    copy_of,
                } => {
                    row.kind = RowKind::Send;
                    (row.peer, row.msg, row.arrives) = (peer(*to), msg(*id), Some(*arrives));
                    row.label = if copy_of.is_some() {
                        between("{from} sends a duplicate of {message} to {to}", m, *from, *to)
                    } else {
                        between("{from} sends {message} to {to}", m, *from, *to)
                    };
                }
                TraceKind::Deliver { id, from, to, msg: m } => {
                    row.kind = RowKind::Deliver;
                    (row.peer, row.msg) = (peer(*from), msg(*id));
                    row.label = between("{to} receives {message} from {from}", m, *from, *to);
                }
                TraceKind::Drop {
                    id,
                    from,
                    to,
                    reason,
                    msg: m,
                } => {
                    row.kind = RowKind::Drop;
                    (row.peer, row.msg) = (peer(*from), msg(*id));
                    let template = match reason {
                        DropReason::Lost => "the network loses {message} from {from} to {to}",
                        DropReason::Partition => {
                            "{message} from {from} to {to} is lost: the link is cut"
                        }
                        DropReason::NodeDown => "{message} from {from} to {to} is lost: {to} is down",
                        DropReason::ByUser => "{message} from {from} to {to} is dropped by hand",
                    };
                    row.label = between(template, m, *from, *to);
                }
                TraceKind::Delay {
                    id,
                    from,
                    to,
                    by,
                    arrives,
                    msg: m,
                } => {
                    row.kind = RowKind::Delay;
                    (row.peer, row.msg, row.arrives) = (peer(*from), msg(*id), Some(*arrives));
                    row.label = between(
                        "{message} from {from} to {to} is held back by {delay}: it arrives at {time}",
                        m,
                        *from,
                        *to,
                    )
                    .with("delay", by)
                    .with("time", arrives);
                }
                TraceKind::Timer { node, timer } => {
                    row.kind = RowKind::Timer;
                    row.label = of_node("{node}'s {timer} timer fires", *node).text("timer", timer.clone());
                }
                TraceKind::Command { node, cmd } => {
                    row.kind = RowKind::Command;
                    row.label = of_node("{node} is told: {command}", *node).with("command", cmd);
                }
                TraceKind::Crash { node } => {
                    row.kind = RowKind::Crash;
                    row.label = of_node("{node} crashes", *node);
                }
                TraceKind::Restart { node } => {
                    row.kind = RowKind::Restart;
                    row.label = of_node("{node} restarts", *node);
                }
                TraceKind::Pause { node } => {
                    row.kind = RowKind::Pause;
                    row.label = of_node("{node} pauses (a long GC, a frozen VM)", *node);
                }
                TraceKind::Resume { node } => {
                    row.kind = RowKind::Resume;
                    row.label = of_node("{node} resumes and handles what waited for it", *node);
                }
                TraceKind::Network { change } => {
                    row.kind = RowKind::Network;
                    row.label = change.sentence(&name);
                }
                TraceKind::State { node, from, to } => {
                    row.kind = RowKind::State;
                    row.state = Some(to);
                    row.label = of_node("{node}: {from} → {to}", *node)
                        .text("from", Line::tr(from))
                        .text("to", Line::tr(to));
                }
                TraceKind::Ignored { why } => {
                    row.kind = RowKind::Ignored;
                    row.label = Line::tr("ignored: {why}").with("why", why);
                }
                TraceKind::Note { note, .. } => {
                    row.kind = RowKind::Note;
                    row.label = Line::value(&note.text);
                }
                TraceKind::Violation { invariant, message } => {
                    row.kind = RowKind::Violation;
                    let name = invariants.get(*invariant as usize).copied().unwrap_or("?");
                    row.label = Line::tr("{invariant} is violated: {message}")
                        .text("invariant", Line::tr(name))
                        .text("message", message.clone());
                }
            }
            row
        })
        .collect()
}
