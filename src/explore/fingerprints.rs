//! The set of states seen so far, as 64-bit fingerprints, with each state's parent for
//! rebuilding the path to a violation.
//!
//! A state's fingerprint is XXH3-64 over the bytes its model writes (with `usize` written
//! as eight bytes), so the counts are the same natively and in WebAssembly. Two distinct
//! states share a fingerprint with probability about n²/2⁶⁵: for ten million states, about
//! three in a million searches would merge two states by mistake.
//!
//! The table is open addressing over (fingerprint, parent) pairs: fingerprints are already
//! uniformly spread, so the slot is the fingerprint's low bits and no other hashing is
//! needed. Sixteen bytes per slot, at most half full: about 32 bytes per state at worst.
use std::hash::Hasher;
use xxhash_rust::xxh3::xxh3_64;

/// Collects the bytes a model writes for a state; reused from state to state.
#[derive(Default)]
pub struct ByteSink(pub Vec<u8>);

impl Hasher for ByteSink {
    fn finish(&self) -> u64 {
        xxh3_64(&self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn write_u8(&mut self, n: u8) {
        self.0.push(n);
    }

    fn write_u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn write_u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn write_usize(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }

    fn write_isize(&mut self, n: isize) {
        self.0.extend_from_slice(&(n as i64).to_le_bytes());
    }
}

impl ByteSink {
    /// The fingerprint of the bytes written since the last call (never 0: 0 marks an empty
    /// slot and "no parent").
    pub fn take_fingerprint(&mut self) -> u64 {
        let fp = xxh3_64(&self.0);
        self.0.clear();
        if fp == 0 {
            1
        } else {
            fp
        }
    }
}

/// Fingerprints seen, each with its parent's fingerprint (0 for an initial state), side by
/// side in one slot so that a probe touches one cache line.
pub struct FpTable {
    slots: Vec<[u64; 2]>,
    len: usize,
}

impl Default for FpTable {
    fn default() -> Self {
        Self::with_capacity(1024)
    }
}

impl FpTable {
    pub fn with_capacity(states: usize) -> Self {
        let slots = (states.max(8) * 2).next_power_of_two();
        FpTable {
            slots: vec![[0, 0]; slots],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held by the table.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 16
    }

    fn slot_of(slots: &[[u64; 2]], fp: u64) -> usize {
        let mask = slots.len() - 1;
        let mut i = (fp as usize) & mask;
        loop {
            let key = slots[i][0];
            if key == fp || key == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `fp` with its parent; false if it was already there (the first parent stays:
    /// in a breadth-first search it is on a shortest path).
    pub fn insert(&mut self, fp: u64, parent: u64) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let i = Self::slot_of(&self.slots, fp);
        if self.slots[i][0] == fp {
            return false;
        }
        self.slots[i] = [fp, parent];
        self.len += 1;
        true
    }

    pub fn contains(&self, fp: u64) -> bool {
        self.slots[Self::slot_of(&self.slots, fp)][0] == fp
    }

    /// The parent of a fingerprint in the table (0 for an initial state).
    pub fn parent(&self, fp: u64) -> Option<u64> {
        let slot = self.slots[Self::slot_of(&self.slots, fp)];
        (slot[0] == fp).then_some(slot[1])
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![[0, 0]; old.len() * 2];
        for slot in old {
            if slot[0] != 0 {
                let i = Self::slot_of(&self.slots, slot[0]);
                self.slots[i] = slot;
            }
        }
    }
}
