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
//! The lease stages (one Redis server, or Redlock's five): the servers along an arc at the
//! top, the clients in a row along the bottom, the storage at the right, for the same
//! reason. A crowded embed shows their messages as dots only.
//!
//! Words outside the circles: a node's state is written beside its circle, not squeezed
//! into it (SVG `textLength` made "NO TOKEN CHECK" unreadable), with the holder's mark as a
//! pill after it and the word "paused" as a badge on the circle's edge, all on the side of
//! the node no message comes from:
//! under a client (every message of a client goes up, to ZooKeeper, the servers or the
//! storage), over ZooKeeper, a server and the storage (all their messages go down to the
//! clients). So no dot ever passes over them (the Redlock embed's dots crossed the word
//! "paused" above client 3).
//!
//! Message labels (`place_message_labels`): each goes near its dot where it covers nothing
//! (no other label, no node, none of a node's words, no other dot, not the queue) or is left
//! out: eight clients' messages leave many at once and their labels covered each other and
//! the clients. A message without its label keeps its dot and its tooltip (and is in the
//! log); a label already written once is not written again for another dot.

use crate::i18n::{line, tr, tr_text};
use crate::sim::run::{NodeView, Snapshot};
use crate::sim::{NodeStatus, Time};
use crate::ui::topology_geometry::{
    mark_width, message_path, place_labels_among, progress, text_width, LabelSpot, MessageGlyph,
    Rect, HALO, MARK_HEIGHT,
};

/// Where a stage puts its nodes, in its view box (the topology's `TopologyLayout`, which
/// only the browser build has).
#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    pub width: f64,
    pub height: f64,
    /// The centre of node `i`, in the scene's node order.
    pub positions: Vec<(f64, f64)>,
    /// The side of node `i` its words go on.
    pub sides: Vec<Side>,
}

/// The radius the topology draws a stage's nodes at (`Frame::layout` keeps the square
/// frame's).
pub const NODE_R: f64 = 30.0;
/// The font sizes of a node's state and of a message label (`style.css`).
pub const STATE_FONT: f64 = 11.0;
pub const LABEL_FONT: f64 = 11.0;
/// The height of a state's line of text: from its capitals' top to below its baseline.
const STATE_HEIGHT: f64 = 12.0;
/// How far a state's baseline is from the top of its line.
const STATE_ASCENT: f64 = 9.0;
/// The gap between a line and the pill after it, and between two pills.
const PILL_GAP: f64 = 2.0;

/// Which side of its circle a node's words go on: the side no message comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
    /// Above, right on the circle (the "paused" badge moves to the circle's lower edge):
    /// on a phone a server's state sits close enough to read as the server's own, not as a
    /// heading over the stage's column.
    Atop,
}

/// Where a node's words go, as offsets below its centre (negative: above it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Words {
    /// The state's baseline.
    pub state_y: f64,
    /// The centre of its first mark pill (the next ones `MARK_STEP` farther out).
    pub marks_y: f64,
    /// The centre of the "paused" pill: on the edge of the circle, on the words' side, as a
    /// badge (a pill of its own past the state and the mark made the stages too tall for an
    /// embed's 11 pixels: review #17). The state stays where it is when it comes or goes.
    pub paused_y: f64,
}

/// The distance between two pills' centres.
pub const MARK_STEP: f64 = MARK_HEIGHT + PILL_GAP;

impl Words {
    pub fn on(side: Side) -> Words {
        // A pill runs from 9 above its centre to 8 below (`pill_rect`): the state's line
        // starts past the badge on the circle's edge, and the mark past the state.
        let line_top = NODE_R + 8.0 + PILL_GAP;
        let first_pill = line_top + STATE_HEIGHT + PILL_GAP + 9.0;
        match side {
            Side::Below => Words {
                state_y: line_top + STATE_ASCENT,
                marks_y: first_pill,
                paused_y: NODE_R,
            },
            // Just past the timer's arc (3.5 out from the circle), the badge under the circle.
            Side::Atop => {
                let line_top = NODE_R + 4.0;
                Words {
                    state_y: -(line_top + STATE_HEIGHT - STATE_ASCENT),
                    paused_y: NODE_R,
                    marks_y: -(line_top + STATE_HEIGHT + PILL_GAP + 8.0),
                }
            }
            // Outwards from the circle: the badge, the state, the marks (servers and the
            // storage have none).
            Side::Above => {
                let line_top = NODE_R + 9.0 + PILL_GAP;
                Words {
                    state_y: -(line_top + STATE_HEIGHT - STATE_ASCENT),
                    paused_y: -NODE_R,
                    marks_y: -(line_top + STATE_HEIGHT + PILL_GAP + 8.0),
                }
            }
        }
    }

    /// The centre of mark pill `i` (a pill is drawn 0.5 above it: see `pill_rect`).
    pub fn mark_y(&self, i: usize) -> f64 {
        let step = if self.marks_y < 0.0 {
            -MARK_STEP
        } else {
            MARK_STEP
        };
        self.marks_y + i as f64 * step
    }
}

/// How far a node at `x` moves its mark pills of `width` sideways so that they stay in a
/// stage `stage_width` wide, 2 from its edges (the phone's first and last clients: their
/// "holds the lock" is wider than the room at the edge).
pub fn mark_shift(x: f64, width: f64, stage_width: f64) -> f64 {
    let half = width / 2.0 + 2.0;
    if x - half < 0.0 {
        half - x
    } else if x + half > stage_width {
        stage_width - half - x
    } else {
        0.0
    }
}

/// A pill of `width` whose centre the topology puts at `(x, y)` (its rectangle runs from 9
/// above to 8 below).
pub fn pill_rect(x: f64, y: f64, width: f64) -> Rect {
    Rect::centred(x, y - 0.5, width, MARK_HEIGHT)
}

/// What a node takes of the picture: its circle (with the halo) and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeFace {
    pub centre: (f64, f64),
    pub side: Side,
    /// The width of its state's text at `STATE_FONT` (`text_width`).
    pub state_width: f64,
    /// The widths of its mark pills (`mark_width`).
    pub marks: Vec<f64>,
    /// The width of its "paused" pill, if it is paused.
    pub paused: Option<f64>,
    /// The stage's width (its marks keep inside it: [`mark_shift`]).
    pub stage_width: f64,
}

impl NodeFace {
    /// The circle with its halo, as a cross of two rectangles that covers it.
    pub fn circle_rects(&self) -> [Rect; 2] {
        let (x, y) = self.centre;
        let r = NODE_R + HALO;
        let narrow = 2.0 * 0.72 * r;
        [
            Rect::centred(x, y, 2.0 * r, narrow),
            Rect::centred(x, y, narrow, 2.0 * r),
        ]
    }

    /// The boxes of its state's line and of its pills.
    pub fn word_rects(&self) -> Vec<Rect> {
        let (x, y) = self.centre;
        let words = Words::on(self.side);
        let top = y + words.state_y - STATE_ASCENT;
        let mut rects = vec![Rect {
            left: x - self.state_width / 2.0,
            top,
            right: x + self.state_width / 2.0,
            bottom: top + STATE_HEIGHT,
        }];
        rects.extend(self.marks.iter().enumerate().map(|(i, &w)| {
            let widest = self.marks.iter().copied().fold(0.0, f64::max);
            pill_rect(
                x + mark_shift(x, widest, self.stage_width),
                y + words.mark_y(i),
                w,
            )
        }));
        rects.extend(self.paused.map(|w| pill_rect(x, y + words.paused_y, w)));
        rects
    }

    pub fn rects(&self) -> Vec<Rect> {
        let mut rects = self.circle_rects().to_vec();
        rects.extend(self.word_rects());
        rects
    }
}

/// The farthest a label's edge may stand from its dot's edge (about two lines).
const LABEL_REACH: f64 = 2.2 * LABEL_FONT * 1.2;

/// Places the labels of the messages in flight (`dots`, in a stable order) in a stage of
/// `width` × `height` with the generic stage's placement (`place_labels_among`): each at
/// the nearest spot around its dot, within `LABEL_REACH`, that covers no other label, no
/// node nor its words, nothing in `obstacles` (the queue), no other dot, and stays in the
/// view box. A label with no such spot, or whose words another dot's label already shows,
/// is not shown.
pub fn place_message_labels(
    width: f64,
    height: f64,
    nodes: &[NodeFace],
    obstacles: &[Rect],
    dots: &[MessageGlyph],
) -> Vec<LabelSpot> {
    let blocked: Vec<Rect> = nodes
        .iter()
        .flat_map(NodeFace::rects)
        .chain(obstacles.iter().copied())
        .collect();
    let bounds = Rect {
        left: 0.0,
        top: 0.0,
        right: width,
        bottom: height,
    };
    place_labels_among(&bounds, LABEL_FONT, &blocked, dots, Some(LABEL_REACH))
}

/// The queue stage's view box. At 700 × 334 it fills an embed's stage (about 720 × 344
/// CSS pixels) at about 1.03 scale, so the 11-unit labels read at 11 CSS pixels or more
/// (review #17; at 362 units tall they read at 10.45). A tour stop's embed has about 320
/// pixels of height, where they read at 10.6: the storage sits between the queue's row
/// and the clients, and a shorter stage puts it on the clients or its words on the row.
pub const WIDTH: f64 = 700.0;
pub const HEIGHT: f64 = 334.0;
/// ZooKeeper, at the head of the row, a little below its middle.
const SERVER: (f64, f64) = (62.0, 75.0);
/// The storage, at the right between the row and the clients, high enough above them
/// that a message to it from a client bows upwards around the clients it passes, and low
/// enough that its words, above it, keep clear of the queue's arrows.
const STORAGE: (f64, f64) = (600.0, 187.0);
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
/// The clients' row: its height (their words go under it) and its ends.
pub const CLIENT_Y: f64 = 260.0;
const CLIENTS_LEFT: f64 = 96.0;
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
    let mut sides = vec![Side::Above, Side::Above];
    sides.resize(positions.len(), Side::Below);
    StageLayout {
        width: WIDTH,
        height: HEIGHT,
        positions,
        sides,
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

/// The lease stage (`servers` lock servers, the storage, `clients` clients, in the scene's
/// node order): the servers along an arc at the top, the storage in the top right corner,
/// right of every server and client and above them, so that no message passes over the
/// words above it, and the clients along the bottom, the whole width, so that eight
/// clients' words ("ACQUIRING") stand apart. (With the storage at the right between the
/// servers and the clients, the clients' row stopped short of it and eight clients' words
/// ran into one another.)
pub fn lease_layout(servers: u32, clients: u32) -> StageLayout {
    // 11-unit words at 11 px or more in a tour stop's embed, which gives the stage about
    // 720 × 320 CSS pixels under the tour's line and the caption (334 gave 10.6 px).
    const LEASE_HEIGHT: f64 = 316.0;
    // Left of the storage by more than a node: a message from a client to the storage
    // passes over the last server's "paused" badge when that server is nearer.
    const SERVERS: (f64, f64) = (100.0, 540.0);
    let mut positions: Vec<(f64, f64)> = row(servers, SERVERS.0, SERVERS.1)
        .map(|x| {
            // A flat arc: the middle server highest.
            let off = (x - (SERVERS.0 + SERVERS.1) / 2.0) / 240.0;
            (x, 56.0 + 30.0 * off * off)
        })
        .collect();
    positions.push((646.0, 56.0));
    let mut sides = vec![Side::Above; positions.len()];
    positions.extend(row(clients, 60.0, 640.0).map(|x| (x, 242.0)));
    sides.resize(positions.len(), Side::Below);
    StageLayout {
        width: WIDTH,
        height: LEASE_HEIGHT,
        positions,
        sides,
    }
}

/// The lease stage in a narrow embed (a 420-pixel iframe: a stage about 420 × 340 CSS
/// pixels), which drew the full 700-unit frame at 0.6, its 11-unit words at 6.6 pixels. This
/// frame is 400 units wide, drawn at full size: the same pieces, closer together.
///
/// - The storage in the top right corner: its words, the widest of any node's, sit above
///   it, where no message passes.
/// - The servers along the top, left of it. Five of them do not fit in one row 72 apart (a
///   node and its halo), so they zigzag between two rows; a lower server's short word
///   ("HELD") fits between the upper circles, and its "paused" badge clears them.
/// - Up to four clients stand in one row under them; five to eight zigzag between two rows.
/// - With two rows of either, some messages must pass over words (a lower server's
///   "paused" faces the upper servers' clients, an upper client's words lie between the
///   lower clients and the servers): there the messages are dots drawn under the words, as
///   on a phone ([`lease_narrow_under`]). A Redlock embed shows dots only anyway.
/// - Five servers with five clients or more need 378 units of height, not 340: that one
///   setting, which no scenario uses, is drawn at full size too (as every narrow embed's
///   topology, `.min-scale`), and the stage scrolls to the lower clients' words.
pub const LEASE_NARROW_WIDTH: f64 = 400.0;
pub const LEASE_NARROW_HEIGHT: f64 = 340.0;

/// Whether the narrow lease stage puts its `clients` on two rows: four is the most one
/// row holds with each client's words clear of its neighbours'.
fn lease_narrow_zigzag(clients: u32) -> bool {
    clients > 4
}

/// Whether the narrow lease stage of `servers` and `clients` draws its messages as dots
/// under the nodes' words: when either stands on two rows (five servers do).
pub fn lease_narrow_under(servers: u32, clients: u32) -> bool {
    servers > 4 || lease_narrow_zigzag(clients)
}

/// See [`LEASE_NARROW_WIDTH`].
pub fn lease_narrow_layout(servers: u32, clients: u32) -> StageLayout {
    // The top row, and the lower row of zigzagging servers: low enough that a "paused"
    // badge on a lower circle's upper edge clears the upper circles.
    const TOP_ROWS: [f64; 2] = [54.0, 120.0];
    const STORAGE: (f64, f64) = (346.0, TOP_ROWS[0]);
    // A node and its halo: two nodes closer than this touch.
    const APART: f64 = 2.0 * 36.0;
    // The last server farther to the left: its words ("paused" included) and the
    // storage's, all above their circles, must not run into each other.
    let xs: Vec<f64> = row(servers, 36.0, STORAGE.0 - APART - 20.0).collect();
    let two_tiers = xs.windows(2).any(|w| w[1] - w[0] < APART);
    debug_assert_eq!(two_tiers, servers > 4, "lease_narrow_under says which");
    // Counted from the storage's left neighbour (upper) leftwards.
    let mut positions: Vec<(f64, f64)> = xs
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let tier = if two_tiers { (xs.len() - 1 - i) % 2 } else { 0 };
            (x, TOP_ROWS[tier])
        })
        .collect();
    positions.push(STORAGE);
    let mut sides = vec![Side::Above; positions.len()];
    let lowest = TOP_ROWS[usize::from(two_tiers)];
    let mut height = LEASE_NARROW_HEIGHT;
    if lease_narrow_zigzag(clients) {
        // The upper row's halos clear of the lowest server's; the lower row's circles clear
        // of the upper row's words, and its own words inside the frame.
        let upper = lowest + 74.0;
        let lower = upper + 110.0;
        height = height.max(lower + 74.0);
        positions.extend(
            row(clients, 56.0, 344.0)
                .enumerate()
                .map(|(i, x)| (x, if i % 2 == 0 { upper } else { lower })),
        );
    } else {
        positions.extend(row(clients, 56.0, 344.0).map(|x| (x, 266.0)));
    }
    sides.resize(positions.len(), Side::Below);
    StageLayout {
        width: LEASE_NARROW_WIDTH,
        height,
        positions,
        sides,
    }
}

/// What a node of `snapshot` takes of the picture, at `at` on `side`.
fn face(node: &NodeView, at: (f64, f64), side: Side, stage_width: f64) -> NodeFace {
    NodeFace {
        stage_width,
        centre: at,
        side,
        state_width: text_width(&tr_text(node.state), STATE_FONT),
        marks: node.marks.iter().map(|m| mark_width(&m.text)).collect(),
        paused: (node.status == NodeStatus::Paused).then(|| mark_width(tr("paused"))),
    }
}

/// The nodes of `snapshot` as `layout` draws them.
pub fn faces(layout: &StageLayout, snapshot: &Snapshot) -> Vec<NodeFace> {
    snapshot
        .nodes
        .iter()
        .zip(layout.positions.iter().zip(&layout.sides))
        .map(|(node, (&at, &side))| face(node, at, side, layout.width))
        .collect()
}

/// Where each message of `snapshot` is at `playhead` on its way in `layout`, with its label.
pub fn dots(layout: &StageLayout, snapshot: &Snapshot, playhead: Time) -> Vec<MessageGlyph> {
    let at = &layout.positions;
    let centre = |i: u32| at.get(i as usize).copied().unwrap_or_default();
    snapshot
        .messages
        .iter()
        .map(|m| {
            let way = message_path(centre(m.from), centre(m.to), at, NODE_R);
            MessageGlyph {
                dot: way.at(progress(m.sent, m.arrives, playhead)),
                label: line(&m.label),
            }
        })
        .collect()
}

/// The labels of the messages of `snapshot` at `playhead` in `layout`, kept off
/// `obstacles` too (see [`place_message_labels`]).
pub fn stage_labels(
    layout: &StageLayout,
    snapshot: &Snapshot,
    playhead: Time,
    obstacles: &[Rect],
) -> Vec<LabelSpot> {
    place_message_labels(
        layout.width,
        layout.height,
        &faces(layout, snapshot),
        obstacles,
        &dots(layout, snapshot, playhead),
    )
}

/// What the queue stage draws that message labels keep off: the `/lock` pill and the row
/// of children, and the caption under them (`caption_width` wide at 12 units).
pub fn queue_obstacles(caption_width: f64) -> [Rect; 2] {
    [
        Rect {
            left: LOCK_X - LOCK_W / 2.0,
            top: ROW_Y - 2.0,
            right: ROW_RIGHT,
            bottom: ROW_Y + BOX_H + 2.0,
        },
        Rect {
            left: FIRST_X,
            top: CAPTION_Y - 12.0,
            right: FIRST_X + caption_width,
            bottom: CAPTION_Y + 4.0,
        },
    ]
}
