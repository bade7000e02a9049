//! Rendezvous hashing, also called highest random weight (HRW) hashing (Thaler and
//! Ravishankar, 1996).
//!
//! **Why it exists.** It gets the same "only the necessary keys move" property as a ring,
//! with no ring at all and no virtual nodes to tune, and it extends naturally to
//! replication: the top `R` scores are the `R` replicas.
//!
//! **How it works.** For a key, every node computes a pseudo-random score from the pair
//! (node, key); the node with the highest score owns the key. When a node joins, it wins
//! exactly the keys where its score beats the old winner (about `1/(n + 1)` of them); when
//! a node leaves, only its keys move, each to its own runner-up, so they spread evenly
//! over the survivors.
//!
//! **Weights.** A node of weight `w` should win `w / W` of the keys. Turning the pair hash
//! into a uniform `u` in `(0, 1)` and scoring `w / -ln(u)` does exactly that (the
//! logarithmic method of Schindelhauer and Schomaker's weighted distributed hash tables):
//! `-ln(u)/w` is an exponential random variable with rate `w`, and the smallest of
//! independent exponentials belongs to node `i` with probability `w_i / W`. Equal weights
//! skip the logarithm: the largest raw hash wins, which orders the nodes the same way.
//!
//! **Costs.** No memory beyond one hash per node, but every lookup scores every node:
//! `O(n)` per key. Fine for tens of nodes, slow for thousands (a skeleton or hierarchy of
//! rendezvous groups is the usual fix).
//!
//! **What goes wrong.** The `O(n)` lookup; and a careless score (plain `w * hash`) gives
//! heavier nodes far more than their share. The float score is computed from a fixed
//! 52-bit fraction of the hash, and its logarithm is `libm`'s pure-Rust port of musl's
//! `log`, not `f64::ln`: Rust documents `ln`'s precision as platform-dependent, and indeed
//! natively (glibc) and in WebAssembly (a software `log`) the two disagree in the last bit
//! for about one hash in fourteen, enough to flip a near tie and send a key to another
//! node in a shared link. The division that follows is exactly rounded everywhere.
use super::hash_fn::{node_hash, pair_hash};
use super::{validate_nodes, NodeIndex, NodeSpec, Placement, PlacementConfig, PlacementError};

/// Highest-random-weight placement.
#[derive(Clone, Debug)]
pub struct Rendezvous {
    /// `node_hash(name)` per node, computed once.
    node_hashes: Vec<u64>,
    weights: Vec<u32>,
    /// With equal weights the raw pair hash orders nodes like the score, so no logarithm
    /// is needed.
    equal_weights: bool,
}

/// The weighted score `w / -ln(u)` of a pair hash, with `u = (top 52 bits + 0.5) / 2^52`.
/// Both steps are exact in `f64` (53-bit significand), so `u` is strictly inside `(0, 1)`
/// and the logarithm is finite and non-zero (with 53 bits, `+ 0.5` would round up to 1).
pub fn weighted_score(weight: u32, pair: u64) -> f64 {
    let unit = ((pair >> 12) as f64 + 0.5) / (1u64 << 52) as f64;
    f64::from(weight) / -libm::log(unit)
}

/// Which of two scored candidates ranks first: the higher score, and on an exact tie of
/// scores the higher pair hash (so the order never depends on where a node sits in the
/// list). `Greater` means `a` ranks before `b`.
pub fn rank_order(a: (f64, u64), b: (f64, u64)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1))
}

impl Rendezvous {
    pub fn new(nodes: &[NodeSpec]) -> Result<Self, PlacementError> {
        validate_nodes(nodes)?;
        let first_weight = nodes[0].weight;
        Ok(Rendezvous {
            node_hashes: nodes.iter().map(|n| node_hash(&n.name)).collect(),
            weights: nodes.iter().map(|n| n.weight).collect(),
            equal_weights: nodes.iter().all(|n| n.weight == first_weight),
        })
    }

    /// Every node ranked for a key, best first: the first `R` are the `R` replicas.
    pub fn ranking(&self, key_hash: u64) -> Vec<NodeIndex> {
        let mut scored: Vec<(f64, u64, NodeIndex)> = self
            .node_hashes
            .iter()
            .zip(&self.weights)
            .enumerate()
            .map(|(i, (&node, &weight))| {
                let pair = pair_hash(node, key_hash);
                (self.score(weight, pair), pair, NodeIndex(i as u32))
            })
            .collect();
        // Highest score first; ties by hash, then lower index.
        crate::sim::sort::sort_by(&mut scored, |a, b| {
            rank_order((b.0, b.1), (a.0, a.1)).then_with(|| a.2.cmp(&b.2))
        });
        scored.into_iter().map(|(_, _, node)| node).collect()
    }

    #[inline]
    fn score(&self, weight: u32, pair: u64) -> f64 {
        if self.equal_weights {
            // Any increasing function of the hash ranks like the weighted score.
            pair as f64
        } else {
            weighted_score(weight, pair)
        }
    }
}

impl Placement for Rendezvous {
    fn name(&self) -> &'static str {
        "rendezvous"
    }

    fn build(nodes: &[NodeSpec], _config: &PlacementConfig) -> Result<Self, PlacementError> {
        Rendezvous::new(nodes)
    }

    fn node_count(&self) -> usize {
        self.node_hashes.len()
    }

    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        let mut best: Option<(f64, u64, usize)> = None;
        for (i, (&node, &weight)) in self.node_hashes.iter().zip(&self.weights).enumerate() {
            let pair = pair_hash(node, key_hash);
            let candidate = (self.score(weight, pair), pair, i);
            let better = match best {
                None => true,
                Some((score, hash, _)) => {
                    rank_order((candidate.0, pair), (score, hash)) == std::cmp::Ordering::Greater
                }
            };
            if better {
                best = Some(candidate);
            }
        }
        best.map(|(_, _, i)| NodeIndex(i as u32))
    }

    fn memory_bytes(&self) -> usize {
        self.node_hashes.len() * std::mem::size_of::<u64>()
            + self.weights.len() * std::mem::size_of::<u32>()
    }

    fn lookup_complexity(&self) -> &'static str {
        "O(n): score every node"
    }
}
