//! The consistent-hash ring with virtual nodes, and its libketama-compatible mode.
//!
//! **Why it exists.** With `hash(key) % n`, adding one node changes almost every key's
//! owner. Consistent hashing (Karger et al., 1997) fixes that: when a node joins or
//! leaves, only the keys that must move (about `1/n` of them) move.
//!
//! **How it works.** Picture the hash space `0 .. 2^64` bent into a circle. Each node is
//! hashed to many points on the circle ("virtual nodes": `v` points per unit of weight, so
//! a weight-2 node gets twice the points). A key is hashed onto the same circle and
//! belongs to the first node point at or after it, going clockwise, wrapping past the top
//! back to 0. Here the points are one sorted array, so a lookup is a binary search
//! (`O(log P)` for `P` points) plus a wrap-around check. A small index of where each
//! `1/2^k`-th of the hash space starts in the array narrows the search to a handful of
//! points first, so a lookup costs one or two cache misses instead of `log2 P`.
//! - *Join:* the new node's points each cut an arc out of some existing node's arc; only
//!   keys on those arcs move, all of them to the new node.
//! - *Leave:* the node's points disappear; its keys go to the next points clockwise,
//!   which belong to many different nodes thanks to the virtual nodes, so the load is
//!   shared rather than dumped on one neighbour.
//! - *Replication:* the preference list for `R` replicas keeps walking clockwise and
//!   takes the first `R` *distinct physical* nodes, skipping further points of nodes it
//!   already has (otherwise two replicas could land on the same machine).
//!
//! **Costs.** Memory about `16` to `20` bytes per point (an 8-byte point, a 4-byte owner
//! and the index); a lookup reads the index and a few points; a membership change rebuilds
//! the arrays in `O(P)`.
//!
//! **What goes wrong.**
//! - *Imbalance.* Arc lengths are random. A node's share of the ring deviates from its
//!   fair share by about `1/sqrt(v)` (10% with 100 virtual nodes, 30% with 10), and the
//!   busiest node sets the capacity you must buy. More points mean better balance but
//!   more memory and slower rebuilds.
//! - *Hot keys.* Balance is over key *counts*: one very popular key still lands on one
//!   node. See `bounded_load` for a ring that caps each node's load.
//! - *Changing the hash changes everything.* Every client must use the same point and
//!   key hash; see `hash_fn` for the exact byte-level definitions.
//!
//! **The ketama mode** reproduces libketama (the C library memcached clients use) so that
//! this ring sends every key to the same server libketama would:
//! - the ring is 32 bits wide; a key's point is the first 4 bytes of `MD5(key)` read
//!   little-endian;
//! - each server gets `floor(weight / total_weight * 40 * server_count)` MD5 digests (of
//!   the strings `"name-0"`, `"name-1"`, ...) and 4 points from each digest, so 160
//!   points per server on average; the share and the product are computed in C `float`
//!   and `double` exactly as libketama does, because rounding decides whether a server
//!   gets 39 or 40 digests;
//! - a key goes to the first point `>=` its hash, wrapping to the lowest point.
//!
//! Two ketama failure modes are worth knowing: because each server's point count depends
//! on `server_count` and the total weight, a join or leave *re-derives every server's
//! points* and can move keys between servers that were not involved; and a server whose
//! share is below `1 / (40 * server_count)` gets no points at all and never owns a key.
//! Where two servers hash to the same point, libketama's `qsort` leaves their order
//! unspecified; this ring breaks such (very rare) ties by node name.
mod points;

use super::hash_fn::{ketama_key_hash, key_hash};
use super::{
    check_key_count, check_point_count, load_stats, validate_nodes, LoadStats, NodeIndex, NodeSpec,
    Placement, PlacementConfig, PlacementError,
};

pub use points::ketama_digest_count;
use points::{compute_points, merge_points, without_node, xxh3_node_points, BucketIndex, Points};
/// How a ring derives node points and key hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointScheme {
    /// xxh3 points on a 64-bit ring: `vnodes_per_weight * weight` points per node.
    Xxh3 { vnodes_per_weight: u32 },
    /// libketama's MD5 points on a 32-bit ring (about 160 points per server).
    Ketama,
}

impl PointScheme {
    /// The width of the hash space in bits (64, or 32 for ketama).
    pub fn space_bits(self) -> u32 {
        match self {
            PointScheme::Xxh3 { .. } => 64,
            PointScheme::Ketama => 32,
        }
    }

    /// The size of the hash space the points live in (`2^64` or `2^32`).
    pub fn space_size(self) -> u128 {
        1u128 << self.space_bits()
    }
}

/// One point on the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RingPoint {
    /// Where the point sits in the hash space.
    pub position: u64,
    /// The node it belongs to.
    pub node: NodeIndex,
}

/// A key that changed owner because of a membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyMove {
    /// Position of the key in the key set passed to the change.
    pub key_index: usize,
    pub key_hash: u64,
    pub from: NodeIndex,
    pub to: NodeIndex,
}

/// A consistent-hash ring with virtual nodes (see the module documentation).
#[derive(Clone, Debug)]
pub struct HashRing {
    scheme: PointScheme,
    /// Node by index; `None` marks an index freed by a removal, reused by the next join.
    slots: Vec<Option<NodeSpec>>,
    live_nodes: usize,
    /// Point positions, sorted ascending (ties by node name).
    positions: Vec<u64>,
    /// `owners[i]` owns `positions[i]`. Kept apart from the positions so that the binary
    /// search only touches the 8-byte positions.
    owners: Vec<NodeIndex>,
    /// Where each bucket of the hash space starts in `positions` (lookup shortcut).
    index: BucketIndex,
}
impl HashRing {
    /// A ring with xxh3 points, `vnodes_per_weight * weight` per node.
    pub fn new(nodes: &[NodeSpec], vnodes_per_weight: u32) -> Result<Self, PlacementError> {
        Self::with_scheme(nodes, PointScheme::Xxh3 { vnodes_per_weight })
    }

    /// A libketama-compatible ring (the weights play the role of libketama's memory sizes).
    pub fn ketama(nodes: &[NodeSpec]) -> Result<Self, PlacementError> {
        Self::with_scheme(nodes, PointScheme::Ketama)
    }

    /// A ring with the given point scheme.
    pub fn with_scheme(nodes: &[NodeSpec], scheme: PointScheme) -> Result<Self, PlacementError> {
        if matches!(
            scheme,
            PointScheme::Xxh3 {
                vnodes_per_weight: 0
            }
        ) {
            return Err(PlacementError::ZeroVirtualNodes);
        }
        validate_nodes(nodes)?;
        if nodes.len() as u64 > u64::from(u32::MAX) {
            return Err(PlacementError::TooManyPoints {
                requested: nodes.len() as u64,
                limit: super::MAX_POINTS,
            });
        }
        let slots: Vec<Option<NodeSpec>> = nodes.iter().cloned().map(Some).collect();
        let points = compute_points(&slots, scheme)?;
        let mut ring = HashRing {
            scheme,
            live_nodes: nodes.len(),
            slots: Vec::new(),
            positions: Vec::new(),
            owners: Vec::new(),
            index: BucketIndex::default(),
        };
        ring.commit(slots, points);
        Ok(ring)
    }

    pub fn scheme(&self) -> PointScheme {
        self.scheme
    }

    /// The node at an index, if that index is in use.
    pub fn node(&self, index: NodeIndex) -> Option<&NodeSpec> {
        self.slots.get(index.get()).and_then(Option::as_ref)
    }

    /// The live nodes with their indices, in index order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &NodeSpec)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.as_ref().map(|node| (NodeIndex(i as u32), node)))
    }

    /// The index of the live node with this name.
    pub fn index_of(&self, name: &str) -> Option<NodeIndex> {
        self.nodes()
            .find(|(_, node)| node.name == name)
            .map(|(index, _)| index)
    }

    /// Number of live nodes.
    pub fn node_count(&self) -> usize {
        self.live_nodes
    }

    /// Number of points on the ring.
    pub fn point_count(&self) -> usize {
        self.positions.len()
    }

    /// All points in clockwise order (for drawing the ring).
    pub fn points(&self) -> impl Iterator<Item = RingPoint> + '_ {
        self.positions
            .iter()
            .zip(&self.owners)
            .map(|(&position, &node)| RingPoint { position, node })
    }

    /// Hashes a key the way this ring's scheme does (xxh3, or ketama's MD5 prefix).
    pub fn hash_key(&self, key: &[u8]) -> u64 {
        match self.scheme {
            PointScheme::Xxh3 { .. } => key_hash(key),
            PointScheme::Ketama => u64::from(ketama_key_hash(key)),
        }
    }

    /// Index into the point arrays of the first point at or after `key_hash`, wrapping
    /// to 0 past the last point.
    #[inline]
    fn successor_index(&self, key_hash: u64) -> Option<usize> {
        if self.positions.is_empty() {
            return None;
        }
        let (low, high) = self.index.range(key_hash);
        let index = low + self.positions[low..high].partition_point(|&p| p < key_hash);
        Some(if index == self.positions.len() {
            0
        } else {
            index
        })
    }

    /// Index into [`HashRing::owners_clockwise`] of the point a key lands on.
    pub(crate) fn successor_position(&self, key_hash: u64) -> Option<usize> {
        self.successor_index(key_hash)
    }

    /// The owner of every point, in clockwise order.
    pub(crate) fn owners_clockwise(&self) -> &[NodeIndex] {
        &self.owners
    }

    /// The number of index slots (live or freed): every [`NodeIndex`] is below it.
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The point a key lands on (the first at or after its hash, wrapping).
    #[inline]
    pub fn successor(&self, key_hash: u64) -> Option<RingPoint> {
        self.successor_index(key_hash).map(|i| RingPoint {
            position: self.positions[i],
            node: self.owners[i],
        })
    }

    /// The node that owns a key hash.
    #[inline]
    pub fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        self.successor_index(key_hash).map(|i| self.owners[i])
    }

    /// The node that owns a key (hashing it with this ring's scheme).
    pub fn owner_of_key(&self, key: &[u8]) -> Option<NodeIndex> {
        self.owner(self.hash_key(key))
    }

    /// The preference list for `replicas` copies: walking clockwise from the key, the
    /// first `replicas` distinct nodes. Returns fewer when fewer nodes own points.
    pub fn preference_list(&self, key_hash: u64, replicas: usize) -> Vec<NodeIndex> {
        let wanted = replicas.min(self.live_nodes);
        let mut chosen = Vec::with_capacity(wanted);
        let Some(start) = self.successor_index(key_hash) else {
            return chosen;
        };
        if wanted == 0 {
            return chosen;
        }
        let mut taken = vec![false; self.slots.len()];
        let len = self.owners.len();
        for step in 0..len {
            let at = start + step;
            let owner = self.owners[if at >= len { at - len } else { at }];
            if !taken[owner.get()] {
                taken[owner.get()] = true;
                chosen.push(owner);
                if chosen.len() == wanted {
                    break;
                }
            }
        }
        chosen
    }

    /// Adds a node and returns exactly the keys of `key_hashes` that change owner.
    ///
    /// The new node takes the lowest free index. With xxh3 points every move goes to the
    /// new node; in ketama mode other keys may move too (see the module documentation).
    pub fn add_node(
        &mut self,
        node: NodeSpec,
        key_hashes: &[u64],
    ) -> Result<Vec<KeyMove>, PlacementError> {
        check_key_count(key_hashes.len())?;
        if node.weight == 0 {
            return Err(PlacementError::ZeroWeight(node.name));
        }
        if self.index_of(&node.name).is_some() {
            return Err(PlacementError::DuplicateNodeName(node.name));
        }
        let free = self.slots.iter().position(Option::is_none);
        let index = free.unwrap_or(self.slots.len());
        let Ok(index_u32) = u32::try_from(index) else {
            return Err(PlacementError::TooManyPoints {
                requested: index as u64,
                limit: super::MAX_POINTS,
            });
        };
        let new_index = NodeIndex(index_u32);
        let mut slots = self.slots.clone();
        if index == slots.len() {
            slots.push(None);
        }
        slots[index] = Some(node.clone());
        let points = match self.scheme {
            PointScheme::Xxh3 { vnodes_per_weight } => {
                let added = u64::from(node.weight) * u64::from(vnodes_per_weight);
                check_point_count(self.positions.len() as u64 + added)?;
                let fresh = xxh3_node_points(&node, new_index, vnodes_per_weight, &slots);
                merge_points(&self.positions, &self.owners, fresh, &slots)
            }
            PointScheme::Ketama => compute_points(&slots, self.scheme)?,
        };
        let before = self.owners_of(key_hashes);
        self.commit(slots, points);
        self.live_nodes += 1;
        Ok(self.moves_since(key_hashes, &before))
    }

    /// Removes the node called `name` and returns exactly the keys that change owner.
    /// Removing the last node is refused ([`PlacementError::NoNodes`]).
    pub fn remove_node(
        &mut self,
        name: &str,
        key_hashes: &[u64],
    ) -> Result<Vec<KeyMove>, PlacementError> {
        check_key_count(key_hashes.len())?;
        let index = self
            .index_of(name)
            .ok_or_else(|| PlacementError::UnknownNode(name.to_string()))?;
        if self.live_nodes == 1 {
            return Err(PlacementError::NoNodes);
        }
        let mut slots = self.slots.clone();
        slots[index.get()] = None;
        let points = match self.scheme {
            PointScheme::Xxh3 { .. } => without_node(&self.positions, &self.owners, index),
            PointScheme::Ketama => compute_points(&slots, self.scheme)?,
        };
        let before = self.owners_of(key_hashes);
        self.commit(slots, points);
        self.live_nodes -= 1;
        Ok(self.moves_since(key_hashes, &before))
    }

    /// Changes a node's weight and returns exactly the keys that change owner. With xxh3
    /// points a node keeps its first points, so raising a weight only pulls keys in and
    /// lowering it only pushes keys out.
    pub fn set_weight(
        &mut self,
        name: &str,
        weight: u32,
        key_hashes: &[u64],
    ) -> Result<Vec<KeyMove>, PlacementError> {
        check_key_count(key_hashes.len())?;
        let index = self
            .index_of(name)
            .ok_or_else(|| PlacementError::UnknownNode(name.to_string()))?;
        if weight == 0 {
            return Err(PlacementError::ZeroWeight(name.to_string()));
        }
        let mut node = self
            .node(index)
            .cloned()
            .ok_or_else(|| PlacementError::UnknownNode(name.to_string()))?;
        let old_weight = std::mem::replace(&mut node.weight, weight);
        let mut slots = self.slots.clone();
        slots[index.get()] = Some(node.clone());
        let points = match self.scheme {
            PointScheme::Xxh3 { vnodes_per_weight } => {
                let others = (self.positions.len() as u64)
                    .saturating_sub(u64::from(old_weight) * u64::from(vnodes_per_weight));
                check_point_count(others + u64::from(weight) * u64::from(vnodes_per_weight))?;
                let (positions, owners) = without_node(&self.positions, &self.owners, index);
                let fresh = xxh3_node_points(&node, index, vnodes_per_weight, &slots);
                merge_points(&positions, &owners, fresh, &slots)
            }
            PointScheme::Ketama => compute_points(&slots, self.scheme)?,
        };
        let before = self.owners_of(key_hashes);
        self.commit(slots, points);
        Ok(self.moves_since(key_hashes, &before))
    }

    fn commit(&mut self, slots: Vec<Option<NodeSpec>>, (positions, owners): Points) {
        self.index = BucketIndex::build(&positions, self.scheme.space_bits());
        self.slots = slots;
        self.positions = positions;
        self.owners = owners;
    }

    fn owners_of(&self, key_hashes: &[u64]) -> Vec<Option<NodeIndex>> {
        key_hashes.iter().map(|&h| self.owner(h)).collect()
    }

    fn moves_since(&self, key_hashes: &[u64], before: &[Option<NodeIndex>]) -> Vec<KeyMove> {
        key_hashes
            .iter()
            .zip(before)
            .enumerate()
            .filter_map(|(key_index, (&key_hash, &old))| {
                let (from, to) = (old?, self.owner(key_hash)?);
                (from != to).then_some(KeyMove {
                    key_index,
                    key_hash,
                    from,
                    to,
                })
            })
            .collect()
    }

    /// Each live node's share of the hash space: the total length of the arcs that end at
    /// its points, over the size of the space. In node-index order; sums to 1.
    pub fn arc_fractions(&self) -> Vec<(NodeIndex, f64)> {
        let mut arcs = vec![0u128; self.slots.len()];
        let space = self.scheme.space_size();
        let len = self.positions.len();
        for i in 0..len {
            let here = u128::from(self.positions[i]);
            let arc = if len == 1 {
                space
            } else if i == 0 {
                // The wrap-around arc: from the last point over the top to the first.
                space - u128::from(self.positions[len - 1]) + here
            } else {
                here - u128::from(self.positions[i - 1])
            };
            arcs[self.owners[i].get()] += arc;
        }
        self.nodes()
            .map(|(index, _)| (index, arcs[index.get()] as f64 / space as f64))
            .collect()
    }

    /// Keys per node, ring share per node, and the spread statistics for a key set.
    pub fn load_stats(&self, key_hashes: &[u64]) -> Result<LoadStats, PlacementError> {
        check_key_count(key_hashes.len())?;
        let assignment: Vec<NodeIndex> = key_hashes.iter().filter_map(|&h| self.owner(h)).collect();
        let nodes: Vec<(NodeIndex, u32)> = self.nodes().map(|(i, n)| (i, n.weight)).collect();
        let arcs: Vec<f64> = self.arc_fractions().into_iter().map(|(_, f)| f).collect();
        Ok(load_stats(&nodes, &assignment, Some(&arcs)))
    }
}

impl Placement for HashRing {
    fn name(&self) -> &'static str {
        match self.scheme {
            PointScheme::Xxh3 { .. } => "ring",
            PointScheme::Ketama => "ketama",
        }
    }

    fn build(nodes: &[NodeSpec], config: &PlacementConfig) -> Result<Self, PlacementError> {
        HashRing::new(nodes, config.vnodes_per_weight)
    }

    fn node_count(&self) -> usize {
        self.live_nodes
    }

    fn hash_key(&self, key: &[u8]) -> u64 {
        HashRing::hash_key(self, key)
    }

    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        HashRing::owner(self, key_hash)
    }

    fn memory_bytes(&self) -> usize {
        self.positions.len() * std::mem::size_of::<u64>()
            + self.owners.len() * std::mem::size_of::<NodeIndex>()
            + self.index.starts.len() * std::mem::size_of::<u32>()
            + self.slots.len() * std::mem::size_of::<Option<NodeSpec>>()
    }

    fn lookup_complexity(&self) -> &'static str {
        "O(log P) binary search, narrowed by an index to a few points"
    }
}

/// The libketama-compatible ring as a [`Placement`] of its own (so that `build` makes a
/// ketama ring). Everything else is the [`HashRing`] inside.
#[derive(Clone, Debug)]
pub struct KetamaRing(pub HashRing);

impl Placement for KetamaRing {
    fn name(&self) -> &'static str {
        "ketama"
    }

    fn build(nodes: &[NodeSpec], _config: &PlacementConfig) -> Result<Self, PlacementError> {
        HashRing::ketama(nodes).map(KetamaRing)
    }

    fn node_count(&self) -> usize {
        self.0.node_count()
    }

    fn hash_key(&self, key: &[u8]) -> u64 {
        self.0.hash_key(key)
    }

    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        self.0.owner(key_hash)
    }

    fn memory_bytes(&self) -> usize {
        self.0.memory_bytes()
    }

    fn lookup_complexity(&self) -> &'static str {
        "like ring, over about 160 MD5 points per server"
    }
}
