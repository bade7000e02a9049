//! The safety properties of Figure 3, and linearizability of what the clients saw.
//!
//! The checks look at every server, crashed ones included (their durable state still
//! counts), after every step, so each must be cheap: they read the ghost records the
//! servers keep (see `ghost`) and compare logs through their chains, never entry by entry.
//! Each also names what it reads through a change key, a sum of counters that only grow
//! (log changes; role, term, leadership and commit records; applies), so that the kernel
//! skips it after the many steps that change none of them (a heartbeat that finds the log
//! already matching, a timer reset): it re-runs exactly when its inputs may have changed.
//! The linearizability search, the expensive one, runs only when a client operation has
//! returned, and searches the latest operations of each key (see
//! `linearizability::check_recent`).
use super::ghost::APPLIED_WINDOW;
use super::linearizability::{check_recent, operations_of, Operation, RECENT_WINDOW};
use super::node::RaftNode;
use super::server::{Role, Server};
use crate::sim::{Invariant, Line, NodeId, NodeSet};

pub const ELECTION_SAFETY: &str = "Election Safety";
pub const LEADER_APPEND_ONLY: &str = "Leader Append-Only";
pub const LOG_MATCHING: &str = "Log Matching";
pub const LEADER_COMPLETENESS: &str = "Leader Completeness";
pub const STATE_MACHINE_SAFETY: &str = "State Machine Safety";
pub const LINEARIZABILITY: &str = "Linearizability";

pub fn invariants() -> Vec<Invariant<RaftNode>> {
    vec![
        Invariant::new(
            ELECTION_SAFETY,
            "at most one leader can be elected in a given term (§5.2)",
            check_election_safety,
        )
        .checked_when(epochs),
        Invariant::new(
            LEADER_APPEND_ONLY,
            "a leader never overwrites or deletes entries in its log; it only appends (§5.3)",
            check_leader_append_only,
        )
        .checked_when(epochs_and_logs),
        Invariant::new(
            LOG_MATCHING,
            "if two logs contain an entry with the same index and term, the logs are \
             identical in all entries up through that index (§5.3)",
            check_log_matching,
        )
        .checked_when(log_changes),
        Invariant::new(
            LEADER_COMPLETENESS,
            "if an entry is committed in a term, it is present in the logs of the leaders of \
             all later terms (§5.4)",
            check_leader_completeness,
        )
        .checked_when(epochs_and_logs),
        Invariant::new(
            STATE_MACHINE_SAFETY,
            "if a server has applied an entry at an index, no other server ever applies a \
             different entry at that index (§5.4.3)",
            check_state_machine_safety,
        )
        .checked_when(applies),
        Invariant::new(
            LINEARIZABILITY,
            "every client read and write appears to take effect at one instant between its \
             invocation and its return, like a single copy of the store (dissertation §6.3)",
            check_history,
        )
        .checked_when(returned_operations),
    ]
}

fn servers<'a>(nodes: &NodeSet<'a, RaftNode>) -> impl Iterator<Item = (NodeId, &'a Server)> + 'a {
    nodes
        .iter()
        .filter_map(|(id, node, _)| node.as_server().map(|s| (id, s)))
}

/// Every pair of servers, without allocating (the checks run after every step).
fn server_pairs<'a>(
    nodes: &'a NodeSet<'a, RaftNode>,
) -> impl Iterator<Item = ((NodeId, &'a Server), (NodeId, &'a Server))> + 'a {
    servers(nodes)
        .enumerate()
        .flat_map(move |(k, a)| servers(nodes).skip(k + 1).map(move |b| (a, b)))
}

/// Change keys: sums of counters that only grow, so a key moves whenever one of the
/// counters it adds up does.
fn epochs(nodes: &NodeSet<'_, RaftNode>) -> u64 {
    servers(nodes).map(|(_, s)| s.ghost().epoch).sum()
}

fn epochs_and_logs(nodes: &NodeSet<'_, RaftNode>) -> u64 {
    servers(nodes)
        .map(|(_, s)| s.ghost().epoch + s.log().version())
        .sum()
}

fn log_changes(nodes: &NodeSet<'_, RaftNode>) -> u64 {
    servers(nodes).map(|(_, s)| s.log().version()).sum()
}

fn applies(nodes: &NodeSet<'_, RaftNode>) -> u64 {
    servers(nodes).map(|(_, s)| s.ghost().applies).sum()
}

/// Checked when someone is leader: no other server ever led its term. Ghost: each server's
/// list of the terms it led. The first violation is caught at the step the second leader
/// wins, since it is leader then.
fn check_election_safety(nodes: &NodeSet<'_, RaftNode>) -> Result<(), Line> {
    for (id, leader) in servers(nodes).filter(|(_, s)| s.role() == Role::Leader) {
        let term = leader.current_term();
        if let Some((other, _)) = servers(nodes).find(|(o, s)| *o != id && s.ghost().led(term)) {
            return Err(
                Line::tr("{a} and {b} were both elected leader in term {term}")
                    .with("a", id)
                    .with("b", other)
                    .with("term", term),
            );
        }
    }
    Ok(())
}

/// Ghost: the log counts the entries it ever removed; a leader's count must not have
/// moved since it was elected.
fn check_leader_append_only(nodes: &NodeSet<'_, RaftNode>) -> Result<(), Line> {
    for (id, s) in servers(nodes).filter(|(_, s)| s.role() == Role::Leader) {
        let removed = s.log().removed() - s.ghost().removed_when_elected;
        if removed > 0 {
            return Err(Line::tr(
                "{node}, leader of term {term}, removed {removed} entries from its own log",
            )
            .with("node", id)
            .with("term", s.current_term())
            .with("removed", removed));
        }
    }
    Ok(())
}

fn check_log_matching(nodes: &NodeSet<'_, RaftNode>) -> Result<(), Line> {
    for ((a, sa), (b, sb)) in server_pairs(nodes) {
        if sa.log().is_empty() || sb.log().is_empty() {
            continue;
        }
        if let Some(index) = sa.log().matching_conflict(sb.log()) {
            let term = sa.log().term_at(index).unwrap_or_default();
            return Err(Line::tr(
                "{a} and {b} both hold an entry of term {term} at index {index}, but their logs \
                 differ before it",
            )
            .with("a", a)
            .with("b", b)
            .with("term", term)
            .with("index", index));
        }
    }
    Ok(())
}

/// For every leader of term T: every commit some server learned before T (ghost commit
/// marks, which pin the whole committed prefix by its chain) is in the leader's log.
fn check_leader_completeness(nodes: &NodeSet<'_, RaftNode>) -> Result<(), Line> {
    for (id, leader) in servers(nodes).filter(|(_, s)| s.role() == Role::Leader) {
        let term = leader.current_term();
        let log = leader.log();
        for (other, s) in servers(nodes) {
            let Some(mark) = s.ghost().commit_before(term) else {
                continue;
            };
            if mark.index < log.snapshot_index() {
                continue; // compacted away: State Machine Safety still watches it
            }
            if log.chain_at(mark.index) != Some(mark.chain) {
                return Err(Line::tr(
                    "{node} leads term {term} but its log lacks entries up to index {index} \
                     that {other} knew were committed in term {learned}",
                )
                .with("node", id)
                .with("term", term)
                .with("index", mark.index)
                .with("other", other)
                .with("learned", mark.learned_in));
            }
        }
    }
    Ok(())
}

/// Ghost: each server remembers the chain of what it applied at its last few indexes. Two
/// servers must agree at the highest index both applied.
fn check_state_machine_safety(nodes: &NodeSet<'_, RaftNode>) -> Result<(), Line> {
    for (id, s) in servers(nodes) {
        if let Some(index) = s.ghost().applied_twice {
            return Err(Line::tr(
                "{node} applied two different entries at index {index} (before and after a \
                 restart)",
            )
            .with("node", id)
            .with("index", index));
        }
    }
    for ((a, sa), (b, sb)) in server_pairs(nodes) {
        let (ga, gb) = (sa.ghost(), sb.ghost());
        let index = ga.applied_high.min(gb.applied_high);
        if index == 0 || ga.applied_high.abs_diff(gb.applied_high) >= APPLIED_WINDOW as u64 {
            continue;
        }
        if let (Some(x), Some(y)) = (ga.applied_at(index), gb.applied_at(index)) {
            if x != y {
                return Err(Line::tr(
                    "{a} and {b} applied different entries at or before index {index}",
                )
                .with("a", a)
                .with("b", b)
                .with("index", index));
            }
        }
    }
    Ok(())
}

/// Every client's operations, in client order.
pub fn client_history(nodes: &NodeSet<'_, RaftNode>) -> Vec<Operation> {
    nodes
        .iter()
        .filter_map(|(id, node, _)| node.as_client().map(|c| operations_of(id, c.history())))
        .flatten()
        .collect()
}

fn check_history(nodes: &NodeSet<'_, RaftNode>) -> Result<(), Line> {
    check_recent(&client_history(nodes), RECENT_WINDOW)
}

fn returned_operations(nodes: &NodeSet<'_, RaftNode>) -> u64 {
    nodes
        .iter()
        .filter_map(|(_, node, _)| node.as_client())
        .map(|c| c.completed() as u64)
        .sum()
}
