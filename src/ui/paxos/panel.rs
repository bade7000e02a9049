//! The Paxos side panel: the quorum rule with this run's numbers, the challenge's rules,
//! the ballot timeline in Multi-Paxos (the stage shows the logs there), and totals.
use super::strip::BallotTimeline;
use crate::algo::paxos::{Mode, Variant};
use crate::i18n::{tr, trf};
use crate::scene::paxos::PaxosView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub view: PaxosView,
    pub names: Vec<String>,
}

#[function_component(PaxosPanel)]
pub fn paxos_panel(p: &PanelProps) -> Html {
    let view = &p.view;
    let (q1, q2, n) = (view.q1, view.q2, view.acceptor_count);
    let rule = if q1 + q2 > n {
        trf(
            "A proposer needs {q1} promises (phase 1) and a value is chosen once {q2} acceptors accept it in one ballot (phase 2). {q1} + {q2} > {n}: any {q1} acceptors and any {q2} acceptors share at least one, so a new proposer always hears of a value that may be chosen, and must adopt it.",
            &[("q1", &q1), ("q2", &q2), ("n", &n)],
        )
    } else {
        trf(
            "Unsafe setting: {q1} + {q2} is not more than {n}, so {q1} acceptors can be found that share none with {q2} others. A new proposer may then hear nothing of a chosen value and get a second one chosen.",
            &[("q1", &q1), ("q2", &q2), ("n", &n)],
        )
    };
    let variant = match view.variant {
        Variant::Correct => None,
        Variant::KeepOwnValue => Some(tr("Broken variant: proposers keep their own value instead of adopting the highest-ballot value their promises report.")),
        Variant::ForgetPromise => Some(tr("Broken variant: acceptors keep promises in memory only, so a restart forgets them.")),
        Variant::MixBallots => Some(tr("Broken variant: learners add up acceptances of a value from different ballots.")),
    };
    let stats = &view.stats;
    let m = &stats.messages;
    html! {
        <section class="px-panel" aria-label={tr("Paxos")}>
            <h2>{ tr("Quorums") }</h2>
            <p class={classes!("px-rule-text", (q1 + q2 <= n).then_some("px-unsafe"))} id="px-rule-text">{ rule }</p>
            if let Some(text) = variant { <p class="px-variant">{ text }</p> }
            if let Some(ch) = view.challenge {
                <h2>{ tr("Break consensus") }</h2>
                <p class="px-challenge-text">
                    { trf("Get two different values chosen. You may crash at most {f} nodes (f = acceptors − the larger quorum), restart them, pause them, cut links, and drop or hold back any message by clicking it (choose which under the stage), as often as you like. Propose values from a node's menu.", &[("f", &ch.budget)]) }
                    { " " }
                    { tr("With the correct protocol you cannot win, whatever the timing: try a broken variant, or quorums that need not meet.") }
                </p>
            }
            if view.mode == Mode::Multi {
                <BallotTimeline view={view.clone()} names={p.names.clone()} compact=true />
            }
            <p class="px-stats" id="px-stats">
                { trf("{ballots} ballots started, {slots} slots chosen. Messages: {prepare} prepare, {promise} promise, {accept} accept, {accepted} accepted, {nack} nack.", &[
                    ("ballots", &stats.ballots_started), ("slots", &stats.chosen_slots), ("prepare", &m.prepare),
                    ("promise", &m.promise), ("accept", &m.accept), ("accepted", &m.accepted), ("nack", &m.nack),
                ]) }
            </p>
        </section>
    }
}
