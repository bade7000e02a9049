//! The scene's parameters: who plays which role, the two quorum sizes, the timing, and
//! which (possibly broken) variant of the protocol runs.
//!
//! ## Quorums, and the rule q1 + q2 > n
//! With `n` acceptors, phase 1 (prepare/promise) waits for `q1` of them and phase 2
//! (accept/accepted) for `q2`. Classic Paxos uses majorities for both. What safety really
//! needs is weaker (Howard, Malkhi & Spiegelman, *Flexible Paxos: Quorum intersection
//! revisited*, 2016): **every phase-1 quorum must intersect every phase-2 quorum**. A new
//! proposer's phase 1 then always hears from at least one acceptor of any quorum that
//! accepted a chosen value, and so adopts it. With quorums defined by size, "any `q1`
//! acceptors meet any `q2` acceptors" is exactly `q1 + q2 > n`. Two phase-2 quorums need
//! not meet each other: with five acceptors, `q1 = 4, q2 = 2` is safe, and makes every
//! command of a stable leader cheaper (two acceptances instead of three) at the price of
//! a harder leader change (four promises instead of three).
//!
//! A setting with `q1 + q2 <= n` is accepted by [`PaxosConfig::validate`], because the
//! scene shows what it breaks; [`PaxosConfig::quorums_intersect`] says it is unsafe, and
//! the `split-quorums` scenario shows two values chosen.
use super::value::Word;
use crate::sim::{Line, NodeId, Time};
use std::fmt;
use std::str::FromStr;

/// Most Paxos nodes (proposers, acceptors, learners) a configuration may have.
pub const MAX_NODES: u32 = 9;
/// Most client nodes (Multi-Paxos).
pub const MAX_CLIENTS: u32 = 3;
/// Most commands each client sends.
pub const MAX_CLIENT_REQUESTS: u32 = 200;
/// Most log slots a leader may have in phase 2 at once.
pub const MAX_PIPELINE: u32 = 16;
/// Longest duration any timing parameter may have.
pub const MAX_DURATION: Time = Time::from_millis(60_000);

/// The roles one node plays (*Paxos Made Simple* §2.1: "a single process may act as more
/// than one agent").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Roles {
    pub proposer: bool,
    pub acceptor: bool,
    pub learner: bool,
}

impl Roles {
    pub const PAL: Roles = Roles {
        proposer: true,
        acceptor: true,
        learner: true,
    };
    pub const AL: Roles = Roles {
        proposer: false,
        acceptor: true,
        learner: true,
    };
    pub const A: Roles = Roles {
        proposer: false,
        acceptor: true,
        learner: false,
    };
    pub const L: Roles = Roles {
        proposer: false,
        acceptor: false,
        learner: true,
    };
    pub const PL: Roles = Roles {
        proposer: true,
        acceptor: false,
        learner: true,
    };
}

impl fmt::Display for Roles {
    /// Letters, as in links: `pal`, `al`, `l`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (has, letter) in [
            (self.proposer, "p"),
            (self.acceptor, "a"),
            (self.learner, "l"),
        ] {
            if has {
                f.write_str(letter)?;
            }
        }
        Ok(())
    }
}

/// A bad set of roles says why in a typed line, which the page shows in its language.
impl FromStr for Roles {
    type Err = Line;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut roles = Roles::default();
        for c in s.chars() {
            let flag = match c {
                'p' => &mut roles.proposer,
                'a' => &mut roles.acceptor,
                'l' => &mut roles.learner,
                _ => {
                    return Err(Line::tr(
                        "\"{roles}\" is not a set of roles: use the letters p (proposer), a \
                         (acceptor) and l (learner)",
                    )
                    .with("roles", s))
                }
            };
            *flag = true;
        }
        if roles == Roles::default() {
            return Err(Line::tr("a node needs at least one role (p, a or l)"));
        }
        Ok(roles)
    }
}

/// Single-decree Paxos (one value, slot 0) or Multi-Paxos (a log of commands).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    #[default]
    Single,
    Multi,
}

impl Mode {
    pub fn slug(self) -> &'static str {
        match self {
            Mode::Single => "single",
            Mode::Multi => "multi",
        }
    }
}

/// The protocol as written, or with one deliberate bug the scene can show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Variant {
    #[default]
    Correct,
    /// Broken: after phase 1 the proposer keeps its own value instead of adopting the
    /// highest-ballot value the promises reported.
    KeepOwnValue,
    /// Broken: an acceptor keeps its promise in memory only, so a restart forgets it (its
    /// accepted value is still on disk).
    ForgetPromise,
    /// Broken: a learner counts acceptances of the same value from different ballots
    /// together, instead of requiring one ballot.
    MixBallots,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::Correct,
        Variant::KeepOwnValue,
        Variant::ForgetPromise,
        Variant::MixBallots,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::KeepOwnValue => "keep-own-value",
            Variant::ForgetPromise => "forget-promise",
            Variant::MixBallots => "mix-ballots",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Variant::Correct => "Paxos as published",
            Variant::KeepOwnValue => {
                "broken: the proposer keeps its own value instead of adopting the highest \
                 accepted one"
            }
            Variant::ForgetPromise => "broken: an acceptor forgets its promise on restart",
            Variant::MixBallots => {
                "broken: a learner counts accepts of one value from different ballots together"
            }
        }
    }

    pub fn from_slug(slug: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.slug() == slug)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::from_slug(s).ok_or_else(|| {
            format!(
                "unknown variant \"{s}\" (expected correct, keep-own-value, forget-promise or \
                 mix-ballots)"
            )
        })
    }
}

/// "At time `at`, proposer `node` is asked to propose `value`" (single-decree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Proposal {
    pub node: NodeId,
    pub value: Word,
    pub at: Time,
}

/// Timeouts and intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timing {
    /// How long a proposer waits for a phase-1 quorum (then it tries a higher ballot), or
    /// for phase-2 answers (then it sends its accept requests again).
    pub phase_timeout: Time,
    /// Without back-off: the fixed wait before retrying after a failed ballot (0: at once,
    /// the naive policy).
    pub retry_delay: Time,
    /// With back-off: the wait is drawn at random up to this times 2^(failed ballots in a
    /// row - 1), doubling at most five times.
    pub backoff_base: Time,
    /// How often proposers send heartbeats (leader election only).
    pub heartbeat_interval: Time,
    /// A proposer not heard from for this long is suspected to be down.
    pub failure_timeout: Time,
    /// How often a learner that knows it missed a decision asks the others.
    pub catch_up_interval: Time,
    /// How long a client waits for an answer before it sends the command elsewhere.
    pub client_timeout: Time,
    /// A client's pause between an answer and its next command.
    pub client_think: Time,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            phase_timeout: Time::from_millis(150),
            retry_delay: Time::ZERO,
            backoff_base: Time::from_millis(20),
            heartbeat_interval: Time::from_millis(50),
            failure_timeout: Time::from_millis(160),
            catch_up_interval: Time::from_millis(200),
            client_timeout: Time::from_millis(400),
            client_think: Time::from_millis(20),
        }
    }
}

/// The scene's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PaxosConfig {
    pub mode: Mode,
    /// The Paxos nodes' roles, node 0 first. Client nodes (Multi-Paxos) come after them.
    pub roles: Vec<Roles>,
    /// Client nodes sending key-value commands (Multi-Paxos only).
    pub clients: u32,
    /// Commands each client sends, one at a time (alternately a put and a get).
    pub client_requests: u32,
    /// Acceptors a proposer needs promises from (phase 1).
    pub phase1_quorum: u32,
    /// Acceptors that must accept one ballot's value for it to be chosen (phase 2).
    pub phase2_quorum: u32,
    pub variant: Variant,
    /// Randomized exponential back-off between a proposer's failed ballots.
    pub backoff: bool,
    /// Only the live proposer with the lowest id (by a heartbeat failure detector) runs
    /// ballots; the others forward their values to it.
    pub leader_election: bool,
    /// Values proposed at given times (single-decree; user commands can add more).
    pub proposals: Vec<Proposal>,
    /// Most log slots a Multi-Paxos leader keeps in phase 2 at once.
    pub pipeline: u32,
    /// Each message's latency is drawn from `latency_min..=latency_max`.
    pub latency_min: Time,
    pub latency_max: Time,
    pub timing: Timing,
}

impl Default for PaxosConfig {
    /// Three proposer-acceptor-learners and two acceptor-learners, majority quorums, one
    /// proposal. Five acceptors is the usual deployment (it survives two crashes) and
    /// leaves room for flexible 4-and-2 quorums; three proposers are enough to show races,
    /// duels and leader changes; every node is a learner so that each can show what it
    /// knows next to what is globally chosen.
    fn default() -> Self {
        PaxosConfig {
            mode: Mode::Single,
            roles: vec![Roles::PAL, Roles::PAL, Roles::PAL, Roles::AL, Roles::AL],
            clients: 0,
            client_requests: 10,
            phase1_quorum: 3,
            phase2_quorum: 3,
            variant: Variant::Correct,
            backoff: true,
            leader_election: false,
            proposals: vec![Proposal {
                node: NodeId(0),
                value: Word::lit("red"),
                at: Time::ZERO,
            }],
            pipeline: 4,
            latency_min: Time::from_millis(10),
            latency_max: Time::from_millis(30),
            timing: Timing::default(),
        }
    }
}

impl PaxosConfig {
    /// Multi-Paxos with a stable leader and one client.
    pub fn multi() -> Self {
        PaxosConfig {
            mode: Mode::Multi,
            clients: 1,
            leader_election: true,
            proposals: Vec::new(),
            ..PaxosConfig::default()
        }
    }

    /// How many acceptors there are (`n` in q1 + q2 > n).
    pub fn acceptor_count(&self) -> u32 {
        self.roles.iter().filter(|r| r.acceptor).count() as u32
    }

    /// Paxos nodes plus clients.
    pub fn node_count(&self) -> u32 {
        self.roles.len() as u32 + self.clients
    }

    /// Whether every phase-1 quorum meets every phase-2 quorum (q1 + q2 > n): the
    /// condition for safety. A configuration may break it on purpose.
    pub fn quorums_intersect(&self) -> bool {
        self.phase1_quorum + self.phase2_quorum > self.acceptor_count()
    }

    /// Why this quorum setting is unsafe, for the page; `None` when it is safe.
    pub fn quorum_warning(&self) -> Option<String> {
        (!self.quorums_intersect()).then(|| {
            format!(
                "unsafe: {} + {} is not more than {} acceptors, so a phase-1 quorum can miss \
                 every acceptor that accepted a chosen value, and a second value can be chosen",
                self.phase1_quorum,
                self.phase2_quorum,
                self.acceptor_count()
            )
        })
    }

    /// Checks every number is in range and the roles make sense; the message is for the
    /// page, a typed line (an English template and its values) that the page shows in its
    /// language. Non-intersecting quorums are allowed (see [`PaxosConfig::quorum_warning`]).
    pub fn validate(&self) -> Result<(), Line> {
        let nodes = self.roles.len() as u32;
        if !(1..=MAX_NODES).contains(&nodes) {
            return Err(Line::tr(
                "Paxos nodes must be 1 to {max}, not {n} (clients are counted apart)",
            )
            .with("max", MAX_NODES)
            .with("n", nodes));
        }
        let count = |f: fn(&Roles) -> bool| self.roles.iter().filter(|r| f(r)).count();
        for (role, n) in [
            (
                Line::tr("at least one node must be a proposer"),
                count(|r| r.proposer),
            ),
            (
                Line::tr("at least one node must be an acceptor"),
                count(|r| r.acceptor),
            ),
            (
                Line::tr("at least one node must be a learner"),
                count(|r| r.learner),
            ),
        ] {
            if n == 0 {
                return Err(role);
            }
        }
        let n = self.acceptor_count();
        for (phase, q) in [(1, self.phase1_quorum), (2, self.phase2_quorum)] {
            if !(1..=n).contains(&q) {
                return Err(Line::tr(
                    "the phase-{phase} quorum must be 1 to {n} acceptors (there are {n}), not {q}",
                )
                .with("phase", phase)
                .with("n", n)
                .with("q", q));
            }
        }
        if self.clients > MAX_CLIENTS {
            return Err(Line::tr("clients must be 0 to {max}, not {n}")
                .with("max", MAX_CLIENTS)
                .with("n", self.clients));
        }
        if self.client_requests > MAX_CLIENT_REQUESTS {
            return Err(
                Line::tr("each client sends at most {max} commands, not {n}")
                    .with("max", MAX_CLIENT_REQUESTS)
                    .with("n", self.client_requests),
            );
        }
        if self.mode == Mode::Single && self.clients > 0 {
            return Err(Line::tr(
                "clients send key-value commands, which need Multi-Paxos: use mode multi or no \
                 clients",
            ));
        }
        if self.mode == Mode::Multi && self.roles.iter().any(|r| r.proposer && !r.learner) {
            return Err(Line::tr(
                "in Multi-Paxos every proposer must also be a learner: a leader needs to know \
                 which slots are chosen and to answer its clients",
            ));
        }
        if !(1..=MAX_PIPELINE).contains(&self.pipeline) {
            return Err(Line::tr("the pipeline must be 1 to {max} slots, not {n}")
                .with("max", MAX_PIPELINE)
                .with("n", self.pipeline));
        }
        if self.proposals.len() > MAX_NODES as usize {
            return Err(Line::tr("at most {max} initial proposals, not {n}")
                .with("max", MAX_NODES)
                .with("n", self.proposals.len()));
        }
        for p in &self.proposals {
            if !self.roles.get(p.node.index()).is_some_and(|r| r.proposer) {
                return Err(
                    Line::tr("{node} cannot propose {value}: it is not a proposer")
                        .with("node", p.node)
                        .with("value", p.value),
                );
            }
            if p.at > MAX_DURATION {
                return Err(Line::tr("a proposal must start within {max}, not at {at}")
                    .with("max", MAX_DURATION)
                    .with("at", p.at));
            }
        }
        let ms = Time::from_millis(1);
        let latency_cap = Time::from_millis(1_000);
        if self.latency_min < ms || self.latency_max > latency_cap {
            return Err(Line::tr(
                "message latency must be between 1 ms and {max}, not {min_latency} to \
                 {max_latency}",
            )
            .with("max", latency_cap)
            .with("min_latency", self.latency_min)
            .with("max_latency", self.latency_max));
        }
        if self.latency_min > self.latency_max {
            return Err(Line::tr(
                "the shortest latency ({min}) must not exceed the longest ({max})",
            )
            .with("min", self.latency_min)
            .with("max", self.latency_max));
        }
        let t = &self.timing;
        if t.retry_delay > MAX_DURATION {
            return Err(Line::tr("the retry delay must be at most {max}, not {n}")
                .with("max", MAX_DURATION)
                .with("n", t.retry_delay));
        }
        for (name, value) in [
            (Line::tr("the phase timeout"), t.phase_timeout),
            (Line::tr("the back-off base"), t.backoff_base),
            (Line::tr("the heartbeat interval"), t.heartbeat_interval),
            (Line::tr("the failure timeout"), t.failure_timeout),
            (Line::tr("the catch-up interval"), t.catch_up_interval),
            (Line::tr("the client timeout"), t.client_timeout),
            (Line::tr("the client think time"), t.client_think),
        ] {
            if value < ms || value > MAX_DURATION {
                return Err(
                    Line::tr("{name} must be between 1 ms and {max}, not {value}")
                        .text("name", name)
                        .with("max", MAX_DURATION)
                        .with("value", value),
                );
            }
        }
        if t.failure_timeout <= t.heartbeat_interval {
            return Err(Line::tr(
                "the failure timeout ({failure}) must be longer than the heartbeat interval \
                 ({heartbeat}), or every proposer would be suspected between two heartbeats",
            )
            .with("failure", t.failure_timeout)
            .with("heartbeat", t.heartbeat_interval));
        }
        Ok(())
    }
}

/// What every node keeps of the configuration: how the cluster is built, not state, so a
/// crash does not touch it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Setup {
    pub mode: Mode,
    pub variant: Variant,
    pub backoff: bool,
    pub leader_election: bool,
    pub phase1_quorum: u32,
    pub phase2_quorum: u32,
    pub pipeline: u32,
    pub acceptors: Vec<NodeId>,
    pub proposers: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    pub clients: Vec<NodeId>,
    pub client_requests: u32,
    pub timing: Timing,
}

impl Setup {
    pub fn new(config: &PaxosConfig) -> Self {
        let with = |f: fn(&Roles) -> bool| -> Vec<NodeId> {
            (0..config.roles.len() as u32)
                .map(NodeId)
                .filter(|n| f(&config.roles[n.index()]))
                .collect()
        };
        let first_client = config.roles.len() as u32;
        Setup {
            mode: config.mode,
            variant: config.variant,
            backoff: config.backoff,
            leader_election: config.leader_election,
            phase1_quorum: config.phase1_quorum,
            phase2_quorum: config.phase2_quorum,
            pipeline: config.pipeline,
            acceptors: with(|r| r.acceptor),
            proposers: with(|r| r.proposer),
            learners: with(|r| r.learner),
            clients: (first_client..first_client + config.clients)
                .map(NodeId)
                .collect(),
            client_requests: config.client_requests,
            timing: config.timing,
        }
    }
}
