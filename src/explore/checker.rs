//! A breadth-first model checker over any [`Model`], run in slices.
//!
//! Each distinct state is kept as a 64-bit fingerprint (of its canonical form, with
//! symmetry reduction) and its parent's fingerprint; full states are kept only in the
//! frontier, the queue of states still to expand. States are checked against the
//! properties when they are first found, and the search stops at the first violation.
//! Breadth first means that violation is as few steps from an initial state as any: the
//! path to it, rebuilt by replaying the model along the parent fingerprints, is a shortest
//! counterexample.
//!
//! The search never runs unbounded: it stops with a message once it has found
//! `max_states` distinct states, and does not expand states deeper than `max_depth`.
//! It never reads a clock: [`Checker::step`] does a given amount of work, and
//! [`Checker::run_for`] asks the caller's clock when to stop.
use super::fingerprints::{ByteSink, FpTable};
use super::model::Model;
use std::collections::VecDeque;

/// How far a search may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckerOptions {
    /// Most distinct states before the search stops.
    pub max_states: u64,
    /// States this many steps from an initial state are checked but not expanded.
    pub max_depth: Option<u32>,
    /// Deduplicate states up to permutations of interchangeable nodes, when the model
    /// offers it.
    pub symmetry: bool,
}

impl Default for CheckerOptions {
    fn default() -> Self {
        CheckerOptions {
            max_states: 1_000_000,
            max_depth: None,
            symmetry: false,
        }
    }
}

/// Why a search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// Every reachable state was checked: the properties hold everywhere.
    Exhausted,
    /// Every state within the depth bound was checked; deeper ones were not.
    DepthBound(u32),
    /// A state breaks property `property`.
    Violation { property: usize },
    /// The state budget ran out before the search was done.
    Budget(u64),
}

/// Where a search stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Distinct states found (up to symmetry when it is on).
    pub distinct: u64,
    /// Successor states computed, duplicates included.
    pub generated: u64,
    /// The greatest number of steps from an initial state to a state found.
    pub depth: u32,
    /// States found but not yet expanded.
    pub frontier: usize,
    /// Milliseconds spent in [`Checker::run_for`], by the caller's clock.
    pub elapsed_ms: f64,
    pub finished: Option<Finish>,
}

impl Progress {
    /// Distinct states per second of the caller's clock (0 before any time was measured).
    pub fn states_per_second(&self) -> f64 {
        super::per_second(self.distinct, self.elapsed_ms)
    }

    /// A sentence for the panel.
    pub fn message(&self, property_names: &[String]) -> String {
        let states = self.distinct;
        match self.finished {
            None => format!(
                "Searching: {states} states, {} steps deep, {} to expand.",
                self.depth, self.frontier
            ),
            Some(Finish::Exhausted) => format!(
                "Done: all {states} reachable states checked ({} steps deep); no violation.",
                self.depth
            ),
            Some(Finish::DepthBound(d)) => format!(
                "Done within the depth bound: {states} states up to {d} steps checked; no \
                 violation (longer runs were not explored)."
            ),
            Some(Finish::Violation { property }) => format!(
                "\"{}\" fails after {} steps (found among {states} states).",
                property_names.get(property).map_or("?", String::as_str),
                self.depth
            ),
            Some(Finish::Budget(max)) => format!(
                "Stopped at the budget of {max} states ({} steps deep) with no violation; \
                 the search is not complete.",
                self.depth
            ),
        }
    }
}

/// A shortest path from an initial state to a state that breaks a property.
#[derive(Clone, Debug)]
pub struct Counterexample<M: Model> {
    pub property: usize,
    pub property_name: String,
    /// `states[0]` is initial; `states[i + 1]` is `states[i]` after `actions[i]`.
    pub states: Vec<M::State>,
    pub actions: Vec<M::Action>,
}

struct Queued<S> {
    state: S,
    fp: u64,
    depth: u32,
}

pub struct Checker<M: Model> {
    model: M,
    options: CheckerOptions,
    symmetric: bool,
    seen: FpTable,
    queue: VecDeque<Queued<M::State>>,
    sink: ByteSink,
    actions: Vec<M::Action>,
    started: bool,
    generated: u64,
    depth: u32,
    depth_cut: bool,
    elapsed_ms: f64,
    finished: Option<Finish>,
    /// The fingerprint of the first violating state.
    violating: Option<u64>,
}

impl<M: Model> Checker<M> {
    pub fn new(model: M, options: CheckerOptions) -> Self {
        let symmetric = options.symmetry && model.has_symmetry();
        let expected = options.max_states.min(1 << 16) as usize;
        Checker {
            model,
            options,
            symmetric,
            seen: FpTable::with_capacity(expected),
            queue: VecDeque::new(),
            sink: ByteSink::default(),
            actions: Vec::new(),
            started: false,
            generated: 0,
            depth: 0,
            depth_cut: false,
            elapsed_ms: 0.0,
            finished: None,
            violating: None,
        }
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    /// Whether symmetry reduction is in use (asked for, and offered by the model).
    pub fn symmetry_in_use(&self) -> bool {
        self.symmetric
    }

    pub fn progress(&self) -> Progress {
        Progress {
            distinct: self.seen.len() as u64,
            generated: self.generated,
            depth: self.depth,
            frontier: self.queue.len(),
            elapsed_ms: self.elapsed_ms,
            finished: self.finished,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// Bytes held by the fingerprint table (the frontier's states come on top).
    pub fn table_bytes(&self) -> usize {
        self.seen.bytes()
    }

    fn fingerprint(&mut self, state: &M::State) -> u64 {
        if self.symmetric && self.model.symmetric_identity(state, &mut self.sink) {
            return self.sink.take_fingerprint();
        }
        self.model.identity(state, &mut self.sink);
        self.sink.take_fingerprint()
    }

    /// Records a newly found state; false when the search must stop.
    fn discover(&mut self, state: M::State, fp: u64, depth: u32) -> bool {
        self.depth = self.depth.max(depth);
        if let Some(property) = self.model.violated(&state) {
            self.violating = Some(fp);
            self.finished = Some(Finish::Violation { property });
            return false;
        }
        if self.seen.len() as u64 > self.options.max_states {
            self.finished = Some(Finish::Budget(self.options.max_states));
            return false;
        }
        self.queue.push_back(Queued { state, fp, depth });
        true
    }

    /// Expands up to `max_states` states from the frontier.
    pub fn step(&mut self, max_states: u64) -> Progress {
        if !self.started {
            self.started = true;
            for state in self.model.init_states() {
                let fp = self.fingerprint(&state);
                if self.seen.insert(fp, 0) && !self.discover(state, fp, 0) {
                    return self.progress();
                }
            }
        }
        let mut expanded = 0;
        while self.finished.is_none() && expanded < max_states {
            let Some(Queued { state, fp, depth }) = self.queue.pop_front() else {
                self.finished = Some(match self.options.max_depth {
                    Some(d) if self.depth_cut => Finish::DepthBound(d),
                    _ => Finish::Exhausted,
                });
                break;
            };
            expanded += 1;
            if self.options.max_depth.is_some_and(|d| depth >= d) {
                self.depth_cut = true;
                continue;
            }
            if !self.model.within_bounds(&state) {
                continue;
            }
            let mut actions = std::mem::take(&mut self.actions);
            actions.clear();
            self.model.actions(&state, &mut actions);
            for action in &actions {
                let Some(next) = self.model.next_state(&state, action) else {
                    continue;
                };
                self.generated += 1;
                let next_fp = self.fingerprint(&next);
                if self.seen.insert(next_fp, fp) && !self.discover(next, next_fp, depth + 1) {
                    break;
                }
            }
            self.actions = actions;
        }
        self.progress()
    }

    /// Works in small slices until `budget_ms` of the caller's clock have passed or the
    /// search is over. `clock` returns milliseconds (e.g. `performance.now()`).
    pub fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Progress {
        let start = clock();
        // Start small: one state of a scene's model can take tens of microseconds, and a
        // caller on the page's main thread may give only a few milliseconds (256 states
        // at once overran a 2 ms slice by 15 ms and more).
        let mut slice = 8;
        loop {
            let before = clock();
            self.step(slice);
            let now = clock();
            if self.finished.is_some() || now - start >= budget_ms {
                break;
            }
            // Aim for slices of about a millisecond, so the clock is asked rarely.
            if now - before < 0.5 {
                slice = (slice * 2).min(1 << 20);
            }
        }
        self.elapsed_ms += clock() - start;
        self.progress()
    }

    /// Runs to the end (for tests and benchmarks).
    pub fn run(&mut self) -> Progress {
        while self.finished.is_none() {
            self.step(u64::MAX);
        }
        self.progress()
    }

    /// The shortest path to the violation found, rebuilt by replaying the model along the
    /// recorded parents.
    pub fn counterexample(&mut self) -> Option<Counterexample<M>> {
        let Some(Finish::Violation { property }) = self.finished else {
            return None;
        };
        let mut chain = vec![self.violating?];
        while let Some(parent) = self.seen.parent(*chain.last()?).filter(|p| *p != 0) {
            chain.push(parent);
        }
        chain.reverse();
        let first = self
            .model
            .init_states()
            .into_iter()
            .find(|s| self.fingerprint(s) == chain[0])?;
        let mut states = vec![first];
        let mut actions = Vec::new();
        for want in &chain[1..] {
            let state = states.last()?.clone();
            let mut enabled = Vec::new();
            self.model.actions(&state, &mut enabled);
            let (action, next) = enabled.into_iter().find_map(|a| {
                let next = self.model.next_state(&state, &a)?;
                (self.fingerprint(&next) == *want).then_some((a, next))
            })?;
            actions.push(action);
            states.push(next);
        }
        Some(Counterexample {
            property,
            property_name: self.model.properties().get(property).cloned()?,
            states,
            actions,
        })
    }
}
