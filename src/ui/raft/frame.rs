//! The Raft stage's two frames: the wide one of the full page and of an embed (the ring of
//! servers left, the log grid right, in [`VIEW_W`] × [`VIEW_H`]), and a phone's, stacked:
//! the ring on top and the log grid under it, in a frame [`PHONE_W`] units wide, drawn at
//! about full scale on a phone so that labels read at 11 CSS px and up. A narrow embed (a
//! 420-pixel iframe) stacks them too, its ring flattened to fit the embed's short stage.
//!
//! On a phone the role words sit above or below their server (a word beside a server at
//! the ring's side would need the width the phone lacks); [`place_role_words`] tries each
//! word's places in turn and keeps the first that covers no server, client or other word.
//! When a crowded ring (7 to 11 servers) leaves a plain follower's word no room, the word is
//! left out: its thin ring says "follower" (the legend), and a tap on it names its role.
//! Pure, so it is tested natively (`tests/raft_phone_geometry.rs`).
use super::geometry::*;
use std::f64::consts::{FRAC_PI_2, TAU};

/// The phone frame's width: about 365 CSS px of stage on a 390 px phone, so a scale of
/// about 1 (0.92 on a 360 px phone), and 12-unit labels stay above 11 px.
pub const PHONE_W: f64 = 360.0;
/// The phone ring's horizontal radius: a centred word of up to about 110 units under a
/// server at the ring's side still fits inside the frame.
pub const PHONE_RX: f64 = 118.0;
/// A narrow embed's ring's horizontal radius: wider than a phone's, for a ring flattened to
/// fit the embed's height. A word of up to about 75 units ("candidate") centred under a
/// server at the ring's side still fits inside the frame.
pub const NARROW_EMBED_RX: f64 = 140.0;
/// The role words' font size (`.raft-server .role` in the stylesheet).
pub const ROLE_FONT: f64 = 13.0;
/// How far a word above or below a server keeps from its centre (its timer arc's radius
/// and a gap).
const WORD_GAP: f64 = TIMER_R + 5.0;
/// The room above and below the ring for the words of its top and bottom servers.
const WORD_ROOM: f64 = WORD_GAP + ROLE_FONT + 8.0;
/// How far a candidate's vote tally stacks from its role word, away from the server.
pub const TALLY_LINE: f64 = 15.0;
/// Under the ring, before the grid's index row.
const GRID_GAP: f64 = 30.0;
/// Under the grid, before the first row of removed entries: room for their title.
const REMOVED_GAP: f64 = 26.0;

/// Which frame the stage takes: the wide one (the full page, an embed), a phone's, or a
/// narrow embed's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Wide,
    Phone,
    NarrowEmbed,
}

/// Where the stage draws: its view box, the ring (an ellipse on a phone with many servers,
/// which gives the servers at its sides room between them for their words) and the grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StageFrame {
    pub phone: bool,
    pub width: f64,
    pub height: f64,
    pub centre: Point,
    pub radius_x: f64,
    pub radius_y: f64,
    pub grid_x: f64,
    pub grid_top: f64,
    /// A log cell's width (with its gap): [`CELL_W`], less when the window has more
    /// columns than fit at that width.
    pub cell_w: f64,
}

/// A log cell's width when `columns` share `room` units: [`CELL_W`], or less to fit.
fn cell_width(room: f64, columns: u64) -> f64 {
    (room / columns.max(1) as f64).min(CELL_W)
}

fn angle_of(i: u32, n: u32) -> f64 {
    -FRAC_PI_2 + TAU * f64::from(i) / f64::from(n.max(1))
}

impl StageFrame {
    /// The full page's and an embed's frame (`geometry`'s constants).
    pub fn wide() -> StageFrame {
        StageFrame {
            phone: false,
            width: VIEW_W,
            height: VIEW_H,
            centre: (RING_CX, RING_CY),
            radius_x: RING_R,
            radius_y: RING_R,
            grid_x: GRID_X,
            grid_top: GRID_TOP,
            cell_w: CELL_W,
        }
    }

    /// The same frame with a log window of `columns` indexes: the grid keeps its place
    /// and its right edge, its cells narrow if they must.
    pub fn with_columns(self, columns: u64) -> StageFrame {
        let room = self.width - self.grid_x - GRID_NAME_W;
        StageFrame {
            cell_w: cell_width(room, columns),
            ..self
        }
    }

    /// A phone's frame for `servers` servers (spares included): the ring, taller than wide
    /// when it has many servers, then one grid row per server.
    pub fn phone(servers: u32, cells: u64) -> StageFrame {
        let radius_y = match servers {
            0..=5 => PHONE_RX,
            6..=7 => 150.0,
            8..=9 => 180.0,
            _ => 210.0,
        };
        StageFrame::stacked(servers, cells, PHONE_RX, radius_y)
    }

    /// A narrow embed's frame (a 420-pixel iframe, whose stage is about 300 pixels tall):
    /// the phone's, with the ring flattened into an ellipse wider than tall, so that the
    /// whole ring of up to five servers is shown at about full scale in the stage and the
    /// grid under it is reached by scrolling the stage (see [`StageFrame::ring_bottom`]).
    /// A bigger ring needs more height for its words: the stylesheet keeps it at 0.85 scale
    /// or more, and its lowest servers may need a little scrolling too.
    pub fn narrow_embed(servers: u32, cells: u64) -> StageFrame {
        let radius_y = match servers {
            0..=5 => 80.0,
            6..=7 => 118.0,
            8..=9 => 150.0,
            _ => 195.0,
        };
        StageFrame::stacked(servers, cells, NARROW_EMBED_RX, radius_y)
    }

    fn stacked(servers: u32, cells: u64, radius_x: f64, radius_y: f64) -> StageFrame {
        // Over the top server's word, its tally when it stands for election: the frame
        // holds it, or it would be cut at the frame's top, against the caption.
        let cy = radius_y + WORD_ROOM + TALLY_LINE;
        let grid_top = cy + radius_y + WORD_ROOM + GRID_GAP;
        let cell_w = cell_width(PHONE_W - 8.0 - GRID_NAME_W, cells);
        let grid_w = GRID_NAME_W + cells as f64 * cell_w;
        StageFrame {
            phone: true,
            width: PHONE_W,
            height: grid_top + f64::from(servers) * ROW_H + 4.0,
            centre: (PHONE_W / 2.0, cy),
            radius_x,
            radius_y,
            grid_x: ((PHONE_W - grid_w) / 2.0).max(4.0),
            grid_top,
            cell_w,
        }
    }

    /// Where the ring's part of a stacked frame ends (its lowest words and tallies), above
    /// the grid: a narrow embed fits this much of the frame to its stage's height.
    pub fn ring_bottom(&self) -> f64 {
        self.grid_top - GRID_GAP + 18.0
    }

    /// Server `i` of `n`: evenly (by angle) around the ring, the first at the top.
    pub fn server(&self, i: u32, n: u32) -> Point {
        if !self.phone {
            return server_position(i, n);
        }
        let a = angle_of(i, n);
        (
            self.centre.0 + self.radius_x * a.cos(),
            self.centre.1 + self.radius_y * a.sin(),
        )
    }

    /// The unit vector from server `i` of `n` away from the ring's middle.
    pub fn outward(&self, i: u32, n: u32) -> Point {
        if !self.phone {
            return outward(i, n);
        }
        let p = self.server(i, n);
        let (dx, dy) = (p.0 - self.centre.0, p.1 - self.centre.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        (dx / len, dy / len)
    }

    /// Client `j` of `count`: side by side in the middle of the ring.
    pub fn client(&self, j: u32, count: u32) -> Point {
        if !self.phone {
            return client_position(j, count);
        }
        let offset = f64::from(j) - f64::from(count.saturating_sub(1)) / 2.0;
        (self.centre.0 + offset * (CLIENT_W + 12.0), self.centre.1)
    }

    /// The left edge of the grid's cell for `index` when the window starts at `first`.
    pub fn cell_x(&self, index: u64, first: u64) -> f64 {
        self.grid_x + GRID_NAME_W + index.saturating_sub(first) as f64 * self.cell_w
    }

    /// The top of the grid's row `row`.
    pub fn row_y(&self, row: usize) -> f64 {
        self.grid_top + row as f64 * ROW_H
    }

    /// Under the grid of `servers` rows, the top of the row `row` of the entries conflicts
    /// removed (a title line first, as the grid's index line).
    pub fn removed_row_y(&self, servers: usize, row: usize) -> f64 {
        self.row_y(servers) + REMOVED_GAP + (row as f64) * ROW_H
    }

    /// How many rows of removed entries the frame holds under a grid of `servers` rows:
    /// a stacked frame grows to hold them all; the wide frame keeps its height and holds
    /// those that fit.
    pub fn removed_rows_fit(&self, servers: usize, wanted: usize) -> usize {
        if self.phone {
            return wanted;
        }
        let room = self.height - self.removed_row_y(servers, 0) - 2.0;
        wanted.min((room / ROW_H).floor().max(0.0) as usize)
    }

    /// The same frame with room for `rows` rows of removed entries under a grid of
    /// `servers` rows: a stacked frame grows by their height; the wide one stays.
    pub fn with_removed_rows(self, servers: usize, rows: usize) -> StageFrame {
        if !self.phone || rows == 0 {
            return self;
        }
        StageFrame {
            height: self.height.max(self.removed_row_y(servers, rows) + 4.0),
            ..self
        }
    }

    /// Where the dots for a candidate's votes go: on the side facing the ring's middle.
    /// On a phone they spread over at most 100 degrees, clear of the words above and below.
    pub fn vote_dots(&self, i: u32, n: u32, count: usize) -> Vec<Point> {
        let c = self.server(i, n);
        let out = self.outward(i, n);
        let toward = (-out.0, -out.1);
        if !self.phone {
            return vote_dots(c, toward, count);
        }
        let base = toward.1.atan2(toward.0);
        let spread = if count > 1 {
            (1.75 / (count as f64 - 1.0)).min(0.32)
        } else {
            0.0
        };
        let r = TIMER_R + 8.0;
        (0..count)
            .map(|k| {
                let a = base + (k as f64 - (count as f64 - 1.0) / 2.0) * spread;
                (c.0 + r * a.cos(), c.1 + r * a.sin())
            })
            .collect()
    }
}

/// About how wide a word is at `font` units: Latin letters about 0.64 of the font size
/// (bold, generously), a Chinese character a whole one.
pub fn word_width(text: &str, font: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.64 } else { 1.0 } * font)
        .sum()
}

/// Where a candidate's vote tally goes, given its role word's baseline `word` and its
/// server's centre: stacked on the word, away from the server (over a word above the
/// server, under one beside or below it), with the same anchor.
pub fn tally_at(word: Point, server: Point) -> Point {
    if word.1 < server.1 - NODE_R {
        (word.0, word.1 - TALLY_LINE)
    } else {
        (word.0, word.1 + TALLY_LINE)
    }
}

/// A role word's place: its anchor point (the baseline) and its `text-anchor`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordSpot {
    pub at: Point,
    pub anchor: &'static str,
}

/// A box: left, top, right, bottom.
pub type Rect = (f64, f64, f64, f64);

impl WordSpot {
    /// The box a word `width` units wide covers there.
    pub fn rect(&self, width: f64) -> Rect {
        let left = match self.anchor {
            "start" => self.at.0,
            "end" => self.at.0 - width,
            _ => self.at.0 - width / 2.0,
        };
        (left, self.at.1 - 10.5, left + width, self.at.1 + 3.5)
    }
}

/// A role word to place: its server, its width, and whether it must be shown (all but a
/// plain follower's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoleWord {
    pub server: u32,
    pub width: f64,
    pub must_show: bool,
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn rect_hits_circle(r: Rect, c: Point, radius: f64) -> bool {
    let x = c.0.clamp(r.0, r.2);
    let y = c.1.clamp(r.1, r.3);
    (x - c.0).powi(2) + (y - c.1).powi(2) < radius * radius
}

/// How far from a server's centre another server's word must keep: its timer arc.
pub const WORD_CLEARANCE: f64 = TIMER_R + 1.0;

/// The places a phone tries for server `i`'s word, best first: above a server in the ring's
/// top half, below one in its bottom half (centred, then leaning outward, then inward),
/// then the other side, then beside it, outward.
fn candidates(frame: &StageFrame, i: u32, n: u32) -> Vec<WordSpot> {
    let c = frame.server(i, n);
    let out = frame.outward(i, n);
    let above = c.1 - WORD_GAP - 3.5;
    let below = c.1 + WORD_GAP + 10.5;
    // Leaning: the word starts (or ends) a little past the server's middle.
    let (lean_out, lean_in) = if out.0 >= 0.0 {
        ((c.0 - 12.0, "start"), (c.0 + 12.0, "end"))
    } else {
        ((c.0 + 12.0, "end"), (c.0 - 12.0, "start"))
    };
    let (first, second) = if out.1 < -0.05 {
        (above, below)
    } else {
        (below, above)
    };
    let mut spots = Vec::with_capacity(7);
    for y in [first, second] {
        for (x, anchor) in [(c.0, "middle"), lean_out, lean_in] {
            spots.push(WordSpot { at: (x, y), anchor });
        }
    }
    let side = if out.0 >= 0.0 { 1.0 } else { -1.0 };
    spots.push(WordSpot {
        at: (c.0 + side * (WORD_GAP + 2.0), c.1 + 4.5),
        anchor: if side > 0.0 { "start" } else { "end" },
    });
    spots
}

/// Places the role words of a phone's ring (`words` indexed by nothing: each names its
/// server): the words that must be shown first, each at its first place that stays in the
/// frame above the grid and covers no server, no client and no word placed before it.
/// A word that must be shown and has no such place takes its first place in the frame; a
/// plain follower's word with no room is left out (`None`). The result is by server.
pub fn place_role_words(
    frame: &StageFrame,
    n: u32,
    clients: u32,
    words: &[RoleWord],
) -> Vec<Option<WordSpot>> {
    let mut spots: Vec<Option<WordSpot>> = vec![None; n as usize];
    let mut taken: Vec<Rect> = (0..clients)
        .map(|j| {
            let (x, y) = frame.client(j, clients);
            (
                x - CLIENT_W / 2.0 - 3.0,
                y - CLIENT_H / 2.0 - 3.0,
                x + CLIENT_W / 2.0 + 3.0,
                y + CLIENT_H / 2.0 + 3.0,
            )
        })
        .collect();
    let centres: Vec<Point> = (0..n).map(|i| frame.server(i, n)).collect();
    let bottom = frame.grid_top - GRID_GAP + 4.0;
    let ordered = words
        .iter()
        .filter(|w| w.must_show)
        .chain(words.iter().filter(|w| !w.must_show));
    for word in ordered {
        if word.server >= n {
            continue;
        }
        let places = candidates(frame, word.server, n);
        let inside =
            |r: Rect| r.0 >= 2.0 && r.2 <= frame.width - 2.0 && r.1 >= 0.0 && r.3 <= bottom;
        let free = |r: Rect| {
            inside(r)
                && !taken.iter().any(|&t| overlaps(r, t))
                && !centres
                    .iter()
                    .any(|&c| rect_hits_circle(r, c, WORD_CLEARANCE))
        };
        let chosen = places
            .iter()
            .copied()
            .find(|p| free(p.rect(word.width)))
            .or_else(|| {
                word.must_show.then(|| {
                    places
                        .iter()
                        .copied()
                        .find(|p| inside(p.rect(word.width)))
                        .unwrap_or(places[0])
                })
            });
        if let Some(spot) = chosen {
            taken.push(spot.rect(word.width));
            spots[word.server as usize] = Some(spot);
        }
    }
    spots
}
