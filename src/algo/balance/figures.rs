//! The scene's figures, each a pure function the page (and the benchmark) can call.
//!
//! 1. [`slow_server_p99`]: p99 latency with one slow server of four, for every strategy on
//!    the same seeded workload, as ratios against round robin.
//! 2. [`max_load_figure`]: balls into bins. `n` balls (requests) are thrown into `n` bins
//!    (servers), each into a random bin, or into the less loaded of two distinct random
//!    bins. The busiest bin holds about `ln n / ln ln n` with one choice (Gonnet 1981;
//!    Raab and Steger 1998 for the exact asymptotics) and `ln ln n / ln 2 + O(1)` with two
//!    (Azar, Broder, Karlin and Upfal, "Balanced Allocations", 1994/1999). Those are
//!    first-order terms; for the `n` a computer can reach, the lower-order terms still
//!    matter, so each row also gives a sharper prediction: for one choice, the expected
//!    maximum of `n` independent Poisson(1) loads; for two, the fluid limit of the process
//!    (Mitzenmacher's differential equations `ds_i/dt = s_{i-1}^2 - s_i^2`, where `s_i` is
//!    the fraction of bins holding at least `i` balls).
//! 3. [`session_moves_on_loss`]: sessions moved when a server is lost, for consistent
//!    hashing and bounded loads, beside the minimum (the lost server's own sessions).
use super::compare::TimedAction;
use super::config::BalanceConfig;
use super::messages::Cmd;
use super::strategy::Strategy;
use crate::algo::placement::hash_fn::key_hash;
use crate::algo::placement::{BoundedLoad, HashRing, NodeSpec};
use crate::sim::{Action, SimRng, Time};

/// Most bins one balls-into-bins run may use.
pub const MAX_BINS: u64 = 10_000_000;

/// Throws `n` balls into `n` bins, each into one random bin (`choices = 1`) or the less
/// loaded of two distinct random bins (`choices >= 2`, ties to the first); returns the
/// largest load. Bins beyond [`MAX_BINS`] are not allowed (returns 0).
pub fn balls_into_bins(n: u64, choices: u32, seed: u64) -> u32 {
    if n == 0 || n > MAX_BINS {
        return 0;
    }
    let mut rng = SimRng::new(seed);
    // One byte per bin keeps a million bins in cache; a load of 255 would need far more
    // luck than any n here allows, and saturates rather than wraps.
    let mut load = vec![0u8; n as usize];
    let mut max = 0u8;
    for _ in 0..n {
        let bin = if choices >= 2 && n >= 2 {
            let a = rng.below(n);
            let mut b = rng.below(n - 1);
            if b >= a {
                b += 1;
            }
            if load[b as usize] < load[a as usize] {
                b
            } else {
                a
            }
        } else {
            rng.below(n)
        };
        let l = &mut load[bin as usize];
        *l = l.saturating_add(1);
        max = max.max(*l);
    }
    u32::from(max)
}

/// The expected maximum of `n` independent Poisson(1) loads, `sum_k (1 - F(k)^n)`: the
/// one-choice prediction with its lower-order terms.
pub fn one_choice_prediction(n: u64) -> f64 {
    let n = n as f64;
    let mut expected = 0.0;
    let (mut pmf, mut cdf) = ((-1.0f64).exp(), 0.0);
    for k in 0..200u32 {
        cdf += pmf;
        let below = (n * cdf.min(1.0).ln()).exp();
        expected += 1.0 - below;
        if 1.0 - below < 1e-12 {
            break;
        }
        pmf /= f64::from(k + 1);
    }
    expected
}

/// The two-choice prediction from the fluid limit: `s_i(1)` for the differential equations
/// above (integrated with fourth-order Runge-Kutta), then the expected maximum taking the
/// number of bins with at least `i` balls as Poisson with mean `n s_i`.
pub fn two_choice_prediction(n: u64) -> f64 {
    const LEVELS: usize = 40;
    let derivative = |s: &[f64; LEVELS]| {
        let mut d = [0.0; LEVELS];
        for i in 1..LEVELS {
            d[i] = s[i - 1] * s[i - 1] - s[i] * s[i];
        }
        d
    };
    let mut s = [0.0f64; LEVELS];
    s[0] = 1.0;
    let steps = 2_000;
    let h = 1.0 / f64::from(steps);
    for _ in 0..steps {
        let add = |s: &[f64; LEVELS], d: &[f64; LEVELS], f: f64| {
            let mut out = *s;
            for i in 1..LEVELS {
                out[i] += d[i] * f;
            }
            out
        };
        let k1 = derivative(&s);
        let k2 = derivative(&add(&s, &k1, h / 2.0));
        let k3 = derivative(&add(&s, &k2, h / 2.0));
        let k4 = derivative(&add(&s, &k3, h));
        for i in 1..LEVELS {
            s[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
    let n = n as f64;
    (1..LEVELS).map(|i| 1.0 - (-n * s[i]).exp()).sum()
}

/// One row of the balls-into-bins figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxLoadRow {
    pub n: u64,
    pub seeds: u32,
    /// Mean over the seeds of the busiest bin's load.
    pub one_choice: f64,
    pub two_choices: f64,
    /// `ln n / ln ln n`.
    pub one_choice_first_order: f64,
    /// `ln ln n / ln 2` (the theorem adds `O(1)`).
    pub two_choice_first_order: f64,
    pub one_choice_predicted: f64,
    pub two_choice_predicted: f64,
}

/// The figure for each `n`, averaged over `seeds` seeds (1, 2, ...). `n` above
/// [`MAX_BINS`] or `seeds` above 1000 are refused.
pub fn max_load_figure(ns: &[u64], seeds: u32) -> Result<Vec<MaxLoadRow>, String> {
    if seeds == 0 || seeds > 1_000 {
        return Err(format!("Seeds must be between 1 and 1000, not {seeds}"));
    }
    ns.iter()
        .map(|&n| {
            if !(3..=MAX_BINS).contains(&n) {
                return Err(format!("n must be between 3 and {MAX_BINS}, not {n}"));
            }
            let mean = |choices| {
                let total: u64 = (1..=u64::from(seeds))
                    .map(|seed| u64::from(balls_into_bins(n, choices, seed)))
                    .sum();
                total as f64 / f64::from(seeds)
            };
            let ln = (n as f64).ln();
            Ok(MaxLoadRow {
                n,
                seeds,
                one_choice: mean(1),
                two_choices: mean(2),
                one_choice_first_order: ln / ln.ln(),
                two_choice_first_order: ln.ln() / std::f64::consts::LN_2,
                one_choice_predicted: one_choice_prediction(n),
                two_choice_predicted: two_choice_prediction(n),
            })
        })
        .collect()
}

/// One strategy's tail latency with a slow server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrategyP99 {
    pub strategy: Strategy,
    /// Nearest-rank p99 latency of the requests completed in the measured window, in
    /// microseconds.
    pub p99_us: u64,
    /// The p99 over every request that ended in the window, an unserved one counting as
    /// infinitely slow (`None`: 1% or more were not served; see `Percentiles::p99_all`).
    pub p99_all_us: Option<u64>,
    /// `p99_us / round robin's p99_us`, in thousandths.
    pub ratio_to_round_robin_permille: u64,
    pub completed: u64,
    pub unserved: u64,
}

/// The workload of the p99 figure: four equal servers (2 slots, mean demand 20 ms), one
/// balancer, Poisson arrivals at `load_percent` of the servers' capacity, the fourth server
/// `slow_factor` times slower from the start. Passive ejection is off, so that no strategy
/// is rescued by ejecting the slow server (its active health checks pass: it is slow, not
/// dead).
pub fn slow_server_config(strategy: Strategy, load_percent: u32) -> BalanceConfig {
    let mut config = BalanceConfig {
        strategy,
        window: Time::from_millis(10_000),
        ..BalanceConfig::default()
    };
    config.outlier.enabled = false;
    let per_second = config.capacity_per_second() * u64::from(load_percent.min(200)) / 100;
    config.traffic.rate = vec![super::config::RateStep {
        from: Time::ZERO,
        per_second: per_second as u32,
    }];
    config
}

/// p99 latency for every strategy on the [`slow_server_config`] workload (12 s; measured
/// exactly over the requests that ended in the last 10 s). Every strategy sees the same
/// arrivals.
pub fn slow_server_p99(
    seed: u64,
    load_percent: u32,
    slow_factor: u32,
) -> Result<Vec<StrategyP99>, String> {
    if !(1..=100).contains(&load_percent) || !(1..=10).contains(&slow_factor) {
        return Err(format!(
            "The load must be 1% to 100% and the slow-down 1 to 10 times (got {load_percent}% \
             and {slow_factor})"
        ));
    }
    let end = Time::from_millis(12_000);
    let mut rows = Vec::new();
    for strategy in Strategy::ALL {
        let config = slow_server_config(strategy, load_percent);
        let layout = super::layout(&config);
        let actions = [TimedAction {
            at: Time::ZERO,
            action: Action::Command(layout.server(3), Cmd::Slow(slow_factor)),
        }];
        let mut sim = super::new_sim(seed, &config);
        for a in &actions {
            sim.apply(&a.action, a.at, None);
        }
        super::compare::run_until(&mut sim, end);
        let client = sim
            .nodes()
            .iter()
            .find_map(|(_, n, _)| n.as_client().cloned())
            .ok_or("no client")?;
        let p = client.percentiles(end);
        rows.push(StrategyP99 {
            strategy,
            p99_us: p.p99,
            p99_all_us: p.p99_all,
            ratio_to_round_robin_permille: 0,
            completed: p.count,
            unserved: p.unserved,
        });
    }
    let rr = rows
        .iter()
        .find(|r| r.strategy == Strategy::RoundRobin)
        .map_or(1, |r| r.p99_us.max(1));
    for r in &mut rows {
        r.ratio_to_round_robin_permille = r.p99_us * 1000 / rr;
    }
    Ok(rows)
}

/// Sessions that change server when one server is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionMoveFigure {
    pub sessions: u32,
    /// The lost server's own sessions: they must move.
    pub minimum: u64,
    /// Consistent hashing: sessions whose owner changed.
    pub ring: u64,
    /// Bounded loads (sessions placed in order with capacity `ceil(c x sessions / n)`).
    pub bounded: u64,
}

/// Places `sessions` keys on `servers` equal servers (`vnodes` points each) with plain
/// consistent hashing and with bounded loads (`c` in thousandths), removes server `lost`,
/// and counts the sessions that changed server in each, beside the minimum.
pub fn session_moves_on_loss(
    servers: u32,
    sessions: u32,
    lost: u32,
    vnodes: u32,
    c_permille: u32,
) -> Result<SessionMoveFigure, String> {
    if !(2..=64).contains(&servers) || lost >= servers {
        return Err(format!(
            "Need 2 to 64 servers and a lost server among them (got {servers}, lost {lost})"
        ));
    }
    if sessions == 0 || sessions > 100_000 {
        return Err(format!(
            "Sessions must be between 1 and 100000, not {sessions}"
        ));
    }
    let names = |skip: Option<u32>| -> Vec<NodeSpec> {
        (0..servers)
            .filter(|&i| Some(i) != skip)
            .map(|i| NodeSpec::new(super::sticky::server_name(i), 1))
            .collect()
    };
    let keys: Vec<u64> = (0..sessions).map(|s| key_hash(&s.to_le_bytes())).collect();
    let e = |err: crate::algo::placement::PlacementError| err.to_string();
    let c = f64::from(c_permille) / 1000.0;
    let owner_names = |nodes: &[NodeSpec], owners: &[crate::algo::placement::NodeIndex]| {
        owners
            .iter()
            .map(|o| nodes[o.get()].name.clone())
            .collect::<Vec<String>>()
    };
    let before_nodes = names(None);
    let after_nodes = names(Some(lost));
    let mut ring = HashRing::new(&before_nodes, vnodes).map_err(e)?;
    let lost_name = super::sticky::server_name(lost);
    let before_ring: Vec<String> = keys
        .iter()
        .map(|&k| ring.owner(k).map(|o| before_nodes[o.get()].name.clone()))
        .collect::<Option<_>>()
        .ok_or("empty ring")?;
    let minimum = before_ring.iter().filter(|n| **n == lost_name).count() as u64;
    let ring_moves = ring.remove_node(&lost_name, &keys).map_err(e)?.len() as u64;
    let bounded_before = BoundedLoad::new(&before_nodes, vnodes, c).map_err(e)?;
    let bounded_after = BoundedLoad::new(&after_nodes, vnodes, c).map_err(e)?;
    let a = owner_names(
        &before_nodes,
        &bounded_before.assign(&keys).map_err(e)?.owners,
    );
    let b = owner_names(
        &after_nodes,
        &bounded_after.assign(&keys).map_err(e)?.owners,
    );
    let bounded = a.iter().zip(&b).filter(|(x, y)| x != y).count() as u64;
    Ok(SessionMoveFigure {
        sessions,
        minimum,
        ring: ring_moves,
        bounded,
    })
}
