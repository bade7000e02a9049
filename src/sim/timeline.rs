//! Time travel: go to any step, back or forward, in bounded time and memory.
//!
//! A run is a pure function of (initial world, seed, user actions). The timeline computes it
//! once, recording the trace, and keeps a clone of the whole world every
//! [`CHECKPOINT_INTERVAL`] steps. Going to step `s` restores the checkpoint at or before `s`
//! and replays at most `CHECKPOINT_INTERVAL - 1` steps without recording: the cost of a jump
//! does not grow with the length of the run.
//!
//! Taking an action at an earlier step forks the run: the actions after that point, the
//! trace after it and the checkpoints after it are dropped, and the run is computed again
//! from there with the new action.
use super::action::Scheduled;
use super::kernel::Sim;
use super::protocol::Protocol;
use super::time::Time;
use super::trace::TraceEntry;

pub const CHECKPOINT_INTERVAL: u64 = 512;

/// The world plus how many of the run's actions it has applied.
#[derive(Clone)]
pub struct Cursor<P: Protocol> {
    pub sim: Sim<P>,
    next_action: usize,
}

impl<P: Protocol> Cursor<P> {
    pub fn step(&self) -> u64 {
        self.sim.step_count()
    }
}

/// When a step happened and where its trace entries start.
#[derive(Clone, Copy, Debug)]
pub struct StepInfo {
    pub time: Time,
    pub first_entry: u32,
}

pub struct Timeline<P: Protocol> {
    actions: Vec<Scheduled<P::Cmd>>,
    trace: Vec<TraceEntry<P>>,
    /// `steps[i]` describes step `i + 1`.
    steps: Vec<StepInfo>,
    /// `checkpoints[k]` is the world after `k * CHECKPOINT_INTERVAL` steps.
    checkpoints: Vec<Cursor<P>>,
    /// The world after the last computed step.
    frontier: Cursor<P>,
    /// The world the views show.
    cursor: Cursor<P>,
    max_steps: u64,
}

impl<P: Protocol> Timeline<P> {
    /// `actions` are sorted by step; `max_steps` bounds the memory a run may take.
    pub fn new(initial: Sim<P>, mut actions: Vec<Scheduled<P::Cmd>>, max_steps: u64) -> Self {
        actions.sort_by_key(|a| a.at);
        let start = Cursor {
            sim: initial,
            next_action: 0,
        };
        Timeline {
            actions,
            trace: Vec::new(),
            steps: Vec::new(),
            checkpoints: vec![start.clone()],
            frontier: start.clone(),
            cursor: start,
            max_steps: max_steps.max(1),
        }
    }

    /// Steps computed so far.
    pub fn horizon(&self) -> u64 {
        self.frontier.step()
    }

    /// True when the run came to rest (or hit its step limit) and every action was applied.
    pub fn is_finished(&mut self) -> bool {
        self.horizon() >= self.max_steps
            || (self.frontier.next_action >= self.actions.len() && self.frontier.sim.is_quiescent())
    }

    pub fn at_step_limit(&self) -> bool {
        self.horizon() >= self.max_steps
    }

    pub fn max_steps(&self) -> u64 {
        self.max_steps
    }

    pub fn cursor(&self) -> &Cursor<P> {
        &self.cursor
    }

    pub fn sim(&self) -> &Sim<P> {
        &self.cursor.sim
    }

    pub fn actions(&self) -> &[Scheduled<P::Cmd>] {
        &self.actions
    }

    pub fn trace(&self) -> &[TraceEntry<P>] {
        &self.trace
    }

    /// The time at which step `step` happened (step 0 is time zero).
    pub fn time_of(&self, step: u64) -> Time {
        match step {
            0 => Time::ZERO,
            s => self
                .steps
                .get((s - 1) as usize)
                .map_or(self.frontier.sim.now(), |i| i.time),
        }
    }

    /// The trace entries of steps `from..=to` (1-based, clamped to the horizon).
    pub fn entries(&self, from: u64, to: u64) -> &[TraceEntry<P>] {
        let to = to.min(self.horizon());
        if from == 0 || from > to {
            return &[];
        }
        let start = self.steps[(from - 1) as usize].first_entry as usize;
        let end = self
            .steps
            .get(to as usize)
            .map_or(self.trace.len(), |i| i.first_entry as usize);
        &self.trace[start..end]
    }

    /// The last step that happened at or before `time`.
    pub fn step_at_time(&self, time: Time) -> u64 {
        self.steps.partition_point(|s| s.time <= time) as u64
    }

    /// Computes up to `count` more steps. Returns how many were computed.
    pub fn extend(&mut self, count: u64) -> u64 {
        let start = self.horizon();
        let goal = start.saturating_add(count).min(self.max_steps);
        while self.horizon() < goal {
            let first_entry = self.trace.len() as u32;
            if !advance(&mut self.frontier, &self.actions, Some(&mut self.trace)) {
                break;
            }
            let time = self.frontier.sim.now();
            self.steps.push(StepInfo { time, first_entry });
            if self.horizon() % CHECKPOINT_INTERVAL == 0 {
                self.checkpoints.push(self.frontier.clone());
            }
        }
        self.horizon() - start
    }

    /// Moves the views to `step` (clamped to the computed steps).
    pub fn seek(&mut self, step: u64) {
        let target = step.min(self.horizon());
        let here = self.cursor.step();
        let nearest = target / CHECKPOINT_INTERVAL;
        if target < here || target - here >= CHECKPOINT_INTERVAL {
            self.cursor = self.checkpoints[nearest as usize].clone();
        }
        while self.cursor.step() < target {
            if !advance(&mut self.cursor, &self.actions, None) {
                break;
            }
        }
    }

    /// Takes a user action at the cursor: the run forks there. The cursor moves onto the
    /// action's step. `time` is when the person acted (between this step and the next).
    pub fn take(&mut self, action: super::action::Action<P::Cmd>, time: Time) {
        let at = self.cursor.step();
        self.actions.truncate(self.cursor.next_action);
        self.actions.push(Scheduled { at, time, action });
        self.truncate_after(at);
        self.extend(1);
        self.seek(at + 1);
    }

    /// Forgets everything computed after `step`; the cursor is at `step`.
    fn truncate_after(&mut self, step: u64) {
        if let Some(info) = self.steps.get(step as usize) {
            self.trace.truncate(info.first_entry as usize);
        }
        self.steps.truncate(step as usize);
        self.checkpoints
            .truncate((step / CHECKPOINT_INTERVAL + 1) as usize);
        self.frontier = self.cursor.clone();
    }

    /// Bytes held by the trace and checkpoints (an estimate for the memory report).
    pub fn approx_bytes(&self, world_bytes: usize) -> usize {
        self.trace.capacity() * std::mem::size_of::<TraceEntry<P>>()
            + self.steps.capacity() * std::mem::size_of::<StepInfo>()
            + (self.checkpoints.len() + 2) * world_bytes
    }
}

/// One step of a cursor: the next due user action, else the next event.
fn advance<P: Protocol>(
    cursor: &mut Cursor<P>,
    actions: &[Scheduled<P::Cmd>],
    rec: Option<&mut Vec<TraceEntry<P>>>,
) -> bool {
    if let Some(next) = actions.get(cursor.next_action) {
        if next.at <= cursor.step() || cursor.sim.is_quiescent() {
            cursor.sim.apply(&next.action, next.time, rec);
            cursor.next_action += 1;
            return true;
        }
    }
    cursor.sim.step(rec)
}
