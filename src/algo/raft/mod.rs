//! # Raft
//!
//! Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm",
//! extended version, 2014; Ongaro's dissertation "Consensus: Bridging Theory and Practice",
//! 2014) keeps a log of commands identical on a cluster of servers, so that each server's
//! copy of a state machine (here a key-value store) goes through the same states, and the
//! cluster keeps working while a majority of it is up and connected.
//!
//! Time is divided into *terms*, each with at most one leader. A follower that hears from no
//! leader for a random election timeout starts an election (`election`); the leader takes
//! client commands, appends them to its log and replicates them (`replication`); an entry is
//! *committed* once a majority stores it and it is from the leader's term, and committed
//! entries are applied in order (`server`). Clients find the leader and retry safely thanks
//! to sessions (`client`, `kv`, `serving`). Reads go through the log or use ReadIndex
//! (`serving`). The configuration changes one server at a time (`membership`) and logs are
//! compacted into snapshots (`snapshot`).
//!
//! ## How it fails, and what the simulation shows
//! With a correct protocol nothing unsafe happens under crashes, partitions, loss,
//! duplication and pauses; only availability suffers (no majority, no progress; a split vote
//! costs another timeout; an isolated server comes back with a high term and disrupts the
//! leader unless pre-vote is on). Each broken variant (`config::Variant`) removes one rule of
//! the paper, and a ready scenario shows the invariant it protects going red (`invariants`):
//! - committing an old-term entry by counting replicas: Figure 8;
//! - voting without the log check: a leader missing committed entries;
//! - forgetting `votedFor` in a crash: two leaders in one term;
//! - a membership change before the leader's first commit: two majorities that do not meet;
//! - reading from a deposed leader's local state: a stale read.
//!
//! Figure 3's properties are checked after every step, with ghost state the servers keep
//! for the observer only (`ghost`); the clients' history is checked for linearizability
//! (`linearizability`).
//!
//! ## For the scene
//! - Nodes: servers `n0..` (the configuration's, then the spares), then clients `c1..`
//!   ([`node_names`]). [`RaftNode::as_server`] and [`RaftNode::as_client`] give typed,
//!   read-only views ([`Server`]: role, term, vote, log, commit and applied indexes, store,
//!   configuration, votes, per-follower indexes, timer deadlines; [`Client`]: target,
//!   operation in flight, history).
//! - Commands ([`Cmd`], as written in links): `put:x:5` and `get:x` to a client; `timeout`,
//!   `timer:MS` (move the election timer), `add:N` and `remove:N` (to the leader) to a
//!   server. Restarting the leader is a crash and a restart, not a command.
//! - Variants ([`Variant`]): `correct`, `commit-old-term`, `vote-any-log`, `volatile-vote`,
//!   `change-early`, `local-reads`; [`bug_scenario`] names each one's scenario.
//! - Every decision is narrated as a typed [`Note`].
mod client;
mod config;
mod election;
mod ghost;
mod invariants;
mod kv;
mod linearizability;
mod log;
mod measure;
mod members;
mod membership;
mod messages;
mod node;
mod notes;
mod replication;
mod scenario;
mod scenarios;
mod scenarios_basic;
mod scenarios_bugs;
mod scenarios_faults;
mod server;
mod serving;
mod snapshot;
mod triggers;

pub use client::{Client, EventKind, HistoryEvent, Outstanding, QUEUE_LIMIT, WORKLOAD_KEYS};
pub use config::{RaftConfig, ReadMode, Variant, MAX_CLIENTS, MAX_SPARES, SERVER_COUNTS};
pub use ghost::{CommitMark, Ghost};
pub use invariants::{
    client_history, invariants, ELECTION_SAFETY, LEADER_APPEND_ONLY, LEADER_COMPLETENESS,
    LINEARIZABILITY, LOG_MATCHING, STATE_MACHINE_SAFETY,
};
pub use kv::{Key, KvStore, Op, OpResult, Session, Value};
pub use linearizability::{
    check_linearizable, check_recent, operations_of, Operation, RECENT_WINDOW,
};
pub use log::{Command, Entry, Index, LastEntry, Log, Term};
pub use measure::{
    election_time_after_crash, election_time_samples, election_time_samples_on, figure_16_net,
    leader, message_stats, ElectionSamples, MessageStats, ELECTION_LIMIT, MAX_SAMPLE_SEEDS,
};
pub use members::Members;
pub use messages::{Answer, Cmd, ConflictHint, Msg, Snapshot, Timer};
pub use node::{net_config, node_names, nodes, RaftNode};
pub use notes::{AppendRefusal, ChangeRefusal, Ignored, LogsCompared, Note, StepDown, VoteRefusal};
pub use scenarios::{bug_scenario, scenario, scenarios, Scenario, ScenarioInfo};
pub use scenarios_basic::figure_7_logs;
pub use scenarios_bugs::figure_8_logs;
pub use server::{MsgCounts, Peer, PendingRead, Role, Server};

use crate::sim::Sim;

/// A simulation of the configuration with the scene's network and invariants.
pub fn new_sim(seed: u64, config: &RaftConfig) -> Sim<RaftNode> {
    Sim::new(seed, nodes(config), net_config(), invariants())
}
