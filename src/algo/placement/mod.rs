//! Placement: deciding which node (server, shard, cache) stores each key.
//!
//! **The problem.** A cluster of `n` nodes shares a large set of keys. Every client must
//! compute the same owner for a key without asking anyone, and when a node joins or
//! leaves, as few keys as possible should change owner, because every moved key is a
//! cache miss or a copy over the network. The obvious `hash(key) % n` fails the second
//! requirement badly: going from `n` to `n + 1` nodes moves about `n / (n + 1)` of all
//! keys.
//!
//! **The algorithms here**, one per file, all behind the one [`Placement`] trait so that
//! they can be compared on the same inputs ([`compare::compare_algorithms`]):
//! - [`modulo`]: `hash % n`, the baseline that shows why the others exist.
//! - [`hash_ring`]: the consistent-hash ring with virtual nodes (Karger et al.), including
//!   a libketama-compatible mode as used by memcached clients.
//! - [`jump`]: jump consistent hash (Lamping and Veach): no memory, perfect balance, but
//!   nodes can only be added or removed at the end of the list.
//! - [`rendezvous`]: highest-random-weight hashing: every node scores every key.
//! - [`maglev`]: Google's Maglev lookup table: constant-time lookups, near-minimal moves.
//! - [`bounded_load`]: the ring with a capacity per node (Mirrokni, Thorup and
//!   Zadimoghaddam), so that no node is overloaded, at the price of extra moves.
//!
//! **Shared vocabulary.** Nodes are given as a list of [`NodeSpec`] (a unique name and a
//! weight); a [`NodeIndex`] is a position in that list. Keys are byte strings, hashed to a
//! `u64` by [`Placement::hash_key`] (xxh3 by default, MD5 for ketama) and placed by
//! [`Placement::owner`]. Every input is checked: bad input returns a [`PlacementError`]
//! whose `Display` text can be shown to a person as it is; nothing here panics on any
//! input.
//!
//! **Determinism.** No wall clock, no `HashMap`, no randomness: the same nodes and keys
//! give the same placement on every platform. Timing in [`compare`] is measured only
//! through a clock the caller passes in.
use crate::sim::sorted::SortedSet;
use std::fmt;

pub mod bounded_load;
pub mod compare;
pub mod hash_fn;
pub mod hash_ring;
pub mod jump;
pub mod maglev;
pub mod modulo;
pub mod rendezvous;

pub use bounded_load::BoundedLoad;
pub use compare::{compare_algorithms, AlgorithmReport, CompareSetup, Comparison};
pub use hash_ring::{HashRing, KetamaRing, KeyMove, PointScheme, RingPoint};
pub use jump::JumpHash;
pub use maglev::Maglev;
pub use modulo::Modulo;
pub use rendezvous::Rendezvous;

/// The most ring points (or table slots, or weight-expanded buckets) one placement may
/// hold: bounds memory (about 24 MB for a ring at the limit).
pub const MAX_POINTS: u64 = 2_000_000;

/// The most keys one call may place.
pub const MAX_KEYS: usize = 1_000_000;

/// Default number of virtual nodes per unit of weight on a ring.
pub const DEFAULT_VNODES: u32 = 100;

/// Default Maglev table size (a prime, as Maglev requires).
pub const DEFAULT_MAGLEV_TABLE_SIZE: u32 = 65_537;

/// Default capacity factor `c` for consistent hashing with bounded loads.
pub const DEFAULT_CAPACITY_FACTOR: f64 = 1.25;

/// A node's position in the list of [`NodeSpec`]s a placement was built from.
///
/// A [`HashRing`] keeps these stable across membership changes: removing a node frees its
/// index (nobody else is renumbered) and the next node added takes the lowest free index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIndex(pub u32);

impl NodeIndex {
    /// The index as a `usize`, for indexing a `Vec`.
    #[inline]
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A node as the user describes it: a unique name and a weight (capacity). A weight-2 node
/// should receive about twice the keys of a weight-1 node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeSpec {
    pub name: String,
    pub weight: u32,
}

impl NodeSpec {
    pub fn new(name: impl Into<String>, weight: u32) -> Self {
        NodeSpec {
            name: name.into(),
            weight,
        }
    }
}

/// The knobs of every algorithm in one place, so that all of them can be built from the
/// same inputs. Each algorithm reads only the fields it needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacementConfig {
    /// Ring points per unit of weight (ring and bounded loads). More points: better
    /// balance (spread about `1/sqrt(v)`), more memory, slightly slower lookups.
    pub vnodes_per_weight: u32,
    /// `c >= 1` for bounded loads: no node takes more than `ceil(c * mean load)` keys.
    pub capacity_factor: f64,
    /// Maglev lookup-table size: a prime, much larger than the number of nodes.
    pub maglev_table_size: u32,
}

impl Default for PlacementConfig {
    fn default() -> Self {
        PlacementConfig {
            vnodes_per_weight: DEFAULT_VNODES,
            capacity_factor: DEFAULT_CAPACITY_FACTOR,
            maglev_table_size: DEFAULT_MAGLEV_TABLE_SIZE,
        }
    }
}

/// Why a placement could not be built or changed. The `Display` text is meant for people.
#[derive(Clone, Debug, PartialEq)]
pub enum PlacementError {
    /// No nodes were given, or the change would leave none.
    NoNodes,
    /// Zero virtual nodes per unit of weight: the ring would have no points.
    ZeroVirtualNodes,
    /// Two nodes share a name (names identify nodes, and they are hashed).
    DuplicateNodeName(String),
    /// A node has weight 0 (remove it instead).
    ZeroWeight(String),
    /// The requested structure would exceed [`MAX_POINTS`].
    TooManyPoints { requested: u64, limit: u64 },
    /// The bounded-load capacity factor is below 1, or not a finite number.
    CapacityFactorTooSmall(f64),
    /// More keys than [`MAX_KEYS`] in one call.
    TooManyKeys { requested: u64, limit: u64 },
    /// No node with this name exists.
    UnknownNode(String),
    /// The Maglev table size is not a prime, or is not larger than the number of nodes,
    /// or exceeds [`MAX_POINTS`].
    BadTableSize { size: u32, nodes: u64 },
}

impl fmt::Display for PlacementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlacementError::NoNodes => write!(f, "there are no nodes: add at least one node"),
            PlacementError::ZeroVirtualNodes => {
                write!(f, "the number of virtual nodes per node must be at least 1")
            }
            PlacementError::DuplicateNodeName(name) => {
                write!(f, "two nodes are named \"{name}\": node names must be unique")
            }
            PlacementError::ZeroWeight(name) => write!(
                f,
                "node \"{name}\" has weight 0: weights must be at least 1 (remove the node instead)"
            ),
            PlacementError::TooManyPoints { requested, limit } => write!(
                f,
                "this needs {requested} points (nodes x virtual nodes x weight), more than the limit of {limit}"
            ),
            PlacementError::CapacityFactorTooSmall(c) => write!(
                f,
                "the capacity factor c must be a number of at least 1 (got {c})"
            ),
            PlacementError::TooManyKeys { requested, limit } => {
                write!(f, "{requested} keys is more than the limit of {limit}")
            }
            PlacementError::UnknownNode(name) => write!(f, "there is no node named \"{name}\""),
            PlacementError::BadTableSize { size, nodes } => write!(
                f,
                "the Maglev table size must be a prime larger than the number of nodes ({nodes}) and at most {MAX_POINTS} (got {size})"
            ),
        }
    }
}

impl std::error::Error for PlacementError {}

/// The one interface every placement algorithm implements, so that they can be compared
/// on the same nodes and keys.
///
/// Node indices returned are positions in the `nodes` slice given to [`Placement::build`].
pub trait Placement {
    /// A short name for tables and legends ("ring", "jump", ...).
    fn name(&self) -> &'static str;

    /// Builds the placement for these nodes, checking them (see [`validate_nodes`]).
    fn build(nodes: &[NodeSpec], config: &PlacementConfig) -> Result<Self, PlacementError>
    where
        Self: Sized;

    /// How many nodes can own keys.
    fn node_count(&self) -> usize;

    /// Hashes a key's bytes the way this algorithm expects (xxh3 unless overridden).
    fn hash_key(&self, key: &[u8]) -> u64 {
        hash_fn::key_hash(key)
    }

    /// The node that owns a key, given its [`Placement::hash_key`] hash. `None` only if
    /// the placement has no nodes.
    fn owner(&self, key_hash: u64) -> Option<NodeIndex>;

    /// Places a whole key set, in the given order, and returns each key's owner. Most
    /// algorithms place keys independently; bounded loads need the whole set because a
    /// key's owner depends on the keys placed before it.
    fn place_all(&self, key_hashes: &[u64]) -> Result<Vec<NodeIndex>, PlacementError> {
        check_key_count(key_hashes.len())?;
        key_hashes
            .iter()
            .map(|&key_hash| self.owner(key_hash).ok_or(PlacementError::NoNodes))
            .collect()
    }

    /// Approximate bytes held by the lookup structures (not counting node names).
    fn memory_bytes(&self) -> usize;

    /// The cost of one lookup in words, e.g. "O(log P) binary search".
    fn lookup_complexity(&self) -> &'static str;
}

/// Checks a node list: at least one node, no weight 0, no duplicate names. Returns the
/// total weight.
pub fn validate_nodes(nodes: &[NodeSpec]) -> Result<u64, PlacementError> {
    if nodes.is_empty() {
        return Err(PlacementError::NoNodes);
    }
    let mut seen = SortedSet::new();
    let mut total_weight = 0u64;
    for node in nodes {
        if node.weight == 0 {
            return Err(PlacementError::ZeroWeight(node.name.clone()));
        }
        if !seen.insert(node.name.as_str()) {
            return Err(PlacementError::DuplicateNodeName(node.name.clone()));
        }
        total_weight += u64::from(node.weight);
    }
    Ok(total_weight)
}

/// Checks that `count` keys are within [`MAX_KEYS`].
pub fn check_key_count(count: usize) -> Result<(), PlacementError> {
    if count > MAX_KEYS {
        return Err(PlacementError::TooManyKeys {
            requested: count as u64,
            limit: MAX_KEYS as u64,
        });
    }
    Ok(())
}

/// Checks that a structure of `requested` points is within [`MAX_POINTS`].
pub fn check_point_count(requested: u64) -> Result<(), PlacementError> {
    if requested > MAX_POINTS {
        return Err(PlacementError::TooManyPoints {
            requested,
            limit: MAX_POINTS,
        });
    }
    Ok(())
}

/// Hashes every key with the placement's own key hash, checking the key count.
pub fn hash_keys<P, K>(placement: &P, keys: &[K]) -> Result<Vec<u64>, PlacementError>
where
    P: Placement + ?Sized,
    K: AsRef<[u8]>,
{
    check_key_count(keys.len())?;
    Ok(keys
        .iter()
        .map(|key| placement.hash_key(key.as_ref()))
        .collect())
}

/// One node's share of the load.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeLoad {
    pub node: NodeIndex,
    /// Keys assigned to the node.
    pub keys: u64,
    /// The share it should have: its weight over the total weight.
    pub expected_fraction: f64,
    /// The share of the hash space (ring arcs) it owns, for ring-based placements.
    pub arc_fraction: Option<f64>,
}

/// How evenly keys (and, for rings, the hash space) are spread.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadStats {
    pub nodes: Vec<NodeLoad>,
    pub total_keys: u64,
    /// Population standard deviation of the key counts per node.
    pub key_std_dev: f64,
    /// The most loaded node's keys over what its weight says it should get (1.0 is
    /// perfect; for equal weights this is max / mean). 0 when there are no keys.
    pub peak_to_mean: f64,
    /// Population standard deviation of `arc_fraction / expected_fraction` over nodes: the
    /// relative spread of ring shares, about `1/sqrt(v)` for `v` virtual nodes per node.
    pub arc_relative_std_dev: Option<f64>,
}

/// Computes [`LoadStats`] from an assignment of keys to nodes.
///
/// `nodes` lists the live nodes with their weights; `arc_fractions`, if given, holds one
/// value per entry of `nodes`. Keys assigned to an index not in `nodes` are ignored.
pub fn load_stats(
    nodes: &[(NodeIndex, u32)],
    assignment: &[NodeIndex],
    arc_fractions: Option<&[f64]>,
) -> LoadStats {
    let slot_count = nodes.iter().map(|(i, _)| i.get() + 1).max().unwrap_or(0);
    let mut counts = vec![0u64; slot_count];
    for owner in assignment {
        if let Some(count) = counts.get_mut(owner.get()) {
            *count += 1;
        }
    }
    let total_weight: u64 = nodes.iter().map(|&(_, w)| u64::from(w)).sum();
    let total_keys = assignment.len() as u64;
    let loads: Vec<NodeLoad> = nodes
        .iter()
        .enumerate()
        .map(|(pos, &(node, weight))| NodeLoad {
            node,
            keys: counts[node.get()],
            expected_fraction: if total_weight == 0 {
                0.0
            } else {
                weight as f64 / total_weight as f64
            },
            arc_fraction: arc_fractions.and_then(|arcs| arcs.get(pos).copied()),
        })
        .collect();
    let key_counts: Vec<f64> = loads.iter().map(|l| l.keys as f64).collect();
    let key_std_dev = population_std_dev(&key_counts);
    let peak_to_mean = if total_keys == 0 {
        0.0
    } else {
        loads
            .iter()
            .filter(|l| l.expected_fraction > 0.0)
            .map(|l| l.keys as f64 / (total_keys as f64 * l.expected_fraction))
            .fold(0.0, f64::max)
    };
    let arc_relative_std_dev = arc_fractions.map(|_| {
        let relative: Vec<f64> = loads
            .iter()
            .filter(|l| l.expected_fraction > 0.0)
            .map(|l| l.arc_fraction.unwrap_or(0.0) / l.expected_fraction)
            .collect();
        population_std_dev(&relative)
    });
    LoadStats {
        nodes: loads,
        total_keys,
        key_std_dev,
        peak_to_mean,
        arc_relative_std_dev,
    }
}

/// Population standard deviation (0 for an empty slice).
pub fn population_std_dev(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    variance.sqrt()
}
