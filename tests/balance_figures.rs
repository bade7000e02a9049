//! The scene's figures against theory: balls into bins with one and two choices, the p99
//! table with a slow server, and sessions moved on a server loss.
use dsviz::algo::balance::figures::{
    balls_into_bins, max_load_figure, one_choice_prediction, session_moves_on_loss,
    slow_server_p99, two_choice_prediction,
};
use dsviz::algo::balance::Strategy;

#[test]
fn max_loads_are_close_to_theory() {
    // Stated tolerances: the mean over the seeds is within 0.3 of the sharp prediction for
    // one choice (the expected maximum of n Poisson(1) loads; the maximum's standard
    // deviation is about 0.6, so 0.3 is over four standard errors at 80 seeds), and within
    // 0.2 for two choices (fluid limit; the maximum takes one or two values).
    let rows = max_load_figure(&[1_000, 10_000, 100_000], 80).expect("valid");
    for row in &rows {
        assert!(
            (row.one_choice - row.one_choice_predicted).abs() < 0.3,
            "one choice at n = {}: {} against {}",
            row.n,
            row.one_choice,
            row.one_choice_predicted
        );
        assert!(
            (row.two_choices - row.two_choice_predicted).abs() < 0.2,
            "two choices at n = {}: {} against {}",
            row.n,
            row.two_choices,
            row.two_choice_predicted
        );
        // The first-order terms: ln n / ln ln n underestimates one choice by its
        // lower-order terms (but not by a factor of two), and two choices sit within the
        // theorem's O(1) of ln ln n / ln 2.
        let ratio = row.one_choice / row.one_choice_first_order;
        assert!((1.0..2.0).contains(&ratio), "n = {}: ratio {ratio}", row.n);
        let gap = row.two_choices - row.two_choice_first_order;
        assert!((-0.5..1.0).contains(&gap), "n = {}: gap {gap}", row.n);
        assert!(row.two_choices + 1.5 < row.one_choice, "n = {}", row.n);
    }
    // One choice grows with n clearly faster than two.
    let growth_one = rows[2].one_choice - rows[0].one_choice;
    let growth_two = rows[2].two_choices - rows[0].two_choices;
    assert!(
        growth_one > 2.0 * growth_two,
        "{growth_one} against {growth_two}"
    );
}

#[test]
fn a_million_balls_follow_the_predictions() {
    // n = 10^6: the predictions are 8.79 (one choice) and 4.00 (two).
    assert!((one_choice_prediction(1_000_000) - 8.79).abs() < 0.02);
    assert!((two_choice_prediction(1_000_000) - 4.0).abs() < 0.02);
    let one: Vec<u32> = (1..=3).map(|s| balls_into_bins(1_000_000, 1, s)).collect();
    let two: Vec<u32> = (1..=3).map(|s| balls_into_bins(1_000_000, 2, s)).collect();
    for (a, b) in one.iter().zip(&two) {
        assert!((8..=11).contains(a), "one choice {one:?}");
        assert!((4..=5).contains(b), "two choices {two:?}");
    }
}

#[test]
fn balls_into_bins_refuses_unbounded_work() {
    assert_eq!(balls_into_bins(0, 2, 1), 0);
    assert_eq!(balls_into_bins(20_000_000, 1, 1), 0);
    assert!(max_load_figure(&[100], 0).is_err());
    assert!(max_load_figure(&[100_000_000], 1).is_err());
}

#[test]
fn on_the_default_slow_server_workload_load_aware_strategies_cut_the_p99() {
    // 40% load, one server of four twice as slow: every strategy serves every request, so
    // the p99s compare like with like.
    let rows = slow_server_p99(1, 40, 2).expect("valid");
    let row = |s: Strategy| {
        *rows
            .iter()
            .find(|r| r.strategy == s)
            .expect("every strategy")
    };
    let rr = row(Strategy::RoundRobin);
    assert_eq!(rr.ratio_to_round_robin_permille, 1000);
    for s in [
        Strategy::LeastConnections,
        Strategy::TwoChoices,
        Strategy::PeakEwma,
        Strategy::BoundedLoad,
    ] {
        let r = row(s);
        assert!(r.ratio_to_round_robin_permille < 800, "{s:?}: {r:?}");
        assert_eq!(r.unserved, 0, "{s:?}");
        assert_eq!(r.p99_all_us, Some(r.p99_us), "{s:?}");
    }
    // Random is worse than round robin: it adds bad luck to the slow server.
    assert!(row(Strategy::Random).ratio_to_round_robin_permille > 1000);
    // Peak EWMA, which sees latency, beats round robin by the widest margin of the pairs.
    assert!(row(Strategy::PeakEwma).p99_us <= row(Strategy::TwoChoices).p99_us);
    // Every strategy saw the same requests: the totals agree.
    let ended: Vec<u64> = rows.iter().map(|r| r.completed + r.unserved).collect();
    let spread = ended.iter().max().unwrap_or(&0) - ended.iter().min().unwrap_or(&0);
    assert!(spread < 20, "requests ended in the window: {ended:?}");
}

#[test]
fn random_with_a_badly_slow_server_leaves_requests_unserved() {
    // 30% load, one server three times slower: random's bad luck overloads the slow
    // server, so more than 1% of requests go unserved and its p99 over all is infinite,
    // while round robin still serves everything.
    let rows = slow_server_p99(1, 30, 3).expect("valid");
    let find = |s: Strategy| *rows.iter().find(|r| r.strategy == s).expect("listed");
    let random = find(Strategy::Random);
    assert!(
        random.unserved > 0 && random.p99_all_us.is_none(),
        "{random:?}"
    );
    assert_eq!(find(Strategy::RoundRobin).unserved, 0);
    assert!(slow_server_p99(1, 0, 2).is_err());
    assert!(slow_server_p99(1, 50, 11).is_err());
}

#[test]
fn a_lost_server_moves_the_minimum_on_the_ring_and_more_with_tight_bounds() {
    let f = session_moves_on_loss(4, 1_000, 2, 100, 1_250).expect("valid");
    assert!((150..350).contains(&f.minimum), "{f:?}");
    assert_eq!(
        f.ring, f.minimum,
        "the ring moves exactly the lost server's sessions"
    );
    assert!(f.bounded >= f.minimum);
    let tight = session_moves_on_loss(4, 1_000, 2, 100, 1_000).expect("valid");
    assert!(tight.bounded > tight.minimum, "c = 1 cascades: {tight:?}");
    assert!(session_moves_on_loss(4, 1_000, 4, 100, 1_250).is_err());
}
