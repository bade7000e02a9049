//! The scene's parameters, every one bounded so that a link cannot ask for unbounded work.
use super::strategy::Strategy;
use crate::sim::{Line, Time};
use std::fmt;

pub const MAX_BALANCERS: u32 = 8;
pub const MAX_SERVERS: u32 = 16;
pub const MAX_SLOTS: u32 = 64;
pub const MAX_QUEUE: u32 = 1_000;
pub const MAX_WEIGHT: u32 = 100;
/// Server speed, in thousandths of the normal speed: from a tenth to ten times normal.
pub const SPEED_RANGE: (u32, u32) = (100, 10_000);
/// Most requests per second the traffic may ask for (before a surge multiplies it).
pub const MAX_RATE: u32 = 5_000;
pub const MAX_RATE_STEPS: usize = 16;
pub const MAX_SESSIONS: u32 = 10_000;
pub const MAX_BURST: u32 = 100;
/// A slow server takes this many times longer, at most (`slow:F`).
pub const MAX_SLOW_FACTOR: u32 = 10;
/// A surge multiplies the rate by at most this much (`surge:F:MS`).
pub const MAX_SURGE_FACTOR: u32 = 10;
/// Longest timeout, interval, ejection time or window the scene allows.
pub const MAX_SPAN: Time = Time::from_millis(600_000);
/// Longest latency window (the window keeps every outcome inside it).
pub const MAX_WINDOW: Time = Time::from_millis(10_000);
/// Virtual nodes per unit of weight on the ring, at most (keeps the ring below the
/// placement library's point limit: 16 servers x 100 weight x 1000 points).
pub const MAX_VNODES: u32 = 1_000;

/// One server's capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServerSpec {
    /// Requests it serves in parallel (worker threads, connections to a database, ...).
    pub slots: u32,
    /// Speed in thousandths: 1000 serves a request in its demanded time, 2000 in half.
    pub speed_permille: u32,
    /// Weight for the weighted strategies (smooth weighted round robin, least
    /// connections, the ring's virtual nodes, bounded loads' capacities).
    pub weight: u32,
    /// Requests that may wait for a free slot; one more is turned away (see [`QueueFull`]).
    pub queue_limit: u32,
}

impl Default for ServerSpec {
    fn default() -> Self {
        ServerSpec {
            slots: 2,
            speed_permille: 1000,
            weight: 1,
            queue_limit: 64,
        }
    }
}

/// What a server does with a request that finds its queue full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum QueueFull {
    /// Answer at once with an error (HTTP 503): the client learns quickly, and the
    /// balancer counts an error against the server.
    #[default]
    Reject,
    /// Discard the request silently (a full accept backlog): the client learns only when a
    /// timeout fires.
    Drop,
}

/// From `from` on, requests arrive at `per_second` on average (until the next step).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateStep {
    pub from: Time,
    pub per_second: u32,
}

/// The offered traffic. It is drawn from its own seeded stream (see `stream`), so it is
/// the same whatever the strategy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrafficConfig {
    /// The rate schedule: a Poisson process whose rate changes at each step.
    pub rate: Vec<RateStep>,
    /// Thousandths of arrival events that bring a burst of `burst_size` requests at once
    /// instead of one.
    pub burst_permille: u32,
    pub burst_size: u32,
    /// Mean service demand of a request on a server of speed 1000 (exponentially
    /// distributed).
    pub mean_demand: Time,
    /// Thousandths of requests that are heavy: `heavy_factor` times the drawn demand.
    pub heavy_permille: u32,
    pub heavy_factor: u32,
    /// Distinct session keys; each request belongs to one, drawn uniformly.
    pub sessions: u32,
}

impl Default for TrafficConfig {
    fn default() -> Self {
        TrafficConfig {
            rate: vec![RateStep {
                from: Time::ZERO,
                per_second: 240,
            }],
            burst_permille: 0,
            burst_size: 5,
            mean_demand: Time::from_millis(20),
            heavy_permille: 0,
            heavy_factor: 10,
            sessions: 1_000,
        }
    }
}

/// Active health checks, with HAProxy's semantics (`inter`, `rise`, `fall`): every
/// `interval` each balancer sends a check to each server; a check not answered by the
/// next one counts as failed; `fall` failures in a row mark the server down, `rise`
/// successes in a row mark it up again. Here every server starts up, with no streak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActiveHealth {
    pub enabled: bool,
    pub interval: Time,
    pub rise: u32,
    pub fall: u32,
}

impl Default for ActiveHealth {
    fn default() -> Self {
        ActiveHealth {
            enabled: true,
            interval: Time::from_millis(500),
            rise: 2,
            fall: 3,
        }
    }
}

/// Passive outlier ejection, with Envoy's "consecutive 5xx" semantics: `consecutive_errors`
/// errors in a row from one server (a rejection, or no answer within the upstream
/// timeout, which Envoy reports as a 504) eject it for `base_ejection` times the number of
/// times it has been ejected, at most `max_ejection`; a success resets the count. At most
/// `max_ejection_percent` of the servers are ejected at once, but always at least one may
/// be. Unlike Envoy, which returns hosts on its next periodic sweep, a host returns exactly
/// when its ejection time is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OutlierDetection {
    pub enabled: bool,
    pub consecutive_errors: u32,
    pub base_ejection: Time,
    pub max_ejection: Time,
    pub max_ejection_percent: u32,
}

impl Default for OutlierDetection {
    fn default() -> Self {
        // Envoy's defaults are 5, 30 s, 300 s and 10%; the ejection times are shortened to
        // fit a scene that lasts tens of seconds.
        OutlierDetection {
            enabled: true,
            consecutive_errors: 5,
            base_ejection: Time::from_millis(3_000),
            max_ejection: Time::from_millis(30_000),
            max_ejection_percent: 10,
        }
    }
}

/// Retries after a per-try timeout (Envoy's `num_retries` default: one).
pub const MAX_RETRIES: u32 = 1;

/// Everything a run of the scene depends on, besides the seed and the user's actions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BalanceConfig {
    pub strategy: Strategy,
    /// How many balancers share the servers; each knows only its own requests.
    pub balancers: u32,
    pub servers: Vec<ServerSpec>,
    pub traffic: TrafficConfig,
    pub queue_full: QueueFull,
    /// One-way network latency of every hop (fixed, so that the network draws nothing
    /// random and two strategies see the same delays).
    pub hop_latency: Time,
    /// How long a balancer waits for a server before it answers the client with a failure
    /// (and counts an error against the server).
    pub upstream_timeout: Time,
    /// Envoy's per-try timeout with one retry on another host (a route's `retry_policy`
    /// with `retry_on: gateway-error`, `num_retries: 1`, `per_try_timeout` and the
    /// `previous_hosts` retry predicate): an attempt not answered within it is abandoned,
    /// counted against its server as a gateway failure (a 504) by outlier detection, and
    /// tried [`MAX_RETRIES`] more time on another available server, within the upstream
    /// timeout. This is how a proxy ejects a *slow* server passively: its slow answers
    /// become failures. `None` (the default): an attempt lasts until the upstream timeout
    /// and is not retried.
    pub per_try_timeout: Option<Time>,
    /// How long the client waits before it counts a request as failed.
    pub client_timeout: Time,
    pub active_health: ActiveHealth,
    pub outlier: OutlierDetection,
    /// Peak EWMA's decay time (Finagle's `decayTime`, 10 s by default).
    pub pewma_decay: Time,
    /// Bounded loads' `c`, in thousandths (1250: no server above 1.25 x the mean load).
    pub capacity_factor_permille: u32,
    /// Virtual nodes per unit of weight on the consistent-hash ring.
    pub vnodes: u32,
    /// The sliding window over which latency percentiles and rates are computed.
    pub window: Time,
}

impl Default for BalanceConfig {
    fn default() -> Self {
        BalanceConfig {
            strategy: Strategy::RoundRobin,
            balancers: 1,
            servers: vec![ServerSpec::default(); 4],
            traffic: TrafficConfig::default(),
            queue_full: QueueFull::Reject,
            hop_latency: Time::from_millis(1),
            upstream_timeout: Time::from_millis(1_000),
            per_try_timeout: None,
            client_timeout: Time::from_millis(3_000),
            active_health: ActiveHealth::default(),
            outlier: OutlierDetection::default(),
            pewma_decay: Time::from_millis(10_000),
            capacity_factor_permille: 1_250,
            vnodes: 100,
            window: Time::from_millis(2_000),
        }
    }
}

/// How a bounded number is written: the unit goes after the upper bound and the value.
#[derive(Clone, Copy)]
enum Unit {
    None,
    Permille,
    Percent,
}

fn within(what: Line, value: u64, lo: u64, hi: u64, unit: Unit) -> Result<(), Line> {
    if value < lo || value > hi {
        let with_unit = |n: u64| match unit {
            Unit::None => n.to_string(),
            Unit::Permille => format!("{n}‰"),
            Unit::Percent => format!("{n}%"),
        };
        // As the page always wrote it: "between 100 and 10000‰, not 50‰".
        return Err(bounds(what, lo, with_unit(hi), with_unit(value)));
    }
    Ok(())
}

fn span(what: Line, value: Time, lo: Time) -> Result<(), Line> {
    if value < lo || value > MAX_SPAN {
        return Err(bounds(what, lo, MAX_SPAN, value));
    }
    Ok(())
}

/// "{what} must be between {lo} and {hi}, not {value}", the values written with their unit.
fn bounds(
    what: Line,
    lo: impl fmt::Display,
    hi: impl fmt::Display,
    value: impl fmt::Display,
) -> Line {
    Line::tr("{what} must be between {lo} and {hi}, not {value}")
        .text("what", what)
        .with("lo", lo)
        .with("hi", hi)
        .with("value", value)
}

impl BalanceConfig {
    /// Checks that the configuration describes a run that can happen; the message is meant
    /// for the page: a typed line (an English template and its values) that the page shows
    /// in its language.
    pub fn validate(&self) -> Result<(), Line> {
        within(
            Line::tr("Balancers"),
            self.balancers.into(),
            1,
            MAX_BALANCERS.into(),
            Unit::None,
        )?;
        let count = self.servers.len() as u64;
        within(
            Line::tr("Servers"),
            count,
            1,
            MAX_SERVERS.into(),
            Unit::None,
        )?;
        for (i, s) in self.servers.iter().enumerate() {
            let n = i + 1;
            let slots = Line::tr("Server {n}'s slots").with("n", n);
            within(slots, s.slots.into(), 1, MAX_SLOTS.into(), Unit::None)?;
            let (lo, hi) = SPEED_RANGE;
            let speed = Line::tr("Server {n}'s speed").with("n", n);
            within(
                speed,
                s.speed_permille.into(),
                lo.into(),
                hi.into(),
                Unit::Permille,
            )?;
            let weight = Line::tr("Server {n}'s weight").with("n", n);
            within(weight, s.weight.into(), 1, MAX_WEIGHT.into(), Unit::None)?;
            within(
                Line::tr("Server {n}'s queue limit").with("n", n),
                s.queue_limit.into(),
                0,
                MAX_QUEUE.into(),
                Unit::None,
            )?;
        }
        self.validate_traffic()?;
        span(Line::tr("The hop latency"), self.hop_latency, Time::ZERO)?;
        span(
            Line::tr("The upstream timeout"),
            self.upstream_timeout,
            Time(1_000),
        )?;
        span(
            Line::tr("The client timeout"),
            self.client_timeout,
            Time(1_000),
        )?;
        if let Some(per_try) = self.per_try_timeout {
            if per_try < Time(1_000) || per_try >= self.upstream_timeout {
                return Err(Line::tr(
                    "The per-try timeout must be at least 1 ms and shorter than the upstream \
                     timeout ({upstream}), not {per_try}",
                )
                .with("upstream", self.upstream_timeout)
                .with("per_try", per_try));
            }
        }
        let h = &self.active_health;
        span(
            Line::tr("The health-check interval"),
            h.interval,
            Time(10_000),
        )?;
        within(
            Line::tr("Health checks' rise"),
            h.rise.into(),
            1,
            10,
            Unit::None,
        )?;
        within(
            Line::tr("Health checks' fall"),
            h.fall.into(),
            1,
            10,
            Unit::None,
        )?;
        let o = &self.outlier;
        within(
            Line::tr("Consecutive errors"),
            o.consecutive_errors.into(),
            1,
            100,
            Unit::None,
        )?;
        span(
            Line::tr("The base ejection time"),
            o.base_ejection,
            Time(1_000),
        )?;
        span(
            Line::tr("The longest ejection time"),
            o.max_ejection,
            o.base_ejection,
        )?;
        within(
            Line::tr("The ejection limit"),
            o.max_ejection_percent.into(),
            0,
            100,
            Unit::Percent,
        )?;
        span(
            Line::tr("Peak EWMA's decay time"),
            self.pewma_decay,
            Time(1_000),
        )?;
        let c = self.capacity_factor_permille.into();
        within(
            Line::tr("The capacity factor"),
            c,
            1_000,
            10_000,
            Unit::Permille,
        )?;
        within(
            Line::tr("Virtual nodes"),
            self.vnodes.into(),
            1,
            MAX_VNODES.into(),
            Unit::None,
        )?;
        if self.window < Time(10_000) || self.window > MAX_WINDOW {
            return Err(Line::tr(
                "The latency window must be between 10 ms and {max}, not {value}",
            )
            .with("max", MAX_WINDOW)
            .with("value", self.window));
        }
        Ok(())
    }

    fn validate_traffic(&self) -> Result<(), Line> {
        let t = &self.traffic;
        let steps = t.rate.len();
        if steps == 0 || steps > MAX_RATE_STEPS {
            return Err(
                Line::tr("The rate schedule needs 1 to {max} steps, not {n}")
                    .with("max", MAX_RATE_STEPS)
                    .with("n", steps),
            );
        }
        if t.rate[0].from != Time::ZERO {
            return Err(Line::tr(
                "The rate schedule's first step must start at 0 ms",
            ));
        }
        for pair in t.rate.windows(2) {
            if pair[1].from <= pair[0].from {
                return Err(Line::tr(
                    "Rate steps must start in order: {later} comes after {earlier}",
                )
                .with("later", pair[1].from)
                .with("earlier", pair[0].from));
            }
        }
        for step in &t.rate {
            if step.per_second > MAX_RATE {
                return Err(Line::tr(
                    "A rate must be between 0 and {max} per second, not {n} per second",
                )
                .with("max", MAX_RATE)
                .with("n", step.per_second));
            }
            span(Line::tr("A rate step's start"), step.from, Time::ZERO)?;
        }
        within(
            Line::tr("Bursts"),
            t.burst_permille.into(),
            0,
            1_000,
            Unit::Permille,
        )?;
        within(
            Line::tr("The burst size"),
            t.burst_size.into(),
            1,
            MAX_BURST.into(),
            Unit::None,
        )?;
        span(Line::tr("The mean service demand"), t.mean_demand, Time(1))?;
        within(
            Line::tr("Heavy requests"),
            t.heavy_permille.into(),
            0,
            1_000,
            Unit::Permille,
        )?;
        within(
            Line::tr("The heavy factor"),
            t.heavy_factor.into(),
            1,
            100,
            Unit::None,
        )?;
        within(
            Line::tr("Sessions"),
            t.sessions.into(),
            1,
            MAX_SESSIONS.into(),
            Unit::None,
        )?;
        Ok(())
    }

    /// The same configuration with every value forced into range, so that building nodes
    /// from a bad configuration never panics (the page shows `validate`'s message).
    pub fn sanitized(&self) -> BalanceConfig {
        let clamp_t = |t: Time, lo: u64| Time(t.0.clamp(lo, MAX_SPAN.0));
        let mut servers: Vec<ServerSpec> = self
            .servers
            .iter()
            .take(MAX_SERVERS as usize)
            .map(|s| ServerSpec {
                slots: s.slots.clamp(1, MAX_SLOTS),
                speed_permille: s.speed_permille.clamp(SPEED_RANGE.0, SPEED_RANGE.1),
                weight: s.weight.clamp(1, MAX_WEIGHT),
                queue_limit: s.queue_limit.min(MAX_QUEUE),
            })
            .collect();
        if servers.is_empty() {
            servers.push(ServerSpec::default());
        }
        let t = &self.traffic;
        let mut rate: Vec<RateStep> = Vec::new();
        for step in t.rate.iter().take(MAX_RATE_STEPS) {
            let from = clamp_t(step.from, 0);
            if rate.last().is_some_and(|last| from <= last.from) {
                continue;
            }
            rate.push(RateStep {
                from,
                per_second: step.per_second.min(MAX_RATE),
            });
        }
        match rate.first_mut() {
            Some(first) => first.from = Time::ZERO,
            None => rate.push(TrafficConfig::default().rate[0]),
        }
        let base_ejection = clamp_t(self.outlier.base_ejection, 1_000);
        let upstream_timeout = clamp_t(self.upstream_timeout, 1_000);
        BalanceConfig {
            strategy: self.strategy,
            balancers: self.balancers.clamp(1, MAX_BALANCERS),
            servers,
            traffic: TrafficConfig {
                rate,
                burst_permille: t.burst_permille.min(1_000),
                burst_size: t.burst_size.clamp(1, MAX_BURST),
                mean_demand: clamp_t(t.mean_demand, 1),
                heavy_permille: t.heavy_permille.min(1_000),
                heavy_factor: t.heavy_factor.clamp(1, 100),
                sessions: t.sessions.clamp(1, MAX_SESSIONS),
            },
            queue_full: self.queue_full,
            hop_latency: clamp_t(self.hop_latency, 0),
            upstream_timeout,
            per_try_timeout: self
                .per_try_timeout
                .map(|t| Time(t.0.clamp(1_000, upstream_timeout.0))),
            client_timeout: clamp_t(self.client_timeout, 1_000),
            active_health: ActiveHealth {
                enabled: self.active_health.enabled,
                interval: clamp_t(self.active_health.interval, 10_000),
                rise: self.active_health.rise.clamp(1, 10),
                fall: self.active_health.fall.clamp(1, 10),
            },
            outlier: OutlierDetection {
                enabled: self.outlier.enabled,
                consecutive_errors: self.outlier.consecutive_errors.clamp(1, 100),
                base_ejection,
                max_ejection: Time(
                    self.outlier
                        .max_ejection
                        .0
                        .clamp(base_ejection.0, MAX_SPAN.0),
                ),
                max_ejection_percent: self.outlier.max_ejection_percent.min(100),
            },
            pewma_decay: clamp_t(self.pewma_decay, 1_000),
            capacity_factor_permille: self.capacity_factor_permille.clamp(1_000, 10_000),
            vnodes: self.vnodes.clamp(1, MAX_VNODES),
            window: Time(self.window.0.clamp(10_000, MAX_WINDOW.0)),
        }
    }

    /// Requests per second the servers can serve in total at normal speed, for the mean
    /// demand (heavy requests included): the load at which utilisation reaches 100%.
    pub fn capacity_per_second(&self) -> u64 {
        let t = &self.traffic;
        let mean_us = u128::from(t.mean_demand.0.max(1));
        // Mean demand including heavy requests, in thousandths of a microsecond.
        let heavy = u128::from(t.heavy_permille) * u128::from(t.heavy_factor);
        let light = u128::from(1_000 - t.heavy_permille.min(1_000));
        let mean_milli_us = mean_us * (heavy + light);
        let work_per_second: u128 = self
            .servers
            .iter()
            .map(|s| u128::from(s.slots) * u128::from(s.speed_permille))
            .sum();
        // slots x (speed / 1000) x 1e6 us / mean_us, with mean in thousandths.
        (work_per_second * 1_000_000 / mean_milli_us.max(1)) as u64
    }
}
