//! Where the Raft stage draws things: servers around a circle, clients in the middle,
//! messages between node edges, the shrinking timer arc, term colours, the log grid, and the
//! election-time chart. Pure, so it is tested natively.
use crate::sim::Time;
use std::f64::consts::{FRAC_PI_2, TAU};

/// The stage's SVG coordinate space. Every label is at least 13 units tall, which stays
/// above 11 CSS pixels down to a 0.85 scale (a 720×460 embed).
pub const VIEW_W: f64 = 760.0;
pub const VIEW_H: f64 = 360.0;
pub const RING_CX: f64 = 240.0;
pub const RING_CY: f64 = 180.0;
pub const RING_R: f64 = 112.0;
pub const NODE_R: f64 = 24.0;
pub const TIMER_R: f64 = 29.0;
/// Clients sit in the middle, as boxes this size.
pub const CLIENT_W: f64 = 40.0;
pub const CLIENT_H: f64 = 24.0;

/// The log grid, right of the ring.
pub const GRID_X: f64 = 484.0;
pub const GRID_NAME_W: f64 = 36.0;
pub const CELL_W: f64 = 24.0;
pub const CELL_H: f64 = 19.0;
pub const ROW_H: f64 = 28.0;
pub const GRID_TOP: f64 = 34.0;

pub type Point = (f64, f64);

fn angle_of(i: u32, n: u32) -> f64 {
    -FRAC_PI_2 + TAU * f64::from(i) / f64::from(n.max(1))
}

/// Server `i` of `n`: evenly around the circle, the first at the top.
pub fn server_position(i: u32, n: u32) -> Point {
    let a = angle_of(i, n);
    (RING_CX + RING_R * a.cos(), RING_CY + RING_R * a.sin())
}

/// The unit vector from the ring's centre to server `i` of `n`.
pub fn outward(i: u32, n: u32) -> Point {
    let a = angle_of(i, n);
    (a.cos(), a.sin())
}

/// Client `j` of `count`: side by side in the middle of the ring.
pub fn client_position(j: u32, count: u32) -> Point {
    let offset = f64::from(j) - f64::from(count.saturating_sub(1)) / 2.0;
    (RING_CX + offset * (CLIENT_W + 12.0), RING_CY)
}

/// How far a message's path starts from a node's centre: just outside its timer arc, so a
/// message dot never sits on a node.
pub const SERVER_CLEARANCE: f64 = TIMER_R + 6.0;
pub const CLIENT_CLEARANCE: f64 = CLIENT_W / 2.0 + 8.0;

/// A message's path from the edge of its sender to the edge of its receiver.
pub fn message_path(from: Point, to: Point, from_clear: f64, to_clear: f64) -> (Point, Point) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let start_gap = from_clear.min(len / 2.0);
    let end_gap = to_clear.min(len / 2.0);
    (
        (from.0 + ux * start_gap, from.1 + uy * start_gap),
        (to.0 - ux * end_gap, to.1 - uy * end_gap),
    )
}

/// How far along its path a message is at `now` (0 when sent, 1 on arrival).
pub fn progress(sent: Time, arrives: Time, now: Time) -> f64 {
    if arrives <= sent {
        return 1.0;
    }
    (now.0.saturating_sub(sent.0) as f64 / (arrives.0 - sent.0) as f64).clamp(0.0, 1.0)
}

pub fn lerp(a: Point, b: Point, t: f64) -> Point {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// The share of the timer arc left: the time until the deadline over the longest timeout,
/// so a full circle is the maximum election timeout (as in RaftScope).
pub fn timer_fraction(due: Time, now: Time, max: Time) -> f64 {
    if max.0 == 0 {
        return 0.0;
    }
    (due.0.saturating_sub(now.0) as f64 / max.0 as f64).clamp(0.0, 1.0)
}

/// An arc of `fraction` of a circle, clockwise from the top (a full circle is two halves).
pub fn arc_path(c: Point, r: f64, fraction: f64) -> String {
    let f = fraction.clamp(0.0, 1.0);
    if f <= 0.0005 {
        return String::new();
    }
    let top = (c.0, c.1 - r);
    if f >= 0.9995 {
        return format!(
            "M{:.1},{:.1} A{r},{r} 0 1 1 {:.1},{:.1} A{r},{r} 0 1 1 {:.1},{:.1}",
            top.0,
            top.1,
            c.0,
            c.1 + r,
            top.0,
            top.1
        );
    }
    let a = -FRAC_PI_2 + TAU * f;
    let end = (c.0 + r * a.cos(), c.1 + r * a.sin());
    let large = u8::from(f > 0.5);
    format!(
        "M{:.1},{:.1} A{r},{r} 0 {large} 1 {:.1},{:.1}",
        top.0, top.1, end.0, end.1
    )
}

/// Term colours: one hue per term, the same for the whole run (term `t` always gets the
/// same colour); term 0, before any election, is grey.
const TERM_HUES: [u16; 10] = [210, 28, 140, 280, 0, 175, 50, 320, 95, 245];

pub fn term_colour(term: u64, dark: bool) -> String {
    if term == 0 {
        return if dark {
            "#5b6068".into()
        } else {
            "#c4c7cc".into()
        };
    }
    let hue = TERM_HUES[((term - 1) % TERM_HUES.len() as u64) as usize];
    // Later laps round the palette are darker, so terms 1 and 11 differ too.
    let lap = ((term - 1) / TERM_HUES.len() as u64 % 3) as u16;
    let light = if dark { 55 - lap * 8 } else { 58 - lap * 10 };
    format!("hsl({hue} 62% {light}%)")
}

/// Where the dots for a candidate's votes go: on the side facing the ring's centre, spread
/// over an arc, one per voter.
pub fn vote_dots(centre: Point, toward_centre: Point, count: usize) -> Vec<Point> {
    let base = toward_centre.1.atan2(toward_centre.0);
    let r = TIMER_R + 8.0;
    let spread = 0.32;
    (0..count)
        .map(|k| {
            let offset = k as f64 - (count as f64 - 1.0) / 2.0;
            let a = base + offset * spread;
            (centre.0 + r * a.cos(), centre.1 + r * a.sin())
        })
        .collect()
}

/// Where a server's role label goes (outside the node, away from the ring's centre) and how
/// it is anchored: `start`, `middle` or `end`.
pub fn label_anchor(centre: Point, out: Point) -> (Point, &'static str) {
    let d = TIMER_R + 8.0;
    let (x, y) = (centre.0 + out.0 * d, centre.1 + out.1 * d);
    let anchor = if out.0 > 0.35 {
        "start"
    } else if out.0 < -0.35 {
        "end"
    } else {
        "middle"
    };
    // Below the node the text hangs down; above it, it sits on its baseline.
    let y = if out.1 > 0.35 {
        y + 11.0
    } else if out.1 < -0.35 {
        y - 2.0
    } else {
        y + 4.0
    };
    ((x, y), anchor)
}

/// The log grid: the left edge of the cell for `index` when the window starts at `first`.
pub fn cell_x(index: u64, first: u64) -> f64 {
    GRID_X + GRID_NAME_W + index.saturating_sub(first) as f64 * CELL_W
}

/// A digit's advance in the widest common UI font (DejaVu Sans Bold, Linux's default
/// sans-serif: 0.70 of the font size).
pub const DIGIT_EM: f64 = 0.7;

/// How many digits `n` is written with.
pub fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// The width to squeeze a number of `digits` digits into (SVG `textLength`), so that at
/// `font` units it stays inside `room`; `None` when it fits as it is. A term of two digits
/// in a log window of 13 columns needs it. Squeezing keeps the digits' height, which is
/// what makes them readable; a smaller font would not.
pub fn squeeze_number(digits: usize, font: f64, room: f64) -> Option<f64> {
    (digits as f64 * DIGIT_EM * font > room).then_some(room)
}

/// The top of row `row`.
pub fn row_y(row: usize) -> f64 {
    GRID_TOP + row as f64 * ROW_H
}

// ----- The election-time chart (the paper's Figure 16) -----

pub const CHART_W: f64 = 320.0;
pub const CHART_H: f64 = 190.0;
pub const CHART_LEFT: f64 = 40.0;
pub const CHART_RIGHT: f64 = 18.0;
pub const CHART_TOP: f64 = 10.0;
pub const CHART_BOTTOM: f64 = 30.0;
/// The chart's time axis, logarithmic, in milliseconds.
pub const CHART_MIN_MS: f64 = 100.0;
pub const CHART_MAX_MS: f64 = 10_000.0;
pub const CHART_TICKS: [u32; 5] = [100, 300, 1000, 3000, 10000];

pub fn chart_x(ms: f64) -> f64 {
    let span = (CHART_MAX_MS / CHART_MIN_MS).ln();
    let t = (ms.clamp(CHART_MIN_MS, CHART_MAX_MS) / CHART_MIN_MS).ln() / span;
    CHART_LEFT + t * (CHART_W - CHART_LEFT - CHART_RIGHT)
}

pub fn chart_y(share: f64) -> f64 {
    CHART_TOP + (1.0 - share.clamp(0.0, 1.0)) * (CHART_H - CHART_TOP - CHART_BOTTOM)
}

/// The cumulative distribution as a step path: the share of all runs (those with no leader
/// in the limit included, so such a curve never reaches the top) elected within each time.
/// `times` must be sorted.
pub fn cdf_path(times: &[Time], unelected: u32) -> String {
    let all = times.len() as f64 + f64::from(unelected);
    if all == 0.0 {
        return String::new();
    }
    let mut path = format!("M{:.1},{:.1}", chart_x(CHART_MIN_MS), chart_y(0.0));
    // Runs that land on one tenth of a pixel share a step: a thousand samples draw at most
    // a few hundred steps, however often the chart is redrawn while they come in.
    let mut last_x = String::new();
    let mut last_v = path.len();
    for (k, t) in times.iter().enumerate() {
        let x = format!("{:.1}", chart_x(t.as_millis_f64()));
        if x == last_x {
            path.truncate(last_v);
        } else {
            path.push_str(&format!(" H{x}"));
            last_x = x;
            last_v = path.len();
        }
        path.push_str(&format!(" V{:.1}", chart_y((k + 1) as f64 / all)));
    }
    path.push_str(&format!(" H{:.1}", chart_x(CHART_MAX_MS)));
    path
}

/// The groups a partition splits the nodes into: two nodes are in one group when some path
/// of links joins them that is not cut both ways. One group means no partition.
pub fn partition_groups(count: u32, cut: &[(u32, u32)]) -> Vec<Vec<u32>> {
    // Each node's group is the smallest node it is joined to (a flood fill from each).
    let mut label: Vec<Option<u32>> = vec![None; count as usize];
    for start in 0..count {
        if label[start as usize].is_some() {
            continue;
        }
        let mut stack = vec![start];
        label[start as usize] = Some(start);
        while let Some(a) = stack.pop() {
            for b in 0..count {
                let joined = !(cut.contains(&(a, b)) && cut.contains(&(b, a)));
                if joined && label[b as usize].is_none() {
                    label[b as usize] = Some(start);
                    stack.push(b);
                }
            }
        }
    }
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for node in 0..count {
        let first = label[node as usize].unwrap_or(node);
        match groups.iter_mut().find(|g| g.first() == Some(&first)) {
            Some(g) => g.push(node),
            None => groups.push(vec![node]),
        }
    }
    groups
}
