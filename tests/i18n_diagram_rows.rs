//! The space-time diagram's tooltips (each trace row's label, a `sim::Line`) in Chinese:
//! every scene's default run and scenarios, every row of their first steps. Every template
//! a row uses has its Chinese entry, with no English word left in it but the protocols' own
//! vocabulary (`i18n_scan::ALLOWED`). The values put in a template (a message's protocol
//! words, a command's link form, an invariant's own message) are other layers' texts. A
//! state's name in capitals with no entry (LEADER) reads as the stage shows it.
use dsviz::i18n::{line, tr, with_lang, Lang};
use dsviz::scene::RunSpec;
use dsviz::sim::run::RowKind;
use std::collections::{BTreeMap, BTreeSet};

mod i18n_scan;
use i18n_scan::{
    assert_none_without_chinese, catalogue_entries, every_scene_run, template_words,
    without_chinese, ALLOWED,
};

/// Steps of each run looked at.
const STEPS: u64 = 400;

#[derive(Default)]
struct Seen {
    rows: usize,
    templates: BTreeMap<&'static str, String>,
}

fn look(seen: &mut Seen, scene: &str, spec: &mut RunSpec) {
    let mut built = dsviz::scene::build(spec);
    let run = &mut built.run;
    run.extend(STEPS);
    for row in run.rows(0, STEPS) {
        if row.kind == RowKind::Note {
            continue; // not drawn
        }
        seen.rows += 1;
        for template in row.label.templates() {
            seen.templates
                .entry(template)
                .or_insert_with(|| format!("[{scene}] {}", row.label));
        }
    }
}

#[test]
fn every_tooltip_of_the_diagram_has_its_chinese() {
    let mut seen = Seen::default();
    for (scene, mut spec) in every_scene_run() {
        look(&mut seen, scene, &mut spec);
    }
    assert!(seen.rows > 5_000, "only {} rows looked at", seen.rows);
    let missing = without_chinese(&seen.templates)
        .into_iter()
        // A state's name in capitals (LEADER, SERVING) with no entry is the protocol's own
        // word: the stage and the node cards show it as it is too.
        .filter(|(t, _)| t.chars().any(|c| c.is_ascii_lowercase()))
        .collect();
    assert_none_without_chinese(missing, "");
    // The words a template itself says (not the values put in it: a message's protocol
    // vocabulary, a node's name) are Chinese.
    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let known = catalogue_entries();
    let english: Vec<String> = seen
        .templates
        .iter()
        .filter(|(t, _)| known.contains(*t))
        // A state's name in capitals is the protocol's own word.
        .filter(|(t, _)| t.chars().any(|c| c.is_ascii_lowercase()))
        .filter_map(|(t, example)| {
            let zh = with_lang(Lang::Zh, || tr(t));
            let words: Vec<String> = template_words(zh)
                .into_iter()
                .filter(|w| !allowed.contains(w.as_str()))
                .collect();
            (!words.is_empty()).then(|| format!("{zh} ({}) from {example}", words.join(", ")))
        })
        .collect();
    assert!(
        english.is_empty(),
        "{} tooltips' Chinese still has English words:\n{}",
        english.len(),
        english.join("\n")
    );
}

#[test]
fn a_tooltip_reads_in_the_pages_language() {
    let mut spec = RunSpec::from_query("?scene=2pc&seed=1").0;
    let mut built = dsviz::scene::build(&mut spec);
    built.run.extend(40);
    let rows = built.run.rows(0, 40);
    let send = rows
        .iter()
        .find(|r| r.kind == RowKind::Send)
        .expect("the coordinator sends something");
    let en = with_lang(Lang::En, || line(&send.label));
    let zh = with_lang(Lang::Zh, || line(&send.label));
    assert!(en.contains(" sends ") && en.contains(" to "), "{en}");
    assert!(zh.contains("发送"), "{zh}");
    assert_eq!(send.label.to_string(), en, "Display is the English");
}
