//! Time travel: go to any step, back or forward, in bounded time and memory, for runs as
//! long as a person cares to play them.
//!
//! A run is a pure function of (initial world, seed, user actions). The timeline computes it
//! forward once and keeps two things, both bounded:
//! - **Checkpoints**: a clone of the whole world every `spacing` steps. Going to step `s`
//!   restores the checkpoint at or before `s` and replays at most `spacing - 1` steps
//!   without recording. When there would be more than [`MAX_CHECKPOINTS`], every other one
//!   is dropped and the spacing doubles: a run of a million steps keeps a few hundred
//!   worlds, and a jump replays a few thousand steps (milliseconds).
//! - **A window of the trace**: the entries (sends, deliveries, state changes, ...) of a
//!   contiguous range of at most [`WINDOW_STEPS`] steps, around what the views look at. The
//!   diagram and the captions read it. Outside it, the trace is not kept but made again on
//!   demand, by replaying from a checkpoint with recording on: the run is deterministic,
//!   so the entries are the same ones.
//!
//! Taking an action at an earlier step forks the run: the actions after that point, and
//! the checkpoints and trace after it, are dropped, and the run goes on from there.
use super::action::{Action, Scheduled};
use super::kernel::Sim;
use super::protocol::Protocol;
use super::time::Time;
use super::trace::TraceEntry;
use std::cell::{Ref, RefCell};

/// The spacing of checkpoints in a short run (and the finest spacing ever used).
pub const CHECKPOINT_INTERVAL: u64 = 512;

/// Most checkpoints kept; past it the spacing doubles.
pub const MAX_CHECKPOINTS: usize = 256;

/// Most steps whose trace is kept at once.
pub const WINDOW_STEPS: u64 = 50_000;

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

/// When a step happened, where its trace entries start, and which of the run's actions
/// it applied ([`NO_ACTION`] for a step of the simulation itself).
#[derive(Clone, Copy, Debug)]
struct StepInfo {
    time: Time,
    first_entry: u32,
    action: u32,
}

/// [`StepInfo::action`] of a step that applied no action (a sentinel keeps the record at
/// 16 bytes, as without it).
const NO_ACTION: u32 = u32::MAX;

/// The recorded trace of steps `first ..= first + steps.len() - 1`.
struct Window<P: Protocol> {
    first: u64,
    steps: Vec<StepInfo>,
    trace: Vec<TraceEntry<P>>,
}

impl<P: Protocol> Window<P> {
    fn empty_at(first: u64) -> Self {
        Window {
            first,
            steps: Vec::new(),
            trace: Vec::new(),
        }
    }

    /// One past the last recorded step.
    fn end(&self) -> u64 {
        self.first + self.steps.len() as u64
    }

    fn covers(&self, step: u64) -> bool {
        (self.first..self.end()).contains(&step)
    }

    fn info(&self, step: u64) -> Option<&StepInfo> {
        step.checked_sub(self.first)
            .and_then(|i| self.steps.get(usize::try_from(i).ok()?))
    }

    /// Forgets the oldest half once the window holds more than its share.
    fn trim(&mut self) {
        if (self.steps.len() as u64) <= WINDOW_STEPS {
            return;
        }
        let drop_steps = self.steps.len() / 2;
        let drop_entries = self.steps[drop_steps].first_entry as usize;
        self.trace.drain(..drop_entries);
        self.steps.drain(..drop_steps);
        for info in &mut self.steps {
            info.first_entry -= drop_entries as u32;
        }
        self.first += drop_steps as u64;
    }

    /// Forgets the steps after `step`.
    fn truncate_after(&mut self, step: u64) {
        if step < self.first {
            *self = Window::empty_at(step + 1);
            return;
        }
        if let Some(info) = self.info(step + 1).copied() {
            self.trace.truncate(info.first_entry as usize);
            self.steps.truncate((step + 1 - self.first) as usize);
        }
    }
}

pub struct Timeline<P: Protocol> {
    actions: Vec<Scheduled<P::Cmd>>,
    /// How many of the first actions a scenario wrote (the rest a person took): the
    /// captions say "the scenario drops ..." for those, "you drop ..." for the others.
    scripted: usize,
    /// `checkpoints[k]` is the world after `k * spacing` steps.
    checkpoints: Vec<Cursor<P>>,
    spacing: u64,
    /// Behind a `RefCell`: reading entries outside it records them again, which views do
    /// while they only read the run.
    window: RefCell<Window<P>>,
    /// The world after the last computed step.
    frontier: Cursor<P>,
    /// The world the views show.
    cursor: Cursor<P>,
    max_steps: u64,
}

impl<P: Protocol> Timeline<P> {
    /// `actions` are sorted by step; `max_steps` bounds how far the run goes.
    pub fn new(initial: Sim<P>, mut actions: Vec<Scheduled<P::Cmd>>, max_steps: u64) -> Self {
        crate::sim::sort::sort_by_key(&mut actions, |a| a.at);
        let start = Cursor {
            sim: initial,
            next_action: 0,
        };
        Timeline {
            actions,
            scripted: 0,
            checkpoints: vec![start.clone()],
            spacing: CHECKPOINT_INTERVAL,
            window: RefCell::new(Window::empty_at(1)),
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

    /// Marks every action given so far as written by a scenario, not taken by a person.
    pub fn mark_scripted(&mut self) {
        self.scripted = self.actions.len();
    }

    /// Whether step `step` applied one of a scenario's actions. Known for the steps of the
    /// trace window: ask after reading the step's [`Timeline::entries`].
    pub fn applied_scripted_action(&self, step: u64) -> bool {
        self.window
            .borrow()
            .info(step)
            .is_some_and(|i| i.action != NO_ACTION && (i.action as usize) < self.scripted)
    }

    /// Whether step `step` applied one of the run's actions (a person's, a scenario's or a
    /// link's) rather than the next event. Known for the steps of the trace window.
    pub fn applied_action(&self, step: u64) -> bool {
        self.window
            .borrow()
            .info(step)
            .is_some_and(|i| i.action != NO_ACTION)
    }

    /// A copy of the recorded trace window: the whole trace of a run shorter than
    /// [`WINDOW_STEPS`]. (For tests and reports; views read [`Timeline::entries`].)
    pub fn trace(&self) -> Vec<TraceEntry<P>> {
        self.window.borrow().trace.clone()
    }

    /// The first step of the recorded window.
    pub fn window_start(&self) -> u64 {
        self.window.borrow().first
    }

    /// The time at which step `step` happened (step 0 is time zero). Steps outside the
    /// trace window are found by replaying from a checkpoint.
    pub fn time_of(&self, step: u64) -> Time {
        if step == 0 {
            return Time::ZERO;
        }
        if step >= self.horizon() {
            return self.frontier.sim.now();
        }
        if step == self.cursor.step() {
            return self.cursor.sim.now();
        }
        if let Some(info) = self.window.borrow().info(step) {
            return info.time;
        }
        let mut probe = self.checkpoint_before(step).clone();
        while probe.step() < step && advance(&mut probe, &self.actions, None) {}
        probe.sim.now()
    }

    /// The trace entries of steps `from..=to` (1-based, clamped to the horizon). If the
    /// window does not hold them, it is recorded again around them.
    pub fn entries(&self, from: u64, to: u64) -> Ref<'_, [TraceEntry<P>]> {
        // Step 0 is the start: nothing happened at it, so a range from 0 starts at step 1.
        let (from, to) = (from.max(1), to.min(self.horizon()));
        if from > to {
            return Ref::map(self.window.borrow(), |w| &w.trace[..0]);
        }
        let covered = {
            let w = self.window.borrow();
            w.covers(from) && w.covers(to)
        };
        if !covered {
            self.record_window(from, to);
        }
        Ref::map(self.window.borrow(), |w| {
            let start = w.info(from).map_or(0, |i| i.first_entry as usize);
            let end = w
                .info(to + 1)
                .map_or(w.trace.len(), |i| i.first_entry as usize);
            &w.trace[start..end]
        })
    }

    /// The last step that happened at or before `time`, among the steps near the cursor
    /// (the window) or, beyond it, the computed steps up to the horizon.
    pub fn step_at_time(&self, time: Time) -> u64 {
        if time >= self.frontier.sim.now() {
            return self.horizon();
        }
        let w = self.window.borrow();
        let in_window = w.steps.first().is_some_and(|s| s.time <= time);
        if in_window {
            let last = w.steps.last().map_or(Time::ZERO, |s| s.time);
            if time < last || w.end() >= self.horizon() {
                return w.first - 1 + w.steps.partition_point(|s| s.time <= time) as u64;
            }
        }
        // Outside the window: from the last checkpoint at or before `time`, replay while the
        // next step still happens at or before it.
        let k = self
            .checkpoints
            .partition_point(|c| c.sim.now() <= time)
            .max(1);
        let mut probe = self.checkpoints[k - 1].clone();
        while probe.step() < self.horizon()
            && next_step_time(&mut probe, &self.actions).is_some_and(|t| t <= time)
        {
            advance(&mut probe, &self.actions, None);
        }
        probe.step()
    }

    /// Computes up to `count` more steps. Returns how many were computed.
    pub fn extend(&mut self, count: u64) -> u64 {
        let start = self.horizon();
        let goal = start.saturating_add(count).min(self.max_steps);
        // Record only while the window is attached to the frontier.
        let window = self.window.get_mut();
        let recording = window.end() == start + 1;
        while self.frontier.step() < goal {
            let first_entry = window.trace.len() as u32;
            let rec = recording.then_some(&mut window.trace);
            let next_action = self.frontier.next_action;
            if !advance(&mut self.frontier, &self.actions, rec) {
                break;
            }
            if recording {
                let time = self.frontier.sim.now();
                let action = applied(next_action, self.frontier.next_action);
                window.steps.push(StepInfo {
                    time,
                    first_entry,
                    action,
                });
                window.trim();
            }
            if self.frontier.step() % self.spacing == 0 {
                self.checkpoints.push(self.frontier.clone());
                if self.checkpoints.len() > MAX_CHECKPOINTS {
                    thin_out(&mut self.checkpoints);
                    self.spacing *= 2;
                }
            }
        }
        self.horizon() - start
    }

    fn checkpoint_before(&self, step: u64) -> &Cursor<P> {
        let k = (step / self.spacing) as usize;
        &self.checkpoints[k.min(self.checkpoints.len() - 1)]
    }

    /// Records the trace of steps `from..=to` again, as the new window.
    fn record_window(&self, from: u64, to: u64) {
        let mut probe = self.checkpoint_before(from - 1).clone();
        while probe.step() < from - 1 && advance(&mut probe, &self.actions, None) {}
        let mut window = Window::empty_at(from);
        while probe.step() < to {
            let first_entry = window.trace.len() as u32;
            let next_action = probe.next_action;
            if !advance(&mut probe, &self.actions, Some(&mut window.trace)) {
                break;
            }
            let time = probe.sim.now();
            let action = applied(next_action, probe.next_action);
            window.steps.push(StepInfo {
                time,
                first_entry,
                action,
            });
        }
        *self.window.borrow_mut() = window;
    }

    /// Moves the views to `step` (clamped to the computed steps).
    pub fn seek(&mut self, step: u64) {
        let target = step.min(self.horizon());
        let here = self.cursor.step();
        let from_checkpoint = self.checkpoint_before(target);
        if target < here || from_checkpoint.step() > here {
            self.cursor = from_checkpoint.clone();
        }
        while self.cursor.step() < target {
            if !advance(&mut self.cursor, &self.actions, None) {
                break;
            }
        }
    }

    /// Takes a user action at the cursor: the run forks there. The cursor moves onto the
    /// action's step. `time` is when the person acted (between this step and the next).
    pub fn take(&mut self, action: Action<P::Cmd>, time: Time) {
        let at = self.cursor.step();
        self.actions.truncate(self.cursor.next_action);
        self.scripted = self.scripted.min(self.actions.len());
        self.actions.push(Scheduled { at, time, action });
        self.truncate_after(at);
        self.extend(1);
        self.seek(at + 1);
    }

    /// Forgets everything computed after `step`; the cursor is at `step`.
    fn truncate_after(&mut self, step: u64) {
        let window = self.window.get_mut();
        window.truncate_after(step);
        if window.end() != step + 1 {
            // The window no longer reaches the cursor: start recording afresh from it.
            *window = Window::empty_at(step + 1);
        }
        self.checkpoints
            .truncate((step / self.spacing + 1) as usize);
        self.frontier = self.cursor.clone();
    }

    /// Bytes held by the trace window and checkpoints (an estimate for the memory report).
    pub fn approx_bytes(&self, world_bytes: usize) -> usize {
        let w = self.window.borrow();
        w.trace.capacity() * std::mem::size_of::<TraceEntry<P>>()
            + w.steps.capacity() * std::mem::size_of::<StepInfo>()
            + (self.checkpoints.len() + 2) * world_bytes
    }

    /// How many checkpoints are kept and how far apart.
    pub fn checkpoint_stats(&self) -> (usize, u64) {
        (self.checkpoints.len(), self.spacing)
    }
}

/// When the cursor's next step would happen: the next due action's time as `Sim::apply`
/// places it (an ordinary action between now and the next event; a forced step, which a
/// link of the explorer's path is made of, when its message or timer was due, which may
/// be long after the next event), else the next event's.
fn next_step_time<P: Protocol>(
    cursor: &mut Cursor<P>,
    actions: &[Scheduled<P::Cmd>],
) -> Option<Time> {
    let next_event = cursor.sim.next_event_time();
    match actions.get(cursor.next_action) {
        Some(next) if next.at <= cursor.step() || next_event.is_none() => {
            Some(cursor.sim.action_time(&next.action, next.time))
        }
        _ => next_event,
    }
}

/// Keeps every other checkpoint (those at even multiples of the spacing).
fn thin_out<T>(checkpoints: &mut Vec<T>) {
    let mut index = 0;
    checkpoints.retain(|_| {
        index += 1;
        index % 2 == 1
    });
}

/// The index of the action a step applied, from the cursor's count of applied actions
/// before and after it.
fn applied(before: usize, after: usize) -> u32 {
    if after > before {
        before as u32
    } else {
        NO_ACTION
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
