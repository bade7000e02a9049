//! The latency chart under the stage: p50, p95 and p99 over time on a log scale (the p99
//! counting unserved requests as infinitely slow, drawn on the ∞ row), and the share of
//! requests not served in a band below; a comparison's second side dashed.
use super::geometry::{line_path, ChartScale, Frame};
use super::plot::{latency_text, percent_text};
use crate::i18n::{tr, trf};
use crate::scene::balance::{BalanceSceneView, ChartPoint, CompareView, SideView};
use crate::sim::Time;
use crate::ui::svg_attr::n1;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LatencyChartProps {
    pub view: BalanceSceneView,
    pub now: Time,
    pub frame: Frame,
}

/// Whether any request ended in the point's window.
fn has_data(p: &ChartPoint) -> bool {
    p.completed > 0 || p.unserved_permille > 0
}

/// The ∞ row, above the plot.
fn infinity_y(c: &ChartScale) -> f64 {
    c.top - 8.0
}

fn side_lines(c: &ChartScale, points: &[ChartPoint], side: &'static str) -> Html {
    let line = |class: &'static str, f: &dyn Fn(&ChartPoint) -> Option<f64>| {
        let d = line_path(
            points
                .iter()
                .map(|p| (c.x(p.at), has_data(p).then(|| f(p)).flatten())),
        );
        html! { <path class={classes!("lb-line", class, side)} d={d} /> }
    };
    let band = {
        let mut d = String::new();
        for p in points {
            let x = c.x(p.at);
            d.push_str(&format!(
                "{}{x:.1},{:.1} ",
                if d.is_empty() { "M" } else { "L" },
                c.band_y(p.unserved_permille)
            ));
        }
        if let (Some(first), Some(last)) = (points.first(), points.last()) {
            d.push_str(&format!(
                "L{:.1},{:.1} L{:.1},{:.1} Z",
                c.x(last.at),
                c.band_bottom,
                c.x(first.at),
                c.band_bottom
            ));
        }
        html! { <path class={classes!("lb-unserved", side)} d={d} /> }
    };
    html! {
        <g class={classes!("lb-side", side)}>
            { band }
            { line("lb-line-p50", &|p| (p.completed > 0).then(|| c.y(p.p50))) }
            { line("lb-line-p95", &|p| (p.completed > 0).then(|| c.y(p.p95))) }
            { line("lb-line-p99", &|p| Some(p.p99_all.map_or(infinity_y(c), |v| c.y(v)))) }
        </g>
    }
}

#[function_component(LatencyChart)]
pub fn latency_chart(p: &LatencyChartProps) -> Html {
    let v = &p.view;
    let c = ChartScale::new(p.frame, v.chart_end);
    let ticks = [
        (1_000u64, "1 ms"),
        (10_000, "10 ms"),
        (100_000, "100 ms"),
        (1_000_000, "1 s"),
    ];
    let grid = ticks.iter().map(|(us, label)| {
        let y = c.y(*us);
        html! { <>
            <line class="lb-grid" x1={n1(c.left)} x2={n1(c.right)} y1={n1(y)} y2={n1(y)} />
            <text class="lb-axis" x={n1(c.left - 5.0)} y={n1(y + 4.0)}>{ *label }</text>
        </> }
    });
    let seconds = v.chart_end.0 / 1_000_000;
    let step = [1u64, 2, 5, 10, 20, 30, 60, 120, 300]
        .into_iter()
        .find(|s| seconds / s <= 8)
        .unwrap_or(600);
    let time_ticks = (0..=seconds / step).map(|k| {
        let x = c.x(Time::from_millis(k * step * 1_000));
        html! { <text class="lb-axis lb-time" x={n1(x)} y={n1(c.time_label_y())}>{ format!("{} s", k * step) }</text> }
    });
    let b = v
        .compare
        .as_ref()
        .map(|cmp| side_lines(&c, &cmp.b.points, "lb-side-b"));
    let last = v.points.last();
    // A phone's chart is narrower: its figures take two lines (see `Frame::chart_head`).
    let two_lines = p.frame.chart_head > 0.0;
    let now_text: Vec<String> = match (&v.compare, last) {
        (Some(cmp), _) => compared_now(cmp, two_lines),
        (None, Some(pt)) if has_data(pt) => {
            let (a, b) = (latency_text(pt.p50), latency_text(pt.p95));
            let c = pt.p99_all.map_or_else(|| "∞".to_string(), latency_text);
            let d = percent_text(pt.unserved_permille);
            let figures: [(&str, &dyn std::fmt::Display); 4] =
                [("a", &a), ("b", &b), ("c", &c), ("d", &d)];
            if two_lines {
                vec![
                    trf("latency now: p50 {a} · p95 {b} · p99 {c}", &figures[..3]),
                    trf("not served now: {d}", &figures[3..]),
                ]
            } else {
                vec![trf(
                    "latency now: p50 {a} · p95 {b} · p99 {c} · not served {d}",
                    &figures,
                )]
            }
        }
        (None, _) => vec![tr("latency: no request has ended in the window yet").to_string()],
    };
    let why = trf(
        "Latency of the requests that ended in the last {w}",
        &[("w", &super::plot::span_text(v.window))],
    );
    let head = now_text.into_iter().enumerate().map(|(i, t)| {
        html! {
            <text class="lb-head" x="12" y={n1(c.frame_top + 6.0 + 16.0 * i as f64)}>{ t }<title>{ why.clone() }</title></text>
        }
    });
    let x_now = c.x(p.now);
    html! {
        <g class="lb-chart" data-focus="chart">
            { for head }
            <g class="lb-chart-key" transform={format!("translate({:.1},{:.1})", c.right + 12.0, c.top)}>
                { for [("lb-line-p50", "p50"), ("lb-line-p95", "p95"), ("lb-line-p99", "p99")].iter().enumerate().map(|(i, (class, name))| key_row(class, name, 17.0 * i as f64, v.compare.is_some())) }
                <rect class="lb-unserved" x="0" y={n1(c.band_bottom - c.top - 13.0)} width="8" height="10" />
            </g>
            <text class="lb-axis-l" x={n1(c.right + 22.0)} y={n1(c.band_bottom - 3.0)}>{ tr("not served") }</text>
            <text class="lb-axis" x={n1(c.left - 5.0)} y={n1(infinity_y(&c) + 4.0)}>{ "∞" }</text>
            { for grid }
            <line class="lb-grid" x1={n1(c.left)} x2={n1(c.right)} y1={n1(c.band_bottom)} y2={n1(c.band_bottom)} />
            { for time_ticks }
            { for b }
            { side_lines(&c, &v.points, "lb-side-a") }
            <line class="lb-now" x1={n1(x_now)} x2={n1(x_now)} y1={n1(infinity_y(&c) - 6.0)} y2={n1(c.band_bottom)} />
        </g>
    }
}

/// One line of the chart's key: a stretch of the line as the chart draws it and its name;
/// in a comparison, the second side's dashed stretch beside the first's solid one.
fn key_row(class: &'static str, name: &'static str, y: f64, compared: bool) -> Html {
    let (solid_end, text_x) = if compared { (12.0, 31.0) } else { (16.0, 20.0) };
    html! { <>
        <line class={classes!("lb-line", class)} x1="0" x2={n1(solid_end)} y1={n1(y)} y2={n1(y)} />
        if compared {
            <g class="lb-side-b"><line class={classes!("lb-line", class)} x1="15" x2="27" y1={n1(y)} y2={n1(y)} /></g>
        }
        <text class="lb-axis-l" x={n1(text_x)} y={n1(y + 4.0)}>{ name }</text>
    </> }
}

/// Longest head line, in characters, that fits over the chart: the wide frame's one line,
/// and each of a phone's two.
const HEAD_CHARS_WIDE: usize = 100;
const HEAD_CHARS_PHONE: usize = 54;

/// A comparison's head: each side's p99 and share not served now, by name, so that the
/// two lines under it read as "this one loses requests, that one does not" without
/// matching the dashes to the legend. Sides whose names make the line too long are called
/// "solid" and "dashed", as the chart draws them.
fn compared_now(cmp: &CompareView, two_lines: bool) -> Vec<String> {
    let side_text = |name: &str, side: &SideView| -> String {
        match side.points.last().filter(|p| has_data(p)) {
            Some(pt) => trf(
                "{side}: p99 {p}, not served {u}",
                &[
                    ("side", &name),
                    (
                        "p",
                        &pt.p99_all.map_or_else(|| "∞".to_string(), latency_text),
                    ),
                    ("u", &percent_text(pt.unserved_permille)),
                ],
            ),
            None => trf("{side}: no request ended yet", &[("side", &name)]),
        }
    };
    let lines = |a: &str, b: &str| -> Vec<String> {
        let (a, b) = (side_text(a, &cmp.a), side_text(b, &cmp.b));
        if two_lines {
            vec![a, b]
        } else {
            vec![trf("now, {a}; {b}", &[("a", &a), ("b", &b)])]
        }
    };
    let limit = if two_lines {
        HEAD_CHARS_PHONE
    } else {
        HEAD_CHARS_WIDE
    };
    let named = lines(&cmp.a.label, &cmp.b.label);
    if named.iter().all(|l| l.chars().count() <= limit) {
        named
    } else {
        lines(tr("solid"), tr("dashed"))
    }
}
