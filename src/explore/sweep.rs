//! The seed sweep: many seeded runs of a scene as it is configured, each with a random
//! fault schedule, until one breaks an invariant; that schedule is then shrunk and handed
//! back as a link ([`RunSpec`]) that opens the run at the violating step.
//!
//! Work is counted in runs (a shrink try is a run too), so [`Sweep::step`] can be given a
//! few at a time; [`Sweep::run_for`] asks the caller's clock when to stop.
use super::bounds::SweepBounds;
use super::schedule::{active_steps, random_plan, run_plan, RunOutcome};
use super::shrink::Shrinker;
use crate::scene::{read_config, write_params, RunSpec, Scene, SceneId};
use crate::sim::{Line, NetConfig, Protocol, Sim, SimRng, Timeline};

/// Most replays spent shrinking one violation.
pub const MAX_SHRINK_TRIES: u64 = 400;

/// A violation the sweep found, shrunk, as a link.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepFound {
    /// The run as a link: the scene, its parameters, the seed, the faults in link form, and
    /// the violating step as the step shown.
    pub spec: RunSpec,
    pub seed: u64,
    /// The invariant broken (its index in the scene's list) and its name.
    pub invariant: usize,
    pub invariant_name: String,
    /// The violation's message, as the run records it.
    pub message: Line,
    /// The step at which the invariant breaks.
    pub step: u64,
    /// The schedule as first found, before shrinking: its actions and violating step.
    pub found_actions: Vec<String>,
    pub found_step: u64,
    pub shrink_tries: u64,
    /// Set when a link cannot carry this configuration (a setting the scene does not
    /// write into links): the link then opens a different run.
    pub link_problem: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepPhase {
    Searching,
    Shrinking,
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepProgress {
    pub phase: SweepPhase,
    pub runs_done: u64,
    pub runs_total: u64,
    pub shrink_tries: u64,
    pub found: bool,
    /// Milliseconds spent in [`Sweep::run_for`], by the caller's clock.
    pub elapsed_ms: f64,
}

impl SweepProgress {
    pub fn runs_per_second(&self) -> f64 {
        super::per_second(self.runs_done + self.shrink_tries, self.elapsed_ms)
    }

    /// A sentence for the panel.
    pub fn message(&self) -> String {
        match (self.phase, self.found) {
            (SweepPhase::Searching, _) => {
                format!(
                    "Trying seeds: {} of {} runs.",
                    self.runs_done, self.runs_total
                )
            }
            (SweepPhase::Shrinking, _) => format!(
                "Found a violation in run {}; shrinking it ({} tries).",
                self.runs_done, self.shrink_tries
            ),
            (SweepPhase::Done, true) => format!(
                "Found a violation in run {} of {}; shrunk in {} tries.",
                self.runs_done, self.runs_total, self.shrink_tries
            ),
            (SweepPhase::Done, false) => {
                format!("No violation in {} runs.", self.runs_done)
            }
        }
    }
}

/// A violating run being shrunk: its seed, the run as found, and the shrink.
type FoundRun<P> = (u64, RunOutcome<<P as Protocol>::Cmd>, Shrinker<P>);

pub struct Sweep<S: Scene> {
    config: S::Config,
    net: NetConfig,
    bounds: SweepBounds,
    active: Option<u64>,
    runs_done: u64,
    shrinker: Option<FoundRun<S::Node>>,
    found: Option<SweepFound>,
    done: bool,
    elapsed_ms: f64,
    /// The one invariant to look for (its index), or any.
    watch: Option<usize>,
}

impl<S: Scene> Sweep<S> {
    /// A sweep of the scene as `spec` configures it (its parameters; its seed and actions
    /// are not used). Parameters that cannot be used are replaced, with messages.
    pub fn from_spec(spec: &RunSpec, bounds: SweepBounds) -> (Self, Vec<String>) {
        let mut params = spec.params.clone();
        let (config, net, problems) = read_config::<S>(&mut params);
        (Self::new(config, net, bounds), problems)
    }

    pub fn new(config: S::Config, net: NetConfig, bounds: SweepBounds) -> Self {
        Sweep {
            config,
            net,
            bounds,
            active: None,
            runs_done: 0,
            shrinker: None,
            found: None,
            done: false,
            elapsed_ms: 0.0,
            watch: None,
        }
    }

    /// Looks for a violation of invariant `watch` only (an index into the scene's
    /// invariants), or of any when `None`.
    pub fn watching(mut self, watch: Option<usize>) -> Self {
        self.watch = watch;
        self
    }

    /// The names of the scene's invariants, in order.
    pub fn invariant_names(&self) -> Vec<String> {
        S::world(&self.config, self.bounds.first_seed)
            .map(|w| w.invariants.iter().map(|i| i.name.to_string()).collect())
            .unwrap_or_default()
    }

    fn world(&self, seed: u64) -> Option<Sim<S::Node>> {
        let world = S::world(&self.config, seed).ok()?;
        Some(Sim::new(
            seed,
            world.nodes,
            self.net.clone(),
            world.invariants,
        ))
    }

    fn seed_of(&self, run: u64) -> u64 {
        self.bounds.first_seed.wrapping_add(run)
    }

    pub fn progress(&self) -> SweepProgress {
        SweepProgress {
            phase: if self.done {
                SweepPhase::Done
            } else if self.shrinker.is_some() {
                SweepPhase::Shrinking
            } else {
                SweepPhase::Searching
            },
            runs_done: self.runs_done,
            runs_total: self.bounds.runs,
            shrink_tries: match (&self.shrinker, &self.found) {
                (Some((_, _, s)), _) => s.tries(),
                (None, Some(f)) => f.shrink_tries,
                _ => 0,
            },
            found: self.found.is_some() || self.shrinker.is_some(),
            elapsed_ms: self.elapsed_ms,
        }
    }

    pub fn found(&self) -> Option<&SweepFound> {
        self.found.as_ref()
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Does up to `max_runs` runs (searching or shrinking).
    pub fn step(&mut self, max_runs: u64) -> SweepProgress {
        let mut budget = max_runs;
        while !self.done && budget > 0 {
            if let Some((_, _, shrinker)) = &mut self.shrinker {
                let before = shrinker.tries();
                shrinker.step(budget);
                budget = budget.saturating_sub((shrinker.tries() - before).max(1));
                if shrinker.is_done() {
                    self.finish();
                }
                continue;
            }
            if self.runs_done >= self.bounds.runs {
                self.done = true;
                break;
            }
            budget -= 1;
            self.one_run();
        }
        self.progress()
    }

    fn one_run(&mut self) {
        let seed = self.seed_of(self.runs_done);
        self.runs_done += 1;
        let Some(initial) = self.world(seed) else {
            return;
        };
        let horizon = self.bounds.horizon;
        let active = *self
            .active
            .get_or_insert_with(|| active_steps(&initial, horizon));
        let mut rng = SimRng::new(seed ^ 0x5eed_fa17_u64.rotate_left(17));
        let plan = random_plan(&mut rng, &self.bounds, initial.node_count(), active);
        let outcome = run_plan(&initial, &plan, horizon, self.watch);
        if outcome.violation.is_some() {
            let shrinker = Shrinker::new(initial, horizon, &outcome, MAX_SHRINK_TRIES);
            if let Some(shrinker) = shrinker {
                self.shrinker = Some((seed, outcome, shrinker));
            }
        }
    }

    /// Turns the shrunk schedule into a link, checked by replaying it in a timeline.
    fn finish(&mut self) {
        self.done = true;
        let Some((seed, original, shrinker)) = self.shrinker.take() else {
            return;
        };
        let (schedule, violation) = shrinker.best();
        let invariant = shrinker.invariant();
        let mut spec = RunSpec::new(SceneId::of::<S>());
        spec.seed = seed;
        spec.params = write_params::<S>(&self.config, &self.net);
        spec.actions = schedule.iter().map(|a| a.to_string()).collect();
        spec.step = Some(violation.step);
        let mut read_back = spec.params.clone();
        let (config, net, _) = read_config::<S>(&mut read_back);
        let link_problem = (config != self.config || net != self.net).then(|| {
            format!(
                "This setup of {} has a setting that links do not carry, so the link opens \
                 a run without it.",
                S::TITLE
            )
        });
        let replayed = self
            .world(seed)
            .map(|sim| replay_violation(sim, schedule.to_vec(), violation.step + 1, invariant));
        debug_assert_eq!(
            replayed,
            Some(Some(violation.step)),
            "the link replays the run"
        );
        let names = S::world(&self.config, seed)
            .map(|w| w.invariants.iter().map(|i| i.name.to_string()).collect())
            .unwrap_or_else(|_| Vec::<String>::new());
        self.found = Some(SweepFound {
            spec,
            seed,
            invariant,
            invariant_name: names.get(invariant).cloned().unwrap_or_default(),
            message: violation.message.clone(),
            step: violation.step,
            found_actions: original.applied.iter().map(|a| a.to_string()).collect(),
            found_step: original.violation.as_ref().map_or(0, |(_, v)| v.step),
            shrink_tries: shrinker.tries(),
            link_problem,
        });
    }

    /// Works until `budget_ms` of the caller's clock have passed or the sweep is over.
    pub fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> SweepProgress {
        let start = clock();
        loop {
            self.step(1);
            if self.done || clock() - start >= budget_ms {
                break;
            }
        }
        self.elapsed_ms += clock() - start;
        self.progress()
    }

    /// Runs to the end (for tests and benchmarks).
    pub fn run(&mut self) -> SweepProgress {
        while !self.done {
            self.step(64);
        }
        self.progress()
    }
}

/// Replays `actions` in a timeline, as the app will, and returns the step at which
/// invariant `invariant` breaks (if it does within `steps`).
pub fn replay_violation<P: Protocol>(
    initial: Sim<P>,
    actions: Vec<crate::sim::Scheduled<P::Cmd>>,
    steps: u64,
    invariant: usize,
) -> Option<u64> {
    let mut timeline = Timeline::new(initial, actions, steps);
    timeline.extend(steps);
    timeline.seek(steps);
    timeline
        .sim()
        .violations()
        .get(invariant)?
        .as_ref()
        .map(|v| v.step)
}
