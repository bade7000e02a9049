//! The stylesheet minifier that `build.rs` runs (`build/css_minify.rs`): tricky inputs one
//! by one, then every sheet the app ships, as built into `OUT_DIR`, against its source.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../build/css_minify.rs"]
mod css_minify;

use css_minify::minify;
use std::path::{Path, PathBuf};

#[test]
fn comments_between_rules_and_indentation_go() {
    let css = "/* head\n   comment */\n.a {\n  color: red;\n  margin: 0 auto;\n}\n\n/* x */\n.b { top: 0 }\n";
    assert_eq!(minify(css), ".a{color:red;margin:0 auto}.b{top:0}");
}

#[test]
fn a_descendant_combinator_keeps_its_space_and_a_pseudo_class_gets_none() {
    assert_eq!(minify(".a :is(.b, .c) { x: y }"), ".a :is(.b,.c){x:y}");
    assert_eq!(minify(".a:is(.b) { x: y }"), ".a:is(.b){x:y}");
    assert_eq!(
        minify(".a  .b\n\t.c:hover{x:y}"),
        ".a .b .c:hover{x:y}",
        "runs of whitespace between compound selectors become one space"
    );
    assert_eq!(minify(".a > .b ,  .c{x:y}"), ".a>.b,.c{x:y}");
    assert_eq!(
        minify("svg .a :first-child { fill: red }"),
        "svg .a :first-child{fill:red}"
    );
}

#[test]
fn a_nested_rule_keeps_its_selector_spaces_while_declarations_lose_theirs() {
    assert_eq!(
        minify(".a { color : red; .b :hover { top : 0 } }"),
        ".a{color:red;.b :hover{top:0}}"
    );
}

#[test]
fn strings_are_copied_as_they_are_even_with_comment_marks() {
    assert_eq!(
        minify(".a::before { content: \"/* not  a comment */\"; }"),
        ".a::before{content:\"/* not  a comment */\"}"
    );
    assert_eq!(
        minify("x[title='a ; b { c }'] { content: 'it\\'s  /*' }"),
        "x[title='a ; b { c }']{content:'it\\'s  /*'}"
    );
    assert_eq!(
        minify(".f { font-family: system-ui, \"Segoe UI\" , sans-serif; }"),
        ".f{font-family:system-ui,\"Segoe UI\",sans-serif}"
    );
}

#[test]
fn urls_keep_their_argument_whole() {
    assert_eq!(
        minify(".a { fill: url(#raft-hatch); }"),
        ".a{fill:url(#raft-hatch)}"
    );
    assert_eq!(
        minify(".a { background: URL( data:image/png;base64,a/*b*/c== ) no-repeat; }"),
        ".a{background:URL(data:image/png;base64,a/*b*/c==) no-repeat}",
        "`/*` in an unquoted url is not a comment, nor `;` an end"
    );
    assert_eq!(
        minify(".a { background: url( \"x  y.png\" ); }"),
        ".a{background:url(\"x  y.png\" )}"
    );
}

#[test]
fn at_rules_keep_the_spaces_their_grammar_needs() {
    assert_eq!(
        minify(
            "@media (max-width: 560px) and (prefers-color-scheme: dark) {\n  .a { top: 0; }\n}\n"
        ),
        "@media (max-width: 560px) and (prefers-color-scheme: dark){.a{top:0}}",
        "`and (` must not become the function `and(`"
    );
    assert_eq!(
        minify("@keyframes k { from { opacity: 0; } 50% { opacity: .5 } }"),
        "@keyframes k{from{opacity:0}50%{opacity:.5}}"
    );
    assert_eq!(
        minify("@import url(a.css) screen;\n.a{}"),
        "@import url(a.css) screen;.a{}"
    );
}

#[test]
fn values_keep_the_spaces_between_their_parts() {
    assert_eq!(
        minify(".a { width: calc(100% - 2 * var(--gap)); transition: opacity .2s ease , transform 1s; }"),
        ".a{width:calc(100% - 2 * var(--gap));transition:opacity .2s ease,transform 1s}"
    );
    assert_eq!(
        minify(".a { color: red !important; --x :  1px  2px ; }"),
        ".a{color:red !important;--x:1px 2px}"
    );
}

#[test]
fn escapes_and_comments_inside_a_rule_are_handled() {
    assert_eq!(
        minify(".a\\:b { x: y }"),
        ".a\\:b{x:y}",
        "an escaped colon is a class name's"
    );
    assert_eq!(
        minify(".a/* c */.b { x: y }"),
        ".a.b{x:y}",
        "a comment is no combinator"
    );
    assert_eq!(minify(".a /* c */ .b { x: y }"), ".a .b{x:y}");
    assert_eq!(
        minify(".a { border: 1px/**/solid red }"),
        ".a{border:1px solid red}",
        "a comment still separates two words"
    );
    assert_eq!(minify(".a { x: y; /* last */ }"), ".a{x:y}");
}

#[test]
fn minifying_twice_changes_nothing_more() {
    for (path, source) in shipped_sheets() {
        let once = minify(&source);
        assert_eq!(minify(&once), once, "{}", path.display());
    }
}

/// Braces outside comments and strings, as (opening, closing) counts.
fn braces(css: &str) -> (usize, usize) {
    let bytes = css.as_bytes();
    let (mut open, mut close, mut i) = (0, 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' => open += 1,
            b'}' => close += 1,
            _ => {}
        }
        i += 1;
    }
    (open, close)
}

/// `css` with every comment, every whitespace outside strings and every `;` before a `}`
/// removed: what a minified sheet must equal its source in, since the minifier removes
/// nothing else.
fn without_layout(css: &str) -> String {
    let chars: Vec<char> = css.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            q @ ('"' | '\'') => {
                out.push(q);
                i += 1;
                while i < chars.len() && chars[i] != q {
                    out.push(chars[i]);
                    i += 1;
                }
                out.push(q);
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out.replace(";}", "}")
}

/// Every `.css` under `src/`, with its text.
fn shipped_sheets() -> Vec<(PathBuf, String)> {
    fn walk(folder: &Path, found: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "css") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path, text));
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found
}

#[test]
fn every_built_sheet_keeps_its_sources_rules_and_loses_only_layout() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let built_dir = Path::new(env!("OUT_DIR")).join("css");
    let sheets = shipped_sheets();
    assert!(sheets.len() >= 9, "found only {} sheets", sheets.len());
    let (mut before, mut after) = (0, 0);
    for (path, source) in sheets {
        let built_path = built_dir.join(path.strip_prefix(&src).unwrap());
        let built = std::fs::read_to_string(&built_path)
            .unwrap_or_else(|e| panic!("{}: {e} (build.rs writes it)", built_path.display()));
        assert_eq!(built, minify(&source), "{} is stale", built_path.display());
        let name = path.display();
        let (open, close) = braces(&source);
        assert!(
            open > 0 && open == close,
            "{name}: {open} {{ and {close} }}"
        );
        assert_eq!(braces(&built), (open, close), "{name}: rules lost or added");
        assert_eq!(without_layout(&built), without_layout(&source), "{name}");
        assert!(!built.contains("/*") && !built.contains('\n'), "{name}");
        before += source.len();
        after += built.len();
    }
    assert!(after * 100 < before * 85, "only {before} -> {after} bytes");
}
