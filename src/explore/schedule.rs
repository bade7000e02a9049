//! Fault schedules: drawn at random for a seed sweep, run against a world exactly as the
//! timeline would run them, and recorded as the actions a link carries.
//!
//! A run applies each planned fault when the step count reaches its step (or earlier, if
//! the world comes to rest first), like [`crate::sim::Timeline`] does. The faults are
//! recorded as [`Scheduled`] actions with the step and time at which they really happened,
//! so the same seed and the recorded actions replay the run step for step.
use super::bounds::SweepBounds;
use crate::sim::{Action, NetChange, NodeId, Protocol, Scheduled, Sim, SimRng, Time, Violation};

/// A fault to apply at a step. Most are fixed actions; dropping a message names the k-th
/// message in flight at that moment (message ids are only known once the run gets there).
#[derive(Clone, Debug, PartialEq)]
pub enum Planned<C> {
    Act(Action<C>),
    DropNth(u32),
}

/// A fault and the step at which it applies; `time` is when it happened, or zero for "as
/// soon as its step comes".
#[derive(Clone, Debug, PartialEq)]
pub struct PlanEntry<C> {
    pub at: u64,
    pub time: Time,
    pub what: Planned<C>,
}

impl<C: Clone> PlanEntry<C> {
    pub fn fixed(s: &Scheduled<C>) -> Self {
        PlanEntry {
            at: s.at,
            time: s.time,
            what: Planned::Act(s.action.clone()),
        }
    }
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct RunOutcome<C> {
    /// The faults as applied, in link form's order.
    pub applied: Vec<Scheduled<C>>,
    /// The first invariant broken (its index) and the violation.
    pub violation: Option<(usize, Violation)>,
    /// Steps the run took.
    pub steps: u64,
}

/// Runs `initial` with `plan` (sorted by step) until an invariant breaks (invariant `watch`
/// only, when given), the run comes to rest with every fault applied, or `horizon` steps.
pub fn run_plan<P: Protocol>(
    initial: &Sim<P>,
    plan: &[PlanEntry<P::Cmd>],
    horizon: u64,
    watch: Option<usize>,
) -> RunOutcome<P::Cmd> {
    let mut sim = initial.clone();
    let mut applied = Vec::new();
    let mut next = 0;
    let violation = loop {
        if let Some(found) = first_violation(&sim, watch) {
            break Some(found);
        }
        if sim.step_count() >= horizon {
            break None;
        }
        if let Some(entry) = plan.get(next) {
            if entry.at <= sim.step_count() || sim.is_quiescent() {
                next += 1;
                if let Some(action) = resolve(&sim, &entry.what) {
                    let at = sim.step_count();
                    sim.apply(&action, entry.time, None);
                    applied.push(Scheduled {
                        at,
                        time: sim.now(),
                        action,
                    });
                }
                continue;
            }
        }
        if !sim.step(None) && next >= plan.len() {
            break None;
        }
    };
    RunOutcome {
        applied,
        violation,
        steps: sim.step_count(),
    }
}

fn first_violation<P: Protocol>(sim: &Sim<P>, watch: Option<usize>) -> Option<(usize, Violation)> {
    sim.violations()
        .iter()
        .enumerate()
        .filter(|(i, _)| watch.is_none_or(|w| w == *i))
        .find_map(|(i, v)| v.clone().map(|v| (i, v)))
}

fn resolve<P: Protocol>(sim: &Sim<P>, what: &Planned<P::Cmd>) -> Option<Action<P::Cmd>> {
    match what {
        Planned::Act(action) => Some(action.clone()),
        Planned::DropNth(k) => {
            let count = sim.in_flight().count();
            let m = sim.in_flight().nth(*k as usize % count.max(1))?;
            Some(Action::DropMessage(m.id))
        }
    }
}

/// How many steps a run of `initial` with no faults takes to come to rest (at most
/// `horizon`): faults are placed within it, where they can matter.
pub fn active_steps<P: Protocol>(initial: &Sim<P>, horizon: u64) -> u64 {
    run_plan(initial, &[], horizon, None).steps.max(1)
}

/// A random schedule within the bounds: each kind of fault up to its budget, at steps in
/// `1..=active`; crashed nodes restart and cut links heal a little later. At least one
/// fault when the bounds allow any.
pub fn random_plan<C>(
    rng: &mut SimRng,
    bounds: &SweepBounds,
    nodes: u32,
    active: u64,
) -> Vec<PlanEntry<C>> {
    let nodes = u64::from(nodes.max(1));
    let mut counts = [
        rng.between(0, u64::from(bounds.crashes)),
        rng.between(0, u64::from(bounds.pauses)),
        rng.between(0, u64::from(bounds.cuts)),
        rng.between(0, u64::from(bounds.drops)),
    ];
    let budgets = [bounds.crashes, bounds.pauses, bounds.cuts, bounds.drops];
    if counts.iter().all(|c| *c == 0) && bounds.has_faults() {
        let allowed: Vec<usize> = (0..4).filter(|&i| budgets[i] > 0).collect();
        counts[allowed[rng.below(allowed.len() as u64) as usize]] = 1;
    }
    let active = active.max(2);
    let later = |rng: &mut SimRng, at: u64| at + rng.between(1, (active / 4).max(5));
    let mut plan = Vec::new();
    let mut add = |at: u64, what: Planned<C>| {
        plan.push(PlanEntry {
            at,
            time: Time::ZERO,
            what,
        })
    };
    for _ in 0..counts[0] {
        let node = NodeId(rng.below(nodes) as u32);
        let at = rng.between(1, active);
        add(at, Planned::Act(Action::Crash(node)));
        add(later(rng, at), Planned::Act(Action::Restart(node)));
    }
    for _ in 0..counts[1] {
        let node = NodeId(rng.below(nodes) as u32);
        let at = rng.between(1, active);
        let micros = rng.between(
            1_000,
            bounds.longest_pause_ms.saturating_mul(1_000).max(1_000),
        );
        add(at, Planned::Act(Action::Pause(node, Some(Time(micros)))));
    }
    for _ in 0..counts[2] {
        if nodes < 2 {
            break;
        }
        let from = rng.below(nodes);
        let to = (from + rng.between(1, nodes - 1)) % nodes;
        let (from, to) = (NodeId(from as u32), NodeId(to as u32));
        let at = rng.between(1, active);
        add(
            at,
            Planned::Act(Action::Network(NetChange::Cut { from, to })),
        );
        add(
            later(rng, at),
            Planned::Act(Action::Network(NetChange::Heal { from, to })),
        );
    }
    for _ in 0..counts[3] {
        let at = rng.between(1, active);
        add(at, Planned::DropNth(rng.below(16) as u32));
    }
    // Stable: faults drawn for one step keep the order they were drawn in.
    crate::sim::sort::sort_by_key(&mut plan, |e| e.at);
    plan
}
