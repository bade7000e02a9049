//! English and 简体中文. The English text is written where it is used, wrapped in [`tr`]
//! (or [`trf`] when it has `{placeholders}`); a catalogue per language and per part of the
//! app maps each English text to its translation. English needs no catalogue of its own:
//! the text in the code is the English catalogue, and a test checks that every wrapped
//! text has its Chinese entry (and that no Chinese entry is stale).
//!
//! A catalogue is a plain text file of pairs of lines, pairs separated by a blank line:
//! ```text
//! Participants
//! 参与者
//!
//! {n} keys moved
//! 移动了 {n} 个键
//! ```
//! The language is a setting of the whole page ([`set_lang`]); pure code reads it too, so
//! captions and messages built natively are translated the same way.
use crate::sim::sorted::SortedMap;
use std::cell::{Cell, RefCell};
use std::fmt::Display;

/// The languages the app speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The name in links (`lang=zh`) and in the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language's own name, for the picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        match code.as_str() {
            "en" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-sg" => Some(Lang::Zh),
            _ if code.starts_with("en-") => Some(Lang::En),
            _ if code.starts_with("zh") => Some(Lang::Zh),
            _ => None,
        }
    }
}

/// The Chinese catalogues: the shell's, then each scene's (see `crate::registry`). Native
/// builds (tests, tools) have them built in. The WebAssembly bundle does not: English
/// readers never download them, and a page that switches to Chinese loads them once, as
/// one file (`zh.txt` beside the bundle, written by `.ci/zh-bundle.mjs`), with
/// [`load_zh`].
#[cfg(not(target_arch = "wasm32"))]
pub fn zh_catalogues() -> Vec<&'static str> {
    let mut all = vec![include_str!("zh.txt"), include_str!("../ui/explore.zh.txt")];
    all.extend(crate::registry::SCENES.iter().map(|s| s.catalogue_zh()));
    all.extend(LOADED_ZH.with(Cell::get));
    all
}

#[cfg(target_arch = "wasm32")]
pub fn zh_catalogues() -> Vec<&'static str> {
    LOADED_ZH.with(|l| l.get().into_iter().collect())
}

/// Whether the Chinese texts are at hand (always natively; once loaded in the browser).
pub fn zh_available() -> bool {
    cfg!(not(target_arch = "wasm32")) || LOADED_ZH.with(|l| l.get().is_some())
}

/// Takes the Chinese catalogues, loaded at run time (all of them, one after the other).
pub fn load_zh(text: String) {
    // Kept for the life of the page, like built-in text: entries point into it.
    let text: &'static str = Box::leak(text.into_boxed_str());
    LOADED_ZH.with(|l| l.set(Some(text)));
    ZH.with(|zh| *zh.borrow_mut() = None);
}

/// Reads a catalogue's pairs; a malformed pair is reported with its line number.
pub fn parse_catalogue(text: &'static str) -> Result<Vec<(&'static str, &'static str)>, String> {
    let mut pairs = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((number, line)) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match lines.next() {
            Some((_, translation)) if !translation.trim().is_empty() => {
                pairs.push((line, translation));
            }
            _ => {
                return Err(format!(
                    "line {}: \"{line}\" has no translation",
                    number + 1
                ))
            }
        }
    }
    Ok(pairs)
}

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
    static ZH: RefCell<Option<SortedMap<&'static str, &'static str>>> = const { RefCell::new(None) };
    static LOADED_ZH: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Sets the language of everything translated from now on.
pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
}

pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

/// The text in the current language (the English text itself when there is no entry).
pub fn tr(english: &'static str) -> &'static str {
    match lang() {
        Lang::En => english,
        Lang::Zh => ZH.with(|zh| {
            let mut zh = zh.borrow_mut();
            let map = zh.get_or_insert_with(zh_map);
            map.get(english).copied().unwrap_or(english)
        }),
    }
}

/// Runs `f` with `lang` as the language (texts made inside it are in that language), then
/// puts the language back as it was.
pub fn with_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = self::lang();
    set_lang(lang);
    let out = f();
    set_lang(before);
    out
}

/// The translation of a text that is not known at compile time (a state name carried in a
/// `String`, say): the text itself when there is no entry or the language is English.
pub fn tr_text(english: &str) -> String {
    match lang() {
        Lang::En => english.to_string(),
        Lang::Zh => ZH.with(|zh| {
            let mut zh = zh.borrow_mut();
            let map = zh.get_or_insert_with(zh_map);
            map.get(english).copied().unwrap_or(english).to_string()
        }),
    }
}

fn zh_map() -> SortedMap<&'static str, &'static str> {
    crate::sim::sorted::SortedMap::from_iter(
        zh_catalogues()
            .into_iter()
            .flat_map(|c| parse_catalogue(c).unwrap_or_default()),
    )
}

/// A protocol's line (a node's detail, a message's or a timer's label) in the current
/// language: its template and those of the texts in its holes translated, its values put in.
pub fn line(line: &crate::sim::Line) -> String {
    line.render(&tr)
}

/// [`tr`], then each `{name}` replaced by its value.
pub fn trf(english: &'static str, args: &[(&str, &dyn Display)]) -> String {
    let mut text = tr(english).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}
