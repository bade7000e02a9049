//! The clients of the locks scene are interchangeable, for the explorer's symmetry
//! reduction ([`crate::sim::Symmetry`]): two worlds that differ only by which client is
//! which are one state to it.
//!
//! Why that is sound, in every variant (lease, both queue locks, Redlock) and every
//! setting:
//!
//! - Every client is built from the same configuration: one TTL, one work, think, backoff
//!   and request timeout, one number of rounds, for all of them. Nothing in the scene
//!   gives one client settings of its own. (A scenario that pauses or crashes one client
//!   is a list of actions; the explorer starts from the configuration alone.)
//! - No decision compares client ids or treats one id specially. The lease servers decide
//!   by the key's value (the holder's random token), the queue server by sequence numbers
//!   (the order of creation), Redlock's clients count servers, and the storage compares
//!   fencing tokens. The queue server keeps its sessions in a map ordered by client id,
//!   but that order only decides in which order a restart sets the sessions' expiry
//!   timers, and the explorer may fire set timers in any order.
//! - The invariants ask about every client alike ("no two clients believe they hold the
//!   lock"; "the storage never accepts a write under an older grant"). Their messages
//!   name clients, but the verdict does not depend on the names.
//!
//! Where a client id is kept, and renamed here: a client's own number; the lease
//! server's record of who set each lock value (and the clients parked in its Redis, none
//! in this scene: its commands never block); the queue server's children, sessions and
//! watches; the storage's log of writes (writer and number); the queue server's
//! session-expiry timers. The Redis data names no client (the lock's value is the
//! holder's random token, the counter a number) and no message names one: the storage
//! takes the writer from the connection, as a real one would. The servers and the
//! storage are in no class: Redlock's five servers are alike too, but each client sends
//! to them in a fixed order and 5! renamings on top of the clients' would pass the
//! kernel's limit, so they are left as they are.
use super::{LockNode, LockTimer};
use crate::sim::protocol::{Renaming, Symmetry};
use crate::sim::NodeId;

/// The scene's symmetry: one class, the clients.
pub(super) fn clients_interchangeable(nodes: &[&LockNode]) -> Symmetry<LockNode> {
    let clients = (0..nodes.len() as u32)
        .map(NodeId)
        .filter(|n| matches!(nodes[n.index()], LockNode::Client(_)))
        .collect();
    Symmetry {
        classes: vec![clients],
        state: renamed_node,
        msg: |msg, _| msg.clone(),
        timer: renamed_timer,
    }
}

/// A node's state with the client ids inside it renamed.
fn renamed_node(node: &LockNode, r: &Renaming) -> LockNode {
    match node {
        LockNode::LeaseServer(s) => LockNode::LeaseServer(s.renamed(r)),
        LockNode::RedlockServer(s) => LockNode::RedlockServer(s.renamed(r)),
        LockNode::QueueServer(s) => LockNode::QueueServer(s.renamed(r)),
        LockNode::Storage(s) => LockNode::Storage(s.renamed(r)),
        LockNode::Client(c) => LockNode::Client(c.renamed(r)),
    }
}

/// A timer with the client id inside it renamed (only the queue server's session expiry
/// names one).
fn renamed_timer(timer: &LockTimer, r: &Renaming) -> LockTimer {
    match *timer {
        LockTimer::SessionExpiry { client, epoch } => LockTimer::SessionExpiry {
            client: r.of(client),
            epoch,
        },
        ref other => other.clone(),
    }
}
