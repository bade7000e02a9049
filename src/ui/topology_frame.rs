//! The generic stage's frames (`ui/topology.rs` draws in one): the view box of the full
//! app, of an embed (wide, or narrow), of a phone, or of a scene's own layout, and where
//! nodes sit in each when no scene places them. Pure; tested in `tests/topology_geometry.rs`.

/// The square frame of the full app (drawn about 560 to 700 CSS px wide).
pub const SIZE: f64 = 400.0;
/// Below the square, room for the bottom node's second mark (2PC's log record under
/// "blocked").
const SQUARE_MARK_ROOM: f64 = 16.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 30.0;

/// An embed's stage is about 720×300 CSS pixels: there the nodes go around a wide ellipse in
/// a frame of this size, drawn at about full scale, so that labels set at 11 to 14 units
/// read at 11 CSS pixels or more, with bigger circles to hold the bigger state names.
pub const COMPACT_WIDTH: f64 = 660.0;
pub const COMPACT_HEIGHT: f64 = 300.0;
const COMPACT_NODE_R: f64 = 38.0;

/// A narrow embed's stage (a 420×460 iframe) is about 410×335 CSS pixels: there the wide
/// frame would be drawn at 0.6 scale, its labels at 7 px. This frame, nearly as tall as it
/// is wide, is drawn at about full scale there (0.98), with the wide frame's font sizes.
const COMPACT_NARROW_WIDTH: f64 = 400.0;
const COMPACT_NARROW_HEIGHT: f64 = 340.0;
const COMPACT_NARROW_NODE_R: f64 = 34.0;

/// On a phone the square stage is about 370 CSS pixels wide, drawn at about 0.9 scale:
/// there the circles grow and the labels are set at 12.5 units and up (`.topology.narrow`
/// in the stylesheet), so that they read at 11 CSS pixels or more. The frame gains room
/// below for the marks of the bottom node, whose circle is now bigger.
const NARROW_NODE_R: f64 = 40.0;
const NARROW_TOP: f64 = -8.0;
const NARROW_HEIGHT: f64 = SIZE + 52.0;

/// A message's dot: its radius in every frame.
pub const DOT_R: f64 = 7.0;
/// The halo drawn around a node's circle (selection, tour highlight), past its radius.
pub const HALO: f64 = 6.0;

/// Which of the generic stage's frames a picture is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// The full app: a square, nodes around a circle.
    Square,
    /// An embed: a wide frame, nodes around an ellipse.
    Compact,
    /// A phone: the square with bigger circles and labels.
    Narrow,
    /// A scene's own layout (its width and height), with the square's sizes.
    Layout,
}

/// A frame: its view box, the nodes' radius, and the sizes of the texts the geometry must
/// keep apart (in SVG units; the stage sets message labels at `label_font` itself, and the
/// stylesheet's sizes for names, states and marks are the ones written here).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub kind: FrameKind,
    pub min_x: f64,
    pub min_y: f64,
    pub width: f64,
    pub height: f64,
    pub node_r: f64,
    /// A message label's font size.
    pub label_font: f64,
    /// The font size of the "paused" word above a paused node.
    pub pause_font: f64,
    /// The font sizes of a node's name and of its state, inside its circle.
    pub name_font: f64,
    pub state_font: f64,
    /// An embed's room beside its ellipse, for the side nodes' message labels.
    pub side_room: f64,
}

impl Frame {
    pub fn square() -> Frame {
        Frame {
            kind: FrameKind::Square,
            min_x: 0.0,
            min_y: 0.0,
            width: SIZE,
            height: SIZE + SQUARE_MARK_ROOM,
            node_r: NODE_R,
            label_font: 8.5,
            pause_font: 10.0,
            name_font: 12.0,
            state_font: 8.5,
            side_room: 60.0,
        }
    }

    pub fn compact() -> Frame {
        Frame {
            kind: FrameKind::Compact,
            width: COMPACT_WIDTH,
            height: COMPACT_HEIGHT,
            node_r: COMPACT_NODE_R,
            label_font: 12.0,
            pause_font: 12.0,
            name_font: 15.0,
            state_font: 11.5,
            ..Frame::square()
        }
    }

    /// An embed's frame in a narrow iframe (the shell's phone width or less).
    pub fn compact_narrow() -> Frame {
        Frame {
            width: COMPACT_NARROW_WIDTH,
            height: COMPACT_NARROW_HEIGHT,
            node_r: COMPACT_NARROW_NODE_R,
            // Less than the wide frame's: nine nodes must fit around the ellipse.
            side_room: 24.0,
            ..Frame::compact()
        }
    }

    pub fn narrow() -> Frame {
        Frame {
            kind: FrameKind::Narrow,
            min_y: NARROW_TOP,
            height: NARROW_HEIGHT,
            node_r: NARROW_NODE_R,
            label_font: 12.5,
            pause_font: 12.5,
            name_font: 15.0,
            state_font: 12.5,
            ..Frame::square()
        }
    }

    /// A scene's own layout of `width` × `height`, its labels set at `label_font`.
    pub fn layout(width: f64, height: f64, label_font: f64) -> Frame {
        Frame {
            kind: FrameKind::Layout,
            width,
            height,
            label_font,
            ..Frame::square()
        }
    }

    /// The `viewBox` attribute.
    pub fn view_box(&self) -> String {
        format!(
            "{} {} {} {}",
            self.min_x, self.min_y, self.width, self.height
        )
    }

    /// The view box as a rectangle.
    pub fn bounds(&self) -> Rect {
        Rect {
            left: self.min_x,
            top: self.min_y,
            right: self.min_x + self.width,
            bottom: self.min_y + self.height,
        }
    }

    /// Where node `i` of `n` sits when no scene places it.
    pub fn node_position(&self, i: u32, n: u32) -> (f64, f64) {
        match self.kind {
            FrameKind::Compact => ellipse_position(self, i, n),
            _ => node_position(i, n),
        }
    }
}

/// Where node `i` of `n` sits: evenly around a circle, the first at the top.
pub fn node_position(i: u32, n: u32) -> (f64, f64) {
    let angle =
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(i) / f64::from(n.max(1));
    (
        SIZE / 2.0 + RING * angle.cos(),
        SIZE / 2.0 + RING * angle.sin(),
    )
}

/// Where node `i` of `n` sits in an embed's frame: around an ellipse, the first at the
/// top, leaving room beside it for labels and at the bottom for two marks of a node (2PC's
/// "blocked" over its newest log record). Nodes are
/// spaced evenly by distance along the ellipse, not by angle, which would crowd them at
/// its narrow ends.
fn ellipse_position(frame: &Frame, i: u32, n: u32) -> (f64, f64) {
    const SAMPLES: u32 = 720;
    let (w, h) = (frame.width, frame.height);
    let (rx, ry) = (
        w / 2.0 - frame.node_r - frame.side_room,
        h / 2.0 - frame.node_r - 28.0,
    );
    let at = |k: u32| {
        let angle = -std::f64::consts::FRAC_PI_2
            + std::f64::consts::TAU * f64::from(k) / f64::from(SAMPLES);
        (
            w / 2.0 + rx * angle.cos(),
            h / 2.0 - 16.0 + ry * angle.sin(),
        )
    };
    let step = |k: u32| {
        let ((x0, y0), (x1, y1)) = (at(k), at(k + 1));
        ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt()
    };
    let perimeter: f64 = (0..SAMPLES).map(step).sum();
    let wanted = perimeter * f64::from(i) / f64::from(n.max(1));
    let mut walked = 0.0;
    for k in 0..SAMPLES {
        if walked >= wanted {
            return at(k);
        }
        walked += step(k);
    }
    at(0)
}

/// An axis-aligned rectangle in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Rect {
    /// A rectangle of `width` × `height` centred on `(x, y)`.
    pub fn centred(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect {
            left: x - width / 2.0,
            top: y - height / 2.0,
            right: x + width / 2.0,
            bottom: y + height / 2.0,
        }
    }

    /// The area the two rectangles share (0 when they don't meet).
    pub fn overlap(&self, other: &Rect) -> f64 {
        let w = self.right.min(other.right) - self.left.max(other.left);
        let h = self.bottom.min(other.bottom) - self.top.max(other.top);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }

    /// The area of this rectangle outside `bounds`.
    pub fn outside(&self, bounds: &Rect) -> f64 {
        (self.right - self.left) * (self.bottom - self.top) - self.overlap(bounds)
    }

    /// This rectangle with `by` more on every side.
    pub fn grown(&self, by: f64) -> Rect {
        Rect {
            left: self.left - by,
            top: self.top - by,
            right: self.right + by,
            bottom: self.bottom + by,
        }
    }

    pub fn centre(&self) -> (f64, f64) {
        (
            (self.left + self.right) / 2.0,
            (self.top + self.bottom) / 2.0,
        )
    }
}
