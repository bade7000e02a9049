//! # A cluster placing keys with consistent hashing
//!
//! A cache or a storage cluster keeps millions of keys on a handful of servers. Every
//! client must find a key's server by itself, from the key alone, and when a server joins
//! or leaves, as few keys as possible should change server: every key that moves is a
//! cache miss, or data copied over the network while the cluster is busy.
//!
//! ## Why `hash(key) % N` is not enough
//! The obvious rule, "hash the key and take the remainder by the number of servers",
//! spreads keys evenly. But add a fifth server to four and the divisor changes from 4 to
//! 5: a key keeps its server only if `h % 4 == h % 5`, which holds for about one key in
//! five. So about 80% of all keys move at once, to make room for a server that should take
//! only 20% of them. For a cache that is a near-total flush on every scale-out; for
//! storage it is a reshuffle of almost everything.
//!
//! ## The ring
//! Consistent hashing (Karger et al., 1997) bends the hash space `0 .. 2^64` into a
//! circle. Each server is hashed to a point on the circle, and each key is hashed onto the
//! same circle; a key belongs to the first server point found walking *clockwise* from the
//! key. When a server joins, its point cuts an arc out of its clockwise neighbour's arc,
//! and only the keys on that arc move, all of them to the new server. When a server
//! leaves, only its own keys move, to the next point clockwise. Nothing else changes: on
//! average `K/N` keys move, the fewest possible.
//!
//! ## Virtual nodes and weights
//! One point per server gives arcs of very different lengths (the busiest server easily
//! owns two or three times its share), and a departing server dumps all its keys on a
//! single neighbour. So each server gets many points, *virtual nodes* (here `v` per unit
//! of weight): a server's share becomes the sum of many small arcs and deviates from its
//! fair share by only about `1/sqrt(v)`; a leaving server's keys spread over many
//! neighbours. A server of weight 2 gets twice the points, hence about twice the keys.
//!
//! ## Replication
//! To survive failures, each key is stored on `R` servers: its *preference list*, the first
//! `R` distinct servers found walking clockwise from the key (further points of a server
//! already on the list are skipped, or two replicas could land on the same machine).
//!
//! ## What this simulation holds
//! One node, the *cluster*, whose state is the ring, a key set generated from the seed
//! (`key-0048213`-style names, hashed once), each key's owner, and the last membership
//! change with exactly the keys it moved. People (and links) change it with commands:
//! `join:node-7:2` (name and weight), `leave:node-3`, `fail:node-3`, `recover:node-3`,
//! `weight:node-2:3` and `lookup:<percent-encoded key>`. With churn switched on, a timer
//! picks a random join, leave, failure or recovery from the seeded random source every
//! [`CHURN_EVERY`], so that playing the run shows a living cluster.
//!
//! For comparison the cluster can also place keys with the alternatives in
//! [`crate::algo::placement`]: modulo, jump hash, rendezvous hashing, Maglev, and the ring
//! with bounded loads. The ring itself is always kept too, so that every change also
//! reports what the ring would have moved, next to what `hash % N` would have moved.
//!
//! ## What goes wrong
//! - **Imbalance.** Arc lengths are random: with few virtual nodes some server owns far
//!   more than its share, and the busiest server sets the capacity you must buy.
//! - **Hot keys.** Balance is over key *counts*: one very popular key still lands on one
//!   server. Consistent hashing with bounded loads caps each server at `c` times the mean
//!   (keys walk past full servers), at the price of extra moves when the cluster changes.
//! - **ketama re-derives every server's points** when the membership changes (each
//!   server's point count depends on the server count), so a join can also move keys
//!   between servers that were not involved; the "minimal disruption" check turns red.
//! - **Jump hash** only works when servers are added or removed at the end of the list;
//!   removing one from the middle renumbers the rest and moves many keys.
//! - **Maglev** trades a little disruption for its constant-time table: a change also
//!   shuffles a few table slots between servers that were not involved.
//! - **A failure is not a leave.** A failed server's keys move to their next replica; with
//!   `R = 1` there is no other copy and that data is gone.
//!
//! ## Invariants (checked after every step, from the last change's moves only)
//! - *minimal disruption*: a join only moves keys to the new server; a leave or failure
//!   only moves the leaving server's keys; a weight change only moves keys to or from the
//!   server whose weight changed.
//! - *every key has an owner*: the live servers hold exactly `K` keys between them.
//! - *distinct replicas*: a lookup's preference list names `min(R, N)` distinct servers.
//! - *load cap* (bounded loads only): no server holds more than `ceil(c * its fair share)`.
use crate::algo::placement::hash_fn::{ketama_points, vnode_point};
use crate::algo::placement::{
    self, BoundedLoad, HashRing, JumpHash, Maglev, Modulo, NodeIndex, NodeSpec, Placement,
    PlacementConfig, PointScheme, Rendezvous,
};
use crate::sim::scenario::ScenarioInfo;
use crate::sim::{Ctx, Invariant, NodeId, NodeSet, Protocol, SimRng, Time};
use std::fmt;
use std::rc::Rc;
use std::str::FromStr;

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
/// How long the view animates a change or a lookup (simulated time while playing).
pub const FLIGHT: Time = Time::from_millis(16);
/// The most membership changes churn makes in one run: bounds the run's length, and
/// therefore its memory and the cost of rewinding.
pub const CHURN_BUDGET: u32 = 30;
/// Churn's share of work, in key placements: a costly setup (many keys, an algorithm that
/// scores every node) gets fewer churn changes, so that a run stays quick to compute and
/// to rewind (rewinding replays the changes).
const CHURN_WORK: u64 = 12_000_000;

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
const KEY_SPACE: u64 = 10_000_000;

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

    /// Checks every limit; the message is meant for the page.
    pub fn validate(&self) -> Result<(), String> {
        if self.nodes.is_empty() {
            return Err("the ring is empty: it needs at least one node".into());
        }
        if self.nodes.len() as u32 > MAX_NODES {
            return Err(format!(
                "at most {MAX_NODES} nodes, not {}",
                self.nodes.len()
            ));
        }
        if self.hash == HashChoice::Xxh3 && !(1..=MAX_VNODES).contains(&self.vnodes) {
            return Err(format!(
                "virtual nodes per node must be from 1 to {MAX_VNODES}, not {}",
                self.vnodes
            ));
        }
        if self.key_count > MAX_KEYS {
            return Err(format!(
                "at most {MAX_KEYS} keys in this scene, not {}",
                self.key_count
            ));
        }
        if !(1..=MAX_REPLICAS).contains(&self.replicas) {
            return Err(format!(
                "the replication factor must be from 1 to {MAX_REPLICAS}, not {}",
                self.replicas
            ));
        }
        if !(100..=400).contains(&self.capacity_percent) {
            return Err(format!(
                "the bounded-load factor c must be from 100% to 400%, not {}%",
                self.capacity_percent
            ));
        }
        if self.algorithm == Algorithm::BoundedLoad && self.hash == HashChoice::Ketama {
            return Err("bounded loads run on the xxh3 ring, not on ketama".into());
        }
        let mut names: Vec<&str> = Vec::new();
        for node in &self.nodes {
            check_name(&node.name)?;
            check_weight(node.weight)?;
            if names.contains(&node.name.as_str()) {
                return Err(format!(
                    "two nodes are named \"{}\": names must be unique",
                    node.name
                ));
            }
            names.push(&node.name);
        }
        Ok(())
    }

    fn scheme(&self) -> PointScheme {
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
    if name.is_empty() {
        return Err("a node needs a name".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "node names are at most {MAX_NAME_LEN} characters long"
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(format!(
            "\"{}\": node names may use only letters, digits, - _ and .",
            shorten(name)
        ));
    }
    Ok(())
}

/// Checks a weight: 1 to 9.
pub fn check_weight(weight: u32) -> Result<(), String> {
    if weight == 0 {
        return Err(
            "a weight of 0 would give the node no points: use 1 to 9, or remove the node".into(),
        );
    }
    if weight > MAX_WEIGHT {
        return Err(format!("weights run from 1 to {MAX_WEIGHT}, not {weight}"));
    }
    Ok(())
}

/// Checks a key a person typed: 1 to 64 printable ASCII characters.
pub fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("type a key first".into());
    }
    if !key.is_ascii() {
        return Err(format!(
            "\"{}\" has non-ASCII characters: keys here are plain ASCII text",
            shorten(key)
        ));
    }
    if key.bytes().any(|b| b.is_ascii_control()) {
        return Err("keys may not contain control characters".into());
    }
    if key.len() > MAX_KEY_LEN {
        return Err(format!("keys are at most {MAX_KEY_LEN} characters long"));
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(24).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

// ---------------------------------------------------------------------------------------
// Commands

/// A person's (or a link's) input to the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cmd {
    Join { name: String, weight: u32 },
    Leave { name: String },
    Fail { name: String },
    Recover { name: String },
    Weight { name: String, weight: u32 },
    Lookup { key: String },
}

/// Percent-encodes every byte but `A-Z a-z 0-9 - _ . ~`, so that command text is safe in
/// a link and never contains the `:` and `,` that separate actions.
pub fn encode_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`encode_text`]; `None` for a malformed escape or invalid UTF-8.
pub fn decode_text(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = encode_text;
        match self {
            Cmd::Join { name, weight } => write!(f, "join:{}:{weight}", e(name)),
            Cmd::Leave { name } => write!(f, "leave:{}", e(name)),
            Cmd::Fail { name } => write!(f, "fail:{}", e(name)),
            Cmd::Recover { name } => write!(f, "recover:{}", e(name)),
            Cmd::Weight { name, weight } => write!(f, "weight:{}:{weight}", e(name)),
            Cmd::Lookup { key } => write!(f, "lookup:{}", e(key)),
        }
    }
}

impl FromStr for Cmd {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split(':');
        let verb = parts.next().unwrap_or_default();
        let mut field = |what: &str| -> Result<String, String> {
            let raw = parts
                .next()
                .ok_or_else(|| format!("\"{}\" is missing its {what}", shorten(text)))?;
            decode_text(raw)
                .ok_or_else(|| format!("the {what} \"{}\" is badly encoded", shorten(raw)))
        };
        let number = |raw: String| -> Result<u32, String> {
            raw.parse::<u32>()
                .map_err(|_| format!("a weight must be a whole number, not \"{}\"", shorten(&raw)))
        };
        let cmd = match verb {
            "join" => {
                let name = field("name")?;
                let weight = number(field("weight")?)?;
                Cmd::Join { name, weight }
            }
            "leave" => Cmd::Leave {
                name: field("name")?,
            },
            "fail" => Cmd::Fail {
                name: field("name")?,
            },
            "recover" => Cmd::Recover {
                name: field("name")?,
            },
            "weight" => {
                let name = field("name")?;
                let weight = number(field("weight")?)?;
                Cmd::Weight { name, weight }
            }
            "lookup" => Cmd::Lookup { key: field("key")? },
            other => {
                return Err(format!(
                    "unknown command \"{}\" (join, leave, fail, recover, weight or lookup)",
                    shorten(other)
                ))
            }
        };
        if parts.next().is_some() {
            return Err(format!("\"{}\" has too many parts", shorten(text)));
        }
        Ok(cmd)
    }
}

// ---------------------------------------------------------------------------------------
// State

/// The only timer: churn's next random change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    Churn,
}

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
    pub command: String,
    pub reason: String,
    pub handled_at: u64,
}

/// The cluster: ring, keys, owners, and the last change (see the module documentation).
///
/// The large parts sit behind `Rc`, so that the timeline's checkpoints (clones of the
/// whole world) share them until a change replaces them.
#[derive(Clone, Debug)]
pub struct RingNode {
    config: Rc<RingConfig>,
    key_naming: KeyNaming,
    ring: Rc<HashRing>,
    key_hashes: Rc<Vec<u64>>,
    /// Owner slot per key.
    owners: Rc<Vec<u16>>,
    /// Keys per slot.
    loads: Vec<u32>,
    /// Servers that failed (and may recover), with their weights.
    failed: Vec<NodeSpec>,
    /// The number in the next churn-made name `node-<n>`.
    next_number: u32,
    churn_left: u32,
    handled: u64,
    changes: u32,
    last_change: Option<Rc<Change>>,
    lookup: Option<Rc<Lookup>>,
    rejection: Option<Rc<Rejection>>,
}

/// A run's state for fingerprints. The configuration and the ring follow from the run's
/// parameters and the membership; the key owners, loads, failures and counters say what
/// can differ between two states (the last change, lookup and rejection are reports about
/// the step that made them, counted by `changes` and `handled`).
impl RingNode {
    fn fingerprint_parts(&self) -> impl std::hash::Hash + PartialEq + '_ {
        (
            (self.key_naming, &self.owners, &self.loads, &self.failed),
            (
                self.next_number,
                self.churn_left,
                self.handled,
                self.changes,
            ),
        )
    }
}

impl PartialEq for RingNode {
    fn eq(&self, other: &Self) -> bool {
        self.fingerprint_parts() == other.fingerprint_parts()
    }
}

impl Eq for RingNode {}

impl std::hash::Hash for RingNode {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.fingerprint_parts().hash(state);
    }
}

/// The seeded permutation that names keys: key `i` is `key-` and the seven digits of
/// `(offset + i * stride) mod 10^7`; `stride` is coprime with `10^7`, so names are
/// distinct, and the name of any key can be made (or inverted) on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyNaming {
    offset: u64,
    stride: u64,
    inverse: u64,
}

impl KeyNaming {
    pub fn new(seed: u64) -> Self {
        let mut rng = SimRng::new(seed ^ 0x6b65_7973_6e61_6d65);
        let offset = rng.below(KEY_SPACE);
        // Odd and not a multiple of 5: coprime with 10^7 = 2^7 * 5^7.
        let mut stride = rng.below(KEY_SPACE / 2) * 2 + 1;
        if stride % 5 == 0 {
            stride = (stride + 2) % KEY_SPACE;
        }
        KeyNaming {
            offset,
            stride,
            inverse: mod_inverse(stride, KEY_SPACE),
        }
    }

    pub fn name(&self, index: u32) -> String {
        let n = (self.offset + u64::from(index) * self.stride) % KEY_SPACE;
        format!("key-{n:07}")
    }

    /// The index of a key name in the set of `count` keys, if it is one of them.
    pub fn index_of(&self, name: &str, count: u32) -> Option<u32> {
        let digits = name.strip_prefix("key-")?;
        if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = digits.parse().ok()?;
        let index = ((n + KEY_SPACE - self.offset) % KEY_SPACE) * self.inverse % KEY_SPACE;
        (index < u64::from(count)).then_some(index as u32)
    }
}

/// `a^-1 mod m` for coprime `a` and `m` (extended Euclid).
fn mod_inverse(a: u64, m: u64) -> u64 {
    let (mut old_r, mut r) = (a as i128, m as i128);
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    old_s.rem_euclid(m as i128) as u64
}

/// One server's row for the histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow {
    pub slot: u16,
    pub name: String,
    pub weight: u32,
    pub keys: u32,
    /// Its fair share of the keys: `K * w / W`.
    pub fair: f64,
    /// The bounded-load capacity, for that algorithm.
    pub cap: Option<u64>,
}

/// How evenly keys are spread.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadSummary {
    pub mean: f64,
    pub std_dev: f64,
    /// The busiest server's keys over its fair share (1.0 is perfect).
    pub peak_to_mean: f64,
}

impl RingNode {
    /// Builds the cluster: the ring, the seeded key set and every key's owner.
    pub fn new(config: &RingConfig, seed: u64) -> Result<Self, String> {
        config.validate()?;
        let ring =
            HashRing::with_scheme(&config.nodes, config.scheme()).map_err(|e| e.to_string())?;
        let key_naming = KeyNaming::new(seed);
        let mut scratch = String::new();
        let key_hashes: Vec<u64> = (0..config.key_count)
            .map(|i| {
                use std::fmt::Write;
                scratch.clear();
                let n = (key_naming.offset + u64::from(i) * key_naming.stride) % KEY_SPACE;
                let _ = write!(scratch, "key-{n:07}");
                ring.hash_key(scratch.as_bytes())
            })
            .collect();
        let owners = place(config, &ring, &key_hashes)?;
        let loads = count_loads(&owners, slot_count(&ring));
        Ok(RingNode {
            next_number: config.nodes.len() as u32 + 1,
            config: Rc::new(config.clone()),
            key_naming,
            ring: Rc::new(ring),
            key_hashes: Rc::new(key_hashes),
            owners: Rc::new(owners),
            loads,
            failed: Vec::new(),
            churn_left: churn_budget(config),
            handled: 0,
            changes: 0,
            last_change: None,
            lookup: None,
            rejection: None,
        })
    }

    pub fn config(&self) -> &RingConfig {
        &self.config
    }

    pub fn ring(&self) -> &HashRing {
        &self.ring
    }

    /// The ring behind its `Rc` (its address identifies a version, for caching drawings).
    pub fn ring_rc(&self) -> &Rc<HashRing> {
        &self.ring
    }

    pub fn key_hashes(&self) -> &Rc<Vec<u64>> {
        &self.key_hashes
    }

    /// Owner slot per key.
    pub fn owners(&self) -> &Rc<Vec<u16>> {
        &self.owners
    }

    /// Keys per slot (0 for free slots).
    pub fn loads(&self) -> &[u32] {
        &self.loads
    }

    pub fn key_count(&self) -> u32 {
        self.key_hashes.len() as u32
    }

    pub fn key_name(&self, index: u32) -> String {
        self.key_naming.name(index)
    }

    pub fn key_naming(&self) -> KeyNaming {
        self.key_naming
    }

    pub fn failed(&self) -> &[NodeSpec] {
        &self.failed
    }

    /// How many handler calls (start, timers, commands) the cluster has handled: the
    /// last change or lookup is "current" when it was made by the latest one.
    pub fn handled(&self) -> u64 {
        self.handled
    }

    pub fn changes(&self) -> u32 {
        self.changes
    }

    pub fn last_change(&self) -> Option<&Change> {
        self.last_change.as_deref()
    }

    /// The last change behind its `Rc` (its address identifies it, for caching drawings).
    pub fn last_change_rc(&self) -> Option<&Rc<Change>> {
        self.last_change.as_ref()
    }

    pub fn lookup(&self) -> Option<&Lookup> {
        self.lookup.as_deref()
    }

    pub fn lookup_rc(&self) -> Option<&Rc<Lookup>> {
        self.lookup.as_ref()
    }

    pub fn rejection_rc(&self) -> Option<&Rc<Rejection>> {
        self.rejection.as_ref()
    }

    /// The configuration behind its `Rc`.
    pub fn config_rc(&self) -> &Rc<RingConfig> {
        &self.config
    }

    pub fn rejection(&self) -> Option<&Rejection> {
        self.rejection.as_deref()
    }

    pub fn churn_left(&self) -> u32 {
        self.churn_left
    }

    /// The live servers: (slot, spec), in slot order.
    pub fn live_nodes(&self) -> impl Iterator<Item = (u16, &NodeSpec)> + '_ {
        self.ring.nodes().map(|(i, n)| (i.0 as u16, n))
    }

    /// The name of the server in `slot`, if it is live.
    pub fn node_name(&self, slot: u16) -> Option<&str> {
        self.ring
            .node(NodeIndex(u32::from(slot)))
            .map(|n| n.name.as_str())
    }

    /// The first `node-<n>` name not in use (for the "add a node" form).
    pub fn suggested_name(&self) -> String {
        let mut n = self.next_number;
        loop {
            let name = format!("node-{n}");
            if self.ring.index_of(&name).is_none() && !self.failed.iter().any(|f| f.name == name) {
                return name;
            }
            n += 1;
        }
    }

    /// Rows for the histogram, in slot order.
    pub fn node_rows(&self) -> Vec<NodeRow> {
        let total_weight: u64 = self.live_nodes().map(|(_, n)| u64::from(n.weight)).sum();
        let keys = u64::from(self.key_count());
        let bounded = self.config.algorithm == Algorithm::BoundedLoad;
        self.live_nodes()
            .map(|(slot, node)| NodeRow {
                slot,
                name: node.name.clone(),
                weight: node.weight,
                keys: self.loads.get(usize::from(slot)).copied().unwrap_or(0),
                fair: if total_weight == 0 {
                    0.0
                } else {
                    keys as f64 * f64::from(node.weight) / total_weight as f64
                },
                cap: bounded.then(|| {
                    capacity(
                        keys,
                        u64::from(node.weight),
                        total_weight,
                        self.config.capacity_factor(),
                    )
                }),
            })
            .collect()
    }

    /// Mean, standard deviation and peak-to-mean of the keys per server.
    pub fn load_summary(&self) -> LoadSummary {
        let rows = self.node_rows();
        let counts: Vec<f64> = rows.iter().map(|r| f64::from(r.keys)).collect();
        let mean = if counts.is_empty() {
            0.0
        } else {
            counts.iter().sum::<f64>() / counts.len() as f64
        };
        let peak_to_mean = rows
            .iter()
            .filter(|r| r.fair > 0.0)
            .map(|r| f64::from(r.keys) / r.fair)
            .fold(0.0, f64::max);
        LoadSummary {
            mean,
            std_dev: placement::population_std_dev(&counts),
            peak_to_mean,
        }
    }

    // -----------------------------------------------------------------------------------
    // Changes

    fn reject(&mut self, cmd: &Cmd, reason: String) {
        self.rejection = Some(Rc::new(Rejection {
            command: cmd.to_string(),
            reason,
            handled_at: self.handled,
        }));
    }

    /// Carries out one command; a command that cannot apply is recorded as a rejection.
    fn apply(&mut self, cmd: &Cmd, now: Time) {
        if let Err(reason) = self.try_apply(cmd, now) {
            self.reject(cmd, reason);
        }
    }

    fn try_apply(&mut self, cmd: &Cmd, now: Time) -> Result<(), String> {
        match cmd {
            Cmd::Join { name, weight } => {
                check_name(name)?;
                check_weight(*weight)?;
                if self.ring.index_of(name).is_some() {
                    return Err(format!("there is already a node named \"{name}\""));
                }
                if self.failed.iter().any(|f| &f.name == name) {
                    return Err(format!(
                        "\"{name}\" failed earlier: recover it, or choose another name"
                    ));
                }
                self.join(NodeSpec::new(name.clone(), *weight), ChangeKind::Join, now)
            }
            Cmd::Recover { name } => {
                let at = self
                    .failed
                    .iter()
                    .position(|f| &f.name == name)
                    .ok_or_else(|| format!("\"{}\" has not failed", shorten(name)))?;
                let node = self.failed[at].clone();
                self.join(node, ChangeKind::Recover, now)?;
                self.failed.remove(at);
                Ok(())
            }
            Cmd::Leave { name } => self.leave(name, ChangeKind::Leave, now),
            Cmd::Fail { name } => {
                let weight = self.weight_of(name)?;
                self.leave(name, ChangeKind::Fail, now)?;
                self.failed.push(NodeSpec::new(name.clone(), weight));
                Ok(())
            }
            Cmd::Weight { name, weight } => {
                check_weight(*weight)?;
                let old = self.weight_of(name)?;
                if old == *weight {
                    return Err(format!("\"{name}\" already has weight {weight}"));
                }
                self.change(
                    name,
                    ChangeKind::Weight {
                        from: old,
                        to: *weight,
                    },
                    now,
                    |ring, hashes| ring.set_weight(name, *weight, hashes),
                )
            }
            Cmd::Lookup { key } => {
                check_key(key)?;
                self.look_up(key, now)
            }
        }
    }

    fn weight_of(&self, name: &str) -> Result<u32, String> {
        self.ring
            .index_of(name)
            .and_then(|i| self.ring.node(i))
            .map(|n| n.weight)
            .ok_or_else(|| format!("there is no live node named \"{}\"", shorten(name)))
    }

    fn join(&mut self, node: NodeSpec, kind: ChangeKind, now: Time) -> Result<(), String> {
        if self.ring.node_count() as u32 >= MAX_NODES {
            return Err(format!("the scene holds at most {MAX_NODES} nodes"));
        }
        let name = node.name.clone();
        self.change(&name, kind, now, move |ring, hashes| {
            ring.add_node(node.clone(), hashes)
        })
    }

    fn leave(&mut self, name: &str, kind: ChangeKind, now: Time) -> Result<(), String> {
        self.weight_of(name)?;
        if self.ring.node_count() <= 1 {
            return Err(format!(
                "\"{name}\" is the last node: the ring needs at least one"
            ));
        }
        self.change(name, kind, now, |ring, hashes| {
            ring.remove_node(name, hashes)
        })
    }

    /// Applies a membership change to the ring, re-places the keys with the active
    /// algorithm, and records exactly what moved.
    fn change(
        &mut self,
        name: &str,
        kind: ChangeKind,
        now: Time,
        edit: impl FnOnce(
            &mut HashRing,
            &[u64],
        ) -> Result<Vec<placement::KeyMove>, placement::PlacementError>,
    ) -> Result<(), String> {
        let before_ring = Rc::clone(&self.ring);
        let mut ring = (*self.ring).clone();
        let ring_moves = edit(&mut ring, &self.key_hashes).map_err(|e| e.to_string())?;
        let slot = ring
            .index_of(name)
            .or_else(|| before_ring.index_of(name))
            .map_or(0, |i| i.0 as u16);
        let weight = ring
            .index_of(name)
            .and_then(|i| ring.node(i))
            .or_else(|| before_ring.index_of(name).and_then(|i| before_ring.node(i)))
            .map_or(1, |n| n.weight);

        let owners_before = Rc::clone(&self.owners);
        let (owners, moves) = if self.config.algorithm == Algorithm::Ring {
            // The ring reported its moves exactly: apply them instead of re-placing.
            let mut owners = (*owners_before).clone();
            let moves: Vec<Move> = ring_moves
                .iter()
                .map(|m| {
                    let to = m.to.0 as u16;
                    owners[m.key_index] = to;
                    Move {
                        key: m.key_index as u32,
                        from: m.from.0 as u16,
                        to,
                    }
                })
                .collect();
            (owners, moves)
        } else {
            let owners = place(&self.config, &ring, &self.key_hashes)?;
            let moves = diff(&owners_before, &owners);
            (owners, moves)
        };

        let modulo_moves = modulo_moves(&before_ring, &ring, &self.key_hashes)?;
        let key_count = self.key_hashes.len() as f64;
        let total = |r: &HashRing| r.nodes().map(|(_, n)| f64::from(n.weight)).sum::<f64>();
        let share = |r: &HashRing| {
            r.index_of(name)
                .and_then(|i| r.node(i))
                .map_or(0.0, |n| f64::from(n.weight) / total(r).max(1.0))
        };
        let ideal_moves = key_count * (share(&ring) - share(&before_ring)).abs();
        let loads_before =
            std::mem::replace(&mut self.loads, count_loads(&owners, slot_count(&ring)));

        self.changes += 1;
        self.last_change = Some(Rc::new(Change {
            kind,
            node: name.to_string(),
            slot,
            weight,
            time: now,
            handled_at: self.handled,
            moves,
            ring_moves: ring_moves.len() as u64,
            modulo_moves,
            ideal_moves,
            nodes_before: before_ring.node_count() as u32,
            nodes_after: ring.node_count() as u32,
            loads_before,
        }));
        self.ring = Rc::new(ring);
        self.owners = Rc::new(owners);
        // The lookup's owners may have changed: look the key up again on the new ring.
        if let Some(lookup) = self.lookup.take() {
            let handled_at = lookup.handled_at;
            let time = lookup.time;
            if self.look_up(&lookup.key, time).is_ok() {
                if let Some(fresh) = self.lookup.as_mut() {
                    let fresh = Rc::make_mut(fresh);
                    fresh.handled_at = handled_at;
                }
            }
        }
        Ok(())
    }

    fn look_up(&mut self, key: &str, now: Time) -> Result<(), String> {
        let hash = self.ring.hash_key(key.as_bytes());
        let key_index = self.key_naming.index_of(key, self.key_count());
        let wanted = self.config.replicas as usize;
        let (replicas, walk) = match self.config.algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => {
                let (mut replicas, walk) = preference_walk(&self.ring, hash, wanted);
                // With bounded loads a key of the set may have been pushed past a full
                // server: its real owner comes first.
                if let Some(owner) = key_index.and_then(|i| self.owners.get(i as usize)) {
                    if replicas.first() != Some(owner) {
                        replicas.retain(|r| r != owner);
                        replicas.insert(0, *owner);
                        replicas.truncate(wanted.max(1));
                    }
                }
                (replicas, walk)
            }
            Algorithm::Rendezvous => {
                let (list, slots) = node_list(&self.ring);
                let ranking = Rendezvous::new(&list).map_err(|e| e.to_string())?;
                let replicas = ranking
                    .ranking(hash)
                    .into_iter()
                    .take(wanted)
                    .filter_map(|i| slots.get(i.get()).copied())
                    .collect();
                (replicas, Vec::new())
            }
            _ => {
                let owner = match key_index {
                    Some(i) => self.owners.get(i as usize).copied(),
                    None => {
                        let (list, slots) = node_list(&self.ring);
                        let placement = build_placement(&self.config, &list)?;
                        placement
                            .owner(hash)
                            .and_then(|i| slots.get(i.get()).copied())
                    }
                };
                (owner.into_iter().collect(), Vec::new())
            }
        };
        self.lookup = Some(Rc::new(Lookup {
            key: key.to_string(),
            hash,
            replicas,
            walk,
            key_index,
            time: now,
            handled_at: self.handled,
        }));
        Ok(())
    }

    /// Churn: one random join, leave, failure or recovery, drawn from the seeded source.
    fn churn(&mut self, cx: &mut Ctx<'_, Self>) {
        let live = self.ring.node_count() as u32;
        let most = (self.config.nodes.len() as u32 * 2).clamp(4, MAX_NODES);
        let roll = cx.rng().below(100);
        let cmd = if !self.failed.is_empty() && roll < 25 {
            let pick = cx.rng().below(self.failed.len() as u64) as usize;
            Cmd::Recover {
                name: self.failed[pick].name.clone(),
            }
        } else if live <= 2 || (live < most && roll < 60) {
            let name = self.suggested_name();
            self.next_number = name
                .strip_prefix("node-")
                .and_then(|n| n.parse::<u32>().ok())
                .map_or(self.next_number, |n| n + 1);
            Cmd::Join { name, weight: 1 }
        } else {
            let pick = cx.rng().below(u64::from(live));
            let name = self
                .ring
                .nodes()
                .nth(pick as usize)
                .map(|(_, n)| n.name.clone())
                .unwrap_or_default();
            if roll % 3 == 0 {
                Cmd::Fail { name }
            } else {
                Cmd::Leave { name }
            }
        };
        self.apply(&cmd, cx.now());
    }
}

/// Bounded loads' capacity for a server: `ceil(c * K * w / W)`, and never below the
/// integer fair share (the same formula as [`BoundedLoad::capacities`]).
pub fn capacity(keys: u64, weight: u64, total_weight: u64, factor: f64) -> u64 {
    let share = u128::from(keys) * u128::from(weight);
    let fair = share.div_ceil(u128::from(total_weight.max(1))) as u64;
    let scaled = (factor * (share as f64 / total_weight.max(1) as f64)).ceil();
    fair.max(scaled as u64)
}

/// The clockwise walk from a key: the first `wanted` distinct servers and the ring
/// positions of the points where each was met.
pub fn preference_walk(ring: &HashRing, key_hash: u64, wanted: usize) -> (Vec<u16>, Vec<u64>) {
    let wanted = wanted.min(ring.node_count());
    let (mut replicas, mut walk) = (Vec::with_capacity(wanted), Vec::with_capacity(wanted));
    let Some(start) = ring.successor_position(key_hash) else {
        return (replicas, walk);
    };
    let points = ring.points().skip(start).chain(ring.points().take(start));
    for point in points {
        if replicas.len() >= wanted {
            break;
        }
        let slot = point.node.0 as u16;
        if !replicas.contains(&slot) {
            replicas.push(slot);
            walk.push(point.position);
        }
    }
    (replicas, walk)
}

/// The live servers as a list (for the list-based algorithms) and each entry's slot.
fn node_list(ring: &HashRing) -> (Vec<NodeSpec>, Vec<u16>) {
    ring.nodes().map(|(i, n)| (n.clone(), i.0 as u16)).unzip()
}

fn slot_count(ring: &HashRing) -> usize {
    ring.nodes().map(|(i, _)| i.get() + 1).max().unwrap_or(0)
}

fn count_loads(owners: &[u16], slots: usize) -> Vec<u32> {
    let mut loads = vec![0u32; slots];
    for &owner in owners {
        if let Some(load) = loads.get_mut(usize::from(owner)) {
            *load += 1;
        }
    }
    loads
}

fn diff(before: &[u16], after: &[u16]) -> Vec<Move> {
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (&from, &to))| Move {
            key: i as u32,
            from,
            to,
        })
        .collect()
}

fn placement_config(config: &RingConfig) -> PlacementConfig {
    PlacementConfig {
        vnodes_per_weight: config.vnodes.max(1),
        capacity_factor: config.capacity_factor(),
        ..PlacementConfig::default()
    }
}

fn build_placement(config: &RingConfig, list: &[NodeSpec]) -> Result<Box<dyn Placement>, String> {
    let pc = placement_config(config);
    let err = |e: placement::PlacementError| e.to_string();
    Ok(match config.algorithm {
        Algorithm::Ring | Algorithm::BoundedLoad => {
            Box::new(HashRing::with_scheme(list, config.scheme()).map_err(err)?)
        }
        Algorithm::Modulo => Box::new(Modulo::new(list).map_err(err)?),
        Algorithm::Jump => Box::new(JumpHash::new(list).map_err(err)?),
        Algorithm::Rendezvous => Box::new(Rendezvous::new(list).map_err(err)?),
        Algorithm::Maglev => Box::new(Maglev::new(list, pc.maglev_table_size).map_err(err)?),
    })
}

/// Every key's owner slot under the configured algorithm.
fn place(config: &RingConfig, ring: &HashRing, key_hashes: &[u64]) -> Result<Vec<u16>, String> {
    let (list, slots) = node_list(ring);
    let to_slot = |i: NodeIndex| slots.get(i.get()).copied().unwrap_or(0);
    match config.algorithm {
        Algorithm::Ring => Ok(key_hashes
            .iter()
            .map(|&h| ring.owner(h).map_or(0, |i| i.0 as u16))
            .collect()),
        Algorithm::BoundedLoad => {
            let bounded = BoundedLoad::new(&list, config.vnodes, config.capacity_factor())
                .map_err(|e| e.to_string())?;
            let assignment = bounded.assign(key_hashes).map_err(|e| e.to_string())?;
            Ok(assignment.owners.into_iter().map(to_slot).collect())
        }
        _ => {
            let placement = build_placement(config, &list)?;
            let owners = placement.place_all(key_hashes).map_err(|e| e.to_string())?;
            Ok(owners.into_iter().map(to_slot).collect())
        }
    }
}

/// How many keys `hash % N` (over weight-expanded buckets, servers in slot order) would
/// move for the change from `before` to `after`.
fn modulo_moves(before: &HashRing, after: &HashRing, key_hashes: &[u64]) -> Result<u64, String> {
    let (list_before, slots_before) = node_list(before);
    let (list_after, slots_after) = node_list(after);
    let err = |e: placement::PlacementError| e.to_string();
    let old = Modulo::new(&list_before).map_err(err)?;
    let new = Modulo::new(&list_after).map_err(err)?;
    let slot = |slots: &[u16], i: Option<NodeIndex>| i.and_then(|i| slots.get(i.get()).copied());
    Ok(key_hashes
        .iter()
        .filter(|&&h| slot(&slots_before, old.owner(h)) != slot(&slots_after, new.owner(h)))
        .count() as u64)
}

/// Where a server's label sits: the angle (0 to 1 of a turn) of its first point, so that
/// with one virtual node the label sits beside its only tick.
pub fn home_fraction(name: &str, hash: HashChoice) -> f64 {
    match hash {
        HashChoice::Xxh3 => vnode_point(name, 0) as f64 / 18_446_744_073_709_551_616.0,
        HashChoice::Ketama => f64::from(ketama_points(name, 0)[0]) / 4_294_967_296.0,
    }
}

/// The fraction of a turn at which a hash sits on the ring (64- or 32-bit space).
pub fn ring_fraction(position: u64, hash: HashChoice) -> f64 {
    match hash {
        HashChoice::Xxh3 => position as f64 / 18_446_744_073_709_551_616.0,
        HashChoice::Ketama => position as f64 / 4_294_967_296.0,
    }
}

impl Protocol for RingNode {
    type Note = ();
    type Msg = ();
    type Timer = Timer;
    type Cmd = Cmd;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        self.handled += 1;
        if self.churn_left > 0 {
            cx.set_timer(Timer::Churn, CHURN_EVERY);
        }
    }

    fn on_message(&mut self, _cx: &mut Ctx<'_, Self>, _from: NodeId, _msg: ()) {}

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Timer) {
        self.handled += 1;
        match timer {
            Timer::Churn => {
                self.churn_left = self.churn_left.saturating_sub(1);
                self.churn(cx);
                if self.churn_left > 0 {
                    cx.set_timer(Timer::Churn, CHURN_EVERY);
                }
            }
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        self.handled += 1;
        self.apply(&cmd, cx.now());
    }

    /// The cluster's state is its membership, which a crash of this (imaginary) control
    /// node does not change: everything is durable.
    fn on_crash(&mut self) {}

    fn state_label(&self) -> &'static str {
        "SERVING"
    }

    fn detail_lines(&self) -> Vec<String> {
        self.live_nodes()
            .map(|(slot, n)| {
                let keys = self.loads.get(usize::from(slot)).copied().unwrap_or(0);
                format!("{} weight {}: {keys} keys", n.name, n.weight)
            })
            .collect()
    }

    fn timer_label(_timer: &Timer) -> String {
        "churn".into()
    }
}

// ---------------------------------------------------------------------------------------
// Invariants

fn cluster<'a>(nodes: &NodeSet<'a, RingNode>) -> Option<&'a RingNode> {
    nodes.get(NodeId(0))
}

fn check_minimal_disruption(nodes: &NodeSet<'_, RingNode>) -> Result<(), String> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    let Some(change) = node.last_change() else {
        return Ok(());
    };
    let inward = change.kind.pulls_keys_in();
    let stray: Vec<&Move> = change
        .moves
        .iter()
        .filter(|m| {
            if inward {
                m.to != change.slot
            } else {
                m.from != change.slot
            }
        })
        .collect();
    let Some(first) = stray.first() else {
        return Ok(());
    };
    let name = |slot: u16| {
        node.node_name(slot)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{slot}"))
    };
    let what = match change.kind {
        ChangeKind::Join => "joined",
        ChangeKind::Recover => "recovered",
        ChangeKind::Leave => "left",
        ChangeKind::Fail => "failed",
        ChangeKind::Weight { .. } => "changed weight",
    };
    Err(format!(
        "{} {what}, yet {} moved from {} to {} ({} keys moved between uninvolved nodes)",
        change.node,
        node.key_name(first.key),
        name(first.from),
        name(first.to),
        stray.len()
    ))
}

fn check_every_key_owned(nodes: &NodeSet<'_, RingNode>) -> Result<(), String> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    let held: u64 = node
        .live_nodes()
        .map(|(slot, _)| u64::from(node.loads.get(usize::from(slot)).copied().unwrap_or(0)))
        .sum();
    if held != u64::from(node.key_count()) {
        return Err(format!(
            "the live nodes hold {held} keys, not all {}",
            node.key_count()
        ));
    }
    Ok(())
}

fn check_distinct_replicas(nodes: &NodeSet<'_, RingNode>) -> Result<(), String> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    let Some(lookup) = node.lookup() else {
        return Ok(());
    };
    for (i, slot) in lookup.replicas.iter().enumerate() {
        if lookup.replicas[..i].contains(slot) {
            return Err(format!(
                "{} is listed twice among the replicas of \"{}\"",
                node.node_name(*slot).unwrap_or("?"),
                lookup.key
            ));
        }
        if node.node_name(*slot).is_none() {
            return Err(format!(
                "a replica of \"{}\" is on a node that is not live",
                lookup.key
            ));
        }
    }
    let ring_based =
        node.config.algorithm.uses_ring() || node.config.algorithm == Algorithm::Rendezvous;
    let wanted = (node.config.replicas as usize).min(node.ring.node_count());
    if ring_based && lookup.replicas.len() != wanted {
        return Err(format!(
            "\"{}\" has {} replicas, not {wanted}",
            lookup.key,
            lookup.replicas.len()
        ));
    }
    Ok(())
}

fn check_load_cap(nodes: &NodeSet<'_, RingNode>) -> Result<(), String> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    for row in node.node_rows() {
        if let Some(cap) = row.cap {
            if u64::from(row.keys) > cap {
                return Err(format!(
                    "{} holds {} keys, above its cap of {cap}",
                    row.name, row.keys
                ));
            }
        }
    }
    Ok(())
}

/// The named properties checked after every step (the load cap only for bounded loads).
pub fn invariants(config: &RingConfig) -> Vec<Invariant<RingNode>> {
    let mut list = vec![
        Invariant {
            name: "minimal disruption",
            description: "A join moves keys only to the new node; a leave or failure moves only the \
                          leaving node's keys. The ring and rendezvous hashing keep this promise; hash \
                          mod N, jump hash (removing from the middle), Maglev (a few keys), ketama \
                          and bounded loads do not.",
            check: check_minimal_disruption,
            changes_with: None,
        },
        Invariant {
            name: "every key has an owner",
            description: "The live nodes hold all K keys between them: none is lost or counted twice.",
            check: check_every_key_owned,
            changes_with: None,
        },
        Invariant {
            name: "distinct replicas",
            description: "A key's R replicas are on R different live nodes (the clockwise walk skips \
                          further points of nodes it already has).",
            check: check_distinct_replicas,
            changes_with: None,
        },
    ];
    if config.algorithm == Algorithm::BoundedLoad {
        list.push(Invariant {
            name: "load cap",
            description:
                "With bounded loads no node holds more than ceil(c × its fair share) keys.",
            check: check_load_cap,
            changes_with: None,
        });
    }
    list
}

// ---------------------------------------------------------------------------------------
// Scenarios

/// A ready-made scenario: its configuration and the commands to take, each at a
/// simulated time (milliseconds).
pub struct Scenario {
    pub config: RingConfig,
    pub commands: Vec<(u64, Cmd)>,
}

const SCENARIOS: &[ScenarioInfo] = &[
    ScenarioInfo {
        id: "modulo-vs-ring",
        title: "Modulo vs ring: one server joins",
        description:
            "Four servers place 4,000 keys with hash mod N; a fifth joins and about 80% of \
                      all keys move, though the newcomer should take only 20%. The counter shows \
                      what the ring would have moved for the same join. Switch the algorithm to \
                      ring to watch only the newcomer's share fly.",
    },
    ScenarioInfo {
        id: "ring-join",
        title: "Ring: one server joins",
        description:
            "Five servers with 100 virtual nodes each; node-6 joins and takes about a sixth \
                      of the keys, a little from every server, and nothing else moves.",
    },
    ScenarioInfo {
        id: "one-vnode",
        title: "1 virtual node: lopsided",
        description:
            "Five servers with one point each: arcs of random length, so some server owns \
                      two or three times its share (see the histogram's peak/mean). Compare with \
                      100 virtual nodes.",
    },
    ScenarioInfo {
        id: "many-vnodes",
        title: "Virtual nodes even out the load",
        description: "The same five servers with 100 virtual nodes each: every server's share is \
                      the sum of many small arcs, within about 10% of the mean.",
    },
    ScenarioInfo {
        id: "node-fails",
        title: "A node fails: only its keys move",
        description: "Six servers, three replicas. node-3 fails: only its keys move, each to the \
                      next server clockwise, spread over many servers thanks to virtual nodes. \
                      A lookup shows a key that lived on node-3 and its new preference list.",
    },
    ScenarioInfo {
        id: "weights",
        title: "Weights: bigger servers take more",
        description:
            "Servers of weight 1, 1, 2 and 4 get keys in proportion; then node-1's weight \
                      goes from 1 to 3 and it pulls keys in from everyone, nothing else moves.",
    },
    ScenarioInfo {
        id: "bounded",
        title: "Bounded loads: nobody above 1.25× the mean",
        description: "Ten virtual nodes per server give an uneven ring, but with bounded loads no \
                      server takes more than 1.25 times its share: keys walk past full servers. \
                      The price: a join moves more keys than the plain ring would.",
    },
    ScenarioInfo {
        id: "ketama",
        title: "ketama (memcached): a join reshuffles",
        description: "libketama's MD5 ring gives each server about 160 points, derived from the \
                      server count. When node-5 joins every server's points are derived again, \
                      so a few keys move between servers that were not involved.",
    },
    ScenarioInfo {
        id: "churn",
        title: "Churn: servers come and go",
        description: "Press play: every 40 ms of simulated time a random server joins, leaves, \
                      fails or recovers (drawn from the seed). Watch the keys fly and the \
                      histogram stay level.",
    },
];

pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.to_vec()
}

/// The configuration and commands of a scenario.
pub fn scenario(id: &str) -> Option<Scenario> {
    let join = |name: &str, weight: u32| Cmd::Join {
        name: name.into(),
        weight,
    };
    let scenario = match id {
        "modulo-vs-ring" => Scenario {
            config: RingConfig {
                algorithm: Algorithm::Modulo,
                ..RingConfig::uniform(4, 100, 4_000)
            },
            commands: vec![(20, join("node-5", 1))],
        },
        "ring-join" => Scenario {
            config: RingConfig::uniform(5, 100, 4_000),
            commands: vec![(20, join("node-6", 1))],
        },
        "one-vnode" => Scenario {
            config: RingConfig::uniform(5, 1, 4_000),
            commands: vec![(
                20,
                Cmd::Lookup {
                    key: "user:42".into(),
                },
            )],
        },
        "many-vnodes" => Scenario {
            config: RingConfig::uniform(5, 100, 4_000),
            commands: vec![(
                20,
                Cmd::Lookup {
                    key: "user:42".into(),
                },
            )],
        },
        "node-fails" => Scenario {
            config: RingConfig::uniform(6, 100, 4_000),
            commands: vec![
                (
                    20,
                    Cmd::Fail {
                        name: "node-3".into(),
                    },
                ),
                (
                    60,
                    Cmd::Lookup {
                        key: "user:6".into(),
                    },
                ),
            ],
        },
        "weights" => {
            let mut config = RingConfig::uniform(4, 100, 4_000);
            for (node, weight) in config.nodes.iter_mut().zip([1, 1, 2, 4]) {
                node.weight = weight;
            }
            Scenario {
                config,
                commands: vec![(
                    20,
                    Cmd::Weight {
                        name: "node-1".into(),
                        weight: 3,
                    },
                )],
            }
        }
        "bounded" => Scenario {
            config: RingConfig {
                algorithm: Algorithm::BoundedLoad,
                ..RingConfig::uniform(5, 10, 5_000)
            },
            commands: vec![(20, join("node-6", 1))],
        },
        "ketama" => Scenario {
            config: RingConfig {
                hash: HashChoice::Ketama,
                ..RingConfig::uniform(4, 100, 4_000)
            },
            commands: vec![(20, join("node-5", 1))],
        },
        "churn" => Scenario {
            config: RingConfig {
                churn: true,
                ..RingConfig::uniform(6, 100, 3_000)
            },
            commands: Vec::new(),
        },
        _ => return None,
    };
    Some(scenario)
}
