//! Figures for the load-balancing scene; prints them, asserts nothing.
//!
//! Run with `cargo run --profile bench --example bench_balance`.
//!
//! 1. p99 latency with one slow server of four, for every strategy, on one seeded
//!    workload, as ratios against round robin.
//! 2. Balls into bins: the busiest of n servers after n requests, one random choice
//!    against the less loaded of two, n from 10^3 to 10^6, beside the theory.
//! 3. Requests simulated per second natively (invariants checked after every step).
//! 4. Each scenario against its partner, and session moves on a server loss.
// Timing needs the wall clock; the library itself never reads it.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use dsviz::algo::balance::compare::{compare, run_series, Series};
use dsviz::algo::balance::figures::{
    balls_into_bins, max_load_figure, session_moves_on_loss, slow_server_p99,
};
use dsviz::algo::balance::scenarios::{scenario, scenarios};
use dsviz::algo::balance::{BalanceConfig, RateStep, Strategy, TrafficConfig};
use dsviz::sim::Time;

fn ms(us: u64) -> String {
    format!("{:.1} ms", us as f64 / 1000.0)
}

fn main() {
    let seed = 1;
    println!("dsviz load-balancing benchmark, seed {seed}\n");

    for (load, factor) in [(40, 2), (30, 3)] {
        println!(
            "1. p99 latency at {load}% load, one server of four {factor}x slower \
             (last 10 s of 12 s; passive ejection off)"
        );
        let start = Instant::now();
        let rows = slow_server_p99(seed, load, factor).expect("valid");
        println!(
            "   {:<10} {:>10} {:>8} {:>14} {:>9} {:>8}",
            "strategy", "p99", "vs rr", "p99 all ended", "completed", "unserved"
        );
        for r in &rows {
            println!(
                "   {:<10} {:>10} {:>7.2}x {:>14} {:>9} {:>8}",
                r.strategy.slug(),
                ms(r.p99_us),
                r.ratio_to_round_robin_permille as f64 / 1000.0,
                r.p99_all_us.map_or("unserved".to_string(), ms),
                r.completed,
                r.unserved
            );
        }
        println!("   ({:.2} s)\n", start.elapsed().as_secs_f64());
    }

    println!("2. Balls into bins: mean busiest bin over seeds");
    println!(
        "   {:>9} {:>5} {:>8} {:>9} {:>10} {:>8} {:>9} {:>10}",
        "n", "seeds", "1 choice", "predicted", "ln/lnln", "2 choices", "predicted", "lnln/ln2"
    );
    for (n, seeds) in [
        (1_000u64, 200u32),
        (10_000, 100),
        (100_000, 50),
        (1_000_000, 20),
    ] {
        let row = &max_load_figure(&[n], seeds).expect("valid")[0];
        println!(
            "   {:>9} {:>5} {:>8.2} {:>9.2} {:>10.2} {:>9.2} {:>9.2} {:>10.2}",
            n,
            seeds,
            row.one_choice,
            row.one_choice_predicted,
            row.one_choice_first_order,
            row.two_choices,
            row.two_choice_predicted,
            row.two_choice_first_order
        );
    }
    for choices in [1, 2] {
        let start = Instant::now();
        let max = balls_into_bins(1_000_000, choices, 7);
        let took = start.elapsed().as_secs_f64() * 1000.0;
        println!("   one run of 10^6 balls, {choices} choice(s): max {max}, {took:.1} ms");
    }
    println!();

    println!("3. Requests simulated per second natively");
    let config = BalanceConfig {
        strategy: Strategy::TwoChoices,
        traffic: TrafficConfig {
            rate: vec![RateStep {
                from: Time::ZERO,
                per_second: 300,
            }],
            ..TrafficConfig::default()
        },
        ..BalanceConfig::default()
    };
    for strategy in [
        Strategy::RoundRobin,
        Strategy::TwoChoices,
        Strategy::BoundedLoad,
    ] {
        let config = BalanceConfig {
            strategy,
            ..config.clone()
        };
        let until = Time::from_millis(200_000);
        let start = Instant::now();
        let series = run_series("bench", seed, &config, &[], until, until).expect("valid");
        let seconds = start.elapsed().as_secs_f64();
        let arrived = series.samples.last().map_or(0, |s| s.arrived);
        println!(
            "   {:<10} {arrived} requests, {} events in {seconds:.2} s: {:.0} requests/s, \
             {:.0} events/s",
            strategy.slug(),
            series.steps,
            arrived as f64 / seconds,
            series.steps as f64 / seconds
        );
    }
    println!();

    println!("4. Scenarios (same seed, same arrivals), last 5 s window unless stated");
    for info in scenarios() {
        let s = scenario(info.id).expect("listed");
        let every = Time::from_millis(1_000);
        let (label_b, partner) = s.partner.clone().expect("every scenario has a partner");
        let c = compare(
            seed,
            (s.label, &s.config),
            (label_b, &partner),
            &s.actions,
            s.run_for,
            every,
        )
        .expect("valid");
        println!("   {} ({}):", info.id, info.title);
        for series in [&c.a, &c.b] {
            summary(series);
        }
        let same = c.a.arrival_digest == c.b.arrival_digest;
        println!("      same arrivals: {same}");
        if s.config.strategy.is_sticky() {
            for series in [&c.a, &c.b] {
                let m = series.session_moves;
                println!(
                    "      {}: sessions moved {}, of which forced {}",
                    series.label, m.moved, m.forced
                );
            }
        }
        for series in [&c.a, &c.b] {
            let p99: Vec<String> = series
                .samples
                .iter()
                .step_by(2)
                .map(|s| format!("{:.0}", s.latency.p99 as f64 / 1000.0))
                .collect();
            println!(
                "      {} p99 (ms) every 2 s: {}",
                series.label,
                p99.join(" ")
            );
        }
    }
    println!();

    println!("5. Sessions moved when one server of four is lost (1000 sessions placed in order)");
    for c in [1_000, 1_050, 1_250, 1_500, 2_000] {
        let f = session_moves_on_loss(4, 1_000, 2, 100, c).expect("valid");
        println!(
            "   c = {:.2}: minimum {}, consistent hashing {}, bounded loads {}",
            f64::from(c) / 1000.0,
            f.minimum,
            f.ring,
            f.bounded
        );
    }
}

fn summary(series: &Series) {
    let last = series.samples.last().expect("samples");
    let worst = series
        .samples
        .iter()
        .map(|s| s.latency.p99)
        .max()
        .unwrap_or(0);
    let queues: Vec<u32> = series
        .samples
        .iter()
        .map(|s| s.servers.iter().map(|v| v.queue).max().unwrap_or(0))
        .collect();
    println!(
        "      {:<20} arrived {:>5} ok {:>5} dropped {:>4} failed {:>4} | p99 now {:>9}, \
         worst {:>9} | longest queue per second {:?}{}",
        series.label,
        last.arrived,
        last.completed,
        last.dropped,
        last.failed,
        ms(last.latency.p99),
        ms(worst),
        queues,
        if series.violations.is_empty() {
            String::new()
        } else {
            format!(" VIOLATIONS {:?}", series.violations)
        }
    );
}
