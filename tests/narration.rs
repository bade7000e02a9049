//! Captions and the event log: every step gets a sentence (steps that change nothing on the
//! stage included, marked not visible), sends to several nodes read as one sentence, and
//! "the next visible change" skips the bookkeeping steps.
use dsviz::scene::narration::{caption, Weight};
use dsviz::scene::ring::Ring;
use dsviz::scene::two_pc::TwoPc;
use dsviz::scene::{build_scene, RunSpec};
use dsviz::sim::run::Run;

fn coordinator_crash() -> Box<dsviz::scene::SceneRun<TwoPc>> {
    let (mut spec, problems) = RunSpec::from_query("?scene=2pc&sc=coord-crash&seed=1");
    assert!(problems.is_empty());
    let mut run = build_scene::<TwoPc>(&mut spec).run;
    run.extend(5_000);
    run
}

#[test]
fn every_step_has_a_caption_and_the_story_reads_right() {
    let run = coordinator_crash();
    let end = run.horizon();
    let log = run.log(1, end);
    for step in 1..=end {
        let lines: Vec<_> = log.iter().filter(|l| l.step == step).cloned().collect();
        assert!(caption(&lines).is_some(), "step {step} has no sentence");
    }
    let text: Vec<&str> = log.iter().map(|l| l.text.as_str()).collect();
    let prepare = text
        .iter()
        .position(|t| t.starts_with("coordinator sends PREPARE") && t.ends_with("P1, P2 and P3"))
        .unwrap_or_else(|| panic!("one sentence for the prepares: {text:#?}"));
    let crash = text
        .iter()
        .position(|t| *t == "coordinator crashes")
        .expect("the crash is told");
    assert!(prepare < crash, "the crash comes after the prepares");
    assert!(
        log.iter()
            .any(|l| l.weight == Weight::Fault && l.text == "coordinator crashes"),
        "a crash is a fault"
    );
}

#[test]
fn stepping_to_the_next_visible_change_skips_bookkeeping() {
    let mut run = coordinator_crash();
    let end = run.horizon();
    let log = run.log(1, end);
    let invisible: Vec<u64> = (1..=end)
        .filter(|s| log.iter().filter(|l| l.step == *s).all(|l| !l.visible))
        .collect();
    assert!(
        !invisible.is_empty(),
        "some steps change nothing on the stage"
    );
    let quiet = invisible[0];
    let next = run.next_visible(quiet - 1, 1_000);
    assert!(next > quiet, "{next} skips step {quiet}");
    assert!(
        log.iter().any(|l| l.step == next && l.visible),
        "it lands on a visible change"
    );
}

/// The texts of the log of a whole run.
fn texts(run: &dyn Run) -> Vec<String> {
    run.log(1, run.horizon())
        .into_iter()
        .map(|l| l.text)
        .collect()
}

#[test]
fn a_scenarios_dropped_message_is_the_scenarios_doing_and_a_persons_is_theirs() {
    let (mut spec, problems) = RunSpec::from_query("?scene=2pc&sc=loss&seed=1");
    assert!(problems.is_empty());
    let mut run = build_scene::<TwoPc>(&mut spec).run;
    run.extend(5_000);
    let log = texts(&*run);
    let scripted: Vec<&String> = log.iter().filter(|t| t.contains(" drops ")).collect();
    assert_eq!(
        scripted,
        ["the scenario drops COMMIT t1 from coordinator to P2"],
        "{log:#?}"
    );
    assert!(!log.iter().any(|t| t.starts_with("you ")), "{log:#?}");

    // After it, the person drops a message too: that one is theirs, and the scenario's
    // drop before it stays the scenario's.
    let dropped_at = run
        .log(1, run.horizon())
        .iter()
        .find(|l| l.text.contains(" drops "))
        .map(|l| l.step)
        .expect("the scripted drop");
    let (step, id) = (dropped_at + 1..run.horizon())
        .find_map(|s| {
            run.seek(s);
            run.snapshot().messages.first().map(|m| (s, m.id))
        })
        .expect("a message in flight after the drop");
    run.take(&format!("drop:{id}"), run.time_of(step))
        .expect("a drop");
    let log = texts(&*run);
    assert!(log.iter().any(|t| t.starts_with("you drop ")), "{log:#?}");
    assert!(log.contains(&"the scenario drops COMMIT t1 from coordinator to P2".to_string()));
}

#[test]
fn ring_commands_are_told_in_words_by_whoever_gave_them() {
    let (mut spec, problems) = RunSpec::from_query("?scene=ring&sc=one-vnode&seed=1");
    assert!(problems.is_empty());
    let mut run = build_scene::<Ring>(&mut spec).run;
    run.extend(100);
    let log = texts(&*run);
    let node = run.names()[0].clone();
    let told = format!("the scenario tells {node}: look up key user:42");
    assert!(log.contains(&told), "{log:#?}");
    assert!(!log.iter().any(|t| t.contains("lookup:")), "{log:#?}");

    // A person's lookup, at the end of the run.
    let end = run.horizon();
    run.seek(end);
    run.take("cmd:0:lookup:cart%3A7", run.time_of(end))
        .expect("a lookup");
    let log = texts(&*run);
    assert!(
        log.contains(&format!("you tell {node}: look up key cart:7")),
        "{log:#?}"
    );
    assert!(
        log.contains(&told),
        "the scenario's own lookup is still its own"
    );

    dsviz::i18n::set_lang(dsviz::i18n::Lang::Zh);
    let words = dsviz::scene::ring::command_words(&dsviz::algo::ring_cluster::Cmd::Lookup {
        key: "user:42".into(),
    });
    dsviz::i18n::set_lang(dsviz::i18n::Lang::En);
    assert_eq!(words, "查找键 user:42");
}

/// A partition is told with the names the stage shows: Raft's clients are nodes too
/// (node 5 is the client "c1"), and the sentence must not call it "n5".
#[test]
fn a_partition_names_its_nodes_as_the_stage_does() {
    let (mut spec, problems) = RunSpec::from_query("?scene=raft&sc=partitioned-leader&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = build_scene::<dsviz::scene::raft::Raft>(&mut spec).run;
    run.extend(400);
    let log = run.log(1, run.horizon());
    let partition = log
        .iter()
        .find(|l| l.text.starts_with("the network is partitioned"))
        .unwrap_or_else(|| panic!("the scenario partitions the network: {log:#?}"));
    assert_eq!(partition.weight, Weight::Fault);
    let names = run.snapshot().nodes;
    let client = names
        .iter()
        .find(|n| n.name.starts_with('c'))
        .expect("the scenario has a client");
    assert!(
        partition.text.contains(&client.name)
            && !partition.text.contains(&format!("n{}", client.id)),
        "the client is named as on the stage ({}): {}",
        client.name,
        partition.text
    );
}

/// A caption joins a step's first decision and the next one as one sentence: the second's
/// first word loses its capital, names keep theirs, and no full stop is doubled.
#[test]
fn a_caption_reads_as_one_sentence() {
    use dsviz::sim::run::LogLine;
    use dsviz::sim::Time;
    let line = |text: &str, weight| LogLine {
        step: 1,
        time: Time::ZERO,
        text: text.to_string(),
        weight,
        visible: true,
    };
    let event = line("n1 receives AppendEntries from n0", Weight::Event);
    let first = line("n0 counts entry 2 on n1.", Weight::Decision);
    assert_eq!(
        caption(&[
            event.clone(),
            first.clone(),
            line("A majority stores entry 2.", Weight::Decision)
        ]),
        Some("n0 counts entry 2 on n1; a majority stores entry 2.".to_string())
    );
    assert_eq!(
        caption(&[event, first, line("P2 votes YES.", Weight::Decision)]),
        Some("n0 counts entry 2 on n1; P2 votes YES.".to_string())
    );
}

/// A broken variant's note leads its step's caption, whatever else the step tells: the
/// decision after it, the violation after it, and alone when the rest is a bare event.
#[test]
fn a_broken_variants_note_leads_the_caption() {
    use dsviz::sim::run::LogLine;
    use dsviz::sim::Time;
    let line = |text: &str, weight| LogLine {
        step: 1,
        time: Time::ZERO,
        text: text.to_string(),
        weight,
        visible: true,
    };
    let event = line("P1 receives PREPARE t1 from coordinator", Weight::Event);
    let flaw = line(
        "Broken variant: P1 votes YES without logging PREPARED.",
        Weight::Flaw,
    );
    let decision = line("The coordinator counts P1's YES.", Weight::Decision);
    let violation = line("atomicity is violated: t1 is split", Weight::Violation);
    assert_eq!(
        caption(&[event.clone(), decision.clone(), flaw.clone()]),
        Some("Broken variant: P1 votes YES without logging PREPARED. The coordinator counts P1's YES.".to_string())
    );
    assert_eq!(
        caption(&[event.clone(), flaw.clone(), violation.clone()]),
        Some("Broken variant: P1 votes YES without logging PREPARED. Atomicity is violated: t1 is split".to_string())
    );
    assert_eq!(
        caption(&[event.clone(), flaw.clone()]),
        Some(flaw.text.clone())
    );
    // A name keeps its case after the full stop.
    let crash = line("n1 crashes", Weight::Fault);
    assert_eq!(
        caption(&[flaw.clone(), crash]),
        Some("Broken variant: P1 votes YES without logging PREPARED. n1 crashes".to_string())
    );
    // Without one, nothing changes.
    assert_eq!(caption(&[event, decision.clone()]), Some(decision.text));
}

/// A routine note (a log write nobody waited for) stays in the log but is bookkeeping: it
/// never outweighs a decision in a step's caption, yet explains a step that has none.
#[test]
fn routine_notes_are_bookkeeping_in_the_log() {
    let (mut spec, problems) = RunSpec::from_query("?scene=2pc&sc=happy&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = build_scene::<TwoPc>(&mut spec).run;
    run.extend(2_000);
    let log = run.log(1, run.horizon());
    let routine: Vec<_> = log
        .iter()
        .filter(|l| l.text.contains("nothing was waiting for it"))
        .collect();
    assert!(
        !routine.is_empty(),
        "the happy run writes logs nobody waits for"
    );
    for line in &routine {
        assert_eq!(line.weight, Weight::Routine, "{}", line.text);
        let step: Vec<_> = log
            .iter()
            .filter(|l| l.step == line.step)
            .cloned()
            .collect();
        let said = caption(&step).expect("a caption");
        if step.iter().any(|l| l.weight == Weight::Decision) {
            assert!(
                !said.contains("nothing was waiting"),
                "step {}: {said}",
                line.step
            );
        } else {
            assert_eq!(
                said, line.text,
                "step {}: the routine note explains it",
                line.step
            );
        }
    }
}
