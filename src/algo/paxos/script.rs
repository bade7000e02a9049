//! The vocabulary scenarios are written in: conditions on the run ("n0 is in phase 2",
//! "red is chosen"), faults to take ("cut n0 to n3", "drop n1's prepare to n0"), and
//! [`play`], which resolves a scenario's triggers and runs it.
use super::ballot::{Ballot, Slot};
use super::cluster::new_sim;
use super::config::{PaxosConfig, Proposal};
use super::invariants::chosen_in;
use super::messages::{Cmd, Msg};
use super::node::PaxosNode;
use super::proposer::{Proposer, ProposerPhase};
use super::value::Word;
use crate::sim::scenario::Trigger;
use crate::sim::{Action, MsgId, NetChange, NodeId, Sim, Time};

/// A scenario's configuration and triggers.
pub type Scenario = (PaxosConfig, Vec<Trigger<PaxosNode>>);

// --- conditions -------------------------------------------------------------------------

pub(super) fn n(i: u32) -> NodeId {
    NodeId(i)
}

pub(super) fn proposer_of(sim: &Sim<PaxosNode>, node: u32) -> Option<&Proposer> {
    sim.node(n(node)).and_then(PaxosNode::proposer)
}

/// `node`'s proposer is in phase 2 (its accept requests went out this step).
pub(super) fn accepting(sim: &Sim<PaxosNode>, node: u32) -> bool {
    proposer_of(sim, node).is_some_and(|p| matches!(p.phase(), ProposerPhase::Accepting { .. }))
}

pub(super) fn preparing(sim: &Sim<PaxosNode>, node: u32) -> bool {
    proposer_of(sim, node).is_some_and(|p| matches!(p.phase(), ProposerPhase::Preparing { .. }))
}

/// No accept request from `node` is in flight (so a cut healed now lets none through).
pub(super) fn no_accept_from(sim: &Sim<PaxosNode>, node: u32) -> bool {
    !sim.in_flight()
        .any(|m| m.from == n(node) && matches!(m.msg, Msg::Accept { .. }))
}

pub(super) fn chosen(sim: &Sim<PaxosNode>, slot: Slot) -> bool {
    !chosen_in(&sim.nodes(), slot).is_empty()
}

/// Acceptor `node` accepted something in `ballot` (slot 0).
pub(super) fn voted(sim: &Sim<PaxosNode>, node: u32, ballot: Ballot) -> bool {
    sim.node(n(node))
        .and_then(PaxosNode::acceptor)
        .is_some_and(|a| a.history().votes_in(0).iter().any(|v| v.ballot == ballot))
}

pub(super) fn promised(sim: &Sim<PaxosNode>, node: u32, ballot: Ballot) -> bool {
    sim.node(n(node))
        .and_then(PaxosNode::acceptor)
        .is_some_and(|a| a.promised() == ballot)
}

pub(super) fn learned(sim: &Sim<PaxosNode>, node: u32, slot: Slot) -> bool {
    sim.node(n(node))
        .and_then(PaxosNode::learner)
        .is_some_and(|l| l.is_learned(slot))
}

pub(super) fn b(round: u32, proposer: u32) -> Ballot {
    Ballot::new(round, n(proposer))
}

// --- actions ----------------------------------------------------------------------------

/// "When `when` first holds, take `actions`, in order, at that same moment."
pub(super) fn when(
    condition: impl Fn(&Sim<PaxosNode>) -> bool + 'static,
    actions: Vec<Action<Cmd>>,
) -> Vec<Trigger<PaxosNode>> {
    let mut triggers = vec![];
    let mut actions = actions.into_iter();
    if let Some(first) = actions.next() {
        triggers.push(Trigger::new(condition, move |_| first.clone()));
    }
    triggers.extend(actions.map(|a| Trigger::new(|_| true, move |_| a.clone())));
    triggers
}

pub(super) fn cut(from: u32, to: u32) -> Action<Cmd> {
    Action::Network(NetChange::Cut {
        from: n(from),
        to: n(to),
    })
}

pub(super) fn heal(from: u32, to: u32) -> Action<Cmd> {
    Action::Network(NetChange::Heal {
        from: n(from),
        to: n(to),
    })
}

pub(super) fn heal_all() -> Action<Cmd> {
    Action::Network(NetChange::HealAll)
}

pub(super) fn partition(group: &[u32]) -> Action<Cmd> {
    Action::Network(NetChange::Partition {
        group: group.iter().map(|i| n(*i)).collect(),
    })
}

/// Cuts `from`'s links to every Paxos node outside `reach` (of five).
pub(super) fn only_reach(from: u32, reach: &[u32]) -> Vec<Action<Cmd>> {
    (0..5)
        .filter(|to| !reach.contains(to))
        .map(|to| cut(from, to))
        .collect()
}

pub(super) fn propose(node: u32, value: &str) -> Action<Cmd> {
    Action::Command(n(node), Cmd::Propose(Word::lit(value)))
}

pub(super) fn proposal(node: u32, value: &str, at_ms: u64) -> Proposal {
    Proposal {
        node: n(node),
        value: Word::lit(value),
        at: Time::from_millis(at_ms),
    }
}

/// A trigger that drops the message from `from` to `to` that `test` accepts, as soon as
/// it is in flight.
pub(super) fn drop_msg(
    from: u32,
    to: u32,
    test: impl Fn(&Msg) -> bool + Clone + 'static,
) -> Trigger<PaxosNode> {
    let find = move |sim: &Sim<PaxosNode>| {
        sim.in_flight()
            .find(|m| m.from == n(from) && m.to == n(to) && test(&m.msg))
            .map(|m| m.id)
    };
    let find_again = find.clone();
    Trigger::new(
        move |sim| find(sim).is_some(),
        move |sim| Action::DropMessage(find_again(sim).unwrap_or(MsgId(0))),
    )
}

/// A trigger that drops the first accept request for `slot` in flight.
pub(super) fn drop_accept_for(slot: Slot) -> Trigger<PaxosNode> {
    fn first(sim: &Sim<PaxosNode>, slot: Slot) -> Option<MsgId> {
        sim.in_flight()
            .find(|m| matches!(m.msg, Msg::Accept { slot: s, .. } if s == slot))
            .map(|m| m.id)
    }
    Trigger::new(
        move |sim| first(sim, slot).is_some(),
        // MsgId(0) is never used: if the message were gone, the drop is ignored.
        move |sim| Action::DropMessage(first(sim, slot).unwrap_or(MsgId(0))),
    )
}

/// Most steps [`play`] resolves triggers over.
pub const PLAY_STEP_LIMIT: u64 = 200_000;

/// Resolves a scenario's triggers for `seed` and runs it to `horizon` (simulated time),
/// applying each action at the step its trigger fired. Returns the run and how many
/// triggers fired.
pub fn play(seed: u64, scenario: &Scenario, horizon: Time) -> (Sim<PaxosNode>, usize) {
    let (config, triggers) = scenario;
    let start = new_sim(seed, config);
    let actions = crate::sim::scenario::resolve(start.clone(), triggers, PLAY_STEP_LIMIT);
    let mut sim = start;
    let mut next = actions.iter().peekable();
    loop {
        while let Some(a) = next.next_if(|a| a.at <= sim.step_count()) {
            sim.apply(&a.action, a.time, None);
        }
        if sim.next_event_time().is_none_or(|t| t > horizon) {
            break;
        }
        sim.step(None);
    }
    (sim, actions.len())
}
