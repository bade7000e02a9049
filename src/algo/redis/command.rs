//! Redis commands as typed values, and their text form (the argument vector a client sends).
//!
//! A command is built already parsed: counts are numbers, ids are [`StreamId`]s, list ends
//! are [`End`]s. So the model never meets a syntax error; it meets only the errors that
//! depend on the data (a key of the wrong type, a missing consumer group, an id too small,
//! a value that is not an integer). [`Command::args`] renders the exact arguments a real
//! client would send, which is how the differential test replays the same command on a
//! real Redis and how the views print it.
use super::stream_id::StreamId;
use std::fmt;

/// Which end of a list: `LEFT` is the head (index 0), `RIGHT` the tail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum End {
    Left,
    Right,
}

impl End {
    pub fn as_str(self) -> &'static str {
        match self {
            End::Left => "LEFT",
            End::Right => "RIGHT",
        }
    }
}

/// `SET`'s condition: always, only if the key is absent (`NX`), only if present (`XX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SetCondition {
    #[default]
    Always,
    IfAbsent,
    IfPresent,
}

/// The id `XADD` appends with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum XaddId {
    /// `*`: the server's millisecond clock and a sequence number.
    Auto,
    /// `<ms>-*`: the given milliseconds, the next free sequence number.
    AutoSeq(u64),
    /// `<ms>-<seq>`.
    Explicit(StreamId),
}

/// Where `XGROUP CREATE` starts the group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupStart {
    /// `$`: after the stream's last entry (only new entries).
    Last,
    /// After this id (`0` reads the whole stream).
    After(StreamId),
}

/// What `XREADGROUP` asks for on one stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadFrom {
    /// `>`: entries never delivered to the group.
    New,
    /// An id: this consumer's own pending entries after it (its history).
    Pending(StreamId),
}

impl ReadFrom {
    /// Whether this asks for new entries. Redis 7.0 marks `>` internally with the largest
    /// possible id, so asking for the history after that id means `>` too.
    pub fn is_new(self) -> bool {
        matches!(self, ReadFrom::New | ReadFrom::Pending(StreamId::MAX))
    }
}

/// One end of an id interval (`XRANGE`, `XPENDING`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    /// `-`
    Min,
    /// `+`
    Max,
    /// `<id>`
    Incl(StreamId),
    /// `(<id>`
    Excl(StreamId),
}

/// The extended form of `XPENDING`: `[IDLE ms] start end count [consumer]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PendingRange {
    pub min_idle_ms: Option<u64>,
    pub start: Bound,
    pub end: Bound,
    pub count: u64,
    pub consumer: Option<String>,
}

/// A command with its arguments. Blocking timeouts are in milliseconds; 0 waits forever.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    // Keys and strings.
    Get {
        key: String,
    },
    Set {
        key: String,
        value: String,
        condition: SetCondition,
        /// `PX <ms>`: the key expires this many milliseconds from now.
        px: Option<u64>,
    },
    Del {
        keys: Vec<String>,
    },
    Exists {
        keys: Vec<String>,
    },
    Type {
        key: String,
    },
    Incr {
        key: String,
    },
    /// The safe release of a lock: delete `key` only if it holds `value`, in one atomic
    /// step. Real Redis has no such command; clients send it as the Lua script
    /// [`COMPARE_AND_DELETE_SCRIPT`] with `EVAL` (from the Redis docs on distributed locks),
    /// which is what [`Command::args`] renders. Replies 1 if it deleted the key, else 0.
    EvalCompareAndDelete {
        key: String,
        value: String,
    },
    // Lists.
    Lpush {
        key: String,
        values: Vec<String>,
    },
    Rpush {
        key: String,
        values: Vec<String>,
    },
    Lpop {
        key: String,
        count: Option<u64>,
    },
    Rpop {
        key: String,
        count: Option<u64>,
    },
    Brpop {
        keys: Vec<String>,
        timeout_ms: u64,
    },
    Lmove {
        source: String,
        destination: String,
        from: End,
        to: End,
    },
    Blmove {
        source: String,
        destination: String,
        from: End,
        to: End,
        timeout_ms: u64,
    },
    Lrem {
        key: String,
        count: i64,
        value: String,
    },
    Llen {
        key: String,
    },
    Lrange {
        key: String,
        start: i64,
        stop: i64,
    },
    // Streams.
    Xadd {
        key: String,
        id: XaddId,
        fields: Vec<(String, String)>,
    },
    Xlen {
        key: String,
    },
    Xrange {
        key: String,
        start: Bound,
        end: Bound,
        count: Option<u64>,
    },
    Xdel {
        key: String,
        ids: Vec<StreamId>,
    },
    XgroupCreate {
        key: String,
        group: String,
        start: GroupStart,
        mkstream: bool,
    },
    Xreadgroup {
        group: String,
        consumer: String,
        count: Option<u64>,
        /// `BLOCK <ms>`; `None` never blocks.
        block_ms: Option<u64>,
        noack: bool,
        streams: Vec<(String, ReadFrom)>,
    },
    Xack {
        key: String,
        group: String,
        ids: Vec<StreamId>,
    },
    /// `XPENDING key group` (the summary) or, with a range, the extended form.
    Xpending {
        key: String,
        group: String,
        range: Option<PendingRange>,
    },
    Xclaim {
        key: String,
        group: String,
        consumer: String,
        min_idle_ms: u64,
        ids: Vec<StreamId>,
        justid: bool,
    },
    Xautoclaim {
        key: String,
        group: String,
        consumer: String,
        min_idle_ms: u64,
        start: StreamId,
        count: Option<u64>,
        justid: bool,
    },
}

/// The compare-and-delete script of the Redis distributed-lock docs ("Correct
/// Implementation with a Single Instance"), exactly as sent with `EVAL`.
pub const COMPARE_AND_DELETE_SCRIPT: &str = r#"if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end"#;

/// The SHA1 digest of [`COMPARE_AND_DELETE_SCRIPT`]: Redis names the script by it in errors
/// (`SCRIPT LOAD` returns it; the differential test checks that).
pub const COMPARE_AND_DELETE_SHA1: &str = "b70c2384248f88e6b75b9f89241a180f856ad852";

/// A blocking timeout in seconds, as `BRPOP` and `BLMOVE` take it (millisecond precision).
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

impl Bound {
    fn arg(self) -> String {
        match self {
            Bound::Min => "-".into(),
            Bound::Max => "+".into(),
            Bound::Incl(id) => id.to_string(),
            Bound::Excl(id) => format!("({id}"),
        }
    }
}

impl Command {
    /// The command's name as Redis spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Get { .. } => "GET",
            Command::Set { .. } => "SET",
            Command::Del { .. } => "DEL",
            Command::Exists { .. } => "EXISTS",
            Command::Type { .. } => "TYPE",
            Command::Incr { .. } => "INCR",
            Command::EvalCompareAndDelete { .. } => "EVAL",
            Command::Lpush { .. } => "LPUSH",
            Command::Rpush { .. } => "RPUSH",
            Command::Lpop { .. } => "LPOP",
            Command::Rpop { .. } => "RPOP",
            Command::Brpop { .. } => "BRPOP",
            Command::Lmove { .. } => "LMOVE",
            Command::Blmove { .. } => "BLMOVE",
            Command::Lrem { .. } => "LREM",
            Command::Llen { .. } => "LLEN",
            Command::Lrange { .. } => "LRANGE",
            Command::Xadd { .. } => "XADD",
            Command::Xlen { .. } => "XLEN",
            Command::Xrange { .. } => "XRANGE",
            Command::Xdel { .. } => "XDEL",
            Command::XgroupCreate { .. } => "XGROUP",
            Command::Xreadgroup { .. } => "XREADGROUP",
            Command::Xack { .. } => "XACK",
            Command::Xpending { .. } => "XPENDING",
            Command::Xclaim { .. } => "XCLAIM",
            Command::Xautoclaim { .. } => "XAUTOCLAIM",
        }
    }

    /// Whether the command may change the data (and so goes to the append-only file).
    /// Reads can delete expired keys too, but that follows from the clock, so replaying
    /// the writes at their times reproduces it.
    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            Command::Get { .. }
                | Command::Exists { .. }
                | Command::Type { .. }
                | Command::Llen { .. }
                | Command::Lrange { .. }
                | Command::Xlen { .. }
                | Command::Xrange { .. }
                | Command::Xpending { .. }
        )
    }

    /// How long a blocking command may wait (0 = forever); `None` if it never blocks.
    pub fn block_timeout_ms(&self) -> Option<u64> {
        match self {
            Command::Brpop { timeout_ms, .. } | Command::Blmove { timeout_ms, .. } => {
                Some(*timeout_ms)
            }
            Command::Xreadgroup {
                block_ms: Some(ms),
                streams,
                ..
            } if streams.iter().all(|(_, from)| from.is_new()) => Some(*ms),
            _ => None,
        }
    }

    /// The keys a blocked command waits on.
    pub fn blocking_keys(&self) -> Vec<&str> {
        match self {
            Command::Brpop { keys, .. } => keys.iter().map(String::as_str).collect(),
            Command::Blmove { source, .. } => vec![source.as_str()],
            Command::Xreadgroup { streams, .. } => {
                streams.iter().map(|(key, _)| key.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The arguments a client sends, name first.
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec![self.name().into()];
        match self {
            Command::Get { key }
            | Command::Type { key }
            | Command::Incr { key }
            | Command::Llen { key }
            | Command::Xlen { key } => a.push(key.clone()),
            Command::Set {
                key,
                value,
                condition,
                px,
            } => {
                a.extend([key.clone(), value.clone()]);
                match condition {
                    SetCondition::Always => {}
                    SetCondition::IfAbsent => a.push("NX".into()),
                    SetCondition::IfPresent => a.push("XX".into()),
                }
                if let Some(ms) = px {
                    a.extend(["PX".into(), ms.to_string()]);
                }
            }
            Command::Del { keys } | Command::Exists { keys } => a.extend(keys.iter().cloned()),
            Command::EvalCompareAndDelete { key, value } => a.extend([
                COMPARE_AND_DELETE_SCRIPT.into(),
                "1".into(),
                key.clone(),
                value.clone(),
            ]),
            Command::Lpush { key, values } | Command::Rpush { key, values } => {
                a.push(key.clone());
                a.extend(values.iter().cloned());
            }
            Command::Lpop { key, count } | Command::Rpop { key, count } => {
                a.push(key.clone());
                a.extend(count.map(|c| c.to_string()));
            }
            Command::Brpop { keys, timeout_ms } => {
                a.extend(keys.iter().cloned());
                a.push(seconds(*timeout_ms));
            }
            Command::Lmove {
                source,
                destination,
                from,
                to,
            } => a.extend([
                source.clone(),
                destination.clone(),
                from.as_str().into(),
                to.as_str().into(),
            ]),
            Command::Blmove {
                source,
                destination,
                from,
                to,
                timeout_ms,
            } => a.extend([
                source.clone(),
                destination.clone(),
                from.as_str().into(),
                to.as_str().into(),
                seconds(*timeout_ms),
            ]),
            Command::Lrem { key, count, value } => {
                a.extend([key.clone(), count.to_string(), value.clone()])
            }
            Command::Lrange { key, start, stop } => {
                a.extend([key.clone(), start.to_string(), stop.to_string()])
            }
            Command::Xadd { key, id, fields } => {
                a.push(key.clone());
                a.push(match id {
                    XaddId::Auto => "*".into(),
                    XaddId::AutoSeq(ms) => format!("{ms}-*"),
                    XaddId::Explicit(id) => id.to_string(),
                });
                for (field, value) in fields {
                    a.extend([field.clone(), value.clone()]);
                }
            }
            Command::Xrange {
                key,
                start,
                end,
                count,
            } => {
                a.extend([key.clone(), start.arg(), end.arg()]);
                if let Some(c) = count {
                    a.extend(["COUNT".into(), c.to_string()]);
                }
            }
            Command::Xdel { key, ids } => {
                a.push(key.clone());
                a.extend(ids.iter().map(StreamId::to_string));
            }
            Command::XgroupCreate {
                key,
                group,
                start,
                mkstream,
            } => {
                a.extend(["CREATE".into(), key.clone(), group.clone()]);
                a.push(match start {
                    GroupStart::Last => "$".into(),
                    GroupStart::After(id) => id.to_string(),
                });
                if *mkstream {
                    a.push("MKSTREAM".into());
                }
            }
            Command::Xreadgroup {
                group,
                consumer,
                count,
                block_ms,
                noack,
                streams,
            } => {
                a.extend(["GROUP".into(), group.clone(), consumer.clone()]);
                if let Some(c) = count {
                    a.extend(["COUNT".into(), c.to_string()]);
                }
                if let Some(ms) = block_ms {
                    a.extend(["BLOCK".into(), ms.to_string()]);
                }
                if *noack {
                    a.push("NOACK".into());
                }
                a.push("STREAMS".into());
                a.extend(streams.iter().map(|(key, _)| key.clone()));
                a.extend(streams.iter().map(|(_, from)| match from {
                    ReadFrom::New => ">".into(),
                    ReadFrom::Pending(id) => id.to_string(),
                }));
            }
            Command::Xack { key, group, ids } => {
                a.extend([key.clone(), group.clone()]);
                a.extend(ids.iter().map(StreamId::to_string));
            }
            Command::Xpending { key, group, range } => {
                a.extend([key.clone(), group.clone()]);
                if let Some(r) = range {
                    if let Some(idle) = r.min_idle_ms {
                        a.extend(["IDLE".into(), idle.to_string()]);
                    }
                    a.extend([r.start.arg(), r.end.arg(), r.count.to_string()]);
                    a.extend(r.consumer.clone());
                }
            }
            Command::Xclaim {
                key,
                group,
                consumer,
                min_idle_ms,
                ids,
                justid,
            } => {
                a.extend([
                    key.clone(),
                    group.clone(),
                    consumer.clone(),
                    min_idle_ms.to_string(),
                ]);
                a.extend(ids.iter().map(StreamId::to_string));
                if *justid {
                    a.push("JUSTID".into());
                }
            }
            Command::Xautoclaim {
                key,
                group,
                consumer,
                min_idle_ms,
                start,
                count,
                justid,
            } => {
                a.extend([
                    key.clone(),
                    group.clone(),
                    consumer.clone(),
                    min_idle_ms.to_string(),
                    start.to_string(),
                ]);
                if let Some(c) = count {
                    a.extend(["COUNT".into(), c.to_string()]);
                }
                if *justid {
                    a.push("JUSTID".into());
                }
            }
        }
        a
    }
}

impl fmt::Display for Command {
    /// The command as typed at `redis-cli` (arguments with spaces are quoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args().iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if arg.is_empty() || arg.contains(' ') {
                write!(f, "\"{arg}\"")?;
            } else {
                f.write_str(arg)?;
            }
        }
        Ok(())
    }
}
