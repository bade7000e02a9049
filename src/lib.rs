//! dsviz: an interactive, deterministic visualizer of distributed-systems algorithms.
//!
//! - [`sim`]: the seeded discrete-event simulation kernel (pure Rust, no wall clock).
//! - [`algo`]: one algorithm per file, each a sans-IO state machine or plain data structure.
//! - `ui` (WebAssembly only): Yew components that draw snapshots of a run.
pub mod algo;
pub mod registry;
pub mod scene;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod ui;
