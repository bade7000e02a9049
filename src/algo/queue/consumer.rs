//! A consumer: it takes a message from Redis, works on it, applies its effect to the
//! database, then acknowledges it. Where it can fail decides what each design guarantees:
//!
//! - Crash after taking, before applying. Design 1 (`BRPOP`) loses the message: it left
//!   Redis when it was popped and lived only in the dead consumer's memory. Design 2
//!   (`BLMOVE`) still has it in the consumer's processing list, and the reaper puts it back
//!   after the visibility timeout; design 3 still has it in the group's pending entries,
//!   and a peer claims it (`XAUTOCLAIM`) once it has been idle for `min_idle`.
//! - Crash (or a pause, or just slowness) after applying, before acknowledging. Designs 2
//!   and 3 deliver the message again, and the effect is applied twice, unless the consumer
//!   is idempotent (design 4): it applies the effect together with a record of the message
//!   id in one database transaction, and the second attempt finds the record.
//! - A reply that comes too late. The consumer stops waiting after its timeout and asks
//!   again; a message handed to the request it gave up on is lost in design 1, and pending
//!   (to be redelivered) in designs 2 and 3.
//! - A poison message: its processing fails every time. Design 3 counts deliveries, and a
//!   consumer that claims an entry delivered more than `max_deliveries` times moves it to
//!   the dead-letter stream instead of trying again. Design 2 has no count: the message
//!   goes round forever.
//!
//! The consumer has one connection to Redis, so it sends one command at a time: in design
//! 3 it alternates between a blocking `XREADGROUP` (for `claim_every`) and an `XAUTOCLAIM`.
//! `XAUTOCLAIM ... COUNT 1` examines at most ten pending entries and returns the id where
//! it stopped; the consumer starts its next claim there, and from `0-0` again once the
//! reply says the scan reached the end. (Starting from `0-0` every time, ten entries busy
//! at the front of the list would hide an idle one behind them for good.)
use super::config::{Design, QueueConfig};
use super::fetch::{self, Delivery, Source};
use super::message::{consumer_name, ApplyOutcome, MessageId, QueueCmd, QueueMsg, QueueTimer};
use super::note::{QueueNote, Step};
use super::QueueNode;
use crate::algo::redis::{Command, RedisError, Reply, StreamId};
use crate::sim::sorted::SortedMap;
use crate::sim::{Ctx, Line, NodeId, Time};

/// What the consumer is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Design 3: creating the consumer group (or finding it exists).
    JoiningGroup,
    /// Waiting for the next message (a blocking read).
    Fetching,
    /// Design 3: asking for an entry idle too long (`XAUTOCLAIM`).
    Claiming,
    /// Design 3: reading a claimed entry's delivery count (`XPENDING`).
    CountingDeliveries,
    /// Working on the message (the service time).
    Working,
    /// Waiting for the database to apply the effect.
    Applying,
    /// Acknowledging the message to Redis (`LREM`, `XACK`).
    Acking,
    /// Design 3: copying a message that failed too often to the dead-letter stream.
    DeadLettering,
    /// After an unexpected error: waiting a moment before trying again.
    Resting,
}

impl Phase {
    /// Every phase, in the order a delivery goes through them.
    pub const ALL: [Phase; 9] = [
        Phase::JoiningGroup,
        Phase::Fetching,
        Phase::Claiming,
        Phase::CountingDeliveries,
        Phase::Working,
        Phase::Applying,
        Phase::Acking,
        Phase::DeadLettering,
        Phase::Resting,
    ];

    /// The step a timeout in this phase interrupts, for the narration.
    fn step(self) -> Step {
        match self {
            Phase::JoiningGroup => Step::JoinGroup,
            Phase::Fetching => Step::Fetch,
            Phase::Claiming => Step::Claim,
            Phase::CountingDeliveries => Step::CountDeliveries,
            Phase::Working => Step::Work,
            Phase::Applying => Step::Apply,
            Phase::Acking => Step::Ack,
            Phase::DeadLettering => Step::DeadLetter,
            Phase::Resting => Step::Rest,
        }
    }
}

/// What a consumer did, kept across its crashes (an observer's record).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConsumerLedger {
    /// Messages received (first deliveries and redeliveries).
    pub received: u64,
    /// Effects the database applied at this consumer's request.
    pub applied: u64,
    /// Deliveries the dedupe table recognised and skipped.
    pub skipped_duplicates: u64,
    /// Poison messages whose processing failed.
    pub failed: u64,
    /// Messages moved to the dead-letter stream.
    pub dead_lettered: u64,
    /// Apply requests sent and not answered yet, by request number: the effect may still
    /// land after a crash. For the "no confirmed message lost" check.
    pub unanswered_applies: SortedMap<u64, MessageId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Consumer {
    number: u32,
    design: Design,
    broker: NodeId,
    db: NodeId,
    service_time: Time,
    slow_service_time: Time,
    block: Time,
    request_timeout: Time,
    claim_every: Time,
    min_idle: Time,
    max_deliveries: u64,
    /// Made slow by a command (a property of its machine: it survives a crash).
    slow: bool,
    /// Request numbers are never reused, even across crashes (a new connection).
    next_req: u64,
    // Volatile: lost in a crash.
    phase: Phase,
    /// The request (to Redis or the database) whose reply is awaited.
    awaiting: Option<u64>,
    work: Option<Delivery>,
    /// Design 3: the delivery count of the entry being checked or dead-lettered.
    deliveries: u64,
    next_claim_at: Time,
    /// Design 3: where the next `XAUTOCLAIM` scan of the pending entries starts.
    claim_cursor: StreamId,
    /// The database had already recorded the message in hand (idempotent consumers).
    duplicate: bool,
    ledger: ConsumerLedger,
}

impl Consumer {
    pub fn new(number: u32, broker: NodeId, db: NodeId, config: &QueueConfig) -> Self {
        Consumer {
            number,
            design: config.design,
            broker,
            db,
            service_time: config.service_time,
            slow_service_time: config.slow_service_time,
            block: if config.design.uses_stream() {
                config.claim_every
            } else {
                config.block
            },
            request_timeout: config.request_timeout,
            claim_every: config.claim_every,
            min_idle: config.min_idle,
            max_deliveries: u64::from(config.max_deliveries),
            slow: false,
            next_req: 0,
            phase: Phase::Fetching,
            awaiting: None,
            work: None,
            deliveries: 0,
            next_claim_at: Time::ZERO,
            claim_cursor: StreamId::ZERO,
            duplicate: false,
            ledger: ConsumerLedger::default(),
        }
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    pub fn name(&self) -> String {
        consumer_name(self.number)
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The message in hand, from receipt until it is acknowledged.
    pub fn holding(&self) -> Option<&Delivery> {
        self.work.as_ref()
    }

    pub fn is_slow(&self) -> bool {
        self.slow
    }

    /// The request whose reply this consumer waits for.
    pub fn awaiting(&self) -> Option<u64> {
        self.awaiting
    }

    /// Whether a reply to request `req` would hand it a message it still wants.
    pub fn wants_reply(&self, req: u64) -> bool {
        self.awaiting == Some(req) && matches!(self.phase, Phase::Fetching | Phase::Claiming)
    }

    pub fn ledger(&self) -> &ConsumerLedger {
        &self.ledger
    }

    /// Design 3: where its next `XAUTOCLAIM` starts (`0-0`: from the beginning).
    pub fn claim_cursor(&self) -> StreamId {
        self.claim_cursor
    }

    fn request(&mut self, cx: &mut Ctx<'_, QueueNode>, cmd: Command, phase: Phase, wait: Time) {
        self.next_req += 1;
        self.awaiting = Some(self.next_req);
        self.phase = phase;
        cx.send(
            self.broker,
            QueueMsg::Request {
                req: self.next_req,
                cmd,
            },
        );
        cx.set_timer(
            QueueTimer::Timeout,
            wait.saturating_add(self.request_timeout),
        );
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        self.next_claim_at = cx.now().saturating_add(self.claim_every);
        if self.design.uses_stream() {
            self.request(cx, fetch::create_group(), Phase::JoiningGroup, Time::ZERO);
        } else {
            self.next(cx);
        }
    }

    /// Ready for the next message: claim (design 3, when due) or wait for a new one.
    fn next(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        self.work = None;
        self.duplicate = false;
        if self.design.uses_stream() && cx.now() >= self.next_claim_at {
            self.next_claim_at = cx.now().saturating_add(self.claim_every);
            let cmd = fetch::claim(self.number, self.min_idle, self.claim_cursor);
            self.request(cx, cmd, Phase::Claiming, Time::ZERO);
        } else {
            let cmd = fetch::fetch(self.design, self.number, self.block);
            self.request(cx, cmd, Phase::Fetching, self.block);
        }
    }

    fn rest(&mut self, cx: &mut Ctx<'_, QueueNode>, error: RedisError) {
        cx.note(QueueNote::ConsumerGotError { error });
        self.work = None;
        self.phase = Phase::Resting;
        cx.set_timer(QueueTimer::Timeout, self.request_timeout);
    }

    fn start_work(&mut self, cx: &mut Ctx<'_, QueueNode>, delivery: Delivery) {
        let service = if self.slow {
            self.slow_service_time
        } else {
            self.service_time
        };
        cx.note(QueueNote::ConsumerWorking {
            message: delivery.message.id,
            service,
        });
        self.work = Some(delivery);
        self.duplicate = false;
        self.phase = Phase::Working;
        cx.set_timer(QueueTimer::Service, service);
    }

    fn apply(&mut self, cx: &mut Ctx<'_, QueueNode>, message: MessageId) {
        self.next_req += 1;
        let req = self.next_req;
        self.awaiting = Some(req);
        self.phase = Phase::Applying;
        self.ledger.unanswered_applies.insert(req, message);
        let idempotent = self.design.is_idempotent();
        cx.send(
            self.db,
            QueueMsg::Apply {
                req,
                message,
                idempotent,
            },
        );
        cx.note(QueueNote::ConsumerApplying {
            message,
            idempotent,
        });
        cx.set_timer(QueueTimer::Timeout, self.request_timeout);
    }

    /// Acknowledges the message in hand (or goes on, when there is nothing to acknowledge).
    fn ack(&mut self, cx: &mut Ctx<'_, QueueNode>) {
        let Some(work) = &self.work else {
            return self.next(cx);
        };
        match fetch::ack(self.number, &work.source) {
            Some(cmd) => self.request(cx, cmd, Phase::Acking, Time::ZERO),
            None => self.next(cx),
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, QueueNode>, msg: QueueMsg) {
        match msg {
            QueueMsg::Reply { req, reply } => self.on_reply(cx, req, reply),
            QueueMsg::Applied {
                req,
                message,
                outcome,
            } => {
                self.ledger.unanswered_applies.remove(&req);
                if self.awaiting != Some(req) || self.phase != Phase::Applying {
                    return;
                }
                cx.cancel_timer(QueueTimer::Timeout);
                self.awaiting = None;
                match outcome {
                    ApplyOutcome::Applied => self.ledger.applied += 1,
                    ApplyOutcome::AlreadyApplied => {
                        self.ledger.skipped_duplicates += 1;
                        self.duplicate = true;
                        cx.note(QueueNote::ConsumerSkippedDuplicate { message });
                    }
                }
                self.ack(cx);
            }
            _ => {}
        }
    }

    fn on_reply(&mut self, cx: &mut Ctx<'_, QueueNode>, req: u64, reply: Reply) {
        if self.awaiting != Some(req) {
            let lost = fetch::delivery_in(&reply).map(|d| d.message.id);
            cx.note(QueueNote::ConsumerIgnoredLateReply { req, carried: lost });
            return;
        }
        cx.cancel_timer(QueueTimer::Timeout);
        self.awaiting = None;
        if let Reply::Error(error) = &reply {
            if matches!(
                error,
                RedisError::NoGroupReadgroup { .. } | RedisError::NoGroup { .. }
            ) {
                // Redis lost the group (a restart without persistence): join again.
                cx.note(QueueNote::ConsumerRejoining);
                return self.request(cx, fetch::create_group(), Phase::JoiningGroup, Time::ZERO);
            }
            if self.phase != Phase::JoiningGroup || *error != RedisError::BusyGroup {
                return self.rest(cx, error.clone());
            }
        }
        if self.phase == Phase::Claiming {
            // Follow Redis's cursor: the next scan goes on where this one stopped.
            if let Some(cursor) = fetch::claim_cursor_in(&reply) {
                self.claim_cursor = cursor;
            }
        }
        match self.phase {
            Phase::JoiningGroup => self.next(cx),
            Phase::Fetching | Phase::Claiming => match fetch::delivery_in(&reply) {
                Some(delivery) => {
                    self.ledger.received += 1;
                    cx.note(QueueNote::ConsumerReceived {
                        message: delivery.message.id,
                        claimed: self.phase == Phase::Claiming,
                    });
                    if self.phase == Phase::Claiming {
                        let Source::Entry(id) = delivery.source else {
                            return self.next(cx);
                        };
                        self.work = Some(delivery);
                        self.request(
                            cx,
                            fetch::delivery_count(id),
                            Phase::CountingDeliveries,
                            Time::ZERO,
                        );
                    } else {
                        self.start_work(cx, delivery);
                    }
                }
                None => {
                    cx.note(QueueNote::ConsumerFoundNothing {
                        claiming: self.phase == Phase::Claiming,
                    });
                    self.next(cx);
                }
            },
            Phase::CountingDeliveries => {
                let Some(work) = self.work.clone() else {
                    return self.next(cx);
                };
                // No row: someone acknowledged or claimed it meanwhile; it is not ours.
                let Some(deliveries) = fetch::deliveries_in(&reply) else {
                    return self.next(cx);
                };
                self.deliveries = deliveries;
                if deliveries > self.max_deliveries {
                    cx.note(QueueNote::ConsumerDeadLettering {
                        message: work.message.id,
                        deliveries,
                    });
                    let cmd = fetch::dead_letter(work.message, deliveries);
                    self.request(cx, cmd, Phase::DeadLettering, Time::ZERO);
                } else {
                    self.start_work(cx, work);
                }
            }
            Phase::DeadLettering => {
                self.ledger.dead_lettered += 1;
                self.ack(cx);
            }
            Phase::Acking => {
                if let Some(work) = &self.work {
                    cx.note(QueueNote::ConsumerAcked {
                        message: work.message.id,
                        removed: reply == Reply::Integer(1),
                        stream: matches!(work.source, Source::Entry(_)),
                        duplicate: self.duplicate,
                    });
                }
                self.next(cx);
            }
            Phase::Working | Phase::Applying | Phase::Resting => {}
        }
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, QueueNode>, timer: QueueTimer) {
        match (timer, self.phase) {
            (QueueTimer::Service, Phase::Working) => {
                let Some(work) = self.work.clone() else {
                    return self.next(cx);
                };
                if work.message.poison {
                    // Processing fails: nothing is applied and nothing acknowledged, so the
                    // message stays where it is (popped: gone; otherwise redelivered later).
                    self.ledger.failed += 1;
                    cx.note(QueueNote::ConsumerFailed {
                        message: work.message.id,
                    });
                    return self.next(cx);
                }
                self.apply(cx, work.message.id);
            }
            (QueueTimer::Timeout, Phase::Resting) => self.next(cx),
            (QueueTimer::Timeout, phase) => {
                self.awaiting = None;
                cx.note(QueueNote::ConsumerTimedOut { step: phase.step() });
                match phase {
                    // Asking again may apply the effect twice (unless idempotent).
                    Phase::Applying => match self.work.as_ref().map(|w| w.message.id) {
                        Some(id) => self.apply(cx, id),
                        None => self.next(cx),
                    },
                    Phase::Acking => self.ack(cx),
                    Phase::DeadLettering => match self.work.as_ref().map(|w| w.message) {
                        Some(message) => {
                            let cmd = fetch::dead_letter(message, self.deliveries);
                            self.request(cx, cmd, Phase::DeadLettering, Time::ZERO)
                        }
                        None => self.next(cx),
                    },
                    Phase::JoiningGroup => {
                        self.request(cx, fetch::create_group(), Phase::JoiningGroup, Time::ZERO)
                    }
                    // A read whose reply did not come: whatever it took waits in Redis (or,
                    // after a BRPOP, is gone).
                    _ => self.next(cx),
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_command(&mut self, cx: &mut Ctx<'_, QueueNode>, cmd: QueueCmd) {
        match cmd {
            QueueCmd::Slow => self.slow = true,
            QueueCmd::Fast => self.slow = false,
            QueueCmd::Produce(_) | QueueCmd::Poison => return,
        }
        cx.note(QueueNote::ConsumerSpeed { slow: self.slow });
    }

    pub(super) fn on_crash(&mut self) {
        self.phase = Phase::Fetching;
        self.awaiting = None;
        self.work = None;
        self.deliveries = 0;
        self.claim_cursor = StreamId::ZERO;
        self.duplicate = false;
    }

    /// Lines shown next to the node.
    pub fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(w) = &self.work {
            lines.push(Line::tr("holding {message}").with("message", w.message));
        }
        if self.slow {
            lines.push(Line::tr("slow: {time} per message").with("time", self.slow_service_time));
        }
        lines.push(
            Line::tr("{received} received, {applied} applied")
                .with("received", self.ledger.received)
                .with("applied", self.ledger.applied),
        );
        lines
    }

    pub fn state_label(&self) -> &'static str {
        match self.phase {
            Phase::JoiningGroup => "JOINING",
            Phase::Fetching => "WAITING",
            Phase::Claiming | Phase::CountingDeliveries => "CLAIMING",
            Phase::Working => "WORKING",
            Phase::Applying => "APPLYING",
            Phase::Acking => "ACKING",
            Phase::DeadLettering => "DEAD-LETTERING",
            Phase::Resting => "RESTING",
        }
    }
}
