//! # Explore: find a run that breaks a safety property
//!
//! The engine behind the Explore panel. Two ways to look for a violation:
//!
//! - **Exhaustive search** ([`checker`]): a breadth-first model checker over any
//!   [`Model`]. It visits every state reachable within the bounds, deduplicated by a
//!   64-bit fingerprint, and returns a shortest path to the first state that breaks a
//!   property. Models: the textbook two-phase commit ([`two_phase`]) and Paxos
//!   ([`paxos`]) as their TLA+ specifications describe them, and any kernel scene
//!   ([`scene_model`]), explored through the kernel's choices (deliver any message late,
//!   lose it, fire any timer, crash and restart nodes within bounds).
//! - **Seed sweep** ([`sweep`]): many seeded runs of the scene as it is configured, each
//!   with a random fault schedule; the first violation is shrunk (faults removed, pauses
//!   shortened, faults moved earlier) and returned as a [`crate::scene::RunSpec`], an
//!   ordinary link the app opens in its timeline. By default it also tries the scene's
//!   risky setups ([`setups`]: the locks without Redis persistence) after the configured one.
//!
//! Both run in slices (`step(n)`, or `run_for(clock, ms)` with the caller's clock) so that
//! a Web Worker or the page's main thread can drive them a few milliseconds at a time.
//! Nothing here reads a clock: the caller passes one in or measures around the calls.
//! Every bound a person types or a link carries is read by [`bounds`], capped, with a
//! message.
pub mod bounds;
pub mod checker;
pub mod driver;
pub mod fingerprints;
pub mod model;
pub mod paxos;
pub mod request;
pub mod scene_model;
pub mod schedule;
pub mod setups;
pub mod shrink;
pub mod sweep;
pub mod two_phase;
pub mod wire;

pub use bounds::{ExploreBounds, SweepBounds};
pub use checker::{Checker, CheckerOptions, Counterexample, Finish, Progress};
pub use driver::{explorable, Found, Search, Status};
pub use model::Model;
pub use paxos::Paxos;
pub use request::{ExploreRequest, Mode};
pub use scene_model::{PathStep, SceneAction, SceneModel, SceneState};
pub use sweep::{Sweep, SweepFound, SweepPhase, SweepProgress};
pub use two_phase::TwoPhase;

/// `count` per second, given the milliseconds it took by the caller's clock (0 when no
/// time was measured).
pub fn per_second(count: u64, elapsed_ms: f64) -> f64 {
    if elapsed_ms > 0.0 {
        count as f64 * 1000.0 / elapsed_ms
    } else {
        0.0
    }
}
