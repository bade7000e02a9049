//! A seed and a list of actions define a run: the same inputs give the same trace, time
//! travel (rewind, replay, jumps across checkpoints) shows exactly the worlds the run went
//! through, and a fork shared as a link (seed + action texts) replays to the same trace.
//! The workload is two-phase commit with loss, duplication, random votes and faults.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::two_phase_commit::{self as tpc, Cmd, TwoPcConfig, TwoPcNode, Vote};
use dsviz::sim::run::{ProtocolRun, Run, Snapshot, TraceRow};
use dsviz::sim::timeline::CHECKPOINT_INTERVAL;
use dsviz::sim::{NetConfig, NodeStatus, Scheduled, Sim, SimRng, Timeline};

/// Long enough to cross three checkpoints.
const LENGTH: u64 = 3 * CHECKPOINT_INTERVAL + 300;

fn workload() -> TwoPcConfig {
    TwoPcConfig {
        participants: 4,
        votes: vec![Vote::Yes, Vote::Random, Vote::Yes, Vote::Random],
        cooperative_termination: true,
        // Unbounded: the coordinator keeps starting transactions.
        transactions: 0,
        ..TwoPcConfig::default()
    }
}

fn net() -> NetConfig {
    NetConfig {
        loss: 0.05,
        duplicate: 0.05,
        ..tpc::net_config()
    }
}

/// Faults and inputs spread over the run, in their link form.
fn scripted_actions() -> Vec<String> {
    [
        "100@0:crash:0",
        "180@0:restart:0",
        "300@0:pause:2:50000",
        "400@0:cmd:3:vote-no",
        "450@0:drop:200",
        "700@0:cmd:3:vote-yes",
        "900@0:crash:3",
        "1000@0:restart:3",
        "1200@0:cut:1:0",
        "1300@0:healall",
        "1600@0:crash:1",
        "1610@0:restart:1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn new_run(seed: u64, actions: &[String]) -> ProtocolRun<TwoPcNode> {
    let config = workload();
    config.validate().expect("a valid workload");
    let node_count = config.participants + 1;
    let actions: Vec<Scheduled<Cmd>> =
        ProtocolRun::<TwoPcNode>::parse_actions(actions, node_count).expect("actions parse");
    let sim = Sim::new(seed, tpc::nodes(&config), net(), tpc::invariants());
    ProtocolRun::new(
        Timeline::new(sim, actions, 50_000),
        tpc::node_names(&config),
    )
}

fn extended(seed: u64, actions: &[String], steps: u64) -> ProtocolRun<TwoPcNode> {
    let mut run = new_run(seed, actions);
    assert_eq!(
        run.extend(steps),
        steps,
        "the workload does not come to rest"
    );
    run
}

fn all_rows(run: &ProtocolRun<TwoPcNode>) -> Vec<TraceRow> {
    run.rows(1, run.horizon())
}

fn full_trace(run: &ProtocolRun<TwoPcNode>) -> String {
    format!("{:?}", run.timeline.trace())
}

/// Everything about the world at the cursor: what the views see, plus every node's full
/// state and status, which the views do not show in full.
fn world(run: &ProtocolRun<TwoPcNode>) -> (Snapshot, Vec<(TwoPcNode, NodeStatus)>) {
    let nodes = run
        .timeline
        .sim()
        .nodes()
        .iter()
        .map(|(_, node, status)| (node.clone(), status))
        .collect();
    (run.snapshot(), nodes)
}

#[test]
fn the_same_seed_and_actions_give_the_same_trace() {
    let first = extended(11, &scripted_actions(), LENGTH);
    let second = extended(11, &scripted_actions(), LENGTH);
    assert_eq!(full_trace(&first), full_trace(&second));
    assert_eq!(all_rows(&first), all_rows(&second));
    let mut first = first;
    let mut second = second;
    first.seek(LENGTH);
    second.seek(LENGTH);
    assert_eq!(world(&first), world(&second));
    // The run really exercised the protocol: several transactions, faults and violations-free.
    let coordinator = first.timeline.sim().node(dsviz::sim::NodeId(0)).unwrap();
    assert!(
        coordinator.tx() > 10,
        "only {} transactions",
        coordinator.tx()
    );
    assert!(first
        .snapshot()
        .invariants
        .iter()
        .all(|i| i.violation.is_none()));
}

#[test]
fn different_seeds_diverge() {
    let a = extended(1, &scripted_actions(), 400);
    let b = extended(2, &scripted_actions(), 400);
    assert_ne!(all_rows(&a), all_rows(&b));
}

#[test]
fn rewinding_and_replaying_shows_the_same_worlds() {
    let mut run = extended(23, &scripted_actions(), LENGTH);
    run.seek(LENGTH);
    let end = world(&run);
    let rows = all_rows(&run);

    // The worlds as a straight pass from the start sees them, at steps that straddle every
    // checkpoint and at random ones.
    let mut rng = SimRng::new(5);
    let mut steps: Vec<u64> = (1..=3)
        .flat_map(|k| {
            let c = k * CHECKPOINT_INTERVAL;
            [c - 1, c, c + 1]
        })
        .collect();
    steps.extend((0..12).map(|_| rng.between(0, LENGTH)));
    let mut forward = new_run(23, &scripted_actions());
    forward.extend(LENGTH);
    let mut sorted = steps.clone();
    sorted.sort_unstable();
    let mut expected = std::collections::BTreeMap::new();
    for &s in &sorted {
        forward.seek(s);
        expected.insert(s, world(&forward));
    }

    // Jumping around in any order (back, forward, across checkpoints) finds those worlds.
    for &s in &steps {
        run.seek(s);
        assert_eq!(run.cursor(), s);
        assert_eq!(&world(&run), &expected[&s], "world at step {s}");
        run.seek(LENGTH);
        assert_eq!(world(&run), end, "back at the end after visiting step {s}");
    }
    // Far jumps backwards from the end over several checkpoints, then forward again.
    run.seek(3);
    run.seek(2 * CHECKPOINT_INTERVAL + 7);
    run.seek(CHECKPOINT_INTERVAL - 2);
    run.seek(LENGTH);
    assert_eq!(world(&run), end);
    assert_eq!(
        all_rows(&run),
        rows,
        "time travel never changes the recorded trace"
    );
}

#[test]
fn forking_drops_the_old_future_and_the_link_replays_it() {
    let original_actions = scripted_actions();
    let original = extended(31, &original_actions, 1_500);
    let original_rows = all_rows(&original);

    let mut fork = extended(31, &original_actions, 1_500);
    let at = 250;
    fork.seek(at);
    let when = fork.time_of(at);
    fork.take("crash:2", when).expect("a valid action");

    // The actions after the fork point are gone; the new one is last.
    let kept = original_actions.iter().filter(|a| {
        let step: u64 = a.split('@').next().unwrap().parse().unwrap();
        step < at
    });
    let mut expected: Vec<String> = kept.cloned().collect();
    expected.push(format!("{at}@{}:crash:2", when.micros()));
    assert_eq!(fork.actions_text(), expected);
    assert_eq!(fork.horizon(), at + 1, "the old future was dropped");
    assert_eq!(fork.cursor(), at + 1);

    // The past is shared; the future differs.
    assert_eq!(fork.rows(1, at), original.rows(1, at));
    fork.extend(1_500 - fork.horizon());
    assert_eq!(fork.horizon(), 1_500);
    assert_ne!(fork.rows(at + 1, 1_500), original.rows(at + 1, 1_500));
    assert_ne!(all_rows(&fork), original_rows);

    // Its link (seed + actions) replays the forked run exactly.
    let mut replay = extended(31, &fork.actions_text(), 1_500);
    assert_eq!(all_rows(&replay), all_rows(&fork));
    assert_eq!(full_trace(&replay), full_trace(&fork));
    replay.seek(1_500);
    fork.seek(1_500);
    assert_eq!(world(&replay), world(&fork));
}

/// The exact fingerprint of every world the run went through, recorded while it runs
/// forward, equals the fingerprint after jumping back to that step (across checkpoints);
/// different steps have different fingerprints, and the abstract state fingerprint
/// ignores time and message ids but not node state.
#[test]
fn rewinding_reproduces_the_exact_fingerprint() {
    let mut run = extended(5, &scripted_actions(), LENGTH);
    let mut forward = Vec::new();
    for step in 0..=LENGTH {
        run.seek(step);
        forward.push(run.timeline.sim().fingerprint());
    }
    let distinct: std::collections::BTreeSet<u128> = forward.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        forward.len(),
        "every step is a different world"
    );
    let mut rng = SimRng::new(11);
    for _ in 0..200 {
        let step = rng.below(LENGTH + 1);
        run.seek(step);
        assert_eq!(
            run.timeline.sim().fingerprint(),
            forward[step as usize],
            "step {step}"
        );
    }
    // Two fresh worlds of different seeds are the same abstract state at step 0.
    let a = extended(1, &[], 0);
    let b = extended(2, &[], 0);
    assert_ne!(
        a.timeline.sim().fingerprint(),
        b.timeline.sim().fingerprint()
    );
    assert_eq!(
        a.timeline.sim().state_fingerprint(),
        b.timeline.sim().state_fingerprint()
    );
}
