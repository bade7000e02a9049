//! Speeding up the kernel or the invariants must not change a single run. These hashes
//! were recorded before the kernel's queue, message table and timers were reworked and
//! before the 2PC invariants were rewritten; the same seeds and actions must still give
//! exactly the same traces, the same worlds after every jump, the same messages in flight
//! (in id order) and the same invariant verdicts, word for word.
use dsviz::algo::two_phase_commit::{self as tpc, Cmd, TwoPcConfig, TwoPcNode, Variant, Vote};
use dsviz::scene::bench::two_pc_workload;
use dsviz::sim::{Action, MsgId, NetChange, NetConfig, NodeId, Sim, SimRng, Time, Timeline};
use std::fmt::{self, Debug, Write};

/// FNV-1a, 64 bits: stable across platforms and Rust versions.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Write for Fnv {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}

fn hash(value: &impl Debug) -> u64 {
    let mut h = Fnv::new();
    write!(h, "{value:?}").expect("hashing never fails");
    h.0
}

/// Everything the views read of a world.
fn dump(sim: &Sim<TwoPcNode>, out: &mut Fnv) {
    let _ = write!(
        out,
        "{} {} {:?} {:?}",
        sim.step_count(),
        sim.now().0,
        sim.violations(),
        sim.links().cut_links().collect::<Vec<_>>()
    );
    for i in 0..sim.node_count() {
        let id = NodeId(i);
        let timers: Vec<_> = sim.timers_of(id).collect();
        let _ = write!(out, "|{:?} {:?} {timers:?}", sim.status(id), sim.node(id));
    }
    let flying: Vec<_> = sim.in_flight().collect();
    let _ = write!(out, "|{flying:?}");
}

#[test]
fn bench_workload_runs_are_unchanged() {
    let mut got = Vec::new();
    for seed in [1u64, 2, 3, 17] {
        let (sim, actions) = two_pc_workload(seed, 20_000);
        let mut timeline = Timeline::new(sim, actions, 20_000);
        timeline.extend(20_000);
        let trace = hash(&timeline.trace());
        let mut worlds = Fnv::new();
        for step in [19_999u64, 0, 777, 5_120, 13_001, 13_002, 20_000, 511] {
            timeline.seek(step);
            dump(timeline.sim(), &mut worlds);
        }
        got.push((seed, trace, worlds.0));
    }
    let expected: [(u64, u64, u64); 4] = EXPECTED_BENCH;
    assert_eq!(got, expected, "a run changed: {got:#x?}");
}

/// A run with every kind of fault and input, the broken variants included, checking the
/// invariants after every step (not only until their first violation).
fn fault_run(seed: u64, variant: Variant, steps: u64) -> (u64, u64, u64) {
    let config = TwoPcConfig {
        participants: 5,
        votes: vec![Vote::Yes, Vote::Yes, Vote::Random, Vote::Yes, Vote::Yes],
        variant,
        cooperative_termination: seed % 2 == 0,
        transactions: 0,
        ..TwoPcConfig::default()
    };
    let net = NetConfig {
        loss: 0.04,
        duplicate: 0.04,
        ..tpc::net_config()
    };
    let mut sim = Sim::new(seed, tpc::nodes(&config), net, tpc::invariants());
    let checks = sim.invariants().to_vec();
    let nodes = u64::from(sim.node_count());
    let mut rng = SimRng::new(seed ^ 0xfa17);
    let mut trace = Vec::new();
    let mut verdicts = Fnv::new();
    let mut worlds = Fnv::new();
    for _ in 0..steps {
        if let Some(victim) = bug_trigger(&sim, &mut rng) {
            let time = sim.now();
            sim.apply(&Action::Crash(victim), time, Some(&mut trace));
        } else if rng.below(25) == 0 {
            let node = NodeId(rng.below(nodes) as u32);
            let other = NodeId(rng.below(nodes) as u32);
            let action = match rng.below(22) {
                0..=2 => Action::Crash(node),
                3..=8 => Action::Restart(node),
                9 => Action::Pause(node, Some(Time(rng.between(1_000, 90_000)))),
                10 => Action::Pause(node, None),
                11 | 12 => Action::Resume(node),
                13 | 14 => {
                    let flying: Vec<_> = sim.in_flight().map(|m| m.id).collect();
                    let pick = rng.below(flying.len() as u64 + 1) as usize;
                    Action::DropMessage(flying.get(pick).copied().unwrap_or(MsgId(1)))
                }
                15 => Action::Network(NetChange::Cut {
                    from: node,
                    to: other,
                }),
                16 => Action::Network(NetChange::Partition {
                    group: vec![node, other],
                }),
                17 => Action::Network(NetChange::Heal {
                    from: node,
                    to: other,
                }),
                18 | 19 => Action::Network(NetChange::HealAll),
                20 => Action::Command(node, Cmd::Begin),
                _ => Action::Command(node, Cmd::SetVote(Vote::ALL[rng.below(3) as usize])),
            };
            let time = Time(sim.now().0 + rng.below(5_000));
            sim.apply(&action, time, Some(&mut trace));
        } else if !sim.step(Some(&mut trace)) {
            for i in 0..sim.node_count() {
                sim.apply(&Action::Restart(NodeId(i)), sim.now(), Some(&mut trace));
                sim.apply(&Action::Resume(NodeId(i)), sim.now(), Some(&mut trace));
            }
        }
        for check in &checks {
            let _ = write!(verdicts, "{:?}", (check.check)(&sim.nodes()));
        }
        if sim.step_count() % 37 == 0 {
            dump(&sim, &mut worlds);
            let _ = write!(worlds, "{:?}", sim.next_event_time());
        }
    }
    (hash(&trace), verdicts.0, worlds.0)
}

/// Crashes that the broken variants turn into violations: the coordinator between sending
/// COMMIT and logging it, a participant right after its yes vote.
fn bug_trigger(sim: &Sim<TwoPcNode>, rng: &mut SimRng) -> Option<NodeId> {
    let coordinator = sim.node(tpc::COORDINATOR)?.as_coordinator()?;
    if coordinator.phase() == tpc::CoordinatorPhase::Finishing(tpc::Decision::Commit)
        && !coordinator
            .log()
            .contains(&tpc::Record::Commit(coordinator.tx()))
        && rng.below(2) == 0
    {
        return Some(tpc::COORDINATOR);
    }
    let prepared = (1..sim.node_count()).map(NodeId).find(|id| {
        sim.node(*id)
            .and_then(|n| n.as_participant())
            .is_some_and(|p| matches!(p.phase(), tpc::ParticipantPhase::Prepared { .. }))
    })?;
    (rng.below(40) == 0).then_some(prepared)
}

#[test]
fn fault_workloads_and_verdicts_are_unchanged() {
    let mut got = Vec::new();
    for (seed, variant) in [
        (5u64, Variant::Correct),
        (6, Variant::SendBeforeLog),
        (7, Variant::ForgetVoteOnCrash),
        (8, Variant::SendBeforeLog),
        (9, Variant::ForgetVoteOnCrash),
    ] {
        got.push(fault_run(seed, variant, 6_000));
    }
    let expected: [(u64, u64, u64); 5] = EXPECTED_FAULTS;
    assert_eq!(got, expected, "a run changed: {got:#x?}");
}

/// (seed, trace, worlds after jumps), recorded before the performance work.
const EXPECTED_BENCH: [(u64, u64, u64); 4] = [
    (1, 0xae8bcd5671bb2243, 0xd378a7e40b79ec0c),
    (2, 0xe073f596b4488f94, 0x4f111d8f594fe2c5),
    (3, 0x9a9ed8a53bf28c8d, 0x8feacaa1b69ee05b),
    (17, 0xc3e31390ea6e506a, 0x4ed9599578f29cd8),
];
/// (trace, invariant verdicts after every step, worlds), recorded before the performance
/// work.
const EXPECTED_FAULTS: [(u64, u64, u64); 5] = [
    (0xdb52ea54c270979a, 0x8b6018b9caf30125, 0xffce57d77926cdda),
    (0x6b5ae2d6fb9c93a0, 0x53c0a85feed47766, 0x85865a7f8e411458),
    (0x503615c866f4d47d, 0xc7135fdef564e221, 0x31120e1d89e14f79),
    (0xac800a5511c1c44e, 0x8b6018b9caf30125, 0x64da47a1fa035f52),
    (0xfcb1d3007fd2eedc, 0x653540a3bbe38035, 0xe474ec4000f3b401),
];
