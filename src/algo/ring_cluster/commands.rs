//! What a person (or a link) asks of the cluster, and its text form; and churn's timer.
use super::config::QUOTED;
use crate::algo::text::{percent_encode, shorten};
use crate::sim::Line;
use std::fmt;
use std::str::FromStr;

/// A person's (or a link's) input to the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cmd {
    Join { name: String, weight: u32 },
    Leave { name: String },
    Fail { name: String },
    Recover { name: String },
    Weight { name: String, weight: u32 },
    Lookup { key: String },
}

/// Percent-encodes every byte but `A-Z a-z 0-9 - _ . ~`, so that command text is safe in
/// a link and never contains the `:` and `,` that separate actions.
pub fn encode_text(text: &str) -> String {
    percent_encode(text, b"")
}

/// The inverse of [`encode_text`]; `None` for a malformed escape or invalid UTF-8.
pub fn decode_text(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = encode_text;
        match self {
            Cmd::Join { name, weight } => write!(f, "join:{}:{weight}", e(name)),
            Cmd::Leave { name } => write!(f, "leave:{}", e(name)),
            Cmd::Fail { name } => write!(f, "fail:{}", e(name)),
            Cmd::Recover { name } => write!(f, "recover:{}", e(name)),
            Cmd::Weight { name, weight } => write!(f, "weight:{}:{weight}", e(name)),
            Cmd::Lookup { key } => write!(f, "lookup:{}", e(key)),
        }
    }
}

/// A part of a command's text, for the messages about it.
#[derive(Clone, Copy)]
enum Part {
    Name,
    Weight,
    Key,
}

impl Part {
    fn missing(self, text: &str) -> Line {
        match self {
            Part::Name => Line::tr("\"{text}\" is missing its name"),
            Part::Weight => Line::tr("\"{text}\" is missing its weight"),
            Part::Key => Line::tr("\"{text}\" is missing its key"),
        }
        .with("text", shorten(text, QUOTED))
    }

    fn badly_encoded(self, raw: &str) -> Line {
        match self {
            Part::Name => Line::tr("the name \"{raw}\" is badly encoded"),
            Part::Weight => Line::tr("the weight \"{raw}\" is badly encoded"),
            Part::Key => Line::tr("the key \"{raw}\" is badly encoded"),
        }
        .with("raw", shorten(raw, QUOTED))
    }
}

impl FromStr for Cmd {
    /// Why the text is not a command, typed for the page's language.
    type Err = Line;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split(':');
        let verb = parts.next().unwrap_or_default();
        let mut field = |what: Part| -> Result<String, Line> {
            let raw = parts.next().ok_or_else(|| what.missing(text))?;
            decode_text(raw).ok_or_else(|| what.badly_encoded(raw))
        };
        let number = |raw: String| -> Result<u32, Line> {
            raw.parse::<u32>().map_err(|_| {
                Line::tr("a weight must be a whole number, not \"{raw}\"")
                    .with("raw", shorten(&raw, QUOTED))
            })
        };
        let cmd = match verb {
            "join" => {
                let name = field(Part::Name)?;
                let weight = number(field(Part::Weight)?)?;
                Cmd::Join { name, weight }
            }
            "leave" => Cmd::Leave {
                name: field(Part::Name)?,
            },
            "fail" => Cmd::Fail {
                name: field(Part::Name)?,
            },
            "recover" => Cmd::Recover {
                name: field(Part::Name)?,
            },
            "weight" => {
                let name = field(Part::Name)?;
                let weight = number(field(Part::Weight)?)?;
                Cmd::Weight { name, weight }
            }
            "lookup" => Cmd::Lookup {
                key: field(Part::Key)?,
            },
            other => {
                return Err(Line::tr(
                    "unknown command \"{verb}\" (join, leave, fail, recover, weight or lookup)",
                )
                .with("verb", shorten(other, QUOTED)))
            }
        };
        if parts.next().is_some() {
            return Err(
                Line::tr("\"{text}\" has too many parts").with("text", shorten(text, QUOTED))
            );
        }
        Ok(cmd)
    }
}

/// The only timer: churn's next random change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    Churn,
}
