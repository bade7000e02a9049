//! The hash ring: lookups, preference lists, load statistics and, above all, minimal
//! disruption on membership changes, checked against a brute-force model built from the
//! documented point definition (not from the ring's own arrays).
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::placement::hash_fn::{key_hash, vnode_point};
use dsviz::algo::placement::{HashRing, KeyMove, NodeIndex, NodeSpec, Placement, PlacementConfig};
use proptest::prelude::*;

/// Brute-force owner: scans every point of every node (computed from `vnode_point`) for
/// the smallest (position, name) at or after the key, wrapping to the smallest overall.
fn brute_owner(nodes: &[NodeSpec], vnodes: u32, key: u64) -> String {
    let mut after: Option<(u64, &str)> = None;
    let mut lowest: Option<(u64, &str)> = None;
    for node in nodes {
        for replica in 0..node.weight * vnodes {
            let point = (vnode_point(&node.name, replica), node.name.as_str());
            if lowest.is_none_or(|l| point < l) {
                lowest = Some(point);
            }
            if point.0 >= key && after.is_none_or(|a| point < a) {
                after = Some(point);
            }
        }
    }
    after.or(lowest).expect("at least one point").1.to_string()
}

/// The brute-force list of moves between two node lists: (key index, from, to) by name.
fn brute_moves(
    before: &[NodeSpec],
    after: &[NodeSpec],
    vnodes: u32,
    keys: &[u64],
) -> Vec<(usize, String, String)> {
    keys.iter()
        .enumerate()
        .filter_map(|(i, &k)| {
            let (old, new) = (
                brute_owner(before, vnodes, k),
                brute_owner(after, vnodes, k),
            );
            (old != new).then_some((i, old, new))
        })
        .collect()
}

fn named_moves(moves: &[KeyMove], old: &HashRing, new: &HashRing) -> Vec<(usize, String, String)> {
    moves
        .iter()
        .map(|m| {
            (
                m.key_index,
                old.node(m.from).unwrap().name.clone(),
                new.node(m.to).unwrap().name.clone(),
            )
        })
        .collect()
}

fn owner_names(ring: &HashRing, keys: &[u64]) -> Vec<String> {
    keys.iter()
        .map(|&k| ring.node(ring.owner(k).unwrap()).unwrap().name.clone())
        .collect()
}

fn node_list() -> impl Strategy<Value = Vec<NodeSpec>> {
    proptest::collection::btree_set("[a-z]{1,3}", 1..8).prop_flat_map(|names| {
        let count = names.len();
        (Just(names), proptest::collection::vec(1u32..4, count)).prop_map(|(names, weights)| {
            names
                .into_iter()
                .zip(weights)
                .map(|(name, weight)| NodeSpec::new(name, weight))
                .collect()
        })
    })
}

fn key_set() -> impl Strategy<Value = Vec<u64>> {
    proptest::collection::vec(any::<u64>(), 0..200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn lookups_match_brute_force(nodes in node_list(), vnodes in 1u32..20, keys in key_set()) {
        let ring = HashRing::new(&nodes, vnodes).unwrap();
        for &k in &keys {
            let owner = ring.node(ring.owner(k).unwrap()).unwrap().name.clone();
            prop_assert_eq!(owner, brute_owner(&nodes, vnodes, k));
        }
        // Boundary keys: exactly on points, just after them, and the extremes.
        for point in ring.points().collect::<Vec<_>>() {
            prop_assert_eq!(ring.successor(point.position).unwrap().position, point.position);
            let name = ring.node(ring.owner(point.position.wrapping_add(1)).unwrap()).unwrap();
            prop_assert_eq!(&name.name, &brute_owner(&nodes, vnodes, point.position.wrapping_add(1)));
        }
        for extreme in [0, u64::MAX] {
            let name = &ring.node(ring.owner(extreme).unwrap()).unwrap().name;
            prop_assert_eq!(name, &brute_owner(&nodes, vnodes, extreme));
        }
    }

    #[test]
    fn join_moves_exactly_the_new_nodes_keys(
        nodes in node_list(), vnodes in 1u32..20, keys in key_set(), weight in 1u32..4,
    ) {
        let mut ring = HashRing::new(&nodes, vnodes).unwrap();
        let old = ring.clone();
        let joiner = NodeSpec::new("joiner", weight);
        let moves = ring.add_node(joiner.clone(), &keys).unwrap();
        let new_index = ring.index_of("joiner").unwrap();
        // Only keys that now belong to the new node moved.
        prop_assert!(moves.iter().all(|m| m.to == new_index));
        let now_on_joiner: Vec<usize> = keys.iter().enumerate()
            .filter(|(_, &k)| ring.owner(k) == Some(new_index)).map(|(i, _)| i).collect();
        prop_assert_eq!(moves.iter().map(|m| m.key_index).collect::<Vec<_>>(), now_on_joiner);
        // And the list equals the brute-force before/after diff.
        let mut after = nodes.clone();
        after.push(joiner);
        prop_assert_eq!(named_moves(&moves, &old, &ring), brute_moves(&nodes, &after, vnodes, &keys));
    }

    #[test]
    fn leave_moves_exactly_the_leaving_nodes_keys(
        nodes in node_list(), vnodes in 1u32..20, keys in key_set(), pick in any::<prop::sample::Index>(),
    ) {
        prop_assume!(nodes.len() > 1);
        let gone = pick.index(nodes.len());
        let mut ring = HashRing::new(&nodes, vnodes).unwrap();
        let old = ring.clone();
        let gone_index = NodeIndex(gone as u32);
        let moves = ring.remove_node(&nodes[gone].name, &keys).unwrap();
        let had: Vec<usize> = keys.iter().enumerate()
            .filter(|(_, &k)| old.owner(k) == Some(gone_index)).map(|(i, _)| i).collect();
        prop_assert!(moves.iter().all(|m| m.from == gone_index && m.to != gone_index));
        prop_assert_eq!(moves.iter().map(|m| m.key_index).collect::<Vec<_>>(), had);
        let mut after = nodes.clone();
        after.remove(gone);
        prop_assert_eq!(named_moves(&moves, &old, &ring), brute_moves(&nodes, &after, vnodes, &keys));
    }

    #[test]
    fn remove_then_readd_restores_the_exact_placement(
        nodes in node_list(), vnodes in 1u32..20, keys in key_set(), pick in any::<prop::sample::Index>(),
    ) {
        prop_assume!(nodes.len() > 1);
        let node = nodes[pick.index(nodes.len())].clone();
        let mut ring = HashRing::new(&nodes, vnodes).unwrap();
        let original = ring.clone();
        let out = ring.remove_node(&node.name, &keys).unwrap();
        let back = ring.add_node(node.clone(), &keys).unwrap();
        // Same points, same owners, same indices, and every key back where it was.
        prop_assert!(ring.points().eq(original.points()));
        prop_assert_eq!(owner_names(&ring, &keys), owner_names(&original, &keys));
        prop_assert_eq!(out.len(), back.len());
        for (o, b) in out.iter().zip(&back) {
            prop_assert_eq!((o.key_index, o.from, o.to), (b.key_index, b.to, b.from));
        }
    }

    #[test]
    fn weight_changes_only_move_keys_to_or_from_that_node(
        nodes in node_list(), vnodes in 1u32..20, keys in key_set(),
        pick in any::<prop::sample::Index>(), weight in 1u32..6,
    ) {
        let target = pick.index(nodes.len());
        let mut ring = HashRing::new(&nodes, vnodes).unwrap();
        let old = ring.clone();
        let index = NodeIndex(target as u32);
        let moves = ring.set_weight(&nodes[target].name, weight, &keys).unwrap();
        let old_weight = nodes[target].weight;
        for m in &moves {
            if weight > old_weight {
                prop_assert_eq!(m.to, index);
            } else {
                prop_assert_eq!(m.from, index);
            }
        }
        let mut after = nodes.clone();
        after[target].weight = weight;
        prop_assert_eq!(named_moves(&moves, &old, &ring), brute_moves(&nodes, &after, vnodes, &keys));
        let fresh = HashRing::new(&after, vnodes).unwrap();
        prop_assert!(ring.points().eq(fresh.points()));
    }

    #[test]
    fn preference_lists_are_distinct_and_start_with_the_owner(
        nodes in node_list(), vnodes in 1u32..20, key in any::<u64>(), replicas in 0usize..10,
    ) {
        let ring = HashRing::new(&nodes, vnodes).unwrap();
        let list = ring.preference_list(key, replicas);
        prop_assert_eq!(list.len(), replicas.min(nodes.len()));
        if replicas > 0 {
            prop_assert_eq!(Some(list[0]), ring.owner(key));
        }
        let mut sorted = list.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), list.len());
        // Brute force: walk the points clockwise from the key's successor.
        let points: Vec<_> = ring.points().collect();
        let start = points.iter().position(|p| p.position >= key).unwrap_or(0);
        let mut expected: Vec<NodeIndex> = Vec::new();
        for step in 0..points.len() {
            let node = points[(start + step) % points.len()].node;
            if expected.len() < replicas && !expected.contains(&node) {
                expected.push(node);
            }
        }
        prop_assert_eq!(list, expected);
    }

    #[test]
    fn arc_fractions_sum_to_one(nodes in node_list(), vnodes in 1u32..20) {
        let ring = HashRing::new(&nodes, vnodes).unwrap();
        let total: f64 = ring.arc_fractions().iter().map(|(_, f)| f).sum();
        prop_assert!((total - 1.0).abs() < 1e-9, "{}", total);
    }
}

#[test]
fn weight_two_node_gets_twice_the_points_and_about_twice_the_keys() {
    let nodes = [NodeSpec::new("light", 1), NodeSpec::new("heavy", 2)];
    let ring = HashRing::new(&nodes, 200).unwrap();
    let heavy = ring.index_of("heavy").unwrap();
    assert_eq!(ring.points().filter(|p| p.node == heavy).count(), 400);
    assert_eq!(ring.point_count(), 600);
    let keys: Vec<u64> = (0..30_000u32).map(|i| key_hash(&i.to_le_bytes())).collect();
    let stats = ring.load_stats(&keys).unwrap();
    let heavy_keys = stats.nodes.iter().find(|l| l.node == heavy).unwrap().keys;
    assert!((17_000..23_000).contains(&heavy_keys), "{heavy_keys}");
    assert!((stats.nodes[1].expected_fraction - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn balance_improves_like_one_over_sqrt_vnodes() {
    let nodes: Vec<NodeSpec> = (0..50).map(|i| NodeSpec::new(format!("n{i}"), 1)).collect();
    for vnodes in [10u32, 100] {
        let ring = HashRing::new(&nodes, vnodes).unwrap();
        let spread = ring.load_stats(&[]).unwrap().arc_relative_std_dev.unwrap();
        let rule = 1.0 / f64::from(vnodes).sqrt();
        assert!(
            spread > rule * 0.6 && spread < rule * 1.5,
            "v={vnodes}: {spread} vs {rule}"
        );
    }
}

#[test]
fn load_stats_report_counts_and_peak_to_mean() {
    let nodes = [NodeSpec::new("a", 1), NodeSpec::new("b", 1)];
    let ring = HashRing::new(&nodes, 50).unwrap();
    let keys: Vec<u64> = (0..1000u32).map(|i| key_hash(&i.to_le_bytes())).collect();
    let stats = ring.load_stats(&keys).unwrap();
    assert_eq!(stats.total_keys, 1000);
    assert_eq!(stats.nodes.iter().map(|n| n.keys).sum::<u64>(), 1000);
    let max = stats.nodes.iter().map(|n| n.keys).max().unwrap() as f64;
    assert!((stats.peak_to_mean - max / 500.0).abs() < 1e-12);
    let diff = (stats.nodes[0].keys as f64 - 500.0).abs();
    assert!((stats.key_std_dev - diff).abs() < 1e-9);
    let empty = ring.load_stats(&[]).unwrap();
    assert_eq!(empty.peak_to_mean, 0.0);
}

#[test]
fn freed_indices_are_reused_and_others_keep_theirs() {
    let nodes: Vec<NodeSpec> = ["a", "b", "c"]
        .iter()
        .map(|n| NodeSpec::new(*n, 1))
        .collect();
    let mut ring = HashRing::new(&nodes, 10).unwrap();
    ring.remove_node("b", &[]).unwrap();
    assert_eq!(ring.index_of("c"), Some(NodeIndex(2)));
    assert!(ring.node(NodeIndex(1)).is_none());
    ring.add_node(NodeSpec::new("d", 1), &[]).unwrap();
    assert_eq!(ring.index_of("d"), Some(NodeIndex(1)));
    ring.add_node(NodeSpec::new("e", 1), &[]).unwrap();
    assert_eq!(ring.index_of("e"), Some(NodeIndex(3)));
    assert_eq!(ring.node_count(), 4);
}

#[test]
fn ring_is_a_placement() {
    let nodes = [NodeSpec::new("a", 1), NodeSpec::new("b", 1)];
    let config = PlacementConfig {
        vnodes_per_weight: 7,
        ..PlacementConfig::default()
    };
    let ring = HashRing::build(&nodes, &config).unwrap();
    assert_eq!(ring.point_count(), 14);
    assert_eq!(Placement::name(&ring), "ring");
    assert_eq!(Placement::hash_key(&ring, b"k"), key_hash(b"k"));
    let hashes = [1u64, 2, 3];
    let placed = ring.place_all(&hashes).unwrap();
    assert_eq!(placed, hashes.map(|h| ring.owner(h).unwrap()).to_vec());
    assert!(ring.memory_bytes() >= 14 * 12);
}

#[test]
fn a_single_point_ring_owns_everything() {
    let ring = HashRing::new(&[NodeSpec::new("only", 1)], 1).unwrap();
    for key in [0, 1, u64::MAX / 2, u64::MAX] {
        assert_eq!(ring.owner(key), Some(NodeIndex(0)));
    }
    assert_eq!(ring.arc_fractions(), vec![(NodeIndex(0), 1.0)]);
    assert_eq!(ring.preference_list(5, 3), vec![NodeIndex(0)]);
}

#[test]
fn large_rings_agree_with_a_plain_binary_search() {
    // Big enough for a many-bucket index: compare with a full-array binary search.
    let nodes: Vec<NodeSpec> = (0..40)
        .map(|i| NodeSpec::new(format!("n{i}"), 1 + i % 3))
        .collect();
    let ring = HashRing::new(&nodes, 300).unwrap();
    let points: Vec<_> = ring.points().collect();
    for i in 0..20_000u32 {
        let key = key_hash(&i.to_le_bytes());
        let at = points.partition_point(|p| p.position < key);
        let expected = points[if at == points.len() { 0 } else { at }].node;
        assert_eq!(ring.owner(key), Some(expected));
    }
}
