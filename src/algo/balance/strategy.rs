//! The eight ways a balancer can choose a server, by name.
//!
//! How each one decides lives in its own file: `picker` (random, round robin, least
//! connections, power of two choices), `smooth_wrr` (nginx's weighted round robin),
//! `peak_ewma` (Finagle's latency-aware load) and `sticky` (consistent hashing, plain and
//! with bounded loads).
use std::fmt;
use std::str::FromStr;

/// A balancing strategy. Every balancer of a run uses the same one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strategy {
    /// A uniformly random available server: `random.choice(servers)`.
    Random,
    /// The next available server in a fixed cycle.
    #[default]
    RoundRobin,
    /// nginx's smooth weighted round robin (`ngx_http_upstream_round_robin.c`).
    SmoothWeighted,
    /// nginx's `least_conn`: fewest open requests (from this balancer) per unit of weight,
    /// ties broken by smooth weighted round robin.
    LeastConnections,
    /// Finagle's "P2C + Peak EWMA": two distinct random servers, the lower of
    /// `peak-EWMA latency * (outstanding + 1)`.
    PeakEwma,
    /// Power of two choices: two distinct random servers, the one with fewer outstanding
    /// requests.
    TwoChoices,
    /// Consistent hashing of the session key on a ring with virtual nodes.
    Ring,
    /// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam).
    BoundedLoad,
}

impl Strategy {
    pub const ALL: [Strategy; 8] = [
        Strategy::Random,
        Strategy::RoundRobin,
        Strategy::SmoothWeighted,
        Strategy::LeastConnections,
        Strategy::PeakEwma,
        Strategy::TwoChoices,
        Strategy::Ring,
        Strategy::BoundedLoad,
    ];

    /// The strategy's name in links and commands.
    pub fn slug(self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::RoundRobin => "rr",
            Strategy::SmoothWeighted => "swrr",
            Strategy::LeastConnections => "leastconn",
            Strategy::PeakEwma => "pewma",
            Strategy::TwoChoices => "p2c",
            Strategy::Ring => "ring",
            Strategy::BoundedLoad => "bounded",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Strategy::Random => "Random",
            Strategy::RoundRobin => "Round robin",
            Strategy::SmoothWeighted => "Smooth weighted round robin (nginx)",
            Strategy::LeastConnections => "Least connections (nginx least_conn)",
            Strategy::PeakEwma => "P2C + peak EWMA latency (Finagle, Linkerd)",
            Strategy::TwoChoices => "Power of two choices (least outstanding)",
            Strategy::Ring => "Consistent hashing on the session",
            Strategy::BoundedLoad => "Consistent hashing with bounded loads",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether the strategy keeps a session on one server (hashes the session key).
    pub fn is_sticky(self) -> bool {
        matches!(self, Strategy::Ring | Strategy::BoundedLoad)
    }

    /// Whether the strategy uses server weights.
    pub fn uses_weights(self) -> bool {
        matches!(
            self,
            Strategy::SmoothWeighted
                | Strategy::LeastConnections
                | Strategy::Ring
                | Strategy::BoundedLoad
        )
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Strategy::from_slug(s).ok_or_else(|| {
            let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.slug()).collect();
            format!(
                "unknown strategy \"{s}\" (expected one of {})",
                names.join(", ")
            )
        })
    }
}
