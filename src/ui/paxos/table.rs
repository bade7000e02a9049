//! The acceptor table (each acceptor's promise and accepted ballot and value, updating as
//! the run plays) and the quorums of the highest ballots as they form.
use super::geometry::short_value;
use super::value_class;
use crate::algo::paxos::{Ballot, Mode, Value};
use crate::i18n::{tr, trf};
use crate::scene::paxos::{PaxosView, QuorumRow};
use crate::sim::{NodeId, NodeStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TableProps {
    pub view: PaxosView,
    pub names: Vec<String>,
    /// The embedded layout: fewer ballot columns.
    pub compact: bool,
}

/// A ballot chip, outlined in its proposer's colour; keyed by the ballot so a change
/// re-creates it and its fade-in plays.
pub fn ballot_chip(ballot: Ballot) -> Html {
    if ballot.is_zero() {
        return html! { <span class="px-none">{ "—" }</span> };
    }
    html! {
        <span key={ballot.to_string()} class={classes!("px-ballot", format!("px-p{}", ballot.proposer.0 % 6), "px-fresh")}>{ ballot.to_string() }</span>
    }
}

pub fn value_chip(value: &Value) -> Html {
    html! { <span class={classes!("px-value", value_class(value))}>{ short_value(value) }</span> }
}

/// A quorum count, "2 of 3" while short of a quorum and "5 ✓ (3 needed)" once there are
/// enough (solid): never "5/3", which reads as a fraction over one. The embed, whose
/// table has one ballot column's width to spare, writes "5 ✓" and keeps the rest in the
/// tooltip.
fn count(have: usize, needed: u32, what: &'static str, compact: bool) -> Html {
    let formed = have as u32 >= needed;
    let args: [(&str, &dyn std::fmt::Display); 2] = [("have", &have), ("needed", &needed)];
    let whole = if formed {
        trf("{have} ✓ ({needed} needed)", &args)
    } else {
        trf("{have} of {needed}", &args)
    };
    let text = if formed && compact {
        format!("{have} ✓")
    } else {
        whole.clone()
    };
    let title = trf("{what}: {count}", &[("what", &what), ("count", &whole)]);
    html! { <span class={classes!("px-q", formed.then_some("formed"))} title={title}>{ text }</span> }
}

/// The column of one ballot: which acceptors promised it (P) and which accepted its value.
fn ballot_cell(q: &QuorumRow, node: NodeId) -> Html {
    let promised = q.promised_by.contains(&node);
    let accepted = q.accepted_by.contains(&node);
    html! {
        <td class={classes!("px-qcell", promised.then_some("px-in-quorum"))}>
            if promised { <span class="px-p-mark" title={tr("promised this ballot")}>{ "P" }</span> }
            if accepted {
                if let Some((_, v)) = &q.accepted {
                    <span class={classes!("px-a-mark", value_class(v))} title={tr("accepted this ballot's value")}>{ "A" }</span>
                }
            }
        </td>
    }
}

#[function_component(AcceptorTable)]
pub fn acceptor_table(p: &TableProps) -> Html {
    let view = &p.view;
    let multi = view.mode == Mode::Multi;
    let shown: Vec<&QuorumRow> = view
        .quorums
        .iter()
        .take(if p.compact { 1 } else { 3 })
        .collect();
    let rows = view.acceptors.iter().map(|a| {
        let name = p.names.get(a.node.index()).cloned().unwrap_or_default();
        let forgot = a.highest_promise_ever > a.promised;
        let accepted = match a.accepted {
            Some((slot, acc)) => html! {
                <>
                    if multi { <span class="px-slot">{ format!("[{slot}]") }</span> }
                    { value_chip(&acc.value) }
                    <span class="px-in">{ if p.compact { "" } else { tr("in") } }</span>
                    { ballot_chip(acc.ballot) }
                </>
            },
            None => html! { <span class="px-none">{ "—" }</span> },
        };
        html! {
            <tr key={a.node.0} class={classes!((a.status == NodeStatus::Crashed).then_some("crashed"))} data-node={a.node.0.to_string()}>
                <th scope="row">{ name }</th>
                <td class="px-promised">
                    { ballot_chip(a.promised) }
                    if forgot {
                        <span class="px-forgot" title={tr("This acceptor forgot a promise it made before its crash")}>{ trf("forgot {ballot}", &[("ballot", &a.highest_promise_ever)]) }</span>
                    }
                </td>
                <td class="px-accepted">{ accepted }</td>
                { for shown.iter().map(|q| ballot_cell(q, a.node)) }
            </tr>
        }
    });
    html! {
        <table class="px-acceptors" id="px-acceptors">
            <caption>{ if p.compact { tr("Acceptors") } else { tr("Acceptors, and the quorums of the highest ballots") } }</caption>
            <thead><tr>
                <th scope="col">{ tr("node") }</th><th scope="col">{ tr("promised") }</th>
                <th scope="col">{ if multi { tr("accepted (latest slot)") } else { tr("accepted") } }</th>
                { for shown.iter().map(|q| html! { <th scope="col" class="px-qcol" data-ballot={q.ballot.to_string()}>{ ballot_chip(q.ballot) }</th> }) }
            </tr></thead>
            <tbody>{ for rows }</tbody>
            if !shown.is_empty() {
                <tfoot><tr>
                    <th scope="row" colspan="3" class="px-qlabel">{ tr("promises, acceptances") }</th>
                    { for shown.iter().map(|q| html! {
                        <td class="px-qcount">{ count(q.promised_by.len(), view.q1, tr("promises"), p.compact) }{ count(q.accepted_by.len(), view.q2, tr("acceptances"), p.compact) }</td>
                    }) }
                </tr></tfoot>
            }
        </table>
    }
}
