//! Modulo, rendezvous, Maglev and bounded loads, and the comparison of all algorithms.
use dsviz::algo::placement::hash_fn::{key_hash, node_hash, pair_hash};
use dsviz::algo::placement::maglev::is_prime;
use dsviz::algo::placement::rendezvous::weighted_score;
use dsviz::algo::placement::{
    compare_algorithms, BoundedLoad, CompareSetup, HashRing, JumpHash, KetamaRing, Maglev, Modulo,
    NodeIndex, NodeSpec, Placement, PlacementConfig, Rendezvous,
};
use proptest::prelude::*;

fn nodes(count: u32) -> Vec<NodeSpec> {
    (0..count)
        .map(|i| NodeSpec::new(format!("node-{i}"), 1))
        .collect()
}

fn keys(count: u32) -> Vec<u64> {
    (0..count).map(|i| key_hash(&i.to_le_bytes())).collect()
}

fn counts(assignment: &[NodeIndex], node_count: usize) -> Vec<u64> {
    let mut counts = vec![0u64; node_count];
    for owner in assignment {
        counts[owner.get()] += 1;
    }
    counts
}

/// Moves between two assignments whose node lists differ by one appended node.
fn moves_on_append(before: &[NodeIndex], after: &[NodeIndex]) -> usize {
    before.iter().zip(after).filter(|(a, b)| a != b).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// With bounded loads no node ever exceeds ceil(c * mean), for any key order.
    #[test]
    fn bounded_loads_never_exceed_the_cap(
        node_count in 1u32..12, key_count in 0u32..600, c in 1.0f64..2.0, vnodes in 1u32..30,
        seed in any::<u64>(),
    ) {
        let placement = BoundedLoad::new(&nodes(node_count), vnodes, c).unwrap();
        let hashes: Vec<u64> = (0..key_count).map(|i| key_hash(&(u64::from(i) ^ seed).to_le_bytes())).collect();
        let assignment = placement.assign(&hashes).unwrap();
        let cap = (c * (f64::from(key_count) / f64::from(node_count))).ceil() as u64;
        let loads = counts(&assignment.owners, node_count as usize);
        prop_assert!(loads.iter().all(|&l| l <= cap), "{:?} cap {}", loads, cap);
        prop_assert_eq!(loads.iter().sum::<u64>(), u64::from(key_count));
        for (node, load, capacity) in &assignment.loads {
            prop_assert_eq!(*load, loads[node.get()]);
            prop_assert!(load <= capacity);
        }
        prop_assert_eq!(placement.place_all(&hashes).unwrap(), assignment.owners);
    }

    /// Weighted capacities: each node stays within ceil(c * keys * w / W).
    #[test]
    fn weighted_bounded_loads_respect_each_capacity(
        weights in proptest::collection::vec(1u32..5, 1..8), key_count in 0u32..500, c in 1.0f64..1.5,
    ) {
        let list: Vec<NodeSpec> = weights.iter().enumerate()
            .map(|(i, &w)| NodeSpec::new(format!("w{i}"), w)).collect();
        let placement = BoundedLoad::new(&list, 20, c).unwrap();
        let assignment = placement.assign(&keys(key_count)).unwrap();
        let total: u32 = weights.iter().sum();
        for (node, load, _) in &assignment.loads {
            let share = f64::from(key_count) * f64::from(weights[node.get()]) / f64::from(total);
            prop_assert!(*load as f64 <= (c * share).ceil().max(share.ceil()));
        }
    }

    /// Rendezvous: a join only moves keys to the joiner; a leave only moves the leaver's keys.
    #[test]
    fn rendezvous_moves_are_minimal(node_count in 2u32..12, weights_differ in any::<bool>()) {
        let mut list = nodes(node_count);
        if weights_differ {
            list[0].weight = 3;
        }
        let hashes = keys(2000);
        let before = Rendezvous::new(&list).unwrap().place_all(&hashes).unwrap();
        let mut joined = list.clone();
        joined.push(NodeSpec::new("joiner", 2));
        let after = Rendezvous::new(&joined).unwrap().place_all(&hashes).unwrap();
        for (old, new) in before.iter().zip(&after) {
            prop_assert!(old == new || new.get() == list.len());
        }
        let left: Vec<NodeSpec> = list[1..].to_vec();
        let after = Rendezvous::new(&left).unwrap().place_all(&hashes).unwrap();
        for (old, new) in before.iter().zip(&after) {
            prop_assert!(old.get() == 0 || new.get() + 1 == old.get());
        }
    }
}

#[test]
fn bounded_load_with_c_one_is_perfectly_balanced() {
    let placement = BoundedLoad::new(&nodes(7), 50, 1.0).unwrap();
    let assignment = placement.assign(&keys(7000)).unwrap();
    assert!(assignment
        .loads
        .iter()
        .all(|&(_, load, cap)| load == 1000 && cap == 1000));
    assert!(assignment.forwarded > 0);
}

#[test]
fn bounded_load_with_large_c_is_the_plain_ring() {
    let list = nodes(5);
    let placement = BoundedLoad::new(&list, 50, 100.0).unwrap();
    let ring = HashRing::new(&list, 50).unwrap();
    let hashes = keys(1000);
    assert_eq!(
        placement.place_all(&hashes).unwrap(),
        ring.place_all(&hashes).unwrap()
    );
    assert_eq!(placement.assign(&hashes).unwrap().forwarded, 0);
}

#[test]
fn bounded_load_depends_on_key_order_but_is_deterministic() {
    let placement = BoundedLoad::new(&nodes(4), 20, 1.0).unwrap();
    let hashes = keys(400);
    let first = placement.place_all(&hashes).unwrap();
    assert_eq!(first, placement.place_all(&hashes).unwrap());
}

#[test]
fn rendezvous_ranking_and_weights() {
    let list = [NodeSpec::new("a", 1), NodeSpec::new("b", 3)];
    let rendezvous = Rendezvous::new(&list).unwrap();
    let hashes = keys(40_000);
    let placed = rendezvous.place_all(&hashes).unwrap();
    let c = counts(&placed, 2);
    // Expected 10,000 : 30,000.
    assert!((9_200..10_800).contains(&c[0]), "{c:?}");
    for &h in hashes.iter().take(100) {
        let ranking = rendezvous.ranking(h);
        assert_eq!(ranking.len(), 2);
        assert_eq!(Some(ranking[0]), rendezvous.owner(h));
    }
    // The score is the documented w / -ln(u) of the documented pair hash.
    let h = hashes[0];
    let score = |i: usize| weighted_score(list[i].weight, pair_hash(node_hash(&list[i].name), h));
    let best = if score(0) > score(1) { 0 } else { 1 };
    assert_eq!(rendezvous.owner(h), Some(NodeIndex(best)));
    assert!(weighted_score(1, 0).is_finite() && weighted_score(1, u64::MAX).is_finite());
}

#[test]
fn maglev_table_is_full_and_balanced() {
    let maglev = Maglev::new(&nodes(10), 65_537).unwrap();
    assert_eq!(maglev.table_size(), 65_537);
    let c = counts(maglev.table(), 10);
    // The paper's filling gives every node floor or ceil of M / n entries.
    assert!(c.iter().all(|&n| n == 6553 || n == 6554), "{c:?}");
    assert_eq!(maglev.owner(65_537 + 5), maglev.owner(5));
}

#[test]
fn maglev_weights_and_near_minimal_disruption() {
    let mut list = nodes(5);
    list[0].weight = 2;
    let maglev = Maglev::new(&list, 10_007).unwrap();
    let c = counts(maglev.table(), 5);
    assert!(c[0] > c[1] * 19 / 10, "{c:?}");
    let hashes = keys(20_000);
    let before = Maglev::new(&nodes(10), 65_537)
        .unwrap()
        .place_all(&hashes)
        .unwrap();
    let mut joined = nodes(10);
    joined.push(NodeSpec::new("joiner", 1));
    let after = Maglev::new(&joined, 65_537)
        .unwrap()
        .place_all(&hashes)
        .unwrap();
    let moved = moves_on_append(&before, &after);
    // Ideal is 20,000 / 11 = 1818; Maglev moves somewhat more, far fewer than modulo.
    assert!((1_500..4_000).contains(&moved), "{moved}");
}

#[test]
fn primes() {
    let primes: Vec<u32> = (0..30).filter(|&n| is_prime(n)).collect();
    assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    assert!(is_prime(65_537) && is_prime(1_999_993) && !is_prime(65_535));
}

#[test]
fn modulo_moves_almost_everything() {
    let hashes = keys(10_000);
    let before = Modulo::new(&nodes(10)).unwrap().place_all(&hashes).unwrap();
    let after = Modulo::new(&nodes(11)).unwrap().place_all(&hashes).unwrap();
    let moved = moves_on_append(&before, &after);
    assert!(moved > 8_500, "{moved}"); // about 10/11 of keys
    assert_eq!(Modulo::new(&nodes(3)).unwrap().owner(7), Some(NodeIndex(1)));
}

#[test]
fn every_algorithm_places_the_same_keys_deterministically() {
    let list = nodes(8);
    let config = PlacementConfig::default();
    let hashes = keys(1000);
    let placements: Vec<Box<dyn Placement>> = vec![
        Box::new(Modulo::build(&list, &config).unwrap()),
        Box::new(JumpHash::build(&list, &config).unwrap()),
        Box::new(HashRing::build(&list, &config).unwrap()),
        Box::new(KetamaRing::build(&list, &config).unwrap()),
        Box::new(Rendezvous::build(&list, &config).unwrap()),
        Box::new(Maglev::build(&list, &config).unwrap()),
        Box::new(BoundedLoad::build(&list, &config).unwrap()),
    ];
    let names: Vec<&str> = placements.iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "modulo",
            "jump",
            "ring",
            "ketama",
            "rendezvous",
            "maglev",
            "bounded-load"
        ]
    );
    for p in &placements {
        let placed = p.place_all(&hashes).unwrap();
        assert_eq!(placed.len(), 1000);
        assert!(placed.iter().all(|n| n.get() < 8));
        assert_eq!(placed, p.place_all(&hashes).unwrap());
        assert_eq!(p.node_count(), 8);
        assert!(!p.lookup_complexity().is_empty());
    }
}

#[test]
fn comparison_table_is_deterministic_and_sensible() {
    let setup = CompareSetup::uniform(20, 20_000, PlacementConfig::default());
    let first = compare_algorithms(&setup, None).unwrap();
    assert_eq!(first, compare_algorithms(&setup, None).unwrap());
    assert_eq!(first.key_count, 20_000);
    assert!((first.ideal_moves_on_join - 20_000.0 / 21.0).abs() < 1e-9);
    assert_eq!(first.ideal_moves_on_leave, Some(1_000.0));
    let row = |name: &str| first.reports.iter().find(|r| r.name == name).unwrap();
    assert!(row("modulo").moved_on_join > 15_000);
    assert!(row("jump").moved_on_join < 1_300);
    assert!(row("ring").moved_on_join < 2_000);
    assert!(row("rendezvous").moved_on_leave.unwrap() < 1_300);
    assert!(row("bounded-load").peak_to_mean <= 1.25 + 1e-9);
    assert!(first.reports.iter().all(|r| r.lookup_ns.is_none()));

    // With a clock, every row gets a timing (here a fake clock that ticks 1000 ns a call).
    let mut ticks = 0.0;
    let mut clock = || {
        ticks += 1000.0;
        ticks
    };
    let timed = compare_algorithms(&setup, Some(&mut clock)).unwrap();
    assert!(timed
        .reports
        .iter()
        .all(|r| r.lookup_ns == Some(1000.0 / 20_000.0)));
}

#[test]
fn comparison_with_a_single_node_has_no_leave_figures() {
    let setup = CompareSetup::uniform(1, 100, PlacementConfig::default());
    let result = compare_algorithms(&setup, None).unwrap();
    assert_eq!(result.ideal_moves_on_leave, None);
    assert!(result.reports.iter().all(|r| r.moved_on_leave.is_none()));
}
