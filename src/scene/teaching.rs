//! What a scene gives a learner besides the simulation: sentences for what nodes decide
//! (captions and the event log), a guided tour, and a legend of what its marks mean.
//! Part of the scene contract; see `ARCHITECTURE.md`.
use super::Scene;
use crate::sim::{NodeId, Sim};

/// Where a tour stop sits in its scenario's run.
pub enum At<S: Scene> {
    /// A step number (0 is the start).
    Step(u64),
    /// The first step at which the condition holds, searched from the previous stop.
    When(fn(&Sim<S::Node>) -> bool),
    /// The end of the run (where it comes to rest).
    End,
}

/// One stop of a scene's tour: a ready-made scenario at a moment, with what to say and
/// which nodes to point at. Tours tell each idea from the failure that motivates it.
pub struct TourStop<S: Scene> {
    /// A few words, shown in the tour's progress.
    pub title: &'static str,
    /// What this moment shows, in two or three sentences.
    pub caption: &'static str,
    /// The scenario whose run the stop shows (its id).
    pub scenario: &'static str,
    pub at: At<S>,
    /// Nodes the stage points at.
    pub highlights: &'static [NodeId],
    /// What part of the stage the stop is about, for a stage that scrolls.
    pub focus: Focus,
}

/// What part of the stage a tour stop is about. A narrow embed whose stage scrolls opens
/// each stop scrolled to it: Raft's stops about logs to the log grid, below the ring,
/// rather than to the servers on the ring; a stop about a figure to its chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The highlighted nodes (each drawn with `data-node`).
    Nodes,
    /// The nodes' logs, side by side (the part drawn with `data-focus="logs"`).
    Logs,
    /// The scene's chart: the ring's load histogram, the balancers' latency chart (the
    /// part drawn with `data-focus="chart"`).
    Chart,
}

impl Focus {
    /// The `data-focus` value of the part this focus is on, if it is a part and not nodes.
    pub fn part(self) -> Option<&'static str> {
        match self {
            Focus::Nodes => None,
            Focus::Logs => Some("logs"),
            Focus::Chart => Some("chart"),
        }
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swatch {
    /// A node in a state: the CSS class the topology view gives the node (`state-<name>`).
    NodeState(&'static str),
    /// A message dot.
    Message,
    /// A cut link.
    CutLink,
    /// A mark of the space-time diagram (`send`, `deliver`, `drop`, `crash`, `timer`, ...).
    DiagramMark(&'static str),
    /// A colour given as a CSS class of the scene's own views.
    Class(&'static str),
    /// The arc of a node's next timer, as the topology draws it.
    TimerArc,
    /// The dashed ring of a node a tour stop points at.
    Highlight,
}

/// One line of a scene's legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegendEntry {
    pub swatch: Swatch,
    /// The name as the stage shows it (e.g. `IN DOUBT`).
    pub label: &'static str,
    /// What it means, in one sentence.
    pub meaning: &'static str,
}

/// The legend's line for a node's timer arc (the topology's scenes draw one).
pub const TIMER_ARC_ENTRY: LegendEntry = LegendEntry {
    swatch: Swatch::TimerArc,
    label: "timer",
    meaning: "The arc around a node is its next timer running down (a resend, a timeout, a lease): the timer fires when the arc is gone.",
};

/// The legend's line for the dashed ring of a node a tour stop points at.
pub const HIGHLIGHT_ENTRY: LegendEntry = LegendEntry {
    swatch: Swatch::Highlight,
    label: "pointed at",
    meaning: "A dashed ring: a node the tour stop's caption talks about.",
};

/// Names of a run's nodes, for sentences.
pub struct Names<'a>(pub &'a [String]);

impl Names<'_> {
    /// A node's name as sentences show it (in the page's language: [`crate::i18n::node_name`]).
    pub fn of(&self, id: NodeId) -> String {
        self.0
            .get(id.index())
            .map_or_else(|| id.to_string(), |n| crate::i18n::node_name(n))
    }
}
