//! What the scene's lock view draws: the holder, the queue, the servers, the believers
//! and the storage, as typed data.
use super::config::{LockKind, REDLOCK_SERVERS};
use super::fencing::StorageEntry;
use super::queue_lock::WatchTarget;
use super::{LockNode, MsgStats};
use crate::sim::{NodeId, NodeSet, NodeStatus, Sim, Time};

/// The holder as the lock service sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HolderView {
    pub client: NodeId,
    pub name: String,
    /// The fencing token (lease counter or queue sequence number), if any.
    pub token: Option<u64>,
    /// Whether that client itself believes it holds the lock. A queue lock's lowest node
    /// belongs to a client that learns it only when its getChildren reply arrives; a grant
    /// may still be on its way; a crashed client believes nothing.
    pub believes: bool,
    /// That client is crashed (its queue node stays until its session expires).
    pub crashed: bool,
}

/// A client waiting in the queue lock, in queue order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WaiterView {
    pub client: NodeId,
    pub name: String,
    /// Its sequential node's number.
    pub seq: u64,
    pub watching: WatchTarget,
}

/// One lock server's state (one server, or Redlock's five).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServerView {
    pub server: NodeId,
    pub status: NodeStatus,
    pub holder: Option<NodeId>,
    pub expires: Option<Time>,
}

/// A client that believes it holds the lock (two of them is the "single holder" failure).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BelieverView {
    pub client: NodeId,
    pub name: String,
    pub token: Option<u64>,
    /// When its lease ends by its own estimate.
    pub believed_expiry: Option<Time>,
    pub paused: bool,
}

/// Totals over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LockStats {
    /// Grants received by clients.
    pub acquisitions: u64,
    /// Messages of the lock protocol (requests and replies), from every node.
    pub messages: MsgStats,
    pub writes_accepted: u64,
    pub writes_rejected: u64,
    /// Holders that found out their lease or session had ended while they held it.
    pub leases_lost: u64,
    /// Attempts that failed and made their client back off (lease and Redlock: the lock
    /// was busy or the reply late; queue: the session was lost).
    pub failed_attempts: u64,
}

impl LockStats {
    /// Lock-protocol messages and notifications per acquisition (heartbeats and storage
    /// traffic left out: they do not depend on how waiters wait).
    pub fn messages_per_acquisition(&self) -> Option<f64> {
        (self.acquisitions > 0).then(|| {
            (self.messages.lock + self.messages.notifications) as f64 / self.acquisitions as f64
        })
    }

    pub fn notifications_per_acquisition(&self) -> Option<f64> {
        (self.acquisitions > 0)
            .then(|| self.messages.notifications as f64 / self.acquisitions as f64)
    }
}

/// Everything the lock view draws at one step.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LockView {
    pub kind: LockKind,
    /// The holder according to the lock service (for Redlock: a client holding a majority).
    pub holder: Option<HolderView>,
    /// Queue lock: the clients behind the holder, in order.
    pub waiters: Vec<WaiterView>,
    /// When the holder's lease runs out on the server (lease lock), or its session would
    /// expire without heartbeats (queue lock).
    pub lease_expiry: Option<Time>,
    pub servers: Vec<ServerView>,
    pub believers: Vec<BelieverView>,
    /// The storage's most recent writes, oldest first.
    pub storage: Vec<StorageEntry>,
    pub fencing: bool,
    pub stats: LockStats,
}

fn client_name(nodes: &NodeSet<'_, LockNode>, id: NodeId) -> String {
    match nodes.get(id) {
        Some(LockNode::Client(c)) => format!("client {}", c.number()),
        _ => id.to_string(),
    }
}

/// Totals of the run so far.
pub fn lock_stats(sim: &Sim<LockNode>) -> LockStats {
    let mut stats = LockStats::default();
    for (_, node, _) in sim.nodes().iter() {
        match node {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => stats.messages.add(&s.sent),
            LockNode::QueueServer(s) => stats.messages.add(&s.sent),
            LockNode::Storage(s) => {
                stats.messages.add(&s.sent);
                stats.writes_accepted += s.accepted_count();
                stats.writes_rejected += s.rejected_count();
            }
            LockNode::Client(c) => {
                stats.messages.add(&c.stats.sent);
                stats.acquisitions += c.stats.acquisitions;
                stats.leases_lost += c.stats.leases_lost;
                stats.failed_attempts += c.stats.failed_attempts;
            }
        }
    }
    stats
}

/// The lock-queue view of a run at its current step.
pub fn lock_view(sim: &Sim<LockNode>) -> LockView {
    let nodes = sim.nodes();
    let mut view = LockView {
        kind: LockKind::Lease,
        holder: None,
        waiters: Vec::new(),
        lease_expiry: None,
        servers: Vec::new(),
        believers: Vec::new(),
        storage: Vec::new(),
        fencing: false,
        stats: lock_stats(sim),
    };
    let mut redlock_holders: Vec<NodeId> = Vec::new();
    for (id, node, status) in nodes.iter() {
        match node {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => {
                let lease = s.lease().filter(|l| l.expires_at > sim.now());
                view.servers.push(ServerView {
                    server: id,
                    status,
                    holder: lease.as_ref().map(|l| l.owner),
                    expires: lease.as_ref().map(|l| l.expires_at),
                });
                if matches!(node, LockNode::RedlockServer(_)) {
                    view.kind = LockKind::Redlock;
                    redlock_holders.extend(lease.as_ref().map(|l| l.owner));
                } else if let Some(l) = lease {
                    view.holder = Some(HolderView {
                        client: l.owner,
                        name: client_name(&nodes, l.owner),
                        token: l.fence,
                        believes: false,
                        crashed: false,
                    });
                    view.lease_expiry = Some(l.expires_at);
                }
            }
            LockNode::QueueServer(s) => {
                view.kind = if s.is_herd() {
                    LockKind::QueueHerd
                } else {
                    LockKind::QueuePredecessor
                };
                let queue = s.queue();
                view.servers.push(ServerView {
                    server: id,
                    status,
                    holder: queue.first().map(|c| c.client),
                    expires: queue
                        .first()
                        .and_then(|c| s.session_expiry(c.client, c.epoch)),
                });
                if let Some(first) = queue.first() {
                    view.holder = Some(HolderView {
                        client: first.client,
                        name: client_name(&nodes, first.client),
                        token: Some(first.seq),
                        believes: false,
                        crashed: false,
                    });
                    view.lease_expiry = s.session_expiry(first.client, first.epoch);
                }
                view.waiters = queue
                    .iter()
                    .skip(1)
                    .map(|c| WaiterView {
                        client: c.client,
                        name: client_name(&nodes, c.client),
                        seq: c.seq,
                        watching: s.watch_of(c.client, c.epoch),
                    })
                    .collect();
            }
            LockNode::Storage(s) => {
                view.storage = s.recent().cloned().collect();
                view.fencing = s.fencing();
            }
            LockNode::Client(c) => {
                if status != NodeStatus::Crashed {
                    if let Some(h) = c.believed_hold() {
                        view.believers.push(BelieverView {
                            client: id,
                            name: format!("client {}", c.number()),
                            token: h.token,
                            believed_expiry: h.believed_expiry,
                            paused: status == NodeStatus::Paused,
                        });
                    }
                }
            }
        }
    }
    if view.kind == LockKind::Redlock {
        // A Redlock holder is whoever holds a majority of the servers' leases.
        let majority = REDLOCK_SERVERS / 2 + 1;
        let mut counted: Vec<(NodeId, u32)> = Vec::new();
        for owner in redlock_holders {
            match counted.iter_mut().find(|(c, _)| *c == owner) {
                Some((_, n)) => *n += 1,
                None => counted.push((owner, 1)),
            }
        }
        if let Some((client, _)) = counted.into_iter().find(|(_, n)| *n >= majority) {
            view.holder = Some(HolderView {
                client,
                name: client_name(&nodes, client),
                token: None,
                believes: false,
                crashed: false,
            });
        }
    }
    if let Some(h) = view.holder.as_mut() {
        h.believes = view.believers.iter().any(|b| b.client == h.client);
        h.crashed = sim.status(h.client) == Some(NodeStatus::Crashed);
    }
    view
}
