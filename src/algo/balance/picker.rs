//! How one balancer chooses a server for a request, for every strategy.
//!
//! A balancer only chooses among servers it considers *available* (not marked down by its
//! health checks, not ejected), and it only knows its own open requests: with several
//! balancers, "least connections" means least of *my* connections.
//!
//! - **Random**: `random.choice(servers)`. Simple and stateless; on average fair, but the
//!   luck of the draw gives some server a long queue now and then, and it keeps sending a
//!   quarter of the traffic to a server that has become slow.
//! - **Round robin**: the next server in a cycle. Perfectly even *counts*, blind to how
//!   long requests take: a slow server gets its full share and its queue grows.
//! - **Smooth weighted round robin**: nginx's, see `smooth_wrr`.
//! - **Least connections**: nginx's `least_conn`: the fewest open requests per unit of
//!   weight, ties broken by smooth weighted round robin among the tied servers. It adapts
//!   to slow servers (their requests stay open longer). With many balancers each sees
//!   only its own requests, so a server that looks empty to all of them (one just
//!   restarted, say) is picked by all of them at once: the herd.
//! - **Power of two choices**: two *distinct* servers at random, the one with fewer open
//!   requests (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing",
//!   IEEE TPDS 2001; Finagle's `P2CPick`, which draws the second from the others so the
//!   pair is never the same server twice). Nearly as good as asking everyone, for the
//!   price of looking at two; and since different balancers draw different pairs, they do
//!   not herd.
//! - **P2C + Peak EWMA**: the same pair, compared by `peak_ewma`'s latency-weighted load.
//! - **Consistent hashing** and **bounded loads**: see `sticky`.
use super::config::BalanceConfig;
use super::messages::PickReason;
use super::peak_ewma::PeakEwma;
use super::smooth_wrr::SmoothWrr;
use super::sticky::SharedRing;
use super::strategy::Strategy;
use crate::sim::{SimRng, Time};

/// What a balancer knows about the servers when it picks, by server index.
#[derive(Clone, Copy, Debug)]
pub struct ServerView<'a> {
    pub available: &'a [bool],
    /// This balancer's open requests to each server.
    pub open: &'a [u32],
    pub weights: &'a [u32],
}

/// Two distinct indexes in `0..k` (`k >= 2`), uniformly among the ordered pairs: the
/// second is drawn from the `k - 1` others by skipping over the first, as Finagle does.
pub fn distinct_pair(rng: &mut SimRng, k: u64) -> (u64, u64) {
    let a = rng.below(k);
    let mut b = rng.below(k - 1);
    if b >= a {
        b += 1;
    }
    (a, b)
}

/// A balancer's strategy and the state it keeps between picks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Picker {
    strategy: Strategy,
    /// Round robin: where the next search starts.
    next: u32,
    /// Smooth weighted round robin (also least connections' tie-break).
    wrr: SmoothWrr,
    /// Peak EWMA per server.
    ewma: Vec<PeakEwma>,
    decay: Time,
    ring: SharedRing,
    capacity_permille: u32,
    /// nginx's `max_fails`, for lowering a failing server's effective weight.
    max_fails: u32,
}

impl Picker {
    pub fn new(config: &BalanceConfig, ring: SharedRing) -> Self {
        let weights: Vec<u32> = config.servers.iter().map(|s| s.weight).collect();
        Picker {
            strategy: config.strategy,
            next: 0,
            wrr: SmoothWrr::new(&weights),
            ewma: vec![PeakEwma::default(); weights.len()],
            decay: config.pewma_decay,
            ring,
            capacity_permille: config.capacity_factor_permille,
            max_fails: config.outlier.consecutive_errors,
        }
    }

    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    pub fn wrr(&self) -> &SmoothWrr {
        &self.wrr
    }

    /// Peak EWMA costs (nanoseconds) per server, as last updated.
    pub fn ewma_costs(&self) -> Vec<u64> {
        self.ewma.iter().map(|m| m.cost_ns()).collect()
    }

    pub fn ring(&self) -> &SharedRing {
        &self.ring
    }

    /// Chooses a server for a request of `session`, or `None` if none is available.
    pub fn pick(
        &mut self,
        rng: &mut SimRng,
        now: Time,
        view: &ServerView<'_>,
        session: u32,
    ) -> Option<(u32, PickReason)> {
        let live: Vec<u32> = (0..view.available.len() as u32)
            .filter(|&i| view.available[i as usize])
            .collect();
        if live.is_empty() {
            return None;
        }
        let open = |i: u32| view.open.get(i as usize).copied().unwrap_or(0);
        match self.strategy {
            Strategy::Random => {
                let i = live[rng.below(live.len() as u64) as usize];
                Some((i, PickReason::Random))
            }
            Strategy::RoundRobin => {
                let n = view.available.len() as u32;
                let i = (0..n)
                    .map(|k| (self.next + k) % n)
                    .find(|&i| view.available[i as usize])?;
                self.next = (i + 1) % n;
                Some((i, PickReason::RoundRobin))
            }
            Strategy::SmoothWeighted => {
                let p = self.wrr.pick(|i| view.available[i])?;
                let why = PickReason::SmoothWeighted {
                    current_weight: p.current_weight,
                    total: p.total,
                };
                Some((p.index as u32, why))
            }
            Strategy::LeastConnections => self.least_connections(view, &live),
            Strategy::TwoChoices | Strategy::PeakEwma => {
                if live.len() == 1 {
                    // No pair to compare: the one available server takes it.
                    return Some((live[0], PickReason::OnlyChoice));
                }
                let (a, b) = distinct_pair(rng, live.len() as u64);
                let (a, b) = (live[a as usize], live[b as usize]);
                Some(self.better_of(now, a, b, open(a), open(b)))
            }
            Strategy::Ring => self.ring.pick(session, view.available),
            Strategy::BoundedLoad => {
                self.ring
                    .pick_bounded(session, view.available, view.open, self.capacity_permille)
            }
        }
    }

    /// Of a pair, the lower load wins; on a tie the second, as in Finagle's `P2CPick`.
    fn better_of(
        &mut self,
        now: Time,
        a: u32,
        b: u32,
        open_a: u32,
        open_b: u32,
    ) -> (u32, PickReason) {
        if self.strategy == Strategy::PeakEwma {
            let load_a = self.ewma[a as usize].load(now, open_a, self.decay);
            let load_b = self.ewma[b as usize].load(now, open_b, self.decay);
            if load_a < load_b {
                let why = PickReason::PeakEwma {
                    other: b,
                    load: load_a,
                    other_load: load_b,
                };
                (a, why)
            } else {
                let why = PickReason::PeakEwma {
                    other: a,
                    load: load_b,
                    other_load: load_a,
                };
                (b, why)
            }
        } else if open_a < open_b {
            let why = PickReason::TwoChoices {
                other: b,
                load: open_a,
                other_load: open_b,
            };
            (a, why)
        } else {
            let why = PickReason::TwoChoices {
                other: a,
                load: open_b,
                other_load: open_a,
            };
            (b, why)
        }
    }

    /// nginx's `least_conn`: the smallest `open / weight` (compared by cross-multiplying,
    /// as nginx does), and smooth weighted round robin among the servers tied at it.
    fn least_connections(
        &mut self,
        view: &ServerView<'_>,
        live: &[u32],
    ) -> Option<(u32, PickReason)> {
        let ratio = |i: u32| {
            let i = i as usize;
            (u64::from(view.open[i]), u64::from(view.weights[i].max(1)))
        };
        let mut best = *live.first()?;
        for &i in live {
            let (open_i, w_i) = ratio(i);
            let (open_b, w_b) = ratio(best);
            if open_i * w_b < open_b * w_i {
                best = i;
            }
        }
        let (open_b, w_b) = ratio(best);
        let tied = |i: usize| {
            view.available[i] && {
                let (open_i, w_i) = ratio(i as u32);
                open_i * w_b == open_b * w_i
            }
        };
        let count = (0..view.available.len()).filter(|&i| tied(i)).count() as u32;
        let chosen = if count > 1 {
            self.wrr.pick(tied)?.index as u32
        } else {
            best
        };
        let why = PickReason::LeastConnections {
            open: view.open[chosen as usize],
            tied: count,
        };
        Some((chosen, why))
    }

    /// A request to `server` ended after `rtt`: feeds Peak EWMA, and on failure lowers the
    /// server's effective weight the way nginx does.
    pub fn on_end(&mut self, server: u32, now: Time, rtt: Time, failed: bool) {
        if let Some(m) = self.ewma.get_mut(server as usize) {
            m.observe(now, rtt.0.saturating_mul(1000), self.decay);
        }
        if failed {
            self.wrr.failed(server as usize, self.max_fails);
        }
    }
}
