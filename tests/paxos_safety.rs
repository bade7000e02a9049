//! Paxos under random faults: the correct protocol stays safe over 10,000 seeded runs with
//! crashes, restarts, loss, duplication, reordering and partitions; a bounded seed search
//! finds a safety violation in every broken variant (and the non-intersecting quorum
//! setting); and the live invariants, which look only at the latest step, agree with a
//! full recomputation over the whole history.
use dsviz::algo::paxos::invariants::LEARNED_IS_CHOSEN;
use dsviz::algo::paxos::views::{full_check, safety_report};
use dsviz::algo::paxos::{
    invariants, nodes, Cmd, Mode, PaxosConfig, PaxosNode, Proposal, Variant, Word,
};
use dsviz::sim::{Action, NetChange, NetConfig, NodeId, Sim, SimRng, Time};
use std::collections::BTreeSet;

/// Steps and simulated time each random run may take.
const MAX_STEPS: u64 = 2_500;
const HORIZON: Time = Time::from_millis(2_000);

/// A random run: configuration, network and fault schedule, all drawn from one seed.
#[derive(Clone, Debug)]
struct Plan {
    seed: u64,
    config: PaxosConfig,
    net: NetConfig,
    /// (after this many steps, action).
    faults: Vec<(u64, Action<Cmd>)>,
}

const VALUES: [&str; 4] = ["red", "green", "blue", "gold"];

/// How the configuration's quorums are drawn.
#[derive(Clone, Copy, PartialEq)]
enum Quorums {
    /// Any setting with q1 + q2 > n.
    Intersecting,
    /// Only settings with q1 + q2 <= n.
    Split,
}

fn plan(seed: u64, variant: Variant, quorums: Quorums) -> Plan {
    let mut rng = SimRng::new(seed ^ 0x5eed_9a05);
    let multi = rng.chance(0.3);
    let mut config = if multi {
        PaxosConfig {
            clients: 1 + rng.below(2) as u32,
            client_requests: 2 + rng.below(4) as u32,
            leader_election: rng.chance(0.6),
            ..PaxosConfig::multi()
        }
    } else {
        let proposers = 2 + rng.below(2) as u32;
        PaxosConfig {
            leader_election: rng.chance(0.2),
            proposals: (0..proposers)
                .map(|i| Proposal {
                    node: NodeId(i),
                    value: Word::lit(VALUES[rng.below(4) as usize]),
                    at: Time(rng.below(150_000)),
                })
                .collect(),
            ..PaxosConfig::default()
        }
    };
    let settings: &[(u32, u32)] = match quorums {
        Quorums::Intersecting => &[(3, 3), (3, 3), (4, 2), (2, 4), (5, 1)],
        Quorums::Split => &[(2, 3), (3, 2), (2, 2)],
    };
    (config.phase1_quorum, config.phase2_quorum) =
        settings[rng.below(settings.len() as u64) as usize];
    config.variant = variant;
    config.backoff = rng.chance(0.6);
    config.timing.phase_timeout = Time::from_millis(60 + rng.below(150));
    config.validate().expect("a valid random configuration");
    let latency_min = 1_000 + rng.below(20_000);
    let net = NetConfig {
        latency_min: Time(latency_min),
        latency_max: Time(latency_min + rng.below(60_000)),
        loss: rng.below(15) as f64 / 100.0,
        duplicate: rng.below(10) as f64 / 100.0,
    };
    let paxos_nodes = config.roles.len() as u64;
    let node = |rng: &mut SimRng| NodeId(rng.below(paxos_nodes) as u32);
    let mut faults = Vec::new();
    for _ in 0..rng.below(12) {
        let at = rng.below(MAX_STEPS / 2);
        let action = match rng.below(8) {
            0 | 1 => Action::Crash(node(&mut rng)),
            2 => Action::Restart(node(&mut rng)),
            3 | 4 => {
                // A bounce: down and straight back up, so that only what is durable
                // survives and (almost) nothing is missed meanwhile.
                let n = node(&mut rng);
                faults.push((at, Action::Crash(n)));
                Action::Restart(n)
            }
            5 => {
                let group: BTreeSet<NodeId> =
                    (0..1 + rng.below(2)).map(|_| node(&mut rng)).collect();
                Action::Network(NetChange::Partition {
                    group: group.into_iter().collect(),
                })
            }
            _ => Action::Network(NetChange::HealAll),
        };
        faults.push((at, action));
        // A crashed node usually comes back.
        if let (Action::Crash(n), true) = (&faults[faults.len() - 1].1, rng.chance(0.7)) {
            let n = *n;
            faults.push((at + 1 + rng.below(300), Action::Restart(n)));
        }
    }
    // Stable: a bounce's crash stays before its restart.
    faults.sort_by_key(|f| f.0);
    Plan {
        seed,
        config,
        net,
        faults,
    }
}

fn run(plan: &Plan) -> Sim<PaxosNode> {
    let mut sim = Sim::new(
        plan.seed,
        nodes(&plan.config),
        plan.net.clone(),
        invariants(),
    );
    let mut faults = plan.faults.iter().peekable();
    while sim.step_count() < MAX_STEPS {
        while let Some((_, action)) = faults.next_if(|f| f.0 <= sim.step_count()) {
            let now = sim.now();
            sim.apply(action, now, None);
        }
        if sim.next_event_time().is_none_or(|t| t > HORIZON) || !sim.step(None) {
            break;
        }
    }
    sim
}

/// The names of the invariants the live checks found violated.
fn live_violations(sim: &Sim<PaxosNode>) -> BTreeSet<&'static str> {
    sim.violations()
        .iter()
        .zip(sim.invariants())
        .filter(|(v, _)| v.is_some())
        .map(|(_, inv)| inv.name)
        .collect()
}

/// Checks that the live verdicts and a full recomputation agree, and returns the
/// violations. "Learned is chosen" may be live-only: a value learned before it was chosen
/// may be chosen by the end.
fn verdicts(plan: &Plan, sim: &Sim<PaxosNode>) -> BTreeSet<&'static str> {
    let live = live_violations(sim);
    let full: BTreeSet<&'static str> = full_check(&sim.nodes()).into_iter().map(|v| v.0).collect();
    let live_only: Vec<&&str> = live
        .difference(&full)
        .filter(|n| **n != LEARNED_IS_CHOSEN)
        .collect();
    assert!(
        full.is_subset(&live) && live_only.is_empty(),
        "seed {}: live checks found {live:?}, full recomputation {full:?}; plan {plan:?}",
        plan.seed
    );
    let report = safety_report(&sim.nodes());
    assert_eq!(
        report.holds(),
        !full.contains("agreement"),
        "seed {}: the safety report and the agreement check disagree",
        plan.seed
    );
    live
}

fn check_safe(seeds: std::ops::Range<u64>) -> (u64, u64) {
    let (mut chose, mut multi_applied) = (0, 0);
    for seed in seeds {
        let plan = plan(seed, Variant::Correct, Quorums::Intersecting);
        let sim = run(&plan);
        let violated = verdicts(&plan, &sim);
        assert!(
            violated.is_empty(),
            "seed {seed} broke {violated:?}: {:?}\nplan: {plan:?}",
            sim.violations().iter().flatten().collect::<Vec<_>>()
        );
        let report = safety_report(&sim.nodes());
        chose += u64::from(!report.chosen.is_empty());
        if plan.config.mode == Mode::Multi {
            let applied = sim
                .nodes()
                .iter()
                .filter_map(|(_, n, _)| n.replica())
                .map(|r| r.applied())
                .max();
            multi_applied += u64::from(applied.is_some_and(|a| a > 0));
        }
    }
    (chose, multi_applied)
}

#[test]
fn correct_paxos_stays_safe_over_the_first_5000_random_seeds() {
    let (chose, applied) = check_safe(0..5_000);
    // The runs are not vacuous: most choose something, and Multi-Paxos replicas apply.
    assert!(chose > 3_000, "only {chose} of 5000 runs chose a value");
    assert!(
        applied > 500,
        "only {applied} Multi-Paxos runs applied a command"
    );
}

#[test]
fn correct_paxos_stays_safe_over_the_next_5000_random_seeds() {
    let (chose, _) = check_safe(5_000..10_000);
    assert!(chose > 3_000, "only {chose} of 5000 runs chose a value");
}

/// The first seed (below `limit`) whose run breaks safety, with what it broke.
fn search(variant: Variant, quorums: Quorums, limit: u64) -> Option<(u64, BTreeSet<&'static str>)> {
    (0..limit).find_map(|seed| {
        let plan = plan(seed, variant, quorums);
        let sim = run(&plan);
        let violated = verdicts(&plan, &sim);
        (!violated.is_empty()).then_some((seed, violated))
    })
}

#[test]
fn a_seed_search_finds_a_violation_in_every_broken_variant() {
    for (variant, quorums, expected) in [
        (
            Variant::KeepOwnValue,
            Quorums::Intersecting,
            "chosen value sticks",
        ),
        (
            Variant::ForgetPromise,
            Quorums::Intersecting,
            "promises kept",
        ),
        (
            Variant::MixBallots,
            Quorums::Intersecting,
            LEARNED_IS_CHOSEN,
        ),
        (Variant::Correct, Quorums::Split, "chosen value sticks"),
    ] {
        let found = search(variant, quorums, 3_000);
        let Some((seed, violated)) = found else {
            panic!(
                "no violation of {variant} (split quorums: {}) in 3000 seeds",
                quorums == Quorums::Split
            );
        };
        println!(
            "{variant} (split: {}): seed {seed} broke {violated:?}",
            quorums == Quorums::Split
        );
        assert!(
            violated.contains(expected),
            "{variant}: seed {seed} broke {violated:?}, not {expected}"
        );
    }
}

#[test]
fn live_checks_agree_with_a_full_recomputation_on_broken_runs() {
    let (mut broken, mut clean) = (0, 0);
    for (variant, quorums) in [
        (Variant::KeepOwnValue, Quorums::Intersecting),
        (Variant::ForgetPromise, Quorums::Intersecting),
        (Variant::MixBallots, Quorums::Intersecting),
        (Variant::Correct, Quorums::Split),
    ] {
        for seed in 0..1_000 {
            let plan = plan(seed, variant, quorums);
            // `verdicts` asserts that the two agree.
            match verdicts(&plan, &run(&plan)).is_empty() {
                true => clean += 1,
                false => broken += 1,
            }
        }
    }
    assert!(
        broken > 100 && clean > 100,
        "broken {broken}, clean {clean}"
    );
}
