//! Helpers shared by the explore tests (`mod explore_common;` in each).
#![allow(dead_code)] // each test file uses some of them
use dsviz::explore::{driver, ExploreRequest, Status};
use dsviz::scene::{RunSpec, Scene, SceneId};

/// The run spec of scene `S` with these parameters.
pub fn spec<S: Scene>(params: &[(&str, &str)]) -> RunSpec {
    let mut spec = RunSpec::new(SceneId::of::<S>());
    for (k, v) in params {
        spec.params.insert(k.to_string(), v.to_string());
    }
    spec
}

/// Starts the panel's search for `spec` and runs it to its end, in slices, on a clock
/// that ticks one millisecond a call (so the run does not depend on the machine's speed).
pub fn search_to_end(spec: &RunSpec, request: &ExploreRequest) -> Status {
    let (mut search, problems) = driver::start(spec, request).expect("the scene is explorable");
    assert!(problems.is_empty(), "{problems:?}");
    let mut ticks = 0.0;
    let mut clock = move || {
        ticks += 1.0;
        ticks
    };
    let mut status = search.status();
    while !status.done {
        status = search.run_for(&mut clock, 50.0);
    }
    status
}
