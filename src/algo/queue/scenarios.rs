//! Ready-made runs of the queue scene, each placing its fault at a moment the run defines
//! ("crash the first consumer that is working on a message") rather than at a fixed step.
use super::config::{BaseDesign, Design, QueueConfig};
use super::consumer::Phase;
use super::message::{MessageId, QueueCmd, QueueMsg};
use super::{layout, QueueNode};
use crate::algo::redis::Persistence;
use crate::sim::scenario::Trigger;
use crate::sim::{Action, MsgId, NodeId, NodeStatus, Sim, Time};

pub use crate::sim::scenario::ScenarioInfo;

type Build = fn() -> (QueueConfig, Vec<Trigger<QueueNode>>);

const SCENARIOS: [(ScenarioInfo, Build); 10] = [
    (
        ScenarioInfo {
            id: "happy",
            title: "The happy path",
            description: "Two producers LPUSH ten messages each; two consumers BRPOP them, \
                          apply each effect once and ask for the next. Nothing fails, so even \
                          the simplest queue delivers every message exactly once.",
        },
        happy,
    ),
    (
        ScenarioInfo {
            id: "brpop-crash",
            title: "A consumer crashes after BRPOP: the message is lost",
            description: "The first consumer to pop a message crashes while working on it. \
                          BRPOP removed the message from Redis, so it existed only in that \
                          consumer's memory: it is never processed, although Redis confirmed \
                          it to its producer. \"No confirmed message lost\" fails.",
        },
        brpop_crash,
    ),
    (
        ScenarioInfo {
            id: "blmove-crash",
            title: "The same crash with BLMOVE: the message is redelivered",
            description: "BLMOVE moved the message into the consumer's processing list \
                          instead of removing it. The consumer crashes while working on it; \
                          the reaper finds it there after the visibility timeout, pushes it \
                          back in the queue, and the other consumer processes it.",
        },
        blmove_crash,
    ),
    (
        ScenarioInfo {
            id: "slow-consumer",
            title: "A slow consumer past the visibility timeout: processed twice",
            description: "Consumer 1 is made slow: it works 600 ms on a message while the \
                          visibility timeout is 300 ms. The reaper decides it died and \
                          requeues its message; consumer 2 processes it, then consumer 1 \
                          finishes too. The effect is applied twice: \"no duplicate effect\" \
                          fails.",
        },
        slow_consumer,
    ),
    (
        ScenarioInfo {
            id: "poison",
            title: "A poison message goes to the dead-letter stream",
            description: "Producer 1's third message has a bad payload: every attempt to \
                          process it fails. It stays pending; after the minimum idle time a \
                          consumer claims it with XAUTOCLAIM, and fails again. When a claim \
                          finds it delivered more than three times, the consumer moves it to \
                          the dead-letter stream and acknowledges it, and the queue flows on.",
        },
        poison,
    ),
    (
        ScenarioInfo {
            id: "broker-crash-none",
            title: "Redis's machine loses power, without persistence",
            description: "Consumers are slower than producers, so messages pile up. 1.2 s in, \
                          with a backlog, the machine Redis runs on loses power, and Redis \
                          restarts empty: every queued message is gone, although each was \
                          confirmed.",
        },
        broker_crash_none,
    ),
    (
        ScenarioInfo {
            id: "broker-crash-everysec",
            title: "Redis's machine loses power, with AOF fsync every second",
            description: "The same power loss with the append-only file flushed once a second. \
                          Redis restarts with what reached the disk at the fsync 200 ms before: \
                          the writes since were still in the operating system's page cache, \
                          which went down with the machine. The messages written since, \
                          confirmed to their producers, are lost; the older backlog survives. \
                          The acknowledgements of those 200 ms are lost too, so a few messages \
                          already processed are delivered and processed again. Had only the \
                          Redis process crashed, the kernel would still have written them to \
                          disk: nothing would be lost.",
        },
        broker_crash_everysec,
    ),
    (
        ScenarioInfo {
            id: "broker-crash-always",
            title: "Redis's machine loses power, with AOF fsync always",
            description: "The same power loss with every write flushed to disk before its reply. \
                          Redis restarts with every confirmed message; consumers and producers \
                          notice the outage only by their timeouts, and nothing confirmed is \
                          lost.",
        },
        broker_crash_always,
    ),
    (
        ScenarioInfo {
            id: "producer-retry",
            title: "A producer's retry creates a duplicate",
            description: "The reply to producer 1's first LPUSH is lost. The producer cannot \
                          tell a lost reply from a lost request, so it sends the message \
                          again: the queue now holds it twice, and the consumers apply its \
                          effect twice.",
        },
        producer_retry,
    ),
    (
        ScenarioInfo {
            id: "idempotent",
            title: "Idempotent consumers make every duplicate harmless",
            description: "The lost reply and the slow consumer again, on a reliable list with \
                          idempotent consumers: each effect is applied together with a record \
                          of the message id, in one transaction. Every duplicate delivery finds \
                          the record and is skipped: messages are delivered at least once, \
                          effects happen exactly once.",
        },
        idempotent,
    ),
];

/// The ready-made scenarios, in menu order.
pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.iter().map(|(info, _)| *info).collect()
}

/// The configuration and triggers of scenario `id`.
pub fn scenario(id: &str) -> Option<(QueueConfig, Vec<Trigger<QueueNode>>)> {
    SCENARIOS
        .iter()
        .find(|(info, _)| info.id == id)
        .map(|(_, build)| build())
}

/// The first consumer (in node order) working on a message.
fn first_worker(sim: &Sim<QueueNode>) -> Option<NodeId> {
    sim.nodes().iter().find_map(|(id, n, _)| {
        let c = n.as_consumer()?;
        (c.phase() == Phase::Working).then_some(id)
    })
}

/// "When a consumer first works on a message, crash it."
fn crash_first_worker() -> Trigger<QueueNode> {
    Trigger::new(
        |sim| first_worker(sim).is_some(),
        |sim| Action::Crash(first_worker(sim).unwrap_or_default()),
    )
}

fn happy() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    (QueueConfig::default(), Vec::new())
}

fn brpop_crash() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    (QueueConfig::default(), vec![crash_first_worker()])
}

fn blmove_crash() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    (
        QueueConfig::with_design(Design::ReliableList),
        vec![crash_first_worker()],
    )
}

fn slow_consumer() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    let config = QueueConfig {
        messages: 5,
        ..QueueConfig::with_design(Design::ReliableList)
    };
    let c1 = layout(&config).consumers[0];
    (
        config,
        vec![Trigger::at_step(0, Action::Command(c1, QueueCmd::Slow))],
    )
}

fn poison() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    let config = QueueConfig {
        poison: vec![MessageId {
            producer: 1,
            seq: 3,
        }],
        ..QueueConfig::with_design(Design::ConsumerGroup)
    };
    (config, Vec::new())
}

/// Producers outpace slow consumers, so messages pile up; Redis's machine goes down 1.2 s
/// in (just after the first background fsync, 200 ms of writes since) with a backlog, and
/// Redis restarts once a producer has sent one message three times without an answer.
fn broker_crash(persistence: Persistence) -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    let config = QueueConfig {
        design: Design::ConsumerGroup,
        persistence,
        service_time: Time::from_millis(150),
        messages: 40,
        max_attempts: 10,
        ..QueueConfig::default()
    };
    let broker = layout(&config).broker;
    let backlog = move |sim: &Sim<QueueNode>| {
        sim.now() >= Time::from_millis(1200)
            && sim
                .node(broker)
                .and_then(QueueNode::as_broker)
                .is_some_and(|b| b.depth(sim.now()).queued >= 6)
    };
    let noticed = move |sim: &Sim<QueueNode>| {
        sim.status(broker) == Some(NodeStatus::Crashed)
            && sim
                .nodes()
                .iter()
                .filter_map(|(_, n, _)| n.as_producer()?.sending())
                .any(|s| s.attempt >= 3)
    };
    let crash = Trigger::new(backlog, move |_| Action::Crash(broker));
    let restart = Trigger::new(noticed, move |_| Action::Restart(broker));
    (config, vec![crash, restart])
}

fn broker_crash_none() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    broker_crash(Persistence::None)
}

fn broker_crash_everysec() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    broker_crash(Persistence::AofEverySec)
}

fn broker_crash_always() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    broker_crash(Persistence::AofAlways)
}

/// The first reply in flight from the broker to producer 1.
fn reply_to_first_producer(sim: &Sim<QueueNode>) -> Option<MsgId> {
    let p1 = layout(&QueueConfig::default()).producers[0];
    sim.in_flight()
        .find(|m| m.to == p1 && matches!(m.msg, QueueMsg::Reply { .. }))
        .map(|m| m.id)
}

fn drop_first_confirmation() -> Trigger<QueueNode> {
    Trigger::new(
        |sim| reply_to_first_producer(sim).is_some(),
        // MsgId(0) is never used, so if the reply were gone the drop is just ignored.
        |sim| Action::DropMessage(reply_to_first_producer(sim).unwrap_or(MsgId(0))),
    )
}

fn producer_retry() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    (
        QueueConfig::with_design(Design::ReliableList),
        vec![drop_first_confirmation()],
    )
}

fn idempotent() -> (QueueConfig, Vec<Trigger<QueueNode>>) {
    let config = QueueConfig {
        messages: 5,
        ..QueueConfig::with_design(Design::Idempotent(BaseDesign::ReliableList))
    };
    let c1 = layout(&config).consumers[0];
    (
        config,
        vec![
            Trigger::at_step(0, Action::Command(c1, QueueCmd::Slow)),
            drop_first_confirmation(),
        ],
    )
}
