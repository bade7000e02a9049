//! Ready-made runs of the locks scene, each placing its fault at a moment the run defines
//! ("pause the first client that gets the lock") rather than at a fixed step.
use super::{LockKind, LockNode, LocksConfig, Phase};
use crate::algo::redis::Persistence;
use crate::sim::scenario::Trigger;
use crate::sim::{Action, NetChange, NodeId, NodeStatus, Sim, Time};

pub use crate::sim::scenario::ScenarioInfo;

const SCENARIOS: [ScenarioInfo; 10] = [
    ScenarioInfo {
        id: "contention",
        title: "Five clients contend for a lease",
        description: "Five clients loop on one Redis lease lock. Failed attempts back off \
                      exponentially with jitter; each grant comes with the next fencing token, \
                      and every write carries it.",
    },
    ScenarioInfo {
        id: "gc-pause",
        title: "GC pause longer than the lease (fencing on)",
        description: "The first client to get the lock is paused for three TTLs right after it \
                      got it. Its lease expires, another client takes the lock and writes with a \
                      newer token. The paused client wakes up, still believing it holds the \
                      lock, and writes: the storage rejects its old token. \"Single holder\" \
                      fails, \"no stale writes\" holds.",
    },
    ScenarioInfo {
        id: "gc-pause-unfenced",
        title: "GC pause longer than the lease (fencing off)",
        description: "The same pause with a storage that does not check tokens: the paused \
                      client's late write is accepted over the newer holder's, and \"no stale \
                      writes\" fails.",
    },
    ScenarioInfo {
        id: "counter-reset",
        title: "Redis without persistence: the token counter resets",
        description: "Fencing is on, but Redis keeps nothing across a crash. The first holder \
                      (token 1) is paused right after it got the lock; the server crashes and \
                      restarts with neither the key nor the counter. The next client is \
                      granted token 1 again and writes. The paused client wakes and writes \
                      with its own token 1: the storage sees nothing older than what it \
                      accepted and takes it, over a newer holder's write. \"No stale writes\" \
                      fails: fencing is only as good as the counter's durability.",
    },
    ScenarioInfo {
        id: "crash-lease",
        title: "The holder crashes (lease)",
        description: "The first holder of a Redis lease crashes. Nobody releases the lock; the \
                      others back off until the lease runs out on the server, one TTL after \
                      the grant.",
    },
    ScenarioInfo {
        id: "crash-queue",
        title: "The holder crashes (ZooKeeper session)",
        description: "The first holder of a ZooKeeper queue lock crashes. Its heartbeats stop; \
                      the server expires its session one timeout after the last heartbeat and \
                      deletes its node, which wakes the next client in line.",
    },
    ScenarioInfo {
        id: "cutoff-queue",
        title: "The holder is cut off from ZooKeeper",
        description: "Clients work 250 ms inside the critical section, longer than the \
                      session timeout. The links between the first holder and ZooKeeper are \
                      cut: the holder stops trusting its session when a whole timeout passes \
                      without a heartbeat reply, and gives up before writing; the server \
                      expires the session no earlier, so with working clocks the two never \
                      overlap. The links heal once the session has expired.",
    },
    ScenarioInfo {
        id: "herd",
        title: "Herd effect: eight clients watch the lock node",
        description: "Every waiter watches the list of children, so every change wakes all of \
                      them and they all read the list again. Compare the notifications and \
                      messages per acquisition with the next scenario.",
    },
    ScenarioInfo {
        id: "predecessor",
        title: "Eight clients, each watching its predecessor",
        description: "The ZooKeeper recipe: each waiter watches only the node just before its \
                      own, so a release wakes exactly one client and the lock is handed on in \
                      queue order.",
    },
    ScenarioInfo {
        id: "redlock-pause",
        title: "Redlock and a paused client",
        description: "Redlock over five Redis servers. The first holder is paused for three \
                      TTLs; its leases expire on every server, another client gets a majority \
                      and writes. Redlock has no fencing token, so the paused client's late \
                      write is accepted: \"no stale writes\" fails.",
    },
];

pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.to_vec()
}

/// The first client (in node order) that believes it holds the lock and is working.
fn first_holder(sim: &Sim<LockNode>) -> Option<NodeId> {
    sim.nodes().iter().find_map(|(id, node, _)| match node {
        LockNode::Client(c) if c.phase() == Phase::Holding => Some(id),
        _ => None,
    })
}

/// "When a client first holds the lock, do `fault` to it."
fn on_first_holder(
    fault: impl Fn(NodeId) -> Action<super::LockCmd> + 'static,
) -> Trigger<LockNode> {
    Trigger::new(
        |sim| first_holder(sim).is_some(),
        move |sim| fault(first_holder(sim).unwrap_or_default()),
    )
}

/// The first client that is paused.
fn paused_client(sim: &Sim<LockNode>) -> Option<NodeId> {
    sim.nodes()
        .iter()
        .find_map(|(id, node, status)| match node {
            LockNode::Client(_) if status == NodeStatus::Paused => Some(id),
            _ => None,
        })
}

/// "The first holder is paused; the lock server crashes and restarts at once; once the
/// storage has accepted a write, the paused holder resumes." With the lease lock's single
/// server at node 0.
pub fn server_crash_under_a_paused_holder() -> Vec<Trigger<LockNode>> {
    let server = NodeId(0);
    vec![
        on_first_holder(|n| Action::Pause(n, None)),
        Trigger::new(
            |sim| paused_client(sim).is_some(),
            move |_| Action::Crash(server),
        ),
        Trigger::new(|_| true, move |_| Action::Restart(server)),
        Trigger::new(
            |sim| {
                sim.nodes().iter().any(
                    |(_, node, _)| matches!(node, LockNode::Storage(s) if s.accepted_count() > 0),
                )
            },
            |sim| Action::Resume(paused_client(sim).unwrap_or_default()),
        ),
    ]
}

/// The configuration and triggers of scenario `id`.
pub fn scenario(id: &str) -> Option<(LocksConfig, Vec<Trigger<LockNode>>)> {
    let base = LocksConfig::default();
    let pause_for = base.ttl.0.saturating_mul(3);
    let gc_pause = move || on_first_holder(move |n| Action::Pause(n, Some(Time(pause_for))));
    let found = match id {
        "contention" => (
            LocksConfig {
                clients: 5,
                rounds: 4,
                ..base
            },
            Vec::new(),
        ),
        "gc-pause" => (base, vec![gc_pause()]),
        "gc-pause-unfenced" => (
            LocksConfig {
                fencing: false,
                ..base
            },
            vec![gc_pause()],
        ),
        "counter-reset" => (
            LocksConfig {
                persistence: Persistence::None,
                ..base
            },
            server_crash_under_a_paused_holder(),
        ),
        "crash-lease" => (base, vec![on_first_holder(Action::Crash)]),
        "crash-queue" => (
            LocksConfig {
                kind: LockKind::QueuePredecessor,
                ..base
            },
            vec![on_first_holder(Action::Crash)],
        ),
        "cutoff-queue" => {
            // The lock server is node 0 in the queue lock's layout.
            let server = NodeId(0);
            (
                LocksConfig {
                    kind: LockKind::QueuePredecessor,
                    work: Time::from_millis(250),
                    rounds: 2,
                    ..base
                },
                vec![
                    on_first_holder(move |n| {
                        Action::Network(NetChange::Cut {
                            from: n,
                            to: server,
                        })
                    }),
                    on_first_holder(move |n| {
                        Action::Network(NetChange::Cut {
                            from: server,
                            to: n,
                        })
                    }),
                    Trigger::new(
                        move |sim| match sim.node(server) {
                            Some(LockNode::QueueServer(s)) => s.sessions_expired() > 0,
                            _ => true,
                        },
                        |_| Action::Network(NetChange::HealAll),
                    ),
                ],
            )
        }
        "herd" => (
            LocksConfig {
                clients: 8,
                kind: LockKind::QueueHerd,
                rounds: 3,
                ..base
            },
            Vec::new(),
        ),
        "predecessor" => (
            LocksConfig {
                clients: 8,
                kind: LockKind::QueuePredecessor,
                rounds: 3,
                ..base
            },
            Vec::new(),
        ),
        "redlock-pause" => (
            LocksConfig {
                kind: LockKind::Redlock,
                ..base
            },
            vec![gc_pause()],
        ),
        _ => return None,
    };
    Some(found)
}
