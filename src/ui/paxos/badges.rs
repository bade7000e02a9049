//! The badges above the network: what is chosen (the simulator's global fact), whether
//! safety holds (with the challenge's crash budget), and the quorum rule q1 + q2 > n.
use super::table::{ballot_chip, value_chip};
use crate::algo::paxos::Mode;
use crate::i18n::{tr, trf};
use crate::scene::paxos::PaxosView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BadgesProps {
    pub view: PaxosView,
    pub names: Vec<String>,
}

#[function_component(Badges)]
pub fn badges(p: &BadgesProps) -> Html {
    let view = &p.view;
    let safety = &view.safety;
    let chosen = match view.mode {
        Mode::Single => match safety.chosen.get(&0) {
            Some(c) => {
                let who: Vec<&str> = c
                    .acceptors
                    .iter()
                    .filter_map(|a| p.names.get(a.index()).map(String::as_str))
                    .collect();
                html! {
                    <span class="px-badge px-chosen" id="px-chosen" title={tr("What the simulator knows: a phase-2 quorum accepted this value in one ballot. Nodes find out later.")}>
                        { tr("chosen") }{ " " }{ value_chip(&c.value) }{ " " }{ tr("in") }{ " " }{ ballot_chip(c.ballot) }
                        <span class="px-who">{ format!(" · {}", who.join(" ")) }</span>
                    </span>
                }
            }
            None => {
                html! { <span class="px-badge px-chosen none" id="px-chosen">{ tr("nothing chosen yet") }</span> }
            }
        },
        Mode::Multi => html! {
            <span class="px-badge px-chosen" id="px-chosen">{ trf("chosen slots: {n}", &[("n", &safety.chosen.len())]) }</span>
        },
    };
    let verdict = match safety.conflicts.first() {
        None => {
            html! { <span class="px-badge px-safe" id="px-safety">{ tr("safety holds") }</span> }
        }
        Some(c) => html! {
            <span class="px-badge px-broken" id="px-safety">
                { trf("consensus broken in slot {slot}:", &[("slot", &c.slot)]) }{ " " }
                { value_chip(&c.first.value) }{ " " }{ ballot_chip(c.first.ballot) }{ " " }{ tr("and") }{ " " }
                { value_chip(&c.second.value) }{ " " }{ ballot_chip(c.second.ballot) }
            </span>
        },
    };
    let challenge = view.challenge.map(|ch| {
        let text = if ch.over_budget() {
            trf("This run crashes {n} times, more than the {f} allowed: it does not count.", &[("n", &ch.in_run), ("f", &ch.budget)])
        } else if !safety.holds() {
            tr("You broke consensus! Copy the link to share the run.").into()
        } else {
            trf("crashes left: {left} of {f}", &[("left", &ch.left()), ("f", &ch.budget)])
        };
        html! { <span class={classes!("px-badge", "px-budget", ch.over_budget().then_some("over"))} id="px-budget">{ text }</span> }
    });
    let sum = view.q1 + view.q2;
    let rule = if safety.quorums_intersect {
        html! {
            <span class="px-badge px-rule" id="px-rule" title={tr("Every phase-1 quorum shares an acceptor with every phase-2 quorum, so a new proposer always hears of a chosen value.")}>
                { trf("q1 + q2 = {sum} > {n} acceptors", &[("sum", &sum), ("n", &view.acceptor_count)]) }
            </span>
        }
    } else {
        html! {
            <span class="px-badge px-rule px-unsafe" id="px-rule" title={tr("A phase-1 quorum can miss every acceptor that accepted a chosen value, so a second value can be chosen.")}>
                { trf("unsafe: q1 + q2 = {sum}, not more than {n} acceptors", &[("sum", &sum), ("n", &view.acceptor_count)]) }
            </span>
        }
    };
    html! {
        <div class="px-badges" role="status">
            { chosen }{ verdict }{ for challenge }{ rule }
        </div>
    }
}
