//! A scene's tour placed in its runs: each stop becomes an ordinary link (a scenario at a
//! step), so that Next, Back and a shared tour link all open the same state, and "Back"
//! is plain time travel.
use super::spec::DEFAULT_SEED;
use super::teaching::{At, Focus};
use super::{build_scene, scenario_spec_of, RunSpec, Scene, SceneRun, LOOKAHEAD};
use crate::sim::run::Run;

/// How far past the previous stop a tour stop's condition is searched for.
pub const TOUR_SEARCH_STEPS: u64 = 200_000;

/// A tour stop at its place: what the tour bar says and the run it opens.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedStop {
    pub title: &'static str,
    pub caption: &'static str,
    /// The scenario's run at the stop's step.
    pub spec: RunSpec,
    /// Nodes the stage points at.
    pub highlights: Vec<u32>,
    /// What part of the stage the stop is about (a stage that scrolls opens on it).
    pub focus: Focus,
}

/// The tour of scene `S`, each stop placed in its scenario's run (seeded with the default
/// seed, so the stops are the same for everyone). A stop whose scenario is missing is left
/// out; a condition never met within [`TOUR_SEARCH_STEPS`] places the stop where the search
/// gave up (the scene's tests check that every stop is reached).
pub fn place_tour<S: Scene>() -> Vec<PlacedStop> {
    let mut placed = Vec::new();
    let mut current: Option<(&'static str, RunSpec, Box<SceneRun<S>>)> = None;
    let mut from = 0;
    for stop in S::tour() {
        if current.as_ref().map(|(id, ..)| *id) != Some(stop.scenario) {
            let Some(mut spec) = scenario_spec_of::<S>(stop.scenario, DEFAULT_SEED) else {
                continue;
            };
            let built = build_scene::<S>(&mut spec);
            current = Some((stop.scenario, spec, built.run));
            from = 0;
        }
        let Some((_, spec, run)) = current.as_mut() else {
            continue;
        };
        let step = match stop.at {
            At::Step(step) => step,
            At::When(holds) => first_step_where(run, from, holds).unwrap_or(from),
            At::End => end_step(run),
        };
        from = step;
        let mut at = spec.clone();
        at.step = Some(step).filter(|s| *s > 0);
        placed.push(PlacedStop {
            title: stop.title,
            caption: stop.caption,
            spec: at,
            highlights: stop.highlights.iter().map(|n| n.0).collect(),
            focus: stop.focus,
        });
    }
    placed
}

/// The first step at or after `from` whose state meets `holds`.
fn first_step_where<S: Scene>(
    run: &mut SceneRun<S>,
    from: u64,
    holds: fn(&crate::sim::Sim<S::Node>) -> bool,
) -> Option<u64> {
    for step in from..=from + TOUR_SEARCH_STEPS {
        if step > run.horizon() && run.extend(LOOKAHEAD) == 0 {
            return None;
        }
        run.seek(step);
        if holds(run.sim()) {
            return Some(step);
        }
    }
    None
}

/// Where the run comes to rest (or the search limit, for runs that never do).
fn end_step<S: Scene>(run: &mut SceneRun<S>) -> u64 {
    while !run.is_finished() && run.horizon() < TOUR_SEARCH_STEPS {
        if run.extend(LOOKAHEAD) == 0 {
            break;
        }
    }
    run.horizon()
}
