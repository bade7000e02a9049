//! The queue lock's stage on a phone, and where the stage draws its queue in either frame
//! (pure, built natively and tested in `tests/locks_geometry.rs`).
//!
//! The full stage is 700 units wide: a phone (its stage about 369 CSS pixels wide) would
//! draw it at 0.53, its 11-unit words at 5.8 pixels. The phone frame is 364 units wide, drawn
//! at 1.01 or more, and taller instead:
//!
//! - the queue along the top on two rows, `/lock` at the head of the first, each row's
//!   watch arrows under it and its notifications as arcs over it; an arrow or an arc from
//!   one row to the other is an S between the rows, from the top of the lower box or the
//!   bottom of the upper;
//! - under the queue, ZooKeeper at the left and the storage at the right, their words right
//!   on top of them, and the caption between them on as many lines as it takes;
//! - the clients under them, in number order zigzagging between two rows, so that a
//!   message from the lower row goes up between two clients of the upper one, and each
//!   client's words (under it) keep clear of its neighbours'.
//!
//! Messages are dots without their labels (the stylesheet's `.dense`), drawn under the
//! nodes and their words, which they would otherwise cross; the watch arrows are drawn
//! thicker, with larger heads (`.phone`).

use super::geometry::{
    notify_arc, watch_path, Row, Side, StageLayout, BOX_H, CAPTION_Y, FIRST_X, LOCK_W, LOCK_X,
    ROW_Y,
};
use crate::ui::topology_geometry::text_width;

/// The phone frame.
pub const PHONE_WIDTH: f64 = 364.0;
pub const PHONE_HEIGHT: f64 = 514.0;
/// The two queue rows' tops (room above the first for its arcs, between them for the first
/// row's arrows and the S from one row to the other).
pub const PHONE_ROWS: [f64; 2] = [46.0, 134.0];
/// The `/lock` pill at the head of the first row.
pub const PHONE_LOCK_X: f64 = 30.0;
pub const PHONE_LOCK_W: f64 = 48.0;
/// The rows' first slot's left edge and the right edge no slot passes.
pub const PHONE_FIRST_X: f64 = 60.0;
pub const PHONE_ROW_RIGHT: f64 = 358.0;
/// The deepest a watch arrow under a row goes (it reaches 3/4 of it): the caption is
/// under the second row.
pub const WATCH_DEPTH: f64 = 28.0;
/// Slots a row takes before the rows squeeze.
const PER_ROW: usize = 5;
const PHONE_PITCH: f64 = 60.0;
const PHONE_BOX_W: f64 = 55.0;
const MIN_GAP: f64 = 5.0;
/// ZooKeeper and the storage, under the queue.
const PHONE_SERVER: (f64, f64) = (40.0, 250.0);
const PHONE_STORAGE: (f64, f64) = (310.0, 250.0);
/// The caption between them: centred, lines no wider than `CAPTION_MAX`.
pub const PHONE_CAPTION_X: f64 = 168.0;
pub const PHONE_CAPTION_Y: f64 = 208.0;
pub const CAPTION_MAX: f64 = 168.0;
pub const CAPTION_LINE: f64 = 14.0;
pub const CAPTION_FONT: f64 = 12.0;
/// The clients: the upper and the lower row, and the first and last client's centre.
const CLIENT_ROWS: [f64; 2] = [328.0, 438.0];
/// Eight clients are 40.6 apart, 81 between two of a row: room for two of their widest
/// words (ACQUIRING, 71 units) with a clear gap between them.
const CLIENTS_LEFT: f64 = 40.0;
const CLIENTS_RIGHT: f64 = 324.0;

/// Where the queue stage puts the nodes on a phone: ZooKeeper (node 0) and the storage
/// (node 1) under the queue, the clients zigzagging along two rows under them.
pub fn phone_layout(node_count: u32) -> StageLayout {
    let clients = node_count.saturating_sub(2).max(1);
    let pitch = if clients > 1 {
        ((CLIENTS_RIGHT - CLIENTS_LEFT) / f64::from(clients - 1)).min(72.0)
    } else {
        0.0
    };
    let start = (CLIENTS_LEFT + CLIENTS_RIGHT) / 2.0 - pitch * f64::from(clients - 1) / 2.0;
    let mut positions = vec![PHONE_SERVER, PHONE_STORAGE];
    positions
        .extend((0..clients).map(|i| (start + f64::from(i) * pitch, CLIENT_ROWS[i as usize % 2])));
    let mut sides = vec![Side::Atop, Side::Atop];
    sides.resize(positions.len(), Side::Below);
    StageLayout {
        width: PHONE_WIDTH,
        height: PHONE_HEIGHT,
        positions,
        sides,
    }
}

/// The phone's rows of slots: how many a row takes, their spacing and a box's width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhoneRow {
    pub per_row: usize,
    pub pitch: f64,
    pub box_w: f64,
}

impl PhoneRow {
    /// Five slots a row while they fit in two rows; more squeeze both rows evenly.
    pub fn new(slots: usize) -> PhoneRow {
        let per_row = PER_ROW.max(slots.div_ceil(2));
        let room = (PHONE_ROW_RIGHT - PHONE_FIRST_X + MIN_GAP) / per_row as f64;
        let pitch = room.min(PHONE_PITCH);
        PhoneRow {
            per_row,
            pitch,
            box_w: (pitch - MIN_GAP).min(PHONE_BOX_W),
        }
    }

    /// The row of slot `i` (0 or 1) and its column.
    fn place(&self, i: usize) -> (usize, usize) {
        ((i / self.per_row).min(1), i % self.per_row)
    }
}

/// A point of the queue an arrow or an arc goes from or to: its middle, the top and bottom
/// of its row's boxes, and the row (0: the first).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    pub x: f64,
    pub top: f64,
    pub bottom: f64,
    pub row: usize,
}

/// Where the stage draws the queue: the full frame's one row, or the phone's two.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QueueGeo {
    Full(Row),
    Phone(PhoneRow),
}

/// The caption's place: its first baseline, where its lines are anchored, and whether they
/// are centred there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaptionAt {
    pub x: f64,
    pub y: f64,
    pub centred: bool,
}

impl QueueGeo {
    /// The queue of `slots` slots in the phone frame or the full one.
    pub fn new(phone: bool, slots: usize) -> QueueGeo {
        if phone {
            QueueGeo::Phone(PhoneRow::new(slots))
        } else {
            QueueGeo::Full(Row::new(slots))
        }
    }

    pub fn box_w(&self) -> f64 {
        match self {
            QueueGeo::Full(r) => r.box_w,
            QueueGeo::Phone(r) => r.box_w,
        }
    }

    /// The top left corner of slot `i`'s box.
    pub fn slot(&self, i: usize) -> (f64, f64) {
        match self {
            QueueGeo::Full(r) => (r.x(i), ROW_Y),
            QueueGeo::Phone(r) => {
                let (row, col) = r.place(i);
                (PHONE_FIRST_X + col as f64 * r.pitch, PHONE_ROWS[row])
            }
        }
    }

    /// The row of slot `i`.
    fn row_of(&self, i: usize) -> usize {
        match self {
            QueueGeo::Full(_) => 0,
            QueueGeo::Phone(r) => r.place(i).0,
        }
    }

    fn row_anchor(&self, x: f64, row: usize) -> Anchor {
        let top = match self {
            QueueGeo::Full(_) => ROW_Y,
            QueueGeo::Phone(_) => PHONE_ROWS[row.min(1)],
        };
        Anchor {
            x,
            top,
            bottom: top + BOX_H,
            row,
        }
    }

    /// The middle of slot `i`.
    pub fn anchor(&self, i: usize) -> Anchor {
        let (x, _) = self.slot(i);
        self.row_anchor(x + self.box_w() / 2.0, self.row_of(i))
    }

    /// The `/lock` pill: its middle, and its width.
    pub fn lock(&self) -> (Anchor, f64) {
        match self {
            QueueGeo::Full(_) => (self.row_anchor(LOCK_X, 0), LOCK_W),
            QueueGeo::Phone(_) => (self.row_anchor(PHONE_LOCK_X, 0), PHONE_LOCK_W),
        }
    }

    /// A client with no child in the queue, at `x` (its notification goes over the first
    /// row towards it).
    pub fn client(&self, x: f64) -> Anchor {
        let x = match self {
            QueueGeo::Full(_) => x,
            QueueGeo::Phone(_) => x.clamp(PHONE_FIRST_X, PHONE_ROW_RIGHT),
        };
        self.row_anchor(x, 0)
    }

    /// A watch arrow from a waiter to what it watches: under the row, or an S up from the
    /// lower row to the bottom of the upper one.
    pub fn watch(&self, from: Anchor, to: Anchor) -> String {
        match self {
            QueueGeo::Full(_) => watch_path(from.x, to.x),
            QueueGeo::Phone(_) if from.row == to.row => {
                let bottom = from.bottom;
                let depth = (14.0 + (from.x - to.x).abs() * 0.12).min(WATCH_DEPTH);
                format!(
                    "M{:.1},{bottom:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                    from.x,
                    from.x,
                    bottom + depth,
                    to.x,
                    bottom + depth,
                    to.x,
                    bottom + 3.0
                )
            }
            QueueGeo::Phone(_) => s_curve(from, to, 16.0).0,
        }
    }

    /// A notification from what changed to whom it wakes, and its dot at fraction `t`: an
    /// arc over the row, or an S between the rows.
    pub fn notify(&self, from: Anchor, to: Anchor, t: f64) -> (String, (f64, f64)) {
        match self {
            QueueGeo::Full(_) => notify_arc(from.x, to.x, t),
            QueueGeo::Phone(_) if from.row == to.row => {
                let top = from.top;
                let lift = (22.0 + (from.x - to.x).abs() * 0.1).min(40.0);
                let cy = top - lift * 2.0;
                let mid = (from.x + to.x) / 2.0;
                let path = format!(
                    "M{:.1},{top:.1} Q{mid:.1},{cy:.1} {:.1},{:.1}",
                    from.x,
                    to.x,
                    top - 3.0
                );
                let u = 1.0 - t;
                let x = u * u * from.x + 2.0 * u * t * mid + t * t * to.x;
                let y = u * u * top + 2.0 * u * t * cy + t * t * (top - 3.0);
                (path, (x, y))
            }
            QueueGeo::Phone(_) => {
                let (path, curve) = s_curve(from, to, 30.0);
                (path, cubic(curve, t))
            }
        }
    }

    /// Where the caption goes.
    pub fn caption(&self) -> CaptionAt {
        match self {
            QueueGeo::Full(_) => CaptionAt {
                x: FIRST_X,
                y: CAPTION_Y,
                centred: false,
            },
            QueueGeo::Phone(_) => CaptionAt {
                x: PHONE_CAPTION_X,
                y: PHONE_CAPTION_Y,
                centred: true,
            },
        }
    }
}

/// An S from one row to the other: from the side of `from` that faces `to`'s row to the
/// facing side of `to`, leaving and arriving upright (`bend`: how far the control points
/// stand out of the rows), with the arrowhead 3 short of `to`. Returns the path and its four
/// points.
fn s_curve(from: Anchor, to: Anchor, bend: f64) -> (String, [(f64, f64); 4]) {
    let down = to.row > from.row;
    let (y1, y2) = if down {
        (from.bottom, to.top - 3.0)
    } else {
        (from.top, to.bottom + 3.0)
    };
    let s = if down { 1.0 } else { -1.0 };
    let points = [
        (from.x, y1),
        (from.x, y1 + s * bend),
        (to.x, y2 - s * bend),
        (to.x, y2),
    ];
    let [a, b, c, d] = points;
    (
        format!(
            "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            a.0, a.1, b.0, b.1, c.0, c.1, d.0, d.1
        ),
        points,
    )
}

/// The point at `t` of a cubic Bézier curve.
fn cubic(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

/// `text` on lines no wider than `max` at `font` (`text_width`): broken at spaces, and
/// between characters in a word (or a Chinese sentence) too wide for a line.
pub fn wrap(text: &str, font: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&joined, font) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let longer = format!("{line}{c}");
            if !line.is_empty() && text_width(&longer, font) > max {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}
