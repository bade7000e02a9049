//! The space-time (Lamport) diagram: one lane per node, time to the right, an arrow per
//! message from its send to its delivery (dropped ones end in a cross), crashes, pauses,
//! timers, commands and state changes marked. It shows a window of steps around the cursor
//! and moves with the animation: what happens after the current step is drawn faint (it has
//! not happened yet), a time axis under the lanes gives the window's range in simulated
//! time, and a legend names the marks the window shows. Clicking a mark jumps to its step;
//! "Export SVG" saves it.
use super::browser;
use super::model::Msg;
use crate::i18n::{tr, trf};
use crate::sim::run::{RowKind, TraceRow};
use crate::sim::sorted::SortedMap;
use crate::sim::Time;
use crate::ui::svg_attr::n1;
use yew::prelude::*;

const LEFT: f64 = 110.0;
const RIGHT: f64 = 990.0;
const TOP: f64 = 28.0;
const LANE: f64 = 44.0;
/// Room under the lanes for the time axis and its labels.
const AXIS: f64 = 40.0;
/// Spaces between the axis's ticks (so `AXIS_TICKS + 1` labels, the two ends included).
const AXIS_TICKS: u32 = 4;
/// About how wide a character of a state label is, in the drawing's units: labels are set
/// at 14 units where the diagram is drawn small (an embed, a phone), the widest case.
const LABEL_CHAR: f64 = 9.6;

/// How many steps around the cursor the diagram shows.
pub const WINDOW_STEPS: u64 = 100;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub rows: Vec<TraceRow>,
    pub node_names: Vec<String>,
    pub cursor: u64,
    pub playhead: Time,
    pub file_stem: String,
    pub on_msg: Callback<Msg>,
}

/// Maps simulated time onto the drawing's x axis.
struct Scale {
    start: f64,
    end: f64,
    per_us: f64,
}

impl Scale {
    fn new(rows: &[TraceRow], playhead: Time) -> Self {
        let first = rows.first().map_or(0, |r| r.time.0) as f64;
        let last = rows
            .iter()
            .map(|r| r.time.0)
            .chain([playhead.0])
            .max()
            .unwrap_or(0) as f64;
        let span = (last - first).max(1.0);
        Scale {
            start: first,
            end: first + span,
            per_us: (RIGHT - LEFT - 20.0) / span,
        }
    }

    /// The times of the axis's ticks, from the window's start to its end.
    fn ticks(&self) -> impl Iterator<Item = Time> + '_ {
        (0..=AXIS_TICKS).map(move |i| {
            let t = self.start + (self.end - self.start) * f64::from(i) / f64::from(AXIS_TICKS);
            Time(t.round() as u64)
        })
    }

    fn x(&self, t: Time) -> f64 {
        (LEFT + 10.0 + (t.0 as f64 - self.start) * self.per_us).clamp(LEFT, RIGHT + 200.0)
    }
}

fn lane_y(node: u32) -> f64 {
    TOP + f64::from(node) * LANE + LANE / 2.0
}

/// Colours for the exported file, where the page's stylesheet is not there.
const EXPORT_STYLE: &str = "<style>text{font:11px sans-serif;fill:#222}.lane{stroke:#bbb}.lane-name{font-weight:600}\
.msg{stroke:#3a6ea5;fill:none;stroke-width:1.3}.msg.drop{stroke:#c0392b;stroke-dasharray:4 3}.msg.flying{stroke-dasharray:2 3}\
.x{stroke:#c0392b;stroke-width:2}.crash{stroke:#c0392b;stroke-width:3}.restart{fill:#27ae60}.pause-bar{fill:#999;opacity:.5}\
.timer{fill:none;stroke:#8e44ad}.cmd{fill:#e67e22}.state-text{font-size:9px;fill:#555}.violation{fill:#c0392b;opacity:.25}\
.cursor{stroke:#e67e22;stroke-width:1.5}.net{stroke:#c0392b;stroke-dasharray:6 3}\
.mark.future{opacity:.3}.future-zone{fill:#888;opacity:.08}.axis-line,.axis-tick line{stroke:#999}.axis-tick text{fill:#666}</style>";

/// The legend's entries: a mark's class and what it means, in the order they are listed.
const LEGEND: &[(&str, &str)] = &[
    ("msg", "message, from its send to its delivery"),
    ("flying", "message in flight at the current step"),
    ("drop", "message dropped"),
    ("crash", "crash"),
    ("restart", "restart"),
    ("pause-bar", "paused"),
    ("timer", "timer fires"),
    ("cmd", "command"),
    ("state-text", "new state"),
    ("violation", "invariant violated"),
    ("net", "network change (links cut or healed)"),
    ("future", "after the current step: not happened yet"),
];

/// A small drawing of a mark, for the legend.
fn legend_swatch(kind: &str) -> Html {
    let body = match kind {
        "msg" => html! { <line class="msg delivered" x1="2" y1="4" x2="20" y2="12" /> },
        "flying" => html! { <line class="msg flying" x1="2" y1="4" x2="20" y2="12" /> },
        "drop" => {
            html! { <><line class="msg drop" x1="2" y1="4" x2="16" y2="10" /><path class="x" d="M14,6 l6,6 m0,-6 l-6,6" /></> }
        }
        "crash" => html! { <path class="crash" d="M6,2 l10,10 m0,-10 l-10,10" /> },
        "restart" => html! { <path class="restart" d="M7,2 l9,5 l-9,5 z" /> },
        "pause-bar" => html! { <rect class="pause-bar" x="1" y="3" width="20" height="8" /> },
        "timer" => html! { <circle class="timer" cx="11" cy="7" r="3.5" /> },
        "cmd" => {
            html! { <rect class="cmd" x="7" y="3" width="8" height="8" transform="rotate(45 11 7)" /> }
        }
        "state-text" => html! { <text class="state-text" x="1" y="11">{ "Ab" }</text> },
        "violation" => html! { <rect class="violation" x="8" y="0" width="6" height="14" /> },
        "net" => html! { <line class="net" x1="11" x2="11" y1="0" y2="14" /> },
        _ => {
            html! { <g class="mark future"><line class="msg delivered" x1="2" y1="4" x2="20" y2="12" /></g> }
        }
    };
    html! { <svg class="diagram-swatch" viewBox="0 0 22 14" aria-hidden="true">{ body }</svg> }
}

#[function_component(Diagram)]
pub fn diagram(p: &DiagramProps) -> Html {
    let svg_ref = use_node_ref();
    let lanes = p.node_names.len() as u32;
    let lanes_bottom = TOP + f64::from(lanes) * LANE + 6.0;
    let height = lanes_bottom + AXIS;
    let scale = Scale::new(&p.rows, p.playhead);
    let seek = |step: u64| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Seek(step)))
    };

    // Where each message ended (delivered or dropped) within the window.
    let mut ends: SortedMap<u64, &TraceRow> = SortedMap::new();
    for row in &p.rows {
        if matches!(row.kind, RowKind::Deliver | RowKind::Drop) {
            if let Some(id) = row.msg {
                ends.insert(id, row);
            }
        }
    }
    // Pauses run from their pause to their resume (or the window's end).
    let mut pause_started: SortedMap<u32, Time> = SortedMap::new();
    let mut pause_bars = Vec::new();
    for row in &p.rows {
        match (row.kind, row.node) {
            (RowKind::Pause, Some(n)) => {
                pause_started.insert(n, row.time);
            }
            (RowKind::Resume | RowKind::Crash, Some(n)) => {
                if let Some(start) = pause_started.remove(&n) {
                    pause_bars.push((n, start, row.time));
                }
            }
            _ => {}
        }
    }
    let window_end = p.rows.last().map_or(p.playhead, |r| r.time).max(p.playhead);
    pause_bars.extend(
        pause_started
            .into_iter()
            .map(|(n, start)| (n, start, window_end)),
    );

    let lane_lines = p.node_names.iter().enumerate().map(|(i, name)| {
        let y = lane_y(i as u32);
        html! {
            <g>
                <text class="lane-name" x="8" y={(y + 4.0).to_string()}>{ name }</text>
                <line class="lane" x1={LEFT.to_string()} x2={RIGHT.to_string()} y1={y.to_string()} y2={y.to_string()} />
            </g>
        }
    });
    let bars = pause_bars.iter().map(|&(n, a, b)| {
        let (x1, x2) = (scale.x(a), scale.x(b));
        html! { <rect class="pause-bar" x={x1.to_string()} y={(lane_y(n) - 6.0).to_string()} width={(x2 - x1).max(2.0).to_string()} height="12"><title>{ tr("paused") }</title></rect> }
    });

    // A state label is skipped when it would overlap the previous one on its lane (or run
    // past the drawing's right edge).
    let mut last_label_end: SortedMap<u32, f64> = SortedMap::new();
    let mut label_fits = |node: u32, x: f64, text: &str| {
        let end = x + 2.0 + text.chars().count() as f64 * LABEL_CHAR;
        let fits = end <= RIGHT + 8.0 && last_label_end.get(&node).is_none_or(|last| x >= *last);
        if fits {
            last_label_end.insert(node, end + 4.0);
        }
        fits
    };
    // The kinds of mark the window shows, for its legend.
    let mut shown: Vec<&'static str> = Vec::new();
    let mut saw = |kind: &'static str| {
        if !shown.contains(&kind) {
            shown.push(kind);
        }
    };
    if !pause_bars.is_empty() {
        saw("pause-bar");
    }
    let mut marks: Vec<Html> = Vec::new();
    for row in &p.rows {
        let x = scale.x(row.time);
        let title = html! { <title>{ trf("step {n} at {time}: {what}", &[("n", &row.step), ("time", &row.time), ("what", &crate::i18n::line(&row.label))]) }</title> };
        // After the current step: not happened yet, drawn faint.
        let future = row.step > p.cursor;
        let cls = |c: &'static str| {
            classes!(
                "mark",
                c,
                (row.step == p.cursor).then_some("current"),
                future.then_some("future")
            )
        };
        let lane = row.node.map(lane_y);
        let body = match (row.kind, lane) {
            (RowKind::Send, Some(y1)) => {
                let Some(to) = row.peer else { continue };
                let y2 = lane_y(to);
                let (x2, class) = match row.msg.and_then(|id| ends.get(&id)) {
                    // Sent, but its end is still to come: in flight at the current step.
                    Some(end) if end.step > p.cursor && !future => (scale.x(end.time), "flying"),
                    Some(end) if end.kind == RowKind::Drop => (scale.x(end.time), "drop"),
                    Some(end) => (scale.x(end.time), "delivered"),
                    None => (scale.x(row.arrives.unwrap_or(row.time)), "flying"),
                };
                saw(if class == "delivered" { "msg" } else { class });
                html! { <line class={classes!("msg", class)} x1={x.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} marker-end={(class == "delivered").then_some("url(#msg-arrow)")} /> }
            }
            (RowKind::Drop, Some(y)) => {
                saw("drop");
                html! { <path class="x" d={format!("M{},{} l8,8 m0,-8 l-8,8", x - 4.0, y - 4.0)} /> }
            }
            (RowKind::Crash, Some(y)) => {
                saw("crash");
                html! { <path class="crash" d={format!("M{},{} l12,12 m0,-12 l-12,12", x - 6.0, y - 6.0)} /> }
            }
            (RowKind::Restart, Some(y)) => {
                saw("restart");
                html! { <path class="restart" d={format!("M{},{} l10,6 l-10,6 z", x - 3.0, y - 6.0)} /> }
            }
            (RowKind::Timer, Some(y)) => {
                saw("timer");
                html! { <circle class="timer" cx={x.to_string()} cy={(y - 10.0).to_string()} r="3.5" /> }
            }
            (RowKind::Command, Some(y)) => {
                saw("cmd");
                html! { <rect class="cmd" x={(x - 4.0).to_string()} y={(y - 4.0).to_string()} width="8" height="8" transform={format!("rotate(45 {x} {y})")} /> }
            }
            (RowKind::State, Some(y)) => {
                // The state's name, as the nodes' views show it.
                let to = crate::i18n::tr_text(row.state.unwrap_or_default());
                if !label_fits(row.node.unwrap_or(0), x, &to) {
                    continue;
                }
                saw("state-text");
                html! { <text class="state-text" x={(x + 2.0).to_string()} y={(y + 14.0).to_string()}>{ to }</text> }
            }
            (RowKind::Violation, _) => {
                saw("violation");
                html! { <rect class="violation" x={(x - 3.0).to_string()} y={TOP.to_string()} width="6" height={(lanes_bottom - TOP).to_string()} /> }
            }
            (RowKind::Network, _) => {
                saw("net");
                html! { <line class="net" x1={x.to_string()} x2={x.to_string()} y1={TOP.to_string()} y2={lanes_bottom.to_string()} /> }
            }
            _ => continue,
        };
        if future {
            saw("future");
        }
        marks.push(html! { <g class={cls("hit")} onclick={seek(row.step)} data-step={row.step.to_string()}>{ title }{ body }</g> });
    }

    let cursor_x = scale.x(p.playhead);
    // The time axis: the window's range in simulated time, its ends labelled, a few ticks.
    let axis_y = lanes_bottom + 8.0;
    let ticks = scale.ticks().enumerate().map(|(i, t)| {
        let x = scale.x(t);
        let anchor = match i {
            0 => "start",
            i if i == AXIS_TICKS as usize => "end",
            _ => "middle",
        };
        let end = (i == 0 || i == AXIS_TICKS as usize).then_some("axis-end");
        html! {
            <g class={classes!("axis-tick", end)}>
                <line x1={n1(x)} x2={n1(x)} y1={n1(axis_y)} y2={n1(axis_y + 5.0)} />
                <text x={n1(if i == 0 { x - 4.0 } else { x })} y={n1(axis_y + 20.0)} text-anchor={anchor}>{ t.to_string() }</text>
            </g>
        }
    });
    let (window_start, window_end) = (
        Time(scale.start.round() as u64),
        Time(scale.end.round() as u64),
    );
    let steps = (
        p.rows.first().map_or(p.cursor, |r| r.step),
        p.rows.last().map_or(p.cursor, |r| r.step),
    );
    let legend = LEGEND
        .iter()
        .filter(|(kind, _)| shown.contains(kind))
        .map(|&(kind, label)| {
            html! {
                <li class="diagram-key" data-kind={kind}>{ legend_swatch(kind) }{ tr(label) }</li>
            }
        });
    let export = {
        let svg_ref = svg_ref.clone();
        let stem = p.file_stem.clone();
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(svg) = svg_ref.cast::<web_sys::Element>() else {
                return;
            };
            let markup = svg.outer_html();
            let markup = match markup.find('>') {
                Some(i) => format!("{}{EXPORT_STYLE}{}", &markup[..=i], &markup[i + 1..]),
                None => markup,
            };
            let file = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{markup}");
            if let Err(e) = browser::download(&format!("{stem}.svg"), "image/svg+xml", &file) {
                on_msg.emit(Msg::Notice(Some(trf(
                    "Could not export the diagram: {error}",
                    &[("error", &e)],
                ))));
            }
        })
    };

    html! {
        <section class="diagram" aria-label={tr("Space-time diagram")}>
            <div class="diagram-head">
                <h2>{ tr("Space-time diagram") }</h2>
                <span class="hint">{ tr("Click a mark to jump to its step.") }</span>
                <span class="diagram-window" id="diagram-window">
                    { trf("steps {from}–{to}: {start} to {end}", &[("from", &steps.0), ("to", &steps.1), ("start", &window_start), ("end", &window_end)]) }
                </span>
                <button id="export-svg" onclick={export} aria-label={tr("Export the space-time diagram as an SVG file")}>{ tr("Export SVG") }</button>
            </div>
            <div class="diagram-scroll">
                <svg ref={svg_ref} class="diagram-svg" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 1000 {height}")}
                     role="img" aria-label={trf("Space-time diagram of {n} events", &[("n", &p.rows.len())])}>

                    <defs>
                        <marker id="msg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" fill="#3a6ea5" />
                        </marker>
                    </defs>
                    // What comes after the current step, behind a faint veil.
                    <rect class="future-zone" x={n1(cursor_x)} y={TOP.to_string()} width={n1((RIGHT - cursor_x).max(0.0))} height={n1(lanes_bottom - TOP)} />
                    { for lane_lines }
                    { for bars }
                    { for marks }
                    <g class="axis" aria-label={trf("time axis: {start} to {end}", &[("start", &window_start), ("end", &window_end)])}>
                        <line class="axis-line" x1={LEFT.to_string()} x2={RIGHT.to_string()} y1={n1(axis_y)} y2={n1(axis_y)} />
                        { for ticks }
                    </g>
                    <line class="cursor" x1={cursor_x.to_string()} x2={cursor_x.to_string()} y1="12" y2={n1(axis_y + 5.0)} />
                </svg>
            </div>
            <ul class="diagram-legend" aria-label={tr("What the marks mean")}>{ for legend }</ul>
        </section>
    }
}
