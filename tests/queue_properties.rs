//! Property tests of the queue scene over random faults: consumer crashes and pauses,
//! broker crashes, and a lossy network. Each run is seeded; a failure prints its seed.
//!
//! - Design 4 (idempotent consumers, on either base) never applies an effect twice.
//! - Designs 2 to 4 lose no confirmed message when Redis runs AOF with fsync always, and
//!   once the faults stop every confirmed message is processed (or dead-lettered).
//! - Whenever producers wait for confirmations, first deliveries keep each producer's order.
//! - A search over seeds finds a lost message in design 1 and a duplicate in design 2.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::queue::compare::run_with_actions;
use dsviz::algo::queue::invariants::confirmed;
use dsviz::algo::queue::{
    counters, invariants, layout, net_config, nodes, BaseDesign, Design, QueueCmd, QueueConfig,
    QueueNode, NO_CONFIRMED_LOSS, NO_DUPLICATE_EFFECT, PER_PRODUCER_ORDER,
};
use dsviz::algo::redis::Persistence;
use dsviz::sim::{Action, NetConfig, NodeStatus, Sim, SimRng, Time, Violation};

/// Faults happen in the first part of a run; the rest lets the queue drain.
const FAULTS_UNTIL: Time = Time::from_millis(2_500);
const RUN_FOR: Time = Time::from_millis(7_000);
/// Runs per property.
const RUNS: u64 = 300;

struct Run {
    sim: Sim<QueueNode>,
    seed: u64,
    broker_crashes: u64,
}

impl Run {
    fn violation(&self, name: &str) -> Option<&Violation> {
        let index = self.sim.invariants().iter().position(|i| i.name == name)?;
        self.sim.violations()[index].as_ref()
    }
}

/// A random run of `design`: two producers, two or three consumers, a network losing up
/// to 3% of messages, and random consumer crashes and pauses and broker crashes (every
/// crashed node restarts before the faults stop).
fn random_run(design: Design, persistence: Persistence, seed: u64) -> Run {
    let mut rng = SimRng::new(seed);
    let config = QueueConfig {
        design,
        persistence,
        producers: 2,
        consumers: rng.between(2, 3) as u32,
        messages: rng.between(10, 20) as u32,
        ..QueueConfig::default()
    };
    let layout = layout(&config);
    let net = NetConfig {
        loss: rng.below(4) as f64 / 100.0,
        ..net_config()
    };
    let mut faults: Vec<(Time, Action<QueueCmd>)> = Vec::new();
    for _ in 0..rng.between(1, 6) {
        let at = Time::from_millis(rng.between(50, FAULTS_UNTIL.micros() / 1000 - 1000));
        let back = at.saturating_add(Time::from_millis(rng.between(20, 900)));
        let consumer = layout.consumers[rng.below(layout.consumers.len() as u64) as usize];
        match rng.below(5) {
            0 | 1 => {
                faults.push((at, Action::Crash(consumer)));
                faults.push((back, Action::Restart(consumer)));
            }
            2 | 3 => faults.push((at, Action::Pause(consumer, Some(back.saturating_sub(at))))),
            _ => {
                faults.push((at, Action::Crash(layout.broker)));
                faults.push((back, Action::Restart(layout.broker)));
            }
        }
    }
    faults.sort_by_key(|(t, _)| *t);
    let mut sim = Sim::new(seed, nodes(&config), net, invariants());
    run_with_actions(&mut sim, &faults, RUN_FOR);
    let broker_crashes = faults
        .iter()
        .filter(|(_, a)| *a == Action::Crash(layout.broker))
        .count() as u64;
    Run {
        sim,
        seed,
        broker_crashes,
    }
}

/// Every confirmed message is processed or dead-lettered, and no node is still down.
fn assert_drained(run: &Run) {
    let nodes = run.sim.nodes();
    for (id, _, status) in nodes.iter() {
        assert_ne!(
            status,
            NodeStatus::Crashed,
            "seed {}: {id} still down",
            run.seed
        );
    }
    let db = nodes.iter().find_map(|(_, n, _)| n.as_db()).expect("db");
    let c = counters(&run.sim);
    let unprocessed: Vec<String> = confirmed(&nodes)
        .into_iter()
        .filter(|m| db.applied(*m) == 0)
        .map(|m| m.to_string())
        .collect();
    assert!(
        unprocessed.len() as u64 <= c.dead_lettered,
        "seed {}: confirmed but not processed after the faults stopped: {unprocessed:?} ({c:?})",
        run.seed
    );
}

#[test]
fn idempotent_consumers_never_apply_an_effect_twice() {
    let mut duplicates_delivered = 0;
    for seed in 0..RUNS {
        let base = if seed % 2 == 0 {
            BaseDesign::ReliableList
        } else {
            BaseDesign::ConsumerGroup
        };
        let persistence = Persistence::ALL[(seed / 2 % 3) as usize];
        let run = random_run(Design::Idempotent(base), persistence, seed);
        assert_eq!(
            run.violation(NO_DUPLICATE_EFFECT),
            None,
            "seed {seed} ({base:?}, {persistence:?})"
        );
        duplicates_delivered += counters(&run.sim).redelivered;
    }
    assert!(duplicates_delivered > 0, "the faults caused redeliveries");
}

#[test]
fn designs_2_to_4_lose_no_confirmed_message_with_fsync_always() {
    let designs = [
        Design::ReliableList,
        Design::ConsumerGroup,
        Design::Idempotent(BaseDesign::ReliableList),
        Design::Idempotent(BaseDesign::ConsumerGroup),
    ];
    let mut broker_crashes = 0;
    for seed in 0..RUNS {
        let design = designs[(seed % 4) as usize];
        let run = random_run(design, Persistence::AofAlways, 1_000 + seed);
        assert_eq!(
            run.violation(NO_CONFIRMED_LOSS),
            None,
            "seed {} ({design:?})",
            run.seed
        );
        assert_eq!(counters(&run.sim).lost, 0, "seed {}", run.seed);
        assert_drained(&run);
        broker_crashes += run.broker_crashes;
    }
    assert!(broker_crashes > 20, "only {broker_crashes} broker crashes");
}

#[test]
fn first_deliveries_keep_each_producers_order() {
    for seed in 0..RUNS {
        let design = Design::ALL[(seed % 5) as usize];
        let persistence = Persistence::ALL[(seed / 5 % 3) as usize];
        let run = random_run(design, persistence, 2_000 + seed);
        assert_eq!(
            run.violation(PER_PRODUCER_ORDER),
            None,
            "seed {} ({design:?}, {persistence:?})",
            run.seed
        );
    }
}

/// The first seed (from `from`) whose run of `design` violates `invariant`.
fn first_failing_seed(design: Design, invariant: &str, from: u64) -> Option<u64> {
    (from..from + 40).find(|&seed| {
        random_run(design, Persistence::AofAlways, seed)
            .violation(invariant)
            .is_some()
    })
}

#[test]
fn a_seed_search_finds_a_loss_in_design_1_and_a_duplicate_in_design_2() {
    let loss = first_failing_seed(Design::AtMostOnce, NO_CONFIRMED_LOSS, 3_000);
    assert!(loss.is_some(), "no seed lost a message with BRPOP");
    let duplicate = first_failing_seed(Design::ReliableList, NO_DUPLICATE_EFFECT, 4_000);
    assert!(
        duplicate.is_some(),
        "no seed duplicated an effect with BLMOVE"
    );
    eprintln!(
        "design 1 loses a message at seed {loss:?}; design 2 duplicates at seed {duplicate:?}"
    );
}
