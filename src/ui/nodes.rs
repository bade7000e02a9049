//! Per-node details: state, status, durable log and other lines the scene provides, and
//! the timers the node has set.
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
            NodeStatus::Up => "",
            NodeStatus::Crashed => " · crashed",
            NodeStatus::Paused => " · paused",
        };
        html! {
            <li class={classes!("node-card", super::topology::state_class(n.state))} data-node={n.id.to_string()}>
                <div class="card-head"><strong>{ &n.name }</strong><span class="state-chip">{ n.state }</span><span class="status">{ status }</span></div>
                if !n.details.is_empty() {
                    <ul class="details">{ for n.details.iter().map(|d| html! { <li>{ d }</li> }) }</ul>
                }
                if !n.timers.is_empty() {
                    <div class="timers">{ format!("timers: {}", n.timers.iter().map(|t| t.label.as_str()).collect::<Vec<_>>().join(", ")) }</div>
                }
            </li>
        }
    });
    html! {
        <section class="node-details" aria-label="Nodes">
            <h2>{ "Nodes" }</h2>
            <ul>{ for cards }</ul>
        </section>
    }
}
