//! The scenes, in the order the picker shows them. Adding a scene adds one line here; the
//! scene itself lives in its own files (see `ARCHITECTURE.md`, "How to add a scene").
//!
//! Each line names the scene's type in `crate::scene`. On WebAssembly the same line also
//! registers the scene's views (`crate::ui`), so the app and the link reader can never
//! disagree about which scenes exist, and its entry to the explorer (`crate::explore`).
macro_rules! scenes {
    ($(#[$gate:meta] $module:ident :: $scene:ident),* $(,)?) => {
        /// Every scene, without its types.
        pub static SCENES: &[&dyn crate::scene::DynScene] =
            &[$(#[$gate] &crate::scene::Entry::<crate::scene::$module::$scene>::NEW),*];

        /// Each scene's entry to the Explore panel's search, by slug (`None`: the scene
        /// cannot be explored, see `Scene::EXPLORABLE`).
        pub static EXPLORERS: &[(&str, Option<crate::explore::driver::Start>)] = &[$(#[$gate] (
            <crate::scene::$module::$scene as crate::scene::Scene>::SLUG,
            crate::explore::driver::entry::<crate::scene::$module::$scene>(),
        )),*];

        /// Every scene's views, in the same order as [`SCENES`].
        #[cfg(target_arch = "wasm32")]
        pub static SCENE_VIEWS: &[&dyn crate::ui::scenes::DynSceneViews] =
            &[$(#[$gate] &crate::ui::scenes::ViewsEntry::<crate::scene::$module::$scene>::NEW),*];
    };
}

// Each line is behind its scene's cargo feature (all on by default; see `Cargo.toml`).
scenes! {
    #[cfg(feature = "ring")] ring::Ring,
    #[cfg(feature = "two-pc")] two_pc::TwoPc,
    #[cfg(feature = "locks")] locks::Locks,
    #[cfg(feature = "raft")] raft::Raft,
    #[cfg(feature = "paxos")] paxos::Paxos,
    #[cfg(feature = "queue")] queue::QueueScene,
    #[cfg(feature = "balance")] balance::Balance,
}

/// Every scene of the app, whether or not this build has it: its slug in links and its
/// title, in the picker's order. The release build also writes one lean module per scene
/// (`.ci/lean-modules.mjs`), which has only that scene; its picker still lists them all, and
/// its link reader tells a scene it lacks from a name that is no scene. In the build with
/// every scene, this list and [`SCENES`] agree (`tests/registry.rs`).
pub static EVERY_SCENE: &[(&str, &str)] = &[
    ("ring", "Consistent hashing"),
    ("2pc", "Two-phase commit"),
    ("locks", "Distributed locks"),
    ("raft", "Raft"),
    ("paxos", "Paxos"),
    ("queue", "Message queue on Redis"),
    ("balance", "Load balancing"),
];
