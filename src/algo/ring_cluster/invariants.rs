//! The named safety properties, checked after every step from the last change's moves.
use super::cluster::RingNode;
use super::config::{Algorithm, RingConfig};
use super::report::{ChangeKind, Move};
use crate::algo::text::thousands;
use crate::sim::{Invariant, Line, NodeId, NodeSet};

fn cluster<'a>(nodes: &NodeSet<'a, RingNode>) -> Option<&'a RingNode> {
    nodes.get(NodeId(0))
}

fn check_minimal_disruption(nodes: &NodeSet<'_, RingNode>) -> Result<(), Line> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    let Some(change) = node.last_change() else {
        return Ok(());
    };
    let inward = change.kind.pulls_keys_in();
    let stray: Vec<&Move> = change
        .moves
        .iter()
        .filter(|m| {
            if inward {
                m.to != change.slot
            } else {
                m.from != change.slot
            }
        })
        .collect();
    let Some(first) = stray.first() else {
        return Ok(());
    };
    let name = |slot: u16| {
        node.node_name(slot)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{slot}"))
    };
    let what = match change.kind {
        ChangeKind::Join => Line::tr("joined"),
        ChangeKind::Recover => Line::tr("recovered"),
        ChangeKind::Leave => Line::tr("left"),
        ChangeKind::Fail => Line::tr("failed"),
        ChangeKind::Weight { .. } => Line::tr("changed weight"),
    };
    let said = if stray.len() == 1 {
        Line::tr(
            "{node} {what}, yet {key} moved from {from} to {to} (the only key moved between \
             uninvolved nodes)",
        )
    } else {
        Line::tr(
            "{node} {what}, yet {key} moved from {from} to {to} ({n} keys moved between \
             uninvolved nodes)",
        )
    };
    Err(said
        .with("node", &change.node)
        .text("what", what)
        .with("key", node.key_name(first.key))
        .with("from", name(first.from))
        .with("to", name(first.to))
        .with("n", thousands(stray.len() as u64)))
}

fn check_every_key_owned(nodes: &NodeSet<'_, RingNode>) -> Result<(), Line> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    let held: u64 = node
        .live_nodes()
        .map(|(slot, _)| u64::from(node.loads.get(usize::from(slot)).copied().unwrap_or(0)))
        .sum();
    if held != u64::from(node.key_count()) {
        return Err(Line::tr("the live nodes hold {held} keys, not all {total}")
            .with("held", thousands(held))
            .with("total", thousands(node.key_count().into())));
    }
    Ok(())
}

fn check_distinct_replicas(nodes: &NodeSet<'_, RingNode>) -> Result<(), Line> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    let Some(lookup) = node.lookup() else {
        return Ok(());
    };
    for (i, slot) in lookup.replicas.iter().enumerate() {
        if lookup.replicas[..i].contains(slot) {
            return Err(
                Line::tr("{node} is listed twice among the replicas of \"{key}\"")
                    .with("node", node.node_name(*slot).unwrap_or("?"))
                    .with("key", &lookup.key),
            );
        }
        if node.node_name(*slot).is_none() {
            return Err(
                Line::tr("a replica of \"{key}\" is on a node that is not live")
                    .with("key", &lookup.key),
            );
        }
    }
    let ring_based =
        node.config.algorithm.uses_ring() || node.config.algorithm == Algorithm::Rendezvous;
    let wanted = (node.config.replicas as usize).min(node.ring.node_count());
    if ring_based && lookup.replicas.len() != wanted {
        return Err(Line::tr("\"{key}\" has {n} replicas, not {wanted}")
            .with("key", &lookup.key)
            .with("n", lookup.replicas.len())
            .with("wanted", wanted));
    }
    Ok(())
}

fn check_load_cap(nodes: &NodeSet<'_, RingNode>) -> Result<(), Line> {
    let Some(node) = cluster(nodes) else {
        return Ok(());
    };
    for row in node.node_rows() {
        if let Some(cap) = row.cap {
            if u64::from(row.keys) > cap {
                return Err(Line::tr("{node} holds {keys} keys, above its cap of {cap}")
                    .with("node", &row.name)
                    .with("keys", thousands(row.keys.into()))
                    .with("cap", thousands(cap)));
            }
        }
    }
    Ok(())
}

/// The named properties checked after every step (the load cap only for bounded loads).
pub fn invariants(config: &RingConfig) -> Vec<Invariant<RingNode>> {
    let mut list = vec![
        Invariant {
            name: "minimal disruption",
            description: "A join moves keys only to the new node; a leave or failure moves only the \
                          leaving node's keys. The ring and rendezvous hashing keep this promise; hash \
                          mod N, jump hash (removing from the middle), Maglev (a few keys), ketama \
                          with unequal weights and bounded loads do not.",
            check: check_minimal_disruption,
            changes_with: None,
        },
        Invariant {
            name: "every key has an owner",
            description: "The live nodes hold all K keys between them: none is lost or counted twice.",
            check: check_every_key_owned,
            changes_with: None,
        },
        Invariant {
            name: "distinct replicas",
            description: "A key's R replicas are on R different live nodes (the clockwise walk skips \
                          further points of nodes it already has).",
            check: check_distinct_replicas,
            changes_with: None,
        },
    ];
    if config.algorithm == Algorithm::BoundedLoad {
        list.push(Invariant {
            name: "load cap",
            description:
                "With bounded loads no node holds more than ceil(c × its fair share) keys.",
            check: check_load_cap,
            changes_with: None,
        });
    }
    list
}
