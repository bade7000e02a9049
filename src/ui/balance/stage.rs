//! The load-balancing stage: clients, balancers and server rows, request dots on the wires,
//! and the latency chart below (see the module documentation).
use super::chart::LatencyChart;
use super::geometry::*;
use super::plot::percent_text;
use crate::algo::balance::views::{RequestPath, ServerView, Stage};
use crate::algo::balance::Answer;
use crate::i18n::{tr, trf};
use crate::scene::balance::setup::strategy_name;
use crate::scene::balance::BalanceSceneView;
use crate::sim::action::KernelAction;
use crate::sim::kernel::NodeStatus;
use crate::sim::{MsgId, NodeId};
use crate::ui::model::Msg;
use crate::ui::node_menu::{NodeMenu, PartitionBar};
use crate::ui::scenes::{SceneViews, ViewCtx};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BalanceStageProps {
    pub view: BalanceSceneView,
    pub ctx: ViewCtx,
}

/// What clicking a node does: open its menu, or choose it for the partition tool.
fn node_click(ctx: &ViewCtx, id: NodeId) -> Callback<MouseEvent> {
    let on_msg = ctx.on_msg.clone();
    let partition = ctx.partition.is_some();
    let selected = ctx.selected;
    Callback::from(move |_: MouseEvent| {
        if partition {
            on_msg.emit(Msg::TogglePartitionNode(id.0));
        } else {
            let again = selected == Some(id.0);
            on_msg.emit(Msg::Select(if again { None } else { Some(id.0) }));
        }
    })
}

fn node_key(click: Callback<MouseEvent>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            click.emit(MouseEvent::new("click").expect("a synthetic click"));
        }
    })
}

fn status_of(ctx: &ViewCtx, id: NodeId) -> NodeStatus {
    ctx.snapshot
        .nodes
        .iter()
        .find(|n| n.id == id.0)
        .map_or(NodeStatus::Up, |n| n.status)
}

/// The classes every clickable node gets.
fn node_classes(ctx: &ViewCtx, id: NodeId, kind: &'static str) -> Classes {
    let status = match status_of(ctx, id) {
        NodeStatus::Up => "up",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Paused => "paused",
    };
    let grouped = ctx.partition.as_ref().is_some_and(|g| g.contains(&id.0));
    classes!(
        "lb-node",
        kind,
        status,
        (ctx.selected == Some(id.0)).then_some("selected"),
        grouped.then_some("grouped")
    )
}

fn text(x: f64, y: f64, class: &'static str, body: String) -> Html {
    html! { <text x={format!("{x:.1}")} y={format!("{y:.1}")} class={class}>{ body }</text> }
}

/// Health marks on a server: how many balancers mark it down (active checks) or eject it
/// (passive), as a mark and a tooltip.
fn health_mark(
    view: &BalanceSceneView,
    index: usize,
) -> Option<(&'static str, &'static str, String)> {
    let all = view.live.balancers.len();
    let down = view
        .live
        .balancers
        .iter()
        .filter(|b| b.health.get(index).is_some_and(|h| !h.active.up))
        .count();
    let ejected = view
        .live
        .balancers
        .iter()
        .filter(|b| b.health.get(index).is_some_and(|h| h.is_ejected()))
        .count();
    if down > 0 {
        let why = trf(
            "Marked down by active health checks at {n} of {all} balancers",
            &[("n", &down), ("all", &all)],
        );
        Some(("✗", "lb-mark-down", why))
    } else if ejected > 0 {
        let why = trf(
            "Ejected by passive health checks at {n} of {all} balancers",
            &[("n", &ejected), ("all", &all)],
        );
        Some(("⏏", "lb-mark-ejected", why))
    } else {
        None
    }
}

fn server_row(
    view: &BalanceSceneView,
    ctx: &ViewCtx,
    layout: &StageLayout,
    s: &ServerView,
) -> Html {
    let i = s.index as usize;
    let Some(r) = layout.servers.get(i) else {
        return html! {};
    };
    let state = if s.down {
        "state-down"
    } else if s.slow_factor > 1 {
        "state-slow"
    } else {
        "state-serving"
    };
    let click = node_click(ctx, s.node);
    let name = ctx.snapshot.name(s.node.0);
    let tall = r.h >= 30.0;
    let status_text = if s.down {
        tr("DOWN").to_string()
    } else if s.slow_factor > 1 {
        trf("SLOW ×{f}", &[("f", &s.slow_factor)])
    } else {
        String::new()
    };
    let speed = if s.speed_permille == 1_000 {
        String::new()
    } else {
        format!(" · {}×", f64::from(s.speed_permille) / 1_000.0)
    };
    // Dense rows: a short name, every other one in the middle of the box (see geometry).
    let dense = dense(layout.row);
    let name_text = if dense {
        format!("#{}", s.index + 1)
    } else {
        format!("{name}{speed}")
    };
    let util = view.utilisation.get(i).copied().unwrap_or(0);
    let label = trf(
        "{name}: {busy} of {slots} slots busy, {queue} waiting (bound {bound}), weight {w}{status}. Activate for actions.",
        &[("name", &name), ("busy", &s.in_service), ("slots", &s.slots), ("queue", &s.queue), ("bound", &s.queue_limit), ("w", &s.weight), ("status", &if status_text.is_empty() { String::new() } else { format!(", {status_text}") })],
    );
    let mark = health_mark(view, i).map(|(m, class, why)| html! {
        <text x={format!("{:.1}", r.right() - 6.0)} y={format!("{:.1}", r.cy() + 4.5)} class={classes!("lb-mark", class)}><title>{ why }</title>{ m }</text>
    });
    // Busy slots: squares, or a bar for servers with more than fit.
    let size = slot_size(layout.row);
    let slots = if s.slots <= SLOT_COLUMNS {
        (0..s.slots).map(|k| {
            let x = SLOTS_X + f64::from(k) * (size + 2.0);
            let busy = k < s.in_service;
            html! { <rect class={classes!("lb-slot", busy.then_some("lb-slot-busy"))} x={format!("{x:.1}")} y={format!("{:.1}", r.cy() - size / 2.0)} width={format!("{size:.1}")} height={format!("{size:.1}")} rx="2" /> }
        }).collect::<Html>()
    } else {
        let w = f64::from(SLOT_COLUMNS) * (size + 2.0) - 2.0;
        let f = f64::from(s.in_service) / f64::from(s.slots.max(1));
        html! { <>
            <rect class="lb-slot" x={format!("{SLOTS_X:.1}")} y={format!("{:.1}", r.cy() - size / 2.0)} width={format!("{w:.1}")} height={format!("{size:.1}")} rx="2" />
            <rect class="lb-slot-busy" x={format!("{SLOTS_X:.1}")} y={format!("{:.1}", r.cy() - size / 2.0)} width={format!("{:.1}", w * f)} height={format!("{size:.1}")} rx="2" />
        </> }
    };
    // The queue against its bound; the second side's below it.
    let qw = QUEUE_X.1 - QUEUE_X.0;
    let fill = |q: u32, bound: u32| {
        if bound == 0 {
            0.0
        } else {
            (f64::from(q) / f64::from(bound)).min(1.0)
        }
    };
    let bar_h = (layout.row * 0.42).clamp(5.0, 12.0);
    let full = s.queue >= s.queue_limit && s.queue_limit > 0;
    let partner = view
        .compare
        .as_ref()
        .and_then(|c| c.b.last.as_ref())
        .and_then(|l| l.servers.get(i).copied());
    let partner_bound = view
        .compare
        .as_ref()
        .map_or(0, |_| partner_queue_bound(view));
    let partner_bar = partner.map(|p| {
        let y = r.cy() + bar_h / 2.0 + 1.5;
        let tip = trf("Second side: {q} waiting (bound {bound}), {busy} busy", &[("q", &p.queue), ("bound", &partner_bound), ("busy", &p.in_service)]);
        html! { <g class="lb-partner-queue">
            <title>{ tip }</title>
            <rect class="lb-queue-track" x={format!("{:.1}", QUEUE_X.0)} y={format!("{y:.1}")} width={format!("{qw:.1}")} height="5" />
            <rect class={classes!("lb-queue-partner", (!p.up).then_some("down"))} x={format!("{:.1}", QUEUE_X.0)} y={format!("{y:.1}")} width={format!("{:.1}", qw * fill(p.queue, partner_bound))} height="5" />
        </g> }
    });
    let qy = r.cy() - bar_h / 2.0 - if partner.is_some() { 2.5 } else { 0.0 };
    html! {
        <g key={format!("server-{i}")} class={classes!(node_classes(ctx, s.node, "lb-server"), state)}
           role="button" tabindex="0" aria-label={label} data-node={s.node.0.to_string()}
           onclick={click.clone()} onkeydown={node_key(click)}>
            <rect class="lb-box" x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)} width={format!("{:.1}", r.w)} height={format!("{:.1}", r.h)} rx="5" />
            { text(name_x(r, s.index, dense), if tall { r.cy() - 2.0 } else { r.cy() + 4.5 }, "lb-name", name_text) }
            if tall && !status_text.is_empty() { { text(r.x + 7.0, r.cy() + 12.0, "lb-state", status_text.clone()) } }
            if dense {
                <title>{ trf("{name}: {q} waiting, {u}% of its slots busy", &[("name", &name), ("q", &s.queue), ("u", &(util / 10))]) }</title>
            }
            { for mark }
            { slots }
            <rect class="lb-queue-track" x={format!("{:.1}", QUEUE_X.0)} y={format!("{qy:.1}")} width={format!("{qw:.1}")} height={format!("{bar_h:.1}")} rx="2" />
            <rect class={classes!("lb-queue-fill", full.then_some("full"))} x={format!("{:.1}", QUEUE_X.0)} y={format!("{qy:.1}")} width={format!("{:.1}", qw * fill(s.queue, s.queue_limit))} height={format!("{bar_h:.1}")} rx="2" />
            { for partner_bar }
            if !dense {
                { text(QUEUE_TEXT_X, r.cy() + 4.5, "lb-count", s.queue.to_string()) }
                <text x={format!("{UTIL_TEXT_X:.1}")} y={format!("{:.1}", r.cy() + 4.5)} class="lb-util">{ format!("{}%", util / 10) }</text>
            }
        </g>
    }
}

/// The second side's queue bound (every server has the same one).
fn partner_queue_bound(view: &BalanceSceneView) -> u32 {
    view.compare.as_ref().map_or(0, |c| c.b_queue_limit)
}

fn dot(ctx: &ViewCtx, layout: &StageLayout, r: &RequestPath) -> Option<Html> {
    let (x, y) = dot_position(layout, r, ctx.playhead)?;
    let msg = r.msg?;
    let class = match (r.stage, r.answer) {
        (Stage::ToBalancer | Stage::ToServer, _) => "lb-dot-request",
        (_, Some(Answer::Served)) => "lb-dot-ok",
        _ => "lb-dot-bad",
    };
    let action = KernelAction::DropMessage(MsgId(msg.0)).to_string();
    let onclick = {
        let on_msg = ctx.on_msg.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_msg.emit(Msg::Act(action.clone()));
        })
    };
    let what = match (r.stage, r.answer) {
        (Stage::ToBalancer, _) => tr("to a balancer"),
        (Stage::ToServer, _) => tr("to a server"),
        (_, Some(Answer::Served)) => tr("answer, served"),
        (_, Some(Answer::QueueFull)) => tr("answer, 503: queue full"),
        (_, Some(Answer::NoServer)) => tr("answer, 503: no server"),
        _ => tr("answer, 504: upstream timeout"),
    };
    let label = trf(
        "Request {id} ({what}). Click to drop this message.",
        &[("id", &r.id), ("what", &what)],
    );
    Some(html! {
        <circle key={format!("m{}", msg.0)} class={classes!("lb-dot", class)} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4.5"
            role="button" aria-label={label.clone()} data-msg={msg.0.to_string()} {onclick}><title>{ label }</title></circle>
    })
}

#[function_component(BalanceStage)]
pub fn balance_stage(p: &BalanceStageProps) -> Html {
    let (view, ctx) = (&p.view, &p.ctx);
    let frame = Frame::new(ctx.compact);
    let layout = layout(
        frame,
        view.live.balancers.len() as u32,
        view.live.servers.len() as u32,
    );
    let wires = layout.balancers.iter().flat_map(|b| {
        let mut lines = vec![wire(&layout.client, b, false), wire(&layout.client, b, true)];
        for s in &layout.servers {
            lines.push(wire(b, s, false));
            lines.push(wire(b, s, true));
        }
        lines
    }).map(|((x1, y1), (x2, y2))| html! {
        <line class="lb-wire" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
    });
    let client_id = NodeId(0);
    let c = layout.client;
    let client_click = node_click(ctx, client_id);
    let offered = view.live.offered_per_second;
    let load = (offered * 1_000)
        .checked_div(view.capacity_per_second)
        .unwrap_or(0);
    let client = html! {
        <g class={node_classes(ctx, client_id, "lb-client")} role="button" tabindex="0" data-node="0"
           aria-label={trf("clients: {r} requests per second offered. Activate for actions.", &[("r", &offered)])}
           onclick={client_click.clone()} onkeydown={node_key(client_click)}>
            <rect class="lb-box" x={format!("{:.1}", c.x)} y={format!("{:.1}", c.y)} width={format!("{:.1}", c.w)} height={format!("{:.1}", c.h)} rx="6" />
            { text(c.x + 8.0, c.y + 20.0, "lb-name", ctx.snapshot.name(0)) }
            { text(c.x + 8.0, c.y + 36.0, "lb-state", trf("{r}/s", &[("r", &offered)])) }
            { text(c.x + 8.0, c.y + 52.0, "lb-state", trf("{p} load", &[("p", &percent_text(load))])) }
        </g>
    };
    let balancers = view.live.balancers.iter().zip(&layout.balancers).map(|(b, r)| {
        let click = node_click(ctx, b.node);
        let picks: u64 = b.picks.iter().sum();
        html! {
            <g key={format!("lb-{}", b.index)} class={node_classes(ctx, b.node, "lb-balancer")} role="button" tabindex="0"
               data-node={b.node.0.to_string()} onclick={click.clone()} onkeydown={node_key(click)}
               aria-label={trf("{name}: {n} requests routed. Activate for actions.", &[("name", &ctx.snapshot.name(b.node.0)), ("n", &picks)])}>
                <rect class="lb-box" x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)} width={format!("{:.1}", r.w)} height={format!("{:.1}", r.h)} rx="5" />
                { text(r.x + 7.0, r.cy() + 4.5, "lb-name", ctx.snapshot.name(b.node.0)) }
            </g>
        }
    });
    let servers = view
        .live
        .servers
        .iter()
        .map(|s| server_row(view, ctx, &layout, s));
    let dots = view
        .live
        .requests
        .iter()
        .filter_map(|r| dot(ctx, &layout, r));
    let menu = ctx.selected.and_then(|id| ctx.snapshot.nodes.iter().find(|n| n.id == id)).map(|node| html! {
        <NodeMenu node={node.clone()} commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()} />
    });
    let title = match &view.compare {
        Some(c) => trf(
            "Solid: {a} · thin bars, dashed: {b} (same requests)",
            &[("a", &c.a.label), ("b", &c.b.label)],
        ),
        None => trf("Strategy: {s}", &[("s", &strategy_name(view.strategy))]),
    };
    let sampled = (view.on_wire > view.live.requests.len()).then(|| {
        trf(
            "{n} of {all} requests on the wires drawn",
            &[("n", &view.live.requests.len()), ("all", &view.on_wire)],
        )
    });
    let bound = view.live.servers.first().map_or(0, |s| s.queue_limit);
    html! {
        <div class="lb-stage">
            <style>{ <crate::scene::balance::Balance as SceneViews>::STYLE }</style>
            <svg class="lb-svg" viewBox={format!("0 0 {WIDTH} {:.0}", frame.height())} role="img"
                 aria-label={trf("Load balancing at {t}: {n} requests on the wires", &[("t", &ctx.playhead), ("n", &view.on_wire)])}>
                { text(12.0, 15.0, "lb-title", title) }
                if let Some(s) = sampled { <text x={format!("{:.1}", WIDTH - 8.0)} y="15" class="lb-note">{ s }</text> }
                { text(CLIENT_X.0, 33.0, "lb-head", tr("traffic").to_string()) }
                { text(BALANCER_X.0, 33.0, "lb-head", tr("balancers").to_string()) }
                { text(SERVER_X.0, 33.0, "lb-head", tr("servers").to_string()) }
                { text(SLOTS_X, 33.0, "lb-head", tr("busy").to_string()) }
                { text(QUEUE_X.0, 33.0, "lb-head", trf("queue (bound {n})", &[("n", &bound)])) }
                if !dense(layout.row) {
                    <text x={format!("{UTIL_TEXT_X:.1}")} y="33" class="lb-head lb-util">{ tr("util") }</text>
                }
                <g class="lb-wires">{ for wires }</g>
                { client }
                { for balancers }
                { for servers }
                <g class="lb-dots">{ for dots }</g>
                <LatencyChart view={view.clone()} now={ctx.playhead} {frame} />
            </svg>
            { for menu }
            if !ctx.compact {
                <PartitionBar snapshot={(*ctx.snapshot).clone()} partition={ctx.partition.clone()} on_msg={ctx.on_msg.clone()} />
            }
        </div>
    }
}
