//! The sans-IO contract between the kernel and a simulated node.
//!
//! A node is a plain state machine. It never reads a clock, never does I/O and never draws
//! randomness of its own: the kernel calls one of its handlers with a [`Ctx`], the handler
//! updates the node's fields and *records* effects (send a message, set or cancel a timer),
//! and the kernel carries those effects out. Because every input arrives through a handler
//! and every random draw comes from the context, a seed and a list of user actions fully
//! determine a run.
use super::rng::SimRng;
use super::time::Time;
use std::fmt;
use std::hash::Hash;

/// A node's index in the simulation (0-based, in the order the scene created them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// A simulated node. One type per scene (scenes with several roles use an enum).
///
/// A node's state, its messages and its timers are `Eq + Hash`, so that a whole run's state
/// can be fingerprinted (see `Sim::fingerprint`): the state-space explorer deduplicates
/// states with it, and rewinds are checked to reproduce the exact state.
pub trait Protocol: Clone + Eq + Hash {
    /// What travels between nodes.
    type Msg: Clone + fmt::Debug + Eq + Hash;
    /// A timer's name. Setting a timer that is already set replaces it.
    type Timer: Clone + Ord + fmt::Debug + Hash;
    /// A user or client input, as written in a shared link (`Display` and `FromStr`
    /// round-trip).
    type Cmd: Clone + fmt::Debug + PartialEq + fmt::Display + std::str::FromStr;
    /// What a handler narrates about its decisions ("forced PREPARED to the log, voted
    /// yes"), recorded in the trace for captions and the event log. Typed, not text: the
    /// scene turns each note into a sentence in the reader's language. `()` if none.
    type Note: Clone + fmt::Debug;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>);
    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: Self::Msg);
    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Self::Timer);
    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Self::Cmd);

    /// The node crashed: forget everything volatile, keep what is durable.
    fn on_crash(&mut self);

    /// Symmetry reduction for the state-space explorer (opt-in): which of the world's nodes
    /// (`nodes`, by id) the protocol treats alike, and how node ids inside a state, a
    /// message and a timer are renamed. `None`, the default: no two nodes are
    /// interchangeable. See [`Symmetry`] for what an implementation must make true.
    fn symmetry(_nodes: &[&Self]) -> Option<Symmetry<Self>> {
        None
    }

    /// The node came back after a crash. Recovery usually reads the durable state, which
    /// is what `on_start` does for most protocols.
    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        self.on_start(cx);
    }

    /// A short name of the node's current state (e.g. `PREPARED`), shown on the views and
    /// traced whenever it changes.
    fn state_label(&self) -> &'static str;

    /// Lines describing the node (its durable log, its lock, ...), shown next to it.
    fn detail_lines(&self) -> Vec<Line> {
        Vec::new()
    }

    /// How a message is labelled on the views.
    fn msg_label(msg: &Self::Msg) -> Line {
        Line::value(format_args!("{msg:?}"))
    }

    /// How a timer is labelled on the views.
    fn timer_label(timer: &Self::Timer) -> Line {
        Line::value(format_args!("{timer:?}"))
    }
}

/// A text for people that a protocol writes (a detail line, a message's or a timer's
/// label), typed so that the page shows it in the reader's language without parsing it:
/// an English template with `{name}` holes, which is also the key of its translation in
/// the scene's Chinese catalogue, and the values of its holes. A value is shown as it is
/// (a number, a name, a time) or is a line of its own, translated too ("accepted").
///
/// `Display` writes the English text: trace rows, links and tests read that. The page
/// writes it through `crate::i18n::line`.
// Ordered too, so that a trace in words can carry lines as its timers (`trace::Worded`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Line {
    template: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// The value of one hole of a [`Line`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arg {
    /// Shown as it is in every language.
    Value(String),
    /// A text of its own, translated too.
    Text(Line),
}

impl Line {
    /// A text to translate. (Named like `crate::i18n::tr` on purpose: the catalogue tests
    /// find every template by the `tr("` before it.)
    pub fn tr(template: &'static str) -> Line {
        Line {
            template,
            args: Vec::new(),
        }
    }

    /// A text that reads the same in every language (protocol vocabulary such as
    /// `PREPARE t1`, a Redis command, a number).
    pub fn value(value: impl fmt::Display) -> Line {
        // Not `tr`: there is nothing to translate, and no catalogue entry.
        Line {
            template: "{value}",
            args: Vec::new(),
        }
        .with("value", value)
    }

    /// Items one after the other: "a, b, c" (in Chinese "a、b、c"). `None` for no item.
    pub fn list(items: impl IntoIterator<Item = Line>) -> Option<Line> {
        let items: Vec<Line> = items.into_iter().collect();
        items.into_iter().rev().reduce(|rest, first| {
            Line::tr("{first}, {rest}")
                .text("first", first)
                .text("rest", rest)
        })
    }

    /// Items with "and" before the last: "a, b and c" (in Chinese "a、b和c"). `None` for
    /// no item.
    pub fn and_list(items: impl IntoIterator<Item = Line>) -> Option<Line> {
        let mut items: Vec<Line> = items.into_iter().collect();
        let last = items.pop()?;
        let Some(before) = items.pop() else {
            return Some(last);
        };
        let tail = Line::tr("{first} and {last}")
            .text("first", before)
            .text("last", last);
        Some(items.into_iter().rev().fold(tail, |rest, first| {
            Line::tr("{first}, {rest}")
                .text("first", first)
                .text("rest", rest)
        }))
    }

    /// Fills the hole `{name}` with a value shown as it is.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Line {
        self.args.push((name, Arg::Value(value.to_string())));
        self
    }

    /// Fills the hole `{name}` with a text of its own, translated too.
    pub fn text(mut self, name: &'static str, text: Line) -> Line {
        self.args.push((name, Arg::Text(text)));
        self
    }

    /// The English template (the catalogue's key).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The values of its holes, by hole name, in the order they were filled.
    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The template and those of the texts in its holes, outermost first.
    pub fn templates(&self) -> Vec<&'static str> {
        let mut out = vec![self.template];
        for (_, arg) in &self.args {
            if let Arg::Text(inner) = arg {
                out.extend(inner.templates());
            }
        }
        out
    }

    /// The text, each template (this one and those in its holes) first passed through
    /// `translate`. A hole with no value is left as it is.
    pub fn render(&self, translate: &dyn Fn(&'static str) -> &'static str) -> String {
        let mut out = String::new();
        let mut rest = translate(self.template);
        while let Some(open) = rest.find('{') {
            let Some(len) = rest[open..].find('}') else {
                break;
            };
            out.push_str(&rest[..open]);
            let name = &rest[open + 1..open + len];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, Arg::Value(value))) => out.push_str(value),
                Some((_, Arg::Text(inner))) => out.push_str(&inner.render(translate)),
                None => out.push_str(&rest[open..=open + len]),
            }
            rest = &rest[open + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&|t| t))
    }
}

/// A line equals a text when its English is that text.
impl PartialEq<str> for Line {
    fn eq(&self, other: &str) -> bool {
        self.render(&|t| t) == other
    }
}

impl PartialEq<&str> for Line {
    fn eq(&self, other: &&str) -> bool {
        self.render(&|t| t) == *other
    }
}

/// What a handler asked the kernel to do.
#[derive(Clone, Debug)]
pub enum Effect<P: Protocol> {
    Send { to: NodeId, msg: P::Msg },
    SetTimer { timer: P::Timer, after: Time },
    CancelTimer { timer: P::Timer },
    Note(P::Note),
}

/// The handler's view of the world: who it is, what time it is, who its peers are, the
/// seeded randomness, and a place to record effects.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) id: NodeId,
    pub(crate) now: Time,
    pub(crate) node_count: u32,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) effects: &'a mut Vec<Effect<P>>,
}

impl<P: Protocol> Ctx<'_, P> {
    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn node_count(&self) -> u32 {
        self.node_count
    }

    /// Every other node, in id order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let me = self.id;
        (0..self.node_count).map(NodeId).filter(move |n| *n != me)
    }

    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }

    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    pub fn set_timer(&mut self, timer: P::Timer, after: Time) {
        self.effects.push(Effect::SetTimer { timer, after });
    }

    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer { timer });
    }

    /// Narrates a decision for the captions and the event log. Notes change nothing in the
    /// run; they are recorded in the trace (and skipped when the kernel is not recording).
    pub fn note(&mut self, note: P::Note) {
        self.effects.push(Effect::Note(note));
    }
}

/// Nodes a protocol treats alike, for the explorer's symmetry reduction: two worlds that
/// differ only by a renaming of interchangeable nodes are counted as one state.
///
/// Sound only if renaming commutes with everything the protocol does: for any renaming
/// `r` of ids within one class, a node in state `(state)(s, r)` that receives
/// `(msg)(m, r)` from `r(from)` (or whose timer `(timer)(t, r)` fires) does what node
/// `r(id)` does, renamed; and the scene's invariants give the same verdict on a renamed
/// world. In practice: the nodes of a class run the same code with no special case for
/// one id, and every node id stored in a state, message or timer is renamed by the
/// functions here.
pub struct Symmetry<P: Protocol> {
    /// Disjoint classes of interchangeable nodes.
    pub classes: Vec<Vec<NodeId>>,
    /// A node's state with the ids inside it renamed.
    pub state: fn(&P, &Renaming) -> P,
    /// A message with the ids inside it renamed.
    pub msg: fn(&P::Msg, &Renaming) -> P::Msg,
    /// A timer with the ids inside it renamed.
    pub timer: fn(&P::Timer, &Renaming) -> P::Timer,
}

/// A renaming of node ids: node `i` becomes `to[i]` (a permutation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renaming {
    to: Vec<NodeId>,
}

impl Renaming {
    /// `to[i]` is the new id of node `i`; ids past its end are left alone.
    pub fn new(to: Vec<NodeId>) -> Self {
        Renaming { to }
    }

    pub fn of(&self, node: NodeId) -> NodeId {
        self.to.get(node.index()).copied().unwrap_or(node)
    }

    /// A set of nodes kept as bits (bit `i` for node `i`, nodes 0 to 63), renamed.
    pub fn bits(&self, mask: u64) -> u64 {
        (0..64u32)
            .filter(|i| mask & (1u64 << i) != 0)
            .map(|i| self.of(NodeId(i)).0)
            .filter(|i| *i < 64)
            .fold(0, |out, i| out | (1u64 << i))
    }
}
