//! The two safety properties the scene watches.
use super::contract::Held;
use super::{Client, LockNode};
use crate::sim::{Invariant, Line, NodeSet, NodeStatus};

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

fn check_no_stale_writes(nodes: &NodeSet<'_, LockNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        if let LockNode::Storage(storage) = node {
            if let Some(stale) = storage.first_stale_write() {
                return Err(stale.line());
            }
        }
    }
    Ok(())
}

fn check_single_holder(nodes: &NodeSet<'_, LockNode>) -> Result<(), Line> {
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
    let who = believers.iter().map(|(c, h)| {
        Line::tr("client {number} ({held})")
            .with("number", c.number())
            .text("held", h.line())
    });
    let all = if believers.len() == 2 {
        Line::tr("{clients} both believe they hold the lock")
    } else {
        Line::tr("{clients} all believe they hold the lock")
    };
    Err(all.text(
        "clients",
        Line::and_list(who).unwrap_or_else(|| Line::value("")),
    ))
}
