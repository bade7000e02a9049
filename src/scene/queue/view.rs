//! The queue scene's view model: every message as a chip with its delivery count, where it
//! waits (the queue, a processing list, the pending entries, the dead letters), each node's
//! state, the counters, the depth over time, the Redis commands just run, and what each
//! message in flight carries. Computed from the simulation at the cursor; views only draw it.
use crate::algo::queue::stats::queue_view;
use crate::algo::queue::Counters;
use crate::algo::queue::{
    layout, Depth, Design, Message, MessageId, Phase, QueueConfig, QueueMsg, QueueNode, QueueNote,
    Sample,
};
use crate::algo::redis::Persistence;
use crate::scene::SceneRun;
use crate::sim::trace::TraceKind;
use crate::sim::{NodeId, NodeStatus, Sim, Time};

use super::QueueScene;

/// How much of the past the depth chart shows.
pub const CHART_WINDOW: Time = Time::from_millis(4_000);
/// How many of the latest broker events the command log keeps.
pub const COMMAND_LOG_LEN: usize = 6;
/// How many steps back the command log looks.
const COMMAND_LOOKBACK: u64 = 400;

/// A message as drawn: its id, whether it is poison, and how many times Redis has handed
/// it to a consumer (for a pending entry, Redis's own delivery count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chip {
    pub message: Message,
    pub deliveries: u32,
}

/// A delivered, unacknowledged stream entry (design 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingChip {
    pub chip: Chip,
    /// Since its last delivery.
    pub idle: Time,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerState {
    pub node: NodeId,
    /// Its number (c1 is 1): its name in the group and in its processing list's key.
    pub number: u32,
    pub status: NodeStatus,
    pub phase: Phase,
    pub holding: Option<Chip>,
    pub slow: bool,
    /// Blocked in Redis, waiting for a message.
    pub blocked: bool,
    /// Design 2: its processing list, head first.
    pub processing: Vec<Chip>,
    /// Design 3: the pending entries the group has assigned to it, oldest first.
    pub pending: Vec<PendingChip>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerState {
    pub node: NodeId,
    pub status: NodeStatus,
    /// The message awaiting its confirmation, and which attempt this is.
    pub sending: Option<(Message, u32)>,
    pub produced: u32,
    pub confirmed: u32,
    pub to_send: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbState {
    pub node: NodeId,
    pub status: NodeStatus,
    /// Messages whose effect was applied at least once.
    pub processed: u64,
    /// Messages whose effect was applied more than once, with how many times.
    pub duplicated: Vec<(MessageId, u32)>,
    /// Ids in the dedupe table (idempotent designs).
    pub dedupe: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaperState {
    pub node: NodeId,
    pub status: NodeStatus,
    pub requeued: u64,
    /// What it watches in the processing lists: consumer number, message, first seen.
    pub watching: Vec<(u32, Message, Time)>,
}

/// One thing the broker did, for the command log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokerEvent {
    /// Ran a client's command and answered.
    Ran {
        client: NodeId,
        command: String,
        reply: String,
    },
    /// A blocking command found nothing: the client waits.
    Parked {
        client: NodeId,
        command: String,
    },
    /// A client blocked earlier got data.
    Served {
        client: NodeId,
        reply: String,
    },
    /// A blocked client's timeout ran out.
    TimedOut {
        client: NodeId,
    },
    Fsynced {
        commands: u64,
    },
    Recovered {
        persistence: Persistence,
        keys: u64,
        lost_writes: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub step: u64,
    pub at: Time,
    pub event: BrokerEvent,
}

/// What a network message in flight is, for its label on the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlightKind {
    /// A Redis command (its name).
    Command(&'static str),
    Reply,
    Apply,
    Applied,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    /// The kernel's message id (as in the snapshot).
    pub id: u64,
    pub kind: FlightKind,
    /// The application message it carries, if any.
    pub carries: Option<MessageId>,
}

/// The timings the views explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub visibility_timeout: Time,
    pub min_idle: Time,
    pub max_deliveries: u32,
    pub service_time: Time,
}

/// Everything the queue scene's views draw at one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueSceneView {
    pub design: Design,
    pub persistence: Persistence,
    pub broker: NodeId,
    pub broker_status: NodeStatus,
    /// Waiting messages, the next to be handed out first.
    pub queue: Vec<Chip>,
    pub dead: Vec<Chip>,
    pub producers: Vec<ProducerState>,
    pub consumers: Vec<ConsumerState>,
    pub db: DbState,
    pub reaper: Option<ReaperState>,
    pub unsynced_writes: u64,
    pub lost_writes: u64,
    pub depth: Depth,
    pub counters: Counters,
    /// The depth over the chart's window, oldest first; the first sample may be older
    /// than `chart_from` (it gives the value at the window's start).
    pub history: Vec<Sample>,
    pub chart_from: Time,
    pub now: Time,
    /// The latest broker events, oldest first.
    pub log: Vec<LogLine>,
    pub flights: Vec<Flight>,
    pub settings: Settings,
}

/// A consumer phase as the stage draws it: its word (English; the stage translates it) and
/// the CSS state class of its colour. The legend has an entry with this word and class for
/// every phase.
pub fn phase_look(phase: Phase) -> (&'static str, &'static str) {
    match phase {
        Phase::JoiningGroup => ("JOINING", "joining"),
        Phase::Fetching => ("WAITING", "waiting"),
        Phase::Claiming | Phase::CountingDeliveries => ("CLAIMING", "claiming"),
        Phase::Working => ("WORKING", "working"),
        Phase::Applying => ("APPLYING", "applying"),
        Phase::Acking => ("ACKING", "acking"),
        Phase::DeadLettering => ("DEAD-LETTER", "dead-lettering"),
        Phase::Resting => ("RESTING", "resting"),
    }
}

fn chip_of(message: Message, deliveries: u32) -> Chip {
    Chip {
        message,
        deliveries,
    }
}

fn status_of(sim: &Sim<QueueNode>, node: NodeId) -> NodeStatus {
    sim.status(node).unwrap_or(NodeStatus::Up)
}

/// What each message in flight carries.
fn flights(sim: &Sim<QueueNode>) -> Vec<Flight> {
    sim.in_flight()
        .map(|m| {
            let (kind, carries) = match &m.msg {
                QueueMsg::Request { cmd, .. } => (
                    FlightKind::Command(cmd.name()),
                    cmd.args()
                        .iter()
                        .find_map(|a| Message::decode(a))
                        .map(|m| m.id),
                ),
                QueueMsg::Reply { reply, .. } => (
                    FlightKind::Reply,
                    Message::all_in(reply).first().map(|m| m.id),
                ),
                QueueMsg::Apply { message, .. } => (FlightKind::Apply, Some(*message)),
                QueueMsg::Applied { message, .. } => (FlightKind::Applied, Some(*message)),
            };
            Flight {
                id: m.id.0,
                kind,
                carries,
            }
        })
        .collect()
}

/// The broker's latest events up to the cursor, oldest first.
fn command_log(run: &SceneRun<QueueScene>, broker: NodeId) -> Vec<LogLine> {
    let cursor = run.timeline().cursor().step();
    let from = cursor.saturating_sub(COMMAND_LOOKBACK).max(1);
    let entries = run.timeline().entries(from, cursor);
    let mut log: Vec<LogLine> = entries
        .iter()
        .rev()
        .filter_map(|e| {
            let TraceKind::Note { node, note } = &e.kind else {
                return None;
            };
            if *node != broker {
                return None;
            }
            let event = match note {
                QueueNote::BrokerRan {
                    client,
                    command,
                    reply,
                    ..
                } => BrokerEvent::Ran {
                    client: *client,
                    command: command.to_string(),
                    reply: reply.to_string(),
                },
                QueueNote::BrokerParked { client, command } => BrokerEvent::Parked {
                    client: *client,
                    command: command.to_string(),
                },
                QueueNote::BrokerServedWaiter { client, reply } => BrokerEvent::Served {
                    client: *client,
                    reply: reply.to_string(),
                },
                QueueNote::BrokerTimedOutWaiter { client } => {
                    BrokerEvent::TimedOut { client: *client }
                }
                QueueNote::BrokerFsynced { commands } => BrokerEvent::Fsynced {
                    commands: *commands,
                },
                QueueNote::BrokerRecovered {
                    persistence,
                    keys,
                    lost_writes,
                } => BrokerEvent::Recovered {
                    persistence: *persistence,
                    keys: *keys,
                    lost_writes: *lost_writes,
                },
                _ => return None,
            };
            Some(LogLine {
                step: e.step,
                at: e.time,
                event,
            })
        })
        .take(COMMAND_LOG_LEN)
        .collect();
    log.reverse();
    log
}

/// The view model at the run's cursor.
pub fn view(run: &SceneRun<QueueScene>) -> QueueSceneView {
    let sim = run.sim();
    let config: &QueueConfig = &run.config;
    let layout = layout(config);
    let nodes = sim.nodes();
    let now = sim.now();
    let q = queue_view(sim);
    let broker = nodes
        .get(layout.broker)
        .and_then(QueueNode::as_broker)
        .expect("node 0 is the broker");
    let times = |m: &Message| broker.handouts().deliveries_of(m.id);
    let chip = |m: Message| chip_of(m, times(&m));

    let consumers = q
        .consumers
        .iter()
        .map(|c| ConsumerState {
            node: c.node,
            number: nodes
                .get(c.node)
                .and_then(QueueNode::as_consumer)
                .map_or(0, |n| n.number()),
            status: c.status,
            phase: c.phase,
            holding: nodes
                .get(c.node)
                .and_then(QueueNode::as_consumer)
                .and_then(|n| n.holding())
                .map(|d| chip(d.message)),
            slow: c.slow,
            blocked: q.blocked.contains(&c.node),
            processing: c.processing.iter().copied().map(chip).collect(),
            // The group knows each consumer by its name (c1, c2, ...).
            pending: q
                .pending
                .iter()
                .filter(|p| p.consumer == c.name)
                .filter_map(|p| {
                    Some(PendingChip {
                        chip: chip_of(p.message?, u32::try_from(p.deliveries).unwrap_or(u32::MAX)),
                        idle: p.idle,
                    })
                })
                .collect(),
        })
        .collect();

    let producers = layout
        .producers
        .iter()
        .filter_map(|&id| {
            let p = nodes.get(id)?.as_producer()?;
            Some(ProducerState {
                node: id,
                status: status_of(sim, id),
                sending: p.sending().map(|s| (s.message, s.attempt)),
                produced: p.ledger().produced,
                confirmed: p.ledger().confirmed.len() as u32,
                to_send: p.to_send(),
            })
        })
        .collect();

    let db_node = nodes.get(layout.db).and_then(QueueNode::as_db);
    let db = DbState {
        node: layout.db,
        status: status_of(sim, layout.db),
        processed: q.counters.processed,
        duplicated: db_node
            .map(|d| {
                d.effects()
                    .iter()
                    .filter(|(_, n)| **n > 1)
                    .map(|(id, n)| (*id, *n))
                    .collect()
            })
            .unwrap_or_default(),
        dedupe: db_node.map_or(0, |d| d.dedupe_table().len() as u64),
    };

    let reaper = layout.reaper.and_then(|id| {
        let r = nodes.get(id)?.as_reaper()?;
        Some(ReaperState {
            node: id,
            status: status_of(sim, id),
            requeued: r.requeued(),
            watching: r
                .watching()
                .iter()
                .filter_map(|((c, value), at)| Some((*c, Message::decode(value)?, *at)))
                .collect(),
        })
    });

    let chart_from = now.saturating_sub(CHART_WINDOW);
    let all: Vec<Sample> = broker.history().copied().collect();
    let first_in_window = all.partition_point(|s| s.at < chart_from);
    let history = all[first_in_window.saturating_sub(1)..].to_vec();

    QueueSceneView {
        design: q.design,
        persistence: q.persistence,
        broker: layout.broker,
        broker_status: q.broker_status,
        queue: q.queue.iter().map(|v| chip(v.message)).collect(),
        dead: q.dead_letters.iter().copied().map(chip).collect(),
        producers,
        consumers,
        db,
        reaper,
        unsynced_writes: q.unsynced_writes,
        lost_writes: q.lost_writes,
        depth: q.depth,
        counters: q.counters,
        history,
        chart_from,
        now,
        log: command_log(run, layout.broker),
        flights: flights(sim),
        settings: Settings {
            visibility_timeout: config.visibility_timeout,
            min_idle: config.min_idle,
            max_deliveries: config.max_deliveries,
            service_time: config.service_time,
        },
    }
}
