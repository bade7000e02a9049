//! The server chips around the ring: where each sits, pushed apart so labels never
//! collide, and where a departed server's ghost stays for its keys' flight. Pure.
use super::geometry::*;
use crate::algo::ring_cluster::{home_fraction, Change, ChangeKind, ListPlace, RingNode};
use crate::scene::ring::picture::{list_entries, picture, ListEntry, Picture};

// ---------------------------------------------------------------------------------------
// Server chips around the ring

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChipKind {
    Live,
    Failed,
    /// Left in the last change: shown as a ghost, the source of its keys' flight.
    Gone,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chip {
    pub name: String,
    pub slot: Option<u16>,
    pub kind: ChipKind,
    pub frac: f64,
}

/// Places chips near their node's first point, pushed apart so labels do not collide: two
/// neighbours are at least a minimum gap apart, chips keep their order around the ring, and
/// each moves as little as it can (least squares).
///
/// Cut the circle at the widest gap between chips, so it becomes a line; then chip `i`'s
/// position is `z_i + i * gap` with `z` non-decreasing, and the closest such `z` to the
/// wanted `p_i - i * gap` is an isotonic regression, solved by pooling adjacent violators:
/// a run of chips that crowd each other moves as one block centred where they want to be.
/// Since the gaps add up to at most 0.85 of a turn, the line fits on the circle unless the
/// blocks reach around to the cut; then the chips are spaced evenly.
pub fn layout_chips(mut chips: Vec<Chip>) -> Vec<Chip> {
    let n = chips.len();
    if n < 2 {
        return chips;
    }
    // Insertion sort: at most 64 or so chips, and no sorting code pulled into the bundle.
    for i in 1..n {
        let mut j = i;
        while j > 0
            && chips[j - 1]
                .frac
                .total_cmp(&chips[j].frac)
                .then_with(|| chips[j - 1].name.cmp(&chips[j].name))
                .is_gt()
        {
            chips.swap(j - 1, j);
            j -= 1;
        }
    }
    let min_gap = (0.85 / n as f64).min(0.07);
    let gap_after = |i: usize| (chips[(i + 1) % n].frac - chips[i].frac).rem_euclid(1.0);
    if (0..n).all(|i| gap_after(i) >= min_gap) {
        return chips;
    }
    // The chip after the widest gap comes first on the line.
    let widest = (0..n).fold(0, |best, i| {
        if gap_after(i) > gap_after(best) {
            i
        } else {
            best
        }
    });
    let first = (widest + 1) % n;
    let start = chips[first].frac;
    let wanted: Vec<f64> = (0..n)
        .map(|k| start + (chips[(first + k) % n].frac - start).rem_euclid(1.0))
        .collect();
    // Pool adjacent violators on `wanted[k] - k * gap`: blocks of (chips, sum of targets).
    let mut blocks: Vec<(usize, f64)> = Vec::with_capacity(n);
    for (k, &p) in wanted.iter().enumerate() {
        blocks.push((1, p - k as f64 * min_gap));
        while blocks.len() >= 2 {
            let (count, sum) = blocks[blocks.len() - 1];
            let (prev_count, prev_sum) = blocks[blocks.len() - 2];
            if prev_sum / prev_count as f64 <= sum / count as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (prev_count + count, prev_sum + sum);
        }
    }
    let mut placed: Vec<f64> = Vec::with_capacity(n);
    for (count, sum) in blocks {
        let z = sum / count as f64;
        for _ in 0..count {
            placed.push(z + placed.len() as f64 * min_gap);
        }
    }
    if placed[n - 1] - placed[0] > 1.0 - min_gap {
        // The line reaches around to its own start: space the chips evenly instead.
        let step = 1.0 / n as f64;
        for (k, frac) in placed.iter_mut().enumerate() {
            *frac = start + k as f64 * step;
        }
    }
    for (k, frac) in placed.into_iter().enumerate() {
        chips[(first + k) % n].frac = frac.rem_euclid(1.0);
    }
    chips
}

/// One place on the list pictures' circle: a live server's sector, or the sector a
/// failed or departed server had (its ghost).
#[derive(Clone, Debug, PartialEq)]
pub struct ListSector {
    pub name: String,
    /// The live server's slot; `None` for a ghost.
    pub slot: Option<u16>,
    pub kind: ChipKind,
    /// Where the sector starts and how wide it is, in units (a unit of weight: a bucket,
    /// for jump hash and hash mod N).
    pub start: u32,
    pub width: u32,
}

/// Where the list-based pictures (buckets, scores, table) put things: each server a
/// sector of the circle in list order, as wide as its weight (its buckets, for jump hash
/// and hash mod N), starting at the top and going clockwise, on a circle of
/// [`RingNode::list_scale`] units whose rest is room for servers that join. A failed
/// server keeps its sector, as a ghost, while it is failed, and a server that left keeps
/// its sector for that change and the next ([`ListPlace::Gone`]): so a leave or a failure
/// moves no survivor's sector, and a join (into the room) or a leave rescales nothing.
/// Only the survivors' bucket numbers change (jump hash and hash mod N number the live
/// buckets `0 .. n-1` in list order).
#[derive(Clone, Debug, PartialEq)]
pub struct ListLayout {
    /// The live servers in list order, with their buckets.
    pub entries: Vec<ListEntry>,
    /// Every sector in list order, the live servers' and the ghosts'.
    pub sectors: Vec<ListSector>,
    /// Live buckets (the total weight of the live servers).
    pub buckets: u32,
    /// Where each live bucket starts, in units.
    bucket_units: Vec<u32>,
    /// All the units on the circle: the live buckets and the ghosts' widths.
    units: u32,
}

impl ListLayout {
    pub fn of(node: &RingNode) -> Self {
        let entries = list_entries(node);
        let mut drawn: Vec<(String, Option<u16>, ChipKind, u32)> = Vec::new();
        for place in node.list_places() {
            match place {
                ListPlace::Live(slot) => {
                    if let Some(e) = entries.iter().find(|e| e.slot == *slot) {
                        drawn.push((e.name.clone(), Some(e.slot), ChipKind::Live, e.weight));
                    }
                }
                ListPlace::Failed(name) => {
                    if let Some(f) = node.failed().iter().find(|f| &f.name == name) {
                        drawn.push((f.name.clone(), None, ChipKind::Failed, f.weight));
                    }
                }
                ListPlace::Gone { name, weight, .. } => {
                    drawn.push((name.clone(), None, ChipKind::Gone, *weight));
                }
            }
        }
        // A live server missing from the drawn list (never, by the model's rule) is
        // still drawn, last.
        for e in &entries {
            if !drawn.iter().any(|d| d.1 == Some(e.slot)) {
                drawn.push((e.name.clone(), Some(e.slot), ChipKind::Live, e.weight));
            }
        }
        let mut next = 0;
        let sectors: Vec<ListSector> = drawn
            .into_iter()
            .map(|(name, slot, kind, width)| {
                let start = next;
                next += width;
                ListSector {
                    name,
                    slot,
                    kind,
                    start,
                    width,
                }
            })
            .collect();
        let bucket_units = entries
            .iter()
            .flat_map(|e| {
                let start = sectors
                    .iter()
                    .find(|s| s.slot == Some(e.slot))
                    .map_or(0, |s| s.start);
                start..start + e.weight
            })
            .collect();
        ListLayout {
            buckets: entries.iter().map(|e| e.weight).sum(),
            entries,
            sectors,
            bucket_units,
            units: node.list_scale().max(next),
        }
    }

    /// The room left for servers that join: (start, width) in turns, after the last
    /// sector; `None` when the sectors fill the circle.
    pub fn room(&self) -> Option<(f64, f64)> {
        let used = self.sectors.last().map_or(0, |s| s.start + s.width);
        (used < self.units).then(|| {
            (
                self.frac(f64::from(used)),
                self.frac(f64::from(self.units - used)),
            )
        })
    }

    /// The fraction of a turn where unit `u` starts.
    pub fn frac(&self, unit: f64) -> f64 {
        unit / f64::from(self.units.max(1))
    }

    /// Each live slot's sector: (start, width) in turns, by slot.
    pub fn slot_sectors(&self) -> Vec<Option<(f64, f64)>> {
        let mut out = Vec::new();
        for s in &self.sectors {
            let Some(slot) = s.slot else { continue };
            let i = usize::from(slot);
            if out.len() <= i {
                out.resize(i + 1, None);
            }
            out[i] = Some(self.turns(s));
        }
        out
    }

    /// A sector's start and width in turns.
    pub fn turns(&self, sector: &ListSector) -> (f64, f64) {
        (
            self.frac(f64::from(sector.start)),
            self.frac(f64::from(sector.width)),
        )
    }

    /// The chips: each server, live or ghost, in the middle of its sector.
    pub fn chips(&self) -> Vec<Chip> {
        self.sectors
            .iter()
            .map(|s| Chip {
                name: s.name.clone(),
                slot: s.slot,
                kind: s.kind,
                frac: self.frac(f64::from(s.start) + f64::from(s.width) / 2.0),
            })
            .collect()
    }

    /// Live bucket `b`'s cell: (start, end) in turns, in its server's sector.
    pub fn bucket_cell(&self, bucket: u32) -> (f64, f64) {
        let unit = self
            .bucket_units
            .get(bucket as usize)
            .map_or(f64::from(bucket), |&u| f64::from(u));
        (self.frac(unit), self.frac(unit + 1.0))
    }

    /// Each live bucket's owner slot, bucket by bucket.
    pub fn bucket_owners(&self) -> Vec<u16> {
        self.entries
            .iter()
            .flat_map(|e| std::iter::repeat_n(e.slot, e.weight as usize))
            .collect()
    }
}

pub fn chips_for(node: &RingNode) -> Vec<Chip> {
    if picture(node.config().algorithm) != Picture::Ring {
        return layout_chips(ListLayout::of(node).chips());
    }
    let hash = node.config().hash;
    let mut chips: Vec<Chip> = node
        .live_nodes()
        .map(|(slot, n)| Chip {
            name: n.name.clone(),
            slot: Some(slot),
            kind: ChipKind::Live,
            frac: home_fraction(&n.name, hash),
        })
        .collect();
    for f in node.failed() {
        chips.push(Chip {
            name: f.name.clone(),
            slot: None,
            kind: ChipKind::Failed,
            frac: home_fraction(&f.name, hash),
        });
    }
    for place in node.list_places() {
        if let ListPlace::Gone { name, .. } = place {
            chips.push(Chip {
                name: name.clone(),
                slot: None,
                kind: ChipKind::Gone,
                frac: home_fraction(name, hash),
            });
        }
    }
    layout_chips(chips)
}

/// Where each slot's chip is, for the flights (a departed node's slot maps to its ghost).
pub fn chip_positions(chips: &[Chip], change: Option<&Change>) -> Vec<Option<(f64, f64)>> {
    let mut out: Vec<Option<(f64, f64)>> = Vec::new();
    let mut put = |slot: u16, frac: f64| {
        let i = usize::from(slot);
        if out.len() <= i {
            out.resize(i + 1, None);
        }
        out[i] = Some(point_at(frac, CHIP_R));
    };
    for chip in chips {
        if let Some(slot) = chip.slot {
            put(slot, chip.frac);
        }
    }
    if let Some(change) = change {
        if matches!(change.kind, ChangeKind::Leave | ChangeKind::Fail) {
            if let Some(chip) = chips.iter().find(|c| c.name == change.node) {
                put(change.slot, chip.frac);
            }
        }
    }
    out
}

/// How many leading bytes every chip's label can drop in a small (embedded) drawing: the
/// prefix all server names share, up to its last non-digit (`node-3`, `node-12` → `3`,
/// `12`), so that a label set large enough to read still fits beside the ring. Zero when
/// the names share nothing or a name would be left empty.
pub fn shared_prefix_len(chips: &[Chip]) -> usize {
    let Some(first) = chips.first() else {
        return 0;
    };
    let mut len = first.name.len();
    for chip in &chips[1..] {
        len = first
            .name
            .bytes()
            .zip(chip.name.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    while !first.name.is_char_boundary(len) {
        len -= 1; // Two different characters can share their first bytes.
    }
    // Keep whole numbers: `node-1` and `node-12` share `node-1`, but the label is `12`.
    let cut = first.name[..len]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let leaves_every_name = chips.iter().all(|c| c.name.len() > cut);
    if chips.len() > 1 && leaves_every_name {
        cut
    } else {
        0
    }
}
