//! Each scene's own views, reached through the registry (`crate::registry`).
//!
//! A scene's views implement [`SceneViews`] in `ui/<topic>/`: they receive the scene's typed
//! view model and draw it. The shell never knows which scene it shows: it holds the run as a
//! [`UiRun`], which can both be driven (it is a [`Run`]) and draw its scene's views.
use super::model::Msg;
use crate::scene::{build_scene_opening, Built, RunSpec, Scene, SceneRun, OPENING_STEPS};
use crate::sim::run::{Run, Snapshot};
use crate::sim::Time;
use std::marker::PhantomData;
use std::rc::Rc;
use yew::prelude::*;

/// What every scene view gets besides its view model.
#[derive(Clone, PartialEq)]
pub struct ViewCtx {
    /// The generic picture of the run at the cursor: nodes with their state labels and
    /// status, messages in flight (with send and arrival times, to animate and to drop),
    /// cut links and invariants.
    pub snapshot: Rc<Snapshot>,
    /// The node whose menu is open, if any, and the scene's commands for it (draw them
    /// with `crate::ui::node_menu::NodeMenu`).
    pub selected: Option<u32>,
    pub selected_commands: Vec<crate::sim::run::NodeCommandView>,
    /// The group being chosen with the partition tool, if it is on (draw the tool with
    /// `crate::ui::node_menu::PartitionBar`).
    pub partition: Option<Vec<u32>>,
    pub cursor: u64,
    pub playhead: Time,
    /// The compact embed layout.
    pub compact: bool,
    /// Nodes the open tour stop points at (draw them marked).
    pub highlights: Vec<u32>,
    pub on_msg: Callback<Msg>,
}

/// A scene's views. Scenes drawn only by the generic views (topology, diagram, node cards)
/// implement it with no methods.
pub trait SceneViews: Scene {
    /// The scene views' own stylesheet (`ui/<topic>/style.css`, minified by `build.rs`): it
    /// travels with the scene into every page and embed, isolated with the rest.
    const STYLE: &'static str = "";

    /// A view that replaces the generic topology view, if the scene has one.
    fn stage(_view: Self::View, _ctx: ViewCtx) -> Option<Html> {
        None
    }

    /// A panel shown beside the generic ones, if the scene has one.
    fn panel(_view: Self::View, _ctx: ViewCtx) -> Option<Html> {
        None
    }

    /// What a key (not space or the arrows, which the shell keeps) does in this scene, e.g.
    /// "C" sends a client request. Keys typed into form fields never arrive here.
    fn on_key(_view: Self::View, _key: &str) -> Option<Msg> {
        None
    }
}

/// A run the shell can drive and whose scene views it can draw.
pub trait UiRun: Run {
    fn stage(&self, ctx: ViewCtx) -> Option<Html>;
    fn panel(&self, ctx: ViewCtx) -> Option<Html>;
    fn on_key(&self, key: &str) -> Option<Msg>;
}

impl<S: SceneViews> UiRun for SceneRun<S> {
    fn stage(&self, ctx: ViewCtx) -> Option<Html> {
        S::stage(self.view(), ctx)
    }

    fn panel(&self, ctx: ViewCtx) -> Option<Html> {
        S::panel(self.view(), ctx)
    }

    fn on_key(&self, key: &str) -> Option<Msg> {
        S::on_key(self.view(), key)
    }
}

/// A scene's views without their types, for the registry.
pub trait DynSceneViews: Sync {
    fn slug(&self) -> &'static str;
    fn style(&self) -> &'static str;
    fn build(&self, spec: &mut RunSpec) -> Built<dyn UiRun>;
}

/// The registry's entry for scene `S`'s views.
pub struct ViewsEntry<S>(PhantomData<fn() -> S>);

impl<S> ViewsEntry<S> {
    pub const NEW: Self = ViewsEntry(PhantomData);
}

impl<S: SceneViews> DynSceneViews for ViewsEntry<S> {
    fn slug(&self) -> &'static str {
        S::SLUG
    }

    fn style(&self) -> &'static str {
        S::STYLE
    }

    fn build(&self, spec: &mut RunSpec) -> Built<dyn UiRun> {
        let built = build_scene_opening::<S>(spec, OPENING_STEPS);
        Built {
            run: built.run,
            problems: built.problems,
        }
    }
}

/// Builds the run a spec describes, with its scene's views.
pub fn build(spec: &mut RunSpec) -> Built<dyn UiRun> {
    let slug = spec.scene.slug();
    let entry = crate::registry::SCENE_VIEWS
        .iter()
        .find(|e| e.slug() == slug)
        .unwrap_or(&crate::registry::SCENE_VIEWS[0]);
    entry.build(spec)
}

/// Every stylesheet of the app: the shell's, then each scene's views'.
pub fn stylesheet() -> String {
    // `style/shell.css`, minified by `build.rs`.
    let mut css = String::from(include_str!(concat!(
        env!("OUT_DIR"),
        "/css/ui/style/shell.css"
    )));
    css.push_str(super::explore::STYLE);
    for entry in crate::registry::SCENE_VIEWS {
        css.push('\n');
        css.push_str(entry.style());
    }
    css
}
