//! What a broken invariant says, in Chinese. A violation's message is a typed line
//! (`sim::Line`): an English template with its values, which the page renders in its
//! language (the invariant panel, an embed's badge, the log, the Explore panel). This test
//! breaks every scene that can break: its scenarios that show a violation, the ring with
//! hash mod N, and the load balancer's books tampered with (its invariants check the
//! implementation's bookkeeping, which no run of the real code breaks). For each violation
//! it checks that:
//! - every template of the message has its Chinese entry;
//! - with `lang=zh` the message reads in Chinese, with no English word but the protocols'
//!   own vocabulary and names (`i18n_scan::ALLOWED`);
//! - `Display` (what traces, links and the other tests read) is the English, unchanged.
use dsviz::algo::balance::invariants as balance_invariants;
use dsviz::algo::balance::tamper::Tamper;
use dsviz::i18n::{line, with_lang, Lang};
use dsviz::registry::SCENES;
use dsviz::scene::balance::Balance;
use dsviz::scene::RunSpec;
use dsviz::sim::run::Run;
use dsviz::sim::{Line, NetConfig, Sim};
use std::collections::{BTreeMap, BTreeSet};

mod i18n_scan;
use i18n_scan::{assert_none_without_chinese, english_words, without_chinese, ALLOWED};

/// Steps each scenario runs.
const STEPS: u64 = 3_000;

/// A violation found: where, which invariant, and its message.
struct Found {
    source: String,
    invariant: &'static str,
    message: Line,
}

/// The violations of a run, at its last step.
fn violations_of(source: &str, spec: &mut RunSpec, out: &mut Vec<Found>) {
    let mut built = dsviz::scene::build(spec);
    let run = &mut built.run;
    run.extend(STEPS);
    run.seek(STEPS);
    for inv in run.snapshot().invariants {
        if let Some(v) = inv.violation {
            out.push(Found {
                source: source.to_string(),
                invariant: inv.name,
                message: v.message,
            });
        }
    }
}

/// Every scenario of every scene, and the ring with hash mod N after a join.
fn scenario_violations() -> Vec<Found> {
    let mut out = Vec::new();
    for scene in SCENES {
        for info in scene.scenarios() {
            let mut spec = scene
                .scenario_spec(info.id, 1)
                .unwrap_or_else(|| panic!("{}: scenario {} has a spec", scene.slug(), info.id));
            violations_of(
                &format!("{}/{}", scene.slug(), info.id),
                &mut spec,
                &mut out,
            );
        }
    }
    let (mut modulo, problems) =
        RunSpec::from_query("?scene=ring&algo=modulo&a=2@10:cmd:0:join:node-9:1");
    assert!(problems.is_empty(), "{problems:?}");
    violations_of("ring/modulo", &mut modulo, &mut out);
    out
}

/// The load balancer's state after a busy stretch, each tamper applied to it, checked once.
fn balance_violations() -> Vec<Found> {
    let (mut spec, problems) = RunSpec::from_query("?scene=balance&sc=slow-eject");
    assert!(problems.is_empty(), "{problems:?}");
    let mut built = dsviz::scene::build_scene::<Balance>(&mut spec);
    built.run.extend(STEPS);
    built.run.seek(STEPS);
    let sim = built.run.sim();
    let clean: Vec<_> = sim.nodes().iter().map(|(_, n, _)| n.clone()).collect();
    let tampers = [
        Tamper::ForgetRequest,
        Tamper::CountCompletionTwice,
        Tamper::DisarmDeadline,
        Tamper::CountAnswerTwice,
        Tamper::RetryWithoutAttempt,
        Tamper::RetryCountedAsRequest,
        Tamper::MiscountOpen,
        Tamper::ForgetDeadline,
        Tamper::BackdateUnavailable { server: 0 },
        Tamper::LoseQueued,
        Tamper::StartBeyondSlots,
    ];
    let mut out = Vec::new();
    for tamper in tampers {
        let mut nodes = clean.clone();
        if !nodes.iter_mut().any(|n| n.tamper(tamper)) {
            continue;
        }
        let mut sim = Sim::new(7, nodes, NetConfig::default(), balance_invariants());
        sim.step(None);
        for (inv, v) in sim.invariants().iter().zip(sim.violations()) {
            if let Some(v) = v {
                out.push(Found {
                    source: format!("balance/{tamper:?}"),
                    invariant: inv.name,
                    message: v.message.clone(),
                });
            }
        }
    }
    out
}

#[test]
fn every_violation_reads_in_chinese_with_every_template_translated() {
    let mut found = scenario_violations();
    found.extend(balance_violations());
    let scenes: BTreeSet<&str> = found
        .iter()
        .map(|f| f.source.split('/').next().unwrap_or_default())
        .collect();
    let broken: BTreeSet<(&str, &str)> = found
        .iter()
        .map(|f| (f.source.split('/').next().unwrap_or_default(), f.invariant))
        .collect();
    for f in &found {
        let zh = with_lang(Lang::Zh, || line(&f.message));
        println!("[{}] {}: {}\n    {zh}", f.source, f.invariant, f.message);
    }
    assert_eq!(
        scenes,
        ["2pc", "balance", "locks", "paxos", "queue", "raft", "ring"].into(),
        "every scene that can break shows a violation: {broken:?}"
    );
    assert!(
        broken.len() >= 15,
        "only {} kinds: {broken:?}",
        broken.len()
    );

    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let mut templates: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut english = Vec::new();
    for f in &found {
        for t in f.message.templates() {
            templates
                .entry(t)
                .or_insert_with(|| format!("[{}] {}", f.source, f.message));
        }
        let en = with_lang(Lang::En, || line(&f.message));
        assert_eq!(en, f.message.to_string(), "Display is the English");
        let zh = with_lang(Lang::Zh, || line(&f.message));
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "[{}] not in Chinese: {zh}",
            f.source
        );
        let words: Vec<String> = english_words(&zh)
            .into_iter()
            .filter(|w| !allowed.contains(w.as_str()))
            .collect();
        if !words.is_empty() {
            english.push(format!("[{}] {zh} ({})", f.source, words.join(", ")));
        }
    }
    assert_none_without_chinese(without_chinese(&templates), "");
    assert!(
        english.is_empty(),
        "{} messages still show English words in Chinese:\n{}",
        english.len(),
        english.join("\n")
    );
}

#[test]
fn a_list_in_a_message_reads_naturally_in_each_language() {
    let names = ["P1", "P2", "coordinator"].map(Line::value);
    let list = Line::list(names.clone()).expect("three items");
    assert_eq!(list.to_string(), "P1, P2, coordinator");
    assert_eq!(with_lang(Lang::Zh, || line(&list)), "P1、P2、coordinator");
    let and = Line::and_list(names).expect("three items");
    assert_eq!(and.to_string(), "P1, P2 and coordinator");
    assert_eq!(with_lang(Lang::Zh, || line(&and)), "P1、P2 和 coordinator");
    let one = Line::and_list([Line::value("P1")]).expect("one item");
    assert_eq!(one.to_string(), "P1");
    assert_eq!(Line::list(Vec::new()), None);
}
