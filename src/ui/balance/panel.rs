//! The load-balancing panel: the numbers at the cursor for each side of a comparison, the
//! balancers' books (what each strategy counts), and the figures computed on request.
use super::figures::Figures;
use super::plot::{latency_text, percent_text, span_text};
use crate::algo::balance::compare::Sample;
use crate::algo::balance::{Percentiles, Strategy, Totals, WindowCounts};
use crate::i18n::{tr, trf};
use crate::scene::balance::BalanceSceneView;
use crate::ui::scenes::ViewCtx;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BalancePanelProps {
    pub view: BalanceSceneView,
    pub ctx: ViewCtx,
}

/// One side's numbers, as the table shows them.
struct Numbers {
    arrived: u64,
    served: u64,
    turned_away: u64,
    failed: u64,
    in_progress: u64,
    latency: Percentiles,
    window: WindowCounts,
    moves: (u64, u64),
}

impl Numbers {
    fn live(v: &BalanceSceneView) -> Numbers {
        let t: &Totals = &v.live.totals;
        Numbers {
            arrived: t.arrived,
            served: t.completed,
            turned_away: t.dropped(),
            failed: t.failed(),
            in_progress: v.live.in_progress,
            latency: v.live.latency,
            window: v.live.window,
            moves: (v.session_moves.moved, v.session_moves.forced),
        }
    }

    fn sampled(s: &Sample, moves: (u64, u64)) -> Numbers {
        Numbers {
            arrived: s.arrived,
            served: s.completed,
            turned_away: s.dropped,
            failed: s.failed,
            in_progress: s.in_progress,
            latency: s.latency,
            window: s.window,
            moves,
        }
    }

    fn rows(&self) -> Vec<String> {
        let l = &self.latency;
        let unserved =
            (self.window.dropped + self.window.failed) * 1_000 / self.window.total().max(1);
        vec![
            self.arrived.to_string(),
            self.served.to_string(),
            self.turned_away.to_string(),
            self.failed.to_string(),
            self.in_progress.to_string(),
            latency_text(l.p50),
            latency_text(l.p95),
            latency_text(l.p99),
            l.p99_all.map_or_else(|| "∞".to_string(), latency_text),
            percent_text(unserved),
            format!("{} / {}", self.moves.0, self.moves.1),
        ]
    }
}

fn numbers_table(v: &BalanceSceneView) -> Html {
    let names = [
        tr("requests arrived"),
        tr("served"),
        tr("turned away (503)"),
        tr("failed (504, timeout)"),
        tr("in progress"),
        tr("p50 (served, in the window)"),
        tr("p95"),
        tr("p99"),
        tr("p99 counting unserved as ∞"),
        tr("not served (in the window)"),
        tr("session moves / forced"),
    ];
    let a = Numbers::live(v).rows();
    let b = v.compare.as_ref().and_then(|c| {
        let last = c.b.last.as_ref()?;
        Some(Numbers::sampled(last, (c.b.moves.moved, c.b.moves.forced)).rows())
    });
    let head = match &v.compare {
        Some(c) => {
            html! { <tr><th></th><th>{ &c.a.label }</th><th class="lb-b">{ &c.b.label }</th></tr> }
        }
        None => html! { <tr><th></th><th>{ &v.label }</th></tr> },
    };
    let rows = names.iter().enumerate().map(|(i, name)| {
        html! {
            <tr>
                <th scope="row">{ *name }</th>
                <td>{ &a[i] }</td>
                if let Some(b) = &b { <td class="lb-b">{ &b[i] }</td> }
            </tr>
        }
    });
    html! {
        <table class="lb-numbers" id="lb-numbers">
            <thead>{ head }</thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

fn comparison_note(v: &BalanceSceneView) -> Html {
    let Some(c) = &v.compare else { return html! {} };
    let same = c.a.digest.is_some() && c.a.digest == c.b.digest;
    let digest =
        c.a.digest
            .map_or_else(String::new, |d| format!("{:04x}", d >> 48));
    let at =
        c.b.last
            .as_ref()
            .map_or_else(String::new, |s| span_text(s.at));
    html! {
        <div class="lb-compare-note">
            <p id="lb-same-arrivals" class={if same { "ok" } else { "bad" }}>
                { if same {
                    trf("Same arrivals on both sides (digest {d}…): the difference is the balancing alone.", &[("d", &digest)])
                } else {
                    tr("The two sides were offered different requests.").to_string()
                } }
            </p>
            <p class="hint">{ trf("The second side is a replay with the same seed, faults and commands; its numbers are as of {t}.", &[("t", &at)]) }</p>
            if c.not_mirrored > 0 {
                <p class="hint">{ trf("{n} dropped messages are not repeated on the second side: its messages are different ones.", &[("n", &c.not_mirrored)]) }</p>
            }
        </div>
    }
}

/// What each balancer counts: picks and open requests per server, and the strategy's own
/// state (peak EWMA costs, smooth weighted round robin's current weights).
fn books(v: &BalanceSceneView) -> Html {
    let servers = v.live.servers.len();
    let head = (0..servers).map(|i| html! { <th>{ trf("S{n}", &[("n", &(i + 1))]) }</th> });
    let rows = v.live.balancers.iter().map(|b| {
        let cells = |values: Vec<String>| values.into_iter().map(|x| html! { <td>{ x }</td> }).collect::<Html>();
        let name = trf("balancer {n}", &[("n", &(b.index + 1))]);
        let state = match v.strategy {
            Strategy::PeakEwma => Some((tr("peak EWMA cost"), b.ewma_ns.iter().map(|ns| latency_text(ns / 1_000)).collect())),
            Strategy::SmoothWeighted | Strategy::LeastConnections => Some((tr("current weight"), b.current_weights.iter().map(|w| w.to_string()).collect())),
            _ => None,
        };
        let health = b.health.iter().map(|h| {
            if !h.active.up { "✗".to_string() } else if h.is_ejected() { "⏏".to_string() } else { "✓".to_string() }
        }).collect();
        html! { <>
            <tr class="lb-book-name"><th colspan={(servers + 1).to_string()}>{ if b.crashed { trf("{name} (crashed)", &[("name", &name)]) } else { name } }</th></tr>
            <tr><th scope="row">{ tr("picks") }</th>{ cells(b.picks.iter().map(u64::to_string).collect()) }</tr>
            <tr><th scope="row">{ tr("open") }</th>{ cells(b.open.iter().map(u32::to_string).collect()) }</tr>
            <tr><th scope="row">{ tr("health") }</th>{ cells(health) }</tr>
            if let Some((label, values)) = state { <tr><th scope="row">{ label }</th>{ cells(values) }</tr> }
        </> }
    });
    html! {
        <details class="lb-books">
            <summary>{ tr("What each balancer counts") }</summary>
            <p class="hint">{ tr("Each balancer knows only its own requests: its picks and open requests per server, and its own view of their health.") }</p>
            <table class="lb-numbers"><thead><tr><th></th>{ for head }</tr></thead><tbody>{ for rows }</tbody></table>
        </details>
    }
}

#[function_component(BalancePanel)]
pub fn balance_panel(p: &BalancePanelProps) -> Html {
    let v = &p.view;
    let load = (v.live.offered_per_second * 1_000)
        .checked_div(v.capacity_per_second)
        .unwrap_or(0);
    html! {
        <section class="lb-panel" aria-label={tr("Load balancing")}>
            <h2>{ trf("Load balancing · {s}", &[("s", &tr(v.strategy.title()))]) }</h2>
            <p id="lb-load">{ trf(
                "{r} requests per second offered; the servers can serve about {c} per second: {p} load. The traffic stops at {t}.",
                &[("r", &v.live.offered_per_second), ("c", &v.capacity_per_second), ("p", &percent_text(load)), ("t", &span_text(v.traffic_for))],
            ) }</p>
            { numbers_table(v) }
            { comparison_note(v) }
            { books(v) }
            <Figures seed={v.seed} />
        </section>
    }
}
