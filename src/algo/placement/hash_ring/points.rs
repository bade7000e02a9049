//! How a ring's points are derived (xxh3 virtual nodes, or libketama's digests), merged
//! and indexed for fast lookups.
use super::super::hash_fn::{ketama_points, vnode_point_with};
use super::super::{check_point_count, NodeIndex, NodeSpec, PlacementError};
use super::PointScheme;
use std::cmp::Ordering;

/// Point positions, sorted, and the owner of each.
pub(super) type Points = (Vec<u64>, Vec<NodeIndex>);

/// A shortcut into the sorted points, so that a lookup does not binary-search the whole
/// array. The hash space is cut into `2^bits` equal buckets (about one point per
/// bucket); `starts[b]` is the first point in bucket `b` or later, and `starts[2^bits]`
/// is the point count. A key in bucket `b` has its successor among the points of bucket
/// `b`, or else it is the first point after them; so a lookup is one read of `starts` and
/// a binary search over a handful of points, instead of about `log2 P` scattered reads.
#[derive(Clone, Debug, Default)]
pub(super) struct BucketIndex {
    /// `key >> shift` is the key's bucket (`shift` may be 64: a single bucket).
    shift: u32,
    pub(super) starts: Vec<u32>,
}

/// The index never has more than `2^20` buckets (4 MB).
const MAX_INDEX_BITS: u32 = 20;

impl BucketIndex {
    pub(super) fn build(positions: &[u64], space_bits: u32) -> Self {
        let len = positions.len();
        let bits = if len < 2 { 0 } else { len.ilog2() }
            .min(MAX_INDEX_BITS)
            .min(space_bits);
        let shift = space_bits - bits;
        let buckets = 1usize << bits;
        let mut starts = Vec::with_capacity(buckets + 1);
        let mut at = 0usize;
        for bucket in 0..buckets as u64 {
            let lowest = bucket.checked_shl(shift).unwrap_or(0);
            while at < len && positions[at] < lowest {
                at += 1;
            }
            starts.push(at as u32);
        }
        starts.push(len as u32);
        BucketIndex { shift, starts }
    }

    /// The range of point indices to search for `key_hash`'s successor.
    #[inline]
    pub(super) fn range(&self, key_hash: u64) -> (usize, usize) {
        let last = self.starts.len().saturating_sub(1);
        let bucket = key_hash.checked_shr(self.shift).unwrap_or(0);
        // A hash beyond the space (only possible for a 32-bit ketama ring given a wider
        // hash) lies past every point.
        let bucket = usize::try_from(bucket).map_or(last, |b| b.min(last));
        let high = (bucket + 1).min(last);
        let start = |b: usize| self.starts.get(b).map_or(0, |&s| s as usize);
        (start(bucket), start(high))
    }
}

/// The name of the node at `index` ("" for a freed index), for tie-breaking.
pub(super) fn name_at(slots: &[Option<NodeSpec>], index: NodeIndex) -> &str {
    slots
        .get(index.get())
        .and_then(Option::as_ref)
        .map_or("", |node| node.name.as_str())
}

/// Ring order: by position, ties by node name so that the order does not depend on
/// indices or on the history of joins and leaves.
pub(super) fn point_order(
    slots: &[Option<NodeSpec>],
    a: (u64, NodeIndex),
    b: (u64, NodeIndex),
) -> Ordering {
    a.0.cmp(&b.0)
        .then_with(|| name_at(slots, a.1).cmp(name_at(slots, b.1)))
}

/// The sorted xxh3 points of one node.
pub(super) fn xxh3_node_points(
    node: &NodeSpec,
    index: NodeIndex,
    vnodes_per_weight: u32,
    slots: &[Option<NodeSpec>],
) -> Vec<(u64, NodeIndex)> {
    let count = node.weight.saturating_mul(vnodes_per_weight);
    let mut scratch = Vec::with_capacity(node.name.len() + 4);
    let mut points: Vec<(u64, NodeIndex)> = (0..count)
        .map(|replica| (vnode_point_with(&mut scratch, &node.name, replica), index))
        .collect();
    crate::sim::sort::sort_by(&mut points, |&a, &b| point_order(slots, a, b));
    points
}

/// How many MD5 digests (4 points each) libketama gives a server: computed with the same
/// float/double steps as `floorf(pct * 40.0 * (float)numservers)` with
/// `pct = (float)memory / (float)total`.
pub fn ketama_digest_count(weight: u32, total_weight: u64, server_count: u32) -> u32 {
    let share = weight as f32 / total_weight as f32;
    let scaled = (f64::from(share) * 40.0 * f64::from(server_count as f32)) as f32;
    scaled.floor() as u32
}

/// All points of all live nodes, sorted, after checking the point budget.
pub(super) fn compute_points(
    slots: &[Option<NodeSpec>],
    scheme: PointScheme,
) -> Result<Points, PlacementError> {
    let live = || {
        slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|n| (NodeIndex(i as u32), n)))
    };
    let mut points: Vec<(u64, NodeIndex)> = match scheme {
        PointScheme::Xxh3 { vnodes_per_weight } => {
            let requested: u64 = live()
                .map(|(_, n)| u64::from(n.weight) * u64::from(vnodes_per_weight))
                .sum();
            check_point_count(requested)?;
            let mut points = Vec::with_capacity(requested as usize);
            let mut scratch = Vec::new();
            for (index, node) in live() {
                for replica in 0..node.weight.saturating_mul(vnodes_per_weight) {
                    points.push((vnode_point_with(&mut scratch, &node.name, replica), index));
                }
            }
            points
        }
        PointScheme::Ketama => {
            let total_weight: u64 = live().map(|(_, n)| u64::from(n.weight)).sum();
            let server_count = live().count() as u32;
            let digests: Vec<(NodeIndex, &NodeSpec, u32)> = live()
                .map(|(i, n)| {
                    (
                        i,
                        n,
                        ketama_digest_count(n.weight, total_weight, server_count),
                    )
                })
                .collect();
            let requested: u64 = digests.iter().map(|&(_, _, d)| u64::from(d) * 4).sum();
            check_point_count(requested)?;
            let mut points = Vec::with_capacity(requested as usize);
            for (index, node, count) in digests {
                for digest_index in 0..count {
                    for point in ketama_points(&node.name, digest_index) {
                        points.push((u64::from(point), index));
                    }
                }
            }
            points
        }
    };
    crate::sim::sort::sort_by(&mut points, |&a, &b| point_order(slots, a, b));
    Ok(points.into_iter().unzip())
}

/// Merges one node's sorted points into the ring's sorted arrays.
pub(super) fn merge_points(
    positions: &[u64],
    owners: &[NodeIndex],
    fresh: Vec<(u64, NodeIndex)>,
    slots: &[Option<NodeSpec>],
) -> Points {
    let total = positions.len() + fresh.len();
    let (mut merged_positions, mut merged_owners) =
        (Vec::with_capacity(total), Vec::with_capacity(total));
    let mut old = positions
        .iter()
        .copied()
        .zip(owners.iter().copied())
        .peekable();
    let mut new = fresh.into_iter().peekable();
    loop {
        let take_old = match (old.peek(), new.peek()) {
            (Some(&a), Some(&b)) => point_order(slots, a, b) != Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_old { old.next() } else { new.next() };
        if let Some((position, owner)) = next {
            merged_positions.push(position);
            merged_owners.push(owner);
        }
    }
    (merged_positions, merged_owners)
}

/// The ring's arrays without the points of one node.
pub(super) fn without_node(positions: &[u64], owners: &[NodeIndex], gone: NodeIndex) -> Points {
    positions
        .iter()
        .zip(owners)
        .filter(|&(_, &owner)| owner != gone)
        .map(|(&p, &o)| (p, o))
        .unzip()
}
