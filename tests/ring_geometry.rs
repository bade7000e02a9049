//! The ring scene's drawing geometry, natively (`src/ui/ring/{geometry,chips,keys}.rs` are
//! pure): what a person sees, written as rules a picture must keep.
//!
//! - clockwise from twelve o'clock, as the scene's captions say ("the next point
//!   clockwise");
//! - server chips never sit closer than their minimum gap, whatever the names hash to, and
//!   keep their order around the ring;
//! - every server's arcs and ticks are drawn, even past the exact-drawing limit;
//! - key dots lie in their band; a flying key leaves its old owner and lands on its new one.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::placement::hash_fn::key_hash;
use dsviz::algo::placement::hash_ring::HashRing;
use dsviz::algo::placement::NodeSpec;
use dsviz::algo::ring_cluster::HashChoice;
use dsviz::ui::ring::chips::{layout_chips, Chip, ChipKind};
use dsviz::ui::ring::geometry::*;
use dsviz::ui::ring::keys::{flight_point, flight_t, key_positions};

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
}

#[test]
fn fractions_go_clockwise_from_twelve_o_clock() {
    assert!(
        close(point_at(0.0, 100.0), (CENTRE, CENTRE - 100.0)),
        "0 is at the top"
    );
    assert!(
        close(point_at(0.25, 100.0), (CENTRE + 100.0, CENTRE)),
        "a quarter is at three o'clock"
    );
    assert!(
        close(point_at(0.5, 100.0), (CENTRE, CENTRE + 100.0)),
        "a half is at the bottom"
    );
    assert!(
        close(point_at(0.75, 100.0), (CENTRE - 100.0, CENTRE)),
        "three quarters is at nine o'clock"
    );
}

// The drawing's rings, inside out (key band, ring, ticks, the lookup walk, chips, labels),
// must not overlap and must leave the labels room inside the view: checked when this file
// compiles, since they are constants.
const _: () = {
    let radii = [
        BAND_OUTER - BAND_WIDTH,
        BAND_OUTER,
        RING_R,
        TICK_IN,
        TICK_OUT,
        WALK_R,
        CHIP_R,
        LABEL_R,
    ];
    let mut i = 1;
    while i < radii.len() {
        assert!(
            radii[i - 1] < radii[i],
            "the drawing's radii must grow outwards"
        );
        i += 1;
    }
    assert!(CENTRE - LABEL_R >= 40.0, "labels need room inside the view");
};

fn chip(name: &str, frac: f64) -> Chip {
    Chip {
        name: name.to_string(),
        slot: None,
        kind: ChipKind::Live,
        frac,
    }
}

/// The gap the layout promises between neighbouring chips.
fn min_gap(n: usize) -> f64 {
    (0.85 / n as f64).min(0.07)
}

fn smallest_gap(chips: &[Chip]) -> f64 {
    let mut fracs: Vec<f64> = chips.iter().map(|c| c.frac).collect();
    fracs.sort_by(f64::total_cmp);
    let n = fracs.len();
    (0..n)
        .map(|i| (fracs[(i + 1) % n] - fracs[i]).rem_euclid(1.0))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn chips_far_apart_stay_at_their_servers_first_point() {
    let chips = vec![chip("a", 0.1), chip("b", 0.4), chip("c", 0.8)];
    let laid = layout_chips(chips.clone());
    for c in &chips {
        let after = laid.iter().find(|l| l.name == c.name).unwrap();
        assert_eq!(
            after.frac, c.frac,
            "{} moved although nothing crowds it",
            c.name
        );
    }
}

#[test]
fn crowded_chips_are_pushed_apart_to_the_minimum_gap() {
    // Worst cases: every chip on one spot, a cluster straddling twelve o'clock, and a
    // pseudo-random spread; from 2 to the ring's 64 servers.
    for n in [2usize, 3, 5, 8, 16, 32, 64] {
        let cases: Vec<(&str, Vec<Chip>)> = vec![
            (
                "one spot",
                (0..n).map(|i| chip(&format!("node-{i}"), 0.3)).collect(),
            ),
            (
                "straddling 0",
                (0..n)
                    .map(|i| {
                        chip(
                            &format!("node-{i}"),
                            (0.995 + 0.001 * i as f64).rem_euclid(1.0),
                        )
                    })
                    .collect(),
            ),
            (
                "spread",
                (0..n)
                    .map(|i| {
                        let h = key_hash(&(i as u64).to_le_bytes());
                        chip(&format!("node-{i}"), (h >> 11) as f64 / (1u64 << 53) as f64)
                    })
                    .collect(),
            ),
        ];
        for (case, chips) in cases {
            let laid = layout_chips(chips);
            assert_eq!(laid.len(), n);
            let gap = smallest_gap(&laid);
            assert!(
                gap >= min_gap(n) * 0.999,
                "{n} chips ({case}): two chips are {gap:.4} of a turn apart, less than {:.4}",
                min_gap(n)
            );
            assert!(laid.iter().all(|c| (0.0..1.0).contains(&c.frac)));
        }
    }
}

#[test]
fn pushing_chips_apart_keeps_their_order_around_the_ring() {
    // Three close chips: after the layout they are still a, b, c clockwise.
    let laid = layout_chips(vec![chip("c", 0.502), chip("a", 0.5), chip("b", 0.501)]);
    let frac = |name: &str| laid.iter().find(|c| c.name == name).unwrap().frac;
    assert!(frac("a") < frac("b") && frac("b") < frac("c"), "{laid:?}");
    // They move as one block centred where they want to be: the middle one stays.
    assert!((frac("b") - 0.501).abs() < 1e-9, "{laid:?}");
    assert!(
        (frac("c") - frac("b") - min_gap(3)).abs() < 1e-9,
        "{laid:?}"
    );
}

fn ring(servers: u32, vnodes: u32) -> HashRing {
    let specs: Vec<NodeSpec> = (1..=servers)
        .map(|i| NodeSpec::new(format!("node-{i}"), 1))
        .collect();
    HashRing::new(&specs, vnodes).expect("a valid ring")
}

#[test]
fn every_server_gets_arcs_and_ticks_exact_or_binned() {
    // 4 × 10 points are drawn exactly; 20 × 200 = 4,000 points go by pixel-sized bins.
    for (servers, vnodes) in [(4u32, 10u32), (20, 200)] {
        let paths = ring_paths(&ring(servers, vnodes), HashChoice::Xxh3);
        assert_eq!(paths.slots.len(), servers as usize, "{servers}×{vnodes}");
        for (slot, arcs, ticks) in &paths.slots {
            assert!(
                arcs.starts_with('M') && arcs.contains('A'),
                "slot {slot} has no arc"
            );
            let tick_count = ticks.matches('M').count();
            if (servers * vnodes) as usize <= EXACT_POINTS {
                assert_eq!(
                    tick_count, vnodes as usize,
                    "slot {slot}: one tick per point"
                );
            } else {
                assert!(tick_count >= 1, "slot {slot} lost every tick in the bins");
            }
        }
    }
}

#[test]
fn a_single_point_owns_the_whole_circle_drawn_as_two_half_arcs() {
    let paths = ring_paths(&ring(1, 1), HashChoice::Xxh3);
    let (_, arcs, _) = &paths.slots[0];
    assert_eq!(arcs.matches('A').count(), 2, "{arcs}");
}

#[test]
fn arcs_longer_than_half_a_turn_set_the_large_arc_flag() {
    let mut short = String::new();
    arc_path(&mut short, 0.1, 0.3);
    let mut long = String::new();
    arc_path(&mut long, 0.1, 0.8);
    assert!(short.contains(" 0 0 1 "), "{short}");
    assert!(long.contains(" 0 1 1 "), "{long}");
    // Wrapping past twelve o'clock: from 0.9 to 0.1 is a fifth of a turn, not four fifths.
    let mut wrap = String::new();
    arc_path(&mut wrap, 0.9, 0.1);
    assert!(wrap.contains(" 0 0 1 "), "{wrap}");
}

#[test]
fn path_numbers_have_one_decimal_at_most() {
    let mut out = String::new();
    for v in [0.0, 12.34, -3.06, 199.96, 7.0] {
        push_num(&mut out, v);
        out.push(' ');
    }
    assert_eq!(out, "0 12.3 -3.1 200 7 ");
}

#[test]
fn counts_have_thousands_separators() {
    assert_eq!(fmt_count(0), "0");
    assert_eq!(fmt_count(999), "999");
    assert_eq!(fmt_count(1_000), "1,000");
    assert_eq!(fmt_count(1_234_567), "1,234,567");
}

#[test]
fn neighbouring_servers_get_distinct_stable_colours() {
    let hues: Vec<f64> = (1..=8).map(|i| node_hue(&format!("node-{i}"))).collect();
    for (i, a) in hues.iter().enumerate() {
        for b in &hues[i + 1..] {
            let apart = (a - b).rem_euclid(360.0).min((b - a).rem_euclid(360.0));
            assert!(
                apart >= 15.0,
                "two of the first 8 servers' hues are {apart:.0}° apart"
            );
        }
    }
    assert_eq!(
        node_hue("node-3"),
        node_hue("node-3"),
        "a hue is a function of the name"
    );
    assert!(
        (0.0..360.0).contains(&node_hue("cache-a")),
        "names without a number get a hue too"
    );
}

#[test]
fn key_dots_lie_in_their_band() {
    let hashes: Vec<u64> = (0..500u64).map(|i| key_hash(&i.to_le_bytes())).collect();
    for (x, y) in key_positions(&hashes, HashChoice::Xxh3) {
        let r = (f64::from(x) - CENTRE).hypot(f64::from(y) - CENTRE);
        assert!(
            (BAND_OUTER - BAND_WIDTH - 0.01..=BAND_OUTER + 0.01).contains(&r),
            "a key dot at radius {r:.1} is outside its band"
        );
    }
}

#[test]
fn a_flying_key_leaves_its_old_owner_and_lands_on_its_new_one() {
    let from = point_at(0.1, CHIP_R);
    let to = point_at(0.6, CHIP_R);
    assert!(close(flight_point(from, to, 0.0), from));
    assert!(close(flight_point(from, to, 1.0), to));
    // Mid-flight it bends towards the centre, never out past the chips.
    let mid = flight_point(from, to, 0.5);
    assert!((mid.0 - CENTRE).hypot(mid.1 - CENTRE) < CHIP_R);
    for key in 0..200 {
        assert_eq!(flight_t(0.0, key), 0.0, "key {key} moved before the change");
        assert_eq!(
            flight_t(1.0, key),
            1.0,
            "key {key} has not landed when the flight ends"
        );
    }
}

#[test]
fn embedded_labels_drop_only_the_prefix_every_server_shares() {
    let chips = |names: &[&str]| names.iter().map(|n| chip(n, 0.0)).collect::<Vec<_>>();
    let short = |names: &[&str]| {
        let chips = chips(names);
        let cut = dsviz::ui::ring::chips::shared_prefix_len(&chips);
        chips
            .iter()
            .map(|c| c.name[cut..].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(short(&["node-1", "node-12", "node-3"]), ["1", "12", "3"]);
    assert_eq!(
        short(&["node-10", "node-11"]),
        ["10", "11"],
        "numbers stay whole"
    );
    assert_eq!(short(&["cache-a", "cache-b"]), ["a", "b"]);
    assert_eq!(
        short(&["alpha", "beta"]),
        ["alpha", "beta"],
        "nothing shared"
    );
    assert_eq!(
        short(&["node", "node-2"]),
        ["node", "node-2"],
        "no name is left empty"
    );
    assert_eq!(
        short(&["node-7"]),
        ["node-7"],
        "a lone server keeps its name"
    );
    assert_eq!(
        short(&["节点-1", "节点-2"]),
        ["1", "2"],
        "names need not be ASCII"
    );
    // 点 and 炸 share their first two bytes in UTF-8: no cut inside a character.
    assert_eq!(short(&["点", "炸"]), ["点", "炸"]);
}

#[test]
fn maglevs_link_goes_up_from_its_entry_and_round_the_rim_the_shorter_way() {
    // A chip to the lower left (0.6 of a turn) and one to the right (0.3).
    let left = table_link_path((320.0, 180.0), point_at(0.6, CHIP_R));
    let right = table_link_path((320.0, 180.0), point_at(0.3, CHIP_R));
    // Up from the entry's top to the walk's circle (226 above the centre: y = 94).
    assert!(left.starts_with("M320,180L320,94A226,226 0 0 0 "), "{left}");
    assert!(
        right.starts_with("M320,180L320,94A226,226 0 0 1 "),
        "{right}"
    );
    // And it ends at the chip.
    let (x, y) = point_at(0.3, CHIP_R);
    let end = right.rsplit('L').next().unwrap();
    let (ex, ey) = end.split_once(',').unwrap();
    assert!((ex.parse::<f64>().unwrap() - x).abs() < 0.06, "{right}");
    assert!((ey.parse::<f64>().unwrap() - y).abs() < 0.06, "{right}");
}
