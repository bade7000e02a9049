//! Reading Rust source for the i18n tests: its string literals (with the function each is
//! the first argument of), the `{placeholders}` of a text, and the texts a file wraps in
//! `tr(`/`trf(`. Shared by `tests/i18n_catalogues.rs` (native), the scenes' catalogue tests
//! and `tests/in_browser/i18n.rs` (WebAssembly).
#![allow(dead_code)]
use std::collections::{BTreeMap, BTreeSet};

/// A string literal in Rust source, read from its opening quote; returns its value and the
/// position after its closing quote. Escapes and line continuations are resolved.
pub fn read_string(src: &[char], open: usize) -> (String, usize) {
    let mut out = String::new();
    let mut i = open + 1;
    while i < src.len() {
        match src[i] {
            '"' => return (out, i + 1),
            '\\' => {
                let next = src.get(i + 1).copied().unwrap_or(' ');
                i += 2;
                match next {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '\n' => {
                        while i < src.len() && src[i].is_whitespace() {
                            i += 1;
                        }
                    }
                    'u' => {
                        // \u{…}
                        let close = (i..src.len()).find(|&j| src[j] == '}').unwrap_or(i);
                        let hex: String = src[i + 1..close].iter().collect();
                        if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            out.push(c);
                        }
                        i = close + 1;
                    }
                    'x' => {
                        let hex: String = src[i..(i + 2).min(src.len())].iter().collect();
                        if let Ok(b) = u8::from_str_radix(&hex, 16) {
                            out.push(char::from(b));
                        }
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, i)
}

pub fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The source's string literals (comments skipped), each with the name of the function it
/// is the first argument of (`tr`, `trf`, …), if any, and the code just before it (up to
/// 24 characters, spaces at its end removed).
pub fn literals(text: &str) -> Vec<(String, Option<String>, String)> {
    let src: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        let next = src.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < src.len() && src[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < src.len() && !(src[i] == '*' && src[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !is_ident(src[i - 1]))
        {
            // A raw string: r"…" or r#"…"#.
            let hashes = src[i + 1..].iter().take_while(|&&h| h == '#').count();
            let open = i + 1 + hashes;
            if src.get(open) != Some(&'"') {
                i += 1;
                continue;
            }
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut j = open + 1;
            while j < src.len() && !src[j..].starts_with(&closing) {
                j += 1;
            }
            out.push((
                src[open + 1..j.min(src.len())].iter().collect(),
                None,
                String::new(),
            ));
            i = j + closing.len();
        } else if c == '"' {
            // The function this literal is the first argument of: `name(` just before.
            let mut k = i;
            while k > 0 && src[k - 1].is_whitespace() {
                k -= 1;
            }
            let callee = (k > 0 && src[k - 1] == '(').then(|| {
                // `name(` or a macro's `name!(`.
                let mut end = k - 1;
                if end > 0 && src[end - 1] == '!' {
                    end -= 1;
                }
                let mut start = end;

                while start > 0 && is_ident(src[start - 1]) {
                    start -= 1;
                }
                src[start..end].iter().collect::<String>()
            });
            let before: String = src[k.saturating_sub(24)..k].iter().collect();
            let (value, after) = read_string(&src, i);
            out.push((value, callee, before));
            i = after;
        } else if c == '\'' {
            // A char literal ('"', '\'', 'x', '\u{..}') is skipped; a lifetime is not one.
            if next == Some('\\') {
                let close = (i + 3..src.len()).find(|&j| src[j] == '\'').unwrap_or(i);
                i = close + 1;
            } else if src.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The `{name}` placeholders of a text (not `{}` or `{:.1}`).
pub fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(is_ident) && close > 0 => {
                out.insert(after[..close].to_string());
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// The fixed parts of a text with placeholders (`{name}`, `{}`, `{:.1}`, `{0}`): what is
/// between them, in order; `{{` and `}}` are literal braces.
pub fn fixed_parts(template: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                parts.last_mut().expect("a part").push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                parts.last_mut().expect("a part").push('}');
            }
            '{' => {
                let mut inner = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == '}' {
                        closed = true;
                        break;
                    }
                    inner.push(d);
                }
                let placeholder = closed
                    && inner
                        .chars()
                        .all(|d| is_ident(d) || matches!(d, ':' | '.' | '?' | '<' | '>' | '#'));
                if placeholder {
                    parts.push(String::new());
                } else {
                    let part = parts.last_mut().expect("a part");
                    part.push('{');
                    part.push_str(&inner);
                    if closed {
                        part.push('}');
                    }
                }
            }
            c => parts.last_mut().expect("a part").push(c),
        }
    }
    parts
}

/// Whether the whole of `text` is what `template` gives with some values in its
/// placeholders.
pub fn fills(template: &str, text: &str) -> bool {
    let parts = fixed_parts(template);
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    if parts.len() == 1 {
        return text == first;
    }
    if !text.starts_with(first.as_str()) || !text.ends_with(last.as_str()) {
        return false;
    }
    if text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The English words of 3 letters or more in a text. A run of letters joined to digits by
/// `-`, `:` or `_` (`node-3`, `user:42`, `lock_7`) or touching a digit (`t1`, `n12`) is a
/// name, not a word; so is a part of a path (`/lock`, `p1.3/poison`) or of a snake-case
/// identifier (`least_conn`).
pub fn english_words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_alphabetic() {
            i += 1;
        }
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        let after2 = chars.get(i + 1).copied();
        let joined_to_number = after.is_some_and(|c| c.is_ascii_digit())
            || before.is_some_and(|c| c.is_ascii_digit())
            || (matches!(after, Some('-' | ':' | '_'))
                && after2.is_some_and(|c| c.is_ascii_digit()));
        let in_path = before == Some('/');
        let in_identifier = before == Some('_')
            || (after == Some('_') && after2.is_some_and(|c| c.is_ascii_alphanumeric()));
        if i - start >= 3 && !joined_to_number && !in_path && !in_identifier {
            words.push(chars[start..i].iter().collect());
        }
    }
    words
}

/// Whether a literal stands where its text is shown: wrapped for translation, a format
/// string, a text child of markup (`{ "…" }`), or a label attribute's value.
pub fn shown_position(callee: Option<&str>, before: &str) -> bool {
    matches!(callee, Some("tr" | "trf" | "format"))
        || before.ends_with('{')
        || ["aria-label=", "title=", "placeholder="]
            .iter()
            .any(|attr| before.ends_with(attr))
}

/// The English words of a template's fixed parts (its placeholders' names left out).
pub fn template_words(template: &str) -> Vec<String> {
    english_words(&fixed_parts(template).join(" "))
}

/// The string literals wrapped in `tr(` or `trf(` in one source file: the texts a scene
/// shows through its catalogue (the catalogue tests compare the two).
pub fn wrapped_literals(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (start, _) in source
        .match_indices("tr(")
        .chain(source.match_indices("trf("))
    {
        let preceded = source[..start].chars().last();
        if preceded.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = source[start..]
            .split_once('(')
            .map_or("", |(_, r)| r)
            .trim_start();
        let Some(body) = rest.strip_prefix('"') else {
            continue;
        };
        let mut text = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('\n') => {
                        while chars.peek().is_some_and(|c| c.is_whitespace()) {
                            chars.next();
                        }
                    }
                    Some(other) => text.push(other),
                    None => {}
                },
                other => text.push(other),
            }
        }
        found.push(text);
    }
    found
}

/// Words that stay as they are in Chinese: names of systems, papers and tools, protocol and
/// command vocabulary (message and Redis command names), key names, units.
pub const ALLOWED: &[&str] = &[
    // names
    "dsviz",
    "Raft",
    "Paxos",
    "Multi",
    "Redis",
    "Redlock",
    "ZooKeeper",
    "TLA",
    "RaftScope",
    "Maglev",
    "Ketama",
    "MD5",
    "xxHash",
    "XXH",
    "SHA",
    "Lamport",
    "Chubby",
    "etcd",
    "Kafka",
    "English",
    "nginx",
    // the scenes' node names (names, like n1 and P2, that captions and links use)
    "coordinator",
    "client",
    "clients",
    "server",
    "balancer",
    "redis",
    "storage",
    "cluster",
    "SVG",
    "HTML",
    "JSON",
    "URL",
    "GC",
    "JVM",
    "LCG",
    "FNV",
    // the comparison's algorithm codes (its table's rows)
    "ring",
    "ketama",
    "bounded",
    "load",
    "modulo",
    "jump",
    "rendezvous",
    "maglev",
    // keys
    "Ctrl",
    "Shift",
    "Page",
    "Down",
    "Esc",
    "Enter",
    "Tab",
    // protocol vocabulary: messages, commands, replies, log records
    "BEGIN",
    "PREPARED",
    "END",
    "INQUIRE",
    "Prepare",
    "PREPARE",
    "COMMIT",
    "ABORT",
    "VOTE",
    "YES",
    "ACK",
    "NACK",
    "GET",
    "PUT",
    "SET",
    "DEL",
    "INCR",
    "BRPOP",
    "BLMOVE",
    "LPUSH",
    "RPUSH",
    "LREM",
    "XADD",
    "XREADGROUP",
    "XACK",
    "XCLAIM",
    "XAUTOCLAIM",
    "PEL",
    "EXPIRE",
    "NX",
    "PX",
    "OK",
    "RequestVote",
    "AppendEntries",
    "InstallSnapshot",
    "PreVote",
    "TimeoutNow",
    "Accept",
    "Accepted",
    "Promise",
    "Nack",
    // ZooKeeper's session heartbeats, Redis's durability words and redis-cli's replies
    "ping",
    "pong",
    "AOF",
    "fsync",
    "nil",
    "integer",
    // data: the stores' operations as links write them (put:x:1, get x) and the values
    // the Paxos scenarios propose
    "put",
    "get",
    "red",
    "green",
    "blue",
    // units
    "KB",
    "MB",
    "req",
];

/// The folder of a scene's algorithm, by the scene's slug.
pub fn algo_dir(slug: &str) -> &'static str {
    match slug {
        "2pc" => "src/algo/two_phase_commit",
        "ring" => "src/algo/ring_cluster",
        "locks" => "src/algo/locks",
        "raft" => "src/algo/raft",
        "paxos" => "src/algo/paxos",
        "queue" => "src/algo/queue",
        "balance" => "src/algo/balance",
        other => panic!("no algorithm folder known for scene {other}"),
    }
}

/// Every string literal of the Rust files under `dir` (its folders too). An algorithm's
/// lines (`sim::Line`: detail lines, message and timer labels) are made of them, some
/// chosen in a `match` rather than written in `Line::tr("…")`; its scene's catalogue
/// translates them, so a catalogue entry found here is not stale.
pub fn literals_under(dir: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()));
        for path in entries.map(|e| e.expect("a directory entry").path()) {
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.extend(literals(&text).into_iter().map(|(value, _, _)| value));
            }
        }
    }
    out
}

/// The English texts every Chinese catalogue has an entry for.
pub fn catalogue_entries() -> BTreeSet<&'static str> {
    dsviz::i18n::zh_catalogues()
        .into_iter()
        .flat_map(|c| dsviz::i18n::parse_catalogue(c).expect("a catalogue parses"))
        .map(|(en, _)| en)
        .collect()
}

/// The templates used (each with an example of its text) that have no Chinese entry in any
/// catalogue. A template that is only a hole (`Line::value`) reads the same in every
/// language, so it needs none.
pub fn without_chinese(templates: &BTreeMap<&'static str, String>) -> Vec<(&'static str, String)> {
    let known = catalogue_entries();
    templates
        .iter()
        .filter(|(t, _)| !known.contains(*t))
        .filter(|(t, _)| !(t.starts_with('{') && t.ends_with('}') && t.matches('{').count() == 1))
        .map(|(t, example)| (*t, example.clone()))
        .collect()
}

/// Every scene's default run and each of its scenarios (seed 1), as links to build, with
/// the scene's slug: the runs the translation tests walk.
pub fn every_scene_run() -> Vec<(&'static str, dsviz::scene::RunSpec)> {
    let mut out = Vec::new();
    for scene in dsviz::registry::SCENES {
        let default = dsviz::scene::RunSpec::from_query(&format!("?scene={}", scene.slug())).0;
        out.push((scene.slug(), default));
        for info in scene.scenarios() {
            let spec = scene
                .scenario_spec(info.id, 1)
                .unwrap_or_else(|| panic!("{}: scenario {} has a spec", scene.slug(), info.id));
            out.push((scene.slug(), spec));
        }
    }
    out
}

/// Fails, listing each with its example, if any of these templates (what
/// [`without_chinese`] found, perhaps filtered) has no Chinese entry. `hint` says where
/// the entries go ("" for none).
pub fn assert_none_without_chinese(missing: Vec<(&'static str, String)>, hint: &str) {
    let missing: Vec<String> = missing
        .into_iter()
        .map(|(t, example)| format!("{t:?} (e.g. {example})"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} templates have no Chinese entry{hint}:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// Whether a text has Chinese characters.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The page's messages about a link, in one language: the link's own and its scene's.
pub fn link_problems(query: &str, lang: dsviz::i18n::Lang) -> Vec<String> {
    dsviz::i18n::with_lang(lang, || {
        let (mut spec, mut problems) = dsviz::scene::RunSpec::from_query(query);
        problems.extend(dsviz::scene::build(&mut spec).problems);
        problems
    })
}

/// Opens `query` in English and in Chinese and returns the Chinese message said where the
/// English one is exactly `english`, after checking that it is Chinese and names `value`.
pub fn chinese_message_for(query: &str, english: &str, value: &str) -> String {
    use dsviz::i18n::Lang;
    let en = link_problems(query, Lang::En);
    let zh = link_problems(query, Lang::Zh);
    let at = en
        .iter()
        .position(|p| p == english)
        .unwrap_or_else(|| panic!("{query}: no message {english:?} in {en:#?}"));
    assert_eq!(en.len(), zh.len(), "{query}: {en:?} against {zh:?}");
    let message = zh[at].clone();
    println!("{query}\n    {english}\n    {message}");
    assert!(has_chinese(&message), "{query}: not in Chinese: {message}");
    assert!(
        message.contains(value),
        "{query}: the Chinese message does not name {value:?}: {message}"
    );
    message
}
