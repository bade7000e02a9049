//! The app: it turns snapshots of a run into pixels and gestures into actions, and never
//! decides protocol behaviour.
//!
//! - [`model`]: the app's state and its reducer, with no Yew and no browser types (native
//!   tests reach it);
//! - the shell's components (`app`, `controls`, `topology`, `diagram`, ...), WebAssembly only;
//! - one folder per scene (`ring/`, `locks/`, `two_pc/`) with the scene's own views, plugged
//!   in through [`scenes`] and the registry. Pure parts (geometry, layout) build natively.
#[cfg(feature = "balance")]
pub mod balance;
pub mod model;
#[cfg(feature = "paxos")]
pub mod paxos;
#[cfg(feature = "queue")]
pub mod queue;
#[cfg(feature = "raft")]
pub mod raft;
#[cfg(feature = "ring")]
pub mod ring;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod caption;
#[cfg(target_arch = "wasm32")]
pub mod controls;
#[cfg(target_arch = "wasm32")]
pub mod diagram;
/// An embedded tour stop scrolls its stage to the nodes it is about (the rule builds natively).
pub mod embed_focus;
/// The Explore panel (its wording builds natively, for tests).
pub mod explore;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod invariants;
#[cfg(feature = "locks")]
pub mod locks;
#[cfg(target_arch = "wasm32")]
pub mod lost;
#[cfg(target_arch = "wasm32")]
pub mod mount;
#[cfg(target_arch = "wasm32")]
pub mod mount_config;
#[cfg(target_arch = "wasm32")]
pub mod node_menu;
#[cfg(target_arch = "wasm32")]
pub mod nodes;
#[cfg(target_arch = "wasm32")]
pub mod scene_panel;
#[cfg(target_arch = "wasm32")]
pub mod scenes;
#[cfg(target_arch = "wasm32")]
pub mod svg_attr;
#[cfg(target_arch = "wasm32")]
pub mod teach;
#[cfg(target_arch = "wasm32")]
pub mod topology;
pub mod topology_frame;
pub mod topology_geometry;
#[cfg(feature = "two-pc")]
#[cfg(target_arch = "wasm32")]
pub mod two_pc;

#[cfg(target_arch = "wasm32")]
pub use mount::{mount, start};
