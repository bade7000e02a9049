//! Modulo placement: `owner = hash(key) % n`. The baseline every other algorithm here
//! improves on.
//!
//! **How it works.** Hash the key, take the remainder by the number of buckets, and that
//! bucket's node owns the key. Weights are honoured by giving a node of weight `w` `w`
//! consecutive buckets.
//!
//! **Costs.** One division per lookup and one 4-byte entry per bucket: as cheap as it
//! gets, and perfectly balanced for a good hash.
//!
//! **What goes wrong.** Change the number of buckets from `n` to `n + 1` and a key keeps
//! its owner only if `h % n == h % (n + 1)`, which holds for about `1/(n + 1)` of keys: so
//! almost *every* key moves (about `n/(n + 1)` of them). For a cache that is a full flush
//! on every scale-out; for storage it is a full reshuffle. Removing a node from the middle
//! is just as bad. This is exactly the problem consistent hashing was invented to solve.
use super::{
    check_point_count, validate_nodes, NodeIndex, NodeSpec, Placement, PlacementConfig,
    PlacementError,
};

/// `hash % buckets` placement.
#[derive(Clone, Debug)]
pub struct Modulo {
    /// Node per bucket (a weight-`w` node fills `w` consecutive buckets).
    buckets: Vec<NodeIndex>,
    node_count: usize,
}

/// One bucket per unit of weight, in node order, after checking the nodes and the
/// bucket budget. Shared by the bucket-based algorithms (modulo, jump).
pub(crate) fn weighted_buckets(nodes: &[NodeSpec]) -> Result<Vec<NodeIndex>, PlacementError> {
    let total_weight = validate_nodes(nodes)?;
    check_point_count(total_weight)?;
    let mut buckets = Vec::with_capacity(total_weight as usize);
    for (index, node) in nodes.iter().enumerate() {
        for _ in 0..node.weight {
            buckets.push(NodeIndex(index as u32));
        }
    }
    Ok(buckets)
}

impl Modulo {
    pub fn new(nodes: &[NodeSpec]) -> Result<Self, PlacementError> {
        Ok(Modulo {
            buckets: weighted_buckets(nodes)?,
            node_count: nodes.len(),
        })
    }

    /// Number of buckets (the total weight).
    pub fn bucket_count(&self) -> usize {
        self.buckets.len()
    }
}

impl Placement for Modulo {
    fn name(&self) -> &'static str {
        "modulo"
    }

    fn build(nodes: &[NodeSpec], _config: &PlacementConfig) -> Result<Self, PlacementError> {
        Modulo::new(nodes)
    }

    fn node_count(&self) -> usize {
        self.node_count
    }

    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        let count = self.buckets.len() as u64;
        if count == 0 {
            return None;
        }
        self.buckets.get((key_hash % count) as usize).copied()
    }

    fn memory_bytes(&self) -> usize {
        self.buckets.len() * std::mem::size_of::<NodeIndex>()
    }

    fn lookup_complexity(&self) -> &'static str {
        "O(1): one remainder"
    }
}
