//! The state names the node cards, the generic stage and the diagram show (`NodeView::state`,
//! LEADER, IN DOUBT, SERVING) in Chinese: every scene's default run and scenarios, at every
//! step of their beginnings. Each name has its entry, so a node card does not say CANDIDATE
//! beside a stage that says 候选人.
use dsviz::i18n::{tr_text, with_lang, Lang};
use dsviz::scene::RunSpec;
use std::collections::BTreeMap;

mod i18n_scan;
use i18n_scan::{catalogue_entries, every_scene_run};

/// Steps of each run looked at.
const STEPS: u64 = 400;

fn look(seen: &mut BTreeMap<String, String>, scene: &str, spec: &mut RunSpec) {
    let mut built = dsviz::scene::build(spec);
    let run = &mut built.run;
    run.extend(STEPS);
    for step in 0..=STEPS.min(run.horizon()) {
        run.seek(step);
        for node in run.snapshot().nodes {
            seen.entry(node.state.to_string())
                .or_insert_with(|| format!("[{scene}] {} at step {step}", node.name));
        }
    }
}

#[test]
fn every_state_name_has_its_chinese() {
    let mut seen = BTreeMap::new();
    for (scene, mut spec) in every_scene_run() {
        look(&mut seen, scene, &mut spec);
    }
    assert!(
        seen.len() > 30,
        "only {} state names seen: {seen:?}",
        seen.len()
    );
    let known = catalogue_entries();
    let missing: Vec<String> = seen
        .iter()
        .filter(|(state, _)| !state.is_empty() && !known.contains(state.as_str()))
        .map(|(state, example)| format!("{state:?} (e.g. {example})"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} state names have no Chinese entry:\n{}",
        missing.len(),
        missing.join("\n")
    );
    let untranslated: Vec<&String> = seen
        .keys()
        .filter(|state| with_lang(Lang::Zh, || tr_text(state)).is_ascii())
        .collect();
    assert!(
        untranslated.is_empty(),
        "shown in English with lang=zh: {untranslated:?}"
    );
}
