//! The safety properties, checked after every step on every node.
use super::config::{TxId, LOG_KEEP};
use super::messages::Decision;
use super::{node_line, Reached, TwoPcNode};
use crate::sim::{Invariant, Line, NodeSet};

/// "P1 (in its log)", "coordinator (in memory)": each node that reached `decision`.
pub(super) fn who_reached(
    nodes: &NodeSet<'_, TwoPcNode>,
    tx: TxId,
    decision: Decision,
) -> Vec<Line> {
    nodes
        .iter()
        .filter_map(|(id, node, _)| {
            let where_ = match node.reached(tx, decision)? {
                Reached::InLog => Line::tr("{node} (in its log)"),
                Reached::InMemory => Line::tr("{node} (in memory)"),
            };
            Some(where_.text("node", node_line(id)))
        })
        .collect()
}

/// The nodes that reached `decision`, as a list ("nobody" for none: never the case when a
/// check reports it).
fn reached_list(nodes: &NodeSet<'_, TwoPcNode>, tx: TxId, decision: Decision) -> Line {
    Line::list(who_reached(nodes, tx, decision)).unwrap_or_else(|| Line::tr("nobody"))
}

pub(super) fn anyone_reached(nodes: &NodeSet<'_, TwoPcNode>, tx: TxId, decision: Decision) -> bool {
    nodes
        .iter()
        .any(|(_, node, _)| node.reached(tx, decision).is_some())
}

/// The decisions reached on the 64 newest transactions, gathered in two quick passes over
/// the nodes' logs. The invariants run after every step, so instead of asking every node
/// about every transaction in turn they read each log once and compare bit masks.
struct Recent {
    /// The newest transaction any node mentions (0 if none).
    newest: TxId,
    /// Bit `i` is set when some node has committed transaction `newest - i`.
    commits: u64,
    /// Bit `i` is set when some node has aborted transaction `newest - i`.
    aborts: u64,
    /// Whether some node has reached a decision on an older transaction.
    older: bool,
}

// Validity reads the `LOG_KEEP` newest transactions off the masks.
const _: () = assert!(LOG_KEEP <= 64);

impl Recent {
    fn of(nodes: &NodeSet<'_, TwoPcNode>) -> Self {
        let newest = nodes.iter().map(|(_, node, _)| node.newest_tx()).max();
        let mut recent = Recent {
            newest: newest.unwrap_or(0),
            commits: 0,
            aborts: 0,
            older: false,
        };
        for (_, node, _) in nodes.iter() {
            node.for_each_decision(|tx, decision| recent.note(tx, decision));
        }
        recent
    }

    /// Notes that some node reached `decision` on `tx` (0 means none: ignored). No
    /// transaction is newer than `newest`.
    fn note(&mut self, tx: TxId, decision: Decision) {
        let age = self.newest - tx;
        if tx == 0 {
        } else if age >= 64 {
            self.older = true;
        } else if decision == Decision::Commit {
            self.commits |= 1 << age;
        } else {
            self.aborts |= 1 << age;
        }
    }
}

/// The oldest transaction committed at some node and aborted at another, found without
/// [`Recent`]'s window: for when some node's decisions are far older than the others'.
fn oldest_conflict(nodes: &NodeSet<'_, TwoPcNode>) -> Option<TxId> {
    // The committed transactions: a few, since each log keeps three transactions.
    let mut committed = [0 as TxId; 32];
    let mut count = 0;
    let mut overflow = false;
    for (_, node, _) in nodes.iter() {
        node.for_each_decision(|tx, decision| {
            if tx != 0 && decision == Decision::Commit && !committed[..count].contains(&tx) {
                match committed.get_mut(count) {
                    Some(slot) => {
                        *slot = tx;
                        count += 1;
                    }
                    None => overflow = true,
                }
            }
        });
    }
    let is_committed = |tx: TxId| {
        committed[..count].contains(&tx)
            || (overflow && anyone_reached(nodes, tx, Decision::Commit))
    };
    let mut oldest: Option<TxId> = None;
    if count > 0 {
        for (_, node, _) in nodes.iter() {
            node.for_each_decision(|tx, decision| {
                if tx != 0 && decision == Decision::Abort && is_committed(tx) {
                    oldest = Some(oldest.map_or(tx, |o| o.min(tx)));
                }
            });
        }
    }
    oldest
}

pub(super) fn check_atomicity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), Line> {
    let recent = Recent::of(nodes);
    let conflict = if recent.older {
        oldest_conflict(nodes)
    } else {
        // The highest bit is the oldest transaction.
        let both = recent.commits & recent.aborts;
        (both != 0).then(|| recent.newest - (63 - both.leading_zeros()))
    };
    match conflict {
        None => Ok(()),
        Some(tx) => Err(Line::tr(
            "transaction t{tx} is committed at {committed} but aborted at {aborted}",
        )
        .with("tx", tx)
        .text("committed", reached_list(nodes, tx, Decision::Commit))
        .text("aborted", reached_list(nodes, tx, Decision::Abort))),
    }
}

pub(super) fn check_validity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), Line> {
    let recent = Recent::of(nodes);
    // Vote records cover each participant's recent transactions only (the `LOG_KEEP`
    // newest); older commits were checked when they happened. Oldest first.
    for age in (0..LOG_KEEP)
        .rev()
        .filter(|age| recent.commits & (1 << age) != 0)
    {
        let tx = recent.newest - age;
        let silent = |node: &TwoPcNode| node.as_participant().is_some_and(|p| !p.voted_yes_on(tx));
        if !nodes.iter().any(|(_, node, _)| silent(node)) {
            continue;
        }
        let silent = nodes
            .iter()
            .filter(|(_, node, _)| silent(node))
            .map(|(id, _, _)| node_line(id));
        return Err(Line::tr(
            "transaction t{tx} is committed at {committed} although {silent} never voted yes \
             on it",
        )
        .with("tx", tx)
        .text("committed", reached_list(nodes, tx, Decision::Commit))
        .text(
            "silent",
            Line::list(silent).unwrap_or_else(|| Line::tr("nobody")),
        ));
    }
    Ok(())
}

/// The safety properties, checked after every step on every node (crashed ones included).
pub fn invariants() -> Vec<Invariant<TwoPcNode>> {
    vec![
        Invariant {
            name: "atomicity",
            description: "no transaction is committed at one node and aborted at another",
            check: check_atomicity,
            changes_with: None,
        },
        Invariant {
            name: "validity",
            description: "a transaction commits only if every participant voted yes",
            check: check_validity,
            changes_with: None,
        },
    ]
}
