//! The distributed-locks scene: its parameters, scenarios, node commands and view model.
use super::{
    Field, FieldKind, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo, Scene,
    SceneRun, World,
};
use crate::algo::locks::{
    self, LockCmd, LockKind, LockMsg, LockNode, LockNote, LockView, LocksConfig, Persistence,
    QueueMsg, WatchTarget, MAX_CLIENTS,
};
use crate::i18n::{line, tr, trf};
use crate::sim::run::{NodeMark, Tone};
use crate::sim::{Action, NetConfig, NodeId, NodeStatus, Time, TraceKind};

pub struct Locks;

mod describe;
mod holder;
mod teach;
mod words;

pub use holder::{holder_unaware, HolderUnaware};
pub use words::{believers_verdict, holder_sentence};

/// The scene's view model: the lock as its panel draws it, with the setting it needs.
#[derive(Clone, Debug, PartialEq)]
pub struct LocksView {
    pub lock: LockView,
    /// The lease (or session) length the run uses.
    pub ttl: Time,
    /// The queue lock's znodes as the stage draws them (queue kinds only).
    pub queue: Option<QueueStage>,
    /// Lease locks: why the client the server names as the holder does not believe it
    /// holds the lock (its grant's reply is still on its way, ...), if it does not.
    pub holder_unaware: Option<HolderUnaware>,
}

/// The queue lock on the stage: the children of `/lock` beside the ZooKeeper server, the
/// watches, the notifications in flight and the children that have just gone.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueStage {
    pub server: NodeId,
    /// Every waiter watches `/lock` itself (the herd effect).
    pub herd: bool,
    /// The children in sequence order: the holder (the lowest) first.
    pub entries: Vec<Znode>,
    /// Watch notifications on their way from the server to a client.
    pub notifications: Vec<Notification>,
    /// Children deleted within [`DEPARTURE_WINDOW`] of now, oldest first.
    pub departures: Vec<Departure>,
    pub now: Time,
}

/// One ephemeral sequential child of `/lock`.
#[derive(Clone, Debug, PartialEq)]
pub struct Znode {
    pub seq: u64,
    pub owner: NodeId,
    pub owner_name: String,
    /// The lowest child: its owner holds the lock once it learns so.
    pub holds: bool,
    /// The lowest child's owner believes it holds the lock (its getChildren reply showed
    /// its node lowest); false for every other child.
    pub told: bool,
    /// What its owner watches (the holder watches nothing).
    pub watching: WatchTarget,
}

/// A watch notification in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub id: u64,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    /// `Some(seq)`: the watched child `seq` was deleted; `None`: the children of `/lock`
    /// changed (the herd's watch).
    pub deleted: Option<u64>,
}

/// Why a child left the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepartureReason {
    /// Its owner deleted it: released the lock (or gave up waiting).
    Released,
    /// Its owner's session expired and ZooKeeper deleted it.
    Expired,
}

/// A child that has just been deleted.
#[derive(Clone, Debug, PartialEq)]
pub struct Departure {
    pub seq: u64,
    pub owner: NodeId,
    pub owner_name: String,
    pub at: Time,
    pub reason: DepartureReason,
}

/// How long the stage keeps showing a deleted child leaving.
pub const DEPARTURE_WINDOW: Time = Time::from_millis(12);

/// The mark under the client that holds the lock: the one the lock service names, once it
/// believes so itself.
pub const HOLDS_MARK: &str = "holds the lock";

/// How the lock panel words the time the holder has left. A lease lock's holder has a
/// lease that simply runs out; a queue lock's holder keeps its node for as long as its
/// ZooKeeper session lives, and each heartbeat pushes the session's expiry back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiryWords {
    /// The tooltip.
    pub title: &'static str,
    /// The progress bar's accessible name.
    pub aria: &'static str,
    /// The text beside the bar.
    pub left: String,
}

/// The panel's words for `left_ms` milliseconds left, for a lock of kind `kind`.
pub fn expiry_words(kind: LockKind, left_ms: f64) -> ExpiryWords {
    let left = format!("{left_ms:.1}");
    if kind.is_queue() {
        ExpiryWords {
            title: tr("Time until the holder's ZooKeeper session expires if no heartbeat arrives, by the server's clock; its node under /lock goes with the session"),
            aria: tr("Session time left"),
            left: trf("session: {left} ms until it expires", &[("left", &left)]),
        }
    } else {
        ExpiryWords {
            title: tr("Time left on the lease, by the server's clock"),
            aria: tr("Lease time left"),
            left: trf("lease: {left} ms left", &[("left", &left)]),
        }
    }
}

const KINDS: &[(&str, &str)] = &[
    ("lease", "Lease lock (Redis SET NX PX)"),
    ("queue", "Queue lock, watch the predecessor (ZooKeeper)"),
    ("herd", "Queue lock, watch the lock node (herd effect)"),
    ("redlock", "Redlock over 5 servers"),
];

const KIND: Field = Field {
    key: "kind",
    label: "Lock",
    help: "Which lock service the clients use",
    default: "lease",
    kind: FieldKind::Choice(KINDS),
};
const CLIENTS: Field = Field {
    key: "clients",
    label: "Clients",
    help: "1 to 8 clients looping acquire, write, release",
    default: "3",
    kind: FieldKind::Number {
        min: 1,
        max: MAX_CLIENTS as u64,
    },
};
const TTL: Field = Field {
    key: "ttl",
    label: "Lease TTL (ms)",
    help: "How long a lease (or a session) lasts without renewal",
    default: "100",
    kind: FieldKind::Number {
        min: 1,
        max: 60_000,
    },
};
const PERSISTENCES: &[(&str, &str)] = &[
    (
        "aof",
        "AOF, appendfsync always (key and token counter survive)",
    ),
    (
        "everysec",
        "AOF, appendfsync everysec (a machine crash loses the last second of writes)",
    ),
    (
        "none",
        "No persistence (key and token counter lost in a crash)",
    ),
];
const PERSISTENCE: Field = Field {
    key: "persist",
    label: "Redis persistence",
    help: "What a Redis server keeps across a crash of its machine (a crash here is the \
machine going down, as in a power loss; lease lock and Redlock). aof: \
appendonly yes with appendfsync always, every write is on disk before the reply, so the lock \
key and the INCR token counter both survive. everysec: appendfsync everysec, writes reach the \
disk once a second, so a machine crash loses the last second of them (a crash of the \
redis-server process alone would lose nothing: the kernel still holds the writes): a lock key just set, a release, \
or INCRs, and then the token counter goes back and hands out tokens again. none: no \
persistence, a restarted Redis is empty: the lock is free at once and the token counter \
starts again from 0. ZooKeeper (queue locks) is replicated and loses nothing.",
    default: "aof",
    kind: FieldKind::Choice(PERSISTENCES),
};

/// The persistence a link names. `aof` is what links have always said for
/// `appendfsync always`; `always` (the queue scene's name for it) is read the same way.
fn read_persistence(r: &mut ParamReader) -> Persistence {
    r.choice(
        PERSISTENCE.key,
        PERSISTENCE.label,
        &[
            ("aof", Persistence::AofAlways),
            ("always", Persistence::AofAlways),
            ("everysec", Persistence::AofEverySec),
            ("none", Persistence::None),
        ],
        Persistence::AofAlways,
    )
}

fn persistence_slug(persistence: Persistence) -> &'static str {
    match persistence {
        Persistence::None => "none",
        Persistence::AofEverySec => "everysec",
        Persistence::AofAlways => "aof",
    }
}

const FENCING: Field = Field {
    key: "fencing",
    label: "Fencing tokens",
    help: "Storage rejects writes carrying a token older than one it has seen",
    default: "1",
    kind: FieldKind::Flag,
};
const ROUNDS: Field = Field {
    key: "rounds",
    label: "Rounds per client",
    help: "Critical sections each client runs (0: forever)",
    default: "5",
    kind: FieldKind::Number {
        min: 0,
        max: 10_000,
    },
};
/// Not in the panel; read from links and scenarios.
const WORK: Field = Field {
    key: "work",
    label: "The work time (ms)",
    help: "Time spent inside the critical section before the write",
    default: "10",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};
const THINK: Field = Field {
    key: "think",
    label: "The think time (ms)",
    help: "Longest pause between two rounds",
    default: "20",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};

fn ms(t: Time) -> u64 {
    t.0 / 1000
}

impl Scene for Locks {
    type Node = LockNode;
    type Config = LocksConfig;
    type View = LocksView;

    const SLUG: &'static str = "locks";
    const TITLE: &'static str = "Distributed locks";
    const BLURB: &'static str = "Clients take a lock, write to shared storage inside the \
critical section, and release it. Pause a holder longer than its lease (a GC pause) and two \
clients believe they hold the lock; fencing tokens are what keep the storage safe.";
    const FIELDS: &'static [Field] = &[KIND, CLIENTS, TTL, PERSISTENCE, FENCING, ROUNDS];
    const CATALOGUE_ZH: &'static str = include_str!("locks.zh.txt");

    fn default_net() -> NetConfig {
        locks::net_config()
    }

    fn describe(names: &super::Names<'_>, node: NodeId, note: &locks::LockNote) -> String {
        describe::describe(names, node, note)
    }

    fn tour() -> Vec<super::TourStop<Self>> {
        teach::tour()
    }

    fn legend() -> Vec<super::LegendEntry> {
        teach::legend()
    }

    fn read(r: &mut ParamReader) -> Result<LocksConfig, String> {
        let mut config = LocksConfig::default();
        let kind = r.choice_field(&KIND);
        config.kind = LockKind::ALL
            .into_iter()
            .find(|k| k.slug() == kind)
            .unwrap_or(config.kind);
        config.clients = r.number_field(&CLIENTS) as u32;
        config.ttl = Time::from_millis(r.number_field_or(&TTL, ms(config.ttl)));
        // Links from before the field keep their behaviour: the default is what they ran.
        config.persistence = read_persistence(r);
        config.fencing = r.flag_field(&FENCING);
        config.rounds = r.number_field(&ROUNDS) as u32;
        config.work = Time::from_millis(r.number_field_or(&WORK, ms(config.work)));
        config.think = Time::from_millis(r.number_field_or(&THINK, ms(config.think)));
        config
            .validate()
            .map(|()| config)
            .map_err(|e| trf("This lock setup cannot run: {e}", &[("e", &line(&e))]))
    }

    fn write(config: &LocksConfig, out: &mut Params) {
        out.insert("kind".into(), config.kind.slug().into());
        out.insert("clients".into(), config.clients.to_string());
        out.insert("ttl".into(), ms(config.ttl).to_string());
        out.insert(
            "persist".into(),
            persistence_slug(config.persistence).into(),
        );
        out.insert("fencing".into(), u8::from(config.fencing).to_string());
        out.insert("rounds".into(), config.rounds.to_string());
        out.insert("work".into(), ms(config.work).to_string());
        out.insert("think".into(), ms(config.think).to_string());
    }

    fn world(config: &LocksConfig, _seed: u64) -> Result<World<LockNode>, String> {
        Ok(World {
            nodes: locks::nodes(config),
            names: locks::node_names(config),
            invariants: locks::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        locks::scenarios()
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let (config, triggers) = locks::scenario(id)?;
        Some(Scenario {
            config,
            plan: Plan::Triggers(triggers),
        })
    }

    fn view(run: &SceneRun<Self>) -> LocksView {
        let mut lock = locks::lock_view(run.sim());
        // The clients' names as the page shows them ("客户端 2" in Chinese).
        let names = lock.holder.iter_mut().map(|h| &mut h.name);
        let names = names.chain(lock.waiters.iter_mut().map(|w| &mut w.name));
        for name in names.chain(lock.believers.iter_mut().map(|b| &mut b.name)) {
            *name = crate::i18n::node_name(name);
        }
        let queue = queue_stage(run, &lock);
        let holder_unaware = holder_unaware(run.sim(), &lock);
        LocksView {
            lock,
            ttl: run.config.ttl,
            queue,
            holder_unaware,
        }
    }

    /// "holds the lock" under the client the lock service names as the holder (for
    /// Redlock: a majority of the servers), once that client believes it too: a queue
    /// lock's lowest node belongs to a client that learns it only from its getChildren
    /// reply, and a grant may still be on its way.
    /// The holder says so; with fencing on, every client that believes it holds the lock
    /// shows the token it writes with, so that two holders show two tokens on the stage
    /// (the storage keeps the higher one's writes), or the same token twice (it cannot).
    /// The holder's token shares its pill: the stage has room for one under each client.
    fn node_marks(run: &SceneRun<Self>) -> Vec<Vec<NodeMark>> {
        let view = locks::lock_view(run.sim());
        let holder = view.holder.filter(|h| h.believes).map(|h| h.client);
        (0..run.sim().node_count())
            .map(|i| {
                let token = view
                    .believers
                    .iter()
                    .filter(|_| view.fencing)
                    .find(|b| b.client == NodeId(i))
                    .and_then(|b| b.token);
                let mark = match (holder == Some(NodeId(i)), token) {
                    (true, Some(token)) => NodeMark {
                        text: trf("holds the lock · token {token}", &[("token", &token)]),
                        tone: Tone::Good,
                    },
                    (true, None) => NodeMark {
                        // HOLDS_MARK, written out so the catalogue test sees it translated.
                        text: tr("holds the lock").into(),
                        tone: Tone::Good,
                    },
                    (false, Some(token)) => NodeMark {
                        text: trf("token {token}", &[("token", &token)]),
                        tone: Tone::Info,
                    },
                    (false, None) => return Vec::new(),
                };
                vec![mark]
            })
            .collect()
    }

    /// Clients can be stopped, started, or told to release the lock now: each only when it
    /// would do something (a running client is not offered Start, nor a client that holds
    /// nothing Release). A crashed or paused client ignores commands, so it is offered none.
    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<LockCmd>> {
        let sim = run.sim();
        let client = match sim.node(node) {
            Some(LockNode::Client(c)) if sim.status(node) == Some(NodeStatus::Up) => c,
            _ => return Vec::new(),
        };
        [
            (tr("Release the lock now"), LockCmd::Release),
            (tr("Stop looping"), LockCmd::Stop),
            (tr("Start looping"), LockCmd::Start),
        ]
        .into_iter()
        .filter(|(_, cmd)| client.heeds(*cmd))
        .map(|(label, cmd)| NodeCommand {
            label: label.into(),
            action: Action::Command(node, cmd),
        })
        .collect()
    }
}

fn name_of(run: &SceneRun<Locks>, id: NodeId) -> String {
    super::Names(run.names()).of(id)
}

/// The queue lock's stage model: the queue from the lock view, the notifications from the
/// messages in flight, and the departures from the recent trace (the server's `Deleted`
/// replies and its session expiries).
fn queue_stage(run: &SceneRun<Locks>, lock: &LockView) -> Option<QueueStage> {
    if !lock.kind.is_queue() {
        return None;
    }
    let sim = run.sim();
    let server = *locks::layout(&run.config).servers.first()?;
    let mut entries: Vec<Znode> = Vec::new();
    if let Some(h) = &lock.holder {
        entries.push(Znode {
            seq: h.token.unwrap_or(0),
            owner: h.client,
            owner_name: h.name.clone(),
            holds: true,
            told: h.believes,
            watching: WatchTarget::Nothing,
        });
    }
    entries.extend(lock.waiters.iter().map(|w| Znode {
        seq: w.seq,
        owner: w.client,
        owner_name: w.name.clone(),
        holds: false,
        told: false,
        watching: w.watching,
    }));
    let notifications = sim
        .in_flight()
        .filter_map(|m| match &m.msg {
            LockMsg::Queue(q) if q.is_notification() => Some(Notification {
                id: m.id.0,
                to: m.to,
                sent: m.sent,
                arrives: m.arrives,
                deleted: match q {
                    QueueMsg::NodeDeleted { seq, .. } => Some(*seq),
                    _ => None,
                },
            }),
            _ => None,
        })
        .collect();
    let now = sim.now();
    let timeline = run.timeline();
    let cursor = timeline.cursor().step();
    let since = Time(now.0.saturating_sub(DEPARTURE_WINDOW.0));
    let first = timeline.step_at_time(since).max(1);
    let mut departures: Vec<Departure> = Vec::new();
    let mut depart = |seq: u64, owner: NodeId, at: Time, reason| {
        let known = departures.iter().any(|d| d.seq == seq);
        let still_there = entries.iter().any(|e| e.seq == seq);
        if at >= since && !known && !still_there {
            departures.push(Departure {
                seq,
                owner,
                owner_name: name_of(run, owner),
                at,
                reason,
            });
        }
    };
    if cursor >= first {
        for entry in timeline.entries(first, cursor).iter() {
            match &entry.kind {
                TraceKind::Send {
                    from,
                    to,
                    msg: LockMsg::Queue(QueueMsg::Deleted { seq, .. }),
                    ..
                } if *from == server => {
                    depart(*seq, *to, entry.time, DepartureReason::Released);
                }
                TraceKind::Note {
                    note:
                        LockNote::SessionExpired {
                            client, deleted, ..
                        },
                    ..
                } => {
                    for seq in deleted {
                        depart(*seq, *client, entry.time, DepartureReason::Expired);
                    }
                }
                _ => {}
            }
        }
    }
    Some(QueueStage {
        server,
        herd: lock.kind == LockKind::QueueHerd,
        entries,
        notifications,
        departures,
        now,
    })
}
