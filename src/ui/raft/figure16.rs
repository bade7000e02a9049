//! "Why randomized timeouts": the time from a leader crash to the next leader, for six
//! election-timeout ranges, as cumulative distributions (the paper's Figure 16). Measured
//! on request, one range per browser task so the page stays responsive.
use super::geometry::*;
use crate::algo::raft::{election_time_samples, ElectionSamples, ELECTION_LIMIT};
use crate::i18n::{tr, trf};
use crate::sim::Time;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// The ranges of the paper's Figure 16 (top), in milliseconds.
pub const RANGES: [(u64, u64); 6] = [
    (150, 150),
    (150, 151),
    (150, 155),
    (150, 175),
    (150, 200),
    (150, 300),
];
/// Runs per range: enough for the curves' shape, few enough for a second or two.
pub const SEEDS: u64 = 200;

fn ms_text(t: Option<Time>) -> String {
    t.map_or_else(|| "–".to_string(), |t| format!("{:.0}", t.as_millis_f64()))
}

fn tick_text(ms: u32) -> String {
    if ms >= 1000 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

#[function_component(Figure16)]
pub fn figure_16() -> Html {
    let results = use_state(Vec::<ElectionSamples>::new);
    let running = use_state(|| false);
    {
        let results = results.clone();
        let running = running.clone();
        let done = results.len();
        use_effect_with((*running, done), move |&(active, done)| {
            let task = (active && done < RANGES.len()).then(|| {
                Timeout::new(15, move || {
                    let (lo, hi) = RANGES[done];
                    let samples =
                        election_time_samples(Time::from_millis(lo), Time::from_millis(hi), SEEDS);
                    let mut all = (*results).clone();
                    all.push(samples);
                    if all.len() == RANGES.len() {
                        running.set(false);
                    }
                    results.set(all);
                })
            });
            move || drop(task)
        });
    }
    let start = {
        let results = results.clone();
        let running = running.clone();
        Callback::from(move |_: MouseEvent| {
            results.set(Vec::new());
            running.set(true);
        })
    };
    let curves = results.iter().enumerate().map(|(i, s)| {
        html! { <path class={format!("cdf c{i}")} d={cdf_path(&s.times, s.unelected)} /> }
    });
    let x_ticks = CHART_TICKS.iter().map(|&ms| {
        let x = chart_x(f64::from(ms));
        html! {
            <>
                <line class="grid" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={CHART_TOP.to_string()} y2={(CHART_H - CHART_BOTTOM).to_string()} />
                <text class="tick" x={format!("{x:.1}")} y={(CHART_H - CHART_BOTTOM + 14.0).to_string()}>{ tick_text(ms) }</text>
            </>
        }
    });
    let y_ticks = [0.0, 0.5, 1.0].map(|share| {
        let y = chart_y(share);
        html! {
            <>
                <line class="grid" x1={CHART_LEFT.to_string()} x2={(CHART_W - CHART_RIGHT).to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                <text class="tick y" x={(CHART_LEFT - 4.0).to_string()} y={format!("{:.1}", y + 4.0)}>{ format!("{:.0}%", share * 100.0) }</text>
            </>
        }
    });
    let rows = results.iter().zip(RANGES).enumerate().map(|(i, (s, (lo, hi)))| {
        html! {
            <tr data-range={format!("{lo}-{hi}")}>
                <th scope="row"><span class={format!("key c{i}")}></span>{ format!("{lo}–{hi} ms") }</th>
                <td class="num">{ ms_text(s.percentile(50)) }</td>
                <td class="num">{ ms_text(s.percentile(95)) }</td>
                <td class="num">{ s.unelected }</td>
            </tr>
        }
    });
    let busy = *running;
    html! {
        <section class="raft-figure16" aria-label={tr("Why randomized timeouts")}>
            <h2>{ tr("Why randomized timeouts") }</h2>
            <p class="hint">{ trf("After a leader crash, how long until there is a new leader? Five servers, {k} runs per timeout range, messages taking 5 to 8 ms, the leader crashed at a random moment (the paper's Figure 16). Without randomness the servers time out together and split their votes again and again.", &[("k", &SEEDS)]) }</p>
            <button id="raft-measure" onclick={start} disabled={busy}>
                { if busy { trf("Measuring… {d} of {n} ranges", &[("d", &results.len()), ("n", &RANGES.len())]) } else { trf("Measure ({k} runs per range)", &[("k", &SEEDS)]) } }
            </button>
            if !results.is_empty() {
                <svg class="cdf-chart" viewBox={format!("0 0 {CHART_W} {CHART_H}")} role="img"
                     aria-label={tr("Share of runs with a new leader, by time since the crash")}>
                    { for x_ticks }
                    { for y_ticks }
                    { for curves }
                    <text class="axis" x={((CHART_W + CHART_LEFT) / 2.0).to_string()} y={(CHART_H - 2.0).to_string()}>{ tr("time from the crash to a new leader") }</text>
                </svg>
                <table class="cdf-table">
                    <thead><tr><th>{ tr("timeout") }</th><th>{ tr("median (ms)") }</th><th>{ tr("95th (ms)") }</th><th>{ trf("no leader in {s} s", &[("s", &(ELECTION_LIMIT.0 / 1_000_000))]) }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </section>
    }
}
