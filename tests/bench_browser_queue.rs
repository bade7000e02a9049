//! Benchmark, not a test: messages per second through the queue scene's simulated pipeline
//! (producers, Redis, consumers, the database), per design, in WebAssembly in headless
//! Chromium, with every invariant checked after every step. The same workload as
//! `examples/bench_queue.rs` (part 1), so the two figures compare. It prints figures and
//! asserts nothing; `.ci/bench` runs it with the release profile.
#![cfg(target_arch = "wasm32")]

use dsviz::algo::queue::{counters, new_sim, Design, QueueConfig};
use dsviz::sim::Time;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Simulated time of each run.
const RUN_FOR: Time = Time::from_millis(30_000);

#[wasm_bindgen_test]
fn queue_pipeline_throughput_per_design() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let mut lines = vec![format!(
        "queue pipeline, wasm, headless Chromium (4 producers at 50 messages/s each, 4 consumers, no faults, {RUN_FOR} simulated)"
    )];
    lines.push(format!(
        "  {:<12} | {:>9} | {:>9} | {:>10} | {:>12} | {:>10}",
        "design", "messages", "steps", "wall ms", "messages/s", "steps/s"
    ));
    for design in Design::ALL {
        let config = QueueConfig {
            design,
            producers: 4,
            consumers: 4,
            messages: 500,
            produce_every: Time::from_millis(20),
            service_time: Time::from_millis(2),
            ..QueueConfig::default()
        };
        let mut sim = new_sim(1, &config);
        let start = performance.now();
        while sim.next_event_time().is_some_and(|t| t <= RUN_FOR) {
            sim.step(None);
        }
        let wall_ms = (performance.now() - start).max(0.001);
        let processed = counters(&sim).processed;
        lines.push(format!(
            "  {:<12} | {:>9} | {:>9} | {:>10.1} | {:>12.0} | {:>10.0}",
            design.slug(),
            processed,
            sim.step_count(),
            wall_ms,
            processed as f64 * 1000.0 / wall_ms,
            sim.step_count() as f64 * 1000.0 / wall_ms
        ));
    }
    console_log!("{}", lines.join("\n"));
}
