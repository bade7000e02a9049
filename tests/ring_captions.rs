//! The ring scene tells each step in words a learner can check against the stage: what a
//! membership change moved, where a looked-up key lives and why; and "next change" stops at
//! every change, including churn's, which no message announces.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::i18n::{self, count, Lang};
use dsviz::scene::narration::caption;
use dsviz::scene::ring::Ring;
use dsviz::scene::SceneRun;
use dsviz::sim::run::Run;
use dsviz::ui::ring::words::centre_lines;

mod ring_common;
use ring_common::ring_run as build;

fn caption_at(run: &SceneRun<Ring>, step: u64) -> String {
    caption(&run.log(step, step)).unwrap_or_default()
}

/// The steps "next change" stops at, from the start to the end of the run.
fn stops(run: &mut SceneRun<Ring>) -> Vec<u64> {
    let mut stops = Vec::new();
    let mut here = 0;
    while here < run.horizon() {
        let next = run.next_visible(here, 500);
        if next <= here {
            break;
        }
        stops.push(next);
        here = next;
    }
    stops
}

#[test]
fn next_change_stops_at_every_churn_change_and_its_caption_says_what_changed() {
    let mut run = build("?scene=ring&sc=churn&seed=7");
    let end = run.horizon();
    run.seek(end);
    let changes = run.view().0.changes();
    assert!(changes >= 4, "churn made only {changes} changes");

    let stops = stops(&mut run);
    let churn_captions: Vec<String> = stops
        .iter()
        .map(|s| caption_at(&run, *s))
        .filter(|c| c.ends_with(" (a random change by churn)"))
        .collect();
    assert_eq!(
        churn_captions.len() as u32,
        changes,
        "each churn change is a stop with its own caption; stops {stops:?}: {churn_captions:#?}"
    );
    for text in &churn_captions {
        assert!(
            ["joins", "leaves", "fails", "recovers"]
                .iter()
                .any(|verb| text.contains(verb))
                && text.contains(" keys "),
            "a churn caption names the change and the keys it moved: {text}"
        );
        assert!(!text.contains("timer fires"), "{text}");
    }
}

#[test]
fn a_join_caption_gives_the_figures_the_stage_shows() {
    let mut run = build("?scene=ring&sc=ring-join&seed=1");
    let end = run.horizon();
    run.seek(end);
    let cluster = run.view().0;
    let change = cluster
        .last_change()
        .expect("the scenario adds a node")
        .clone();
    let step = (1..=end)
        .find(|s| caption_at(&run, *s).contains(" joins: "))
        .expect("a step tells the join");
    let text = caption_at(&run, step);
    // Counts as the stage writes them, with thousands separators ("of 2,000 keys"): one
    // format for one number in the caption, the log and the figure's middle.
    let expected = format!(
        "{} joins: {} of {} keys move to it (about {} is the fewest possible)",
        change.node,
        count(change.moves.len() as u64),
        count(cluster.key_count().into()),
        count(change.ideal_moves.round() as u64)
    );
    assert!(cluster.key_count() >= 1_000, "a count with a separator");
    assert!(
        centre_lines(&cluster, false, 1.0, 0)
            .iter()
            .any(|l| l.text.contains(&count(cluster.key_count().into()))),
        "the middle writes the key count the same way"
    );
    assert!(
        text.starts_with("the scenario tells ") && text.ends_with(&expected),
        "the command's caption goes on with what it did: {text}\nexpected the end: {expected}"
    );
}

#[test]
fn a_leave_under_jump_hash_counts_the_keys_moved_between_uninvolved_servers() {
    let mut run = build("?scene=ring&algo=jump&n=5&keys=4000&churn=0&a=0@0:cmd:0:leave:node-3");
    let end = run.horizon();
    run.seek(end);
    let change = run.view().0.last_change().expect("node-3 left").clone();
    let others = change
        .moves
        .iter()
        .filter(|m| m.from != change.slot && m.to != change.slot)
        .count();
    assert!(
        others > 0,
        "jump hash renumbers buckets after a middle removal"
    );
    // The step's caption is the violation this causes; the log tells the leave.
    let log: Vec<String> = run.log(1, end).into_iter().map(|l| l.text).collect();
    let text = log
        .iter()
        .find(|c| c.contains("node-3 leaves"))
        .unwrap_or_else(|| panic!("a log line tells the leave: {log:#?}"));
    assert!(
        text.contains(&format!(
            "its {} keys move to other servers, and {} more move between other servers: jump hash can only remove the last bucket cleanly, and the 2 servers after node-3 were renumbered",
            count((change.moves.len() - others) as u64),
            count(others as u64)
        )),
        "{text}"
    );
}

#[test]
fn a_lookup_caption_names_the_owner_and_the_algorithms_reason() {
    for (algo, reason) in [
        (
            "ring",
            "the first server point clockwise from the key's hash",
        ),
        ("rendezvous", "the highest score hash(key, server)"),
        ("maglev", "Maglev's lookup table"),
        ("jump", "bucket number"),
        ("modulo", "mod the number of servers"),
    ] {
        let mut run = build(&format!(
            "?scene=ring&algo={algo}&n=5&keys=400&churn=0&a=0@0:cmd:0:lookup:user%253A42"
        ));
        let end = run.horizon();
        run.seek(end);
        let lookup = run.view().0.lookup().expect("a lookup").clone();
        let owner = run
            .view()
            .0
            .node_name(lookup.replicas[0])
            .expect("the owner is live")
            .to_string();
        let text = (1..=end)
            .map(|s| caption_at(&run, s))
            .find(|c| c.contains("look up key user:42"))
            .expect("a caption tells the lookup");
        assert!(
            text.contains(&format!("user:42 belongs to {owner}: ")) && text.contains(reason),
            "{algo}: {text}"
        );
    }
}

#[test]
fn ring_captions_read_in_chinese() {
    let mut run = build("?scene=ring&sc=churn&seed=7");
    let stops = stops(&mut run);
    i18n::set_lang(Lang::Zh);
    let texts: Vec<String> = stops.iter().map(|s| caption_at(&run, *s)).collect();
    i18n::set_lang(Lang::En);
    let churn: Vec<&String> = texts
        .iter()
        .filter(|t| t.ends_with("（节点变动随机做出的改变）"))
        .collect();
    assert!(!churn.is_empty(), "{texts:#?}");
    for text in churn {
        let english = text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && *w != "node")
            .collect::<Vec<_>>();
        assert!(english.is_empty(), "English left in {text}: {english:?}");
    }
}

#[test]
fn a_violation_counting_one_stray_key_says_it_in_the_singular() {
    // Maglev's table is rebuilt when node-3 leaves: a few keys of the other servers move too.
    let mut texts = Vec::new();
    for n in 4..=8 {
        let mut run = build(&format!(
            "?scene=ring&algo=maglev&n={n}&churn=0&a=0@0:cmd:0:leave:node-3"
        ));
        let end = run.horizon();
        run.seek(end);
        texts.extend(
            run.snapshot()
                .invariants
                .iter()
                .filter_map(|i| i.violation.as_ref())
                .map(|v| v.message.to_string()),
        );
    }
    assert!(
        texts.iter().any(|t| t.contains("uninvolved nodes")),
        "Maglev moves keys between uninvolved servers in one of these runs: {texts:#?}"
    );
    for text in &texts {
        assert!(!text.contains("(1 keys"), "{text}");
    }
    println!("{texts:#?}");
}
