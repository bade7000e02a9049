//! What the nodes narrate: one typed note per decision a learner would want explained
//! (the scene turns each into a caption). Pauses, crashes and cut links are the kernel's
//! events; these are what the nodes decide and see. A server cannot know a client is
//! paused: it notes the expiry, and the scene, which sees the pause, can say "client 3's
//! lease expired on the server while client 3 was paused".
use crate::sim::{NodeId, Time};

/// What became of the value a refused release names, on the server that refused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OwnValue {
    /// This server never set it (its `SET NX` was refused here, or never arrived).
    NeverSet,
    /// It was set here and its lease ran out on this server's clock.
    Expired,
    /// It was set here and a crash of the server lost it.
    LostInCrash,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockNote {
    // A Redis lease server (one, or each of Redlock's five).
    /// `SET NX` succeeded: the key is `client`'s until `expires_at` (with a fencing token
    /// when the server hands them out).
    Granted {
        client: NodeId,
        fence: Option<u64>,
        expires_at: Time,
    },
    /// `SET NX` failed: `holder` has the key.
    Refused {
        client: NodeId,
        holder: NodeId,
    },
    /// Compare-and-delete: the key held `client`'s value and is gone. On one of
    /// Redlock's servers (`redlock`) that frees this server's key only, not the lock.
    Released {
        client: NodeId,
        redlock: bool,
    },
    /// Compare-and-delete refused: the key does not hold `client`'s value. `key_holder`:
    /// whose value the key holds now (`None`: there is no lock key); `own`: what became
    /// of `client`'s value on this server; `redlock`: the server is one of Redlock's, whose
    /// clients unlock every server, even those they did not lock.
    NotYours {
        client: NodeId,
        key_holder: Option<NodeId>,
        own: OwnValue,
        redlock: bool,
    },
    /// The key's TTL ran out on the server's clock, whatever `holder` is doing.
    LeaseExpired {
        holder: NodeId,
    },
    /// Back from a crash: whether the key survived, and the token counter it starts from.
    Restarted {
        kept_lease: bool,
        counter: u64,
    },
    /// Back from a crash that lost the writes not yet fsynced (`appendfsync everysec`):
    /// whether the key is there, and the counter, which stood at `counter_before` when the
    /// machine went down.
    RestartedLosingWrites {
        kept_lease: bool,
        counter: u64,
        counter_before: u64,
    },
    /// The background fsync (`appendfsync everysec`) put the writes so far on disk.
    Fsynced,

    // The queue lock's ZooKeeper.
    /// A new ephemeral sequential child of `/lock`.
    ChildCreated {
        client: NodeId,
        seq: u64,
    },
    /// A session heard nothing for a whole timeout: expired, and its child deleted.
    SessionExpired {
        client: NodeId,
        epoch: u32,
        deleted: Vec<u64>,
    },

    // The storage.
    WriteAccepted {
        client: NodeId,
        token: Option<u64>,
    },
    /// Fencing: `token` is older than `newest`, the highest it accepted.
    WriteRejected {
        client: NodeId,
        token: Option<u64>,
        newest: Option<u64>,
    },

    // A client.
    /// It got the lock; its lease ends at `believed_expiry` by its own estimate.
    Acquired {
        token: Option<u64>,
        believed_expiry: Option<Time>,
    },
    /// A grant came so late that its lease may be over: handed back instead of used.
    GaveBackLateGrant,
    /// Its own timer says the lease is over: it stops believing and releases.
    LeaseOverByItsOwnClock,
    /// Its session is gone (expired, or it can no longer vouch for it).
    SessionLost,
    /// It writes, believing it holds the lock.
    Wrote {
        token: Option<u64>,
    },
    /// The attempt failed: it waits `delay` before the next one.
    BackedOff {
        delay: Time,
        failures: u32,
    },
}
