//! Ready-made scenarios.
use super::config::RaftConfig;
use super::node::RaftNode;
pub use crate::sim::scenario::ScenarioInfo;
use crate::sim::scenario::Trigger;

pub type Scenario = (RaftConfig, Vec<Trigger<RaftNode>>);

pub fn scenarios() -> Vec<ScenarioInfo> {
    Vec::new()
}

pub fn scenario(_id: &str) -> Option<Scenario> {
    None
}
