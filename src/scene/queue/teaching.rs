//! The queue scene's guided tour (each design told from the failure that motivates it) and
//! its legend.
use super::QueueScene;
use crate::algo::queue::{Phase, QueueNode};
use crate::scene::{At, Focus, LegendEntry, Swatch, TourStop};
use crate::sim::{NodeId, NodeStatus, Sim};

// Node numbers of the scenarios' default layout: redis, db, p1, p2, c1, c2, (reaper).
const REDIS: NodeId = NodeId(0);
const DB: NodeId = NodeId(1);
const C1: NodeId = NodeId(4);
const C2: NodeId = NodeId(5);

fn broker(sim: &Sim<QueueNode>) -> Option<&crate::algo::queue::Broker> {
    sim.node(REDIS).and_then(QueueNode::as_broker)
}

fn db(sim: &Sim<QueueNode>) -> Option<&crate::algo::queue::Db> {
    sim.node(DB).and_then(QueueNode::as_db)
}

fn consumers(sim: &Sim<QueueNode>) -> Vec<(&crate::algo::queue::Consumer, NodeStatus)> {
    sim.nodes()
        .iter()
        .filter_map(|(_, n, s)| Some((n.as_consumer()?, s)))
        .collect()
}

fn working_after_some_effects(sim: &Sim<QueueNode>) -> bool {
    db(sim).is_some_and(|d| d.effects().len() >= 3)
        && consumers(sim)
            .into_iter()
            .any(|(c, _)| c.phase() == Phase::Working)
}

fn a_consumer_crashed(sim: &Sim<QueueNode>) -> bool {
    consumers(sim)
        .into_iter()
        .any(|(_, s)| s == NodeStatus::Crashed)
}

/// The reaper has requeued the crashed consumer's message, and a live consumer has taken
/// it: the stage shows the rescue done, not the message in two lists at once between the
/// reaper's RPUSH and its LREM.
fn reaper_requeued(sim: &Sim<QueueNode>) -> bool {
    sim.nodes()
        .iter()
        .any(|(_, n, _)| n.as_reaper().is_some_and(|r| r.requeued() >= 1))
        && crate::algo::queue::stats::counters(sim).redelivered >= 1
}

fn applied_twice(sim: &Sim<QueueNode>) -> bool {
    db(sim).is_some_and(|d| d.first_duplicate().is_some())
}

/// An effect was applied twice, and the database's answer to the second write has reached
/// its consumer: no consumer still shows APPLYING beside a database that already counts
/// the duplicate.
fn applied_twice_and_answered(sim: &Sim<QueueNode>) -> bool {
    applied_twice(sim)
        && consumers(sim)
            .into_iter()
            .all(|(c, _)| c.phase() != Phase::Applying)
}

fn dead_lettered(sim: &Sim<QueueNode>) -> bool {
    broker(sim).is_some_and(|b| b.depth(sim.now()).dead >= 1)
}

/// Redis is back up after its crash, and a producer is still retrying (it sent one
/// message three times while Redis was down; nothing else makes three attempts here).
fn broker_back(sim: &Sim<QueueNode>) -> bool {
    sim.status(REDIS) == Some(NodeStatus::Up)
        && sim
            .nodes()
            .iter()
            .filter_map(|(_, n, _)| n.as_producer()?.sending())
            .any(|s| s.attempt >= 3)
}

/// Redis came back from a power loss that took its unflushed writes, and a lost
/// acknowledgement has since brought a processed message back: its effect is applied twice.
fn replayed_after_power_loss(sim: &Sim<QueueNode>) -> bool {
    sim.status(REDIS) == Some(NodeStatus::Up)
        && broker(sim).is_some_and(|b| b.server().aof().lost_count() >= 1)
        && applied_twice(sim)
}

fn duplicate_skipped(sim: &Sim<QueueNode>) -> bool {
    consumers(sim)
        .into_iter()
        .any(|(c, _)| c.ledger().skipped_duplicates >= 1)
}

pub fn tour() -> Vec<TourStop<QueueScene>> {
    vec![
        TourStop {
            title: "LPUSH + BRPOP",
            caption: "The queue of many tutorials: producers LPUSH each message onto a Redis list, consumers BRPOP the other end, work, and apply the effect to the database. With nothing failing, every message is processed exactly once.",
            scenario: "happy",
            at: At::When(working_after_some_effects),
            // Nothing singled out: the caption reads the flow from the producers on, and a
            // narrow embed that centred Redis hid them.
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A crash after the pop",
            caption: "c2 crashed while working. BRPOP had removed the message from Redis, so it existed only in c2's memory: it is gone, although Redis confirmed it to its producer. The counter of lost messages goes red.",
            scenario: "brpop-crash",
            at: At::When(a_consumer_crashed),
            highlights: &[C2],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "BLMOVE: a processing list",
            caption: "The same crash with BLMOVE: the message moved atomically into c2's processing list instead of vanishing. The reaper finds it there after the visibility timeout and pushes it back in the queue, and c1 processes it. Nothing is lost.",
            scenario: "blmove-crash",
            at: At::When(reaper_requeued),
            highlights: &[C1],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Slow is not dead",
            caption: "c1 is slow: it works 600 ms on a message, longer than the 300 ms visibility timeout. The reaper cannot tell slow from dead, so it requeues the message; c2 processes it and c1 finishes too. The effect happens twice: at least once means duplicates.",
            scenario: "slow-consumer",
            at: At::When(applied_twice_and_answered),
            highlights: &[C1, DB],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Consumer group and poison",
            caption: "A stream with a consumer group: Redis keeps each delivered entry, with its delivery count, in the pending entries list until XACK; a peer claims one idle too long (XAUTOCLAIM). A poison message fails every time: past the limit, it goes to a dead-letter stream.",
            scenario: "poison",
            at: At::When(dead_lettered),
            highlights: &[REDIS],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Power loss without persistence",
            caption: "Consumers are slower than producers, so messages pile up, and the machine Redis runs on loses power. Without persistence Redis restarts empty: every queued message is lost, although each was confirmed. Delivery guarantees are only as good as the broker's memory.",
            scenario: "broker-crash-none",
            at: At::When(broker_back),
            highlights: &[REDIS],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "AOF every second",
            caption: "The same power loss, with the append-only file flushed once a second: the older backlog survives, but writes since the last fsync, still in the page cache, are lost, confirmations included. Lost acknowledgements bring processed messages back: processed twice.",
            scenario: "broker-crash-everysec",
            at: At::When(replayed_after_power_loss),
            highlights: &[REDIS],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "AOF always",
            caption: "With appendfsync always, every write is on disk before Redis replies, so a confirmation means the message survives even a power loss. Nothing confirmed is lost; the price is a disk write per command.",
            scenario: "broker-crash-always",
            at: At::When(broker_back),
            highlights: &[REDIS],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Idempotent consumers",
            caption: "Redeliveries cannot be avoided, so make them harmless: each consumer applies the effect and records the message id in one database transaction. Here p1's reply was lost and it resent p1.1; the second copy found its id recorded and was skipped (dedupe: 1).",
            scenario: "idempotent",
            at: At::When(duplicate_skipped),
            highlights: &[DB],
            focus: Focus::Nodes,
        },
    ]
}

pub fn legend() -> Vec<LegendEntry> {
    let entry = |swatch, label, meaning| LegendEntry {
        swatch,
        label,
        meaning,
    };
    vec![
        entry(Swatch::Class("q-chip"), "p1.3", "A message: producer 1's third. The small number is how many times Redis has handed it to a consumer."),
        entry(Swatch::Class("q-chip redelivered"), "×2", "A message handed out more than once: redelivered by Redis, or sent twice by its producer. Either may apply its effect twice."),
        entry(Swatch::Class("q-chip poison"), "poison", "A message whose processing always fails (a bad payload)."),
        entry(Swatch::Class("q-chip dead"), "dead letter", "A message moved to the dead-letter stream after too many deliveries."),
        entry(Swatch::Class("q-lane-queue"), "queue", "Messages waiting in Redis, the next to be handed out on the right."),
        entry(Swatch::Class("q-lane-progress"), "processing / pending", "Messages handed to a consumer and not yet acknowledged: still in Redis, so they can be redelivered."),
        entry(Swatch::NodeState("joining"), "JOINING", "The consumer creates the stream's consumer group, or finds it already there (XGROUP CREATE), before its first read."),
        entry(Swatch::NodeState("waiting"), "WAITING", "The consumer has asked Redis for the next message and waits for the reply."),
        entry(Swatch::NodeState("waiting"), "BLOCKED", "The consumer's blocking read waits inside Redis (dashed link) until a message arrives or its timeout runs out."),
        entry(Swatch::NodeState("claiming"), "CLAIMING", "The consumer looks for pending entries idle too long (XAUTOCLAIM), or reads one's delivery count."),
        entry(Swatch::NodeState("working"), "WORKING", "The consumer works on the message it holds: a crash now decides whether the message survives."),
        entry(Swatch::NodeState("applying"), "APPLYING", "The consumer asked the database to apply the message's effect."),
        entry(Swatch::NodeState("acking"), "ACKING", "The consumer acknowledges the message (LREM or XACK)."),
        entry(Swatch::NodeState("dead-lettering"), "DEAD-LETTER", "The consumer moves a message that failed too often to the dead-letter stream."),
        entry(Swatch::NodeState("resting"), "RESTING", "Redis answered the consumer with an unexpected error: it waits a moment before trying again."),
        entry(Swatch::NodeState("sending"), "SENDING", "The producer waits for Redis to confirm its message."),
        entry(Swatch::NodeState("duplicates"), "DUPLICATES", "The database applied some message's effect more than once."),
        entry(Swatch::NodeState("crashed"), "CRASHED", "A crashed node: its memory is gone. For Redis, a crash here is its machine going down: it keeps only what its persistence had flushed to disk."),
        entry(Swatch::NodeState("paused"), "PAUSED", "A paused node does nothing until it is resumed; to the others it looks dead, as during a long garbage-collection pause."),
        entry(Swatch::Message, "LPUSH p1.3", "A request or reply in flight, labelled with its command and the message it carries. Click it to drop it."),
        entry(Swatch::Class("q-counter bad"), "lost / duplicated", "A counter in red: a confirmed message was lost, or an effect was applied twice."),
        entry(Swatch::Class("line-queued"), "waiting", "In the chart: messages waiting in the queue (for a stream, the group's lag)."),
        entry(Swatch::Class("line-progress"), "in progress", "In the chart: messages handed out and not yet acknowledged."),
        entry(Swatch::Class("line-dead"), "dead-lettered", "In the chart: messages in the dead-letter stream."),
    ]
}
