//! Symmetry reduction on the locks scene (issue 14): its clients are interchangeable in
//! every variant (see `algo::locks::symmetry`).
//!
//! Two things are checked. The renaming is sound: renaming a world by a permutation of the
//! clients and then by its inverse gives the world back, and a renamed run is a run (the
//! same steps taken with the clients swapped lead, step by step, to the renamed worlds,
//! with the same invariant verdicts). And the search with symmetry on gives the verdict
//! and the shortest path it gives without, among fewer states, for every lock kind.
mod explore_common;
use dsviz::algo::locks::{new_sim, LockKind, LockNode, LocksConfig};
use dsviz::explore::{Checker, ExploreBounds, Finish, Progress, SceneModel};
use dsviz::scene::{build_scene, locks::Locks};
use dsviz::sim::kernel::symmetry::renamings;
use dsviz::sim::protocol::{Renaming, Symmetry};
use dsviz::sim::{Action, Choice, NodeId, NodeStatus, Protocol, Sim, SimRng, Time};
use explore_common::spec;

fn symmetry_of(sim: &Sim<LockNode>) -> Symmetry<LockNode> {
    let nodes: Vec<&LockNode> = sim.nodes().iter().map(|(_, n, _)| n).collect();
    LockNode::symmetry(&nodes).expect("the locks declare their clients interchangeable")
}

fn inverse(r: &Renaming, node_count: u32) -> Renaming {
    let mut to = vec![NodeId(0); node_count as usize];
    for i in 0..node_count {
        to[r.of(NodeId(i)).index()] = NodeId(i);
    }
    Renaming::new(to)
}

fn config(kind: LockKind, clients: u32) -> LocksConfig {
    LocksConfig {
        kind,
        clients,
        fencing: false,
        rounds: 2,
        // No thinking: every client's first "think" timer is due at 0, so that a run with
        // the clients swapped is due at the very same times (see the renamed run below).
        think: Time::ZERO,
        ..LocksConfig::default()
    }
}

/// One random step: a kernel choice, or now and then a crash or a restart.
fn random_step(sim: &Sim<LockNode>, rng: &mut SimRng) -> Option<Step> {
    if rng.chance(0.03) {
        let node = NodeId(rng.below(sim.nodes().len() as u64) as u32);
        return Some(match sim.status(node) {
            Some(NodeStatus::Crashed) => Step::Restart(node),
            _ => Step::Crash(node),
        });
    }
    let choices = sim.choices();
    if choices.is_empty() {
        return None;
    }
    // Losses are rarer than deliveries, so that runs get somewhere.
    let choice = choices[rng.below(choices.len() as u64) as usize];
    if matches!(choice, Choice::Lose(_)) && !rng.chance(0.2) {
        return choices
            .iter()
            .find(|c| !matches!(c, Choice::Lose(_)))
            .map(|c| Step::Choice(*c));
    }
    Some(Step::Choice(choice))
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Choice(Choice),
    Crash(NodeId),
    Restart(NodeId),
}

fn take(sim: &mut Sim<LockNode>, step: Step) {
    match step {
        Step::Choice(c) => assert!(sim.choose(c, None), "{c:?} is a choice"),
        Step::Crash(n) => sim.apply(&Action::Crash(n), sim.now(), None),
        Step::Restart(n) => sim.apply(&Action::Restart(n), sim.now(), None),
    }
}

/// The same step in the world renamed by `r`: the message with the same id (messages are
/// numbered in the order they are sent, and the renamed run sends them in the same order),
/// which must go between the renamed nodes with the renamed body; the renamed timer of the
/// renamed node; the renamed node's crash or restart.
fn renamed_step(
    step: Step,
    r: &Renaming,
    sym: &Symmetry<LockNode>,
    a: &Sim<LockNode>,
    b: &Sim<LockNode>,
) -> Step {
    match step {
        Step::Choice(Choice::Deliver(id) | Choice::Lose(id)) => {
            let ma = a.in_flight().find(|m| m.id == id).expect("in flight");
            let mb = b
                .in_flight()
                .find(|m| m.id == id)
                .expect("the same message");
            assert_eq!(
                (r.of(ma.from), r.of(ma.to), (sym.msg)(&ma.msg, r)),
                (mb.from, mb.to, mb.msg.clone()),
                "message {id:?} of the renamed run is the renamed message"
            );
            step
        }
        Step::Choice(Choice::Fire { node, timer }) => {
            let t = a.timers_of(node).nth(timer as usize).expect("a timer");
            let renamed = (sym.timer)(t, r);
            let index = b
                .timers_of(r.of(node))
                .position(|u| *u == renamed)
                .unwrap_or_else(|| panic!("{:?} has {renamed:?} set", r.of(node)));
            Step::Choice(Choice::Fire {
                node: r.of(node),
                timer: index as u32,
            })
        }
        Step::Crash(n) => Step::Crash(r.of(n)),
        Step::Restart(n) => Step::Restart(r.of(n)),
    }
}

fn verdicts(sim: &Sim<LockNode>) -> Vec<bool> {
    sim.violations().iter().map(Option::is_some).collect()
}

#[test]
fn renaming_by_a_permutation_and_then_its_inverse_gives_every_world_back() {
    for kind in LockKind::ALL {
        let mut rng = SimRng::new(7);
        let mut sim = new_sim(11, &config(kind, 3));
        sim.start_all();
        let sym = symmetry_of(&sim);
        let n = sim.nodes().len() as u32;
        let all = renamings(n, &sym.classes).expect("3! renamings");
        assert_eq!(all.len(), 6, "{kind}: three clients, six renamings");
        let mut changed = 0;
        let mut timers_seen = 0;
        for _ in 0..150 {
            for r in &all {
                let back = inverse(r, n);
                for (id, node, _) in sim.nodes().iter() {
                    let renamed = (sym.state)(node, r);
                    changed += usize::from(renamed != *node);
                    assert_eq!((sym.state)(&renamed, &back), *node, "{kind}: {id}");
                    for t in sim.timers_of(id) {
                        timers_seen += 1;
                        assert_eq!((sym.timer)(&(sym.timer)(t, r), &back), *t, "{kind}");
                    }
                }
                for m in sim.in_flight() {
                    assert_eq!((sym.msg)(&(sym.msg)(&m.msg, r), &back), m.msg, "{kind}");
                }
            }
            let Some(step) = random_step(&sim, &mut rng) else {
                break;
            };
            take(&mut sim, step);
        }
        // The renamings do something (a client's number, at least), and timers were seen.
        assert!(
            changed > 0 && timers_seen > 0,
            "{kind}: {changed} {timers_seen}"
        );
    }
}

/// A run, and the same run with two clients swapped (each step taken by the other client,
/// each message and timer renamed): after every step the second world is exactly the
/// first one renamed (the same hash under the renaming, times and all), and the invariants
/// say the same. The worlds themselves differ (the swap is not the identity).
#[test]
fn a_run_with_two_clients_swapped_is_the_renamed_run() {
    for kind in LockKind::ALL {
        for seed in 0..4u64 {
            let mut a = new_sim(seed, &config(kind, 3));
            a.start_all();
            let mut b = a.clone();
            let sym = symmetry_of(&a);
            let n = a.nodes().len() as u32;
            let first_client = n - 3;
            // Swap clients 1 and 3.
            let mut to: Vec<NodeId> = (0..n).map(NodeId).collect();
            to.swap(first_client as usize, first_client as usize + 2);
            let swap = Renaming::new(to);
            let identity = Renaming::new((0..n).map(NodeId).collect());
            let mut rng = SimRng::new(seed + 100);
            let mut differed = 0;
            let mut steps = 0;
            for _ in 0..200 {
                let Some(step) = random_step(&a, &mut rng) else {
                    break;
                };
                let mirrored = renamed_step(step, &swap, &sym, &a, &b);
                take(&mut a, step);
                take(&mut b, mirrored);
                steps += 1;
                assert_eq!(
                    a.symmetric_fingerprint(&sym, std::slice::from_ref(&swap)),
                    b.symmetric_fingerprint(&sym, std::slice::from_ref(&identity)),
                    "{kind}, seed {seed}, step {steps}: the swapped run left the renamed world"
                );
                assert_eq!(a.now(), b.now(), "{kind}, seed {seed}, step {steps}");
                assert_eq!(verdicts(&a), verdicts(&b), "{kind}, seed {seed}");
                differed += usize::from(a.state_fingerprint() != b.state_fingerprint());
            }
            assert!(steps > 50, "{kind}, seed {seed}: only {steps} steps");
            assert!(
                differed > 0,
                "{kind}, seed {seed}: the swap changed nothing"
            );
        }
    }
}

/// Searches with and without symmetry; returns (with, without) and the paths' lengths,
/// after checking that a path found with symmetry opens as a link ending in its violation.
fn both_ways(
    params: &[(&str, &str)],
    bounds: ExploreBounds,
) -> ((Progress, Option<usize>), (Progress, Option<usize>)) {
    let run = |symmetry: bool| {
        let bounds = ExploreBounds { symmetry, ..bounds };
        let (model, problems) = SceneModel::<Locks>::from_spec(&spec::<Locks>(params), bounds);
        assert!(problems.is_empty(), "{problems:?}");
        let mut checker = Checker::new(model, bounds.checker_options());
        let progress = checker.run();
        assert_eq!(checker.symmetry_in_use(), symmetry, "{params:?}");
        let path = checker.counterexample().map(|c| {
            let mut link = checker
                .model()
                .exact_run(&c.states, &c.actions)
                .expect("a link");
            let built = build_scene::<Locks>(&mut link);
            let sim = built.run.sim();
            assert_eq!(
                sim.state_fingerprint(),
                c.states.last().unwrap().sim.state_fingerprint()
            );
            assert!(sim.violations()[c.property].is_some());
            c.actions.len()
        });
        (progress, path)
    };
    (run(true), run(false))
}

fn lock_bounds(depth: u32) -> ExploreBounds {
    ExploreBounds {
        max_depth: depth,
        max_crashes: 0,
        max_restarts: 0,
        max_states: 1_000_000,
        ..ExploreBounds::default()
    }
}

/// Every lock kind: with symmetry the same verdict (the same invariant broken, or none)
/// and a path as short, among fewer states. Counts pinned both ways.
///
/// The bounds are small because the queue lock and Redlock have many more states per step
/// than the lease lock (heartbeats; five servers). The reduction is smaller than the
/// number of renamings suggests: the clients start after random delays, and the times a
/// node keeps (a lease's end, a session's last heartbeat) then differ between a world and
/// its renaming, which are merged only when they are exact renamings, times and all.
#[test]
fn every_lock_kind_gets_the_same_verdict_among_fewer_states_with_symmetry() {
    // (kind, clients, rounds, depth, shortest path, (states with, states without))
    let cases = [
        ("lease", "2", "5", 9, Some(7), (1_385, 1_854)),
        ("queue", "2", "1", 6, None, (12_706, 14_657)),
        ("herd", "3", "1", 6, None, (35_416, 59_678)),
        ("redlock", "2", "5", 5, None, (13_540, 15_736)),
    ];
    let mut counts = Vec::new();
    for (kind, clients, rounds, depth, expected_path, _) in cases {
        let params = [("kind", kind), ("clients", clients), ("rounds", rounds)];
        let ((with, path_with), (without, path_without)) = both_ways(&params, lock_bounds(depth));
        println!(
            "{kind}, {clients} clients, depth {depth}: {} states with symmetry, {} without; \
             path {path_with:?}",
            with.distinct, without.distinct
        );
        let verdict = |p: &Progress| match p.finished {
            Some(Finish::Violation { property }) => Some(property),
            Some(Finish::DepthBound(_)) => None,
            other => panic!("{kind}: the search did not finish: {other:?}"),
        };
        assert_eq!(verdict(&with), verdict(&without), "{kind}");
        assert_eq!(path_with, path_without, "{kind}: as short");
        assert_eq!(path_with, expected_path, "{kind}");
        assert!(with.distinct < without.distinct, "{kind}: fewer states");
        counts.push((with.distinct, without.distinct));
    }
    let pinned: Vec<(u64, u64)> = cases.iter().map(|c| c.5).collect();
    assert_eq!(counts, pinned, "pinned");
}
