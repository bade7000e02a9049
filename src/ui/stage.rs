//! Scene-specific views. Most scenes are drawn by the generic topology view and space-time
//! diagram; a scene with a view of its own plugs it in here.
use super::app::Msg;
use crate::scene::SceneId;
use crate::sim::run::Run;
use crate::sim::Time;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The run, shared with a scene's own view. Views read it at render time (the scene state
/// behind `Run::scene_state`); they change it only through `Msg`s.
#[derive(Clone)]
pub struct RunRef(pub Rc<RefCell<Box<dyn Run>>>);

impl PartialEq for RunRef {
    /// A run changes in place, so a view holding it always re-renders with its parent.
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// What a scene's own view gets.
#[derive(Properties, PartialEq, Clone)]
pub struct StageProps {
    pub run: RunRef,
    pub cursor: u64,
    pub playhead: Time,
    pub compact: bool,
    /// The scene's link parameters, as the run uses them.
    pub params: std::collections::BTreeMap<String, String>,
    pub on_msg: Callback<Msg>,
}

/// The view that replaces the topology view for `scene`, if it has one.
pub fn scene_stage(scene: SceneId, props: StageProps) -> Option<Html> {
    let _ = &props;
    match scene {
        SceneId::TwoPhaseCommit | SceneId::Locks => None,
        SceneId::Ring => Some(html! { <super::ring_view::RingStage ..props /> }),
    }
}

/// A view shown beside the generic ones (e.g. the lock queue), if the scene has one.
pub fn scene_panel(scene: SceneId, props: StageProps) -> Option<Html> {
    match scene {
        SceneId::Locks => Some(html! { <super::locks_view::LockPanel ..props /> }),
        SceneId::Ring => Some(html! { <super::ring_view::RingPanel ..props /> }),
        SceneId::TwoPhaseCommit => None,
    }
}

/// Whether the scene is drawn as nodes exchanging messages (topology view, space-time
/// diagram and node cards). A scene whose `scene_stage` replaces them says no here.
pub fn uses_message_views(scene: SceneId) -> bool {
    match scene {
        SceneId::TwoPhaseCommit | SceneId::Locks => true,
        SceneId::Ring => false,
    }
}
