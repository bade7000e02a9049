//! The setups a seed sweep tries by default besides the one configured.
//!
//! A sweep varies seeds and faults, never the scene's settings: a bug that only one setting
//! lets happen is found only when a person thinks of choosing that setting. Some settings
//! are worth trying every time because they are how the real system is often run and they
//! break a property the scene teaches. Each scene lists those here; the sweep (with "Also
//! try risky setups" on, the default) runs the configured setup first, then each of these
//! that differs from it, with the same budgets, and stops at the first violation. Its link
//! carries the setup it was found in.
use crate::scene::{Params, SceneId};

/// Settings the sweep also tries, as link parameters laid over the configured ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    pub params: &'static [(&'static str, &'static str)],
    /// Why it is worth a sweep, for the panel.
    pub why: &'static str,
}

impl Setup {
    /// `persist=none`, as the link says it.
    pub fn label(&self) -> String {
        let parts: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.join(", ")
    }

    /// `params` with this setup's settings laid over them.
    pub fn applied_to(&self, params: &Params) -> Params {
        let mut out = params.clone();
        for (k, v) in self.params {
            out.insert(k.to_string(), v.to_string());
        }
        out
    }
}

/// Locks: Redis without persistence (what a cache-only Redis runs with). A crash of its
/// machine loses the lock key and the fencing token counter: the lock is free at once
/// while its holder still works, and tokens start again from 1, so fencing lets a stale
/// write in (Kleppmann, "How to do distributed locking", 2016, on restarts).
const LOCKS: &[Setup] = &[Setup {
    params: &[("persist", "none")],
    why: "Redis without persistence: a restart loses the lock and the token counter",
}];

/// The setups worth a sweep in `scene`, besides the configured one.
pub fn risky_setups(scene: SceneId) -> &'static [Setup] {
    match scene.slug() {
        "locks" => LOCKS,
        _ => &[],
    }
}
