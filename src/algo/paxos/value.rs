//! What gets chosen: a single-decree value, or a Multi-Paxos log entry (a key-value
//! command, or the no-op a new leader writes into a hole).
//!
//! Everything here is `Copy` and fixed-size: values travel in every message and sit in
//! every acceptor, and the kernel hashes whole states.
use crate::sim::{Line, NodeId};
use std::fmt;
use std::str::FromStr;

/// Longest word (a value, a key) a link may carry.
pub const MAX_WORD: usize = 8;

/// A short lowercase word (`red`, `x1`): 1 to 8 of `a-z`, `0-9` and `-`, so that it can
/// sit in a link as it is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Word {
    bytes: [u8; MAX_WORD],
    len: u8,
}

impl Word {
    /// The word, if `text` is one (see [`Word`] for what is allowed); if not, why, as a
    /// typed line the page shows in its language.
    pub fn new(text: &str) -> Result<Word, Line> {
        let ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
        if text.is_empty() || text.len() > MAX_WORD || !text.bytes().all(ok) {
            return Err(Line::tr(
                "\"{text}\" is not a value here: use 1 to {max} lowercase letters, digits or dashes",
            )
            .with("text", text)
            .with("max", MAX_WORD));
        }
        let mut bytes = [0; MAX_WORD];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Ok(Word {
            bytes,
            len: text.len() as u8,
        })
    }

    /// For literals known to be valid (tests, defaults); panics otherwise.
    pub fn lit(text: &str) -> Word {
        Word::new(text).expect("a valid word literal")
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }

    /// The word's bytes as one number (for the replicas' history digest).
    pub fn code(&self) -> u64 {
        u64::from_le_bytes(self.bytes)
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl FromStr for Word {
    type Err = Line;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Word::new(s)
    }
}

/// Who issued a key-value command, and its number for that issuer: replicas use it to
/// apply a command once even if a retry put it in two slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CmdId {
    pub client: NodeId,
    pub seq: u32,
}

/// A value Paxos can choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// A single-decree proposal (`propose:red`), or a plain log entry in Multi-Paxos.
    Plain(Word),
    /// Set `key` to `val` in the replicated key-value store.
    Put { id: CmdId, key: Word, val: Word },
    /// Read `key`, through the log (so the read is ordered with the writes).
    Get { id: CmdId, key: Word },
    /// A no-op: what a new leader proposes for a hole in the log nobody had accepted
    /// anything for (*Paxos Made Simple* §3).
    Noop,
}

impl Value {
    /// The command's id, for key-value commands.
    pub fn cmd_id(&self) -> Option<CmdId> {
        match self {
            Value::Put { id, .. } | Value::Get { id, .. } => Some(*id),
            Value::Plain(_) | Value::Noop => None,
        }
    }

    /// Numbers that identify the value (for the replicas' history digest).
    pub fn code(&self) -> [u64; 4] {
        match self {
            Value::Plain(w) => [1, w.code(), 0, 0],
            Value::Put { id, key, val } => [2, key.code(), val.code(), id_code(*id)],
            Value::Get { id, key } => [3, key.code(), 0, id_code(*id)],
            Value::Noop => [4, 0, 0, 0],
        }
    }
}

fn id_code(id: CmdId) -> u64 {
    (u64::from(id.client.0) << 32) | u64::from(id.seq)
}

impl fmt::Display for Value {
    /// `red`, `put x=1`, `get x`, `no-op`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Plain(w) => write!(f, "{w}"),
            Value::Put { key, val, .. } => write!(f, "put {key}={val}"),
            Value::Get { key, .. } => write!(f, "get {key}"),
            Value::Noop => f.write_str("no-op"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_accept_short_lowercase_text_only() {
        assert_eq!(Word::new("red").map(|w| w.to_string()), Ok("red".into()));
        assert_eq!(Word::new("x-9").map(|w| w.to_string()), Ok("x-9".into()));
        for bad in ["", "Red", "a:b", "toolongword", "ü"] {
            assert!(Word::new(bad).is_err(), "{bad:?}");
        }
        assert_ne!(Word::lit("ab").code(), Word::lit("ba").code());
    }
}
