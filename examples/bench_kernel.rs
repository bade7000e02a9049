//! Kernel and time-travel figures, natively:
//! `cargo run --profile bench --example bench_kernel`.
#![allow(clippy::disallowed_methods)] // a benchmark reads the wall clock; the library never does

use std::time::Instant;

fn main() {
    let origin = Instant::now();
    let clock = move || origin.elapsed().as_secs_f64() * 1000.0;
    // Warm up once, then measure.
    let _ = dsviz::scene::bench::measure_kernel(&clock, 200_000, 20_000);
    let figures = dsviz::scene::bench::measure_kernel(&clock, 5_000_000, 100_000);
    println!("{}", figures.report("native"));
    println!(
        "goals: >= 5 M events/s natively, >= 2 M in the browser (kernel, without invariants); \
         jump <= 50 ms; trace <= 50 MB"
    );
    // Natively there is no wasm memory to read: the timeline's own estimate stands in.
    let long = dsviz::scene::bench::measure_long_run(&clock, &|| 0, 1_000_000);
    println!("{}", long.report("native"));
}
