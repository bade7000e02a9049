//! What a change, a lookup or a refused command reports, for the views and the invariants.
use crate::sim::{Line, Time};

/// What kind of membership change happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Join,
    Leave,
    Fail,
    Recover,
    Weight { from: u32, to: u32 },
}

impl ChangeKind {
    /// True when keys may only move *to* the node (false: only *from* it).
    pub fn pulls_keys_in(self) -> bool {
        match self {
            ChangeKind::Join | ChangeKind::Recover => true,
            ChangeKind::Leave | ChangeKind::Fail => false,
            ChangeKind::Weight { from, to } => to > from,
        }
    }
}

/// One key that changed owner: its index in the key set and the owners' slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub key: u32,
    pub from: u16,
    pub to: u16,
}

/// One place in the list the list pictures draw ([`super::RingNode::list_places`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ListPlace {
    /// A live server, by slot.
    Live(u16),
    /// A failed server, by name (its slot is free and may be reused by a newcomer).
    Failed(String),
    /// A server that left, by name, with its weight and the number of the change that
    /// made it leave ([`super::RingNode::changes`]): drawn as a ghost through that change
    /// and the next one (so that a learner still sees where it was while the next change
    /// plays), gone at the one after, or as soon as a server of the same name joins.
    Gone {
        name: String,
        weight: u32,
        change: u32,
    },
}

/// The last membership change and exactly what it moved.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub node: String,
    /// The node's ring index (slot).
    pub slot: u16,
    pub weight: u32,
    pub time: Time,
    /// Which handler call made it (see [`RingNode::handled`]).
    pub handled_at: u64,
    /// The keys the active algorithm moved.
    pub moves: Vec<Move>,
    /// What the plain ring (the same hash) moved for the same change.
    pub ring_moves: u64,
    /// What `hash % N` would have moved for the same change.
    pub modulo_moves: u64,
    /// The fewest moves the change can cause on average: the node's share of the keys
    /// before (leave) or after (join), or the change of its share (weight).
    pub ideal_moves: f64,
    pub nodes_before: u32,
    pub nodes_after: u32,
    /// Keys per slot before the change (for animating the histogram).
    pub loads_before: Vec<u32>,
    /// Under jump hash: how many servers came after this one in the bucket list when it
    /// left, failed or changed weight. Jump hash numbers buckets `0 .. n-1` and can only
    /// add or remove the last one cleanly; each of these servers was renumbered, and keys
    /// moved between them. 0 for the other algorithms, and for the last server.
    pub renumbered: u32,
    /// For a leave or a failure: the server's index in [`super::RingNode::list_places`]
    /// before the change, where the list pictures keep its ghost so that no survivor
    /// moves. `None` for the other changes.
    pub list_place: Option<u32>,
}

/// The last key a person looked up.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    pub key: String,
    pub hash: u64,
    /// The preference list (owner first), as slots. Fewer than R when the algorithm has
    /// no natural replica order (modulo, jump, Maglev: owner only).
    pub replicas: Vec<u16>,
    /// For ring algorithms: the ring positions where the clockwise walk met each replica.
    pub walk: Vec<u64>,
    /// The key's index when it belongs to the key set.
    pub key_index: Option<u32>,
    pub time: Time,
    pub handled_at: u64,
}

/// A command that could not be carried out, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// The command as a link writes it (`join:node-1:1`).
    pub command: String,
    /// Why, typed so that the page shows it in its language (`Display` is the English).
    pub reason: Line,
    pub handled_at: u64,
}

/// Why a join would be refused. Typed, so that the "add a node" form can word it in the
/// page's language (`crate::scene::ring::join_refusal_words`); `Display` is the English
/// reason a refused `join:` command records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinRefusal {
    /// The name breaks the naming rules: [`super::check_name`]'s message, typed.
    BadName(Line),
    /// The weight is out of range: [`super::check_weight`]'s message, typed.
    BadWeight(Line),
    /// A live server already has this name.
    NameTaken(String),
    /// A failed server has this name: it must be recovered, not joined again.
    NameFailed(String),
    /// The ring already holds [`super::MAX_NODES`] servers.
    Full,
}

impl JoinRefusal {
    /// The reason a refused `join:` command records, typed for the page's language.
    pub fn line(&self) -> Line {
        match self {
            JoinRefusal::BadName(why) | JoinRefusal::BadWeight(why) => why.clone(),
            JoinRefusal::NameTaken(name) => {
                Line::tr("there is already a node named \"{name}\"").with("name", name)
            }
            JoinRefusal::NameFailed(name) => {
                Line::tr("\"{name}\" failed earlier: recover it, or choose another name")
                    .with("name", name)
            }
            JoinRefusal::Full => {
                Line::tr("the scene holds at most {max} nodes").with("max", super::MAX_NODES)
            }
        }
    }
}

impl std::fmt::Display for JoinRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.line())
    }
}
