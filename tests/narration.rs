//! Captions and the event log: every step gets a sentence (steps that change nothing on the
//! stage included, marked not visible), sends to several nodes read as one sentence, and
//! "the next visible change" skips the bookkeeping steps.
use dsviz::scene::narration::{caption, Weight};
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
