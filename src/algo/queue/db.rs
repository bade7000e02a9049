//! The database the consumers apply their effects to (say, crediting an account once per
//! payment message). It is a separate node so that every consumer shares it: only a shared
//! record of applied message ids can stop two consumers from applying the same message.
//!
//! Each `Apply` is one transaction. An idempotent consumer's transaction writes the effect
//! *and* the message id into a dedupe table, and does nothing if the id is already there:
//! because both happen in the same transaction, there is no moment where the effect is
//! applied but not yet recorded (or recorded but not applied), whatever crashes. A
//! non-idempotent consumer just applies the effect, as often as it is asked to.
//!
//! The database is durable: a crash loses nothing it committed (it stands for a real
//! database with its own log; its failures are not this scene's subject).
use super::message::{ApplyOutcome, MessageId, QueueMsg};
use super::note::QueueNote;
use super::QueueNode;
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{Ctx, Line, NodeId};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Db {
    /// How many times each message's effect was applied.
    effects: SortedMap<MessageId, u32>,
    /// The dedupe table of idempotent consumers.
    dedupe: SortedSet<MessageId>,
    /// Bookkeeping for the checks, not part of the protocol:
    /// every apply request that reached the database, as (consumer, request number);
    received: SortedSet<(NodeId, u64)>,
    /// per producer, the first sequence number whose effect has not been applied (every
    /// message before it has been), so a check can skip the long processed prefix;
    unapplied_from: SortedMap<u32, u32>,
    /// the first message whose effect was applied a second time.
    first_duplicate: Option<MessageId>,
}

impl Db {
    pub fn new() -> Self {
        Db::default()
    }

    /// How many times each message's effect was applied, by message.
    pub fn effects(&self) -> &SortedMap<MessageId, u32> {
        &self.effects
    }

    pub fn applied(&self, message: MessageId) -> u32 {
        self.effects.get(&message).copied().unwrap_or(0)
    }

    /// The first sequence number of `producer` whose effect has not been applied: every
    /// message before it has been.
    pub fn unapplied_from(&self, producer: u32) -> u32 {
        self.unapplied_from.get(&producer).copied().unwrap_or(1)
    }

    /// The first message whose effect was applied twice, if any.
    pub fn first_duplicate(&self) -> Option<MessageId> {
        self.first_duplicate
    }

    pub fn dedupe_table(&self) -> &SortedSet<MessageId> {
        &self.dedupe
    }

    /// Whether this apply request (by consumer and request number) reached the database.
    pub fn has_received(&self, consumer: NodeId, req: u64) -> bool {
        self.received.contains(&(consumer, req))
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, QueueNode>, from: NodeId, msg: QueueMsg) {
        let QueueMsg::Apply {
            req,
            message,
            idempotent,
        } = msg
        else {
            return;
        };
        self.received.insert((from, req));
        let outcome = if idempotent && self.dedupe.contains(&message) {
            cx.note(QueueNote::DbSkippedDuplicate { message, from });
            ApplyOutcome::AlreadyApplied
        } else {
            let count = self.effects.entry(message).or_insert(0);
            *count += 1;
            let times = *count;
            if idempotent {
                self.dedupe.insert(message);
            }
            if times > 1 && self.first_duplicate.is_none() {
                self.first_duplicate = Some(message);
            }
            self.advance_watermark(message.producer);
            cx.note(QueueNote::DbApplied {
                message,
                from,
                times,
                recorded: idempotent,
            });
            ApplyOutcome::Applied
        };
        cx.send(
            from,
            QueueMsg::Applied {
                req,
                message,
                outcome,
            },
        );
    }

    fn advance_watermark(&mut self, producer: u32) {
        let mut next = self.unapplied_from(producer);
        while self.effects.contains_key(&MessageId {
            producer,
            seq: next,
        }) {
            next += 1;
        }
        self.unapplied_from.insert(producer, next);
    }

    /// Lines shown next to the node.
    pub fn detail_lines(&self) -> Vec<Line> {
        let extra: u32 = self.effects.values().map(|n| n - 1).sum();
        vec![
            Line::tr("{n} messages applied, {extra} applied again")
                .with("n", self.effects.len())
                .with("extra", extra),
            Line::tr("dedupe table: {n} ids").with("n", self.dedupe.len()),
        ]
    }

    pub fn state_label(&self) -> &'static str {
        if self.first_duplicate.is_some() {
            "DUPLICATES"
        } else {
            "OK"
        }
    }
}
