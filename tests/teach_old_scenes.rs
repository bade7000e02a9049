//! Teaching in the three original scenes (two-phase commit, distributed locks, consistent
//! hashing): a sentence for every note, every tour stop reached in its run with its caption's
//! claim true there, and a Chinese catalogue with every text and no stale one.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::locks::{self, lock_stats, lock_view, LockKind, LockNode, LockNote, OwnValue};
use dsviz::algo::two_phase_commit::{
    self as tpc, CoordinatorPhase, Decision, DecisionReason, NoReason, Note, ParticipantPhase,
    TwoPcNode,
};
use dsviz::i18n::{self, parse_catalogue, Lang};
use dsviz::scene::locks::Locks;
use dsviz::scene::ring::Ring;
use dsviz::scene::tour::{place_tour, PlacedStop};
use dsviz::scene::two_pc::TwoPc;
use dsviz::scene::{self, At, FieldKind, Names, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::{NodeId, NodeStatus, Sim, Time};
use std::collections::BTreeSet;
use std::path::Path;

mod i18n_scan;
use i18n_scan::{algo_dir, literals_under, wrapped_literals};

// ----- Shared helpers -----

/// Whether `text` still holds a `{placeholder}`.
fn has_placeholder(text: &str) -> bool {
    text.contains('{') || text.contains('}')
}

/// Whether the Debug form of `note` leaked into `text`: its variant's name, or the
/// `Some(`, `NodeId(` and `field:` of derived Debug output.
fn looks_like_debug(text: &str, note: &impl std::fmt::Debug) -> bool {
    let debug = format!("{note:?}");
    let variant = debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    text.contains(variant)
        || ["Some(", "None", "NodeId(", "Time(", "tx:", "to:", "client:"]
            .iter()
            .any(|d| text.contains(d))
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every text of scene `S` the page shows through `tr`: the wrapped literals of its files,
/// and the texts the shell translates (title, blurb, fields, scenarios, invariant names and
/// descriptions, tour, legend).
fn scene_texts<S: Scene>(files: &[&str], dirs: &[&str]) -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    let mut paths: Vec<std::path::PathBuf> =
        files.iter().map(|f| Path::new(f).to_path_buf()).collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                paths.push(entry.path());
            }
        }
    }
    for file in paths {
        let source = std::fs::read_to_string(&file).expect("source");
        texts.extend(wrapped_literals(&source));
    }
    texts.insert(S::TITLE.into());
    texts.insert(S::BLURB.into());
    for field in S::FIELDS {
        texts.insert(field.label.into());
        texts.insert(field.help.into());
        let labels: Vec<&str> = match field.kind {
            FieldKind::Choice(options) => options.iter().map(|(_, l)| *l).collect(),
            FieldKind::PerNode { options, .. } => options.iter().map(|(_, l)| *l).collect(),
            _ => Vec::new(),
        };
        texts.extend(
            labels
                .into_iter()
                .filter(|l| l.parse::<u32>().is_err())
                .map(String::from),
        );
    }
    for info in S::scenarios() {
        texts.insert(info.title.into());
        texts.insert(info.description.into());
    }
    // Invariant names are translated in the event log; a scene may check some only in
    // some configurations (the ring's load cap), so every scenario's are collected.
    let configs = std::iter::once(scene::default_config::<S>()).chain(
        S::scenarios()
            .into_iter()
            .filter_map(|i| S::scenario(i.id))
            .map(|s| s.config),
    );
    for config in configs {
        if let Ok(world) = S::world(&config, 1) {
            for inv in world.invariants {
                texts.insert(inv.name.into());
                texts.insert(inv.description.into());
            }
        }
    }
    for stop in S::tour() {
        texts.insert(stop.title.into());
        texts.insert(stop.caption.into());
    }
    for entry in S::legend() {
        texts.insert(entry.label.into());
        texts.insert(entry.meaning.into());
    }
    texts
}

fn check_catalogue<S: Scene>(texts: BTreeSet<String>, at_least: usize) {
    let pairs = parse_catalogue(S::CATALOGUE_ZH).expect("the catalogue parses");
    let english: BTreeSet<String> = pairs.iter().map(|(e, _)| e.to_string()).collect();
    assert_eq!(english.len(), pairs.len(), "no text is translated twice");
    assert!(
        texts.len() >= at_least,
        "the scan finds the scene's texts: {}",
        texts.len()
    );
    // All catalogues share one map: a text another catalogue already translates (a state
    // name the queue scene shares, say) needs no second entry.
    let anywhere: BTreeSet<&str> = dsviz::i18n::zh_catalogues()
        .into_iter()
        .flat_map(|c| parse_catalogue(c).unwrap_or_default())
        .map(|(e, _)| e)
        .collect();
    let missing: Vec<&String> = texts
        .iter()
        .filter(|t| !english.contains(*t) && !anywhere.contains(t.as_str()))
        .collect();
    // The algorithm's lines (detail lines, message and timer labels) are its literals.
    let algo = literals_under(algo_dir(S::SLUG));
    let stale: Vec<&String> = english
        .iter()
        .filter(|e| !texts.contains(*e) && !algo.contains(*e))
        .collect();
    assert!(
        missing.is_empty(),
        "{}: {} texts lack Chinese:\n{}",
        S::SLUG,
        missing.len(),
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(stale.is_empty(), "{}: stale entries: {stale:?}", S::SLUG);
    for (e, zh) in &pairs {
        let holes = |t: &str| -> BTreeSet<String> {
            t.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}'))
                .map(|(h, _)| h.to_string())
                .collect()
        };
        assert_eq!(holes(e), holes(zh), "placeholders differ: {e} / {zh}");
        assert!(has_chinese(zh) || e == zh, "not Chinese: {e} / {zh}");
    }
}

/// The run a placed tour stop opens, as a link would open it.
fn open_stop<S: Scene>(stop: &PlacedStop) -> Box<SceneRun<S>> {
    let mut spec = stop.spec.clone();
    let built = scene::build_scene::<S>(&mut spec);
    assert!(
        built.problems.is_empty(),
        "{}: {:?}",
        stop.title,
        built.problems
    );
    built.run
}

/// Places the tour of `S`, opens every stop, checks that a `When` stop's condition holds
/// where it was placed (so it was really reached) and that an `End` stop is where the run
/// rests, then hands each stop's run to `claim`.
fn walk_tour<S: Scene>(mut claim: impl FnMut(usize, &PlacedStop, &mut SceneRun<S>)) {
    let stops = S::tour();
    let placed = place_tour::<S>();
    assert_eq!(placed.len(), stops.len(), "every stop's scenario exists");
    for (i, (stop, at)) in stops.iter().zip(&placed).enumerate() {
        assert_eq!(stop.title, at.title);
        assert_eq!(at.spec.scenario.as_deref(), Some(stop.scenario));
        let mut run = open_stop::<S>(at);
        let step = at.spec.step.unwrap_or(0);
        assert_eq!(
            run.cursor(),
            step,
            "stop {i} ({}) opens at its step",
            stop.title
        );
        match stop.at {
            At::When(holds) => assert!(
                holds(run.sim()),
                "stop {i} ({}) is never reached: its condition fails at step {step}",
                stop.title
            ),
            At::End => assert!(
                run.is_finished(),
                "stop {i} ({}): the run rests",
                stop.title
            ),
            At::Step(s) => assert_eq!(step, s),
        }
        claim(i, at, &mut run);
    }
}

// ----- Two-phase commit -----

fn tpc_names() -> Vec<String> {
    tpc::node_names(&tpc::TwoPcConfig::with_participants(3))
}

/// One note of every kind and every reason.
fn every_2pc_note() -> Vec<Note> {
    let (p1, p2, p3) = (NodeId(1), NodeId(2), NodeId(3));
    let all = 0b1110;
    let mut notes = vec![
        Note::BeginForced { tx: 1 },
        Note::WorkSent { tx: 1 },
        Note::PrepareSent { tx: 1, to: all },
        Note::VoteCounted {
            tx: 1,
            from: p1,
            yes: true,
            waiting: 0b1100,
        },
        Note::VoteCounted {
            tx: 1,
            from: p3,
            yes: true,
            waiting: 0,
        },
        Note::VoteCounted {
            tx: 1,
            from: p2,
            yes: false,
            waiting: 0b1000,
        },
        Note::CommitForcing { tx: 1 },
        Note::CommitSentBeforeLogged { tx: 1 },
        Note::AbortForgotten { tx: 1 },
        Note::DecisionResent {
            tx: 1,
            decision: Decision::Commit,
            to: 0b0100,
        },
        Note::DecisionSent {
            tx: 1,
            decision: Decision::Commit,
            to: 0b0100,
        },
        Note::LateAckIgnored { tx: 1, from: p2 },
        Note::DuplicateCommit {
            tx: 1,
            on_disk: true,
        },
        Note::DuplicateCommit {
            tx: 1,
            on_disk: false,
        },
        Note::Ended { tx: 1 },
        Note::WorkStarted { tx: 1 },
        Note::PreparedForcing { tx: 1 },
        Note::VotedYes { tx: 1 },
        Note::VotedYesWithoutLogging { tx: 1 },
        Note::AbortedOnItsOwn { tx: 1 },
        Note::RestartedWithOnlyBegin {
            tx: 1,
            forgot_yes_vote: false,
        },
        Note::RestartedWithOnlyBegin {
            tx: 1,
            forgot_yes_vote: true,
        },
        Note::Acknowledged { tx: 1 },
        Note::AcknowledgedCommitAfterAbort {
            tx: 1,
            commit_durable: true,
        },
        Note::AcknowledgedCommitAfterAbort {
            tx: 1,
            commit_durable: false,
        },
        Note::IgnoredWhileRecovering {
            from: p2,
            msg: tpc::Msg::Inquire(1),
        },
        Note::IgnoredWhileRecovering {
            from: p2,
            msg: tpc::Msg::VoteYes(1),
        },
        Note::LogWritten {
            records: vec![tpc::Record::Begin(1)],
            released_locks: false,
        },
        Note::LogWritten {
            records: vec![tpc::Record::Begin(2), tpc::Record::Abort(1)],
            released_locks: false,
        },
        Note::LogWritten {
            records: vec![tpc::Record::Commit(1)],
            released_locks: true,
        },
        Note::Blocked {
            tx: 1,
            asked: 0b0001,
            times: 1,
        },
        Note::Blocked {
            tx: 1,
            asked: 0b1011,
            times: 3,
        },
        Note::AbortForcedBeforeTellingPeer { peer: p3, tx: 1 },
        Note::CannotHelpPeer {
            peer: p3,
            tx: 1,
            why: tpc::CannotHelp::InDoubtToo,
        },
        Note::CannotHelpPeer {
            peer: p3,
            tx: 1,
            why: tpc::CannotHelp::Busy,
        },
        Note::CannotHelpPeer {
            peer: p3,
            tx: 1,
            why: tpc::CannotHelp::NoRecord,
        },
        Note::RecoveredInDoubt { tx: 1 },
    ];
    for reason in [
        DecisionReason::AllVotedYes,
        DecisionReason::VotedNo(p2),
        DecisionReason::VoteTimeout,
        DecisionReason::NothingInTheLog,
    ] {
        let decision = if reason == DecisionReason::AllVotedYes {
            Decision::Commit
        } else {
            Decision::Abort
        };
        notes.push(Note::Decided {
            tx: 1,
            decision,
            reason,
        });
    }
    for decision in [Decision::Commit, Decision::Abort] {
        notes.push(Note::DecisionSent {
            tx: 1,
            decision,
            to: all,
        });
        notes.push(Note::Answered {
            tx: 1,
            to: p2,
            decision,
        });
        notes.push(Note::Learned {
            tx: 1,
            decision,
            from: NodeId(0),
        });
        notes.push(Note::ToldPeer {
            peer: p1,
            tx: 1,
            decision,
        });
        notes.push(Note::Recovered {
            tx: 1,
            found: Some(decision),
        });
    }
    notes.push(Note::Recovered { tx: 1, found: None });
    for reason in [
        NoReason::ItsVote,
        NoReason::NeverDidTheWork,
        NoReason::AlreadyAborted,
        NoReason::Busy,
    ] {
        notes.push(Note::VotedNo { tx: 1, reason });
    }
    notes
}

/// Whether a 2PC note is narrated by the coordinator (otherwise by a participant).
fn by_coordinator(note: &Note) -> bool {
    matches!(
        note,
        Note::BeginForced { .. }
            | Note::WorkSent { .. }
            | Note::PrepareSent { .. }
            | Note::VoteCounted { .. }
            | Note::Decided { .. }
            | Note::CommitForcing { .. }
            | Note::CommitSentBeforeLogged { .. }
            | Note::DecisionSent { .. }
            | Note::AbortForgotten { .. }
            | Note::DecisionResent { .. }
            | Note::LateAckIgnored { .. }
            | Note::Ended { .. }
            | Note::Answered { .. }
            | Note::Recovered { .. }
    )
}

#[test]
fn every_2pc_note_becomes_a_sentence_in_both_languages() {
    let names = tpc_names();
    let notes = every_2pc_note();
    let mut english = BTreeSet::new();
    for lang in Lang::ALL {
        i18n::set_lang(lang);
        for note in &notes {
            let node = if by_coordinator(note) {
                NodeId(0)
            } else {
                NodeId(2)
            };
            let sentence = TwoPc::describe(&Names(&names), node, note);
            assert!(!has_placeholder(&sentence), "{lang:?} {note:?}: {sentence}");
            assert!(
                !looks_like_debug(&sentence, note),
                "{lang:?} {note:?}: {sentence}"
            );
            let narrator = match (node.0, lang) {
                (0, Lang::En) => "coordinator",
                // Named as the stage names it, in both languages.
                (0, Lang::Zh) => "协调者",
                _ => "p2",
            };
            assert!(
                sentence.to_lowercase().contains(narrator),
                "names the narrator: {sentence}"
            );
            assert!(sentence.contains("t1"), "names the transaction: {sentence}");
            if lang == Lang::Zh {
                assert!(has_chinese(&sentence), "untranslated: {sentence}");
            } else {
                assert!(
                    sentence.starts_with(|c: char| c.is_uppercase()),
                    "{sentence}"
                );
                english.insert(sentence);
            }
        }
    }
    i18n::set_lang(Lang::En);
    assert_eq!(
        english.len(),
        notes.len(),
        "every note and reason has its own sentence"
    );
    let n = Names(&names);
    assert_eq!(
        TwoPc::describe(&n, NodeId(0), &Note::PrepareSent { tx: 1, to: 0b1110 }),
        "The work is done: the coordinator asks P1, P2 and P3 to PREPARE t1 and waits for their votes."
    );
    assert_eq!(
        TwoPc::describe(&n, NodeId(0), &Note::CommitForcing { tx: 1 }),
        "The coordinator forces COMMIT t1 to its log before telling anyone, so the decision can never be forgotten."
    );
    let asked = TwoPc::describe(
        &n,
        NodeId(2),
        &Note::Blocked {
            tx: 1,
            asked: 0b1011,
            times: 3,
        },
    );
    assert!(
        asked.contains("asks the coordinator, P1 and P3 again (3 times so far)"),
        "{asked}"
    );
    i18n::set_lang(Lang::Zh);
    let zh = TwoPc::describe(&n, NodeId(0), &Note::PrepareSent { tx: 1, to: 0b1110 });
    let forcing = TwoPc::describe(&n, NodeId(0), &Note::CommitForcing { tx: 1 });
    i18n::set_lang(Lang::En);
    assert!(zh.contains("P1、P2 和 P3"), "{zh}");
    // The coordinator's Chinese name, then the template's words: no space between them.
    assert!(
        forcing.starts_with("协调者在"),
        "no space between Chinese words: {forcing}"
    );
}

fn coordinator_of(sim: &Sim<TwoPcNode>) -> &tpc::Coordinator {
    sim.node(NodeId(0))
        .and_then(TwoPcNode::as_coordinator)
        .expect("coordinator")
}

fn participant_of(sim: &Sim<TwoPcNode>, i: u32) -> &tpc::Participant {
    sim.node(NodeId(i))
        .and_then(TwoPcNode::as_participant)
        .expect("participant")
}

fn phases(sim: &Sim<TwoPcNode>) -> Vec<ParticipantPhase> {
    (1..=3).map(|i| participant_of(sim, i).phase()).collect()
}

#[test]
fn the_2pc_tour_stops_where_its_captions_say() {
    let mut seen = Vec::new();
    walk_tour::<TwoPc>(|i, stop, run| {
        let sim = run.sim();
        let coordinator = coordinator_of(sim);
        let ps = phases(sim);
        let down = sim.status(NodeId(0)) == Some(NodeStatus::Crashed);
        let step = run.cursor();
        seen.push(format!(
            "{i} {} @{step}: coordinator {:?} {:?}, participants {ps:?}",
            stop.title,
            coordinator.phase(),
            sim.status(NodeId(0))
        ));
        let every = |phase: ParticipantPhase| ps.iter().all(|p| *p == phase);
        match i {
            0 => {
                // Everyone voted yes and is in doubt; the coordinator has not decided yet.
                assert!((1..=3).all(|p| participant_of(sim, p).is_in_doubt()
                    && participant_of(sim, p).voted_yes_on(1)));
                assert!(coordinator
                    .log()
                    .iter()
                    .any(|r| format!("{r:?}") == "Begin(1)"));
                assert!(!coordinator
                    .log()
                    .iter()
                    .any(|r| format!("{r:?}").starts_with("Commit")));
            }
            1 => {
                assert!(every(ParticipantPhase::Committed));
                assert_eq!(coordinator.phase(), CoordinatorPhase::Done);
                assert!(coordinator
                    .log()
                    .iter()
                    .any(|r| format!("{r:?}") == "End(1)"));
                assert!((1..=3).all(|p| !participant_of(sim, p).holds_locks()));
            }
            2 => {
                assert!(every(ParticipantPhase::Aborted));
                assert!(!participant_of(sim, 2).voted_yes_on(1), "P2 voted no");
                assert!(
                    participant_of(sim, 1).voted_yes_on(1)
                        && participant_of(sim, 3).voted_yes_on(1),
                    "P1 and P3 had voted yes"
                );
                assert!(
                    !coordinator
                        .log()
                        .iter()
                        .any(|r| format!("{r:?}").starts_with("End")),
                    "an abort writes no END"
                );
            }
            3 => {
                assert!(down);
                assert!((1..=3).all(|p| participant_of(sim, p).is_in_doubt()
                    && participant_of(sim, p).holds_locks()));
            }
            4 | 7 => {
                assert!(down);
                assert!((1..=3).all(|p| participant_of(sim, p).is_blocked()
                    && participant_of(sim, p).inquiries() >= 2
                    && participant_of(sim, p).holds_locks()));
                if i == 7 {
                    assert!(run.config.cooperative_termination);
                }
            }
            5 => {
                assert!(!down);
                assert!(every(ParticipantPhase::Aborted));
                assert!(
                    (1..=3).all(|p| participant_of(sim, p).voted_yes_on(1)),
                    "they had all voted yes"
                );
                assert!(sim.violations().iter().all(Option::is_none));
            }
            6 => {
                assert!(down && every(ParticipantPhase::Committed));
                assert!(run.config.cooperative_termination);
            }
            8 => {
                assert_eq!(
                    ps,
                    [
                        ParticipantPhase::Committed,
                        ParticipantPhase::Committed,
                        ParticipantPhase::Aborted
                    ]
                );
                assert!(sim.violations()[0].is_some(), "atomicity is violated");
            }
            9 => {
                assert_eq!(ps[0], ParticipantPhase::Aborted);
                assert!(participant_of(sim, 1).voted_yes_on(1), "P1 did vote yes");
                assert!(
                    ps.contains(&ParticipantPhase::Committed)
                        || coordinator
                            .log()
                            .iter()
                            .any(|r| format!("{r:?}") == "Commit(1)")
                );
                assert!(sim.violations()[0].is_some(), "atomicity is violated");
            }
            _ => panic!("unexpected stop {i}"),
        }
    });
    println!("{}", seen.join("\n"));
    assert_eq!(TwoPc::tour().len(), 10);
}

/// Every state label the nodes of `S` show in the first `steps` steps of its scenarios is
/// named in its legend (the legend's labels are the stage's own words).
fn legend_names_every_state<S: Scene>(steps: u64) {
    let legend: BTreeSet<String> = S::legend().iter().map(|e| e.label.to_uppercase()).collect();
    let mut shown = BTreeSet::new();
    for info in S::scenarios() {
        let mut spec = scene::scenario_spec_of::<S>(info.id, 1).expect("spec");
        let mut run = scene::build_scene::<S>(&mut spec).run;
        run.extend(steps);
        for step in 0..=run.horizon().min(steps) {
            run.seek(step);
            for n in run.snapshot().nodes {
                shown.insert(n.state);
            }
        }
    }
    assert!(shown.len() >= 8, "{shown:?}");
    let missing: Vec<&&str> = shown.iter().filter(|s| !legend.contains(**s)).collect();
    assert!(
        missing.is_empty(),
        "{}: states shown but not in the legend: {missing:?}",
        S::SLUG
    );
}

#[test]
fn the_2pc_legend_names_every_state_the_nodes_show() {
    legend_names_every_state::<TwoPc>(3_000);
}

#[test]
fn the_2pc_catalogue_has_every_text_and_no_stale_one() {
    let texts = scene_texts::<TwoPc>(
        &["src/scene/two_pc.rs"],
        &["src/scene/two_pc", "src/ui/two_pc"],
    );
    check_catalogue::<TwoPc>(texts, 100);
}

// ----- Distributed locks -----

fn every_lock_note() -> Vec<LockNote> {
    let c = NodeId(3);
    let h = NodeId(4);
    let at = Time::from_millis(130);
    vec![
        LockNote::Granted {
            client: c,
            fence: Some(7),
            expires_at: at,
        },
        LockNote::Granted {
            client: c,
            fence: None,
            expires_at: at,
        },
        LockNote::Refused {
            client: c,
            holder: h,
        },
        LockNote::Released {
            client: c,
            redlock: false,
        },
        LockNote::Released {
            client: c,
            redlock: true,
        },
        // Only a value never set on the server reads differently on one of Redlock's.
        LockNote::NotYours {
            client: c,
            key_holder: Some(h),
            own: OwnValue::NeverSet,
            redlock: false,
        },
        LockNote::NotYours {
            client: c,
            key_holder: Some(h),
            own: OwnValue::NeverSet,
            redlock: true,
        },
        LockNote::NotYours {
            client: c,
            key_holder: None,
            own: OwnValue::NeverSet,
            redlock: false,
        },
        LockNote::NotYours {
            client: c,
            key_holder: None,
            own: OwnValue::NeverSet,
            redlock: true,
        },
        LockNote::NotYours {
            client: c,
            key_holder: Some(h),
            own: OwnValue::Expired,
            redlock: false,
        },
        LockNote::NotYours {
            client: c,
            key_holder: None,
            own: OwnValue::Expired,
            redlock: false,
        },
        LockNote::NotYours {
            client: c,
            key_holder: Some(h),
            own: OwnValue::LostInCrash,
            redlock: false,
        },
        LockNote::NotYours {
            client: c,
            key_holder: None,
            own: OwnValue::LostInCrash,
            redlock: false,
        },
        LockNote::LeaseExpired { holder: c },
        LockNote::Restarted {
            kept_lease: true,
            counter: 4,
        },
        LockNote::Restarted {
            kept_lease: false,
            counter: 0,
        },
        LockNote::Restarted {
            kept_lease: false,
            counter: 4,
        },
        LockNote::ChildCreated { client: c, seq: 5 },
        LockNote::SessionExpired {
            client: c,
            epoch: 1,
            deleted: vec![5],
        },
        LockNote::SessionExpired {
            client: c,
            epoch: 1,
            deleted: Vec::new(),
        },
        LockNote::WriteAccepted {
            client: c,
            token: Some(7),
        },
        LockNote::WriteAccepted {
            client: c,
            token: None,
        },
        LockNote::WriteRejected {
            client: c,
            token: Some(6),
            newest: Some(7),
        },
        LockNote::WriteRejected {
            client: c,
            token: None,
            newest: None,
        },
        LockNote::Acquired {
            token: Some(7),
            believed_expiry: Some(at),
        },
        LockNote::Acquired {
            token: Some(7),
            believed_expiry: None,
        },
        LockNote::Acquired {
            token: None,
            believed_expiry: Some(at),
        },
        LockNote::Acquired {
            token: None,
            believed_expiry: None,
        },
        LockNote::GaveBackLateGrant,
        LockNote::LeaseOverByItsOwnClock,
        LockNote::SessionLost,
        LockNote::Wrote { token: Some(7) },
        LockNote::Wrote { token: None },
        LockNote::BackedOff {
            delay: Time::from_millis(23),
            failures: 1,
        },
        LockNote::BackedOff {
            delay: Time::from_millis(41),
            failures: 2,
        },
    ]
}

/// Whether a lock note is narrated by a client (otherwise by a server or the storage).
fn by_client(note: &LockNote) -> bool {
    matches!(
        note,
        LockNote::Acquired { .. }
            | LockNote::GaveBackLateGrant
            | LockNote::LeaseOverByItsOwnClock
            | LockNote::SessionLost
            | LockNote::Wrote { .. }
            | LockNote::BackedOff { .. }
    )
}

#[test]
fn every_lock_note_becomes_a_sentence_in_both_languages() {
    let names = locks::node_names(&locks::LocksConfig::default());
    assert_eq!(names[0], "redis");
    assert_eq!(names[3], "client 2");
    let notes = every_lock_note();
    let mut english = BTreeSet::new();
    for lang in Lang::ALL {
        i18n::set_lang(lang);
        for note in &notes {
            let node = if by_client(note) {
                NodeId(4)
            } else {
                NodeId(0)
            };
            let sentence = Locks::describe(&Names(&names), node, note);
            assert!(!has_placeholder(&sentence), "{lang:?} {note:?}: {sentence}");
            assert!(
                !looks_like_debug(&sentence, note),
                "{lang:?} {note:?}: {sentence}"
            );
            let lower = sentence.to_lowercase();
            // Names as the page shows them: "client 2" reads 客户端 2 in Chinese.
            let shown = |id: NodeId| i18n::node_name(&names[id.index()]);
            assert!(
                lower.contains(shown(node).as_str()),
                "names the narrator: {sentence}"
            );
            if let LockNote::Granted { client, .. } | LockNote::Refused { client, .. } = note {
                assert!(lower.contains(shown(*client).as_str()), "{sentence}");
            }
            if lang == Lang::Zh {
                assert!(has_chinese(&sentence), "untranslated: {sentence}");
            } else {
                english.insert(sentence);
            }
        }
    }
    i18n::set_lang(Lang::En);
    assert_eq!(
        english.len(),
        notes.len(),
        "every note has its own sentence"
    );
    assert_eq!(
        Locks::describe(&Names(&names), NodeId(0), &LockNote::LeaseExpired { holder: NodeId(3) }),
        "client 2's lease expires on redis's clock and the key is deleted, whatever client 2 is doing: if client 2 is paused, it still believes it holds the lock."
    );
}

fn believers(sim: &Sim<LockNode>) -> Vec<(NodeId, bool)> {
    lock_view(sim)
        .believers
        .iter()
        .map(|b| (b.client, b.paused))
        .collect()
}

#[test]
fn the_locks_tour_stops_where_its_captions_say() {
    let mut seen = Vec::new();
    let mut herd_cost = None;
    walk_tour::<Locks>(|i, stop, run| {
        let sim = run.sim();
        let view = lock_view(sim);
        let stats = lock_stats(sim);
        seen.push(format!(
            "{i} {} @{}: holder {:?} believers {:?} waiters {} stats {stats:?}",
            stop.title,
            run.cursor(),
            view.holder.as_ref().map(|h| &h.name),
            believers(sim),
            view.waiters.len()
        ));
        match i {
            0 => {
                let holder = view.holder.expect("the lease is still held");
                assert_eq!(sim.status(holder.client), Some(NodeStatus::Crashed));
                assert_eq!(run.config.ttl, Time::from_millis(100));
            }
            1 => {
                let holder = view.holder.expect("someone holds the lock");
                assert_eq!(sim.status(holder.client), Some(NodeStatus::Up));
                assert!(
                    stats.failed_attempts > 0,
                    "the others were refused and backed off"
                );
                assert_eq!(stats.acquisitions, 2);
            }
            2 => {
                assert_eq!(believers(sim).len(), 1);
                assert!(believers(sim)[0].1, "the holder is paused");
                assert_eq!(
                    stop.highlights,
                    [believers(sim)[0].0 .0],
                    "the stop points at it"
                );
                assert_eq!(sim.violations().iter().filter(|v| v.is_some()).count(), 0);
            }
            3 => {
                let b = believers(sim);
                assert_eq!(b.len(), 2, "{b:?}");
                assert!(b.iter().any(|(_, paused)| *paused));
                let holder = view.holder.expect("the new holder");
                assert!(b.iter().any(|(c, paused)| *c == holder.client && !paused));
                assert!(
                    holder.token >= Some(2),
                    "the next fencing token: {:?}",
                    holder.token
                );
                assert!(sim.violations()[1].is_some(), "single holder fails");
                let both: Vec<u32> = b.iter().map(|(c, _)| c.0).collect();
                assert_eq!(stop.highlights, both, "the stop points at both holders");
            }
            4 => {
                assert!(stats.writes_rejected >= 1 && stats.writes_accepted >= 1);
                let rejected = view
                    .storage
                    .iter()
                    .find(|w| !w.accepted)
                    .expect("a rejected write");
                assert!(rejected.token < rejected.newest_token);
                assert!(sim.violations()[0].is_none(), "no stale writes holds");
            }
            5 => {
                assert!(!run.config.fencing);
                assert!(sim.violations()[0].is_some(), "no stale writes fails");
                assert_eq!(stats.writes_rejected, 0);
            }
            6 => {
                assert!(view.waiters.len() >= 3);
                assert!(view
                    .waiters
                    .iter()
                    .all(|w| matches!(w.watching, locks::WatchTarget::Predecessor(_))));
                assert_eq!(
                    view.holder
                        .and_then(|h| h.token)
                        .map(|t| t < view.waiters[0].seq),
                    Some(true)
                );
            }
            7 => {
                assert!(view.waiters.len() >= 5);
                let notified = sim
                    .in_flight()
                    .filter(|m| matches!(&m.msg, locks::LockMsg::Queue(q) if q.is_notification()))
                    .count();
                assert!(
                    notified >= 4,
                    "the herd: {notified} notifications in flight"
                );
                assert!(view
                    .waiters
                    .iter()
                    .any(|w| w.watching == locks::WatchTarget::LockNode));
            }
            8 => herd_cost = stats.notifications_per_acquisition(),
            _ => panic!("unexpected stop {i}"),
        }
    });
    println!("{}", seen.join("\n"));
    // "About 9 notifications per acquisition; the predecessor recipe ... costs about 1."
    let mut spec = scene::scenario_spec_of::<Locks>("predecessor", 1).expect("spec");
    let mut run = scene::build_scene::<Locks>(&mut spec).run;
    while !run.is_finished() && run.extend(2_000) > 0 {}
    run.seek(run.horizon());
    let predecessor = lock_stats(run.sim())
        .notifications_per_acquisition()
        .expect("acquisitions");
    let herd = herd_cost.expect("the herd's cost");
    println!("notifications per acquisition: herd {herd:.2}, predecessor {predecessor:.2}");
    assert_eq!(
        (herd.round(), predecessor.round()),
        (9.0, 1.0),
        "herd {herd:.2} vs predecessor {predecessor:.2}"
    );
}

#[test]
fn the_locks_legend_names_every_state_the_nodes_show() {
    legend_names_every_state::<Locks>(1_500);
}

#[test]
fn the_locks_catalogue_has_every_text_and_no_stale_one() {
    let mut texts = scene_texts::<Locks>(
        &["src/scene/locks.rs"],
        &["src/scene/locks", "src/ui/locks"],
    );
    // The lock panel's heading names the lock kind by its title.
    texts.extend(LockKind::ALL.map(|kind| kind.title().to_string()));
    check_catalogue::<Locks>(texts, 80);
}

// ----- Consistent hashing -----

fn cluster(run: &SceneRun<Ring>) -> &dsviz::algo::ring_cluster::RingNode {
    run.sim().node(NodeId(0)).expect("the cluster")
}

#[test]
fn the_ring_tour_stops_where_its_captions_say() {
    let mut seen = Vec::new();
    walk_tour::<Ring>(|i, stop, run| {
        let node = cluster(run);
        let summary = node.load_summary();
        let change = node.last_change();
        let keys = node.key_count() as usize;
        seen.push(format!(
            "{i} {} @{}: peak / fair share {:.2}, moved {:?} of {keys}, ring {:?}, ideal {:?}",
            stop.title,
            run.cursor(),
            summary.peak_over_fair_share,
            change.map(|c| c.moves.len()),
            change.map(|c| c.ring_moves),
            change.map(|c| c.ideal_moves.round())
        ));
        let slot_of = |name: &str| {
            node.live_nodes()
                .find(|(_, n)| n.name == name)
                .map(|(s, _)| s)
        };
        match i {
            0 => {
                let c = change.expect("the join");
                let share = c.moves.len() as f64 / keys as f64;
                assert!((0.75..0.85).contains(&share), "about 80% move: {share:.2}");
                assert_eq!((c.nodes_before, c.nodes_after), (4, 5));
            }
            1 => {
                let c = change.expect("the join");
                let newcomer = slot_of("node-6").expect("node-6");
                assert!(c.moves.iter().all(|m| m.to == newcomer), "all to node-6");
                let share = c.moves.len() as f64 / keys as f64;
                assert!((0.12..0.22).contains(&share), "about a sixth: {share:.2}");
            }
            2 => {
                assert_eq!(node.config().vnodes, 1);
                assert!(
                    summary.peak_over_fair_share > 1.5,
                    "well over its share: {:.2}",
                    summary.peak_over_fair_share
                );
                let rows = node.node_rows();
                let least = rows
                    .iter()
                    .map(|r| f64::from(r.keys) / r.fair)
                    .fold(f64::MAX, f64::min);
                assert!(least < 0.6, "another holds far less: {least:.2}");
            }
            3 => {
                assert_eq!(node.config().vnodes, 100);
                let rows = node.node_rows();
                assert!(
                    rows.iter()
                        .all(|r| (f64::from(r.keys) / r.fair - 1.0).abs() < 0.12),
                    "within about 10%"
                );
            }
            4 => {
                let c = change.expect("the weight change");
                let node1 = slot_of("node-1").expect("node-1");
                assert!(
                    c.moves.iter().all(|m| m.to == node1),
                    "keys only move to node-1"
                );
                let sources: BTreeSet<u16> = c.moves.iter().map(|m| m.from).collect();
                assert_eq!(sources.len(), 3, "from every other server");
                let weights: Vec<u32> = node.live_nodes().map(|(_, n)| n.weight).collect();
                assert_eq!(weights, [3, 1, 2, 4]);
            }
            5 => {
                let c = change.expect("the failure");
                assert_eq!(c.node, "node-3");
                let failed = c.slot;
                assert!(c.moves.iter().all(|m| m.from == failed));
                assert_eq!(node.config().replicas, 3);
                let lookup = node.lookup().expect("the lookup");
                assert_eq!(lookup.replicas.len(), 3);
                assert!(!lookup.replicas.contains(&failed));
            }
            6 => {
                let c = change.expect("the join");
                assert!(
                    c.moves.len() as u64 > c.ring_moves,
                    "more than the plain ring"
                );
                let rows = node.node_rows();
                assert!(rows
                    .iter()
                    .all(|r| r.cap.is_some_and(|cap| u64::from(r.keys) <= cap)));
                assert!((node.config().capacity_factor() - 1.25).abs() < 1e-9);
            }
            _ => panic!("unexpected stop {i}"),
        }
    });
    println!("{}", seen.join("\n"));
}

#[test]
fn the_ring_catalogue_has_every_text_and_no_stale_one() {
    let texts = scene_texts::<Ring>(&["src/scene/ring.rs"], &["src/scene/ring", "src/ui/ring"]);
    check_catalogue::<Ring>(texts, 60);
}

/// Lists every text the catalogues need, one per line, for whoever updates them:
/// `cargo test --test teach_old_scenes list_scene_texts -- --ignored --nocapture`.
#[test]
#[ignore]
fn list_scene_texts() {
    let all = [
        (
            "2pc",
            scene_texts::<TwoPc>(
                &["src/scene/two_pc.rs"],
                &["src/scene/two_pc", "src/ui/two_pc"],
            ),
        ),
        (
            "locks",
            scene_texts::<Locks>(
                &["src/scene/locks.rs"],
                &["src/scene/locks", "src/ui/locks"],
            ),
        ),
        (
            "ring",
            scene_texts::<Ring>(&["src/scene/ring.rs"], &["src/scene/ring", "src/ui/ring"]),
        ),
    ];
    for (scene, texts) in all {
        for text in texts {
            println!("TEXT {scene}\t{text}");
        }
    }
}

/// Prints the event log of a 2PC and a locks scenario in both languages, to read them:
/// `cargo test --test teach_old_scenes print_logs -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_logs() {
    fn print<S: Scene>(id: &str, steps: u64) {
        for lang in Lang::ALL {
            i18n::set_lang(lang);
            let mut spec = scene::scenario_spec_of::<S>(id, 1).expect("spec");
            let mut run = scene::build_scene::<S>(&mut spec).run;
            run.extend(steps);
            for line in run.log(0, steps) {
                println!("{lang:?} {:>4} {}", line.step, line.text);
            }
        }
        i18n::set_lang(Lang::En);
    }
    print::<TwoPc>("coop", 60);
    print::<Locks>("gc-pause", 100);
}
