//! The Explore panel: looks for a run that breaks a safety property of the scene as it is
//! configured (a seed sweep, or an exhaustive search), and opens what it finds in the
//! timeline at the violating step.
//!
//! The search runs in a Web Worker that loads this same module ([`worker`] on the page's
//! side, [`in_worker`] on the worker's), so the page keeps animating. Where no worker can
//! start (the one-file page opened from disk, a page that forbids workers), it runs on the
//! page's main thread in slices, one per animation frame ([`slices`]).
//!
//! [`words`] puts the search's typed status in the reader's language; it builds natively
//! too (its tests are native).
#[cfg(target_arch = "wasm32")]
pub mod in_worker;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod slices;
pub mod words;
#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
pub use panel::{ExplorePanel, ExplorePanelProps};

/// The panel's stylesheet, added to the page with the shell's. `style.css` here, minified by
/// `build.rs`.
#[cfg(target_arch = "wasm32")]
pub const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/css/ui/explore/style.css"));
