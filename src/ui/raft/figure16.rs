//! "Why randomized timeouts": the time from a leader crash to the next leader, for six
//! election-timeout ranges, as cumulative distributions over 1,000 seeds each (the paper's
//! Figure 16). Measured on request in slices of a few milliseconds, one per browser task,
//! so the page stays responsive; the chart and table fill in as seeds complete
//! ([`Figure16Run`] does the work and is tested natively).
use super::figure16_run::{Figure16Run, RANGES, SEEDS};
use super::geometry::*;
use crate::algo::raft::ELECTION_LIMIT;
use crate::i18n::{tr, trf};
use crate::sim::Time;
use crate::ui::browser;
use crate::ui::svg_attr::n1;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// How long one slice of runs may take, in milliseconds: well under a frame.
const SLICE_MS: f64 = 8.0;

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

pub enum Msg {
    Start,
    Stop,
    Tick,
}

/// The panel's state: the measurement (none before the first click), whether it runs, and
/// the timer of the next slice.
pub struct Figure16 {
    run: Option<Figure16Run>,
    running: bool,
    _timer: Option<Timeout>,
}

impl Figure16 {
    fn schedule(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self._timer = Some(Timeout::new(0, move || link.send_message(Msg::Tick)));
    }
}

impl Component for Figure16 {
    type Message = Msg;
    type Properties = ();

    fn create(_ctx: &Context<Self>) -> Self {
        Figure16 {
            run: None,
            running: false,
            _timer: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Start => {
                self.run = Some(Figure16Run::new(SEEDS));
                self.running = true;
                self.schedule(ctx);
            }
            Msg::Stop => {
                self.running = false;
                self._timer = None;
            }
            Msg::Tick => {
                let Some(run) = self.run.as_mut().filter(|_| self.running) else {
                    return false;
                };
                let mut clock = browser::now_ms;
                run.run_for(&mut clock, SLICE_MS);
                self.running = !run.is_done();
                if self.running {
                    self.schedule(ctx);
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let busy = self.running;
        let (done, seeds) = self
            .run
            .as_ref()
            .map_or((0, SEEDS), |r| (r.seeds_done(), r.seeds()));
        let button = if busy {
            html! { <button id="raft-measure" onclick={link.callback(|_| Msg::Stop)}>{ tr("Stop measuring") }</button> }
        } else {
            html! { <button id="raft-measure" onclick={link.callback(|_| Msg::Start)}>{ trf("Measure ({k} runs per range)", &[("k", &SEEDS)]) }</button> }
        };
        let progress = self.run.as_ref().map(|_| {
            let label = if busy {
                trf("Measuring… {d} of {n} seeds", &[("d", &done), ("n", &seeds)])
            } else if done < seeds {
                trf("Stopped after {d} of {n} seeds", &[("d", &done), ("n", &seeds)])
            } else {
                trf("Done: {n} seeds per range", &[("n", &seeds)])
            };
            html! {
                <p class="figure16-progress" data-seeds={done.to_string()} data-done={(!busy && done == seeds).to_string()}>
                    <progress max={seeds.to_string()} value={done.to_string()}></progress>
                    <span>{ label }</span>
                </p>
            }
        });
        let samples = self.run.as_ref().map_or(&[][..], |r| r.samples());
        let curves = samples.iter().enumerate().map(|(i, s)| {
            html! { <path class={format!("cdf c{i}")} d={cdf_path(&s.times, s.unelected)} /> }
        });
        let x_ticks = CHART_TICKS.iter().map(|&ms| {
            let x = chart_x(f64::from(ms));
            html! {
                <>
                    <line class="grid" x1={n1(x)} x2={n1(x)} y1={CHART_TOP.to_string()} y2={(CHART_H - CHART_BOTTOM).to_string()} />
                    <text class="tick" x={n1(x)} y={(CHART_H - CHART_BOTTOM + 14.0).to_string()}>{ tick_text(ms) }</text>
                </>
            }
        });
        let y_ticks = [0.0, 0.5, 1.0].map(|share| {
            let y = chart_y(share);
            html! {
                <>
                    <line class="grid" x1={CHART_LEFT.to_string()} x2={(CHART_W - CHART_RIGHT).to_string()} y1={n1(y)} y2={n1(y)} />
                    <text class="tick y" x={(CHART_LEFT - 4.0).to_string()} y={n1(y + 4.0)}>{ format!("{:.0}%", share * 100.0) }</text>
                </>
            }
        });
        let rows = samples.iter().zip(RANGES).enumerate().map(|(i, (s, (lo, hi)))| {
            html! {
                <tr data-range={format!("{lo}-{hi}")} data-runs={s.runs().to_string()}>
                    <th scope="row"><span class={format!("key c{i}")}></span>{ format!("{lo}–{hi} ms") }</th>
                    <td class="num">{ ms_text(s.percentile(50)) }</td>
                    <td class="num">{ ms_text(s.percentile(95)) }</td>
                    <td class="num">{ s.unelected }</td>
                </tr>
            }
        });
        html! {
            <section class="raft-figure16" aria-label={tr("Why randomized timeouts")}>
                <h2>{ tr("Why randomized timeouts") }</h2>
                <p class="hint">{ trf("After a leader crash, how long until every server hears from a new leader? Five servers, {k} runs per timeout range, messages taking 2 to 3 ms, the leader crashed at a random moment of its heartbeat interval (the paper's Figure 16). Without randomness the servers time out together and split their votes again and again.", &[("k", &SEEDS)]) }</p>
                { button }
                { for progress }
                if self.run.is_some() {
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
}
