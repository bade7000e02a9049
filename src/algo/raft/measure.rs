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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionSamples {
    /// Time from the crash to the next leader's election, sorted.
    pub times: Vec<Time>,
    /// Runs with no new leader within [`ELECTION_LIMIT`].
    pub unelected: u32,
}

impl ElectionSamples {
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

/// Figure 16: five servers elect a leader; it is crashed at a random moment within its
/// heartbeat interval (half the minimum election timeout, as in the paper); the time until
/// another server is elected is measured. Seeds `0..seeds` (at most [`MAX_SAMPLE_SEEDS`]);
/// invariants are not checked (the property tests do that).
pub fn election_time_samples_on(
    net: &NetConfig,
    min: Time,
    max: Time,
    seeds: u64,
) -> ElectionSamples {
    let config = RaftConfig {
        servers: 5,
        clients: 0,
        election_timeout_min: min,
        election_timeout_max: max.max(min),
        heartbeat_interval: Time((min.0 / 2).max(1)),
        ..RaftConfig::default()
    };
    let mut samples = ElectionSamples {
        times: Vec::new(),
        unelected: 0,
    };
    for seed in 0..seeds.min(MAX_SAMPLE_SEEDS) {
        let mut sim = Sim::new(seed, nodes(&config), net.clone(), Vec::new());
        if !run_until(&mut sim, ELECTION_LIMIT, |s| leader(s).is_some()) {
            samples.unelected += 1;
            continue;
        }
        // Let the leader settle for a few heartbeats, then crash it at a random phase.
        let mut draw = SimRng::new(seed ^ 0x05EE_DF16);
        let heartbeat = config.heartbeat_interval.0;
        let settle = sim.now().0 + 4 * heartbeat + draw.below(heartbeat);
        run_until(&mut sim, Time(settle), |_| false);
        let Some((old, _)) = leader(&sim) else {
            samples.unelected += 1;
            continue;
        };
        let crashed_at = sim.now();
        sim.apply(&Action::Crash(old), crashed_at, None);
        let limit = crashed_at.saturating_add(ELECTION_LIMIT);
        if run_until(&mut sim, limit, |s| {
            leader(s).is_some_and(|(l, _)| l != old)
        }) {
            samples.times.push(sim.now().saturating_sub(crashed_at));
        } else {
            samples.unelected += 1;
        }
    }
    samples.times.sort_unstable();
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
