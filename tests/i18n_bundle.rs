//! The browser loads the Chinese catalogues as one file, `zh.txt`, that `.ci/zh-bundle.mjs`
//! writes by joining every catalogue. Joined that way, they must read as the sum of their
//! parts: no pair swallowed or split at a seam.
use dsviz::i18n::{parse_catalogue, zh_catalogues};

#[test]
fn the_joined_catalogues_read_as_the_sum_of_their_parts() {
    let parts = zh_catalogues();
    assert!(
        parts.len() >= 8,
        "the shell's and each scene's: {}",
        parts.len()
    );
    let separately: usize = parts
        .iter()
        .map(|p| parse_catalogue(p).expect("each catalogue parses").len())
        .sum();
    // The script's join: each part without its trailing blank lines, a blank line between.
    let joined: String = parts
        .iter()
        .map(|p| p.trim_end())
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n";
    let joined: &'static str = Box::leak(joined.into_boxed_str());
    let together = parse_catalogue(joined).expect("the joined file parses");
    assert_eq!(together.len(), separately);
}

#[test]
fn texts_loaded_at_run_time_are_used() {
    use dsviz::i18n::{load_zh, set_lang, tr, Lang};
    set_lang(Lang::Zh);
    load_zh("# a test catalogue\nQuite untranslatable\n完全无法翻译\n".to_string());
    assert_eq!(tr("Quite untranslatable"), "完全无法翻译");
    set_lang(Lang::En);
    assert_eq!(tr("Quite untranslatable"), "Quite untranslatable");
}
