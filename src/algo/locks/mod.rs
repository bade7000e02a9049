//! Distributed locks, and why a lock alone does not protect a shared resource.
//!
//! Several clients want to take turns writing to one storage service. Each loops:
//! acquire the lock, do some work inside the critical section, write the result to storage
//! (the write carries the lock's token), release, think, repeat. Four ways to get the lock
//! are modelled, each in its own file:
//!
//! - [`lease_lock`]: one Redis server, `SET lock <value> NX PX <ttl>` to acquire,
//!   `INCR lock:fencing` for the fencing token, a compare-and-delete script to release.
//!   The lock is a lease: it expires on the server's clock even if the holder never
//!   releases it. The server ([`lease_server`]) runs these commands on the shared Redis
//!   model ([`crate::algo::redis`]), with its persistence settings.
//! - [`queue_lock`]: the ZooKeeper recipe. Clients queue up as ephemeral sequential nodes;
//!   the lowest number holds the lock; a node disappears when its client's session expires.
//!   Two variants: each waiter watches only its predecessor, or every waiter watches the
//!   whole lock node (the "herd effect").
//! - [`redlock`]: the same lease on five independent servers, held when a majority agrees.
//! - [`fencing`]: the storage service, which can reject writes carrying an old token.
//!
//! The lesson of the scene is Martin Kleppmann's: a client can be paused (a long garbage
//! collection, a frozen VM) right after it got the lock. Its lease runs out, another client
//! takes the lock, and then the paused client wakes up still believing it holds the lock
//! and writes. No lock service can prevent that belief ("single holder" fails whatever the
//! algorithm). What makes it harmless is *fencing*: the lock service hands out increasing
//! tokens and the storage refuses a token older than the newest it has seen ("no stale
//! writes" then holds). Redlock hands out no such token, so it cannot be fenced.
//!
//! Node layout: the lock server(s) first, then the storage, then the clients
//! (see [`Layout`]).
pub mod client;
mod config;
pub mod contract;
pub mod fencing;
mod invariants;
pub mod lease_lock;
pub mod lease_server;
mod notes;
pub mod queue_lock;
pub mod redlock;
mod scenarios;
mod symmetry;
mod view;

pub use crate::algo::redis::Persistence;
pub use client::{Client, ClientStats, Phase};
pub use config::{
    layout, Layout, LockKind, LocksConfig, MAX_CLIENTS, MAX_DURATION, REDLOCK_SERVERS,
};
pub use contract::{short_token, Held};
pub use fencing::{Storage, StorageEntry, StorageMsg};
pub use invariants::{invariants, NO_STALE_WRITES, SINGLE_HOLDER};
pub use lease_lock::LeaseMsg;
pub use lease_server::{Lease, LeaseServer, FENCING_KEY, LOCK_KEY};
pub use notes::{LockNote, OwnValue};
pub use queue_lock::{QueueMsg, QueueServer, WatchTarget};
pub use scenarios::{scenario, scenarios, server_crash_under_a_paused_holder, ScenarioInfo};
pub use view::{
    lock_stats, lock_view, BelieverView, HolderView, LockStats, LockView, ServerView, WaiterView,
};

use crate::sim::{Ctx, Line, NetConfig, NodeId, Protocol, Sim, Time};
use std::fmt;
use std::str::FromStr;

/// Every simulated node of the scene.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockNode {
    LeaseServer(LeaseServer),
    QueueServer(QueueServer),
    /// One of Redlock's independent servers: a lease server without a fencing counter.
    RedlockServer(LeaseServer),
    Storage(Storage),
    Client(Client),
}

/// What travels between nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockMsg {
    Lease(LeaseMsg),
    Queue(QueueMsg),
    Storage(StorageMsg),
}

/// Every timer of the scene.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockTimer {
    /// Lease server: the lease runs out.
    LeaseExpiry,
    /// Lease server (`appendfsync everysec`): the background fsync, a second after a write
    /// started waiting for one.
    Fsync,
    /// Queue server: a session heard nothing for a whole timeout.
    SessionExpiry { client: NodeId, epoch: u32 },
    /// Client: thinking is over, start the next round.
    Think,
    /// Client: the work inside the critical section is done, write the result.
    Work,
    /// Client: the storage did not answer the write.
    WriteTimeout,
    /// Client: the lease ended by the client's own estimate.
    LeaseEnd,
    /// Client: backoff is over, try to acquire again.
    Retry,
    /// Client: a lock request got no reply in time.
    Request,
    /// Client (queue lock): send a heartbeat.
    Ping,
    /// Client (queue lock): no heartbeat reply for a whole session timeout.
    SessionCheck,
}

/// A person's input to a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockCmd {
    /// Start (or restart) the client's loop.
    Start,
    /// Stop after the current round.
    Stop,
    /// Give the lock back now, without writing.
    Release,
}

impl fmt::Display for LockCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockCmd::Start => "start",
            LockCmd::Stop => "stop",
            LockCmd::Release => "release",
        })
    }
}

impl FromStr for LockCmd {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "start" => Ok(LockCmd::Start),
            "stop" => Ok(LockCmd::Stop),
            "release" => Ok(LockCmd::Release),
            other => Err(format!(
                "unknown command \"{other}\" (expected start, stop or release)"
            )),
        }
    }
}

/// Messages a node has sent, by purpose. Statistics: they survive crashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MsgStats {
    /// Requests and replies of the lock protocol itself.
    pub lock: u64,
    /// Watch notifications (queue lock).
    pub notifications: u64,
    /// Session heartbeats and their replies (queue lock).
    pub heartbeats: u64,
    /// Writes to the storage and their replies.
    pub storage: u64,
}

impl MsgStats {
    fn note(&mut self, msg: &LockMsg) {
        let counter = match msg {
            LockMsg::Lease(_) => &mut self.lock,
            LockMsg::Queue(q) if q.is_notification() => &mut self.notifications,
            LockMsg::Queue(q) if q.is_heartbeat() => &mut self.heartbeats,
            LockMsg::Queue(_) => &mut self.lock,
            LockMsg::Storage(_) => &mut self.storage,
        };
        *counter += 1;
    }

    fn add(&mut self, other: &MsgStats) {
        self.lock += other.lock;
        self.notifications += other.notifications;
        self.heartbeats += other.heartbeats;
        self.storage += other.storage;
    }
}

/// Sends a message and counts it.
pub(crate) fn send(cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats, to: NodeId, msg: LockMsg) {
    sent.note(&msg);
    cx.send(to, msg);
}

/// A client's name from its node id, for servers that know where the clients start: a
/// text of its own in a line, so that it reads "客户端 2" in Chinese as the node does.
pub(crate) fn client_label(first_client: u32, id: NodeId) -> Line {
    match id.0.checked_sub(first_client) {
        Some(offset) => Line::tr("client {number}").with("number", offset + 1),
        None => Line::value(id.to_string()),
    }
}

/// The queue lock's first client's node number: [`layout`] puts its one ZooKeeper server
/// at node 0 and the storage at node 1. (A timer's label has no other way to name the
/// client whose session it times.)
const QUEUE_FIRST_CLIENT: u32 = 2;

/// Builds the scene's nodes, in [`Layout`] order.
pub fn nodes(config: &LocksConfig) -> Vec<LockNode> {
    let config = config.sanitized();
    let layout = layout(&config);
    let first_client = layout.clients[0].0;
    let mut nodes = Vec::new();
    for _ in &layout.servers {
        nodes.push(match config.kind {
            LockKind::Lease => {
                LockNode::LeaseServer(LeaseServer::new(true, first_client, config.persistence))
            }
            LockKind::QueuePredecessor | LockKind::QueueHerd => LockNode::QueueServer(
                QueueServer::new(config.ttl, config.kind == LockKind::QueueHerd, first_client),
            ),
            LockKind::Redlock => {
                LockNode::RedlockServer(LeaseServer::new(false, first_client, config.persistence))
            }
        });
    }
    // Redlock gives the storage nothing to check, so its fencing switch cannot matter.
    let fencing = config.fencing && config.kind.has_fencing_tokens();
    nodes.push(LockNode::Storage(Storage::new(
        fencing,
        config.kind == LockKind::Redlock,
        first_client,
    )));
    for (i, _) in layout.clients.iter().enumerate() {
        nodes.push(LockNode::Client(Client::new(
            i as u32 + 1,
            &config,
            &layout,
        )));
    }
    nodes
}

/// The nodes' names, in [`Layout`] order.
pub fn node_names(config: &LocksConfig) -> Vec<String> {
    let config = config.sanitized();
    let layout = layout(&config);
    let mut names: Vec<String> = match config.kind {
        LockKind::Lease => vec!["redis".into()],
        LockKind::QueuePredecessor | LockKind::QueueHerd => vec!["zookeeper".into()],
        LockKind::Redlock => (1..=REDLOCK_SERVERS)
            .map(|i| format!("redis {i}"))
            .collect(),
    };
    names.push("storage".into());
    names.extend((1..=layout.clients.len()).map(|i| format!("client {i}")));
    names
}

/// The scene's network: a data centre, a few milliseconds per message, nothing lost.
pub fn net_config() -> NetConfig {
    NetConfig {
        latency_min: Time::from_millis(2),
        latency_max: Time::from_millis(8),
        loss: 0.0,
        duplicate: 0.0,
    }
}

/// A simulation of the configuration with the scene's network and invariants.
pub fn new_sim(seed: u64, config: &LocksConfig) -> Sim<LockNode> {
    Sim::new(seed, nodes(config), net_config(), invariants())
}

impl Protocol for LockNode {
    type Note = LockNote;
    type Msg = LockMsg;
    type Timer = LockTimer;
    type Cmd = LockCmd;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        if let LockNode::Client(c) = self {
            c.on_start(cx);
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: LockMsg) {
        match self {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => {
                if let LockMsg::Lease(m) = msg {
                    s.on_message(cx, from, m);
                }
            }
            LockNode::QueueServer(s) => {
                if let LockMsg::Queue(m) = msg {
                    s.on_message(cx, from, m);
                }
            }
            LockNode::Storage(s) => {
                if let LockMsg::Storage(m) = msg {
                    s.on_message(cx, from, m);
                }
            }
            LockNode::Client(c) => c.on_message(cx, from, msg),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: LockTimer) {
        match self {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => s.on_timer(cx, timer),
            LockNode::QueueServer(s) => s.on_timer(cx, timer),
            LockNode::Storage(_) => {}
            LockNode::Client(c) => c.on_timer(cx, timer),
        }
    }

    /// The clients are interchangeable, in every variant: see [`symmetry`].
    fn symmetry(nodes: &[&Self]) -> Option<crate::sim::protocol::Symmetry<Self>> {
        Some(symmetry::clients_interchangeable(nodes))
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: LockCmd) {
        if let LockNode::Client(c) = self {
            c.on_command(cx, cmd);
        }
    }

    fn on_crash(&mut self) {
        match self {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => s.on_crash(),
            LockNode::QueueServer(s) => s.on_crash(),
            LockNode::Storage(_) => {}
            LockNode::Client(c) => c.on_crash(),
        }
    }

    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            LockNode::QueueServer(s) => s.on_restart(cx),
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => s.on_restart(cx),
            other => other.on_start(cx),
        }
    }

    fn state_label(&self) -> &'static str {
        match self {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => s.state_label(),
            LockNode::QueueServer(s) => s.state_label(),
            LockNode::Storage(s) => s.state_label(),
            LockNode::Client(c) => c.state_label(),
        }
    }

    fn detail_lines(&self) -> Vec<Line> {
        match self {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => s.detail_lines(),
            LockNode::QueueServer(s) => s.detail_lines(),
            LockNode::Storage(s) => s.detail_lines(),
            LockNode::Client(c) => c.detail_lines(),
        }
    }

    fn msg_label(msg: &LockMsg) -> Line {
        match msg {
            LockMsg::Lease(m) => m.label(),
            LockMsg::Queue(m) => m.label(),
            LockMsg::Storage(m) => m.label(),
        }
    }

    fn timer_label(timer: &LockTimer) -> Line {
        Line::tr(match timer {
            LockTimer::LeaseExpiry => "lease expiry",
            LockTimer::Fsync => "fsync",
            LockTimer::SessionExpiry { client, epoch } => {
                return Line::tr("session expiry ({client}, session {epoch})")
                    .text("client", client_label(QUEUE_FIRST_CLIENT, *client))
                    .with("epoch", epoch)
            }
            LockTimer::Think => "think",
            LockTimer::Work => "work done",
            LockTimer::WriteTimeout => "write timeout",
            LockTimer::LeaseEnd => "lease over (client's estimate)",
            LockTimer::Retry => "retry",
            LockTimer::Request => "request timeout",
            LockTimer::Ping => "heartbeat",
            LockTimer::SessionCheck => "session check",
        })
    }
}
