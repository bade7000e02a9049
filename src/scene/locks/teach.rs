//! The distributed-locks tour, each idea told from the failure that motivates it, and the
//! legend of every state and mark the stage and the lock panel draw.
use super::Locks;
use crate::algo::locks::{
    lock_stats, lock_view, Client, LockMsg, LockNode, WatchTarget, NO_STALE_WRITES,
};
use crate::scene::{At, Focus, LegendEntry, Swatch, TourStop};
use crate::sim::{NodeId, NodeStatus, Sim};

/// Every client, with its status.
fn clients(sim: &Sim<LockNode>) -> Vec<(&Client, NodeStatus)> {
    sim.nodes()
        .iter()
        .filter_map(|(_, n, status)| match n {
            LockNode::Client(c) => Some((c, status)),
            _ => None,
        })
        .collect()
}

/// A client crashed while it believed it held the lock... as far as the run can tell: a
/// crashed client forgets, so this asks for a crashed client and a lock still held for it.
fn holder_crashed(sim: &Sim<LockNode>) -> bool {
    let view = lock_view(sim);
    view.holder
        .is_some_and(|h| sim.status(h.client) == Some(NodeStatus::Crashed))
}

/// A client is crashed and another, up, holds the lock.
fn taken_over_from_crashed(sim: &Sim<LockNode>) -> bool {
    let crashed = clients(sim).iter().any(|(_, s)| *s == NodeStatus::Crashed);
    crashed
        && clients(sim)
            .iter()
            .any(|(c, s)| *s == NodeStatus::Up && c.believed_hold().is_some())
}

/// A paused client believes it holds the lock, and nobody else does yet.
fn paused_holder(sim: &Sim<LockNode>) -> bool {
    let view = lock_view(sim);
    view.believers.len() == 1 && view.believers.iter().all(|b| b.paused)
}

/// Two clients believe they hold the lock: one paused, one up.
fn two_holders(sim: &Sim<LockNode>) -> bool {
    let view = lock_view(sim);
    view.believers.iter().any(|b| b.paused) && view.believers.iter().any(|b| !b.paused)
}

/// The storage has rejected a write.
fn write_rejected(sim: &Sim<LockNode>) -> bool {
    lock_stats(sim).writes_rejected > 0
}

/// "No stale writes" has failed: the storage accepted a write made under an older grant.
fn stale_write_accepted(sim: &Sim<LockNode>) -> bool {
    sim.invariants()
        .iter()
        .zip(sim.violations())
        .any(|(inv, v)| inv.name == NO_STALE_WRITES && v.is_some())
}

/// At least three clients wait in the queue lock, each watching its predecessor.
fn queue_of_predecessors(sim: &Sim<LockNode>) -> bool {
    let view = lock_view(sim);
    view.holder.is_some()
        && view.waiters.len() >= 3
        && view
            .waiters
            .iter()
            .all(|w| matches!(w.watching, WatchTarget::Predecessor(_)))
}

/// At least five clients wait in the queue lock, watching the lock node, and a change to
/// /lock has just notified four of them or more at once: the herd the stop's caption tells
/// (placed when they merely waited, the stage showed one notification).
fn herd_notified(sim: &Sim<LockNode>) -> bool {
    let view = lock_view(sim);
    let notified = sim
        .in_flight()
        .filter(|m| matches!(&m.msg, LockMsg::Queue(q) if q.is_notification()))
        .count();
    view.waiters.len() >= 5
        && view
            .waiters
            .iter()
            .any(|w| w.watching == WatchTarget::LockNode)
        && notified >= 4
}

pub fn tour() -> Vec<TourStop<Locks>> {
    vec![
        TourStop {
            title: "A lock with a lease",
            caption: "A client got the lock: redis set the lock key with a 100 ms lease (SET NX PX), and the client started its work. Then it crashed while holding the lock. Nobody will ever release it; without a lease, the lock would stay taken forever.",
            scenario: "crash-lease",
            at: At::When(holder_crashed),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "The lease frees the lock",
            caption: "The other clients were refused and backed off, until the lease ran out on redis's clock, one TTL after the grant. Then another client's SET NX succeeded. The lease is what lets the lock survive a crashed holder.",
            scenario: "crash-lease",
            at: At::When(taken_over_from_crashed),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A GC pause",
            caption: "Now the holder does not crash: right after getting the lock it is paused for three TTLs (a long garbage collection, a frozen VM). Its timers freeze with it, so it cannot notice that its lease is running out.",
            scenario: "gc-pause",
            at: At::When(paused_holder),
            highlights: &[NodeId(4)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Two holders",
            caption: "The lease ran out on redis's clock while the holder slept, and another client got the lock with the next fencing token. The paused client still believes it holds the lock: two holders, and \"single holder\" fails. No lock service can prevent this belief.",
            scenario: "gc-pause",
            at: At::When(two_holders),
            highlights: &[NodeId(3), NodeId(4)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Fencing tokens",
            caption: "The paused client woke up and wrote with its old token, still believing it held the lock. The storage had already accepted a newer token, so it rejected the write: \"no stale writes\" holds. Fencing makes the second holder harmless.",
            scenario: "gc-pause",
            at: At::When(write_rejected),
            highlights: &[NodeId(1)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Without fencing",
            caption: "The same pause, with a storage that does not check tokens. The paused client's late write is accepted after the newer holder's, and overwrites it with a result computed under a lock it no longer had: \"no stale writes\" fails.",
            scenario: "gc-pause-unfenced",
            at: At::When(stale_write_accepted),
            highlights: &[NodeId(1)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "The ZooKeeper queue",
            caption: "ZooKeeper's recipe: each client creates an ephemeral sequential node under /lock; the lowest number holds the lock, and that number is its fencing token. Each waiter watches only the node just before its own. A node lasts as long as its client's session, which heartbeats keep alive.",
            scenario: "predecessor",
            at: At::When(queue_of_predecessors),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "The herd effect",
            caption: "Here every waiter watches /lock itself instead of its predecessor. Each time a child is added or deleted, all of them are notified and all read the list of children again, though only one of them can get the lock.",
            scenario: "herd",
            at: At::When(herd_notified),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "What the herd costs",
            caption: "By the end of the run the herd has cost about 9 notifications per acquisition; the predecessor recipe, with the same eight clients doing the same work, costs about 1. Watching the predecessor hands the lock on in queue order, one wake-up each.",
            scenario: "herd",
            at: At::End,
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
    ]
}

const fn state(class: &'static str, label: &'static str, meaning: &'static str) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::NodeState(class),
        label,
        meaning,
    }
}

pub fn legend() -> Vec<LegendEntry> {
    vec![
        state("held", "HELD", "The lock server has the lock key (a lease), or at least one node under /lock."),
        state("free", "FREE", "The lock server holds no lock: the next request gets it."),
        state("checks-tokens", "CHECKS TOKENS", "The storage checks fencing tokens: it will reject a write whose token is older than one it has accepted. It has rejected none yet."),
        state("rejected-stale", "REJECTED STALE", "The storage has rejected at least one write whose token was older than one it had accepted: fencing stopped a holder that had been replaced."),
        state("no-token-check", "NO TOKEN CHECK", "The storage accepts every write, whatever its token."),
        state("stale-write", "STALE WRITE", "The storage has accepted a write made under an older grant after one made under a newer grant."),
        state("idle", "IDLE", "A client that has not started yet, or crashed and has not restarted: it holds nothing and remembers nothing."),
        state("thinking", "THINKING", "A client between two rounds."),
        state("acquiring", "ACQUIRING", "A client asking for the lock."),
        state("waiting", "WAITING", "A client in the ZooKeeper queue, waiting for the node it watches to go."),
        state("backoff", "BACKOFF", "A client whose attempt failed, waiting a random, growing delay before the next one."),
        state("holding", "HOLDING", "A client that believes it holds the lock and works inside the critical section."),
        state("writing", "WRITING", "A client that believes it holds the lock; its write is on its way to the storage."),
        state("releasing", "RELEASING", "A client handing the lock back."),
        state("done", "DONE", "A client that has made all its rounds."),
        state("crashed", "CRASHED", "A crashed node (dashed, crossed out); a crashed client forgets everything."),
        LegendEntry {
            swatch: Swatch::Class("pause-mark"),
            label: "paused",
            meaning: "A paused node (dotted outline): a long GC or a frozen VM. Its timers wait with it, and it cannot tell that time passed.",
        },
        crate::scene::teaching::TIMER_ARC_ENTRY,
        crate::scene::teaching::HIGHLIGHT_ENTRY,
        LegendEntry {
            swatch: Swatch::Message,
            label: "SET lock NX PX",
            meaning: "A request or reply in flight, labelled with its command. Click it to drop it. The lease lock's request is a script (EVAL) that runs SET lock NX PX and, if the key was set, INCR lock:fencing: SET itself replies only OK or nil, and the fencing token in the reply is the counter's new value from INCR. Redlock's servers run the SET alone and hand out no token.",
        },
        LegendEntry {
            swatch: Swatch::CutLink,
            label: "cut link",
            meaning: "A link the network drops every message on.",
        },
        LegendEntry {
            swatch: Swatch::Class("lease-fill"),
            label: "lease left",
            meaning: "In the lock panel: the time left on the holder's lease (or session), by the server's clock.",
        },
        LegendEntry {
            swatch: Swatch::Class("watch"),
            label: "watch",
            meaning: "In the queue: the node each waiter watches, its predecessor, or /lock itself in the herd (drawn in the doubt colour). The lowest child is green once its client knows it holds the lock, and dashed until then.",
        },
    ]
}
