//! The Paxos scene's view model: what its stage and panel draw at one step, computed from
//! the protocol's read-only accessors (`crate::algo::paxos::views`), never from text.
use super::fields::PaxosSetup;
use crate::algo::paxos::acceptor::AcceptedValue;
use crate::algo::paxos::proposer::ProposerPhase;
use crate::algo::paxos::views::{self, PaxosStats, SafetyReport, TimelineEntry};
use crate::algo::paxos::{Ballot, Mode, Msg, PaxosNode, Roles, Slot, Value, Variant};
use crate::sim::{Action, NodeId, NodeStatus, Sim, Time, Timeline};

/// How many ballots the timeline shows (the latest).
pub const TIMELINE_BALLOTS: usize = 24;
/// How many ballots the quorum list shows (the highest).
pub const QUORUM_BALLOTS: usize = 3;
/// How many log slots the Multi-Paxos logs show (the latest).
pub const LOG_SLOTS: u32 = 12;

/// What a proposer is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposerState {
    Idle,
    /// Phase 1: promises counted so far.
    Preparing {
        promises: u32,
    },
    /// Phase 2 (single-decree), or leading (Multi-Paxos).
    Accepting,
    /// Waiting after a failed ballot.
    BackingOff,
}

/// One node, as the stage draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCard {
    pub id: NodeId,
    pub roles: Roles,
    pub is_client: bool,
    pub status: NodeStatus,
    pub proposer: Option<ProposerState>,
    pub ballot: Option<Ballot>,
    /// The value it wants chosen next (its first pending one).
    pub wants: Option<Value>,
    /// Single-decree: what its learner learned. Multi-Paxos: see `learned_slots`.
    pub learned: Option<Value>,
    /// Slots learned from 0 with no gap.
    pub learned_slots: Slot,
    /// Whom its failure detector takes for the leader (leader election only).
    pub leader: Option<NodeId>,
}

/// One acceptor's row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptorRow {
    pub node: NodeId,
    pub status: NodeStatus,
    pub promised: Ballot,
    /// The highest ballot it ever promised; above `promised` only when a broken acceptor
    /// forgot its promise.
    pub highest_promise_ever: Ballot,
    /// Single-decree: slot 0. Multi-Paxos: its highest slot.
    pub accepted: Option<(Slot, AcceptedValue)>,
    pub accepted_slots: u32,
}

/// A ballot's quorums: who promised it and who accepted its value.
#[derive(Clone, Debug, PartialEq)]
pub struct QuorumRow {
    pub ballot: Ballot,
    pub promised_by: Vec<NodeId>,
    pub accepted_by: Vec<NodeId>,
    /// The slot and value accepted (the ballot's latest slot with acceptances).
    pub accepted: Option<(Slot, Value)>,
}

/// A message's family, as the stage tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlightKind {
    /// Phase 1a.
    Prepare,
    /// Phase 1b.
    Promise,
    /// Phase 2a.
    Accept,
    /// Phase 2b.
    Accepted,
    Nack,
    Heartbeat,
    Client,
    CatchUp,
}

/// A message in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    /// How long a person held it back in all (zero for most messages).
    pub delayed: Time,
    pub kind: FlightKind,
    pub ballot: Option<Ballot>,
    pub slot: Option<Slot>,
    pub value: Option<Value>,
    /// A promise: the highest-ballot value it reports, and how many it reports. A nack:
    /// the ballot the acceptor promised.
    pub reported: Option<(Ballot, Value)>,
    pub reported_count: u32,
    pub promised: Option<Ballot>,
}

impl Flight {
    fn of(m: &crate::sim::InFlight<Msg>) -> Flight {
        let mut f = Flight {
            id: m.id.0,
            from: m.from,
            to: m.to,
            sent: m.sent,
            arrives: m.arrives,
            delayed: m.delayed,
            kind: FlightKind::Heartbeat,
            ballot: None,
            slot: None,
            value: None,
            reported: None,
            reported_count: 0,
            promised: None,
        };
        match &m.msg {
            Msg::Prepare { ballot, from_slot } => {
                f.kind = FlightKind::Prepare;
                f.ballot = Some(*ballot);
                f.slot = Some(*from_slot);
            }
            Msg::Promise { ballot, accepted } => {
                f.kind = FlightKind::Promise;
                f.ballot = Some(*ballot);
                f.reported_count = accepted.len() as u32;
                f.reported = accepted
                    .iter()
                    .max_by_key(|v| v.ballot)
                    .map(|v| (v.ballot, v.value));
            }
            Msg::Accept {
                ballot,
                slot,
                value,
            }
            | Msg::Accepted {
                ballot,
                slot,
                value,
            } => {
                f.kind = if matches!(m.msg, Msg::Accept { .. }) {
                    FlightKind::Accept
                } else {
                    FlightKind::Accepted
                };
                f.ballot = Some(*ballot);
                f.slot = Some(*slot);
                f.value = Some(*value);
            }
            Msg::Nack { ballot, promised } => {
                f.kind = FlightKind::Nack;
                f.ballot = Some(*ballot);
                f.promised = Some(*promised);
            }
            Msg::Heartbeat { .. } => {}
            Msg::Request { value, .. } => {
                f.kind = FlightKind::Client;
                f.value = Some(*value);
            }
            Msg::Reply { .. } => f.kind = FlightKind::Client,
            Msg::AskDecided { slot } => {
                f.kind = FlightKind::CatchUp;
                f.slot = Some(*slot);
            }
            Msg::Decided { slot, value } => {
                f.kind = FlightKind::CatchUp;
                f.slot = Some(*slot);
                f.value = Some(*value);
            }
        }
        f
    }
}

/// One node's learned log (Multi-Paxos), over the slots shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub node: NodeId,
    pub status: NodeStatus,
    /// Per slot shown: what it learned there.
    pub slots: Vec<Option<Value>>,
    pub applied: Slot,
}

/// The challenge's crash budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChallengeView {
    /// f: crashes allowed.
    pub budget: u32,
    /// Crashes taken before the step shown.
    pub used: u32,
    /// Crashes in the whole run (a shared link may hold more later on).
    pub in_run: u32,
}

impl ChallengeView {
    pub fn left(&self) -> u32 {
        self.budget.saturating_sub(self.used)
    }

    /// The run crashes more nodes than the challenge allows, so it cannot count as a win.
    pub fn over_budget(&self) -> bool {
        self.in_run > self.budget
    }
}

/// The scene's view model.
#[derive(Clone, Debug, PartialEq)]
pub struct PaxosView {
    pub mode: Mode,
    pub variant: Variant,
    pub acceptor_count: u32,
    pub q1: u32,
    pub q2: u32,
    pub backoff: bool,
    pub leader_election: bool,
    /// Leader election: the node most live nodes take for the leader.
    pub leader: Option<NodeId>,
    pub now: Time,
    pub nodes: Vec<NodeCard>,
    pub acceptors: Vec<AcceptorRow>,
    /// The highest ballots' quorums, highest first.
    pub quorums: Vec<QuorumRow>,
    /// The latest ballots, in the order they started.
    pub ballots: Vec<TimelineEntry>,
    pub flights: Vec<Flight>,
    /// Multi-Paxos: the first slot the logs show, and each learner's log.
    pub log_start: Slot,
    pub logs: Vec<LogRow>,
    /// The global fact: what is chosen (and, if consensus broke, the two values).
    pub safety: SafetyReport,
    pub challenge: Option<ChallengeView>,
    pub stats: PaxosStats,
}

impl PaxosView {
    /// What is chosen in `slot`, as the simulator knows it (no node may know yet).
    pub fn chosen(&self, slot: Slot) -> Option<Value> {
        self.safety.chosen.get(&slot).map(|c| c.value)
    }
}

/// Crash actions taken before step `step` and in the whole run.
pub fn crashes(timeline: &Timeline<PaxosNode>, step: u64) -> (u32, u32) {
    let is_crash = |a: &&crate::sim::Scheduled<_>| matches!(a.action, Action::Crash(_));
    let all = timeline.actions().iter().filter(is_crash);
    let before = timeline
        .actions()
        .iter()
        .filter(is_crash)
        .filter(|a| a.at < step)
        .count();
    (before as u32, all.count() as u32)
}

fn node_card(id: NodeId, node: &PaxosNode, status: NodeStatus) -> NodeCard {
    let proposer = node.proposer().map(|p| match p.phase() {
        ProposerPhase::Idle => ProposerState::Idle,
        ProposerPhase::Waiting => ProposerState::BackingOff,
        ProposerPhase::Preparing { promised_by, .. } => ProposerState::Preparing {
            promises: promised_by.len() as u32,
        },
        ProposerPhase::Accepting { .. } => ProposerState::Accepting,
    });
    let learner = node.learner();
    NodeCard {
        id,
        roles: node.roles(),
        is_client: node.client().is_some(),
        status,
        proposer,
        ballot: node.proposer().and_then(|p| p.ballot()),
        wants: node.proposer().and_then(|p| p.pending().next().copied()),
        learned: learner.and_then(|l| l.learned_in(0)),
        learned_slots: learner.map_or(0, |l| l.prefix()),
        leader: node.detector().map(|d| d.leader()),
    }
}

/// The view model of `sim` under `setup`; `crashes` is (before the step, in the run).
pub fn build(setup: &PaxosSetup, sim: &Sim<PaxosNode>, crashes: (u32, u32)) -> PaxosView {
    let nodes = sim.nodes();
    let p = &setup.paxos;
    let acceptors = views::acceptors(&nodes)
        .into_iter()
        .map(|a| AcceptorRow {
            node: a.node,
            status: a.status,
            promised: a.promised,
            highest_promise_ever: a.highest_promise_ever,
            accepted: match p.mode {
                Mode::Single => a.accepted.iter().find(|(s, _)| *s == 0).copied(),
                Mode::Multi => a.accepted.last().copied(),
            },
            accepted_slots: a.accepted.len() as u32,
        })
        .collect();
    let prepare = views::prepare_quorums(&nodes);
    let mut quorums: Vec<QuorumRow> = prepare
        .iter()
        .rev()
        .take(QUORUM_BALLOTS)
        .map(|q| QuorumRow {
            ballot: q.ballot,
            promised_by: q.members.clone(),
            accepted_by: Vec::new(),
            accepted: None,
        })
        .collect();
    let safety = views::safety_report(&nodes);
    let top_slot = acceptors_top_slot(&nodes);
    let slots: Vec<Slot> = match p.mode {
        Mode::Single => vec![0],
        Mode::Multi => (top_slot.saturating_sub(LOG_SLOTS - 1)..=top_slot).collect(),
    };
    for slot in slots.iter().rev() {
        for q in views::accept_quorums(&nodes, *slot) {
            if let Some(row) = quorums.iter_mut().find(|r| r.ballot == q.ballot) {
                if row.accepted.is_none() {
                    row.accepted_by = q.members.clone();
                    row.accepted = q.value.map(|v| (*slot, v));
                }
            }
        }
    }
    let mut ballots = views::ballot_timeline(&nodes);
    let skip = ballots.len().saturating_sub(TIMELINE_BALLOTS);
    ballots.drain(..skip);
    let log_start = top_slot.saturating_sub(LOG_SLOTS - 1);
    let logs = match p.mode {
        Mode::Single => Vec::new(),
        Mode::Multi => views::logs(&nodes)
            .into_iter()
            .map(|l| LogRow {
                node: l.node,
                status: l.status,
                slots: (log_start..log_start + LOG_SLOTS)
                    .map(|s| {
                        l.learned
                            .iter()
                            .find(|(x, _)| *x == s)
                            .map(|(_, v)| v.value)
                    })
                    .collect(),
                applied: l.applied,
            })
            .collect(),
    };
    PaxosView {
        mode: p.mode,
        variant: p.variant,
        acceptor_count: p.acceptor_count(),
        q1: p.phase1_quorum,
        q2: p.phase2_quorum,
        backoff: p.backoff,
        leader_election: p.leader_election,
        leader: common_leader(&nodes),
        now: sim.now(),
        nodes: nodes
            .iter()
            .map(|(id, n, status)| node_card(id, n, status))
            .collect(),
        acceptors,
        quorums,
        ballots,
        flights: sim.in_flight().map(Flight::of).collect(),
        log_start,
        logs,
        safety,
        challenge: setup.challenge.then(|| ChallengeView {
            budget: setup.crash_budget(),
            used: crashes.0,
            in_run: crashes.1,
        }),
        stats: views::stats(&nodes),
    }
}

/// The leader most live nodes agree on (ties: the lowest id).
fn common_leader(nodes: &crate::sim::NodeSet<'_, PaxosNode>) -> Option<NodeId> {
    let mut votes: crate::sim::sorted::SortedMap<NodeId, u32> =
        crate::sim::sorted::SortedMap::new();
    for (_, leader) in views::leader_views(nodes) {
        *votes.entry(leader).or_default() += 1;
    }
    let most = votes.values().copied().max()?;
    votes
        .into_iter()
        .find(|(_, v)| *v == most)
        .map(|(id, _)| id)
}

/// The highest slot any acceptor accepted something in (0 if none).
fn acceptors_top_slot(nodes: &crate::sim::NodeSet<'_, PaxosNode>) -> Slot {
    nodes
        .iter()
        .filter_map(|(_, n, _)| n.acceptor()?.accepted().keys().next_back().copied())
        .max()
        .unwrap_or(0)
}
