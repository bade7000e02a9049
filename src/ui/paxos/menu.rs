//! The node menu of the "break consensus" challenge. The shell's `NodeMenu` always offers
//! Crash, so in challenge mode the stage draws this one instead: the kernel's other faults
//! (pause, resume, restart) and the scene's node commands, which carry "Crash (k left)" only
//! while the crash budget lasts. The budget is the scene's decision; this menu only draws.
use crate::i18n::{tr, trf};
use crate::sim::action::KernelAction;
use crate::sim::run::{NodeCommandView, NodeView};
use crate::sim::{NodeId, NodeStatus, Time};
use crate::ui::model::Msg;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChallengeMenuProps {
    pub node: NodeView,
    pub commands: Vec<NodeCommandView>,
    pub on_msg: Callback<Msg>,
}

#[function_component(ChallengeMenu)]
pub fn challenge_menu(p: &ChallengeMenuProps) -> Html {
    let id = NodeId(p.node.id);
    let item = |label: String, action: String| {
        let on_msg = p.on_msg.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Act(action.clone())));
        html! { <button class="menu-item" {onclick}>{ label }</button> }
    };
    let kernel: Vec<(String, KernelAction)> = match p.node.status {
        NodeStatus::Up => vec![
            (
                tr("Pause (until resumed)").into(),
                KernelAction::Pause(id, None),
            ),
            (
                tr("GC pause 300 ms").into(),
                KernelAction::Pause(id, Some(Time::from_millis(300))),
            ),
        ],
        NodeStatus::Paused => vec![(tr("Resume").into(), KernelAction::Resume(id))],
        NodeStatus::Crashed => vec![(tr("Restart").into(), KernelAction::Restart(id))],
    };
    let close = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Select(None)))
    };
    html! {
        <div class="node-menu px-menu" role="menu" aria-label={trf("Actions for {node}", &[("node", &p.node.name)])}>
            <strong>{ &p.node.name }</strong>
            { for p.commands.iter().map(|c| item(c.label.clone(), c.action.clone())) }
            { for kernel.into_iter().map(|(label, action)| item(label, action.to_string())) }
            <button class="ghost" onclick={close} aria-label={tr("Close the menu")}>{ "×" }</button>
        </div>
    }
}
