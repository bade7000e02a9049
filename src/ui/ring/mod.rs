//! The consistent-hashing scene's own views.
//!
//!
//! - The ring (SVG): each server's arcs and virtual-node ticks in its colour, and a chip
//!   per server outside the ring. Arcs and ticks are built once per ring version (memoized
//!   on the ring's `Rc`), at pixel resolution when the ring has thousands of points.
//! - The keys: dots in a band inside the ring, at their hash's angle, in their owner's
//!   colour. Up to [`SVG_KEY_LIMIT`] keys are SVG circles (with a tooltip each); more are
//!   drawn on a `<canvas>` from Rust, only when the state or the animation frame changes.
//! - After a membership change the keys that move fly from the old owner's chip to the new
//!   owner's chip; after a lookup the clockwise walk to the key's replicas is traced.
//!
//! **Time.** An animation's progress is a function of the step and the playhead: while the
//! run plays, `(playhead - change time) / FLIGHT`; when the view arrives at a change with
//! the playhead on it (a person acted, stepped or rewound), a short wall-clock tween plays
//! it once and then rests on the settled picture. A later step always shows the change
//! settled. So every step shows the same picture however it was reached.

// Pure parts, native too.
pub mod chips;
pub mod geometry;
pub mod keys;
pub mod words;

#[cfg(target_arch = "wasm32")]
mod animation;
#[cfg(target_arch = "wasm32")]
mod canvas;
#[cfg(target_arch = "wasm32")]
mod controls;
#[cfg(target_arch = "wasm32")]
mod overlay;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod stage;
#[cfg(target_arch = "wasm32")]
mod text;

#[cfg(target_arch = "wasm32")]
mod views {
    use crate::scene::ring::{Ring, RingView};
    use crate::ui::scenes::{SceneViews, ViewCtx};
    use yew::prelude::*;

    impl SceneViews for Ring {
        // `style.css` here, minified by `build.rs`.
        const STYLE: &'static str =
            include_str!(concat!(env!("OUT_DIR"), "/css/ui/ring/style.css"));

        fn stage(view: RingView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::stage::RingStage view={view} ctx={ctx} /> })
        }

        fn panel(view: RingView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::panel::RingPanel view={view} ctx={ctx} /> })
        }
    }
}
