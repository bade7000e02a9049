//! The strip under the network: the ballot timeline (who started which ballot, when, and
//! how it ended) and, for Multi-Paxos, each learner's log next to the chosen log.
use super::geometry::{short_value, timeline_bars, BarKind, CHAR_W};
use super::value_class;
use crate::algo::paxos::ghost::{BallotOutcome, ValueSource};
use crate::i18n::{tr, trf};
use crate::scene::paxos::PaxosView;
use crate::sim::NodeStatus;
use crate::ui::svg_attr::n1;
use yew::prelude::*;

/// The strip's width: the stage's width, or the side column's when embedded (so that its
/// text is never drawn below 11 px).
const STRIP_W: f64 = 700.0;
const COMPACT_W: f64 = 270.0;
const LANE_LABEL_W: f64 = 34.0;
const LANE_H: f64 = 18.0;

#[derive(Properties, PartialEq)]
pub struct StripProps {
    pub view: PaxosView,
    pub names: Vec<String>,
    #[prop_or_default]
    pub compact: bool,
}

fn bar_class(kind: BarKind) -> &'static str {
    match kind {
        BarKind::Running => "px-ballot-running",
        BarKind::Chosen => "px-ballot-chosen",
        BarKind::Preempted => "px-ballot-preempted",
        BarKind::TimedOut => "px-ballot-timedout",
        BarKind::Ended => "px-ballot-ended",
    }
}

/// The mark at a bar's end that says how its ballot ended. The bar's colour is its value's
/// (red, green, ...): an outcome drawn in colours too read as a value ("1.0 red" in green).
fn outcome_mark(kind: BarKind) -> &'static str {
    match kind {
        BarKind::Running => "…",
        BarKind::Chosen => "✓",
        BarKind::Preempted => "✗",
        BarKind::TimedOut => "⊘",
        BarKind::Ended => "–",
    }
}

fn outcome_text(outcome: &BallotOutcome) -> String {
    match outcome {
        BallotOutcome::Running => tr("running").into(),
        BallotOutcome::Chosen { at } => trf("its value was chosen at {at}", &[("at", at)]),
        BallotOutcome::Preempted { by, at } => {
            trf("preempted by {by} at {at}", &[("by", by), ("at", at)])
        }
        BallotOutcome::TimedOut { at } => trf("timed out at {at}", &[("at", at)]),
        BallotOutcome::SteppedDown { at } => trf("stepped down at {at}", &[("at", at)]),
        BallotOutcome::Replaced { at } => trf("replaced at {at}", &[("at", at)]),
        BallotOutcome::Superseded { at } => {
            trf("decided through another ballot at {at}", &[("at", at)])
        }
        BallotOutcome::Crashed => tr("its proposer crashed").into(),
    }
}

#[function_component(BallotTimeline)]
pub fn ballot_timeline(p: &StripProps) -> Html {
    let view = &p.view;
    let lanes: Vec<u32> = view
        .nodes
        .iter()
        .filter(|c| c.roles.proposer)
        .map(|c| c.id.0)
        .collect();
    let full = if p.compact { COMPACT_W } else { STRIP_W };
    let width = full - LANE_LABEL_W;
    let bars = timeline_bars(&view.ballots, &lanes, view.now, width);
    let height = LANE_H * lanes.len() as f64 + 4.0;
    let lane_labels = lanes.iter().enumerate().map(|(i, id)| {
        html! { <text class="px-lane" x="0" y={n1(LANE_H * i as f64 + 13.0)}>{ p.names.get(*id as usize).cloned().unwrap_or_default() }</text> }
    });
    let bars = bars.iter().map(|bar| {
        let r = &bar.entry.record;
        let value = r.first_value.map(|(v, source)| {
            let how = match source {
                ValueSource::Adopted { .. } => " ←",
                ValueSource::KeptOwn { .. } => " !",
                _ => "",
            };
            format!("{}{how}", short_value(&v))
        });
        let label = match &value {
            Some(v) => format!("{} {v}", r.ballot),
            None => r.ballot.to_string(),
        };
        // The label and the outcome's mark when both fit, else the mark alone.
        const MARK_W: f64 = 11.0;
        let fits = label.chars().count() as f64 * CHAR_W + 6.0 + MARK_W <= bar.w;
        let mark_fits = bar.w >= MARK_W;
        let colour = r
            .first_value
            .map_or_else(|| "px-novalue".to_string(), |(v, _)| value_class(&v));
        let y = LANE_H * bar.lane as f64 + 2.0;
        let x = LANE_LABEL_W + bar.x;
        let tip = trf(
            "Ballot {ballot} by {node}, started at {at}: {outcome}",
            &[
                ("ballot", &r.ballot),
                ("node", &p.names.get(bar.entry.proposer.index()).cloned().unwrap_or_default()),
                ("at", &r.started),
                ("outcome", &outcome_text(&r.outcome)),
            ],
        );
        html! {
            <g key={format!("{}-{}", r.ballot, r.started.0)} class={classes!("px-bar", bar_class(bar.kind), colour)} data-ballot={r.ballot.to_string()}>
                <title>{ tip }</title>
                <rect x={n1(x)} y={n1(y)} width={n1(bar.w)} height={(LANE_H - 4.0).to_string()} rx="3" />
                if let Some(px) = bar.phase1_x {
                    <line class="px-phase1" x1={n1(LANE_LABEL_W + px)} x2={n1(LANE_LABEL_W + px)} y1={n1(y)} y2={n1(y + LANE_H - 4.0)} />
                }
                if fits {
                    <text class="px-bar-label" x={n1(x + 3.0)} y={n1(y + 11.0)}>{ label }</text>
                }
                if mark_fits {
                    <text class="px-bar-mark" x={n1(x + bar.w - 2.0)} y={n1(y + 11.0)}>{ outcome_mark(bar.kind) }</text>
                }
            </g>
        }
    });
    html! {
        <figure class="px-timeline" id="px-timeline">
            <figcaption>{ if p.compact { tr("Ballots over time: ✓ chosen, ✗ preempted") } else { tr("Ballots over time, each in its value's colour (✓ chosen, ✗ preempted, ⊘ timed out; ← adopted a reported value, ! kept its own)") } }</figcaption>
            <svg viewBox={format!("0 0 {full} {height:.0}")} style={format!("max-width:{full}px")} role="img" aria-label={tr("Ballot timeline")}>
                { for lane_labels }
                { for bars }
            </svg>
        </figure>
    }
}

#[function_component(SlotLogs)]
pub fn slot_logs(p: &StripProps) -> Html {
    let view = &p.view;
    let slots = view.logs.first().map_or(0, |l| l.slots.len());
    let header = (0..slots).map(|i| html! { <th scope="col">{ view.log_start + i as u32 }</th> });
    let chosen_row = (0..slots).map(|i| {
        let slot = view.log_start + i as u32;
        match view.chosen(slot) {
            Some(v) => html! { <td class={classes!("px-cell", "px-chosen", value_class(&v))}>{ short_value(&v) }</td> },
            None => html! { <td class="px-cell" /> },
        }
    });
    let rows = view.logs.iter().map(|log| {
        let cells = log.slots.iter().enumerate().map(|(i, v)| {
            let slot = view.log_start + i as u32;
            let applied = slot < log.applied;
            match v {
                Some(v) => html! { <td class={classes!("px-cell", "px-learned", value_class(v), applied.then_some("applied"))}>{ short_value(v) }</td> },
                None if view.chosen(slot).is_some() => html! { <td class="px-cell px-missing" title={tr("chosen, not learned here yet")}>{ "?" }</td> },
                None => html! { <td class="px-cell" /> },
            }
        });
        html! {
            <tr key={log.node.0} class={classes!((log.status == NodeStatus::Crashed).then_some("crashed"))}>
                <th scope="row">{ p.names.get(log.node.index()).cloned().unwrap_or_default() }</th>
                { for cells }
            </tr>
        }
    });
    html! {
        <table class="px-logs" id="px-logs">
            <caption>{ tr("Slot logs: chosen (global) and what each learner learned (underlined: applied)") }</caption>
            <thead><tr><th scope="col">{ tr("slot") }</th>{ for header }</tr></thead>
            <tbody>
                <tr class="px-chosen-row"><th scope="row">{ tr("chosen") }</th>{ for chosen_row }</tr>
                { for rows }
            </tbody>
        </table>
    }
}
