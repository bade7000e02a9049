//! Links: reading never panics, always explains what it could not use, and a run written
//! as a link reads back as the same run.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::scene::two_pc::TwoPc;
use dsviz::scene::{self, RunSpec, SceneId};
use proptest::prelude::*;

#[test]
fn a_full_link_reads_back_exactly() {
    let (spec, problems) = RunSpec::from_query(
        "?scene=2pc&seed=42&n=4&votes=yyny&variant=forget-vote&a=12@31500:crash:0,20@40000:cmd:2:vote-no&step=30&sc=coord-crash",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(spec.scene, SceneId::of::<TwoPc>());
    assert_eq!(spec.seed, 42);
    assert_eq!(spec.param("votes"), Some("yyny"));
    assert_eq!(spec.actions, ["12@31500:crash:0", "20@40000:cmd:2:vote-no"]);
    assert_eq!(spec.step, Some(30));
    assert_eq!(spec.scenario.as_deref(), Some("coord-crash"));
    let (again, _) = RunSpec::from_query(&spec.to_query());
    assert_eq!(again, spec);
}

#[test]
fn bad_values_get_clear_messages_and_defaults() {
    let (spec, problems) = RunSpec::from_query("?scene=raft9&seed=-1&step=soon");
    assert_eq!(
        spec.scene,
        SceneId::default(),
        "the first scene of the picker"
    );
    assert_eq!(SceneId::default().slug(), "ring");
    assert_eq!(spec.seed, scene::spec::DEFAULT_SEED);
    assert_eq!(spec.step, None);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("Unknown scene \"raft9\""));
    assert!(problems[1].contains("seed must be a whole number"));
    assert!(problems[2].contains("step must be a whole number"));
}

#[test]
fn building_a_run_from_bad_parameters_explains_each_and_still_runs() {
    let (mut spec, _) =
        RunSpec::from_query("?scene=2pc&n=40&votes=yq&loss=300&lat=30-10&a=5@0:crash:9,oops");
    let mut built = scene::build(&mut spec);
    let text = built.problems.join("\n");
    assert!(
        text.contains("Participants must be a whole number from 2 to 7"),
        "{text}"
    );
    assert!(text.contains("Votes must be"), "{text}");
    assert!(text.contains("Message loss"), "{text}");
    assert!(text.contains("Latency"), "{text}");
    assert!(text.contains("there is no node 9"), "{text}");
    assert!(text.contains("\"oops\""), "{text}");
    assert!(built.run.horizon() > 0, "the default run still runs");
    assert!(
        spec.actions.is_empty(),
        "unusable actions are dropped from the link"
    );
    assert!(built.run.is_finished());
}

#[test]
fn a_link_to_a_step_past_the_end_shows_the_last_step() {
    let (mut spec, _) = RunSpec::from_query("?scene=2pc&seed=3&step=999999");
    let built = scene::build(&mut spec);
    assert_eq!(built.run.cursor(), built.run.horizon());
    assert!(
        built.problems[0].contains("showing the last one"),
        "{:?}",
        built.problems
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any text at all: reading it as a link and building its run never panics.
    #[test]
    fn any_query_is_survived(query in ".{0,200}") {
        let (mut spec, _) = RunSpec::from_query(&query);
        let _ = scene::build(&mut spec);
    }

    /// Queries made of the link's own vocabulary, mangled: no panic, and what was kept reads
    /// back identically.
    #[test]
    fn mangled_links_are_survived_and_round_trip(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("scene=2pc".to_string()), Just("scene=locks".to_string()),
                "seed=[0-9a-z-]{0,22}", "n=[0-9]{0,3}", "votes=[ynrq]{0,9}",
                "variant=[a-z-]{0,16}", "coop=[0-2]", "loss=[0-9]{0,4}", "lat=[0-9]{0,3}-[0-9]{0,3}",
                "step=[0-9]{0,8}", "a=[0-9]{1,3}@[0-9]{1,5}:(crash|restart|pause|drop|cut|part|cmd|zap):[0-9+:a-z-]{0,8}",
                "%[0-9A-F]{2}", "[&=%+]{1,3}",
            ],
            0..12,
        )
    ) {
        let query = format!("?{}", parts.join("&"));
        let (mut spec, _) = RunSpec::from_query(&query);
        let built = scene::build(&mut spec);
        prop_assert!(built.run.horizon() <= scene::MAX_STEPS);
        let (again, problems) = RunSpec::from_query(&spec.to_query());
        prop_assert!(problems.is_empty(), "a link dsviz wrote reads back without problems: {:?}", problems);
        prop_assert_eq!(again, spec);
    }
}

#[test]
fn a_link_naming_only_a_scenario_loads_it() {
    let (mut spec, _) = RunSpec::from_query("?scene=2pc&seed=7&sc=coord-crash");
    let built = scene::build(&mut spec);
    assert!(built.problems.is_empty(), "{:?}", built.problems);
    assert!(
        spec.actions.iter().any(|a| a.ends_with(":crash:0")),
        "{:?}",
        spec.actions
    );

    let (mut spec, _) = RunSpec::from_query("?scene=2pc&sc=no-such-thing");
    let built = scene::build(&mut spec);
    assert!(
        built.problems[0].contains("no scenario \"no-such-thing\""),
        "{:?}",
        built.problems
    );
    assert_eq!(spec.scenario, None);
}

#[test]
fn a_bad_parameter_is_explained_in_the_page_s_language() {
    use dsviz::i18n::{with_lang, Lang};
    let problems = with_lang(Lang::Zh, || {
        let (mut spec, _) = RunSpec::from_query("?scene=2pc&n=40&lat=30-10");
        scene::build(&mut spec).problems
    });
    let text = problems.join("\n");
    assert!(
        text.contains("参与者必须是 2 到 7 之间的整数，而不是“40”"),
        "{text}"
    );
    assert!(text.contains("延迟必须形如 10-30"), "{text}");
}
