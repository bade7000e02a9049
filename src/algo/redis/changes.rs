//! Which commands change the data, as Redis counts it.
//!
//! Redis counts every change to the data (its `server.dirty` counter, shown by `INFO
//! persistence` as `rdb_changes_since_last_save`). A command is appended to the append-only
//! file, and sent to replicas, only when it moved that counter. So a `SET NX` that found
//! the key taken, a `DEL` of a missing key, an `XACK` of nothing pending or an
//! `XREADGROUP` that read nothing leave no trace in the file, and cannot be lost in a
//! crash either. One exception, found by that test against Redis 7.0: an `XREADGROUP` of
//! a consumer's own history (an id, not `>`) counts as a change even when it reads
//! nothing (it may create the consumer). A first `XREADGROUP ... >` that finds nothing
//! new, or an `XCLAIM` or `XAUTOCLAIM` that claims nothing, is no change.
//!
//! `tests/redis_differential.rs` checks this function against a real redis-server's
//! counter after every command of random sequences.
use super::command::Command;
use super::keyspace::Redis;
use super::reply::Reply;
use crate::sim::Time;

/// Whether `cmd` changed the data, judged by its `reply`; `new_consumer`: what
/// [`creates_consumer`] said before it ran.
pub fn changed_data(cmd: &Command, reply: &Reply, new_consumer: bool) -> bool {
    if !cmd.is_write() || reply.is_error() || *reply == Reply::WouldBlock {
        return false;
    }
    if new_consumer {
        return true;
    }
    match cmd {
        Command::Set { .. }
        | Command::Del { .. }
        | Command::EvalCompareAndDelete { .. }
        | Command::Lpop { .. }
        | Command::Rpop { .. }
        | Command::Brpop { .. }
        | Command::Lmove { .. }
        | Command::Blmove { .. }
        | Command::Lrem { .. }
        | Command::Xdel { .. }
        | Command::Xack { .. }
        | Command::Xclaim { .. } => !says_nothing(reply),
        // One `[key, entries]` pair per stream read: a change if any entry was read.
        Command::Xreadgroup { .. } => match reply {
            Reply::Array(streams) => streams.iter().any(|pair| match pair {
                Reply::Array(key_and_entries) => {
                    key_and_entries.get(1).is_some_and(|e| !says_nothing(e))
                }
                _ => true,
            }),
            other => !says_nothing(other),
        },
        // `[next cursor, claimed, deleted]`: a change if it claimed or deleted any.
        Command::Xautoclaim { .. } => match reply {
            Reply::Array(parts) => parts.iter().skip(1).any(|p| !says_nothing(p)),
            _ => true,
        },
        _ => true,
    }
}

/// A reply that says the command found nothing to do.
fn says_nothing(reply: &Reply) -> bool {
    match reply {
        Reply::Nil | Reply::NilArray | Reply::Integer(0) => true,
        Reply::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Whether `cmd` is an `XREADGROUP` of a consumer's own history (an id, not `>`) in a
/// group that exists: Redis counts such a read as a change even when it reads nothing
/// (it creates the consumer, or refreshes it), so the model logs it.
pub fn creates_consumer(db: &Redis, cmd: &Command, now: Time) -> bool {
    match cmd {
        Command::Xreadgroup { group, streams, .. } => streams.iter().any(|(key, from)| {
            !from.is_new() && db.stream(key, now).and_then(|s| s.group(group)).is_some()
        }),
        _ => false,
    }
}
