//! The Raft scene's own views, RaftScope's picture and more:
//!
//! - the stage: servers around a circle, filled with their term's colour, their role in
//!   the ring's style and in words, a shrinking election-timer arc, the votes a candidate
//!   has received; clients in the middle; messages in flight, shaped by kind, that a click
//!   drops; and a log grid of every server, coloured by term, with the commit index
//!   (solid cells), the snapshot boundary (hatched) and the leader's nextIndex and
//!   matchIndex for each follower. RaftScope's keys work on it: C, R, T, A.
//! - the panel: each server's key-value store, the clients' history with its
//!   linearizability verdict, and "why randomized timeouts": the distribution of election
//!   times after a leader crash for six timeout ranges over 1,000 seeds each (the paper's
//!   Figure 16), measured on request a few milliseconds per frame (`figure16_run`).
//!
//! - on a phone (the shell's phone width) the stage stacks the ring over the log grid in a
//!   narrow frame drawn at about full scale (`frame`).
//!
//! The geometry, the frames and the keys' actions are pure and build natively.
pub mod actions;
pub mod figure16_run;
pub mod frame;
pub mod geometry;

#[cfg(target_arch = "wasm32")]
mod figure16;
#[cfg(target_arch = "wasm32")]
mod keys;
#[cfg(target_arch = "wasm32")]
mod log_grid;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod ring;
#[cfg(target_arch = "wasm32")]
mod stage;

#[cfg(target_arch = "wasm32")]
mod views {
    use crate::scene::raft::{Raft, RaftView};
    use crate::ui::scenes::{SceneViews, ViewCtx};
    use yew::prelude::*;

    impl SceneViews for Raft {
        // `style.css` here, minified by `build.rs`.
        const STYLE: &'static str =
            include_str!(concat!(env!("OUT_DIR"), "/css/ui/raft/style.css"));

        fn stage(view: RaftView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::stage::RaftStage view={view} ctx={ctx} /> })
        }

        fn panel(view: RaftView, _ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::panel::RaftPanel view={view} /> })
        }
    }
}
