//! The scene's safety properties, checked after every step.
//!
//! **No confirmed message lost.** "Eventually processed" cannot be checked at one step, so
//! the check asks where each confirmed message is *now*: a confirmed message must have been
//! processed (its effect applied) or be somewhere it will still be processed from:
//! - in Redis: queued, in a processing list, pending in the consumer group, or in the
//!   dead-letter stream (parked for a person to look at, not lost);
//! - with a consumer that is up or paused, from the moment it received the message until
//!   it acknowledged it;
//! - on the wire to a consumer still waiting for that reply (once the consumer times out
//!   and asks again, a late reply is ignored and its message counts as lost);
//! - on the wire to the database, in an apply request it has not received yet.
//!
//! A crashed consumer holds nothing; a crashed broker holds what its disk holds. The last
//! bullet is generous: an apply request dropped by the network after its consumer crashed
//! keeps counting as on the wire (the nodes cannot see the drop). [`super::stats::counters`]
//! looks at the messages really in flight and counts such a message as lost.
//!
//! **No duplicate effect.** No message's effect is applied twice.
//!
//! **Per-producer order.** Each producer's messages are handed out for the first time in
//! the order the producer created them. Lists and streams hand out in arrival order, so
//! this holds in every design *when producers wait for each confirmation* (one message in
//! flight at a time); redeliveries are not first hand-outs and may come in any order. With
//! producers that do not wait, the network may reorder their sends and no order is
//! promised: the check then passes.
use super::message::MessageId;
use super::QueueNode;
use crate::sim::sorted::SortedSet;
use crate::sim::{Invariant, Line, NodeSet, NodeStatus, Time};

pub const NO_CONFIRMED_LOSS: &str = "no confirmed message lost";
pub const NO_DUPLICATE_EFFECT: &str = "no duplicate effect";
pub const PER_PRODUCER_ORDER: &str = "per-producer order";

pub fn invariants() -> Vec<Invariant<QueueNode>> {
    vec![
        Invariant::new(
            NO_CONFIRMED_LOSS,
            "every message Redis confirmed to its producer is processed, or still in Redis \
             (queued, in progress or dead-lettered), with a live consumer, or on its way",
            check_no_confirmed_loss,
        )
        .checked_when(loss_key),
        Invariant::new(
            NO_DUPLICATE_EFFECT,
            "no message's effect is applied to the database more than once",
            check_no_duplicate_effect,
        ),
        Invariant::new(
            PER_PRODUCER_ORDER,
            "each producer's messages are handed out for the first time in the order it \
             created them (promised when producers wait for each confirmation)",
            check_per_producer_order,
        ),
    ]
}

/// Every message some producer got a confirmation for.
pub fn confirmed(nodes: &NodeSet<'_, QueueNode>) -> SortedSet<MessageId> {
    crate::sim::sorted::SortedSet::from_iter(
        nodes
            .iter()
            .filter_map(|(_, n, _)| n.as_producer())
            .flat_map(|p| p.ledger().confirmed.iter().copied()),
    )
}

/// Messages a consumer holds or is about to receive, and apply requests that may still
/// land: the places outside Redis where a message is still alive (see the module notes).
pub fn outside_redis(nodes: &NodeSet<'_, QueueNode>) -> SortedSet<MessageId> {
    let mut alive = SortedSet::new();
    let broker = nodes.iter().find_map(|(_, n, _)| n.as_broker());
    let db = nodes.iter().find_map(|(_, n, _)| n.as_db());
    for (id, node, status) in nodes.iter() {
        let Some(c) = node.as_consumer() else {
            continue;
        };
        if status != NodeStatus::Crashed {
            alive.extend(c.holding().map(|d| d.message.id));
            let sent = broker.and_then(|b| b.handouts().last_to.get(&id));
            if let Some((req, messages)) = sent {
                if c.wants_reply(*req) {
                    alive.extend(messages.iter().copied());
                }
            }
        }
        for (req, message) in &c.ledger().unanswered_applies {
            if db.is_some_and(|d| !d.has_received(id, *req)) {
                alive.insert(*message);
            }
        }
    }
    alive
}

/// Confirmed messages whose effect was never applied, in id order. Each producer's
/// confirmed set and the database's effects are both sorted by message id, so one walk
/// over both finds them, starting after the prefix the database knows is all applied
/// (this runs after most steps).
pub fn confirmed_unprocessed(nodes: &NodeSet<'_, QueueNode>) -> Vec<MessageId> {
    let db = nodes.iter().find_map(|(_, n, _)| n.as_db());
    let mut open = Vec::new();
    for p in nodes.iter().filter_map(|(_, n, _)| n.as_producer()) {
        let from = MessageId {
            producer: p.number(),
            seq: db.map_or(1, |d| d.unapplied_from(p.number())),
        };
        let confirmed = p.ledger().confirmed.range(from..);
        let mut applied = db
            .into_iter()
            .flat_map(|d| d.effects().range(from..).map(|(m, _)| *m))
            .peekable();
        for m in confirmed {
            while applied.next_if(|a| a < m).is_some() {}
            if applied.next_if_eq(m).is_none() {
                open.push(*m);
            }
        }
    }
    open
}

/// Confirmed messages that are nowhere (see the module notes), in id order.
pub fn unaccounted(nodes: &NodeSet<'_, QueueNode>) -> Vec<MessageId> {
    let open = confirmed_unprocessed(nodes);
    if open.is_empty() {
        return open;
    }
    // No key of this scene expires, so any time reads Redis the same.
    let in_redis = nodes
        .iter()
        .find_map(|(_, n, _)| n.as_broker())
        .map(|b| b.holds(Time::ZERO))
        .unwrap_or_default();
    let alive = outside_redis(nodes);
    open.into_iter()
        .filter(|m| in_redis.binary_search(m).is_err() && !alive.contains(m))
        .collect()
}

/// "p1.1, p1.2": the first five, then how many more.
fn list(ids: &[MessageId]) -> Line {
    let shown = Line::list(ids.iter().take(5).map(Line::value)).unwrap_or_else(|| Line::value(""));
    if ids.len() > 5 {
        Line::tr("{messages} and {n} more")
            .text("messages", shown)
            .with("n", ids.len() - 5)
    } else {
        shown
    }
}

fn check_no_confirmed_loss(nodes: &NodeSet<'_, QueueNode>) -> Result<(), Line> {
    let lost = unaccounted(nodes);
    if lost.is_empty() {
        return Ok(());
    }
    let sentence = if lost.len() == 1 {
        Line::tr(
            "{messages} was confirmed to the producer but was never processed and is nowhere \
             any more",
        )
    } else {
        Line::tr(
            "{messages} were confirmed to the producer but were never processed and are \
             nowhere any more",
        )
    };
    Err(sentence.text("messages", list(&lost)))
}

fn check_no_duplicate_effect(nodes: &NodeSet<'_, QueueNode>) -> Result<(), Line> {
    let Some(db) = nodes.iter().find_map(|(_, n, _)| n.as_db()) else {
        return Ok(());
    };
    match db.first_duplicate() {
        Some(m) => Err(Line::tr("the effect of {message} was applied {n} times")
            .with("message", m)
            .with("n", db.applied(m))),
        None => Ok(()),
    }
}

/// What a confirmed message's whereabouts can change with (see [`Invariant::checked_when`]):
/// a message goes missing only when a producer gets a confirmation, Redis hands a message
/// out, a node crashes or restarts, or a consumer takes, drops or stops waiting for one.
fn loss_key(nodes: &NodeSet<'_, QueueNode>) -> u64 {
    let mut key = 0u64;
    let mut mix = |x: u64| key = (key ^ x).wrapping_mul(0x0100_0000_01b3).rotate_left(7);
    for (id, node, status) in nodes.iter() {
        mix(u64::from(id.0) << 8 | status as u64);
        match node {
            QueueNode::Producer(p) => mix(p.ledger().confirmed.len() as u64),
            QueueNode::Broker(b) => mix(b.handouts().delivered),
            QueueNode::Consumer(c) => {
                mix(c.awaiting().unwrap_or(0));
                mix(c.phase() as u64);
                mix(c.holding().map_or(0, |d| {
                    u64::from(d.message.id.producer) << 32 | u64::from(d.message.id.seq)
                }));
                mix(c.ledger().unanswered_applies.len() as u64);
            }
            QueueNode::Db(_) | QueueNode::Reaper(_) => {}
        }
    }
    key
}

fn check_per_producer_order(nodes: &NodeSet<'_, QueueNode>) -> Result<(), Line> {
    let promised = nodes
        .iter()
        .filter_map(|(_, n, _)| n.as_producer())
        .all(|p| p.waits());
    if !promised {
        return Ok(());
    }
    let broken = nodes
        .iter()
        .find_map(|(_, n, _)| n.as_broker())
        .and_then(|b| b.handouts().order_broken);
    match broken {
        Some((early, late)) => Err(Line::tr(
            "{early} was handed out for the first time after {late}, a later message of the \
             same producer",
        )
        .with("early", early)
        .with("late", late)),
        None => Ok(()),
    }
}
