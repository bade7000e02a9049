//! The list pictures (jump hash, hash mod N, rendezvous, Maglev) after a server leaves or
//! fails in the middle of the list: its sector stays where it was, as a ghost as wide as
//! its weight, so no survivor's sector moves and the circle does not rescale; jump hash's
//! and hash mod N's bucket numbers are still the real ones (the survivors after the ghost
//! are renumbered) and every key is drawn in its owner's sector.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_methods)] // a test may use the std sort

use dsviz::algo::placement::jump::jump_consistent_hash;
use dsviz::algo::ring_cluster::{self as rc, Algorithm, Cmd, ListPlace, RingConfig, RingNode};
use dsviz::sim::{Action, NetConfig, NodeId, Sim, Time, Timeline};
use dsviz::ui::ring::chips::{chips_for, ChipKind, ListLayout};
use dsviz::ui::ring::keys::key_positions_by_owner;
use std::collections::BTreeMap;
use std::f64::consts::TAU;

const LIST_ALGORITHMS: [Algorithm; 4] = [
    Algorithm::Jump,
    Algorithm::Modulo,
    Algorithm::Rendezvous,
    Algorithm::Maglev,
];

/// Six servers of weights 1, 2, 1, 3, 1, 2 and 3,000 keys under `algorithm`.
fn config(algorithm: Algorithm) -> RingConfig {
    let mut config = RingConfig {
        algorithm,
        ..RingConfig::uniform(6, 20, 3_000)
    };
    for (node, weight) in config.nodes.iter_mut().zip([1, 2, 1, 3, 1, 2]) {
        node.weight = weight;
    }
    config
}

/// The cluster after `cmds`, one every 10 ms.
fn after(config: &RingConfig, cmds: &[Cmd]) -> RingNode {
    let node = RingNode::new(config, 5).expect("valid config");
    let sim = Sim::new(5, vec![node], NetConfig::default(), rc::invariants(config));
    let mut t = Timeline::new(sim, Vec::new(), 10_000);
    for (i, cmd) in cmds.iter().enumerate() {
        t.take(
            Action::Command(NodeId(0), cmd.clone()),
            Time::from_millis(10 * (i as u64 + 1)),
        );
    }
    let node = t.sim().node(NodeId(0)).cloned().expect("the cluster");
    assert!(node.rejection().is_none(), "{:?}", node.rejection());
    node
}

fn leave(name: &str) -> Cmd {
    Cmd::Leave { name: name.into() }
}

fn fail(name: &str) -> Cmd {
    Cmd::Fail { name: name.into() }
}

fn recover(name: &str) -> Cmd {
    Cmd::Recover { name: name.into() }
}

/// Each drawn server's sector in turns (start, width), live or ghost, by name.
fn sectors(layout: &ListLayout) -> BTreeMap<String, ((f64, f64), ChipKind)> {
    layout
        .sectors
        .iter()
        .map(|s| (s.name.clone(), (layout.turns(s), s.kind)))
        .collect()
}

/// Each chip's angle, by name.
fn chip_angles(node: &RingNode) -> BTreeMap<String, f64> {
    chips_for(node)
        .into_iter()
        .map(|c| (c.name, c.frac))
        .collect()
}

#[test]
fn survivors_keep_their_sectors_when_a_middle_server_leaves_or_fails() {
    for algorithm in LIST_ALGORITHMS {
        let config = config(algorithm);
        let before = sectors(&ListLayout::of(&after(&config, &[])));
        let chips_before = chip_angles(&after(&config, &[]));
        assert_eq!(before.len(), 6);
        for (cmd, ghost) in [
            (leave("node-4"), ChipKind::Gone),
            (fail("node-4"), ChipKind::Failed),
        ] {
            let node = after(&config, std::slice::from_ref(&cmd));
            let now = sectors(&ListLayout::of(&node));
            assert_eq!(now.len(), 6, "{algorithm:?} {cmd}: five live, one ghost");
            for (name, (sector, kind)) in &now {
                let (old, _) = before[name];
                // Exactly the same numbers: the same units over the same total.
                assert_eq!(*sector, old, "{algorithm:?} {cmd}: {name}'s sector moved");
                let expected = if name == "node-4" {
                    ghost
                } else {
                    ChipKind::Live
                };
                assert_eq!(*kind, expected, "{algorithm:?} {cmd}: {name}");
            }
            // node-4 had weight 3 of 10, on a circle of 15 units (half as much again as
            // the servers take, room for joins): its ghost is a fifth of the circle.
            assert_eq!(node.list_scale(), 15, "{algorithm:?} {cmd}");
            assert!((now["node-4"].0 .1 - 0.2).abs() < 1e-12);
            // And so the chips stay put: every chip where it was, the ghost's too.
            assert_eq!(chip_angles(&node), chips_before, "{algorithm:?} {cmd}");
        }
    }
}

#[test]
fn a_failed_server_keeps_its_place_until_it_recovers_and_then_comes_back_last() {
    for algorithm in LIST_ALGORITHMS {
        let config = config(algorithm);
        let start = sectors(&ListLayout::of(&after(&config, &[])));
        // Two failures in the middle, then a leave: both ghosts stay where they were.
        let cmds = [fail("node-4"), fail("node-2"), leave("node-5")];
        let node = after(&config, &cmds);
        let now = sectors(&ListLayout::of(&node));
        assert_eq!(now.len(), 6);
        for (name, (sector, _)) in &now {
            assert_eq!(*sector, start[name].0, "{algorithm:?}: {name} moved");
        }
        assert_eq!(now["node-2"].1, ChipKind::Failed);
        assert_eq!(now["node-4"].1, ChipKind::Failed);
        assert_eq!(now["node-5"].1, ChipKind::Gone);

        // node-4 recovers: a recovery is a join, last in the list, as the algorithm sees
        // it. The departed node-5's ghost goes with the next change; node-2's ghost stays.
        let node = after(
            &config,
            &[fail("node-4"), fail("node-2"), recover("node-4")],
        );
        let layout = ListLayout::of(&node);
        let order: Vec<&str> = layout.sectors.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            order,
            ["node-1", "node-2", "node-3", "node-5", "node-6", "node-4"]
        );
        let now = sectors(&layout);
        assert_eq!(now["node-2"].1, ChipKind::Failed);
        for name in ["node-1", "node-2", "node-3"] {
            assert_eq!(now[name].0, start[name].0, "{algorithm:?}: {name} moved");
        }
        let last = layout.sectors.last().unwrap();
        assert_eq!((last.name.as_str(), last.kind), ("node-4", ChipKind::Live));
        // The same units as before (the ghost's width came back as node-4's): node-4's
        // sector ends the servers' ten units, and the circle's room for joins follows.
        let (s, w) = layout.turns(last);
        assert!((s + w - 10.0 / 15.0).abs() < 1e-12 && (w - 0.2).abs() < 1e-12);
        assert_eq!(layout.room(), Some((10.0 / 15.0, 5.0 / 15.0)));
    }
}

/// The bucket jump hash or hash mod N gives a key over `buckets` live buckets.
fn real_bucket(algorithm: Algorithm, hash: u64, buckets: u32) -> u32 {
    match algorithm {
        Algorithm::Jump => jump_consistent_hash(hash, buckets as i32) as u32,
        _ => (hash % u64::from(buckets)) as u32,
    }
}

#[test]
fn bucket_numbers_are_the_real_ones_and_keys_sit_in_their_owners_sector() {
    for algorithm in [Algorithm::Jump, Algorithm::Modulo] {
        let config = config(algorithm);
        for cmds in [
            vec![leave("node-3")],
            vec![fail("node-4")],
            vec![fail("node-2"), leave("node-4")],
        ] {
            let node = after(&config, &cmds);
            let what = format!("{algorithm:?} {cmds:?}");
            let layout = ListLayout::of(&node);
            let live_weight: u32 = node.live_nodes().map(|(_, n)| n.weight).sum();
            assert_eq!(layout.buckets, live_weight, "{what}");
            let owners = layout.bucket_owners();
            let slot_sectors = layout.slot_sectors();
            let inside =
                |(a, b): (f64, f64), (s, w): (f64, f64)| a >= s - 1e-12 && b <= s + w + 1e-12;
            // Each bucket's cell lies in its owner's sector, in number order, and never in
            // a ghost's sector.
            let mut last_start = -1.0;
            for (b, &slot) in owners.iter().enumerate() {
                let cell = layout.bucket_cell(b as u32);
                assert!(cell.0 > last_start, "{what}: bucket {b} out of order");
                last_start = cell.0;
                let sector = slot_sectors[usize::from(slot)].unwrap();
                assert!(inside(cell, sector), "{what}: bucket {b} outside its owner");
                for ghost in layout.sectors.iter().filter(|s| s.slot.is_none()) {
                    let (s, w) = layout.turns(ghost);
                    assert!(cell.1 <= s + 1e-12 || cell.0 >= s + w - 1e-12, "{what}");
                }
            }
            // Every key's real bucket belongs to its owner, and its dot is in that sector.
            let positions = key_positions_by_owner(node.key_hashes(), node.owners(), &slot_sectors);
            for (i, &hash) in node.key_hashes().iter().enumerate() {
                let owner = node.owners()[i];
                let b = real_bucket(algorithm, hash, layout.buckets);
                assert_eq!(owners[b as usize], owner, "{what}: key {i} in bucket {b}");
                let (x, y) = positions[i];
                let (dx, dy) = (f64::from(x) - 320.0, f64::from(y) - 320.0);
                let frac = (dy.atan2(dx) / TAU + 0.25).rem_euclid(1.0);
                let (s, w) = slot_sectors[usize::from(owner)].unwrap();
                assert!(
                    frac >= s && frac <= s + w,
                    "{what}: key {i} outside its owner"
                );
            }
        }
    }
}

#[test]
fn the_servers_after_a_departed_one_keep_their_cells_and_are_renumbered_down() {
    // Weights 1, 2, 1, 3, 1, 2: node-5's one bucket is number 7; after node-4 (three
    // buckets) leaves it is bucket 4, drawn in the very same cell.
    for algorithm in [Algorithm::Jump, Algorithm::Modulo] {
        let config = config(algorithm);
        let before = ListLayout::of(&after(&config, &[]));
        let node = after(&config, &[leave("node-4")]);
        let layout = ListLayout::of(&node);
        let first = |l: &ListLayout, name: &str| {
            l.entries
                .iter()
                .find(|e| e.name == name)
                .unwrap()
                .first_bucket
        };
        assert_eq!(first(&before, "node-5"), 7);
        assert_eq!(first(&layout, "node-5"), 4);
        assert_eq!(layout.bucket_cell(4), before.bucket_cell(7));
        assert_eq!(
            layout.bucket_cell(2),
            before.bucket_cell(2),
            "node-3's bucket"
        );
        assert_eq!(layout.buckets, 7);
    }
}

#[test]
fn the_drawn_list_holds_the_live_servers_in_list_order_and_each_failed_one_once() {
    for algorithm in LIST_ALGORITHMS {
        let (mut failures_seen, mut gones_seen) = (0, 0);
        for seed in 0..8u64 {
            let config = RingConfig {
                algorithm,
                churn: true,
                ..RingConfig::uniform(5, 10, 300)
            };
            let node = RingNode::new(&config, seed).expect("valid config");
            let sim = Sim::new(
                seed,
                vec![node],
                NetConfig::default(),
                rc::invariants(&config),
            );
            let mut t = Timeline::new(sim, Vec::new(), 10_000);
            t.extend(10_000);
            for step in 0..=t.horizon() {
                t.seek(step);
                let node = t.sim().node(NodeId(0)).cloned().unwrap();
                let live: Vec<u16> = node
                    .list_places()
                    .iter()
                    .filter_map(|p| match p {
                        ListPlace::Live(slot) => Some(*slot),
                        _ => None,
                    })
                    .collect();
                assert_eq!(
                    live,
                    node.list_order(),
                    "{algorithm:?} seed {seed} step {step}"
                );
                let mut failed: Vec<&str> = node
                    .list_places()
                    .iter()
                    .filter_map(|p| match p {
                        ListPlace::Failed(name) => Some(name.as_str()),
                        _ => None,
                    })
                    .collect();
                let mut expected: Vec<&str> =
                    node.failed().iter().map(|f| f.name.as_str()).collect();
                failed.sort_unstable();
                expected.sort_unstable();
                assert_eq!(failed, expected, "{algorithm:?} seed {seed} step {step}");
                failures_seen += expected.len();
                // The layout draws every live and failed server once, plus the servers
                // that left in this change or the one before, none of them live again.
                let layout = ListLayout::of(&node);
                let ghosts = layout.sectors.iter().filter(|s| s.slot.is_none()).count();
                let mut gone = 0;
                for place in node.list_places() {
                    if let ListPlace::Gone { name, change, .. } = place {
                        assert!(
                            node.changes() - change <= 1,
                            "{algorithm:?} seed {seed} step {step}: {name} left at change {change}, now {}",
                            node.changes()
                        );
                        assert!(node.ring().index_of(name).is_none(), "{name} is live");
                        gone += 1;
                    }
                }
                gones_seen += gone;
                assert_eq!(ghosts, expected.len() + gone);
                // Everything fits on the circle, which is never more than two thirds
                // empty.
                let drawn: u32 = layout.sectors.iter().map(|s| s.width).sum();
                assert!(drawn <= node.list_scale() && drawn * 3 >= node.list_scale());
            }
            assert!(t.horizon() > 10, "churn made changes");
        }
        assert!(
            failures_seen > 0 && gones_seen > 0,
            "{algorithm:?}: churn failed some servers and made some leave"
        );
    }
}

fn join(name: &str, weight: u32) -> Cmd {
    Cmd::Join {
        name: name.into(),
        weight,
    }
}

fn weight(name: &str, weight: u32) -> Cmd {
    Cmd::Weight {
        name: name.into(),
        weight,
    }
}

/// Each chip's kind, by name.
fn chip_kinds(node: &RingNode) -> BTreeMap<String, ChipKind> {
    chips_for(node)
        .into_iter()
        .map(|c| (c.name, c.kind))
        .collect()
}

#[test]
fn a_join_or_a_weight_change_keeps_the_circles_scale_and_moves_no_server_before_it() {
    for algorithm in LIST_ALGORITHMS {
        let config = config(algorithm);
        let start = ListLayout::of(&after(&config, &[]));
        let before = sectors(&start);
        // node-7 joins with weight 3: into the room after the last server, nothing moves.
        let node = after(&config, &[join("node-7", 3)]);
        let layout = ListLayout::of(&node);
        let now = sectors(&layout);
        for (name, (sector, _)) in &before {
            assert_eq!(now[name].0, *sector, "{algorithm:?} join: {name} moved");
        }
        assert_eq!(layout.frac(1.0), start.frac(1.0), "{algorithm:?}: rescaled");
        let (s, w) = now["node-7"].0;
        assert!((s - 10.0 / 15.0).abs() < 1e-12 && (w - 3.0 / 15.0).abs() < 1e-12);
        // node-3's weight goes from 1 to 3: node-1 and node-2 stay, node-3 widens in
        // place, the servers after it move along by the two units it gained (jump hash
        // and hash mod N renumber their buckets), at the same scale.
        let grown = sectors(&ListLayout::of(&after(
            &config,
            &[join("node-7", 3), weight("node-3", 3)],
        )));
        let unit = 1.0 / 15.0;
        for name in ["node-1", "node-2"] {
            assert_eq!(
                grown[name].0, now[name].0,
                "{algorithm:?} weight: {name} moved"
            );
        }
        assert_eq!(grown["node-3"].0 .0, now["node-3"].0 .0);
        assert!((grown["node-3"].0 .1 - 3.0 * unit).abs() < 1e-12);
        for name in ["node-4", "node-5", "node-6", "node-7"] {
            let shift = grown[name].0 .0 - now[name].0 .0;
            assert!(
                (shift - 2.0 * unit).abs() < 1e-12,
                "{algorithm:?}: {name} by {shift}"
            );
            assert!((grown[name].0 .1 - now[name].0 .1).abs() < 1e-12);
        }
        // The chips follow their sectors: the join moved no chip that was there.
        let chips_before = chip_angles(&after(&config, &[]));
        let chips_now = chip_angles(&node);
        for (name, frac) in &chips_before {
            assert!(
                (chips_now[name] - frac).abs() < 1e-12,
                "{algorithm:?}: {name}'s chip"
            );
        }
    }
}

#[test]
fn the_circle_rescales_only_when_the_servers_outgrow_it() {
    let config = config(Algorithm::Jump);
    // Ten units drawn on fifteen: two joins of weight 2 fit, a third (of 9) does not.
    let mut cmds = vec![join("node-7", 2), join("node-8", 2)];
    assert_eq!(after(&config, &cmds).list_scale(), 15);
    cmds.push(join("node-9", 9));
    let node = after(&config, &cmds);
    assert_eq!(node.list_scale(), 35, "23 units drawn: half as much again");
    assert_eq!(
        ListLayout::of(&node).room(),
        Some((23.0 / 35.0, 12.0 / 35.0))
    );
    // Servers leaving: the scale stays while a third or more of the circle is used.
    for name in ["node-9", "node-4", "node-6"] {
        cmds.push(leave(name));
    }
    assert_eq!(after(&config, &cmds).list_scale(), 35);
}

#[test]
fn a_departed_servers_ghost_stays_through_the_next_change_and_goes_at_the_one_after() {
    for algorithm in [
        Algorithm::Ring,
        Algorithm::Jump,
        Algorithm::Modulo,
        Algorithm::Rendezvous,
        Algorithm::Maglev,
    ] {
        let config = config(algorithm);
        let left = after(&config, &[leave("node-4")]);
        assert_eq!(chip_kinds(&left)["node-4"], ChipKind::Gone, "{algorithm:?}");
        // The next change (another server joins): node-4's ghost is still drawn, where
        // it was.
        let next = after(&config, &[leave("node-4"), join("node-7", 1)]);
        assert_eq!(chip_kinds(&next)["node-4"], ChipKind::Gone, "{algorithm:?}");
        let moved = chip_angles(&next)["node-4"] - chip_angles(&left)["node-4"];
        assert!(moved.abs() < 1e-9, "{algorithm:?}: the ghost moved {moved}");
        if algorithm != Algorithm::Ring {
            assert_eq!(
                sectors(&ListLayout::of(&next))["node-4"],
                sectors(&ListLayout::of(&left))["node-4"]
            );
        }
        // A lookup is no change: the ghost stays.
        let looked = after(
            &config,
            &[
                leave("node-4"),
                join("node-7", 1),
                Cmd::Lookup {
                    key: "user42".into(),
                },
            ],
        );
        assert_eq!(
            chip_kinds(&looked)["node-4"],
            ChipKind::Gone,
            "{algorithm:?}"
        );
        // The change after that: gone.
        let later = after(
            &config,
            &[leave("node-4"), join("node-7", 1), weight("node-2", 3)],
        );
        assert!(!chip_kinds(&later).contains_key("node-4"), "{algorithm:?}");
        assert_eq!(chip_kinds(&later).len(), 6);
    }
}

#[test]
fn a_ghost_goes_as_soon_as_a_server_of_its_name_joins_again() {
    for algorithm in [Algorithm::Ring, Algorithm::Jump, Algorithm::Maglev] {
        let config = config(algorithm);
        let node = after(&config, &[leave("node-4"), join("node-4", 2)]);
        let chips = chips_for(&node);
        let named: Vec<_> = chips.iter().filter(|c| c.name == "node-4").collect();
        assert_eq!(named.len(), 1, "{algorithm:?}: one chip per name");
        assert_eq!(named[0].kind, ChipKind::Live);
    }
}
