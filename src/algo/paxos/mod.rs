//! # Paxos: single-decree and Multi-Paxos, with flexible quorums
//!
//! A set of processes must agree on one value although any of them may crash and any
//! message may be lost, duplicated or delayed. Paxos (Lamport, *The Part-Time Parliament*,
//! 1998, §2 for one decree and §3 for a sequence of them; retold plainly in *Paxos Made
//! Simple*, 2001) guarantees:
//! - **safety, always**: only a proposed value is chosen, at most one value is chosen, and
//!   a learner learns only the chosen value;
//! - **progress, when things calm down**: with a single proposer trying and a quorum of
//!   acceptors reachable, a value gets chosen.
//!
//! ## Roles ([`config::Roles`])
//! *Proposers* try to get a value chosen, *acceptors* vote and remember, *learners* find
//! out what was chosen. A node may play several roles. The default cluster is three
//! proposer-acceptor-learners and two acceptor-learners: five acceptors (majority 3, or
//! the flexible 4 and 2), three proposers to race, and a learner on every node.
//!
//! ## How it works (in the files named)
//! - [`ballot`]: every attempt runs under a unique, totally ordered ballot (round, id).
//! - [`proposer`]: phase 1 (prepare, collect a quorum of promises), **the rule** (adopt the
//!   highest-ballot value the promises report), phase 2 (accept). Back-off on failure.
//! - [`acceptor`]: promise never to accept below a ballot, accept otherwise; both durable.
//! - [`learner`]: a value is learned when a phase-2 quorum accepted it in the *same*
//!   ballot; catch-up for learners that missed it.
//! - [`election`]: heartbeats elect the lowest live proposer, which ends duels.
//! - [`replica`] and [`client`]: Multi-Paxos feeds a replicated key-value store in slot
//!   order; a new leader re-proposes what it finds accepted and fills holes with no-ops.
//! - [`config`]: quorum sizes for phase 1 and phase 2 separately, and why q1 + q2 > n is
//!   the rule (Howard, Malkhi & Spiegelman, *Flexible Paxos*, 2016).
//! - [`ghost`], [`mod@invariants`], [`views`]: "chosen" as a global fact computed from ghost
//!   history, the safety properties checked live, and the accessors the views read.
//! - [`scenarios`]: ready-made runs, including every broken variant failing.
//! - [`duel`]: how often dueling proposers livelock, with and without the cures.
//!
//! ## How it fails, and what the scene shows
//! Paxos's safety does not depend on timing, so no schedule of crashes, losses and delays
//! breaks it; the scene lets a person try (the "break consensus" challenge,
//! [`views::safety_report`]). What does break it is getting one of its rules wrong, each a
//! [`config::Variant`] or a quorum setting with a ready scenario: a proposer that keeps its
//! own value, an acceptor that forgets its promise, a learner that adds up acceptances
//! across ballots, and phase-1 and phase-2 quorums that need not meet. Liveness, on the
//! other hand, is not guaranteed: two proposers can keep overtaking each other (*Paxos Made
//! Simple* §2.4), until back-off or a leader lets one finish.
mod accepting;
pub mod acceptor;
pub mod ballot;
pub mod client;
pub mod cluster;
pub mod config;
pub mod duel;
pub mod election;
pub mod ghost;
pub mod invariants;
mod io;
pub mod learner;
pub mod messages;
pub mod node;
pub mod notes;
pub mod proposer;
pub mod replica;
pub mod scenarios;
pub mod script;
pub mod value;
pub mod views;

pub use ballot::{Ballot, Slot};
pub use cluster::{net_config, new_sim, node_names, nodes};
pub use config::{Mode, PaxosConfig, Proposal, Roles, Timing, Variant};
pub use invariants::invariants;
pub use messages::{Cmd, Msg, Timer};
pub use node::PaxosNode;
pub use notes::Note;
pub use value::{CmdId, Value, Word};
