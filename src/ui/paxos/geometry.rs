//! Pure geometry of the Paxos stage (native, tested): where nodes sit, where a message in
//! flight is drawn, where its label goes without covering another label or a node, the
//! ballot timeline's bars, and the colour of a value.
use crate::algo::paxos::views::TimelineEntry;
use crate::algo::paxos::{ghost::BallotOutcome, Value};
use crate::sim::Time;

/// The tallest the drawing gets (see [`NetFrame::height`]).
pub const NET_H: f64 = 290.0;
pub const NODE_R: f64 = 22.0;
/// A message dot's radius.
pub const DOT_R: f64 = 9.0;
/// Width of one character of 11-unit text (a slight overestimate).
pub const CHAR_W: f64 = 6.6;
pub const LABEL_H: f64 = 14.0;

/// The network drawing's frame (SVG user units): its width and the ellipse its nodes sit
/// on. Labels are 11 units, so they read at 11 CSS px wherever the drawing is shown at
/// 1:1 or larger.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetFrame {
    pub width: f64,
    /// The ellipse's half-width, centre height and half-height.
    rx: f64,
    cy: f64,
    ry: f64,
}

impl NetFrame {
    /// The page's drawing: the stage never shrinks it below 1:1.
    pub const FULL: NetFrame = NetFrame {
        width: 440.0,
        rx: 170.0,
        cy: 128.0,
        ry: 98.0,
    };
    /// A narrow embed's (a 420×460 iframe, where the drawing fills the room between the
    /// badges and the controls): the same ellipse with less margin beside it (the lines of
    /// text under a side node move in to stay whole), so that the drawing is shown at 1:1
    /// or larger at 420 px and its labels keep 11 px. Not a smaller ellipse: the way from
    /// a side node down to a bottom one must keep room for a prepare and its promise to
    /// pass each other below the side node's text.
    pub const NARROW: NetFrame = NetFrame {
        width: 400.0,
        rx: 170.0,
        cy: 128.0,
        ry: 98.0,
    };

    /// Where node `i` of `n` sits: on the ellipse, the first at the top, clockwise.
    pub fn node_position(&self, i: u32, n: u32) -> (f64, f64) {
        let (dx, dy) = outward(i, n);
        (self.width / 2.0 + self.rx * dx, self.cy + self.ry * dy)
    }

    /// The drawing's height for `n` nodes: down to the last line of text under the lowest
    /// node.
    pub fn height(&self, n: u32) -> f64 {
        let lowest = (0..n)
            .map(|i| self.node_position(i, n).1)
            .fold(0.0, f64::max);
        (lowest + NODE_R + 34.0).clamp(200.0, NET_H)
    }
}

/// The unit vector from the centre towards node `i` (labels go on this side).
pub fn outward(i: u32, n: u32) -> (f64, f64) {
    let angle =
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(i) / f64::from(n.max(1));
    (angle.cos(), angle.sin())
}

/// How far along its way a message is at `now` (0 at sending, 1 at arrival).
pub fn progress(sent: Time, arrives: Time, now: Time) -> f64 {
    if arrives <= sent {
        return 1.0;
    }
    (now.0.saturating_sub(sent.0) as f64 / (arrives.0 - sent.0) as f64).clamp(0.0, 1.0)
}

/// How far below a node's centre its text lines reach (two lines of 13 units under the
/// circle), and half their width (up to 15 characters: "2 of 3 promises"): a message
/// keeps clear of them as of the node itself.
const LINES_BELOW: f64 = NODE_R + 13.0 * 2.0 + 4.0;
const LINES_HALF_W: f64 = 52.0;

/// Where a message from node `from` to node `to` (of `n`) is drawn at progress `t`. It
/// travels between the two nodes, never over a node's circle nor over the lines of text
/// under it (a top node's lines lie across its messages' way down); a message a node sends
/// itself circles beside it, level with its centre.
pub fn flight_position(frame: &NetFrame, from: u32, to: u32, n: u32, t: f64) -> (f64, f64) {
    let (x1, y1) = frame.node_position(from, n);
    if from == to {
        let (ox, _) = outward(from, n);
        let reach = NODE_R + DOT_R + 12.0;
        // Towards the middle of the picture; the top and bottom nodes to their right.
        let side = if ox > 0.01 { -1.0 } else { 1.0 };
        let (cx, cy) = (x1 + side * reach, y1);
        let angle = std::f64::consts::PI * (1.0 - side) / 2.0 + std::f64::consts::TAU * t;
        return (cx + 10.0 * angle.cos(), cy + 10.0 * angle.sin());
    }
    let (x2, y2) = frame.node_position(to, n);
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let rim = ((NODE_R + DOT_R + 2.0) / len).min(0.5);
    // Leave the sender's lines behind and stop short of the receiver's; where the two
    // nodes are too close for both, the dot still never enters a circle.
    let start = clear_of_node(dx, dy, rim).min(1.0 - rim);
    let end = clear_of_node(-dx, -dy, rim).min(1.0 - start);
    let s = start + (1.0 - start - end).max(0.0) * t;
    (x1 + dx * s, y1 + dy * s)
}

/// Where each message of `flights` (sender, receiver, progress) is drawn so that no dot
/// covers another's letters: a prepare and its promise crossing on one line ("1a" over
/// "1b"), or several accepts side by side near a receiver. Each dot in turn keeps its place
/// when it is clear of the dots placed before it; otherwise it slides along its own way
/// (its progress a little later or earlier, nearest first) to the first place clear of
/// them. When its way has none (two messages crossing on a short line), one dot it meets
/// slides along its own way to make room, if that makes room for both; else it stays. A
/// dot is never moved off its line, so it still says who sends it to whom.
pub fn spread_flights(frame: &NetFrame, flights: &[(u32, u32, f64)], n: u32) -> Vec<(f64, f64)> {
    let clear = |a: (f64, f64), b: (f64, f64)| {
        (a.0 - b.0).abs() >= 2.0 * DOT_R + 1.0 || (a.1 - b.1).abs() >= 2.0 * DOT_R + 1.0
    };
    // Clear of every placed dot but `skip`.
    let free = |spot: (f64, f64), placed: &[(f64, f64)], skip: Option<usize>| {
        placed
            .iter()
            .enumerate()
            .all(|(j, &p)| Some(j) == skip || clear(p, spot))
    };
    let mut placed: Vec<(f64, f64)> = Vec::with_capacity(flights.len());
    for (i, &flight) in flights.iter().enumerate() {
        let own = way_spots(frame, flight, n);
        if let Some(&spot) = own.iter().find(|&&s| free(s, &placed, None)) {
            placed.push(spot);
            continue;
        }
        let here = own[0];
        let room = (0..i).filter(|&j| !clear(placed[j], here)).find_map(|j| {
            way_spots(frame, flights[j], n).into_iter().find_map(|sj| {
                if !free(sj, &placed, Some(j)) {
                    return None;
                }
                let si = own
                    .iter()
                    .copied()
                    .find(|&s| clear(s, sj) && free(s, &placed, Some(j)))?;
                Some((j, sj, si))
            })
        });
        match room {
            Some((j, sj, si)) => {
                placed[j] = sj;
                placed.push(si);
            }
            None => placed.push(here),
        }
    }
    placed
}

/// The places along a message's way, its own first, then a little later or earlier, nearest
/// first (steps of 6 % of the way, within the way).
fn way_spots(frame: &NetFrame, (from, to, t): (u32, u32, f64), n: u32) -> Vec<(f64, f64)> {
    const STEP: f64 = 0.06;
    const TRIES: u32 = 16;
    let shifts = (1..=TRIES).flat_map(|k| [f64::from(k) * STEP, -f64::from(k) * STEP]);
    std::iter::once(0.0)
        .chain(shifts)
        .filter(|d| (0.0..=1.0).contains(&(t + d)) || *d == 0.0)
        .map(|d| flight_position(frame, from, to, n, (t + d).clamp(0.0, 1.0)))
        .collect()
}

/// The fraction of the way along `(dx, dy)` from a node's centre at which a dot is clear of
/// the node: past its circle (`rim`) and, on the way down, past the text lines under it.
fn clear_of_node(dx: f64, dy: f64, rim: f64) -> f64 {
    if dy <= 0.0 {
        return rim;
    }
    let below = (LINES_BELOW + DOT_R) / dy;
    let beside = if dx == 0.0 {
        f64::INFINITY
    } else {
        (LINES_HALF_W + DOT_R) / dx.abs()
    };
    rim.max(below.min(beside))
}

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn around(cx: f64, cy: f64, r: f64) -> Rect {
        Rect {
            x: cx - r,
            y: cy - r,
            w: 2.0 * r,
            h: 2.0 * r,
        }
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn inside(&self, w: f64, h: f64) -> bool {
        self.x >= 0.0 && self.y >= 0.0 && self.x + self.w <= w && self.y + self.h <= h
    }
}

/// About how wide a line of 11-unit text is: [`CHAR_W`] a Latin letter or digit, a whole
/// 11 units a Chinese character.
pub fn line_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { CHAR_W } else { 11.0 })
        .sum()
}

/// Where a line of text centred under a node at `x` is centred: under the node, moved in
/// just enough to stay inside the drawing (a long line under a node at the side would be
/// cut at the drawing's edge).
pub fn line_centre(width: f64, x: f64, text: &str) -> f64 {
    let half = line_width(text) / 2.0 + 2.0;
    if 2.0 * half >= width {
        return width / 2.0;
    }
    x.clamp(half, width - half)
}

/// The box of a text of `chars` characters whose left end sits at (x, baseline y).
pub fn text_box(x: f64, y: f64, chars: usize) -> Rect {
    Rect {
        x,
        y: y - LABEL_H + 3.0,
        w: chars as f64 * CHAR_W,
        h: LABEL_H,
    }
}

/// A message dot to label: its centre, its label's length and the label's group (dots
/// whose labels say the same thing share a group, and a group is labelled once).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub chars: usize,
    pub group: usize,
}

/// Places each dot's label to the right of, left of, above or below its dot, whichever
/// first touches no obstacle, no other dot and no label already placed, unless its group
/// already has a label; `None` when every place is taken (the tooltip still has it). The
/// result is the label's left end and baseline.
pub fn place_labels(dots: &[Dot], obstacles: &[Rect], size: (f64, f64)) -> Vec<Option<(f64, f64)>> {
    place_labels_around(dots, &[], obstacles, size)
}

/// The radius of the dashed ring around a message held back by hand.
pub const HELD_RING_R: f64 = DOT_R + 4.0;

/// [`place_labels`], where dot `i` takes a circle of radius `radii[i]` (a held message's
/// ring, [`HELD_RING_R`]) rather than [`DOT_R`], so that no label is written over a ring.
pub fn place_labels_around(
    dots: &[Dot],
    radii: &[f64],
    obstacles: &[Rect],
    (width, height): (f64, f64),
) -> Vec<Option<(f64, f64)>> {
    let radius = |i: usize| radii.get(i).copied().unwrap_or(DOT_R).max(DOT_R);
    let dot_boxes: Vec<Rect> = dots
        .iter()
        .enumerate()
        .map(|(i, d)| Rect::around(d.x, d.y, radius(i)))
        .collect();
    let mut placed: Vec<Rect> = Vec::new();
    let mut groups_done = crate::sim::sorted::SortedSet::new();
    dots.iter()
        .enumerate()
        .map(|(i, &Dot { x, y, chars, group })| {
            if chars == 0 || groups_done.contains(&group) {
                return None;
            }
            let w = chars as f64 * CHAR_W;
            let r = radius(i);
            let options = [
                (x + r + 3.0, y + 4.0),
                (x - r - 3.0 - w, y + 4.0),
                (x - w / 2.0, y - r - 4.0),
                (x - w / 2.0, y + r + LABEL_H),
            ];
            let spot = options.into_iter().find(|&(lx, ly)| {
                let b = text_box(lx, ly, chars);
                b.inside(width, height)
                    && !obstacles.iter().any(|o| o.overlaps(&b))
                    && !dot_boxes.iter().any(|o| o.overlaps(&b))
                    && !placed.iter().any(|o| o.overlaps(&b))
            });
            if let Some((lx, ly)) = spot {
                placed.push(text_box(lx, ly, chars));
                groups_done.insert(group);
            }
            spot
        })
        .collect()
}

/// A value's colour, one of eight (`None`: a no-op, drawn grey). Colour words get their
/// own colour, so that "red" is never drawn blue.
pub fn value_colour(value: &Value) -> Option<u8> {
    const NAMED: [&str; 8] = [
        "red", "green", "blue", "orange", "purple", "teal", "pink", "brown",
    ];
    let text = match value {
        Value::Noop => return None,
        Value::Plain(w) => w.to_string(),
        other => other.to_string(),
    };
    if let Some(i) = NAMED.iter().position(|n| *n == text) {
        return Some(i as u8);
    }
    let hash = text
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    Some((hash % 8) as u8)
}

/// A value written short for a log cell: `x=1`, `get x`, `no-op`, `red`.
pub fn short_value(value: &Value) -> String {
    match value {
        Value::Put { key, val, .. } => format!("{key}={val}"),
        other => other.to_string(),
    }
}

/// How a ballot bar is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    Running,
    Chosen,
    Preempted,
    TimedOut,
    /// Stepped down, replaced, superseded or crashed.
    Ended,
}

/// A ballot on the timeline strip.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub lane: usize,
    pub x: f64,
    pub w: f64,
    pub kind: BarKind,
    /// Where phase 1 ended, if it did.
    pub phase1_x: Option<f64>,
    pub entry: TimelineEntry,
}

/// Lays out the ballots on a strip `width` wide, lanes in `lanes` order (proposers), time
/// from the first ballot's start to `now`.
pub fn timeline_bars(entries: &[TimelineEntry], lanes: &[u32], now: Time, width: f64) -> Vec<Bar> {
    let start = entries.first().map_or(Time::ZERO, |e| e.record.started);
    let span = now.0.saturating_sub(start.0).max(100_000) as f64;
    let x_of = |t: Time| (t.0.saturating_sub(start.0) as f64 / span * width).clamp(0.0, width);
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let lane = lanes.iter().position(|p| *p == e.proposer.0)?;
            let next_start = entries[i + 1..]
                .iter()
                .find(|o| o.proposer == e.proposer)
                .map(|o| o.record.started);
            let (kind, end) = match e.record.outcome {
                BallotOutcome::Running => (BarKind::Running, now),
                BallotOutcome::Chosen { at } => (BarKind::Chosen, at),
                BallotOutcome::Preempted { at, .. } => (BarKind::Preempted, at),
                BallotOutcome::TimedOut { at } => (BarKind::TimedOut, at),
                BallotOutcome::SteppedDown { at }
                | BallotOutcome::Replaced { at }
                | BallotOutcome::Superseded { at } => (BarKind::Ended, at),
                // When it crashed is not recorded: the bar ends where the proposer's next
                // ballot starts or, failing that, where its ballot was last heard of.
                BallotOutcome::Crashed => (
                    BarKind::Ended,
                    next_start.unwrap_or(e.record.phase1_done.unwrap_or(e.record.started)),
                ),
            };
            let x = x_of(e.record.started);
            Some(Bar {
                lane,
                x,
                w: (x_of(end) - x).max(3.0),
                kind,
                phase1_x: e.record.phase1_done.map(x_of),
                entry: *e,
            })
        })
        .collect()
}
