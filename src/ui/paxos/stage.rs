//! The Paxos stage: badges, the network and the acceptor table side by side, the strip
//! below, the node menu (the shell's, or the challenge's own) with the partition tool, and
//! the message tool: what clicking a message in flight does (drop it, or hold it back).
use super::badges::Badges;
use super::geometry::NetFrame;
use super::menu::ChallengeMenu;
use super::network::{MsgTool, Network};
use super::strip::{BallotTimeline, SlotLogs};
use super::table::AcceptorTable;
use crate::algo::paxos::Mode;
use crate::i18n::{tr, trf};
use crate::scene::paxos::PaxosView;
use crate::sim::Time;
use crate::ui::node_menu::{NodeMenu, PartitionBar};
use crate::ui::scenes::ViewCtx;
use yew::prelude::*;

/// The stylesheet's query for a narrow embed (`style.css`), where the network is drawn alone.
const NARROW_EMBED_QUERY: &str = "(max-width: 560px)";

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub view: PaxosView,
    pub ctx: ViewCtx,
}

#[function_component(PaxosStage)]
pub fn paxos_stage(p: &StageProps) -> Html {
    let ctx = &p.ctx;
    let view = &p.view;
    let names: Vec<String> = ctx.snapshot.nodes.iter().map(|n| n.name.clone()).collect();
    let menu = ctx
        .selected
        .and_then(|id| ctx.snapshot.nodes.iter().find(|n| n.id == id))
        .map(|node| {
            if view.challenge.is_some() {
                html! { <ChallengeMenu node={node.clone()} commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()} /> }
            } else {
                html! { <NodeMenu node={node.clone()} commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()} /> }
            }
        });
    let tool = use_state(|| MsgTool::Drop);
    // A narrow embed draws the network alone, filling its room (the same query as the
    // stylesheet's): a smaller drawing there keeps its labels at 11 px.
    let frame = if ctx.compact && crate::ui::hooks::prefers(NARROW_EMBED_QUERY) {
        NetFrame::NARROW
    } else {
        NetFrame::FULL
    };
    // An embed is too small for the tool bar: there a click drops, as in every scene.
    let active_tool = if ctx.compact { MsgTool::Drop } else { *tool };
    let tools = [
        (MsgTool::Drop, tr("drop it").to_string()),
        (
            MsgTool::Delay(Time::from_millis(50)),
            trf("hold it back {delay}", &[("delay", &Time::from_millis(50))]),
        ),
        (
            MsgTool::Delay(Time::from_millis(300)),
            trf(
                "hold it back {delay}",
                &[("delay", &Time::from_millis(300))],
            ),
        ),
    ];
    let tool_bar = html! {
        <div class="px-tools" role="group" aria-label={tr("What clicking a message does")}>
            <span>{ tr("Click a message to:") }</span>
            { for tools.into_iter().map(|(t, label)| {
                let onclick = { let tool = tool.clone(); Callback::from(move |_: MouseEvent| tool.set(t)) };
                let pressed = *tool == t;
                let slug = match t { MsgTool::Drop => "drop".to_string(), MsgTool::Delay(by) => format!("delay-{}", by.0 / 1000) };
                html! { <button class={classes!("px-tool", pressed.then_some("on"))} data-tool={slug} aria-pressed={pressed.to_string()} {onclick}>{ label }</button> }
            }) }
        </div>
    };
    html! {
        <div class={classes!("px-stage", ctx.compact.then_some("compact"))}>
            <Badges view={view.clone()} names={names.clone()} />
            <div class="px-main">
                <Network view={view.clone()} playhead={ctx.playhead} selected={ctx.selected}
                    partition={ctx.partition.clone()} cut_links={ctx.snapshot.cut_links.clone()}
                    names={names.clone()} tool={active_tool} on_msg={ctx.on_msg.clone()} {frame} />
                <div class="px-side">
                    <AcceptorTable view={view.clone()} names={names.clone()} compact={ctx.compact} />
                    if ctx.compact && view.mode == Mode::Single {
                        <BallotTimeline view={view.clone()} names={names.clone()} compact=true />
                    }
                </div>
            </div>
            if ctx.compact {
            } else if view.mode == Mode::Multi {
                <SlotLogs view={view.clone()} names={names.clone()} />
            } else {
                <BallotTimeline view={view.clone()} names={names.clone()} />
            }
            { for menu }
            if !ctx.compact {
                { tool_bar }
                <PartitionBar snapshot={(*ctx.snapshot).clone()} partition={ctx.partition.clone()} on_msg={ctx.on_msg.clone()} />
            }
        </div>
    }
}
