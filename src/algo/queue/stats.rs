//! Totals of a run and the typed view of the queue the scene draws.
use super::broker::Depth;
use super::consumer::Phase;
use super::invariants::{confirmed_unprocessed, outside_redis};
use super::message::{Message, MessageId, QueueMsg, DEAD_LETTER_KEY, GROUP, QUEUE_KEY};
use super::{Design, QueueNode};
use crate::algo::redis::{Persistence, StreamId, Value};
use crate::sim::sorted::SortedSet;
use crate::sim::{NodeId, NodeStatus, Sim, Time};

/// The run's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counters {
    /// Messages the producers created and sent (a retry is not a new message).
    pub sent: u64,
    /// Messages the broker confirmed to their producer.
    pub confirmed: u64,
    /// Hand-outs of a message to a consumer, and those of a message handed out before.
    pub delivered: u64,
    pub redelivered: u64,
    /// Messages whose effect was applied at least once.
    pub processed: u64,
    /// Effects applied beyond the first, over all messages.
    pub duplicated: u64,
    /// Confirmed messages that were not processed and are nowhere any more.
    pub lost: u64,
    /// The first of the lost messages (by producer and number), which the counter names:
    /// "lost: p1.1" says which message to look for in the log.
    pub first_lost: Option<MessageId>,
    /// Messages in the dead-letter stream.
    pub dead_lettered: u64,
}

/// The run's totals so far. Unlike the live invariant, `lost` looks at the messages really
/// in flight, so an apply request the network dropped after its consumer crashed counts.
pub fn counters(sim: &Sim<QueueNode>) -> Counters {
    let nodes = sim.nodes();
    let mut c = Counters::default();
    for (_, node, _) in nodes.iter() {
        match node {
            QueueNode::Producer(p) => {
                c.sent += u64::from(p.ledger().produced);
                c.confirmed += p.ledger().confirmed.len() as u64;
            }
            QueueNode::Broker(b) => {
                c.delivered = b.handouts().delivered;
                c.redelivered = b.handouts().redelivered;
                let dead: SortedSet<MessageId> = crate::sim::sorted::SortedSet::from_iter(
                    b.redis()
                        .stream(DEAD_LETTER_KEY, sim.now())
                        .into_iter()
                        .flat_map(|s| s.entries().values())
                        .flat_map(|f| f.iter().filter_map(|(_, v)| Message::decode(v)))
                        .map(|m| m.id),
                );
                c.dead_lettered = dead.len() as u64;
            }
            QueueNode::Db(d) => {
                c.processed = d.effects().len() as u64;
                c.duplicated = d.effects().values().map(|n| u64::from(n - 1)).sum();
            }
            _ => {}
        }
    }
    let in_redis = nodes
        .iter()
        .find_map(|(_, n, _)| n.as_broker())
        .map(|b| b.holds(sim.now()))
        .unwrap_or_default();
    // What the nodes believe is on its way, kept only if a message is really in flight.
    let believed = outside_redis(&nodes);
    let held: SortedSet<MessageId> = crate::sim::sorted::SortedSet::from_iter(
        nodes
            .iter()
            .filter(|(_, _, s)| *s != NodeStatus::Crashed)
            .filter_map(|(_, n, _)| n.as_consumer()?.holding().map(|d| d.message.id)),
    );
    let flying: SortedSet<MessageId> =
        crate::sim::sorted::SortedSet::from_iter(sim.in_flight().flat_map(|m| match &m.msg {
            QueueMsg::Apply { message, .. } => vec![*message],
            QueueMsg::Reply { req, reply } => {
                let wanted = nodes
                    .get(m.to)
                    .and_then(QueueNode::as_consumer)
                    .is_some_and(|c| c.wants_reply(*req))
                    && nodes.status(m.to) != Some(NodeStatus::Crashed);
                if wanted {
                    Message::all_in(reply).into_iter().map(|m| m.id).collect()
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }));
    let lost: Vec<MessageId> = confirmed_unprocessed(&nodes)
        .iter()
        .filter(|m| in_redis.binary_search(m).is_err() && !held.contains(m))
        .filter(|m| !(believed.contains(m) && flying.contains(m)))
        .copied()
        .collect();
    c.lost = lost.len() as u64;
    c.first_lost = lost.iter().min().copied();
    c
}

/// A message waiting in the queue (with its stream id in design 3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueuedView {
    pub message: Message,
    pub stream_id: Option<StreamId>,
}

/// A delivered, unacknowledged stream entry (design 3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PendingView {
    pub id: StreamId,
    pub message: Option<Message>,
    pub consumer: String,
    pub deliveries: u64,
    /// How long since its last delivery.
    pub idle: Time,
}

/// A consumer as the view draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConsumerView {
    pub node: NodeId,
    pub name: String,
    pub status: NodeStatus,
    pub phase: Phase,
    pub holding: Option<MessageId>,
    pub slow: bool,
    /// Design 2: its processing list, head first.
    pub processing: Vec<Message>,
}

/// Everything the queue view draws at one step.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueView {
    pub design: Design,
    pub persistence: Persistence,
    pub broker_status: NodeStatus,
    /// Waiting messages, in the order they will be handed out.
    pub queue: Vec<QueuedView>,
    pub pending: Vec<PendingView>,
    pub dead_letters: Vec<Message>,
    pub consumers: Vec<ConsumerView>,
    /// Clients blocked on a key, in the order they blocked.
    pub blocked: Vec<NodeId>,
    /// Writes waiting for the next fsync, and writes lost in crashes so far.
    pub unsynced_writes: u64,
    pub lost_writes: u64,
    pub depth: Depth,
    pub counters: Counters,
}

fn decode_fields(fields: &[(String, String)]) -> Option<Message> {
    fields.iter().find_map(|(_, v)| Message::decode(v))
}

/// The queue view of a run at its current step.
pub fn queue_view(sim: &Sim<QueueNode>) -> QueueView {
    let nodes = sim.nodes();
    let now = sim.now();
    let (broker_id, broker) = nodes
        .iter()
        .find_map(|(id, n, _)| n.as_broker().map(|b| (id, b)))
        .expect("the broker is node 0");
    let design = broker.design();
    let db = broker.redis();
    let mut queue = Vec::new();
    let mut pending = Vec::new();
    match db.value(QUEUE_KEY, now) {
        Some(Value::List(items)) => queue.extend(
            items
                .iter()
                .rev()
                .filter_map(|v| Message::decode(v))
                .map(|message| QueuedView {
                    message,
                    stream_id: None,
                }),
        ),
        Some(Value::Stream(s)) => {
            let group = s.group(GROUP);
            let last = group.map_or(StreamId::ZERO, |g| g.last_delivered);
            for (id, fields) in s.entries_after(last) {
                if let Some(message) = decode_fields(fields) {
                    queue.push(QueuedView {
                        message,
                        stream_id: Some(*id),
                    });
                }
            }
            for (id, p) in group.map(|g| g.pending().iter()).into_iter().flatten() {
                pending.push(PendingView {
                    id: *id,
                    message: s.entries().get(id).and_then(|f| decode_fields(f)),
                    consumer: p.consumer.clone(),
                    deliveries: p.deliveries,
                    idle: Time::from_millis(
                        (now.micros() / 1000).saturating_sub(p.delivered_at_ms),
                    ),
                });
            }
        }
        _ => {}
    }
    let dead_letters = db
        .stream(DEAD_LETTER_KEY, now)
        .into_iter()
        .flat_map(|s| s.entries().values())
        .filter_map(|f| decode_fields(f))
        .collect();
    let consumers = nodes
        .iter()
        .filter_map(|(id, n, status)| {
            let c = n.as_consumer()?;
            Some(ConsumerView {
                node: id,
                name: c.name(),
                status,
                phase: c.phase(),
                holding: c.holding().map(|d| d.message.id),
                slow: c.is_slow(),
                processing: db
                    .list(&super::message::processing_key(c.number()), now)
                    .into_iter()
                    .filter_map(Message::decode)
                    .collect(),
            })
        })
        .collect();
    QueueView {
        design,
        persistence: broker.persistence(),
        broker_status: nodes.status(broker_id).unwrap_or(NodeStatus::Up),
        queue,
        pending,
        dead_letters,
        consumers,
        blocked: broker
            .server()
            .waiters()
            .iter()
            .map(|w| w.client.node)
            .collect(),
        unsynced_writes: broker.server().aof().unsynced().len() as u64,
        lost_writes: broker.server().aof().lost_count(),
        depth: broker.depth(now),
        counters: counters(sim),
    }
}
