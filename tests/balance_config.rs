//! Configuration checks, command text and links: bad input gets a message for the page,
//! never a panic; commands round-trip through their link form.
use dsviz::algo::balance::{
    new_sim, node_names, BalanceConfig, Cmd, QueueFull, RateStep, ServerSpec, Strategy as Lb,
    TrafficConfig,
};
use dsviz::sim::{Action, NodeId, Scheduled, Time};
use proptest::prelude::*;

fn error_of(change: impl FnOnce(&mut BalanceConfig)) -> String {
    let mut config = BalanceConfig::default();
    change(&mut config);
    config
        .validate()
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn the_default_configuration_is_valid_and_named() {
    let config = BalanceConfig::default();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(
        config.capacity_per_second(),
        400,
        "4 servers x 2 slots / 20 ms"
    );
    assert_eq!(
        node_names(&config),
        [
            "clients",
            "balancer 1",
            "server 1",
            "server 2",
            "server 3",
            "server 4"
        ]
    );
}

#[test]
fn bad_values_get_a_message_for_the_page() {
    assert_eq!(
        error_of(|c| c.servers.clear()),
        "Servers must be between 1 and 16, not 0"
    );
    assert_eq!(
        error_of(|c| c.balancers = 9),
        "Balancers must be between 1 and 8, not 9"
    );
    assert_eq!(
        error_of(|c| c.servers[1].speed_permille = 50),
        "Server 2's speed must be between 100 and 10000‰, not 50‰"
    );
    assert_eq!(
        error_of(|c| c.traffic.rate[0].from = Time::from_millis(5)),
        "The rate schedule's first step must start at 0 ms"
    );
    assert!(error_of(|c| c.traffic.rate.push(RateStep {
        from: Time::ZERO,
        per_second: 1
    }))
    .starts_with("Rate steps must start in order"));
    assert!(error_of(|c| c.window = Time::from_millis(60_000)).contains("latency window"));
    assert!(error_of(|c| c.capacity_factor_permille = 900).contains("capacity factor"));
    assert!(error_of(|c| c.outlier.max_ejection = Time(1)).contains("longest ejection"));
}

#[test]
fn commands_travel_in_links() {
    let config = BalanceConfig::default();
    let nodes = node_names(&config).len() as u32;
    for text in [
        "7@2000000:cmd:5:slow:5",
        "9@3000000:cmd:0:surge:3:4000",
        "3@10:cut:1:4",
    ] {
        let parsed: Scheduled<Cmd> = Scheduled::parse(text, nodes).expect(text);
        assert_eq!(parsed.to_string(), text);
    }
    let slow: Scheduled<Cmd> = Scheduled::parse("1@5:cmd:2:slow:4", nodes).expect("valid");
    assert_eq!(slow.action, Action::Command(NodeId(2), Cmd::Slow(4)));
    assert!(Scheduled::<Cmd>::parse("1@5:cmd:2:slow:40", nodes).is_err());
    assert!(Scheduled::<Cmd>::parse("1@5:cmd:9:stop", nodes).is_err());
}

#[test]
fn the_largest_ring_the_configuration_allows_builds() {
    let config = BalanceConfig {
        strategy: Lb::BoundedLoad,
        servers: vec![
            ServerSpec {
                weight: 100,
                ..ServerSpec::default()
            };
            16
        ],
        vnodes: 1_000,
        ..BalanceConfig::default()
    };
    assert_eq!(config.validate(), Ok(()));
    let mut sim = new_sim(1, &config);
    for _ in 0..5_000 {
        sim.step(None);
    }
    let picks: u64 = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_balancer().map(|b| b.picks()))
        .sum();
    assert!(
        picks > 100,
        "the bounded-load ring routed requests: {picks}"
    );
}

fn any_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        (1u32..=10).prop_map(Cmd::Slow),
        (0u64..=600_000).prop_map(|ms| Cmd::Flap(Time::from_millis(ms))),
        (1u32..=10, 1u64..=600_000).prop_map(|(factor, ms)| Cmd::Surge {
            factor,
            duration: Time::from_millis(ms)
        }),
        Just(Cmd::Stop),
        Just(Cmd::Go),
    ]
}

fn any_config() -> impl Strategy<Value = BalanceConfig> {
    let servers = prop::collection::vec(
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(a, b, c, d)| {
            ServerSpec {
                slots: a % 100,
                speed_permille: b,
                weight: c % 30,
                queue_limit: d % 2_000,
            }
        }),
        0..20,
    );
    let rate = prop::collection::vec(
        (any::<u64>(), any::<u32>()).prop_map(|(from, per_second)| RateStep {
            from: Time(from % 20_000_000),
            per_second: per_second % 20_000,
        }),
        0..20,
    );
    (servers, rate, any::<u64>(), 0usize..8, any::<bool>()).prop_map(
        |(servers, rate, bits, strategy, reject)| BalanceConfig {
            strategy: Lb::ALL[strategy],
            balancers: (bits % 11) as u32,
            servers,
            traffic: TrafficConfig {
                rate,
                burst_permille: (bits >> 8) as u32 % 2_000,
                burst_size: (bits >> 16) as u32 % 200,
                mean_demand: Time((bits >> 20) % 100_000),
                heavy_permille: (bits >> 24) as u32 % 2_000,
                heavy_factor: (bits >> 32) as u32 % 200,
                sessions: (bits >> 40) as u32 % 20_000,
            },
            queue_full: if reject {
                QueueFull::Reject
            } else {
                QueueFull::Drop
            },
            hop_latency: Time(bits % 2_000_000),
            upstream_timeout: Time((bits >> 3) % 900_000_000),
            // Large rings are covered once below; here they would only slow the cases.
            vnodes: (bits >> 44) as u32 % 300,
            capacity_factor_permille: (bits >> 48) as u32 % 20_000,
            window: Time((bits >> 5) % 90_000_000),
            ..BalanceConfig::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn commands_round_trip(cmd in any_cmd()) {
        let text = cmd.to_string();
        prop_assert_eq!(text.parse::<Cmd>(), Ok(cmd));
    }

    #[test]
    fn any_text_is_a_command_or_a_message(text in "[a-z0-9:]{0,16}") {
        if let Err(message) = text.parse::<Cmd>() {
            prop_assert!(!message.is_empty());
        }
    }

    #[test]
    fn any_configuration_sanitizes_to_a_valid_one_that_runs(config in any_config()) {
        let clean = config.sanitized();
        prop_assert_eq!(clean.validate(), Ok(()));
        prop_assert_eq!(clean.sanitized(), clean.clone());
        // Building from the raw configuration sanitizes it too, and never panics.
        let mut sim = new_sim(1, &config);
        for _ in 0..1_000 {
            if !sim.step(None) {
                break;
            }
        }
        prop_assert!(sim.violations().iter().all(Option::is_none));
    }
}
