//! The Paxos scene: its links (parameters, messages for bad ones), its scenarios played
//! through the scene, the "break consensus" challenge and its crash budget, the sentences
//! for every note, the tour and the Chinese catalogue.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::paxos::{scenarios, Ballot, Mode, Note, PaxosConfig, Value, Word};
use dsviz::scene::paxos::{fields, Paxos, PaxosSetup, PaxosView};
use dsviz::scene::{self, At, Names, Params, RunSpec, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::{NodeId, TraceKind};
use proptest::prelude::*;
use std::collections::BTreeSet;

mod i18n_scan;

fn build(query: &str) -> (RunSpec, Box<SceneRun<Paxos>>, Vec<String>) {
    let (mut spec, mut problems) = RunSpec::from_query(query);
    let built = scene::build_scene::<Paxos>(&mut spec);
    problems.extend(built.problems);
    (spec, built.run, problems)
}

/// Plays `run` until simulated time `ms` (or the run rests, or `max_steps`).
fn play_to(run: &mut SceneRun<Paxos>, ms: u64, max_steps: u64) {
    while run.sim().now().0 < ms * 1000 && run.cursor() < max_steps {
        if run.cursor() >= run.horizon() && run.extend(1_000) == 0 {
            break;
        }
        let next = (run.cursor() + 1_000).min(run.horizon());
        run.seek(next);
    }
}

fn scenario_run(id: &str, seed: u64) -> (RunSpec, Box<SceneRun<Paxos>>) {
    let spec = scene::scenario_spec_of::<Paxos>(id, seed).expect("a known scenario");
    let (spec, run, problems) = build(&spec.to_query());
    assert!(problems.is_empty(), "{id}: {problems:?}");
    (spec, run)
}

fn chosen_values(view: &PaxosView) -> BTreeSet<Value> {
    view.safety.chosen.values().map(|c| c.value).collect()
}

fn plain(v: &str) -> Value {
    Value::Plain(Word::lit(v))
}

fn b(round: u32, proposer: u32) -> Ballot {
    Ballot::new(round, NodeId(proposer))
}

#[test]
fn every_scenario_played_through_its_link_ends_as_its_description_says() {
    for info in Paxos::scenarios() {
        let id = info.id;
        let (spec, mut run) = scenario_run(id, 1);
        play_to(&mut run, 3_000, 60_000);
        let view = run.view();
        let conflicts = view.safety.conflicts.len();
        let violated: Vec<&str> = run
            .snapshot()
            .invariants
            .iter()
            .filter(|i| i.violation.is_some())
            .map(|i| i.name)
            .collect();
        let slot0 = view.chosen(0);
        match id {
            "happy" | "leader" | "flexible" => assert_eq!(slot0, Some(plain("red")), "{id}"),
            "race" | "backoff" => assert_eq!(chosen_values(&view).len(), 1, "{id}"),
            "livelock" => {
                assert_eq!(slot0, None, "{id}: nothing is chosen");
                assert!(view.stats.ballots_started >= 50, "{id}: {:?}", view.stats);
                assert_eq!(
                    spec.param("lat"),
                    Some("20-20"),
                    "{id}: the lockstep network"
                );
            }
            "crash-minority" | "acceptor-restart" => {
                assert_eq!(slot0, Some(plain("green")), "{id}")
            }
            "crash-majority" => {
                assert_eq!(chosen_values(&view), BTreeSet::from([plain("red")]), "{id}");
                let ballots: Vec<Ballot> = view.safety.chosen.values().map(|c| c.ballot).collect();
                assert_eq!(ballots, vec![b(1, 0)], "{id}: first chosen in 1.0");
            }
            "multi" => assert!(view.stats.chosen_slots >= 10, "{id}: {:?}", view.stats),
            "leader-change" => assert_eq!(slot0, Some(Value::Noop), "{id}"),
            "split-quorums" | "keep-own-value" | "forget-promise" => {
                assert_eq!(conflicts, 1, "{id}: two values chosen");
                assert!(violated.contains(&"agreement"), "{id}: {violated:?}");
            }
            "mix-ballots" => assert!(
                violated.contains(&"learned is chosen"),
                "{id}: {violated:?}"
            ),
            other => panic!("no expectation for scenario {other}"),
        }
        let broken = matches!(
            id,
            "split-quorums" | "keep-own-value" | "forget-promise" | "mix-ballots"
        );
        assert_eq!(violated.is_empty(), !broken, "{id}: {violated:?}");
    }
}

#[test]
fn scenario_links_reproduce_the_same_run() {
    for id in ["race", "crash-majority", "leader-change", "keep-own-value"] {
        let (spec, mut a) = scenario_run(id, 5);
        let (_, mut b, problems) = build(&spec.to_query());
        assert!(problems.is_empty(), "{problems:?}");
        play_to(&mut a, 1_000, 20_000);
        play_to(&mut b, 1_000, 20_000);
        assert_eq!(a.cursor(), b.cursor(), "{id}");
        assert_eq!(a.fingerprint(), b.fingerprint(), "{id}");
    }
}

fn normalise(mut setup: PaxosSetup) -> PaxosSetup {
    let default = PaxosConfig::default();
    setup.paxos.latency_min = default.latency_min;
    setup.paxos.latency_max = default.latency_max;
    setup
}

#[test]
fn every_scenario_setup_reads_back_from_its_link_form() {
    for info in Paxos::scenarios() {
        let setup = Paxos::scenario(info.id).expect("known").config;
        let mut params = Params::new();
        Paxos::write(&setup, &mut params);
        let mut reader = scene::ParamReader::new(&params);
        let read = Paxos::read(&mut reader).expect("a scenario's setup is valid");
        assert!(
            reader.problems.is_empty(),
            "{}: {:?}",
            info.id,
            reader.problems
        );
        assert_eq!(normalise(read), normalise(setup), "{}", info.id);
    }
}

#[test]
fn the_default_link_is_three_proposers_and_two_acceptors_with_majorities() {
    let (spec, run, problems) = build("?scene=paxos");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(spec.param("roles"), Some("pal.pal.pal.al.al"));
    assert_eq!(spec.param("q1"), Some("0"));
    let view = run.view();
    assert_eq!((view.q1, view.q2, view.acceptor_count), (3, 3, 5));
    assert_eq!(view.mode, Mode::Single);
    assert!(view.challenge.is_none());
    let names = run.names().to_vec();
    assert_eq!(names, ["n0", "n1", "n2", "n3", "n4"]);
}

#[test]
fn quorums_that_need_not_meet_are_allowed_and_flagged() {
    let (_, run, problems) = build("?scene=paxos&q1=2&q2=3");
    assert!(problems.is_empty(), "{problems:?}");
    let view = run.view();
    assert!(!view.safety.quorums_intersect);
    assert_eq!((view.q1, view.q2), (2, 3));
    let (_, run, _) = build("?scene=paxos&q1=4&q2=2");
    assert!(run.view().safety.quorums_intersect);
}

#[test]
fn bad_parameters_are_explained_and_replaced() {
    let cases = [
        ("mode=triple", "Mode must be one of"),
        ("roles=pax.al", "Roles \"pax.al\" cannot be used"),
        (
            "roles=pal.pal.pal.pal.pal.pal.pal.pal.pal.pal",
            "1 to 9 nodes",
        ),
        ("q1=7", "must be 0 (a majority) to 5"),
        (
            "q2=x",
            "Phase-2 quorum (acceptances) must be a whole number",
        ),
        ("variant=evil", "Variant must be one of"),
        ("props=0:RED@0", "cannot be used"),
        ("props=3:red@0", "n3 cannot propose red"),
        ("props=0:red@99999", "within 60000 ms"),
        ("clients=2", "need Multi-Paxos"),
        (
            "mode=multi&clients=9",
            "Clients (Multi-Paxos) must be a whole number from 0 to 3",
        ),
        (
            "mode=multi&roles=pa.al.al",
            "every proposer must also be a learner",
        ),
        (
            "timeout=0",
            "Phase timeout (ms) must be a whole number from 1 to 60,000",
        ),
        ("challenge=maybe", "must be 1 (on) or 0 (off)"),
        ("lat=5-1", "Latency must look like"),
    ];
    for (query, expected) in cases {
        let (_, run, problems) = build(&format!("?scene=paxos&{query}"));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{query}: expected \"{expected}\" in {problems:?}"
        );
        assert!(run.node_count() >= 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Whatever a link says, the scene builds a run (with messages, never a panic), and the
    /// link it writes back reads without a problem.
    #[test]
    fn any_parameter_text_builds_a_run(
        key in prop::sample::select(vec!["mode", "roles", "q1", "q2", "variant", "backoff",
            "leader", "props", "clients", "requests", "pipeline", "timeout", "retry",
            "challenge"]),
        value in "[a-z0-9:@.%-]{0,24}",
    ) {
        let (spec, mut run, _) = build(&format!("?scene=paxos&mode=multi&{key}={value}"));
        run.extend(200);
        let (_, _, again) = build(&spec.to_query());
        prop_assert!(again.is_empty(), "{key}={value}: {again:?}");
    }
}

fn crash_entries(run: &SceneRun<Paxos>, node: u32) -> Vec<String> {
    run.node_commands(node)
        .into_iter()
        .filter(|c| c.action == format!("crash:{node}"))
        .map(|c| c.label)
        .collect()
}

#[test]
fn the_challenge_offers_crashes_only_while_the_budget_lasts() {
    let (_, mut run, problems) = build("?scene=paxos&challenge=1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(crash_entries(&run, 3), ["Crash (2 of 2 crashes left)"]);
    let plain_run = build("?scene=paxos").1;
    assert!(
        crash_entries(&plain_run, 3).is_empty(),
        "the shell's menu has its own"
    );
    run.seek(5);
    let time = run.sim().now();
    run.take("crash:3", time).expect("a crash");
    assert_eq!(crash_entries(&run, 4), ["Crash (1 of 2 crashes left)"]);
    assert!(crash_entries(&run, 3).is_empty(), "n3 is down already");
    let time = run.sim().now();
    run.take("crash:4", time).expect("a crash");
    for node in 0..5 {
        assert!(
            crash_entries(&run, node).is_empty(),
            "n{node}: budget spent"
        );
    }
    let challenge = run.view().challenge.expect("challenge mode");
    assert_eq!(
        (challenge.budget, challenge.used, challenge.left()),
        (2, 2, 0)
    );
    assert!(!challenge.over_budget());
    // Rewound before the crashes, the budget is whole again.
    run.seek(3);
    assert_eq!(run.view().challenge.map(|c| c.left()), Some(2));
}

#[test]
fn a_link_that_crashes_more_than_the_budget_is_flagged_over_budget() {
    let (_, mut run, problems) =
        build("?scene=paxos&challenge=1&a=2@0:crash:2,3@0:crash:3,4@0:crash:4");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(run.view().challenge.expect("on").over_budget());
    run.extend(100);
    run.seek(10);
    let challenge = run.view().challenge.expect("on");
    assert_eq!((challenge.used, challenge.in_run), (3, 3));
}

#[test]
fn with_a_broken_variant_the_challenge_can_be_won_within_the_budget() {
    let spec = scene::scenario_spec_of::<Paxos>("keep-own-value", 1).expect("known");
    let query = spec.to_query().replace("challenge=0", "challenge=1");
    let (_, mut run, problems) = build(&query);
    assert!(problems.is_empty(), "{problems:?}");
    play_to(&mut run, 2_000, 40_000);
    let view = run.view();
    let challenge = view.challenge.expect("challenge mode");
    assert!(!challenge.over_budget(), "{challenge:?}");
    assert!(!view.safety.holds(), "two values chosen");
    let conflict = &view.safety.conflicts[0];
    assert_ne!(conflict.first.value, conflict.second.value);
}

/// A small deterministic generator for the attack test (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }
}

/// The challenge against correct Paxos: random crashes within the budget, restarts,
/// drops, delays, cuts, pauses and proposals from several proposers never get two values
/// chosen.
#[test]
fn correct_paxos_survives_random_challenge_attacks() {
    let (mut decided, mut crashed) = (0, 0);
    for seed in 0..40u64 {
        let mut rng = Rng(seed);
        let (_, mut run, _) = build(&format!("?scene=paxos&challenge=1&seed={seed}&props=none"));
        for _ in 0..30 {
            run.extend(40);
            let step = (run.cursor() + 1 + rng.next(30)).min(run.horizon());
            run.seek(step);
            let node = rng.next(5) as u32;
            let time = run.sim().now();
            let commands = run.node_commands(node);
            let action = match rng.next(8) {
                0 => commands
                    .iter()
                    .find(|c| c.action.starts_with("crash"))
                    .map(|c| c.action.clone()),
                1 => Some(format!("restart:{node}")),
                2 | 3 => {
                    let messages = run.snapshot().messages;
                    (!messages.is_empty()).then(|| {
                        let id = messages[rng.next(messages.len() as u64) as usize].id;
                        // Half the time the message is held back instead, up to 400 ms.
                        match rng.next(2) {
                            0 => format!("drop:{id}"),
                            _ => format!("delay:{id}:{}", 1_000 * (1 + rng.next(400))),
                        }
                    })
                }
                4 => Some(format!("cut:{node}:{}", rng.next(5))),
                5 => Some(format!("pause:{node}:{}", 1_000 * (1 + rng.next(80)))),
                6 => Some("healall".to_string()),
                _ => {
                    let proposals: Vec<_> = commands
                        .iter()
                        .filter(|c| c.action.contains(":propose:"))
                        .collect();
                    (!proposals.is_empty()).then(|| {
                        proposals[rng.next(proposals.len() as u64) as usize]
                            .action
                            .clone()
                    })
                }
            };
            if let Some(action) = action {
                run.take(&action, time)
                    .unwrap_or_else(|e| panic!("seed {seed}: {action}: {e}"));
            }
        }
        run.extend(3_000);
        run.seek(run.horizon());
        let view = run.view();
        let challenge = view.challenge.expect("on");
        assert!(
            challenge.in_run <= challenge.budget,
            "seed {seed}: {challenge:?}"
        );
        assert!(
            view.safety.holds(),
            "seed {seed}: {:?}",
            view.safety.conflicts
        );
        decided += usize::from(view.chosen(0).is_some());
        crashed += usize::from(challenge.in_run > 0);
    }
    assert!(
        decided >= 20,
        "only {decided} of 40 attacked runs chose a value"
    );
    assert!(
        crashed >= 20,
        "only {crashed} of 40 attacked runs crashed a node"
    );
}

#[test]
fn every_note_the_scenarios_narrate_has_a_sentence_naming_its_node() {
    let mut kinds = BTreeSet::new();
    for info in Paxos::scenarios() {
        let (_, mut run) = scenario_run(info.id, 1);
        run.extend(3_000);
        let names = run.names().to_vec();
        let entries = run.timeline().entries(1, run.horizon().min(3_000)).to_vec();
        for e in entries {
            if let TraceKind::Note { node, note } = e.kind {
                let sentence = Paxos::describe(&Names(&names), node, &note);
                assert!(!sentence.contains('{'), "{sentence}");
                assert!(sentence.starts_with(&names[node.index()]), "{sentence}");
                assert!(sentence.ends_with('.'), "{sentence}");
                let kind = format!("{note:?}");
                kinds.insert(
                    kind.split([' ', '{'])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
        }
    }
    for expected in [
        "ValueReceived",
        "Forwarded",
        "BallotStarted",
        "PromiseCounted",
        "Phase1Done",
        "Adopted",
        "FreeToChoose",
        "KeptOwnValue",
        "HoleFilled",
        "SlotAssigned",
        "AcceptCounted",
        "SawChosen",
        "Preempted",
        "Waiting",
        "Promised",
        "RefusedAccept",
        "AcceptedValue",
        "PromiseRestored",
        "PromiseForgotten",
        "AcceptedCounted",
        "Learned",
        "Applied",
        "Replied",
        "LeaderChanged",
        "ClientSent",
        "ClientGotReply",
    ] {
        assert!(
            kinds.contains(expected),
            "no scenario narrates {expected}: {kinds:?}"
        );
    }
}

#[test]
fn notes_no_scenario_narrates_still_read_as_sentences() {
    let names = ["n0".to_string(), "n1".to_string()];
    let names = Names(&names);
    let notes = [
        Note::PhaseTimedOut {
            ballot: b(2, 1),
            phase: 1,
        },
        Note::PhaseTimedOut {
            ballot: b(2, 1),
            phase: 2,
        },
        Note::Resent {
            ballot: b(2, 1),
            slot: 3,
        },
        Note::SteppedDown { leader: NodeId(0) },
        Note::RoundRestored { round: 4 },
        Note::RefusedPrepare {
            ballot: b(1, 0),
            promised: b(2, 1),
        },
        Note::AskedAbout {
            slot: 2,
            known_decided: true,
        },
        Note::AskedAbout {
            slot: 2,
            known_decided: false,
        },
        Note::NothingToAsk,
        Note::CannotAnswer {
            slot: 0,
            asker: NodeId(2),
        },
        Note::Ignored {
            reason: dsviz::algo::paxos::notes::IgnoreReason::NeedsMulti,
        },
    ];
    for note in notes {
        let sentence = Paxos::describe(&names, NodeId(1), &note);
        assert!(
            sentence.starts_with("n1 ") && sentence.ends_with('.'),
            "{sentence}"
        );
        assert!(!sentence.contains('{'), "{sentence}");
    }
}

#[test]
fn every_tour_stop_is_reached_in_its_scenario() {
    let tour = Paxos::tour();
    assert!((7..=10).contains(&tour.len()), "{} stops", tour.len());
    for stop in tour {
        let (_, mut run) = scenario_run(stop.scenario, 1);
        let reached = match stop.at {
            At::Step(n) => {
                run.extend(n);
                run.horizon() >= n
            }
            At::When(holds) => {
                let mut found = false;
                while run.cursor() < 20_000 && !found {
                    if run.cursor() >= run.horizon() && run.extend(500) == 0 {
                        break;
                    }
                    run.seek(run.cursor() + 1);
                    found = holds(run.sim());
                }
                found
            }
            At::End => {
                run.extend(20_000);
                run.is_finished() && run.horizon() < 20_000
            }
        };
        assert!(reached, "tour stop \"{}\" in {}", stop.title, stop.scenario);
        for node in stop.highlights {
            assert!(node.0 < run.node_count(), "{}", stop.title);
        }
    }
}

/// The English texts the scene wraps in `tr`/`trf` in its source files.
fn wrapped_texts(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("tr") {
        let after = &rest[at..];
        let open = if after.starts_with("trf(") {
            4
        } else if after.starts_with("tr(")
            && !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            3
        } else {
            rest = &rest[at + 2..];
            continue;
        };
        let body = after[open..].trim_start();
        if let Some(literal) = body.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = literal.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('\n') => {
                            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                                chars.next();
                            }
                        }
                        Some('n') => text.push('\n'),
                        Some(other) => text.push(other),
                        None => break,
                    },
                    other => text.push(other),
                }
            }
            out.push(text);
        }
        rest = &after[open..];
    }
    out
}

#[test]
fn every_text_of_the_scene_has_its_chinese_and_no_entry_is_stale() {
    let catalogue = dsviz::i18n::parse_catalogue(Paxos::CATALOGUE_ZH).expect("well formed");
    let keys: BTreeSet<&str> = catalogue.iter().map(|(en, _)| *en).collect();
    assert_eq!(keys.len(), catalogue.len(), "an English text appears twice");
    let mut texts: BTreeSet<String> = BTreeSet::new();
    let dirs = ["src/scene/paxos", "src/ui/paxos"];
    let mut files = vec![std::path::PathBuf::from("src/scene/paxos.rs")];
    for dir in dirs {
        for entry in std::fs::read_dir(dir).expect("the scene's folder") {
            let path = entry.expect("a file").path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in &files {
        let source = std::fs::read_to_string(file).expect("readable");
        texts.extend(wrapped_texts(&source));
    }
    assert!(
        texts.len() > 60,
        "the scanner found only {} texts",
        texts.len()
    );
    texts.extend([Paxos::TITLE.to_string(), Paxos::BLURB.to_string()]);
    for f in Paxos::FIELDS {
        texts.insert(f.label.into());
        texts.insert(f.help.into());
        if let dsviz::scene::FieldKind::Choice(options) = f.kind {
            texts.extend(options.iter().map(|(_, label)| label.to_string()));
        }
    }
    for s in scenarios::scenarios() {
        texts.insert(s.title.into());
        texts.insert(s.description.into());
    }
    for stop in Paxos::tour() {
        texts.insert(stop.title.into());
        texts.insert(stop.caption.into());
    }
    for entry in Paxos::legend() {
        texts.insert(entry.label.into());
        texts.insert(entry.meaning.into());
    }
    let missing: Vec<&String> = texts
        .iter()
        .filter(|t| !keys.contains(t.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} texts have no Chinese:\n{}",
        missing.len(),
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The algorithm's lines (detail lines, message and timer labels) are its literals.
    let algo = i18n_scan::literals_under(i18n_scan::algo_dir(Paxos::SLUG));
    let stale: Vec<&&str> = keys
        .iter()
        .filter(|k| !texts.contains(**k) && !algo.contains(**k))
        .collect();
    assert!(stale.is_empty(), "stale entries: {stale:?}");
}

#[test]
fn the_scanner_reads_wrapped_texts_across_line_continuations() {
    let source =
        "let a = tr(\"One\"); let b = trf(\n \"Two {x} \\\n   three\", &[]); attr(\"no\");";
    assert_eq!(wrapped_texts(source), ["One", "Two {x} three"]);
}

#[test]
fn link_forms_of_roles_and_proposals_round_trip() {
    let roles = fields::parse_roles("pal.al.l.a.pl").expect("valid");
    assert_eq!(fields::roles_text(&roles), "pal.al.l.a.pl");
    let props = fields::parse_proposals("0:red@0.1:green@15").expect("valid");
    assert_eq!(fields::proposals_text(&props), "0:red@0.1:green@15");
    assert_eq!(fields::proposals_text(&[]), "none");
    assert!(fields::parse_proposals("0:red").is_err());
}

mod geometry {
    use dsviz::algo::paxos::ghost::{BallotOutcome, BallotRecord};
    use dsviz::algo::paxos::views::TimelineEntry;
    use dsviz::algo::paxos::{Ballot, Value, Word};
    use dsviz::sim::{NodeId, Time};
    use dsviz::ui::paxos::geometry::*;

    /// The page's drawing and a narrow embed's.
    const FRAMES: [NetFrame; 2] = [NetFrame::FULL, NetFrame::NARROW];

    fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn a_message_never_covers_a_node_it_travels_between() {
        for (frame, n) in FRAMES.iter().flat_map(|f| (1..=12).map(move |n| (f, n))) {
            for from in 0..n {
                for to in 0..n {
                    for k in 0..=20 {
                        let p = flight_position(frame, from, to, n, f64::from(k) / 20.0);
                        for end in [from, to] {
                            let d = distance(p, frame.node_position(end, n));
                            // Outside the node's circle, so a click on the node hits the node
                            // (neighbours of a 12-node ring are too close for more).
                            assert!(d >= NODE_R + 2.0, "n={n} {from}->{to} at {k}/20: {d:.1}");
                            if n <= 7 {
                                assert!(
                                    d >= NODE_R + DOT_R,
                                    "n={n} {from}->{to} at {k}/20: {d:.1}"
                                );
                            }
                        }
                        assert!(
                            p.0 >= 0.0
                                && p.0 <= frame.width
                                && p.1 >= 0.0
                                && p.1 <= frame.height(n),
                            "{p:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn nodes_and_their_two_text_lines_fit_and_stay_apart() {
        for (frame, n) in FRAMES.iter().flat_map(|f| (1..=12).map(move |n| (f, n))) {
            let h = frame.height(n);
            for i in 0..n {
                let (x, y) = frame.node_position(i, n);
                assert!(
                    y - NODE_R >= 0.0 && y + NODE_R + 13.0 * 2.0 <= h,
                    "n={n} node {i}"
                );
                assert!(
                    x - NODE_R >= 0.0 && x + NODE_R <= frame.width,
                    "n={n} node {i}"
                );
                for j in 0..i {
                    let d = distance((x, y), frame.node_position(j, n));
                    assert!(
                        d > 2.0 * NODE_R + 8.0,
                        "n={n}: nodes {i} and {j} are {d:.1} apart"
                    );
                }
            }
        }
    }

    #[test]
    fn labels_avoid_obstacles_dots_and_each_other_and_a_group_is_labelled_once() {
        let dots: Vec<Dot> = (0..30)
            .map(|i| Dot {
                x: 60.0 + f64::from(i % 6) * 60.0,
                y: 40.0 + f64::from(i / 6) * 45.0,
                chars: 9,
                group: (i % 10) as usize,
            })
            .collect();
        let obstacle = Rect {
            x: 150.0,
            y: 100.0,
            w: 80.0,
            h: 60.0,
        };
        let placed = place_labels(&dots, &[obstacle], (440.0, 290.0));
        let boxes: Vec<(usize, Rect)> = placed
            .iter()
            .zip(&dots)
            .filter_map(|(p, d)| p.map(|(x, y)| (d.group, text_box(x, y, d.chars))))
            .collect();
        assert!(boxes.len() >= 5, "only {} labels placed", boxes.len());
        let groups: std::collections::BTreeSet<usize> = boxes.iter().map(|(g, _)| *g).collect();
        assert_eq!(groups.len(), boxes.len(), "a group got two labels");
        for (i, (_, a)) in boxes.iter().enumerate() {
            assert!(!a.overlaps(&obstacle));
            for d in &dots {
                assert!(
                    !a.overlaps(&Rect::around(d.x, d.y, DOT_R)),
                    "{a:?} covers a dot"
                );
            }
            for (_, b) in &boxes[..i] {
                assert!(!a.overlaps(b), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn timeline_bars_sit_in_their_proposers_lane_within_the_strip() {
        let entry = |p: u32, round: u32, start: u64, outcome| TimelineEntry {
            proposer: NodeId(p),
            record: BallotRecord {
                ballot: Ballot::new(round, NodeId(p)),
                started: Time::from_millis(start),
                from_slot: 0,
                phase1_done: None,
                first_value: None,
                slots_proposed: 0,
                outcome,
            },
        };
        let entries = [
            entry(
                0,
                1,
                0,
                BallotOutcome::Preempted {
                    by: Ballot::new(1, NodeId(2)),
                    at: Time::from_millis(40),
                },
            ),
            entry(2, 1, 20, BallotOutcome::Crashed),
            entry(
                0,
                2,
                60,
                BallotOutcome::Chosen {
                    at: Time::from_millis(120),
                },
            ),
            entry(2, 3, 90, BallotOutcome::Running),
        ];
        let bars = timeline_bars(&entries, &[0, 2], Time::from_millis(200), 600.0);
        let kinds: Vec<(usize, BarKind)> = bars.iter().map(|b| (b.lane, b.kind)).collect();
        assert_eq!(
            kinds,
            [
                (0, BarKind::Preempted),
                (1, BarKind::Ended),
                (0, BarKind::Chosen),
                (1, BarKind::Running)
            ]
        );
        // The crashed ballot ends where its proposer's next one starts.
        assert!((bars[1].x + bars[1].w - bars[3].x).abs() < 0.01, "{bars:?}");
        for b in &bars {
            assert!(b.x >= 0.0 && b.x + b.w <= 600.0 + 3.0, "{b:?}");
        }
        assert!(
            (bars[3].x + bars[3].w - 600.0).abs() < 0.01,
            "a running ballot reaches now"
        );
    }

    #[test]
    fn colour_words_get_their_own_colour_and_a_no_op_none() {
        let plain = |w: &str| Value::Plain(Word::lit(w));
        assert_eq!(value_colour(&plain("red")), Some(0));
        assert_eq!(value_colour(&plain("green")), Some(1));
        assert_eq!(value_colour(&plain("blue")), Some(2));
        assert_eq!(value_colour(&Value::Noop), None);
        assert!(value_colour(&plain("x1")).is_some_and(|c| c < 8));
    }
}
