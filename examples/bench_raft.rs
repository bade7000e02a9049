//! Figures for the Raft scene; prints them, asserts nothing.
//!
//! Run with `cargo run --profile bench --example bench_raft`.
//!
//! 1. Time to elect a new leader after the leader crashes, over 1,000 seeds, for the
//!    election timeout ranges of the paper's Figure 16 (percentiles and a coarse CDF).
//! 2. Messages per committed entry under a steady client load.
//! 3. Simulated events per second natively, 5 servers and 3 busy clients, with the five
//!    Figure 3 invariants checked after every event; then the linearizability check's cost.
// Timing needs the wall clock; the library itself never reads it.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use dsviz::algo::raft::{
    check_linearizable, check_recent, client_history, election_time_samples, invariants,
    message_stats, net_config, nodes, RaftConfig, ReadMode, LINEARIZABILITY, RECENT_WINDOW,
};
use dsviz::sim::{Sim, Time};

const SEEDS: u64 = 1_000;

fn figure_16() {
    println!(
        "1. Figure 16: time from the leader's crash to a new leader, 5 servers, {SEEDS} seeds"
    );
    println!(
        "   (heartbeat = half the minimum timeout; 2-3 ms per message; crash at a random phase)"
    );
    let ranges = [
        (150, 150),
        (150, 151),
        (150, 155),
        (150, 175),
        (150, 200),
        (150, 300),
    ];
    let marks = [150u64, 200, 250, 300, 400, 500, 1_000, 2_000, 5_000, 10_000];
    print!(
        "   {:>9} | {:>6} {:>6} {:>6} {:>6} {:>7} {:>5} |",
        "timeout", "p50", "p90", "p99", "max", "unelec.", ""
    );
    for m in marks {
        print!(" {:>6}", format!("≤{m}"));
    }
    println!("  (CDF, % of runs)");
    for (lo, hi) in ranges {
        let start = Instant::now();
        let s = election_time_samples(Time::from_millis(lo), Time::from_millis(hi), SEEDS);
        let ms =
            |t: Option<Time>| t.map_or("-".to_string(), |t| format!("{:.0}", t.as_millis_f64()));
        print!(
            "   {:>9} | {:>6} {:>6} {:>6} {:>6} {:>7} {:>5} |",
            format!("{lo}-{hi}"),
            ms(s.percentile(50)),
            ms(s.percentile(90)),
            ms(s.percentile(99)),
            ms(s.percentile(100)),
            s.unelected,
            ""
        );
        for m in marks {
            print!(" {:>6.1}", f64::from(s.within(Time::from_millis(m))) / 10.0);
        }
        println!("   ({:.1} s)", start.elapsed().as_secs_f64());
    }
}

fn busy_config(read_mode: ReadMode) -> RaftConfig {
    RaftConfig {
        servers: 5,
        clients: 3,
        workload: 1_000,
        think_time: Time::from_millis(10),
        read_mode,
        snapshot_threshold: 200,
        ..RaftConfig::default()
    }
}

fn messages_per_entry() {
    println!("\n2. Messages per committed entry: 5 servers, 3 clients, 1,000 operations each");
    println!(
        "   {:<11} {:>9} {:>11} {:>13} {:>13}",
        "reads", "entries", "messages", "msgs/entry", "w/o heartb."
    );
    for mode in [ReadMode::Log, ReadMode::ReadIndex] {
        let config = busy_config(mode);
        let mut sim = Sim::new(1, nodes(&config), net_config(), Vec::new());
        while sim.step(None) && sim.now() < Time::from_millis(120_000) {}
        let stats = message_stats(&sim);
        let without = (stats.messages - stats.heartbeats) as f64 / stats.committed.max(1) as f64;
        println!(
            "   {:<11} {:>9} {:>11} {:>13.1} {:>13.1}",
            mode.as_str(),
            stats.committed,
            stats.messages,
            stats.per_entry().unwrap_or(f64::NAN),
            without
        );
    }
}

fn throughput() {
    println!("\n3. Events per second natively (5 servers, 3 clients, 60 simulated seconds)");
    let config = busy_config(ReadMode::Log);
    let figure_3: Vec<_> = invariants()
        .into_iter()
        .filter(|i| i.name != LINEARIZABILITY)
        .collect();
    let all = invariants();
    let sets = [
        ("no invariants", Vec::new()),
        ("Figure 3's five", figure_3),
        ("all six", all),
    ];
    for (label, invs) in sets {
        let best = (0..3)
            .map(|seed| {
                let mut sim = Sim::new(seed, nodes(&config), net_config(), invs.clone());
                let start = Instant::now();
                while sim.now() < Time::from_millis(60_000) && sim.step(None) {}
                let secs = start.elapsed().as_secs_f64();
                assert!(sim.violations().iter().all(Option::is_none));
                (sim.step_count() as f64 / secs, sim.step_count())
            })
            .fold((0.0f64, 0), |a, b| if b.0 > a.0 { b } else { a });
        println!(
            "   {label:<16} {:>12.0} events/s   ({} events per run)",
            best.0, best.1
        );
    }
    // The linearizability check on its own, over the whole history of a long run: the exact
    // search, and the windowed one the invariant runs after each returned operation.
    let mut sim = Sim::new(7, nodes(&config), net_config(), Vec::new());
    while sim.now() < Time::from_millis(60_000) && sim.step(None) {}
    let history = client_history(&sim.nodes());
    for (label, window) in [
        ("exact", usize::MAX),
        ("invariant (64 per key)", RECENT_WINDOW),
    ] {
        let start = Instant::now();
        let rounds = 20;
        for _ in 0..rounds {
            assert_eq!(check_recent(&history, window), Ok(()));
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
        println!(
            "   linearizability, {label}: {ms:.3} ms per check of a {}-operation history",
            history.len()
        );
    }
    assert_eq!(check_linearizable(&history), Ok(()));
}

fn main() {
    figure_16();
    messages_per_entry();
    throughput();
    println!("\ngoal: >= 1 M events/s with the five Figure 3 invariants checked after every event");
}
