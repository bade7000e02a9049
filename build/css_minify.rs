//! A conservative CSS minifier, run by `build.rs` on every stylesheet under `src/` (the app
//! embeds them with `include_str!`, so every byte of comment and indentation ships in the
//! wasm: about 75 KB of sources became about 40 KB when this was added).
//!
//! It only removes what never changes a rule's meaning:
//! - comments (`/* … */`, outside strings and unquoted `url(…)`);
//! - whitespace at the start and end, around `{`, `}`, `;`, `,` and `>`, and around the
//!   `:` between a declaration's property and value; every other run of whitespace becomes
//!   one space, so a descendant combinator stays one (`.a :is(.b)` is not `.a:is(.b)`), and
//!   so does the space in `and (` in a media query;
//! - the `;` before a `}`.
//!
//! Strings, escapes (`\:`) and unquoted `url(…)` are copied as they are. Whether a `:` is a
//! declaration's is known only at the end of the statement: a statement that ends in `;` or
//! `}` is a declaration (its spaces around the first `:` outside brackets are dropped then),
//! one that ends in `{` is a selector or an at-rule's prelude (they stay).
//!
//! Shared by `build.rs` and its tests (`tests/css_minify.rs`), both with `#[path]`.

/// `css` without its comments and the whitespace that means nothing.
pub fn minify(css: &str) -> String {
    let mut m = Minifier::default();
    let chars: Vec<char> = css.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            i = skip_comment(&chars, i + 2);
            m.after_comment = true;
            continue;
        }
        if is_space(c) {
            m.pending_space = true;
            i += 1;
            continue;
        }
        match c {
            '"' | '\'' => {
                let end = quoted_end(&chars, i);
                m.push_verbatim(&chars[i..end]);
                i = end;
            }
            '\\' => {
                let end = (i + 2).min(chars.len());
                m.push_verbatim(&chars[i..end]);
                i = end;
            }
            '(' if m.ends_with_url() => {
                i = m.push_url(&chars, i);
            }
            _ => {
                m.push_char(c);
                i += 1;
            }
        }
    }
    m.finish()
}

#[derive(Default)]
struct Minifier {
    out: String,
    /// Whitespace (or a comment) was read since the last character written.
    pending_space: bool,
    /// A comment was dropped since the last character written (it separates tokens).
    after_comment: bool,
    /// A `;` read but not yet written: it is dropped if a `}` follows.
    pending_semicolon: bool,
    /// Depth of `(` and `[` in the current statement.
    depth: usize,
    /// Where the current statement starts in `out`.
    statement_start: usize,
    /// The first `:` outside brackets of the current statement, and the spaces written
    /// just before and after it (dropped if the statement turns out to be a declaration).
    colon: Option<usize>,
    space_before_colon: Option<usize>,
    space_after_colon: Option<usize>,
}

const NO_SPACE_AROUND: &[char] = &['{', '}', ';', ',', '>'];

impl Minifier {
    fn last(&self) -> Option<char> {
        if self.pending_semicolon {
            Some(';')
        } else {
            self.out.chars().next_back()
        }
    }

    /// Writes what comes before character `next`: the held `;` and the held space, where
    /// they still mean something.
    fn before(&mut self, next: char) {
        if self.pending_semicolon {
            self.pending_semicolon = false;
            if next != '}' {
                self.out.push(';');
                self.start_statement();
            }
        }
        let last = self.last();
        let joins_words = self.after_comment && last.is_some_and(is_word) && is_word(next);
        let space = (self.pending_space || joins_words)
            && last.is_some_and(|l| !NO_SPACE_AROUND.contains(&l))
            && !NO_SPACE_AROUND.contains(&next);
        if space {
            let at = self.out.len();
            match self.colon {
                None if next == ':' && self.depth == 0 => self.space_before_colon = Some(at),
                Some(colon) if colon + 1 == at => self.space_after_colon = Some(at),
                _ => {}
            }
            self.out.push(' ');
        }
        self.pending_space = false;
        self.after_comment = false;
    }

    fn push_verbatim(&mut self, text: &[char]) {
        self.before(text[0]);
        self.out.extend(text);
    }

    fn push_char(&mut self, c: char) {
        self.before(c);
        if c == ';' && self.depth == 0 {
            self.end_statement(true);
            self.pending_semicolon = true;
            return;
        }
        match c {
            '(' | '[' => self.depth += 1,
            ')' | ']' => self.depth = self.depth.saturating_sub(1),
            '{' | '}' if self.depth == 0 => self.end_statement(c == '}'),
            ':' if self.depth == 0 && self.colon.is_none() => self.colon = Some(self.out.len()),
            _ => {}
        }
        self.out.push(c);
        if matches!(c, '{' | '}') && self.depth == 0 {
            self.start_statement();
        }
    }

    /// The statement read so far ends: `declaration` if it ends in `;` or `}`.
    fn end_statement(&mut self, declaration: bool) {
        let at_rule = self.out[self.statement_start..].starts_with('@');
        if declaration && !at_rule && self.colon.is_some() {
            // After first: removing the space before shifts the one after.
            let spaces = [self.space_after_colon, self.space_before_colon];
            for at in spaces.into_iter().flatten() {
                self.out.remove(at);
            }
        }
        self.colon = None;
        self.space_before_colon = None;
        self.space_after_colon = None;
    }

    fn start_statement(&mut self) {
        self.statement_start = self.out.len();
        self.colon = None;
        self.space_before_colon = None;
        self.space_after_colon = None;
        self.depth = 0;
    }

    /// `out` ends with the function name `url` (so a `(` now opens a URL).
    fn ends_with_url(&self) -> bool {
        let tail: Vec<char> = self.out.chars().rev().take(4).collect();
        let name = tail.len() >= 3
            && tail[..3]
                .iter()
                .zip(['l', 'r', 'u'])
                .all(|(c, want)| c.to_ascii_lowercase() == want);
        let alone = tail.get(3).is_none_or(|&c| !is_word(c) && c != '\\');
        name && alone && !self.pending_space && !self.after_comment && !self.pending_semicolon
    }

    /// Writes `url(` and, when its argument is not quoted, the argument as it is (a `/*`
    /// there is not a comment) with the closing `)`. Returns where reading goes on.
    fn push_url(&mut self, chars: &[char], open: usize) -> usize {
        self.push_char('(');
        let mut i = open + 1;
        while i < chars.len() && is_space(chars[i]) {
            i += 1;
        }
        if i < chars.len() && matches!(chars[i], '"' | '\'') {
            return i;
        }
        let mut end = i;
        while end < chars.len() && chars[end] != ')' {
            end += if chars[end] == '\\' { 2 } else { 1 };
        }
        let end = end.min(chars.len());
        let mut trimmed = end;
        while trimmed > i && is_space(chars[trimmed - 1]) {
            trimmed -= 1;
        }
        self.out.extend(&chars[i..trimmed]);
        if end < chars.len() {
            self.push_char(')');
            end + 1
        } else {
            end
        }
    }

    fn finish(mut self) -> String {
        if self.pending_semicolon {
            self.out.push(';');
        }
        self.out
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// A character that belongs to an identifier or a number.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_') || !c.is_ascii()
}

/// Index after the comment whose body starts at `from`.
fn skip_comment(chars: &[char], from: usize) -> usize {
    let mut i = from;
    while i + 1 < chars.len() {
        if chars[i] == '*' && chars[i + 1] == '/' {
            return i + 2;
        }
        i += 1;
    }
    chars.len()
}

/// Index after the string that opens at `open`.
fn quoted_end(chars: &[char], open: usize) -> usize {
    let quote = chars[open];
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            '\n' => return i,
            _ => i += 1,
        }
    }
    chars.len()
}
