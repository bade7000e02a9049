//! The Paxos scene's own views.
//!
//! - The stage: badges (what is chosen, the simulator's global fact; whether safety holds,
//!   with the challenge's crash budget; the quorum rule), the network (nodes with their
//!   roles, what each proposer is doing, the value each acceptor accepted, what each learner
//!   knows, the highest ballot's quorum forming, and messages in flight drawn by kind: 1a
//!   and 1b round, 2a and 2b square, nacks as diamonds, each clickable to drop), the
//!   acceptor table with the quorums of the highest ballots, and a strip: the ballot
//!   timeline (single-decree) or the slot logs (Multi-Paxos).
//! - The panel: the quorum rule with the run's numbers, the challenge's rules, totals.
//!
//! Pure geometry (positions, label placement, timeline bars, value colours) is in
//! [`geometry`] and builds natively.
use crate::algo::paxos::Value;

pub mod geometry;

#[cfg(target_arch = "wasm32")]
mod badges;
#[cfg(target_arch = "wasm32")]
mod menu;
#[cfg(target_arch = "wasm32")]
mod network;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod stage;
#[cfg(target_arch = "wasm32")]
mod strip;
#[cfg(target_arch = "wasm32")]
mod table;

/// The CSS class of a value's colour (`px-v0`..`px-v7`, `px-noop`).
pub fn value_class(value: &Value) -> String {
    match geometry::value_colour(value) {
        Some(i) => format!("px-v{i}"),
        None => "px-noop".into(),
    }
}

#[cfg(target_arch = "wasm32")]
mod views {
    use crate::scene::paxos::{Paxos, PaxosView};
    use crate::ui::scenes::{SceneViews, ViewCtx};
    use yew::prelude::*;

    impl SceneViews for Paxos {
        // `style.css` here, minified by `build.rs`.
        const STYLE: &'static str =
            include_str!(concat!(env!("OUT_DIR"), "/css/ui/paxos/style.css"));

        fn stage(view: PaxosView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::stage::PaxosStage view={view} ctx={ctx} /> })
        }

        fn panel(view: PaxosView, ctx: ViewCtx) -> Option<Html> {
            let names = ctx
                .snapshot
                .nodes
                .iter()
                .map(|n| n.name.clone())
                .collect::<Vec<_>>();
            Some(html! { <super::panel::PaxosPanel view={view} names={names} /> })
        }
    }
}
