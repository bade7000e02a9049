//! The ring's drawing geometry: the coordinate system, colours, points on the circle and
//! the SVG paths of arcs and ticks. Pure (no browser), so native tests reach it.
use crate::algo::placement::hash_fn::node_hash;
use crate::algo::placement::HashRing;
use crate::algo::ring_cluster::{ring_fraction, HashChoice};
use std::f64::consts::{FRAC_PI_2, TAU};
use std::rc::Rc;

/// The drawing's coordinate system (the SVG viewBox; the canvas matches it).
pub const VIEW: f64 = 640.0;
pub const CENTRE: f64 = VIEW / 2.0;
pub const RING_R: f64 = 198.0;
pub const TICK_IN: f64 = 206.0;
pub const TICK_OUT: f64 = 218.0;
pub const WALK_R: f64 = 226.0;
pub const CHIP_R: f64 = 250.0;
pub const LABEL_R: f64 = 266.0;
pub const BAND_OUTER: f64 = 184.0;
pub const BAND_WIDTH: f64 = 30.0;
/// Up to this many keys are SVG circles; more go on the canvas.
pub const SVG_KEY_LIMIT: u32 = 200;
/// Up to this many points, arcs and ticks are drawn exactly; beyond, per pixel-sized bin.
pub const EXACT_POINTS: usize = 1_500;
/// About one bin per pixel of the ring's circumference on a large screen.
pub const ARC_BINS: u32 = 960;

// ---------------------------------------------------------------------------------------
// Colours and geometry

/// A server's hue: its trailing number times the golden angle (so `node-1`, `node-2`, ...
/// get well-separated hues that stay the same across joins and leaves), else a hash.
pub fn node_hue(name: &str) -> f64 {
    let digits: String = name
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n = digits
        .parse::<u64>()
        .unwrap_or_else(|_| node_hash(name) % 1000);
    (n as f64 * 137.508 + 200.0) % 360.0
}

pub fn node_colour(name: &str, dark: bool) -> String {
    let lightness = if dark { 64 } else { 45 };
    format!("hsl({:.0} 68% {lightness}%)", node_hue(name))
}

pub fn point_at(frac: f64, radius: f64) -> (f64, f64) {
    let angle = frac * TAU - FRAC_PI_2;
    (CENTRE + radius * angle.cos(), CENTRE + radius * angle.sin())
}

pub fn smooth(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Thousands separators: 12345 -> "12,345" ([`crate::i18n::count`], the app's one format
/// for counts).
pub fn fmt_count(n: u64) -> String {
    crate::i18n::count(n)
}

// ---------------------------------------------------------------------------------------
// The ring's arcs and ticks, built once per ring version

/// The ring as a memo key: equal when it is the same `Rc` (holding it keeps the address
/// from being reused by a later ring).
#[derive(Clone)]
pub struct RingVersion(pub Rc<HashRing>, pub HashChoice);

impl PartialEq for RingVersion {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

/// One SVG path of arcs and one of ticks per server slot.
pub struct RingPaths {
    pub slots: Vec<(u16, String, String)>,
}

/// Writes `v` with one decimal through integer formatting: paths hold thousands of
/// numbers, and float formatting is the slow part of building them.
pub fn push_num(out: &mut String, v: f64) {
    use std::fmt::Write;
    let tenths = (v * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let tenths = tenths.unsigned_abs();
    let _ = write!(out, "{}", tenths / 10);
    if tenths % 10 != 0 {
        out.push('.');
        out.push(char::from(b'0' + (tenths % 10) as u8));
    }
}

/// `M x,y` / `L x,y` / ` x,y`: a command letter and a point.
pub fn push_point(out: &mut String, command: &str, (x, y): (f64, f64)) {
    out.push_str(command);
    push_num(out, x);
    out.push(',');
    push_num(out, y);
}

pub fn arc_path(out: &mut String, start: f64, end: f64) {
    let mut span = end - start;
    if span <= 0.0 {
        span += 1.0;
    }
    let radius = format!("A{RING_R},{RING_R} 0 ");
    if span >= 0.9999 {
        // A full circle is two half arcs (an arc from a point to itself draws nothing).
        push_point(out, "M", point_at(0.0, RING_R));
        out.push_str(&radius);
        push_point(out, "0 1 ", point_at(0.5, RING_R));
        out.push_str(&radius);
        push_point(out, "0 1 ", point_at(0.0, RING_R));
        return;
    }
    push_point(out, "M", point_at(start, RING_R));
    out.push_str(&radius);
    let large = if span > 0.5 { "1 1 " } else { "0 1 " };
    push_point(out, large, point_at(start + span, RING_R));
}

pub fn ring_paths(ring: &HashRing, hash: HashChoice) -> RingPaths {
    let points: Vec<(f64, u16)> = ring
        .points()
        .map(|p| (ring_fraction(p.position, hash), p.node.0 as u16))
        .collect();
    let slot_count = points
        .iter()
        .map(|p| usize::from(p.1) + 1)
        .max()
        .unwrap_or(0);
    // Reserve roughly what each node's paths will hold: no reallocation while writing.
    let per_node = (points.len().min(ARC_BINS as usize * 2) / slot_count.max(1) + 4) * 40;
    let mut arcs: Vec<String> = (0..slot_count)
        .map(|_| String::with_capacity(per_node))
        .collect();
    let mut ticks: Vec<String> = (0..slot_count)
        .map(|_| String::with_capacity(per_node))
        .collect();
    // Arcs: (start, end, owner), each ending at its owner's point.
    let mut segments: Vec<(f64, f64, u16)> = Vec::new();
    let n = points.len();
    if n <= EXACT_POINTS {
        for i in 0..n {
            let start = points[(i + n - 1) % n].0;
            segments.push((start, points[i].0, points[i].1));
        }
        if n == 1 {
            segments[0] = (points[0].0, points[0].0 + 1.0, points[0].1);
        }
    } else {
        // Far more points than pixels: colour each bin by the owner of its middle.
        let space = match hash {
            HashChoice::Xxh3 => 18_446_744_073_709_551_616.0,
            HashChoice::Ketama => 4_294_967_296.0,
        };
        for b in 0..ARC_BINS {
            let mid = ((f64::from(b) + 0.5) / f64::from(ARC_BINS) * space) as u64;
            let owner = ring.owner(mid).map_or(0, |i| i.0 as u16);
            let start = f64::from(b) / f64::from(ARC_BINS);
            segments.push((start, start + 1.0 / f64::from(ARC_BINS), owner));
        }
    }
    // Merge neighbours with the same owner.
    let mut merged: Vec<(f64, f64, u16)> = Vec::with_capacity(segments.len());
    for (start, end, owner) in segments {
        match merged.last_mut() {
            Some(last) if last.2 == owner && (last.1 - start).abs() < 1e-12 => last.1 = end,
            _ => merged.push((start, end, owner)),
        }
    }
    for (start, end, owner) in merged {
        if let Some(path) = arcs.get_mut(usize::from(owner)) {
            arc_path(path, start, end);
        }
    }
    // Ticks: every point, or the first point of each bin.
    let mut last_bin = u32::MAX;
    for &(frac, owner) in &points {
        if n > EXACT_POINTS * 2 {
            let bin = (frac * f64::from(ARC_BINS)) as u32;
            if bin == last_bin {
                continue;
            }
            last_bin = bin;
        }
        if let Some(path) = ticks.get_mut(usize::from(owner)) {
            push_point(path, "M", point_at(frac, TICK_IN));
            push_point(path, "L", point_at(frac, TICK_OUT));
        }
    }
    RingPaths {
        slots: arcs
            .into_iter()
            .zip(ticks)
            .enumerate()
            .filter(|(_, (a, t))| !a.is_empty() || !t.is_empty())
            .map(|(slot, (a, t))| (slot as u16, a, t))
            .collect(),
    }
}

pub fn arc_path_at(out: &mut String, start: f64, end: f64, radius: f64) {
    use std::fmt::Write;
    let span = (end - start).clamp(0.0, 0.9999);
    let (x0, y0) = point_at(start, radius);
    let (x1, y1) = point_at(start + span, radius);
    let large = u8::from(span > 0.5);
    let _ = write!(
        out,
        "M{x0:.1},{y0:.1}A{radius},{radius} 0 {large} 1 {x1:.1},{y1:.1}"
    );
}

/// The path from a point inside the rim (Maglev's table entry, at `from`) to a chip at
/// `to`: straight up to the walk's circle, round it the shorter way to the chip's angle,
/// and out to the chip. It stays outside the middle of the figure, where the words are.
pub fn table_link_path(from: (f64, f64), to: (f64, f64)) -> String {
    let dx = (from.0 - CENTRE).clamp(-WALK_R, WALK_R);
    let rim = (from.0, CENTRE - (WALK_R * WALK_R - dx * dx).sqrt());
    let turn = |(x, y): (f64, f64)| ((y - CENTRE).atan2(x - CENTRE) / TAU + 0.25).rem_euclid(1.0);
    let (start, end) = (turn(rim), turn(to));
    let span = (end - start).rem_euclid(1.0);
    let clockwise = span <= 0.5;
    let arrive = point_at(end, WALK_R);
    let mut d = String::new();
    push_point(&mut d, "M", from);
    push_point(&mut d, "L", rim);
    d.push_str(&format!("A{WALK_R},{WALK_R} 0 0 {} ", u8::from(clockwise)));
    push_point(&mut d, "", arrive);
    push_point(&mut d, "L", to);
    d
}

/// The least arc between two lookup-walk markers, in drawing units: two markers' width and
/// a little room.
pub const STOP_GAP: f64 = 22.0;

/// Which stops of a lookup's walk get a marker, given each stop's clockwise distance from
/// the key in turns (in walk order): the owner's always, then each stop at least
/// [`STOP_GAP`] along the walk's circle past the last one marked. With many virtual nodes
/// the replicas' points lie close together and their markers would pile up; an unmarked
/// stop is still reached by the walk's arc and its dotted line to its server, whose chip
/// carries its rank.
pub fn thin_stops(spans: &[f64]) -> Vec<bool> {
    let gap = STOP_GAP / (TAU * WALK_R);
    let mut last: Option<f64> = None;
    spans
        .iter()
        .map(|&span| {
            let keep = last.is_none_or(|l| span - l >= gap);
            if keep {
                last = Some(span);
            }
            keep
        })
        .collect()
}
