//! Chinese reads as Chinese: no space between two Chinese characters (Chinese has no spaces
//! between words; a template's space around a hole is for a Latin value such as `node-5`),
//! and the nodes whose names are ordinary English words (a lock client, the locks'
//! storage, the ring's cluster) are named in Chinese, as are the states a log line says a
//! node went through. Checked on every catalogue entry,
//! and on what every scene's runs say and show in Chinese: the log, the diagram's tooltips,
//! the nodes' names and their detail lines.
use dsviz::i18n::{is_cjk, line, parse_catalogue, tr, trf, with_lang, zh_catalogues, Lang};
use dsviz::scene::ring::Ring;
use dsviz::scene::{build_scene, RunSpec};
use dsviz::sim::run::Run;

mod i18n_scan;
use i18n_scan::every_scene_run;

/// Steps of each run read.
const STEPS: u64 = 600;

/// The spaces of a text that sit between two Chinese characters, each shown in its
/// surroundings.
fn spaces_between_chinese(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] == ' ' && is_cjk(chars[i - 1]) && is_cjk(chars[i + 1]))
        .map(|i| {
            chars[i.saturating_sub(6)..(i + 7).min(chars.len())]
                .iter()
                .collect()
        })
        .collect()
}

/// English node names that must not be left in Chinese text: `client 2`, `storage`,
/// `cluster`, found as words (not inside `/lock` paths or identifiers).
fn english_node_names(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == ':'))
        .collect();
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let next_is_number = words
            .get(i + 1)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if *w == "storage" || *w == "cluster" || (*w == "client" && next_is_number) {
            found.push(w.to_string());
        }
    }
    found
}

#[test]
fn no_catalogue_entry_has_a_space_between_two_chinese_characters() {
    let mut bad = Vec::new();
    for catalogue in zh_catalogues() {
        for (en, zh) in parse_catalogue(catalogue).expect("a catalogue parses") {
            for at in spaces_between_chinese(zh) {
                bad.push(format!("{en:?}: …{at}…"));
            }
        }
    }
    assert!(bad.is_empty(), "{} entries:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn a_chinese_value_in_a_hole_leaves_no_space_and_a_latin_one_keeps_it() {
    let zh = |name: &str| {
        with_lang(Lang::Zh, || {
            trf(
                "{invariant} is violated: {message}",
                &[("invariant", &name), ("message", &"x")],
            )
        })
    };
    assert_eq!(zh("最小扰动"), "最小扰动被违反：x");
    assert_eq!(zh("no-loss"), "no-loss 被违反：x");
    // English is left alone.
    let en = trf(
        "{invariant} is violated: {message}",
        &[("invariant", &"a"), ("message", &"b")],
    );
    assert_eq!(en, "a is violated: b");
}

#[test]
fn every_scene_reads_in_chinese_without_spaces_between_words_or_english_names() {
    let mut spaced = Vec::new();
    let mut named = Vec::new();
    let mut read = 0;
    for (scene, mut spec) in every_scene_run() {
        let scenario = spec.scenario.clone().unwrap_or_else(|| "default".into());
        let mut built = dsviz::scene::build(&mut spec);
        let run = &mut built.run;
        run.extend(STEPS);
        let end = run.horizon().min(STEPS);
        let mut states: Vec<&'static str> = Vec::new();
        let mut texts: Vec<String> = with_lang(Lang::Zh, || {
            let mut texts: Vec<String> = run.log(1, end).into_iter().map(|l| l.text).collect();
            // The space-time diagram's tooltips.
            texts.extend(run.rows(1, end).iter().map(|r| line(&r.label)));
            for step in [end / 2, end] {
                run.seek(step);
                for node in run.snapshot().nodes {
                    states.push(node.state);
                    texts.push(node.name.clone());
                    texts.extend(node.details.iter().map(line));
                    texts.extend(node.timers.iter().map(|t| line(&t.label)));
                }
            }
            texts
        });
        texts.dedup();
        for text in texts {
            read += 1;
            let place = format!("{scene} {scenario}");
            spaced.extend(
                spaces_between_chinese(&text)
                    .into_iter()
                    .map(|at| format!("[{place}] …{at}…  in: {text}")),
            );
            // A state change in the log names the states as the node cards do (思考中,
            // not THINKING).
            let english_state = states.iter().any(|s| {
                with_lang(Lang::Zh, || tr(s)) != *s
                    && (text.contains(&format!("{s} →")) || text.contains(&format!("→ {s}")))
            });
            if !english_node_names(&text).is_empty() || english_state {
                named.push(format!("[{place}] {text}"));
            }
        }
    }
    spaced.dedup();
    named.dedup();
    println!("{read} texts read");
    assert!(read > 1_000, "only {read} texts read");
    assert!(
        spaced.is_empty(),
        "{} spaces between Chinese words:\n{}",
        spaced.len(),
        spaced.join("\n")
    );
    assert!(
        named.is_empty(),
        "{} texts with English node or state names:\n{}",
        named.len(),
        named.join("\n")
    );
}

#[test]
fn a_person_tells_the_ring_cluster_in_chinese() {
    let (mut spec, problems) = RunSpec::from_query("?scene=ring&sc=one-vnode&seed=1");
    assert!(problems.is_empty());
    let mut run = build_scene::<Ring>(&mut spec).run;
    run.extend(100);
    let end = run.horizon();
    run.seek(end);
    run.take("cmd:0:lookup:cart%3A7", run.time_of(end))
        .expect("a lookup");
    let log: Vec<String> = with_lang(Lang::Zh, || {
        run.log(1, run.horizon())
            .into_iter()
            .map(|l| l.text)
            .collect()
    });
    assert!(
        log.contains(&"你对集群下达命令：查找键 cart:7".to_string()),
        "{log:#?}"
    );
    // And the English names stay: links and the English page are unchanged.
    let en: Vec<String> = run
        .log(1, run.horizon())
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        en.contains(&"you tell cluster: look up key cart:7".to_string()),
        "{en:#?}"
    );
}
