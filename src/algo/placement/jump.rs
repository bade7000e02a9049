//! Jump consistent hash (John Lamping and Eric Veach, "A Fast, Minimal Memory, Consistent
//! Hash Algorithm", Google, 2014).
//!
//! **Why it exists.** A ring needs kilobytes to megabytes of points and a binary search.
//! Jump hash needs *no memory at all* and gives perfectly even buckets, as long as the
//! buckets are numbered `0..n` and only ever added or removed at the end.
//!
//! **How it works.** Think of growing the cluster one bucket at a time. When bucket `j`
//! is added, each key should jump to it with probability `1/(j + 1)`, and otherwise stay
//! where it was: that keeps buckets even and moves only the keys that must move. Instead
//! of trying every `j`, the algorithm uses the key as the seed of a pseudo-random sequence
//! (a 64-bit linear congruential generator, multiplier 2862933555777941757) and computes
//! directly the *next* `j` at which the key would jump, `j = floor((b + 1) / r)` for a
//! uniform `r` in `(0, 1]`, until `j` passes `n`. The last bucket reached is the answer.
//! It takes `O(ln n)` steps on average.
//!
//! **Costs.** Zero memory, a handful of multiplications per lookup, ideal balance (each
//! bucket gets `1/n` of keys, with only the hash's sampling noise).
//!
//! **What goes wrong.**
//! - Buckets are *positions*, not names. Adding bucket `n` moves only the `1/(n + 1)` of
//!   keys it takes; but removing a node from the middle renumbers every node after it, so
//!   a large share of keys moves. Real systems work around this by never removing a middle
//!   bucket (a replacement machine takes over the bucket number).
//! - No weights: a node of weight `w` is given `w` consecutive buckets here, which works
//!   but means changing a weight renumbers later nodes too.
//! - The float division must be done exactly as in the paper (a `double` division, then a
//!   truncating conversion) or two implementations will disagree on some keys.
use super::modulo::weighted_buckets;
use super::{NodeIndex, NodeSpec, Placement, PlacementConfig, PlacementError};

/// The multiplier of the 64-bit linear congruential generator in the paper.
pub const JUMP_LCG_MULTIPLIER: u64 = 2_862_933_555_777_941_757;

/// Jump consistent hash exactly as the paper's C++ `JumpConsistentHash(key, num_buckets)`:
/// returns a bucket in `0..num_buckets`, or -1 when `num_buckets <= 0` (as the C++ does).
pub fn jump_consistent_hash(mut key: u64, num_buckets: i32) -> i32 {
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < i64::from(num_buckets) {
        b = j;
        key = key.wrapping_mul(JUMP_LCG_MULTIPLIER).wrapping_add(1);
        // `(b + 1) * (double(1LL << 31) / double((key >> 33) + 1))`, converted to int64.
        j = ((b + 1) as f64 * ((1i64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as i32
}

/// Jump hash over weight-expanded buckets (a weight-`w` node owns `w` consecutive
/// buckets).
#[derive(Clone, Debug)]
pub struct JumpHash {
    buckets: Vec<NodeIndex>,
    node_count: usize,
}

impl JumpHash {
    pub fn new(nodes: &[NodeSpec]) -> Result<Self, PlacementError> {
        Ok(JumpHash {
            buckets: weighted_buckets(nodes)?,
            node_count: nodes.len(),
        })
    }

    /// Number of buckets (the total weight).
    pub fn bucket_count(&self) -> usize {
        self.buckets.len()
    }
}

impl Placement for JumpHash {
    fn name(&self) -> &'static str {
        "jump"
    }

    fn build(nodes: &[NodeSpec], _config: &PlacementConfig) -> Result<Self, PlacementError> {
        JumpHash::new(nodes)
    }

    fn node_count(&self) -> usize {
        self.node_count
    }

    fn owner(&self, key_hash: u64) -> Option<NodeIndex> {
        // At most MAX_POINTS buckets, so the count fits an i32.
        let count = i32::try_from(self.buckets.len()).ok()?;
        let bucket = jump_consistent_hash(key_hash, count);
        usize::try_from(bucket)
            .ok()
            .and_then(|b| self.buckets.get(b).copied())
    }

    fn memory_bytes(&self) -> usize {
        // The algorithm itself needs nothing; the table maps buckets to weighted nodes.
        self.buckets.len() * std::mem::size_of::<NodeIndex>()
    }

    fn lookup_complexity(&self) -> &'static str {
        "O(ln n): a few LCG steps, no memory"
    }
}
