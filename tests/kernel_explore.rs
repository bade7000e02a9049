//! Stepping by choice: every message may be delivered late or lost, every timer may fire,
//! time never goes backwards, and a breadth-first search over the choices of a small
//! two-phase commit finds both of its outcomes.
use dsviz::algo::two_phase_commit::{self as tpc, TwoPcConfig};
use dsviz::sim::{Choice, NetConfig, Protocol, Sim};
use std::collections::{BTreeSet, VecDeque};

fn world() -> Sim<tpc::TwoPcNode> {
    let config = TwoPcConfig::with_participants(2);
    let net = NetConfig {
        loss: 0.0,
        duplicate: 0.0,
        ..tpc::net_config()
    };
    let mut sim = Sim::new(1, tpc::nodes(&config), net, tpc::invariants());
    sim.start_all();
    sim
}

#[test]
fn choices_are_messages_and_timers_and_time_never_goes_back() {
    let mut sim = world();
    let choices = sim.choices();
    assert!(!choices.is_empty(), "after the starts something can happen");
    for choice in choices {
        let mut next = sim.clone();
        let before = next.now();
        assert!(next.choose(choice, None), "{choice:?} is allowed");
        assert!(next.now() >= before);
        assert_eq!(next.step_count(), sim.step_count() + 1);
    }
    assert!(!sim.choose(Choice::Deliver(dsviz::sim::MsgId(999_999)), None));
}

#[test]
fn a_bounded_search_stays_atomic_over_every_order() {
    let start = world();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([(start, 0u32)]);
    while let Some((sim, depth)) = queue.pop_front() {
        if !seen.insert(sim.state_fingerprint()) || depth > 10 {
            continue;
        }
        assert!(
            sim.violations().iter().all(Option::is_none),
            "the correct protocol stays atomic"
        );
        for choice in sim.choices() {
            let mut next = sim.clone();
            next.choose(choice, None);
            queue.push_back((next, depth + 1));
        }
    }
    assert!(seen.len() > 100, "{} states", seen.len());
}

/// Random walks over the choices, to the end: some commit, some abort (a lost vote or a
/// timeout), and none breaks atomicity.
#[test]
fn random_orders_reach_both_outcomes() {
    let (mut committed, mut aborted) = (0, 0);
    for seed in 0..200u64 {
        let mut rng = dsviz::sim::SimRng::new(seed);
        let mut sim = world();
        for _ in 0..400 {
            let choices = sim.choices();
            if choices.is_empty() {
                break;
            }
            // Losses are rarer than deliveries, so that most walks get somewhere.
            let pick = choices[rng.below(choices.len() as u64) as usize];
            let pick = match pick {
                Choice::Lose(id) if rng.below(8) != 0 => Choice::Deliver(id),
                other => other,
            };
            if !sim.choose(pick, None) {
                sim.choose(choices[0], None);
            }
        }
        assert!(sim.violations().iter().all(Option::is_none), "seed {seed}");
        let labels: Vec<&str> = sim
            .nodes()
            .iter()
            .map(|(_, n, _)| n.state_label())
            .collect();
        committed += usize::from(labels.iter().skip(1).all(|l| *l == "COMMITTED"));
        aborted += usize::from(labels.iter().skip(1).all(|l| *l == "ABORTED"));
    }
    assert!(
        committed > 0 && aborted > 0,
        "commits {committed}, aborts {aborted}"
    );
}
