//! Every component test that needs a browser, as one test binary run in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown --test in_browser` (add `-- ring::` to run
//! one file's tests). One binary means one WebAssembly build and one browser start for all
//! of them, instead of one per file. Each module renders into a fresh element of its own.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod app;
mod balance;
mod common;
mod diagram;
mod i18n;
mod paxos;
mod queue;
mod raft;
mod rendezvous;
mod ring;
mod truth_ui;
