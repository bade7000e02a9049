//! Weighted rendezvous hashing gives the same scores, bit for bit, on every platform, so a
//! shared link places every key on the same node natively and in the browser.
use dsviz::algo::placement::rendezvous::{rank_order, weighted_score};
use dsviz::algo::placement::{NodeSpec, Placement, Rendezvous};
use std::cmp::Ordering;

include!("data/rendezvous_pins.rs");

#[test]
fn weighted_scores_match_their_pinned_bits() {
    for (weight, pair, bits) in WEIGHTED_SCORE_PINS {
        let score = weighted_score(weight, pair);
        assert_eq!(
            score.to_bits(),
            bits,
            "weight {weight}, pair {pair:#018x}: {score:e} vs {:e}",
            f64::from_bits(bits)
        );
    }
}

#[test]
fn near_ties_between_weights_rank_the_same_everywhere() {
    for (light, heavy, light_first) in NEAR_TIES {
        let a = (weighted_score(1, light), light);
        let b = (weighted_score(2, heavy), heavy);
        let gap = (a.0 - b.0).abs() / a.0;
        assert!(gap < 1e-15, "a near tie: relative gap {gap:e}");
        let expected = if light_first {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        assert_eq!(rank_order(a, b), expected, "{light:#x} vs {heavy:#x}");
        assert_eq!(rank_order(b, a), expected.reverse());
    }
}

/// The owner is the first of the ranking, whatever the node order, and weights still
/// share keys in proportion.
#[test]
fn owner_and_ranking_agree_and_weights_share_in_proportion() {
    let nodes = [
        NodeSpec::new("a", 1),
        NodeSpec::new("b", 2),
        NodeSpec::new("c", 1),
    ];
    let forward = Rendezvous::new(&nodes).unwrap();
    let mut reversed_nodes = nodes.clone();
    reversed_nodes.reverse();
    let backward = Rendezvous::new(&reversed_nodes).unwrap();
    let mut counts = [0u32; 3];
    let mut rng = dsviz::sim::SimRng::new(8);
    for _ in 0..20_000 {
        let key = rng.next_u64();
        let owner = forward.owner(key).unwrap();
        assert_eq!(forward.ranking(key)[0], owner);
        let mirrored = backward.owner(key).unwrap();
        assert_eq!(mirrored.get(), 2 - owner.get(), "key {key:#x}");
        counts[owner.get()] += 1;
    }
    let b_share = f64::from(counts[1]) / 20_000.0;
    assert!((0.47..0.53).contains(&b_share), "{counts:?}");
}
