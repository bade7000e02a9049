//! Stream commands (Redis 7.0): `XADD`, `XLEN`, `XRANGE`, `XDEL`, `XGROUP CREATE`,
//! `XREADGROUP`, `XACK`, `XPENDING`, `XCLAIM`, `XAUTOCLAIM`.
//!
//! Details that clients can observe and that are easy to get wrong, all as in 7.0:
//! - `XREADGROUP` with `>` serves a stream only if it has an entry after the group's last
//!   delivered id; with an id it serves the consumer's own pending entries after that id,
//!   counting each as one more delivery, and shows an entry deleted since as `[id, nil]`.
//! - `XCLAIM` and `XAUTOCLAIM` drop pending entries whose stream entry was deleted;
//!   `XAUTOCLAIM` reports them in its third reply element. `XAUTOCLAIM` examines at most
//!   ten times `COUNT` pending entries and returns the id to continue from (`0-0` when it
//!   reached the end).
//! - `XPENDING`'s summary gives each consumer's count as a bulk string, not an integer.
use super::command::{Bound, Command, GroupStart, PendingRange, ReadFrom, XaddId};
use super::keyspace::{Redis, Value};
use super::reply::{RedisError, Reply};
use super::stream::{Fields, Group, Stream};
use super::stream_id::StreamId;

/// How many entries a blocked `XREADGROUP` without `COUNT` gets when it is served.
pub const BLOCKED_READ_DEFAULT_COUNT: u64 = 1000;

/// `XAUTOCLAIM` examines at most this many pending entries per entry it may return.
const AUTOCLAIM_ATTEMPTS_FACTOR: u64 = 10;

fn entry_reply(id: StreamId, fields: &Fields) -> Reply {
    let flat = fields
        .iter()
        .flat_map(|(f, v)| [Reply::Bulk(f.clone()), Reply::Bulk(v.clone())])
        .collect();
    Reply::Array(vec![Reply::id(id), Reply::Array(flat)])
}

fn no_group(key: &str, group: &str) -> RedisError {
    RedisError::NoGroup {
        key: key.to_string(),
        group: group.to_string(),
    }
}

/// An interval's first id (inclusive).
fn start_of(bound: Bound) -> Result<StreamId, RedisError> {
    match bound {
        Bound::Min => Ok(StreamId::ZERO),
        Bound::Max => Ok(StreamId::MAX),
        Bound::Incl(id) => Ok(id),
        Bound::Excl(id) => id.next().ok_or(RedisError::InvalidStartInterval),
    }
}

/// An interval's last id (inclusive).
fn end_of(bound: Bound) -> Result<StreamId, RedisError> {
    match bound {
        Bound::Min => Ok(StreamId::ZERO),
        Bound::Max => Ok(StreamId::MAX),
        Bound::Incl(id) => Ok(id),
        Bound::Excl(id) => id.prev().ok_or(RedisError::InvalidEndInterval),
    }
}

/// A count where 0 (or none) means "no limit".
fn limit(count: Option<u64>) -> usize {
    match count {
        None | Some(0) => usize::MAX,
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
    }
}

/// Hands out the entries after the group's last delivered id (at most `count`) and
/// replies with them.
fn read_new(
    stream: &mut Stream,
    group: &str,
    consumer: &str,
    count: usize,
    noack: bool,
    now_ms: u64,
) -> Vec<Reply> {
    let Stream {
        entries, groups, ..
    } = stream;
    let g = groups.get_mut(group).expect("checked by the caller");
    g.consumers.insert(consumer.to_string());
    let Some(start) = g.last_delivered.next() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (id, fields) in entries.range(start..).take(count) {
        g.last_delivered = *id;
        if !noack {
            // A fresh delivery (an entry already pending after `XGROUP SETID` moved back is
            // reassigned with its counter restarted, as in Redis).
            g.pending.remove(id);
            g.deliver(*id, consumer, now_ms, true);
        }
        out.push(entry_reply(*id, fields));
    }
    out
}

impl Redis {
    fn stream_ref(&self, key: &str) -> Result<Option<&Stream>, RedisError> {
        match self.keys.get(key).map(|e| &e.value) {
            None => Ok(None),
            Some(Value::Stream(s)) => Ok(Some(s)),
            Some(_) => Err(RedisError::WrongType),
        }
    }

    fn stream_mut(&mut self, key: &str) -> Result<Option<&mut Stream>, RedisError> {
        match self.keys.get_mut(key).map(|e| &mut e.value) {
            None => Ok(None),
            Some(Value::Stream(s)) => Ok(Some(s)),
            Some(_) => Err(RedisError::WrongType),
        }
    }

    /// The stream at `key` and its group `group`, or `NOGROUP`.
    fn group_mut(&mut self, key: &str, group: &str) -> Result<&mut Stream, RedisError> {
        match self.stream_mut(key)? {
            Some(s) if s.groups.contains_key(group) => Ok(s),
            _ => Err(no_group(key, group)),
        }
    }

    pub(super) fn stream_command(
        &mut self,
        cmd: &Command,
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        match cmd {
            Command::Xadd { key, id, fields } => self.xadd(key, *id, fields, now_ms),
            Command::Xlen { key } => Ok(Reply::Integer(
                self.stream_ref(key)?.map_or(0, |s| s.len() as i64),
            )),
            Command::Xrange {
                key,
                start,
                end,
                count,
            } => {
                let (start, end) = (start_of(*start)?, end_of(*end)?);
                let Some(s) = self.stream_ref(key)? else {
                    return Ok(Reply::Array(Vec::new()));
                };
                if *count == Some(0) {
                    return Ok(Reply::NilArray);
                }
                if start > end {
                    return Ok(Reply::Array(Vec::new()));
                }
                let out = s
                    .entries
                    .range(start..=end)
                    .take(limit(*count))
                    .map(|(id, f)| entry_reply(*id, f))
                    .collect();
                Ok(Reply::Array(out))
            }
            Command::Xdel { key, ids } => {
                let Some(s) = self.stream_mut(key)? else {
                    return Ok(Reply::Integer(0));
                };
                let deleted = ids
                    .iter()
                    .filter(|id| s.entries.remove(id).is_some())
                    .count();
                Ok(Reply::Integer(deleted as i64))
            }
            Command::XgroupCreate {
                key,
                group,
                start,
                mkstream,
            } => self.xgroup_create(key, group, *start, *mkstream),
            Command::Xreadgroup {
                group,
                consumer,
                count,
                block_ms,
                noack,
                streams,
            } => self.xreadgroup(
                group,
                consumer,
                *count,
                block_ms.is_some(),
                *noack,
                streams,
                now_ms,
            ),
            Command::Xack { key, group, ids } => {
                let Some(s) = self.stream_mut(key)? else {
                    return Ok(Reply::Integer(0));
                };
                let Some(g) = s.groups.get_mut(group) else {
                    return Ok(Reply::Integer(0));
                };
                let acked = ids
                    .iter()
                    .filter(|id| g.pending.remove(id).is_some())
                    .count();
                Ok(Reply::Integer(acked as i64))
            }
            Command::Xpending { key, group, range } => {
                self.xpending(key, group, range.as_ref(), now_ms)
            }
            Command::Xclaim {
                key,
                group,
                consumer,
                min_idle_ms,
                ids,
                justid,
            } => self.xclaim(key, group, consumer, *min_idle_ms, ids, *justid, now_ms),
            Command::Xautoclaim {
                key,
                group,
                consumer,
                min_idle_ms,
                start,
                count,
                justid,
            } => {
                let count = match *count {
                    None => 100,
                    Some(n) if n == 0 || n > (i64::MAX as u64) / 16 => {
                        return Err(RedisError::CountNotPositive)
                    }
                    Some(n) => n,
                };
                self.xautoclaim(
                    key,
                    group,
                    consumer,
                    *min_idle_ms,
                    *start,
                    count,
                    *justid,
                    now_ms,
                )
            }
            _ => unreachable!("stream_command is only called with stream commands"),
        }
    }

    fn xadd(
        &mut self,
        key: &str,
        id: XaddId,
        fields: &Fields,
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        if id == XaddId::Explicit(StreamId::ZERO) {
            return Err(RedisError::XaddIdZero);
        }
        if self.stream_ref(key)?.is_none() {
            // Redis creates the stream before checking the id.
            self.insert(key, Value::Stream(Stream::default()));
        }
        let s = self.stream_mut(key)?.expect("just created");
        let last = s.last_id;
        if last == StreamId::MAX {
            return Err(RedisError::StreamExhausted);
        }
        let new_id = match id {
            XaddId::Auto if now_ms > last.ms => StreamId::new(now_ms, 0),
            XaddId::Auto => last.next().expect("not the last id"),
            XaddId::AutoSeq(ms) if ms == last.ms => last
                .next()
                .filter(|n| n.ms == ms)
                .ok_or(RedisError::XaddIdTooSmall)?,
            XaddId::AutoSeq(ms) => StreamId::new(ms, 0),
            XaddId::Explicit(id) => id,
        };
        if new_id <= last {
            return Err(RedisError::XaddIdTooSmall);
        }
        s.entries.insert(new_id, fields.clone());
        s.last_id = new_id;
        self.signal_ready(key);
        Ok(Reply::id(new_id))
    }

    fn xgroup_create(
        &mut self,
        key: &str,
        group: &str,
        start: GroupStart,
        mkstream: bool,
    ) -> Result<Reply, RedisError> {
        let existing = self.stream_ref(key)?;
        if existing.is_none() && !mkstream {
            return Err(RedisError::XgroupNeedsKey);
        }
        let id = match start {
            GroupStart::Last => existing.map_or(StreamId::ZERO, |s| s.last_id),
            GroupStart::After(id) => id,
        };
        if existing.is_none() {
            self.insert(key, Value::Stream(Stream::default()));
        }
        let s = self.stream_mut(key)?.expect("exists");
        if s.groups.contains_key(group) {
            return Err(RedisError::BusyGroup);
        }
        s.groups.insert(group.to_string(), Group::new(id));
        Ok(Reply::OK)
    }

    #[allow(clippy::too_many_arguments)]
    fn xreadgroup(
        &mut self,
        group: &str,
        consumer: &str,
        count: Option<u64>,
        may_block: bool,
        noack: bool,
        streams: &[(String, ReadFrom)],
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        // Every key and group is checked before anything is served.
        for (key, _) in streams {
            match self.stream_ref(key)? {
                Some(s) if s.groups.contains_key(group) => {}
                _ => {
                    return Err(RedisError::NoGroupReadgroup {
                        key: key.clone(),
                        group: group.to_string(),
                    })
                }
            }
        }
        let count = limit(count);
        let mut served = Vec::new();
        for (key, from) in streams {
            let s = self.stream_mut(key)?.expect("checked");
            let entries = match from {
                ReadFrom::Pending(after) if !from.is_new() => {
                    let start = after.next().unwrap_or(StreamId::ZERO);
                    history(s, group, consumer, start, count, now_ms)
                }
                _ => {
                    let last_delivered = s.groups[group].last_delivered;
                    let newest = s.entries.keys().next_back().copied();
                    if newest.is_none_or(|n| n <= last_delivered) {
                        continue;
                    }
                    read_new(s, group, consumer, count, noack, now_ms)
                }
            };
            served.push(Reply::Array(vec![
                Reply::Bulk(key.clone()),
                Reply::Array(entries),
            ]));
        }
        if !served.is_empty() {
            Ok(Reply::Array(served))
        } else if may_block {
            Ok(Reply::WouldBlock)
        } else {
            Ok(Reply::NilArray)
        }
    }

    /// Serves an `XREADGROUP ... >` that was blocked on `key`, now that `key` received
    /// data: `None` if there is still nothing new for its group.
    pub(super) fn serve_blocked_read(
        &mut self,
        cmd: &Command,
        key: &str,
        now_ms: u64,
    ) -> Option<Reply> {
        let Command::Xreadgroup {
            group,
            consumer,
            count,
            noack,
            ..
        } = cmd
        else {
            return None;
        };
        let s = match self.keys.get_mut(key).map(|e| &mut e.value) {
            Some(Value::Stream(s)) => s,
            _ => return Some(Reply::Error(RedisError::Unblocked)),
        };
        let Some(g) = s.groups.get(group) else {
            return Some(Reply::Error(RedisError::NoGroupWhileBlocked));
        };
        if s.last_id <= g.last_delivered {
            return None;
        }
        let count = limit(Some(count.unwrap_or(BLOCKED_READ_DEFAULT_COUNT)));
        let entries = read_new(s, group, consumer, count, *noack, now_ms);
        Some(Reply::Array(vec![Reply::Array(vec![
            Reply::Bulk(key.to_string()),
            Reply::Array(entries),
        ])]))
    }

    fn xpending(
        &mut self,
        key: &str,
        group: &str,
        range: Option<&PendingRange>,
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        let bounds = match range {
            Some(r) => Some((start_of(r.start)?, end_of(r.end)?)),
            None => None,
        };
        let g = match self.stream_ref(key)? {
            Some(s) => s.groups.get(group).ok_or_else(|| no_group(key, group))?,
            None => return Err(no_group(key, group)),
        };
        let (Some(r), Some((start, end))) = (range, bounds) else {
            let (Some(first), Some(last)) = (g.pending.keys().next(), g.pending.keys().next_back())
            else {
                return Ok(Reply::Array(vec![
                    Reply::Integer(0),
                    Reply::Nil,
                    Reply::Nil,
                    Reply::NilArray,
                ]));
            };
            let consumers = g
                .consumers
                .iter()
                .map(|c| (c, g.pending_of(c)))
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| {
                    Reply::Array(vec![Reply::Bulk(c.clone()), Reply::Bulk(n.to_string())])
                })
                .collect();
            return Ok(Reply::Array(vec![
                Reply::Integer(g.pending.len() as i64),
                Reply::id(*first),
                Reply::id(*last),
                Reply::Array(consumers),
            ]));
        };
        if start > end {
            return Ok(Reply::Array(Vec::new()));
        }
        let min_idle = r.min_idle_ms.unwrap_or(0);
        let out = g
            .pending
            .range(start..=end)
            .filter(|(_, p)| r.consumer.as_ref().is_none_or(|c| *c == p.consumer))
            .filter(|(_, p)| min_idle == 0 || now_ms.saturating_sub(p.delivered_at_ms) >= min_idle)
            .take(usize::try_from(r.count).unwrap_or(usize::MAX))
            .map(|(id, p)| {
                Reply::Array(vec![
                    Reply::id(*id),
                    Reply::Bulk(p.consumer.clone()),
                    Reply::Integer(now_ms.saturating_sub(p.delivered_at_ms) as i64),
                    Reply::Integer(p.deliveries as i64),
                ])
            })
            .collect();
        Ok(Reply::Array(out))
    }

    #[allow(clippy::too_many_arguments)]
    fn xclaim(
        &mut self,
        key: &str,
        group: &str,
        consumer: &str,
        min_idle_ms: u64,
        ids: &[StreamId],
        justid: bool,
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        let s = self.group_mut(key, group)?;
        let Stream {
            entries, groups, ..
        } = s;
        let g = groups.get_mut(group).expect("checked");
        let mut out = Vec::new();
        for id in ids {
            let Some(fields) = entries.get(id) else {
                // The entry was deleted: forget it.
                g.pending.remove(id);
                continue;
            };
            let Some(p) = g.pending.get(id) else { continue };
            if min_idle_ms > 0 && now_ms.saturating_sub(p.delivered_at_ms) < min_idle_ms {
                continue;
            }
            g.deliver(*id, consumer, now_ms, !justid);
            out.push(if justid {
                Reply::id(*id)
            } else {
                entry_reply(*id, fields)
            });
        }
        Ok(Reply::Array(out))
    }

    #[allow(clippy::too_many_arguments)]
    fn xautoclaim(
        &mut self,
        key: &str,
        group: &str,
        consumer: &str,
        min_idle_ms: u64,
        start: StreamId,
        count: u64,
        justid: bool,
        now_ms: u64,
    ) -> Result<Reply, RedisError> {
        let s = self.group_mut(key, group)?;
        let Stream {
            entries, groups, ..
        } = s;
        let g = groups.get_mut(group).expect("checked");
        let candidates: Vec<StreamId> = g.pending.range(start..).map(|(id, _)| *id).collect();
        let mut attempts = count.saturating_mul(AUTOCLAIM_ATTEMPTS_FACTOR);
        let mut room = count;
        let (mut claimed, mut deleted) = (Vec::new(), Vec::new());
        let mut cursor = StreamId::ZERO;
        for id in candidates {
            if attempts == 0 || room == 0 {
                // The next call continues from the first entry not examined.
                cursor = id;
                break;
            }
            attempts -= 1;
            let Some(fields) = entries.get(&id) else {
                g.pending.remove(&id);
                deleted.push(Reply::id(id));
                room -= 1;
                continue;
            };
            let idle = now_ms.saturating_sub(g.pending[&id].delivered_at_ms);
            if min_idle_ms > 0 && idle < min_idle_ms {
                continue;
            }
            g.deliver(id, consumer, now_ms, !justid);
            claimed.push(if justid {
                Reply::id(id)
            } else {
                entry_reply(id, fields)
            });
            room -= 1;
        }
        Ok(Reply::Array(vec![
            Reply::id(cursor),
            Reply::Array(claimed),
            Reply::Array(deleted),
        ]))
    }
}

/// The consumer's own pending entries from `start` on (at most `count`), each counted as
/// delivered again; an entry deleted from the stream shows as `[id, nil]`.
fn history(
    stream: &mut Stream,
    group: &str,
    consumer: &str,
    start: StreamId,
    count: usize,
    now_ms: u64,
) -> Vec<Reply> {
    let Stream {
        entries, groups, ..
    } = stream;
    let g = groups.get_mut(group).expect("checked by the caller");
    g.consumers.insert(consumer.to_string());
    let mine: Vec<StreamId> = g
        .pending
        .range(start..)
        .filter(|(_, p)| p.consumer == consumer)
        .map(|(id, _)| *id)
        .take(count)
        .collect();
    mine.into_iter()
        .map(|id| match entries.get(&id) {
            Some(fields) => {
                g.deliver(id, consumer, now_ms, true);
                entry_reply(id, fields)
            }
            None => Reply::Array(vec![Reply::id(id), Reply::NilArray]),
        })
        .collect()
}
