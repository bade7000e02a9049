//! Figures the page can chart: how long it takes to replace a crashed leader (the paper's
//! Figure 16), and how many messages each committed entry costs.
use super::config::RaftConfig;
use super::log::{Index, Term};
use super::node::{nodes, RaftNode};
use super::server::Role;
use crate::sim::{Action, NetConfig, NodeId, NodeStatus, Sim, SimRng, Time};

/// The leader of the highest term among the servers that are up, if any.
pub fn leader(sim: &Sim<RaftNode>) -> Option<(NodeId, Term)> {
    sim.nodes()
        .iter()
        .filter(|(_, _, status)| *status == NodeStatus::Up)
        .filter_map(|(id, node, _)| node.as_server().map(|s| (id, s)))
        .filter(|(_, s)| s.role() == Role::Leader)
        .map(|(id, s)| (id, s.current_term()))
        .max_by_key(|(_, term)| *term)
}

/// Most seeds one call runs (a page may pass a number a person typed).
pub const MAX_SAMPLE_SEEDS: u64 = 10_000;

/// How long Figure 16's runs may wait for a leader before counting as "not elected".
pub const ELECTION_LIMIT: Time = Time::from_millis(10_000);

/// Election times after a leader crash, over `seeds` runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElectionSamples {
    /// Time from the crash to the next leader's election, sorted.
    pub times: Vec<Time>,
    /// Runs with no new leader within [`ELECTION_LIMIT`].
    pub unelected: u32,
}

impl ElectionSamples {
    /// Adds one run's result (`None`: no new leader), keeping `times` sorted.
    pub fn record(&mut self, time: Option<Time>) {
        match time {
            Some(t) => {
                let at = self.times.partition_point(|x| *x <= t);
                self.times.insert(at, t);
            }
            None => self.unelected += 1,
        }
    }

    /// Runs recorded, elected or not.
    pub fn runs(&self) -> u64 {
        self.times.len() as u64 + u64::from(self.unelected)
    }

    /// The `p`-th percentile (0 to 100) of the elected runs.
    pub fn percentile(&self, p: u32) -> Option<Time> {
        let n = self.times.len();
        if n == 0 {
            return None;
        }
        let rank = (u64::from(p.min(100)) * (n as u64 - 1) + 50) / 100;
        self.times.get(rank as usize).copied()
    }

    /// The share (per mille) of all runs elected within `t`.
    pub fn within(&self, t: Time) -> u32 {
        let all = self.times.len() as u64 + u64::from(self.unelected);
        if all == 0 {
            return 0;
        }
        let count = self.times.partition_point(|x| *x <= t) as u64;
        (count * 1000 / all) as u32
    }
}

/// Runs every event due at or before `until`, or until `stop` holds.
fn run_until(sim: &mut Sim<RaftNode>, until: Time, stop: impl Fn(&Sim<RaftNode>) -> bool) -> bool {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step(None);
        if stop(sim) {
            return true;
        }
    }
    false
}

/// The network of Figure 16's runs: 5 to 8 ms per message, so that a round trip to every
/// server (the paper's "broadcast time") takes about 15 ms.
pub fn figure_16_net() -> NetConfig {
    NetConfig {
        latency_min: Time::from_millis(5),
        latency_max: Time::from_millis(8),
        loss: 0.0,
        duplicate: 0.0,
    }
}

/// Figure 16 of the paper on [`figure_16_net`]: see [`election_time_samples_on`].
pub fn election_time_samples(min: Time, max: Time, seeds: u64) -> ElectionSamples {
    election_time_samples_on(&figure_16_net(), min, max, seeds)
}

/// The five servers of Figure 16's runs, with election timeouts drawn from `min..=max` and
/// heartbeats at half the minimum timeout, as in the paper.
fn figure_16_config(min: Time, max: Time) -> RaftConfig {
    RaftConfig {
        servers: 5,
        clients: 0,
        election_timeout_min: min,
        election_timeout_max: max.max(min),
        heartbeat_interval: Time((min.0 / 2).max(1)),
        ..RaftConfig::default()
    }
}

/// One run of Figure 16 (seed `seed`): five servers elect a leader; it is crashed at a
/// random moment within its heartbeat interval; the time until another server is elected
/// is returned, or `None` if none is within [`ELECTION_LIMIT`] (of the first election or of
/// the crash). Invariants are not checked (the property tests do that). The page runs this
/// seed by seed across frames, and [`election_time_samples_on`] in one loop: both are this.
pub fn election_time_after_crash(net: &NetConfig, min: Time, max: Time, seed: u64) -> Option<Time> {
    let config = figure_16_config(min, max);
    let mut sim = Sim::new(seed, nodes(&config), net.clone(), Vec::new());
    if !run_until(&mut sim, ELECTION_LIMIT, |s| leader(s).is_some()) {
        return None;
    }
    // Let the leader settle for a few heartbeats, then crash it at a random phase.
    let mut draw = SimRng::new(seed ^ 0x05EE_DF16);
    let heartbeat = config.heartbeat_interval.0;
    let settle = sim.now().0 + 4 * heartbeat + draw.below(heartbeat);
    run_until(&mut sim, Time(settle), |_| false);
    let (old, _) = leader(&sim)?;
    let crashed_at = sim.now();
    sim.apply(&Action::Crash(old), crashed_at, None);
    let limit = crashed_at.saturating_add(ELECTION_LIMIT);
    run_until(&mut sim, limit, |s| {
        leader(s).is_some_and(|(l, _)| l != old)
    })
    .then(|| sim.now().saturating_sub(crashed_at))
}

/// Figure 16 over seeds `0..seeds` (at most [`MAX_SAMPLE_SEEDS`]): one
/// [`election_time_after_crash`] per seed.
pub fn election_time_samples_on(
    net: &NetConfig,
    min: Time,
    max: Time,
    seeds: u64,
) -> ElectionSamples {
    let mut samples = ElectionSamples::default();
    for seed in 0..seeds.min(MAX_SAMPLE_SEEDS) {
        samples.record(election_time_after_crash(net, min, max, seed));
    }
    samples
}

/// Messages sent by servers and clients, and entries committed, in one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageStats {
    pub messages: u64,
    /// Of which heartbeats (AppendEntries without entries).
    pub heartbeats: u64,
    /// The highest commit index any server reached.
    pub committed: Index,
}

impl MessageStats {
    pub fn per_entry(&self) -> Option<f64> {
        (self.committed > 0).then(|| self.messages as f64 / self.committed as f64)
    }
}

pub fn message_stats(sim: &Sim<RaftNode>) -> MessageStats {
    let mut stats = MessageStats::default();
    for (_, node, _) in sim.nodes().iter() {
        match node {
            RaftNode::Server(s) => {
                stats.messages += s.sent().total();
                stats.heartbeats += s.sent().heartbeats;
                stats.committed = stats.committed.max(s.commit_index());
            }
            RaftNode::Client(c) => stats.messages += c.attempts(),
        }
    }
    stats
}
