//! The load-balancing scene's own views.
//!
//! - The stage (SVG): the clients, the balancers and the servers in three columns; each
//!   request on a wire is a dot moving at the playhead (requests on the upper lane, answers
//!   on the lower, green when served, red when turned away or failed); each server row
//!   shows its busy slots, its queue against its bound, its utilisation and the balancers'
//!   health marks; in a comparison, a thin bar under each queue is the second run's. Below,
//!   the latency chart: p50, p95 and p99 over time and the share not served, both sides
//!   overlaid. Too many requests on the wires are sampled (by id), and the stage says so.
//! - The panel: the numbers at the cursor for each side, the balancers' books, and two
//!   figures computed on request (p99 with a slow server per strategy; the maximum load
//!   of n balls in n bins with one and two choices).

// Pure parts, native too.
pub mod geometry;
pub mod plot;

#[cfg(target_arch = "wasm32")]
mod chart;
#[cfg(target_arch = "wasm32")]
mod figures;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod stage;

#[cfg(target_arch = "wasm32")]
mod views {
    use crate::scene::balance::{Balance, BalanceSceneView};
    use crate::ui::scenes::{SceneViews, ViewCtx};
    use yew::prelude::*;

    impl SceneViews for Balance {
        // `style.css` here, minified by `build.rs`.
        const STYLE: &'static str =
            include_str!(concat!(env!("OUT_DIR"), "/css/ui/balance/style.css"));

        fn stage(view: BalanceSceneView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::stage::BalanceStage view={view} ctx={ctx} /> })
        }

        fn panel(view: BalanceSceneView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::panel::BalancePanel view={view} ctx={ctx} /> })
        }
    }
}
