//! `dsviz::sim::sort`, the app's one sort, gives exactly what the standard library's stable
//! sort gives: the same order, equal elements in their first order, on short and long
//! slices, sorted, reversed and with many ties.
#![cfg(not(target_arch = "wasm32"))]
// The standard sort is the reference here.
#![allow(clippy::disallowed_methods)]

use dsviz::sim::sort;
use proptest::prelude::*;

/// Elements whose key ties often; the second field tells equal keys apart, so that an
/// unstable sort would show.
fn elements(max_len: usize) -> impl Strategy<Value = Vec<(u8, u32)>> {
    prop::collection::vec((0u8..8, any::<u32>()), 0..max_len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sort_by_key_is_the_standard_stable_sort(items in elements(200)) {
        let mut ours = items.clone();
        sort::sort_by_key(&mut ours, |e| e.0);
        let mut std = items;
        std.sort_by_key(|e| e.0);
        prop_assert_eq!(ours, std);
    }

    #[test]
    fn sort_by_with_a_reversed_comparison_is_the_standard_stable_sort(items in elements(200)) {
        let mut ours = items.clone();
        sort::sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
        let mut std = items;
        std.sort_by_key(|e| std::cmp::Reverse(e.0));
        prop_assert_eq!(ours, std);
    }

    #[test]
    fn sort_of_whole_values_is_the_standard_sort(items in elements(200)) {
        let mut ours = items.clone();
        sort::sort(&mut ours);
        let mut std = items;
        std.sort();
        prop_assert_eq!(ours, std);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Long enough for many merge rounds, with runs that end unevenly.
    #[test]
    fn long_slices_sort_as_the_standard_stable_sort(items in elements(5000)) {
        let mut ours = items.clone();
        sort::sort_by_key(&mut ours, |e| e.0);
        let mut std = items;
        std.sort_by_key(|e| e.0);
        prop_assert_eq!(ours, std);
    }
}

#[test]
fn sorted_reversed_and_constant_slices_of_every_short_length_sort_as_the_standard_sort() {
    for len in 0..100u32 {
        let up: Vec<(u32, u32)> = (0..len).map(|i| (i / 3, i)).collect();
        let down: Vec<(u32, u32)> = up.iter().rev().copied().collect();
        let flat: Vec<(u32, u32)> = (0..len).map(|i| (7, i)).collect();
        for items in [up, down, flat] {
            let mut ours = items.clone();
            sort::sort_by_key(&mut ours, |e| e.0);
            let mut std = items.clone();
            std.sort_by_key(|e| e.0);
            assert_eq!(ours, std, "{items:?}");
        }
    }
}

/// The ring sorts up to 100,000 points: the sort must stay O(n log n) (a quadratic one
/// would compare about 5·10⁹ times here, not about 1.7·10⁶).
#[test]
fn a_hundred_thousand_keys_sort_with_n_log_n_comparisons() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let items: Vec<(u64, u32)> = (0..100_000u32)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 50_000, i)
        })
        .collect();
    let mut comparisons = 0u64;
    let mut ours = items.clone();
    sort::sort_by(&mut ours, |a, b| {
        comparisons += 1;
        a.0.cmp(&b.0)
    });
    let mut std = items;
    std.sort_by_key(|e| e.0);
    assert_eq!(ours, std);
    // n·log2(n) is about 1.66·10⁶ for n = 100,000.
    assert!(comparisons < 2_000_000, "{comparisons} comparisons");
}

#[test]
fn elements_that_are_not_copy_move_whole() {
    let items: Vec<String> = ["pear", "fig", "apple", "kiwi", "date", "plum", "lime"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut ours = items.clone();
    sort::sort_by_key(&mut ours, |s| s.len());
    assert_eq!(
        ours,
        ["fig", "pear", "kiwi", "date", "plum", "lime", "apple"]
    );
}
