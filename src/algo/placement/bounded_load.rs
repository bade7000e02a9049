//! Consistent hashing with bounded loads (Vahab Mirrokni, Mikkel Thorup and Morteza
//! Zadimoghaddam, SODA 2018; used by Google Cloud Pub/Sub and by HAProxy and Envoy).
//!
//! **Why it exists.** A plain ring only balances loads *on average*: with 100 virtual
//! nodes the busiest node still gets 20-30% more than the mean, and a skewed key set can
//! do far worse. Bounded loads give a hard guarantee: no node ever holds more than
//! `ceil(c * mean load)` keys, for a chosen `c >= 1` (for example 1.25).
//!
//! **How it works.** Use an ordinary ring with virtual nodes. Give every node a capacity
//! of `ceil(c * m * w / W)` keys (`m` keys, node weight `w`, total weight `W`; for equal
//! weights that is `ceil(c * m / n)`). Place keys one at a time, in a fixed order: a key
//! goes to the first point clockwise from its hash whose node still has room; full nodes
//! are simply walked past. Because the capacities add up to at least `m`, every key finds
//! a place.
//!
//! **Costs.** The ring's memory plus one counter per node. A lookup is the ring's binary
//! search plus a walk past full nodes; the paper shows the expected walk is `O(1/(c-1)^2)`
//! points, so `c` close to 1 makes the last keys walk far.
//!
//! **What goes wrong.**
//! - A key's owner depends on the keys placed *before* it, so the whole key set (and its
//!   order) is needed: [`Placement::owner`] alone can only give the plain ring owner, as
//!   if the key were the first one placed; use [`Placement::place_all`].
//! - Moves are no longer minimal: a join or leave changes the capacities and which nodes
//!   are full, so some keys ripple onward to other nodes ("cascading" overflow). The
//!   smaller `c`, the more extra moves; `c = 1` is perfect balance with the most churn.
use super::hash_ring::HashRing;
use super::{check_key_count, NodeIndex, NodeSpec, Placement, PlacementConfig, PlacementError};

/// A ring that caps every node's load at `ceil(c * mean)` (weighted).
#[derive(Clone, Debug)]
pub struct BoundedLoad {
    ring: HashRing,
    capacity_factor: f64,
}

/// The result of placing a key set with bounded loads.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundedAssignment {
    /// Owner per key, in key order.
    pub owners: Vec<NodeIndex>,
    /// Per live node: (node, keys placed, capacity).
    pub loads: Vec<(NodeIndex, u64, u64)>,
    /// Keys that did not go to their plain ring owner because it was full.
    pub forwarded: u64,
    /// The most points any key walked past before finding room.
    pub longest_walk: u64,
}

impl BoundedLoad {
    /// A bounded-load ring; `capacity_factor` must be a finite number `>= 1`.
    pub fn new(
        nodes: &[NodeSpec],
        vnodes_per_weight: u32,
        capacity_factor: f64,
    ) -> Result<Self, PlacementError> {
        // Checking finiteness first also rejects NaN, which compares false with anything.
        if !capacity_factor.is_finite() || capacity_factor < 1.0 {
            return Err(PlacementError::CapacityFactorTooSmall(capacity_factor));
        }
        Ok(BoundedLoad {
            ring: HashRing::new(nodes, vnodes_per_weight)?,
            capacity_factor,
        })
    }

    pub fn capacity_factor(&self) -> f64 {
        self.capacity_factor
    }

    /// The plain ring underneath.
    pub fn ring(&self) -> &HashRing {
        &self.ring
    }

    /// Every live node's capacity for a set of `key_count` keys:
    /// `ceil(c * key_count * w / W)`, and never below `ceil(key_count * w / W)` (computed
    /// in integers) so that the capacities always add up to at least `key_count`.
    pub fn capacities(&self, key_count: usize) -> Vec<(NodeIndex, u64)> {
        let total_weight: u64 = self.ring.nodes().map(|(_, n)| u64::from(n.weight)).sum();
        let keys = key_count as u64;
        self.ring
            .nodes()
            .map(|(index, node)| {
                let weight = u64::from(node.weight);
                let share = u128::from(keys) * u128::from(weight);
                let fair = share.div_ceil(u128::from(total_weight.max(1))) as u64;
                let scaled =
                    (self.capacity_factor * (share as f64 / total_weight.max(1) as f64)).ceil();
                (index, fair.max(scaled as u64))
            })
            .collect()
    }

    /// Places the keys in the given order (see the module documentation).
    pub fn assign(&self, key_hashes: &[u64]) -> Result<BoundedAssignment, PlacementError> {
        check_key_count(key_hashes.len())?;
        let capacities = self.capacities(key_hashes.len());
        let mut capacity = vec![0u64; self.ring.slot_count()];
        for &(node, cap) in &capacities {
            capacity[node.get()] = cap;
        }
        let mut load = vec![0u64; self.ring.slot_count()];
        let clockwise = self.ring.owners_clockwise();
        let point_count = clockwise.len();
        let mut owners = Vec::with_capacity(key_hashes.len());
        let (mut forwarded, mut longest_walk) = (0u64, 0u64);
        for &key_hash in key_hashes {
            let start = self
                .ring
                .successor_position(key_hash)
                .ok_or(PlacementError::NoNodes)?;
            let first_choice = clockwise[start];
            // Walk clockwise past full nodes. The capacities sum to at least the key count,
            // so some node has room and the walk ends within one lap; should it not, the
            // key stays with its first choice rather than being lost.
            let mut chosen = first_choice;
            for step in 0..point_count {
                let at = start + step;
                let node = clockwise[if at >= point_count {
                    at - point_count
                } else {
                    at
                }];
                if load[node.get()] < capacity[node.get()] {
                    chosen = node;
                    longest_walk = longest_walk.max(step as u64);
                    break;
                }
            }
            if chosen != first_choice {
                forwarded += 1;
            }
            load[chosen.get()] += 1;
            owners.push(chosen);
        }
        let loads = capacities
            .iter()
            .map(|&(node, cap)| (node, load[node.get()], cap))
            .collect();
        Ok(BoundedAssignment {
            owners,
            loads,
            forwarded,
            longest_walk,
        })
    }
}

impl Placement for BoundedLoad {
    fn name(&self) -> &'static str {
        "bounded-load"
    }

    fn build(nodes: &[NodeSpec], config: &PlacementConfig) -> Result<Self, PlacementError> {
        BoundedLoad::new(nodes, config.vnodes_per_weight, config.capacity_factor)
    }

    fn node_count(&self) -> usize {
        self.ring.node_count()
    }

    /// The plain ring owner: where the key goes if no node is full yet.
    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        self.ring.owner(key_hash)
    }

    fn place_all(&self, key_hashes: &[u64]) -> Result<Vec<NodeIndex>, PlacementError> {
        Ok(self.assign(key_hashes)?.owners)
    }

    fn memory_bytes(&self) -> usize {
        self.ring.memory_bytes() + self.ring.slot_count() * 2 * std::mem::size_of::<u64>()
    }

    fn lookup_complexity(&self) -> &'static str {
        "O(log P) search + a walk past full nodes"
    }
}
