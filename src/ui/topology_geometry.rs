//! The generic stage's geometry (`ui/topology.rs` draws it; its frames and where nodes sit
//! in them, and its rectangles, are in `topology_frame`),
//! where a message's dot is on its way, and where its label goes so that no label covers
//! another label, a node (its name, its state, its marks) or another message's dot.
//! Pure functions, built natively and tested in `tests/topology_geometry.rs`.
pub use super::topology_frame::*;
use crate::sim::Time;

/// The CSS class of a state label, e.g. `IN DOUBT` -> `state-in-doubt`.
pub fn state_class(label: &str) -> String {
    let slug: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("state-{slug}")
}

/// The width to squeeze a line of text into (SVG `textLength`) so that it stays inside a
/// node's circle of radius `node_r`, its baseline `baseline` units below the centre (above
/// when negative); `None` when it fits as it is. Long names ("coordinator") and long state
/// names (a translation with its English term) would otherwise spill over the circle.
pub fn squeeze_in_circle(text: &str, font: f64, node_r: f64, baseline: f64) -> Option<f64> {
    // The text's box runs from about 0.75 em above its baseline to the baseline; the
    // chord of the circle is narrowest at the edge of the box farthest from the centre.
    let top = baseline - 0.75 * font;
    let far = if top.abs() > baseline.abs() {
        top
    } else {
        baseline
    }
    .abs();
    let room = 2.0 * (node_r * node_r - far * far).max(0.0).sqrt() - 6.0;
    (text_width(text, font) > room).then_some(room.max(font))
}

/// Width of a mark's pill, from its text (CJK characters are about twice as wide).
pub fn mark_width(text: &str) -> f64 {
    let units: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 1.9 })
        .sum();
    units * 7.0 + 14.0
}

/// Where the centre of a node's `i`th mark pill sits below the node's centre.
pub fn mark_offset(i: usize, node_r: f64) -> f64 {
    node_r + 14.0 + i as f64 * 19.0
}
/// A mark pill's height.
pub const MARK_HEIGHT: f64 = 17.0;

/// How far right of its node a pill of `width` under the node at `node_x` stands (negative:
/// left): none, unless centring it would cut it at the frame's side (a side node's long
/// mark, such as 2PC's "log: PREPARED t1" on a phone).
pub fn mark_shift(node_x: f64, width: f64, frame: &Frame) -> f64 {
    const MARGIN: f64 = 2.0;
    let (left, right) = (frame.min_x + MARGIN, frame.min_x + frame.width - MARGIN);
    let half = width / 2.0;
    if half * 2.0 >= right - left {
        return (left + right) / 2.0 - node_x;
    }
    if node_x - half < left {
        left - (node_x - half)
    } else if node_x + half > right {
        right - (node_x + half)
    } else {
        0.0
    }
}

/// How far along its edge a message is at `now` (0 at sending, 1 at arrival).
pub fn progress(sent: Time, arrives: Time, now: Time) -> f64 {
    if arrives <= sent {
        return 1.0;
    }
    ((now.0.saturating_sub(sent.0)) as f64 / (arrives.0 - sent.0) as f64).clamp(0.0, 1.0)
}

/// Where a message between two node centres starts and ends: just outside each node's
/// halo, so that a dot never covers a node (a click on a node always reaches the node).
pub fn message_ends(from: (f64, f64), to: (f64, f64), node_r: f64) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    let inset = node_r + DOT_R + 2.0;
    if length <= 2.0 * inset {
        let mid = (from.0 + dx / 2.0, from.1 + dy / 2.0);
        return (mid, mid);
    }
    let (ux, uy) = (dx / length * inset, dy / length * inset);
    ((from.0 + ux, from.1 + uy), (to.0 - ux, to.1 - uy))
}

/// A message's way between two nodes: a quadratic curve from `start` to `end` through
/// `control` (a straight line when `control` is half way), which bows away from any other
/// node the straight line would pass over. On the embed's flat ellipse a message between
/// the two neighbours of the top node would otherwise run under that node's name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MessagePath {
    pub start: (f64, f64),
    pub control: (f64, f64),
    pub end: (f64, f64),
}

impl MessagePath {
    /// The point at fraction `t` of the way.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let u = 1.0 - t;
        let (a, b, c) = (u * u, 2.0 * u * t, t * t);
        (
            a * self.start.0 + b * self.control.0 + c * self.end.0,
            a * self.start.1 + b * self.control.1 + c * self.end.1,
        )
    }

    /// Whether the way bows (and its link should be drawn as the same curve).
    pub fn bows(&self) -> bool {
        let mid = (
            (self.start.0 + self.end.0) / 2.0,
            (self.start.1 + self.end.1) / 2.0,
        );
        (self.control.0 - mid.0).abs() + (self.control.1 - mid.1).abs() > 0.5
    }
}

/// The way of a message from the node at `from` to the node at `to`, passing clear of the
/// other nodes at `centres` (nodes of radius `node_r`).
pub fn message_path(
    from: (f64, f64),
    to: (f64, f64),
    centres: &[(f64, f64)],
    node_r: f64,
) -> MessagePath {
    let (start, end) = message_ends(from, to, node_r);
    let (dx, dy) = (end.0 - start.0, end.1 - start.1);
    let length = (dx * dx + dy * dy).sqrt();
    let mid = (start.0 + dx / 2.0, start.1 + dy / 2.0);
    let straight = MessagePath {
        start,
        control: mid,
        end,
    };
    if length < 1.0 {
        return straight;
    }
    let clearance = node_r + DOT_R + 4.0;
    // The bow (signed, along the left-hand normal) each node near the line asks for: at
    // fraction s of the way a curve with its control point h off the middle is 2s(1-s)h off
    // the line.
    let normal = (-dy / length, dx / length);
    let mut bow: f64 = 0.0;
    for &c in centres {
        if distance(c, from) < 1.0 || distance(c, to) < 1.0 {
            continue;
        }
        let s = (((c.0 - start.0) * dx + (c.1 - start.1) * dy) / (length * length)).clamp(0.0, 1.0);
        let side = (c.0 - start.0) * normal.0 + (c.1 - start.1) * normal.1;
        let near = (start.0 + dx * s, start.1 + dy * s);
        let gap = distance(c, near);
        if gap >= clearance || s <= 0.02 || s >= 0.98 {
            continue;
        }
        let needed = (clearance - gap) / (2.0 * s * (1.0 - s));
        // Away from the node: to the side it is not on.
        let signed = if side >= 0.0 { -needed } else { needed };
        if signed.abs() > bow.abs() {
            bow = signed;
        }
    }
    let bow = bow.clamp(-0.8 * length, 0.8 * length);
    MessagePath {
        control: (mid.0 + normal.0 * bow, mid.1 + normal.1 * bow),
        ..straight
    }
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// About how wide a bold label of `text` is at `font` units: capitals and digits are wide,
/// small letters narrower, CJK characters a full em. It errs on the wide side.
pub fn text_width(text: &str, font: f64) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            'A'..='Z' | '0'..='9' | 'm' | 'w' => 0.72,
            ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'l' | '(' | ')' => 0.36,
            'a'..='z' => 0.58,
            c if c.is_ascii() => 0.6,
            _ => 1.05,
        })
        .sum();
    ems * font
}

/// What a node takes of the picture: its circle with its halo, the word "paused" above it,
/// its mark pills below it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeGlyph {
    pub centre: (f64, f64),
    /// The widths of its mark pills, top to bottom (see [`mark_width`]).
    pub marks: Vec<f64>,
    pub paused: bool,
}

impl NodeGlyph {
    /// The rectangles this node covers in `frame` (they may overlap each other).
    pub fn rects(&self, frame: &Frame) -> Vec<Rect> {
        let (x, y) = self.centre;
        let r = frame.node_r + HALO;
        // The circle, as a cross of two rectangles that covers it (a label may sit in a
        // corner of its bounding square).
        let narrow = 2.0 * 0.72 * r;
        let mut rects = vec![
            Rect::centred(x, y, 2.0 * r, narrow),
            Rect::centred(x, y, narrow, 2.0 * r),
        ];
        if self.paused {
            let base = y - frame.node_r - 6.0;
            rects.push(Rect {
                left: x - 3.0 * frame.pause_font,
                top: base - frame.pause_font,
                right: x + 3.0 * frame.pause_font,
                bottom: base + 2.0,
            });
        }
        rects.extend(self.marks.iter().enumerate().map(|(i, &width)| {
            Rect::centred(
                x + mark_shift(x, width, frame),
                y + mark_offset(i, frame.node_r) - 0.5,
                width,
                MARK_HEIGHT,
            )
        }));
        rects
    }
}

/// A message in flight, where its dot is now, and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageGlyph {
    pub dot: (f64, f64),
    pub label: String,
}

/// Where a message's label goes: its box, and whether it stands far enough from its dot to
/// need a thin line back to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelSpot {
    pub rect: Rect,
    /// False for a label that would stand far from its dot while a label with the same
    /// words is already written nearby (three `SET lock … NX PX` leaving a Redlock client
    /// together): the message keeps its dot and its tooltip, and the picture one label.
    pub shown: bool,
    /// The text's baseline, for a label set with `text-anchor: middle` at the rect's centre.
    pub baseline: f64,
    pub leader: bool,
}

/// How much worse each kind of overlap is than a step away from the dot: a label over
/// another label or over a node is unreadable; over a dot or out of the frame, untidy.
const COVERS_LABEL: f64 = 1000.0;
const COVERS_NODE: f64 = 1000.0;
const OUTSIDE: f64 = 1000.0;
const COVERS_DOT: f64 = 60.0;

/// Places every message's label near its dot, in the order given, where it covers the
/// least: other labels, nodes, their marks, dots, the frame's edge (`place_labels_among`).
pub fn place_labels(
    frame: &Frame,
    nodes: &[NodeGlyph],
    messages: &[MessageGlyph],
) -> Vec<LabelSpot> {
    let blocked: Vec<Rect> = nodes.iter().flat_map(|n| n.rects(frame)).collect();
    place_labels_among(&frame.bounds(), frame.label_font, &blocked, messages, None)
}

/// Every stage's label placement (at `font` in `bounds`, off `blocked`: nodes, their words,
/// a scene's drawings). Candidates go around the dot nearest first; the first that covers
/// nothing wins. With no `reach`, a label with no such spot goes where it covers least and
/// is left out only if it would stand far off while its words are already shown. With a
/// `reach` (a crowded stage), a label is shown only at a spot within `reach` that covers
/// nothing and if its words are not shown yet: its message keeps its dot and tooltip.
pub fn place_labels_among(
    bounds: &Rect,
    font: f64,
    blocked: &[Rect],
    messages: &[MessageGlyph],
    reach: Option<f64>,
) -> Vec<LabelSpot> {
    let dots: Vec<Rect> = messages
        .iter()
        .map(|m| Rect::centred(m.dot.0, m.dot.1, 2.0 * DOT_R, 2.0 * DOT_R))
        .collect();
    let height = font * 1.2;
    let mut placed: Vec<Rect> = Vec::with_capacity(messages.len());
    let mut spots: Vec<LabelSpot> = Vec::with_capacity(messages.len());
    for (index, m) in messages.iter().enumerate() {
        let width = text_width(&m.label, font) + 4.0;
        let said = messages[..index]
            .iter()
            .zip(&spots)
            .any(|(other, spot)| spot.shown && other.label == m.label);
        let mut best: Option<(f64, Rect, f64)> = None;
        // (The nearest candidate is less than a line's height from its dot.)
        let limit = reach.map_or(f64::INFINITY, |r| r.max(height));
        for (offset, distance) in candidate_offsets(width, height)
            .into_iter()
            .take_while(|c| c.1 <= limit)
        {
            let rect = Rect::centred(m.dot.0 + offset.0, m.dot.1 + offset.1, width, height);
            let mut cost = distance * 0.2;
            // Labels keep a unit apart, so that their halos don't touch.
            let padded = rect.grown(1.0);
            cost += placed.iter().map(|p| p.overlap(&padded)).sum::<f64>() * COVERS_LABEL;
            cost += blocked.iter().map(|n| n.overlap(&rect)).sum::<f64>() * COVERS_NODE;
            cost += rect.outside(bounds) * OUTSIDE;
            cost += dots
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != index)
                .map(|(_, d)| d.overlap(&rect))
                .sum::<f64>()
                * COVERS_DOT;
            if best.as_ref().is_none_or(|b| cost < b.0) {
                best = Some((cost, rect, distance));
            }
            // Candidates come nearest first: once one covers nothing, none after it can
            // cost less.
            if best.as_ref().is_some_and(|b| b.0 < distance * 0.2 + 1e-9) {
                break;
            }
        }
        let (cost, rect, distance) = best.expect("there are candidate spots");
        let clean = cost < distance * 0.2 + 1e-9;
        let shown = match reach {
            None => !(distance > height * 3.5 && said),
            Some(_) => clean && !said,
        };
        if shown {
            placed.push(rect);
        }
        spots.push(LabelSpot {
            shown,
            rect,
            baseline: rect.centre().1 + font * 0.35,
            leader: distance > height * 1.2,
        });
    }
    spots
}

/// Where a label's centre may go relative to its dot, with how far the label's nearest edge
/// is from the dot's edge, nearest first (and among equals: above, below, then the sides):
/// a grid around the dot, a quarter of the label's width across and half its height down,
/// out to four widths and eight heights.
fn candidate_offsets(width: f64, height: f64) -> Vec<((f64, f64), f64)> {
    let mut out = Vec::new();
    let (step_x, step_y) = (width / 4.0, height / 2.0);
    for row in -16..=16_i32 {
        for column in -16..=16_i32 {
            let (dx, dy) = (f64::from(column) * step_x, f64::from(row) * step_y);
            // The gap between the label's box and the dot's circle.
            let gx = (dx.abs() - width / 2.0).max(0.0);
            let gy = (dy.abs() - height / 2.0).max(0.0);
            let gap = (gx * gx + gy * gy).sqrt() - DOT_R;
            if gap < 1.5 {
                continue;
            }
            // Above before below before the sides, at the same distance.
            let preference =
                if column == 0 { 0.0 } else { 0.5 } + if dy > 0.0 { 0.25 } else { 0.0 };
            out.push(((dx, dy), gap + preference));
        }
    }
    crate::sim::sort::sort_by(&mut out, |a, b| a.1.total_cmp(&b.1));
    out
}
