//! What a link with an action that cannot be read says, in Chinese. A link carries the
//! person's actions (`a=step@time:action,…`); an action that cannot be read is dropped with
//! a message in the page saying why ("a node number should be a whole number, not "x"").
//! The kernel answers with a typed line (`sim::Line`), and the scene puts it in the page's
//! language. This test opens one link for each reason an action can be refused and reads
//! the message in both languages: in English word for word what it was before the messages
//! were typed (old links and tests compare it); in Chinese it is Chinese, quotes what the
//! link wrote, and keeps no English word but the link's own vocabulary.
mod i18n_scan;
use i18n_scan::{chinese_message_for, english_words, ALLOWED};

/// The words of the link's action syntax, which a message quotes as they are written.
const ACTION_WORDS: &[&str] = &[
    "crash", "restart", "pause", "resume", "drop", "delay", "cut", "heal", "part", "healall",
    "cmd", "deliver", "lose", "fire", "step", "time", "action",
];

#[test]
fn an_action_that_cannot_be_read_says_why_in_the_pages_language() {
    // (link, the English message, a value the Chinese message must quote)
    let cases: &[(&str, &str, &str)] = &[
        (
            "?scene=2pc&a=0@0:crash:x",
            "Action \"0@0:crash:x\" ignored: a node number should be a whole number, not \"x\".",
            "\"x\"",
        ),
        (
            "?scene=2pc&a=0@0:crash:99",
            "Action \"0@0:crash:99\" ignored: there is no node 99 (this run has nodes 0 to 3).",
            "99",
        ),
        (
            "?scene=2pc&a=0@0:crash",
            "Action \"0@0:crash\" ignored: \"crash\" is missing a part.",
            "\"crash\"",
        ),
        (
            "?scene=2pc&a=0@0:delay:1:0",
            "Action \"0@0:delay:1:0\" ignored: a delay must be 1 to 10000000 microseconds (10000 ms), not 0.",
            "10000000",
        ),
        (
            "?scene=2pc&a=0@0:deliver:1:2",
            "Action \"0@0:deliver:1:2\" ignored: \"deliver:1:2\" has a part too many (deliver:<message number>).",
            "\"deliver:1:2\"",
        ),
        (
            "?scene=2pc&a=0@0:fire:0:999",
            "Action \"0@0:fire:0:999\" ignored: a timer number must be 0 to 255, not 999.",
            "999",
        ),
        (
            "?scene=2pc&a=0@0:dance:1",
            "Action \"0@0:dance:1\" ignored: unknown action \"dance\" (expected crash, restart, pause, resume, drop, delay, cut, heal, part, healall, cmd, deliver, lose or fire).",
            "\"dance\"",
        ),
        (
            "?scene=raft&a=0@0:cmd:0:dance",
            "Action \"0@0:cmd:0:dance\" ignored: \"dance\" is not a command this scene knows.",
            "\"dance\"",
        ),
        (
            "?scene=2pc&a=crash",
            "Action \"crash\" ignored: \"crash\" should look like step@time:action.",
            "\"crash\"",
        ),
        (
            "?scene=2pc&a=0:crash:1",
            "Action \"0:crash:1\" ignored: \"0\" should look like step@time.",
            "\"0\"",
        ),
        (
            "?scene=2pc&a=x@0:crash:1",
            "Action \"x@0:crash:1\" ignored: a step should be a whole number, not \"x\".",
            "\"x\"",
        ),
    ];
    for (query, english, value) in cases {
        let message = chinese_message_for(query, english, value);
        // What the link wrote is quoted as it is; the rest is Chinese.
        let quoted_link = query.split("a=").nth(1).unwrap_or_default();
        let stray: Vec<String> =
            english_words(&message.replace(quoted_link, "").replace(value, ""))
                .into_iter()
                .filter(|w| !ALLOWED.contains(&w.as_str()) && !ACTION_WORDS.contains(&w.as_str()))
                .collect();
        assert!(
            stray.is_empty(),
            "{query}: English words {stray:?} in {message}"
        );
    }
}
