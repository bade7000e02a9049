//! Helpers shared by the ring scene's tests (`mod ring_common;` in each).
#![allow(dead_code)] // each test file uses some of them
use dsviz::algo::ring_cluster::RingNode;
use dsviz::scene::ring::Ring;
use dsviz::scene::{self, RunSpec, SceneRun};
use dsviz::sim::run::Run;

/// The ring run a link opens, computed 1,000 steps ahead (a ring run is short: its end).
/// The link must be a good one.
pub fn ring_run(query: &str) -> SceneRun<Ring> {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = scene::build_scene::<Ring>(&mut spec).run;
    run.extend(1000);
    *run
}

/// [`ring_run`], moved to its end.
pub fn ring_run_at_end(query: &str) -> SceneRun<Ring> {
    let mut run = ring_run(query);
    let end = run.horizon();
    run.seek(end);
    run
}

/// The ring cluster at the end of the run a link opens.
pub fn cluster(query: &str) -> RingNode {
    ring_run_at_end(query).view().0
}
