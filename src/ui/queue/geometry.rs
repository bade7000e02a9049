//! Where the queue stage draws everything, as pure functions (native tests reach them):
//! producers on the left, Redis in the middle with its queue and one lane per consumer
//! (processing list or pending entries), consumers on the right, the database beyond them.
//! Message chips in flight run between the edges of what they connect, never over a
//! node's centre, so a click on a node always reaches the node.

/// The stage's width (the SVG viewBox); its height depends on the cast
/// ([`StageLayout::height`]), so a small cast stays large in a small frame.
pub const WIDTH: f64 = 640.0;

pub const PRODUCER_X: f64 = 36.0;
pub const NODE_R: f64 = 20.0;
pub const BROKER_X: f64 = 104.0;
pub const BROKER_W: f64 = 284.0;
pub const BROKER_Y: f64 = 6.0;
/// Cards narrow enough that a message chip fits between them and the database, so the
/// chips a consumer sends to it never cover a card or each other.
pub const CARD_X: f64 = 432.0;
pub const CARD_W: f64 = 92.0;
pub const CARD_H: f64 = 44.0;
pub const DB_X: f64 = 598.0;
/// The database's radius on a phone; on the full layout it is a column [`DB_W`] wide
/// beside every consumer, so that each consumer's link to it is level and the chips on
/// two consumers' links never converge on one point.
pub const DB_R: f64 = 26.0;
pub const DB_W: f64 = 52.0;

/// A message chip's size, and the gap between chips in a lane.
pub const CHIP_W: f64 = 40.0;
pub const CHIP_H: f64 = 20.0;
pub const CHIP_GAP: f64 = 4.0;

/// The queue lane's top, and every lane's height.
pub const QUEUE_LANE_Y: f64 = 42.0;
pub const LANE_H: f64 = 26.0;
/// The first consumer's centre, and the distance between consumers.
const FIRST_ROW: f64 = 116.0;
const ROW: f64 = 52.0;
/// Room above a lane for its name.
const LANE_NAME_H: f64 = 16.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// What a node is drawn as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    Circle { centre: (f64, f64), r: f64 },
    Box(Rect),
}

impl Shape {
    pub fn centre(&self) -> (f64, f64) {
        match self {
            Shape::Circle { centre, .. } => *centre,
            Shape::Box(r) => r.centre(),
        }
    }

    /// The point of the outline facing `toward`. A box is left or right by its side edge
    /// at `toward`'s height (clamped inside the box), so links to a box are level.
    pub fn edge_toward(&self, toward: (f64, f64)) -> (f64, f64) {
        match *self {
            Shape::Circle { centre, r } => {
                let (dx, dy) = (toward.0 - centre.0, toward.1 - centre.1);
                let len = (dx * dx + dy * dy).sqrt();
                if len < 1e-9 {
                    return (centre.0 + r, centre.1);
                }
                (centre.0 + dx / len * r, centre.1 + dy / len * r)
            }
            Shape::Box(b) => {
                let y = toward.1.clamp(b.y + 6.0, b.bottom() - 6.0);
                if toward.0 <= b.x {
                    (b.x, y)
                } else if toward.0 >= b.right() {
                    (b.right(), y)
                } else if toward.1 < b.y {
                    (toward.0, b.y)
                } else {
                    (toward.0, b.bottom())
                }
            }
        }
    }
}

/// The ends of the link between two shapes, each on its shape's outline.
pub fn link(a: Shape, b: Shape) -> ((f64, f64), (f64, f64)) {
    match (a, b) {
        (Shape::Box(_), other) => {
            let on_box = a.edge_toward(other.centre());
            (on_box, other.edge_toward(on_box))
        }
        (other, Shape::Box(_)) => {
            let on_box = b.edge_toward(other.centre());
            (other.edge_toward(on_box), on_box)
        }
        _ => (a.edge_toward(b.centre()), b.edge_toward(a.centre())),
    }
}

/// A point `t` (0 to 1) of the way from `a` to `b`.
pub fn lerp(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    let t = t.clamp(0.0, 1.0);
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// Where every part of the stage goes, for a given cast.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    /// The drawing's width (the SVG viewBox): [`WIDTH`], or [`PHONE_WIDTH`] on a phone.
    pub width: f64,
    pub height: f64,
    /// A phone's layout: producers above Redis above the consumers above the database, so
    /// links run top to bottom (see [`StageLayout::link`]).
    pub vertical: bool,
    pub producers: Vec<Shape>,
    pub consumers: Vec<Shape>,
    pub db: Shape,
    pub reaper: Option<Shape>,
    pub broker: Rect,
    pub queue_lane: Rect,
    /// One per consumer, level with it.
    pub consumer_lanes: Vec<Rect>,
    pub dead_lane: Option<Rect>,
}

/// Producers face the queue lane and the consumers below it; consumers sit one per row,
/// each level with its lane (processing list or pending entries) inside Redis.
pub fn stage_layout(
    producers: usize,
    consumers: usize,
    reaper: bool,
    dead_lane: bool,
) -> StageLayout {
    let lane = |y: f64| Rect {
        x: BROKER_X + 8.0,
        y,
        w: BROKER_W - 16.0,
        h: LANE_H,
    };
    let consumer_ys: Vec<f64> = (0..consumers.max(1))
        .map(|i| FIRST_ROW + ROW * i as f64)
        .collect();
    let last_row = consumer_ys[consumer_ys.len() - 1];
    let first_producer = QUEUE_LANE_Y + LANE_H / 2.0;
    let producer_pitch = if producers > 1 {
        ((last_row - first_producer) / (producers - 1) as f64).clamp(ROW, 72.0)
    } else {
        0.0
    };
    let producer_ys: Vec<f64> = (0..producers)
        .map(|i| first_producer + producer_pitch * i as f64)
        .collect();
    let last_producer = producer_ys.last().copied().unwrap_or(first_producer);
    let dead = dead_lane.then(|| lane(last_row + CARD_H / 2.0 + LANE_NAME_H));
    let reaper_y = reaper.then_some(last_producer + 62.0);
    let content_bottom = dead
        .map_or(last_row + CARD_H / 2.0, |d| d.bottom())
        .max(last_producer + 8.0)
        .max(reaper_y.map_or(0.0, |y| y + 10.0));
    let broker = Rect {
        x: BROKER_X,
        y: BROKER_Y,
        w: BROKER_W,
        h: content_bottom + 10.0 - BROKER_Y,
    };
    let height = (broker.bottom() + 6.0)
        .max(reaper_y.map_or(0.0, |y| y + NODE_R + 22.0))
        .max(last_row + CARD_H / 2.0 + 46.0);
    StageLayout {
        width: WIDTH,
        height,
        vertical: false,
        producers: producer_ys
            .iter()
            .map(|&y| Shape::Circle {
                centre: (PRODUCER_X, y),
                r: NODE_R,
            })
            .collect(),
        consumers: consumer_ys
            .iter()
            .take(consumers)
            .map(|&y| {
                Shape::Box(Rect {
                    x: CARD_X,
                    y: y - CARD_H / 2.0,
                    w: CARD_W,
                    h: CARD_H,
                })
            })
            .collect(),
        db: Shape::Box(Rect {
            x: DB_X - DB_W / 2.0,
            y: FIRST_ROW - CARD_H / 2.0,
            w: DB_W,
            h: last_row - FIRST_ROW + CARD_H,
        }),
        reaper: reaper_y.map(|y| Shape::Circle {
            centre: (PRODUCER_X, y),
            r: NODE_R + 4.0,
        }),
        broker,
        queue_lane: lane(QUEUE_LANE_Y),
        // The lane's name sits above it; the lane is level with its consumer's chip row.
        consumer_lanes: consumer_ys
            .iter()
            .take(consumers)
            .map(|&y| lane(y - LANE_H / 2.0 + 6.0))
            .collect(),
        dead_lane: dead,
    }
}

/// A phone's drawing width: about the CSS pixels a 390 px screen gives the stage, so the
/// drawing is at full scale there and its labels (12 units on a phone) read at 11 px and up.
pub const PHONE_WIDTH: f64 = 360.0;
const PHONE_MARGIN: f64 = 6.0;
/// A phone's consumer card is never wider than this, however few the consumers.
const PHONE_CARD_MAX_W: f64 = 120.0;
/// The producers' (and the reaper's) centres, under their counts.
const PHONE_PRODUCER_Y: f64 = 58.0;
/// The room a chip needs to travel along a link between two rows.
const PHONE_GAP: f64 = 64.0;
/// A consumer's card on a phone: its name, its state under it, the message it holds under
/// that.
pub const PHONE_CARD_H: f64 = 70.0;
const PHONE_CARD_GAP: f64 = 6.0;
/// Room at the broker's bottom for the note it shows when it is down.
const PHONE_BROKER_FOOT: f64 = 26.0;

/// The phone's layout: the producers (and the reaper) in a row at the top, Redis below
/// them as wide as the screen with its lanes one above the other (the queue, one per
/// consumer, the dead letters), the consumers in a row under Redis, and the database at
/// the bottom. Every link is vertical, so the drawing needs no more width than a phone has.
pub fn phone_layout(
    producers: usize,
    consumers: usize,
    reaper: bool,
    dead_lane: bool,
) -> StageLayout {
    let inner = PHONE_WIDTH - 2.0 * PHONE_MARGIN;
    // The top row keeps a chip's width from both edges: the chips beside the first and
    // the last producer's links stay on the drawing.
    let top_row = producers + usize::from(reaper);
    let edge = CHIP_W + 4.0;
    let top_x = |i: usize| {
        if top_row <= 1 {
            PHONE_WIDTH / 2.0
        } else {
            edge + (PHONE_WIDTH - 2.0 * edge) * i as f64 / (top_row - 1) as f64
        }
    };
    let broker_y = PHONE_PRODUCER_Y + NODE_R + 4.0 + PHONE_GAP;
    let lane = |y: f64| Rect {
        x: PHONE_MARGIN + 8.0,
        y,
        w: inner - 16.0,
        h: LANE_H,
    };
    // Redis's name and persistence on its first line, then the lanes with their names.
    let lane_pitch = LANE_NAME_H + LANE_H + 6.0;
    let queue_y = broker_y + 42.0;
    let consumer_lanes: Vec<Rect> = (0..consumers)
        .map(|i| lane(queue_y + lane_pitch * (i + 1) as f64))
        .collect();
    let dead_y = queue_y + lane_pitch * (consumers + 1) as f64;
    let dead = dead_lane.then(|| lane(dead_y));
    let last_lane_bottom = dead
        .or(consumer_lanes.last().copied())
        .map_or(queue_y + LANE_H, |l| l.bottom());
    let broker = Rect {
        x: PHONE_MARGIN,
        y: broker_y,
        w: inner,
        h: last_lane_bottom + PHONE_BROKER_FOOT - broker_y,
    };
    let card_top = broker.bottom() + PHONE_GAP;
    let n = consumers.max(1) as f64;
    let card_w = ((inner - PHONE_CARD_GAP * (n - 1.0)) / n).min(PHONE_CARD_MAX_W);
    let card_slot = inner / n;
    let cards = (0..consumers).map(|i| {
        let cx = PHONE_MARGIN + card_slot * (i as f64 + 0.5);
        Shape::Box(Rect {
            x: cx - card_w / 2.0,
            y: card_top,
            w: card_w,
            h: PHONE_CARD_H,
        })
    });
    let db_y = card_top + PHONE_CARD_H + PHONE_GAP + DB_R;
    StageLayout {
        width: PHONE_WIDTH,
        // The database's three lines of counts under it.
        height: db_y + DB_R + 48.0,
        vertical: true,
        producers: (0..producers)
            .map(|i| Shape::Circle {
                centre: (top_x(i), PHONE_PRODUCER_Y),
                r: NODE_R,
            })
            .collect(),
        consumers: cards.collect(),
        db: Shape::Circle {
            centre: (PHONE_WIDTH / 2.0, db_y),
            r: DB_R,
        },
        reaper: reaper.then(|| Shape::Circle {
            centre: (top_x(producers), PHONE_PRODUCER_Y),
            r: NODE_R + 4.0,
        }),
        broker,
        queue_lane: lane(queue_y),
        consumer_lanes,
        dead_lane: dead,
    }
}

/// The ends of a link on a phone, where one shape is above the other: from the upper one's
/// bottom to the lower one's top, straight down where a circle meets a box (a producer
/// over Redis) and from a box's middle otherwise.
pub fn vertical_link(a: Shape, b: Shape) -> ((f64, f64), (f64, f64)) {
    let swap = a.centre().1 > b.centre().1;
    let (upper, lower) = if swap { (b, a) } else { (a, b) };
    let ends = match (upper, lower) {
        (Shape::Circle { centre, r }, Shape::Box(l)) => {
            let x = centre.0.clamp(l.x + 6.0, l.right() - 6.0);
            ((x, centre.1 + r), (x, l.y))
        }
        (Shape::Box(u), Shape::Box(l)) => {
            let narrower = if u.w <= l.w { u } else { l };
            let x = narrower.centre().0;
            ((x, u.bottom()), (x, l.y))
        }
        (Shape::Box(u), circle) => {
            let from = (u.centre().0, u.bottom());
            (from, circle.edge_toward(from))
        }
        (circle, other) => (
            circle.edge_toward(other.centre()),
            other.edge_toward(circle.centre()),
        ),
    };
    if swap {
        (ends.1, ends.0)
    } else {
        ends
    }
}

impl StageLayout {
    /// The ends of the link between two shapes of this layout.
    pub fn link(&self, a: Shape, b: Shape) -> ((f64, f64), (f64, f64)) {
        if self.vertical {
            vertical_link(a, b)
        } else {
            link(a, b)
        }
    }

    /// Where a chip in flight sits `t` of the way along a link of this layout: on a phone
    /// it keeps half its extent along the link from both ends (half its height on a
    /// vertical link, more on a slanted one); on the full layout's level links, half its
    /// width.
    pub fn flight_point(&self, a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
        if self.vertical {
            let (ux, uy) = unit(a, b);
            let inset = ux.abs() * CHIP_W / 2.0 + uy.abs() * CHIP_H / 2.0 + 2.0;
            inset_point(a, b, t, inset)
        } else {
            flight_point(a, b, t)
        }
    }

    /// How far a chip is set beside its link `a`–`b`, so that a request and its reply never
    /// cover each other: 11 units above or below a level link of the full layout; on a
    /// phone, to one side of the link and square to it (half a chip's width left or right
    /// of a vertical one), so a chip near a slanted link's end stays off the circle it ends
    /// on.
    pub fn beside(&self, a: (f64, f64), b: (f64, f64), going_back: bool) -> (f64, f64) {
        let side = if going_back { -1.0 } else { 1.0 };
        if !self.vertical {
            return (0.0, side * 11.0);
        }
        // The same side of a link whichever way the chip goes: square to its downward
        // direction.
        let (ux, uy) = if a.1 <= b.1 { unit(a, b) } else { unit(b, a) };
        let (px, py) = (-uy, ux);
        // Far enough that the two chips' boxes are apart, across or along.
        let across = (CHIP_W / 2.0) / px.abs().max(1e-9);
        let along = (CHIP_H / 2.0) / py.abs().max(1e-9);
        let d = side * (across.min(along) + 2.0);
        (px * d, py * d)
    }
}

/// The unit vector from `a` to `b` (straight down when they coincide).
fn unit(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 {
        (0.0, 1.0)
    } else {
        (dx / len, dy / len)
    }
}

/// Where a chip in flight sits `t` (0 to 1) of the way along a link: its centre stays half
/// a chip away from both ends, so it never covers what the link connects.
pub fn flight_point(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    inset_point(a, b, t, CHIP_W / 2.0 + 2.0)
}

/// A point `t` of the way along `a`–`b` shortened by `inset` at both ends (at most to its
/// middle).
fn inset_point(a: (f64, f64), b: (f64, f64), t: f64, inset: f64) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    let inset = inset.min(len / 2.0);
    if len < 1e-9 {
        return a;
    }
    let (ux, uy) = (dx / len, dy / len);
    lerp(
        (a.0 + ux * inset, a.1 + uy * inset),
        (b.0 - ux * inset, b.1 - uy * inset),
        t,
    )
}

/// How many chips fit in a lane, and where the `i`-th sits: the first (the next to be
/// handed out) at the right end, nearest the consumers.
pub fn lane_capacity(lane: Rect) -> usize {
    (((lane.w - 4.0) + CHIP_GAP) / (CHIP_W + CHIP_GAP))
        .floor()
        .max(1.0) as usize
}

pub fn chip_slot(lane: Rect, i: usize) -> (f64, f64) {
    let x = lane.right() - 2.0 - CHIP_W - i as f64 * (CHIP_W + CHIP_GAP);
    (x, lane.y + (lane.h - CHIP_H) / 2.0)
}

/// The chips a lane shows and how many more it holds: when they do not all fit, the
/// last slot shows "+N" instead of a chip.
pub fn visible_chips(lane: Rect, count: usize) -> (usize, usize) {
    let cap = lane_capacity(lane);
    if count <= cap {
        (count, 0)
    } else {
        (cap - 1, count - (cap - 1))
    }
}

/// A step line through `(time, value)` points, in a `w`×`h` box, time `from..to` left to
/// right and value `0..=max` bottom to top. The first point may be before `from` (it sets
/// the value at `from`); the line ends at the last point (add one at the present).
pub fn step_path(points: &[(f64, f64)], from: f64, to: f64, max: f64, w: f64, h: f64) -> String {
    if points.is_empty() || to <= from {
        return String::new();
    }
    let x = |t: f64| ((t - from) / (to - from)).clamp(0.0, 1.0) * w;
    let y = |v: f64| h - (v / max.max(1.0)).clamp(0.0, 1.0) * h;
    let mut d = format!("M{:.1},{:.1}", x(points[0].0), y(points[0].1));
    for &(t, v) in &points[1..] {
        d.push_str(&format!("H{:.1}V{:.1}", x(t), y(v)));
    }
    d
}

/// A round upper bound for a chart's axis: 4, 8, 12, 20, 40, 80, ...
pub fn axis_max(peak: u64) -> u64 {
    [4, 8, 12, 20, 40, 80, 120, 200, 400, 800, 1200, 2000]
        .into_iter()
        .find(|m| *m >= peak)
        .unwrap_or(peak.next_multiple_of(1000))
}

/// How tall a database cylinder's top ellipse is, half of it.
pub const CYLINDER_RY: f64 = 6.0;

/// The outline of a database cylinder filling `b`: the body with its curved top and
/// bottom, then the near half of the top ellipse as its rim.
pub fn cylinder(b: Rect) -> String {
    let (rx, ry) = (b.w / 2.0, CYLINDER_RY);
    let (left, right, top, bottom) = (b.x, b.right(), b.y + ry, b.bottom() - ry);
    format!(
        "M{left:.1},{top:.1}A{rx:.1},{ry:.1} 0 0 1 {right:.1},{top:.1}V{bottom:.1}\
         A{rx:.1},{ry:.1} 0 0 1 {left:.1},{bottom:.1}ZM{left:.1},{top:.1}\
         A{rx:.1},{ry:.1} 0 0 0 {right:.1},{top:.1}"
    )
}
