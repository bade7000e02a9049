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

/// A text written in English before the Chinese texts arrived (a link's problems, found
/// while the page first loads, before `zh.txt` is fetched), in the current language: its
/// own entry, or the catalogue template it was made from with its values put in (each
/// translated when it has an entry of its own, a scene's title say). Of the templates that
/// fit, the one with the most fixed words wins. The text itself when none fits.
pub fn retranslate(text: &str) -> String {
    // Written in Chinese already (after the texts arrived): as it is.
    if lang() == Lang::En || text.chars().any(is_cjk) {
        return text.to_string();
    }
    ZH.with(|zh| {
        let mut zh = zh.borrow_mut();
        retranslate_in(zh.get_or_insert_with(zh_map), text)
    })
}

/// [`retranslate`] with the catalogue at hand; a value made from a template of its own
/// ("garbage" should look like…) is put back into Chinese the same way.
fn retranslate_in(map: &SortedMap<&'static str, &'static str>, text: &str) -> String {
    if let Some(chinese) = map.get(text) {
        return chinese.to_string();
    }
    let best = map
        .iter()
        .filter(|(english, _)| english.contains('{'))
        .filter_map(|(english, chinese)| {
            let values = template_values(english, text)?;
            // Letters outside the holes: a template of holes and spaces ("{a} {b}") would
            // read anything.
            let letters = |text: &str| text.chars().filter(char::is_ascii_alphabetic).count();
            let holes: usize = values.iter().map(|(name, _)| letters(name)).sum();
            let fixed = letters(english) - holes;
            (fixed >= 4).then_some((fixed, *chinese, values))
        })
        .max_by_key(|(fixed, ..)| *fixed);
    match best {
        Some((_, chinese, values)) => {
            let mut out = chinese.to_string();
            for (name, value) in values {
                out = out.replace(&format!("{{{name}}}"), &retranslate_in(map, value));
            }
            tidy(out)
        }
        None => text.to_string(),
    }
}

/// The values of `template`'s `{name}` holes that make it read `text`, if it can: each
/// value runs to the first place the fixed words after it appear.
fn template_values<'a>(template: &'a str, text: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
    let mut values = Vec::new();
    let (first, mut rest) = template.split_once('{')?;
    let mut at = text.strip_prefix(first)?;
    loop {
        let (name, after) = rest.split_once('}')?;
        let (fixed, next) = match after.split_once('{') {
            Some((fixed, next)) => (fixed, Some(next)),
            None => (after, None),
        };
        let value = match next {
            // Two holes side by side cannot be told apart.
            Some(_) if fixed.is_empty() => return None,
            Some(_) => {
                let end = at.find(fixed)?;
                let value = &at[..end];
                at = &at[end + fixed.len()..];
                value
            }
            None => {
                let value = at.strip_suffix(fixed)?;
                at = "";
                value
            }
        };
        values.push((name, value));
        match next {
            Some(next) => rest = next,
            None => return at.is_empty().then_some(values),
        }
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
    tidy(line.render(&tr))
}

/// [`tr`], then each `{name}` replaced by its value.
pub fn trf(english: &'static str, args: &[(&str, &dyn Display)]) -> String {
    let mut text = tr(english).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    tidy(text)
}

/// A count as the page writes it, with thousands separators: 12345 -> "12,345". The same
/// in both languages: Chinese technical writing groups digits by three with the same
/// comma (so the catalogues write "65,537"), and one format everywhere lets a reader
/// match a number in a caption with the same number on the stage.
pub fn count(n: u64) -> String {
    crate::algo::text::thousands(n)
}

/// What goes between two sentences written one after the other: a space in English,
/// nothing in Chinese (its full stop is wide enough).
pub fn sentence_gap() -> &'static str {
    match lang() {
        Lang::En => " ",
        Lang::Zh => "",
    }
}

/// Whether a character is written in Chinese text without spaces around it: an
/// ideograph, or CJK or full-width punctuation (`，。：（）`).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// A Chinese text without the spaces that filling its template left between two Chinese
/// characters. Templates keep a space around a hole for a Latin value (`{node} 启动`
/// gives `node-5 启动`), and a Chinese value would sit in those spaces (`最小扰动 被违反`):
/// Chinese has no spaces between words. English text is left as it is.
pub fn tidy(text: String) -> String {
    if lang() != Lang::Zh || !text.contains(' ') {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = chars[..i].iter().rev().find(|&&b| b != ' ');
            let after = chars[i + 1..].iter().find(|&&a| a != ' ');
            if before.is_some_and(|&b| is_cjk(b)) && after.is_some_and(|&a| is_cjk(a)) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A node's name as the page shows it. Names are the scenes' own (`n1`, `P2`, `node-5`,
/// `redis`) and stay as they are, except the few that are ordinary words: a lock client
/// (`client 2`), the locks' storage, the ring's one simulated node (`cluster`), the
/// two-phase commit's `coordinator` and load balancing's `clients`, `balancer 1` and
/// `server 2`, which read in the
/// page's language. Links name nodes by number, so this is only for the eye.
pub fn node_name(name: &str) -> String {
    if lang() == Lang::En {
        return name.to_string();
    }
    // A numbered name ("client 3", "balancer 1", "server 2"), as the catalogues word it.
    let numbered = [
        ("client ", "client {number}"),
        ("balancer ", "balancer {number}"),
        ("server ", "server {number}"),
    ]
    .into_iter()
    .find_map(|(prefix, template)| {
        let number = name.strip_prefix(prefix)?;
        (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
            .then(|| trf(template, &[("number", &number)]))
    });
    match (numbered, name) {
        (Some(numbered), _) => numbered,
        (None, "storage") => tr("storage").to_string(),
        (None, "cluster") => tr("cluster").to_string(),
        (None, "coordinator") => tr("coordinator").to_string(),
        (None, "clients") => tr("clients").to_string(),
        _ => name.to_string(),
    }
}
