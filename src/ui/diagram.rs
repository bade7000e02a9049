//! The space-time (Lamport) diagram: one lane per node, time to the right, an arrow per
//! message from its send to its delivery (dropped ones end in a cross), crashes, pauses,
//! timers, commands and state changes marked. It shows a window of steps around the cursor
//! and moves with the animation. Clicking a mark jumps to its step; "Export SVG" saves it.
use super::browser;
use super::model::Msg;
use crate::i18n::{tr, trf};
use crate::sim::run::{RowKind, TraceRow};
use crate::sim::Time;
use std::collections::BTreeMap;
use yew::prelude::*;

const LEFT: f64 = 110.0;
const RIGHT: f64 = 990.0;
const TOP: f64 = 28.0;
const LANE: f64 = 44.0;

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
            per_us: (RIGHT - LEFT - 20.0) / span,
        }
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
.cursor{stroke:#e67e22;stroke-width:1.5}.net{stroke:#c0392b;stroke-dasharray:6 3}</style>";

#[function_component(Diagram)]
pub fn diagram(p: &DiagramProps) -> Html {
    let svg_ref = use_node_ref();
    let lanes = p.node_names.len() as u32;
    let height = TOP + f64::from(lanes) * LANE + 16.0;
    let scale = Scale::new(&p.rows, p.playhead);
    let seek = |step: u64| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Seek(step)))
    };

    // Where each message ended (delivered or dropped) within the window.
    let mut ends: BTreeMap<u64, &TraceRow> = BTreeMap::new();
    for row in &p.rows {
        if matches!(row.kind, RowKind::Deliver | RowKind::Drop) {
            if let Some(id) = row.msg {
                ends.insert(id, row);
            }
        }
    }
    // Pauses run from their pause to their resume (or the window's end).
    let mut pause_started: BTreeMap<u32, Time> = BTreeMap::new();
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

    // A state label is skipped when it would overlap the previous one on its lane.
    let mut last_label_x: BTreeMap<u32, f64> = BTreeMap::new();
    let mut label_fits = |node: u32, x: f64| {
        let fits = last_label_x.get(&node).is_none_or(|last| x - last >= 46.0);
        if fits {
            last_label_x.insert(node, x);
        }
        fits
    };
    let marks = p.rows.iter().filter_map(|row| {
        let x = scale.x(row.time);
        let title = html! { <title>{ trf("step {n} at {time}: {what}", &[("n", &row.step), ("time", &row.time), ("what", &row.label)]) }</title> };
        let cls = |c: &'static str| classes!("mark", c, (row.step == p.cursor).then_some("current"));
        let lane = row.node.map(lane_y);
        let body = match (row.kind, lane) {
            (RowKind::Send, Some(y1)) => {
                let to = row.peer?;
                let y2 = lane_y(to);
                let (x2, class) = match row.msg.and_then(|id| ends.get(&id)) {
                    Some(end) if end.kind == RowKind::Drop => (scale.x(end.time), "drop"),
                    Some(end) => (scale.x(end.time), "delivered"),
                    None => (scale.x(row.arrives.unwrap_or(row.time)), "flying"),
                };
                html! { <line class={classes!("msg", class)} x1={x.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} marker-end={(class == "delivered").then_some("url(#msg-arrow)")} /> }
            }
            (RowKind::Drop, Some(y)) => html! { <path class="x" d={format!("M{},{} l8,8 m0,-8 l-8,8", x - 4.0, y - 4.0)} /> },
            (RowKind::Crash, Some(y)) => html! { <path class="crash" d={format!("M{},{} l12,12 m0,-12 l-12,12", x - 6.0, y - 6.0)} /> },
            (RowKind::Restart, Some(y)) => html! { <path class="restart" d={format!("M{},{} l10,6 l-10,6 z", x - 3.0, y - 6.0)} /> },
            (RowKind::Timer, Some(y)) => html! { <circle class="timer" cx={x.to_string()} cy={(y - 10.0).to_string()} r="3.5" /> },
            (RowKind::Command, Some(y)) => html! { <rect class="cmd" x={(x - 4.0).to_string()} y={(y - 4.0).to_string()} width="8" height="8" transform={format!("rotate(45 {x} {y})")} /> },
            (RowKind::State, Some(y)) if label_fits(row.node.unwrap_or(0), x) => {
                // The state's name, as the nodes' views show it.
                let to = crate::i18n::tr_text(row.label.rsplit("→ ").next().unwrap_or(&row.label));

                html! { <text class="state-text" x={(x + 2.0).to_string()} y={(y + 14.0).to_string()}>{ to }</text> }
            }
            (RowKind::Violation, _) => html! { <rect class="violation" x={(x - 3.0).to_string()} y={TOP.to_string()} width="6" height={(height - TOP - 10.0).to_string()} /> },
            (RowKind::Network, _) => html! { <line class="net" x1={x.to_string()} x2={x.to_string()} y1={TOP.to_string()} y2={(height - 10.0).to_string()} /> },
            _ => return None,
        };
        Some(html! { <g class={cls("hit")} onclick={seek(row.step)}>{ title }{ body }</g> })
    });

    let cursor_x = scale.x(p.playhead);
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
                    { for lane_lines }
                    { for bars }
                    { for marks }
                    <line class="cursor" x1={cursor_x.to_string()} x2={cursor_x.to_string()} y1="12" y2={(height - 6.0).to_string()} />
                </svg>
            </div>
        </section>
    }
}
