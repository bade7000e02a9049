//! Compare mode: two strategies on the same seed see exactly the same arrivals, whatever
//! their own random draws, and the comparison is a pure function of its inputs.
use dsviz::algo::balance::compare::{check_run, compare, run_series, translate, TimedAction};
use dsviz::algo::balance::{layout, BalanceConfig, Cmd, Strategy};
use dsviz::sim::{Action, NetChange, Time};

fn faults(config: &BalanceConfig) -> Vec<TimedAction> {
    let l = layout(config);
    vec![
        TimedAction {
            at: Time::from_millis(800),
            action: Action::Command(
                l.client,
                Cmd::Surge {
                    factor: 3,
                    duration: Time::from_millis(700),
                },
            ),
        },
        TimedAction {
            at: Time::from_millis(1_200),
            action: Action::Crash(l.servers[1]),
        },
        TimedAction {
            at: Time::from_millis(2_000),
            action: Action::Network(NetChange::Cut {
                from: l.balancers[0],
                to: l.servers[2],
            }),
        },
    ]
}

fn with(strategy: Strategy) -> BalanceConfig {
    let mut config = BalanceConfig {
        strategy,
        ..BalanceConfig::default()
    };
    config.traffic.burst_permille = 100;
    config
}

#[test]
fn every_strategy_sees_the_same_arrivals_as_round_robin() {
    let until = Time::from_millis(3_000);
    let every = Time::from_millis(250);
    let rr = with(Strategy::RoundRobin);
    for seed in [1u64, 2, 3] {
        for strategy in Strategy::ALL {
            let other = with(strategy);
            let c = compare(
                seed,
                ("rr", &rr),
                ("other", &other),
                &faults(&rr),
                until,
                every,
            )
            .expect("valid");
            assert_eq!(
                c.a.arrival_digest, c.b.arrival_digest,
                "seed {seed} {strategy:?}"
            );
            assert_eq!(c.a.samples.len(), c.b.samples.len());
            assert_eq!(c.a.samples.len(), 13, "a sample at 0, 250, ..., 3000 ms");
            for (x, y) in c.a.samples.iter().zip(&c.b.samples) {
                assert_eq!(x.at, y.at);
                assert_eq!(x.arrived, y.arrived, "seed {seed} {strategy:?} at {}", x.at);
                assert_eq!(x.offered_per_second, y.offered_per_second);
            }
            let last = c.a.samples.last().expect("samples");
            assert!(last.arrived > 500, "traffic flowed: {}", last.arrived);
        }
    }
}

#[test]
fn different_seeds_give_different_arrivals() {
    let config = with(Strategy::RoundRobin);
    let until = Time::from_millis(1_000);
    let digest = |seed| {
        run_series("x", seed, &config, &[], until, until)
            .expect("valid")
            .arrival_digest
    };
    assert_ne!(digest(1), digest(2));
    assert_eq!(digest(5), digest(5), "and a seed always gives the same");
}

#[test]
fn different_numbers_of_balancers_still_see_the_same_requests() {
    let one = with(Strategy::LeastConnections);
    let eight = BalanceConfig {
        balancers: 8,
        ..one.clone()
    };
    let actions = faults(&eight);
    let until = Time::from_millis(3_000);
    let c = compare(7, ("eight", &eight), ("one", &one), &actions, until, until).expect("valid");
    assert_eq!(c.a.arrival_digest, c.b.arrival_digest);
    // The crash named server 1 of the eight-balancer layout; the one-balancer run lost
    // its own server 1 (the crash was translated), so both saw failures.
    assert!(c.b.samples.last().expect("sample").failed > 0);
    assert!(c.a.samples.last().expect("sample").failed > 0);
}

#[test]
fn actions_are_translated_by_role() {
    let eight = layout(&BalanceConfig {
        balancers: 8,
        ..BalanceConfig::default()
    });
    let one = layout(&BalanceConfig::default());
    let crash = Action::Crash(eight.servers[3]);
    assert_eq!(
        translate(&crash, &eight, &one),
        Some(Action::Crash(one.servers[3]))
    );
    let cut = Action::Network(NetChange::Cut {
        from: eight.balancers[0],
        to: eight.servers[0],
    });
    let expected = Action::Network(NetChange::Cut {
        from: one.balancers[0],
        to: one.servers[0],
    });
    assert_eq!(translate(&cut, &eight, &one), Some(expected));
    // The one-balancer run has no fifth balancer.
    assert_eq!(
        translate(&Action::Crash(eight.balancers[4]), &eight, &one),
        None
    );
}

#[test]
fn compare_is_a_pure_function() {
    let a = with(Strategy::Random);
    let b = with(Strategy::TwoChoices);
    let run = || {
        compare(
            11,
            ("random", &a),
            ("p2c", &b),
            &faults(&a),
            Time::from_millis(2_000),
            Time::from_millis(500),
        )
        .expect("valid")
    };
    let (first, second) = (run(), run());
    assert_eq!(first, second);
    // And the two sides did differ in what they decided.
    assert_ne!(first.a.samples, first.b.samples);
}

#[test]
fn bad_comparisons_are_refused_with_a_message() {
    let a = with(Strategy::RoundRobin);
    let mut b = a.clone();
    b.traffic.sessions = 7;
    let t = Time::from_millis(1_000);
    assert!(compare(1, ("a", &a), ("b", &b), &[], t, t).is_err());
    let stray = TimedAction {
        at: Time::ZERO,
        action: Action::Crash(dsviz::sim::NodeId(99)),
    };
    let err = run_series("a", 1, &a, &[stray], t, t).expect_err("node 99 does not exist");
    assert!(err.contains("node 99"), "{err}");
    assert!(check_run(Time::from_millis(700_000), t).is_err());
    assert!(check_run(t, Time(5)).is_err());
    let mut bad = a.clone();
    bad.balancers = 0;
    assert!(run_series("a", 1, &bad, &[], t, t).is_err());
}
