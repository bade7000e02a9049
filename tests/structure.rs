//! The structural rules of the codebase (see `ARCHITECTURE.md`), checked on the sources:
//!
//! - no file under `src/` is longer than 600 lines, not counting `#[cfg(test)]` modules
//!   (inline ones, or files declared `#[cfg(test)] mod tests;`);
//! - no import cycle between the modules of one folder (a module is a file, or a folder with
//!   its `mod.rs`): a file that names `crate::a::b::…`, `super::…` or `self::…` depends on
//!   the deepest module the path reaches; a dependency of `a/b/x.rs` on `a/c.rs` counts as
//!   one of `a/b` on `a/c`. The crate's top-level modules are the layers, whose order the
//!   third rule states instead;
//! - the layers, as the table in `ARCHITECTURE.md` has them: `src/sim/` (the kernel) depends
//!   on nothing of ours, `src/algo/` only on `sim` (and itself), and neither on a web crate;
//!   the app model `src/ui/model/` uses no web crate either.
//!
//! The sources are read as Rust tokens (`proc-macro2`), so comments and strings don't count,
//! and paths inside macros (`vec![…]`, `html! {…}`) do.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

const MAX_LINES: usize = 600;

/// Crates that exist only for the browser.
const WEB_CRATES: &[&str] = &[
    "yew",
    "web_sys",
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "js_sys",
    "gloo",
    "gloo_timers",
    "gloo_events",
];

/// Which of our top-level modules each pure layer may name, from the table in
/// `ARCHITECTURE.md`. None of them may name a web crate.
const LAYERS: &[Layer] = &[
    Layer {
        folder: "sim",
        may_use: &["sim"],
    },
    Layer {
        folder: "algo",
        may_use: &["sim", "algo"],
    },
    Layer {
        folder: "ui/model",
        may_use: &["sim", "algo", "scene", "i18n", "registry", "ui", "explore"],
    },
];

struct Layer {
    /// Under `src/`.
    folder: &'static str,
    may_use: &'static [&'static str],
}

type ModPath = Vec<String>;

/// One source file, read.
struct Source {
    /// Relative to `src/`, with `/`.
    file: String,
    module: ModPath,
    /// Lines outside `#[cfg(test)]` modules.
    lines: usize,
    /// Paths the file names outside its test modules, each resolved to an absolute module
    /// path when it starts with `crate`, `super` or `self` (`None`: an external path, kept
    /// as written), with its line.
    uses: Vec<Use>,
    /// Modules the file declares `#[cfg(test)] mod name;` (files that are tests).
    test_children: Vec<ModPath>,
}

#[derive(Clone, Debug)]
struct Use {
    /// The absolute path inside this crate, or `None` for a path into another crate.
    internal: Option<ModPath>,
    written: String,
    line: usize,
}

fn module_of(file: &str) -> ModPath {
    let mut parts: ModPath = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn read(file: &str, text: &str) -> Source {
    let module = module_of(file);
    let tokens: TokenStream = text
        .parse()
        .unwrap_or_else(|e| panic!("src/{file} does not lex as Rust: {e:?}"));
    let mut reader = Reader {
        uses: Vec::new(),
        test_lines: 0,
        test_children: Vec::new(),
    };
    reader.walk(&tokens.into_iter().collect::<Vec<_>>(), &module);
    let total = text.lines().count();
    Source {
        file: file.to_string(),
        module,
        lines: total - reader.test_lines,
        uses: reader.uses,
        test_children: reader.test_children,
    }
}

struct Reader {
    uses: Vec<Use>,
    test_lines: usize,
    test_children: Vec<ModPath>,
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_ident(t: Option<&TokenTree>, name: &str) -> bool {
    matches!(t, Some(TokenTree::Ident(i)) if i == name)
}

/// Whether `tokens[i..]` starts with `::`.
fn path_sep(tokens: &[TokenTree], i: usize) -> bool {
    matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
        && is_punct(tokens.get(i + 1), ':')
}

fn is_cfg_test(t: &TokenTree) -> bool {
    match t {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
            g.stream().to_string().replace(' ', "") == "cfg(test)"
        }
        _ => false,
    }
}

impl Reader {
    fn walk(&mut self, tokens: &[TokenTree], module: &ModPath) {
        let mut i = 0;
        while i < tokens.len() {
            // `#[cfg(test)] [pub] mod name { … }` or `… mod name;`: skipped.
            if is_punct(tokens.get(i), '#') && tokens.get(i + 1).is_some_and(is_cfg_test) {
                let start = tokens[i].span().start().line;
                let mut j = i + 2;
                while is_punct(tokens.get(j), '#') {
                    j += 2;
                }
                if is_ident(tokens.get(j), "pub") {
                    j += 1;
                }
                if is_ident(tokens.get(j), "mod") {
                    if let Some(TokenTree::Ident(name)) = tokens.get(j + 1) {
                        match tokens.get(j + 2) {
                            Some(TokenTree::Group(body)) => {
                                self.test_lines += body.span().end().line - start + 1;
                                i = j + 3;
                                continue;
                            }
                            Some(TokenTree::Punct(p)) if p.as_char() == ';' => {
                                let mut child = module.clone();
                                child.push(name.to_string());
                                self.test_children.push(child);
                                i = j + 3;
                                continue;
                            }
                            _ => {}
                        }
                    }
                }
            }
            match &tokens[i] {
                // An inline module: paths inside are relative to it.
                TokenTree::Ident(id) if id == "mod" => {
                    if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        let mut inner = module.clone();
                        inner.push(name.to_string());
                        self.walk(&body.stream().into_iter().collect::<Vec<_>>(), &inner);
                        i += 3;
                        continue;
                    }
                    i += 1;
                }
                TokenTree::Ident(id) if id == "use" => {
                    let end = (i + 1..tokens.len())
                        .find(|&j| is_punct(tokens.get(j), ';'))
                        .unwrap_or(tokens.len());
                    let line = id.span().start().line;
                    let mut paths = Vec::new();
                    use_tree(&tokens[i + 1..end], Vec::new(), &mut paths);
                    for path in paths {
                        self.record(&path, module, line);
                    }
                    i = end + 1;
                }
                TokenTree::Ident(first) => {
                    // A path starts at an identifier that no `::` comes before.
                    let after_sep = i >= 2 && path_sep(tokens, i - 2);
                    let mut path = vec![first.to_string()];
                    let mut j = i + 1;
                    while path_sep(tokens, j) {
                        match tokens.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                path.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    let web = WEB_CRATES.contains(&path[0].as_str());
                    if !after_sep && (path.len() > 1 || web) {
                        self.record(&path, module, first.span().start().line);
                    }
                    i = j;
                }
                TokenTree::Group(g) => {
                    self.walk(&g.stream().into_iter().collect::<Vec<_>>(), module);
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }

    fn record(&mut self, path: &[String], module: &ModPath, line: usize) {
        let written = path.join("::");
        let supers = path.iter().take_while(|s| *s == "super").count();
        let internal = match path.first().map(String::as_str) {
            Some("crate") => Some(path[1..].to_vec()),
            Some("self") => Some(module.iter().chain(&path[1..]).cloned().collect()),
            Some("super") if supers <= module.len() => Some(
                module[..module.len() - supers]
                    .iter()
                    .chain(&path[supers..])
                    .cloned()
                    .collect(),
            ),
            _ => None,
        };
        self.uses.push(Use {
            internal,
            written,
            line,
        });
    }
}

/// The paths a `use` tree names: `a::{b, c::d as e, f::*}` gives `a::b`, `a::c::d`, `a::f`.
fn use_tree(tokens: &[TokenTree], prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut i = 0;
    // A leading `::` (`use ::yew::…`) changes nothing here.
    if path_sep(tokens, 0) {
        i = 2;
    }
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(id) if id == "as" => break,
            TokenTree::Ident(id) => {
                path.push(id.to_string());
                i += 1;
            }
            TokenTree::Punct(p) if p.as_char() == ':' => i += 1,
            TokenTree::Punct(p) if p.as_char() == '*' => break,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                for part in inner.split(|t| is_punct(Some(t), ',')) {
                    if !part.is_empty() {
                        use_tree(part, path.clone(), out);
                    }
                }
                return;
            }
            _ => i += 1,
        }
    }
    // `use super::{self, x}`: `self` names the prefix itself.
    if path.last().is_some_and(|s| s == "self") {
        path.pop();
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// The crate's modules, and each source read (test files left out).
struct Crate {
    sources: Vec<Source>,
    modules: BTreeSet<ModPath>,
}

impl Crate {
    fn new(files: &[(String, String)]) -> Crate {
        let all: Vec<Source> = files.iter().map(|(file, text)| read(file, text)).collect();
        let tests: BTreeSet<ModPath> = all.iter().flat_map(|s| s.test_children.clone()).collect();
        let sources: Vec<Source> = all
            .into_iter()
            .filter(|s| !tests.iter().any(|t| s.module.starts_with(t)))
            .collect();
        let modules = sources.iter().map(|s| s.module.clone()).collect();
        Crate { sources, modules }
    }

    /// The deepest module of ours that `path` reaches.
    fn module_of_path(&self, path: &[String]) -> ModPath {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| self.modules.contains(m))
            .unwrap_or_default()
    }

    /// Files over the limit: `src/<file>: <lines> lines`.
    fn long_files(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter(|s| s.lines > MAX_LINES)
            .map(|s| format!("src/{}: {} lines (at most {MAX_LINES})", s.file, s.lines))
            .collect()
    }

    /// Dependencies between siblings: `(from, to)` (both children of one folder below the
    /// crate root) with the first place that makes each.
    fn sibling_edges(&self) -> BTreeMap<(ModPath, ModPath), String> {
        let mut edges = BTreeMap::new();
        for source in &self.sources {
            for u in &source.uses {
                let Some(path) = &u.internal else { continue };
                let target = self.module_of_path(path);
                let from = &source.module;
                let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
                if common == 0 || common >= from.len() || common >= target.len() {
                    continue; // across layers, or between a module and its own ancestor
                }
                let key = (from[..=common].to_vec(), target[..=common].to_vec());
                edges.entry(key).or_insert_with(|| {
                    format!("src/{}:{} names {}", source.file, u.line, u.written)
                });
            }
        }
        edges
    }

    /// Each import cycle, as the modules around it and the place of each step.
    fn cycles(&self) -> Vec<String> {
        let edges = self.sibling_edges();
        let mut next: BTreeMap<&ModPath, Vec<&ModPath>> = BTreeMap::new();
        for (from, to) in edges.keys() {
            next.entry(from).or_default().push(to);
        }
        let mut reported: BTreeSet<BTreeSet<&ModPath>> = BTreeSet::new();
        let mut cycles = Vec::new();
        for start in next.keys() {
            // The shortest way back to `start` (breadth first).
            let mut came_from: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
            let mut queue: VecDeque<&ModPath> = VecDeque::from([*start]);
            let mut closing = None;
            while let Some(at) = queue.pop_front() {
                for &to in next.get(at).into_iter().flatten() {
                    if to == *start {
                        closing = Some(at);
                        break;
                    }
                    if !came_from.contains_key(to) {
                        came_from.insert(to, at);
                        queue.push_back(to);
                    }
                }
                if closing.is_some() {
                    break;
                }
            }
            let Some(last) = closing else { continue };
            let mut ring = vec![last];
            while ring[ring.len() - 1] != *start {
                ring.push(came_from[ring[ring.len() - 1]]);
            }
            ring.reverse();
            if !reported.insert(ring.iter().copied().collect()) {
                continue;
            }
            let folder = start[..start.len() - 1].join("/");
            let names: Vec<&str> = ring.iter().map(|m| m[m.len() - 1].as_str()).collect();
            let mut text = format!(
                "import cycle in src/{folder}/: {} -> {}",
                names.join(" -> "),
                names[0]
            );
            for (k, from) in ring.iter().enumerate() {
                let to = ring[(k + 1) % ring.len()];
                text.push_str(&format!("\n    {}", edges[&((*from).clone(), to.clone())]));
            }
            cycles.push(text);
        }
        cycles
    }

    /// Dependencies a layer must not have.
    fn layer_breaches(&self) -> Vec<String> {
        let mut breaches = Vec::new();
        for layer in LAYERS {
            let folder: ModPath = layer.folder.split('/').map(str::to_string).collect();
            for source in self
                .sources
                .iter()
                .filter(|s| s.module.starts_with(&folder))
            {
                for u in &source.uses {
                    let wrong = match &u.internal {
                        Some(path) => path
                            .first()
                            .is_some_and(|top| !layer.may_use.contains(&top.as_str())),
                        None => WEB_CRATES.contains(&u.written.split("::").next().unwrap_or("")),
                    };
                    if wrong {
                        breaches.push(format!(
                            "src/{}:{} names {} (src/{}/ may use only {} of ours, and no web crate)",
                            source.file,
                            u.line,
                            u.written,
                            layer.folder,
                            layer.may_use.join(", "),
                        ));
                    }
                }
            }
        }
        breaches
    }
}

fn sources_under(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src/");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                files.push((rel, text));
            }
        }
    }
    files.sort();
    files
}

fn our_crate() -> Crate {
    let crate_ = Crate::new(&sources_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
    ));
    // The scan must have seen the code it vouches for.
    assert!(
        crate_.sources.len() > 100,
        "only {} source files found",
        crate_.sources.len()
    );
    assert!(crate_.modules.contains(&module_of("sim/kernel/mod.rs")));
    crate_
}

#[test]
fn no_source_file_over_600_lines_outside_tests() {
    let long = our_crate().long_files();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_import_cycle_between_the_modules_of_one_folder() {
    let crate_ = our_crate();
    assert!(
        crate_.sibling_edges().len() > 100,
        "the scan found almost no dependencies between sibling modules: it reads nothing"
    );
    let cycles = crate_.cycles();
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

#[test]
fn kernel_and_algorithms_keep_to_their_layers() {
    let breaches = our_crate().layer_breaches();
    assert!(
        breaches.is_empty(),
        "layer breaches:\n{}",
        breaches.join("\n")
    );
}

/// Every use of a type named `name` in `tokens`, as the line it is on.
fn idents_named(tokens: TokenStream, names: &[&str], lines: &mut Vec<usize>) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) if names.contains(&i.to_string().as_str()) => {
                lines.push(i.span().start().line);
            }
            TokenTree::Group(g) => idents_named(g.stream(), names, lines),
            _ => {}
        }
    }
}

/// Where the app's sources (`src/`, as Rust tokens: comments may name anything) name any
/// of `idents`, as `src/file:line`.
fn app_lines_naming(idents: &[&str]) -> Vec<String> {
    let sources = sources_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(sources.len() > 100);
    let mut found = Vec::new();
    for (file, text) in &sources {
        let mut lines = Vec::new();
        idents_named(text.parse().expect("lexes"), idents, &mut lines);
        found.extend(lines.into_iter().map(|l| format!("src/{file}:{l}")));
    }
    found
}

/// The app's ordered maps and sets are `sim::sorted`'s: each standard B-tree instance
/// costs 6 to 10 KB of WebAssembly (see `src/sim/sorted/mod.rs`).
#[test]
fn the_app_uses_its_sorted_collections_not_the_standard_b_trees() {
    let found = app_lines_naming(&["BTreeMap", "BTreeSet"]);
    assert!(
        found.is_empty(),
        "standard B-trees in the app:\n{}",
        found.join("\n")
    );
    // The check sees a B-tree where there is one.
    let mut lines = Vec::new();
    idents_named(
        "fn f() { let m: std::collections::BTreeSet<u8> = Default::default(); }"
            .parse()
            .unwrap(),
        &["BTreeSet"],
        &mut lines,
    );
    assert_eq!(lines, vec![1]);
}

/// The app changes letter case in ASCII only (its text is English or Chinese): Unicode's
/// case conversions bring their tables, about 20 KB of WebAssembly data.
#[test]
fn the_app_changes_case_in_ascii_only() {
    let found = app_lines_naming(&[
        "to_uppercase",
        "to_lowercase",
        "is_uppercase",
        "is_lowercase",
    ]);
    assert!(
        found.is_empty(),
        "Unicode case conversions in the app (use the to_ascii_* ones):\n{}",
        found.join("\n")
    );
}

// The checks themselves, on made-up sources: each finds what it is for.

fn made_up(files: &[(&str, &str)]) -> Crate {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    Crate::new(&files)
}

#[test]
fn a_cycle_through_a_grouped_use_and_a_nested_file_is_found_and_located() {
    let crate_ = made_up(&[
        ("lib.rs", "pub mod sim;"),
        (
            "sim/mod.rs",
            "pub mod kernel; pub mod fingerprint; pub mod time;",
        ),
        (
            "sim/kernel/mod.rs",
            "mod hashing;\nuse super::{time::Time, fingerprint};",
        ),
        (
            "sim/kernel/hashing.rs",
            "fn f() {\n    crate::sim::fingerprint::stable_hash(&1);\n}",
        ),
        (
            "sim/fingerprint.rs",
            "// use super::time;\n\nuse super::kernel::Sim;",
        ),
        ("sim/time.rs", "const S: &str = \"super::kernel\";"),
    ]);
    let cycles = crate_.cycles();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("import cycle in src/sim/: fingerprint -> kernel -> fingerprint"),
        "{}",
        cycles[0]
    );
    assert!(
        cycles[0].contains("src/sim/fingerprint.rs:3 names super::kernel::Sim"),
        "{}",
        cycles[0]
    );
    assert!(
        cycles[0].contains("src/sim/kernel/mod.rs:2 names super::fingerprint"),
        "{}",
        cycles[0]
    );
}

#[test]
fn a_longer_cycle_is_found_and_test_modules_and_inline_modules_are_read_as_such() {
    let crate_ = made_up(&[
        ("lib.rs", "pub mod raft;"),
        (
            "raft/mod.rs",
            "mod a; mod b; mod c;\n#[cfg(test)]\nmod tests;",
        ),
        ("raft/a.rs", "use super::b::X;"),
        ("raft/b.rs", "mod inner { use super::super::c::Y; }"),
        (
            "raft/c.rs",
            "fn f() { vec![super::a::g()]; }\n#[cfg(test)]\nmod tests {\n use super::super::b; \n}",
        ),
        // A test file may name anything: it is not part of the crate's structure.
        ("raft/tests.rs", "use super::a; use super::b; use super::c;"),
    ]);
    let cycles = crate_.cycles();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("import cycle in src/raft/: a -> b -> c -> a"),
        "{}",
        cycles[0]
    );
    assert_eq!(crate_.sibling_edges().len(), 3);
}

#[test]
fn no_cycle_is_reported_for_a_one_way_dependency() {
    let crate_ = made_up(&[
        ("lib.rs", "pub mod sim;"),
        (
            "sim/mod.rs",
            "pub mod kernel; pub mod time; pub use kernel::Sim;",
        ),
        (
            "sim/kernel.rs",
            "use super::time::Time; use crate::sim::Sim;",
        ),
        ("sim/time.rs", "pub struct Time;"),
    ]);
    assert_eq!(crate_.sibling_edges().len(), 1);
    assert!(crate_.cycles().is_empty());
}

#[test]
fn a_long_file_counts_without_its_test_module() {
    let body = "fn f() {}\n".repeat(590);
    let tests = format!(
        "#[cfg(test)]\nmod tests {{\n{}}}\n",
        "fn t() {}\n".repeat(50)
    );
    let crate_ = made_up(&[
        ("lib.rs", "mod short; mod long;"),
        ("short.rs", &format!("{body}{tests}")),
        ("long.rs", &format!("{body}{}", "fn g() {}\n".repeat(11))),
    ]);
    assert_eq!(
        crate_.long_files(),
        vec!["src/long.rs: 601 lines (at most 600)".to_string()]
    );
}

#[test]
fn the_kernel_naming_a_scene_an_algorithm_or_a_web_crate_is_a_breach() {
    let crate_ = made_up(&[
        ("lib.rs", "pub mod sim; pub mod algo; pub mod scene;"),
        ("sim/mod.rs", "pub mod run;"),
        (
            "sim/run.rs",
            "fn log() -> Vec<crate::scene::narration::LogLine> {}\nuse crate::algo::raft;\n#[wasm_bindgen]\nfn g() {}",
        ),
        ("algo/mod.rs", "use crate::sim::Sim; use crate::algo::x; use web_sys::Window;"),
        ("scene/mod.rs", "use crate::algo::raft; use yew::Html;"),
    ]);
    let breaches = crate_.layer_breaches();
    let places: Vec<&str> = breaches
        .iter()
        .map(|b| b.split(" (").next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "src/sim/run.rs:1 names crate::scene::narration::LogLine",
            "src/sim/run.rs:2 names crate::algo::raft",
            "src/sim/run.rs:3 names wasm_bindgen",
            "src/algo/mod.rs:1 names web_sys::Window",
        ]
    );
}
