//! Where the load-balancing stage draws things: the clients, balancers and servers in three
//! columns, the wires between them (requests above, answers below, so they never share a
//! line), each request dot's position at the playhead, and the latency chart's scales.
//! Pure, so it is tested natively.
use crate::algo::balance::views::{RequestPath, Stage};
use crate::sim::Time;

/// The stage's width in SVG units.
pub const WIDTH: f64 = 760.0;
/// Where the flow of requests starts.
pub const FLOW_TOP: f64 = 40.0;
/// How tall the flow is on the page, and in an embed. An embed at 720×460 that opens a
/// tour stop leaves the stage about 320 CSS pixels of height (under the tour's line and
/// the caption's three, over the bar), and the whole drawing must keep 13-unit text at 11
/// CSS pixels or more: 378 units tall at most. With a flow of 206 and 16 units between it
/// and the chart (398 units) a tour stop's words were 10.5 px; 192 and 8 give 376 units,
/// 11.06 px. The chart keeps its height: its axis's labels (1 ms, 10 ms, ...) are 15.5
/// units apart, and closer they touch.
pub const FLOW_HEIGHT: f64 = 258.0;
pub const FLOW_HEIGHT_COMPACT: f64 = 192.0;
pub const CHART_HEIGHT: f64 = 130.0;
/// The room between the flow and the chart's head, on the page and in an embed.
pub const CHART_GAP: f64 = 16.0;
pub const CHART_GAP_COMPACT: f64 = 8.0;
/// The height of an embed's stage at 720×460 when it opens a tour stop (see above).
pub const EMBED_TOUR_STAGE_PX: f64 = 320.0;

/// The stage's frame: its width, the flow (where it starts, how tall), then the latency
/// chart, and the columns the flow is drawn in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub flow_top: f64,
    pub flow_height: f64,
    /// Extra room at the chart's top for a second line of figures (a phone's).
    pub chart_head: f64,
    /// The room between the flow and the chart.
    pub chart_gap: f64,
    pub columns: Columns,
}

impl Frame {
    pub fn new(compact: bool) -> Frame {
        Frame {
            width: WIDTH,
            flow_top: FLOW_TOP,
            flow_height: if compact {
                FLOW_HEIGHT_COMPACT
            } else {
                FLOW_HEIGHT
            },
            chart_head: 0.0,
            chart_gap: if compact {
                CHART_GAP_COMPACT
            } else {
                CHART_GAP
            },
            columns: COLUMNS,
        }
    }

    /// A phone's frame, [`PHONE_WIDTH`] wide: `title_lines` lines of title (a comparison
    /// takes two) and a line for the sampling note above the column heads, a flow as tall
    /// as its rows need (16 units or more each), and a chart with its figures on two lines.
    pub fn phone(title_lines: u32, rows: u32) -> Frame {
        Frame {
            width: PHONE_WIDTH,
            flow_top: FLOW_TOP + 16.0 * f64::from(title_lines.max(1)),
            flow_height: (20.0 * f64::from(rows)).clamp(180.0, 320.0),
            chart_head: 16.0,
            chart_gap: CHART_GAP,
            columns: PHONE_COLUMNS,
        }
    }

    pub fn chart_top(&self) -> f64 {
        self.flow_top + self.flow_height + self.chart_gap
    }

    pub fn height(&self) -> f64 {
        self.chart_top() + self.chart_head + CHART_HEIGHT + 6.0
    }
}

/// Where the flow's columns are, left to right: the clients, the balancers, the servers'
/// boxes, their busy slots, their queues and the queue's count; and whether a
/// utilisation column ends the row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Columns {
    pub client: (f64, f64),
    pub balancer: (f64, f64),
    pub server: (f64, f64),
    pub slots_x: f64,
    pub slot_columns: u32,
    /// The largest slot square.
    pub slot_max: f64,
    pub queue: (f64, f64),
    pub queue_text_x: f64,
    pub util_x: Option<f64>,
    /// Names shortened to "#3" (a phone's narrow boxes), whatever the rows' height.
    pub short_names: bool,
}

/// Columns.
pub const CLIENT_X: (f64, f64) = (12.0, 102.0);
pub const BALANCER_X: (f64, f64) = (168.0, 262.0);
pub const SERVER_X: (f64, f64) = (330.0, 428.0);
pub const SLOTS_X: f64 = 436.0;
pub const SLOT_COLUMNS: u32 = 8;
pub const QUEUE_X: (f64, f64) = (548.0, 678.0);
pub const QUEUE_TEXT_X: f64 = 684.0;
pub const UTIL_TEXT_X: f64 = 756.0;

pub const COLUMNS: Columns = Columns {
    client: CLIENT_X,
    balancer: BALANCER_X,
    server: SERVER_X,
    slots_x: SLOTS_X,
    slot_columns: SLOT_COLUMNS,
    slot_max: 12.0,
    queue: QUEUE_X,
    queue_text_x: QUEUE_TEXT_X,
    util_x: Some(UTIL_TEXT_X),
    short_names: false,
};

/// A phone's width in SVG units: the stage is about 370 CSS pixels wide there, so 13-unit
/// text reads at 12 px.
pub const PHONE_WIDTH: f64 = 400.0;

/// A phone's columns: the same flow, narrower. Balancers and servers go by their numbers
/// ("#3", full names in their tooltips), four slot squares (a bar beyond), and the
/// utilisation is left to the tooltip and the panel, as on a dense row.
pub const PHONE_COLUMNS: Columns = Columns {
    client: (4.0, 56.0),
    balancer: (90.0, 138.0),
    server: (170.0, 243.0),
    slots_x: 249.0,
    slot_columns: 4,
    slot_max: 10.0,
    queue: (300.0, 362.0),
    queue_text_x: 366.0,
    util_x: None,
    short_names: true,
};

/// Answers travel this far below the requests' line.
pub const LANE_OFFSET: f64 = 5.0;

/// A box: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }

    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.y + self.h
    }
}

/// The three columns for a run's node counts.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    pub client: Rect,
    pub balancers: Vec<Rect>,
    pub servers: Vec<Rect>,
    /// The height of one server's row.
    pub row: f64,
}

/// `count` boxes stacked evenly in the flow area, each `fill` of its slot's height, at
/// most `max_h` tall.
fn stack(
    frame: Frame,
    count: u32,
    (x0, x1): (f64, f64),
    fill: f64,
    max_h: f64,
) -> (Vec<Rect>, f64) {
    let slot = frame.flow_height / f64::from(count.max(1));
    let h = (slot * fill).min(max_h);
    let rects = (0..count)
        .map(|i| Rect {
            x: x0,
            y: frame.flow_top + slot * f64::from(i) + (slot - h) / 2.0,
            w: x1 - x0,
            h,
        })
        .collect();
    (rects, slot)
}

pub fn layout(frame: Frame, balancers: u32, servers: u32) -> StageLayout {
    let cols = frame.columns;
    let (servers, row) = stack(frame, servers, cols.server, 0.9, 44.0);
    let (balancers, _) = stack(frame, balancers, cols.balancer, 0.8, 48.0);
    // A phone's client box is narrow: its load on two lines ("load", "60%").
    let client_h = if cols.short_names { 76.0 } else { 60.0 };
    StageLayout {
        client: Rect {
            x: cols.client.0,
            y: frame.flow_top + frame.flow_height / 2.0 - client_h / 2.0,
            w: cols.client.1 - cols.client.0,
            h: client_h,
        },
        balancers,
        servers,
        row,
    }
}

/// Rows closer than this (in SVG units) are *dense*: two 13-unit labels one above the
/// other would touch. Dense rows get a short name ("#12") set alternately at the left and
/// in the middle of the box, so that a name never sits right above or below another, and
/// leave their queue count and utilisation to the tooltip.
pub const DENSE_ROW: f64 = 17.0;

pub fn dense(row: f64) -> bool {
    row < DENSE_ROW
}

/// Where a server's name starts in its box: at the left, or for every other dense row in
/// the middle.
pub fn name_x(r: &Rect, index: u32, dense: bool) -> f64 {
    if dense && index % 2 == 1 {
        r.x + r.w / 2.0
    } else {
        r.x + 7.0
    }
}

/// A wire from the right edge of `from` to the left edge of `to`; answers use the lane
/// below.
pub fn wire(from: &Rect, to: &Rect, answer: bool) -> ((f64, f64), (f64, f64)) {
    let dy = if answer { LANE_OFFSET } else { -LANE_OFFSET };
    ((from.right(), from.cy() + dy), (to.x, to.cy() + dy))
}

/// How far along its wire a message is at `now` (0 when sent, 1 on arrival).
pub fn progress(sent: Time, arrives: Time, now: Time) -> f64 {
    if arrives <= sent {
        return 1.0;
    }
    (now.0.saturating_sub(sent.0) as f64 / (arrives.0 - sent.0) as f64).clamp(0.0, 1.0)
}

/// Where a request on a wire is drawn at `now` (`None` off the wires, or for a node the
/// layout does not have). Requests travel left to right on the upper lane; answers right
/// to left on the lower one.
pub fn dot_position(layout: &StageLayout, r: &RequestPath, now: Time) -> Option<(f64, f64)> {
    let (sent, arrives) = r.wire?;
    let balancer = layout.balancers.get(r.balancer? as usize)?;
    let server = || layout.servers.get(r.server? as usize);
    let ((x0, y0), (x1, y1), back) = match r.stage {
        Stage::ToBalancer => {
            let (a, b) = wire(&layout.client, balancer, false);
            (a, b, false)
        }
        Stage::ToServer => {
            let (a, b) = wire(balancer, server()?, false);
            (a, b, false)
        }
        Stage::ToBalancerReply => {
            let (a, b) = wire(balancer, server()?, true);
            (a, b, true)
        }
        Stage::ToClient => {
            let (a, b) = wire(&layout.client, balancer, true);
            (a, b, true)
        }
        Stage::Queued { .. } | Stage::InService { .. } => return None,
    };
    let t = progress(sent, arrives, now);
    let t = if back { 1.0 - t } else { t };
    Some((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
}

/// The slot squares of a server's row: their size and how many are drawn (a server with
/// more slots than [`SLOT_COLUMNS`] gets a bar instead).
pub fn slot_size(row: f64, columns: &Columns) -> f64 {
    (row - 8.0).clamp(6.0, columns.slot_max)
}

/// The latency chart's scales: time across, latency up on a log scale from 1 ms to 10 s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartScale {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    /// The bottom of the latency plot; the "not served" band is below it.
    pub bottom: f64,
    pub band_bottom: f64,
    pub end: Time,
    /// The top of the chart's frame (its header line).
    pub frame_top: f64,
}

pub const LATENCY_MIN_US: f64 = 1_000.0;
pub const LATENCY_MAX_US: f64 = 10_000_000.0;

impl ChartScale {
    pub fn new(frame: Frame, end: Time) -> ChartScale {
        let top = frame.chart_top();
        let head = frame.chart_head;
        ChartScale {
            left: 58.0,
            right: frame.width - 92.0,
            top: top + head + 26.0,
            bottom: top + head + CHART_HEIGHT - 42.0,
            band_bottom: top + head + CHART_HEIGHT - 16.0,
            end,
            frame_top: top,
        }
    }

    /// Where the time axis's labels sit.
    pub fn time_label_y(&self) -> f64 {
        self.band_bottom + 15.0
    }

    pub fn x(&self, t: Time) -> f64 {
        let f = t.0 as f64 / (self.end.0.max(1)) as f64;
        self.left + (self.right - self.left) * f.clamp(0.0, 1.0)
    }

    /// The height of a latency (microseconds), clamped to the plot.
    pub fn y(&self, us: u64) -> f64 {
        let v = (us as f64).clamp(LATENCY_MIN_US, LATENCY_MAX_US);
        let f = (v / LATENCY_MIN_US).log10() / (LATENCY_MAX_US / LATENCY_MIN_US).log10();
        self.bottom - (self.bottom - self.top) * f
    }

    /// The height of a share of requests not served (per thousand) in the band.
    pub fn band_y(&self, permille: u64) -> f64 {
        let f = permille.min(1_000) as f64 / 1_000.0;
        self.band_bottom - (self.band_bottom - self.bottom - 4.0) * f
    }
}

/// An SVG path through the points that have a value, broken where one has none.
pub fn line_path(points: impl Iterator<Item = (f64, Option<f64>)>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                d.push_str(&format!(
                    "{}{x:.1},{y:.1} ",
                    if pen_down { "L" } else { "M" }
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(stage: Stage, balancer: u32, server: u32) -> RequestPath {
        RequestPath {
            id: 1,
            balancer: Some(balancer),
            server: Some(server),
            stage,
            wire: Some((Time(0), Time(1_000))),
            msg: None,
            answer: None,
        }
    }

    #[test]
    fn dots_stay_off_every_box_on_every_wire() {
        for (b, s) in [(1, 1), (1, 4), (8, 16), (3, 7)] {
            let l = layout(Frame::new(false), b, s);
            let boxes: Vec<Rect> = std::iter::once(l.client)
                .chain(l.balancers.iter().copied())
                .chain(l.servers.iter().copied())
                .collect();
            for stage in [
                Stage::ToBalancer,
                Stage::ToServer,
                Stage::ToBalancerReply,
                Stage::ToClient,
            ] {
                for t in [0, 1, 250, 500, 999, 1_000] {
                    let p = dot_position(&l, &path(stage, b - 1, s - 1), Time(t))
                        .expect("a wire stage has a position");
                    for r in &boxes {
                        let inside = p.0 > r.x + 0.5 && p.0 < r.right() - 0.5 && r.contains(p);
                        assert!(!inside, "{stage:?} at {t}: {p:?} inside {r:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn requests_and_answers_use_separate_lanes() {
        let l = layout(Frame::new(false), 1, 4);
        let out = dot_position(&l, &path(Stage::ToServer, 0, 2), Time(500)).unwrap();
        let back = dot_position(&l, &path(Stage::ToBalancerReply, 0, 2), Time(500)).unwrap();
        assert!((out.1 - back.1).abs() >= 2.0 * LANE_OFFSET - 0.01);
        // An answer leaves the server (right) and arrives at the balancer (left).
        let start = dot_position(&l, &path(Stage::ToBalancerReply, 0, 2), Time(0)).unwrap();
        assert!((start.0 - l.servers[2].x).abs() < 0.01);
    }

    #[test]
    fn queued_requests_and_unknown_nodes_have_no_wire_position() {
        let l = layout(Frame::new(false), 1, 2);
        let mut q = path(Stage::Queued { position: 0 }, 0, 0);
        assert_eq!(dot_position(&l, &q, Time(0)), None);
        q = path(Stage::ToServer, 0, 5);
        assert_eq!(dot_position(&l, &q, Time(0)), None);
    }

    #[test]
    fn rows_are_tall_enough_for_a_label_with_sixteen_servers() {
        let l = layout(Frame::new(false), 8, 16);
        assert!(l.row >= 16.0, "{}", l.row);
        // An embed's sixteen rows are dense (12 units): their short names alternate between
        // two columns, so a name's nearest neighbour in its column is two rows (24 units)
        // away, and each box still holds most of a 13-unit name.
        let compact = layout(Frame::new(true), 8, 16).row;
        assert!(dense(compact) && compact >= 12.0, "{compact}");
        for pair in l.servers.windows(2) {
            assert!(pair[0].y + pair[0].h <= pair[1].y, "{pair:?}");
        }
        for pair in l.balancers.windows(2) {
            assert!(pair[0].y + pair[0].h <= pair[1].y, "{pair:?}");
        }
    }

    /// An embed that opens a tour stop gives the stage about 720×320 CSS pixels; 13-unit
    /// text must stay at 11 pixels or more there.
    #[test]
    fn the_compact_frame_keeps_text_readable_in_an_embed() {
        let scale = (720.0 / WIDTH).min(EMBED_TOUR_STAGE_PX / Frame::new(true).height());
        assert!(13.0 * scale >= 11.0, "{scale}");
    }

    /// A text's box, estimated generously: 0.65 em per character, 1.25 em tall.
    fn label_box(x: f64, baseline: f64, chars: usize) -> Rect {
        Rect {
            x,
            y: baseline - 13.0,
            w: chars as f64 * 0.65 * 13.0,
            h: 1.25 * 13.0,
        }
    }

    fn overlap(a: &Rect, b: &Rect) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn server_names_never_touch_for_any_count_of_servers_and_balancers() {
        for compact in [true, false] {
            for balancers in [1, 4, 8] {
                for servers in 1..=16u32 {
                    let l = layout(Frame::new(compact), balancers, servers);
                    let is_dense = dense(l.row);
                    let names: Vec<Rect> = l
                        .servers
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            // "server 16 · 0.5×" or "#16".
                            let chars = if is_dense { 3 } else { 16 };
                            label_box(name_x(r, i as u32, is_dense), r.cy() + 4.5, chars)
                        })
                        .collect();
                    for (i, a) in names.iter().enumerate() {
                        for b in &names[i + 1..] {
                            assert!(
                                !overlap(a, b),
                                "{servers} servers, compact {compact}: {a:?} and {b:?}"
                            );
                        }
                        // Inside its box, clear of the health mark at the right edge.
                        let r = &l.servers[i];
                        assert!(a.x >= r.x && (!is_dense || a.right() <= r.right() - 14.0));
                    }
                }
            }
        }
        assert!(dense(layout(Frame::new(true), 8, 16).row));
        assert!(!dense(layout(Frame::new(true), 8, 8).row));
    }

    /// A phone's frame: everything within its width, the columns in order with room for
    /// their heads, rows tall enough for a 13-unit name, 13-unit text at 11 CSS px or more
    /// in the about 360 CSS px a 390 px phone gives the stage, dots clear of every box.
    #[test]
    fn the_phone_frame_fits_its_width_and_keeps_text_readable() {
        const { assert!(13.0 * 360.0 / PHONE_WIDTH >= 11.0) };
        let c = PHONE_COLUMNS;
        assert!(c.short_names && c.util_x.is_none());
        // Left to right, each head ("balancers" about 60 units) clear of the next column.
        assert!(c.client.1 < c.balancer.0 && c.balancer.0 + 62.0 < c.server.0);
        assert!(c.server.1 < c.slots_x);
        let slots_w = f64::from(c.slot_columns) * (c.slot_max + 2.0);
        assert!(c.slots_x + slots_w <= c.queue.0 && c.slots_x + 34.0 <= c.queue.0);
        // A count of up to four digits after the queue's bar, inside the drawing.
        assert!(c.queue.1 < c.queue_text_x && c.queue_text_x + 4.0 * 8.0 <= PHONE_WIDTH);
        // Wires long enough to see a request move along them.
        assert!(c.balancer.0 - c.client.1 >= 30.0 && c.server.0 - c.balancer.1 >= 30.0);
        for title_lines in [1, 2] {
            for (balancers, servers) in [(1, 1), (1, 4), (2, 8), (8, 16), (8, 2)] {
                let f = Frame::phone(title_lines, balancers.max(servers));
                assert_eq!(f.width, PHONE_WIDTH);
                // Title lines and the sampling note above the heads.
                assert!(f.flow_top - 7.0 >= 15.0 + 16.0 * f64::from(title_lines) + 14.0);
                let l = layout(f, balancers, servers);
                assert!(l.row >= 16.0, "{servers} servers: rows of {}", l.row);
                assert!(l.client.h >= 74.0, "the client's four lines");
                for r in l.servers.iter().chain(&l.balancers).chain([&l.client]) {
                    assert!(r.x >= 0.0 && r.right() <= PHONE_WIDTH, "{r:?}");
                    assert!(r.y >= f.flow_top - 0.01, "{r:?}");
                    assert!(r.y + r.h <= f.flow_top + f.flow_height + 0.01, "{r:?}");
                }
                let chart = ChartScale::new(f, Time::from_millis(10_000));
                // The chart's second line of figures (its baseline, and a descent) above the ∞
                // row's label (its baseline 4 under the row, 10 tall); its key inside.
                assert!(chart.frame_top + 22.0 + 3.0 <= chart.top - 4.0 - 10.0);
                assert!(chart.right + 22.0 + 64.0 <= PHONE_WIDTH);
                assert!(chart.time_label_y() <= f.height());
                for stage in [
                    Stage::ToBalancer,
                    Stage::ToServer,
                    Stage::ToBalancerReply,
                    Stage::ToClient,
                ] {
                    for t in [0, 500, 1_000] {
                        let p = dot_position(&l, &path(stage, balancers - 1, servers - 1), Time(t))
                            .expect("a wire stage has a position");
                        let boxes = std::iter::once(&l.client)
                            .chain(&l.balancers)
                            .chain(&l.servers);
                        for r in boxes {
                            let inside = p.0 > r.x + 0.5 && p.0 < r.right() - 0.5 && r.contains(p);
                            assert!(!inside, "{stage:?} at {t}: {p:?} inside {r:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_full_frames_are_unchanged_by_the_phone_one() {
        for compact in [false, true] {
            let f = Frame::new(compact);
            assert_eq!((f.width, f.flow_top, f.chart_head), (WIDTH, FLOW_TOP, 0.0));
            assert_eq!(f.columns, COLUMNS);
            let height = FLOW_TOP + f.flow_height + f.chart_gap + CHART_HEIGHT + 6.0;
            assert_eq!(f.height(), height);
            let c = ChartScale::new(f, Time::from_millis(1_000));
            assert_eq!((c.right, c.top), (WIDTH - 92.0, f.chart_top() + 26.0));
            assert_eq!(c.time_label_y(), f.chart_top() + CHART_HEIGHT - 1.0);
            assert_eq!(layout(f, 1, 4).client.h, 60.0);
        }
    }

    #[test]
    fn chart_scale_is_logarithmic_and_clamped() {
        let c = ChartScale::new(Frame::new(false), Time::from_millis(20_000));
        let (y1, y10, y100) = (c.y(1_000), c.y(10_000), c.y(100_000));
        assert!(((y1 - y10) - (y10 - y100)).abs() < 1e-9);
        assert_eq!(c.y(0), c.bottom);
        assert_eq!(c.y(u64::MAX), c.top);
        assert_eq!(c.x(Time::from_millis(40_000)), c.right);
        assert!(c.band_y(1_000) > c.bottom);
        assert!(c.time_label_y() <= Frame::new(false).height());
    }

    #[test]
    fn line_paths_break_at_missing_values() {
        let d = line_path(
            [
                (0.0, Some(1.0)),
                (1.0, None),
                (2.0, Some(3.0)),
                (3.0, Some(4.0)),
            ]
            .into_iter(),
        );
        assert_eq!(d, "M0.0,1.0 M2.0,3.0 L3.0,4.0");
    }
}
