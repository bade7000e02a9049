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
/// How tall the flow is on the page, and in an embed (where the stage has about 720×370
/// CSS pixels: the whole drawing must keep 13-unit text at 11 CSS pixels or more).
pub const FLOW_HEIGHT: f64 = 258.0;
pub const FLOW_HEIGHT_COMPACT: f64 = 226.0;
pub const CHART_HEIGHT: f64 = 130.0;

/// The stage's vertical frame: the flow, then the latency chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub flow_height: f64,
}

impl Frame {
    pub fn new(compact: bool) -> Frame {
        Frame {
            flow_height: if compact {
                FLOW_HEIGHT_COMPACT
            } else {
                FLOW_HEIGHT
            },
        }
    }

    pub fn chart_top(&self) -> f64 {
        FLOW_TOP + self.flow_height + 16.0
    }

    pub fn height(&self) -> f64 {
        self.chart_top() + CHART_HEIGHT + 6.0
    }
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
            y: FLOW_TOP + slot * f64::from(i) + (slot - h) / 2.0,
            w: x1 - x0,
            h,
        })
        .collect();
    (rects, slot)
}

pub fn layout(frame: Frame, balancers: u32, servers: u32) -> StageLayout {
    let (servers, row) = stack(frame, servers, SERVER_X, 0.9, 44.0);
    let (balancers, _) = stack(frame, balancers, BALANCER_X, 0.8, 48.0);
    StageLayout {
        client: Rect {
            x: CLIENT_X.0,
            y: FLOW_TOP + frame.flow_height / 2.0 - 30.0,
            w: CLIENT_X.1 - CLIENT_X.0,
            h: 60.0,
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
pub fn slot_size(row: f64) -> f64 {
    (row - 8.0).clamp(6.0, 12.0)
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
        ChartScale {
            left: 58.0,
            right: WIDTH - 92.0,
            top: top + 26.0,
            bottom: top + CHART_HEIGHT - 42.0,
            band_bottom: top + CHART_HEIGHT - 16.0,
            end,
            frame_top: top,
        }
    }

    /// Where the time axis's labels sit.
    pub fn time_label_y(&self) -> f64 {
        self.frame_top + CHART_HEIGHT - 1.0
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
        assert!(layout(Frame::new(true), 8, 16).row >= 14.0);
        for pair in l.servers.windows(2) {
            assert!(pair[0].y + pair[0].h <= pair[1].y, "{pair:?}");
        }
        for pair in l.balancers.windows(2) {
            assert!(pair[0].y + pair[0].h <= pair[1].y, "{pair:?}");
        }
    }

    /// An embed gives the stage about 720×368 CSS pixels; 13-unit text must stay at 11
    /// pixels or more there.
    #[test]
    fn the_compact_frame_keeps_text_readable_in_an_embed() {
        let scale = (720.0 / WIDTH).min(368.0 / Frame::new(true).height());
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
