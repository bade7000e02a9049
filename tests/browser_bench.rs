//! Kernel and time-travel figures in WebAssembly, in headless Chromium. Prints figures; it
//! asserts only that the measurement ran. Run with `bash .ci/bench` (release profile).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn kernel_and_time_travel_figures_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let clock = move || performance.now();
    let _ = dsviz::scene::bench::measure_kernel(&clock, 100_000, 10_000);
    let figures = dsviz::scene::bench::measure_kernel(&clock, 2_000_000, 100_000);
    console_log!("{}", figures.report("wasm, headless Chromium"));
    assert!(figures.trace_steps > 0);
}
