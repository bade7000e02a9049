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
            &"Broken variant: after its restart P1 finds only BEGIN t1 in its log: its YES vote was never logged, so it forgets it and aborts t1, though the coordinator counted it."
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

// A second review of the two-phase commit scene: the broken variant's note leads the
// caption at the decisive step, duplicates say they are duplicates, merged captions do not
// repeat themselves, and the Chinese names the coordinator as the stage does.

/// Every scenario of the 2PC scene, as links.
fn two_pc_links() -> Vec<String> {
    dsviz::algo::two_phase_commit::scenarios()
        .iter()
        .map(|s| format!("?scene=2pc&sc={}", s.id))
        .collect()
}

/// The whole log of a link's run.
fn whole_log(link: &str) -> Vec<LogLine> {
    let (mut spec, problems) = RunSpec::from_query(link);
    assert!(problems.is_empty(), "{link}: {problems:?}");
    let mut run = build(&mut spec).run;
    run.extend(5_000);
    run.log(1, run.horizon())
}

#[test]
fn a_broken_variants_note_leads_the_caption_of_its_decisive_step() {
    let log = run_of("?scene=2pc&sc=send-before-log", 21).log(21, 21);
    let said = caption_at(&log, 21);
    assert!(
        said.starts_with("Broken variant: the coordinator sends COMMIT t1 before its COMMIT record is on disk: a crash now would erase the only trace of the commit. "),
        "{said}"
    );
    assert!(
        said.ends_with("the coordinator decides COMMIT t1: every participant voted yes."),
        "the step's decision follows: {said}"
    );

    let log = run_of("?scene=2pc&sc=forget-vote", 22).log(22, 22);
    let said = caption_at(&log, 22);
    assert!(
        said.starts_with("Broken variant: after its restart P1 finds only BEGIN t1 in its log:"),
        "{said}"
    );
    assert!(
        said.ends_with(". Atomicity is violated: transaction t1 is committed at coordinator (in its log) but aborted at P1 (in memory)"),
        "the violation follows: {said}"
    );

    // The same rule in Chinese.
    let said = dsviz::i18n::with_lang(dsviz::i18n::Lang::Zh, || {
        let log = run_of("?scene=2pc&sc=send-before-log", 21).log(21, 21);
        caption_at(&log, 21)
    });
    assert!(said.starts_with("错误变体：协调者在"), "{said}");
    assert!(said.contains("决定 COMMIT t1"), "{said}");
    assert!(
        !said.contains("Coordinator"),
        "the name keeps its case: {said}"
    );
}

#[test]
fn every_step_with_a_broken_variant_note_is_captioned_by_it_first() {
    let mut flawed = 0;
    for link in two_pc_links() {
        let log = whole_log(&link);
        let steps: std::collections::BTreeSet<u64> = log.iter().map(|l| l.step).collect();
        for step in steps {
            let lines = lines_at(&log, step);
            let Some(flaw) = lines.iter().find(|l| l.text.starts_with("Broken variant:")) else {
                continue;
            };
            flawed += 1;
            let said = caption_at(&log, step);
            assert!(
                said.starts_with(&flaw.text),
                "{link} step {step}: {said:?} does not lead with {:?}",
                flaw.text
            );
        }
    }
    assert!(
        flawed >= 5,
        "the broken scenarios have their notes ({flawed} steps)"
    );
}

#[test]
fn a_duplicate_commit_and_a_late_ack_say_what_they_are() {
    let mut run = run_of("?scene=2pc&sc=loss", 38);
    let log = run.log(30, 38);
    assert_eq!(
        caption_at(&log, 31),
        "No ACK yet from P2: the coordinator resends COMMIT t1, and keeps resending it until every participant has acknowledged."
    );
    assert_eq!(
        caption_at(&log, 35),
        "P2 already committed t1, so this COMMIT t1 is a duplicate: it changes nothing, and P2 just acknowledges it, so that the coordinator can stop resending. Duplicates are harmless."
    );
    assert!(
        texts_at(&log, 35).contains(&"P2 sends ACK t1 to coordinator".to_string()),
        "{:?}",
        texts_at(&log, 35)
    );
    assert_eq!(
        caption_at(&log, 38),
        "The coordinator has already finished t1 and forgotten it, so it ignores P2's late ACK t1: nothing waits for it any more."
    );
    // True to the state: by then the coordinator has written END t1 and is done.
    run.seek(38);
    let snapshot = run.snapshot();
    let coordinator = &snapshot.nodes[0];
    assert_eq!(coordinator.state, "COMMITTED");
    let details: Vec<String> = coordinator
        .details
        .iter()
        .map(|l| l.render(&|s| s))
        .collect();
    assert!(details.contains(&"log: END t1".to_string()), "{details:?}");
    // No sentence promises to resend "to each" of a single node.
    let all = whole_log("?scene=2pc&sc=loss");
    assert!(
        !all.iter()
            .any(|l| l.text.contains("to P2, and will resend it to each")),
        "{all:#?}"
    );
}

/// The longest run of words two sentences share, in words.
fn longest_shared_words(a: &str, b: &str) -> usize {
    let clean = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .collect()
    };
    let (a, b) = (clean(a), clean(b));
    let mut best = 0;
    for i in 0..a.len() {
        for j in 0..b.len() {
            let k = (0..)
                .take_while(|k| a.get(i + k).is_some_and(|w| b.get(j + k) == Some(w)))
                .count();
            best = best.max(k);
        }
    }
    best
}

#[test]
fn merged_captions_do_not_say_the_same_thing_twice() {
    let log = run_of("?scene=2pc&sc=happy", 21).log(21, 21);
    assert_eq!(
        caption_at(&log, 21),
        "The coordinator counts P2's YES on t1, the last vote it was waiting for; the coordinator decides COMMIT t1: every participant voted yes."
    );
    let log = run_of("?scene=2pc&sc=coord-crash", 40).log(40, 40);
    assert_eq!(
        caption_at(&log, 40),
        "The coordinator reads its log after the restart and finds BEGIN t1 but no decision; the coordinator decides ABORT t1: no record of a commit means abort (presumed abort)."
    );
    // Every scenario: the two halves of a merged caption share no run of four words
    // ("every participant voted yes", "BEGIN t1 but no decision").
    let mut merged = 0;
    for link in two_pc_links() {
        let log = whole_log(&link);
        let steps: std::collections::BTreeSet<u64> = log.iter().map(|l| l.step).collect();
        for step in steps {
            let said = caption_at(&log, step);
            if let Some((first, second)) = said.split_once("; the coordinator ") {
                merged += 1;
                let shared = longest_shared_words(first, second);
                assert!(shared < 4, "{link} step {step}: {said}");
            }
        }
    }
    assert!(merged > 10, "only {merged} merged captions");
}

#[test]
fn a_finished_participant_shows_no_vote_for_a_transaction_that_will_not_come() {
    let details_of = |run: &dyn Run, name: &str| -> Vec<String> {
        let snapshot = run.snapshot();
        let node = snapshot
            .nodes
            .iter()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("no node {name}"));
        node.details.iter().map(|l| l.render(&|s| s)).collect()
    };
    // One transaction: once it is settled, there is no next prepare to vote on.
    let mut run = run_of("?scene=2pc&sc=forget-vote", 22);
    run.seek(22);
    let p1 = details_of(&*run, "P1");
    assert!(!p1.iter().any(|d| d.contains("next prepare")), "{p1:?}");
    let mut run = run_of("?scene=2pc&sc=happy", 32);
    run.seek(run.horizon());
    for name in ["P1", "P2", "P3"] {
        let details = details_of(&*run, name);
        assert!(
            !details.iter().any(|d| d.contains("next prepare")),
            "{name}: {details:?}"
        );
    }
    // Before the first transaction, and between two of a longer workload, the vote on
    // the next prepare is still shown.
    let mut run = run_of("?scene=2pc&txns=2&seed=1", 60);
    run.seek(0);
    assert!(details_of(&*run, "P1").contains(&"votes yes on the next prepare".to_string()));
    let between = (1..=run.horizon()).find(|&s| {
        run.seek(s);
        let snapshot = run.snapshot();
        snapshot.nodes[1].state == "COMMITTED"
    });
    let step = between.expect("P1 commits t1");
    run.seek(step);
    let p1 = details_of(&*run, "P1");
    assert!(p1.contains(&"transaction t1".to_string()), "{p1:?}");
    assert!(
        p1.contains(&"votes yes on the next prepare".to_string()),
        "{p1:?}"
    );
}

#[test]
fn in_chinese_the_coordinator_has_one_name() {
    use dsviz::i18n::{with_lang, Lang};
    let mut sentences = 0;
    for link in two_pc_links() {
        let log = with_lang(Lang::Zh, || whole_log(&link));
        // One name, in Chinese: the stage's 协调者, never the English word.
        for line in &log {
            assert!(!line.text.contains("coordinator"), "{link}: {}", line.text);
            sentences += usize::from(line.text.contains("协调者"));
        }
    }
    assert!(
        sentences > 100,
        "only {sentences} sentences name the coordinator"
    );
    // The node's own sentences and the kernel's name it alike.
    let log = with_lang(Lang::Zh, || {
        run_of("?scene=2pc&sc=coord-crash", 40).log(1, 40)
    });
    let texts: Vec<&str> = log.iter().map(|l| l.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("协调者在通知任何人之前先把 BEGIN t1")),
        "{texts:#?}"
    );
    assert!(texts.contains(&"协调者崩溃"), "{texts:#?}");
}
