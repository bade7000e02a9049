//! Symmetry reduction on the kernel scenes (opt-in per protocol, `Protocol::symmetry`):
//! two-phase commit declares its participants interchangeable, the locks their clients.
//! With it on, the search counts fewer distinct states, still finds every broken variant
//! with a path as short (which still opens as a link replaying it), and finds nothing in
//! the correct protocol. Counts pinned both ways.
mod explore_common;
use dsviz::explore::{Checker, ExploreBounds, Finish, Model, Progress, SceneModel};
use dsviz::scene::{build_scene, locks::Locks, two_pc::TwoPc, Scene};
use explore_common::spec;

/// Searches; returns the progress, whether symmetry was in use, and the path's length
/// (after checking that the path opens as a link ending in the violation).
fn search<S: Scene>(
    params: &[(&str, &str)],
    bounds: ExploreBounds,
) -> (Progress, bool, Option<usize>) {
    let (model, problems) = SceneModel::<S>::from_spec(&spec::<S>(params), bounds);
    assert!(problems.is_empty(), "{problems:?}");
    let mut checker = Checker::new(model, bounds.checker_options());
    let progress = checker.run();
    let in_use = checker.symmetry_in_use();
    let path = checker.counterexample().map(|c| {
        let link = checker
            .model()
            .exact_run(&c.states, &c.actions)
            .expect("a link");
        let mut spec = link.clone();
        let built = build_scene::<S>(&mut spec);
        let sim = built.run.sim();
        assert_eq!(
            sim.state_fingerprint(),
            c.states.last().unwrap().sim.state_fingerprint(),
            "the link ends in the path's last state: {}",
            link.to_query()
        );
        assert!(
            sim.violations()[c.property].is_some(),
            "{}",
            link.to_query()
        );
        c.actions.len()
    });
    (progress, in_use, path)
}

fn bounds(depth: u32, symmetry: bool) -> ExploreBounds {
    ExploreBounds {
        max_depth: depth,
        max_states: 2_000_000,
        symmetry,
        ..ExploreBounds::default()
    }
}

/// Three participants, the correct protocol, runs of up to 10 steps: about 5.5 times
/// fewer states with the participants interchangeable (3! = 6 renamings at most).
#[test]
fn three_participants_count_fewer_states_with_symmetry_and_no_violation_either_way() {
    let params = [("variant", "correct"), ("n", "3")];
    let (with, used, path) = search::<TwoPc>(&params, bounds(10, true));
    assert!(used, "2PC declares its participants interchangeable");
    assert_eq!((with.finished, path), (Some(Finish::DepthBound(10)), None));
    let (without, used, path) = search::<TwoPc>(&params, bounds(10, false));
    assert!(!used);
    assert_eq!(
        (without.finished, path),
        (Some(Finish::DepthBound(10)), None)
    );
    assert_eq!(
        (with.distinct, without.distinct),
        (31_009, 171_626),
        "pinned"
    );
}

#[test]
fn with_symmetry_the_forgotten_vote_is_found_as_soon_among_half_the_states() {
    let params = [("variant", "forget-vote"), ("n", "2")];
    let (with, used, path) = search::<TwoPc>(&params, bounds(13, true));
    assert!(used);
    assert_eq!(with.finished, Some(Finish::Violation { property: 0 }));
    assert_eq!(path, Some(13), "as short as without symmetry");
    let (without, _, path) = search::<TwoPc>(&params, bounds(13, false));
    assert_eq!(path, Some(13));
    assert_eq!(
        (with.distinct, without.distinct),
        (45_050, 89_459),
        "pinned"
    );
}

#[test]
fn with_symmetry_send_before_log_is_still_found_in_seventeen_steps() {
    let params = [("variant", "send-before-log"), ("n", "2")];
    let (with, used, path) = search::<TwoPc>(&params, bounds(17, true));
    assert!(used);
    assert_eq!(with.finished, Some(Finish::Violation { property: 0 }));
    assert_eq!(path, Some(17));
    // 209_953 without (pinned in tests/explore_exhaustive.rs).
    assert_eq!(with.distinct, 106_653, "pinned");
}

/// The locks declare their clients interchangeable (issue 14; every kind is compared in
/// tests/explore_symmetry_locks.rs): the default setup, three clients, finds the same
/// double holder in 7 steps among half the states.
#[test]
fn the_default_locks_find_the_double_holder_as_soon_among_half_the_states_with_symmetry() {
    let lock_bounds = |symmetry| ExploreBounds {
        max_crashes: 0,
        max_restarts: 0,
        ..bounds(9, symmetry)
    };
    let (with, used, path_with) = search::<Locks>(&[], lock_bounds(true));
    assert!(used, "the locks declare their clients interchangeable");
    let (without, used, path_without) = search::<Locks>(&[], lock_bounds(false));
    assert!(!used);
    assert_eq!(with.finished, without.finished);
    assert_eq!(with.finished, Some(Finish::Violation { property: 1 }));
    // 9_798 without before the Redis model appended only writes that changed the data
    // (see tests/explore_exhaustive.rs).
    assert_eq!(
        (with.distinct, without.distinct, path_with),
        (4_921, 10_178, Some(7)),
        "pinned"
    );
    assert_eq!(path_without, Some(7));
    let (model, _) = SceneModel::<Locks>::from_spec(&spec::<Locks>(&[]), lock_bounds(true));
    assert_eq!(model.properties()[1], "single holder");
}
