//! The Raft scene's parameters, the broken variants, and their checks.
use super::log::Term;
use crate::sim::{Line, Time};
use std::fmt;
use std::str::FromStr;

/// Which version of the protocol the servers run. Every broken variant removes one rule of
/// the paper and has a ready scenario in which an invariant goes red.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Variant {
    #[default]
    Correct,
    /// A leader commits an entry of an earlier term once a majority stores it (the trap of
    /// Figure 8; §5.4.2 forbids it).
    CommitOldTerm,
    /// Voters grant their vote without checking that the candidate's log is at least as up
    /// to date as theirs (§5.4.1).
    VoteWithoutLogCheck,
    /// `votedFor` is kept in memory only, so a server that crashes and restarts can vote
    /// twice in one term (Figure 2 lists it as persistent state).
    VolatileVote,
    /// A leader proposes a membership change before it has committed an entry of its own
    /// term (Ongaro, raft-dev, 2015: the single-server change bug).
    ChangeWithoutTermRule,
    /// A leader answers reads from its own state machine without checking that it is still
    /// the leader (dissertation §6.4 explains why it must).
    LocalReads,
}

impl Variant {
    pub const ALL: [Variant; 6] = [
        Variant::Correct,
        Variant::CommitOldTerm,
        Variant::VoteWithoutLogCheck,
        Variant::VolatileVote,
        Variant::ChangeWithoutTermRule,
        Variant::LocalReads,
    ];

    /// The id used in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::CommitOldTerm => "commit-old-term",
            Variant::VoteWithoutLogCheck => "vote-any-log",
            Variant::VolatileVote => "volatile-vote",
            Variant::ChangeWithoutTermRule => "change-early",
            Variant::LocalReads => "local-reads",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Variant::Correct => "Raft as in the paper",
            Variant::CommitOldTerm => {
                "broken: a leader commits an entry from an earlier term by counting its replicas"
            }
            Variant::VoteWithoutLogCheck => {
                "broken: servers grant votes without the up-to-date log check"
            }
            Variant::VolatileVote => "broken: votedFor is not durable and is lost in a crash",
            Variant::ChangeWithoutTermRule => {
                "broken: a leader may change the membership before committing an entry of its term"
            }
            Variant::LocalReads => {
                "broken: a leader answers reads from its local state without confirming leadership"
            }
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Variant::ALL.iter().map(|v| v.as_str()).collect();
                format!("\"{s}\" is not a variant (expected {})", all.join(", "))
            })
    }
}

/// How a leader serves reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReadMode {
    /// A read is a log entry like a write: linearizable, but it costs a log write and a
    /// replication round.
    #[default]
    Log,
    /// ReadIndex (dissertation §6.4): the leader notes its commit index, confirms with a
    /// round of heartbeats that it is still the leader, waits until it has applied up to
    /// the noted index, then answers from its state machine.
    ReadIndex,
}

impl ReadMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadMode::Log => "log",
            ReadMode::ReadIndex => "read-index",
        }
    }
}

impl FromStr for ReadMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "log" => Ok(ReadMode::Log),
            "read-index" => Ok(ReadMode::ReadIndex),
            _ => Err(format!(
                "\"{s}\" is not a read mode (expected log or read-index)"
            )),
        }
    }
}

pub const SERVER_COUNTS: [u32; 4] = [3, 5, 7, 9];
pub const MAX_SPARES: u32 = 2;
pub const MAX_CLIENTS: u32 = 3;
/// Longest timeout or interval a configuration may ask for.
pub const MAX_DURATION: Time = Time::from_millis(10_000);
pub const MAX_INITIAL_ENTRIES: usize = 64;
pub const MAX_INITIAL_TERM: Term = 1000;
pub const MAX_WORKLOAD: u32 = 1000;
pub const MAX_BATCH: u32 = 64;
pub const MAX_SNAPSHOT_THRESHOLD: u32 = 1000;

/// A Raft scene's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RaftConfig {
    /// Servers in the initial configuration (3, 5, 7 or 9): nodes `0..servers`.
    pub servers: u32,
    /// Extra servers outside the initial configuration, to add later (0 to 2): the nodes
    /// right after the servers.
    pub spares: u32,
    /// Client nodes (0 to 3), after the servers and spares.
    pub clients: u32,
    /// Each election timeout is drawn uniformly from `min..=max` (§5.2; 150–300 ms in §9.3).
    pub election_timeout_min: Time,
    pub election_timeout_max: Time,
    /// How often a leader sends AppendEntries when it has nothing new to send.
    pub heartbeat_interval: Time,
    /// A client that gets no answer within this time tries another server.
    pub client_timeout: Time,
    /// Pre-vote phase before an election (dissertation §9.6).
    pub pre_vote: bool,
    /// A leader steps down after an election timeout without hearing from a majority
    /// (dissertation §6.2); servers that heard from a leader within the minimum election
    /// timeout also ignore vote requests (§4.2.3), as in etcd.
    pub check_quorum: bool,
    /// Followers answer a failed consistency check with the conflicting term and its first
    /// index, so the leader skips a whole term at a time (§5.3, end).
    pub conflict_hint: bool,
    /// A new leader appends a no-op entry of its term at once (§8), so that it commits
    /// its predecessors' entries without waiting for a client.
    pub leader_no_op: bool,
    pub read_mode: ReadMode,
    /// A server snapshots its state machine once this many applied entries follow its last
    /// snapshot (§7); 0 never.
    pub snapshot_threshold: u32,
    /// Most entries in one AppendEntries (1 to 64).
    pub max_batch: u32,
    pub variant: Variant,
    /// Operations each client issues by itself, one after the other (0: only on command).
    pub workload: u32,
    /// A client's pause between two operations of its workload.
    pub think_time: Time,
    /// Durable logs to start from, one list of entry terms per server (none: empty logs).
    /// Each server then starts in the highest term of any initial log, having voted for
    /// nobody. Used to set up the paper's figures.
    pub initial_logs: Vec<Vec<Term>>,
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            servers: 5,
            spares: 0,
            clients: 1,
            election_timeout_min: Time::from_millis(150),
            election_timeout_max: Time::from_millis(300),
            heartbeat_interval: Time::from_millis(50),
            client_timeout: Time::from_millis(400),
            pre_vote: false,
            check_quorum: false,
            conflict_hint: false,
            leader_no_op: true,
            read_mode: ReadMode::Log,
            snapshot_threshold: 0,
            max_batch: 8,
            variant: Variant::Correct,
            workload: 0,
            think_time: Time::from_millis(100),
            initial_logs: Vec::new(),
        }
    }
}

impl RaftConfig {
    /// All server nodes: the configuration's and the spares.
    pub fn server_nodes(&self) -> u32 {
        self.servers + self.spares
    }

    pub fn node_count(&self) -> u32 {
        self.server_nodes() + self.clients
    }

    /// The term every server starts in.
    pub fn initial_term(&self) -> Term {
        self.initial_logs
            .iter()
            .flatten()
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// Says what is wrong with the parameters, in words meant for the page: a typed line
    /// (an English template and its values) that the page shows in its language.
    pub fn validate(&self) -> Result<(), Line> {
        if !SERVER_COUNTS.contains(&self.servers) {
            return Err(Line::tr("Servers must be 3, 5, 7 or 9, not {n}").with("n", self.servers));
        }
        if self.spares > MAX_SPARES {
            return Err(
                Line::tr("There can be at most {max} spare servers, not {n}")
                    .with("max", MAX_SPARES)
                    .with("n", self.spares),
            );
        }
        if self.clients > MAX_CLIENTS {
            return Err(Line::tr("There can be at most {max} clients, not {n}")
                .with("max", MAX_CLIENTS)
                .with("n", self.clients));
        }
        let durations = [
            (
                Line::tr("The minimum election timeout"),
                self.election_timeout_min,
            ),
            (
                Line::tr("The maximum election timeout"),
                self.election_timeout_max,
            ),
            (Line::tr("The heartbeat interval"), self.heartbeat_interval),
            (Line::tr("The client timeout"), self.client_timeout),
            (Line::tr("The clients' think time"), self.think_time),
        ];
        for (name, value) in durations {
            if value < Time::from_millis(1) || value > MAX_DURATION {
                return Err(
                    Line::tr("{name} must be between 1 ms and {max}, not {value}")
                        .text("name", name)
                        .with("max", MAX_DURATION)
                        .with("value", value),
                );
            }
        }
        if self.election_timeout_min > self.election_timeout_max {
            return Err(Line::tr(
                "The minimum election timeout ({min}) must not exceed the maximum ({max})",
            )
            .with("min", self.election_timeout_min)
            .with("max", self.election_timeout_max));
        }
        if self.heartbeat_interval >= self.election_timeout_min {
            return Err(Line::tr(
                "The heartbeat interval ({heartbeat}) must be shorter than the minimum election \
                 timeout ({min}), or followers would start elections against a live leader",
            )
            .with("heartbeat", self.heartbeat_interval)
            .with("min", self.election_timeout_min));
        }
        if !(1..=MAX_BATCH).contains(&self.max_batch) {
            return Err(
                Line::tr("Entries per AppendEntries must be between 1 and {max}, not {n}")
                    .with("max", MAX_BATCH)
                    .with("n", self.max_batch),
            );
        }
        if self.snapshot_threshold == 1 || self.snapshot_threshold > MAX_SNAPSHOT_THRESHOLD {
            return Err(Line::tr(
                "The snapshot threshold must be 0 (never) or between 2 and {max} entries, not {n}",
            )
            .with("max", MAX_SNAPSHOT_THRESHOLD)
            .with("n", self.snapshot_threshold));
        }
        if self.workload > MAX_WORKLOAD {
            return Err(
                Line::tr("A client's workload can be at most {max} operations, not {n}")
                    .with("max", MAX_WORKLOAD)
                    .with("n", self.workload),
            );
        }
        self.validate_initial_logs()
    }

    fn validate_initial_logs(&self) -> Result<(), Line> {
        if self.initial_logs.len() > self.server_nodes() as usize {
            return Err(
                Line::tr("There are {logs} initial logs but only {servers} servers")
                    .with("logs", self.initial_logs.len())
                    .with("servers", self.server_nodes()),
            );
        }
        for (i, log) in self.initial_logs.iter().enumerate() {
            let node = format!("n{i}");
            if log.len() > MAX_INITIAL_ENTRIES {
                return Err(
                    Line::tr("The initial log of {node} has {n} entries; at most {max}")
                        .with("node", &node)
                        .with("n", log.len())
                        .with("max", MAX_INITIAL_ENTRIES),
                );
            }
            if log.iter().any(|t| *t == 0 || *t > MAX_INITIAL_TERM) {
                return Err(Line::tr(
                    "The terms in the initial log of {node} must be between 1 and {max}",
                )
                .with("node", &node)
                .with("max", MAX_INITIAL_TERM));
            }
            if log.windows(2).any(|w| w[0] > w[1]) {
                return Err(Line::tr(
                    "The terms in the initial log of {node} must never decrease (a log only \
                     ever grows with entries of newer terms)",
                )
                .with("node", &node));
            }
        }
        Ok(())
    }
}

/// What every server and client keeps of the configuration: fixed at construction, so a
/// crash does not touch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Settings {
    pub server_nodes: u32,
    pub election_timeout_min: Time,
    pub election_timeout_max: Time,
    pub heartbeat_interval: Time,
    pub client_timeout: Time,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub conflict_hint: bool,
    pub leader_no_op: bool,
    pub read_mode: ReadMode,
    pub snapshot_threshold: u32,
    pub max_batch: u32,
    pub variant: Variant,
    pub workload: u32,
    pub think_time: Time,
}

impl Settings {
    pub fn new(config: &RaftConfig) -> Settings {
        Settings {
            server_nodes: config.server_nodes(),
            election_timeout_min: config.election_timeout_min,
            election_timeout_max: config.election_timeout_max,
            heartbeat_interval: config.heartbeat_interval,
            client_timeout: config.client_timeout,
            pre_vote: config.pre_vote,
            check_quorum: config.check_quorum,
            conflict_hint: config.conflict_hint,
            leader_no_op: config.leader_no_op,
            read_mode: config.read_mode,
            snapshot_threshold: config.snapshot_threshold,
            max_batch: config.max_batch,
            variant: config.variant,
            workload: config.workload,
            think_time: config.think_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_configs_are_explained() {
        assert_eq!(RaftConfig::default().validate(), Ok(()));
        let four = RaftConfig {
            servers: 4,
            ..RaftConfig::default()
        };
        assert_eq!(
            four.validate().unwrap_err(),
            "Servers must be 3, 5, 7 or 9, not 4"
        );
        let slow_heartbeat = RaftConfig {
            heartbeat_interval: Time::from_millis(200),
            ..RaftConfig::default()
        };
        assert!(slow_heartbeat.validate().is_err());
        let shrinking = RaftConfig {
            initial_logs: vec![vec![1, 3, 2]],
            ..RaftConfig::default()
        };
        assert!(shrinking
            .validate()
            .unwrap_err()
            .to_string()
            .contains("never decrease"));
        for v in Variant::ALL {
            assert_eq!(v.as_str().parse(), Ok(v));
        }
    }
}
