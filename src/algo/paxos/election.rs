//! Leader election by a heartbeat failure detector: the live proposer with the lowest id
//! leads.
//!
//! Paxos is always safe, but two proposers that keep overtaking each other's ballots can
//! stop it from ever choosing anything (*Paxos Made Simple* §2.4; by the FLP result no
//! deterministic protocol can avoid this in a fully asynchronous system). The cure Lamport
//! gives is a distinguished proposer: only the leader issues proposals. Electing one needs
//! timeouts, that is, some assumption about timing; Paxos's safety never does.
//!
//! Here every proposer sends a heartbeat to every node each interval. A node considers a
//! proposer alive while it has heard from it within the failure timeout (everyone starts
//! out trusted), and takes the lowest live id as the leader. While views disagree (just
//! after a crash, or across a partition) two proposers can both believe they lead; they
//! duel for a while, and safety still holds. Heartbeats also carry how many slots the
//! sender has learned, so a learner that missed some can tell and catch up.
use super::config::Setup;
use super::io::Io;
use super::messages::{Msg, Timer};
use super::notes::Note;
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeId, Time};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FailureDetector {
    /// When each proposer was last heard from.
    last_heard: SortedMap<NodeId, Time>,
    leader: NodeId,
}

impl FailureDetector {
    pub fn new() -> Self {
        Self::default()
    }

    /// The proposer this node believes leads.
    pub fn leader(&self) -> NodeId {
        self.leader
    }

    /// Proposers it currently believes alive.
    pub fn trusted(&self, now: Time, setup: &Setup, me: NodeId) -> Vec<NodeId> {
        setup
            .proposers
            .iter()
            .copied()
            .filter(|p| {
                *p == me
                    || self
                        .last_heard
                        .get(p)
                        .is_some_and(|t| now.saturating_sub(*t) < setup.timing.failure_timeout)
            })
            .collect()
    }

    /// (Re)starts: every proposer is trusted from now on, heartbeats begin.
    pub(crate) fn on_start(&mut self, io: &mut impl Io, setup: &Setup) {
        let now = io.now();
        self.last_heard =
            crate::sim::sorted::SortedMap::from_iter(setup.proposers.iter().map(|p| (*p, now)));
        self.leader = setup.proposers.first().copied().unwrap_or_default();
        io.set_timer(Timer::Heartbeat, Time::ZERO);
    }

    /// A heartbeat from `from`. Returns the new leader if it changed.
    pub(crate) fn on_heartbeat(
        &mut self,
        io: &mut impl Io,
        setup: &Setup,
        from: NodeId,
    ) -> Option<NodeId> {
        if setup.proposers.contains(&from) {
            self.last_heard.insert(from, io.now());
        }
        self.recompute(io, setup)
    }

    /// The heartbeat timer: send heartbeats (proposers), re-check who is alive. Returns
    /// the new leader if it changed.
    pub(crate) fn on_tick(
        &mut self,
        io: &mut impl Io,
        setup: &Setup,
        node_count: u32,
        learned_prefix: u32,
    ) -> Option<NodeId> {
        let me = io.id();
        if setup.proposers.contains(&me) {
            for to in (0..node_count).map(NodeId).filter(|n| *n != me) {
                io.send(to, Msg::Heartbeat { learned_prefix });
            }
        }
        io.set_timer(Timer::Heartbeat, setup.timing.heartbeat_interval);
        self.recompute(io, setup)
    }

    fn recompute(&mut self, io: &mut impl Io, setup: &Setup) -> Option<NodeId> {
        let me = io.id();
        let leader = self.trusted(io.now(), setup, me).first().copied()?;
        if leader == self.leader {
            return None;
        }
        let previous = self.leader;
        self.leader = leader;
        io.note(Note::LeaderChanged { leader, previous });
        Some(leader)
    }
}
