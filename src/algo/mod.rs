//! The algorithms, one per file, each with a prose header for people learning it.
#[cfg(feature = "balance")]
pub mod balance;
#[cfg(feature = "locks")]
pub mod locks;
#[cfg(feature = "paxos")]
pub mod paxos;
// The ring's placement algorithms; the balance scene's consistent-hashing balancers use them.
#[cfg(any(feature = "ring", feature = "balance"))]
pub mod placement;
#[cfg(feature = "queue")]
pub mod queue;
#[cfg(feature = "raft")]
pub mod raft;
#[cfg(any(feature = "queue", feature = "locks"))]
pub mod redis;
#[cfg(feature = "ring")]
pub mod ring_cluster;
pub mod text;
#[cfg(feature = "two-pc")]
pub mod two_phase_commit;
