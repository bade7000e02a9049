//! The app's reducer, natively: undo and browser history, tours (to the end and back, each
//! stop equal to its link), stepping to the next visible change, branching, the language
//! switch, and the display options links carry.
use dsviz::i18n::Lang;
use dsviz::scene::{self, RunSpec, SceneId};
use dsviz::sim::run::Run;
use dsviz::ui::model::{Host, Model, Msg};
use std::cell::RefCell;
use std::rc::Rc;

/// A page that records what the model wrote into its address bar and history.
#[derive(Default)]
struct FakeHost {
    pushed: RefCell<Vec<String>>,
    replaced: RefCell<Vec<String>>,
}

impl Host for FakeHost {
    fn replace_query(&self, query: &str) {
        self.replaced.borrow_mut().push(query.to_string());
    }
    fn push_query(&self, query: &str) {
        self.pushed.borrow_mut().push(query.to_string());
    }
    fn base_url(&self) -> String {
        "https://dsviz.test/".into()
    }
    fn copy_to_clipboard(&self, _text: &str) {}
    fn random_seed(&self) -> u64 {
        4242
    }
}

fn model_of(query: &str) -> (Model<dyn Run>, Rc<FakeHost>) {
    let host = Rc::new(FakeHost::default());
    let (spec, problems) = RunSpec::from_query(query);
    let model = Model::new(spec, problems, true, host.clone(), scene::build);
    (model, host)
}

fn fingerprint(model: &Model<dyn Run>) -> (u64, u128) {
    let run = model.run.borrow();
    (run.cursor(), run.fingerprint())
}

#[test]
fn undo_takes_back_an_action_and_each_action_is_a_history_entry() {
    let (mut model, host) = model_of("?scene=2pc&seed=3");
    model.update(Msg::Seek(6));
    let before = fingerprint(&model);
    let actions_before = model.run.borrow().actions_text();
    assert!(
        host.pushed.borrow().is_empty(),
        "seeking adds no history entry"
    );
    model.update(Msg::Act("crash:0".into()));
    assert_eq!(
        host.pushed.borrow().len(),
        1,
        "an action is its own history entry"
    );
    assert_ne!(model.run.borrow().actions_text(), actions_before);
    model.update(Msg::Undo);
    assert_eq!(
        fingerprint(&model),
        before,
        "undo returns to the same state and step"
    );
    assert_eq!(model.run.borrow().actions_text(), actions_before);
    assert!(model.undo.is_empty());
}

#[test]
fn the_browsers_back_opens_the_run_before_the_gesture() {
    let (mut model, host) = model_of("?scene=locks&seed=2");
    model.update(Msg::Seek(10));
    let before_query = model.query();
    let before = fingerprint(&model);
    model.update(Msg::Act("crash:1".into()));
    model.update(Msg::Seek(30));
    assert_eq!(host.pushed.borrow().len(), 1);
    // The browser pops the entry: the page's address is the one before the action.
    model.update(Msg::Navigate(before_query));
    assert_eq!(fingerprint(&model), before);
    assert!(
        model.undo.is_empty(),
        "the undo stack follows the browser's Back"
    );
}

#[test]
fn a_parameter_change_and_a_scenario_are_undone_too() {
    let (mut model, _) = model_of("?scene=2pc&seed=1&n=3");
    let start = model.query();
    model.update(Msg::Param("n".into(), "5".into()));
    assert_eq!(model.run.borrow().node_count(), 6);
    let first = model.spec.scene.def().scenarios()[0].id;
    model.update(Msg::Scenario(first.into()));
    model.update(Msg::Undo);
    assert_eq!(model.run.borrow().node_count(), 6);
    model.update(Msg::Undo);
    assert_eq!(model.query(), start);
}

#[test]
fn acting_in_a_scenario_branches_from_that_step() {
    let (mut model, _) = model_of("?scene=2pc&sc=happy&seed=1");
    assert!(model.spec.scenario.is_some());
    model.update(Msg::Seek(5));
    model.update(Msg::Act("crash:1".into()));
    assert_eq!(model.branched_from, Some(5));
    assert_eq!(
        model.spec.scenario, None,
        "the scenario is no longer highlighted"
    );
}

#[test]
fn step_forward_goes_to_the_next_visible_change_and_shift_steps_one() {
    let (mut model, _) = model_of("?scene=2pc&seed=1");
    let mut skipped_any = false;
    for _ in 0..30 {
        let from = model.run.borrow().cursor();
        model.update(Msg::StepForward);
        let to = model.run.borrow().cursor();
        if to == from {
            break;
        }
        let mut run = model.run.borrow_mut();
        let at_rest = to == run.horizon() && run.is_finished();
        assert!(
            at_rest || run.log(to, to).iter().any(|l| l.visible),
            "step {to} changes the stage"
        );
        for quiet in from + 1..to {
            skipped_any = true;
            assert!(
                !run.log(quiet, quiet).iter().any(|l| l.visible),
                "step {quiet}, skipped, changes nothing on the stage"
            );
        }
    }
    assert!(skipped_any, "2PC has steps that change nothing visible");
    let from = model.run.borrow().cursor();
    model.update(Msg::Seek(0));
    model.update(Msg::StepOne);
    assert_eq!(model.run.borrow().cursor(), 1);
    assert!(from > 1);
}

/// Every scene with a tour: Next to the end, then Back to the start; at each stop the
/// state equals what the stop's own link opens.
#[test]
fn every_tour_goes_to_the_end_and_back_and_each_stop_equals_its_link() {
    let mut toured = 0;
    for scene in SceneId::all() {
        let len = scene.def().tour_len();
        if len == 0 {
            continue;
        }
        toured += 1;
        let (mut model, _) = model_of(&format!("?scene={}", scene.slug()));
        model.update(Msg::TourOpen(0));
        let mut seen = Vec::new();
        for stop in 0..len {
            assert_eq!(model.spec.tour, Some(stop), "{scene}: stop {stop}");
            let state = fingerprint(&model);
            let (fresh, _) = model_of(&model.query());
            assert_eq!(
                fresh.spec.tour,
                Some(stop),
                "{scene}: the link names the stop"
            );
            assert_eq!(
                fingerprint(&fresh),
                state,
                "{scene}: stop {stop} equals the state its link opens ({})",
                model.query()
            );
            seen.push(state);
            model.update(Msg::TourNext);
        }
        assert_eq!(
            model.spec.tour,
            Some(len - 1),
            "{scene}: Next stops at the end"
        );
        for stop in (0..len).rev() {
            assert_eq!(model.spec.tour, Some(stop));
            assert_eq!(
                fingerprint(&model),
                seen[stop],
                "{scene}: Back to stop {stop}"
            );
            model.update(Msg::TourBack);
        }
    }
    assert!(toured >= 4, "scenes with tours: {toured}");
}

#[test]
fn try_it_yourself_leaves_the_tour_and_comes_back_to_the_same_stop() {
    let scene = SceneId::all()
        .find(|s| s.def().tour_len() >= 3)
        .expect("a scene with a tour");
    let (mut model, _) = model_of(&format!("?scene={}&tour=3", scene.slug()));
    assert_eq!(model.spec.tour, Some(2));
    let at_stop = fingerprint(&model);
    model.update(Msg::TourLeave);
    assert_eq!(model.spec.tour, None);
    assert_eq!(model.tour_left, Some(2));
    model.update(Msg::Seek(0));
    model.update(Msg::TourReturn);
    assert_eq!(model.spec.tour, Some(2));
    assert_eq!(fingerprint(&model), at_stop);
}

#[test]
fn a_tour_link_past_the_last_stop_says_so_and_opens_the_scene() {
    let scene = SceneId::all()
        .find(|s| s.def().tour_len() > 0)
        .expect("a scene with a tour");
    let (model, _) = model_of(&format!("?scene={}&tour=99", scene.slug()));
    assert_eq!(model.spec.tour, None);
    assert!(
        model.problems.iter().any(|p| p.contains("no stop 99")),
        "{:?}",
        model.problems
    );
    let (_, problems) = RunSpec::from_query("?tour=zero");
    assert!(
        problems.iter().any(|p| p.contains("tour stop")),
        "{problems:?}"
    );
}

#[test]
fn switching_the_language_keeps_the_run_and_the_step() {
    let (mut model, _) = model_of("?scene=locks&seed=5");
    model.update(Msg::Seek(25));
    let before = fingerprint(&model);
    model.update(Msg::Lang(Lang::Zh));
    assert_eq!(fingerprint(&model), before);
    assert!(model.query().contains("lang=zh"));
    model.update(Msg::Lang(Lang::En));
    assert_eq!(fingerprint(&model), before);
}

#[test]
fn display_options_round_trip_in_links_and_bad_ones_are_reported() {
    let (spec, problems) = RunSpec::from_query(
        "?scene=2pc&caption=0&log=1&diagram=0&autoplay=1&playback=4&lang=zh&explore=0",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert!(!spec.show.caption && spec.show.autoplay);
    assert_eq!(spec.show.explore, Some(false));
    assert_eq!(
        (spec.show.log, spec.show.diagram, spec.show.speed),
        (Some(true), Some(false), Some(4))
    );
    assert_eq!(spec.show.lang, Some(Lang::Zh));
    let (again, _) = RunSpec::from_query(&spec.to_query());
    assert_eq!(again, spec);
    let (plain, _) = RunSpec::from_query("?scene=2pc");
    assert!(!plain.to_query().contains("caption") && !plain.to_query().contains("log="));
    let (_, problems) =
        RunSpec::from_query("?caption=maybe&playback=9&lang=klingon&autoplay=2&log=x");
    assert_eq!(problems.len(), 5, "{problems:?}");
    let (model, _) = model_of("?scene=2pc&autoplay=1&playback=6");
    assert!(model.playing && model.speed == 6);
    dsviz::i18n::set_lang(Lang::En);
}

/// The page's builder: a run opened with only `OPENING_STEPS` computed (Raft, whose 2,000
/// steps of heartbeats are the slowest to compute before the first picture).
fn opening_build(spec: &mut RunSpec) -> dsviz::scene::Built<dyn Run> {
    let built = scene::build_scene_opening::<dsviz::scene::raft::Raft>(spec, scene::OPENING_STEPS);
    dsviz::scene::Built {
        run: built.run,
        problems: built.problems,
    }
}

#[test]
fn a_page_opens_with_few_steps_computed_and_computes_the_rest_and_writes_its_link_after_its_first_picture(
) {
    let (spec, problems) = RunSpec::from_query("?scene=raft&seed=7");
    let host = Rc::new(FakeHost::default());
    let mut model = Model::new(spec, problems, true, host.clone(), opening_build);
    let opened_with = model.run.borrow().horizon();
    assert!(
        opened_with <= scene::OPENING_STEPS,
        "the first picture waits for {opened_with} steps"
    );
    assert!(
        host.replaced.borrow().is_empty(),
        "the address bar waits for the first picture"
    );
    model.update(Msg::Settle);
    assert!(model.settled);
    let written = host.replaced.borrow().last().cloned().unwrap_or_default();
    assert!(
        written.contains("scene=raft") && written.contains("seed=7"),
        "after the first picture the address bar holds the run's link, not {written:?}"
    );
    assert_eq!(model.run.borrow().horizon(), scene::LOOKAHEAD);
    // Computed in two parts, the run is the one a link opens in one go.
    let (full, _) = model_of("?scene=raft&seed=7");
    for step in [0, opened_with, 1_500, scene::LOOKAHEAD] {
        model.update(Msg::Seek(step));
        full.run.borrow_mut().seek(step);
        assert_eq!(fingerprint(&model), fingerprint(&full), "step {step}");
    }
}

/// The counter beside the scrubber, on every scene: while a run is still being computed it
/// names the step alone (the steps computed so far are no total: they grow as it plays);
/// once the run has ended it adds the run's length, which no further computing changes.
#[test]
fn the_step_counter_shows_a_total_only_once_the_run_has_ended() {
    use dsviz::i18n::with_lang;
    use dsviz::ui::model::step_status;
    let status = |model: &Model<dyn Run>| {
        let mut run = model.run.borrow_mut();
        let finished = run.is_finished();
        step_status(run.cursor(), run.horizon(), finished, model.playhead)
    };
    let (mut ended, mut going_on) = (0, 0);
    let scenes: Vec<SceneId> = SceneId::all().collect();
    assert_eq!(scenes.len(), 7, "seven scenes");
    for scene in scenes {
        let (mut model, _) = model_of(&format!("?scene={}&step=13", scene.slug()));
        model.update(Msg::Seek(13));
        let (text, _) = status(&model);
        assert!(text.starts_with("step 13 "), "{scene}: {text}");
        // Computing further (as playing does) changes the counter of a run still going on
        // only when that run ends.
        let mut before = (text.clone(), model.run.borrow_mut().is_finished());
        for _ in 0..20 {
            if before.1 {
                break;
            }
            assert!(
                !before.0.contains('/'),
                "{scene}: no total yet: {}",
                before.0
            );
            let computed = model.run.borrow().horizon();
            let title = status(&model).1;
            assert!(
                title.contains(&format!("({computed} so far)")),
                "{scene}: the tooltip says how far the run is computed: {title}"
            );
            model.run.borrow_mut().extend(2_000);
            let now = (status(&model).0, model.run.borrow_mut().is_finished());
            if !now.1 {
                assert_eq!(
                    now.0, before.0,
                    "{scene}: the counter does not grow with the run"
                );
            }
            before = now;
        }
        let run_len = model.run.borrow().horizon();
        if before.1 {
            ended += 1;
            assert_eq!(
                before.0,
                format!("step 13 / {run_len} · {}", model.playhead),
                "{scene}: the total is the run's length"
            );
            model.run.borrow_mut().extend(2_000);
            assert_eq!(
                status(&model).0,
                before.0,
                "{scene}: an ended run stays ended"
            );
            let zh = with_lang(Lang::Zh, || status(&model).0);
            assert!(
                zh.starts_with(&format!("第 13 / {run_len} 步")),
                "{scene}: {zh}"
            );
        } else {
            going_on += 1;
            let zh = with_lang(Lang::Zh, || status(&model).0);
            assert!(zh.starts_with("第 13 步 · "), "{scene}: {zh}");
        }
    }
    eprintln!("{ended} runs ended, {going_on} going on");
    assert!(
        ended >= 1 && going_on >= 1,
        "both kinds of run: {ended} ended, {going_on} going on"
    );
}
