//! Dueling proposers: how often does nothing get chosen for a long time, and what ends it.
//!
//! *Paxos Made Simple* §2.4: proposer p completes phase 1 with ballot n1; q then completes
//! phase 1 with n2 > n1, so p's accept requests are refused; p starts phase 1 again with
//! n3 > n2, which makes q's accept requests fail; and so on. Safety is never at risk, but
//! progress can be, and by the FLP impossibility result no deterministic asynchronous
//! protocol can rule that out. In practice two cures work: a random back-off (the loser
//! of a collision waits a random, growing time, so that one proposer soon gets two
//! uninterrupted round trips), and a leader (only one proposer tries at all).
//!
//! [`duel`] measures it: three proposers given different values 20 ms apart (each arrives
//! while the previous one is in the middle of its ballot), run over many seeds, counting
//! the runs in which nothing was chosen within a horizon; [`livelock_table`] does so for
//! each combination of the two cures. On a network with random latency a duel without
//! cures rarely lasts forever, but it often lasts long; on a lockstep network (every
//! message equally slow, see the `livelock` scenario) it can last forever.
use super::cluster::new_sim;
use super::config::{PaxosConfig, Proposal};
use super::invariants::chosen_in;
use super::node::PaxosNode;
use super::value::Word;
use crate::sim::{NodeId, Sim, Time};

/// Most seeds one measurement may run, and the longest horizon (a link must not ask for
/// unbounded work).
pub const MAX_DUEL_RUNS: u64 = 10_000;
pub const MAX_DUEL_HORIZON: Time = Time::from_millis(10_000);

/// How far apart the dueling proposers get their values.
pub const DUEL_STAGGER: Time = Time::from_millis(20);

/// `base` with three dueling proposers: proposer `i` is given its own value at `i` times
/// [`DUEL_STAGGER`] (the first three proposers, or fewer if there are fewer).
pub fn duel_setup(base: &PaxosConfig) -> PaxosConfig {
    let values = ["red", "green", "blue"];
    let proposers: Vec<NodeId> = (0..base.roles.len() as u32)
        .map(NodeId)
        .filter(|n| base.roles[n.index()].proposer)
        .collect();
    PaxosConfig {
        proposals: proposers
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (node, v))| Proposal {
                node: *node,
                value: Word::lit(v),
                at: Time(DUEL_STAGGER.0 * i as u64),
            })
            .collect(),
        ..base.clone()
    }
}

/// [`duel_setup`] with or without back-off and leader election.
pub fn duel_config(base: &PaxosConfig, backoff: bool, leader_election: bool) -> PaxosConfig {
    PaxosConfig {
        backoff,
        leader_election,
        ..duel_setup(base)
    }
}

/// When something was first chosen in slot 0, if before `horizon`.
pub fn time_to_choose(seed: u64, config: &PaxosConfig, horizon: Time) -> Option<Time> {
    let mut sim = new_sim(seed, config);
    let mut votes = 0;
    while sim.next_event_time().is_some_and(|t| t <= horizon) {
        sim.step(None);
        let now_votes = vote_count(&sim);
        if now_votes != votes {
            votes = now_votes;
            if !chosen_in(&sim.nodes(), 0).is_empty() {
                return Some(sim.now());
            }
        }
    }
    None
}

fn vote_count(sim: &Sim<PaxosNode>) -> u64 {
    sim.nodes()
        .iter()
        .filter_map(|(_, n, _)| n.acceptor())
        .map(|a| a.history().vote_count())
        .sum()
}

/// What [`duel`] measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DuelReport {
    pub runs: u64,
    /// Runs with nothing chosen by the horizon.
    pub livelocked: u64,
    /// Mean time to the first chosen value, over the runs that chose one.
    pub mean_time_to_choose: Option<Time>,
    /// The slowest of those.
    pub slowest: Option<Time>,
}

impl DuelReport {
    /// Livelocked runs per thousand.
    pub fn livelock_per_mille(&self) -> u64 {
        (self.livelocked * 1000).checked_div(self.runs).unwrap_or(0)
    }
}

/// Runs seeds `0..runs` (at most [`MAX_DUEL_RUNS`]) of `config` and reports how many chose
/// nothing within `horizon` (at most [`MAX_DUEL_HORIZON`]).
pub fn duel(config: &PaxosConfig, runs: u64, horizon: Time) -> DuelReport {
    let runs = runs.min(MAX_DUEL_RUNS);
    let horizon = horizon.min(MAX_DUEL_HORIZON);
    let mut livelocked = 0;
    let mut total = 0u64;
    let mut slowest: Option<Time> = None;
    for seed in 0..runs {
        match time_to_choose(seed, config, horizon) {
            Some(t) => {
                total += t.0;
                slowest = slowest.max(Some(t));
            }
            None => livelocked += 1,
        }
    }
    let chose = runs - livelocked;
    DuelReport {
        runs,
        livelocked,
        mean_time_to_choose: (chose > 0).then(|| Time(total / chose)),
        slowest,
    }
}

/// One line of [`livelock_table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DuelRow {
    pub backoff: bool,
    pub leader_election: bool,
    pub report: DuelReport,
}

/// [`duel`] for each combination of back-off and leader election (neither, back-off,
/// leader, both) applied to `duel`, a configuration whose proposals collide (see
/// [`duel_setup`], or the `livelock` scenario's).
pub fn livelock_table(duel_base: &PaxosConfig, runs: u64, horizon: Time) -> Vec<DuelRow> {
    [(false, false), (true, false), (false, true), (true, true)]
        .into_iter()
        .map(|(backoff, leader_election)| DuelRow {
            backoff,
            leader_election,
            report: duel(
                &PaxosConfig {
                    backoff,
                    leader_election,
                    ..duel_base.clone()
                },
                runs,
                horizon,
            ),
        })
        .collect()
}
