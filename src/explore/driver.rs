//! One search behind one interface, whatever the scene: what the panel (or a worker)
//! drives a few milliseconds at a time, and reads back as plain data.
//!
//! An exhaustive search finds the shortest path of choices (deliver this message now, lose
//! that one, fire that timer, crash this node) to a violation. Each choice has a link form
//! (`deliver:`, `lose:`, `fire:`, `crash:`, `restart:`), so the driver offers the path
//! itself as the link to open, after checking that the link, opened as the app opens it,
//! reaches the path's last state with the property broken.
use super::checker::{Checker, Finish, Progress};
use super::model::Model;
use super::request::{ExploreRequest, Mode};
use super::scene_model::SceneModel;
use super::setups::{risky_setups, Setup};
use super::sweep::{Sweep, SweepPhase, SweepProgress};
use crate::scene::{read_config, RunSpec, Scene, SceneId};
use crate::sim::Line;

/// A violation found, ready to open.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub invariant_name: String,
    /// What is wrong: English through `Display`, the page's language through
    /// `crate::i18n::line` (the worker sends it typed: see `wire`).
    pub message: Line,
    /// The run as a link, at the violating step (for an exhaustive search, the shortest
    /// path itself); `None` only if a link cannot carry the scene's setup.
    pub spec: Option<RunSpec>,
    /// Steps of the shortest path (exhaustive search only): the explorer's choices, which
    /// the link applies after the run's start steps (so the timeline opens at
    /// `spec.step`, that many steps after the nodes started).
    pub path_steps: Option<usize>,
    /// The risky setup the sweep found it in (its link form, `persist=none`), and why
    /// that setup is worth a sweep; `None` when found in the setup as configured.
    pub setup: Option<String>,
    pub setup_why: Option<String>,
}

/// What a search is doing, or why it ended: the facts the panel puts in words, in the
/// reader's language ([`Status::message`] says the same in English, for logs and tests).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Stage {
    /// Nothing searched yet.
    #[default]
    Idle,
    /// An exhaustive search under way: states found but not yet expanded.
    Searching { frontier: u64 },
    /// Every reachable state was checked: complete, no violation.
    Exhausted,
    /// Every state reachable in at most this many steps was checked: complete within the
    /// depth bound, no violation.
    DepthBound(u32),
    /// Stopped at the first violation found (breadth first: along a shortest path).
    Violation,
    /// Stopped at the state budget (this many states) with no violation: not complete.
    Budget(u64),
    /// A seed sweep under way: runs done of the runs asked for, in the setup swept now.
    Seeds { done: u64, total: u64 },
    /// The sweep found a violation in run `run` and is shrinking it.
    Shrinking { run: u64, tries: u64 },
    /// The sweep stopped at its first violation, found in run `run` of `total` and
    /// shrunk in `tries` replays.
    Shrunk { run: u64, total: u64, tries: u64 },
    /// The sweep ran all its runs and none broke a property: `runs` of the setup as
    /// configured, as many of each risky setup in `setups` (their link forms).
    Clean { runs: u64, setups: Vec<String> },
}

/// Whether an exhaustive search merges states that differ only by renaming nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SymmetryUse {
    /// Not asked for (or a sweep).
    #[default]
    NotAsked,
    On,
    /// Asked for, but too many interchangeable nodes to try every renaming.
    TooLarge,
    /// Asked for, but the scene declares no interchangeable nodes.
    NotOffered,
}

/// Where a search stands, as the panel shows it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Status {
    /// The same as `stage` and the rest, in English (logs, tests).
    pub message: String,
    pub stage: Stage,
    /// 0 to 1 (runs done of the runs asked for; states found of the state budget).
    pub fraction: f64,
    /// Runs per second (sweep) or distinct states per second (exhaustive).
    pub rate: f64,
    pub distinct: Option<u64>,
    pub depth: Option<u32>,
    pub done: bool,
    /// The search covered everything within its bounds (exhaustive search only).
    pub complete: bool,
    pub symmetry: SymmetryUse,
    /// The risky setup the sweep is sweeping now (its link form), if not the configured.
    pub setup: Option<String>,
    pub found: Option<Found>,
    /// The path found cannot be opened as a link (a guard: see `ExhaustiveSearch`).
    pub link_problem: bool,
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
            let (search, problems) = SweepSearch::<S>::new(spec, request);
            (Box::new(search), problems)
        }
        Mode::Exhaustive => {
            let (model, mut problems) = SceneModel::<S>::from_spec(spec, request.exhaustive);
            let (watch, problem) = request.watch_index(&model.properties());
            problems.extend(problem);
            let checker = Checker::new(model.watching(watch), request.exhaustive.checker_options());
            (
                Box::new(ExhaustiveSearch::<S> {
                    checker,
                    max_states: request.exhaustive.max_states,
                    found: None,
                    link_problem: None,
                    symmetry_asked: request.exhaustive.symmetry,
                }),
                problems,
            )
        }
    }
}

/// A seed sweep of the configured setup, then of each of the scene's risky setups that
/// differs from it (when the bounds ask for them), until one finds a violation.
struct SweepSearch<S: Scene> {
    /// The sweeps in order, each with the risky setup it sweeps (`None`: as configured).
    sweeps: Vec<(Option<&'static Setup>, Sweep<S>)>,
    /// The sweep running now.
    current: usize,
    names: Vec<String>,
}

impl<S: Scene> SweepSearch<S> {
    fn new(spec: &RunSpec, request: &ExploreRequest) -> (Self, Vec<String>) {
        let (sweep, mut problems) = Sweep::<S>::from_spec(spec, request.sweep);
        let names = sweep.invariant_names();
        let (watch, problem) = request.watch_index(&names);
        problems.extend(problem);
        let mut sweeps = vec![(None, sweep.watching(watch))];
        if request.sweep.setups {
            let mut configured = spec.params.clone();
            let (config, net, _) = read_config::<S>(&mut configured);
            for setup in risky_setups(spec.scene) {
                let mut params = setup.applied_to(&spec.params);
                let (risky, risky_net, trouble) = read_config::<S>(&mut params);
                if !trouble.is_empty() || (risky == config && risky_net == net) {
                    continue;
                }
                let sweep = Sweep::<S>::new(risky, risky_net, request.sweep);
                sweeps.push((Some(setup), sweep.watching(watch)));
            }
        }
        let search = SweepSearch {
            sweeps,
            current: 0,
            names,
        };
        (search, problems)
    }

    fn found(&self) -> Option<Found> {
        let (setup, sweep) = self.sweeps.get(self.current)?;
        sweep.found().map(|f| Found {
            invariant_name: self.names.get(f.invariant).cloned().unwrap_or_default(),
            message: f.message.clone(),
            spec: Some(f.spec.clone()),
            path_steps: None,
            setup: setup.map(Setup::label),
            setup_why: setup.map(|s| s.why.to_string()),
        })
    }

    fn done(&self) -> bool {
        self.sweeps.get(self.current).is_none_or(|(_, sweep)| {
            sweep.is_done() && (sweep.found().is_some() || self.current + 1 == self.sweeps.len())
        })
    }
}

impl<S: Scene> Search for SweepSearch<S> {
    fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Status {
        if let Some((_, sweep)) = self.sweeps.get_mut(self.current) {
            sweep.run_for(clock, budget_ms);
            if sweep.is_done() && sweep.found().is_none() && self.current + 1 < self.sweeps.len() {
                self.current += 1;
            }
        }
        self.status()
    }

    fn status(&self) -> Status {
        let sweeps: Vec<(Option<&'static Setup>, SweepProgress)> = self
            .sweeps
            .iter()
            .map(|(setup, sweep)| (*setup, sweep.progress()))
            .collect();
        sweep_status(&sweeps, self.current, self.done(), self.found())
    }
}

/// A sweep's status from the progress of each of its sweeps (`current` the one running):
/// the same for every scene, so compiled once rather than for each.
fn sweep_status(
    sweeps: &[(Option<&'static Setup>, SweepProgress)],
    current: usize,
    done: bool,
    found: Option<Found>,
) -> Status {
    let Some((setup, p)) = sweeps.get(current) else {
        return Status::default();
    };
    let before: u64 = sweeps[..current].iter().map(|(_, p)| p.runs_done).sum();
    let total: u64 = sweeps.iter().map(|(_, p)| p.runs_total).sum();
    let mut message = p.message();
    if let Some(setup) = setup {
        message = format!("With {}: {message}", setup.label());
    }
    let tried: Vec<String> = sweeps[1..]
        .iter()
        .filter_map(|(s, _)| s.map(Setup::label))
        .collect();
    let configured_runs = sweeps[0].1.runs_done;
    if done && found.is_none() && !tried.is_empty() {
        message = format!(
            "No violation in {configured_runs} runs of the setup as configured, nor with {}.",
            tried.join(" or ")
        );
    }
    let stage = match p.phase {
        _ if done && found.is_none() => Stage::Clean {
            runs: configured_runs,
            setups: tried,
        },
        SweepPhase::Searching => Stage::Seeds {
            done: p.runs_done,
            total: p.runs_total,
        },
        SweepPhase::Shrinking => Stage::Shrinking {
            run: p.runs_done,
            tries: p.shrink_tries,
        },
        SweepPhase::Done => Stage::Shrunk {
            run: p.runs_done,
            total: p.runs_total,
            tries: p.shrink_tries,
        },
    };
    Status {
        message,
        stage,
        fraction: if done {
            1.0
        } else {
            (before + p.runs_done) as f64 / total.max(1) as f64
        },
        rate: p.runs_per_second(),
        distinct: None,
        depth: None,
        done,
        complete: false,
        symmetry: SymmetryUse::NotAsked,
        setup: setup.map(Setup::label),
        found,
        link_problem: false,
    }
}

struct ExhaustiveSearch<S: Scene> {
    checker: Checker<SceneModel<S>>,
    max_states: u64,
    found: Option<Found>,
    /// The request asked for symmetry reduction.
    symmetry_asked: bool,
    /// Why the path found cannot be opened as a link (it never happens for the scenes
    /// the registry lists; a guard, said on the panel rather than a wrong run opened).
    link_problem: Option<String>,
}

impl<S: Scene> ExhaustiveSearch<S> {
    /// After a violation: the path as a link that replays it exactly, checked by opening
    /// it as the app will.
    fn on_violation(&mut self) {
        let Some(path) = self.checker.counterexample() else {
            return;
        };
        let model = self.checker.model();
        let last = path.states.last();
        let message = last
            .and_then(|s| model.violation_message(s))
            .unwrap_or_else(|| Line::value(""));
        let spec = model.exact_run(&path.states, &path.actions);
        let replayed = spec.as_ref().is_some_and(|spec| {
            let want = last.map(|s| s.sim.state_fingerprint());
            replays_to::<S>(spec, path.property, want)
        });
        self.link_problem = (!replayed).then(|| {
            "This path cannot be opened as a link: the scene's setup is not one a link \
             carries."
                .to_string()
        });
        self.found = Some(Found {
            invariant_name: path.property_name.clone(),
            message,
            spec: spec.filter(|_| replayed),
            path_steps: Some(path.actions.len()),
            setup: None,
            setup_why: None,
        });
    }
}

/// Whether the link opens at a step where invariant `property` is broken and the world is
/// in the state `want` (by [`crate::sim::Sim::state_fingerprint`]).
fn replays_to<S: Scene>(spec: &RunSpec, property: usize, want: Option<u128>) -> bool {
    let mut spec = spec.clone();
    let built = crate::scene::build_scene::<S>(&mut spec);
    let sim = built.run.sim();
    built.problems.is_empty()
        && spec.step == Some(sim.step_count())
        && sim.violations().get(property).is_some_and(Option::is_some)
        && Some(sim.state_fingerprint()) == want
}

impl<S: Scene> Search for ExhaustiveSearch<S> {
    fn run_for(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Status {
        if !self.checker.is_finished() {
            let progress = self.checker.run_for(clock, budget_ms);
            if let Some(Finish::Violation { .. }) = progress.finished {
                self.on_violation();
            }
        }
        self.status()
    }

    fn status(&self) -> Status {
        let model = self.checker.model();
        let symmetry = if self.checker.symmetry_in_use() {
            SymmetryUse::On
        } else if !self.symmetry_asked {
            SymmetryUse::NotAsked
        } else if model.symmetry_too_large() {
            SymmetryUse::TooLarge
        } else {
            SymmetryUse::NotOffered
        };
        let search = ExhaustiveState {
            progress: self.checker.progress(),
            names: model.properties(),
            symmetry,
            max_states: self.max_states,
            found: self.found.clone(),
            link_problem: self.link_problem.as_deref(),
        };
        exhaustive_status(search)
    }
}

/// What an exhaustive search's status is made of, whatever the scene.
struct ExhaustiveState<'a> {
    progress: Progress,
    names: Vec<String>,
    symmetry: SymmetryUse,
    max_states: u64,
    found: Option<Found>,
    link_problem: Option<&'a str>,
}

/// An exhaustive search's status: the same for every scene, so compiled once.
fn exhaustive_status(search: ExhaustiveState<'_>) -> Status {
    let p = &search.progress;
    let mut message = p.message(&search.names);
    message.push_str(match search.symmetry {
        SymmetryUse::On => {
            " Symmetry reduction is on: worlds that differ only by swapping interchangeable \
             nodes count as one state."
        }
        SymmetryUse::TooLarge => {
            " Symmetry reduction is off: too many interchangeable nodes to try every renaming."
        }
        SymmetryUse::NotOffered => " This scene offers no symmetry reduction.",
        SymmetryUse::NotAsked => "",
    });
    if let Some(found) = &search.found {
        message.push(' ');
        match (&found.spec, search.link_problem) {
            (Some(_), _) => message
                .push_str("Open it below: the timeline replays this exact path, step by step."),
            (None, Some(problem)) => message.push_str(problem),
            (None, None) => {}
        }
    }
    let stage = match p.finished {
        None => Stage::Searching {
            frontier: p.frontier as u64,
        },
        Some(Finish::Exhausted) => Stage::Exhausted,
        Some(Finish::DepthBound(d)) => Stage::DepthBound(d),
        Some(Finish::Violation { .. }) => Stage::Violation,
        Some(Finish::Budget(max)) => Stage::Budget(max),
    };
    Status {
        message,
        stage,
        fraction: if p.finished.is_some() {
            1.0
        } else {
            (p.distinct as f64 / search.max_states.max(1) as f64).min(1.0)
        },
        rate: p.states_per_second(),
        distinct: Some(p.distinct),
        depth: Some(p.depth),
        done: p.finished.is_some(),
        complete: matches!(p.finished, Some(Finish::Exhausted | Finish::DepthBound(_))),
        symmetry: search.symmetry,
        setup: None,
        found: search.found,
        link_problem: search.link_problem.is_some(),
    }
}
