//! The Raft stage: the ring of servers with clients and messages, the log grid beside it,
//! the node menu and the partition tool, and RaftScope's keys.
use super::frame::Shape;
use super::geometry::*;
use super::keys::use_raft_keys;
use super::log_grid::log_grid;
use super::ring::{Layout, Marks};
use crate::i18n::{tr, trf};
use crate::scene::raft::RaftView;
use crate::scene::Names;
use crate::sim::NodeId;
use crate::ui::hooks::prefers;
use crate::ui::node_menu::{NodeMenu, PartitionBar};
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::n1;
use crate::ui::topology::NARROW_QUERY;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RaftStageProps {
    pub view: RaftView,
    pub ctx: ViewCtx,
}

#[function_component(RaftStage)]
pub fn raft_stage(p: &RaftStageProps) -> Html {
    let view = &p.view;
    let ctx = &p.ctx;
    use_raft_keys(view, &ctx.on_msg);
    let dark = prefers("(prefers-color-scheme: dark)");
    // A phone (the width at which the shell takes its phone layout): the ring over the
    // log grid, in a narrow frame drawn at about full scale (`frame`). A narrow embed (a
    // 420-pixel iframe) stacks them too, the ring fitted to its stage and the grid reached
    // by scrolling the stage; its wide frame was drawn at 0.55, the words at 7 pixels.
    let narrow = prefers(NARROW_QUERY);
    let shape = match (narrow, ctx.compact) {
        (false, _) => Shape::Wide,
        (true, false) => Shape::Phone,
        (true, true) => Shape::NarrowEmbed,
    };
    let phone = shape == Shape::Phone;
    let layout = Layout::new(view, shape);
    let frame = layout.frame;
    // How wide a narrow embed's drawing may be for its ring to fit the stage's height (the
    // stylesheet).
    let ring_aspect = (shape == Shape::NarrowEmbed)
        .then(|| format!("--ring-aspect: {:.3}", frame.width / frame.ring_bottom()));
    let names: Vec<String> = view
        .servers
        .iter()
        .map(|s| s.name.clone())
        .chain(view.clients.iter().map(|c| c.name.clone()))
        .collect();
    // A split network shows its sides (a tint per side, and a caption); the cut links that
    // do not split it are drawn as lines, once for a link cut both ways.
    let count = (view.servers.len() + view.clients.len()) as u32;
    let cut = &ctx.snapshot.cut_links;
    let groups = partition_groups(count, cut);
    let mut sides = vec![None; count as usize];
    if groups.len() > 1 {
        for (k, group) in groups.iter().enumerate() {
            for &node in group {
                sides[node as usize] = Some(k);
            }
        }
    }
    let cuts = cut
        .iter()
        .filter(|&&(a, b)| sides.get(a as usize) == sides.get(b as usize))
        .filter(|&&(a, b)| !(a > b && cut.contains(&(b, a))))
        .map(|&(a, b)| {
            let (from, to) = (layout.position(NodeId(a)), layout.position(NodeId(b)));
            let one_way = !cut.contains(&(b, a));
            let to = if one_way { lerp(from, to, 0.8) } else { to };
            html! { <line class={classes!("cut", one_way.then_some("one-way"))} x1={n1(from.0)} y1={n1(from.1)} x2={n1(to.0)} y2={n1(to.1)} /> }
        })
        .collect::<Html>();
    let split = (groups.len() > 1).then(|| {
        let sides: Vec<String> = groups
            .iter()
            .map(|g| {
                let members: Vec<&str> = g.iter().filter_map(|&n| names.get(n as usize).map(String::as_str)).collect();
                format!("{{{}}}", members.join(", "))
            })
            .collect();
        html! { <p class="raft-split" id="raft-split">{ trf("Network split: {sides}", &[("sides", &sides.join(" | "))]) }</p> }
    });
    let marks = Marks {
        view,
        layout: &layout,
        playhead: ctx.playhead,
        dark,
        selected: ctx.selected,
        partition: ctx.partition.as_deref(),
        sides: &sides,
        on_msg: &ctx.on_msg,
    };
    let menu = ctx
        .selected
        .and_then(|id| ctx.snapshot.nodes.iter().find(|n| n.id == id))
        .map(|node| html! { <NodeMenu node={node.clone()} commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()} /> });
    let label = format!(
        "{} · {}",
        tr("Raft: servers around a circle, clients in the middle, messages in flight"),
        tr("The servers' logs")
    );
    html! {
        <div class={classes!("raft-stage", ctx.compact.then_some("compact"), phone.then_some("phone"),
            (shape == Shape::NarrowEmbed).then_some("narrow"),
            (shape == Shape::NarrowEmbed).then_some("stage-scrolls"))}>
            <svg class="raft-svg" viewBox={format!("0 0 {} {}", frame.width, frame.height)} role="img" aria-label={label}
                style={ring_aspect}>
                <defs>
                    <pattern id="raft-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
                    </pattern>
                </defs>
                if frame.radius_x == frame.radius_y {
                    <circle class="ring-line" cx={frame.centre.0.to_string()} cy={frame.centre.1.to_string()} r={frame.radius_x.to_string()} />
                } else {
                    <ellipse class="ring-line" cx={frame.centre.0.to_string()} cy={frame.centre.1.to_string()} rx={frame.radius_x.to_string()} ry={frame.radius_y.to_string()} />
                }
                <g class="cuts">{ cuts }</g>
                <g class="servers">{ for view.servers.iter().map(|s| marks.server(s)) }</g>
                <g class="messages">{ for view.flights.iter().map(|f| marks.flight(f)) }{ for ctx.snapshot.lost.iter().map(|l| marks.lost(l)) }</g>
                <g class="clients">{ for view.clients.iter().map(|c| marks.client(c)) }</g>
                { log_grid(&frame, view, dark, &Names(&names)) }
            </svg>
            { for split }
            { for menu }
            // An embed keeps its height for the picture: the partition tool is in the full
            // page ("Open in dsviz"). A phone has no keys to press: the node menu has
            // their commands.
            if !ctx.compact {
                <PartitionBar snapshot={(*ctx.snapshot).clone()} partition={ctx.partition.clone()} on_msg={ctx.on_msg.clone()} />
            }
            if !ctx.compact && !phone {
                <p class="raft-keys">
                    <kbd>{ "C" }</kbd>{ " " }{ tr("client request") }{ " · " }
                    <kbd>{ "R" }</kbd>{ " " }{ tr("restart the leader") }{ " · " }
                    <kbd>{ "T" }</kbd>{ " " }{ tr("spread the timers") }{ " · " }
                    <kbd>{ "A" }</kbd>{ " " }{ tr("align the timers (split vote)") }
                </p>
            }
        </div>
    }
}
