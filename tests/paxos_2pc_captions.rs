//! The captions of the Paxos and two-phase commit scenes say what is true of the state the
//! nodes are in, at the steps a reviewer walked through against the papers: catch-up before
//! anything is chosen, the forget-vote variant's vote, restart and acknowledgement, the
//! receipts that used to be silent, the timers that fire with nothing to do, and the node
//! panel's vote line.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::scene::narration::{caption, LogLine};
use dsviz::scene::paxos::Paxos;
use dsviz::scene::{build, build_scene, RunSpec};
use dsviz::sim::run::{Run, Snapshot};

/// The run of a link, computed to `to` steps.
fn run_of(link: &str, to: u64) -> Box<dyn Run> {
    let (mut spec, problems) = RunSpec::from_query(link);
    assert!(problems.is_empty(), "{link}: {problems:?}");
    let mut run = build(&mut spec).run;
    run.extend(to + 5);
    assert!(run.horizon() >= to, "{link} has {} steps", run.horizon());
    run
}

fn lines_at(log: &[LogLine], step: u64) -> Vec<LogLine> {
    log.iter().filter(|l| l.step == step).cloned().collect()
}

fn caption_at(log: &[LogLine], step: u64) -> String {
    caption(&lines_at(log, step)).unwrap_or_default()
}

/// Every sentence of a step, caption and log alike.
fn texts_at(log: &[LogLine], step: u64) -> Vec<String> {
    lines_at(log, step).into_iter().map(|l| l.text).collect()
}

fn violated(snapshot: &Snapshot, name: &str) -> bool {
    snapshot
        .invariants
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no invariant {name}"))
        .violation
        .is_some()
}

#[test]
fn paxos_catch_up_before_anything_is_chosen_does_not_claim_a_decision() {
    let link = "?scene=paxos&sc=acceptor-restart";
    let (mut spec, problems) = RunSpec::from_query(link);
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = build_scene::<Paxos>(&mut spec).run;
    run.extend(80);
    let log = run.log(1, 80);
    for step in 60..=63 {
        for text in texts_at(&log, step) {
            assert!(
                !text.contains("is decided but not its value"),
                "step {step}: {text}"
            );
        }
    }
    assert_eq!(
        caption_at(&log, 61),
        "n4 has not learned slot 0 yet: it asks the other learners whether one of them has."
    );
    run.seek(61);
    assert_eq!(run.view().chosen(0), None, "nothing is chosen at step 61");
    // A learner asked about a slot it has not learned either says so.
    assert!(
        texts_at(&log, 64)
            .contains(&"n4 has not learned slot 0 either: it has nothing to tell n2.".to_string()),
        "{:?}",
        texts_at(&log, 64)
    );
    run.seek(80);
    assert!(run.view().chosen(0).is_some(), "chosen by step 80");
}

#[test]
fn paxos_catch_up_timers_with_nothing_to_ask_say_so() {
    let log = run_of("?scene=paxos&sc=happy", 51).log(47, 51);
    for step in 47..=51 {
        let said = caption_at(&log, step);
        assert!(
            said.ends_with(
                "checks whether it is missing a slot it knows of: it has learned every one by now, so it asks nobody."
            ),
            "step {step}: {said}"
        );
    }
}

#[test]
fn paxos_promises_name_the_value_they_report() {
    let run = run_of("?scene=paxos&sc=acceptor-restart", 150);
    let log = run.log(1, run.horizon());
    let texts: Vec<&str> = log.iter().map(|l| l.text.as_str()).collect();
    assert!(
        texts.contains(
            &"n0 promises ballot 3.0 (its promise was 1.0) and reports red, which it accepted in ballot 1.0; the promise is on disk before the reply leaves."
        ),
        "{texts:#?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("reports the 1 values")),
        "{texts:#?}"
    );
}

#[test]
fn forget_vote_tells_the_vote_the_restart_and_the_broken_ack_truly() {
    let mut run = run_of("?scene=2pc&sc=forget-vote", 32);
    let log = run.log(1, 32);
    for (step, node) in [(13, "P2"), (14, "P3"), (15, "P1")] {
        let texts = texts_at(&log, step);
        assert!(
            texts.contains(&format!(
                "Broken variant: {node} votes YES on t1 without logging PREPARED; a crash now would make it forget its promise."
            )),
            "step {step}: {texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t.contains("PREPARED t1 is on disk")),
            "step {step}: {texts:?}"
        );
    }
    assert!(
        texts_at(&log, 22).contains(
            &"Broken variant: P1 reads its log after the restart and finds only BEGIN t1. It did vote YES on t1, but logged nothing, so it has forgotten its promise: it aborts t1 on its own, although the coordinator counted its yes and may commit t1."
                .to_string()
        ),
        "{:?}",
        texts_at(&log, 22)
    );
    run.seek(21);
    assert!(
        !violated(&run.snapshot(), "atomicity"),
        "not before P1 aborts"
    );
    run.seek(22);
    assert!(violated(&run.snapshot(), "atomicity"), "red once P1 aborts");
    assert_eq!(
        caption_at(&log, 24),
        "P1 acknowledges COMMIT t1 though it aborted t1: it cannot undo its abort, and the coordinator logged COMMIT t1, so atomicity is broken. The ACK only stops the resends."
    );
    run.seek(24);
    assert!(
        violated(&run.snapshot(), "atomicity"),
        "still red at the ack"
    );
    assert_eq!(
        caption_at(&log, 31),
        "The coordinator has an ACK for COMMIT t1 from every participant, so nobody needs to hear it again: it writes END t1 and forgets the transaction."
    );
    let all: Vec<&str> = log.iter().map(|l| l.text.as_str()).collect();
    assert!(
        !all.iter()
            .any(|t| t.contains("Every participant acknowledged") || t.contains("free to (")),
        "{all:#?}"
    );
}

#[test]
fn a_correct_participant_restarting_with_only_begin_says_why_it_may_abort() {
    let log = run_of("?scene=2pc&sc=participant-crash", 30).log(30, 30);
    assert_eq!(
        caption_at(&log, 30),
        "P2 reads its log after the restart and finds only BEGIN t1: it never voted yes on t1 (a yes vote is logged first), so it is free to abort t1 on its own, and does."
    );
}

#[test]
fn receipts_that_change_nothing_say_why() {
    let log = run_of("?scene=2pc&sc=coop-blocked", 27).log(27, 27);
    assert_eq!(
        caption_at(&log, 27),
        "P3 cannot help P2: it is in doubt on t1 too, having voted yes without learning the outcome, so it knows no more than P2 and stays silent."
    );
    let log = run_of("?scene=2pc&sc=coord-crash", 39).log(39, 39);
    assert_eq!(
        caption_at(&log, 39),
        "The coordinator is still reading its log after the restart, so it ignores P2's INQUIRE t1: it cannot answer before it knows what its log says, and P2 asks again for as long as it is in doubt."
    );
}

#[test]
fn a_log_write_nothing_waits_for_is_told() {
    let log = run_of("?scene=2pc&sc=happy", 11).log(7, 11);
    for (step, node) in [(7, "P3"), (10, "P2"), (11, "P1")] {
        assert_eq!(
            caption_at(&log, step),
            format!("{node}'s log write reaches the disk: BEGIN t1 survives a crash now; nothing was waiting for it."),
            "step {step}"
        );
    }
}

#[test]
fn a_participant_that_voted_shows_its_vote_not_the_next_one() {
    let mut run = run_of("?scene=2pc&sc=send-before-log", 21);
    run.seek(21);
    let snapshot = run.snapshot();
    let participants: Vec<_> = snapshot
        .nodes
        .iter()
        .filter(|n| n.name.starts_with('P'))
        .collect();
    assert_eq!(participants.len(), 3);
    for node in participants {
        let details: Vec<String> = node.details.iter().map(|l| l.render(&|s| s)).collect();
        assert_eq!(node.state, "IN DOUBT", "{}", node.name);
        assert!(
            details.contains(&"in doubt: voted yes on t1, waiting for the outcome".to_string()),
            "{}: {details:?}",
            node.name
        );
        assert!(
            !details.iter().any(|d| d.contains("on the next prepare")),
            "{}: {details:?}",
            node.name
        );
    }
}
