//! The replicated state machine: a small key-value store with client sessions.
//!
//! Raft replicates a log of commands; every server applies the committed commands in log
//! order to its own copy of this store, so all copies go through the same states. Keys are
//! single letters (`x`) and values whole numbers, so that a command fits in a link
//! (`put:x:5`).
//!
//! A client that gets no answer sends its request again, and the first attempt may well
//! have been committed already: applying it twice could undo a later write by someone else.
//! So the store keeps, per client, the serial number of its latest applied request and that
//! request's result, and answers a repeat from there without applying it again (dissertation
//! §6.3, "Implementing linearizable semantics"). The sessions are part of the state machine
//! (and of snapshots): every server must make the same decision about a repeat.
use crate::sim::NodeId;
use std::fmt;
use std::str::FromStr;

/// A key: one lowercase letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(u8);

impl Key {
    /// The key named by `letter`, if it is a lowercase ASCII letter.
    pub fn new(letter: char) -> Option<Key> {
        letter.is_ascii_lowercase().then_some(Key(letter as u8))
    }

    pub fn letter(self) -> char {
        self.0 as char
    }

    fn slot(self) -> usize {
        usize::from(self.0 - b'a')
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

impl FromStr for Key {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut chars = s.chars();
        match (chars.next().and_then(Key::new), chars.next()) {
            (Some(key), None) => Ok(key),
            _ => Err(format!("a key is one lowercase letter, not \"{s}\"")),
        }
    }
}

pub type Value = u32;

/// A client's operation on the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Put { key: Key, value: Value },
    Get { key: Key },
}

impl Op {
    pub fn key(self) -> Key {
        match self {
            Op::Put { key, .. } | Op::Get { key } => key,
        }
    }

    pub fn is_read(self) -> bool {
        matches!(self, Op::Get { .. })
    }
}

/// `put:x:5` or `get:x`.
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put { key, value } => write!(f, "put:{key}:{value}"),
            Op::Get { key } => write!(f, "get:{key}"),
        }
    }
}

impl FromStr for Op {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.as_slice() {
            ["put", key, value] => Ok(Op::Put {
                key: key.parse()?,
                value: value
                    .parse()
                    .map_err(|_| format!("a value is a whole number, not \"{value}\""))?,
            }),
            ["get", key] => Ok(Op::Get { key: key.parse()? }),
            _ => Err(format!(
                "\"{s}\" is not an operation (expected put:KEY:VALUE or get:KEY)"
            )),
        }
    }
}

/// What an operation returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpResult {
    /// A put took effect.
    Written,
    /// A get's answer (`None`: the key was never written).
    Read(Option<Value>),
}

impl fmt::Display for OpResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpResult::Written => f.write_str("ok"),
            OpResult::Read(Some(v)) => write!(f, "{v}"),
            OpResult::Read(None) => f.write_str("nil"),
        }
    }
}

/// One client's session: its latest applied request and the answer it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Session {
    pub client: NodeId,
    pub serial: u64,
    pub result: OpResult,
}

/// The store and its client sessions. 26 keys, so the data is a fixed array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KvStore {
    data: [Option<Value>; 26],
    sessions: Vec<Session>,
}

impl KvStore {
    pub fn get(&self, key: Key) -> Option<Value> {
        self.data[key.slot()]
    }

    /// The keys that hold a value, in order.
    pub fn entries(&self) -> impl Iterator<Item = (Key, Value)> + '_ {
        self.data
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (Key(b'a' + i as u8), v)))
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// The answer already given to `client`'s request `serial`, if it was applied before.
    pub fn answered(&self, client: NodeId, serial: u64) -> Option<OpResult> {
        self.sessions
            .iter()
            .find(|s| s.client == client && s.serial == serial)
            .map(|s| s.result)
    }

    /// Applies `client`'s request `serial`, once: a repeat (or an older request, which its
    /// client has long stopped waiting for) returns the recorded answer and changes nothing.
    /// Returns the result and whether the request took effect now.
    pub fn apply(&mut self, client: NodeId, serial: u64, op: Op) -> (OpResult, bool) {
        let index = self.sessions.iter().position(|s| s.client == client);
        if let Some(session) = index.map(|i| self.sessions[i]) {
            if serial <= session.serial {
                return (session.result, false);
            }
        }
        let result = match op {
            Op::Put { key, value } => {
                self.data[key.slot()] = Some(value);
                OpResult::Written
            }
            Op::Get { key } => OpResult::Read(self.get(key)),
        };
        let session = Session {
            client,
            serial,
            result,
        };
        match index {
            Some(i) => self.sessions[i] = session,
            None => self.sessions.push(session),
        }
        (result, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_request_is_applied_once() {
        let mut store = KvStore::default();
        let x = Key::new('x').expect("a letter");
        let (a, b) = (NodeId(5), NodeId(6));
        assert!(store.apply(a, 1, Op::Put { key: x, value: 1 }).1);
        assert!(store.apply(b, 1, Op::Put { key: x, value: 2 }).1);
        // a's retry of its first put must not undo b's later write.
        assert_eq!(
            store.apply(a, 1, Op::Put { key: x, value: 1 }),
            (OpResult::Written, false)
        );
        assert_eq!(store.get(x), Some(2));
        assert_eq!(
            store.apply(a, 2, Op::Get { key: x }),
            (OpResult::Read(Some(2)), true)
        );
    }

    #[test]
    fn ops_round_trip_as_text() {
        for text in ["put:x:5", "get:q"] {
            assert_eq!(text.parse::<Op>().map(|o| o.to_string()), Ok(text.into()));
        }
        assert!("put:X:5".parse::<Op>().is_err());
        assert!("put:x:-1".parse::<Op>().is_err());
        assert!("get:xy".parse::<Op>().is_err());
    }
}
