//! The message-queue scene's own views: a stage with producers, Redis (its queue, the
//! processing lists or pending entries, the dead letters), consumers and the database,
//! messages as chips moving between them, the counters, the command Redis just ran, a
//! chart of the queue's depth; and a side panel with the design's story, the pending
//! entries, persistence, and the designs compared under one fault schedule.

// Pure geometry, native too.
pub mod geometry;

#[cfg(target_arch = "wasm32")]
mod nodes;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod parts;
#[cfg(target_arch = "wasm32")]
mod stage;

#[cfg(target_arch = "wasm32")]
mod views {
    use crate::scene::queue::{QueueScene, QueueSceneView};
    use crate::ui::scenes::{SceneViews, ViewCtx};
    use yew::prelude::*;

    impl SceneViews for QueueScene {
        // `style.css` here, minified by `build.rs`.
        const STYLE: &'static str =
            include_str!(concat!(env!("OUT_DIR"), "/css/ui/queue/style.css"));

        fn stage(view: QueueSceneView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::stage::QueueStage view={view} ctx={ctx} /> })
        }

        fn panel(view: QueueSceneView, ctx: ViewCtx) -> Option<Html> {
            Some(html! { <super::panel::QueuePanel view={view} ctx={ctx} /> })
        }
    }
}
