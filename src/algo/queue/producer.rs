//! A producer: it creates messages and hands them to Redis (`LPUSH queue <msg>`, or
//! `XADD queue * msg <msg>` for the stream designs).
//!
//! A producer that waits for the reply knows its message is in Redis only when the reply
//! comes: that reply is the broker's *confirmation*, and the scene's promise ("no confirmed
//! message is lost") is about confirmed messages only. If no reply comes in time the
//! producer cannot tell a lost request from a lost reply, so it sends the message again,
//! with the same id. When it was the reply that got lost, the queue now holds the message
//! twice: retries turn "maybe lost" into "maybe duplicated", which is why consumers must be
//! idempotent for an exactly-once *effect*. A producer that does not wait sends and moves
//! on: faster, but nothing it sends is ever confirmed, and a lost request is lost for good.
use super::config::QueueConfig;
use super::message::{Message, MessageId, QueueMsg, QueueTimer, MESSAGE_FIELD, QUEUE_KEY};
use super::note::QueueNote;
use super::QueueNode;
use crate::algo::redis::{Command, Reply, XaddId};
use crate::sim::sorted::SortedSet;
use crate::sim::{Ctx, Line, NodeId, Time};

/// The message waiting for its confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sending {
    pub req: u64,
    pub message: Message,
    /// 1 for the first send.
    pub attempt: u32,
}

/// What a producer did, kept across its crashes (an observer's record, for the counters
/// and the "no confirmed message lost" check).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProducerLedger {
    /// Messages created (their sequence numbers run from 1 to this).
    pub produced: u32,
    /// Sends, retries included.
    pub sends: u64,
    /// Messages the broker confirmed.
    pub confirmed: SortedSet<MessageId>,
    /// Messages given up on after the last attempt.
    pub abandoned: SortedSet<MessageId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Producer {
    number: u32,
    broker: NodeId,
    uses_stream: bool,
    waits: bool,
    every: Time,
    request_timeout: Time,
    max_attempts: u32,
    poison: Vec<MessageId>,
    /// Messages still to create (the application's backlog: it survives a crash).
    to_send: u32,
    /// Request numbers are never reused, even across crashes (a new connection).
    next_req: u64,
    /// Volatile: lost in a crash.
    sending: Option<Sending>,
    poison_next: bool,
    ledger: ProducerLedger,
}

impl Producer {
    pub fn new(number: u32, broker: NodeId, config: &QueueConfig) -> Self {
        Producer {
            number,
            broker,
            uses_stream: config.design.uses_stream(),
            waits: config.producer_waits,
            every: config.produce_every,
            request_timeout: config.request_timeout,
            max_attempts: config.max_attempts,
            poison: config.poison.clone(),
            to_send: config.messages,
            next_req: 0,
            sending: None,
            poison_next: false,
            ledger: ProducerLedger::default(),
        }
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    /// Whether it waits for each confirmation (and retries when none comes).
    pub fn waits(&self) -> bool {
        self.waits
    }

    pub fn sending(&self) -> Option<&Sending> {
        self.sending.as_ref()
    }

    pub fn to_send(&self) -> u32 {
        self.to_send
    }

    pub fn ledger(&self) -> &ProducerLedger {
        &self.ledger
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        if self.to_send > 0 {
            cx.set_timer(QueueTimer::Produce, self.every);
        }
    }

    fn command_for(&self, message: Message) -> Command {
        if self.uses_stream {
            Command::Xadd {
                key: QUEUE_KEY.into(),
                id: XaddId::Auto,
                fields: vec![(MESSAGE_FIELD.into(), message.encode())],
            }
        } else {
            Command::Lpush {
                key: QUEUE_KEY.into(),
                values: vec![message.encode()],
            }
        }
    }

    fn send(&mut self, cx: &mut Ctx<'_, QueueNode>, message: Message, attempt: u32) {
        self.next_req += 1;
        let req = self.next_req;
        self.ledger.sends += 1;
        let cmd = self.command_for(message);
        cx.send(self.broker, QueueMsg::Request { req, cmd });
        cx.note(QueueNote::ProducerSent {
            message: message.id,
            attempt,
            waits: self.waits,
        });
        if self.waits {
            self.sending = Some(Sending {
                req,
                message,
                attempt,
            });
            cx.set_timer(QueueTimer::Timeout, self.request_timeout);
        } else {
            self.schedule_next(cx);
        }
    }

    fn schedule_next(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        if self.to_send > 0 {
            cx.set_timer(QueueTimer::Produce, self.every);
        }
    }

    fn produce(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        if self.to_send == 0 || self.sending.is_some() {
            return;
        }
        self.to_send -= 1;
        self.ledger.produced += 1;
        let id = MessageId {
            producer: self.number,
            seq: self.ledger.produced,
        };
        let message = Message {
            id,
            poison: std::mem::take(&mut self.poison_next) || self.poison.contains(&id),
        };
        self.send(cx, message, 1);
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, QueueNode>, msg: QueueMsg) {
        let QueueMsg::Reply { req, reply } = msg else {
            return;
        };
        let Some(sending) = self.sending.filter(|s| s.req == req) else {
            // A reply to a send this producer already gave up on or retried.
            return;
        };
        cx.cancel_timer(QueueTimer::Timeout);
        self.sending = None;
        let id = sending.message.id;
        if matches!(reply, Reply::Error(_)) {
            self.ledger.abandoned.insert(id);
            cx.note(QueueNote::ProducerRefused { message: id });
        } else {
            self.ledger.confirmed.insert(id);
            cx.note(QueueNote::ProducerConfirmed { message: id });
        }
        self.schedule_next(cx);
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, QueueNode>, timer: QueueTimer) {
        match timer {
            QueueTimer::Produce => self.produce(cx),
            QueueTimer::Timeout => {
                let Some(sending) = self.sending.take() else {
                    return;
                };
                let retry = sending.attempt < self.max_attempts;
                cx.note(QueueNote::ProducerTimedOut {
                    message: sending.message.id,
                    attempt: sending.attempt,
                    retry,
                });
                if retry {
                    // Same message, same id: if only the reply was lost, this duplicates it.
                    self.send(cx, sending.message, sending.attempt + 1);
                } else {
                    self.ledger.abandoned.insert(sending.message.id);
                    self.schedule_next(cx);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_command(&mut self, cx: &mut Ctx<'_, QueueNode>, cmd: super::QueueCmd) {
        match cmd {
            super::QueueCmd::Produce(n) => {
                self.to_send = self.to_send.saturating_add(n);
                if self.sending.is_none() {
                    cx.set_timer(QueueTimer::Produce, Time::ZERO);
                }
            }
            super::QueueCmd::Poison => self.poison_next = true,
            super::QueueCmd::Slow | super::QueueCmd::Fast => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.sending = None;
        self.poison_next = false;
    }

    /// Lines shown next to the node.
    pub fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(s) = &self.sending {
            lines.push(
                Line::tr("sending {message} (attempt {attempt})")
                    .with("message", s.message)
                    .with("attempt", s.attempt),
            );
        }
        lines.push(
            Line::tr("{confirmed} confirmed, {left} still to send")
                .with("confirmed", self.ledger.confirmed.len())
                .with("left", self.to_send),
        );
        lines
    }

    pub fn state_label(&self) -> &'static str {
        match (&self.sending, self.to_send) {
            (Some(_), _) => "SENDING",
            (None, 0) => "DONE",
            (None, _) => "IDLE",
        }
    }
}
