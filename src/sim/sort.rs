//! The one sort the app uses: stable, O(n log n), and small in the WebAssembly bundle.
//!
//! Why not the standard library's? Each call of `slice::sort_by`, `sort_unstable_by_key`
//! and the others is compiled anew for its element type and its comparison (driftsort or
//! ipnsort, with their small-sort networks: 1.2 to 6 KB of wasm each). The three-scene
//! build carried 114 such functions, 67 KB before gzip, for about 20 calls. Here the work is
//! done once, on indexes, by one non-generic merge sort that compares and swaps the elements
//! through `dyn`; each call only adds its comparison and a swap for its element type.
//!
//! It is stable: equal elements keep their order, as with `slice::sort_by`. Where a call
//! was `sort_unstable*` its elements compare equal only when they are equal, so the result
//! is the same either way. The slice sort methods are disallowed by `clippy.toml` so that
//! new code comes here.
//!
//! The app's ordered maps and sets ([`crate::sim::sorted`]) sort with it when they are
//! collected.
//!
//! Savings (gzipped bundle, wasm + JS): the sort, 11.4 KB for the three first scenes
//! (528,537 -> 517,138 B) and 25.0 KB for the whole app (988,124 -> 963,125 B); then
//! building the standard `BTreeMap`s and `BTreeSet`s without `collect()`'s sort, 11.7 KB
//! (-> 505,435 B) and 19.2 KB (-> 943,896 B). No copy of the std sort is left in either
//! build.
//!
//! Cost: no allocation up to 12 elements (the kernel's fingerprints sort short lists often),
//! then three `Vec<usize>` of the slice's length. It is slower than the standard sort (in a
//! native `opt-level = "z"` build: 1.3 to 3.7 times for 6 to 1,000 elements, about 5 times
//! for 100,000, some 30 ms), which the app's sorts, rare or short, can afford.
use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (as `slice::sort_by`).
pub fn sort_by<T, F>(items: &mut [T], compare: F)
where
    F: FnMut(&T, &T) -> Ordering,
{
    if items.len() > 1 {
        sort_indexed(&mut Slice { items, compare });
    }
}

/// Sorts `items` by the key `key` gives each, stably (as `slice::sort_by_key`).
pub fn sort_by_key<T, K, F>(items: &mut [T], mut key: F)
where
    F: FnMut(&T) -> K,
    K: Ord,
{
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in ascending order (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// What the sort needs of a sequence, by index: all that is compiled per element type.
trait Indexed {
    fn len(&self) -> usize;
    fn compare(&mut self, a: usize, b: usize) -> Ordering;
    fn swap(&mut self, a: usize, b: usize);
}

struct Slice<'a, T, F> {
    items: &'a mut [T],
    compare: F,
}

impl<T, F: FnMut(&T, &T) -> Ordering> Indexed for Slice<'_, T, F> {
    fn len(&self) -> usize {
        self.items.len()
    }

    fn compare(&mut self, a: usize, b: usize) -> Ordering {
        (self.compare)(&self.items[a], &self.items[b])
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.items.swap(a, b);
    }
}

/// Runs of this length are sorted by insertion before merging; a sequence this short is
/// sorted without allocating.
const RUN: usize = 12;

/// Sorts `seq` stably: finds the order of its indexes first, then moves the elements.
/// Not generic, so it is compiled once.
#[inline(never)]
fn sort_indexed(seq: &mut dyn Indexed) {
    let len = seq.len();
    let mut short = [0; RUN];
    let mut long = Vec::new();
    let order: &mut [usize] = if len <= RUN {
        &mut short[..len]
    } else {
        long.resize(len, 0);
        &mut long
    };
    for (i, place) in order.iter_mut().enumerate() {
        *place = i;
    }
    sort_order(order, seq);
    permute(order, seq);
}

/// Sorts `order`, indexes of `seq`, by the elements they name, stably.
fn sort_order(order: &mut [usize], seq: &mut dyn Indexed) {
    let len = order.len();
    // Short runs by insertion: an index moves left only past greater ones (stable).
    for start in (0..len).step_by(RUN) {
        let end = (start + RUN).min(len);
        for i in start + 1..end {
            let mut j = i;
            while j > start && seq.compare(order[j - 1], order[j]) == Ordering::Greater {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    if len <= RUN {
        return;
    }
    // Then merge neighbouring runs, doubling their width, from one buffer to the other.
    let mut from = order.to_vec();
    let mut to = vec![0; len];
    let mut width = RUN;
    while width < len {
        for lo in (0..len).step_by(2 * width) {
            let mid = (lo + width).min(len);
            let hi = (lo + 2 * width).min(len);
            merge(&from[lo..mid], &from[mid..hi], &mut to[lo..hi], seq);
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    order.copy_from_slice(&from);
}

/// Merges the sorted runs `left` and `right` into `out`; on a tie, `left` first (stable).
fn merge(left: &[usize], right: &[usize], out: &mut [usize], seq: &mut dyn Indexed) {
    let (mut l, mut r) = (0, 0);
    for slot in out.iter_mut() {
        let take_left = r == right.len()
            || (l < left.len() && seq.compare(left[l], right[r]) != Ordering::Greater);
        if take_left {
            *slot = left[l];
            l += 1;
        } else {
            *slot = right[r];
            r += 1;
        }
    }
}

/// Rearranges `seq` so that place `i` holds what was at `order[i]`, by following each
/// cycle of the permutation with swaps (`order` marks the places done).
fn permute(order: &mut [usize], seq: &mut dyn Indexed) {
    for start in 0..order.len() {
        let mut place = start;
        while order[place] != place {
            let from = order[place];
            order[place] = place;
            if from == start {
                break;
            }
            seq.swap(place, from);
            place = from;
        }
    }
}
