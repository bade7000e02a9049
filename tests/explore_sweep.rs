//! The seed sweep on the kernel scenes: it finds every broken variant of two-phase commit
//! and of the locks within the default bounds, finds none for the correct protocols, and
//! its shrunk schedule opens as a link at a step where the same invariant is broken.
mod explore_common;
use dsviz::explore::{Sweep, SweepBounds, SweepFound};
use dsviz::scene::{build_scene, locks::Locks, two_pc::TwoPc, RunSpec, Scene};
use explore_common::spec;

/// A sweep with the default bounds, looking for `watch` (by name) or any violation.
fn sweep<S: Scene>(params: &[(&str, &str)], watch: Option<&str>) -> (Option<SweepFound>, u64) {
    let (sweep, problems) = Sweep::<S>::from_spec(&spec::<S>(params), SweepBounds::default());
    assert!(problems.is_empty(), "{problems:?}");
    let names = sweep.invariant_names();
    let watch = watch.map(|w| names.iter().position(|n| n == w).expect("the scene has it"));
    let mut sweep = sweep.watching(watch);
    let progress = sweep.run();
    (sweep.found().cloned(), progress.runs_done)
}

/// Opens the found link as the app does and checks that it shows the violation.
fn assert_link_shows_violation<S: Scene>(found: &SweepFound) {
    let (mut spec, problems) = RunSpec::from_query(&found.spec.to_query());
    assert!(problems.is_empty(), "{problems:?}");
    let built = build_scene::<S>(&mut spec);
    assert!(built.problems.is_empty(), "{:?}", built.problems);
    assert_eq!(
        spec.step,
        Some(found.step),
        "the link opens at the violating step"
    );
    let violation = built.run.sim().violations()[found.invariant].clone();
    let violation = violation.unwrap_or_else(|| {
        panic!(
            "{} is not broken at step {} of {}",
            found.invariant_name,
            found.step,
            found.spec.to_query()
        )
    });
    assert_eq!(violation.step, found.step);
}

#[test]
fn sweep_finds_both_broken_two_phase_commits_and_their_links_replay() {
    for variant in ["send-before-log", "forget-vote"] {
        let (found, runs) = sweep::<TwoPc>(&[("variant", variant)], None);
        let found = found.unwrap_or_else(|| panic!("{variant}: none in {runs} runs"));
        assert_eq!(found.invariant_name, "atomicity", "{variant}");
        assert!(
            found.spec.actions.len() <= found.found_actions.len(),
            "{variant}: shrinking never adds faults"
        );
        assert_link_shows_violation::<TwoPc>(&found);
    }
}

#[test]
fn sweep_finds_no_violation_in_correct_two_phase_commit() {
    let (found, runs) = sweep::<TwoPc>(&[("variant", "correct")], None);
    assert!(found.is_none(), "{found:?}");
    assert_eq!(runs, SweepBounds::default().runs);
}

#[test]
fn sweep_finds_stale_writes_without_fencing_and_none_with_it() {
    let (found, runs) = sweep::<Locks>(&[("fencing", "0")], Some("no stale writes"));
    let found = found.unwrap_or_else(|| panic!("none in {runs} runs"));
    assert_eq!(found.invariant_name, "no stale writes");
    assert_link_shows_violation::<Locks>(&found);

    let (found, runs) = sweep::<Locks>(&[("fencing", "1")], Some("no stale writes"));
    assert!(found.is_none(), "{found:?}");
    assert_eq!(runs, SweepBounds::default().runs);
}

/// "Single holder" fails under pauses even with fencing (the scene says so): the sweep
/// shows it when asked for any violation.
#[test]
fn sweep_shows_two_believed_holders_even_with_fencing() {
    let (found, runs) = sweep::<Locks>(&[("fencing", "1")], None);
    let found = found.unwrap_or_else(|| panic!("none in {runs} runs"));
    assert_eq!(found.invariant_name, "single holder");
    assert_link_shows_violation::<Locks>(&found);
}

/// Over many first seeds, every shrunk schedule still breaks the same invariant when
/// opened as a link, and is never longer than the schedule first found.
#[test]
fn shrinking_keeps_the_violation_over_many_sweeps() {
    let (mut shortened, mut found_count) = (0, 0);
    for first_seed in 0..30u64 {
        for variant in ["send-before-log", "forget-vote"] {
            let bounds = SweepBounds {
                first_seed: first_seed * 1000,
                ..SweepBounds::default()
            };
            let mut params = spec::<TwoPc>(&[("variant", variant)]);
            params.seed = 0;
            let (mut sweep, _) = Sweep::<TwoPc>::from_spec(&params, bounds);
            sweep.run();
            let Some(found) = sweep.found().cloned() else {
                println!("{variant} from seed {}: none", bounds.first_seed);
                continue;
            };
            found_count += 1;
            assert!(
                found.spec.actions.len() <= found.found_actions.len(),
                "{variant} from seed {}",
                bounds.first_seed
            );
            shortened += usize::from(found.spec.actions.len() < found.found_actions.len());
            assert_link_shows_violation::<TwoPc>(&found);
        }
    }
    assert!(found_count >= 50, "found in {found_count} sweeps of 60");
    assert!(shortened > 0, "shrinking removed a fault at least once");
}

/// The same bounds give the same result, run after run.
#[test]
fn sweep_results_are_pinned() {
    let (a, _) = sweep::<TwoPc>(&[("variant", "send-before-log")], None);
    let (b, _) = sweep::<TwoPc>(&[("variant", "send-before-log")], None);
    assert_eq!(a, b);
    let a = a.expect("found");
    println!("pinned: {} {:?}", a.spec.to_query(), a.found_actions);
    assert_eq!(a.seed, 127, "{}", a.spec.to_query());
    assert_eq!(a.spec.actions.len(), 4, "{}", a.spec.to_query());
}
