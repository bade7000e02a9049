//! The queue scene's building blocks: configuration, text forms, layout, determinism, the
//! views' accessors, the design comparison, user commands, and the fast loss check against
//! a slow reference.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::queue::compare::{comparison_config, run_with_actions};
use dsviz::algo::queue::invariants::unaccounted;
use dsviz::algo::queue::stats::queue_view;
use dsviz::algo::queue::{
    counters, design_comparison, invariants, layout, net_config, new_sim, node_names, nodes,
    BaseDesign, Design, Message, MessageId, Phase, QueueCmd, QueueConfig, QueueNode,
    NO_CONFIRMED_LOSS, PER_PRODUCER_ORDER,
};
use dsviz::algo::redis::Persistence;
use dsviz::sim::{Action, NetConfig, NodeId, Sim, SimRng, Time};

fn run_until(sim: &mut Sim<QueueNode>, until: Time) {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step(None);
    }
}

#[test]
fn config_rejects_impossible_values_with_clear_messages() {
    assert_eq!(QueueConfig::default().validate(), Ok(()));
    let bad = |f: fn(&mut QueueConfig)| {
        let mut c = QueueConfig::default();
        f(&mut c);
        c.validate().expect_err("invalid").to_string()
    };
    assert_eq!(
        bad(|c| c.producers = 0),
        "there must be 1 to 4 producers, not 0"
    );
    assert_eq!(
        bad(|c| c.consumers = 9),
        "there must be 1 to 4 consumers, not 9"
    );
    assert!(bad(|c| c.messages = 501).contains("at most 500 messages"));
    assert!(bad(|c| c.max_attempts = 0).contains("1 to 10 times"));
    assert!(bad(|c| c.max_deliveries = 11).contains("1 to 10 deliveries"));
    assert!(
        bad(|c| c.block = Time::ZERO).contains("the blocking read timeout must be at least 1 ms")
    );
    assert!(bad(|c| c.service_time = Time::from_millis(61_000)).contains("longer than"));
    assert!(bad(|c| c.poison = vec![
        MessageId {
            producer: 1,
            seq: 1
        };
        17
    ])
    .contains("at most 16"));
}

#[test]
fn bad_configs_still_build_and_run_without_panicking() {
    let config = QueueConfig {
        producers: 0,
        consumers: 99,
        messages: 10_000,
        block: Time::ZERO,
        request_timeout: Time::ZERO,
        max_attempts: 0,
        ..QueueConfig::default()
    };
    assert!(config.validate().is_err());
    let sanitized = config.sanitized();
    assert_eq!(sanitized.validate(), Ok(()));
    let mut sim = new_sim(1, &config);
    assert_eq!(sim.node_count() as usize, node_names(&config).len());
    run_until(&mut sim, Time::from_millis(500));
    assert!(counters(&sim).sent > 0);
}

#[test]
fn text_forms_round_trip() {
    for design in Design::ALL {
        assert_eq!(design.slug().parse::<Design>(), Ok(design));
    }
    assert!("fifo"
        .parse::<Design>()
        .unwrap_err()
        .contains("brpop, blmove, stream"));
    for p in Persistence::ALL {
        assert_eq!(p.slug().parse::<Persistence>(), Ok(p));
    }
    for cmd in [
        QueueCmd::Produce(1),
        QueueCmd::Produce(7),
        QueueCmd::Poison,
        QueueCmd::Slow,
        QueueCmd::Fast,
    ] {
        assert_eq!(cmd.to_string().parse::<QueueCmd>(), Ok(cmd), "{cmd}");
    }
    assert_eq!(QueueCmd::Produce(3).to_string(), "produce:3");
    assert!("produce:0".parse::<QueueCmd>().is_err());
    assert!("produce:101".parse::<QueueCmd>().is_err());
    assert!("explode"
        .parse::<QueueCmd>()
        .unwrap_err()
        .to_string()
        .contains("unknown command"));
    let id = MessageId {
        producer: 2,
        seq: 17,
    };
    assert_eq!(id.to_string(), "p2.17");
    assert_eq!("p2.17".parse::<MessageId>(), Ok(id));
    for bad in ["2.17", "p2", "p0.1", "p1.01", "p1.x", "p1.2.3"] {
        assert!(bad.parse::<MessageId>().is_err(), "{bad}");
    }
    let poison = Message { id, poison: true };
    assert_eq!(poison.encode(), "p2.17/poison");
    assert_eq!(Message::decode("p2.17/poison"), Some(poison));
    assert_eq!(Message::decode("p2.17").map(|m| m.poison), Some(false));
    assert_eq!(Message::decode("hello"), None);
}

#[test]
fn layout_and_names_agree_for_every_design() {
    for design in Design::ALL {
        let config = QueueConfig {
            design,
            producers: 3,
            consumers: 2,
            ..QueueConfig::default()
        };
        let l = layout(&config);
        let names = node_names(&config);
        let built = nodes(&config);
        assert_eq!(names.len(), built.len());
        assert_eq!(names[l.broker.index()], "redis");
        assert_eq!(names[l.db.index()], "db");
        assert_eq!(
            l.producers
                .iter()
                .map(|p| names[p.index()].as_str())
                .collect::<Vec<_>>(),
            ["p1", "p2", "p3"]
        );
        assert_eq!(
            l.consumers
                .iter()
                .map(|c| names[c.index()].as_str())
                .collect::<Vec<_>>(),
            ["c1", "c2"]
        );
        assert_eq!(l.reaper.is_some(), design.uses_reaper(), "{design:?}");
        if let Some(r) = l.reaper {
            assert!(built[r.index()].as_reaper().is_some());
        }
        assert!(built[l.consumers[1].index()].as_consumer().is_some());
    }
}

#[test]
fn same_seed_same_run() {
    for design in Design::ALL {
        let config = QueueConfig::with_design(design);
        let run = |seed| {
            let mut sim = new_sim(seed, &config);
            run_until(&mut sim, Time::from_millis(2_000));
            (sim.step_count(), sim.fingerprint(), counters(&sim))
        };
        assert_eq!(run(5), run(5), "{design:?}");
        assert_ne!(run(5).1, run(6).1, "{design:?}: another seed, another run");
    }
}

/// Random consumer and broker crashes on a lossy network.
fn faulty_run(design: Design, seed: u64) -> (Sim<QueueNode>, Vec<(Time, Action<QueueCmd>)>) {
    let mut rng = SimRng::new(seed);
    let config = QueueConfig {
        design,
        persistence: Persistence::ALL[rng.below(3) as usize],
        ..QueueConfig::default()
    };
    let l = layout(&config);
    let mut faults = Vec::new();
    for _ in 0..3 {
        let at = Time::from_millis(rng.between(20, 600));
        let node = if rng.below(4) == 0 {
            l.broker
        } else {
            l.consumers[rng.below(2) as usize]
        };
        faults.push((at, Action::Crash(node)));
        faults.push((
            at.saturating_add(Time::from_millis(rng.between(10, 300))),
            Action::Restart(node),
        ));
    }
    faults.sort_by_key(|(t, _)| *t);
    let net = NetConfig {
        loss: 0.03,
        ..net_config()
    };
    (Sim::new(seed, nodes(&config), net, invariants()), faults)
}

#[test]
fn the_loss_check_that_skips_steps_agrees_with_checking_every_step() {
    let mut verdicts = [0, 0];
    for seed in 0..60 {
        let design = Design::ALL[(seed % 5) as usize];
        let (mut sim, faults) = faulty_run(design, seed);
        let mut reference = None;
        let mut faults = faults.into_iter().peekable();
        while sim.now() < Time::from_millis(1_500) {
            match faults.peek() {
                Some((at, _)) if sim.next_event_time().is_none_or(|t| t >= *at) => {
                    let (at, action) = faults.next().expect("peeked");
                    sim.apply(&action, at, None);
                }
                _ => {
                    sim.step(None);
                }
            }
            if reference.is_none() && !unaccounted(&sim.nodes()).is_empty() {
                reference = Some(sim.step_count());
            }
        }
        let index = sim
            .invariants()
            .iter()
            .position(|i| i.name == NO_CONFIRMED_LOSS)
            .expect("exists");
        let fast = sim.violations()[index].as_ref().map(|v| v.step);
        assert_eq!(fast, reference, "seed {seed} ({design:?})");
        verdicts[usize::from(fast.is_some())] += 1;
    }
    assert!(
        verdicts[0] > 0 && verdicts[1] > 0,
        "both verdicts occur: {verdicts:?}"
    );
}

#[test]
fn the_view_shows_pending_entries_consumers_and_a_depth_history() {
    let config = QueueConfig {
        service_time: Time::from_millis(200),
        ..QueueConfig::with_design(Design::ConsumerGroup)
    };
    let mut sim = new_sim(3, &config);
    run_until(&mut sim, Time::from_millis(400));
    let view = queue_view(&sim);
    assert_eq!(view.design, Design::ConsumerGroup);
    assert_eq!(view.consumers.len(), 2);
    assert!(
        !view.queue.is_empty(),
        "producers outpace two slow consumers"
    );
    assert!(view.queue.iter().all(|q| q.stream_id.is_some()));
    assert_eq!(view.pending.len() as u64, view.depth.in_progress);
    assert_eq!(view.queue.len() as u64, view.depth.queued);
    for p in &view.pending {
        assert_eq!(p.deliveries, 1);
        let holder = view
            .consumers
            .iter()
            .find(|c| c.name == p.consumer)
            .expect("a consumer");
        assert_eq!(holder.holding, p.message.map(|m| m.id));
        assert_eq!(holder.phase, Phase::Working);
    }
    let broker = sim
        .node(NodeId(0))
        .and_then(QueueNode::as_broker)
        .expect("broker");
    let history: Vec<_> = broker.history().collect();
    assert!(history.len() > 5);
    assert!(history
        .windows(2)
        .all(|w| w[0].at <= w[1].at && w[0].depth != w[1].depth));
    assert_eq!(history.last().map(|s| s.depth), Some(view.depth));
}

#[test]
fn the_design_comparison_is_a_pure_function_showing_what_each_design_costs() {
    let rows = design_comparison(7);
    assert_eq!(rows, design_comparison(7));
    assert_eq!(
        rows.iter().map(|r| r.design).collect::<Vec<_>>(),
        Design::ALL
    );
    let row = |d: Design| rows.iter().find(|r| r.design == d).expect("row").counters;
    assert!(
        row(Design::AtMostOnce).lost > 0,
        "{:?}",
        row(Design::AtMostOnce)
    );
    assert!(row(Design::ReliableList).duplicated > 0);
    assert_eq!(row(Design::ReliableList).lost, 0);
    for base in [BaseDesign::ReliableList, BaseDesign::ConsumerGroup] {
        assert_eq!(row(Design::Idempotent(base)).duplicated, 0, "{base:?}");
    }
    for r in &rows {
        assert_eq!(
            r.counters.sent,
            2 * u64::from(comparison_config(r.design).messages)
        );
    }
}

#[test]
fn commands_add_messages_poison_the_next_one_and_change_a_consumers_speed() {
    let config = QueueConfig {
        messages: 0,
        ..QueueConfig::with_design(Design::ConsumerGroup)
    };
    let l = layout(&config);
    let mut sim = new_sim(1, &config);
    let (p1, c1) = (l.producers[0], l.consumers[0]);
    let actions = [
        (Time::from_millis(10), Action::Command(c1, QueueCmd::Slow)),
        (Time::from_millis(10), Action::Command(p1, QueueCmd::Poison)),
        (
            Time::from_millis(10),
            Action::Command(p1, QueueCmd::Produce(3)),
        ),
        (Time::from_millis(20), Action::Command(c1, QueueCmd::Fast)),
    ];
    run_with_actions(&mut sim, &actions, Time::from_millis(5_000));
    let c = counters(&sim);
    assert_eq!((c.sent, c.processed, c.dead_lettered), (3, 2, 1));
    assert_eq!(
        queue_view(&sim).dead_letters[0].id,
        MessageId {
            producer: 1,
            seq: 1
        }
    );
    let consumer = sim.node(c1).and_then(QueueNode::as_consumer).expect("c1");
    assert!(!consumer.is_slow());
}

#[test]
fn producers_that_do_not_wait_get_nothing_confirmed_and_no_order_promise() {
    let config = QueueConfig {
        producer_waits: false,
        produce_every: Time::from_millis(1),
        ..QueueConfig::default()
    };
    let mut sim = new_sim(2, &config);
    run_until(&mut sim, Time::from_millis(3_000));
    let c = counters(&sim);
    assert_eq!((c.sent, c.confirmed, c.processed), (20, 0, 20));
    let index = sim
        .invariants()
        .iter()
        .position(|i| i.name == PER_PRODUCER_ORDER)
        .expect("exists");
    assert_eq!(sim.violations()[index], None);
    // The network did reorder their sends: the promise would have been broken.
    let broker = sim
        .node(NodeId(0))
        .and_then(QueueNode::as_broker)
        .expect("broker");
    assert!(broker.handouts().order_broken.is_some());
}

/// `XAUTOCLAIM ... COUNT 1` examines at most ten pending entries and returns where it
/// stopped. Eleven poison messages stay pending at the front of the list, each claimed
/// again (so busy, not idle) as soon as it has been idle long enough; behind them, the
/// message of a consumer that crashed has been idle for a long time. A consumer that starts
/// every scan at `0-0` stalls on the busy front until the poison messages are
/// dead-lettered; one that follows the cursor claims the crashed consumer's message while
/// the poison messages are still pending ahead of it.
#[test]
fn claims_follow_the_xautoclaim_cursor_past_ten_busy_entries_to_an_idle_one() {
    let id = |seq| MessageId { producer: 1, seq };
    let config = QueueConfig {
        design: Design::ConsumerGroup,
        producers: 1,
        consumers: 2,
        messages: 12,
        produce_every: Time::from_millis(5),
        service_time: Time::from_millis(5),
        min_idle: Time::from_millis(1_000),
        claim_every: Time::from_millis(50),
        max_deliveries: 10,
        poison: (1..=11).map(id).collect(),
        ..QueueConfig::default()
    };
    assert_eq!(config.validate(), Ok(()));
    let target = id(12);
    let mut sim = new_sim(3, &config);
    let mut crashed = None;
    let mut cursor_moved = false;
    let limit = Time::from_millis(4_000);
    while sim.now() < limit && sim.step(None) {
        let working_on_target = sim.nodes().iter().find_map(|(node, n, _)| {
            let c = n.as_consumer()?;
            let holds = c.holding().is_some_and(|d| d.message.id == target);
            (c.phase() == Phase::Working && holds).then_some(node)
        });
        if crashed.is_none() {
            if let Some(node) = working_on_target {
                sim.apply(&Action::Crash(node), sim.now(), None);
                crashed = Some(node);
            }
            continue;
        }
        cursor_moved |= sim.nodes().iter().any(|(_, n, _)| {
            n.as_consumer()
                .is_some_and(|c| c.claim_cursor() != dsviz::algo::redis::StreamId::ZERO)
        });
        let broker = sim.node(NodeId(0)).and_then(QueueNode::as_broker).unwrap();
        if broker.handouts().deliveries_of(target) >= 2 {
            let view = queue_view(&sim);
            let pending_ahead = view
                .pending
                .iter()
                .filter(|p| p.message.is_some_and(|m| m.id.seq < 12))
                .count();
            assert!(
                pending_ahead > 10,
                "p1.12 was claimed only once the front had shrunk to {pending_ahead} entries \
                 (at {})",
                sim.now()
            );
            assert!(
                cursor_moved,
                "a claim scan went on from a cursor other than 0-0"
            );
            return;
        }
    }
    panic!("the crashed consumer's message (crashed: {crashed:?}) was never claimed in {limit}");
}
