//! What the Explore panel says, in English and in Chinese, from the search's typed status:
//! a search that stopped at a violation never reads as "not complete", a complete search
//! and one stopped at its state budget say so differently, a clean sweep does not claim a
//! proof, and the step the panel names for a violation is the step the timeline opens at.
use dsviz::explore::driver::{Found, Stage, Status, SymmetryUse};
use dsviz::explore::{ExploreBounds, ExploreRequest, Mode};
use dsviz::i18n::{with_lang, Lang};
use dsviz::scene::two_pc::TwoPc;
use dsviz::ui::explore::words::{found_where, open_label, outcome, progress_sentence};

mod explore_common;
use explore_common::{search_to_end, spec};

fn finished(stage: Stage) -> Status {
    Status {
        stage,
        distinct: Some(1234),
        depth: Some(9),
        done: true,
        ..Status::default()
    }
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn the_three_ends_of_an_exhaustive_search_read_differently() {
    let violation = outcome(&finished(Stage::Violation)).expect("an outcome");
    let complete = outcome(&finished(Stage::Exhausted)).expect("an outcome");
    let bounded = outcome(&finished(Stage::DepthBound(9))).expect("an outcome");
    let budget = outcome(&finished(Stage::Budget(5000))).expect("an outcome");
    assert_eq!(violation, "stopped at the first violation, 9 steps deep");
    assert!(!violation.contains("complete"), "{violation}");
    assert!(complete.starts_with("complete:"), "{complete}");
    assert!(bounded.contains("within the bounds (9 steps)"), "{bounded}");
    assert!(
        budget.starts_with("not complete") && budget.contains("5000"),
        "{budget}"
    );
    let sentence = progress_sentence(&finished(Stage::Budget(5000)));
    assert!(sentence.contains("not complete"), "{sentence}");
    assert!(
        sentence.contains("Most states"),
        "it says what to raise: {sentence}"
    );
    let running = Status {
        done: false,
        ..finished(Stage::Searching { frontier: 77 })
    };
    assert_eq!(outcome(&running), None, "no result while it runs");
    assert!(progress_sentence(&running).contains("77 still to expand"));
}

#[test]
fn a_clean_sweep_says_it_tried_a_sample_not_that_it_proved_anything() {
    let alone = finished(Stage::Clean {
        runs: 200,
        setups: vec![],
    });
    let text = progress_sentence(&alone);
    assert!(text.starts_with("No violation in 200 runs."), "{text}");
    assert!(text.contains("does not prove"), "{text}");
    let with = finished(Stage::Clean {
        runs: 200,
        setups: vec!["persist=none".into()],
    });
    let text = progress_sentence(&with);
    assert!(text.contains("nor with persist=none"), "{text}");
    assert!(outcome(&with).expect("an outcome").contains("not a proof"));
}

#[test]
fn every_sentence_of_the_panel_has_its_chinese() {
    let stages = [
        Stage::Searching { frontier: 3 },
        Stage::Exhausted,
        Stage::DepthBound(4),
        Stage::Violation,
        Stage::Budget(10),
        Stage::Seeds { done: 1, total: 2 },
        Stage::Shrinking { run: 1, tries: 2 },
        Stage::Shrunk {
            run: 1,
            total: 2,
            tries: 3,
        },
        Stage::Clean {
            runs: 5,
            setups: vec!["persist=none".into()],
        },
    ];
    for stage in stages {
        for symmetry in [
            SymmetryUse::On,
            SymmetryUse::TooLarge,
            SymmetryUse::NotOffered,
        ] {
            let status = Status {
                symmetry,
                setup: Some("persist=none".into()),
                ..finished(stage.clone())
            };
            let zh = with_lang(Lang::Zh, || {
                let outcome = outcome(&status).unwrap_or_default();
                format!("{} | {outcome}", progress_sentence(&status))
            });
            // Every English word in it would be a missing translation (the setup's
            // link form `persist=none` is code and stays).
            let english: Vec<&str> = zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2 && !["persist", "none"].contains(w))
                .collect();
            assert!(has_cjk(&zh) && english.is_empty(), "{stage:?}: {zh}");
        }
    }
}

/// The e2e case (tests/e2e/explore.mjs): 2PC with a participant that forgets its vote,
/// two participants, 13 steps deep.
#[test]
fn the_panel_names_the_step_the_timeline_opens_at_and_how_many_steps_the_explorer_chose() {
    let request = ExploreRequest {
        mode: Mode::Exhaustive,
        exhaustive: ExploreBounds {
            max_depth: 13,
            ..ExploreBounds::default()
        },
        ..ExploreRequest::default()
    };
    let status = search_to_end(
        &spec::<TwoPc>(&[("variant", "forget-vote"), ("n", "2")]),
        &request,
    );
    assert_eq!(status.stage, Stage::Violation);
    let found: &Found = status.found.as_ref().expect("a violation");
    let link = found.spec.as_ref().expect("a link");
    let step = link.step.expect("a step");
    assert_eq!(found.path_steps, Some(13));
    let start = step - 13;
    let place = found_where(found).expect("where it breaks");
    assert_eq!(
        place,
        format!(
            "It breaks at step {step}: steps 1–{start} start the nodes, then steps {}–{step} are \
             the explorer's 13 choices (which message to deliver or lose, which timer fires, \
             which node crashes), the fewest that break it.",
            start + 1
        )
    );
    assert_eq!(
        open_label(found),
        format!("Open at step {step}, where it breaks")
    );
    let sentence = progress_sentence(&status);
    assert!(sentence.contains("breaks 13 steps deep"), "{sentence}");
    assert!(sentence.contains("exact path"), "{sentence}");
    let zh = with_lang(Lang::Zh, || found_where(found).expect("where it breaks"));
    assert!(zh.contains(&format!("第 {step} 步")), "{zh}");
}
