//! The node menu (crash, restart, pause, resume, and the scene's own commands) and the
//! partition tool, shared by the generic topology view and the scenes' own stages.
use super::model::Msg;
use crate::i18n::{tr, trf};
use crate::sim::action::KernelAction;
use crate::sim::kernel::NodeStatus;
use crate::sim::network::NetChange;
use crate::sim::run::{NodeCommandView, NodeView, Snapshot};
use crate::sim::{NodeId, Time};
use yew::prelude::*;

/// How long the menu's "GC pause" lasts.
const GC_PAUSE: Time = Time::from_millis(300);

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub node: NodeView,
    /// The scene's commands for this node.
    pub commands: Vec<NodeCommandView>,
    pub on_msg: Callback<Msg>,
}

fn act(on_msg: &Callback<Msg>, action: String) -> Callback<MouseEvent> {
    let on_msg = on_msg.clone();
    Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Act(action.clone())))
}

#[function_component(NodeMenu)]
pub fn node_menu(p: &NodeMenuProps) -> Html {
    let node = &p.node;
    let id = NodeId(node.id);
    let mut buttons: Vec<Html> = Vec::new();
    let mut button = |label: &str, action: KernelAction| {
        let onclick = act(&p.on_msg, action.to_string());
        buttons.push(html! { <button class="menu-item" {onclick}>{ label }</button> });
    };
    match node.status {
        NodeStatus::Up => {
            button(tr("Crash"), KernelAction::Crash(id));
            button(tr("Pause (until resumed)"), KernelAction::Pause(id, None));
            button(
                tr("GC pause 300 ms"),
                KernelAction::Pause(id, Some(GC_PAUSE)),
            );
        }
        NodeStatus::Crashed => button(tr("Restart"), KernelAction::Restart(id)),
        NodeStatus::Paused => {
            button(tr("Resume"), KernelAction::Resume(id));
            button(tr("Crash"), KernelAction::Crash(id));
        }
    }
    if node.status == NodeStatus::Up {
        for NodeCommandView { label, action } in &p.commands {
            let onclick = act(&p.on_msg, action.clone());
            buttons.push(html! { <button class="menu-item" {onclick}>{ label }</button> });
        }
    }
    let close = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Select(None)))
    };
    html! {
        <div class="node-menu" role="menu" aria-label={trf("Actions for {node}", &[("node", &node.name)])}>
            <strong>{ &node.name }</strong>
            { for buttons }
            <button class="ghost" onclick={close} aria-label={tr("Close the menu")}>{ "×" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PartitionBarProps {
    pub snapshot: Snapshot,
    /// The group being chosen (None: the tool is off).
    pub partition: Option<Vec<u32>>,
    pub on_msg: Callback<Msg>,
}

/// The partition tool: choose a group of nodes, then cut it off (or cut one link one way),
/// and heal every link.
#[function_component(PartitionBar)]
pub fn partition_bar(p: &PartitionBarProps) -> Html {
    let n = p.snapshot.nodes.len() as u32;
    let toggle = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::TogglePartitionMode))
    };
    let group = p.partition.clone().unwrap_or_default();
    let group_text: Vec<String> = group.iter().map(|i| p.snapshot.name(*i)).collect();
    let cut_group = KernelAction::Network(NetChange::Partition {
        group: group.iter().map(|i| NodeId(*i)).collect(),
    });
    html! {
        <div class="partition-bar">
            <button id="partition-tool" onclick={toggle} aria-pressed={if p.partition.is_some() { "true" } else { "false" }}
                aria-label={tr("Partition tool: choose nodes to cut off")}>{ if p.partition.is_some() { tr("Done partitioning") } else { tr("Partition…") } }</button>
            if p.partition.is_some() {
                <span class="hint">{ if group.is_empty() { tr("Click nodes to choose a group.").to_string() } else { trf("Group: {nodes}", &[("nodes", &group_text.join(", "))]) } }</span>
                <button id="cut-group" disabled={group.is_empty() || group.len() as u32 >= n} onclick={act(&p.on_msg, cut_group.to_string())}>{ tr("Cut group off (both ways)") }</button>
                if group.len() == 2 {
                    <button id="cut-one-way" onclick={act(&p.on_msg, KernelAction::Network(NetChange::Cut { from: NodeId(group[0]), to: NodeId(group[1]) }).to_string())}>
                        { trf("Cut {from} → {to} only", &[("from", &group_text[0]), ("to", &group_text[1])]) }
                    </button>
                }
            }
            if !p.snapshot.cut_links.is_empty() {
                <button id="heal-all" onclick={act(&p.on_msg, KernelAction::Network(NetChange::HealAll).to_string())}>{ tr("Heal all links") }</button>

            }
        </div>
    }
}
