//! The server chips around the ring: where each sits, pushed apart so labels never
//! collide, and where a departed server's ghost stays for its keys' flight. Pure.
use super::geometry::*;
use crate::algo::ring_cluster::{home_fraction, Change, ChangeKind, RingNode};

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

/// Places chips near their node's first point, pushed apart so labels do not collide.
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
    for _round in 0..300 {
        let mut moved = false;
        for i in 0..n {
            let j = (i + 1) % n;
            let gap = (chips[j].frac - chips[i].frac).rem_euclid(1.0);
            if gap < min_gap {
                let push = (min_gap - gap) / 2.0 + 1e-6;
                chips[i].frac = (chips[i].frac - push).rem_euclid(1.0);
                chips[j].frac = (chips[j].frac + push).rem_euclid(1.0);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    chips
}

pub fn chips_for(node: &RingNode) -> Vec<Chip> {
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
    if let Some(change) = node.last_change() {
        if change.kind == ChangeKind::Leave {
            chips.push(Chip {
                name: change.node.clone(),
                slot: None,
                kind: ChipKind::Gone,
                frac: home_fraction(&change.node, hash),
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
