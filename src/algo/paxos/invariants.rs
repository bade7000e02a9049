//! The safety properties, checked live after every step that could change them.
//!
//! All of them read the ghost history (see `ghost`): which acceptor accepted what in
//! which ballot, which learner learned what. Each check looks only at what the latest step
//! can have changed (the slot of each acceptor's latest acceptance, each learner's latest
//! learning), and runs only when the number of acceptances, learnings or applied slots
//! moved; the tests compare the verdicts with a full recomputation
//! (`views::full_check`) over thousands of random runs.
//!
//! - **agreement**: at most one value is chosen per slot (*Paxos Made Simple* §2.1).
//! - **chosen value sticks**: once `v` is chosen in ballot `b`, every acceptance of a
//!   higher ballot in that slot is of `v` (Lamport's P2a: the reason a chosen value never
//!   changes, and red as soon as it is broken, before a second value is chosen).
//! - **promises kept**: no acceptor accepts a ballot below one it promised, before a
//!   crash included.
//! - **validity**: only a value some proposer was given can be chosen.
//! - **learned is chosen**: a learner learns only a chosen value.
//! - **replicas agree**: the key-value replicas applied the same commands in every common
//!   prefix of their logs.
use super::ballot::{Ballot, Slot};
use super::config::Mode;
use super::node::PaxosNode;
use super::value::Value;
use crate::sim::{Invariant, NodeId, NodeSet};
use std::collections::{BTreeMap, BTreeSet};

pub const AGREEMENT: &str = "agreement";
pub const CHOSEN_STICKS: &str = "chosen value sticks";
pub const PROMISES_KEPT: &str = "promises kept";
pub const VALIDITY: &str = "validity";
pub const LEARNED_IS_CHOSEN: &str = "learned is chosen";
pub const REPLICAS_AGREE: &str = "replicas agree";

/// The scene's invariants, in this order.
pub fn invariants() -> Vec<Invariant<PaxosNode>> {
    vec![
        Invariant::new(
            AGREEMENT,
            "at most one value is chosen in each slot",
            check_agreement,
        )
        .checked_when(votes_key),
        Invariant::new(
            CHOSEN_STICKS,
            "once a value is chosen in a ballot, every higher ballot accepted in that slot \
             carries the same value, so the chosen value never changes",
            check_chosen_sticks,
        )
        .checked_when(votes_key),
        Invariant::new(
            PROMISES_KEPT,
            "no acceptor ever accepts a ballot below one it promised (even before a crash)",
            check_promises_kept,
        )
        .checked_when(votes_key),
        Invariant::new(
            VALIDITY,
            "a chosen value was proposed by someone",
            check_validity,
        )
        .checked_when(votes_key),
        Invariant::new(
            LEARNED_IS_CHOSEN,
            "a learner learns only a value that is chosen",
            check_learned_is_chosen,
        )
        .checked_when(learned_key),
        Invariant::new(
            REPLICAS_AGREE,
            "the key-value replicas applied the same commands in every prefix they share",
            check_replicas_agree,
        )
        .checked_when(applied_key),
    ]
}

/// A value chosen in one ballot, with the acceptors that accepted it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChosenValue {
    pub ballot: Ballot,
    pub value: Value,
    pub acceptors: Vec<NodeId>,
}

/// Who accepted what in `slot`: per (ballot, value), the acceptors.
pub fn acceptances_in(
    nodes: &NodeSet<'_, PaxosNode>,
    slot: Slot,
) -> BTreeMap<(Ballot, Value), Vec<NodeId>> {
    let mut by_ballot: BTreeMap<(Ballot, Value), Vec<NodeId>> = BTreeMap::new();
    for (id, node, _) in nodes.iter() {
        if let Some(a) = node.acceptor() {
            for vote in a.history().votes_in(slot) {
                by_ballot
                    .entry((vote.ballot, vote.value))
                    .or_default()
                    .push(id);
            }
        }
    }
    by_ballot
}

/// The phase-2 quorum size (the same in every node's setup).
pub(crate) fn phase2_quorum(nodes: &NodeSet<'_, PaxosNode>) -> u32 {
    nodes
        .iter()
        .next()
        .map_or(u32::MAX, |(_, n, _)| n.setup().phase2_quorum)
}

fn mode(nodes: &NodeSet<'_, PaxosNode>) -> Mode {
    nodes
        .iter()
        .next()
        .map_or(Mode::Single, |(_, n, _)| n.setup().mode)
}

/// Every (ballot, value) chosen in `slot`, lowest ballot first.
pub fn chosen_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Vec<ChosenValue> {
    let needed = phase2_quorum(nodes) as usize;
    acceptances_in(nodes, slot)
        .into_iter()
        .filter(|(_, acceptors)| acceptors.len() >= needed)
        .map(|((ballot, value), acceptors)| ChosenValue {
            ballot,
            value,
            acceptors,
        })
        .collect()
}

/// " in slot 3" in Multi-Paxos, nothing in single-decree Paxos.
pub(crate) fn in_slot(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> String {
    match mode(nodes) {
        Mode::Single => String::new(),
        Mode::Multi => format!(" in slot {slot}"),
    }
}

pub(crate) fn names(ids: &[NodeId]) -> String {
    let names: Vec<String> = ids.iter().map(NodeId::to_string).collect();
    names.join(", ")
}

fn votes_key(nodes: &NodeSet<'_, PaxosNode>) -> u64 {
    nodes
        .iter()
        .filter_map(|(_, n, _)| n.acceptor())
        .map(|a| a.history().vote_count())
        .sum()
}

fn learned_key(nodes: &NodeSet<'_, PaxosNode>) -> u64 {
    nodes
        .iter()
        .filter_map(|(_, n, _)| n.learner())
        .map(|l| l.learn_count())
        .sum()
}

fn applied_key(nodes: &NodeSet<'_, PaxosNode>) -> u64 {
    nodes
        .iter()
        .filter_map(|(_, n, _)| n.replica())
        .map(|r| u64::from(r.applied()))
        .sum()
}

/// The slots of each acceptor's latest acceptance: the only ones a step can have changed
/// (a step is one handler on one node, and an acceptor accepts at most once per handler).
fn recent_vote_slots(nodes: &NodeSet<'_, PaxosNode>) -> BTreeSet<Slot> {
    crate::sim::sort::btree_set(
        nodes
            .iter()
            .filter_map(|(_, n, _)| n.acceptor()?.history().last_vote()),
    )
}

pub(crate) fn agreement_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Result<(), String> {
    let chosen = chosen_in(nodes, slot);
    let Some(first) = chosen.first() else {
        return Ok(());
    };
    match chosen.iter().find(|c| c.value != first.value) {
        None => Ok(()),
        Some(other) => Err(format!(
            "two values chosen{}: {} in ballot {} (accepted by {}) and {} in ballot {} \
             (accepted by {})",
            in_slot(nodes, slot),
            first.value,
            first.ballot,
            names(&first.acceptors),
            other.value,
            other.ballot,
            names(&other.acceptors)
        )),
    }
}

pub(crate) fn sticks_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Result<(), String> {
    let Some(first) = chosen_in(nodes, slot).into_iter().next() else {
        return Ok(());
    };
    for ((ballot, value), acceptors) in acceptances_in(nodes, slot) {
        if ballot > first.ballot && value != first.value {
            return Err(format!(
                "{} was chosen{} in ballot {}, yet {} accepted {} in the higher ballot {}",
                first.value,
                in_slot(nodes, slot),
                first.ballot,
                names(&acceptors),
                value,
                ballot
            ));
        }
    }
    Ok(())
}

pub(crate) fn validity_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Result<(), String> {
    for chosen in chosen_in(nodes, slot) {
        let proposed = nodes.iter().any(|(_, n, _)| {
            n.proposer()
                .is_some_and(|p| p.history().was_proposed(&chosen.value))
        });
        if !proposed {
            return Err(format!(
                "{} was chosen{} in ballot {} but no proposer was ever given it",
                chosen.value,
                in_slot(nodes, slot),
                chosen.ballot
            ));
        }
    }
    Ok(())
}

fn check_agreement(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), String> {
    recent_vote_slots(nodes)
        .into_iter()
        .try_for_each(|slot| agreement_in(nodes, slot))
}

fn check_chosen_sticks(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), String> {
    recent_vote_slots(nodes)
        .into_iter()
        .try_for_each(|slot| sticks_in(nodes, slot))
}

fn check_validity(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), String> {
    recent_vote_slots(nodes)
        .into_iter()
        .try_for_each(|slot| validity_in(nodes, slot))
}

fn check_promises_kept(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), String> {
    for (id, node, _) in nodes.iter() {
        let Some((slot, vote)) = node.acceptor().and_then(|a| a.history().latest_vote()) else {
            continue;
        };
        if vote.ballot < vote.promised_before {
            return Err(format!(
                "{id} accepted ballot {}{} after promising {}",
                vote.ballot,
                in_slot(nodes, slot),
                vote.promised_before
            ));
        }
    }
    Ok(())
}

fn check_learned_is_chosen(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), String> {
    for (id, node, _) in nodes.iter() {
        let Some(learner) = node.learner() else {
            continue;
        };
        let Some(slot) = learner.last_learned() else {
            continue;
        };
        let Some(value) = learner.learned_in(slot) else {
            continue;
        };
        if !chosen_in(nodes, slot).iter().any(|c| c.value == value) {
            return Err(format!(
                "{id} learned {value}{}, which is not chosen there",
                in_slot(nodes, slot)
            ));
        }
    }
    Ok(())
}

fn check_replicas_agree(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), String> {
    let replicas: Vec<(NodeId, &super::replica::Replica)> = nodes
        .iter()
        .filter_map(|(id, n, _)| n.replica().map(|r| (id, r)))
        .collect();
    for (i, (a, ra)) in replicas.iter().enumerate() {
        for (b, rb) in &replicas[i + 1..] {
            let common = ra.applied().min(rb.applied());
            if ra.digest(common) != rb.digest(common) {
                return Err(format!(
                    "{a} and {b} applied different commands within their first {common} slots"
                ));
            }
        }
    }
    Ok(())
}
