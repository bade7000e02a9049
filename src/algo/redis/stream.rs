//! A stream and its consumer groups, as data.
//!
//! A stream is an append-only log of entries, each a list of field-value pairs under an
//! increasing id. A *consumer group* reads it cooperatively: the group remembers the last
//! id it handed out, and every entry handed out (without `NOACK`) goes into the group's
//! *pending entries list* (PEL) under the consumer that got it, with the time of the last
//! delivery and how many times it was delivered. `XACK` removes it from the PEL. An entry
//! whose consumer died stays pending forever unless someone claims it (`XCLAIM`,
//! `XAUTOCLAIM`), which is how consumer groups give at-least-once delivery.
use super::stream_id::StreamId;
use crate::sim::sorted::{SortedMap, SortedSet};

/// One entry's fields, in the order they were added.
pub type Fields = Vec<(String, String)>;

/// A delivered, unacknowledged entry in a group's PEL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PendingEntry {
    /// The consumer that holds it now.
    pub consumer: String,
    /// The clock (ms) at its last delivery: its idle time is measured from here.
    pub delivered_at_ms: u64,
    /// How many times it was delivered (first read, history reads and claims).
    pub deliveries: u64,
}

/// A consumer group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Group {
    /// The last id handed out with `>`.
    pub last_delivered: StreamId,
    pub(super) pending: SortedMap<StreamId, PendingEntry>,
    /// Every consumer the group has seen, by name.
    pub(super) consumers: SortedSet<String>,
}

impl Group {
    pub fn new(last_delivered: StreamId) -> Self {
        Group {
            last_delivered,
            ..Group::default()
        }
    }

    /// The pending entries list, in id order.
    pub fn pending(&self) -> &SortedMap<StreamId, PendingEntry> {
        &self.pending
    }

    pub fn consumers(&self) -> impl Iterator<Item = &str> {
        self.consumers.iter().map(String::as_str)
    }

    /// How many entries `consumer` holds.
    pub fn pending_of(&self, consumer: &str) -> usize {
        self.pending
            .values()
            .filter(|p| p.consumer == consumer)
            .count()
    }

    /// Hands `id` to `consumer` (a first delivery, or a claim): the delivery time is reset
    /// and, when `count_it`, the delivery counter goes up.
    pub(super) fn deliver(&mut self, id: StreamId, consumer: &str, now_ms: u64, count_it: bool) {
        self.consumers.insert(consumer.to_string());
        let entry = self.pending.entry(id).or_insert(PendingEntry {
            consumer: consumer.to_string(),
            delivered_at_ms: now_ms,
            deliveries: 0,
        });
        entry.consumer = consumer.to_string();
        entry.delivered_at_ms = now_ms;
        if count_it {
            entry.deliveries += 1;
        }
    }
}

/// A stream: its entries, the last id ever added (deleting entries does not lower it),
/// and its consumer groups.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stream {
    pub(super) entries: SortedMap<StreamId, Fields>,
    pub(super) last_id: StreamId,
    pub(super) groups: SortedMap<String, Group>,
}

impl Stream {
    pub fn entries(&self) -> &SortedMap<StreamId, Fields> {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The largest id ever added.
    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    pub fn groups(&self) -> &SortedMap<String, Group> {
        &self.groups
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(name)
    }

    /// Entries after `id`, in order: what a group whose last delivered id is `id` has not
    /// handed out yet (its lag).
    pub fn entries_after(&self, id: StreamId) -> impl Iterator<Item = (&StreamId, &Fields)> {
        let start = id.next();
        self.entries
            .range(start.unwrap_or(StreamId::MAX)..)
            .filter(move |_| start.is_some())
    }
}
