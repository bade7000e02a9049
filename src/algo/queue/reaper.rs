//! Design 2's reaper: a helper client that puts back in the queue whatever stays too long
//! in a consumer's processing list (the consumer probably died holding it).
//!
//! Redis does not record when an element entered a list, so the reaper watches: every
//! `reap_every` it reads each processing list (`LRANGE`) and remembers when it first saw
//! each element. An element still there a visibility timeout after it was first seen is
//! requeued: `RPUSH queue <msg>` (to the end consumers take from, so it goes next), then
//! `LREM processing:<c> 1 <msg>`. In that order a reaper crash between the two leaves the
//! message twice (a duplicate), never nowhere (a loss). If the consumer was merely slow,
//! it finishes too and the message is processed twice: that is the price of
//! at-least-once, and why the visibility timeout must be longer than the slowest
//! processing. (Since the reaper only sees a list every `reap_every`, a message is
//! requeued between one visibility timeout and one timeout plus one interval after it
//! entered the list.)
use super::config::QueueConfig;
use super::message::{processing_key, Message, QueueMsg, QueueTimer, QUEUE_KEY};
use super::note::QueueNote;
use super::QueueNode;
use crate::algo::redis::{Command, Reply};
use crate::sim::sorted::SortedMap;
use crate::sim::{Ctx, Line, NodeId, Time};
use std::collections::VecDeque;

/// One request of a reaping round.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReapStep {
    Scan { consumer: u32 },
    Requeue { consumer: u32, value: String },
    Remove { consumer: u32, value: String },
}

impl ReapStep {
    fn command(&self) -> Command {
        match self {
            ReapStep::Scan { consumer } => Command::Lrange {
                key: processing_key(*consumer),
                start: 0,
                stop: -1,
            },
            ReapStep::Requeue { value, .. } => Command::Rpush {
                key: QUEUE_KEY.into(),
                values: vec![value.clone()],
            },
            ReapStep::Remove { consumer, value } => Command::Lrem {
                key: processing_key(*consumer),
                count: 1,
                value: value.clone(),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reaper {
    broker: NodeId,
    consumers: u32,
    visibility_timeout: Time,
    every: Time,
    request_timeout: Time,
    next_req: u64,
    // Volatile: lost in a crash.
    /// When each (consumer, element) was first seen in its processing list.
    first_seen: SortedMap<(u32, String), Time>,
    plan: VecDeque<ReapStep>,
    awaiting: Option<(u64, ReapStep)>,
    /// Messages requeued so far (an observer's count, kept across crashes).
    requeued: u64,
}

impl Reaper {
    pub fn new(broker: NodeId, config: &QueueConfig) -> Self {
        Reaper {
            broker,
            consumers: config.consumers,
            visibility_timeout: config.visibility_timeout,
            every: config.reap_every,
            request_timeout: config.request_timeout,
            next_req: 0,
            first_seen: SortedMap::new(),
            plan: VecDeque::new(),
            awaiting: None,
            requeued: 0,
        }
    }

    pub fn requeued(&self) -> u64 {
        self.requeued
    }

    /// When each element of each processing list was first seen, by (consumer, element).
    pub fn watching(&self) -> &SortedMap<(u32, String), Time> {
        &self.first_seen
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        cx.set_timer(QueueTimer::Reap, self.every);
    }

    /// Sends the next request of the round, or schedules the next round.
    fn run_next(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        let Some(step) = self.plan.pop_front() else {
            cx.set_timer(QueueTimer::Reap, self.every);
            return;
        };
        self.next_req += 1;
        let req = self.next_req;
        cx.send(
            self.broker,
            QueueMsg::Request {
                req,
                cmd: step.command(),
            },
        );
        self.awaiting = Some((req, step));
        cx.set_timer(QueueTimer::Timeout, self.request_timeout);
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, QueueNode>, timer: QueueTimer) {
        match timer {
            QueueTimer::Reap => {
                self.plan = (1..=self.consumers)
                    .map(|consumer| ReapStep::Scan { consumer })
                    .collect();
                self.run_next(cx);
            }
            QueueTimer::Timeout => {
                // A requeue without an answer is not followed by its removal: the message
                // might not be back in the queue. The next round looks again.
                self.awaiting = None;
                cx.note(QueueNote::ReaperTimedOut);
                self.run_next(cx);
            }
            _ => {}
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, QueueNode>, msg: QueueMsg) {
        let QueueMsg::Reply { req, reply } = msg else {
            return;
        };
        let Some((_, step)) = self.awaiting.take_if(|(r, _)| *r == req) else {
            return;
        };
        cx.cancel_timer(QueueTimer::Timeout);
        let now = cx.now();
        match step {
            ReapStep::Scan { consumer } => {
                let Reply::Array(items) = reply else {
                    return self.run_next(cx);
                };
                let values: Vec<String> = items
                    .iter()
                    .filter_map(|r| match r {
                        Reply::Bulk(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect();
                self.first_seen
                    .retain(|(c, v), _| *c != consumer || values.contains(v));
                let mut overdue = Vec::new();
                for value in &values {
                    let seen = *self
                        .first_seen
                        .entry((consumer, value.clone()))
                        .or_insert(now);
                    if now.saturating_sub(seen) >= self.visibility_timeout
                        && !overdue.contains(value)
                    {
                        overdue.push(value.clone());
                    }
                }
                cx.note(QueueNote::ReaperScanned {
                    consumer,
                    items: values.len() as u32,
                });
                for value in overdue.into_iter().rev() {
                    if let Some(m) = Message::decode(&value) {
                        cx.note(QueueNote::ReaperRequeueing {
                            consumer,
                            message: m.id,
                        });
                    }
                    self.plan.push_front(ReapStep::Requeue { consumer, value });
                }
            }
            ReapStep::Requeue { consumer, value } => {
                self.requeued += 1;
                self.plan.push_front(ReapStep::Remove { consumer, value });
            }
            ReapStep::Remove { consumer, value } => {
                if let Some(m) = Message::decode(&value) {
                    cx.note(QueueNote::ReaperRemoved {
                        consumer,
                        message: m.id,
                        was_there: reply == Reply::Integer(1),
                    });
                }
                self.first_seen.remove(&(consumer, value));
            }
        }
        self.run_next(cx);
    }

    pub(super) fn on_crash(&mut self) {
        self.first_seen.clear();
        self.plan.clear();
        self.awaiting = None;
    }

    /// Lines shown next to the node.
    pub fn detail_lines(&self) -> Vec<Line> {
        vec![
            Line::tr("watching {n} messages").with("n", self.first_seen.len()),
            Line::tr("{n} requeued").with("n", self.requeued),
        ]
    }

    pub fn state_label(&self) -> &'static str {
        if self.awaiting.is_some() {
            "REAPING"
        } else {
            "SLEEPING"
        }
    }
}
