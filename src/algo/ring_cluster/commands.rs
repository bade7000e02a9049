//! What a person (or a link) asks of the cluster, and its text form; and churn's timer.
use super::config::QUOTED;
use crate::algo::text::{percent_encode, shorten};
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

impl FromStr for Cmd {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split(':');
        let verb = parts.next().unwrap_or_default();
        let mut field = |what: &str| -> Result<String, String> {
            let raw = parts
                .next()
                .ok_or_else(|| format!("\"{}\" is missing its {what}", shorten(text, QUOTED)))?;
            decode_text(raw)
                .ok_or_else(|| format!("the {what} \"{}\" is badly encoded", shorten(raw, QUOTED)))
        };
        let number = |raw: String| -> Result<u32, String> {
            raw.parse::<u32>().map_err(|_| {
                format!(
                    "a weight must be a whole number, not \"{}\"",
                    shorten(&raw, QUOTED)
                )
            })
        };
        let cmd = match verb {
            "join" => {
                let name = field("name")?;
                let weight = number(field("weight")?)?;
                Cmd::Join { name, weight }
            }
            "leave" => Cmd::Leave {
                name: field("name")?,
            },
            "fail" => Cmd::Fail {
                name: field("name")?,
            },
            "recover" => Cmd::Recover {
                name: field("name")?,
            },
            "weight" => {
                let name = field("name")?;
                let weight = number(field("weight")?)?;
                Cmd::Weight { name, weight }
            }
            "lookup" => Cmd::Lookup { key: field("key")? },
            other => {
                return Err(format!(
                    "unknown command \"{}\" (join, leave, fail, recover, weight or lookup)",
                    shorten(other, QUOTED)
                ))
            }
        };
        if parts.next().is_some() {
            return Err(format!("\"{}\" has too many parts", shorten(text, QUOTED)));
        }
        Ok(cmd)
    }
}

/// The only timer: churn's next random change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    Churn,
}
