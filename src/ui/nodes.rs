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
        let status = match n.status {
            NodeStatus::Up => String::new(),
            NodeStatus::Crashed => format!(" · {}", tr("crashed")),
            NodeStatus::Paused => format!(" · {}", tr("paused")),
        };
        html! {
            <li class={classes!("node-card", super::topology::state_class(n.state))} data-node={n.id.to_string()}>
                <div class="card-head"><strong>{ &n.name }</strong><span class="state-chip">{ tr_text(n.state) }</span><span class="status">{ status }</span>
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
