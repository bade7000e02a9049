//! Paxos throughput in WebAssembly, in headless Chromium: simulated events per second with
//! every invariant checked, for Multi-Paxos (a stable leader, three clients sending 200
//! commands each) and for the single-decree livelock (three proposers dueling for 60
//! simulated seconds), ten seeds each, as `examples/bench_paxos.rs` measures natively.
//! Benchmark, not a test: it prints figures and asserts nothing. Run with `bash .ci/bench`
//! (release profile), or
//! `cargo test --release --target wasm32-unknown-unknown --test bench_browser_paxos -- --nocapture`.
#![cfg(target_arch = "wasm32")]

use dsviz::algo::paxos::{new_sim, scenarios, PaxosConfig};
use dsviz::sim::Time;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// Runs ten seeds of `config` to `until` (simulated), every invariant checked at every
/// step, and prints events per second of wall time.
fn events_per_second(title: &str, config: &PaxosConfig, until: Time) {
    let (mut events, mut ms) = (0u64, 0.0);
    let mut violations = 0;
    for seed in 1..=10 {
        let mut sim = new_sim(seed, config);
        let start = now_ms();
        while sim.next_event_time().is_some_and(|t| t <= until) {
            sim.step(None);
        }
        ms += now_ms() - start;
        events += sim.step_count();
        violations += sim.violations().iter().flatten().count();
    }
    console_log!(
        "   {title}: {events} events in {:.3} s = {:.0} events/s ({} invariants x {events} \
         steps checked, {violations} violations)",
        ms / 1000.0,
        events as f64 / (ms / 1000.0),
        dsviz::algo::paxos::invariants().len(),
    );
}

#[wasm_bindgen_test]
fn paxos_events_per_second_in_the_browser() {
    console_log!("Paxos: simulated events per second in WebAssembly, every invariant checked");
    let multi = PaxosConfig {
        clients: 3,
        client_requests: 200,
        ..PaxosConfig::multi()
    };
    // A short warm-up, so that the first figure does not pay for the page's start.
    events_per_second("warm-up", &multi, Time::from_millis(1_000));
    events_per_second(
        "Multi-Paxos, 3 clients x 200 commands, 10 seeds",
        &multi,
        Time::from_millis(60_000),
    );
    let (livelock, _) = scenarios::livelock();
    events_per_second(
        "single-decree livelock, 60 simulated s, 10 seeds",
        &livelock,
        Time::from_millis(60_000),
    );
}
