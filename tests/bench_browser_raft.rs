//! Benchmark, not a test: the Raft scene's kernel events per second in WebAssembly, in
//! headless Chromium, for 5 servers and 3 busy clients, with Figure 3's five invariants
//! checked after every event and without; then the linearizability check's cost apart.
//! It prints figures and asserts nothing; `.ci/bench` runs it with the release profile
//! (`cargo test --release --target wasm32-unknown-unknown --test bench_browser_raft --
//! --nocapture`). The native figures come from `examples/bench_raft.rs`.
#![cfg(target_arch = "wasm32")]

use dsviz::algo::raft::{
    check_recent, client_history, invariants, net_config, nodes, RaftConfig, ReadMode,
    LINEARIZABILITY, RECENT_WINDOW,
};
use dsviz::sim::{Sim, Time};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The native benchmark's load: 5 servers, 3 clients, 1,000 operations each, snapshots.
fn busy_config() -> RaftConfig {
    RaftConfig {
        servers: 5,
        clients: 3,
        workload: 1_000,
        think_time: Time::from_millis(10),
        read_mode: ReadMode::Log,
        snapshot_threshold: 200,
        ..RaftConfig::default()
    }
}

#[wasm_bindgen_test]
fn raft_events_per_second_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let config = busy_config();
    let figure_3: Vec<_> = invariants()
        .into_iter()
        .filter(|i| i.name != LINEARIZABILITY)
        .collect();
    let sets = [
        ("no invariants", Vec::new()),
        ("Figure 3's five", figure_3),
        ("all six", invariants()),
    ];
    let simulated = Time::from_millis(30_000);
    for (label, invs) in sets {
        let mut best = (0.0f64, 0u64);
        for seed in 0..3 {
            let mut sim = Sim::new(seed, nodes(&config), net_config(), invs.clone());
            let start = performance.now();
            while sim.now() < simulated && sim.step(None) {}
            let secs = (performance.now() - start) / 1000.0;
            let rate = sim.step_count() as f64 / secs.max(1e-9);
            if rate > best.0 {
                best = (rate, sim.step_count());
            }
        }
        console_log!(
            "raft, wasm in headless Chromium, {label:<16} {:>10.0} events/s ({} events per run)",
            best.0,
            best.1
        );
    }
    let mut sim = Sim::new(7, nodes(&config), net_config(), Vec::new());
    while sim.now() < simulated && sim.step(None) {}
    let history = client_history(&sim.nodes());
    let rounds = 10;
    let start = performance.now();
    for _ in 0..rounds {
        let _ = check_recent(&history, RECENT_WINDOW);
    }
    let ms = (performance.now() - start) / f64::from(rounds);
    console_log!(
        "raft, wasm: linearizability (64 per key) {ms:.3} ms per check of a {}-operation history",
        history.len()
    );
}
