//! The algorithms, one per file, each with a prose header for people learning it.
pub mod balance;
pub mod locks;
pub mod paxos;
pub mod placement;
pub mod queue;
pub mod raft;
pub mod redis;
pub mod ring_cluster;
pub mod text;
pub mod two_phase_commit;
