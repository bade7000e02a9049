//! The app's ordered map and set: a sorted vector behind the standard `BTreeMap` and
//! `BTreeSet` interface.
//!
//! Why not the standard ones? Every simulated node keeps its state in ordered collections
//! (iteration order is part of determinism: the same seed must visit nodes, messages and
//! keys in the same order everywhere), and each `BTreeMap<K, V>` is compiled anew for its
//! key and value types: node splitting, merging, stealing and removal come to 6 to 10 KB
//! of WebAssembly per instance. The whole app carried about 40 instances, 186 KB before
//! gzip, 8% of its code. A sorted vector needs only a binary search and a `Vec` insert or
//! remove per instance.
//!
//! The maps here are small (a few nodes, the messages in flight, a few hundred keys), so
//! the linear cost of inserting in the middle is a `memmove` of a few hundred bytes. Keys
//! that only grow (message ids, slots) are appended at the end, which is as cheap as a
//! push.
//!
//! They behave as the standard ones where the app can tell: iteration is in key order;
//! `Eq`, `Ord` and `Hash` see the same sequence of pairs (so a state's fingerprint does not
//! change); `Debug` prints `{k: v}` and `{x}`. Only the methods the app uses are here.
mod map;
mod set;

pub use map::{Entry, Iter, SortedMap};
pub use set::SortedSet;

use std::cmp::Ordering;
use std::ops::{Bound, RangeBounds};

/// Where `key` is in `keys` (`Ok`), or where it would go (`Err`). The last element is
/// checked first: most inserts append a key greater than all the others.
pub(super) fn find<E, Q: ?Sized + Ord>(
    items: &[E],
    key: &Q,
    key_of: impl Fn(&E) -> &Q,
) -> Result<usize, usize> {
    match items.last().map(|last| key_of(last).cmp(key)) {
        None => Err(0),
        Some(Ordering::Less) => Err(items.len()),
        Some(Ordering::Equal) => Ok(items.len() - 1),
        Some(Ordering::Greater) => items.binary_search_by(|e| key_of(e).cmp(key)),
    }
}

/// The index range of the elements whose keys fall in `range`.
pub(super) fn index_range<E, Q: ?Sized + Ord>(
    items: &[E],
    range: &impl RangeBounds<Q>,
    key_of: impl Fn(&E) -> &Q,
) -> std::ops::Range<usize> {
    let start = match range.start_bound() {
        Bound::Included(q) => items.partition_point(|e| key_of(e) < q),
        Bound::Excluded(q) => items.partition_point(|e| key_of(e) <= q),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(q) => items.partition_point(|e| key_of(e) <= q),
        Bound::Excluded(q) => items.partition_point(|e| key_of(e) < q),
        Bound::Unbounded => items.len(),
    };
    start..end.max(start)
}

/// Puts `items` back in order after elements were pushed at `old..`: in the usual case
/// (each new key above the one before) nothing moves; otherwise a stable sort, then of
/// equal keys the last pushed stays (a later insert replaces an earlier one).
pub(super) fn settle<E, K: Ord>(items: &mut Vec<E>, old: usize, key_of: impl Fn(&E) -> &K) {
    let start = old.saturating_sub(1);
    if items[start..]
        .windows(2)
        .all(|w| key_of(&w[0]) < key_of(&w[1]))
    {
        return;
    }
    crate::sim::sort::sort_by(items, |a, b| key_of(a).cmp(key_of(b)));
    // `dedup_by` removes the later of two equal neighbours: swap first, so that the
    // later value stays.
    items.dedup_by(|later, kept| {
        let same = key_of(later) == key_of(kept);
        if same {
            std::mem::swap(later, kept);
        }
        same
    });
}
