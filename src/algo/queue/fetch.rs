//! The Redis commands a consumer sends in each design, and how it reads their replies.
//! Pure functions, so that the consumer's state machine reads as the protocol.
use super::config::Design;
use super::message::{
    consumer_name, processing_key, Message, DEAD_LETTER_KEY, GROUP, MESSAGE_FIELD, QUEUE_KEY,
};
use crate::algo::redis::{
    Bound, Command, End, GroupStart, PendingRange, ReadFrom, Reply, StreamId, XaddId,
};
use crate::sim::Time;

/// Where a message a consumer holds came from, which decides how it is acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// `BRPOP`: it is no longer in Redis at all; there is nothing to acknowledge.
    Popped,
    /// `BLMOVE`: it waits in the consumer's processing list as this value.
    ProcessingList(String),
    /// `XREADGROUP` or `XAUTOCLAIM`: it is pending in the group under this id.
    Entry(StreamId),
}

/// A message a consumer received, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Delivery {
    pub message: Message,
    pub source: Source,
}

fn millis(t: Time) -> u64 {
    t.micros() / 1000
}

/// Design 3: the group, created at the start of the stream so nothing is missed (and the
/// stream with it, if no producer has written yet).
pub fn create_group() -> Command {
    Command::XgroupCreate {
        key: QUEUE_KEY.into(),
        group: GROUP.into(),
        start: GroupStart::After(StreamId::ZERO),
        mkstream: true,
    }
}

/// The blocking read that waits for the next message.
pub fn fetch(design: Design, consumer: u32, block: Time) -> Command {
    // A blocking timeout of 0 would wait forever; the scene always gives one.
    let timeout_ms = millis(block).max(1);
    match design.delivery() {
        Design::AtMostOnce => Command::Brpop {
            keys: vec![QUEUE_KEY.into()],
            timeout_ms,
        },
        Design::ReliableList => Command::Blmove {
            source: QUEUE_KEY.into(),
            destination: processing_key(consumer),
            from: End::Right,
            to: End::Left,
            timeout_ms,
        },
        _ => Command::Xreadgroup {
            group: GROUP.into(),
            consumer: consumer_name(consumer),
            count: Some(1),
            block_ms: Some(timeout_ms),
            noack: false,
            streams: vec![(QUEUE_KEY.into(), ReadFrom::New)],
        },
    }
}

/// Design 3: take over one entry that has been pending longer than `min_idle`, scanning
/// the pending entries from `start`: the cursor the previous `XAUTOCLAIM` returned (`0-0`
/// for a scan from the beginning). Redis examines at most ten entries per `COUNT`, so a
/// scan that always started at `0-0` would never get past ten busy entries at the front of
/// the list to an idle one behind them.
pub fn claim(consumer: u32, min_idle: Time, start: StreamId) -> Command {
    Command::Xautoclaim {
        key: QUEUE_KEY.into(),
        group: GROUP.into(),
        consumer: consumer_name(consumer),
        min_idle_ms: millis(min_idle),
        start,
        count: Some(1),
        justid: false,
    }
}

/// Design 3: how many times entry `id` was delivered.
pub fn delivery_count(id: StreamId) -> Command {
    Command::Xpending {
        key: QUEUE_KEY.into(),
        group: GROUP.into(),
        range: Some(PendingRange {
            min_idle_ms: None,
            start: Bound::Incl(id),
            end: Bound::Incl(id),
            count: 1,
            consumer: None,
        }),
    }
}

/// The acknowledgement once the effect is applied (none for a popped message).
pub fn ack(consumer: u32, source: &Source) -> Option<Command> {
    match source {
        Source::Popped => None,
        Source::ProcessingList(value) => Some(Command::Lrem {
            key: processing_key(consumer),
            count: 1,
            value: value.clone(),
        }),
        Source::Entry(id) => Some(Command::Xack {
            key: QUEUE_KEY.into(),
            group: GROUP.into(),
            ids: vec![*id],
        }),
    }
}

/// Design 3: copy a message that failed too often to the dead-letter stream.
pub fn dead_letter(message: Message, deliveries: u64) -> Command {
    Command::Xadd {
        key: DEAD_LETTER_KEY.into(),
        id: XaddId::Auto,
        fields: vec![
            (MESSAGE_FIELD.into(), message.encode()),
            ("deliveries".into(), deliveries.to_string()),
        ],
    }
}

/// The first stream entry `[id, [field, value, ...]]` in `items` that carries a message.
fn entry_in(items: &[Reply]) -> Option<Delivery> {
    items.iter().find_map(|item| match item {
        Reply::Array(pair) => match pair.as_slice() {
            [Reply::Bulk(id), fields] => Some(Delivery {
                message: Message::all_in(fields).into_iter().next()?,
                source: Source::Entry(id.parse().ok()?),
            }),
            _ => None,
        },
        _ => None,
    })
}

/// The message a fetch or claim reply hands over, if any.
pub fn delivery_in(reply: &Reply) -> Option<Delivery> {
    match reply {
        // BLMOVE: the moved value.
        Reply::Bulk(value) => Some(Delivery {
            message: Message::decode(value)?,
            source: Source::ProcessingList(value.clone()),
        }),
        Reply::Array(items) => match items.as_slice() {
            // BRPOP: [key, value].
            [Reply::Bulk(_), Reply::Bulk(value)] => Some(Delivery {
                message: Message::decode(value)?,
                source: Source::Popped,
            }),
            // XAUTOCLAIM: [next id, [entries], [deleted ids]].
            [Reply::Bulk(_), Reply::Array(entries), Reply::Array(_)] => entry_in(entries),
            // XREADGROUP: [[key, [entries]]].
            [Reply::Array(stream)] => match stream.as_slice() {
                [_, Reply::Array(entries)] => entry_in(entries),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The id an `XAUTOCLAIM` reply says the next scan starts from (`0-0` once the scan
/// reached the end of the pending entries); `None` for any other reply.
pub fn claim_cursor_in(reply: &Reply) -> Option<StreamId> {
    match reply {
        Reply::Array(items) => match items.as_slice() {
            [Reply::Bulk(next), Reply::Array(_), Reply::Array(_)] => next.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// The delivery count in an extended `XPENDING` reply for one id.
pub fn deliveries_in(reply: &Reply) -> Option<u64> {
    match reply {
        Reply::Array(rows) => match rows.first() {
            Some(Reply::Array(row)) => match row.get(3) {
                Some(Reply::Integer(n)) => u64::try_from(*n).ok(),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}
