//! Conditions and actions the scenarios are built from: moments of the protocol ("n0 is
//! leader and has committed an entry of its term", "two servers store index 3"), never
//! step numbers.
use super::kv::{Key, Op, Value};
use super::log::{Index, Term};
use super::measure::leader;
use super::messages::Cmd;
use super::node::RaftNode;
use super::server::{Role, Server};
use crate::sim::scenario::Trigger;
use crate::sim::{Action, NetChange, NodeId, NodeStatus, Sim};

pub fn server(sim: &Sim<RaftNode>, id: u32) -> Option<&Server> {
    sim.node(NodeId(id)).and_then(RaftNode::as_server)
}

/// Whether server `id` is up and leads (in any term).
pub fn leads(sim: &Sim<RaftNode>, id: u32) -> bool {
    sim.status(NodeId(id)) == Some(NodeStatus::Up)
        && server(sim, id).is_some_and(|s| s.role() == Role::Leader)
}

/// The leader, once it has committed an entry of its own term (so it is settled).
pub fn settled_leader(sim: &Sim<RaftNode>) -> Option<NodeId> {
    let (id, term) = leader(sim)?;
    let s = server(sim, id.0)?;
    (s.log().term_at(s.commit_index()) == Some(term)).then_some(id)
}

/// How many servers store an entry of `term` at `index`.
pub fn holders(sim: &Sim<RaftNode>, index: Index, term: Term) -> usize {
    sim.nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_server())
        .filter(|s| s.log().term_at(index) == Some(term))
        .count()
}

/// The index of the latest client entry in the leader's log, with its term.
pub fn last_client_entry(s: &Server) -> Option<(Index, Term)> {
    s.log()
        .entries()
        .rev()
        .find(|(_, e)| matches!(e.command, super::log::Command::Client { .. }))
        .map(|(i, e)| (i, e.term))
}

pub fn when(
    condition: impl Fn(&Sim<RaftNode>) -> bool + 'static,
    action: Action<Cmd>,
) -> Trigger<RaftNode> {
    Trigger::new(condition, move |_| action.clone())
}

/// At once (at the first step).
pub fn now(action: Action<Cmd>) -> Trigger<RaftNode> {
    when(|_| true, action)
}

/// Once every server has started (its election timer is set or it is outside the
/// configuration).
pub fn started(action: Action<Cmd>) -> Trigger<RaftNode> {
    when(
        |sim| {
            sim.nodes()
                .iter()
                .filter_map(|(_, n, _)| n.as_server())
                .all(|s| s.election_due().is_some() || !s.is_member())
        },
        action,
    )
}

/// A trigger that acts on the settled leader, whoever it is.
pub fn on_settled_leader(make: impl Fn(NodeId) -> Action<Cmd> + 'static) -> Trigger<RaftNode> {
    Trigger::new(
        |sim| settled_leader(sim).is_some(),
        move |sim| make(settled_leader(sim).unwrap_or(NodeId(0))),
    )
}

fn key(letter: char) -> Key {
    Key::new(letter).expect("scenario keys are letters")
}

/// Client `id` writes `value` to `letter`.
pub fn put(id: u32, letter: char, value: Value) -> Action<Cmd> {
    let op = Op::Put {
        key: key(letter),
        value,
    };
    Action::Command(NodeId(id), Cmd::Client(op))
}

/// Client `id` reads `letter`.
pub fn get(id: u32, letter: char) -> Action<Cmd> {
    let op = Op::Get { key: key(letter) };
    Action::Command(NodeId(id), Cmd::Client(op))
}

/// How many operations client `id` has completed.
pub fn completed(sim: &Sim<RaftNode>, id: u32) -> usize {
    sim.node(NodeId(id))
        .and_then(RaftNode::as_client)
        .map_or(0, |c| c.completed())
}

/// Whether client `id` has completed `count` operations, the last of them strictly before
/// now (so that an operation started now does not overlap it).
pub fn completed_before_now(sim: &Sim<RaftNode>, id: u32, count: usize) -> bool {
    sim.node(NodeId(id))
        .and_then(RaftNode::as_client)
        .is_some_and(|c| {
            c.completed() >= count
                && c.history()
                    .iter()
                    .rev()
                    .find(|e| matches!(e.kind, super::client::EventKind::Return(_)))
                    .is_some_and(|e| e.time < sim.now())
        })
}

/// Restarts the first crashed server once a settled leader exists.
pub fn restart_crashed_when_settled() -> Trigger<RaftNode> {
    let crashed = |sim: &Sim<RaftNode>| {
        (0..sim.node_count())
            .map(NodeId)
            .find(|n| sim.status(*n) == Some(NodeStatus::Crashed))
    };
    Trigger::new(
        move |sim| settled_leader(sim).is_some() && crashed(sim).is_some(),
        move |sim| Action::Restart(crashed(sim).unwrap_or(NodeId(0))),
    )
}

pub fn isolate(ids: &[u32]) -> Action<Cmd> {
    Action::Network(NetChange::Partition {
        group: ids.iter().map(|i| NodeId(*i)).collect(),
    })
}

pub fn cut(from: u32, to: u32) -> Action<Cmd> {
    Action::Network(NetChange::Cut {
        from: NodeId(from),
        to: NodeId(to),
    })
}

pub fn heal_all() -> Action<Cmd> {
    Action::Network(NetChange::HealAll)
}

pub fn crash(id: u32) -> Action<Cmd> {
    Action::Crash(NodeId(id))
}

pub fn restart(id: u32) -> Action<Cmd> {
    Action::Restart(NodeId(id))
}
