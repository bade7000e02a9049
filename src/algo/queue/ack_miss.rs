//! Why an acknowledgement removed nothing, as the broker sees it. A consumer whose `LREM`
//! or `XACK` answers 0 learns only that Redis no longer held the message for it; the
//! narration says what really happened, from Redis's keyspace and the broker's observer
//! record of acknowledgements: another consumer took it over (requeued by the reaper, or
//! claimed) and holds it or has finished it, it waits in the queue again, or Redis lost it
//! (or the whole consumer group) when it restarted.
use super::message::{consumer_name, processing_key, Message, MessageId, GROUP, QUEUE_KEY};
use super::note::AckMiss;
use crate::algo::redis::{Command, Redis, Reply};
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeId, Time};

/// The message an acknowledgement names, if Redis can still tell (an `XACK` names a stream
/// id: the entry gives the message, while the stream keeps it).
pub fn acked_message(db: &Redis, command: &Command, now: Time) -> Option<MessageId> {
    match command {
        Command::Lrem { value, .. } => Message::decode(value).map(|m| m.id),
        Command::Xack { key, ids, .. } => {
            let entry = db.stream(key, now)?.entries().get(ids.first()?)?;
            entry
                .iter()
                .find_map(|(_, v)| Message::decode(v))
                .map(|m| m.id)
        }
        _ => None,
    }
}

/// Whether `command` is an acknowledgement that `reply` says removed nothing.
pub fn missed(command: &Command, reply: &Reply) -> bool {
    matches!(command, Command::Lrem { .. } | Command::Xack { .. }) && *reply == Reply::Integer(0)
}

/// Where the message of an acknowledgement by `client` that removed nothing is now.
/// `consumers` are the consumers' nodes in number order (consumer 1 first); `acked_by` the
/// consumer whose acknowledgement last removed each message.
pub fn cause(
    db: &Redis,
    command: &Command,
    client: NodeId,
    consumers: &[NodeId],
    acked_by: &SortedMap<MessageId, NodeId>,
    now: Time,
) -> AckMiss {
    let other_done = |id: Option<MessageId>| {
        let by = acked_by.get(&id?).copied()?;
        (by != client).then_some(AckMiss::DoneBy(by))
    };
    match command {
        Command::Xack { key, ids, .. } => {
            let Some(group) = db.stream(key, now).and_then(|s| s.group(GROUP)) else {
                return AckMiss::GroupGone;
            };
            let id = acked_message(db, command, now);
            let Some(&entry) = ids.first() else {
                return AckMiss::Lost;
            };
            if id.is_none() {
                return AckMiss::Lost;
            }
            if let Some(p) = group.pending().get(&entry) {
                let holder = (1..)
                    .zip(consumers)
                    .find(|&(number, _)| consumer_name(number) == p.consumer)
                    .map(|(_, &node)| node);
                if let Some(holder) = holder.filter(|&h| h != client) {
                    return AckMiss::HeldBy(holder);
                }
            }
            if entry > group.last_delivered {
                return AckMiss::Queued;
            }
            other_done(id).unwrap_or(AckMiss::Lost)
        }
        Command::Lrem { value, .. } => {
            let value = value.as_str();
            if db.list(QUEUE_KEY, now).contains(&value) {
                return AckMiss::Queued;
            }
            let holder = (1..).zip(consumers).find(|&(number, &node)| {
                node != client && db.list(&processing_key(number), now).contains(&value)
            });
            if let Some((_, &holder)) = holder {
                return AckMiss::HeldBy(holder);
            }
            other_done(Message::decode(value).map(|m| m.id)).unwrap_or(AckMiss::Lost)
        }
        _ => AckMiss::Lost,
    }
}
