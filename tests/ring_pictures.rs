//! What the ring scene's stage draws for each algorithm, checked against the algorithm it
//! draws: only the ring and bounded loads have a ring; jump hash and hash mod N have
//! numbered buckets (and jump hash's jumps), rendezvous a score per server, Maglev its
//! lookup table. And the words in the middle stay inside the keys' band in a small drawing,
//! in English and in Chinese; a lookup's walk markers never pile up.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_methods)] // a test may use the std sort

use dsviz::algo::placement::jump::jump_consistent_hash;
use dsviz::algo::ring_cluster::Algorithm;
use dsviz::i18n::{self, Lang};
use dsviz::scene::narration::caption;
use dsviz::scene::ring::picture::*;
use dsviz::sim::run::Run;
use dsviz::ui::ring::chips::{chips_for, ListLayout};
use dsviz::ui::ring::geometry::fmt_count;
use dsviz::ui::ring::geometry::{thin_stops, STOP_GAP, WALK_R};
use dsviz::ui::ring::keys::key_positions_by_owner;
use dsviz::ui::ring::words::{centre_lines, how_found, how_found_lines, line_fits, CentreLine};
use std::f64::consts::TAU;

mod ring_common;
use ring_common::{cluster, ring_run_at_end as build};

#[test]
fn only_the_ring_algorithms_draw_a_ring() {
    for algorithm in Algorithm::ALL {
        let expected = match algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => Picture::Ring,
            Algorithm::Jump | Algorithm::Modulo => Picture::Buckets,
            Algorithm::Rendezvous => Picture::Scores,
            Algorithm::Maglev => Picture::Table,
        };
        assert_eq!(picture(algorithm), expected, "{algorithm:?}");
        assert_eq!(expected == Picture::Ring, algorithm.uses_ring());
    }
}

#[test]
fn jump_paths_start_at_bucket_zero_jump_forward_and_end_where_jump_hash_answers() {
    let mut key = 0x1234_5678_9abc_def0u64;
    let mut longest = 0;
    for buckets in [1u32, 2, 5, 6, 17, 64, 576] {
        for _ in 0..500 {
            key = key
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let path = jump_path(key, buckets);
            assert_eq!(path.first(), Some(&0), "every key starts in bucket 0");
            assert!(path.windows(2).all(|w| w[0] < w[1]), "{path:?}");
            assert_eq!(
                i64::from(*path.last().unwrap()),
                i64::from(jump_consistent_hash(key, buckets as i32)),
                "the last bucket visited is jump hash's answer"
            );
            longest = longest.max(path.len());
        }
    }
    assert!(longest >= 4, "some keys jump several times: {longest}");
    assert!(jump_path(7, 0).is_empty());
}

#[test]
fn every_key_sits_in_the_bucket_jump_hash_gives_it_with_servers_in_join_order() {
    // node-3 leaves and node-7 joins (last): the buckets follow the join order.
    let node = cluster(
        "?scene=ring&algo=jump&n=5&weights=12111&keys=3000&churn=0&a=0@0:cmd:0:leave:node-3,1@0:cmd:0:join:node-7:2",
    );
    let layout = ListLayout::of(&node);
    let names: Vec<&str> = layout.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["node-1", "node-2", "node-4", "node-5", "node-7"]);
    assert_eq!(layout.buckets, 1 + 2 + 1 + 1 + 2);
    let owners = layout.bucket_owners();
    assert_eq!(owners.len(), 7);
    for (i, &hash) in node.key_hashes().iter().enumerate() {
        let bucket = *jump_path(hash, layout.buckets).last().unwrap();
        assert_eq!(owners[bucket as usize], node.owners()[i], "key {i}");
    }
    // Chips sit in bucket order, clockwise from the top.
    let chips = chips_for(&node);
    let live: Vec<&str> = chips
        .iter()
        .filter(|c| c.slot.is_some())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(live, names);
    assert!(chips.windows(2).all(|w| w[0].frac < w[1].frac));
}

#[test]
fn keys_without_a_ring_rest_in_their_owners_sector() {
    let node = cluster("?scene=ring&algo=rendezvous&n=4&weights=1213&keys=800&churn=0");
    let layout = ListLayout::of(&node);
    let sectors = layout.slot_sectors();
    let positions = key_positions_by_owner(node.key_hashes(), node.owners(), &sectors);
    for (i, &(x, y)) in positions.iter().enumerate() {
        let (dx, dy) = (f64::from(x) - 320.0, f64::from(y) - 320.0);
        let frac = (dy.atan2(dx) / TAU + 0.25).rem_euclid(1.0);
        let (start, width) = sectors[usize::from(node.owners()[i])].unwrap();
        assert!(
            frac >= start && frac <= start + width,
            "key {i} at {frac} outside its owner's sector {start}+{width}"
        );
    }
    // Weight 3 gets a sector three times as wide as weight 1.
    let widths: Vec<f64> = layout
        .entries
        .iter()
        .map(|e| sectors[usize::from(e.slot)].unwrap().1)
        .collect();
    assert!((widths[3] / widths[0] - 3.0).abs() < 1e-9, "{widths:?}");
}

#[test]
fn rendezvous_scores_rank_the_servers_as_the_lookup_does() {
    for weights in ["111111", "132121"] {
        for key in ["user42", "cart7", "a", "zz-top"] {
            let node = cluster(&format!(
                "?scene=ring&algo=rendezvous&n=6&weights={weights}&keys=10&r=3&churn=0&a=0@0:cmd:0:lookup:{key}"
            ));
            let lookup = node.lookup().expect("looked up").clone();
            let mut scores = rendezvous_scores(&node, lookup.hash);
            assert_eq!(scores.len(), 6);
            assert!(scores.iter().all(|&(_, s)| s > 0.0 && s < 1.0));
            scores.sort_by(|a, b| b.1.total_cmp(&a.1));
            let top: Vec<u16> = scores.iter().take(3).map(|s| s.0).collect();
            assert_eq!(
                top, lookup.replicas,
                "{weights} {key}: the highest scores are the replicas"
            );
        }
    }
}

#[test]
fn maglevs_table_gives_every_key_its_owner_and_the_window_centres_on_the_keys_entry() {
    let node = cluster("?scene=ring&algo=maglev&n=5&keys=2000&churn=0&a=0@0:cmd:0:leave:node-2");
    let table = maglev_table(&node);
    assert_eq!(table.len() as u32, maglev_table_size());
    for (i, &hash) in node.key_hashes().iter().enumerate() {
        assert_eq!(
            table[(hash % table.len() as u64) as usize],
            node.owners()[i]
        );
    }
    let (window, at) = table_window(&table, 65_536, 3);
    assert_eq!(at, 65_536 % maglev_table_size());
    let entries: Vec<u32> = window.iter().map(|w| w.0).collect();
    let m = maglev_table_size();
    assert_eq!(
        entries,
        [
            at - 3,
            at - 2,
            at - 1,
            at,
            (at + 1) % m,
            (at + 2) % m,
            (at + 3) % m
        ]
    );
    let (wrapped, _) = table_window(&table, 1, 3);
    assert_eq!(wrapped[0].0, m - 2, "the window wraps around the table");
    assert!(table_window(&[], 5, 3).0.is_empty());
}

#[test]
fn the_middle_says_how_each_algorithm_found_the_owner() {
    let query = |algo: &str| {
        format!("?scene=ring&algo={algo}&n=6&keys=100&churn=0&a=0@0:cmd:0:lookup:user%253A42")
    };
    let jump = cluster(&query("jump"));
    let lookup = jump.lookup().unwrap().clone();
    let path = jump_path(lookup.hash, 6);
    let words = how_found(&jump, lookup.hash);
    assert!(
        words.starts_with("buckets 0")
            && words.ends_with(&path.last().unwrap().to_string())
            && (path.len() == 1 || words.contains(" → ")),
        "{words} for {path:?}"
    );
    let stop = format!(
        " next jump {} ≥ 6 buckets: stop at {}",
        jump_walk(lookup.hash, 6).next,
        path.last().unwrap()
    );
    assert!(words.ends_with(&stop), "{words}");
    let maglev = cluster(&query("maglev"));
    let hash = maglev.lookup().unwrap().hash;
    let entry = hash % 65_537;
    assert_eq!(
        how_found(&maglev, hash),
        format!("hash(key) mod 65,537 = table entry {}", fmt_count(entry)),
    );
    let rendezvous = cluster(&query("rendezvous"));
    let hash = rendezvous.lookup().unwrap().hash;
    let (slot, score) = rendezvous_winner(&rendezvous, hash).unwrap();
    assert_eq!(
        how_found(&rendezvous, hash),
        format!(
            "highest score wins: {} {score}",
            rendezvous.node_name(slot).unwrap()
        )
    );
    let modulo = cluster(&query("modulo"));
    assert_eq!(
        how_found(&modulo, 14),
        "hash mod 6 = bucket 2",
        "14 mod 6 is bucket 2"
    );
    let ring = cluster(&query("ring"));
    assert!(how_found(&ring, 255).starts_with("hash 00000000000000ff"));
}

fn all_fit(lines: &[CentreLine], scale: f64) -> bool {
    lines.iter().all(|l| line_fits(l, scale))
}

#[test]
fn the_middles_words_stay_inside_the_keys_band_in_a_small_drawing_in_both_languages() {
    let long_key = "a-rather-long-key-name-with-parts";
    for algo in ["ring", "bounded", "modulo", "jump", "rendezvous", "maglev"] {
        for query in [
            format!("?scene=ring&algo={algo}&n=12&keys=4000&r=5&churn=0"),
            format!(
                "?scene=ring&algo={algo}&n=12&keys=4000&r=5&churn=0&a=0@0:cmd:0:join:node-13:1"
            ),
            format!(
                "?scene=ring&algo={algo}&n=12&keys=4000&r=5&churn=0&a=0@0:cmd:0:lookup:{long_key}"
            ),
        ] {
            let node = cluster(&query);
            for lang in [Lang::En, Lang::Zh] {
                i18n::set_lang(lang);
                for (scale, cut) in [(1.0, 0), (1.8, 5)] {
                    let lines = centre_lines(&node, true, scale, cut);
                    i18n::set_lang(Lang::En);
                    assert!(
                        all_fit(&lines, scale),
                        "{query} {lang:?} x{scale}: {lines:#?}"
                    );
                    assert!(
                        lines
                            .iter()
                            .all(|l| l.text.trim_end_matches('…').chars().count() >= 1),
                        "a line cut to nothing: {lines:#?}"
                    );
                    i18n::set_lang(lang);
                }
            }
            i18n::set_lang(Lang::En);
        }
    }
    // With R = 5 the "replicas: …" line would spill out of a small drawing: the middle says
    // "also on …" instead, cut short with "…" where even that is too long.
    let node = cluster(&format!(
        "?scene=ring&n=12&keys=100&r=5&churn=0&a=0@0:cmd:0:lookup:{long_key}"
    ));
    let lines = centre_lines(&node, true, 1.8, 5);
    let low = lines
        .iter()
        .find(|l| l.text.starts_with("also on "))
        .unwrap_or_else(|| panic!("no 'also on' line: {lines:#?}"));
    assert!(line_fits(low, 1.8), "{low:?}");
    let full = CentreLine {
        text: "replicas: 2, 7, 9, 10".into(),
        ..low.clone()
    };
    assert!(
        !line_fits(&full, 1.8),
        "the test's long line must be too long"
    );
}

#[test]
fn walk_markers_keep_their_distance_and_the_owner_is_always_marked() {
    let gap = STOP_GAP / (TAU * WALK_R);
    // Far apart: every stop is marked.
    assert_eq!(thin_stops(&[0.01, 0.2, 0.5]), [true, true, true]);
    // Piled up (100 virtual nodes per server): the owner, then the next far enough.
    let marked = thin_stops(&[
        0.001,
        0.001 + gap / 3.0,
        0.001 + gap * 0.9,
        0.001 + gap * 1.2,
    ]);
    assert_eq!(marked, [true, false, false, true]);
    assert_eq!(thin_stops(&[]), Vec::<bool>::new());

    // On a real ring with 100 points per server, the markers kept are STOP_GAP apart.
    let node = cluster("?scene=ring&n=20&vnodes=100&keys=10&r=5&churn=0&a=0@0:cmd:0:lookup:user42");
    let lookup = node.lookup().unwrap();
    let key = lookup.hash as f64 / 18_446_744_073_709_551_616.0;
    let spans: Vec<f64> = lookup
        .walk
        .iter()
        .map(|&p| (p as f64 / 18_446_744_073_709_551_616.0 - key).rem_euclid(1.0))
        .collect();
    let marked = thin_stops(&spans);
    assert!(marked[0]);
    let kept: Vec<f64> = spans
        .iter()
        .zip(&marked)
        .filter(|(_, &m)| m)
        .map(|(s, _)| *s)
        .collect();
    assert!(
        kept.windows(2).all(|w| w[1] - w[0] >= gap - 1e-12),
        "{spans:?} {marked:?}"
    );
}

#[test]
fn removing_a_middle_server_under_jump_hash_says_the_buckets_after_it_were_renumbered() {
    let run = build("?scene=ring&algo=jump&n=5&keys=4000&churn=0&a=0@0:cmd:0:leave:node-3");
    let change = run.view().0.last_change().unwrap().clone();
    assert_eq!(change.renumbered, 2, "node-4 and node-5 came after node-3");
    let log: Vec<String> = run
        .log(1, run.horizon())
        .into_iter()
        .map(|l| l.text)
        .collect();
    let text = log
        .iter()
        .find(|l| l.contains("node-3 leaves"))
        .expect("the leave is told");
    assert!(
        text.contains("jump hash can only remove the last bucket cleanly, and the 2 servers after node-3 were renumbered"),
        "{text}"
    );

    // The last server leaves cleanly: no other key moves, and nothing is said of buckets.
    let run = build("?scene=ring&algo=jump&n=5&keys=4000&churn=0&a=0@0:cmd:0:leave:node-5");
    let change = run.view().0.last_change().unwrap().clone();
    assert_eq!(change.renumbered, 0);
    assert!(change.moves.iter().all(|m| m.from == change.slot));
    let step_texts: Vec<String> = (1..=run.horizon())
        .filter_map(|s| caption(&run.log(s, s)))
        .collect();
    assert!(
        step_texts.iter().any(|t| t.contains("node-5 leaves"))
            && step_texts.iter().all(|t| !t.contains("renumbered")),
        "{step_texts:#?}"
    );

    // Other algorithms never report renumbering.
    let run = build("?scene=ring&algo=ring&n=5&keys=400&churn=0&a=0@0:cmd:0:leave:node-3");
    assert_eq!(run.view().0.last_change().unwrap().renumbered, 0);
}

#[test]
fn in_a_small_drawing_jump_hashs_path_keeps_its_last_bucket_the_answer() {
    // Keys whose jump path is long (4 stops or more among 12 buckets): the full path does
    // not fit an embed's middle, and cutting its end would hide the bucket that answers.
    let mut shortened = 0;
    for key in [
        "user-42", "user-7", "key-1", "alpha", "beta", "gamma", "order-99", "cart-5",
    ] {
        let node = cluster(&format!(
            "?scene=ring&algo=jump&n=12&keys=100&churn=0&a=0@0:cmd:0:lookup:{key}"
        ));
        let hash = node.lookup().unwrap().hash;
        let path = jump_path(hash, 12);
        let last = path.last().unwrap().to_string();
        for lang in [Lang::En, Lang::Zh] {
            i18n::set_lang(lang);
            let lines = centre_lines(&node, true, 1.8, 5);
            i18n::set_lang(Lang::En);
            // The key, the path, why it stops, the owner (no word "key" in a small
            // drawing, with two lines to say how).
            let said = &lines[1].text;
            assert!(
                said.ends_with(&format!(" {last}")) && !said.ends_with('…'),
                "{key} {lang:?}: {said:?} for the path {path:?}"
            );
            assert!(all_fit(&lines, 1.8), "{key}: {lines:#?}");
            // The next line says why the walk stops, with the real jump, whole.
            let next = fmt_count(jump_walk(hash, 12).next as u64);
            let stop = &lines[2].text;
            assert!(
                stop.contains(&format!("{next} ≥ 12")) && !stop.ends_with('…'),
                "{key} {lang:?}: {stop:?}"
            );
            i18n::set_lang(lang);
            shortened += usize::from(*said != how_found_lines(&node, hash)[0][0]);
            i18n::set_lang(Lang::En);
        }
    }
    assert!(shortened > 0, "at least one path too long to say whole");
}
