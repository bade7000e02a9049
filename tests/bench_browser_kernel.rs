//! Benchmark, not a test: kernel, time-travel and long-run figures in WebAssembly, in
//! headless Chromium. It prints figures and asserts nothing; `.ci/bench` runs it with the
//! release profile. (wasm-bindgen's test runner is the way to run this code in a browser
//! without shipping it in the app.)
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn wasm_memory_bytes() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65_536
}

#[wasm_bindgen_test]
fn kernel_time_travel_and_long_run_figures() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let clock = move || performance.now();
    // The long run first, so that the memory it reports is its own (wasm memory only grows).
    let long = dsviz::scene::bench::measure_long_run(&clock, &wasm_memory_bytes, 1_000_000);
    console_log!("{}", long.report("wasm, headless Chromium"));
    let _ = dsviz::scene::bench::measure_kernel(&clock, 100_000, 10_000);
    let figures = dsviz::scene::bench::measure_kernel(&clock, 2_000_000, 100_000);
    console_log!("{}", figures.report("wasm, headless Chromium"));
}
