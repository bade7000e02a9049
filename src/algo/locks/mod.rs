//! Distributed locks, and why a lock alone does not protect a shared resource.
//!
//! Several clients want to take turns writing to one storage service. Each loops:
//! acquire the lock, do some work inside the critical section, write the result to storage
//! (the write carries the lock's token), release, think, repeat. Four ways to get the lock
//! are modelled, each in its own file:
//!
//! - [`lease_lock`]: one Redis-like server, `SET key token NX PX ttl`. The lock is a lease:
//!   it expires on the server's clock even if the holder never releases it.
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
pub mod fencing;
pub mod lease_lock;
pub mod queue_lock;
pub mod redlock;
mod scenarios;

pub use client::{Client, ClientStats, Held, Phase};
pub use fencing::{Storage, StorageEntry, StorageMsg};
pub use lease_lock::{Lease, LeaseMsg, LeaseServer};
pub use queue_lock::{QueueMsg, QueueServer};
pub use scenarios::{scenario, scenarios, ScenarioInfo};

use crate::sim::{Ctx, Invariant, NetConfig, NodeId, NodeSet, NodeStatus, Protocol, Sim, Time};
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
    /// A lease on one Redis-like server (`SET NX PX`, compare-and-delete).
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
        }
    }
}

impl LocksConfig {
    /// Checks that the configuration describes a run that can happen; the message is meant
    /// for the page.
    pub fn validate(&self) -> Result<(), String> {
        if self.clients == 0 {
            return Err("a lock needs at least one client (got 0)".into());
        }
        if self.clients > MAX_CLIENTS {
            return Err(format!(
                "at most {MAX_CLIENTS} clients fit in this scene (got {})",
                self.clients
            ));
        }
        let durations = [
            ("the lease TTL", self.ttl),
            ("the backoff", self.backoff),
            ("the request timeout", self.request_timeout),
        ];
        for (what, value) in durations {
            if value == Time::ZERO {
                return Err(format!("{what} must be longer than 0 ms"));
            }
        }
        let bounded = durations
            .into_iter()
            .chain([("the work time", self.work), ("the think time", self.think)]);
        for (what, value) in bounded {
            if value > MAX_DURATION {
                return Err(format!(
                    "{what} of {value} is longer than the {MAX_DURATION} this scene allows"
                ));
            }
        }
        let drift = redlock::drift_allowance(self.ttl);
        if self.kind == LockKind::Redlock && self.ttl <= drift {
            return Err(format!(
                "with a TTL of {} Redlock can never hold the lock: its clock-drift allowance \
                 ({drift}: 1% of the TTL plus 2 ms) uses it all up",
                self.ttl
            ));
        }
        if self.kind.is_queue() && self.ttl < Time(3) {
            return Err(
                "the session timeout must be at least 3 µs (heartbeats go every third of it)"
                    .into(),
            );
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

/// A client's name from its node id, for servers that know where the clients start.
pub(crate) fn client_label(first_client: u32, id: NodeId) -> String {
    match id.0.checked_sub(first_client) {
        Some(offset) => format!("client {}", offset + 1),
        None => id.to_string(),
    }
}

/// A short form of a random lease token for the views.
pub fn short_token(token: u64) -> String {
    format!("{:04x}", token & 0xffff)
}

/// Builds the scene's nodes, in [`Layout`] order.
pub fn nodes(config: &LocksConfig) -> Vec<LockNode> {
    let config = config.sanitized();
    let layout = layout(&config);
    let first_client = layout.clients[0].0;
    let mut nodes = Vec::new();
    for _ in &layout.servers {
        nodes.push(match config.kind {
            LockKind::Lease => LockNode::LeaseServer(LeaseServer::new(true, first_client)),
            LockKind::QueuePredecessor | LockKind::QueueHerd => LockNode::QueueServer(
                QueueServer::new(config.ttl, config.kind == LockKind::QueueHerd, first_client),
            ),
            LockKind::Redlock => LockNode::RedlockServer(LeaseServer::new(false, first_client)),
        });
    }
    // Redlock gives the storage nothing to check, so its fencing switch cannot matter.
    let fencing = config.fencing && config.kind.has_fencing_tokens();
    nodes.push(LockNode::Storage(Storage::new(
        fencing,
        config.kind == LockKind::Redlock,
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

pub const NO_STALE_WRITES: &str = "no stale writes";
pub const SINGLE_HOLDER: &str = "single holder";

pub fn invariants() -> Vec<Invariant<LockNode>> {
    vec![
        Invariant {
            name: NO_STALE_WRITES,
            description: "once the storage accepted a write made under one lock grant, it \
                          never accepts a write made under an earlier grant",
            check: check_no_stale_writes,
            changes_with: None,
        },
        Invariant {
            name: SINGLE_HOLDER,
            description: "no two clients believe they hold the lock at the same time (fails \
                          under pauses even with fencing; fencing makes it harmless)",
            check: check_single_holder,
            changes_with: None,
        },
    ]
}

fn check_no_stale_writes(nodes: &NodeSet<'_, LockNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        if let LockNode::Storage(storage) = node {
            if let Some(stale) = storage.first_stale_write() {
                return Err(stale.describe());
            }
        }
    }
    Ok(())
}

fn check_single_holder(nodes: &NodeSet<'_, LockNode>) -> Result<(), String> {
    let believers: Vec<(&Client, &Held)> = nodes
        .iter()
        .filter(|(_, _, status)| *status != NodeStatus::Crashed)
        .filter_map(|(_, node, _)| match node {
            LockNode::Client(c) => c.believed_hold().map(|h| (c, h)),
            _ => None,
        })
        .collect();
    if believers.len() < 2 {
        return Ok(());
    }
    let who: Vec<String> = believers
        .iter()
        .map(|(c, h)| format!("client {} ({})", c.number(), h.describe()))
        .collect();
    let all = if who.len() == 2 { "both" } else { "all" };
    Err(format!(
        "{} {all} believe they hold the lock",
        join_names(&who)
    ))
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Protocol for LockNode {
    type Note = ();
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

    fn detail_lines(&self) -> Vec<String> {
        match self {
            LockNode::LeaseServer(s) | LockNode::RedlockServer(s) => s.detail_lines(),
            LockNode::QueueServer(s) => s.detail_lines(),
            LockNode::Storage(s) => s.detail_lines(),
            LockNode::Client(c) => c.detail_lines(),
        }
    }

    fn msg_label(msg: &LockMsg) -> String {
        match msg {
            LockMsg::Lease(m) => m.label(),
            LockMsg::Queue(m) => m.label(),
            LockMsg::Storage(m) => m.label(),
        }
    }

    fn timer_label(timer: &LockTimer) -> String {
        match timer {
            LockTimer::LeaseExpiry => "lease expiry".into(),
            LockTimer::SessionExpiry { client, epoch } => {
                format!("session expiry ({client}, session {epoch})")
            }
            LockTimer::Think => "think".into(),
            LockTimer::Work => "work done".into(),
            LockTimer::WriteTimeout => "write timeout".into(),
            LockTimer::LeaseEnd => "lease over (client's estimate)".into(),
            LockTimer::Retry => "retry".into(),
            LockTimer::Request => "request timeout".into(),
            LockTimer::Ping => "heartbeat".into(),
            LockTimer::SessionCheck => "session check".into(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The lock-queue view: what the scene's own view draws.

/// What a waiter in the queue lock is watching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WatchTarget {
    /// The node just before its own (no herd effect).
    Predecessor(u64),
    /// The lock node's list of children: every change wakes it (the herd effect).
    LockNode,
    /// No watch registered at the moment (it is reading the children again).
    Nothing,
}

impl fmt::Display for WatchTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchTarget::Predecessor(seq) => write!(f, "watches #{seq}"),
            WatchTarget::LockNode => f.write_str("watches /lock"),
            WatchTarget::Nothing => f.write_str("no watch"),
        }
    }
}

/// The holder as the lock service sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HolderView {
    pub client: NodeId,
    pub name: String,
    /// The fencing token (lease counter or queue sequence number), if any.
    pub token: Option<u64>,
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
                    holder: lease.map(|l| l.owner),
                    expires: lease.map(|l| l.expires_at),
                });
                if matches!(node, LockNode::RedlockServer(_)) {
                    view.kind = LockKind::Redlock;
                    redlock_holders.extend(lease.map(|l| l.owner));
                } else if let Some(l) = lease {
                    view.holder = Some(HolderView {
                        client: l.owner,
                        name: client_name(&nodes, l.owner),
                        token: l.fence,
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
            });
        }
    }
    view
}
