//! Two figures computed on request: the p99 latency of every strategy with one slow server
//! of four, as ratios against round robin; and the maximum load of n balls in n bins with
//! one random choice against the better of two, beside the theory's curves.
use super::plot::*;
use crate::algo::balance::figures::{max_load_figure, slow_server_p99, MaxLoadRow, StrategyP99};
use crate::i18n::{tr, trf};
use crate::scene::balance::setup::strategy_name;
use crate::ui::svg_attr::n1;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FiguresProps {
    pub seed: u64,
}

#[derive(Clone, PartialEq)]
enum State<T> {
    Idle,
    Computing,
    Done(Result<T, String>),
}

/// A button that computes `f` once, after the page has shown "computing".
fn compute<T: 'static>(
    state: &UseStateHandle<State<T>>,
    f: impl Fn() -> Result<T, String> + 'static,
) -> Callback<MouseEvent> {
    let state = state.clone();
    let f = std::rc::Rc::new(f);
    Callback::from(move |_: MouseEvent| {
        state.set(State::Computing);
        let (state, f) = (state.clone(), f.clone());
        Timeout::new(30, move || state.set(State::Done(f()))).forget();
    })
}

fn p99_table(rows: &[StrategyP99]) -> Html {
    let body = rows.iter().map(|r| {
        let ratio = r.ratio_to_round_robin_permille as f64 / 1_000.0;
        html! {
            <tr>
                <th scope="row">{ strategy_name(r.strategy) }</th>
                <td>{ latency_text(r.p99_us) }</td>
                <td class={classes!((ratio < 1.0).then_some("better"), (ratio > 1.0).then_some("worse"))}>{ format!("{ratio:.2}×") }</td>
                <td>{ r.p99_all_us.map_or_else(|| "∞".to_string(), latency_text) }</td>
                <td>{ r.unserved }</td>
            </tr>
        }
    });
    html! {
        <table class="lb-numbers" id="lb-p99-figure">
            <thead><tr>
                <th>{ tr("strategy") }</th><th>{ tr("p99 served") }</th><th>{ tr("vs round robin") }</th>
                <th>{ tr("p99 counting unserved") }</th><th>{ tr("not served") }</th>
            </tr></thead>
            <tbody>{ for body }</tbody>
        </table>
    }
}

fn max_load_chart(rows: &[MaxLoadRow]) -> Html {
    let p = LOAD_PLOT;
    let (w, h) = LOAD_PLOT_SIZE;
    let series = |class: &'static str, value: fn(&MaxLoadRow) -> f64| {
        let d = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                format!(
                    "{}{:.1},{:.1}",
                    if i == 0 { 'M' } else { 'L' },
                    p.x(r.n as f64),
                    p.y(value(r))
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        let marks = rows.iter().map(|r| html! {
            <circle class={classes!("lb-fig-mark", class)} cx={n1(p.x(r.n as f64))} cy={n1(p.y(value(r)))} r="3.5">
                <title>{ format!("n = {}: {:.2}", r.n, value(r)) }</title>
            </circle>
        });
        html! { <g class={class}><path class="lb-fig-line" d={d} />{ for marks }</g> }
    };
    let y_ticks = (0..=10).step_by(2).map(|v| {
        let y = p.y(f64::from(v));
        html! { <>
            <line class="lb-grid" x1={n1(p.left)} x2={n1(p.right)} y1={n1(y)} y2={n1(y)} />
            <text class="lb-axis" x={n1(p.left - 5.0)} y={n1(y + 4.0)}>{ v }</text>
        </> }
    });
    let x_ticks = [("10³", 1e3), ("10⁴", 1e4), ("10⁵", 1e5), ("10⁶", 1e6)].into_iter().map(|(label, n)| html! {
        <text class="lb-axis lb-time" x={n1(p.x(n))} y={n1(p.bottom + 16.0)}>{ label }</text>
    });
    html! {
        <svg class="lb-fig" id="lb-max-load-figure" viewBox={format!("0 0 {w} {h}")} role="img"
             aria-label={tr("Maximum load of n balls in n bins, one choice against two, beside the theory's curves")}>
            { for y_ticks }
            { for x_ticks }
            <text class="lb-axis-l" x={n1(p.left)} y={n1(h - 2.0)}>{ tr("n balls into n bins (log scale); up: the fullest bin") }</text>
            <path class="lb-theory one" d={p.curve(one_choice_first_order)} />
            <path class="lb-theory two" d={p.curve(two_choice_first_order)} />
            { series("one", |r| r.one_choice) }
            { series("two", |r| r.two_choices) }
        </svg>
    }
}

fn max_load_key() -> Html {
    html! {
        <ul class="lb-fig-key">
            <li><span class="lb-key one"></span>{ tr("one random choice (measured)") }</li>
            <li><span class="lb-key one theory"></span>{ "ln n / ln ln n" }</li>
            <li><span class="lb-key two"></span>{ tr("the less loaded of two (measured)") }</li>
            <li><span class="lb-key two theory"></span>{ "ln ln n / ln 2" }</li>
        </ul>
    }
}

fn status<T>(state: &State<T>, done: impl Fn(&T) -> Html) -> Html {
    match state {
        State::Idle => html! {},
        State::Computing => html! { <p class="hint" role="status">{ tr("Computing…") }</p> },
        State::Done(Err(e)) => html! { <p class="bad" role="alert">{ e }</p> },
        State::Done(Ok(value)) => done(value),
    }
}

#[function_component(Figures)]
pub fn figures(p: &FiguresProps) -> Html {
    let p99 = use_state(|| State::<Vec<StrategyP99>>::Idle);
    let load = use_state(|| State::<Vec<MaxLoadRow>>::Idle);
    let seed = p.seed;
    let on_p99 = compute(&p99, move || {
        slow_server_p99(seed, P99_LOAD_PERCENT, P99_SLOW_FACTOR)
    });
    let on_load = compute(&load, || max_load_figure(&MAX_LOAD_NS, MAX_LOAD_SEEDS));
    html! {
        <details class="lb-figures" open=true>
            <summary>{ tr("Figures") }</summary>
            <h3>{ tr("p99 with one slow server of four") }</h3>
            <p class="hint">{ trf(
                "Every strategy on the same requests: four servers at {l}% load, the fourth {f}× slower from the start, 12 s of traffic, this run's seed. The p99 of the served requests, against round robin's; counting the requests not served as infinitely slow, a strategy that loses 1% or more has an infinite p99.",
                &[("l", &P99_LOAD_PERCENT), ("f", &P99_SLOW_FACTOR)],
            ) }</p>
            <button id="lb-compute-p99" onclick={on_p99} disabled={*p99 == State::Computing}>{ tr("Compute the p99 table") }</button>
            { status(&p99, |rows| p99_table(rows)) }
            <h3>{ tr("Two choices: n balls into n bins") }</h3>
            <p class="hint">{ trf(
                "The fullest bin when each ball goes to a random bin, and when it goes to the less loaded of two random bins (Azar, Broder, Karlin and Upfal, 1994), n from 1000 to a million, the mean over {s} seeds, beside the first-order curves.",
                &[("s", &MAX_LOAD_SEEDS)],
            ) }</p>
            <button id="lb-compute-max-load" onclick={on_load} disabled={*load == State::Computing}>{ tr("Compute the maximum-load figure") }</button>
            { status(&load, |rows| html! { <>{ max_load_chart(rows) }{ max_load_key() }</> }) }
        </details>
    }
}
