//! Benchmark workloads and measurements, shared by the native benchmark
//! (`examples/bench_kernel.rs`) and the in-browser one (`tests/browser_bench.rs`), so both
//! measure the same thing. The caller passes the clock: nothing here reads one.
use crate::algo::two_phase_commit::{self as tpc, TwoPcConfig, Vote};
use crate::sim::{Action, NetConfig, NodeId, Scheduled, Sim, SimRng, Time, Timeline};

/// A world and the actions to apply to it.
pub type Workload = (Sim<tpc::TwoPcNode>, Vec<Scheduled<tpc::Cmd>>);

/// A long randomized two-phase-commit run: 7 participants voting at random, 3% loss, 2%
/// duplication, and a crash then a restart of a random node every 1,000 steps. The scene's
/// invariants are checked after every step, as in the app.
pub fn two_pc_workload(seed: u64, steps: u64) -> Workload {
    two_pc_workload_checked(seed, steps, true)
}

/// [`two_pc_workload`], with or without its invariants (without them, what is measured is
/// the kernel and the protocol alone). The events are the same either way: invariants
/// only watch.
pub fn two_pc_workload_checked(seed: u64, steps: u64, check_invariants: bool) -> Workload {
    let config = TwoPcConfig {
        votes: vec![Vote::Random; 7],
        participants: 7,
        transactions: u32::MAX,
        ..TwoPcConfig::default()
    };
    let net = NetConfig {
        loss: 0.03,
        duplicate: 0.02,
        ..tpc::net_config()
    };
    let invariants = if check_invariants {
        tpc::invariants()
    } else {
        Vec::new()
    };
    let sim = Sim::new(seed, tpc::nodes(&config), net, invariants);
    let mut rng = SimRng::new(seed ^ 0x5eed);
    let mut actions = Vec::new();
    let mut at = 500;
    while at + 200 < steps {
        let node = NodeId(rng.below(8) as u32);
        actions.push(Scheduled {
            at,
            time: Time::ZERO,
            action: Action::Crash(node),
        });
        actions.push(Scheduled {
            at: at + 100 + rng.below(100),
            time: Time::ZERO,
            action: Action::Restart(node),
        });
        at += 1_000;
    }
    (sim, actions)
}

/// Figures of the kernel and of time travel.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelFigures {
    /// Events per second with no trace recorded and no invariant checked: the kernel and the
    /// protocol's handlers.
    pub events_per_s: f64,
    /// Events per second with no trace recorded, checking the scene's invariants after
    /// every event (as the app does).
    pub events_per_s_with_invariants: f64,
    /// Steps per second while the timeline records the trace and checkpoints.
    pub recorded_steps_per_s: f64,
    pub trace_steps: u64,
    pub trace_entries: usize,
    /// Estimated bytes held by the trace and checkpoints.
    pub trace_bytes: usize,
    pub jump_mean_ms: f64,
    pub jump_max_ms: f64,
    pub jumps: u32,
}

/// Measures the kernel on `raw_steps` events and time travel over a `trace_steps` trace.
/// `clock_ms` returns wall-clock milliseconds.
pub fn measure_kernel(
    clock_ms: &dyn Fn() -> f64,
    raw_steps: u64,
    trace_steps: u64,
) -> KernelFigures {
    let events_per_s = raw_events_per_s(clock_ms, raw_steps, false);
    let events_per_s_with_invariants = raw_events_per_s(clock_ms, raw_steps, true);

    let (sim, actions) = two_pc_workload(2, trace_steps);
    let mut timeline = Timeline::new(sim, actions, trace_steps);
    let start = clock_ms();
    timeline.extend(trace_steps);
    let record_ms = (clock_ms() - start).max(1e-3);
    let world_bytes = approx_world_bytes(&timeline);

    let mut rng = SimRng::new(99);
    let jumps = 200u32;
    let (mut total, mut worst) = (0.0f64, 0.0f64);
    for _ in 0..jumps {
        let target = rng.below(timeline.horizon() + 1);
        let start = clock_ms();
        timeline.seek(target);
        let took = clock_ms() - start;
        total += took;
        worst = worst.max(took);
    }
    KernelFigures {
        events_per_s,
        events_per_s_with_invariants,
        recorded_steps_per_s: timeline.horizon() as f64 / (record_ms / 1000.0),
        trace_steps: timeline.horizon(),
        trace_entries: timeline.trace().len(),
        trace_bytes: timeline.approx_bytes(world_bytes),
        jump_mean_ms: total / f64::from(jumps),
        jump_max_ms: worst,
        jumps,
    }
}

/// Runs `steps` steps of the workload without recording a trace; returns steps per second.
fn raw_events_per_s(clock_ms: &dyn Fn() -> f64, steps: u64, check_invariants: bool) -> f64 {
    let (mut sim, actions) = two_pc_workload_checked(1, steps, check_invariants);
    let mut next_action = actions.iter().peekable();
    let start = clock_ms();
    let mut done = 0;
    while done < steps {
        let due = next_action.peek().filter(|a| a.at <= sim.step_count());
        if let Some(a) = due {
            sim.apply(&a.action, a.time, None);
            next_action.next();
        } else if !sim.step(None) {
            // At rest (say, the coordinator is down): the next action is due at once, as
            // in the timeline.
            let Some(a) = next_action.next() else {
                break;
            };
            sim.apply(&a.action, a.time, None);
        }
        done += 1;
    }
    let ms = (clock_ms() - start).max(1e-3);
    done as f64 / (ms / 1000.0)
}

/// A rough size of one checkpoint of the 2PC world: nodes, queue and messages in flight.
fn approx_world_bytes(timeline: &Timeline<tpc::TwoPcNode>) -> usize {
    let sim = timeline.sim();
    let nodes = sim.node_count() as usize * (std::mem::size_of::<tpc::TwoPcNode>() + 256);
    let flying = sim.in_flight().count() * 96;
    nodes + flying + 4096
}

impl KernelFigures {
    /// The figures as lines of text, the same natively and in the browser.
    pub fn report(&self, place: &str) -> String {
        format!(
            "kernel ({place}): {:.2} M events/s without invariants, {:.2} M events/s checking \
             them after every event (no trace)\n\
             recording ({place}): {:.2} M steps/s recording the trace, invariants checked\n\
             time travel ({place}): {} jumps over a {}-step trace: mean {:.3} ms, max {:.3} ms\n\
             trace memory ({place}): {} entries, about {:.1} MB with checkpoints",
            self.events_per_s / 1e6,
            self.events_per_s_with_invariants / 1e6,
            self.recorded_steps_per_s / 1e6,
            self.jumps,
            self.trace_steps,
            self.jump_mean_ms,
            self.jump_max_ms,
            self.trace_entries,
            self.trace_bytes as f64 / 1e6,
        )
    }
}

/// What a long run costs: the 8-client queue-lock scene played far (as "max" speed does),
/// through the same path as the app (the scene's link, `build_scene`, `Run::extend`).
pub struct LongRunFigures {
    pub steps: u64,
    pub steps_per_s: f64,
    /// Checkpoints kept and their spacing at the end.
    pub checkpoints: usize,
    pub spacing: u64,
    /// Bytes the caller measured after the run (the WebAssembly memory in the browser, or an
    /// estimate natively), and before it.
    pub memory_before: u64,
    pub memory_after: u64,
    pub jumps: u32,
    pub jump_mean_ms: f64,
    pub jump_max_ms: f64,
    /// Reading the trace rows around a far-back step (the diagram's window recorded again).
    pub rows_far_back_ms: f64,
}

/// Plays `steps` steps of `?scene=locks&kind=queue&clients=8&rounds=0`, then jumps to 200
/// random steps. `memory` returns the bytes in use (the caller knows how to measure them).
pub fn measure_long_run(
    clock_ms: &dyn Fn() -> f64,
    memory: &dyn Fn() -> u64,
    steps: u64,
) -> LongRunFigures {
    use super::locks::Locks;
    use super::{build_scene, RunSpec};
    use crate::sim::run::Run;
    let memory_before = memory();
    let (mut spec, _) = RunSpec::from_query("?scene=locks&kind=queue&clients=8&rounds=0&seed=3");
    let mut run = build_scene::<Locks>(&mut spec).run;
    let start = clock_ms();
    while run.horizon() < steps {
        if run.extend(50_000) == 0 {
            break;
        }
    }
    let steps_per_s = run.horizon() as f64 / ((clock_ms() - start).max(1e-3) / 1000.0);
    let mut rng = SimRng::new(7);
    let jumps = 200u32;
    let (mut total, mut worst) = (0.0f64, 0.0f64);
    for _ in 0..jumps {
        let target = rng.below(run.horizon() + 1);
        let start = clock_ms();
        run.seek(target);
        let took = clock_ms() - start;
        total += took;
        worst = worst.max(took);
    }
    let far = run.horizon() / 3;
    let start = clock_ms();
    let rows = run.rows(far.saturating_sub(200).max(1), far + 200);
    let rows_far_back_ms = clock_ms() - start;
    assert!(
        !rows.is_empty(),
        "the rows of a far-back window are recorded again"
    );
    let (checkpoints, spacing) = run.inner.timeline.checkpoint_stats();
    LongRunFigures {
        steps: run.horizon(),
        steps_per_s,
        checkpoints,
        spacing,
        memory_before,
        memory_after: memory(),
        jumps,
        jump_mean_ms: total / f64::from(jumps),
        jump_max_ms: worst,
        rows_far_back_ms,
    }
}

impl LongRunFigures {
    pub fn report(&self, place: &str) -> String {
        format!(
            "long run ({place}): {} steps of the 8-client queue-lock scene at {:.2} M steps/s; \
             {} checkpoints {} steps apart; memory {:.1} MB before, {:.1} MB after (goal < 64 MB)\n\
             long run ({place}): {} jumps to random steps: mean {:.2} ms, max {:.2} ms (goal < 50 ms); \
             the diagram's rows around step {} recorded again in {:.2} ms",
            self.steps,
            self.steps_per_s / 1e6,
            self.checkpoints,
            self.spacing,
            self.memory_before as f64 / 1e6,
            self.memory_after as f64 / 1e6,
            self.jumps,
            self.jump_mean_ms,
            self.jump_max_ms,
            self.steps / 3,
            self.rows_far_back_ms,
        )
    }
}
