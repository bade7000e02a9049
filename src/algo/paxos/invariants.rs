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
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{Invariant, Line, NodeId, NodeSet};

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
) -> SortedMap<(Ballot, Value), Vec<NodeId>> {
    let mut by_ballot: SortedMap<(Ballot, Value), Vec<NodeId>> = SortedMap::new();
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
pub(crate) fn in_slot(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Line {
    match mode(nodes) {
        Mode::Single => Line::value(""),
        Mode::Multi => Line::tr(" in slot {slot}").with("slot", slot),
    }
}

/// "n1, n2, n3".
pub(crate) fn names(ids: &[NodeId]) -> Line {
    Line::list(ids.iter().map(Line::value)).unwrap_or_else(|| Line::value(""))
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
fn recent_vote_slots(nodes: &NodeSet<'_, PaxosNode>) -> SortedSet<Slot> {
    crate::sim::sorted::SortedSet::from_iter(
        nodes
            .iter()
            .filter_map(|(_, n, _)| n.acceptor()?.history().last_vote()),
    )
}

pub(crate) fn agreement_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Result<(), Line> {
    let chosen = chosen_in(nodes, slot);
    let Some(first) = chosen.first() else {
        return Ok(());
    };
    match chosen.iter().find(|c| c.value != first.value) {
        None => Ok(()),
        Some(other) => Err(Line::tr(
            "two values chosen{slot}: {first} in ballot {first_ballot} (accepted by \
             {first_acceptors}) and {second} in ballot {second_ballot} (accepted by \
             {second_acceptors})",
        )
        .text("slot", in_slot(nodes, slot))
        .with("first", first.value)
        .with("first_ballot", first.ballot)
        .text("first_acceptors", names(&first.acceptors))
        .with("second", other.value)
        .with("second_ballot", other.ballot)
        .text("second_acceptors", names(&other.acceptors))),
    }
}

pub(crate) fn sticks_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Result<(), Line> {
    let Some(first) = chosen_in(nodes, slot).into_iter().next() else {
        return Ok(());
    };
    for ((ballot, value), acceptors) in acceptances_in(nodes, slot) {
        if ballot > first.ballot && value != first.value {
            return Err(Line::tr(
                "{value} was chosen{slot} in ballot {ballot}, yet {acceptors} accepted {other} \
                 in the higher ballot {higher}",
            )
            .with("value", first.value)
            .text("slot", in_slot(nodes, slot))
            .with("ballot", first.ballot)
            .text("acceptors", names(&acceptors))
            .with("other", value)
            .with("higher", ballot));
        }
    }
    Ok(())
}

pub(crate) fn validity_in(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Result<(), Line> {
    for chosen in chosen_in(nodes, slot) {
        let proposed = nodes.iter().any(|(_, n, _)| {
            n.proposer()
                .is_some_and(|p| p.history().was_proposed(&chosen.value))
        });
        if !proposed {
            return Err(Line::tr(
                "{value} was chosen{slot} in ballot {ballot} but no proposer was ever given it",
            )
            .with("value", chosen.value)
            .text("slot", in_slot(nodes, slot))
            .with("ballot", chosen.ballot));
        }
    }
    Ok(())
}

fn check_agreement(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), Line> {
    recent_vote_slots(nodes)
        .into_iter()
        .try_for_each(|slot| agreement_in(nodes, slot))
}

fn check_chosen_sticks(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), Line> {
    recent_vote_slots(nodes)
        .into_iter()
        .try_for_each(|slot| sticks_in(nodes, slot))
}

fn check_validity(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), Line> {
    recent_vote_slots(nodes)
        .into_iter()
        .try_for_each(|slot| validity_in(nodes, slot))
}

fn check_promises_kept(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), Line> {
    for (id, node, _) in nodes.iter() {
        let Some((slot, vote)) = node.acceptor().and_then(|a| a.history().latest_vote()) else {
            continue;
        };
        if vote.ballot < vote.promised_before {
            return Err(Line::tr(
                "{node} accepted ballot {ballot}{slot} after promising {promised}",
            )
            .with("node", id)
            .with("ballot", vote.ballot)
            .text("slot", in_slot(nodes, slot))
            .with("promised", vote.promised_before));
        }
    }
    Ok(())
}

fn check_learned_is_chosen(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), Line> {
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
            return Err(
                Line::tr("{node} learned {value}{slot}, which is not chosen there")
                    .with("node", id)
                    .with("value", value)
                    .text("slot", in_slot(nodes, slot)),
            );
        }
    }
    Ok(())
}

fn check_replicas_agree(nodes: &NodeSet<'_, PaxosNode>) -> Result<(), Line> {
    let replicas: Vec<(NodeId, &super::replica::Replica)> = nodes
        .iter()
        .filter_map(|(id, n, _)| n.replica().map(|r| (id, r)))
        .collect();
    for (i, (a, ra)) in replicas.iter().enumerate() {
        for (b, rb) in &replicas[i + 1..] {
            let common = ra.applied().min(rb.applied());
            if ra.digest(common) != rb.digest(common) {
                return Err(Line::tr(
                    "{a} and {b} applied different commands within their first {common} slots",
                )
                .with("a", a)
                .with("b", b)
                .with("common", common));
            }
        }
    }
    Ok(())
}
