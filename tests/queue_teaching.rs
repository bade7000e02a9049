//! What the queue scene tells a learner, checked against the model: the tour's captions
//! hold at their stops, the delivery counts drawn on pending entries are the ones
//! `XPENDING` reports, and the persistence wording ("under `everysec` a power loss takes
//! the writes of the last second") is what the broker's crash does.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort

use dsviz::algo::queue::{
    counters, layout, new_sim, scenario, Design, MessageId, QueueConfig, QueueNode,
    NO_CONFIRMED_LOSS, NO_DUPLICATE_EFFECT,
};
use dsviz::algo::redis::{Bound, Command, PendingRange, Persistence, Reply};
use dsviz::scene::queue::QueueScene;
use dsviz::scene::tour::{place_tour, PlacedStop};
use dsviz::scene::{self, At, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::{Action, NodeId, NodeStatus, Sim, Time};

const REDIS: NodeId = NodeId(0);
const C1: NodeId = NodeId(4);
const C2: NodeId = NodeId(5);

fn broker(sim: &Sim<QueueNode>) -> &dsviz::algo::queue::Broker {
    sim.node(REDIS)
        .and_then(QueueNode::as_broker)
        .expect("node 0 is the broker")
}

/// Whether invariant `name` is violated at the current step.
fn violated(sim: &Sim<QueueNode>, name: &str) -> bool {
    let at = sim
        .invariants()
        .iter()
        .position(|i| i.name == name)
        .expect("a queue invariant");
    sim.violations()[at].is_some()
}

fn open_stop(stop: &PlacedStop) -> Box<SceneRun<QueueScene>> {
    let mut spec = stop.spec.clone();
    let built = scene::build_scene::<QueueScene>(&mut spec);
    assert!(
        built.problems.is_empty(),
        "{}: {:?}",
        stop.title,
        built.problems
    );
    built.run
}

/// The same run, played on to its end (or `limit` more steps).
fn played_on(run: &mut SceneRun<QueueScene>, limit: u64) {
    run.extend(limit);
    run.seek(run.horizon());
}

#[test]
fn every_tour_caption_holds_at_its_stop() {
    let stops = QueueScene::tour();
    let placed = place_tour::<QueueScene>();
    assert_eq!(placed.len(), stops.len(), "every stop's scenario exists");
    let mut seen = Vec::new();
    for (i, (stop, at)) in stops.iter().zip(&placed).enumerate() {
        let mut run = open_stop(at);
        let step = at.spec.step.unwrap_or(0);
        assert_eq!(run.cursor(), step, "stop {i} opens at its step");
        if let At::When(holds) = stop.at {
            assert!(holds(run.sim()), "stop {i} ({}) is reached", stop.title);
        }
        let sim = run.sim();
        let c = counters(sim);
        let lost = violated(sim, NO_CONFIRMED_LOSS);
        let twice = violated(sim, NO_DUPLICATE_EFFECT);
        seen.push(format!(
            "{i} {} @{step}: {c:?} lost-red {lost} dup-red {twice}",
            stop.title
        ));
        match stop.scenario {
            // "With nothing failing, every message is processed exactly once."
            "happy" => {
                assert!(c.processed >= 3 && c.duplicated == 0 && c.lost == 0);
                assert!(!lost && !twice);
                played_on(&mut run, 20_000);
                let end = counters(run.sim());
                assert_eq!((end.processed, end.duplicated, end.lost), (20, 0, 0));
            }
            // "c2 crashed while working ... it is gone ... the counter of lost messages
            // goes red."
            "brpop-crash" => {
                assert_eq!(sim.status(C2), Some(NodeStatus::Crashed), "c2 crashed");
                assert_eq!(sim.status(C1), Some(NodeStatus::Up));
                assert!(c.lost >= 1 && lost, "a confirmed message is lost: {c:?}");
            }
            // "The reaper finds it ... pushes it back ..., and c1 processes it. Nothing is
            // lost."
            "blmove-crash" => {
                assert_eq!(sim.status(C2), Some(NodeStatus::Crashed), "c2 crashed");
                assert!(c.lost == 0 && !lost);
                played_on(&mut run, 20_000);
                let end = counters(run.sim());
                assert_eq!((end.processed, end.lost), (20, 0), "{end:?}");
            }
            // "c1 is slow ... The effect happens twice."
            "slow-consumer" => {
                let c1 = sim.node(C1).and_then(QueueNode::as_consumer).unwrap();
                assert!(c1.is_slow());
                assert!(c.duplicated >= 1 && twice, "{c:?}");
                assert!(c.lost == 0 && !lost);
            }
            // "A poison message ... once its count passes the limit, it goes to the
            // dead-letter stream."
            "poison" => {
                let v = run.view();
                let poison = MessageId {
                    producer: 1,
                    seq: 3,
                };
                assert!(
                    v.dead.iter().any(|d| d.message.id == poison
                        && d.message.poison
                        && d.deliveries > v.settings.max_deliveries),
                    "{:?}",
                    v.dead
                );
                assert!(c.lost == 0 && !lost);
            }
            // "Without persistence it restarts empty: every queued message is lost."
            "broker-crash-none" => {
                assert_eq!(sim.status(REDIS), Some(NodeStatus::Up));
                assert!(c.lost >= 1 && lost, "{c:?}");
                assert!(broker(sim).server().aof().lost_count() == 0);
            }
            // "the older backlog survives, but the writes since the last fsync ... are
            // lost, confirmations included. ... they are processed twice."
            "broker-crash-everysec" => {
                let b = broker(sim);
                assert_eq!(sim.status(REDIS), Some(NodeStatus::Up));
                assert!(b.server().aof().lost_count() >= 1);
                assert!(c.lost >= 1 && lost, "confirmed messages lost: {c:?}");
                assert!(!b.holds(sim.now()).is_empty(), "the older backlog survives");
                assert!(
                    c.duplicated >= 1 && twice,
                    "processed twice, on the stage: {c:?}"
                );
            }
            // "Nothing confirmed is lost."
            "broker-crash-always" => {
                assert_eq!(sim.status(REDIS), Some(NodeStatus::Up));
                assert_eq!(broker(sim).server().aof().lost_count(), 0);
                assert!(c.lost == 0 && !lost, "{c:?}");
                played_on(&mut run, 30_000);
                assert_eq!(counters(run.sim()).lost, 0);
            }
            // "Here p1's reply was lost and it resent p1.1; the second copy found its id
            // recorded and was skipped (dedupe: 1)." (The scenario drops p1's first reply.)
            "idempotent" => {
                let skipped: u64 = sim
                    .nodes()
                    .iter()
                    .filter_map(|(_, n, _)| n.as_consumer())
                    .map(|c| c.ledger().skipped_duplicates)
                    .sum();
                assert!(skipped >= 1 && c.redelivered >= 1);
                assert!(c.duplicated == 0 && !twice);
                played_on(&mut run, 20_000);
                let end = counters(run.sim());
                assert_eq!((end.duplicated, end.lost), (0, 0), "{end:?}");
                assert!(!violated(run.sim(), NO_DUPLICATE_EFFECT));
            }
            other => panic!("stop {i} ({}): no claim checked for {other}", stop.title),
        }
    }
    println!("{}", seen.join("\n"));
}

/// The group's pending entries as `XPENDING key group - + 1000` reports them, each with
/// the message its stream entry carries: (consumer, message, delivery count), in id order.
fn xpending(sim: &Sim<QueueNode>) -> Vec<(String, MessageId, u32)> {
    let mut redis = broker(sim).redis().clone();
    let cmd = Command::Xpending {
        key: "queue".into(),
        group: "workers".into(),
        range: Some(PendingRange {
            min_idle_ms: None,
            start: Bound::Min,
            end: Bound::Max,
            count: 1000,
            consumer: None,
        }),
    };
    let now = sim.now();
    let Reply::Array(rows) = redis.execute(&cmd, now) else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(|row| {
            let Reply::Array(f) = row else { return None };
            let (Reply::Bulk(id), Reply::Bulk(consumer), Reply::Integer(n)) = (&f[0], &f[1], &f[3])
            else {
                return None;
            };
            let id = id.parse().ok()?;
            let entry = redis.execute(
                &Command::Xrange {
                    key: "queue".into(),
                    start: Bound::Incl(id),
                    end: Bound::Incl(id),
                    count: Some(1),
                },
                now,
            );
            let message = dsviz::algo::queue::Message::all_in(&entry).first()?.id;
            Some((consumer.clone(), message, u32::try_from(*n).ok()?))
        })
        .collect()
}

#[test]
fn pending_chips_show_the_delivery_counts_xpending_reports() {
    let (mut spec, problems) = scene::RunSpec::from_query("?scene=queue&sc=poison&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    let built = scene::build_scene::<QueueScene>(&mut spec);
    let mut run = *built.run;
    run.extend(3_000);
    let (mut compared, mut redelivered) = (0, 0);
    for step in 1..run.horizon() {
        run.seek(step);
        let view = run.view();
        let drawn: Vec<(String, MessageId, u32)> = view
            .consumers
            .iter()
            .flat_map(|c| {
                c.pending.iter().map(move |p| {
                    (
                        format!("c{}", c.number),
                        p.chip.message.id,
                        p.chip.deliveries,
                    )
                })
            })
            .collect();
        let mut reported = xpending(run.sim());
        // The view lists entries per consumer, each consumer's oldest first.
        reported.sort_by_key(|(consumer, ..)| consumer.clone());
        assert_eq!(
            drawn, reported,
            "step {step}: chips (left) and XPENDING (right)"
        );
        compared += drawn.len();
        redelivered += drawn.iter().filter(|(.., n)| *n >= 2).count();
    }
    assert!(compared > 100, "only {compared} pending chips compared");
    assert!(
        redelivered > 10,
        "only {redelivered} chips of redelivered entries"
    );
}

/// Runs `config` and takes Redis's machine down at `crash_at`; returns the times of the
/// writes it had not flushed (what the crash loses) and the broker's lost-write count after.
fn crash_at(config: &QueueConfig, crash_at: Time) -> (Vec<Time>, u64) {
    let mut sim = new_sim(1, config);
    let redis = layout(config).broker;
    while sim.next_event_time().is_some_and(|t| t < crash_at) {
        sim.step(None);
    }
    let unsynced = broker(&sim)
        .server()
        .aof()
        .unsynced()
        .iter()
        .map(|(_, at)| *at)
        .collect();
    sim.apply(&Action::Crash(redis), crash_at, None);
    (unsynced, broker(&sim).server().aof().lost_count())
}

#[test]
fn under_everysec_a_power_loss_takes_only_the_writes_of_the_last_second() {
    let (config, _) = scenario("broker-crash-everysec").expect("scenario");
    assert_eq!(config.persistence, Persistence::AofEverySec);
    assert_eq!(config.design, Design::ConsumerGroup);
    let second = Time::from_millis(1_000);
    let mut lost_somewhere = 0;
    for ms in (150..4_000).step_by(173) {
        let at = Time::from_millis(ms);
        let (unsynced, lost) = crash_at(&config, at);
        assert_eq!(
            lost,
            unsynced.len() as u64,
            "crash at {at}: loses what was not flushed"
        );
        for w in &unsynced {
            assert!(
                at.saturating_sub(*w) <= second,
                "crash at {at} loses a write of {w}, more than a second before"
            );
        }
        lost_somewhere += lost;
        // With fsync always, the same crash loses nothing.
        let always = QueueConfig {
            persistence: Persistence::AofAlways,
            ..config.clone()
        };
        assert_eq!(
            crash_at(&always, at),
            (Vec::new(), 0),
            "always, crash at {at}"
        );
    }
    assert!(
        lost_somewhere > 20,
        "the crashes lose writes: {lost_somewhere}"
    );
}
