//! The queue scene's ready-made scenarios, run to the end with seed 1, with the outcomes a
//! person watching them would check: which message is lost or processed twice, where it
//! went, and exactly when an invariant first fails.
use dsviz::algo::queue::stats::queue_view;
use dsviz::algo::queue::{
    counters, layout, new_sim, scenario, scenarios, Counters, MessageId, QueueCmd, QueueConfig,
    QueueNode, NO_CONFIRMED_LOSS, NO_DUPLICATE_EFFECT, PER_PRODUCER_ORDER,
};
use dsviz::sim::scenario::resolve;
use dsviz::sim::{Action, NodeId, Scheduled, Sim, Time, Violation};

/// Long enough for every scenario to settle (producers done, queue drained).
const RUN_FOR: Time = Time::from_millis(10_000);

fn run_scenario(id: &str) -> (QueueConfig, Vec<Scheduled<QueueCmd>>, Sim<QueueNode>) {
    let (config, triggers) = scenario(id).expect("scenario exists");
    let sim = new_sim(1, &config);
    let actions = resolve(sim.clone(), &triggers, 100_000);
    assert_eq!(actions.len(), triggers.len(), "{id}: every trigger fired");
    let mut sim = sim;
    let mut next = 0;
    while sim.now() <= RUN_FOR {
        if let Some(a) = actions.get(next).filter(|a| a.at <= sim.step_count()) {
            sim.apply(&a.action, a.time, None);
            next += 1;
            continue;
        }
        if !sim.step(None) {
            break;
        }
    }
    assert_eq!(next, actions.len(), "{id}: every action was replayed");
    (config, actions, sim)
}

fn violation(sim: &Sim<QueueNode>, name: &str) -> Option<Violation> {
    let index = sim
        .invariants()
        .iter()
        .position(|i| i.name == name)
        .expect("invariant exists");
    sim.violations()[index].clone()
}

fn db_applied(sim: &Sim<QueueNode>, m: MessageId) -> u32 {
    sim.nodes()
        .iter()
        .find_map(|(_, n, _)| n.as_db())
        .expect("db")
        .applied(m)
}

fn m(producer: u32, seq: u32) -> MessageId {
    MessageId { producer, seq }
}

#[test]
fn every_scenario_is_listed_valid_and_runs() {
    let list = scenarios();
    assert_eq!(list.len(), 10);
    for info in &list {
        assert!(info
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert!(!info.title.is_empty() && info.description.len() > 80);
        let (config, _) = scenario(info.id).expect("listed scenarios exist");
        assert_eq!(config.validate(), Ok(()), "{}", info.id);
        let (_, _, sim) = run_scenario(info.id);
        assert!(counters(&sim).processed > 0, "{}", info.id);
        assert_eq!(violation(&sim, PER_PRODUCER_ORDER), None, "{}", info.id);
    }
    assert!(scenario("no-such-thing").is_none());
}

#[test]
fn happy_path_processes_every_message_exactly_once() {
    let (_, _, sim) = run_scenario("happy");
    assert_eq!(
        counters(&sim),
        Counters {
            sent: 20,
            confirmed: 20,
            delivered: 20,
            redelivered: 0,
            processed: 20,
            duplicated: 0,
            lost: 0,
            first_lost: None,
            dead_lettered: 0,
        }
    );
    for producer in 1..=2 {
        for seq in 1..=10 {
            assert_eq!(db_applied(&sim, m(producer, seq)), 1);
        }
    }
    assert!(sim.violations().iter().all(Option::is_none));
    let view = queue_view(&sim);
    assert!(view.queue.is_empty() && view.pending.is_empty());
}

#[test]
fn a_consumer_crash_after_brpop_loses_the_message_it_held_at_the_crash_step() {
    let (_, actions, sim) = run_scenario("brpop-crash");
    let Action::Crash(crashed) = actions[0].action else {
        panic!("the scenario crashes a consumer: {:?}", actions[0].action)
    };
    let loss = violation(&sim, NO_CONFIRMED_LOSS).expect("a confirmed message is lost");
    // The crash is its own step (the action after `at` steps); nothing was wrong before.
    assert_eq!(loss.step, actions[0].at + 1);
    assert_eq!(
        loss.message,
        "p1.1 was confirmed to the producer but was never processed and is nowhere any more"
    );
    assert_eq!(db_applied(&sim, m(1, 1)), 0);
    assert_eq!(crashed, layout(&QueueConfig::default()).consumers[1]);
    let c = counters(&sim);
    assert_eq!(
        (c.confirmed, c.processed, c.lost, c.redelivered),
        (20, 19, 1, 0)
    );
    // The counter names the message the crashed consumer held, as the invariant does.
    assert_eq!(c.first_lost, Some(m(1, 1)));
    assert_eq!(violation(&sim, NO_DUPLICATE_EFFECT), None);
}

#[test]
fn the_same_crash_with_blmove_is_redelivered_by_the_reaper_to_the_other_consumer() {
    let (config, actions, sim) = run_scenario("blmove-crash");
    let Action::Crash(crashed) = actions[0].action else {
        panic!("the scenario crashes a consumer")
    };
    let layout = layout(&config);
    let reaper = sim
        .node(layout.reaper.expect("design 2 has a reaper"))
        .and_then(QueueNode::as_reaper)
        .expect("reaper");
    assert_eq!(reaper.requeued(), 1);
    let c = counters(&sim);
    assert_eq!(
        (c.processed, c.lost, c.redelivered, c.duplicated),
        (20, 0, 1, 0)
    );
    assert_eq!(db_applied(&sim, m(1, 1)), 1);
    assert!(sim.violations().iter().all(Option::is_none));
    // The crashed consumer's processing list is empty again: the reaper moved it out.
    let view = queue_view(&sim);
    let dead = view
        .consumers
        .iter()
        .find(|c| c.node == crashed)
        .expect("listed");
    assert!(dead.processing.is_empty());
}

#[test]
fn a_slow_consumer_past_the_visibility_timeout_gets_its_message_processed_twice() {
    let (config, actions, sim) = run_scenario("slow-consumer");
    assert!(config.slow_service_time > config.visibility_timeout);
    let slow = layout(&config).consumers[0];
    assert_eq!(actions[0].action, Action::Command(slow, QueueCmd::Slow));
    let dup = violation(&sim, NO_DUPLICATE_EFFECT).expect("an effect was applied twice");
    assert_eq!(dup.message, "the effect of p2.1 was applied 2 times");
    assert_eq!(db_applied(&sim, m(2, 1)), 2);
    let c = counters(&sim);
    assert_eq!(
        (c.processed, c.duplicated, c.redelivered, c.lost),
        (10, 1, 1, 0)
    );
    assert_eq!(violation(&sim, NO_CONFIRMED_LOSS), None);
}

#[test]
fn a_poison_message_ends_in_the_dead_letter_stream_after_its_last_delivery() {
    let (config, _, sim) = run_scenario("poison");
    let poison = m(1, 3);
    assert_eq!(config.poison, vec![poison]);
    let view = queue_view(&sim);
    assert_eq!(view.dead_letters.len(), 1);
    assert_eq!(view.dead_letters[0].id, poison);
    assert!(view.dead_letters[0].poison);
    assert!(view.pending.is_empty(), "the dead letter was acknowledged");
    assert_eq!(db_applied(&sim, poison), 0);
    let failures: u64 = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_consumer())
        .map(|c| c.ledger().failed)
        .sum();
    assert_eq!(failures, u64::from(config.max_deliveries));
    let c = counters(&sim);
    assert_eq!(
        (c.processed, c.dead_lettered, c.lost, c.redelivered),
        (19, 1, 0, 3)
    );
    assert!(sim.violations().iter().all(Option::is_none));
    // The dead-letter entry records how many deliveries it took.
    let broker = sim
        .node(NodeId(0))
        .and_then(QueueNode::as_broker)
        .expect("broker");
    let dead = broker
        .redis()
        .stream("queue:dead", sim.now())
        .expect("the dead-letter stream");
    let fields = dead.entries().values().next().expect("one entry");
    assert!(fields.contains(&("deliveries".to_string(), "4".to_string())));
}

#[test]
fn a_broker_crash_loses_what_its_persistence_choice_loses() {
    let mut lost = Vec::new();
    for (id, expect_loss) in [
        ("broker-crash-none", true),
        ("broker-crash-everysec", true),
        ("broker-crash-always", false),
    ] {
        let (_, actions, sim) = run_scenario(id);
        assert_eq!(actions[0].action, Action::Crash(NodeId(0)), "{id}");
        assert_eq!(actions[1].action, Action::Restart(NodeId(0)), "{id}");
        let loss = violation(&sim, NO_CONFIRMED_LOSS);
        assert_eq!(loss.is_some(), expect_loss, "{id}: {loss:?}");
        if let Some(loss) = loss {
            assert_eq!(
                loss.step,
                actions[0].at + 1,
                "{id}: lost at the crash itself"
            );
        }
        let c = counters(&sim);
        assert_eq!(c.confirmed, 80, "{id}");
        assert_eq!(
            c.processed + c.lost,
            80,
            "{id}: everything else was processed"
        );
        lost.push(c.lost);
    }
    assert_eq!(lost, vec![38, 9, 0]);
}

#[test]
fn everysec_replays_lost_acknowledgements_as_duplicates() {
    let (_, _, sim) = run_scenario("broker-crash-everysec");
    let broker = sim
        .node(NodeId(0))
        .and_then(QueueNode::as_broker)
        .expect("broker");
    assert!(broker.server().aof().lost_count() > 0);
    let c = counters(&sim);
    assert_eq!((c.duplicated, c.redelivered), (4, 4));
    assert!(violation(&sim, NO_DUPLICATE_EFFECT).is_some());
}

#[test]
fn a_lost_confirmation_makes_the_producer_send_its_message_twice() {
    let (config, actions, sim) = run_scenario("producer-retry");
    assert!(matches!(actions[0].action, Action::DropMessage(_)));
    let p1 = sim
        .node(layout(&config).producers[0])
        .and_then(QueueNode::as_producer)
        .expect("producer 1");
    assert_eq!(
        p1.ledger().sends,
        11,
        "ten messages, one of them sent twice"
    );
    assert_eq!(db_applied(&sim, m(1, 1)), 2);
    let dup = violation(&sim, NO_DUPLICATE_EFFECT).expect("applied twice");
    assert_eq!(dup.message, "the effect of p1.1 was applied 2 times");
    assert_eq!(violation(&sim, NO_CONFIRMED_LOSS), None);
}

#[test]
fn idempotent_consumers_skip_every_duplicate_delivery() {
    let (_, _, sim) = run_scenario("idempotent");
    let c = counters(&sim);
    assert_eq!(
        (c.processed, c.duplicated, c.delivered, c.redelivered),
        (10, 0, 12, 2)
    );
    let skipped: u64 = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_consumer())
        .map(|c| c.ledger().skipped_duplicates)
        .sum();
    assert_eq!(skipped, 2, "each redelivery found the dedupe record");
    let db = sim
        .nodes()
        .iter()
        .find_map(|(_, n, _)| n.as_db().cloned())
        .expect("db");
    assert_eq!(db.dedupe_table().len(), 10);
    assert!(db.effects().values().all(|n| *n == 1));
    assert!(sim.violations().iter().all(Option::is_none));
}
