//! How fast the explorer is, natively: `cargo run --release --example bench_explore`.
//!
//! - exhaustive search in distinct states per second, on the textbook TwoPhase model with
//!   5 (and 7) resource managers and on the two-phase-commit scene model;
//! - the same TwoPhase model checked by Stateright (a dev-dependency used only here), on one
//!   thread, breadth first: the same count, and our speed as a ratio. Stateright runs our
//!   very model (its state is our packed `u64`) through a thin adapter, so the two checkers
//!   are compared, not two ways of writing the state;
//! - seed-sweep runs per second on 2PC and the locks;
//! - how much shrinking shortens counterexamples, over 100 sweeps.
#![allow(clippy::disallowed_methods)] // a benchmark reads the wall clock; the library never does
use dsviz::explore::two_phase::{TwoPhaseAction, TwoPhaseState};
use dsviz::explore::{
    Checker, CheckerOptions, ExploreBounds, Model, SceneModel, Sweep, SweepBounds, TwoPhase,
};
use dsviz::scene::{locks::Locks, two_pc::TwoPc, RunSpec, Scene, SceneId};
use std::time::Instant;

/// Our checker: distinct states and seconds, best of `repeats`.
fn ours<M: Model>(make: impl Fn() -> M, repeats: u32) -> (u64, f64) {
    let mut best = f64::MAX;
    let mut distinct = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        let progress = Checker::new(make(), CheckerOptions::default()).run();
        best = best.min(start.elapsed().as_secs_f64());
        distinct = progress.distinct;
    }
    (distinct, best)
}

/// TwoPhase for Stateright.
struct ForStateright(TwoPhase);

impl stateright::Model for ForStateright {
    type State = TwoPhaseState;
    type Action = TwoPhaseAction;

    fn init_states(&self) -> Vec<TwoPhaseState> {
        Model::init_states(&self.0)
    }

    fn actions(&self, state: &TwoPhaseState, actions: &mut Vec<TwoPhaseAction>) {
        Model::actions(&self.0, state, actions)
    }

    fn next_state(&self, state: &TwoPhaseState, action: TwoPhaseAction) -> Option<TwoPhaseState> {
        Model::next_state(&self.0, state, &action)
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        vec![stateright::Property::always(
            "TCConsistent",
            |model: &ForStateright, state: &TwoPhaseState| model.0.violated(state).is_none(),
        )]
    }
}

fn stateright(rms: u32, repeats: u32) -> (u64, f64) {
    use stateright::{Checker as _, Model as _};
    let mut best = f64::MAX;
    let mut distinct = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        let checker = ForStateright(TwoPhase::new(rms))
            .checker()
            .threads(1)
            .spawn_bfs()
            .join();
        best = best.min(start.elapsed().as_secs_f64());
        distinct = checker.unique_state_count() as u64;
    }
    (distinct, best)
}

fn spec<S: Scene>(params: &[(&str, &str)]) -> RunSpec {
    let mut spec = RunSpec::new(SceneId::of::<S>());
    for (k, v) in params {
        spec.params.insert(k.to_string(), v.to_string());
    }
    spec
}

fn sweep_rate<S: Scene>(params: &[(&str, &str)]) -> (u64, f64, bool) {
    let (mut sweep, _) = Sweep::<S>::from_spec(&spec::<S>(params), SweepBounds::default());
    let start = Instant::now();
    let progress = sweep.run();
    let runs = progress.runs_done + progress.shrink_tries;
    (runs, start.elapsed().as_secs_f64(), sweep.found().is_some())
}

fn main() {
    println!("Exhaustive search, one thread, breadth first:");
    for rms in [5, 7] {
        let repeats = if rms == 5 { 50 } else { 3 };
        let (n, t) = ours(|| TwoPhase::new(rms), repeats);
        let (sn, st) = stateright(rms, repeats);
        println!(
            "  TwoPhase {rms} RMs: ours {n} states in {:.2} ms = {:.2} M states/s; Stateright \
             {sn} states in {:.2} ms = {:.2} M states/s; ours / Stateright = {:.1}x",
            t * 1e3,
            n as f64 / t / 1e6,
            st * 1e3,
            sn as f64 / st / 1e6,
            st / t
        );
        let start = Instant::now();
        let options = CheckerOptions {
            symmetry: true,
            ..CheckerOptions::default()
        };
        let p = Checker::new(TwoPhase::new(rms), options).run();
        println!(
            "    with symmetry reduction: {} states in {:.2} ms",
            p.distinct,
            start.elapsed().as_secs_f64() * 1e3
        );
    }

    let bounds = ExploreBounds {
        max_depth: 17,
        max_states: 2_000_000,
        ..ExploreBounds::default()
    };
    let (model, _) = SceneModel::<TwoPc>::from_spec(
        &spec::<TwoPc>(&[("variant", "correct"), ("n", "2")]),
        bounds,
    );
    let start = Instant::now();
    let p = Checker::new(model, bounds.checker_options()).run();
    let t = start.elapsed().as_secs_f64();
    println!(
        "  2PC scene model (2 participants, 1 crash, 1 restart, 17 steps): {} states in {:.2} s \
         = {:.0} states/s",
        p.distinct,
        t,
        p.distinct as f64 / t
    );

    println!("Seed sweep (default bounds, 1000 seeds, shrink tries counted as runs):");
    for (name, runs, t, found) in [
        (
            "2PC correct",
            sweep_rate::<TwoPc>(&[("variant", "correct")]),
        ),
        (
            "locks, lease with fencing",
            sweep_rate::<Locks>(&[("fencing", "1")]),
        ),
        (
            "locks, queue lock",
            sweep_rate::<Locks>(&[("kind", "queue")]),
        ),
    ]
    .map(|(name, (runs, t, found))| (name, runs, t, found))
    {
        println!(
            "  {name}: {runs} runs in {:.2} s = {:.0} runs/s (violation found: {found})",
            t,
            runs as f64 / t
        );
    }

    println!(
        "Shrinking, over 100 sweeps of broken 2PC (send-before-log), first seeds 0, 1000, ...:"
    );
    let (mut sweeps, mut before_actions, mut after_actions) = (0, 0, 0);
    let (mut before_steps, mut after_steps) = (0, 0);
    for k in 0..100u64 {
        let bounds = SweepBounds {
            first_seed: k * 1000,
            ..SweepBounds::default()
        };
        let (mut sweep, _) =
            Sweep::<TwoPc>::from_spec(&spec::<TwoPc>(&[("variant", "send-before-log")]), bounds);
        sweep.run();
        if let Some(found) = sweep.found() {
            sweeps += 1;
            before_actions += found.found_actions.len();
            after_actions += found.spec.actions.len();
            before_steps += found.found_step;
            after_steps += found.step;
        }
    }
    println!(
        "  {sweeps} of 100 found a violation; faults per counterexample {:.2} -> {:.2}; \
         violating step {:.1} -> {:.1}",
        before_actions as f64 / sweeps.max(1) as f64,
        after_actions as f64 / sweeps.max(1) as f64,
        before_steps as f64 / sweeps.max(1) as f64,
        after_steps as f64 / sweeps.max(1) as f64,
    );
}
