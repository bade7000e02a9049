//! The textbook models: their reachable-state counts, pinned, beside the published ones.
//!
//! Compared against (read with the project's search tool, not run here):
//! - tlaplus/Examples `specifications/transaction_commit/manifest.json`: TLC on TwoPhase.cfg
//!   (`RM = {r1, r2, r3}`) reports 288 distinct states, state depth 11. TLC counts the
//!   initial state as depth 1, so 11 is our 10 steps: both match.
//! - stateright/stateright `examples/2pc.rs`: its test pins 288 states with 3 RMs and 8,832
//!   with 5 RMs (no symmetry): both match.
//! - tlaplus/Examples `specifications/Paxos/MCPaxos.tla` and the manifest: one acceptor, one
//!   value, ballots 0..1, 25 distinct states, depth 9 (our 8 steps): both match. That model
//!   declares symmetry over acceptors and values, which changes nothing with one of each.
//!
//! The symmetric counts and the three-acceptor Paxos counts have no published figure we
//! found; they are pinned here so that a change shows.
use dsviz::explore::two_phase::TwoPhaseAction;
use dsviz::explore::{Checker, CheckerOptions, Finish, Model, Paxos, TwoPhase};

fn count<M: Model>(model: M, symmetry: bool) -> (u64, u32, Option<Finish>) {
    let options = CheckerOptions {
        symmetry,
        ..CheckerOptions::default()
    };
    let p = Checker::new(model, options).run();
    (p.distinct, p.depth, p.finished)
}

const DONE: Option<Finish> = Some(Finish::Exhausted);

#[test]
fn two_phase_with_three_rms_has_tlcs_288_states() {
    assert_eq!(count(TwoPhase::new(3), false), (288, 10, DONE));
    assert_eq!(count(TwoPhase::new(3), true), (80, 10, DONE));
}

#[test]
fn two_phase_with_five_rms_has_stateright_s_8832_states() {
    assert_eq!(count(TwoPhase::new(5), false), (8_832, 16, DONE));
    assert_eq!(count(TwoPhase::new(5), true), (314, 16, DONE));
}

#[test]
fn mc_paxos_has_tlcs_25_states() {
    let model = || Paxos::new(1, 1, 1).expect("a valid configuration");
    assert_eq!(count(model(), false), (25, 8, DONE));
    assert_eq!(count(model(), true), (25, 8, DONE));
}

#[test]
fn paxos_with_three_acceptors_is_pinned() {
    let pinned = [
        ((3, 1, 1), (1_681, 16), (373, 16)),
        ((3, 2, 1), (3_921, 16), (443, 16)),
        ((3, 2, 2), (185_369, 24), (17_153, 24)),
    ];
    for ((a, v, b), full, sym) in pinned {
        let model = || Paxos::new(a, v, b).expect("a valid configuration");
        assert_eq!(count(model(), false), (full.0, full.1, DONE), "{a} {v} {b}");
        assert_eq!(
            count(model(), true),
            (sym.0, sym.1, DONE),
            "{a} {v} {b} symmetric"
        );
    }
}

#[test]
fn a_transaction_manager_that_commits_early_is_caught_in_four_steps() {
    let mut checker = Checker::new(TwoPhase::with_eager_commit(3), CheckerOptions::default());
    let progress = checker.run();
    assert_eq!(progress.finished, Some(Finish::Violation { property: 0 }));
    let path = checker.counterexample().expect("a counterexample");
    // One RM prepares, the TM hears it and commits, the RM commits, another aborts.
    assert_eq!(path.actions.len(), 5, "{:?}", path.actions);
    assert!(path.actions.contains(&TwoPhaseAction::TmCommit));
}

#[test]
fn paxos_rejects_configurations_it_cannot_hold() {
    assert!(Paxos::new(0, 1, 1).is_err());
    assert!(Paxos::new(3, 0, 1).is_err());
}
