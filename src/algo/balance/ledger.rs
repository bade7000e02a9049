//! A balancer's ledger: what became of every request and every attempt that passed through
//! it, so that the invariants can check that none is lost or counted twice.
//!
//! **Requests and attempts.** A *request* is what a client sent; an *attempt* is one try of
//! it on one server. A retry (after a per-try timeout, or a 503 under the retry policy; see
//! `BalanceConfig::per_try_timeout`) is a new attempt of the same request, never a new
//! request. Both are conserved, each in its own way:
//! - every request the balancer received is answered exactly once (served, 503 queue full,
//!   503 no server, or 504), or is still open (one attempt in progress), or was forgotten
//!   in a crash of the balancer (the client's own timeout then counts it as failed);
//! - every attempt the balancer sent ends exactly once: its server's reply was accepted,
//!   it was abandoned at a timeout (per-try or upstream), or it was forgotten in a crash;
//!   until then it is open. An abandoned attempt may still be served by its server: the
//!   reply that comes late is ignored, so it ends nothing a second time.
//!
//! The two meet in one identity: each request is routed once when it arrives and once per
//! retry, and each routing either sends an attempt or answers "no server available", so
//! `received + retries = attempts sent + no-server answers`.
//!
//! All the counts are statistics of the whole run: a crash of the balancer keeps them.
/// The counts, kept across crashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ledger {
    /// Requests received from the clients (a copy the network duplicated is not counted:
    /// see `duplicates_ignored`).
    pub received: u64,
    /// Copies of a request (open or answered) that the network duplicated, ignored (TCP
    /// would have discarded them before the balancer saw them).
    pub duplicates_ignored: u64,
    /// Answers to the clients, by kind.
    pub answered_served: u64,
    pub answered_queue_full: u64,
    pub answered_no_server: u64,
    pub answered_timeout: u64,
    /// Requests routed again after a failed attempt.
    pub retries: u64,
    /// Attempts sent to a server.
    pub attempts_sent: u64,
    /// Attempts whose server's reply (served or 503) was accepted.
    pub attempts_replied: u64,
    /// Attempts abandoned at the per-try or the upstream timeout.
    pub attempts_timed_out: u64,
    /// Open requests, each with its one open attempt, forgotten when the balancer crashed.
    pub lost_in_crash: u64,
}

impl Ledger {
    /// Requests answered, whatever the answer.
    pub fn answered(&self) -> u64 {
        self.answered_served
            + self.answered_queue_full
            + self.answered_no_server
            + self.answered_timeout
    }

    /// Attempts that have ended (replied, abandoned, or forgotten in a crash).
    pub fn attempts_ended(&self) -> u64 {
        self.attempts_replied + self.attempts_timed_out + self.lost_in_crash
    }

    /// Every count added up: it changes whenever any count does (they only grow), which is
    /// what an invariant needs to know that it must look again.
    pub fn activity(&self) -> u64 {
        self.received
            .wrapping_add(self.duplicates_ignored)
            .wrapping_add(self.answered())
            .wrapping_add(self.retries)
            .wrapping_add(self.attempts_sent)
            .wrapping_add(self.attempts_ended())
    }
}
