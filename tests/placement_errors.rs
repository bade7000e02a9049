//! Bad inputs return the right error with a readable message, and nothing panics.
use dsviz::algo::placement::{
    compare_algorithms, hash_keys, BoundedLoad, CompareSetup, HashRing, JumpHash, Maglev, Modulo,
    NodeSpec, Placement, PlacementConfig, PlacementError, Rendezvous, MAX_KEYS, MAX_POINTS,
};
use proptest::prelude::*;

fn two() -> Vec<NodeSpec> {
    vec![NodeSpec::new("a", 1), NodeSpec::new("b", 1)]
}

#[test]
fn empty_node_lists_are_rejected_everywhere() {
    let config = PlacementConfig::default();
    assert_eq!(HashRing::new(&[], 10).unwrap_err(), PlacementError::NoNodes);
    assert_eq!(HashRing::ketama(&[]).unwrap_err(), PlacementError::NoNodes);
    assert_eq!(
        Modulo::build(&[], &config).unwrap_err(),
        PlacementError::NoNodes
    );
    assert_eq!(
        JumpHash::build(&[], &config).unwrap_err(),
        PlacementError::NoNodes
    );
    assert_eq!(
        Rendezvous::build(&[], &config).unwrap_err(),
        PlacementError::NoNodes
    );
    assert_eq!(
        Maglev::build(&[], &config).unwrap_err(),
        PlacementError::NoNodes
    );
    assert_eq!(
        BoundedLoad::build(&[], &config).unwrap_err(),
        PlacementError::NoNodes
    );
}

#[test]
fn zero_virtual_nodes() {
    assert_eq!(
        HashRing::new(&two(), 0).unwrap_err(),
        PlacementError::ZeroVirtualNodes
    );
    assert_eq!(
        BoundedLoad::new(&two(), 0, 1.5).unwrap_err(),
        PlacementError::ZeroVirtualNodes
    );
}

#[test]
fn duplicate_names_and_zero_weights() {
    let dup = [
        NodeSpec::new("x", 1),
        NodeSpec::new("y", 1),
        NodeSpec::new("x", 2),
    ];
    assert_eq!(
        HashRing::new(&dup, 5).unwrap_err(),
        PlacementError::DuplicateNodeName("x".into())
    );
    assert_eq!(
        Maglev::new(&dup, 101).unwrap_err(),
        PlacementError::DuplicateNodeName("x".into())
    );
    let zero = [NodeSpec::new("x", 1), NodeSpec::new("light", 0)];
    assert_eq!(
        HashRing::new(&zero, 5).unwrap_err(),
        PlacementError::ZeroWeight("light".into())
    );
    assert_eq!(
        JumpHash::new(&zero).unwrap_err(),
        PlacementError::ZeroWeight("light".into())
    );
}

#[test]
fn too_many_points() {
    let nodes: Vec<NodeSpec> = (0..100)
        .map(|i| NodeSpec::new(format!("n{i}"), 2))
        .collect();
    // 100 nodes x 10,001 vnodes x weight 2 = 2,000,200 points.
    assert_eq!(
        HashRing::new(&nodes, 10_001).unwrap_err(),
        PlacementError::TooManyPoints {
            requested: 2_000_200,
            limit: MAX_POINTS
        }
    );
    // Huge weights are bounded too, without overflow.
    let heavy = [NodeSpec::new("h", u32::MAX)];
    assert!(matches!(
        HashRing::new(&heavy, u32::MAX),
        Err(PlacementError::TooManyPoints { .. })
    ));
    assert!(matches!(
        Modulo::new(&heavy),
        Err(PlacementError::TooManyPoints { .. })
    ));
    // Exactly at the limit is fine; growing past it is refused and changes nothing.
    let mut ring = HashRing::new(&nodes, 10_000).unwrap();
    let err = ring.add_node(NodeSpec::new("more", 1), &[]).unwrap_err();
    assert!(matches!(err, PlacementError::TooManyPoints { .. }));
    assert_eq!(ring.node_count(), 100);
    assert!(ring.set_weight("n0", 3, &[]).is_err());
    assert_eq!(ring.point_count(), 2_000_000);
}

#[test]
fn capacity_factor_below_one() {
    for c in [0.99, 0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = BoundedLoad::new(&two(), 10, c).unwrap_err();
        assert!(
            matches!(err, PlacementError::CapacityFactorTooSmall(_)),
            "{c}"
        );
    }
    assert!(BoundedLoad::new(&two(), 10, 1.0).is_ok());
}

#[test]
fn too_many_keys() {
    let ring = HashRing::new(&two(), 10).unwrap();
    let keys = vec![0u64; MAX_KEYS + 1];
    let expected = PlacementError::TooManyKeys {
        requested: MAX_KEYS as u64 + 1,
        limit: MAX_KEYS as u64,
    };
    assert_eq!(ring.place_all(&keys).unwrap_err(), expected);
    assert_eq!(ring.load_stats(&keys).unwrap_err(), expected);
    let bounded = BoundedLoad::new(&two(), 10, 1.2).unwrap();
    assert_eq!(bounded.place_all(&keys).unwrap_err(), expected);
    let mut ring2 = ring.clone();
    assert_eq!(
        ring2.add_node(NodeSpec::new("c", 1), &keys).unwrap_err(),
        expected
    );
    assert_eq!(ring2.node_count(), 2);
    let strings = vec![""; MAX_KEYS + 1];
    assert_eq!(hash_keys(&ring, &strings).unwrap_err(), expected);
    let setup = CompareSetup::uniform(3, MAX_KEYS as u32 + 1, PlacementConfig::default());
    assert_eq!(compare_algorithms(&setup, None).unwrap_err(), expected);
    assert_eq!(ring.place_all(&keys[..MAX_KEYS]).unwrap().len(), MAX_KEYS);
}

#[test]
fn membership_errors() {
    let mut ring = HashRing::new(&two(), 10).unwrap();
    assert_eq!(
        ring.remove_node("zz", &[]).unwrap_err(),
        PlacementError::UnknownNode("zz".into())
    );
    assert_eq!(
        ring.set_weight("zz", 2, &[]).unwrap_err(),
        PlacementError::UnknownNode("zz".into())
    );
    assert_eq!(
        ring.set_weight("a", 0, &[]).unwrap_err(),
        PlacementError::ZeroWeight("a".into())
    );
    assert_eq!(
        ring.add_node(NodeSpec::new("a", 1), &[]).unwrap_err(),
        PlacementError::DuplicateNodeName("a".into())
    );
    assert_eq!(
        ring.add_node(NodeSpec::new("c", 0), &[]).unwrap_err(),
        PlacementError::ZeroWeight("c".into())
    );
    ring.remove_node("a", &[]).unwrap();
    assert_eq!(
        ring.remove_node("b", &[]).unwrap_err(),
        PlacementError::NoNodes
    );
    assert_eq!(ring.node_count(), 1);
    let setup = CompareSetup {
        leaving: "nobody".into(),
        ..CompareSetup::uniform(3, 10, PlacementConfig::default())
    };
    assert_eq!(
        compare_algorithms(&setup, None).unwrap_err(),
        PlacementError::UnknownNode("nobody".into())
    );
}

#[test]
fn maglev_table_sizes() {
    for size in [0, 1, 4, 65_535] {
        assert_eq!(
            Maglev::new(&two(), size).unwrap_err(),
            PlacementError::BadTableSize { size, nodes: 2 }
        );
    }
    // Prime but not larger than the node count.
    assert!(Maglev::new(&two(), 2).is_err());
    // Prime but over the memory bound.
    assert!(Maglev::new(&two(), 2_000_003).is_err());
    assert!(Maglev::new(&two(), 3).is_ok());
}

#[test]
fn messages_are_readable() {
    let cases = [
        (PlacementError::NoNodes, "there are no nodes: add at least one node"),
        (
            PlacementError::ZeroVirtualNodes,
            "the number of virtual nodes per node must be at least 1",
        ),
        (
            PlacementError::DuplicateNodeName("db-1".into()),
            "two nodes are named \"db-1\": node names must be unique",
        ),
        (
            PlacementError::ZeroWeight("db-1".into()),
            "node \"db-1\" has weight 0: weights must be at least 1 (remove the node instead)",
        ),
        (
            PlacementError::TooManyPoints {
                requested: 3_000_000,
                limit: 2_000_000,
            },
            "this needs 3000000 points (nodes x virtual nodes x weight), more than the limit of 2000000",
        ),
        (
            PlacementError::CapacityFactorTooSmall(0.5),
            "the capacity factor c must be a number of at least 1 (got 0.5)",
        ),
        (
            PlacementError::TooManyKeys {
                requested: 1_000_001,
                limit: 1_000_000,
            },
            "1000001 keys is more than the limit of 1000000",
        ),
        (PlacementError::UnknownNode("x".into()), "there is no node named \"x\""),
        (
            PlacementError::BadTableSize { size: 100, nodes: 3 },
            "the Maglev table size must be a prime larger than the number of nodes (3) and at most 2000000 (got 100)",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn empty_and_non_ascii_keys_and_names_are_fine() {
    let nodes = [
        NodeSpec::new("", 1),
        NodeSpec::new("узел-1", 2),
        NodeSpec::new("節點 🚀", 1),
    ];
    let ring = HashRing::new(&nodes, 10).unwrap();
    let ketama = HashRing::ketama(&nodes).unwrap();
    for key in ["", "ключ", "日本語", "🎉", "\0"] {
        assert!(ring.owner_of_key(key.as_bytes()).is_some());
        assert!(ketama.owner_of_key(key.as_bytes()).is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary node lists and parameters: every builder returns Ok or an error, and every
    /// successful placement answers lookups.
    #[test]
    fn no_input_panics(
        names in proptest::collection::vec(".{0,6}", 0..6),
        weights in proptest::collection::vec(0u32..4, 6),
        vnodes in 0u32..5,
        c in proptest::num::f64::ANY,
        table in 0u32..200,
        key in any::<u64>(),
        replicas in 0usize..8,
    ) {
        let nodes: Vec<NodeSpec> = names.iter().zip(&weights)
            .map(|(n, &w)| NodeSpec::new(n.clone(), w)).collect();
        let config = PlacementConfig { vnodes_per_weight: vnodes, capacity_factor: c, maglev_table_size: table };
        if let Ok(mut ring) = HashRing::new(&nodes, vnodes) {
            prop_assert!(ring.owner(key).is_some());
            let _ = ring.preference_list(key, replicas);
            let _ = ring.load_stats(&[key]);
            let _ = ring.add_node(NodeSpec::new("extra", weights[0]), &[key]);
            if let Some(first) = names.first() {
                let _ = ring.set_weight(first, weights[1], &[key]);
                let _ = ring.remove_node(first, &[key]);
            }
            prop_assert!(ring.owner(key).is_some());
        }
        if let Ok(ring) = HashRing::ketama(&nodes) {
            let _ = ring.owner(key);
        }
        let results = [
            Modulo::build(&nodes, &config).map(|p| p.owner(key)),
            JumpHash::build(&nodes, &config).map(|p| p.owner(key)),
            Rendezvous::build(&nodes, &config).map(|p| p.owner(key)),
            Maglev::build(&nodes, &config).map(|p| p.owner(key)),
            BoundedLoad::build(&nodes, &config).map(|p| p.place_all(&[key, key, 1]).ok()?.first().copied()),
        ];
        for owner in results.into_iter().flatten() {
            prop_assert!(owner.is_some());
        }
    }
}
