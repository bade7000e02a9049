//! What the cluster says about each thing it did, for the caption and the event log.
//!
//! The cluster changes the picture without sending a message: a server joins, leaves, fails
//! or recovers (by a person's command, or by churn's timer), or a key is looked up. Each of
//! those steps gets a typed note with the figures a learner checks against the stage (how
//! many keys moved, and how many of them moved between servers the change did not involve,
//! which a consistent scheme keeps at zero); the scene puts it in words.
use super::config::Algorithm;
use super::report::ChangeKind;
use super::RingNode;
use crate::sim::Ctx;

/// One thing the cluster did, with what it moved or found.
#[derive(Clone, Debug, PartialEq)]
pub enum RingNote {
    /// A membership or weight change, and what it moved.
    Changed {
        kind: ChangeKind,
        node: String,
        /// Keys that changed owner.
        moved: u32,
        /// Of those, keys that moved between two servers the change did not involve.
        between_others: u32,
        /// The fewest moves the change can cause on average (the node's share of the keys).
        ideal: u32,
        keys: u32,
        /// Churn's timer made the change (not a person or the scenario).
        by_churn: bool,
        /// Under jump hash, the servers after this one in the bucket list, renumbered by
        /// its removal or weight change (see [`super::Change::renumbered`]).
        renumbered: u32,
    },
    /// A key was looked up: its owner, then its other replicas in order.
    LookedUp {
        key: String,
        algorithm: Algorithm,
        owner: Option<String>,
        replicas: Vec<String>,
    },
}

impl RingNode {
    /// Notes what the handler that just ran did: the change or lookup it recorded (a
    /// refused command is shown by the stage's own message, and records neither).
    pub(super) fn note_outcome(&self, cx: &mut Ctx<'_, Self>, by_churn: bool) {
        if let Some(change) = self.last_change().filter(|c| c.handled_at == self.handled) {
            let between_others = change
                .moves
                .iter()
                .filter(|m| m.from != change.slot && m.to != change.slot)
                .count();
            cx.note(RingNote::Changed {
                kind: change.kind,
                node: change.node.clone(),
                moved: change.moves.len() as u32,
                between_others: between_others as u32,
                ideal: change.ideal_moves.round() as u32,
                keys: self.key_count(),
                by_churn,
                renumbered: change.renumbered,
            });
        }
        if let Some(lookup) = self.lookup().filter(|l| l.handled_at == self.handled) {
            let name = |slot: &u16| self.node_name(*slot).map(str::to_string);
            let mut names = lookup.replicas.iter().filter_map(name);
            cx.note(RingNote::LookedUp {
                key: lookup.key.clone(),
                algorithm: self.config().algorithm,
                owner: names.next(),
                replicas: names.collect(),
            });
        }
    }
}
