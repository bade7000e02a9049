//! A scene's run seen from outside, without its protocol's types: what the UI draws
//! (snapshots and labelled trace rows) and what it can do (seek, take an action).
use super::action::{Action, Scheduled};
use super::kernel::{NodeStatus, Violation};
use super::protocol::{Line, NodeId, Protocol};
use super::rows::rows_of;
pub use super::rows::{RowKind, TraceRow};
use super::time::Time;
use super::timeline::Timeline;
use super::trace::{DropReason, NoteWords, TraceKind, Words};
use crate::sim::sorted::SortedMap;
use std::cell::RefCell;

/// A timer a node has set: its name, when it was set and when it is due.
#[derive(Clone, Debug, PartialEq)]
pub struct TimerView {
    pub label: Line,
    pub set: Time,
    pub due: Time,
}

impl TimerView {
    /// How much of the timer is left at `now`, from 1 (just set) to 0 (due).
    pub fn left(&self, now: Time) -> f64 {
        let total = self.due.0.saturating_sub(self.set.0);
        if total == 0 {
            return 0.0;
        }
        (self.due.0.saturating_sub(now.0) as f64 / total as f64).clamp(0.0, 1.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: u32,
    pub name: String,
    pub state: &'static str,
    pub status: NodeStatus,
    pub details: Vec<Line>,
    pub timers: Vec<TimerView>,
    /// Where the topology view puts the node: the core (servers) in the middle, the edge
    /// (clients) around it.
    pub group: NodeGroup,
    /// Short marks the scene adds under the node's state ("blocked", "holds the lock").
    pub marks: Vec<NodeMark>,
}

/// A short mark under a node's state on the stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeMark {
    pub text: String,
    pub tone: Tone,
}

/// How a mark is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Good,
    Warn,
    Bad,
}

/// Where a node sits in the topology view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NodeGroup {
    /// The middle: servers, coordinators, brokers.
    #[default]
    Core,
    /// Around the core: clients, producers, consumers.
    Edge,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: u64,
    pub from: u32,
    pub to: u32,
    pub sent: Time,
    pub arrives: Time,
    pub label: Line,
}

/// A message lost at this step, for the stage to show where it went missing: `at` is how
/// far along its link (0 at the sender, 1 at the receiver) it was then. Without it a loss
/// is only a sentence in the caption, and the learner cannot see which message vanished.
#[derive(Clone, Debug, PartialEq)]
pub struct LostView {
    pub from: u32,
    pub to: u32,
    pub at: f64,
    pub label: Line,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InvariantView {
    pub name: &'static str,
    pub description: &'static str,
    pub violation: Option<Violation>,
}

/// Everything the generic views need at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub step: u64,
    pub time: Time,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    /// The messages lost at this step.
    pub lost: Vec<LostView>,
    pub cut_links: Vec<(u32, u32)>,
    /// The pairs of nodes `(a, b)`, `a < b`, between which a message has been sent (either
    /// way) up to this step, in order: the links the protocol uses so far.
    pub links_used: Vec<(u32, u32)>,
    pub invariants: Vec<InvariantView>,
}

impl Snapshot {
    /// A node's name (its id when there is no such node).
    pub fn name(&self, id: u32) -> String {
        self.nodes
            .get(id as usize)
            .map_or_else(|| format!("n{id}"), |n| n.name.clone())
    }
}

/// A command from a node's menu: its label and the action in link form (written by the
/// action's `Display`, never by hand).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCommandView {
    pub label: String,
    pub action: String,
}

/// How much a line matters, for styling and for choosing a step's caption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    /// Bookkeeping: a node started, a state label changed (the decision says why).
    Minor,
    /// A message sent or handled, a timer firing.
    Event,
    /// A node's bookkeeping, in its own words: a timer set, a write reaching the disk with
    /// nothing waiting for it. It explains a step that has no decision, but never stands
    /// beside a decision in the caption (see `Scene::routine_note`).
    Routine,
    /// The network lost a message (a cut link, a lossy link, a node down). A node's
    /// decision in the same step (the send it made before the loss) outranks it in the
    /// caption: the decision is why the message existed.
    Loss,
    /// A node's decision, in its own words.
    Decision,
    /// A command a person (or the scenario) gave a node: the caption tells what the node
    /// made of it after it ("you tell cluster: add node-6; node-6 joins: …").
    Command,
    /// A broken variant's note: the node breaks a rule of the protocol here, and says
    /// which (see `Scene::broken_variant_note`). A step's caption leads with it.
    Flaw,
    /// A fault or a person's action: a crash, a pause, a cut link, a dropped message.
    Fault,
    /// A safety property broke.
    Violation,
}

/// One line of the event log: a step's sentence, written by the scene (see
/// `crate::scene::narration`).
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub step: u64,
    pub time: Time,
    pub text: String,
    pub weight: Weight,
    /// Whether the step changes what the stage shows.
    pub visible: bool,
}

/// A run of any scene, as the UI drives it.
pub trait Run {
    fn node_count(&self) -> u32;
    fn horizon(&self) -> u64;
    fn is_finished(&mut self) -> bool;
    fn cursor(&self) -> u64;
    fn seek(&mut self, step: u64);
    fn extend(&mut self, steps: u64) -> u64;
    fn time_of(&self, step: u64) -> Time;
    fn step_at_time(&self, time: Time) -> u64;
    fn snapshot(&self) -> Snapshot;
    /// Labelled trace rows of steps `from..=to`.
    fn rows(&self, from: u64, to: u64) -> Vec<TraceRow>;
    /// Takes an action given in its link form (`crash:0`, `cmd:1:vote-no`, ...) at the
    /// cursor, at simulated time `time`.
    fn take(&mut self, action: &str, time: Time) -> Result<(), String>;
    /// The actions of the run, in link form.
    fn actions_text(&self) -> Vec<String>;
    /// The exact state at the cursor (see `Sim::fingerprint`).
    fn fingerprint(&self) -> u128;
    /// What a person can tell `node` to do, besides the kernel's own faults.
    fn node_commands(&self, _node: u32) -> Vec<NodeCommandView> {
        Vec::new()
    }

    /// The sentences of steps `from..=to`, for the caption and the event log.
    fn log(&self, _from: u64, _to: u64) -> Vec<LogLine> {
        Vec::new()
    }

    /// The first step after `from` that changes what the stage shows (at most `limit`
    /// steps on; computing more of the run if needed).
    fn next_visible(&mut self, from: u64, _limit: u64) -> u64 {
        from + 1
    }
}

/// A timeline plus the names of its nodes: the `Run` every kernel-based scene uses.
pub struct ProtocolRun<P: Protocol> {
    pub timeline: Timeline<P>,
    pub names: Vec<String>,
    /// Each node's group for the topology view (missing: the core).
    pub groups: Vec<NodeGroup>,
    links: RefCell<LinkUse>,
}

/// The step at which each pair of nodes first carried a message, kept as the run is looked
/// at (each step's trace is read once), so that a snapshot can say which links the
/// protocol has used so far without reading the whole trace each time.
#[derive(Default)]
struct LinkUse {
    /// Steps `1..=scanned_to` have been read.
    scanned_to: u64,
    /// The timeline's actions when they were read: their count and the last one, in link
    /// form with its step (a new action forks the run: what came after it is read again).
    actions: (usize, String),
    first_use: SortedMap<(u32, u32), u64>,
}

impl<P: Protocol> ProtocolRun<P> {
    pub fn new(timeline: Timeline<P>, names: Vec<String>) -> Self {
        ProtocolRun {
            timeline,
            names,
            groups: Vec::new(),
            links: RefCell::default(),
        }
    }

    /// The links (pairs `a < b`) that carried a message in steps `1..=step`, read from the
    /// trace incrementally (a chunk of at most one trace window at a time).
    pub fn links_used(&self, step: u64) -> Vec<(u32, u32)> {
        let mut links = self.links.borrow_mut();
        let last = self.timeline.actions().last();
        let actions = (
            self.timeline.actions().len(),
            last.map_or_else(String::new, |a| format!("{}@{}", a.action, a.at)),
        );
        if links.actions != actions {
            // The run forked at an action: keep what came before the step that may have
            // changed (the last action's step).
            let fork = last.map_or(0, |a| a.at);
            links.first_use.retain(|_, first| *first <= fork);
            links.scanned_to = links.scanned_to.min(fork);
            links.actions = actions;
        }
        let target = step.min(self.timeline.horizon());
        while links.scanned_to < target {
            let from = links.scanned_to + 1;
            let to = target.min(from + super::timeline::WINDOW_STEPS - 1);
            for entry in self.timeline.entries(from, to).iter() {
                if let TraceKind::Send { from, to, .. } = &entry.kind {
                    let pair = (from.0.min(to.0), from.0.max(to.0));
                    links.first_use.entry(pair).or_insert(entry.step);
                }
            }
            links.scanned_to = to;
        }
        links
            .first_use
            .iter()
            .filter(|(_, first)| **first <= step)
            .map(|(pair, _)| *pair)
            .collect()
    }

    /// Parses the link form of a run's actions; errors name the bad entry.
    pub fn parse_actions(
        texts: &[String],
        node_count: u32,
    ) -> Result<Vec<Scheduled<P::Cmd>>, String> {
        texts
            .iter()
            .map(|t| Scheduled::parse(t, node_count).map_err(|e| format!("action \"{t}\": {e}")))
            .collect()
    }

    /// The diagram's rows of steps `from` to `to`, naming the nodes `names` (a scene shows
    /// its nodes' names in the page's language).
    pub fn rows_named(&self, from: u64, to: u64, names: &[String]) -> Vec<TraceRow> {
        let invariants: Vec<&'static str> = self
            .timeline
            .sim()
            .invariants()
            .iter()
            .map(|i| i.name)
            .collect();
        let words = Words::<P> {
            msg: &|m| P::msg_label(m),
            timer: &|t| P::timer_label(t),
            cmd: &|cmd| cmd.to_string(),
            // The diagram does not draw notes (a scene's log words them, `Scene::describe`):
            // no text, so that no protocol's notes need their `Debug` form in the bundle.
            note: &|_, _| NoteWords {
                text: String::new(),
                routine: false,
                changes_stage: false,
                flaw: false,
            },
        };
        let worded: Vec<_> = self
            .timeline
            .entries(from, to)
            .iter()
            .map(|e| e.worded(&words))
            .collect();
        rows_of(&worded, names, &invariants)
    }

    fn name(&self, id: NodeId) -> String {
        self.names
            .get(id.index())
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

impl<P: Protocol + 'static> Run for ProtocolRun<P> {
    fn node_count(&self) -> u32 {
        self.timeline.sim().node_count()
    }

    fn horizon(&self) -> u64 {
        self.timeline.horizon()
    }

    fn is_finished(&mut self) -> bool {
        self.timeline.is_finished()
    }

    fn cursor(&self) -> u64 {
        self.timeline.cursor().step()
    }

    fn seek(&mut self, step: u64) {
        self.timeline.seek(step)
    }

    fn extend(&mut self, steps: u64) -> u64 {
        self.timeline.extend(steps)
    }

    fn time_of(&self, step: u64) -> Time {
        self.timeline.time_of(step)
    }

    fn step_at_time(&self, time: Time) -> u64 {
        self.timeline.step_at_time(time)
    }

    fn snapshot(&self) -> Snapshot {
        let sim = self.timeline.sim();
        let nodes = sim
            .nodes()
            .iter()
            .map(|(id, proto, status)| NodeView {
                id: id.0,
                name: self.name(id),
                state: proto.state_label(),
                status,
                details: proto.detail_lines(),
                timers: sim
                    .timer_deadlines(id)
                    .map(|(timer, set, due)| TimerView {
                        label: P::timer_label(timer),
                        set,
                        due,
                    })
                    .collect(),
                group: self.groups.get(id.index()).copied().unwrap_or_default(),
                marks: Vec::new(),
            })
            .collect();
        let messages = sim
            .in_flight()
            .map(|m| MessageView {
                id: m.id.0,
                from: m.from.0,
                to: m.to.0,
                sent: m.sent,
                arrives: m.arrives,
                label: P::msg_label(&m.msg),
            })
            .collect();
        let lost = self
            .timeline
            .entries(sim.step_count(), sim.step_count())
            .iter()
            .filter_map(|e| match &e.kind {
                TraceKind::Drop {
                    from,
                    to,
                    reason,
                    msg,
                    ..
                } => Some(LostView {
                    from: from.0,
                    to: to.0,
                    // Lost by the network or at a crashed node: it came all the way.
                    // Dropped by hand or at a cut: on the way.
                    at: match reason {
                        DropReason::Lost | DropReason::NodeDown => 0.9,
                        DropReason::Partition | DropReason::ByUser => 0.5,
                    },
                    label: P::msg_label(msg),
                }),
                _ => None,
            })
            .collect();
        let invariants = sim
            .invariants()
            .iter()
            .zip(sim.violations())
            .map(|(inv, v)| InvariantView {
                name: inv.name,
                description: inv.description,
                violation: v.clone(),
            })
            .collect();
        Snapshot {
            step: sim.step_count(),
            time: sim.now(),
            nodes,
            messages,
            lost,
            cut_links: sim.links().cut_links().map(|(a, b)| (a.0, b.0)).collect(),
            links_used: self.links_used(sim.step_count()),
            invariants,
        }
    }

    fn rows(&self, from: u64, to: u64) -> Vec<TraceRow> {
        self.rows_named(from, to, &self.names)
    }

    fn take(&mut self, action: &str, time: Time) -> Result<(), String> {
        let parsed =
            Action::<P::Cmd>::parse(action, self.node_count()).map_err(|e| e.to_string())?;
        self.timeline.take(parsed, time);
        Ok(())
    }

    fn actions_text(&self) -> Vec<String> {
        self.timeline
            .actions()
            .iter()
            .map(|a| a.to_string())
            .collect()
    }

    fn fingerprint(&self) -> u128 {
        self.timeline.sim().fingerprint()
    }
}
