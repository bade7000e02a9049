//! A model of Redis 7.0, for the scenes whose nodes talk to a Redis.
//!
//! Redis is a single-threaded server over an in-memory keyspace: it runs one command at a
//! time, so every command is atomic, and the reply says exactly what happened. This module
//! is that server as a plain value, with no clock and no I/O of its own: a node that plays
//! Redis in a simulation owns a [`Server`], hands it each command with the simulated time,
//! and sends the replies it returns. Modelled, with Redis 7.0's replies and errors as a
//! RESP2 client sees them:
//!
//! - keys and strings: `GET`, `SET` (`NX`, `XX`, `PX`), `DEL`, `EXISTS`, `TYPE`, `INCR`,
//!   and expiry on the simulated clock;
//! - the lock release of the Redis distributed-lock docs, delete-if-it-still-holds-my-value,
//!   as one atomic command ([`Command::EvalCompareAndDelete`], sent as `EVAL` of a Lua
//!   script);
//! - lists: `LPUSH`, `RPUSH`, `LPOP`, `RPOP` (with a count), `BRPOP`, `LMOVE`, `BLMOVE`,
//!   `LREM`, `LLEN`, `LRANGE`; an emptied list is deleted;
//! - streams: `XADD` (`*`, `<ms>-*` or an explicit id), `XLEN`, `XRANGE`, `XDEL`,
//!   `XGROUP CREATE`, `XREADGROUP` (`>` or an id, `COUNT`, `BLOCK`, `NOACK`), `XACK`,
//!   `XPENDING` (summary and extended form, with `IDLE`), `XCLAIM` (`JUSTID`),
//!   `XAUTOCLAIM` (the 7.0 reply: next id, claimed entries, deleted ids), with delivery
//!   counts and idle times;
//! - blocking: a blocking command with no data parks its client, served first-blocked
//!   first-served when data arrives (see [`server`]);
//! - persistence: none, AOF with fsync every second, AOF with fsync always, and what a
//!   crash of the machine loses under each (see [`persistence`]).
//!
//! `tests/redis_differential.rs` runs thousands of random command sequences on this model
//! and on a real `redis-server` and checks that every reply and the final contents agree.
//!
//! References: the Redis command reference (redis.io/commands), and the Redis 7.0 source
//! (`t_list.c`, `t_stream.c`, `t_string.c`, `blocked.c`) for the replies' fine print.
pub mod changes;
pub mod command;
pub mod keyspace;
mod list;
pub mod persistence;
pub mod reply;
pub mod server;
pub mod stream;
mod stream_cmd;
pub mod stream_id;

pub use changes::{changed_data, creates_consumer};
pub use command::{
    Bound, Command, End, GroupStart, PendingRange, ReadFrom, SetCondition, XaddId,
    COMPARE_AND_DELETE_SCRIPT, COMPARE_AND_DELETE_SHA1,
};
pub use keyspace::{parse_integer, Entry, Redis, Value};
pub use persistence::{Aof, Persistence};
pub use reply::{RedisError, Reply};
pub use server::{Server, Waiter};
pub use stream::{Fields, Group, PendingEntry, Stream};
pub use stream_cmd::BLOCKED_READ_DEFAULT_COUNT;
pub use stream_id::StreamId;
