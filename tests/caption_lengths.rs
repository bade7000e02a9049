//! The caption under the stage reads in about two lines: at 720 px a line holds about 90
//! English characters, so a caption is at most [`EN_LIMIT`] characters in English; in
//! Chinese at most [`ZH_LIMIT`] columns, where a Chinese character or full-width mark takes
//! two columns and anything else (names, numbers, Redis commands) one. Every step of every
//! scene's default run and scenarios is read, in both languages, and the longest captions
//! are listed with their scene, scenario, step and length.
use dsviz::i18n::{with_lang, Lang};
use dsviz::scene::narration::{caption, columns};
use dsviz::sim::run::LogLine;
use std::collections::BTreeMap;

mod i18n_scan;
use i18n_scan::every_scene_run;

/// Steps of each run read.
const STEPS: u64 = 1_500;
/// The longest English caption allowed, in characters.
const EN_LIMIT: usize = 200;
/// A caption led by a broken variant's note, in characters or columns (see [`report`]).
const FLAW_LIMIT: usize = 280;
/// The widest Chinese caption allowed, in columns (see `dsviz::scene::narration::columns`).
const ZH_LIMIT: usize = 200;

/// One caption that was read: its length (characters in English, columns in Chinese), the
/// run and step it came from and its text.
struct Read {
    chars: usize,
    place: String,
    text: String,
}

/// Every step's caption (steps without one are left out).
fn captions(lines: Vec<LogLine>) -> Vec<(u64, String)> {
    let mut by_step: BTreeMap<u64, Vec<LogLine>> = BTreeMap::new();
    for line in lines {
        by_step.entry(line.step).or_default().push(line);
    }
    by_step
        .into_iter()
        .filter(|(step, _)| *step > 0)
        .filter_map(|(step, lines)| caption(&lines).map(|c| (step, c)))
        .collect()
}

/// The captions of every run, in English and in Chinese.
fn read_all() -> (Vec<Read>, Vec<Read>) {
    let mut en = Vec::new();
    let mut zh = Vec::new();
    for (scene, mut spec) in every_scene_run() {
        let scenario = spec.scenario.clone().unwrap_or_else(|| "default".into());
        let mut built = dsviz::scene::build(&mut spec);
        let run = &mut built.run;
        run.extend(STEPS);
        let end = run.horizon().min(STEPS);
        for (lang, out) in [(Lang::En, &mut en), (Lang::Zh, &mut zh)] {
            // The caption joins its sentences in the language too ("；" in Chinese).
            let said = with_lang(lang, || captions(run.log(1, end)));
            for (step, text) in said {
                out.push(Read {
                    chars: match lang {
                        Lang::En => text.chars().count(),
                        Lang::Zh => columns(&text),
                    },
                    place: format!("{scene} {scenario} step {step}"),
                    text,
                });
            }
        }
    }
    (en, zh)
}

/// The captions over `limit`, longest first, one a line; and the longest two of each scene.
fn report(mut read: Vec<Read>, limit: usize) -> (Vec<String>, String) {
    dsviz::sim::sort::sort_by(&mut read, |a, b| {
        b.chars.cmp(&a.chars).then(a.place.cmp(&b.place))
    });
    let line = |r: &Read| format!("{} [{}] {}", r.chars, r.place, r.text);
    // A broken variant's note leads its caption with the one sentence that explains the
    // bug, and the violation it causes follows: three lines, the room an embedded caption
    // keeps, are allowed there.
    let flaw = |r: &Read| r.text.starts_with("Broken variant:") || r.text.starts_with("错误变体：");
    let over = read
        .iter()
        .filter(|r| r.chars > if flaw(r) { FLAW_LIMIT } else { limit })
        .map(line)
        .collect();
    // The longest two of each scene (`place` starts with the scene).
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let worst = read
        .iter()
        .filter(|r| {
            let scene = r.place.split(' ').next().unwrap_or("");
            let count = shown.entry(scene).or_default();
            *count += 1;
            *count <= 2
        })
        .map(line)
        .collect::<Vec<_>>()
        .join("\n");
    (over, worst)
}

#[test]
fn every_caption_reads_in_two_lines_in_english_and_in_chinese() {
    let (en, zh) = read_all();
    assert!(
        en.len() > 2_000 && zh.len() == en.len(),
        "{} English and {} Chinese captions read",
        en.len(),
        zh.len()
    );
    let (en_over, en_worst) = report(en, EN_LIMIT);
    let (zh_over, zh_worst) = report(zh, ZH_LIMIT);
    println!(
        "longest English captions (characters):\n{en_worst}\n\n\
         widest Chinese captions (columns):\n{zh_worst}"
    );
    assert!(
        en_over.is_empty() && zh_over.is_empty(),
        "{} English captions over {EN_LIMIT} characters:\n{}\n\n{} Chinese captions over {ZH_LIMIT} columns:\n{}",
        en_over.len(),
        en_over.join("\n"),
        zh_over.len(),
        zh_over.join("\n")
    );
}
