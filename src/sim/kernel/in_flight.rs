//! The table of messages in flight.
use super::super::protocol::NodeId;
use super::super::time::Time;
use super::super::trace::MsgId;
use crate::sim::sorted::SortedMap;
use std::collections::VecDeque;

/// A message on its way.
#[derive(Clone, Debug)]
pub struct InFlight<M> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    /// How long a person held it back in all (`Action::DelayMessage`); zero for most.
    pub delayed: Time,
    pub msg: M,
}

/// A message in flight and whether the network will lose it.
#[derive(Clone, Debug)]
pub(super) struct Flying<M> {
    pub(super) info: InFlight<M>,
    pub(super) lost: bool,
}

/// The messages in flight, in id order. Ids are handed out in sequence, so the table is a
/// ring indexed by `id - base`, with a hole for each id that is no longer (or never was)
/// in flight; holes at the front are trimmed. A straggler, a message that stays in flight
/// while thousands of later ones come and go (one held by a paused node, say), moves to a
/// small ordered map so that the ring stays about as long as what is in flight.
#[derive(Clone, Debug)]
pub(super) struct InFlightTable<M> {
    /// Messages with ids from `base` on, at index `id - base`.
    ring: VecDeque<Option<Flying<M>>>,
    base: u64,
    /// How many messages the ring holds.
    live: usize,
    /// Stragglers, all with ids below `base`.
    old: SortedMap<MsgId, Flying<M>>,
}

impl<M> InFlightTable<M> {
    pub(super) fn new() -> Self {
        InFlightTable {
            ring: VecDeque::new(),
            base: 0,
            live: 0,
            old: SortedMap::new(),
        }
    }

    pub(super) fn get(&self, id: MsgId) -> Option<&Flying<M>> {
        match id.0.checked_sub(self.base) {
            Some(index) => self.ring.get(usize::try_from(index).ok()?)?.as_ref(),
            None => self.old.get(&id),
        }
    }

    pub(super) fn get_mut(&mut self, id: MsgId) -> Option<&mut Flying<M>> {
        match id.0.checked_sub(self.base) {
            Some(index) => self.ring.get_mut(usize::try_from(index).ok()?)?.as_mut(),
            None => self.old.get_mut(&id),
        }
    }

    pub(super) fn contains(&self, id: MsgId) -> bool {
        self.get(id).is_some()
    }

    /// `flying.info.id` must be greater than every id inserted before.
    pub(super) fn insert(&mut self, flying: Flying<M>) {
        let id = flying.info.id.0;
        if !self.ring.is_empty() && id - self.base > self.longest() as u64 {
            // A long run of ids that never flew (sends into a cut link): rather than fill
            // the ring with holes, start it afresh and keep what it held as stragglers.
            for straggler in self.ring.drain(..).flatten() {
                self.old.insert(straggler.info.id, straggler);
            }
            self.live = 0;
        }
        if self.ring.is_empty() {
            self.base = id;
        }
        let index = usize::try_from(id - self.base).expect("at most the ring's length");
        debug_assert!(index >= self.ring.len(), "ids only grow");
        self.ring.resize_with(index, || None);
        self.ring.push_back(Some(flying));
        self.live += 1;
        if self.mostly_holes() {
            self.tidy();
        }
    }

    pub(super) fn remove(&mut self, id: MsgId) -> Option<Flying<M>> {
        let Some(index) = id.0.checked_sub(self.base) else {
            return self.old.remove(&id);
        };
        let slot = self.ring.get_mut(usize::try_from(index).ok()?)?;
        let flying = slot.take()?;
        self.live -= 1;
        if index == 0 || self.mostly_holes() {
            self.tidy();
        }
        Some(flying)
    }

    /// How long the ring may grow before it counts as mostly holes.
    fn longest(&self) -> usize {
        2 * self.live + 64
    }

    fn mostly_holes(&self) -> bool {
        self.ring.len() > self.longest()
    }

    /// Trims the holes at the front, and moves stragglers out while the ring is mostly
    /// holes.
    fn tidy(&mut self) {
        loop {
            match self.ring.front() {
                Some(None) => {}
                Some(Some(_)) if self.mostly_holes() => {
                    let straggler = self.ring.front_mut().and_then(Option::take);
                    let straggler = straggler.expect("checked");
                    self.old.insert(straggler.info.id, straggler);
                    self.live -= 1;
                }
                _ => return,
            }
            self.ring.pop_front();
            self.base += 1;
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &InFlight<M>> {
        let ring = self.ring.iter().filter_map(|f| f.as_ref());
        self.old.values().chain(ring).map(|f| &f.info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimRng;

    fn flying(id: u64) -> Flying<u64> {
        let info = InFlight {
            id: MsgId(id),
            from: NodeId(0),
            to: NodeId(1),
            sent: Time(id),
            arrives: Time(id + 1),
            delayed: Time::ZERO,
            msg: id * 10,
        };
        Flying { info, lost: false }
    }

    /// The table against an ordered map: same messages, same order, while messages come
    /// and go, some stay in flight for very long and long runs of ids never fly.
    #[test]
    fn in_flight_table_behaves_like_an_ordered_map() {
        let mut rng = SimRng::new(3);
        let mut table = InFlightTable::new();
        let mut model = SortedMap::new();
        let mut next = 0u64;
        for round in 0..20_000 {
            if model.len() < 40 || rng.below(2) == 0 {
                next += match rng.below(100) {
                    0 => 1 + rng.below(5_000),
                    1..=10 => 2,
                    _ => 1,
                };
                table.insert(flying(next));
                model.insert(next, flying(next).info.msg);
            } else {
                // Mostly recent messages leave, so that old ones become stragglers.
                let count = model.len() as u64;
                let back = if rng.below(10) == 0 {
                    rng.below(count)
                } else {
                    rng.below(count.min(8))
                };
                let id = *model.keys().rev().nth(back as usize).expect("in range");
                assert_eq!(
                    table.remove(MsgId(id)).map(|f| f.info.msg),
                    model.remove(&id)
                );
            }
            let probe = rng.below(next + 2);
            assert_eq!(table.contains(MsgId(probe)), model.contains_key(&probe));
            assert_eq!(table.remove(MsgId(next + 1)).map(|f| f.lost), None);
            assert!(table.ring.len() <= table.longest() + 1, "round {round}");
            if round % 97 == 0 {
                let ids: Vec<u64> = table.iter().map(|m| m.id.0).collect();
                assert_eq!(
                    ids,
                    model.keys().copied().collect::<Vec<_>>(),
                    "round {round}"
                );
            }
        }
        assert!(!table.old.is_empty(), "stragglers were exercised");
    }
}
