//! The Explore panel: looks for a run that breaks a safety property of the scene as it is
//! configured (a seed sweep, or an exhaustive search), and opens what it finds in the
//! timeline at the violating step.
//!
//! The search runs on the page's main thread in slices of a few milliseconds, one per
//! zero-delay timeout, so the page keeps animating between slices. (A Web Worker running
//! the same module is the next step.)
mod panel;

pub use panel::{ExplorePanel, ExplorePanelProps};

/// The panel's stylesheet, added to the page with the shell's.
pub const STYLE: &str = include_str!("style.css");
