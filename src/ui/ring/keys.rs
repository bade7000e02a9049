//! The keys: where each dot rests, how a moving key flies from its old owner's chip to its
//! new one, and the frame the key layer draws. Pure.
use super::geometry::*;
use crate::algo::ring_cluster::{ring_fraction, Change, HashChoice};
use std::rc::Rc;

// ---------------------------------------------------------------------------------------
// Keys

/// Key positions as a memo key (same `Rc` of hashes, same hash scheme).
#[derive(Clone)]
pub struct KeysVersion(pub Rc<Vec<u64>>, pub HashChoice);

impl PartialEq for KeysVersion {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

/// Each key's dot: at its hash's angle, at a radius jittered from the hash so that the
/// dots form a band instead of piling up on one circle.
pub fn key_positions(hashes: &[u64], hash: HashChoice) -> Vec<(f32, f32)> {
    hashes
        .iter()
        .map(|&h| {
            let jitter = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as f64 / 1024.0;
            let (x, y) = point_at(ring_fraction(h, hash), BAND_OUTER - BAND_WIDTH * jitter);
            (x as f32, y as f32)
        })
        .collect()
}

/// Each slot's sector of the circle: start and width in turns (see `ListLayout::slot_sectors`).
pub type Sectors = Vec<Option<(f64, f64)>>;

/// Where the keys go, as a memo key: on the ring at their hash's angle, or (the list
/// pictures, which have no ring) in their owner's sector.
#[derive(Clone)]
pub struct KeyPlace {
    pub keys: KeysVersion,
    /// Each key's owner and each slot's sector (see `ListLayout::slot_sectors`).
    pub by_owner: Option<(Rc<Vec<u16>>, Sectors)>,
}

impl PartialEq for KeyPlace {
    fn eq(&self, other: &Self) -> bool {
        let same_owners = match (&self.by_owner, &other.by_owner) {
            (Some((a, s)), Some((b, t))) => Rc::ptr_eq(a, b) && s == t,
            (None, None) => true,
            _ => false,
        };
        self.keys == other.keys && same_owners
    }
}

impl KeyPlace {
    pub fn positions(&self) -> Vec<(f32, f32)> {
        match &self.by_owner {
            None => key_positions(&self.keys.0, self.keys.1),
            Some((owners, sectors)) => key_positions_by_owner(&self.keys.0, owners, sectors),
        }
    }
}

/// For the pictures without a ring: each key's dot in its owner's sector (`sectors` by
/// slot: start and width in turns), spread across it by the key's hash and jittered in
/// radius like the ring's band, so that a server's keys sit beside it.
pub fn key_positions_by_owner(
    hashes: &[u64],
    owners: &[u16],
    sectors: &[Option<(f64, f64)>],
) -> Vec<(f32, f32)> {
    hashes
        .iter()
        .zip(owners)
        .map(|(&h, &slot)| {
            let jitter = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as f64 / 1024.0;
            let across = (h >> 11) as f64 / (1u64 << 53) as f64;
            let (start, width) = sectors
                .get(usize::from(slot))
                .copied()
                .flatten()
                .unwrap_or((0.0, 0.0));
            let frac = start + width * (0.08 + 0.84 * across);
            let (x, y) = point_at(frac, BAND_OUTER - BAND_WIDTH * jitter);
            (x as f32, y as f32)
        })
        .collect()
}

/// When a key's flight starts, as a fraction of the animation (staggered per key).
pub fn flight_delay(key: u32) -> f64 {
    (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as f64 / 1024.0 * 0.45
}

/// A moving key's own progress (0: still at its old owner, 1: landed).
pub fn flight_t(progress: f64, key: u32) -> f64 {
    ((progress - flight_delay(key)) / 0.55).clamp(0.0, 1.0)
}

/// A point along the curve from one chip to another, bending toward the centre.
pub fn flight_point(from: (f64, f64), to: (f64, f64), t: f64) -> (f64, f64) {
    let t = smooth(t);
    let mid = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
    let ctrl = (
        CENTRE + (mid.0 - CENTRE) * 0.2,
        CENTRE + (mid.1 - CENTRE) * 0.2,
    );
    let u = 1.0 - t;
    (
        u * u * from.0 + 2.0 * u * t * ctrl.0 + t * t * to.0,
        u * u * from.1 + 2.0 * u * t * ctrl.1 + t * t * to.1,
    )
}

/// Where one key is drawn at this moment, in which slot's colour, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyMark {
    /// Resting in the band.
    Rest {
        x: f64,
        y: f64,
        slot: u16,
        moved: bool,
    },
    /// In the air between chips.
    Flying { x: f64, y: f64, slot: u16 },
}

/// Everything the key layer needs to draw one frame.
#[derive(Clone)]
pub struct KeyFrame {
    pub positions: Rc<Vec<(f32, f32)>>,
    pub owners: Rc<Vec<u16>>,
    pub change: Option<Rc<Change>>,
    /// Whether the change is the latest event (otherwise it is settled and not marked).
    pub change_current: bool,
    pub progress: f64,
    pub chips: Rc<Vec<Option<(f64, f64)>>>,
    pub colours: Rc<Vec<String>>,
    pub dark: bool,
    /// Keys rest in their owner's sector (no ring): a moved key waits at its old
    /// owner's chip until its flight starts (its resting place is already the new one).
    pub by_owner: bool,
}

impl PartialEq for KeyFrame {
    fn eq(&self, other: &Self) -> bool {
        let same_change = match (&self.change, &other.change) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        Rc::ptr_eq(&self.positions, &other.positions)
            && Rc::ptr_eq(&self.owners, &other.owners)
            && same_change
            && self.change_current == other.change_current
            && self.progress == other.progress
            && self.chips == other.chips
            && self.colours == other.colours
            && self.dark == other.dark
            && self.by_owner == other.by_owner
    }
}

impl KeyFrame {
    fn in_flight(&self) -> bool {
        self.change_current && self.progress < 1.0 && self.change.is_some()
    }

    /// Calls `mark` for every key, in drawing order: resting keys first, then the moved
    /// keys (on top), flying or landed.
    pub fn for_each(&self, mut mark: impl FnMut(u32, KeyMark)) {
        let change = self.change.as_deref().filter(|_| self.change_current);
        let mut moving = vec![false; self.owners.len()];
        if let Some(change) = change {
            for m in &change.moves {
                if let Some(flag) = moving.get_mut(m.key as usize) {
                    *flag = true;
                }
            }
        }
        for (i, (&(x, y), &slot)) in self.positions.iter().zip(self.owners.iter()).enumerate() {
            if !moving[i] {
                let (x, y) = (f64::from(x), f64::from(y));
                mark(
                    i as u32,
                    KeyMark::Rest {
                        x,
                        y,
                        slot,
                        moved: false,
                    },
                );
            }
        }
        let Some(change) = change else { return };
        for m in &change.moves {
            let Some(&(x, y)) = self.positions.get(m.key as usize) else {
                continue;
            };
            let (x, y) = (f64::from(x), f64::from(y));
            let t = if self.in_flight() {
                flight_t(self.progress, m.key)
            } else {
                1.0
            };
            let chip = |slot: u16| self.chips.get(usize::from(slot)).copied().flatten();
            let waiting = (self.by_owner && t <= 0.0).then(|| chip(m.from)).flatten();
            if let Some((x, y)) = waiting {
                mark(m.key, KeyMark::Flying { x, y, slot: m.from });
            } else if t <= 0.0 {
                mark(
                    m.key,
                    KeyMark::Rest {
                        x,
                        y,
                        slot: m.from,
                        moved: true,
                    },
                );
            } else if t >= 1.0 {
                mark(
                    m.key,
                    KeyMark::Rest {
                        x,
                        y,
                        slot: m.to,
                        moved: true,
                    },
                );
            } else {
                let (fx, fy) = match (chip(m.from), chip(m.to)) {
                    (Some(a), Some(b)) => flight_point(a, b, t),
                    _ => (x, y),
                };
                mark(
                    m.key,
                    KeyMark::Flying {
                        x: fx,
                        y: fy,
                        slot: m.to,
                    },
                );
            }
        }
    }

    pub fn colour(&self, slot: u16) -> &str {
        self.colours
            .get(usize::from(slot))
            .map_or("#888", String::as_str)
    }
}
