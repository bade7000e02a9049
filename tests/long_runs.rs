//! Runs far longer than the trace window and the checkpoint budget: memory stays bounded
//! (checkpoints thin out, the trace keeps a window), yet every step can still be visited,
//! its time is known and its trace entries come back identical when recorded again.
use dsviz::algo::two_phase_commit::{self as tpc, TwoPcConfig, TwoPcNode, Vote};
use dsviz::sim::run::{ProtocolRun, Run, TraceRow};
use dsviz::sim::timeline::{MAX_CHECKPOINTS, WINDOW_STEPS};
use dsviz::sim::{NetConfig, Sim, SimRng, Time, Timeline};

const LENGTH: u64 = 300_000;
const CHUNK: u64 = 10_000;

fn endless_run(seed: u64) -> ProtocolRun<TwoPcNode> {
    let config = TwoPcConfig {
        participants: 4,
        votes: vec![Vote::Random; 4],
        transactions: 0,
        ..TwoPcConfig::default()
    };
    let net = NetConfig {
        loss: 0.02,
        ..tpc::net_config()
    };
    let sim = Sim::new(seed, tpc::nodes(&config), net, tpc::invariants());
    ProtocolRun::new(
        Timeline::new(sim, Vec::new(), u64::MAX),
        tpc::node_names(&config),
    )
}

#[test]
fn a_long_run_keeps_bounded_memory_and_every_step_reachable() {
    let mut run = endless_run(3);
    // While the run is computed, remember a sample of what each chunk looked like.
    let mut samples: Vec<(u64, Time, u128, Vec<TraceRow>)> = Vec::new();
    let mut rng = SimRng::new(5);
    while run.horizon() < LENGTH {
        let before = run.horizon();
        assert_eq!(run.extend(CHUNK), CHUNK, "the run never comes to rest");
        let step = before + 1 + rng.below(CHUNK - 20);
        let rows = run.rows(step, step + 10);
        run.seek(step);
        let sim = run.timeline.sim();
        samples.push((step, sim.now(), sim.fingerprint(), rows));
    }
    let (checkpoints, spacing) = run.timeline.checkpoint_stats();
    assert!(checkpoints <= MAX_CHECKPOINTS, "{checkpoints} checkpoints");
    assert!(spacing > 512, "the spacing doubled ({spacing})");
    assert!(
        run.timeline.window_start() > LENGTH - WINDOW_STEPS - CHUNK,
        "the trace window follows the frontier (starts at {})",
        run.timeline.window_start()
    );
    assert!(run.timeline.window_start() > 1, "old trace was let go");
    // Visit the samples in a scrambled order: same world, same time, same trace rows.
    for i in 0..samples.len() {
        let (step, time, fingerprint, rows) = &samples[(i * 7) % samples.len()];
        assert_eq!(run.time_of(*step), *time, "time of step {step}");
        assert_eq!(run.rows(*step, step + 10), *rows, "rows from step {step}");
        run.seek(*step);
        assert_eq!(
            run.timeline.sim().fingerprint(),
            *fingerprint,
            "step {step}"
        );
        assert_eq!(
            run.step_at_time(*time),
            last_step_at(&mut run, *step, *time)
        );
    }
}

/// The last step at `time`: `step` or a later one that happened at the same moment.
fn last_step_at(run: &mut ProtocolRun<TwoPcNode>, step: u64, time: Time) -> u64 {
    let mut last = step;
    while last < run.horizon() && run.time_of(last + 1) == time {
        last += 1;
    }
    last
}

#[test]
fn forking_deep_in_a_long_run_drops_only_the_future() {
    let mut run = endless_run(8);
    run.extend(150_000);
    let at = 123_457;
    run.seek(at);
    let before = run.rows(at - 5, at);
    run.take("crash:2", run.time_of(at))
        .expect("a valid action");
    assert_eq!(run.horizon(), at + 1);
    assert_eq!(run.rows(at - 5, at), before, "the past is untouched");
    let crash = run.rows(at + 1, at + 1);
    assert!(
        crash
            .iter()
            .any(|r| r.label.to_string().contains("crashes")),
        "the fork starts with the crash: {crash:?}"
    );
    run.extend(1_000);
    assert_eq!(run.horizon(), at + 1_001);
}
