//! The two safety properties the scene watches.
use super::contract::Held;
use super::{Client, LockNode};
use crate::sim::{Invariant, NodeSet, NodeStatus};

pub const NO_STALE_WRITES: &str = "no stale writes";
pub const SINGLE_HOLDER: &str = "single holder";

pub fn invariants() -> Vec<Invariant<LockNode>> {
    vec![
        Invariant {
            name: NO_STALE_WRITES,
            description: "once the storage accepted a write made under one lock grant, it \
                          never accepts a write made under an earlier grant",
            check: check_no_stale_writes,
            changes_with: None,
        },
        Invariant {
            name: SINGLE_HOLDER,
            description: "no two clients believe they hold the lock at the same time (fails \
                          under pauses even with fencing; fencing makes it harmless)",
            check: check_single_holder,
            changes_with: None,
        },
    ]
}

fn check_no_stale_writes(nodes: &NodeSet<'_, LockNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        if let LockNode::Storage(storage) = node {
            if let Some(stale) = storage.first_stale_write() {
                return Err(stale.describe());
            }
        }
    }
    Ok(())
}

fn check_single_holder(nodes: &NodeSet<'_, LockNode>) -> Result<(), String> {
    let believers: Vec<(&Client, &Held)> = nodes
        .iter()
        .filter(|(_, _, status)| *status != NodeStatus::Crashed)
        .filter_map(|(_, node, _)| match node {
            LockNode::Client(c) => c.believed_hold().map(|h| (c, h)),
            _ => None,
        })
        .collect();
    if believers.len() < 2 {
        return Ok(());
    }
    let who: Vec<String> = believers
        .iter()
        .map(|(c, h)| format!("client {} ({})", c.number(), h.describe()))
        .collect();
    let all = if who.len() == 2 { "both" } else { "all" };
    Err(format!(
        "{} {all} believe they hold the lock",
        join_names(&who)
    ))
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
