//! The two-phase commit scene is drawn by the generic views: the topology, the node cards
//! and the space-time diagram.
use crate::scene::two_pc::TwoPc;
use crate::ui::scenes::SceneViews;

impl SceneViews for TwoPc {}
