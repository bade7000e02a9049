//! Read-only accessors for the scene's views: acceptor state, quorums as they form, the
//! learned logs, the ballot timeline, totals, and the "break consensus" report.
//!
//! Everything here is computed from node state and ghost history; views never parse text
//! or re-derive protocol rules.
use super::acceptor::AcceptedValue;
use super::ballot::{Ballot, Slot};
use super::ghost::BallotRecord;
use super::invariants::{
    acceptances_in, agreement_in, chosen_in, sticks_in, validity_in, ChosenValue, AGREEMENT,
    CHOSEN_STICKS, LEARNED_IS_CHOSEN, PROMISES_KEPT, REPLICAS_AGREE, VALIDITY,
};
use super::learner::LearnedValue;
use super::messages::MsgCounts;
use super::node::PaxosNode;
use super::value::{Value, Word};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{NodeId, NodeSet, NodeStatus};

/// One acceptor's state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AcceptorView {
    pub node: NodeId,
    pub status: NodeStatus,
    pub promised: Ballot,
    /// The highest ballot it ever promised (differs from `promised` only when a broken
    /// acceptor forgot its promise).
    pub highest_promise_ever: Ballot,
    pub accepted: Vec<(Slot, AcceptedValue)>,
}

pub fn acceptors(nodes: &NodeSet<'_, PaxosNode>) -> Vec<AcceptorView> {
    nodes
        .iter()
        .filter_map(|(node, n, status)| {
            let a = n.acceptor()?;
            Some(AcceptorView {
                node,
                status,
                promised: a.promised(),
                highest_promise_ever: a.history().highest_promise(),
                accepted: a.accepted().iter().map(|(s, v)| (*s, *v)).collect(),
            })
        })
        .collect()
}

/// Which phase a quorum is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuorumPhase {
    /// Acceptors that promised the ballot.
    Prepare,
    /// Acceptors that accepted the ballot's value in this slot.
    Accept { slot: Slot },
}

/// A quorum forming (or formed) for one ballot.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QuorumView {
    pub ballot: Ballot,
    pub phase: QuorumPhase,
    pub members: Vec<NodeId>,
    pub needed: u32,
    pub formed: bool,
    /// Phase 2: the value accepted.
    pub value: Option<Value>,
}

/// Per ballot, the acceptors that promised it, oldest ballot first.
pub fn prepare_quorums(nodes: &NodeSet<'_, PaxosNode>) -> Vec<QuorumView> {
    let needed = first_setup(nodes).map_or(u32::MAX, |s| s.phase1_quorum);
    let mut by_ballot: SortedMap<Ballot, Vec<NodeId>> = SortedMap::new();
    for (id, n, _) in nodes.iter() {
        if let Some(a) = n.acceptor() {
            for b in a.history().promised_ballots() {
                by_ballot.entry(b).or_default().push(id);
            }
        }
    }
    by_ballot
        .into_iter()
        .map(|(ballot, members)| QuorumView {
            ballot,
            phase: QuorumPhase::Prepare,
            formed: members.len() as u32 >= needed,
            members,
            needed,
            value: None,
        })
        .collect()
}

/// Per ballot, the acceptors that accepted its value in `slot`, oldest ballot first.
pub fn accept_quorums(nodes: &NodeSet<'_, PaxosNode>, slot: Slot) -> Vec<QuorumView> {
    let needed = first_setup(nodes).map_or(u32::MAX, |s| s.phase2_quorum);
    acceptances_in(nodes, slot)
        .into_iter()
        .map(|((ballot, value), members)| QuorumView {
            ballot,
            phase: QuorumPhase::Accept { slot },
            formed: members.len() as u32 >= needed,
            members,
            needed,
            value: Some(value),
        })
        .collect()
}

fn first_setup<'a>(nodes: &NodeSet<'a, PaxosNode>) -> Option<&'a super::config::Setup> {
    nodes.iter().next().map(|(_, n, _)| n.setup())
}

/// One node's learned log and replica.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LogView {
    pub node: NodeId,
    pub status: NodeStatus,
    pub learned: Vec<(Slot, LearnedValue)>,
    /// Slots learned from 0 with no gap.
    pub prefix: Slot,
    /// Slots applied to the key-value store (Multi-Paxos).
    pub applied: Slot,
    pub store: Vec<(Word, Word)>,
}

pub fn logs(nodes: &NodeSet<'_, PaxosNode>) -> Vec<LogView> {
    nodes
        .iter()
        .filter_map(|(node, n, status)| {
            let l = n.learner()?;
            Some(LogView {
                node,
                status,
                learned: l.learned().iter().map(|(s, v)| (*s, *v)).collect(),
                prefix: l.prefix(),
                applied: n.replica().map_or(0, |r| r.applied()),
                store: n
                    .replica()
                    .map(|r| r.store().iter().map(|(k, v)| (*k, *v)).collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// A ballot on the timeline, with the proposer that ran it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimelineEntry {
    pub proposer: NodeId,
    pub record: BallotRecord,
}

/// Every proposer's (recent) ballots, in the order they started.
pub fn ballot_timeline(nodes: &NodeSet<'_, PaxosNode>) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = nodes
        .iter()
        .filter_map(|(id, n, _)| Some((id, n.proposer()?)))
        .flat_map(|(proposer, p)| {
            p.history()
                .ballots()
                .iter()
                .map(move |record| TimelineEntry {
                    proposer,
                    record: *record,
                })
        })
        .collect();
    crate::sim::sort::sort_by_key(&mut entries, |e| (e.record.started, e.record.ballot));
    entries
}

/// Which node each node believes leads (leader election only).
pub fn leader_views(nodes: &NodeSet<'_, PaxosNode>) -> Vec<(NodeId, NodeId)> {
    nodes
        .iter()
        .filter(|(_, _, status)| *status != NodeStatus::Crashed)
        .filter_map(|(id, n, _)| Some((id, n.detector()?.leader())))
        .collect()
}

/// Totals over the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PaxosStats {
    pub messages: MsgCounts,
    /// Slots with a chosen value.
    pub chosen_slots: u32,
    pub ballots_started: u64,
    pub client_answers: u32,
}

pub fn stats(nodes: &NodeSet<'_, PaxosNode>) -> PaxosStats {
    let mut stats = PaxosStats::default();
    let mut slots = SortedSet::new();
    for (_, n, _) in nodes.iter() {
        stats.messages.add(n.sent());
        if let Some(p) = n.proposer() {
            stats.ballots_started += p.history().started_count();
        }
        if let Some(c) = n.client() {
            stats.client_answers += c.completed();
        }
        if let Some(a) = n.acceptor() {
            slots.extend(a.history().votes().map(|(s, _)| s));
        }
    }
    stats.chosen_slots = slots
        .into_iter()
        .filter(|s| !chosen_in(nodes, *s).is_empty())
        .count() as u32;
    stats
}

/// Two different values chosen in one slot.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Conflict {
    pub slot: Slot,
    pub first: ChosenValue,
    pub second: ChosenValue,
}

/// The "break consensus" challenge: is safety intact, and if not, what was chosen twice.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SafetyReport {
    /// Per slot, the value chosen in the lowest ballot.
    pub chosen: SortedMap<Slot, ChosenValue>,
    /// Slots where two different values were chosen.
    pub conflicts: Vec<Conflict>,
    /// Whether the quorum sizes guarantee intersection (q1 + q2 > n).
    pub quorums_intersect: bool,
}

impl SafetyReport {
    /// Consensus holds: no slot has two chosen values.
    pub fn holds(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// Every slot any acceptor ever accepted something in.
fn voted_slots(nodes: &NodeSet<'_, PaxosNode>) -> SortedSet<Slot> {
    crate::sim::sorted::SortedSet::from_iter(
        nodes
            .iter()
            .filter_map(|(_, n, _)| n.acceptor())
            .flat_map(|a| a.history().votes().map(|(s, _)| s)),
    )
}

pub fn safety_report(nodes: &NodeSet<'_, PaxosNode>) -> SafetyReport {
    let mut report = SafetyReport {
        chosen: SortedMap::new(),
        conflicts: Vec::new(),
        quorums_intersect: first_setup(nodes)
            .is_none_or(|s| s.phase1_quorum + s.phase2_quorum > s.acceptors.len() as u32),
    };
    for slot in voted_slots(nodes) {
        let chosen = chosen_in(nodes, slot);
        let Some(first) = chosen.first().cloned() else {
            continue;
        };
        if let Some(second) = chosen.iter().find(|c| c.value != first.value) {
            report.conflicts.push(Conflict {
                slot,
                first: first.clone(),
                second: second.clone(),
            });
        }
        report.chosen.insert(slot, first);
    }
    report
}

/// Every invariant recomputed from scratch over the whole history (the live checks look
/// only at the latest step): the name of each violated one, with its message.
pub fn full_check(nodes: &NodeSet<'_, PaxosNode>) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let slots = voted_slots(nodes);
    type SlotCheck = fn(&NodeSet<'_, PaxosNode>, Slot) -> Result<(), crate::sim::Line>;
    let per_slot: [(&str, SlotCheck); 3] = [
        (AGREEMENT, agreement_in),
        (CHOSEN_STICKS, sticks_in),
        (VALIDITY, validity_in),
    ];
    for (name, check) in per_slot {
        if let Some(e) = slots.iter().find_map(|s| check(nodes, *s).err()) {
            found.push((name, e.to_string()));
        }
    }
    let broken_promise = nodes.iter().find_map(|(id, n, _)| {
        let a = n.acceptor()?;
        a.history()
            .votes()
            .find(|(_, v)| v.ballot < v.promised_before)
            .map(|(s, v)| {
                format!(
                    "{id} accepted {} in slot {s} after promising {}",
                    v.ballot, v.promised_before
                )
            })
    });
    if let Some(e) = broken_promise {
        found.push((PROMISES_KEPT, e));
    }
    let unchosen = nodes.iter().find_map(|(id, n, _)| {
        n.learner()?.learned().iter().find_map(|(slot, l)| {
            (!chosen_in(nodes, *slot).iter().any(|c| c.value == l.value))
                .then(|| format!("{id} learned {} in slot {slot}, not chosen", l.value))
        })
    });
    if let Some(e) = unchosen {
        found.push((LEARNED_IS_CHOSEN, e));
    }
    let replicas: Vec<(NodeId, Vec<Value>)> = nodes
        .iter()
        .filter_map(|(id, n, _)| {
            let r = n.replica()?;
            let l = n.learner()?;
            Some((
                id,
                (0..r.applied()).filter_map(|s| l.learned_in(s)).collect(),
            ))
        })
        .collect();
    let disagree = replicas.iter().enumerate().find_map(|(i, (a, la))| {
        replicas[i + 1..].iter().find_map(|(b, lb)| {
            let common = la.len().min(lb.len());
            (la[..common] != lb[..common]).then(|| format!("{a} and {b} applied different logs"))
        })
    });
    if let Some(e) = disagree {
        found.push((REPLICAS_AGREE, e));
    }
    found
}
