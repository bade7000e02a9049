//! `dsviz::sim::sorted`, the app's ordered map and set, behaves as the standard `BTreeMap`
//! and `BTreeSet` under any sequence of the operations the app uses: the same answers, the
//! same iteration order, the same `Debug` text, and the same `Hash` (a state's fingerprint
//! must not change when its maps do).
#![cfg(not(target_arch = "wasm32"))]

use dsviz::sim::sorted::{SortedMap, SortedSet};
use proptest::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

#[derive(Clone, Debug)]
enum Op {
    Insert(u8, u32),
    Remove(u8),
    Entry(u8, u32),
    PopFirst,
    PopLast,
    Retain(u8),
    Extend(Vec<(u8, u32)>),
    SplitOff(u8),
}

fn op() -> impl Strategy<Value = Op> {
    // Keys from a small range, so that inserts hit existing keys often.
    let key = 0u8..24;
    prop_oneof![
        4 => (key.clone(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
        2 => key.clone().prop_map(Op::Remove),
        2 => (key.clone(), any::<u32>()).prop_map(|(k, v)| Op::Entry(k, v)),
        1 => Just(Op::PopFirst),
        1 => Just(Op::PopLast),
        1 => (1u8..5).prop_map(Op::Retain),
        1 => prop::collection::vec((key.clone(), any::<u32>()), 0..12).prop_map(Op::Extend),
        1 => key.prop_map(Op::SplitOff),
    ]
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_map_answers_as_btreemap_does(ops in prop::collection::vec(op(), 0..80)) {
        let mut ours: SortedMap<u8, u32> = SortedMap::new();
        let mut std: BTreeMap<u8, u32> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), std.insert(k, v)),
                Op::Remove(k) => prop_assert_eq!(ours.remove(&k), std.remove(&k)),
                Op::Entry(k, v) => {
                    let a = *ours.entry(k).and_modify(|x| *x = x.wrapping_add(v)).or_insert(v);
                    let b = *std.entry(k).and_modify(|x| *x = x.wrapping_add(v)).or_insert(v);
                    prop_assert_eq!(a, b);
                }
                Op::PopFirst => prop_assert_eq!(ours.pop_first(), std.pop_first()),
                Op::PopLast => prop_assert_eq!(ours.pop_last(), std.pop_last()),
                Op::Retain(m) => {
                    ours.retain(|k, _| k % m != 0);
                    std.retain(|k, _| k % m != 0);
                }
                Op::Extend(pairs) => {
                    ours.extend(pairs.iter().copied());
                    std.extend(pairs.iter().copied());
                }
                Op::SplitOff(k) => {
                    let a: Vec<_> = ours.split_off(&k).into_iter().collect();
                    let b: Vec<_> = std.split_off(&k).into_iter().collect();
                    prop_assert_eq!(a, b);
                }
            }
            prop_assert_eq!(ours.len(), std.len());
        }
        prop_assert!(ours.iter().eq(std.iter()));
        prop_assert!(ours.iter().rev().eq(std.iter().rev()));
        prop_assert!(ours.range(4..=15).eq(std.range(4..=15)));
        prop_assert!(ours.range(..9).rev().eq(std.range(..9).rev()));
        prop_assert_eq!(ours.first_key_value(), std.first_key_value());
        for k in 0..24u8 {
            prop_assert_eq!(ours.get(&k), std.get(&k));
            prop_assert_eq!(ours.contains_key(&k), std.contains_key(&k));
        }
        prop_assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        prop_assert_eq!(hash_of(&ours), hash_of(&std));
    }

    /// Collecting: of equal keys the last pair's value wins, as with `collect()`.
    #[test]
    fn collecting_a_map_is_what_collect_gives(pairs in prop::collection::vec((0u8..8, any::<u32>()), 0..300)) {
        let ours: SortedMap<u8, u32> = pairs.iter().copied().collect();
        let std: BTreeMap<u8, u32> = pairs.into_iter().collect();
        prop_assert!(ours.iter().eq(std.iter()));
    }

    #[test]
    fn the_set_answers_as_btreeset_does(
        ops in prop::collection::vec((0u8..4, 0u8..24), 0..80),
        other in prop::collection::vec(0u8..24, 0..20),
    ) {
        let mut ours: SortedSet<u8> = SortedSet::new();
        let mut std: BTreeSet<u8> = BTreeSet::new();
        for (kind, x) in ops {
            match kind {
                0 | 1 => prop_assert_eq!(ours.insert(x), std.insert(x)),
                2 => prop_assert_eq!(ours.remove(&x), std.remove(&x)),
                _ => prop_assert_eq!(ours.pop_first(), std.pop_first()),
            }
        }
        let ours_other: SortedSet<u8> = other.iter().copied().collect();
        let std_other: BTreeSet<u8> = other.into_iter().collect();
        prop_assert!(ours.union(&ours_other).eq(std.union(&std_other)));
        prop_assert_eq!(ours.is_subset(&ours_other), std.is_subset(&std_other));
        prop_assert!(ours.range(3..20).eq(std.range(3..20)));
        prop_assert!(ours.iter().eq(std.iter()));
        prop_assert_eq!(ours.first(), std.first());
        prop_assert_eq!(ours.last(), std.last());
        prop_assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        prop_assert_eq!(hash_of(&ours), hash_of(&std));
    }
}
