//! The Chinese catalogues against the code: every catalogue parses, no English text is
//! translated twice in two ways, placeholders survive translation, every text the code
//! wraps in `tr("…")` / `trf("…")` has its Chinese (a missing key fails), and every
//! catalogue entry is still used somewhere in `src/` (a stale key fails).
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::i18n::{parse_catalogue, zh_catalogues};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod i18n_scan;
use i18n_scan::{literals, placeholders};

/// The catalogues with a name for messages: the shell's first, then the scenes' in the
/// registry's order.
fn catalogues() -> Vec<(String, &'static str)> {
    zh_catalogues()
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let name = if i == 0 {
                "src/i18n/zh.txt".to_string()
            } else {
                let first = text.lines().next().unwrap_or_default();
                format!("scene catalogue {i} ({first})")
            };
            (name, text)
        })
        .collect()
}

/// Every pair of every catalogue, with the catalogue's name.
fn all_pairs() -> Vec<(String, &'static str, &'static str)> {
    let mut pairs = Vec::new();
    for (name, text) in catalogues() {
        match parse_catalogue(text) {
            Ok(list) => pairs.extend(list.into_iter().map(|(en, zh)| (name.clone(), en, zh))),
            Err(e) => panic!("{name} does not parse: {e}"),
        }
    }
    pairs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Every literal in `src/`, and the texts wrapped in `tr("…")` / `trf("…")` with the file
/// that wraps each.
fn scan_sources() -> (BTreeSet<String>, BTreeMap<String, String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(
        files.len() > 50,
        "the scan found only {} files",
        files.len()
    );
    let mut all = BTreeSet::new();
    let mut wrapped = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        let shown = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&file)
            .display()
            .to_string();
        for (value, callee, _) in literals(&text) {
            if matches!(callee.as_deref(), Some("tr" | "trf")) {
                wrapped
                    .entry(value.clone())
                    .or_insert_with(|| shown.clone());
            }
            all.insert(value);
        }
    }
    (all, wrapped)
}

#[test]
fn every_catalogue_parses_and_no_translation_is_empty() {
    let pairs = all_pairs();
    assert!(pairs.len() > 200, "only {} pairs in all", pairs.len());
    let empty: Vec<String> = pairs
        .iter()
        .filter(|(_, en, zh)| en.trim().is_empty() || zh.trim().is_empty())
        .map(|(name, en, _)| format!("{name}: {en:?}"))
        .collect();
    assert!(empty.is_empty(), "empty entries: {empty:#?}");
}

#[test]
fn no_english_text_has_two_different_translations() {
    let mut seen: BTreeMap<&str, (String, &str)> = BTreeMap::new();
    let mut clashes = Vec::new();
    for (name, en, zh) in all_pairs() {
        match seen.get(en) {
            Some((first, other)) if other != &zh => clashes.push(format!(
                "{en:?}: {first} says {other:?}, {name} says {zh:?}"
            )),
            Some(_) => {}
            None => {
                seen.insert(en, (name, zh));
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:#?}");
}

#[test]
fn translations_keep_exactly_the_placeholders_of_their_english() {
    let wrong: Vec<String> = all_pairs()
        .into_iter()
        .filter(|(_, en, zh)| placeholders(en) != placeholders(zh))
        .map(|(name, en, zh)| format!("{name}: {en:?} -> {zh:?}"))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A hole in a Chinese template is set off from a Chinese character by a space
/// ("发给 {s}"): a Latin or numbered value then reads "发给 n1" and "负载均衡器 8 把请求",
/// the usual spacing of Chinese technical text, and `i18n::tidy` takes the space out again
/// when the value is Chinese ("发给服务器 3").
#[test]
fn a_hole_is_spaced_from_a_chinese_character() {
    let ideograph = |c: Option<char>| c.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut touching = Vec::new();
    for (name, _, zh) in all_pairs() {
        for (open, _) in zh.match_indices('{') {
            let Some(len) = zh[open..].find('}') else {
                continue;
            };
            let before = zh[..open].chars().next_back();
            let after = zh[open + len + 1..].chars().next();
            if ideograph(before) || ideograph(after) {
                touching.push(format!("{name}: {zh}"));
                break;
            }
        }
    }
    assert!(
        touching.is_empty(),
        "holes against Chinese characters:\n{}",
        touching.join("\n")
    );
}

#[test]
fn every_wrapped_text_in_the_code_has_its_chinese() {
    let (_, wrapped) = scan_sources();
    assert!(
        wrapped.len() > 300,
        "the scan found only {} wrapped texts",
        wrapped.len()
    );
    assert!(
        wrapped.contains_key("Copy link") && wrapped.contains_key("{node} crashes"),
        "the scan misses known wrapped texts"
    );
    let known: BTreeSet<&str> = all_pairs().into_iter().map(|(_, en, _)| en).collect();
    let missing: Vec<String> = wrapped
        .iter()
        .filter(|(en, _)| !known.contains(en.as_str()))
        .map(|(en, file)| format!("{file}: {en:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} texts have no Chinese entry:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_catalogue_entry_is_still_used_in_the_code() {
    let (all, _) = scan_sources();
    let stale: Vec<String> = all_pairs()
        .into_iter()
        .filter(|(_, en, _)| !all.contains(*en))
        .map(|(name, en, _)| format!("{name}: {en:?}"))
        .collect();
    assert!(
        stale.is_empty(),
        "{} catalogue entries are not in the code any more:\n{}",
        stale.len(),
        stale.join("\n")
    );
}

#[test]
fn the_scanner_reads_escapes_continuations_and_skips_comments() {
    let src = r##"
        // tr("in a comment")
        let a = tr("plain");
        let b = trf(
            "with \"quotes\" and {n}",
            &[]);
        let c = attr("not wrapped");
        let h = format!("made {}", 1);

        let d = tr("one \
                    line");
        let e = '"'; let f = tr("after a quote char");
        /* tr("in a block") */
        let g = r#"raw "text""#;
    "##;
    let found = literals(src);
    let wrapped: Vec<&str> = found
        .iter()
        .filter(|(_, callee, _)| matches!(callee.as_deref(), Some("tr" | "trf")))
        .map(|(v, _, _)| v.as_str())
        .collect();
    assert_eq!(
        wrapped,
        [
            "plain",
            "with \"quotes\" and {n}",
            "one line",
            "after a quote char"
        ]
    );
    assert!(
        found.iter().any(|(v, _, _)| v == "raw \"text\""),
        "{found:?}"
    );
    assert!(found
        .iter()
        .any(|(v, c, _)| v == "not wrapped" && c.as_deref() == Some("attr")));
    assert_eq!(
        placeholders("{a} and {b_2} but not {} or {:.1}"),
        ["a".to_string(), "b_2".to_string()].into()
    );
}

#[test]
fn templates_match_the_texts_they_make() {
    use i18n_scan::{english_words, fills};
    assert!(fills(
        "step {n} / {total} · {time}",
        "step 3 / 40 · 12.5 ms"
    ));
    assert!(fills("{node} crashes", "n2 crashes"));
    assert!(fills("mean {:.0}", "mean 12"));
    assert!(fills("Copy link", "Copy link"));
    assert!(!fills("Copy link", "Copy link now"));
    assert!(!fills("{node} crashes", "n2 crashes twice"));
    assert!(!fills("step {n} of {m}", "step 3"));
    assert_eq!(
        english_words("n1 node-3 user:42 发送 PREPARE t1 to 节点 ok"),
        ["PREPARE".to_string()]
    );
}

#[test]
fn in_chinese_the_app_finds_the_entry_of_every_wrapped_text() {
    let (_, wrapped) = scan_sources();
    let entries: BTreeMap<&str, &str> = all_pairs()
        .into_iter()
        .map(|(_, en, zh)| (en, zh))
        .collect();
    dsviz::i18n::set_lang(dsviz::i18n::Lang::Zh);
    let wrong: Vec<String> = wrapped
        .keys()
        .filter_map(|en| {
            let expected = entries.get(en.as_str())?;
            let key: &'static str = Box::leak(en.clone().into_boxed_str());
            let got = dsviz::i18n::tr(key);
            (got != *expected).then(|| format!("{en:?} -> {got:?}, not {expected:?}"))
        })
        .collect();
    dsviz::i18n::set_lang(dsviz::i18n::Lang::En);
    assert!(wrong.is_empty(), "{wrong:#?}");
}
