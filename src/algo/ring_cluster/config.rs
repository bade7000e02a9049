//! The cluster's parameters and their limits, and the checks on names, weights and keys.
use crate::algo::placement::{NodeSpec, PointScheme};
use crate::algo::text::shorten;
use crate::sim::{Line, Time};

/// The most servers the scene holds (bounds drawing, memory and the comparison's cost).
pub const MAX_NODES: u32 = 64;
/// The most keys the scene places.
pub const MAX_KEYS: u32 = 100_000;
/// The most virtual nodes per unit of weight.
pub const MAX_VNODES: u32 = 1000;
/// Weights run from 1 to this.
pub const MAX_WEIGHT: u32 = 9;
/// The largest replication factor.
pub const MAX_REPLICAS: u32 = 5;
/// Longest server name.
pub const MAX_NAME_LEN: usize = 24;
/// Longest key a person may type.
pub const MAX_KEY_LEN: usize = 64;
/// How often churn changes the membership (simulated time).
pub const CHURN_EVERY: Time = Time::from_millis(40);
/// The most membership changes churn makes in one run: bounds the run's length, and
/// therefore its memory and the cost of rewinding.
pub const CHURN_BUDGET: u32 = 30;
/// Churn's share of work, in key placements: a costly setup (many keys, an algorithm that
/// scores every node) gets fewer churn changes, so that a run stays quick to compute and
/// to rewind (rewinding replays the changes).
pub(super) const CHURN_WORK: u64 = 12_000_000;

/// How many changes churn makes for this configuration (see [`CHURN_WORK`]).
pub fn churn_budget(config: &RingConfig) -> u32 {
    if !config.churn {
        return 0;
    }
    let nodes = config.nodes.len() as u64;
    // Rough cost of re-placing one key after a change, in ring lookups.
    let per_key = match config.algorithm {
        Algorithm::Ring | Algorithm::Modulo | Algorithm::Jump | Algorithm::Maglev => 3,
        Algorithm::BoundedLoad => 12,
        Algorithm::Rendezvous => 2 * nodes + 2,
    };
    let changes = CHURN_WORK / (u64::from(config.key_count) * per_key).max(1);
    changes.clamp(4, u64::from(CHURN_BUDGET)) as u32
}

/// Key names are `key-` and seven digits: a seeded permutation of `0 .. 10^7`.
pub(super) const KEY_SPACE: u64 = 10_000_000;

/// How keys and server points are hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HashChoice {
    /// xxh3 on a 64-bit ring, `v` points per unit of weight.
    Xxh3,
    /// libketama's MD5 on a 32-bit ring (about 160 points per server; ignores `v`).
    Ketama,
}

impl HashChoice {
    pub const ALL: [HashChoice; 2] = [HashChoice::Xxh3, HashChoice::Ketama];

    pub fn slug(self) -> &'static str {
        match self {
            HashChoice::Xxh3 => "xxh3",
            HashChoice::Ketama => "ketama",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.slug() == slug)
    }
}

/// Which algorithm decides each key's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    Ring,
    BoundedLoad,
    Modulo,
    Jump,
    Rendezvous,
    Maglev,
}

impl Algorithm {
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Ring,
        Algorithm::BoundedLoad,
        Algorithm::Modulo,
        Algorithm::Jump,
        Algorithm::Rendezvous,
        Algorithm::Maglev,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Algorithm::Ring => "ring",
            Algorithm::BoundedLoad => "bounded",
            Algorithm::Modulo => "modulo",
            Algorithm::Jump => "jump",
            Algorithm::Rendezvous => "rendezvous",
            Algorithm::Maglev => "maglev",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Algorithm::Ring => "consistent-hash ring",
            Algorithm::BoundedLoad => "ring with bounded loads",
            Algorithm::Modulo => "hash mod N",
            Algorithm::Jump => "jump hash",
            Algorithm::Rendezvous => "rendezvous hashing",
            Algorithm::Maglev => "Maglev",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == slug)
    }

    /// Whether owners are decided by walking the ring (so arcs and ticks mean something).
    pub fn uses_ring(self) -> bool {
        matches!(self, Algorithm::Ring | Algorithm::BoundedLoad)
    }
}

/// Everything that defines the cluster at the start of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct RingConfig {
    pub nodes: Vec<NodeSpec>,
    /// Virtual nodes per unit of weight (xxh3 only).
    pub vnodes: u32,
    pub hash: HashChoice,
    pub algorithm: Algorithm,
    pub key_count: u32,
    /// Replication factor R: how many distinct servers hold each key.
    pub replicas: u32,
    /// Bounded loads' `c`, in percent (125 is `c = 1.25`).
    pub capacity_percent: u32,
    /// A timer makes random membership changes.
    pub churn: bool,
}

impl Default for RingConfig {
    fn default() -> Self {
        RingConfig::uniform(6, 100, 2_000)
    }
}

impl RingConfig {
    /// `n` servers of weight 1 named `node-1 .. node-n`.
    pub fn uniform(n: u32, vnodes: u32, key_count: u32) -> Self {
        RingConfig {
            nodes: (1..=n)
                .map(|i| NodeSpec::new(format!("node-{i}"), 1))
                .collect(),
            vnodes,
            hash: HashChoice::Xxh3,
            algorithm: Algorithm::Ring,
            key_count,
            replicas: 3,
            capacity_percent: 125,
            churn: false,
        }
    }

    pub fn capacity_factor(&self) -> f64 {
        f64::from(self.capacity_percent) / 100.0
    }

    /// Checks every limit; the message is meant for the page: a typed line (an English
    /// template and its values) that the page shows in its language.
    pub fn validate(&self) -> Result<(), Line> {
        if self.nodes.is_empty() {
            return Err(Line::tr("the ring is empty: it needs at least one node"));
        }
        if self.nodes.len() as u32 > MAX_NODES {
            return Err(Line::tr("at most {max} nodes, not {n}")
                .with("max", MAX_NODES)
                .with("n", self.nodes.len()));
        }
        if self.hash == HashChoice::Xxh3 && !(1..=MAX_VNODES).contains(&self.vnodes) {
            return Err(
                Line::tr("virtual nodes per node must be from 1 to {max}, not {n}")
                    .with("max", MAX_VNODES)
                    .with("n", self.vnodes),
            );
        }
        if self.key_count > MAX_KEYS {
            return Err(Line::tr("at most {max} keys in this scene, not {n}")
                .with("max", MAX_KEYS)
                .with("n", self.key_count));
        }
        if !(1..=MAX_REPLICAS).contains(&self.replicas) {
            return Err(
                Line::tr("the replication factor must be from 1 to {max}, not {n}")
                    .with("max", MAX_REPLICAS)
                    .with("n", self.replicas),
            );
        }
        if !(100..=400).contains(&self.capacity_percent) {
            return Err(
                Line::tr("the bounded-load factor c must be from 100% to 400%, not {n}%")
                    .with("n", self.capacity_percent),
            );
        }
        if self.algorithm == Algorithm::BoundedLoad && self.hash == HashChoice::Ketama {
            return Err(Line::tr(
                "bounded loads run on the xxh3 ring, not on ketama",
            ));
        }
        let mut names: Vec<&str> = Vec::new();
        for node in &self.nodes {
            name_problem(&node.name)?;
            weight_problem(node.weight)?;
            if names.contains(&node.name.as_str()) {
                return Err(
                    Line::tr("two nodes are named \"{name}\": names must be unique")
                        .with("name", &node.name),
                );
            }
            names.push(&node.name);
        }
        Ok(())
    }

    pub(super) fn scheme(&self) -> PointScheme {
        match self.hash {
            HashChoice::Xxh3 => PointScheme::Xxh3 {
                vnodes_per_weight: self.vnodes,
            },
            HashChoice::Ketama => PointScheme::Ketama,
        }
    }
}

/// Checks a server name: 1 to 24 letters, digits, `-`, `_` or `.`.
pub fn check_name(name: &str) -> Result<(), String> {
    name_problem(name).map_err(|e| e.to_string())
}

/// [`check_name`]'s check, its message typed for the page's language.
pub(super) fn name_problem(name: &str) -> Result<(), Line> {
    if name.is_empty() {
        return Err(Line::tr("a node needs a name"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(
            Line::tr("node names are at most {max} characters long").with("max", MAX_NAME_LEN)
        );
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(
            Line::tr("\"{name}\": node names may use only letters, digits, - _ and .")
                .with("name", shorten(name, QUOTED)),
        );
    }
    Ok(())
}

/// Checks a weight: 1 to 9.
pub fn check_weight(weight: u32) -> Result<(), String> {
    weight_problem(weight).map_err(|e| e.to_string())
}

/// [`check_weight`]'s check, its message typed for the page's language.
pub(super) fn weight_problem(weight: u32) -> Result<(), Line> {
    if weight == 0 {
        return Err(Line::tr(
            "a weight of 0 would give the node no points: use 1 to 9, or remove the node",
        ));
    }
    if weight > MAX_WEIGHT {
        return Err(Line::tr("weights run from 1 to {max}, not {n}")
            .with("max", MAX_WEIGHT)
            .with("n", weight));
    }
    Ok(())
}

/// Checks a key a person typed: 1 to 64 printable ASCII characters.
pub fn check_key(key: &str) -> Result<(), String> {
    key_problem(key).map_err(|e| e.to_string())
}

/// [`check_key`]'s check, its message typed for the page's language.
pub fn key_problem(key: &str) -> Result<(), Line> {
    if key.is_empty() {
        return Err(Line::tr("type a key first"));
    }
    if !key.is_ascii() {
        return Err(
            Line::tr("\"{key}\" has non-ASCII characters: keys here are plain ASCII text")
                .with("key", shorten(key, QUOTED)),
        );
    }
    if key.bytes().any(|b| b.is_ascii_control()) {
        return Err(Line::tr("keys may not contain control characters"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(Line::tr("keys are at most {max} characters long").with("max", MAX_KEY_LEN));
    }
    Ok(())
}

/// How many characters of a person's text a message quotes.
pub(super) const QUOTED: usize = 24;
