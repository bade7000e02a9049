//! Speeding up the kernel or the invariants must not change a single run: the same seeds
//! and actions must give exactly the same traces, the same worlds after every jump, the
//! same messages in flight (in id order) and the same invariant verdicts.
//!
//! The hashes cover an explicit encoding (numbers chosen field by field below), not `Debug`
//! text, so that renaming a field or rewording a label cannot break them; only a change of
//! behaviour can. A change of the 2PC protocol itself (not of the kernel) changes the runs
//! too: then re-record the values, saying so in the commit.
use dsviz::algo::two_phase_commit::{
    self as tpc, Cmd, CoordinatorPhase, Decision, Msg, ParticipantPhase, Record, Timer,
    TwoPcConfig, TwoPcNode, Variant, Vote,
};
use dsviz::scene::bench::two_pc_workload;
use dsviz::sim::fingerprint::StableHasher;
use dsviz::sim::trace::{DropReason, TraceEntry, TraceKind};
use dsviz::sim::{
    Action, MsgId, NetChange, NetConfig, NodeId, NodeStatus, Sim, SimRng, Time, Timeline,
};
use std::hash::Hasher;

// The encoding below is explicit: every value is written as numbers chosen here, field by
// field, so renaming a field or a variant, or rewording a message, changes nothing. Only a
// different run does. Notes are left out: they narrate and change nothing in the run.

fn msg_code(m: &Msg) -> [u64; 2] {
    let (tag, tx) = match *m {
        Msg::Begin(t) => (1, t),
        Msg::Prepare(t) => (2, t),
        Msg::VoteYes(t) => (3, t),
        Msg::VoteNo(t) => (4, t),
        Msg::Commit(t) => (5, t),
        Msg::Abort(t) => (6, t),
        Msg::Ack(t) => (7, t),
        Msg::Inquire(t) => (8, t),
    };
    [tag, u64::from(tx)]
}

fn timer_code(t: &Timer) -> [u64; 2] {
    let (tag, tx) = match *t {
        Timer::Flush => (1, 0),
        Timer::Recover => (2, 0),
        Timer::NextTransaction => (3, 0),
        Timer::WorkDone(t) => (4, t),
        Timer::VoteTimeout(t) => (5, t),
        Timer::Retransmit(t) => (6, t),
        Timer::WorkTimeout(t) => (7, t),
        Timer::DecisionTimeout(t) => (8, t),
    };
    [tag, u64::from(tx)]
}

fn vote_code(v: Vote) -> u64 {
    match v {
        Vote::Yes => 1,
        Vote::No => 2,
        Vote::Random => 3,
    }
}

fn cmd_code(c: &Cmd) -> [u64; 2] {
    match *c {
        Cmd::Begin => [1, 0],
        Cmd::SetVote(v) => [2, vote_code(v)],
    }
}

fn record_code(r: &Record) -> [u64; 2] {
    let (tag, tx) = match *r {
        Record::Begin(t) => (1, t),
        Record::Prepared(t) => (2, t),
        Record::Commit(t) => (3, t),
        Record::Abort(t) => (4, t),
        Record::End(t) => (5, t),
    };
    [tag, u64::from(tx)]
}

fn decision_code(d: Decision) -> u64 {
    match d {
        Decision::Commit => 1,
        Decision::Abort => 2,
    }
}

fn status_code(s: Option<NodeStatus>) -> u64 {
    match s {
        None => 0,
        Some(NodeStatus::Up) => 1,
        Some(NodeStatus::Crashed) => 2,
        Some(NodeStatus::Paused) => 3,
    }
}

fn drop_code(r: DropReason) -> u64 {
    match r {
        DropReason::Lost => 1,
        DropReason::Partition => 2,
        DropReason::NodeDown => 3,
        DropReason::ByUser => 4,
    }
}

fn net_code(c: &NetChange, out: &mut Vec<u64>) {
    match c {
        NetChange::Cut { from, to } => out.extend([1, u64::from(from.0), u64::from(to.0)]),
        NetChange::Heal { from, to } => out.extend([2, u64::from(from.0), u64::from(to.0)]),
        NetChange::Partition { group } => {
            out.extend([3, group.len() as u64]);
            out.extend(group.iter().map(|n| u64::from(n.0)));
        }
        NetChange::HealAll => out.push(4),
    }
}

fn text_code(text: &str, out: &mut Vec<u64>) {
    out.push(text.len() as u64);
    out.extend(text.bytes().map(u64::from));
}

/// One trace entry as numbers (none for a note).
fn entry_code(e: &TraceEntry<TwoPcNode>) -> Option<Vec<u64>> {
    let n = |id: &NodeId| u64::from(id.0);
    let m = |id: &MsgId| id.0;
    let mut out = vec![e.step, e.time.0];
    match &e.kind {
        TraceKind::Start { node } => out.extend([1, n(node)]),
        TraceKind::Send {
            id,
            from,
            to,
            msg,
            arrives,
            copy_of,
        } => {
            out.extend([2, m(id), n(from), n(to), arrives.0]);
            out.extend(msg_code(msg));
            out.push(copy_of.map_or(0, |c| c.0 + 1));
        }
        TraceKind::Deliver { id, from, to, .. } => out.extend([3, m(id), n(from), n(to)]),
        TraceKind::Drop {
            id,
            from,
            to,
            reason,
            ..
        } => out.extend([4, m(id), n(from), n(to), drop_code(*reason)]),
        TraceKind::Delay { id, by, .. } => out.extend([15, m(id), by.0]),
        TraceKind::Timer { node, timer } => {
            out.extend([5, n(node)]);
            out.extend(timer_code(timer));
        }
        TraceKind::Command { node, cmd } => {
            out.extend([6, n(node)]);
            out.extend(cmd_code(cmd));
        }
        TraceKind::Crash { node } => out.extend([7, n(node)]),
        TraceKind::Restart { node } => out.extend([8, n(node)]),
        TraceKind::Pause { node } => out.extend([9, n(node)]),
        TraceKind::Resume { node } => out.extend([10, n(node)]),
        TraceKind::Network { change } => {
            out.push(11);
            net_code(change, &mut out);
        }
        TraceKind::State { node, from, to } => {
            out.extend([12, n(node)]);
            text_code(from, &mut out);
            text_code(to, &mut out);
        }
        TraceKind::Ignored { .. } => out.push(13),
        TraceKind::Violation { invariant, .. } => out.extend([14, u64::from(*invariant)]),
        TraceKind::Note { .. } => return None,
    }
    Some(out)
}

fn write_all(h: &mut StableHasher, values: &[u64]) {
    h.write_u64(values.len() as u64);
    for v in values {
        h.write_u64(*v);
    }
}

fn trace_hash(trace: &[TraceEntry<TwoPcNode>]) -> u64 {
    let mut h = StableHasher::new();
    for code in trace.iter().filter_map(entry_code) {
        write_all(&mut h, &code);
    }
    h.finish()
}

/// A node's state as the views read it, through its typed accessors.
fn node_code(node: &TwoPcNode, participants: u32, out: &mut Vec<u64>) {
    out.push(u64::from(node.tx()));
    out.push(node.log().len() as u64);
    out.extend(node.log().iter().flat_map(record_code));
    if let Some(c) = node.as_coordinator() {
        let phase = match c.phase() {
            CoordinatorPhase::Idle => [1, 0],
            CoordinatorPhase::Starting => [2, 0],
            CoordinatorPhase::Executing => [3, 0],
            CoordinatorPhase::Collecting => [4, 0],
            CoordinatorPhase::LoggingCommit => [5, 0],
            CoordinatorPhase::Finishing(d) => [6, decision_code(d)],
            CoordinatorPhase::Done => [7, 0],
            CoordinatorPhase::Recovering => [8, 0],
            CoordinatorPhase::Crashed => [9, 0],
        };
        out.extend(phase);
        for p in (1..=participants).map(NodeId) {
            out.extend([u64::from(c.has_yes_vote(p)), u64::from(c.has_ack(p))]);
        }
        out.push(u64::from(c.retransmissions()));
    }
    if let Some(p) = node.as_participant() {
        let phase = match p.phase() {
            ParticipantPhase::Init => [1, 0],
            ParticipantPhase::Working => [2, 0],
            ParticipantPhase::Preparing => [3, 0],
            ParticipantPhase::Prepared { blocked } => [4, u64::from(blocked)],
            ParticipantPhase::Committed => [5, 0],
            ParticipantPhase::Aborted => [6, 0],
            ParticipantPhase::Recovering => [7, 0],
            ParticipantPhase::Crashed => [8, 0],
        };
        out.extend(phase);
        out.extend([
            vote_code(p.vote()),
            u64::from(p.inquiries()),
            u64::from(p.holds_locks()),
        ]);
    }
}

/// Everything the views read of a world.
fn dump(sim: &Sim<TwoPcNode>, out: &mut StableHasher) {
    let mut code = vec![sim.step_count(), sim.now().0];
    for v in sim.violations() {
        code.extend(v.as_ref().map_or([0, 0, 0], |v| [1, v.step, v.time.0]));
    }
    for (from, to) in sim.links().cut_links() {
        code.extend([u64::from(from.0), u64::from(to.0)]);
    }
    let participants = sim.node_count() - 1;
    for i in 0..sim.node_count() {
        let id = NodeId(i);
        code.push(status_code(sim.status(id)));
        let timers: Vec<_> = sim.timers_of(id).flat_map(timer_code).collect();
        write_all(out, &timers);
        if let Some(node) = sim.node(id) {
            node_code(node, participants, &mut code);
        }
    }
    for f in sim.in_flight() {
        code.extend([f.id.0, u64::from(f.from.0), u64::from(f.to.0), f.sent.0]);
        code.extend([f.arrives.0]);
        code.extend(msg_code(&f.msg));
    }
    write_all(out, &code);
}

#[test]
fn bench_workload_runs_are_unchanged() {
    let mut got = Vec::new();
    for seed in [1u64, 2, 3, 17] {
        let (sim, actions) = two_pc_workload(seed, 20_000);
        let mut timeline = Timeline::new(sim, actions, 20_000);
        timeline.extend(20_000);
        let trace = trace_hash(&timeline.trace());
        let mut worlds = StableHasher::new();
        for step in [19_999u64, 0, 777, 5_120, 13_001, 13_002, 20_000, 511] {
            timeline.seek(step);
            dump(timeline.sim(), &mut worlds);
        }
        got.push((seed, trace, worlds.finish()));
    }
    let expected: [(u64, u64, u64); 4] = EXPECTED_BENCH;
    assert_eq!(got, expected, "a run changed: {got:#x?}");
}

/// A run with every kind of fault and input, the broken variants included, checking the
/// invariants after every step (not only until their first violation).
/// Returns the three hashes and how many steps some invariant failed at.
fn fault_run(seed: u64, variant: Variant, steps: u64) -> ((u64, u64, u64), u64) {
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
    let mut verdicts = StableHasher::new();
    let mut worlds = StableHasher::new();
    let mut failing_steps = 0;
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
        let mut failing = false;
        for check in &checks {
            // The verdict, not its wording.
            let ok = (check.check)(&sim.nodes()).is_ok();
            verdicts.write_u8(u8::from(ok));
            failing |= !ok;
        }
        failing_steps += u64::from(failing);
        if sim.step_count() % 37 == 0 {
            dump(&sim, &mut worlds);
            worlds.write_u64(sim.next_event_time().map_or(u64::MAX, |t| t.0));
        }
    }
    let hashes = (trace_hash(&trace), verdicts.finish(), worlds.finish());
    (hashes, failing_steps)
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
        (9, Variant::ForgetVoteOnCrash),
        (10, Variant::ForgetVoteOnCrash),
    ] {
        let (hashes, failing_steps) = fault_run(seed, variant, 6_000);
        // Each row is worth its time: the correct variant never fails, and every broken
        // one does (otherwise its verdicts would only repeat the correct row's).
        assert_eq!(
            failing_steps > 0,
            variant != Variant::Correct,
            "seed {seed}, {variant}: {failing_steps} failing steps"
        );
        got.push(hashes);
    }
    let expected: [(u64, u64, u64); 4] = EXPECTED_FAULTS;
    assert_eq!(got, expected, "a run changed: {got:#x?}");
}

/// (seed, trace, worlds after jumps). The runs are those whose Debug-text hashes were
/// recorded before the kernel's queue, message table and timers were reworked; these
/// values were recorded from the same runs with the explicit encoding above.
const EXPECTED_BENCH: [(u64, u64, u64); 4] = [
    (1, 0x2042778bbd369816, 0x08ea96c920be8e98),
    (2, 0x071d1810d282e29b, 0xa19e45bf0b965d43),
    (3, 0x74e6fd1ad0b79b10, 0x5831a32a3b789f2d),
    (17, 0x8743df6d54bc5201, 0xd9dc50549ec5f2e0),
];
/// (trace, invariant verdicts after every step, worlds), same provenance. Rows 2 and 4
/// were recorded again after two kernel fixes that these fault runs exercise: a parked
/// message a person dropped by hand is no longer dropped a second time when its paused
/// node crashes, and a message that arrived at a paused node is judged (lost, cut) when it
/// arrived, not again when the node resumes. Their verdicts are unchanged.
const EXPECTED_FAULTS: [(u64, u64, u64); 4] = [
    (0x40ed360ea9847ffb, 0xe7307a4bca7a8647, 0x0b31767ca1668fb7),
    (0x5a90914c64d83952, 0xace41fd5c3a9bdda, 0xb5c0ddc0db88fba5),
    (0x9985b50b026dbbed, 0x3c07cb1e05ed4bbf, 0xfc1ea175ed061cf2),
    (0xa528a9cde15ae477, 0x30e5bbf2265856ab, 0x91b507797c67a1c3),
];
