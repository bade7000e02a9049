//! The keyspace: keys, their values and expiry, and the commands on keys and strings.
//!
//! Redis deletes a key as soon as it is observed past its expiry ("lazy" expiry, plus a
//! background sweep), so no client ever sees an expired key. The model gets the same
//! effect by dropping every expired key before each command. Expiry times are whole
//! milliseconds on the simulated clock, and a key expires when the clock is *past* its
//! expiry time (Redis's `now > when`).
use super::command::{Command, SetCondition};
use super::reply::{RedisError, Reply};
use super::stream::Stream;
use crate::sim::sorted::SortedMap;
use crate::sim::Time;
use std::collections::VecDeque;

/// What a key holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    String(String),
    List(VecDeque<String>),
    Stream(Stream),
}

impl Value {
    /// The name `TYPE` answers with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Stream(_) => "stream",
        }
    }
}

/// A key's value and, if it has one, the millisecond it expires after.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub value: Value,
    pub expires_at_ms: Option<u64>,
}

/// One Redis database: the model every scene's Redis runs. A plain value with no clock of
/// its own: each command is executed at the `now` it is given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Redis {
    pub(super) keys: SortedMap<String, Entry>,
    /// How many keys have an expiry (no sweep is needed while there are none).
    volatile: u64,
    /// Keys that received data since the last [`Redis::take_ready_keys`], in order, for
    /// serving blocked clients.
    ready: Vec<String>,
}

/// The clock in whole milliseconds, as Redis's `mstime()`.
pub(super) fn millis(now: Time) -> u64 {
    now.micros() / 1000
}

/// Redis's `string2ll`: a 64-bit integer in canonical decimal form (no sign but `-`, no
/// leading zeros, no spaces, no `-0`), or `None`.
pub fn parse_integer(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if s == "0" {
        return Some(0);
    }
    let first = digits.bytes().next()?;
    if !(b'1'..=b'9').contains(&first) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude: u64 = digits.parse().ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

impl Redis {
    pub fn new() -> Self {
        Redis::default()
    }

    /// Executes one command at `now`, atomically, and returns its reply. A blocking
    /// command that finds no data answers [`Reply::WouldBlock`] and changes nothing.
    pub fn execute(&mut self, cmd: &Command, now: Time) -> Reply {
        let now_ms = millis(now);
        self.purge_expired(now_ms);
        let result = match cmd {
            Command::Get { key } => self.get(key),
            Command::Set {
                key,
                value,
                condition,
                px,
            } => self.set(key, value, *condition, *px, now_ms),
            Command::Del { keys } => {
                let removed = keys.iter().filter(|k| self.remove(k)).count();
                Ok(Reply::Integer(removed as i64))
            }
            Command::Exists { keys } => {
                let found = keys.iter().filter(|k| self.keys.contains_key(*k)).count();
                Ok(Reply::Integer(found as i64))
            }
            Command::Type { key } => Ok(Reply::Status(
                self.keys.get(key).map_or("none", |e| e.value.type_name()),
            )),
            Command::Incr { key } => self.incr(key),
            Command::EvalCompareAndDelete { key, value } => self.compare_and_delete(key, value),
            Command::Lpush { .. }
            | Command::Rpush { .. }
            | Command::Lpop { .. }
            | Command::Rpop { .. }
            | Command::Brpop { .. }
            | Command::Lmove { .. }
            | Command::Blmove { .. }
            | Command::Lrem { .. }
            | Command::Llen { .. }
            | Command::Lrange { .. } => self.list_command(cmd),
            _ => self.stream_command(cmd, now_ms),
        };
        result.unwrap_or_else(Reply::Error)
    }

    /// The value of `key` as of `now` (an expired key counts as gone).
    pub fn value(&self, key: &str, now: Time) -> Option<&Value> {
        let now_ms = millis(now);
        self.keys
            .get(key)
            .filter(|e| e.expires_at_ms.is_none_or(|at| now_ms <= at))
            .map(|e| &e.value)
    }

    /// A key as stored, even past its expiry: what a server that has not run a command
    /// since (a paused one, say) still holds. Redis would delete it at the next command.
    pub fn stored(&self, key: &str) -> Option<&Entry> {
        self.keys.get(key)
    }

    /// Every live key as of `now`, in key order.
    pub fn entries(&self, now: Time) -> impl Iterator<Item = (&str, &Entry)> {
        let now_ms = millis(now);
        self.keys
            .iter()
            .filter(move |(_, e)| e.expires_at_ms.is_none_or(|at| now_ms <= at))
            .map(|(k, e)| (k.as_str(), e))
    }

    /// A list's elements, head first (empty if the key is missing or not a list).
    pub fn list(&self, key: &str, now: Time) -> Vec<&str> {
        match self.value(key, now) {
            Some(Value::List(items)) => items.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// A stream, if `key` holds one.
    pub fn stream(&self, key: &str, now: Time) -> Option<&Stream> {
        match self.value(key, now) {
            Some(Value::Stream(s)) => Some(s),
            _ => None,
        }
    }

    /// The keys that received data (a push, an `XADD`) since the last call, oldest first.
    pub fn take_ready_keys(&mut self) -> Vec<String> {
        std::mem::take(&mut self.ready)
    }

    /// Drops every key past its expiry at `now` (what Redis's lazy and active expiry do
    /// before anyone can observe the key).
    pub fn purge_expired(&mut self, now_ms: u64) {
        if self.volatile == 0 {
            return;
        }
        let before = self.keys.len();
        self.keys
            .retain(|_, e| e.expires_at_ms.is_none_or(|at| now_ms <= at));
        let gone = (before - self.keys.len()) as u64;
        self.volatile -= gone;
    }

    pub(super) fn signal_ready(&mut self, key: &str) {
        if !self.ready.iter().any(|k| k == key) {
            self.ready.push(key.to_string());
        }
    }

    /// Deletes a key; true if it existed.
    pub(super) fn remove(&mut self, key: &str) -> bool {
        match self.keys.remove(key) {
            Some(e) => {
                if e.expires_at_ms.is_some() {
                    self.volatile -= 1;
                }
                true
            }
            None => false,
        }
    }

    /// Creates or replaces a key, with no expiry.
    pub(super) fn insert(&mut self, key: &str, value: Value) {
        self.remove(key);
        self.keys.insert(
            key.to_string(),
            Entry {
                value,
                expires_at_ms: None,
            },
        );
    }

    fn get(&self, key: &str) -> Result<Reply, RedisError> {
        match self.keys.get(key).map(|e| &e.value) {
            None => Ok(Reply::Nil),
            Some(Value::String(s)) => Ok(Reply::Bulk(s.clone())),
            Some(_) => Err(RedisError::WrongType),
        }
    }

    fn set(
        &mut self,
        key: &str,
        value: &str,
        condition: SetCondition,
        px: Option<u64>,
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        let expires_at_ms = match px {
            None => None,
            Some(ms) => {
                // Redis takes a signed 64-bit count and adds the clock; both must stay
                // positive.
                let at = i64::try_from(ms)
                    .ok()
                    .filter(|&ms| ms > 0)
                    .and_then(|ms| ms.checked_add(now_ms as i64))
                    .ok_or(RedisError::InvalidExpireTime)?;
                Some(at as u64)
            }
        };
        let found = self.keys.contains_key(key);
        let refused = match condition {
            SetCondition::Always => false,
            SetCondition::IfAbsent => found,
            SetCondition::IfPresent => !found,
        };
        if refused {
            return Ok(Reply::Nil);
        }
        self.insert(key, Value::String(value.to_string()));
        if let Some(at) = expires_at_ms {
            if let Some(e) = self.keys.get_mut(key) {
                e.expires_at_ms = Some(at);
                self.volatile += 1;
            }
        }
        Ok(Reply::OK)
    }

    /// The lock release script: `GET`, compare, `DEL`, with nothing in between.
    fn compare_and_delete(&mut self, key: &str, value: &str) -> Result<Reply, RedisError> {
        match self.keys.get(key).map(|e| &e.value) {
            Some(Value::String(held)) if held == value => {
                self.remove(key);
                Ok(Reply::Integer(1))
            }
            None | Some(Value::String(_)) => Ok(Reply::Integer(0)),
            Some(_) => Err(RedisError::ScriptWrongType),
        }
    }

    fn incr(&mut self, key: &str) -> Result<Reply, RedisError> {
        let current = match self.keys.get(key).map(|e| &e.value) {
            None => 0,
            Some(Value::String(s)) => parse_integer(s).ok_or(RedisError::NotAnInteger)?,
            Some(_) => return Err(RedisError::WrongType),
        };
        let next = current.checked_add(1).ok_or(RedisError::Overflow)?;
        match self.keys.get_mut(key) {
            // The key keeps its expiry, as in Redis.
            Some(e) => e.value = Value::String(next.to_string()),
            None => self.insert(key, Value::String(next.to_string())),
        }
        Ok(Reply::Integer(next))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_integer;

    #[test]
    fn integers_must_be_canonical() {
        assert_eq!(parse_integer("0"), Some(0));
        assert_eq!(parse_integer("-12"), Some(-12));
        assert_eq!(parse_integer("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_integer("-9223372036854775808"), Some(i64::MIN));
        for bad in [
            "",
            "-",
            "-0",
            "007",
            "+1",
            " 1",
            "1 ",
            "1a",
            "9223372036854775808",
        ] {
            assert_eq!(parse_integer(bad), None, "{bad:?}");
        }
    }
}
