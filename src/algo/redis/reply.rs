//! Replies as Redis 7.0 sends them to a RESP2 client, and its error messages.
use super::command::COMPARE_AND_DELETE_SHA1;
use super::stream_id::StreamId;
use std::fmt;

/// A reply. The variants are RESP2's types, with both kinds of nil kept apart (Redis sends
/// `$-1` for some commands and `*-1` for others, and clients see the difference), plus
/// [`Reply::WouldBlock`], which is not sent at all: it tells the caller that a blocking
/// command found no data and the client must wait (see `Server`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// `+OK` and other status replies (`TYPE` answers `+list`).
    Status(&'static str),
    Error(RedisError),
    Integer(i64),
    Bulk(String),
    /// `$-1`
    Nil,
    /// `*-1`
    NilArray,
    Array(Vec<Reply>),
    WouldBlock,
}

impl Reply {
    pub const OK: Reply = Reply::Status("OK");

    pub fn id(id: StreamId) -> Reply {
        Reply::Bulk(id.to_string())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// Every bulk string in the reply, depth first (message payloads, ids, field names).
    pub fn strings(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_strings(&mut out);
        out
    }

    fn collect_strings<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Reply::Bulk(s) => out.push(s),
            Reply::Array(items) => items.iter().for_each(|r| r.collect_strings(out)),
            _ => {}
        }
    }
}

impl fmt::Display for Reply {
    /// Roughly as `redis-cli` prints it, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Status(s) => f.write_str(s),
            Reply::Error(e) => write!(f, "(error) {e}"),
            Reply::Integer(n) => write!(f, "(integer) {n}"),
            Reply::Bulk(s) => write!(f, "\"{s}\""),
            Reply::Nil | Reply::NilArray => f.write_str("(nil)"),
            Reply::Array(items) if items.is_empty() => f.write_str("(empty array)"),
            Reply::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Reply::WouldBlock => f.write_str("(blocks)"),
        }
    }
}

/// An error reply. `Display` gives the exact text Redis 7.0 sends (without the leading `-`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RedisError {
    /// The key holds another type than the command works on.
    WrongType,
    /// `INCR` on a value that is not a 64-bit integer in canonical form.
    NotAnInteger,
    /// `INCR` past `i64::MAX`.
    Overflow,
    /// The compare-and-delete script's `GET` met a key of another type: Redis 7.0 passes
    /// the error on, naming the script by its SHA1 and line.
    ScriptWrongType,
    /// `SET ... PX 0`, or an expiry time that overflows.
    InvalidExpireTime,
    /// `XADD` with id `0-0`.
    XaddIdZero,
    /// `XADD` with an id not greater than the stream's last id.
    XaddIdTooSmall,
    /// The stream reached id `18446744073709551615-18446744073709551615`.
    StreamExhausted,
    /// `XGROUP CREATE` on a missing key without `MKSTREAM`.
    XgroupNeedsKey,
    /// `XGROUP CREATE` with a group name that exists.
    BusyGroup,
    /// A consumer-group command on a missing key or group.
    NoGroup { key: String, group: String },
    /// The same, from `XREADGROUP` (its message says so).
    NoGroupReadgroup { key: String, group: String },
    /// An exclusive interval start `(id` with no id after it.
    InvalidStartInterval,
    /// An exclusive interval end `(id` with no id before it.
    InvalidEndInterval,
    /// `XAUTOCLAIM ... COUNT 0`.
    CountNotPositive,
    /// A blocked `XREADGROUP` whose group was destroyed before data came.
    NoGroupWhileBlocked,
    /// A blocked `XREADGROUP` whose key stopped being a stream before data came.
    Unblocked,
}

impl fmt::Display for RedisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedisError::WrongType => {
                f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value")
            }
            RedisError::ScriptWrongType => write!(
                f,
                "WRONGTYPE Operation against a key holding the wrong kind of value script: \
                 {COMPARE_AND_DELETE_SHA1}, on @user_script:1."
            ),
            RedisError::NotAnInteger => f.write_str("ERR value is not an integer or out of range"),
            RedisError::Overflow => f.write_str("ERR increment or decrement would overflow"),
            RedisError::InvalidExpireTime => {
                f.write_str("ERR invalid expire time in 'set' command")
            }
            RedisError::XaddIdZero => {
                f.write_str("ERR The ID specified in XADD must be greater than 0-0")
            }
            RedisError::XaddIdTooSmall => f.write_str(
                "ERR The ID specified in XADD is equal or smaller than the target stream top item",
            ),
            RedisError::StreamExhausted => f.write_str(
                "ERR The stream has exhausted the last possible ID, unable to add more items",
            ),
            RedisError::XgroupNeedsKey => f.write_str(
                "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you \
                 may want to use the MKSTREAM option to create an empty stream automatically.",
            ),
            RedisError::BusyGroup => f.write_str("BUSYGROUP Consumer Group name already exists"),
            RedisError::NoGroup { key, group } => {
                write!(f, "NOGROUP No such key '{key}' or consumer group '{group}'")
            }
            RedisError::NoGroupReadgroup { key, group } => write!(
                f,
                "NOGROUP No such key '{key}' or consumer group '{group}' in XREADGROUP with \
                 GROUP option"
            ),
            RedisError::InvalidStartInterval => {
                f.write_str("ERR invalid start ID for the interval")
            }
            RedisError::InvalidEndInterval => f.write_str("ERR invalid end ID for the interval"),
            RedisError::CountNotPositive => f.write_str("ERR COUNT must be > 0"),
            RedisError::NoGroupWhileBlocked => f.write_str(
                "NOGROUP the consumer group this client was blocked on no longer exists",
            ),
            RedisError::Unblocked => f.write_str("UNBLOCKED the stream key no longer exists"),
        }
    }
}
