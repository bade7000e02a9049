//! The scene's parameters, their limits, and where each role sits in the node list.
use super::redlock;
use crate::algo::redis::Persistence;
use crate::sim::{Line, NodeId, Time};
use std::fmt;
use std::str::FromStr;

/// Most clients the scene supports (the view has room for eight).
pub const MAX_CLIENTS: u32 = 8;
/// How many independent servers Redlock uses.
pub const REDLOCK_SERVERS: u32 = 5;
/// Longest TTL, work, think or backoff time a configuration may ask for.
pub const MAX_DURATION: Time = Time::from_millis(60_000);

/// Which lock algorithm the clients use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum LockKind {
    /// A lease on one Redis server (`SET NX PX`, `INCR`, compare-and-delete).
    #[default]
    Lease,
    /// ZooKeeper queue lock; each waiter watches only its predecessor.
    QueuePredecessor,
    /// ZooKeeper queue lock; every waiter watches the lock node (the herd effect).
    QueueHerd,
    /// Redlock: a majority of five independent lease servers.
    Redlock,
}

impl LockKind {
    pub const ALL: [LockKind; 4] = [
        LockKind::Lease,
        LockKind::QueuePredecessor,
        LockKind::QueueHerd,
        LockKind::Redlock,
    ];

    /// The kind's name in links and commands.
    pub fn slug(self) -> &'static str {
        match self {
            LockKind::Lease => "lease",
            LockKind::QueuePredecessor => "queue",
            LockKind::QueueHerd => "herd",
            LockKind::Redlock => "redlock",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            LockKind::Lease => "Lease lock (one Redis)",
            LockKind::QueuePredecessor => "Queue lock, watch the predecessor (ZooKeeper)",
            LockKind::QueueHerd => "Queue lock, watch the lock node (herd effect)",
            LockKind::Redlock => "Redlock (five Redis servers)",
        }
    }

    pub fn from_slug(slug: &str) -> Option<LockKind> {
        LockKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn is_queue(self) -> bool {
        matches!(self, LockKind::QueuePredecessor | LockKind::QueueHerd)
    }

    /// Whether the lock service hands out a fencing token the storage can check.
    pub fn has_fencing_tokens(self) -> bool {
        self != LockKind::Redlock
    }
}

impl fmt::Display for LockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for LockKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LockKind::from_slug(s).ok_or_else(|| {
            format!("unknown lock kind \"{s}\" (expected lease, queue, herd or redlock)")
        })
    }
}

/// The scene's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LocksConfig {
    /// How many clients compete for the lock (1 to [`MAX_CLIENTS`]).
    pub clients: u32,
    pub kind: LockKind,
    /// The lease's time to live (lease and Redlock), or the session timeout (queue lock):
    /// how long the lock outlives a holder that went silent.
    pub ttl: Time,
    /// Whether the storage checks fencing tokens. Redlock has no token to check, so for it
    /// this changes nothing.
    pub fencing: bool,
    /// Time spent inside the critical section before the write.
    pub work: Time,
    /// Longest time a client thinks between two rounds (each time is drawn from
    /// `think/2..=think`, so that the clients drift apart).
    pub think: Time,
    /// Rounds (acquire, write, release) each client makes before it stops; 0 = forever.
    pub rounds: u32,
    /// First retry delay after a failed attempt; it doubles per failure, with jitter.
    pub backoff: Time,
    /// How long a client waits for a reply before it gives up on (or repeats) a request.
    pub request_timeout: Time,
    /// What the Redis servers (lease lock and Redlock) keep across a crash: none,
    /// `appendfsync everysec` or `appendfsync always`. The queue lock's ZooKeeper is
    /// replicated and loses nothing.
    pub persistence: Persistence,
}

impl Default for LocksConfig {
    fn default() -> Self {
        LocksConfig {
            clients: 3,
            kind: LockKind::Lease,
            ttl: Time::from_millis(100),
            fencing: true,
            work: Time::from_millis(10),
            think: Time::from_millis(20),
            rounds: 5,
            backoff: Time::from_millis(5),
            request_timeout: Time::from_millis(30),
            persistence: Persistence::AofAlways,
        }
    }
}

impl LocksConfig {
    /// Checks that the configuration describes a run that can happen; the message is meant
    /// for the page: a typed line (an English template and its values) that the page shows
    /// in its language.
    pub fn validate(&self) -> Result<(), Line> {
        if self.clients == 0 {
            return Err(Line::tr("a lock needs at least one client (got 0)"));
        }
        if self.clients > MAX_CLIENTS {
            return Err(
                Line::tr("at most {max} clients fit in this scene (got {n})")
                    .with("max", MAX_CLIENTS)
                    .with("n", self.clients),
            );
        }
        let durations = [
            (Line::tr("the lease TTL"), self.ttl),
            (Line::tr("the backoff"), self.backoff),
            (Line::tr("the request timeout"), self.request_timeout),
        ];
        for (what, value) in &durations {
            if *value == Time::ZERO {
                return Err(Line::tr("{what} must be longer than 0 ms").text("what", what.clone()));
            }
        }
        let bounded = durations.into_iter().chain([
            (Line::tr("the work time"), self.work),
            (Line::tr("the think time"), self.think),
        ]);
        for (what, value) in bounded {
            if value > MAX_DURATION {
                return Err(Line::tr(
                    "{what} of {value} is longer than the {max} this scene allows",
                )
                .text("what", what)
                .with("value", value)
                .with("max", MAX_DURATION));
            }
        }
        let drift = redlock::drift_allowance(self.ttl);
        if self.kind == LockKind::Redlock && self.ttl <= drift {
            return Err(Line::tr(
                "with a TTL of {ttl} Redlock can never hold the lock: its clock-drift allowance \
                 ({drift}: 1% of the TTL plus 2 ms) uses it all up",
            )
            .with("ttl", self.ttl)
            .with("drift", drift));
        }
        if self.kind.is_queue() && self.ttl < Time(3) {
            return Err(Line::tr(
                "the session timeout must be at least 3 µs (heartbeats go every third of it)",
            ));
        }
        Ok(())
    }

    /// The same configuration with every value forced into range, so that building nodes
    /// from a bad configuration never panics (the page shows `validate`'s message).
    pub fn sanitized(&self) -> LocksConfig {
        let clamp = |t: Time, lo: u64| Time(t.0.clamp(lo, MAX_DURATION.0));
        LocksConfig {
            clients: self.clients.clamp(1, MAX_CLIENTS),
            kind: self.kind,
            ttl: clamp(self.ttl, 3),
            fencing: self.fencing,
            work: clamp(self.work, 0),
            think: clamp(self.think, 0),
            rounds: self.rounds,
            backoff: clamp(self.backoff, 1),
            request_timeout: clamp(self.request_timeout, 1),
            persistence: self.persistence,
        }
    }
}

/// Where each role sits in the node list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// The lock server (one), or Redlock's five.
    pub servers: Vec<NodeId>,
    pub storage: NodeId,
    pub clients: Vec<NodeId>,
}

pub fn layout(config: &LocksConfig) -> Layout {
    let config = config.sanitized();
    let server_count = if config.kind == LockKind::Redlock {
        REDLOCK_SERVERS
    } else {
        1
    };
    Layout {
        servers: (0..server_count).map(NodeId).collect(),
        storage: NodeId(server_count),
        clients: (0..config.clients)
            .map(|i| NodeId(server_count + 1 + i))
            .collect(),
    }
}
