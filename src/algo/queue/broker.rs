//! The broker: one Redis server. Each request runs atomically on the command model; a
//! blocking read with no data waits on its key until a write serves it or its timeout runs
//! out. With `appendfsync everysec` a timer flushes the append-only file once a second.
//!
//! A crash takes the machine down: the keyspace becomes what the append-only file on disk
//! holds (everything under `always`, all but the last second's writes under `everysec`,
//! nothing without persistence), and every blocked client is gone. Clients notice only by
//! their timeouts.
//!
//! Besides Redis itself the broker keeps an observer's record (not part of the protocol,
//! and not lost in a crash): which messages it handed to which consumer, for the counters,
//! the order check and the "no confirmed message lost" check, and a history of the queue's
//! depth for the views.
use super::ack_miss;
use super::config::Design;
use super::message::{
    consumer_name, Message, MessageId, QueueMsg, QueueTimer, DEAD_LETTER_KEY, GROUP, QUEUE_KEY,
};
use super::note::QueueNote;
use super::QueueNode;
use crate::algo::redis::{Persistence, Redis, Reply, Server, Value};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{Ctx, Line, NodeId, Time};
use std::collections::VecDeque;

/// A request's sender: Redis answers per connection, and each request is matched by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Caller {
    pub node: NodeId,
    pub req: u64,
}

/// How many messages are where, at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Depth {
    /// Waiting to be handed out (list length, or entries the group has not read: its lag).
    pub queued: u64,
    /// Handed out and not acknowledged (processing lists, or the pending entries list).
    pub in_progress: u64,
    /// In the dead-letter stream.
    pub dead: u64,
}

/// The depth at a moment, for the time series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sample {
    pub at: Time,
    pub depth: Depth,
}

/// Most samples kept (the oldest are dropped).
pub const HISTORY_LEN: usize = 2000;

/// The broker's observer record of hand-outs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Handouts {
    /// The last reply that carried messages to each consumer: (request number, messages).
    pub last_to: SortedMap<NodeId, (u64, Vec<MessageId>)>,
    /// Every message handed out at least once.
    pub seen: SortedSet<MessageId>,
    /// How many times each message was handed out (for the views' delivery counts).
    pub times: SortedMap<MessageId, u32>,
    /// Hand-outs to consumers, and those of a message handed out before.
    pub delivered: u64,
    pub redelivered: u64,
    /// Per producer, the highest sequence number handed out for the first time.
    pub first_seq: SortedMap<u32, u32>,
    /// The first message handed out for the first time after a later one of its producer.
    pub order_broken: Option<(MessageId, MessageId)>,
    /// The consumer whose acknowledgement last removed each message (for the narration of
    /// an acknowledgement that finds the message gone).
    pub acked_by: SortedMap<MessageId, NodeId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Broker {
    server: Server<Caller>,
    design: Design,
    consumers: Vec<NodeId>,
    handouts: Handouts,
    history: VecDeque<Sample>,
}

impl Broker {
    pub fn new(design: Design, persistence: Persistence, consumers: Vec<NodeId>) -> Self {
        Broker {
            server: Server::new(persistence),
            design,
            consumers,
            handouts: Handouts::default(),
            history: VecDeque::new(),
        }
    }

    pub fn server(&self) -> &Server<Caller> {
        &self.server
    }

    pub fn redis(&self) -> &Redis {
        self.server.db()
    }

    pub fn design(&self) -> Design {
        self.design
    }

    pub fn persistence(&self) -> Persistence {
        self.server.aof().persistence()
    }

    pub fn handouts(&self) -> &Handouts {
        &self.handouts
    }

    /// The queue's depth over time (a sample whenever it changed), oldest first.
    pub fn history(&self) -> impl Iterator<Item = &Sample> {
        self.history.iter()
    }

    /// How many messages are queued, in progress and dead-lettered now.
    pub fn depth(&self, now: Time) -> Depth {
        depth(self.redis(), self.design, now)
    }

    /// Every message Redis holds that will still be handed out or is parked for good:
    /// queued, in a processing list, pending in the group, or dead-lettered. (A stream
    /// entry the group has read and acknowledged is not counted: it is done with.) Sorted,
    /// without repeats.
    pub fn holds(&self, now: Time) -> Vec<MessageId> {
        holds(self.redis(), now)
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        if let Some(every) = self.persistence().fsync_interval() {
            cx.set_timer(QueueTimer::Fsync, every);
        }
        self.sample(cx.now());
    }

    pub(super) fn on_restart(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        cx.note(QueueNote::BrokerRecovered {
            persistence: self.persistence(),
            keys: self.redis().entries(cx.now()).count() as u64,
            lost_writes: self.server.aof().lost_count(),
        });
        self.on_start(cx);
    }

    pub(super) fn on_crash(&mut self) {
        self.server.crash();
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, QueueNode>, from: NodeId, msg: QueueMsg) {
        let QueueMsg::Request { req, cmd } = msg else {
            return;
        };
        let caller = Caller { node: from, req };
        let replies = self.server.execute(caller, cmd.clone(), cx.now());
        if replies.first().is_none_or(|(c, _)| *c != caller) {
            cx.note(QueueNote::BrokerParked {
                client: from,
                command: cmd.clone(),
            });
        }
        let now = cx.now();
        let served = replies
            .iter()
            .find(|(c, _)| *c != caller)
            .map(|(c, _)| c.node);
        for (to, reply) in replies {
            if to == caller {
                let miss = ack_miss::missed(&cmd, &reply).then(|| {
                    let acked_by = &self.handouts.acked_by;
                    ack_miss::cause(self.redis(), &cmd, from, &self.consumers, acked_by, now)
                });
                if reply == Reply::Integer(1) && self.consumers.contains(&from) {
                    if let Some(id) = ack_miss::acked_message(self.redis(), &cmd, now) {
                        self.handouts.acked_by.insert(id, from);
                    }
                }
                cx.note(QueueNote::BrokerRan {
                    client: from,
                    command: cmd.clone(),
                    reply: reply.clone(),
                    miss,
                    served,
                });
            } else {
                cx.note(QueueNote::BrokerServedWaiter {
                    client: to.node,
                    reply: reply.clone(),
                });
            }
            self.answer(cx, to, reply);
        }
        self.after_change(cx);
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, QueueNode>, timer: QueueTimer) {
        match timer {
            QueueTimer::Fsync => {
                let commands = self.server.aof().unsynced().len() as u64;
                self.server.fsync();
                cx.note(QueueNote::BrokerFsynced { commands });
                if let Some(every) = self.persistence().fsync_interval() {
                    cx.set_timer(QueueTimer::Fsync, every);
                }
            }
            QueueTimer::BlockDeadline => {
                for (to, reply) in self.server.expire_waiters(cx.now()) {
                    cx.note(QueueNote::BrokerTimedOutWaiter { client: to.node });
                    self.answer(cx, to, reply);
                }
                self.after_change(cx);
            }
            _ => {}
        }
    }

    fn answer(&mut self, cx: &mut Ctx<'_, QueueNode>, to: Caller, reply: Reply) {
        if self.consumers.contains(&to.node) {
            let messages: Vec<MessageId> = Message::all_in(&reply).iter().map(|m| m.id).collect();
            if !messages.is_empty() {
                self.record_handout(to, &messages);
            }
        }
        cx.send(to.node, QueueMsg::Reply { req: to.req, reply });
    }

    fn record_handout(&mut self, to: Caller, messages: &[MessageId]) {
        let h = &mut self.handouts;
        h.last_to.insert(to.node, (to.req, messages.to_vec()));
        for &id in messages {
            h.delivered += 1;
            *h.times.entry(id).or_insert(0) += 1;
            if !h.seen.insert(id) {
                h.redelivered += 1;
                continue;
            }
            let highest = h.first_seq.entry(id.producer).or_insert(0);
            if id.seq < *highest && h.order_broken.is_none() {
                let later = MessageId {
                    producer: id.producer,
                    seq: *highest,
                };
                h.order_broken = Some((id, later));
            }
            *highest = (*highest).max(id.seq);
        }
    }

    /// After Redis changed: the next blocked client's deadline, and a depth sample.
    fn after_change(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        match self.server.next_deadline() {
            Some(at) => cx.set_timer(QueueTimer::BlockDeadline, at.saturating_sub(cx.now())),
            None => cx.cancel_timer(QueueTimer::BlockDeadline),
        }
        self.sample(cx.now());
    }

    fn sample(&mut self, now: Time) {
        let depth = self.depth(now);
        if self.history.back().is_some_and(|s| s.depth == depth) {
            return;
        }
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        }
        self.history.push_back(Sample { at: now, depth });
    }

    /// Lines shown next to the node.
    pub fn detail_lines(&self, now: Time) -> Vec<Line> {
        let d = self.depth(now);
        let mut lines =
            vec![
                Line::tr("{queued} waiting, {in_progress} in progress, {dead} dead-lettered")
                    .with("queued", d.queued)
                    .with("in_progress", d.in_progress)
                    .with("dead", d.dead),
            ];
        let blocked: Vec<String> = self
            .server
            .waiters()
            .iter()
            .filter_map(|w| {
                let number = self.consumers.iter().position(|&c| c == w.client.node)?;
                Some(consumer_name(number as u32 + 1))
            })
            .collect();
        if !blocked.is_empty() {
            lines.push(Line::tr("blocked: {clients}").with("clients", blocked.join(", ")));
        }
        // `Persistence::title`'s words, each a text of the catalogue.
        let persistence = Line::tr(match self.persistence() {
            Persistence::None => "no persistence",
            Persistence::AofEverySec => "AOF, fsync every second",
            Persistence::AofAlways => "AOF, fsync always",
        });
        lines.push(Line::tr("persistence: {mode}").text("mode", persistence));
        if self.persistence() == Persistence::AofEverySec {
            lines.push(
                Line::tr("{n} writes not yet on disk")
                    .with("n", self.server.aof().unsynced().len()),
            );
        }
        lines
    }

    pub fn state_label(&self) -> &'static str {
        if self.server.waiters().is_empty() {
            "SERVING"
        } else {
            "CLIENTS BLOCKED"
        }
    }
}

impl Handouts {
    /// How many times `id` was handed to a consumer (0 if never).
    pub fn deliveries_of(&self, id: MessageId) -> u32 {
        self.times.get(&id).copied().unwrap_or(0)
    }
}

fn list_len(db: &Redis, key: &str, now: Time) -> u64 {
    db.list(key, now).len() as u64
}

/// The depth of the queue as Redis holds it.
pub fn depth(db: &Redis, design: Design, now: Time) -> Depth {
    if design.uses_stream() {
        let Some(s) = db.stream(QUEUE_KEY, now) else {
            return Depth::default();
        };
        let (queued, in_progress) = match s.group(GROUP) {
            Some(g) => (
                s.entries_after(g.last_delivered).count() as u64,
                g.pending().len() as u64,
            ),
            None => (s.len() as u64, 0),
        };
        let dead = db
            .stream(DEAD_LETTER_KEY, now)
            .map_or(0, |d| d.len() as u64);
        return Depth {
            queued,
            in_progress,
            dead,
        };
    }
    let in_progress = db
        .entries(now)
        .filter(|(k, _)| *k != QUEUE_KEY)
        .map(|(_, e)| match &e.value {
            Value::List(items) => items.len() as u64,
            _ => 0,
        })
        .sum();
    Depth {
        queued: list_len(db, QUEUE_KEY, now),
        in_progress,
        dead: 0,
    }
}

/// The messages Redis still holds for processing (see [`Broker::holds`]).
pub fn holds(db: &Redis, now: Time) -> Vec<MessageId> {
    let mut out = Vec::new();
    let decode = |v: &str| Message::decode(v).map(|m| m.id);
    for (key, entry) in db.entries(now) {
        match &entry.value {
            Value::List(items) => out.extend(items.iter().filter_map(|v| decode(v))),
            Value::Stream(s) if key == DEAD_LETTER_KEY => {
                for fields in s.entries().values() {
                    out.extend(fields.iter().filter_map(|(_, v)| decode(v)));
                }
            }
            Value::Stream(s) => {
                // Entries the group has not read yet, and those it read and has not
                // acknowledged; read and acknowledged entries stay in the stream, done with.
                let group = s.group(GROUP);
                let last = group.map_or(Default::default(), |g| g.last_delivered);
                let pending = group
                    .into_iter()
                    .flat_map(|g| g.pending().keys())
                    .filter_map(|id| s.entries().get(id));
                for fields in s.entries_after(last).map(|(_, f)| f).chain(pending) {
                    out.extend(fields.iter().filter_map(|(_, v)| decode(v)));
                }
            }
            Value::String(_) => {}
        }
    }
    crate::sim::sort::sort(&mut out);
    out.dedup();
    out
}
