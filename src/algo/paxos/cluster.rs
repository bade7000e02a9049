//! Building a run: the nodes of a configuration, their names, the network, and the
//! simulation with the scene's invariants.
use super::config::PaxosConfig;
use super::invariants::invariants;
use super::node::PaxosNode;
use crate::sim::{NetConfig, NodeId, Sim};

/// The nodes of a configuration: the Paxos nodes in order, then the clients.
pub fn nodes(config: &PaxosConfig) -> Vec<PaxosNode> {
    (0..config.node_count())
        .map(|i| PaxosNode::new(config, NodeId(i)))
        .collect()
}

/// Names for the views: `n0`... for Paxos nodes, `client 1`... for clients.
pub fn node_names(config: &PaxosConfig) -> Vec<String> {
    let paxos = config.roles.len() as u32;
    (0..config.node_count())
        .map(|i| {
            if i < paxos {
                format!("n{i}")
            } else {
                format!("client {}", i - paxos + 1)
            }
        })
        .collect()
}

/// The configuration's network: its latency range, nothing lost or duplicated (faults are
/// the person's to inject).
pub fn net_config(config: &PaxosConfig) -> NetConfig {
    NetConfig {
        latency_min: config.latency_min,
        latency_max: config.latency_max,
        loss: 0.0,
        duplicate: 0.0,
    }
}

/// A simulation of the configuration with its network and the invariants.
pub fn new_sim(seed: u64, config: &PaxosConfig) -> Sim<PaxosNode> {
    Sim::new(seed, nodes(config), net_config(config), invariants())
}
