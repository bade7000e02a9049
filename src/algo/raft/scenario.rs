//! What a ready-made scenario is, shared by the menu (`scenarios`) and the files that
//! build each scenario (`scenarios_basic`, `scenarios_bugs`, `scenarios_faults`).
use super::config::RaftConfig;
use super::node::RaftNode;
use crate::sim::scenario::Trigger;

/// A scenario: the configuration and the faults, placed by what happens in the run.
pub type Scenario = (RaftConfig, Vec<Trigger<RaftNode>>);
