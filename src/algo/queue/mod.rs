//! A message queue built on Redis, and exactly when it loses or duplicates messages.
//!
//! Producers hand messages to a Redis (the *broker*); consumers take them out, apply each
//! message's effect to a database, and acknowledge. The popular first version, as in many
//! tutorials, is a list: producers `LPUSH`, consumers `BRPOP`. It is fast and simple, and it
//! loses messages: once popped, a message exists only in the consumer's memory, so a
//! consumer that crashes before finishing takes it along (*at most once*). Each step up
//! removes one failure and pays for it:
//!
//! 1. `LPUSH` + `BRPOP` ([`Design::AtMostOnce`]): at most once.
//! 2. `BLMOVE` into a per-consumer processing list, `LREM` when done, and a reaper that
//!    requeues what stays there past a visibility timeout ([`Design::ReliableList`], the
//!    "reliable queue" pattern of the `RPOPLPUSH`/`LMOVE` documentation): nothing is lost,
//!    but a consumer that is slow, paused or dead after applying the effect gets its message
//!    redelivered: *at least once*, with duplicates.
//! 3. A stream with a consumer group ([`Design::ConsumerGroup`]): Redis itself tracks every
//!    delivered, unacknowledged entry (the pending entries list) with its delivery count and
//!    idle time; `XACK` acknowledges; a peer takes over entries idle past `min_idle`
//!    (`XAUTOCLAIM`); an entry delivered more than `max_deliveries` times goes to a
//!    dead-letter stream instead of being retried forever (a *poison* message). Still at
//!    least once.
//! 4. Design 2 or 3 with idempotent consumers ([`Design::Idempotent`]): the effect and a
//!    record of the message id are written in one database transaction, and a message whose
//!    id is recorded is skipped. Deliveries stay at least once; the *effect* happens exactly
//!    once.
//!
//! The broker's crash in this scene is its machine going down (a power loss), and what
//! Redis keeps through it depends on persistence (see [`crate::algo::redis::persistence`]):
//! with `appendfsync always` a confirmed message survives; with `everysec` the writes since
//! the last fsync (up to about a second of them) were still in the operating system's page
//! cache and vanish, confirmed or not; without persistence everything does. (A crash of the
//! Redis *process* alone would lose nothing under `everysec`: the kernel still writes the
//! page cache out. The scene does not model that milder fault.) Producers that wait for Redis's reply retry when none comes,
//! which can put a message in the queue twice.
//!
//! The invariants ([`invariants`]): no confirmed message lost (fails in design 1 under
//! consumer crashes, and in any design when the broker loses writes it confirmed); no
//! duplicate effect (fails in designs 1 to 3 under retries, slowness and crashes; holds in
//! design 4); per-producer order of first deliveries (holds whenever producers wait for each
//! confirmation: a list and a stream hand out in arrival order).
//!
//! Node layout: the broker, the database, the producers, the consumers, and (design 2 only)
//! the reaper (see [`Layout`]).
//!
//! References: Redis documentation, "LMOVE: Pattern: Reliable queue" and "Redis Streams"
//! (consumer groups, XPENDING, XAUTOCLAIM, dead letters); Kleppmann, *Designing
//! Data-Intensive Applications*, ch. 11 (acknowledgements and redelivery) and ch. 12
//! (idempotence and exactly-once effects).
pub mod ack_miss;
pub mod broker;
pub mod compare;
pub mod config;
pub mod consumer;
pub mod db;
pub mod fetch;
pub mod invariants;
pub mod message;
pub mod note;
pub mod producer;
pub mod reaper;
mod scenarios;
pub mod stats;

pub use broker::{Broker, Caller, Depth, Handouts, Sample};
pub use compare::{design_comparison, DesignRow};
pub use config::{BaseDesign, Design, QueueConfig};
pub use consumer::{Consumer, ConsumerLedger, Phase};
pub use db::Db;
pub use fetch::{Delivery, Source};
pub use invariants::{invariants, NO_CONFIRMED_LOSS, NO_DUPLICATE_EFFECT, PER_PRODUCER_ORDER};
pub use message::{Message, MessageId, QueueCmd, QueueMsg, QueueTimer};
pub use note::{AckMiss, QueueNote};
pub use producer::{Producer, ProducerLedger};
pub use reaper::Reaper;
pub use scenarios::{scenario, scenarios, ScenarioInfo};
pub use stats::{counters, Counters};

use crate::sim::{Ctx, Line, NetConfig, NodeId, Protocol, Sim, Time};

/// Where each role sits in the node list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    pub broker: NodeId,
    pub db: NodeId,
    pub producers: Vec<NodeId>,
    pub consumers: Vec<NodeId>,
    /// Design 2 only.
    pub reaper: Option<NodeId>,
}

pub fn layout(config: &QueueConfig) -> Layout {
    let config = config.sanitized();
    let producers: Vec<NodeId> = (0..config.producers).map(|i| NodeId(2 + i)).collect();
    let first_consumer = 2 + config.producers;
    let consumers: Vec<NodeId> = (0..config.consumers)
        .map(|i| NodeId(first_consumer + i))
        .collect();
    let reaper = config
        .design
        .uses_reaper()
        .then_some(NodeId(first_consumer + config.consumers));
    Layout {
        broker: NodeId(0),
        db: NodeId(1),
        producers,
        consumers,
        reaper,
    }
}

/// Every simulated node of the scene.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueNode {
    Broker(Broker),
    Db(Db),
    Producer(Producer),
    Consumer(Consumer),
    Reaper(Reaper),
}

impl QueueNode {
    pub fn as_broker(&self) -> Option<&Broker> {
        match self {
            QueueNode::Broker(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_db(&self) -> Option<&Db> {
        match self {
            QueueNode::Db(d) => Some(d),
            _ => None,
        }
    }

    pub fn as_producer(&self) -> Option<&Producer> {
        match self {
            QueueNode::Producer(p) => Some(p),
            _ => None,
        }
    }

    pub fn as_consumer(&self) -> Option<&Consumer> {
        match self {
            QueueNode::Consumer(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_reaper(&self) -> Option<&Reaper> {
        match self {
            QueueNode::Reaper(r) => Some(r),
            _ => None,
        }
    }
}

/// Builds the scene's nodes, in [`Layout`] order.
pub fn nodes(config: &QueueConfig) -> Vec<QueueNode> {
    let config = config.sanitized();
    let layout = layout(&config);
    let mut nodes = vec![
        QueueNode::Broker(Broker::new(
            config.design,
            config.persistence,
            layout.consumers.clone(),
        )),
        QueueNode::Db(Db::new()),
    ];
    for i in 1..=config.producers {
        nodes.push(QueueNode::Producer(Producer::new(
            i,
            layout.broker,
            &config,
        )));
    }
    for i in 1..=config.consumers {
        nodes.push(QueueNode::Consumer(Consumer::new(
            i,
            layout.broker,
            layout.db,
            &config,
        )));
    }
    if layout.reaper.is_some() {
        nodes.push(QueueNode::Reaper(Reaper::new(layout.broker, &config)));
    }
    nodes
}

/// The nodes' names, in [`Layout`] order.
pub fn node_names(config: &QueueConfig) -> Vec<String> {
    let config = config.sanitized();
    let mut names = vec!["redis".to_string(), "db".to_string()];
    names.extend((1..=config.producers).map(|i| format!("p{i}")));
    names.extend((1..=config.consumers).map(|i| format!("c{i}")));
    if config.design.uses_reaper() {
        names.push("reaper".into());
    }
    names
}

/// The scene's network: a data centre, 1 to 5 ms per message, nothing lost.
pub fn net_config() -> NetConfig {
    NetConfig {
        latency_min: Time::from_millis(1),
        latency_max: Time::from_millis(5),
        loss: 0.0,
        duplicate: 0.0,
    }
}

/// A simulation of the configuration with the scene's network and invariants.
pub fn new_sim(seed: u64, config: &QueueConfig) -> Sim<QueueNode> {
    Sim::new(seed, nodes(config), net_config(), invariants())
}

impl Protocol for QueueNode {
    type Msg = QueueMsg;
    type Timer = QueueTimer;
    type Cmd = QueueCmd;
    type Note = QueueNote;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            QueueNode::Broker(b) => b.on_start(cx),
            QueueNode::Producer(p) => p.on_start(cx),
            QueueNode::Consumer(c) => c.on_start(cx),
            QueueNode::Reaper(r) => r.on_start(cx),
            QueueNode::Db(_) => {}
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: QueueMsg) {
        match self {
            QueueNode::Broker(b) => b.on_message(cx, from, msg),
            QueueNode::Db(d) => d.on_message(cx, from, msg),
            QueueNode::Producer(p) => p.on_message(cx, msg),
            QueueNode::Consumer(c) => c.on_message(cx, msg),
            QueueNode::Reaper(r) => r.on_message(cx, msg),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: QueueTimer) {
        match self {
            QueueNode::Broker(b) => b.on_timer(cx, timer),
            QueueNode::Producer(p) => p.on_timer(cx, timer),
            QueueNode::Consumer(c) => c.on_timer(cx, timer),
            QueueNode::Reaper(r) => r.on_timer(cx, timer),
            QueueNode::Db(_) => {}
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: QueueCmd) {
        match self {
            QueueNode::Producer(p) => p.on_command(cx, cmd),
            QueueNode::Consumer(c) => c.on_command(cx, cmd),
            _ => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            QueueNode::Broker(b) => b.on_crash(),
            QueueNode::Producer(p) => p.on_crash(),
            QueueNode::Consumer(c) => c.on_crash(),
            QueueNode::Reaper(r) => r.on_crash(),
            QueueNode::Db(_) => {}
        }
    }

    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            QueueNode::Broker(b) => b.on_restart(cx),
            other => other.on_start(cx),
        }
    }

    fn state_label(&self) -> &'static str {
        match self {
            QueueNode::Broker(b) => b.state_label(),
            QueueNode::Db(d) => d.state_label(),
            QueueNode::Producer(p) => p.state_label(),
            QueueNode::Consumer(c) => c.state_label(),
            QueueNode::Reaper(r) => r.state_label(),
        }
    }

    fn detail_lines(&self) -> Vec<Line> {
        match self {
            // No key of this scene expires, so any time reads Redis the same.
            QueueNode::Broker(b) => b.detail_lines(Time::ZERO),
            QueueNode::Db(d) => d.detail_lines(),
            QueueNode::Producer(p) => p.detail_lines(),
            QueueNode::Consumer(c) => c.detail_lines(),
            QueueNode::Reaper(r) => r.detail_lines(),
        }
    }

    fn msg_label(msg: &QueueMsg) -> Line {
        msg.label()
    }

    fn timer_label(timer: &QueueTimer) -> Line {
        timer.label()
    }
}
