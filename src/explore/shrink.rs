//! Shrinking a violating fault schedule, delta-debugging style: remove faults (a crash with
//! its restart, a cut with its heal, then single actions), shorten pauses, and move faults
//! earlier, keeping each change only if the same invariant still breaks.
//!
//! A change is kept only if the schedule gets strictly smaller by (number of actions,
//! total pause time, sum of the steps the actions are taken at), in that order: the result
//! never has more actions, longer pauses or later faults than the schedule it started
//! from, and shrinking always ends. One replay per try, so it runs in slices too.
use super::schedule::{run_plan, PlanEntry, RunOutcome};
use crate::sim::{Action, NetChange, Protocol, Scheduled, Sim, Time, Violation};

/// One change to try.
#[derive(Clone, Debug)]
enum Edit {
    Remove(Vec<usize>),
    HalvePause(usize),
    Earlier(usize),
}

/// The size a shrink must lower.
fn size<C>(schedule: &[Scheduled<C>]) -> (usize, u64, u64) {
    let pauses = schedule
        .iter()
        .map(|s| match s.action {
            Action::Pause(_, Some(d)) => d.0,
            _ => 0,
        })
        .sum();
    (schedule.len(), pauses, schedule.iter().map(|s| s.at).sum())
}

/// Where a fault's undoing is: the restart after a crash, the heal after a cut.
fn partner<C>(schedule: &[Scheduled<C>], i: usize) -> Option<usize> {
    let undoes = |a: &Action<C>| match (&schedule[i].action, a) {
        (Action::Crash(n), Action::Restart(m)) => n == m,
        (
            Action::Network(NetChange::Cut { from, to }),
            Action::Network(NetChange::Heal { from: f, to: t }),
        ) => from == f && to == t,
        _ => false,
    };
    (i + 1..schedule.len()).find(|&j| undoes(&schedule[j].action))
}

fn edits<C>(schedule: &[Scheduled<C>]) -> Vec<Edit> {
    let mut out = Vec::new();
    for i in (0..schedule.len()).rev() {
        if let Some(j) = partner(schedule, i) {
            out.push(Edit::Remove(vec![i, j]));
        }
    }
    out.extend((0..schedule.len()).rev().map(|i| Edit::Remove(vec![i])));
    for (i, s) in schedule.iter().enumerate() {
        if matches!(s.action, Action::Pause(_, Some(d)) if d.0 > 1) {
            out.push(Edit::HalvePause(i));
        }
    }
    out.extend((0..schedule.len()).map(Edit::Earlier));
    out
}

fn apply_edit<C: Clone>(schedule: &[Scheduled<C>], edit: &Edit) -> Option<Vec<PlanEntry<C>>> {
    let mut plan: Vec<PlanEntry<C>> = schedule.iter().map(PlanEntry::fixed).collect();
    match edit {
        Edit::Remove(indexes) => {
            for &i in indexes.iter().rev() {
                plan.remove(i);
            }
        }
        Edit::HalvePause(i) => {
            let entry = &mut plan[*i];
            if let super::schedule::Planned::Act(Action::Pause(_, Some(d))) = &mut entry.what {
                *d = Time(d.0 / 2);
            }
        }
        Edit::Earlier(i) => {
            let floor = if *i == 0 { 0 } else { plan[i - 1].at };
            let at = plan[*i].at;
            let earlier = floor + (at - floor) / 2;
            if earlier >= at {
                return None;
            }
            plan[*i].at = earlier;
            plan[*i].time = Time::ZERO;
        }
    }
    Some(plan)
}

/// A shrink in progress.
pub struct Shrinker<P: Protocol> {
    initial: Sim<P>,
    horizon: u64,
    invariant: usize,
    best: Vec<Scheduled<P::Cmd>>,
    violation: Violation,
    pending: Vec<Edit>,
    tries: u64,
    max_tries: u64,
    done: bool,
}

impl<P: Protocol> Shrinker<P> {
    /// Starts from a run that broke invariant `invariant` with `schedule`.
    pub fn new(
        initial: Sim<P>,
        horizon: u64,
        found: &RunOutcome<P::Cmd>,
        max_tries: u64,
    ) -> Option<Self> {
        let (invariant, violation) = found.violation.clone()?;
        let mut edits = edits(&found.applied);
        edits.reverse();
        Some(Shrinker {
            initial,
            horizon,
            invariant,
            best: found.applied.clone(),
            violation,
            pending: edits,
            tries: 0,
            max_tries,
            done: false,
        })
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn tries(&self) -> u64 {
        self.tries
    }

    /// The smallest violating schedule so far, and its violation.
    pub fn best(&self) -> (&[Scheduled<P::Cmd>], &Violation) {
        (&self.best, &self.violation)
    }

    pub fn invariant(&self) -> usize {
        self.invariant
    }

    /// Tries up to `max` changes (one replay each).
    pub fn step(&mut self, max: u64) {
        let mut budget = max;
        while !self.done && budget > 0 {
            if self.tries >= self.max_tries {
                self.done = true;
                break;
            }
            let Some(edit) = self.pending.pop() else {
                self.done = true;
                break;
            };
            let Some(plan) = apply_edit(&self.best, &edit) else {
                continue;
            };
            budget -= 1;
            self.tries += 1;
            let outcome = run_plan(&self.initial, &plan, self.horizon, Some(self.invariant));
            let Some((invariant, violation)) = outcome.violation else {
                continue;
            };
            if invariant == self.invariant && size(&outcome.applied) < size(&self.best) {
                self.best = outcome.applied;
                self.violation = violation;
                let mut next = edits(&self.best);
                next.reverse();
                self.pending = next;
            }
        }
    }
}
