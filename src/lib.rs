//! dsviz: an interactive, deterministic visualizer of distributed-systems algorithms.
//!
//! - [`sim`]: the seeded discrete-event simulation kernel (pure Rust, no wall clock).
//! - [`algo`]: one algorithm per file, each a sans-IO state machine or plain data structure.
//! - [`scene`]: each scene's parameters, scenarios and view model, on one contract.
//! - [`ui`]: the app's model (native too) and its Yew components (WebAssembly only).
pub mod algo;
pub mod explore;
pub mod i18n;
pub mod registry;
pub mod scene;
pub mod sim;
pub mod ui;
