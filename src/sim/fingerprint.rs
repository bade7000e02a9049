//! Fingerprints of a run's state: one number that is equal for two worlds exactly when
//! (up to hash collisions) their nodes, messages in flight, timers, links and faults are.
//!
//! Two kinds:
//! - [`Sim::fingerprint`] is *exact*: it also covers the clock, the random generator and the
//!   kernel's counters, so two runs that reach the same fingerprint go on identically. It
//!   checks that a rewind reproduces the state the run had.
//! - [`Sim::state_fingerprint`] is *abstract*: what a model checker calls a state. It leaves
//!   out time, message ids and latencies: two worlds whose nodes are in the same states with
//!   the same messages (as a multiset) in flight and the same timers set are one state. The
//!   state-space explorer deduplicates with it.
//!
//! The hash is XXH3-128 over a stable encoding: derived `Hash` impls with lengths and enum
//! discriminants written as fixed-width integers, so a fingerprint is the same natively and
//! in WebAssembly.
use super::kernel::Sim;
use super::protocol::Protocol;
use std::hash::{Hash, Hasher};
use xxhash_rust::xxh3::Xxh3Default;

/// A `Hasher` whose output does not depend on the platform's pointer width.
#[derive(Default, Clone)]
pub struct StableHasher(Xxh3Default);

impl StableHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn finish128(&self) -> u128 {
        self.0.digest128()
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0.digest()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn write_usize(&mut self, n: usize) {
        self.0.update(&(n as u64).to_le_bytes());
    }

    fn write_isize(&mut self, n: isize) {
        self.0.update(&(n as i64).to_le_bytes());
    }
}

/// The stable 128-bit hash of any `Hash` value.
pub fn stable_hash<T: Hash + ?Sized>(value: &T) -> u128 {
    let mut hasher = StableHasher::new();
    value.hash(&mut hasher);
    hasher.finish128()
}

impl<P: Protocol> Sim<P> {
    /// The exact state: equal fingerprints mean the two runs continue identically.
    pub fn fingerprint(&self) -> u128 {
        let mut h = StableHasher::new();
        self.hash_exact(&mut h);
        h.finish128()
    }

    /// The state as a model checker sees it: nodes, statuses, timers set, messages in flight
    /// (as a multiset of sender, receiver and body) and cut links; no clock, no ids.
    pub fn state_fingerprint(&self) -> u128 {
        let mut h = StableHasher::new();
        self.hash_abstract(&mut h);
        h.finish128()
    }
}
