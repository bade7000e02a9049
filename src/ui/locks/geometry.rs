//! Where the locks scene's stages put things, as pure functions (built natively and tested
//! in `tests/locks_geometry.rs`); `stage.rs` draws them.
//!
//! The queue lock's stage: ZooKeeper at the top left with the children of `/lock` beside it
//! as a row along the top, the notifications as arcs over the row, the watch arrows and a
//! caption under it, the storage at the right, and the clients in a row along the bottom.
//! The clients sit *below* everything they talk to: a message between a client and
//! ZooKeeper or the storage that bows around the clients near its way bows upwards, away
//! from the mark under each client ("holds the lock"). (With the clients on top, a message
//! from a far client to ZooKeeper bowed down through the nearer clients' marks.)
//!
//! The row keeps the slot of a child that has just been deleted until it has faded out, so
//! that the leaving child never lies over the next one; with one slot more than fits, the
//! row's spacing shrinks.
//!
//! The dense lease stages of an embed (Redlock's five servers): the servers along an arc
//! at the top, the clients in a row along the bottom, the storage at the right, for the
//! same reason.

/// Where a stage puts its nodes, in its view box (the topology's `TopologyLayout`, which
/// only the browser build has).
#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    pub width: f64,
    pub height: f64,
    /// The centre of node `i`, in the scene's node order.
    pub positions: Vec<(f64, f64)>,
}

/// The queue stage's view box. At 700 × 335 it fills an embed's stage (about 720 × 355
/// CSS pixels) at about 1.03 scale, so the 11-unit labels read at 11 CSS pixels or more.
pub const WIDTH: f64 = 700.0;
pub const HEIGHT: f64 = 335.0;
/// ZooKeeper, at the head of the row, a little below its middle.
const SERVER: (f64, f64) = (62.0, 75.0);
/// The storage, at the right between the row and the clients, high enough above them
/// that a message to it from a client bows upwards around the clients it passes.
const STORAGE: (f64, f64) = (600.0, 185.0);
/// The `/lock` node's pill, centred at `LOCK_X`.
pub const LOCK_X: f64 = 135.0;
pub const LOCK_W: f64 = 52.0;
/// The queue row: the top of its boxes and their height.
pub const ROW_Y: f64 = 50.0;
pub const BOX_H: f64 = 40.0;
/// The first slot's left edge, and the right edge no slot passes.
pub const FIRST_X: f64 = 176.0;
pub const ROW_RIGHT: f64 = 694.0;
/// A slot's box width and spacing while the row has room.
pub const BOX_W: f64 = 56.0;
pub const PITCH: f64 = 62.0;
/// The gap between two boxes when the row is squeezed.
const MIN_GAP: f64 = 5.0;
/// The clients' row: its height and its ends.
pub const CLIENT_Y: f64 = 275.0;
const CLIENTS_LEFT: f64 = 138.0;
const CLIENTS_RIGHT: f64 = 644.0;
/// The most room two clients get between them.
const CLIENT_PITCH_MAX: f64 = 150.0;
/// The caption under the queue's watch arrows.
pub const CAPTION_Y: f64 = 154.0;

/// An embed with this many nodes or more shows messages as dots only: their labels would
/// cover each other and the queue (review #17). Each still has its tooltip and its name
/// for a screen reader.
pub const DENSE_NODES: usize = 8;

/// Whether a stage of `nodes` nodes shows its messages' labels.
pub fn message_labels(compact: bool, nodes: usize) -> bool {
    !compact || nodes < DENSE_NODES
}

/// Where the queue stage puts the nodes: ZooKeeper (node 0) at the top left, the storage
/// (node 1) at the right, the clients in a row along the bottom.
pub fn queue_layout(node_count: u32) -> StageLayout {
    let clients = node_count.saturating_sub(2).max(1);
    let mut positions = vec![SERVER, STORAGE];
    positions.extend(row(clients, CLIENTS_LEFT, CLIENTS_RIGHT).map(|x| (x, CLIENT_Y)));
    StageLayout {
        width: WIDTH,
        height: HEIGHT,
        positions,
    }
}

/// `n` points between `left` and `right`, evenly spaced at most `CLIENT_PITCH_MAX` apart
/// and centred.
fn row(n: u32, left: f64, right: f64) -> impl Iterator<Item = f64> {
    let pitch = if n > 1 {
        ((right - left) / f64::from(n - 1)).min(CLIENT_PITCH_MAX)
    } else {
        0.0
    };
    let start = (left + right) / 2.0 - pitch * f64::from(n.saturating_sub(1)) / 2.0;
    (0..n).map(move |i| start + f64::from(i) * pitch)
}

/// The queue row's slots: how far apart they are and how wide a box is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub pitch: f64,
    pub box_w: f64,
}

impl Row {
    /// The row for `slots` slots: the full spacing while they fit before `ROW_RIGHT`,
    /// squeezed evenly when they do not.
    pub fn new(slots: usize) -> Row {
        // n slots end at FIRST_X + n * pitch - gap.
        let room = (ROW_RIGHT - FIRST_X + MIN_GAP) / slots.max(1) as f64;
        let pitch = room.min(PITCH);
        Row {
            pitch,
            box_w: (pitch - MIN_GAP).min(BOX_W),
        }
    }

    /// The left edge of slot `i` (0: the head).
    pub fn x(&self, i: usize) -> f64 {
        FIRST_X + i as f64 * self.pitch
    }

    /// The centre of slot `i`.
    pub fn centre(&self, i: usize) -> f64 {
        self.x(i) + self.box_w / 2.0
    }
}

/// The slot of each child in the row: the children still there (`present`) and the ones
/// deleted a moment ago and still fading (`leaving`), all by sequence number, take slots in
/// sequence order, so a leaving child keeps its place and the one after it stays beside
/// it. Returns `(seq, slot, leaving)` in slot order.
pub fn slots(present: &[u64], leaving: &[u64]) -> Vec<(u64, usize, bool)> {
    let mut all: Vec<(u64, bool)> = present
        .iter()
        .map(|&s| (s, false))
        .chain(
            leaving
                .iter()
                .filter(|s| !present.contains(s))
                .map(|&s| (s, true)),
        )
        .collect();
    crate::sim::sort::sort_by(&mut all, |a, b| a.0.cmp(&b.0));
    all.into_iter()
        .enumerate()
        .map(|(i, (seq, leaving))| (seq, i, leaving))
        .collect()
}

/// An arrow under the queue from `x1` to `x2`, deeper the farther it goes.
pub fn watch_path(x1: f64, x2: f64) -> String {
    let bottom = ROW_Y + BOX_H;
    let depth = watch_depth(x1, x2);
    format!(
        "M{x1:.1},{bottom:.1} C{x1:.1},{:.1} {x2:.1},{:.1} {x2:.1},{:.1}",
        bottom + depth,
        bottom + depth,
        bottom + 3.0
    )
}

/// How far below the row a watch arrow's control points go (the curve reaches three
/// quarters of it).
pub fn watch_depth(x1: f64, x2: f64) -> f64 {
    (14.0 + (x1 - x2).abs() * 0.12).min(58.0)
}

/// An arc over the queue from `x1` to `x2`, and the point at fraction `t` along it.
pub fn notify_arc(x1: f64, x2: f64, t: f64) -> (String, (f64, f64)) {
    let top = ROW_Y;
    let lift = (22.0 + (x1 - x2).abs() * 0.1).min(44.0);
    let cy = top - lift * 2.0;
    let path = format!(
        "M{x1:.1},{top:.1} Q{:.1},{cy:.1} {x2:.1},{:.1}",
        (x1 + x2) / 2.0,
        top - 3.0
    );
    let u = 1.0 - t;
    let x = u * u * x1 + 2.0 * u * t * (x1 + x2) / 2.0 + t * t * x2;
    let y = u * u * top + 2.0 * u * t * cy + t * t * (top - 3.0);
    (path, (x, y))
}

/// The dense lease stage of an embed (`servers` lock servers, the storage, `clients`
/// clients, in the scene's node order): the servers along an arc at the top, the clients
/// along the bottom, the storage at the right between them.
pub fn lease_layout(servers: u32, clients: u32) -> StageLayout {
    const LEASE_HEIGHT: f64 = 322.0;
    let mut positions: Vec<(f64, f64)> = row(servers, 110.0, 590.0)
        .map(|x| {
            // A flat arc: the middle server highest.
            let off = (x - WIDTH / 2.0) / 240.0;
            (x, 40.0 + 60.0 * off * off)
        })
        .collect();
    positions.push((640.0, 190.0));
    positions.extend(row(clients, 60.0, 580.0).map(|x| (x, 262.0)));
    StageLayout {
        width: WIDTH,
        height: LEASE_HEIGHT,
        positions,
    }
}
