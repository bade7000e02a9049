//! The lines a protocol writes (each node's detail lines, each message's and each timer's
//! label: `Protocol::detail_lines`, `msg_label`, `timer_label`) in Chinese. They are typed
//! (`sim::Line`: an English template and its values), and the page shows them through the
//! catalogues. This test runs every scenario of every scene (and each scene's default run),
//! looks at what the generic views show at many steps, and checks that:
//! - every template used has its Chinese entry (a missing one would show in English);
//! - the Chinese text has no English word but the protocol's own vocabulary and names
//!   (`i18n_scan::ALLOWED`), so no English is hidden in a value put into a template;
//! - the English text is unchanged by the typing (`Display` is what links, traces and
//!   `tests/old_links.rs` read).
use dsviz::i18n::{line, with_lang, Lang};
use dsviz::scene::RunSpec;
use dsviz::sim::run::Snapshot;
use dsviz::sim::Line;
use std::collections::{BTreeMap, BTreeSet};

mod i18n_scan;
use i18n_scan::{
    assert_none_without_chinese, english_words, every_scene_run, without_chinese, ALLOWED,
};

/// Steps looked at in each run: every `STRIDE`th step up to `LAST`.
const STRIDE: u64 = 7;
const LAST: u64 = 1_400;

/// Every line the generic views show at this step, with what kind of line it is.
fn lines_of(snapshot: &Snapshot) -> Vec<(&'static str, &Line)> {
    let mut out = Vec::new();
    for n in &snapshot.nodes {
        out.extend(n.details.iter().map(|d| ("detail", d)));
        out.extend(n.timers.iter().map(|t| ("timer", &t.label)));
    }
    out.extend(snapshot.messages.iter().map(|m| ("message", &m.label)));
    out
}

/// What the runs showed: each template with a line that used it (in English), and each
/// Chinese line with English words, with the scene.
#[derive(Default)]
struct Seen {
    templates: BTreeMap<&'static str, String>,
    english_in_chinese: BTreeMap<String, String>,
    lines: usize,
}

fn look(seen: &mut Seen, scene: &str, spec: &mut RunSpec) {
    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let mut built = dsviz::scene::build(spec);
    let run = &mut built.run;
    let mut step = 0;
    while step <= LAST {
        run.extend(STRIDE);
        run.seek(step);
        for (kind, l) in lines_of(&run.snapshot()) {
            seen.lines += 1;
            for template in l.templates() {
                seen.templates
                    .entry(template)
                    .or_insert_with(|| format!("[{scene}] {kind}: {l}"));
            }
            // A line that is one value (`Line::value`: a Redis command, `PREPARE t1`) says
            // in the code that it reads the same in every language.
            if l.template() == "{value}" {
                continue;
            }
            let zh = with_lang(Lang::Zh, || line(l));
            let english: Vec<String> = english_words(&zh)
                .into_iter()
                .filter(|w| !allowed.contains(w.as_str()))
                .collect();
            if !english.is_empty() {
                // One entry per kind of line: numbers do not make a new one.
                let kind_of_line: String = zh
                    .chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect();
                seen.english_in_chinese
                    .entry(format!("{kind_of_line}  ({})", english.join(", ")))
                    .or_insert_with(|| format!("[{scene}] {kind}: {l}"));
            }
        }
        if run.is_finished() && step >= run.horizon() {
            break;
        }
        step += STRIDE;
    }
}

fn every_run() -> Seen {
    let mut seen = Seen::default();
    for (scene, mut spec) in every_scene_run() {
        look(&mut seen, scene, &mut spec);
    }
    seen
}

#[test]
fn every_line_a_protocol_shows_has_its_chinese_and_no_english_word_left() {
    let seen = every_run();
    assert!(seen.lines > 10_000, "only {} lines looked at", seen.lines);
    assert!(
        seen.templates.len() > 150,
        "only {} templates were used: {:?}",
        seen.templates.len(),
        seen.templates.keys().collect::<Vec<_>>()
    );
    assert_none_without_chinese(
        without_chinese(&seen.templates),
        " (add each to its scene's src/scene/<topic>.zh.txt)",
    );
    let english: Vec<String> = seen
        .english_in_chinese
        .iter()
        .map(|(zh, example)| format!("{zh}\n    from {example}"))
        .collect();
    assert!(
        english.is_empty(),
        "{} lines still show English words in Chinese:\n{}",
        english.len(),
        english.join("\n")
    );
}

#[test]
fn a_line_renders_its_template_values_and_nested_texts_in_each_language() {
    let l = Line::tr("last write ({token}): {outcome}")
        .text("token", Line::tr("token {token}").with("token", 7))
        .text("outcome", Line::tr("rejected"));
    assert_eq!(l.to_string(), "last write (token 7): rejected");
    assert_eq!(
        with_lang(Lang::En, || line(&l)),
        "last write (token 7): rejected"
    );
    assert_eq!(
        with_lang(Lang::Zh, || line(&l)),
        "上次写入（令牌 7）：已拒绝"
    );
    assert_eq!(
        l.templates(),
        [
            "last write ({token}): {outcome}",
            "token {token}",
            "rejected"
        ]
    );
    // A value is put in as it is, even when it looks like a hole.
    let odd = Line::tr("log: {record}").with("record", "{record}");
    assert_eq!(with_lang(Lang::Zh, || line(&odd)), "日志：{record}");
    assert_eq!(Line::value("PREPARE t1"), "PREPARE t1");
}
