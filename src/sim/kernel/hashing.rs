//! The encodings behind `Sim::fingerprint` and `Sim::state_fingerprint`
//! (see `crate::sim::fingerprint`).
use super::{Parked, Pending, Sim};
use crate::sim::protocol::{NodeId, Protocol};

/// Hashing for fingerprints (see `super::fingerprint`).
impl<P: Protocol> Sim<P> {
    pub(in crate::sim) fn hash_exact<H: std::hash::Hasher>(&self, h: &mut H) {
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
        queue.sort_unstable_by_key(|q| q.0);
        queue.hash(h);
        for m in self.in_flight.iter() {
            (m.id, m.from, m.to, m.sent, m.arrives, &m.msg).hash(h);
        }
    }

    pub(in crate::sim) fn hash_abstract<H: std::hash::Hasher>(&self, h: &mut H) {
        use crate::sim::fingerprint::stable_hash;
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
        flying.sort_unstable();
        flying.hash(h);
    }
}
