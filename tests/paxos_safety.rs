//! Paxos under random faults: the correct protocol stays safe over 10,000 seeded runs with
//! crashes, restarts, loss, duplication, reordering, delays by hand and partitions (half
//! on the default cluster, half on drawn role layouts: separated proposers, acceptors and
//! learners, 3 to 7 acceptors, and every quorum pair q1 + q2 > n); long Multi-Paxos runs
//! whose leader crashes, more than once, keep their replicas in agreement; a bounded seed
//! search finds a safety violation in every broken variant (and the non-intersecting
//! quorum setting); and the live invariants, which look only at the latest step, agree
//! with a full recomputation over the whole history.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::paxos::invariants::LEARNED_IS_CHOSEN;
use dsviz::algo::paxos::views::ballot_timeline;
use dsviz::algo::paxos::views::{full_check, safety_report};
use dsviz::algo::paxos::Roles;
use dsviz::algo::paxos::{
    invariants, nodes, Cmd, Mode, PaxosConfig, PaxosNode, Proposal, Variant, Word,
};
use dsviz::sim::{Action, MsgId, NetChange, NetConfig, NodeId, Sim, SimRng, Time};
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
    /// (after this many steps, action). A `DelayMessage` names no message: the run holds
    /// back a message in flight chosen by the id's value.
    faults: Vec<(u64, Action<Cmd>)>,
    max_steps: u64,
    horizon: Time,
}

/// How a run's cluster is drawn.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    /// The default: three proposer-acceptor-learners and two acceptor-learners.
    Default,
    /// One of [`layouts`], with any quorum pair the quorum choice allows.
    Drawn,
}

/// Role layouts beyond the default: 3 to 7 acceptors; roles combined as in deployments,
/// or separated (proposers that do not accept, acceptors that do not learn, a learner
/// alone). `multi`: every proposer is a learner too, as Multi-Paxos requires.
fn layouts(multi: bool) -> Vec<Vec<Roles>> {
    let (pal, al, a, l) = (Roles::PAL, Roles::AL, Roles::A, Roles::L);
    let p = if multi {
        Roles::PL
    } else {
        Roles {
            proposer: true,
            acceptor: false,
            learner: false,
        }
    };
    let pl = Roles::PL;
    vec![
        vec![pal, pal, al],
        vec![pal, pal, pal],
        vec![pal, pal, al, al],
        vec![pl, pl, a, a, a, l],
        vec![p, pl, a, a, a, a, a, l],
        vec![pal, pal, al, al, al, al],
        vec![pal, pal, pal, al, al, al, al],
        vec![pl, pl, a, a, a, a, a, a, a],
    ]
}

/// Every quorum pair for `n` acceptors: those that intersect (q1 + q2 > n), or those that
/// do not.
fn quorum_pairs(n: u32, quorums: Quorums) -> Vec<(u32, u32)> {
    (1..=n)
        .flat_map(|q1| (1..=n).map(move |q2| (q1, q2)))
        .filter(|(q1, q2)| (q1 + q2 > n) == (quorums == Quorums::Intersecting))
        .collect()
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
    plan_with(seed, variant, quorums, Layout::Default)
}

fn plan_with(seed: u64, variant: Variant, quorums: Quorums, layout: Layout) -> Plan {
    let mut rng = SimRng::new(seed ^ 0x5eed_9a05);
    let multi = rng.chance(0.3);
    let roles = match layout {
        Layout::Default => PaxosConfig::default().roles,
        Layout::Drawn => {
            let all = layouts(multi);
            all[rng.below(all.len() as u64) as usize].clone()
        }
    };
    let proposers: Vec<NodeId> = (0..roles.len() as u32)
        .filter(|i| roles[*i as usize].proposer)
        .map(NodeId)
        .collect();
    let mut config = if multi {
        PaxosConfig {
            clients: 1 + rng.below(2) as u32,
            client_requests: 2 + rng.below(4) as u32,
            leader_election: rng.chance(0.6),
            roles,
            ..PaxosConfig::multi()
        }
    } else {
        let count = 2 + rng.below(2);
        PaxosConfig {
            leader_election: rng.chance(0.2),
            proposals: (0..count)
                .map(|i| Proposal {
                    node: proposers[i as usize % proposers.len()],
                    value: Word::lit(VALUES[rng.below(4) as usize]),
                    at: Time(rng.below(150_000)),
                })
                .collect(),
            roles,
            ..PaxosConfig::default()
        }
    };
    let settings: Vec<(u32, u32)> = match (layout, quorums) {
        (Layout::Default, Quorums::Intersecting) => vec![(3, 3), (3, 3), (4, 2), (2, 4), (5, 1)],
        (Layout::Default, Quorums::Split) => vec![(2, 3), (3, 2), (2, 2)],
        (Layout::Drawn, _) => quorum_pairs(config.acceptor_count(), quorums),
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
    let delays = layout == Layout::Drawn;
    for _ in 0..rng.below(12) {
        let at = rng.below(MAX_STEPS / 2);
        let action = match rng.below(if delays { 10 } else { 8 }) {
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
            7 => Action::Network(NetChange::HealAll),
            // Holds back one message in flight (which: the id's value, modulo how many
            // fly), up to 400 ms.
            _ => Action::DelayMessage(
                MsgId(rng.below(1 << 20)),
                Time(1_000 * (1 + rng.below(400))),
            ),
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
        max_steps: MAX_STEPS,
        horizon: HORIZON,
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
    while sim.step_count() < plan.max_steps {
        while let Some((_, action)) = faults.next_if(|f| f.0 <= sim.step_count()) {
            let action = match action {
                Action::DelayMessage(pick, by) => {
                    let flying: Vec<MsgId> = sim.in_flight().map(|m| m.id).collect();
                    match flying.len() as u64 {
                        0 => continue,
                        count => Action::DelayMessage(flying[(pick.0 % count) as usize], *by),
                    }
                }
                other => other.clone(),
            };
            let now = sim.now();
            sim.apply(&action, now, None);
        }
        if sim.next_event_time().is_none_or(|t| t > plan.horizon) || !sim.step(None) {
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

fn check_safe(seeds: std::ops::Range<u64>, layout: Layout) -> (u64, u64) {
    let (mut chose, mut multi_applied) = (0, 0);
    for seed in seeds {
        let plan = plan_with(seed, Variant::Correct, Quorums::Intersecting, layout);
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
    let (chose, applied) = check_safe(0..5_000, Layout::Default);
    // The runs are not vacuous: most choose something, and Multi-Paxos replicas apply.
    assert!(chose > 3_000, "only {chose} of 5000 runs chose a value");
    assert!(
        applied > 500,
        "only {applied} Multi-Paxos runs applied a command"
    );
}

/// Seeds 5,000 to 9,999 on drawn layouts (3 to 7 acceptors, roles combined or separated)
/// with any intersecting quorum pair, and messages held back by hand among the faults.
#[test]
fn correct_paxos_stays_safe_over_the_next_5000_seeds_on_drawn_layouts_and_quorums() {
    let (chose, applied) = check_safe(5_000..10_000, Layout::Drawn);
    println!("drawn layouts: {chose} of 5000 runs chose, {applied} Multi-Paxos runs applied");
    assert!(chose > 3_000, "only {chose} of 5000 runs chose a value");
    assert!(
        applied > 400,
        "only {applied} Multi-Paxos runs applied a command"
    );
    // The draw covers what it claims: every layout and, for each acceptor count, every
    // intersecting quorum pair.
    let mut seen_layouts = BTreeSet::new();
    let mut seen_pairs = BTreeSet::new();
    for seed in 5_000..10_000 {
        let c = plan_with(seed, Variant::Correct, Quorums::Intersecting, Layout::Drawn).config;
        seen_layouts.insert(c.roles.iter().map(|r| r.to_string()).collect::<Vec<_>>());
        seen_pairs.insert((c.acceptor_count(), c.phase1_quorum, c.phase2_quorum));
    }
    let wanted_layouts: BTreeSet<Vec<String>> = layouts(false)
        .into_iter()
        .chain(layouts(true))
        .map(|l| l.iter().map(|r| r.to_string()).collect())
        .collect();
    assert_eq!(seen_layouts, wanted_layouts);
    for n in [3, 4, 5, 6, 7] {
        for (q1, q2) in quorum_pairs(n, Quorums::Intersecting) {
            assert!(
                seen_pairs.contains(&(n, q1, q2)),
                "q1 = {q1}, q2 = {q2} with {n} acceptors never drawn"
            );
        }
    }
}

/// A long Multi-Paxos run: up to three clients sending up to 30 commands each under a
/// leader, and the leader (the lowest live proposer) crashed one to three times, coming
/// back later, so that leadership moves and moves back; loss, duplication, delays.
fn leader_change_plan(seed: u64) -> Plan {
    let mut rng = SimRng::new(seed ^ 0x1ead_c4a9);
    let all = layouts(true);
    let roles = match rng.below(3) {
        0 => PaxosConfig::default().roles,
        _ => all[rng.below(all.len() as u64) as usize].clone(),
    };
    let proposers: Vec<NodeId> = (0..roles.len() as u32)
        .filter(|i| roles[*i as usize].proposer)
        .map(NodeId)
        .collect();
    let mut config = PaxosConfig {
        clients: 1 + rng.below(3) as u32,
        client_requests: 10 + rng.below(21) as u32,
        roles,
        ..PaxosConfig::multi()
    };
    let pairs = quorum_pairs(config.acceptor_count(), Quorums::Intersecting);
    (config.phase1_quorum, config.phase2_quorum) = pairs[rng.below(pairs.len() as u64) as usize];
    config.validate().expect("a valid random configuration");
    let net = NetConfig {
        latency_min: Time(1_000 + rng.below(10_000)),
        latency_max: Time(12_000 + rng.below(30_000)),
        loss: rng.below(6) as f64 / 100.0,
        duplicate: rng.below(6) as f64 / 100.0,
    };
    let max_steps = 9_000;
    let mut faults = Vec::new();
    let mut at = 300 + rng.below(900);
    for _ in 0..1 + rng.below(3) {
        // The lowest proposer leads while it lives; the crash of the next one too
        // sometimes, so that leadership moves twice.
        let leader = proposers[0];
        faults.push((at, Action::Crash(leader)));
        if proposers.len() > 1 && rng.chance(0.3) {
            faults.push((at + 200 + rng.below(400), Action::Crash(proposers[1])));
            faults.push((at + 900 + rng.below(400), Action::Restart(proposers[1])));
        }
        at += 600 + rng.below(1_500);
        faults.push((at, Action::Restart(leader)));
        at += 500 + rng.below(1_500);
    }
    for _ in 0..rng.below(6) {
        let by = Time(1_000 * (1 + rng.below(300)));
        faults.push((
            rng.below(max_steps / 2),
            Action::DelayMessage(MsgId(rng.below(1 << 20)), by),
        ));
    }
    faults.sort_by_key(|f| f.0);
    Plan {
        seed,
        config,
        net,
        faults,
        max_steps,
        horizon: Time::from_millis(8_000),
    }
}

#[test]
fn long_multi_paxos_runs_with_leader_changes_stay_safe_and_replicas_agree() {
    let (mut moved, mut busy) = (0, 0);
    for seed in 0..150 {
        let plan = leader_change_plan(seed);
        let sim = run(&plan);
        let violated = verdicts(&plan, &sim);
        assert!(
            violated.is_empty(),
            "seed {seed} broke {violated:?}: {:?}\nplan: {plan:?}",
            sim.violations().iter().flatten().collect::<Vec<_>>()
        );
        // Leadership really moved: ballots by two proposers or more.
        let leaders: BTreeSet<NodeId> = ballot_timeline(&sim.nodes())
            .iter()
            .map(|e| e.proposer)
            .collect();
        moved += u64::from(leaders.len() >= 2);
        let applied = sim
            .nodes()
            .iter()
            .filter_map(|(_, n, _)| n.replica())
            .map(|r| r.applied())
            .max()
            .unwrap_or(0);
        busy += u64::from(applied >= 15);
    }
    println!(
        "leader changes: leadership moved in {moved} of 150 runs, {busy} applied 15+ commands"
    );
    assert!(moved >= 140, "leadership moved in only {moved} of 150 runs");
    assert!(
        busy >= 100,
        "only {busy} of 150 runs applied 15 commands or more"
    );
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
