//! The stable hash behind fingerprints of a run's state (`Sim::fingerprint` and
//! `Sim::state_fingerprint`, encoded in `kernel/hashing.rs`).
//!
//! The hash is XXH3-128 over a stable encoding: derived `Hash` impls with lengths and enum
//! discriminants written as fixed-width integers, so a fingerprint is the same natively and
//! in WebAssembly.
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
