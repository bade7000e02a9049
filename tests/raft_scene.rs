//! The Raft scene: its links (every scenario round-trips, bad parameters and actions are
//! answered with messages), its view model, its node menu, a sentence for every note, the
//! tour's stops, the Chinese catalogue, and the pure geometry of its views.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::raft::{self, Note, Role};
use dsviz::i18n::{self, parse_catalogue, Lang};
use dsviz::scene::raft::{Raft, RaftView, Verdict};
use dsviz::scene::{self, At, Names, RunSpec, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::trace::TraceKind;
use dsviz::sim::{NodeId, Sim};
use std::collections::BTreeSet;
use std::path::Path;

fn build(query: &str) -> (RunSpec, Box<SceneRun<Raft>>, Vec<String>) {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    let built = scene::build_scene::<Raft>(&mut spec);
    (spec, built.run, built.problems)
}

fn scenario_run(id: &str, seed: u64) -> Box<SceneRun<Raft>> {
    let mut spec = scene::scenario_spec_of::<Raft>(id, seed).expect("scenario");
    let built = scene::build_scene::<Raft>(&mut spec);
    assert!(built.problems.is_empty(), "{id}: {:?}", built.problems);
    built.run
}

/// The first step from `from` (within `limit` steps) at which `holds` is true of the world.
fn first_step_where(
    run: &mut SceneRun<Raft>,
    from: u64,
    limit: u64,
    holds: fn(&Sim<raft::RaftNode>) -> bool,
) -> Option<u64> {
    (from..from + limit).find(|&step| {
        if step > run.horizon() {
            run.extend(1_000);
        }
        run.seek(step);
        run.cursor() == step && holds(run.sim())
    })
}

#[test]
fn every_scenario_link_rebuilds_its_configuration_exactly() {
    for info in Raft::scenarios() {
        let scenario = Raft::scenario(info.id).expect("listed scenario exists");
        let spec = scene::scenario_spec_of::<Raft>(info.id, 7).expect("spec");
        let (spec2, run, problems) = build(&spec.to_query());
        assert!(problems.is_empty(), "{}: {problems:?}", info.id);
        assert_eq!(
            run.config, scenario.config,
            "{}: link changed the config",
            info.id
        );
        assert_eq!(spec2.actions, spec.actions, "{}: actions kept", info.id);
    }
}

#[test]
fn figure_7_logs_travel_in_the_link() {
    let spec = scene::scenario_spec_of::<Raft>("figure-7", 1).expect("spec");
    let logs = spec
        .param("logs")
        .expect("figure 7 writes its logs")
        .to_string();
    assert!(logs.starts_with("1.1.1.4.4.5.5.6.6.6_"), "{logs}");
    assert_eq!(
        scene::raft::parse_logs(&logs).expect("parses"),
        raft::figure_7_logs()
    );
    assert_eq!(scene::raft::write_logs(&raft::figure_7_logs()), logs);
}

#[test]
fn bad_parameters_are_answered_with_messages() {
    let cases = [
        ("n=4", "Servers must be one of 3, 5, 7, 9"),
        ("clients=9", "Clients must be a whole number from 0 to 3"),
        ("tmin=500&tmax=100", "must not exceed the maximum"),
        ("hb=200", "heartbeat interval"),
        ("snap=1", "snapshot threshold of 1"),
        ("variant=yolo", "Variant must be one of correct"),
        ("reads=maybe", "Reads must be one of log, read-index"),
        ("prevote=perhaps", "PreVote must be 1 (on) or 0 (off)"),
        ("logs=1.x.3", "Initial logs are terms like"),
        ("logs=3.2", "never decrease"),
        (
            "tmin=0",
            "Election timeout min (ms) must be a whole number from 1",
        ),
        (
            "spares=5",
            "Spare servers must be a whole number from 0 to 2",
        ),
    ];
    for (params, expected) in cases {
        let (_, run, problems) = build(&format!("?scene=raft&{params}"));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{params}: expected a message with \"{expected}\", got {problems:?}"
        );
        assert!(
            run.config.validate().is_ok(),
            "{params}: the run uses a valid config"
        );
    }
}

#[test]
fn bad_actions_in_a_link_are_dropped_with_messages() {
    let cases = [
        ("0@0:cmd:0:timer:99999", "timer"),
        ("0@0:cmd:5:put:X:1", "is not a command this scene knows"),
        ("0@0:cmd:0:add:99", "is not a command this scene knows"),
        ("0@0:cmd:9:timeout", "there is no node 9"),
        ("0@0:cmd:0:dance", "is not a command this scene knows"),
    ];
    for (action, expected) in cases {
        let (spec, _, problems) = build(&format!("?scene=raft&a={action}"));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{action}: expected \"{expected}\" in {problems:?}"
        );
        assert!(spec.actions.is_empty(), "{action} is dropped");
    }
}

fn view_at(run: &mut SceneRun<Raft>, step: u64) -> RaftView {
    run.seek(step);
    run.view()
}

#[test]
fn the_view_shows_leader_logs_peers_and_the_verdict() {
    let mut run = scenario_run("leader-crash", 3);
    let tour = Raft::tour();
    let At::When(committed) = tour[3].at else {
        panic!("stop 4 is a condition")
    };
    let step = first_step_where(&mut run, 0, 20_000, committed).expect("the write commits");
    let view = view_at(&mut run, step);
    assert_eq!(view.leader, Some(NodeId(0)));
    let leader = view.server(NodeId(0)).expect("n0");
    assert_eq!(leader.role, Role::Leader);
    assert_eq!(
        leader.peers.len(),
        4,
        "nextIndex and matchIndex of each follower"
    );
    assert!(leader.peers.iter().all(|p| p.next > p.matched));
    assert!(leader.commit >= 2, "no-op and the write: {}", leader.commit);
    let majority = view
        .servers
        .iter()
        .filter(|s| {
            s.cells
                .iter()
                .any(|c| matches!(c.kind, scene::raft::CellKind::Put('x', 1)))
        })
        .count();
    assert!(
        majority >= 3,
        "the committed write is on a majority: {majority}"
    );
    assert_eq!(view.window.1 - view.window.0 + 1, scene::raft::LOG_WINDOW);
    // Later, the write has returned to the client and the history is judged.
    let end = first_step_where(&mut run, step, 20_000, |sim| {
        sim.nodes()
            .iter()
            .filter_map(|(_, n, _)| n.as_client())
            .any(|c| c.completed() > 0)
    })
    .expect("the client hears back");
    let view = view_at(&mut run, end);
    assert_eq!(view.verdict, Verdict::Linearizable);
    assert_eq!(view.clients[0].history.len(), 1);
}

#[test]
fn the_stale_read_turns_the_verdict_red() {
    let mut run = scenario_run("stale-read", 1);
    let step = first_step_where(&mut run, 0, 40_000, |sim| {
        sim.violations().iter().any(Option::is_some)
    })
    .expect("linearizability fails");
    let view = view_at(&mut run, step);
    assert!(
        // The two operations that conflict: a get that missed a put finished before it.
        matches!(&view.verdict, Verdict::Violated(m)
            if m.to_string().contains("'s get:x returned 1 at ")
                && m.to_string().contains("'s put:x:2 had returned at ")),
        "{:?}",
        view.verdict
    );
}

#[test]
fn the_node_menu_offers_what_each_node_can_do() {
    let mut run = scenario_run("membership", 1);
    let step = first_step_where(&mut run, 0, 20_000, |sim| {
        raft::leader(sim).is_some_and(|(id, _)| {
            let s = sim
                .node(id)
                .and_then(raft::RaftNode::as_server)
                .expect("server");
            s.log().term_at(s.commit_index()) == Some(s.current_term())
        })
    })
    .expect("a settled leader");
    run.seek(step);
    let leader = raft::leader(run.sim()).expect("leader").0;
    let labels: Vec<String> = Raft::node_commands(&run, leader)
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert!(
        labels.iter().any(|l| l == "Add n5 to the cluster"),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.starts_with("Remove n1 from")),
        "{labels:?}"
    );
    assert!(labels.iter().any(|l| l.contains("(itself)")), "{labels:?}");
    let follower = NodeId(if leader.0 == 1 { 2 } else { 1 });
    let actions: Vec<String> = Raft::node_commands(&run, follower)
        .into_iter()
        .map(|c| c.action.to_string())
        .collect();
    assert_eq!(actions, vec![format!("cmd:{}:timeout", follower.0)]);
    let client = NodeId(run.config.server_nodes());
    let actions: Vec<String> = Raft::node_commands(&run, client)
        .into_iter()
        .map(|c| c.action.to_string())
        .collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(
        actions[0].starts_with(&format!("cmd:{}:put:", client.0)),
        "{actions:?}"
    );
    // A fresh leader that has committed nothing of its term says it would refuse.
    let mut run = scenario_run("first-election", 2);
    let step =
        first_step_where(&mut run, 0, 5_000, |sim| raft::leader(sim).is_some()).expect("leader");
    run.seek(step);
    let leader = raft::leader(run.sim()).expect("leader").0;
    let labels: Vec<String> = Raft::node_commands(&run, leader)
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert!(
        labels
            .iter()
            .all(|l| l.contains("refused now: it has not committed an entry of its own term yet")),
        "{labels:?}"
    );
    assert!(!labels.is_empty());
}

#[test]
fn every_tour_stop_is_reached_in_its_scenario() {
    let mut previous: Option<(&str, u64)> = None;
    let mut run: Option<Box<SceneRun<Raft>>> = None;
    for (i, stop) in Raft::tour().into_iter().enumerate() {
        assert!(
            Raft::scenario(stop.scenario).is_some(),
            "stop {i}: {}",
            stop.scenario
        );
        let from = match previous {
            Some((id, step)) if id == stop.scenario => step,
            _ => {
                run = Some(scenario_run(stop.scenario, 1));
                0
            }
        };
        let r = run.as_mut().expect("run");
        let step = match stop.at {
            At::When(holds) => first_step_where(r, from, 40_000, holds)
                .unwrap_or_else(|| panic!("stop {i} ({}) is never reached", stop.title)),
            At::Step(s) => s,
            At::End => panic!("Raft runs never come to rest: stop {i} needs a moment"),
        };
        previous = Some((stop.scenario, step));
    }
    assert!((8..=11).contains(&Raft::tour().len()));
}

/// One note of every kind and every reason, to hold each sentence to the same standard.
fn every_note() -> Vec<Note> {
    use raft::{
        AppendRefusal, ChangeRefusal, Ignored, Key, LastEntry, LogsCompared, Members, Op, OpResult,
        StepDown, VoteRefusal,
    };
    let (n0, n1, c1) = (NodeId(0), NodeId(1), NodeId(6));
    let x = Key::new('x').expect("key");
    let put = Op::Put { key: x, value: 5 };
    let members = Members::first(3);
    let mut notes = vec![
        Note::ElectionTimerSet {
            due: dsviz::sim::Time::from_millis(210),
        },
        Note::ElectionTimeout { term: 3 },
        Note::NotAMember { members },
        Note::PreVoteStarted { term: 4 },
        Note::ElectionStarted {
            term: 4,
            transfer: false,
        },
        Note::ElectionStarted {
            term: 4,
            transfer: true,
        },
        Note::VoteRequestIgnored {
            candidate: n1,
            term: 5,
        },
        Note::VoteCounted {
            from: n1,
            granted: true,
            pre_vote: false,
            ayes: 2,
            needed: 3,
        },
        Note::VoteCounted {
            from: n1,
            granted: false,
            pre_vote: true,
            ayes: 1,
            needed: 3,
        },
        Note::BecameLeader { term: 4, ayes: 3 },
        Note::NewTerm { term: 5, from: n1 },
        Note::NoOpAppended { index: 7, term: 4 },
        Note::EntriesAccepted {
            from: 3,
            to: 5,
            truncated_from: None,
        },
        Note::EntriesAccepted {
            from: 3,
            to: 5,
            truncated_from: Some(3),
        },
        Note::LogAlreadyMatches { up_to: 5 },
        Note::NextIndexBackedOff {
            peer: n1,
            next_index: 4,
            used_hint: false,
        },
        Note::NextIndexBackedOff {
            peer: n1,
            next_index: 4,
            used_hint: true,
        },
        Note::MatchAdvanced {
            peer: n1,
            match_index: 5,
        },
        Note::Committed { index: 5, term: 4 },
        Note::OldTermNotCommitted { index: 2, term: 2 },
        Note::CommitLearned { index: 5 },
        Note::Applied { index: 5 },
        Note::SnapshotTaken { index: 8, term: 4 },
        Note::SnapshotSent { peer: n1, index: 8 },
        Note::SnapshotInstalled {
            index: 8,
            term: 4,
            kept_suffix: false,
        },
        Note::SnapshotInstalled {
            index: 8,
            term: 4,
            kept_suffix: true,
        },
        Note::Redirected {
            client: c1,
            leader: Some(n0),
        },
        Note::Redirected {
            client: c1,
            leader: None,
        },
        Note::RequestAppended {
            client: c1,
            serial: 2,
            index: 6,
        },
        Note::RepeatAnswered {
            client: c1,
            serial: 2,
        },
        Note::RequestAlreadyInLog {
            client: c1,
            serial: 2,
        },
        Note::RequestForgotten {
            client: c1,
            serial: 2,
        },
        Note::Answered {
            client: c1,
            serial: 2,
            result: OpResult::Written,
        },
        Note::ReadIndexRecorded {
            client: c1,
            read_index: 6,
            round: 9,
        },
        Note::ReadWaitsForTermCommit { client: c1 },
        Note::LeadershipConfirmed { round: 9 },
        Note::ReadServed {
            client: c1,
            key: x,
            value: Some(5),
            unchecked: false,
        },
        Note::ReadServed {
            client: c1,
            key: x,
            value: None,
            unchecked: true,
        },
        Note::ConfigAppended {
            index: 9,
            members: members.with(NodeId(5)),
        },
        Note::QuorumChecked {
            heard: 2,
            needed: 3,
        },
        Note::Invoked { op: put, serial: 3 },
        Note::RequestSent { to: n0, serial: 3 },
        Note::RequestTimedOut { serial: 3 },
        Note::Returned {
            op: Op::Get { key: x },
            result: OpResult::Read(Some(5)),
        },
        Note::Queued { op: put },
    ];
    let ahead = LastEntry { term: 3, index: 4 };
    let behind = LastEntry { term: 2, index: 6 };
    // Granted with the logs compared, or (the broken variant) not compared, whether the
    // candidate's log was behind or not; and with empty logs.
    for (candidate, own, checked) in [
        (ahead, behind, true),
        (LastEntry::default(), LastEntry::default(), true),
        (ahead, behind, false),
        (behind, ahead, false),
    ] {
        for pre_vote in [false, true] {
            notes.push(Note::VoteGranted {
                candidate: n1,
                term: 4,
                pre_vote,
                logs: LogsCompared {
                    candidate,
                    own,
                    checked,
                },
            });
        }
    }
    notes.push(Note::SecondVote {
        candidate: n1,
        term: 4,
        first: n0,
    });
    notes.push(Note::VoteLost {
        term: 4,
        candidate: n0,
    });
    for reason in [
        VoteRefusal::StaleTerm,
        VoteRefusal::AlreadyVoted(n0),
        VoteRefusal::LogBehind {
            candidate: behind,
            own: ahead,
        },
        VoteRefusal::LeaderAlive,
    ] {
        notes.push(Note::VoteRefused {
            candidate: n1,
            term: 4,
            pre_vote: false,
            reason,
        });
        notes.push(Note::VoteRefused {
            candidate: n1,
            term: 4,
            pre_vote: true,
            reason,
        });
    }
    for reason in [
        StepDown::HigherTerm,
        StepDown::LeaderExists,
        StepDown::PreVoteEnded,
        StepDown::LostQuorum,
        StepDown::RemovedFromConfig,
    ] {
        notes.push(Note::SteppedDown { term: 4, reason });
    }
    for reason in [
        AppendRefusal::StaleTerm,
        AppendRefusal::LogTooShort,
        AppendRefusal::TermMismatch { ours: 2, theirs: 3 },
    ] {
        notes.push(Note::AppendRefused {
            leader: n1,
            prev_index: 4,
            reason,
        });
    }
    for reason in [
        ChangeRefusal::NotLeader(Some(n1)),
        ChangeRefusal::NotLeader(None),
        ChangeRefusal::NoEntryOfTermCommitted,
        ChangeRefusal::ChangePending(7),
        ChangeRefusal::AlreadyMember,
        ChangeRefusal::NotAMember,
        ChangeRefusal::NotAServer,
        ChangeRefusal::WouldBeEmpty,
    ] {
        notes.push(Note::ChangeRefused { reason });
    }
    for reason in [
        Ignored::NotAClient,
        Ignored::NotAServer,
        Ignored::NotAMember,
        Ignored::IsLeader,
        Ignored::QueueFull,
    ] {
        notes.push(Note::CommandIgnored { reason });
    }
    notes
}

/// Whether `text` still holds a `{placeholder}` (a configuration `{n0, n1}` is not one).
fn has_placeholder(text: &str) -> bool {
    text.split('{').skip(1).any(|rest| {
        rest.split_once('}').is_some_and(|(inside, _)| {
            !inside.is_empty() && inside.chars().all(|c| c.is_ascii_lowercase())
        })
    })
}

#[test]
fn every_note_becomes_a_sentence_in_both_languages() {
    let notes = every_note();
    let names: Vec<String> = ["n0", "n1", "n2", "n3", "n4", "n5", "c1"]
        .map(String::from)
        .to_vec();
    let mut english = BTreeSet::new();
    for lang in Lang::ALL {
        i18n::set_lang(lang);
        for note in &notes {
            let sentence = Raft::describe(&Names(&names), NodeId(2), note);
            assert!(!has_placeholder(&sentence), "{lang:?} {note:?}: {sentence}");
            assert!(
                sentence.contains("n2"),
                "names the narrator: {lang:?} {note:?}: {sentence}"
            );
            if lang == Lang::Zh {
                assert!(
                    sentence
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "untranslated: {sentence}"
                );
            } else {
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
    let refusal = Raft::describe(
        &Names(&names),
        NodeId(2),
        &Note::VoteRefused {
            candidate: NodeId(1),
            term: 4,
            pre_vote: false,
            reason: raft::VoteRefusal::LogBehind {
                candidate: raft::LastEntry { term: 2, index: 6 },
                own: raft::LastEntry { term: 3, index: 4 },
            },
        },
    );
    assert_eq!(refusal, "n2 refuses n1 its vote for term 4: n1's log (term 2, index 6) is behind its own (term 3, index 4), so n1 might lack committed entries (§5.4.1).");
}

#[test]
fn the_scenarios_narrate_most_kinds_of_note() {
    let mut kinds = BTreeSet::new();
    for info in Raft::scenarios() {
        let mut run = scenario_run(info.id, 1);
        run.extend(6_000);
        for entry in run.timeline().entries(1, 6_000).iter() {
            if let TraceKind::Note { note, .. } = &entry.kind {
                kinds.insert(format!("{:?}", std::mem::discriminant(note)));
            }
        }
    }
    assert!(kinds.len() >= 35, "{} kinds of note seen", kinds.len());
}

/// Every text of the scene the page shows through `tr`: its own wrapped literals, and the
/// texts the shell translates (title, blurb, fields, scenarios, tour, legend).
fn scene_texts() -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    let mut files = vec![Path::new("src/scene/raft.rs").to_path_buf()];
    for dir in ["src/scene/raft", "src/ui/raft"] {
        for entry in std::fs::read_dir(dir).expect("folder").flatten() {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                files.push(entry.path());
            }
        }
    }
    for file in files {
        let source = std::fs::read_to_string(&file).expect("source");
        texts.extend(wrapped_literals(&source));
    }
    texts.insert(Raft::TITLE.into());
    texts.insert(Raft::BLURB.into());
    for field in Raft::FIELDS {
        texts.insert(field.label.into());
        texts.insert(field.help.into());
        if let dsviz::scene::FieldKind::Choice(options) = field.kind {
            texts.extend(
                options
                    .iter()
                    .filter(|(_, l)| l.parse::<u32>().is_err())
                    .map(|(_, l)| l.to_string()),
            );
        }
    }
    for info in Raft::scenarios() {
        texts.insert(info.title.into());
        texts.insert(info.description.into());
    }
    for stop in Raft::tour() {
        texts.insert(stop.title.into());
        texts.insert(stop.caption.into());
    }
    for entry in Raft::legend() {
        texts.insert(entry.label.into());
        texts.insert(entry.meaning.into());
    }
    texts
}

#[test]
fn the_chinese_catalogue_has_every_text_and_no_stale_one() {
    let pairs = parse_catalogue(Raft::CATALOGUE_ZH).expect("the catalogue parses");
    let english: BTreeSet<String> = pairs.iter().map(|(e, _)| e.to_string()).collect();
    assert_eq!(english.len(), pairs.len(), "no text is translated twice");
    let texts = scene_texts();
    assert!(
        texts.len() > 150,
        "the scan finds the scene's texts: {}",
        texts.len()
    );
    let missing: Vec<&String> = texts.iter().filter(|t| !english.contains(*t)).collect();
    // The algorithm's lines (detail lines, message and timer labels) are its literals.
    let algo = literals_under(algo_dir(Raft::SLUG));
    let stale: Vec<&String> = english
        .iter()
        .filter(|e| !texts.contains(*e) && !algo.contains(*e))
        .collect();
    assert!(
        missing.is_empty(),
        "{} texts lack Chinese:\n{}",
        missing.len(),
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(stale.is_empty(), "stale entries: {stale:?}");
    for (e, zh) in &pairs {
        let holes = |t: &str| -> BTreeSet<String> {
            t.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}'))
                .map(|(h, _)| h.to_string())
                .collect()
        };
        assert_eq!(holes(e), holes(zh), "placeholders differ: {e} / {zh}");
    }
}

/// Lists every text the catalogue needs, one per line, for whoever updates it:
/// `cargo test --test raft_scene list_scene_texts -- --ignored --nocapture`.
#[test]
#[ignore]
fn list_scene_texts() {
    for text in scene_texts() {
        println!("TEXT {text}");
    }
}

// ----- The views' pure parts -----

use dsviz::ui::raft::actions::{align_timers, client_request, restart_leader, spread_timers};
use dsviz::ui::raft::geometry::*;

mod i18n_scan;
use i18n_scan::{algo_dir, literals_under, wrapped_literals};

#[test]
fn the_timer_arc_shrinks_from_a_full_circle_to_nothing() {
    let max = dsviz::sim::Time::from_millis(300);
    let at = |ms| dsviz::sim::Time::from_millis(ms);
    assert_eq!(timer_fraction(at(400), at(100), max), 1.0);
    assert_eq!(timer_fraction(at(250), at(100), max), 0.5);
    assert_eq!(timer_fraction(at(100), at(250), max), 0.0, "past due");
    assert_eq!(arc_path((0.0, 0.0), 10.0, 0.0), "");
    assert_eq!(
        arc_path((0.0, 0.0), 10.0, 0.5),
        "M0.0,-10.0 A10,10 0 0 1 0.0,10.0"
    );
    assert!(
        arc_path((0.0, 0.0), 10.0, 0.75).contains(" 0 1 1 -10.0,"),
        "over half: the large arc"
    );
    assert_eq!(
        arc_path((0.0, 0.0), 10.0, 1.0).matches('A').count(),
        2,
        "a full circle is two halves"
    );
}

#[test]
fn message_dots_never_cover_a_servers_centre() {
    // Messages are drawn above servers and below clients: a dot (with its 12-unit hit area)
    // passing a server must keep clear of its centre, so clicking a server never drops one.
    for servers in 3..=11u32 {
        let centres: Vec<Point> = (0..servers).map(|i| server_position(i, servers)).collect();
        for (a, &from) in centres.iter().enumerate() {
            for (b, &to) in centres.iter().enumerate().filter(|(b, _)| *b != a) {
                let (start, end) = message_path(from, to, SERVER_CLEARANCE, SERVER_CLEARANCE);
                for step in 0..=50 {
                    let p = lerp(start, end, f64::from(step) / 50.0);
                    for (c, centre) in centres.iter().enumerate() {
                        let d = ((p.0 - centre.0).powi(2) + (p.1 - centre.1).powi(2)).sqrt();
                        assert!(
                            d > 13.0,
                            "{servers} servers, n{a}→n{b} passes {d:.1} from n{c}'s centre"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_grid_fits_the_stage_and_labels_are_large_enough() {
    let last_cell = cell_x(10, 1) + CELL_W;
    assert!(last_cell <= VIEW_W, "ten cells fit: {last_cell}");
    assert!(row_y(11) <= VIEW_H, "eleven rows fit");
    // The ring's side labels (up to "pre-candidate", about 90 units) stay left of the grid.
    let right = server_position(1, 4).0 + TIMER_R + 8.0 + 90.0;
    assert!(right < GRID_X, "{right} < {GRID_X}");
    let left = server_position(3, 4).0 - TIMER_R - 8.0 - 90.0;
    assert!(left > 0.0, "{left}");
}

#[test]
fn a_partition_is_read_from_its_cut_links() {
    let both = |a: u32, b: u32| [(a, b), (b, a)];
    let mut cut: Vec<(u32, u32)> = Vec::new();
    for a in [0, 1, 2] {
        for b in [3, 4, 5] {
            cut.extend(both(a, b));
        }
    }
    assert_eq!(
        partition_groups(6, &cut),
        vec![vec![0, 1, 2], vec![3, 4, 5]]
    );
    assert_eq!(
        partition_groups(3, &[(0, 1)]),
        vec![vec![0, 1, 2]],
        "a one-way cut splits nothing"
    );
    assert_eq!(
        partition_groups(3, &both(0, 1)),
        vec![vec![0, 1, 2]],
        "n2 still joins them"
    );
}

#[test]
fn raftscopes_keys_make_the_right_actions() {
    let mut run = scenario_run("first-election", 3);
    let step =
        first_step_where(&mut run, 0, 5_000, |sim| raft::leader(sim).is_some()).expect("leader");
    run.seek(step);
    let view = run.view();
    let leader = view.leader.expect("leader").0;
    let spread = spread_timers(&view).expect("followers have timers");
    assert_eq!(
        spread.len(),
        4,
        "every follower, not the leader: {spread:?}"
    );
    let delays: Vec<u64> = spread
        .iter()
        .map(|a| a.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(delays[0], 150);
    assert!(
        delays.windows(2).all(|w| w[1] >= w[0] + 40),
        "spread apart: {delays:?}"
    );
    assert!(
        delays.iter().all(|d| *d <= 300),
        "within the timeout range: {delays:?}"
    );
    let aligned = align_timers(&view).expect("followers have timers");
    assert!(
        aligned.iter().all(|a| a.ends_with(":timer:150")),
        "{aligned:?}"
    );
    assert!(!aligned
        .iter()
        .any(|a| a.starts_with(&format!("cmd:{leader}:"))));
    assert_eq!(
        restart_leader(&view),
        Ok(vec![format!("crash:{leader}"), format!("restart:{leader}")])
    );
    assert_eq!(client_request(&view), Ok("cmd:5:put:x:1".to_string()));
    // Each action text is one the run accepts.
    for action in spread.iter().chain(&aligned) {
        run.take(action, run.time_of(run.cursor()))
            .expect("valid action");
    }
    let (_, no_clients, _) = build("?scene=raft&clients=0");
    assert!(client_request(&no_clients.view()).is_err());
}

#[test]
fn a_candidate_shows_its_vote_count_against_a_majority() {
    let mut run = scenario_run("first-election", 1);
    let mut seen = Vec::new();
    for step in 0..200 {
        let view = view_at(&mut run, step);
        for s in &view.servers {
            match (s.role, s.tally) {
                (Role::Candidate, Some((have, need))) => {
                    assert_eq!(need, 3, "step {step}: a majority of five is three");
                    assert!(
                        (1..need).contains(&have),
                        "step {step}: {} shows {have} of {need}: it votes for itself, and with a majority it would lead",
                        s.name
                    );
                    seen.push(have);
                }
                (Role::Candidate, None) => panic!("step {step}: {} has no tally", s.name),
                (_, tally) => assert_eq!(tally, None, "step {step}: {} is no candidate", s.name),
            }
        }
        if view.leader.is_some() {
            break;
        }
    }
    assert!(
        seen.contains(&1) && seen.contains(&2),
        "the count grows from its own vote: {seen:?}"
    );
}

#[test]
fn the_entries_a_figure_starts_with_are_not_called_no_ops() {
    let mut run = scenario_run("figure-7", 1);
    let view = view_at(&mut run, 0);
    let kinds: Vec<_> = view
        .servers
        .iter()
        .flat_map(|s| s.cells.iter().map(|c| c.kind))
        .collect();
    assert!(!kinds.is_empty(), "figure 7 starts with entries");
    assert!(
        kinds.iter().all(|k| *k == scene::raft::CellKind::Preloaded),
        "{kinds:?}"
    );
}

/// The log grid's window: at least ten columns, at most thirteen; from entry 1 while every
/// log fits with the next free index after it, else the latest entries; its last column is
/// always the next free index.
#[test]
fn the_log_window_starts_at_entry_1_while_the_logs_fit_and_then_follows_the_latest() {
    use scene::raft::{log_window, LOG_WINDOW, LOG_WINDOW_MAX};
    assert_eq!((LOG_WINDOW, LOG_WINDOW_MAX), (10, 13));
    assert_eq!(log_window(0), (1, 10));
    assert_eq!(log_window(9), (1, 10));
    assert_eq!(log_window(10), (1, 11));
    assert_eq!(log_window(12), (1, 13), "Figure 7's longest log, whole");
    assert_eq!(log_window(13), (2, 14));
    for last in 0..500u64 {
        let (from, to) = log_window(last);
        let columns = to + 1 - from;
        assert_eq!(
            to,
            (last + 1).max(LOG_WINDOW),
            "{last}: ends at the next free index"
        );
        assert!(
            (LOG_WINDOW..=LOG_WINDOW_MAX).contains(&columns),
            "{last}: {columns}"
        );
        assert_eq!(
            from == 1,
            last < LOG_WINDOW_MAX,
            "{last}: whole while it fits"
        );
    }
    assert_eq!(log_window(u64::MAX).1, u64::MAX, "no overflow");
}

/// Figure 7 (`sc=figure-7`): the grid shows every log whole, from entry 1, as the paper's
/// figure does, until the repair makes a log longer than twelve entries.
#[test]
fn figure_7_shows_every_log_whole_from_entry_1() {
    let mut run = scenario_run("figure-7", 1);
    let view = view_at(&mut run, 0);
    let longest = view.servers.iter().map(|s| s.last_index).max().unwrap();
    assert_eq!(longest, 12, "the figure's longest log");
    assert_eq!(view.window, (1, 13));
    for s in &view.servers {
        let shown: Vec<u64> = s.cells.iter().map(|c| c.index).collect();
        let whole: Vec<u64> = (1..=s.last_index).collect();
        assert_eq!(shown, whole, "{}'s whole log is in the grid", s.name);
    }
    let mut whole_steps = 0;
    for step in 0..400 {
        let view = view_at(&mut run, step);
        let longest = view.servers.iter().map(|s| s.last_index).max().unwrap();
        if longest <= 12 {
            assert_eq!(view.window.0, 1, "step {step}: from entry 1");
            whole_steps += 1;
        }
    }
    assert!(whole_steps > 50, "{whole_steps} steps");
}
