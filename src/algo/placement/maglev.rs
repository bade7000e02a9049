//! Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
//! Balancer", NSDI 2016).
//!
//! **Why it exists.** Google's load balancers must pick a backend for every packet in
//! nanoseconds. A ring's binary search is too slow and rendezvous's `O(n)` far too slow,
//! so Maglev precomputes a lookup table of prime size `M` (65537 by default) in which
//! every backend owns almost exactly `M / n` entries; a lookup is one array access.
//!
//! **How it works.** Each node gets a permutation of the table slots, from two hashes of
//! its name: `offset = h1(name) % M` and `skip = h2(name) % (M - 1) + 1`; its permutation
//! is `offset, offset + skip, offset + 2 skip, ...` (mod `M`). Because `M` is prime, every
//! `skip` visits every slot. The table is filled in rounds: in each round every node, in
//! turn, claims the next slot of its permutation that nobody holds yet, until the table
//! is full. A node of weight `w` takes `w` turns per round. A key goes to
//! `table[hash(key) % M]`.
//!
//! **Costs.** `4 * M` bytes of table, `O(M log M)` expected time to (re)build it, one
//! memory read per lookup. Balance is nearly perfect: entry counts differ by at most one
//! turn's worth per node.
//!
//! **What goes wrong.**
//! - Disruption is *near*-minimal, not minimal: when a node joins or leaves, the filling
//!   order shifts, so a few entries change owner between two nodes that were not involved
//!   (the paper measures this and accepts it for the speed).
//! - `M` must be prime (or `skip` may not cover the table) and much larger than `n`
//!   (the paper suggests `M > 100 n`); with `M` close to `n`, balance collapses.
//! - Rebuilding the table on every change costs milliseconds, not microseconds.
use super::hash_fn::{maglev_offset_hash, maglev_skip_hash};
use super::{
    validate_nodes, NodeIndex, NodeSpec, Placement, PlacementConfig, PlacementError, MAX_POINTS,
};

/// A Maglev lookup table.
#[derive(Clone, Debug)]
pub struct Maglev {
    table: Vec<NodeIndex>,
    node_count: usize,
}

/// Whether `n` is prime (trial division; table sizes are at most [`MAX_POINTS`]).
pub fn is_prime(n: u32) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let n = u64::from(n);
    let mut divisor = 3u64;
    while divisor * divisor <= n {
        if n % divisor == 0 {
            return false;
        }
        divisor += 2;
    }
    true
}

impl Maglev {
    /// Builds a table of `table_size` entries (a prime larger than the node count and at
    /// most [`MAX_POINTS`]).
    pub fn new(nodes: &[NodeSpec], table_size: u32) -> Result<Self, PlacementError> {
        validate_nodes(nodes)?;
        let size = u64::from(table_size);
        if !is_prime(table_size) || size <= nodes.len() as u64 || size > MAX_POINTS {
            return Err(PlacementError::BadTableSize {
                size: table_size,
                nodes: nodes.len() as u64,
            });
        }
        let permutations: Vec<(u64, u64)> = nodes
            .iter()
            .map(|node| {
                let offset = maglev_offset_hash(&node.name) % size;
                let skip = maglev_skip_hash(&node.name) % (size - 1) + 1;
                (offset, skip)
            })
            .collect();
        const EMPTY: u32 = u32::MAX;
        let mut entries = vec![EMPTY; table_size as usize];
        // How far each node has gone along its own permutation.
        let mut next = vec![0u64; nodes.len()];
        let mut filled = 0u64;
        'fill: loop {
            for (i, node) in nodes.iter().enumerate() {
                let (offset, skip) = permutations[i];
                for _turn in 0..node.weight {
                    // Walk this node's permutation to its next unclaimed slot. It exists:
                    // the table is not full, and the permutation visits every slot.
                    let mut slot = (offset + next[i] * skip) % size;
                    while entries[slot as usize] != EMPTY {
                        next[i] += 1;
                        slot = (offset + next[i] * skip) % size;
                    }
                    entries[slot as usize] = i as u32;
                    next[i] += 1;
                    filled += 1;
                    if filled == size {
                        break 'fill;
                    }
                }
            }
        }
        Ok(Maglev {
            table: entries.into_iter().map(NodeIndex).collect(),
            node_count: nodes.len(),
        })
    }

    /// The table size `M`.
    pub fn table_size(&self) -> usize {
        self.table.len()
    }

    /// The lookup table, entry by entry (for drawing it).
    pub fn table(&self) -> &[NodeIndex] {
        &self.table
    }
}

impl Placement for Maglev {
    fn name(&self) -> &'static str {
        "maglev"
    }

    fn build(nodes: &[NodeSpec], config: &PlacementConfig) -> Result<Self, PlacementError> {
        Maglev::new(nodes, config.maglev_table_size)
    }

    fn node_count(&self) -> usize {
        self.node_count
    }

    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        let size = self.table.len() as u64;
        if size == 0 {
            return None;
        }
        self.table.get((key_hash % size) as usize).copied()
    }

    fn memory_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<NodeIndex>()
    }

    fn lookup_complexity(&self) -> &'static str {
        "O(1): one table read"
    }
}
