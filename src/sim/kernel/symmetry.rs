//! The explorer's symmetry reduction, on the kernel's side: a fingerprint of a world that
//! is the same for every renaming of the nodes a protocol declares interchangeable
//! ([`Protocol::symmetry`]).
//!
//! It is the smallest [`Sim::state_fingerprint`]-like hash over every renaming within the
//! classes: each renamed world is hashed in full (node states, statuses and timers renamed
//! and moved to their new ids, messages in flight as a multiset of renamed sender,
//! receiver and body), so two worlds get the same number exactly when (up to hash
//! collisions) one is a renaming of the other. Nothing is merged that is not a renaming.
//! Worlds the renaming does not cover (a cut link, a paused node's parked events: the
//! explorer makes neither) get no symmetric fingerprint.
use super::Sim;
use crate::sim::fingerprint::{stable_hash, StableHasher};
use crate::sim::protocol::{NodeId, Protocol, Renaming, Symmetry};
use std::hash::Hash;

/// Most renamings tried per world (6! = 720: a class of six nodes). Larger classes are
/// not reduced: the caller is told, and counts without symmetry.
pub const MAX_RENAMINGS: usize = 720;

/// Every renaming of `node_count` ids that permutes ids within each class; `None` when
/// there would be more than [`MAX_RENAMINGS`].
pub fn renamings(node_count: u32, classes: &[Vec<NodeId>]) -> Option<Vec<Renaming>> {
    let mut total: usize = 1;
    for class in classes {
        for k in 2..=class.len() {
            total = total.checked_mul(k).filter(|t| *t <= MAX_RENAMINGS)?;
        }
    }
    let identity: Vec<NodeId> = (0..node_count).map(NodeId).collect();
    let mut all = vec![identity];
    for class in classes {
        let orders = permutations(class);
        all = all
            .iter()
            .flat_map(|base| {
                orders.iter().map(move |order| {
                    let mut to = base.clone();
                    for (from, onto) in class.iter().zip(order) {
                        if let Some(slot) = to.get_mut(from.index()) {
                            *slot = *onto;
                        }
                    }
                    to
                })
            })
            .collect();
    }
    Some(all.into_iter().map(Renaming::new).collect())
}

/// Every order of `items` (Heap's algorithm).
fn permutations(items: &[NodeId]) -> Vec<Vec<NodeId>> {
    fn go(k: usize, items: &mut Vec<NodeId>, out: &mut Vec<Vec<NodeId>>) {
        if k <= 1 {
            out.push(items.clone());
            return;
        }
        for i in 0..k {
            go(k - 1, items, out);
            let j = if k % 2 == 0 { i } else { 0 };
            items.swap(j, k - 1);
        }
    }
    let mut out = Vec::new();
    go(items.len(), &mut items.to_vec(), &mut out);
    out
}

impl<P: Protocol> Sim<P> {
    /// The world's fingerprint up to the renamings (from [`renamings`] of `symmetry`'s
    /// classes): the smallest fingerprint of a renamed world. `None` when the world holds
    /// something renaming does not cover (cut links, parked events).
    pub fn symmetric_fingerprint(
        &self,
        symmetry: &Symmetry<P>,
        renamings: &[Renaming],
    ) -> Option<u128> {
        if self.links.cut_links().next().is_some()
            || self.slots.iter().any(|s| !s.parked.is_empty())
        {
            return None;
        }
        renamings
            .iter()
            .map(|r| self.renamed_fingerprint(symmetry, r))
            .min()
    }

    fn renamed_fingerprint(&self, symmetry: &Symmetry<P>, r: &Renaming) -> u128 {
        let n = self.slots.len();
        // `old[j]`: the node that becomes node `j`.
        let mut old = vec![0usize; n];
        for i in 0..n {
            let to = r.of(NodeId(i as u32)).index();
            if let Some(slot) = old.get_mut(to) {
                *slot = i;
            }
        }
        let mut h = StableHasher::new();
        for &i in &old {
            let slot = &self.slots[i];
            ((symmetry.state)(&slot.proto, r), slot.status).hash(&mut h);
            let mut timers: Vec<P::Timer> = slot
                .timers
                .iter()
                .map(|(t, ..)| (symmetry.timer)(t, r))
                .collect();
            crate::sim::sort::sort(&mut timers);
            timers.hash(&mut h);
        }
        let mut flying: Vec<(NodeId, NodeId, u128)> = self
            .in_flight
            .iter()
            .map(|m| {
                (
                    r.of(m.from),
                    r.of(m.to),
                    stable_hash(&(symmetry.msg)(&m.msg, r)),
                )
            })
            .collect();
        crate::sim::sort::sort(&mut flying);
        flying.hash(&mut h);
        h.finish128()
    }
}
