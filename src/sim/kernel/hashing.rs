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
//! Both hash with the platform-independent [`StableHasher`] (`crate::sim::fingerprint`).
use super::{Parked, Pending, Sim};
use crate::sim::fingerprint::{stable_hash, StableHasher};
use crate::sim::protocol::{NodeId, Protocol};

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

/// The encodings the fingerprints hash.
impl<P: Protocol> Sim<P> {
    fn hash_exact<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        (self.now, self.step, self.seq, self.next_msg).hash(h);
        let mut rng = self.rng.clone();
        (rng.next_u64(), rng.next_u64()).hash(h);
        self.links.hash(h);
        for slot in &self.slots {
            (&slot.proto, slot.status, &slot.timers).hash(h);
            (&slot.parked, slot.pause_generation).hash(h);
        }
        let mut queue: Vec<(u128, Pending)> = self.queue.iter().map(|q| (q.key, q.event)).collect();
        crate::sim::sort::sort_by_key(&mut queue, |q| q.0);
        queue.hash(h);
        for m in self.in_flight.iter() {
            (m.id, m.from, m.to, m.sent, m.arrives, m.delayed, &m.msg).hash(h);
        }
    }

    fn hash_abstract<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        self.links.hash(h);
        for slot in &self.slots {
            (&slot.proto, slot.status).hash(h);
            for (timer, ..) in &slot.timers {
                timer.hash(h);
            }
            for parked in &slot.parked {
                match parked {
                    Parked::Message { id, from, dropped } => {
                        let body = self.in_flight.get(*id).map(|f| stable_hash(&f.info.msg));
                        (0u8, from, body, dropped).hash(h);
                    }
                    Parked::Event(Pending::Timer { .. }) => 1u8.hash(h),
                    Parked::Event(_) => 2u8.hash(h),
                }
            }
        }
        // Messages in flight as a multiset: sorted, with no ids or times.
        let mut flying: Vec<(NodeId, NodeId, u128)> = self
            .in_flight
            .iter()
            .map(|m| (m.from, m.to, stable_hash(&m.msg)))
            .collect();
        crate::sim::sort::sort(&mut flying);
        flying.hash(h);
    }
}
