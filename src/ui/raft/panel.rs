//! The Raft panel: each server's key-value store, the clients' history with its
//! linearizability verdict, and the randomized-timeouts chart.
use super::figure16::Figure16;
use crate::i18n::{line, tr, trf};
use crate::scene::raft::{op_text, result_text, OpView, RaftView, Verdict};
use crate::sim::NodeStatus;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RaftPanelProps {
    pub view: RaftView,
}

fn store_text(store: &[(char, u32)]) -> String {
    if store.is_empty() {
        return tr("(empty)").to_string();
    }
    let pairs: Vec<String> = store.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join("  ")
}

fn op_line(op: &OpView) -> Html {
    let (class, outcome) = match op.returned {
        Some((at, result)) => (
            "done",
            trf(
                "→ {r}, {a} to {b}",
                &[("r", &result_text(result)), ("a", &op.invoked), ("b", &at)],
            ),
        ),
        None => ("pending", trf("pending since {a}", &[("a", &op.invoked)])),
    };
    html! {
        <li class={class}><span class="op">{ format!("#{} {}", op.serial, op_text(op.op)) }</span>{ " " }<span class="outcome">{ outcome }</span></li>
    }
}

#[function_component(RaftPanel)]
pub fn raft_panel(p: &RaftPanelProps) -> Html {
    let view = &p.view;
    let stores = view.servers.iter().map(|s| {
        html! {
            <tr class={classes!((s.status != NodeStatus::Up).then_some("down"))} data-node={s.id.0.to_string()}>
                <th scope="row">{ &s.name }</th>
                <td class="num">{ s.applied }</td>
                <td class="kv">{ store_text(&s.store) }</td>
            </tr>
        }
    });
    let verdict = match &view.verdict {
        Verdict::Empty => {
            html! { <p class="verdict empty" id="raft-verdict">{ tr("No operation has returned yet.") }</p> }
        }
        Verdict::Linearizable => {
            html! { <p class="verdict ok" id="raft-verdict">{ tr("Linearizable: every answer fits one order of the operations, each taking effect between its call and its return.") }</p> }
        }
        Verdict::Violated(why) => {
            html! { <p class="verdict bad" id="raft-verdict" role="status">{ trf("Not linearizable: {why}", &[("why", &line(why))]) }</p> }
        }
    };
    let clients = view.clients.iter().map(|c| {
        let older = c.invoked.saturating_sub(c.history.len());
        html! {
            <div class="client-history" data-node={c.id.0.to_string()}>
                <h3>{ &c.name }</h3>
                if c.history.is_empty() {
                    <p class="hint">{ tr("No operations yet: press C, or pick the client and choose Write.") }</p>
                } else {
                    <ul>
                        if older > 0 { <li class="hint">{ trf("… {k} earlier operations", &[("k", &older)]) }</li> }
                        { for c.history.iter().map(op_line) }
                    </ul>
                }
            </div>
        }
    });
    html! {
        <>
            <section class="raft-panel" aria-label={tr("Raft state")}>
                <h2>{ tr("Key-value stores") }</h2>
                <table class="raft-stores">
                    <thead><tr><th>{ tr("server") }</th><th>{ tr("applied") }</th><th>{ tr("store") }</th></tr></thead>
                    <tbody>{ for stores }</tbody>
                </table>
                <h2>{ tr("Client history") }</h2>
                if view.clients.is_empty() {
                    <p class="hint">{ tr("This run has no clients: set Clients to 1 or more.") }</p>
                } else {
                    { verdict }
                    { for clients }
                }
            </section>
            <Figure16 />
        </>
    }
}
