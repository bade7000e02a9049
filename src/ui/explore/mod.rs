//! The Explore panel: looks for a run that breaks a safety property of the scene as it is
//! configured (a seed sweep, or an exhaustive search), and opens what it finds in the
//! timeline at the violating step.
//!
//! The search runs on the page's main thread in slices of a few milliseconds, one per
//! zero-delay timeout, so the page keeps animating between slices. (A Web Worker running
//! the same module is the next step; see the explore branch's report.)
mod panel;

pub use panel::{ExplorePanel, ExplorePanelProps};

thread_local! {
    static SHOWN: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether the app shows the panel (for kernel scenes).
pub fn shown() -> bool {
    SHOWN.with(|s| s.get())
}

/// `mount(el, { explore: false })` hides the panel. It is a setting of the page: the last
/// `mount` call decides for every scene mounted on it.
pub fn set_shown(shown: bool) {
    SHOWN.with(|s| s.set(shown));
}

/// The panel's stylesheet, added to the page with the shell's.
pub const STYLE: &str = include_str!("style.css");
