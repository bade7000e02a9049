//! Per-node details: state, status, durable log and other lines the scene provides, and
//! the timers the node has set.
use crate::i18n::{line, tr, tr_text, trf};
use crate::sim::kernel::NodeStatus;
use crate::sim::run::NodeView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NodeDetailsProps {
    pub nodes: Vec<NodeView>,
}

#[function_component(NodeDetails)]
pub fn node_details(p: &NodeDetailsProps) -> Html {
    let cards = p.nodes.iter().map(|n| {
        // A crashed node's badge is CRASHED, as the legends define it and as the stage
        // draws it: the state the scene reports for a node that is down is what survived
        // on its disk or what it was when it went down, not what it is doing.
        let crashed = n.status == NodeStatus::Crashed;
        let (state, state_class) = if crashed {
            (tr("CRASHED").to_string(), super::topology::state_class("CRASHED"))
        } else {
            (tr_text(n.state), super::topology::state_class(n.state))
        };
        let status = match n.status {
            NodeStatus::Up | NodeStatus::Crashed => String::new(),
            NodeStatus::Paused => format!(" · {}", tr("paused")),
        };
        html! {
            <li class={classes!("node-card", state_class, crashed.then_some("crashed"))} data-node={n.id.to_string()}>
                <div class="card-head"><strong>{ &n.name }</strong><span class="state-chip">{ state }</span><span class="status">{ status }</span>
                    { for n.marks.iter().map(|m| html! { <span class={classes!("mark-chip", super::topology::tone_class(m.tone))}>{ &m.text }</span> }) }
                </div>
                if !n.details.is_empty() {
                    <ul class="details">{ for n.details.iter().map(|d| html! { <li>{ line(d) }</li> }) }</ul>
                }
                if !n.timers.is_empty() {
                    <div class="timers">{ trf("timers: {list}", &[("list", &n.timers.iter().map(|t| line(&t.label)).collect::<Vec<_>>().join(", "))]) }</div>
                }
            </li>
        }
    });
    html! {
        <section class="node-details" aria-label={tr("The nodes")}>
            <h2>{ tr("The nodes") }</h2>
            <ul>{ for cards }</ul>
        </section>
    }
}
