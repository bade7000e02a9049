//! Properties over many seeded runs with random configurations and random faults
//! (crashes, restarts, cut links, slow and flapping servers, surges, crashed balancers):
//! the invariants hold at every step, every request ends up counted once traffic stops,
//! and power of two choices always compares two distinct servers.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::balance::messages::PickReason;
use dsviz::algo::balance::{
    layout, new_sim, BalanceConfig, BalanceNode, Cmd, Note, QueueFull, RateStep, ServerSpec,
    Strategy,
};
use dsviz::sim::{Action, NetChange, NodeId, Sim, SimRng, Time, TraceEntry, TraceKind};

fn random_config(rng: &mut SimRng) -> BalanceConfig {
    let mut config = BalanceConfig {
        strategy: Strategy::ALL[rng.below(8) as usize],
        balancers: rng.between(1, 3) as u32,
        servers: (0..rng.between(2, 5))
            .map(|_| ServerSpec {
                slots: rng.between(1, 3) as u32,
                speed_permille: rng.between(500, 2_000) as u32,
                weight: rng.between(1, 3) as u32,
                queue_limit: rng.between(0, 20) as u32,
            })
            .collect(),
        queue_full: if rng.below(2) == 0 {
            QueueFull::Reject
        } else {
            QueueFull::Drop
        },
        hop_latency: Time(rng.between(0, 3_000)),
        upstream_timeout: Time::from_millis(rng.between(200, 1_000)),
        client_timeout: Time::from_millis(rng.between(300, 2_000)),
        ..BalanceConfig::default()
    };
    config.active_health.enabled = rng.below(10) < 7;
    config.active_health.interval = Time::from_millis(rng.between(100, 600));
    config.outlier.enabled = rng.below(10) < 7;
    config.outlier.consecutive_errors = rng.between(1, 5) as u32;
    config.outlier.base_ejection = Time::from_millis(rng.between(200, 2_000));
    config.outlier.max_ejection_percent = rng.between(0, 100) as u32;
    config.traffic.burst_permille = rng.between(0, 200) as u32;
    config.traffic.heavy_permille = rng.between(0, 100) as u32;
    config.traffic.sessions = rng.between(1, 200) as u32;
    let load = rng.between(50, 95);
    config.traffic.rate = vec![RateStep {
        from: Time::ZERO,
        per_second: (config.capacity_per_second() * load / 100).max(1) as u32,
    }];
    config
}

/// A random fault at a random moment of the first six seconds.
fn random_action(rng: &mut SimRng, config: &BalanceConfig) -> (Time, Action<Cmd>) {
    let l = layout(config);
    let server = l.servers[rng.below(l.servers.len() as u64) as usize];
    let balancer = l.balancers[rng.below(l.balancers.len() as u64) as usize];
    let action = match rng.below(10) {
        0 => Action::Crash(server),
        1 => Action::Restart(server),
        2 => Action::Network(NetChange::Cut {
            from: balancer,
            to: server,
        }),
        3 => Action::Network(NetChange::Heal {
            from: balancer,
            to: server,
        }),
        4 => Action::Command(server, Cmd::Slow(rng.between(1, 10) as u32)),
        5 => Action::Command(server, Cmd::Flap(Time::from_millis(rng.between(0, 800)))),
        6 => Action::Command(
            l.client,
            Cmd::Surge {
                factor: rng.between(2, 4) as u32,
                duration: Time::from_millis(rng.between(100, 2_000)),
            },
        ),
        7 => Action::Crash(balancer),
        8 => Action::Restart(balancer),
        _ => Action::Network(NetChange::Cut {
            from: server,
            to: balancer,
        }),
    };
    (Time::from_millis(rng.between(0, 6_000)), action)
}

#[derive(Default)]
struct Seen {
    all_balancers_knew_a_server_down: u64,
    dropped: u64,
    failed: u64,
    pairs_compared: u64,
}

fn step_until(
    sim: &mut Sim<BalanceNode>,
    until: Time,
    seed: u64,
    seen: &mut Seen,
    trace: &mut Vec<TraceEntry<BalanceNode>>,
) {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step(Some(trace));
        for entry in trace.drain(..) {
            if let TraceKind::Note {
                note:
                    Note::Picked {
                        server,
                        why:
                            PickReason::TwoChoices { other, .. } | PickReason::PeakEwma { other, .. },
                        ..
                    },
                ..
            } = entry.kind
            {
                seen.pairs_compared += 1;
                assert_ne!(other, server, "seed {seed}: the pair was one server twice");
            }
        }
        if knows_down_everywhere(sim) {
            seen.all_balancers_knew_a_server_down += 1;
        }
    }
}

/// Whether some server is unavailable in every balancer's view.
fn knows_down_everywhere(sim: &Sim<BalanceNode>) -> bool {
    let nodes = sim.nodes();
    let balancers: Vec<_> = nodes
        .iter()
        .filter_map(|(_, n, _)| n.as_balancer())
        .collect();
    let servers = balancers.first().map_or(0, |b| b.books().len());
    (0..servers).any(|s| balancers.iter().all(|b| !b.is_available(s as u32)))
}

fn client(sim: &Sim<BalanceNode>) -> dsviz::algo::balance::Client {
    sim.node(NodeId(0))
        .and_then(|n| n.as_client().cloned())
        .expect("node 0 is the client")
}

#[test]
fn invariants_hold_and_every_request_is_counted_under_random_faults() {
    let mut seen = Seen::default();
    let mut trace = Vec::new();
    for seed in 0..60u64 {
        let mut rng = SimRng::new(seed ^ 0xba1a);
        let config = random_config(&mut rng);
        config
            .validate()
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let mut actions: Vec<(Time, Action<Cmd>)> =
            (0..8).map(|_| random_action(&mut rng, &config)).collect();
        actions.sort_by_key(|a| a.0);
        let mut sim = new_sim(seed, &config);
        for (at, action) in &actions {
            step_until(&mut sim, *at, seed, &mut seen, &mut trace);
            sim.apply(action, *at, None);
        }
        let stop_at = Time::from_millis(6_000);
        step_until(&mut sim, stop_at, seed, &mut seen, &mut trace);
        sim.apply(&Action::Command(NodeId(0), Cmd::Stop), stop_at, None);
        // Every request left must end within the client's timeout.
        let drained = stop_at
            .saturating_add(config.client_timeout)
            .saturating_add(Time(1_000));
        step_until(&mut sim, drained, seed, &mut seen, &mut trace);
        for (invariant, violation) in sim.invariants().iter().zip(sim.violations()) {
            assert!(
                violation.is_none(),
                "seed {seed} ({:?}): {} failed: {:?}",
                config.strategy,
                invariant.name,
                violation
            );
        }
        let c = client(&sim);
        let t = c.totals();
        assert_eq!(
            c.in_progress(),
            0,
            "seed {seed}: requests still in progress"
        );
        assert_eq!(t.arrived, t.ended(), "seed {seed}: {t:?}");
        assert!(t.arrived > 0, "seed {seed}: no traffic");
        seen.dropped += t.dropped();
        seen.failed += t.failed();
    }
    // The runs did reach the situations the properties are about.
    assert!(
        seen.all_balancers_knew_a_server_down > 0,
        "no server was ever known down everywhere"
    );
    assert!(
        seen.dropped > 0 && seen.failed > 0,
        "nothing was dropped or failed"
    );
    assert!(
        seen.pairs_compared > 1_000,
        "too few pairs: {}",
        seen.pairs_compared
    );
}

#[test]
fn the_same_seed_and_faults_give_the_same_run() {
    for seed in [3u64, 17] {
        let mut rng = SimRng::new(seed);
        let config = random_config(&mut rng);
        let (at, action) = random_action(&mut rng, &config);
        let run = || {
            let mut sim = new_sim(seed, &config);
            let mut seen = Seen::default();
            step_until(&mut sim, at, seed, &mut seen, &mut Vec::new());
            sim.apply(&action, at, None);
            step_until(
                &mut sim,
                Time::from_millis(5_000),
                seed,
                &mut seen,
                &mut Vec::new(),
            );
            (sim.step_count(), client(&sim).totals(), sim.fingerprint())
        };
        assert_eq!(run(), run(), "seed {seed}");
    }
}
