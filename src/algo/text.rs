//! Text helpers shared by the algorithms and the layers above them: percent-encoding for
//! text written into links, quoting a person's text in a message without letting a long
//! value flood the page, and writing a count with thousands separators.

/// Percent-encodes every byte but the unreserved `A-Z a-z 0-9 - _ . ~` and the bytes in
/// `keep` (`%XX`, upper-case hex).
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || keep.contains(&b)
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// At most `max` characters of `text`, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let mut short: String = text.chars().take(max).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// A count with thousands separators: 12345 -> "12,345", the one format the page writes
/// counts in, in both languages (`crate::i18n::count`), so that a count in a message reads
/// as the same count on the stage.
pub fn thousands(n: u64) -> String {
    let text = n.to_string();
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encode_keeps_unreserved_bytes_and_the_ones_asked_for() {
        assert_eq!(
            percent_encode("a-Z_0.~ b:c@d,é", b""),
            "a-Z_0.~%20b%3Ac%40d%2C%C3%A9"
        );
        assert_eq!(percent_encode("put:k@1 v", b"@:"), "put:k@1%20v");
    }

    #[test]
    fn shorten_cuts_at_a_character_count_and_says_so() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefg", 6), "abcdef…");
        assert_eq!(shorten("ééééé", 3), "ééé…");
    }
}
