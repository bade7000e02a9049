//! Weighted rendezvous hashing computes, in WebAssembly, exactly the scores pinned natively
//! (`tests/data/rendezvous_pins.rs`, shared with `tests/placement_rendezvous.rs`): the same
//! bits, and the same order on near-ties where a platform `ln` differs in the last bit. A
//! shared link therefore places every key on the same node in the browser as natively.
//! Run in Chromium: `cargo test --target wasm32-unknown-unknown --test in_browser -- rendezvous::`.

use dsviz::algo::placement::rendezvous::{rank_order, weighted_score};
use std::cmp::Ordering;
use wasm_bindgen_test::*;

include!("../data/rendezvous_pins.rs");

#[wasm_bindgen_test]
fn wasm_scores_have_the_pinned_bits() {
    let mut wrong = Vec::new();
    for (weight, pair, bits) in WEIGHTED_SCORE_PINS {
        let score = weighted_score(weight, pair);
        if score.to_bits() != bits {
            wrong.push(format!(
                "weight {weight}, pair {pair:#018x}: {:#018x} instead of {bits:#018x}",
                score.to_bits()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[wasm_bindgen_test]
fn wasm_ranks_near_ties_as_pinned() {
    for (light, heavy, light_first) in NEAR_TIES {
        let a = (weighted_score(1, light), light);
        let b = (weighted_score(2, heavy), heavy);
        let gap = (a.0 - b.0).abs() / a.0;
        assert!(gap < 1e-15, "{light:#x}: a near tie, relative gap {gap:e}");
        let expected = if light_first {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        assert_eq!(rank_order(a, b), expected, "{light:#x} vs {heavy:#x}");
        assert_eq!(
            rank_order(b, a),
            expected.reverse(),
            "{heavy:#x} vs {light:#x}"
        );
    }
}
