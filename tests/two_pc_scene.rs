//! The 2PC scene's pictures tell the truth: a participant is IN DOUBT from its yes vote,
//! carries the separate "blocked" mark only once its timeout has fired while in doubt, the
//! panel counts forced writes by outcome, the stage shows each node's newest log record and
//! a record on its way to the disk, and the topology links only nodes that talked.
use dsviz::algo::two_phase_commit::{ForcedWrites, Msg, TwoPcNode};
use dsviz::scene::two_pc::{TwoPc, BLOCKED_MARK};
use dsviz::scene::{self, Built, RunSpec, Scene, SceneRun, Swatch};
use dsviz::sim::run::{Run, Tone};
use dsviz::sim::{NodeId, TraceKind};

fn build(query: &str) -> SceneRun<TwoPc> {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let Built { run, problems } = scene::build_scene::<TwoPc>(&mut spec);
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = *run;
    while !run.is_finished() {
        if run.extend(2_000) == 0 {
            break;
        }
    }
    run
}

fn blocked(run: &SceneRun<TwoPc>, node: u32) -> bool {
    run.snapshot().nodes[node as usize]
        .marks
        .iter()
        .any(|m| m.text == BLOCKED_MARK && m.tone == Tone::Bad)
}

/// The step at which `node` sent its first VOTE YES.
fn yes_vote_step(run: &SceneRun<TwoPc>, node: NodeId) -> u64 {
    run.timeline()
        .entries(1, run.horizon())
        .iter()
        .find(|e| {
            matches!(&e.kind, TraceKind::Send { from, msg: Msg::VoteYes(_), .. } if *from == node)
        })
        .map(|e| e.step)
        .expect("a yes vote")
}

#[test]
fn a_participant_is_in_doubt_from_its_yes_vote_and_blocked_only_after_its_timeout() {
    let mut run = build("?scene=2pc&sc=coord-crash&seed=7");
    let p1 = NodeId(1);
    let vote = yes_vote_step(&run, p1);
    run.seek(vote);
    let snapshot = run.snapshot();
    assert_eq!(snapshot.nodes[1].state, "IN DOUBT", "in doubt at its vote");
    assert!(!blocked(&run, 1), "not blocked yet at its vote");

    // Later, the coordinator being down, its timeout fires: blocked, and still in doubt.
    let horizon = run.horizon();
    let first_blocked = (vote..=horizon)
        .find(|&s| {
            run.seek(s);
            blocked(&run, 1)
        })
        .expect("P1 gets blocked while the coordinator is down");
    assert!(first_blocked > vote);
    run.seek(first_blocked);
    assert_eq!(run.snapshot().nodes[1].state, "IN DOUBT");
    let participant = run.sim().node(p1).and_then(|n| n.as_participant()).unwrap();
    assert!(participant.is_blocked());

    // In doubt but not blocked between the vote and the timeout: the two are different.
    run.seek(first_blocked - 1);
    assert_eq!(run.snapshot().nodes[1].state, "IN DOUBT");
    assert!(!blocked(&run, 1));

    // At the end it knows the outcome: neither in doubt nor blocked.
    run.seek(horizon);
    assert_ne!(run.snapshot().nodes[1].state, "IN DOUBT");
    assert!((0..4).all(|n| !blocked(&run, n)));
}

#[test]
fn the_happy_path_never_shows_a_blocked_mark() {
    let mut run = build("?scene=2pc&sc=happy&seed=7");
    let mut in_doubt_seen = false;
    for step in 0..=run.horizon() {
        run.seek(step);
        let snapshot = run.snapshot();
        in_doubt_seen |= snapshot.nodes.iter().any(|n| n.state == "IN DOUBT");
        for node in &snapshot.nodes {
            assert!(
                node.marks.iter().all(|m| m.text != BLOCKED_MARK),
                "step {step}: {node:?}"
            );
        }
    }
    assert!(
        in_doubt_seen,
        "the participants are in doubt between vote and commit"
    );
}

#[test]
fn forced_writes_are_counted_by_outcome_for_the_coordinator_and_the_participants() {
    // One commit with three participants: BEGIN + COMMIT at the coordinator, PREPARED +
    // COMMIT at each participant (2n + 2: presumed abort's 2n + 1, plus the forced BEGIN).
    let mut happy = build("?scene=2pc&sc=happy&seed=7");
    happy.seek(happy.horizon());
    let view = happy.view();
    assert_eq!(
        view.coordinator_forced,
        ForcedWrites {
            commit: 2,
            abort: 0
        }
    );
    assert_eq!(
        view.participants_forced,
        ForcedWrites {
            commit: 6,
            abort: 0
        }
    );

    // An abort (P2 votes no): only BEGIN at the coordinator, no forced decision record, and
    // at most a PREPARED from each yes voter.
    let mut no = build("?scene=2pc&sc=vote-no&seed=7");
    no.seek(no.horizon());
    let view = no.view();
    assert_eq!(
        view.coordinator_forced,
        ForcedWrites {
            commit: 0,
            abort: 1
        }
    );
    assert_eq!(view.participants_forced.commit, 0);
    assert!(
        view.participants_forced.abort <= 2,
        "{:?}",
        view.participants_forced
    );
    let abort_total = view.coordinator_forced.abort + view.participants_forced.abort;
    assert!(abort_total < 8, "an abort costs less than a commit");
    // Both finished: nothing is left waiting for an outcome.
    assert_eq!(
        (view.coordinator_undecided, view.participants_undecided),
        (0, 0)
    );
}

#[test]
fn forced_writes_count_as_they_are_made_before_the_outcome_is_known() {
    // The coordinator crashed after PREPARE; every participant voted yes and is in doubt.
    // BEGIN at the coordinator and PREPARED at each participant are on disk already: four
    // forced writes, for a transaction whose outcome nobody knows.
    let mut run = build("?scene=2pc&sc=coop-blocked&seed=1");
    run.seek(27);
    let snapshot = run.snapshot();
    for name in ["P1", "P2", "P3"] {
        let node = snapshot.nodes.iter().find(|n| n.name == name).unwrap();
        let details: Vec<String> = node.details.iter().map(|l| l.render(&|s| s)).collect();
        assert!(
            details.contains(&"log: PREPARED t1".to_string()),
            "{name}: {details:?}"
        );
    }
    let view = run.view();
    assert_eq!(view.coordinator_undecided, 1, "{view:?}");
    assert_eq!(view.participants_undecided, 3, "{view:?}");
    assert_eq!(view.coordinator_forced, ForcedWrites::default());
    assert_eq!(view.participants_forced, ForcedWrites::default());

    // Once the coordinator is back and aborts, the same writes count for the abort.
    run.seek(run.horizon());
    let view = run.view();
    assert_eq!(
        (view.coordinator_undecided, view.participants_undecided),
        (0, 0)
    );
    assert_eq!(view.coordinator_forced.abort, 1, "{view:?}");
    assert_eq!(view.participants_forced.abort, 3, "{view:?}");
}

#[test]
fn the_topology_links_only_the_coordinator_and_its_participants_without_cooperation() {
    let mut run = build("?scene=2pc&sc=happy&seed=7");
    run.seek(0);
    assert!(
        run.snapshot().links_used.is_empty(),
        "no link before any message"
    );
    run.seek(run.horizon());
    let links = run.snapshot().links_used;
    assert_eq!(links, [(0, 1), (0, 2), (0, 3)]);
}

#[test]
fn cooperative_termination_links_the_participants_that_ask_each_other() {
    let mut run = build("?scene=2pc&sc=coop&seed=7");
    let asked = run
        .timeline()
        .entries(1, run.horizon())
        .iter()
        .find(|e| matches!(&e.kind, TraceKind::Send { from, to, .. } if from.0 > 0 && to.0 > 0))
        .map(|e| e.step)
        .expect("participants talk to each other");
    run.seek(asked - 1);
    assert!(run.snapshot().links_used.iter().all(|&(a, _)| a == 0));
    run.seek(asked);
    assert!(run.snapshot().links_used.iter().any(|&(a, _)| a > 0));
}

#[test]
fn links_used_stay_right_after_the_run_forks_at_an_action() {
    // Seek, look (filling the cache), rewind, take an action: the cache must follow the
    // new run, as a fresh run of the same actions says.
    let mut run = build("?scene=2pc&sc=coop&seed=7");
    run.seek(run.horizon());
    let _ = run.snapshot();
    run.seek(3);
    run.take("crash:0", run.time_of(3)).expect("a crash");
    while run.extend(2_000) > 0 {}
    run.seek(run.horizon());
    let forked = run.snapshot().links_used;

    let (mut spec, _) = RunSpec::from_query("?scene=2pc&sc=coop&seed=7");
    spec.actions = run.actions_text();
    let Built { run: fresh, .. } = scene::build_scene::<TwoPc>(&mut spec);
    let mut fresh = *fresh;
    while fresh.extend(2_000) > 0 {}
    fresh.seek(fresh.horizon());
    assert_eq!(fresh.horizon(), run.horizon());
    assert_eq!(forked, fresh.snapshot().links_used);
    assert_ne!(forked, [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
}

/// Every detail line `node` shows from step 1 to the end of the run.
fn details_over_the_run(run: &mut SceneRun<TwoPc>, node: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for step in 1..=run.horizon() {
        run.seek(step);
        for line in &run.snapshot().nodes[node].details {
            let line = line.to_string();
            if !seen.contains(&line) {
                seen.push(line);
            }
        }
    }
    seen
}

#[test]
fn the_coordinator_ends_committed_or_aborted_as_it_decided_and_an_abort_is_not_green() {
    let mut happy = build("?scene=2pc&sc=happy&seed=7");
    happy.seek(happy.horizon());
    assert_eq!(happy.snapshot().nodes[0].state, "COMMITTED");

    let mut no = build("?scene=2pc&sc=vote-no&seed=7");
    no.seek(no.horizon());
    assert_eq!(no.snapshot().nodes[0].state, "ABORTED");

    // The stage colours a node by its label's class (`state-aborted` is red); the legend
    // shows the same swatch for it, and no DONE is left to be coloured as a success.
    let legend = TwoPc::legend();
    let swatch = |label: &str| legend.iter().find(|e| e.label == label).map(|e| e.swatch);
    assert_eq!(swatch("ABORTED"), Some(Swatch::NodeState("aborted")));
    assert_eq!(swatch("COMMITTED"), Some(Swatch::NodeState("committed")));
    assert_eq!(swatch("DONE"), None);
}

#[test]
fn counts_of_inquiries_and_resends_read_once_then_n_times() {
    // The coordinator is down: each blocked participant asks once, then again and again.
    let mut crash = build("?scene=2pc&sc=coord-crash&seed=7");
    let p1 = details_over_the_run(&mut crash, 1);
    let asked = |s: &str| p1.iter().any(|l| l.ends_with(s));
    assert!(asked("; asked once"), "{p1:#?}");
    assert!(asked("; asked 2 times"), "{p1:#?}");
    assert!(!asked("; asked 1 times"), "{p1:#?}");

    // A lost COMMIT: the coordinator resends its decision once.
    let mut loss = build("?scene=2pc&sc=loss&seed=7");
    let coordinator = details_over_the_run(&mut loss, 0);
    assert!(
        coordinator.iter().any(|l| l == "decision resent once"),
        "{coordinator:#?}"
    );
    assert!(!coordinator.iter().any(|l| l == "decision resent 1 times"));
}

#[test]
fn the_lost_commit_scenario_does_what_its_description_says() {
    use dsviz::algo::two_phase_commit::{ParticipantPhase, Record};
    let description = TwoPc::scenarios()
        .into_iter()
        .find(|s| s.id == "loss")
        .expect("the scenario")
        .description;
    assert!(!description.contains("stays prepared"), "{description}");
    for word in ["IN DOUBT", "asks", "resends", "commits"] {
        assert!(description.contains(word), "{word}: {description}");
    }
    let p2 = NodeId(2);
    for seed in 1..=8 {
        let mut run = build(&format!("?scene=2pc&sc=loss&seed={seed}"));
        let trace = run.timeline().entries(1, run.horizon()).to_vec();
        let first = |after: u64, what: &dyn Fn(&TraceKind<TwoPcNode>) -> bool| {
            trace
                .iter()
                .find(|e| e.step > after && what(&e.kind))
                .map(|e| e.step)
        };
        let dropped = first(
            0,
            &|k| matches!(k, TraceKind::Drop { to, msg: Msg::Commit(_), .. } if *to == p2),
        )
        .expect("the COMMIT to P2 is dropped");
        let asked = first(
            dropped,
            &|k| matches!(k, TraceKind::Send { from, msg: Msg::Inquire(_), .. } if *from == p2),
        )
        .unwrap_or_else(|| panic!("seed {seed}: P2 asks the coordinator"));
        let resent = first(
            dropped,
            &|k| matches!(k, TraceKind::Send { to, msg: Msg::Commit(_), .. } if *to == p2),
        )
        .unwrap_or_else(|| panic!("seed {seed}: the coordinator resends COMMIT to P2"));
        let committed = first(
            dropped,
            &|k| matches!(k, TraceKind::State { node, to: "COMMITTED", .. } if *node == p2),
        )
        .unwrap_or_else(|| panic!("seed {seed}: P2 commits"));
        assert!(asked < committed && resent < committed, "seed {seed}");
        // In doubt from the drop until it commits.
        run.seek(asked);
        assert_eq!(run.snapshot().nodes[2].state, "IN DOUBT", "seed {seed}");
        run.seek(run.horizon());
        let p = run.sim().node(p2).and_then(|n| n.as_participant()).unwrap();
        assert_eq!(p.phase(), ParticipantPhase::Committed, "seed {seed}");
        assert!(p.log().contains(&Record::Commit(1)));
        assert_eq!(run.snapshot().nodes[0].state, "COMMITTED", "seed {seed}");
    }
}

/// The texts of node `node`'s marks at the run's current step.
fn marks(run: &SceneRun<TwoPc>, node: usize) -> Vec<String> {
    run.snapshot().nodes[node]
        .marks
        .iter()
        .map(|m| m.text.clone())
        .collect()
}

#[test]
fn the_stage_shows_each_nodes_newest_log_record_and_what_a_crash_would_lose() {
    // Happy path, at the end: the coordinator ended t1, every participant committed it.
    let mut happy = build("?scene=2pc&sc=happy&seed=7");
    happy.seek(happy.horizon());
    assert_eq!(marks(&happy, 0), ["log: END"]);
    for p in 1..=3 {
        assert_eq!(marks(&happy, p), ["log: COMMIT"], "P{p}");
    }
    // Before anything is forced, no log mark at all.
    happy.seek(0);
    assert!(marks(&happy, 0).is_empty());

    // Coordinator crash: at its restart it reads BEGIN t1 and no decision, which is what
    // the stage shows while it is down, since the disk survives the crash.
    let mut crash = build("?scene=2pc&sc=coord-crash&seed=1");
    let blocked_at = (0..=crash.horizon())
        .find(|&s| {
            crash.seek(s);
            blocked(&crash, 1)
        })
        .expect("P1 gets blocked");
    crash.seek(blocked_at);
    assert_eq!(crash.snapshot().nodes[0].state, "CRASHED");
    assert_eq!(marks(&crash, 0), ["log: BEGIN"]);
    assert_eq!(marks(&crash, 1), ["blocked", "log: PREPARED"]);

    // Sending the decision before logging it: COMMIT is sent while still being written.
    let mut early = build("?scene=2pc&sc=send-before-log&seed=1");
    let writing = (0..=early.horizon()).any(|s| {
        early.seek(s);
        marks(&early, 0).contains(&"writing COMMIT".to_string())
    });
    assert!(
        writing,
        "the coordinator's COMMIT is seen on its way to the disk"
    );

    // With several transactions, a record says which one it is for.
    let mut two = build("?scene=2pc&txns=2&votes=yyy&seed=1");
    two.seek(two.horizon());
    assert_eq!(marks(&two, 0), ["log: END t2"]);
}
