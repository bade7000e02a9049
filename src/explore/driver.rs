//! One search behind one interface, whatever the scene: what the panel (or a worker)
//! drives a few milliseconds at a time, and reads back as plain data.
//!
//! An exhaustive search finds the shortest path of choices (deliver this message now, lose
//! that one, crash this node) to a violation. A timeline cannot replay such a path as it
//! is: a link carries a seed and faults, and the clock decides the order of deliveries.
//! So when the exhaustive search finds a violation, the driver then sweeps seeds with the
//! same kinds and numbers of faults as the path, looking for a run that breaks the same
//! property, and offers that run (shrunk) as the link to open.
use super::bounds::SweepBounds;
use super::checker::{Checker, Finish};
use super::model::Model;
use super::request::{ExploreRequest, Mode};
use super::scene_model::{SceneAction, SceneModel};
use super::sweep::{Sweep, SweepPhase};
use crate::scene::{RunSpec, Scene, SceneId};
use crate::sim::Choice;

/// A violation found, ready to open.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub invariant_name: String,
    pub message: String,
    /// The run as a link, at the violating step; `None` while (or if) no timeline run has
    /// been found for an exhaustive counterexample.
    pub spec: Option<RunSpec>,
    /// Steps of the shortest path (exhaustive search only).
    pub path_steps: Option<usize>,
}

/// Where a search stands, as the panel shows it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Status {
    pub message: String,
    /// 0 to 1 (runs done of the runs asked for; states found of the state budget).
    pub fraction: f64,
    /// Runs per second (sweep) or distinct states per second (exhaustive).
    pub rate: f64,
    pub distinct: Option<u64>,
    pub depth: Option<u32>,
    pub done: bool,
    /// The search covered everything within its bounds (exhaustive search only).
    pub complete: bool,
    pub found: Option<Found>,
}

/// A search in progress.
pub trait Search {
    /// Works until `budget_ms` of the caller's clock have passed or the search is over.
    fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Status;
    fn status(&self) -> Status;
}

/// How a search of one scene starts: the search, and what in the request could not be used.
pub type Start = fn(&RunSpec, &ExploreRequest) -> (Box<dyn Search>, Vec<String>);

/// The explorer's entry point for scene `S`, for the registry (`None` when the scene is not
/// [`Scene::EXPLORABLE`]).
pub const fn entry<S: Scene>() -> Option<Start> {
    if S::EXPLORABLE {
        Some(start_for::<S> as Start)
    } else {
        None
    }
}

/// The entry point the registry lists for `scene`.
fn explorer(scene: SceneId) -> Option<Start> {
    crate::registry::EXPLORERS
        .iter()
        .find(|(slug, _)| *slug == scene.slug())
        .and_then(|(_, start)| *start)
}

/// Starts a search of the scene `spec` names, configured as `spec` says. `None` for scenes
/// that cannot be explored; the messages say what in the request could not be used.
pub fn start(spec: &RunSpec, request: &ExploreRequest) -> Option<(Box<dyn Search>, Vec<String>)> {
    explorer(spec.scene).map(|start| start(spec, request))
}

/// Whether a scene has an Explore panel.
pub fn explorable(scene: SceneId) -> bool {
    explorer(scene).is_some()
}

fn start_for<S: Scene>(spec: &RunSpec, request: &ExploreRequest) -> (Box<dyn Search>, Vec<String>) {
    match request.mode {
        Mode::Sweep => {
            let (sweep, mut problems) = Sweep::<S>::from_spec(spec, request.sweep);
            let (watch, problem) = request.watch_index(&sweep.invariant_names());
            problems.extend(problem);
            let names = sweep.invariant_names();
            (
                Box::new(SweepSearch {
                    sweep: sweep.watching(watch),
                    names,
                }),
                problems,
            )
        }
        Mode::Exhaustive => {
            let (model, mut problems) = SceneModel::<S>::from_spec(spec, request.exhaustive);
            let (watch, problem) = request.watch_index(&model.properties());
            problems.extend(problem);
            let checker = Checker::new(model.watching(watch), request.exhaustive.checker_options());
            (
                Box::new(ExhaustiveSearch::<S> {
                    checker,
                    spec: spec.clone(),
                    max_states: request.exhaustive.max_states,
                    found: None,
                    replay: None,
                }),
                problems,
            )
        }
    }
}

struct SweepSearch<S: Scene> {
    sweep: Sweep<S>,
    names: Vec<String>,
}

impl<S: Scene> SweepSearch<S> {
    fn found(&self) -> Option<Found> {
        self.sweep.found().map(|f| Found {
            invariant_name: self.names.get(f.invariant).cloned().unwrap_or_default(),
            message: f.message.clone(),
            spec: Some(f.spec.clone()),
            path_steps: None,
        })
    }
}

impl<S: Scene> Search for SweepSearch<S> {
    fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Status {
        self.sweep.run_for(clock, budget_ms);
        self.status()
    }

    fn status(&self) -> Status {
        let p = self.sweep.progress();
        Status {
            message: p.message(),
            fraction: match p.phase {
                SweepPhase::Done => 1.0,
                _ => p.runs_done as f64 / p.runs_total.max(1) as f64,
            },
            rate: p.runs_per_second(),
            distinct: None,
            depth: None,
            done: p.phase == SweepPhase::Done,
            complete: false,
            found: self.found(),
        }
    }
}

struct ExhaustiveSearch<S: Scene> {
    checker: Checker<SceneModel<S>>,
    spec: RunSpec,
    max_states: u64,
    found: Option<Found>,
    /// The sweep looking for a timeline run with the path's faults.
    replay: Option<SweepSearch<S>>,
}

impl<S: Scene> ExhaustiveSearch<S> {
    /// After a violation: keep the path's facts and start the sweep that looks for a
    /// timeline run with the same faults breaking the same property.
    fn on_violation(&mut self) {
        let Some(path) = self.checker.counterexample() else {
            return;
        };
        let model = self.checker.model();
        let last = path.states.last();
        let message = last
            .and_then(|s| model.violation_message(s))
            .unwrap_or_default();
        let count =
            |f: fn(&SceneAction) -> bool| path.actions.iter().filter(|a| f(a)).count() as u32;
        let crashes = count(|a| matches!(a, SceneAction::Crash(_)));
        let losses = count(|a| matches!(a, SceneAction::Choice(Choice::Lose(_))));
        let bounds = SweepBounds {
            runs: 2_000,
            crashes,
            pauses: 0,
            cuts: 0,
            drops: losses,
            ..SweepBounds::default()
        };
        let (sweep, _) = Sweep::<S>::from_spec(&self.spec, bounds);
        let names = sweep.invariant_names();
        self.replay = Some(SweepSearch {
            sweep: sweep.watching(Some(path.property)),
            names,
        });
        self.found = Some(Found {
            invariant_name: path.property_name.clone(),
            message,
            spec: None,
            path_steps: Some(path.actions.len()),
        });
    }
}

impl<S: Scene> Search for ExhaustiveSearch<S> {
    fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Status {
        if !self.checker.is_finished() {
            let progress = self.checker.run_for(clock, budget_ms);
            if let Some(Finish::Violation { .. }) = progress.finished {
                self.on_violation();
            }
        } else if let Some(replay) = &mut self.replay {
            replay.run_for(clock, budget_ms);
        }
        self.status()
    }

    fn status(&self) -> Status {
        let p = self.checker.progress();
        let names = self.checker.model().properties();
        let replay = self.replay.as_ref().map(|r| r.status());
        let mut found = self.found.clone();
        if let (Some(found), Some(replay)) = (&mut found, &replay) {
            found.spec = replay.found.as_ref().and_then(|f| f.spec.clone());
        }
        let mut message = p.message(&names);
        if let Some(replay) = &replay {
            message.push(' ');
            message.push_str(&match (&found, replay.done) {
                (Some(f), _) if f.spec.is_some() => {
                    "A timeline run with the same faults breaks it too: open it below.".to_string()
                }
                (_, false) => "Looking for a timeline run with the same faults...".to_string(),
                (_, true) => "No seeded timeline run with the same faults broke it; the path \
                              needs an order of deliveries the clock does not produce."
                    .to_string(),
            });
        }
        Status {
            message,
            fraction: if p.finished.is_some() {
                1.0
            } else {
                (p.distinct as f64 / self.max_states.max(1) as f64).min(1.0)
            },
            rate: p.states_per_second(),
            distinct: Some(p.distinct),
            depth: Some(p.depth),
            done: p.finished.is_some() && replay.as_ref().is_none_or(|r| r.done),
            complete: matches!(p.finished, Some(Finish::Exhausted | Finish::DepthBound(_))),
            found,
        }
    }
}
