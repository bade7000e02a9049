//! Why the client a lease lock's server names as the holder may not know it holds the lock.
//!
//! The server's key and the client's belief change at different moments: Redis sets the
//! key when the `SET … NX` runs, and the client learns it only when the reply arrives
//! (review #11); the client lets go when it sends its release, and the key goes only when
//! the release arrives. Between the two the panel says what the server has, not that the
//! client holds the lock. (A queue lock's holder learns it from its getChildren reply: the
//! panel words that case from the lock view alone.)
use crate::algo::locks::{LeaseMsg, LockMsg, LockNode, LockView};
use crate::sim::Sim;

/// Why the server's holder does not believe it holds the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolderUnaware {
    /// A reply granting it the key is on its way to it (or waits for it while it is
    /// paused).
    ReplyInFlight,
    /// It has let the lock go: its release is on its way to the server.
    Releasing,
    /// Neither: it gave up waiting for its reply, the reply was lost, or its own clock said
    /// the lease was over. The key stays until its lease runs out.
    NotWaiting,
}

/// For a lease lock or Redlock whose holder (by the server, or a majority of them) is up
/// and does not believe it holds the lock: why. `None` otherwise, and for queue locks.
pub fn holder_unaware(sim: &Sim<LockNode>, lock: &LockView) -> Option<HolderUnaware> {
    let holder = lock.holder.as_ref()?;
    if lock.kind.is_queue() || holder.believes || holder.crashed {
        return None;
    }
    let granted_reply = sim.in_flight().any(|m| {
        m.to == holder.client
            && matches!(
                m.msg,
                LockMsg::Lease(LeaseMsg::AcquireReply { granted: true, .. })
            )
    });
    if granted_reply {
        return Some(HolderUnaware::ReplyInFlight);
    }
    // A lease client waits for its DEL's reply (RELEASING); a Redlock client sends its
    // DELs to every server and goes on without waiting: the messages tell both.
    let release = sim.in_flight().any(|m| {
        m.from == holder.client && matches!(m.msg, LockMsg::Lease(LeaseMsg::Release { .. }))
    });
    Some(if release {
        HolderUnaware::Releasing
    } else {
        HolderUnaware::NotWaiting
    })
}
