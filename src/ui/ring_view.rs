//! The consistent-hashing scene's own view.
//!
//! - The ring (SVG): each server's arcs and virtual-node ticks in its colour, and a chip
//!   per server outside the ring. Arcs and ticks are built once per ring version (memoized
//!   on the ring's `Rc`), at pixel resolution when the ring has thousands of points.
//! - The keys: dots in a band inside the ring, at their hash's angle, in their owner's
//!   colour. Up to [`SVG_KEY_LIMIT`] keys are SVG circles (with a tooltip each); more are
//!   drawn on a `<canvas>` from Rust, only when the state or the animation frame changes.
//! - After a membership change the keys that move fly from the old owner's chip to the new
//!   owner's chip; after a lookup the clockwise walk to the key's replicas is traced.
//!
//! **Time.** An animation's progress is a function of the step and the playhead: while the
//! run plays, `(playhead - change time) / FLIGHT`; when the view arrives at a change with
//! the playhead on it (a person acted, stepped or rewound), a short wall-clock tween plays
//! it once and then rests on the settled picture. A later step always shows the change
//! settled. So every step shows the same picture however it was reached.
use super::app::Msg;
use super::browser;
use super::stage::StageProps;
use crate::algo::placement::hash_fn::node_hash;
use crate::algo::placement::{
    compare_algorithms, CompareSetup, Comparison, HashRing, NodeSpec, PlacementConfig,
};
use crate::algo::ring_cluster::{
    check_key, check_name, home_fraction, ring_fraction, Algorithm, Change, ChangeKind, Cmd,
    HashChoice, RingNode, FLIGHT, MAX_WEIGHT,
};
use crate::sim::{NodeId, Sim, Time};
use std::cell::{Cell, RefCell};
use std::f64::consts::{FRAC_PI_2, TAU};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The drawing's coordinate system (the SVG viewBox; the canvas matches it).
const VIEW: f64 = 640.0;
const CENTRE: f64 = VIEW / 2.0;
const RING_R: f64 = 198.0;
const TICK_IN: f64 = 206.0;
const TICK_OUT: f64 = 218.0;
const WALK_R: f64 = 226.0;
const CHIP_R: f64 = 250.0;
const LABEL_R: f64 = 266.0;
const BAND_OUTER: f64 = 184.0;
const BAND_WIDTH: f64 = 30.0;
/// Up to this many keys are SVG circles; more go on the canvas.
pub const SVG_KEY_LIMIT: u32 = 200;
/// Up to this many points, arcs and ticks are drawn exactly; beyond, per pixel-sized bin.
const EXACT_POINTS: usize = 1_500;
/// About one bin per pixel of the ring's circumference on a large screen.
const ARC_BINS: u32 = 960;
/// How long the wall-clock tween of a change or lookup lasts.
const TWEEN_MS: f64 = 900.0;
/// The comparison runs by itself up to this much work (keys x nodes); beyond, on request.
const AUTO_COMPARE_WORK: u64 = 2_000_000;
/// How long the node set must stay the same before the comparison runs: it blocks the
/// page for a moment, so after a change it waits until the animation is over.
const COMPARE_AFTER_MS: u32 = 1_500;
/// The wait when nothing is animating (a freshly opened run).
const COMPARE_SOON_MS: u32 = 300;

/// The cluster at the cursor, if the run is this scene's.
pub fn cluster_of(props: &StageProps) -> Option<RingNode> {
    let run = props.run.0.borrow();
    run.scene_state()
        .downcast_ref::<Sim<RingNode>>()
        .and_then(|sim| sim.node(NodeId(0)))
        .cloned()
}

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

fn prefers(query: &str) -> bool {
    browser::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

fn point_at(frac: f64, radius: f64) -> (f64, f64) {
    let angle = frac * TAU - FRAC_PI_2;
    (CENTRE + radius * angle.cos(), CENTRE + radius * angle.sin())
}

fn smooth(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Thousands separators: 12345 -> "12,345".
pub fn fmt_count(n: u64) -> String {
    let text = n.to_string();
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------
// The ring's arcs and ticks, built once per ring version

/// The ring as a memo key: equal when it is the same `Rc` (holding it keeps the address
/// from being reused by a later ring).
#[derive(Clone)]
struct RingVersion(Rc<HashRing>, HashChoice);

impl PartialEq for RingVersion {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

/// One SVG path of arcs and one of ticks per server slot.
struct RingPaths {
    slots: Vec<(u16, AttrValue, AttrValue)>,
}

/// Writes `v` with one decimal through integer formatting: paths hold thousands of
/// numbers, and float formatting is the slow part of building them.
fn push_num(out: &mut String, v: f64) {
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
fn push_point(out: &mut String, command: &str, (x, y): (f64, f64)) {
    out.push_str(command);
    push_num(out, x);
    out.push(',');
    push_num(out, y);
}

fn arc_path(out: &mut String, start: f64, end: f64) {
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

fn ring_paths(ring: &HashRing, hash: HashChoice) -> RingPaths {
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
            .map(|(slot, (a, t))| (slot as u16, AttrValue::from(a), AttrValue::from(t)))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Server chips around the ring

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChipKind {
    Live,
    Failed,
    /// Left in the last change: shown as a ghost, the source of its keys' flight.
    Gone,
}

#[derive(Clone, Debug, PartialEq)]
struct Chip {
    name: String,
    slot: Option<u16>,
    kind: ChipKind,
    frac: f64,
}

/// Places chips near their node's first point, pushed apart so labels do not collide.
fn layout_chips(mut chips: Vec<Chip>) -> Vec<Chip> {
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

fn chips_for(node: &RingNode) -> Vec<Chip> {
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
fn chip_positions(chips: &[Chip], change: Option<&Change>) -> Vec<Option<(f64, f64)>> {
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

// ---------------------------------------------------------------------------------------
// Keys

/// Key positions as a memo key (same `Rc` of hashes, same hash scheme).
#[derive(Clone)]
struct KeysVersion(Rc<Vec<u64>>, HashChoice);

impl PartialEq for KeysVersion {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

/// Each key's dot: at its hash's angle, at a radius jittered from the hash so that the
/// dots form a band instead of piling up on one circle.
fn key_positions(hashes: &[u64], hash: HashChoice) -> Vec<(f32, f32)> {
    hashes
        .iter()
        .map(|&h| {
            let jitter = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as f64 / 1024.0;
            let (x, y) = point_at(ring_fraction(h, hash), BAND_OUTER - BAND_WIDTH * jitter);
            (x as f32, y as f32)
        })
        .collect()
}

/// When a key's flight starts, as a fraction of the animation (staggered per key).
fn flight_delay(key: u32) -> f64 {
    (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as f64 / 1024.0 * 0.45
}

/// A moving key's own progress (0: still at its old owner, 1: landed).
fn flight_t(progress: f64, key: u32) -> f64 {
    ((progress - flight_delay(key)) / 0.55).clamp(0.0, 1.0)
}

/// A point along the curve from one chip to another, bending toward the centre.
fn flight_point(from: (f64, f64), to: (f64, f64), t: f64) -> (f64, f64) {
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
enum KeyMark {
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
struct KeyFrame {
    positions: Rc<Vec<(f32, f32)>>,
    owners: Rc<Vec<u16>>,
    change: Option<Rc<Change>>,
    /// Whether the change is the latest event (otherwise it is settled and not marked).
    change_current: bool,
    progress: f64,
    chips: Rc<Vec<Option<(f64, f64)>>>,
    colours: Rc<Vec<String>>,
    dark: bool,
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
    }
}

impl KeyFrame {
    fn in_flight(&self) -> bool {
        self.change_current && self.progress < 1.0 && self.change.is_some()
    }

    /// Calls `mark` for every key, in drawing order: resting keys first, then the moved
    /// keys (on top), flying or landed.
    fn for_each(&self, mut mark: impl FnMut(u32, KeyMark)) {
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
            if t <= 0.0 {
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
                let chip = |slot: u16| self.chips.get(usize::from(slot)).copied().flatten();
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

    fn colour(&self, slot: u16) -> &str {
        self.colours
            .get(usize::from(slot))
            .map_or("#888", String::as_str)
    }
}

fn clear_canvas(canvas: &HtmlCanvasElement) {
    if let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    {
        ctx.clear_rect(
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        );
    }
}

/// Draws the keys on the canvas: one filled path per colour, so that 100,000 keys cost a
/// few dozen fills.
fn draw_keys(canvas: &HtmlCanvasElement, frame: &KeyFrame) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    // The backing store matches the canvas's size on screen (times the pixel ratio): no
    // more pixels to clear and composite every frame than the screen shows.
    let ratio = browser::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let pixels = (f64::from(canvas.client_width()) * ratio)
        .round()
        .clamp(64.0, VIEW * 3.0);
    if f64::from(canvas.width()) != pixels {
        canvas.set_width(pixels as u32);
        canvas.set_height(pixels as u32);
    }
    let scale = pixels / VIEW;
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, pixels, pixels);
    let _ = ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
    let slots = frame.colours.len().max(1);
    // Per colour: resting dots, highlighted moved dots, flying dots.
    let mut rest: Vec<Vec<(f64, f64)>> = vec![Vec::new(); slots];
    let mut moved: Vec<Vec<(f64, f64)>> = vec![Vec::new(); slots];
    let mut flying: Vec<Vec<(f64, f64)>> = vec![Vec::new(); slots];
    frame.for_each(|_, mark| {
        let (bucket, x, y, slot) = match mark {
            KeyMark::Rest {
                x,
                y,
                slot,
                moved: false,
            } => (&mut rest, x, y, slot),
            KeyMark::Rest { x, y, slot, .. } => (&mut moved, x, y, slot),
            KeyMark::Flying { x, y, slot } => (&mut flying, x, y, slot),
        };
        let i = usize::from(slot).min(slots - 1);
        bucket[i].push((x, y));
    });
    let fill = |groups: &[Vec<(f64, f64)>], half: f64| {
        for (slot, dots) in groups.iter().enumerate() {
            if dots.is_empty() {
                continue;
            }
            ctx.set_fill_style_str(frame.colour(slot as u16));
            ctx.begin_path();
            for &(x, y) in dots {
                ctx.rect(x - half, y - half, half * 2.0, half * 2.0);
            }
            ctx.fill();
        }
    };
    fill(&rest, 1.1);
    // Moved keys: a faint contrasting rim, then a larger dot, so they stand out.
    ctx.set_global_alpha(0.4);
    ctx.set_fill_style_str(if frame.dark { "#f5f5f5" } else { "#1d1d1f" });
    ctx.begin_path();
    for &(x, y) in moved.iter().flatten() {
        ctx.rect(x - 2.2, y - 2.2, 4.4, 4.4);
    }
    ctx.fill();
    ctx.set_global_alpha(1.0);
    fill(&moved, 1.6);
    fill(&flying, 1.8);
}

// ---------------------------------------------------------------------------------------
// The wall-clock tween

type FrameLoop = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Plays 0 -> 1 over [`TWEEN_MS`] of wall-clock time whenever `key` changes to `Some`;
/// returns 1 when there is nothing to play.
#[hook]
fn use_tween(key: Option<(u64, u64)>) -> f64 {
    let state = use_state(|| (None::<(u64, u64)>, 1.0f64));
    {
        let state = state.clone();
        use_effect_with(key, move |key| {
            let stop = Rc::new(Cell::new(false));
            if let Some(k) = *key {
                if prefers("(prefers-reduced-motion: reduce)") {
                    state.set((Some(k), 1.0));
                } else {
                    let holder: FrameLoop = Rc::new(RefCell::new(None));
                    let inner = holder.clone();
                    let started = Rc::new(Cell::new(None::<f64>));
                    let stop = stop.clone();
                    *holder.borrow_mut() = Some(Closure::new(move |now: f64| {
                        if stop.get() {
                            inner.borrow_mut().take();
                            return;
                        }
                        let start = started.get().unwrap_or(now);
                        started.set(Some(start));
                        let progress = ((now - start) / TWEEN_MS).clamp(0.0, 1.0);
                        state.set((Some(k), progress));
                        if progress < 1.0 {
                            if let (Some(w), Some(cb)) =
                                (browser::window(), inner.borrow().as_ref())
                            {
                                let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                            }
                        } else {
                            inner.borrow_mut().take();
                        }
                    }));
                    let first = holder.borrow();
                    if let (Some(w), Some(cb)) = (browser::window(), first.as_ref()) {
                        let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                    }
                }
            }
            move || stop.set(true)
        });
    }
    match key {
        Some(k) if state.0 == Some(k) => state.1,
        Some(_) => 0.0,
        None => 1.0,
    }
}

/// Progress rounded to a thousandth, so that equal pictures compare equal.
fn quantize(progress: f64) -> f64 {
    (progress * 1000.0).round() / 1000.0
}

/// The side panel's histogram follows the run's playhead only (no wall-clock tween).
fn histogram_progress(node: &RingNode, playhead: Time) -> f64 {
    node.last_change().map_or(1.0, |c| {
        quantize(event_progress(
            c.handled_at == node.handled(),
            c.time,
            playhead,
            1.0,
        ))
    })
}

/// How far along an event's animation is (see the module documentation).
fn event_progress(current: bool, event_time: Time, playhead: Time, tween: f64) -> f64 {
    if !current {
        1.0
    } else if playhead > event_time {
        ((playhead.0 - event_time.0) as f64 / FLIGHT.0 as f64).min(1.0)
    } else {
        tween
    }
}

// ---------------------------------------------------------------------------------------
// The stage
//
// Split into child components whose props stay equal during an animation, so that an
// animation frame re-renders only what moves: the key canvas (and the lookup overlay
// while a lookup animates). The ring's thousands of path segments, the chips and the
// forms are left alone.

/// A cluster handed to a child component, equal when it is the same state (the same
/// `Rc`s and the same count of handled events).
#[derive(Clone)]
pub struct NodeHandle(pub RingNode);

fn same_rc<T>(a: Option<&Rc<T>>, b: Option<&Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl PartialEq for NodeHandle {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        Rc::ptr_eq(a.owners(), b.owners())
            && Rc::ptr_eq(a.ring_rc(), b.ring_rc())
            && Rc::ptr_eq(a.config_rc(), b.config_rc())
            && a.handled() == b.handled()
            && same_rc(a.last_change_rc(), b.last_change_rc())
            && same_rc(a.lookup_rc(), b.lookup_rc())
            && same_rc(a.rejection_rc(), b.rejection_rc())
            && a.failed() == b.failed()
    }
}

#[function_component(RingStage)]
pub fn ring_stage(props: &StageProps) -> Html {
    let node = cluster_of(props);
    let dark = prefers("(prefers-color-scheme: dark)");
    let picked = use_state(|| None::<String>);
    let on_pick = {
        let picked = picked.clone();
        use_callback((), move |name: Option<String>, _| picked.set(name))
    };

    // The latest event (change or lookup), when the latest handler call made it.
    let latest = node.as_ref().and_then(|n| {
        let change = n
            .last_change()
            .filter(|c| c.handled_at == n.handled())
            .map(|c| c.time);
        let lookup = n
            .lookup()
            .filter(|l| l.handled_at == n.handled())
            .map(|l| l.time);
        change.or(lookup)
    });
    let tween_key = latest
        .filter(|&t| props.playhead <= t)
        .and_then(|_| node.as_ref().map(|n| (props.cursor, n.handled())));
    let tween = use_tween(tween_key);

    let keys_version = node
        .as_ref()
        .map(|n| KeysVersion(n.key_hashes().clone(), n.config().hash));
    let positions = use_memo(keys_version, |v| {
        Rc::new(
            v.as_ref()
                .map(|KeysVersion(h, hash)| key_positions(h, *hash))
                .unwrap_or_default(),
        )
    });
    let handle = node.clone().map(NodeHandle);
    let chips = use_memo(handle.clone(), |h| {
        Rc::new(h.as_ref().map(|h| chips_for(&h.0)).unwrap_or_default())
    });
    let chip_points = use_memo((handle.clone(), chips.clone()), |(h, chips)| {
        Rc::new(chip_positions(
            chips,
            h.as_ref().and_then(|h| h.0.last_change()),
        ))
    });
    let colours = use_memo((handle.clone(), dark), |(h, dark)| {
        Rc::new(
            h.as_ref()
                .map(|h| slot_colours(&h.0, *dark))
                .unwrap_or_default(),
        )
    });

    let canvas_ref = use_node_ref();
    let canvas_frame = node.as_ref().and_then(|node| {
        let change_current = node
            .last_change()
            .is_some_and(|c| c.handled_at == node.handled());
        let progress = node.last_change().map_or(1.0, |c| {
            event_progress(change_current, c.time, props.playhead, tween)
        });
        (node.key_count() > SVG_KEY_LIMIT).then(|| KeyFrame {
            positions: (*positions).clone(),
            owners: node.owners().clone(),
            change: node.last_change_rc().cloned(),
            change_current,
            progress: quantize(progress),
            chips: (*chip_points).clone(),
            colours: (*colours).clone(),
            dark,
        })
    });
    {
        // The keys' canvas is redrawn from Rust only when its picture changes.
        let canvas_ref = canvas_ref.clone();
        use_effect_with(canvas_frame, move |frame| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                match frame {
                    Some(frame) => draw_keys(&canvas, frame),
                    None => clear_canvas(&canvas),
                }
            }
        });
    }

    let Some(node) = node else {
        return html! { <div class="ring-stage"><p>{ "This run is not a consistent-hashing run." }</p></div> };
    };
    let change_current = node
        .last_change()
        .is_some_and(|c| c.handled_at == node.handled());
    let change_progress = node.last_change().map_or(1.0, |c| {
        event_progress(change_current, c.time, props.playhead, tween)
    });
    let lookup_current = node
        .lookup()
        .is_some_and(|l| l.handled_at == node.handled());
    let lookup_progress = node.lookup().map_or(1.0, |l| {
        event_progress(lookup_current, l.time, props.playhead, tween)
    });
    let frame = KeyFrame {
        positions: (*positions).clone(),
        owners: node.owners().clone(),
        change: node.last_change_rc().cloned(),
        change_current,
        progress: quantize(change_progress),
        chips: (*chip_points).clone(),
        colours: (*colours).clone(),
        dark,
    };
    let on_canvas = node.key_count() > SVG_KEY_LIMIT;
    let handle = NodeHandle(node.clone());
    let ring = RingVersion(node.ring_rc().clone(), node.config().hash);
    let figure = html! {
        <div class="ring-figure">
            // Three layers, each its own compositor layer: the ring (thousands of path
            // segments, changed only by a membership change), the keys' canvas (redrawn
            // on animation frames) and the overlay (chips, lookup, text). Redrawing one
            // never repaints the others.
            <StaticRing ring={ring} uses_ring={node.config().algorithm.uses_ring()} dark={dark} />
            <canvas ref={canvas_ref} class="ring-keys" aria-hidden="true" />
            <Overlay node={handle.clone()} dark={dark} chips={(*chips).clone()}
                lookup_progress={quantize(lookup_progress)}
                change_current={change_current} lookup_current={lookup_current}
                svg_keys={(!on_canvas).then_some(frame)}
                picked={(*picked).clone()} on_pick={on_pick.clone()} />
        </div>
    };
    html! {
        <div class={classes!("ring-stage", props.compact.then_some("compact"))}>
            { figure }
            <RingControls node={handle} compact={props.compact} hist_progress={quantize(change_progress)}
                picked={(*picked).clone()} on_pick={on_pick} on_msg={props.on_msg.clone()} />
        </div>
    }
}

/// Each slot's colour (a departed node's slot keeps its colour for its keys' flight).
fn slot_colours(node: &RingNode, dark: bool) -> Vec<String> {
    let mut colours = vec![String::from("#888"); node.loads().len().max(1)];
    for (slot, spec) in node.live_nodes() {
        if let Some(c) = colours.get_mut(usize::from(slot)) {
            *c = node_colour(&spec.name, dark);
        }
    }
    if let Some(change) = node.last_change() {
        let slot = usize::from(change.slot);
        if colours.len() <= slot {
            colours.resize(slot + 1, "#888".into());
        }
        if node.node_name(change.slot).is_none() {
            colours[slot] = node_colour(&change.node, dark);
        }
    }
    colours
}

#[derive(Properties, PartialEq)]
struct StaticRingProps {
    ring: RingVersion,
    uses_ring: bool,
    dark: bool,
}

/// The ring's arcs and ticks: rebuilt only when the ring changes.
#[function_component(StaticRing)]
fn static_ring(p: &StaticRingProps) -> Html {
    let paths = use_memo(p.ring.clone(), |v| ring_paths(&v.0, v.1));
    let ring = &p.ring.0;
    let layer = if p.uses_ring {
        let slots = paths.slots.iter().map(|(slot, arcs, ticks)| {
            let name = ring
                .node(crate::algo::placement::NodeIndex(u32::from(*slot)))
                .map_or("", |n| n.name.as_str());
            let colour = node_colour(name, p.dark);
            html! {
                <g key={name.to_string()} class="ring-slot" data-node={name.to_string()}>
                    <path class="arc" d={arcs.clone()} stroke={colour.clone()} />
                    <path class="tick" d={ticks.clone()} stroke={colour} />
                </g>
            }
        });
        html! {
            <>
                <circle class="ring-base" cx={CENTRE.to_string()} cy={CENTRE.to_string()} r={RING_R.to_string()} />
                { for slots }
            </>
        }
    } else {
        html! { <circle class="no-ring" cx={CENTRE.to_string()} cy={CENTRE.to_string()} r={RING_R.to_string()} /> }
    };
    html! {
        <svg class="ring-svg ring-static" viewBox={format!("0 0 {VIEW} {VIEW}")} aria-hidden="true">
            { layer }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct OverlayProps {
    node: NodeHandle,
    dark: bool,
    chips: Rc<Vec<Chip>>,
    lookup_progress: f64,
    change_current: bool,
    lookup_current: bool,
    /// For few keys: the frame to draw them as SVG circles.
    svg_keys: Option<KeyFrame>,
    picked: Option<String>,
    on_pick: Callback<Option<String>>,
}

/// Chips, the lookup's walk, SVG keys (when few) and the text in the middle.
#[function_component(Overlay)]
fn overlay(p: &OverlayProps) -> Html {
    let node = &p.node.0;
    let config = node.config();
    let dark = p.dark;
    let uses_ring = config.algorithm.uses_ring();
    let chips = &p.chips;
    let radial = chips.len() > 16;
    let chip_views = chips.iter().map(|chip| {
        let (x, y) = point_at(chip.frac, CHIP_R);
        let (lx, ly) = point_at(chip.frac, LABEL_R);
        let angle = chip.frac * 360.0 - 90.0;
        let right = chip.frac < 0.5;
        let label_transform = match (radial, right) {
            (true, true) => format!("translate({lx:.1},{ly:.1}) rotate({angle:.1})"),
            (true, false) => format!("translate({lx:.1},{ly:.1}) rotate({:.1})", angle + 180.0),
            (false, _) => format!("translate({lx:.1},{ly:.1})"),
        };
        let near_axis = chip.frac < 0.06 || (chip.frac - 0.5).abs() < 0.06 || chip.frac > 0.94;
        let anchor = match (radial, right) {
            (false, _) if near_axis => "middle",
            (_, true) => "start",
            (_, false) => "end",
        };
        let dy = if !radial && chip.frac > 0.25 && chip.frac < 0.75 { "0.9em" } else { "0.32em" };
        let replica_rank = node
            .lookup()
            .and_then(|l| chip.slot.and_then(|s| l.replicas.iter().position(|r| *r == s)));
        let changed = p.change_current && node.last_change().is_some_and(|c| c.node == chip.name);
        let weight = chip
            .slot
            .and_then(|s| node.ring().node(crate::algo::placement::NodeIndex(u32::from(s))))
            .map_or(0, |n| n.weight);
        let kind = match chip.kind {
            ChipKind::Live => "live",
            ChipKind::Failed => "failed",
            ChipKind::Gone => "gone",
        };
        let onclick = {
            let on_pick = p.on_pick.clone();
            let name = chip.name.clone();
            Callback::from(move |_: MouseEvent| on_pick.emit(Some(name.clone())))
        };
        let title = match chip.kind {
            ChipKind::Live => format!(
                "{} (weight {weight}): {} keys. Click to choose it below.",
                chip.name,
                chip.slot.and_then(|s| node.loads().get(usize::from(s))).copied().unwrap_or(0)
            ),
            ChipKind::Failed => format!("{} failed. Click to choose it, then recover it.", chip.name),
            ChipKind::Gone => format!("{} left the ring.", chip.name),
        };
        let label = if weight > 1 { format!("{} ×{weight}", chip.name) } else { chip.name.clone() };
        let (cx, cy) = (format!("{x:.1}"), format!("{y:.1}"));
        html! {
            <g key={chip.name.clone()} class={classes!("chip", kind,
                    changed.then_some("changed"), replica_rank.is_some().then_some("replica"),
                    (p.picked.as_deref() == Some(chip.name.as_str())).then_some("picked"))}
               data-node={chip.name.clone()} onclick={onclick}>
                <title>{ title }</title>
                <circle class="chip-halo" cx={cx.clone()} cy={cy.clone()} r="13" />
                <circle class="chip-dot" cx={cx.clone()} cy={cy.clone()} r="8" fill={node_colour(&chip.name, dark)} />
                if chip.kind != ChipKind::Live {
                    <path class="chip-x" d={format!("M{:.1},{:.1}l8,8m0,-8l-8,8", x - 4.0, y - 4.0)} />
                }
                if let Some(rank) = replica_rank {
                    <text class="chip-rank" x={cx} y={cy} dy="0.35em">{ rank + 1 }</text>
                }
                <text class="chip-label" transform={label_transform} text-anchor={anchor} dy={dy}>{ label }</text>
            </g>
        }
    });

    let chip_at = |slot: u16| {
        chips
            .iter()
            .find(|c| c.slot == Some(slot))
            .map(|c| point_at(c.frac, CHIP_R))
    };
    let lookup_layer = node
        .lookup()
        .map(|lookup| lookup_view(lookup, config.hash, uses_ring, p.lookup_progress, chip_at));

    // Few keys: SVG circles with a tooltip each (the canvas takes over beyond).
    let svg_keys = p.svg_keys.as_ref().map(|frame| {
        let mut circles = Vec::new();
        frame.for_each(|key, mark| {
            let (x, y, slot, class, r) = match mark {
                KeyMark::Rest { x, y, slot, moved } => (
                    x,
                    y,
                    slot,
                    if moved { "key moved" } else { "key" },
                    if moved { "3.2" } else { "2.6" },
                ),
                KeyMark::Flying { x, y, slot } => (x, y, slot, "key flying", "3.4"),
            };
            let owner = node.node_name(slot).unwrap_or("?");
            circles.push(html! {
                <circle key={key} class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={r}
                    fill={frame.colour(slot).to_string()}>
                    <title>{ format!("{} → {owner}", node.key_name(key)) }</title>
                </circle>
            });
        });
        html! { <g class="svg-keys">{ for circles }</g> }
    });
    let aria = format!(
        "A ring of {} nodes with {} points and {} keys",
        node.ring().node_count(),
        node.ring().point_count(),
        node.key_count()
    );
    html! {
        <svg class="ring-svg ring-overlay" viewBox={format!("0 0 {VIEW} {VIEW}")} role="img" aria-label={aria}>
            { for svg_keys }
            { for lookup_layer }
            <g class="chips">{ for chip_views }</g>
            { centre_text(node, p.lookup_current) }
        </svg>
    }
}

/// The lookup: the key's mark, the clockwise walk to each replica, lines to their chips.
fn lookup_view(
    lookup: &crate::algo::ring_cluster::Lookup,
    hash: HashChoice,
    uses_ring: bool,
    progress: f64,
    chip_at: impl Fn(u16) -> Option<(f64, f64)>,
) -> Html {
    let key_frac = ring_fraction(lookup.hash, hash);
    let (kx, ky) = point_at(key_frac, RING_R);
    let (kx2, ky2) = point_at(key_frac, BAND_OUTER - BAND_WIDTH - 6.0);
    let p = smooth(progress);
    let mut walk_html = Vec::new();
    if uses_ring && !lookup.walk.is_empty() {
        // Clockwise distance from the key to each replica's point, in turns.
        let spans: Vec<f64> = lookup
            .walk
            .iter()
            .map(|&pos| (ring_fraction(pos, hash) - key_frac).rem_euclid(1.0))
            .collect();
        let total = spans.iter().copied().fold(0.0, f64::max);
        let mut d = String::new();
        arc_path_at(&mut d, key_frac, key_frac + total.max(1e-6), WALK_R);
        let length = (total * TAU * WALK_R).max(0.1);
        walk_html.push(html! {
            <path class="walk" d={d} stroke-dasharray={format!("{length:.1} {length:.1}")}
                  stroke-dashoffset={format!("{:.1}", length * (1.0 - p))} />
        });
        for (rank, (&span, &slot)) in spans.iter().zip(&lookup.replicas).enumerate() {
            let reached = total <= 0.0 || span / total <= p + 1e-9;
            let (tx, ty) = point_at(key_frac + span, WALK_R);
            let (cx, cy) = chip_at(slot).unwrap_or((tx, ty));
            let (tx, ty) = (format!("{tx:.1}"), format!("{ty:.1}"));
            walk_html.push(html! {
                <g class={classes!("walk-stop", reached.then_some("reached"), (rank == 0).then_some("primary"))}>
                    <line x1={tx.clone()} y1={ty.clone()} x2={format!("{cx:.1}")} y2={format!("{cy:.1}")} />
                    <circle cx={tx.clone()} cy={ty.clone()} r="6" />
                    <text x={tx} y={ty} dy="0.35em">{ rank + 1 }</text>
                </g>
            });
        }
    } else if let Some((cx, cy)) = lookup.replicas.first().and_then(|&o| chip_at(o)) {
        let (ex, ey) = (kx + (cx - kx) * p, ky + (cy - ky) * p);
        walk_html.push(html! {
            <line class="walk straight" x1={format!("{kx:.1}")} y1={format!("{ky:.1}")} x2={format!("{ex:.1}")} y2={format!("{ey:.1}")} />
        });
    }
    html! {
        <g class="lookup-layer">
            { for walk_html }
            <line class="key-needle" x1={format!("{kx2:.1}")} y1={format!("{ky2:.1}")} x2={format!("{kx:.1}")} y2={format!("{ky:.1}")} />
            <circle class="key-mark" cx={format!("{kx:.1}")} cy={format!("{ky:.1}")} r="6" />
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct ControlsProps {
    node: NodeHandle,
    compact: bool,
    /// The histogram's animation progress (see [`Histogram`]).
    hist_progress: f64,
    picked: Option<String>,
    on_pick: Callback<Option<String>>,
    on_msg: Callback<Msg>,
}

/// The counter, the forms (look up a key, add a node, change a node) and the algorithm.
#[function_component(RingControls)]
fn ring_controls(p: &ControlsProps) -> Html {
    let node = &p.node.0;
    let config = node.config();
    let key_input = use_node_ref();
    let join_name = use_node_ref();
    let join_weight = use_node_ref();
    let key_error = use_state(|| None::<String>);
    let join_error = use_state(|| None::<String>);
    let act = {
        let on_msg = p.on_msg.clone();
        move |cmd: Cmd| on_msg.emit(Msg::Act(format!("cmd:0:{cmd}")))
    };
    let on_lookup = {
        let key_input = key_input.clone();
        let key_error = key_error.clone();
        let act = act.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let key = key_input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match check_key(&key) {
                Ok(()) => {
                    key_error.set(None);
                    act(Cmd::Lookup { key });
                }
                Err(e) => key_error.set(Some(capitalise(&e))),
            }
        })
    };
    let suggested = node.suggested_name();
    let live_names: Vec<String> = node.live_nodes().map(|(_, n)| n.name.clone()).collect();
    let failed_names: Vec<String> = node.failed().iter().map(|n| n.name.clone()).collect();
    let on_join = {
        let join_name = join_name.clone();
        let join_weight = join_weight.clone();
        let join_error = join_error.clone();
        let act = act.clone();
        let live = live_names.clone();
        let failed = failed_names.clone();
        let suggested = suggested.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // An empty field takes the suggested name shown as its placeholder.
            let typed = join_name
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            let name = if typed.is_empty() {
                suggested.clone()
            } else {
                typed
            };
            let weight = join_weight
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u32>().ok())
                .unwrap_or(1);
            let problem = check_name(&name).err().or_else(|| {
                if live.contains(&name) {
                    Some(format!(
                        "there is already a node named \"{name}\": names must be unique"
                    ))
                } else if failed.contains(&name) {
                    Some(format!(
                        "\"{name}\" failed earlier: choose it below and recover it"
                    ))
                } else {
                    None
                }
            });
            match problem {
                Some(p) => join_error.set(Some(capitalise(&p))),
                None => {
                    join_error.set(None);
                    if let Some(input) = join_name.cast::<HtmlInputElement>() {
                        input.set_value("");
                    }
                    act(Cmd::Join { name, weight });
                }
            }
        })
    };
    let chosen = p
        .picked
        .clone()
        .filter(|n| live_names.contains(n) || failed_names.contains(n));
    let on_pick = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            on_pick.emit((!value.is_empty()).then_some(value));
        })
    };
    let chosen_live = chosen.as_ref().filter(|n| live_names.contains(n)).cloned();
    let chosen_failed = chosen
        .as_ref()
        .filter(|n| failed_names.contains(n))
        .cloned();
    let chosen_weight = chosen_live
        .as_ref()
        .and_then(|n| node.ring().index_of(n))
        .and_then(|i| node.ring().node(i))
        .map_or(1, |n| n.weight);
    let button = |id: &'static str, label: &str, cmd: Option<Cmd>| {
        let act = act.clone();
        let disabled = cmd.is_none();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(cmd) = cmd.clone() {
                act(cmd);
            }
        });
        html! { <button type="button" id={id} {disabled} {onclick}>{ label }</button> }
    };
    let on_weight = {
        let act = act.clone();
        let name = chosen_live.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let (Some(name), Ok(weight)) = (name.clone(), select.value().parse::<u32>()) {
                act(Cmd::Weight { name, weight });
            }
        })
    };
    let on_algorithm = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_msg.emit(Msg::Param("algo".into(), select.value()));
        })
    };
    let weights = |selected: u32| {
        (1..=MAX_WEIGHT)
            .map(|w| html! { <option value={w.to_string()} selected={w == selected}>{ format!("weight {w}") }</option> })
            .collect::<Html>()
    };
    let example_key = if node.key_count() > 0 {
        node.key_name(node.key_count() / 3)
    } else {
        "user:42".into()
    };
    let rejection = node
        .rejection()
        .filter(|r| r.handled_at == node.handled())
        .map(|r| {
            html! {
                <p class="ring-rejection" id="ring-rejection" role="alert">
                    { format!("\"{}\" was refused: {}.", r.command, r.reason) }
                </p>
            }
        });
    let lookup_form = html! {
        <form class="ring-form" id="lookup-form" onsubmit={on_lookup}>
            <label for="lookup-key">{ "Find a key's owner" }</label>
            <div class="row">
                <input id="lookup-key" ref={key_input} type="text" autocomplete="off" spellcheck="false"
                    placeholder={format!("e.g. {example_key} or user:42")}
                    aria-invalid={key_error.is_some().then_some("true")}
                    aria-describedby="lookup-error" />
                <button id="lookup-go" type="submit" class="primary">{ "Look up" }</button>
            </div>
            <p class="field-error" id="lookup-error" role="alert">{ (*key_error).clone().unwrap_or_default() }</p>
        </form>
    };
    if p.compact {
        return html! {
            <div class="ring-side">
                { readout(node) }
                { for rejection }
                { lookup_form }
                <Histogram node={p.node.clone()} progress={p.hist_progress} compact=true />
            </div>
        };
    }
    html! {
        <div class="ring-side">
            { readout(node) }
            { for rejection }
            { lookup_form }
            // The suggested name is a placeholder, not a value: a value would be written
            // back on every re-render, over what the person is typing.
            <form class="ring-form" id="join-form" onsubmit={on_join}>
                <label for="join-name">{ "Add a node" }</label>
                <div class="row">
                    <input id="join-name" ref={join_name} type="text" autocomplete="off" spellcheck="false"
                        placeholder={suggested} aria-describedby="join-error"
                        aria-invalid={join_error.is_some().then_some("true")} />
                    <select id="join-weight" ref={join_weight} aria-label="Weight of the new node">{ weights(1) }</select>
                    <button id="join-go" type="submit">{ "Add" }</button>
                </div>
                <p class="field-error" id="join-error" role="alert">{ (*join_error).clone().unwrap_or_default() }</p>
            </form>
            <div class="ring-form" id="node-form">
                <label for="node-pick">{ "Change a node" }</label>
                <div class="row">
                    <select id="node-pick" onchange={on_pick} aria-label="The node to change">
                        <option value="" selected={chosen.is_none()}>{ "choose a node (or click one)" }</option>
                        { for live_names.iter().map(|n| html! { <option value={n.clone()} selected={chosen.as_ref() == Some(n)}>{ n }</option> }) }
                        { for failed_names.iter().map(|n| html! { <option value={n.clone()} selected={chosen.as_ref() == Some(n)}>{ format!("{n} (failed)") }</option> }) }
                    </select>
                    if chosen_failed.is_some() {
                        { button("node-recover", "Recover", chosen_failed.clone().map(|name| Cmd::Recover { name })) }
                    } else {
                        { button("node-leave", "Remove", chosen_live.clone().map(|name| Cmd::Leave { name })) }
                        { button("node-fail", "Fail", chosen_live.clone().map(|name| Cmd::Fail { name })) }
                        <select id="node-weight" aria-label="Weight of the chosen node" disabled={chosen_live.is_none()} onchange={on_weight}>
                            { weights(chosen_weight) }
                        </select>
                    }
                </div>
            </div>
            <label class="algo-pick">
                <span>{ "Algorithm" }</span>
                <select id="ring-algo" onchange={on_algorithm} aria-label="Placement algorithm (starts a new run)">
                    { for Algorithm::ALL.iter().map(|a| html! {
                        <option value={a.slug()} selected={*a == config.algorithm}>{ a.label() }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

fn arc_path_at(out: &mut String, start: f64, end: f64, radius: f64) {
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

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

fn change_title(change: &Change) -> String {
    match change.kind {
        ChangeKind::Join => format!("{} joined", change.node),
        ChangeKind::Leave => format!("{} left", change.node),
        ChangeKind::Fail => format!("{} failed", change.node),
        ChangeKind::Recover => format!("{} recovered", change.node),
        ChangeKind::Weight { from, to } => format!("{}: weight {from} → {to}", change.node),
    }
}

/// The text in the middle of the ring: the latest lookup, else the latest change, else a
/// summary.
fn centre_text(node: &RingNode, lookup_current: bool) -> Html {
    let line = |y: f64, class: &'static str, text: String| {
        html! { <text class={classes!("centre-line", class)} x={CENTRE.to_string()} y={(CENTRE + y).to_string()}>{ text }</text> }
    };
    let lookup_newer = match (node.lookup(), node.last_change()) {
        (Some(l), Some(c)) => l.handled_at > c.handled_at,
        (Some(_), None) => true,
        _ => false,
    };
    let mut lines = Vec::new();
    if let (true, Some(l)) = (lookup_newer || lookup_current, node.lookup()) {
        let owner = l
            .replicas
            .first()
            .and_then(|s| node.node_name(*s))
            .unwrap_or("?");
        let key: String = l.key.chars().take(22).collect();
        lines.push(line(-44.0, "small", "key".into()));
        lines.push(line(-20.0, "key", key));
        lines.push(line(4.0, "small", format!("hash {:016x}", l.hash)));
        lines.push(line(34.0, "big", format!("→ {owner}")));
        if l.replicas.len() > 1 {
            let rest: Vec<&str> = l.replicas[1..]
                .iter()
                .filter_map(|s| node.node_name(*s))
                .collect();
            lines.push(line(
                58.0,
                "small",
                format!("replicas: {}", rest.join(", ")),
            ));
        }
    } else if let Some(c) = node.last_change() {
        lines.push(line(-40.0, "small", change_title(c)));
        lines.push(line(0.0, "big", fmt_count(c.moves.len() as u64)));
        lines.push(line(
            24.0,
            "small",
            format!("of {} keys moved", fmt_count(node.key_count().into())),
        ));
        lines.push(line(
            46.0,
            "small",
            format!("ideal ≈ {}", fmt_count(c.ideal_moves.round() as u64)),
        ));
    } else {
        lines.push(line(-18.0, "big", fmt_count(node.key_count().into())));
        lines.push(line(6.0, "small", "keys".into()));
        lines.push(line(
            30.0,
            "small",
            format!(
                "{} nodes · {} points",
                node.ring().node_count(),
                fmt_count(node.ring().point_count() as u64)
            ),
        ));
    }
    html! { <g class="centre" aria-hidden="true">{ for lines }</g> }
}

/// "keys moved: X of K" beside the ideal K/N and what hash mod N would have moved.
fn readout(node: &RingNode) -> Html {
    let keys = u64::from(node.key_count());
    let algorithm = node.config().algorithm;
    let Some(change) = node.last_change() else {
        return html! {
            <div class="ring-readout" id="ring-readout">
                <p class="moved" id="moved-count" data-moved="0" data-keys={keys.to_string()}>
                    { format!("{} keys on {} nodes ({}). No membership change yet: add, remove or fail a node.",
                        fmt_count(keys), node.ring().node_count(), algorithm.label()) }
                </p>
            </div>
        };
    };
    let moved = change.moves.len() as u64;
    let ideal = change.ideal_moves.round() as u64;
    let bar = |id: &'static str, label: String, value: u64, class: &'static str| {
        let width = if keys == 0 {
            0.0
        } else {
            value as f64 / keys as f64 * 100.0
        };
        html! {
            <div class={classes!("bar-row", class)} id={id}>
                <span class="bar-label">{ label }</span>
                <span class="bar-track"><span class="bar-fill" style={format!("width:{width:.1}%")}></span></span>
                <span class="bar-value">{ fmt_count(value) }</span>
            </div>
        }
    };
    let this = if algorithm == Algorithm::Ring {
        "the ring".to_string()
    } else {
        algorithm.label().to_string()
    };
    let failure_note = (change.kind == ChangeKind::Fail).then(|| {
        let r = node.config().replicas;
        let text = if r <= 1 {
            "With R = 1 these keys had no other copy: their data is lost until it is restored."
                .to_string()
        } else {
            format!(
                "Each still has {} other cop{} on the next nodes clockwise, which take over.",
                r - 1,
                if r == 2 { "y" } else { "ies" }
            )
        };
        html! { <p class="failure-note">{ text }</p> }
    });
    html! {
        <div class="ring-readout" id="ring-readout">
            <p class="change-title">{ change_title(change) }</p>
            <p class="moved" id="moved-count" data-moved={moved.to_string()} data-keys={keys.to_string()}
               data-modulo={change.modulo_moves.to_string()} data-ideal={ideal.to_string()}>
                { "keys moved: " }<strong>{ fmt_count(moved) }</strong>{ format!(" of {}", fmt_count(keys)) }
            </p>
            <div class="bars">
                { bar("bar-this", this, moved, "this") }
                { bar("bar-ideal", "ideal K/N".into(), ideal, "ideal") }
                if algorithm != Algorithm::Ring {
                    { bar("bar-ring", "the ring".into(), change.ring_moves, "ring") }
                }
                if algorithm != Algorithm::Modulo {
                    { bar("bar-modulo", "hash mod N".into(), change.modulo_moves, "modulo") }
                }
            </div>
            { for failure_note }
        </div>
    }
}

// ---------------------------------------------------------------------------------------
// The side panel: histogram and comparison

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    pub node: NodeHandle,
    /// How far the last change's animation is (0 to 1): bars grow from the loads before
    /// it to the loads after. A number rather than the playhead, so that the histogram
    /// is left alone on the frames where nothing in it moves.
    pub progress: f64,
    #[prop_or(false)]
    pub compact: bool,
}

/// Keys per node as bars (animated between the loads before and after a change while the
/// run plays), with the mean, the bounded-load cap, the standard deviation and peak/mean.
#[function_component(Histogram)]
pub fn histogram(p: &HistogramProps) -> Html {
    let node = &p.node.0;
    let dark = prefers("(prefers-color-scheme: dark)");
    let rows = node.node_rows();
    let summary = node.load_summary();
    let progress = p.progress;
    let before = |slot: u16| {
        node.last_change()
            .and_then(|c| c.loads_before.get(usize::from(slot)).copied())
            .unwrap_or(0)
    };
    let (width, height) = (320.0, if p.compact { 90.0 } else { 150.0 });
    let top = rows
        .iter()
        .map(|r| f64::from(r.keys).max(r.cap.unwrap_or(0) as f64))
        .fold(1.0, f64::max)
        * 1.08;
    let n = rows.len().max(1) as f64;
    let slot_w = width / n;
    let bar_w = (slot_w * 0.78).max(1.0);
    let y_of = |v: f64| height - v / top * height;
    let eased = smooth(progress);
    let bars = rows.iter().enumerate().map(|(i, r)| {
        let value = f64::from(before(r.slot)) + (f64::from(r.keys) - f64::from(before(r.slot))) * eased;
        let x = i as f64 * slot_w + (slot_w - bar_w) / 2.0;
        let y = y_of(value);
        let over = r.keys as f64 > r.fair * 1.2;
        html! {
            <g key={r.name.clone()} class={classes!("hbar", over.then_some("over"))} data-node={r.name.clone()} data-keys={r.keys.to_string()}>
                <title>{ format!("{}: {} keys (fair share {:.0})", r.name, r.keys, r.fair) }</title>
                <rect x={format!("{x:.2}")} y={format!("{y:.2}")} width={format!("{bar_w:.2}")}
                      height={format!("{:.2}", (height - y).max(0.0))} fill={node_colour(&r.name, dark)} />
                <line class="fair" x1={format!("{x:.2}")} x2={format!("{:.2}", x + bar_w)}
                      y1={format!("{:.2}", y_of(r.fair))} y2={format!("{:.2}", y_of(r.fair))} />
                if let Some(cap) = r.cap {
                    <line class="cap" x1={format!("{:.2}", x - 1.0)} x2={format!("{:.2}", x + bar_w + 1.0)}
                          y1={format!("{:.2}", y_of(cap as f64))} y2={format!("{:.2}", y_of(cap as f64))} />
                }
            </g>
        }
    });
    let mean_y = y_of(summary.mean);
    let labels = (rows.len() <= 12 && !p.compact).then(|| {
        html! {
            <div class="hist-labels" style={format!("grid-template-columns: repeat({}, 1fr)", rows.len())}>
                { for rows.iter().map(|r| html! { <span title={r.name.clone()}>{ r.name.strip_prefix("node-").unwrap_or(&r.name) }</span> }) }
            </div>
        }
    });
    html! {
        <div class={classes!("histogram", p.compact.then_some("compact"))}>
            <svg viewBox={format!("0 0 {width} {height}")} preserveAspectRatio="none" class="hist-svg" role="img"
                 aria-label={format!("Keys per node: std dev {:.1}, peak/mean {:.2}", summary.std_dev, summary.peak_to_mean)}>
                { for bars }
                <line class="mean" x1="0" x2={width.to_string()} y1={format!("{mean_y:.2}")} y2={format!("{mean_y:.2}")} />
            </svg>
            { for labels }
            <p class="hist-stats" id="load-stats">
                <span>{ format!("mean {:.0}", summary.mean) }</span>
                <span id="load-std">{ format!("std dev {:.1} ({:.1}%)", summary.std_dev,
                    if summary.mean > 0.0 { summary.std_dev / summary.mean * 100.0 } else { 0.0 }) }</span>
                <span id="load-peak">{ format!("peak/mean {:.2}", summary.peak_to_mean) }</span>
            </p>
        </div>
    }
}

/// What the comparison is cached by: the node set, the key count and the knobs.
#[derive(Clone, Debug, PartialEq)]
struct CompareKey {
    nodes: Vec<(String, u32)>,
    keys: u32,
    vnodes: u32,
    capacity_percent: u32,
}

type CompareResult = Rc<(Result<Comparison, String>, f64)>;

thread_local! {
    /// The last few comparisons (they take up to a second; never recomputed per frame).
    static COMPARISONS: RefCell<Vec<(CompareKey, CompareResult)>> = const { RefCell::new(Vec::new()) };
}

fn cached(key: &CompareKey) -> Option<CompareResult> {
    COMPARISONS.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r.clone())
    })
}

fn compare_key(node: &RingNode) -> CompareKey {
    CompareKey {
        nodes: node
            .live_nodes()
            .map(|(_, n)| (n.name.clone(), n.weight))
            .collect(),
        keys: node.key_count(),
        vnodes: node.config().vnodes,
        capacity_percent: node.config().capacity_percent,
    }
}

/// Runs the comparison (with the browser's clock for lookup times) and caches it.
fn run_comparison(key: &CompareKey, joining: String) -> CompareResult {
    let nodes: Vec<NodeSpec> = key
        .nodes
        .iter()
        .map(|(n, w)| NodeSpec::new(n.clone(), *w))
        .collect();
    let leaving = nodes
        .get(nodes.len() / 2)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let setup = CompareSetup {
        nodes,
        key_count: key.keys,
        joining: NodeSpec::new(joining, 1),
        leaving,
        config: PlacementConfig {
            vnodes_per_weight: key.vnodes.max(1),
            capacity_factor: f64::from(key.capacity_percent) / 100.0,
            ..PlacementConfig::default()
        },
    };
    let started = browser::now_ms();
    let mut clock = || browser::now_ms() * 1e6;
    let result = compare_algorithms(&setup, Some(&mut clock)).map_err(|e| e.to_string());
    let took = browser::now_ms() - started;
    let entry: CompareResult = Rc::new((result, took));
    COMPARISONS.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(k, _)| k != key);
        c.push((key.clone(), entry.clone()));
        if c.len() > 8 {
            c.remove(0);
        }
    });
    entry
}

/// The side panel: the histogram and the comparison of algorithms.
#[function_component(RingPanel)]
pub fn ring_panel(props: &StageProps) -> Html {
    let node = cluster_of(props);
    let refresh = use_force_update();
    let requested = use_state(|| None::<CompareKey>);
    let key = node.as_ref().map(compare_key);
    let result = key.as_ref().and_then(cached);
    let work = key
        .as_ref()
        .map_or(0, |k| u64::from(k.keys) * (k.nodes.len() as u64 + 1));
    let wanted = key.as_ref().is_some_and(|k| {
        result.is_none() && (work <= AUTO_COMPARE_WORK || requested.as_ref() == Some(k))
    });
    {
        let refresh = refresh.clone();
        let joining = node
            .as_ref()
            .map(RingNode::suggested_name)
            .unwrap_or_default();
        let delay = if node.as_ref().and_then(RingNode::last_change).is_some() {
            COMPARE_AFTER_MS
        } else {
            COMPARE_SOON_MS
        };
        use_effect_with((key.clone(), wanted), move |(key, wanted)| {
            // Waits for the node set to settle (churn changes it often), then computes once.
            let timer = match (key.clone(), *wanted) {
                (Some(key), true) => Some(gloo_timers::callback::Timeout::new(delay, move || {
                    run_comparison(&key, joining);
                    refresh.force_update();
                })),
                _ => None,
            };
            move || drop(timer)
        });
    }
    let Some(node) = node else { return html! {} };
    let on_request = {
        let requested = requested.clone();
        let key = key.clone();
        Callback::from(move |_: MouseEvent| requested.set(key.clone()))
    };
    let table = match &result {
        Some(entry) => html! {
            <CompareTable result={entry.clone()} algorithm={node.config().algorithm} hash={node.config().hash} />
        },
        None if wanted => html! {
            <p class="muted" id="compare-status">{ format!("Comparing 7 algorithms on {} keys…", fmt_count(node.key_count().into())) }</p>
        },
        None => html! {
            <p class="muted" id="compare-status">
                { format!("{} keys × {} nodes: the comparison takes a moment. ", fmt_count(node.key_count().into()), node.ring().node_count()) }
                <button id="compare-run" onclick={on_request}>{ "Run the comparison" }</button>
            </p>
        },
    };
    html! {
        <section class="ring-panel" aria-label="Load and comparison">
            <h2>{ "Keys per node" }</h2>
            <Histogram node={NodeHandle(node.clone())} progress={histogram_progress(&node, props.playhead)} />
            <h2 class="compare-head">{ "Algorithms compared" }</h2>
            <p class="muted small">{ format!(
                "Same {} nodes and {} keys: one node joins ({}), the middle one leaves.",
                node.ring().node_count(), fmt_count(node.key_count().into()), node.suggested_name()) }</p>
            { table }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CompareTableProps {
    result: CompareResult,
    algorithm: Algorithm,
    hash: HashChoice,
}

/// The comparison as a table (its own component: it is re-rendered only when the result
/// or the scene's algorithm changes, not on every frame of a playing run).
#[function_component(CompareTable)]
fn compare_table(p: &CompareTableProps) -> Html {
    let (c, took_ms) = match &p.result.0 {
        Ok(c) => (c, p.result.1),
        Err(e) => {
            return html! { <p class="field-error">{ format!("The comparison could not run: {e}.") }</p> }
        }
    };
    let current = p.algorithm;
    let hash = p.hash;
    let report_algo = |name: &str| match name {
        "ring" => Some(Algorithm::Ring),
        "bounded-load" => Some(Algorithm::BoundedLoad),
        "modulo" => Some(Algorithm::Modulo),
        "jump" => Some(Algorithm::Jump),
        "rendezvous" => Some(Algorithm::Rendezvous),
        "maglev" => Some(Algorithm::Maglev),
        _ => None,
    };
    let bytes = |b: usize| {
        if b >= 1 << 20 {
            format!("{:.1} MB", b as f64 / f64::from(1 << 20))
        } else if b >= 1 << 10 {
            format!("{:.0} KB", b as f64 / 1024.0)
        } else {
            format!("{b} B")
        }
    };
    // Browsers coarsen their clock (0.1 ms ticks without cross-origin isolation), so with
    // few keys one tick is many nanoseconds per key: say so rather than print 0.
    let tick_ns = 100_000.0 / c.key_count.max(1) as f64;
    let ns_text = |ns: f64| {
        if ns < tick_ns / 2.0 {
            format!("<{tick_ns:.0}")
        } else {
            format!("{ns:.0}")
        }
    };
    let rows = c.reports.iter().map(|r| {
        let mine = report_algo(r.name) == Some(current)
            && !(r.name == "ring" && hash == HashChoice::Ketama)
            || (r.name == "ketama" && hash == HashChoice::Ketama && current == Algorithm::Ring);
        html! {
            <tr class={classes!(mine.then_some("current"))} data-algo={r.name}>
                <th scope="row" title={r.lookup_complexity}>{ r.name }</th>
                <td>{ fmt_count(r.moved_on_join) }</td>
                <td>{ r.moved_on_leave.map_or_else(|| "–".into(), fmt_count) }</td>
                <td>{ format!("{:.2}", r.peak_to_mean) }</td>
                <td>{ bytes(r.memory_bytes) }</td>
                <td title={r.lookup_complexity}>{ r.lookup_ns.map_or_else(|| "–".into(), ns_text) }</td>
            </tr>
        }
    });
    html! {
        <div class="compare-wrap">
            <table class="compare" id="compare-table">
                <thead><tr>
                    <th scope="col">{ "algorithm" }</th>
                    <th scope="col" title="keys moved when a node joins">{ "join" }</th>
                    <th scope="col" title="keys moved when the middle node leaves">{ "leave" }</th>
                    <th scope="col" title="busiest node over its fair share">{ "peak/mean" }</th>
                    <th scope="col">{ "memory" }</th>
                    <th scope="col" title="nanoseconds per lookup in this browser">{ "ns/key" }</th>
                </tr></thead>
                <tbody>
                    <tr class="ideal">
                        <th scope="row">{ "ideal" }</th>
                        <td>{ fmt_count(c.ideal_moves_on_join.round() as u64) }</td>
                        <td>{ c.ideal_moves_on_leave.map_or_else(|| "–".into(), |v| fmt_count(v.round() as u64)) }</td>
                        <td>{ "1.00" }</td><td></td><td></td>
                    </tr>
                    { for rows }
                </tbody>
            </table>
            <p class="muted small">
                { format!("Measured in this browser in {took_ms:.0} ms; cached for this node set.") }
                if tick_ns > 5.0 {
                    { format!(" The browser's clock ticks every 0.1 ms, about {tick_ns:.0} ns per key here: more keys give finer ns/key.") }
                }
            </p>
        </div>
    }
}
