//! Load-balancing throughput in WebAssembly, in headless Chromium: requests simulated per
//! second for every strategy (four servers, one balancer, 300 requests per second for
//! 100 s of simulated time, invariants checked after every step, as the page runs them).
//! Benchmark, not a test: it prints figures and asserts nothing. Run with `bash .ci/bench`
//! (release profile), or
//! `cargo test --release --target wasm32-unknown-unknown --test bench_browser_balance -- --nocapture`.
#![cfg(target_arch = "wasm32")]

use dsviz::algo::balance::compare::run_series;
use dsviz::algo::balance::{BalanceConfig, RateStep, Strategy, TrafficConfig};
use dsviz::sim::Time;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

#[wasm_bindgen_test]
fn requests_simulated_per_second_per_strategy_in_the_browser() {
    let base = BalanceConfig {
        traffic: TrafficConfig {
            rate: vec![RateStep {
                from: Time::ZERO,
                per_second: 300,
            }],
            ..TrafficConfig::default()
        },
        ..BalanceConfig::default()
    };
    let until = Time::from_millis(100_000);
    console_log!("load balancing in WebAssembly: 4 servers, 300 requests/s for 100 s simulated");
    console_log!(
        "{:<10} {:>9} {:>9} {:>9} {:>13} {:>11}",
        "strategy",
        "requests",
        "events",
        "ms",
        "requests/s",
        "events/s"
    );
    for strategy in Strategy::ALL {
        let config = BalanceConfig {
            strategy,
            ..base.clone()
        };
        let start = now_ms();
        let series = run_series("bench", 1, &config, &[], until, until).expect("valid");
        let took = (now_ms() - start).max(0.001);
        let arrived = series.samples.last().map_or(0, |s| s.arrived);
        console_log!(
            "{:<10} {:>9} {:>9} {:>9.0} {:>13.0} {:>11.0}",
            strategy.slug(),
            arrived,
            series.steps,
            took,
            arrived as f64 * 1_000.0 / took,
            series.steps as f64 * 1_000.0 / took
        );
    }
}
