//! The seed sweep's risky setups: on the locks as configured by default (Redis with AOF,
//! fencing on), the Explore panel's sweep also tries Redis without persistence and finds
//! the restart that loses the lock and its token counter (a stale write that fencing lets
//! in), as a link that opens that setup at the violating step; with the risky setups off,
//! the correct setup survives the same sweep.
use dsviz::explore::setups::risky_setups;
mod explore_common;
use dsviz::explore::{ExploreRequest, Mode, Status, SweepBounds};
use dsviz::scene::{build_scene, locks::Locks, two_pc::TwoPc, RunSpec, Scene, SceneId};
use explore_common::search_to_end;

/// Runs the panel's sweep on the scene's default setup, watching "no stale writes".
fn sweep<S: Scene>(bounds: SweepBounds) -> Status {
    let request = ExploreRequest {
        mode: Mode::Sweep,
        sweep: bounds,
        watch: Some("no stale writes".into()),
        ..ExploreRequest::default()
    };
    let spec = RunSpec::new(SceneId::of::<S>());
    search_to_end(&spec, &request)
}

#[test]
fn the_default_sweep_finds_the_lock_lost_on_a_restart_without_persistence() {
    let status = sweep::<Locks>(SweepBounds::default());
    let found = status
        .found
        .unwrap_or_else(|| panic!("nothing found: {}", status.message));
    assert_eq!(found.invariant_name, "no stale writes");
    assert_eq!(found.setup.as_deref(), Some("persist=none"), "{found:?}");
    assert!(
        found
            .setup_why
            .as_deref()
            .is_some_and(|why| why.contains("restart")),
        "{found:?}"
    );
    let link = found.spec.expect("a link");
    assert_eq!(link.params.get("persist").map(String::as_str), Some("none"));
    assert_eq!(link.params.get("fencing").map(String::as_str), Some("1"));
    assert!(
        link.actions.iter().any(|a| a.contains(":crash:")),
        "a crash (of the Redis machine) is part of it: {}",
        link.to_query()
    );
    let (mut spec, problems) = RunSpec::from_query(&link.to_query());
    assert!(problems.is_empty(), "{problems:?}");
    let built = build_scene::<Locks>(&mut spec);
    assert!(built.problems.is_empty(), "{:?}", built.problems);
    let sim = built.run.sim();
    let broken = sim.violations()[0]
        .as_ref()
        .expect("no stale writes is broken");
    assert_eq!(Some(broken.step), spec.step, "at the step the link opens");
}

#[test]
fn with_the_risky_setups_off_the_correct_locks_survive_the_same_sweep() {
    let bounds = SweepBounds {
        setups: false,
        ..SweepBounds::default()
    };
    let status = sweep::<Locks>(bounds);
    assert!(status.found.is_none(), "{:?}", status.found);
    assert!(
        status
            .message
            .contains(&format!("No violation in {} runs", bounds.runs)),
        "{}",
        status.message
    );
}

#[test]
fn only_the_locks_list_a_risky_setup_and_a_flag_in_a_link_turns_them_off() {
    let with: Vec<String> = SceneId::all()
        .filter(|s| !risky_setups(*s).is_empty())
        .map(|s| format!("{}: {}", s.slug(), risky_setups(s)[0].label()))
        .collect();
    assert_eq!(with, ["locks: persist=none"]);
    assert!(risky_setups(SceneId::of::<TwoPc>()).is_empty());
    let mut params = dsviz::scene::Params::new();
    params.insert("ex_setups".into(), "0".into());
    let (bounds, problems) = SweepBounds::read(&params);
    assert!(problems.is_empty() && !bounds.setups, "{problems:?}");
    assert!(SweepBounds::default().setups, "on by default");
}
