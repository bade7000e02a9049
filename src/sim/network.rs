//! The network model: per-message latency drawn from a range, loss, duplication, and cut
//! links. A cut is one-way (`from` can no longer reach `to`); a partition is a set of cuts
//! in both directions between a group of nodes and everyone else.
use super::protocol::{Line, NodeId};
use super::time::Time;
use crate::sim::sorted::SortedSet;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct NetConfig {
    /// Each message's latency is drawn uniformly from `latency_min..=latency_max`.
    pub latency_min: Time,
    pub latency_max: Time,
    /// Probability that a message is lost in transit.
    pub loss: f64,
    /// Probability that the network delivers an extra copy of a message.
    pub duplicate: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency_min: Time::from_millis(10),
            latency_max: Time::from_millis(30),
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}

/// A change to the links, made by a person (or a scenario) as a user action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetChange {
    /// `from` can no longer reach `to` (the other direction is untouched).
    Cut { from: NodeId, to: NodeId },
    /// Restore the one-way link.
    Heal { from: NodeId, to: NodeId },
    /// Cut every link, both ways, between `group` and the other nodes.
    Partition { group: Vec<NodeId> },
    /// Restore every link.
    HealAll,
}

impl fmt::Display for NetChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetChange::Cut { from, to } => write!(f, "cut {from}→{to}"),
            NetChange::Heal { from, to } => write!(f, "heal {from}→{to}"),
            NetChange::Partition { group } => {
                let names: Vec<String> = group.iter().map(|n| n.to_string()).collect();
                write!(f, "partition {{{}}} from the rest", names.join(", "))
            }
            NetChange::HealAll => write!(f, "heal all links"),
        }
    }
}

impl NetChange {
    /// The change in words for a person, naming nodes with `name` as the stage does (a
    /// Raft client is "c1", not "n5"): the event log and the diagram say it alike.
    pub fn sentence(&self, name: &dyn Fn(NodeId) -> String) -> Line {
        match self {
            NetChange::Cut { from, to } => Line::tr(
                "the link from {from} to {to} is cut: messages from {from} to {to} are lost",
            )
            .with("from", name(*from))
            .with("to", name(*to)),
            NetChange::Heal { from, to } => Line::tr("the link from {from} to {to} heals")
                .with("from", name(*from))
                .with("to", name(*to)),
            NetChange::Partition { group } => {
                let names: Vec<String> = group.iter().map(|n| name(*n)).collect();
                let group = match names.split_last() {
                    Some((last, init)) if !init.is_empty() => Line::tr("{items} and {last}")
                        .with("items", init.join(", "))
                        .with("last", last),
                    _ => Line::value(names.join(", ")),
                };
                Line::tr(
                    "the network is partitioned: {group} can no longer reach the rest, nor the rest them",
                )
                .text("group", group)
            }
            NetChange::HealAll => Line::tr("every cut link heals: the network is whole again"),
        }
    }
}

/// The links that are currently cut, as directed pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Links {
    cut: SortedSet<(NodeId, NodeId)>,
}

impl Links {
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        !self.cut.is_empty() && self.cut.contains(&(from, to))
    }

    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    pub fn apply(&mut self, change: &NetChange, node_count: u32) {
        match change {
            NetChange::Cut { from, to } => {
                self.cut.insert((*from, *to));
            }
            NetChange::Heal { from, to } => {
                self.cut.remove(&(*from, *to));
            }
            NetChange::Partition { group } => {
                let inside = crate::sim::sorted::SortedSet::from_iter(group.iter().copied());
                for a in &inside {
                    for b in (0..node_count).map(NodeId).filter(|b| !inside.contains(b)) {
                        self.cut.insert((*a, b));
                        self.cut.insert((b, *a));
                    }
                }
            }
            NetChange::HealAll => self.cut.clear(),
        }
    }
}
