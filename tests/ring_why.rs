//! The ring scene's lookup pictures say why a key landed where it did, with the numbers
//! the algorithms really computed: jump hash's walk and the jump that ends it, rendezvous
//! hashing's scores and the highest, Maglev's `hash mod M` and the key's entry. Each number
//! is checked here against the algorithm's own placement (`src/algo/placement`), and the
//! words in the middle that carry them against each other: no two lines overlap.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::placement::jump::jump_consistent_hash;
use dsviz::algo::placement::maglev::Maglev;
use dsviz::algo::placement::rendezvous::Rendezvous;
use dsviz::algo::placement::{NodeSpec, Placement};
use dsviz::i18n::{self, Lang};
use dsviz::scene::ring::picture::*;
use dsviz::ui::ring::geometry::fmt_count;
use dsviz::ui::ring::words::{centre_lines, line_fits};

mod ring_common;
use ring_common::cluster;

fn keys() -> impl Iterator<Item = u64> {
    let mut key = 0x9e37_79b9_7f4a_7c15u64;
    (0..400).map(move |_| {
        key = key
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        key
    })
}

#[test]
fn jump_hash_stops_because_its_next_jump_lands_at_or_past_the_last_bucket() {
    let mut checked = 0;
    for buckets in [1u32, 2, 6, 12, 100, 576] {
        for key in keys() {
            let walk = jump_walk(key, buckets);
            let last = *walk.path.last().unwrap();
            assert_eq!(walk.path, jump_path(key, buckets));
            assert_eq!(
                i64::from(last),
                i64::from(jump_consistent_hash(key, buckets as i32))
            );
            assert!(
                walk.next >= i64::from(buckets),
                "{walk:?} with {buckets} buckets"
            );
            // The next jump is real: with one bucket more than it, jump hash itself sends
            // the key there; with just enough buckets to reach it, not yet.
            if walk.next < i64::from(i32::MAX) {
                let next = walk.next as i32;
                assert_eq!(jump_consistent_hash(key, next + 1), next, "{key:x}");
                assert_eq!(i64::from(jump_consistent_hash(key, next)), i64::from(last));
                checked += 1;
            }
        }
    }
    assert!(checked > 2000, "{checked}");
    assert_eq!(
        jump_walk(5, 0),
        JumpWalk {
            path: Vec::new(),
            next: 0
        }
    );
}

#[test]
fn the_scores_written_show_the_winner_above_every_other_server() {
    assert_eq!(score_decimals(&[0.9, 0.5, 0.1]), 2);
    assert_eq!(
        score_decimals(&[0.934, 0.931]),
        3,
        "0.93 and 0.93 would tie"
    );
    assert_eq!(
        score_decimals(&[0.5, 0.5]),
        2,
        "an exact tie is no reason for more"
    );
    assert_eq!(score_decimals(&[0.123_456_1, 0.123_456_0]), 6);
    assert_eq!(score_decimals(&[]), 2);
    assert_eq!(score_text(0.9345, 2), "0.93");
}

#[test]
fn rendezvous_hashings_winner_is_the_algorithms_owner_and_its_score_reads_highest() {
    for weights in ["111111", "132121", "1111111111113"] {
        let node = cluster(&format!(
            "?scene=ring&algo=rendezvous&n={}&weights={weights}&keys=10&r=3&churn=0",
            weights.len()
        ));
        let live: Vec<(u16, NodeSpec)> = node.live_nodes().map(|(s, n)| (s, n.clone())).collect();
        let specs: Vec<NodeSpec> = live.iter().map(|l| l.1.clone()).collect();
        let algorithm = Rendezvous::new(&specs).unwrap();
        for hash in keys() {
            let owner = live[algorithm.owner(hash).unwrap().get()].0;
            let (slot, text) = rendezvous_winner(&node, hash).unwrap();
            assert_eq!(slot, owner, "{weights} {hash:x}");
            let scores = rendezvous_scores(&node, hash);
            let decimals = score_decimals(&scores.iter().map(|s| s.1).collect::<Vec<_>>());
            let best: f64 = text.parse().unwrap();
            for (other, score) in scores {
                let shown = score_text(score, decimals);
                if other == slot {
                    assert_eq!(shown, text);
                } else {
                    assert!(shown.parse::<f64>().unwrap() < best, "{shown} vs {text}");
                }
            }
        }
    }
}

#[test]
fn maglevs_entry_is_hash_mod_the_tables_size_and_holds_the_owner() {
    let node = cluster("?scene=ring&algo=maglev&n=5&keys=10&churn=0&a=0@0:cmd:0:leave:node-2");
    let entries = list_entries(&node);
    let specs: Vec<NodeSpec> = entries
        .iter()
        .map(|e| NodeSpec::new(e.name.clone(), e.weight))
        .collect();
    let maglev = Maglev::new(&specs, 65_537).unwrap();
    let table = maglev_table(&node);
    for hash in keys() {
        let (size, entry) = maglev_entry(hash);
        assert_eq!(size as usize, maglev.table_size());
        assert_eq!(u64::from(entry), hash % 65_537);
        let owner = entries[maglev.owner(hash).unwrap().get()].slot;
        assert_eq!(table[entry as usize], owner);
    }
}

#[test]
fn the_middle_writes_the_real_numbers_and_its_lines_never_overlap() {
    for algo in ["jump", "rendezvous", "maglev", "ring", "modulo"] {
        for key in ["user42", "a-rather-long-key-name-42", "k"] {
            let node = cluster(&format!(
                "?scene=ring&algo={algo}&n=12&weights=111111111112&keys=100&r=3&churn=0&a=0@0:cmd:0:lookup:{key}"
            ));
            let hash = node.lookup().unwrap().hash;
            for lang in [Lang::En, Lang::Zh] {
                for (scale, cut) in [(1.0, 0), (1.8, 5)] {
                    i18n::set_lang(lang);
                    let lines = centre_lines(&node, true, scale, cut);
                    i18n::set_lang(Lang::En);
                    let all = lines
                        .iter()
                        .map(|l| l.text.clone())
                        .collect::<Vec<_>>()
                        .join(" | ");
                    // Each line's box as Chromium draws it (ascent 0.93 em, descent 0.24
                    // em): two may touch by a unit or so, where only their line gaps meet.
                    for pair in lines.windows(2) {
                        let (a, b) = (&pair[0], &pair[1]);
                        assert!(
                            a.y + 0.24 * a.font(scale) <= b.y - 0.93 * b.font(scale) + 1.5,
                            "{algo} {lang:?} x{scale}: {a:?} overlaps {b:?}"
                        );
                    }
                    assert!(lines.iter().all(|l| line_fits(l, scale)), "{all}");
                    let said = match algo {
                        "jump" => fmt_count(jump_walk(hash, 13).next as u64),
                        "maglev" => fmt_count(u64::from(maglev_entry(hash).1)),
                        "rendezvous" => rendezvous_winner(&node, hash).unwrap().1,
                        _ => continue,
                    };
                    assert!(
                        all.contains(&said),
                        "{algo} {lang:?} x{scale}: {said} in {all}"
                    );
                    if algo == "maglev" {
                        assert!(all.contains("65,537"), "{all}");
                    }
                }
            }
        }
    }
}

/// The middle names every replica of the looked-up key, in a small drawing too: there the
/// low line has little room, and "replicas: 1,…" lost the second one; it says "also on 1, 3".
#[test]
fn the_middle_names_every_replica_in_a_small_drawing() {
    for n in [5, 12] {
        let node = cluster(&format!(
            "?scene=ring&n={n}&keys=100&r=3&churn=0&a=0@0:cmd:0:lookup:user42"
        ));
        let replicas: Vec<String> = node.lookup().unwrap().replicas[1..]
            .iter()
            .map(|s| node.node_name(*s).unwrap()["node-".len()..].to_string())
            .collect();
        for lang in [Lang::En, Lang::Zh] {
            for (scale, cut) in [(1.0, 0), (1.8, "node-".len())] {
                i18n::set_lang(lang);
                let lines = centre_lines(&node, true, scale, cut);
                i18n::set_lang(Lang::En);
                let last = lines.last().unwrap().text.clone();
                assert!(!last.contains('…'), "n={n} {lang:?} x{scale}: {last}");
                for r in &replicas {
                    assert!(
                        last.contains(r.as_str()),
                        "n={n} {lang:?} x{scale}: {r} in {last}"
                    );
                }
            }
        }
    }
}

/// Hash mod N's failure, said on the stage when it happens: N changed, so most keys got a
/// new bucket; the line's figures are the change's own, written as the stage writes
/// counts. No line when N stayed (a lookup) or under another algorithm.
#[test]
fn hash_mod_n_says_on_the_stage_that_n_changed_and_most_keys_moved() {
    use dsviz::ui::ring::words::modulo_note;
    let base = "?scene=ring&algo=modulo&n=6&keys=2000&churn=0&seed=3";
    for (actions, from, to) in [
        ("a=0@0:cmd:0:join:node-7:1", 6, 7),
        ("a=0@0:cmd:0:leave:node-3", 6, 5),
        ("a=0@0:cmd:0:weight:node-2:3", 6, 8),
    ] {
        let node = cluster(&format!("{base}&{actions}"));
        let change = node.last_change().expect("a change");
        let moved = change.moves.len() as u64;
        assert!(
            moved * 2 > 2000,
            "{actions}: hash mod N moved most keys ({moved})"
        );
        let note = modulo_note(&node).unwrap_or_else(|| panic!("{actions}: no line"));
        assert_eq!(
            note,
            format!(
                "N went from {from} to {to}, so hash mod N gave most keys a new bucket: {} of 2,000 moved.",
                fmt_count(moved)
            )
        );
        i18n::set_lang(Lang::Zh);
        let zh = modulo_note(&node).unwrap();
        i18n::set_lang(Lang::En);
        assert!(
            zh.starts_with(&format!("N 从 {from} 变成 {to}")) && zh.contains(&fmt_count(moved)),
            "{zh}"
        );
    }
    // A lookup changes no N; jump hash has its own line (its renumbering).
    let looked = cluster(&format!("{base}&a=0@0:cmd:0:lookup:user42"));
    assert_eq!(modulo_note(&looked), None);
    let jump = cluster("?scene=ring&algo=jump&n=6&keys=2000&churn=0&a=0@0:cmd:0:join:node-7:1");
    assert_eq!(modulo_note(&jump), None);
}
