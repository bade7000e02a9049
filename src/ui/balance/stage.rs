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
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::n1;
use crate::ui::topology::NARROW_QUERY;
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
    html! { <text x={n1(x)} y={n1(y)} class={class}>{ body }</text> }
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
    cols: &Columns,
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
    // The server's own state. What the balancers know of it is the ✗ or ⏏ mark: a crash
    // shows CRASHED at once and the mark only when health checks have noticed, which is
    // the delay the health-check scenarios teach.
    let status_text = if s.down && status_of(ctx, s.node) == NodeStatus::Crashed {
        tr("CRASHED").to_string()
    } else if s.down {
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
    // Dense rows: a short name, every other one in the middle of the box (see geometry);
    // a phone's narrow boxes: a short name on every row, the figures in the tooltip.
    let dense = dense(layout.row);
    let short = dense || cols.short_names;
    let name_text = if short {
        format!("#{}", s.index + 1)
    } else {
        format!("{name}{speed}")
    };
    let util = view.utilisation.get(i).copied().unwrap_or(0);
    let label = trf(
        "{name}: {busy} of {slots} slots busy, {queue} waiting (bound {bound}), weight {w}{status}. Activate for actions.",
        &[("name", &name), ("busy", &s.in_service), ("slots", &s.slots), ("queue", &s.queue), ("bound", &s.queue_limit), ("w", &s.weight), ("status", &if status_text.is_empty() { String::new() } else { format!(", {status_text}") })],
    );
    // The name's line; in a tall box the status ("CRASHED") takes the line below, so the
    // health mark goes on the name's line too.
    let name_y = if tall { r.cy() - 2.0 } else { r.cy() + 4.5 };
    let mark = health_mark(view, i).map(|(m, class, why)| html! {
        <text x={n1(r.right() - 6.0)} y={n1(name_y)} class={classes!("lb-mark", class)}><title>{ why }</title>{ m }</text>
    });
    // Busy slots: squares, or a bar for servers with more than fit.
    let size = slot_size(layout.row, cols);
    let slots_x = cols.slots_x;
    let slots = if s.slots <= cols.slot_columns {
        (0..s.slots).map(|k| {
            let x = slots_x + f64::from(k) * (size + 2.0);
            let busy = k < s.in_service;
            html! { <rect class={classes!("lb-slot", busy.then_some("lb-slot-busy"))} x={n1(x)} y={n1(r.cy() - size / 2.0)} width={n1(size)} height={n1(size)} rx="2" /> }
        }).collect::<Html>()
    } else {
        let w = f64::from(cols.slot_columns) * (size + 2.0) - 2.0;
        let f = f64::from(s.in_service) / f64::from(s.slots.max(1));
        html! { <>
            <rect class="lb-slot" x={n1(slots_x)} y={n1(r.cy() - size / 2.0)} width={n1(w)} height={n1(size)} rx="2" />
            <rect class="lb-slot-busy" x={n1(slots_x)} y={n1(r.cy() - size / 2.0)} width={n1(w * f)} height={n1(size)} rx="2" />
        </> }
    };
    // The queue against its bound; the second side's below it.
    let (queue_x, qw) = (cols.queue.0, cols.queue.1 - cols.queue.0);
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
            <rect class="lb-queue-track" x={n1(queue_x)} y={n1(y)} width={n1(qw)} height="5" />
            <rect class={classes!("lb-queue-partner", (!p.up).then_some("down"))} x={n1(queue_x)} y={n1(y)} width={n1(qw * fill(p.queue, partner_bound))} height="5" />
        </g> }
    });
    let qy = r.cy() - bar_h / 2.0 - if partner.is_some() { 2.5 } else { 0.0 };
    html! {
        <g key={format!("server-{i}")} class={classes!(node_classes(ctx, s.node, "lb-server"), state)}
           role="button" tabindex="0" aria-label={label} data-node={s.node.0.to_string()}
           onclick={click.clone()} onkeydown={node_key(click)}>
            <rect class="lb-box" x={n1(r.x)} y={n1(r.y)} width={n1(r.w)} height={n1(r.h)} rx="5" />
            { text(name_x(r, s.index, dense), name_y, "lb-name", name_text) }
            if tall && !status_text.is_empty() { { text(r.x + 7.0, r.cy() + 12.0, "lb-state", status_text.clone()) } }
            if short {
                <title>{ trf("{name}: {q} waiting, {u}% of its slots busy", &[("name", &name), ("q", &s.queue), ("u", &(util / 10))]) }</title>
            }
            { for mark }
            { slots }
            <rect class="lb-queue-track" x={n1(queue_x)} y={n1(qy)} width={n1(qw)} height={n1(bar_h)} rx="2" />
            <rect class={classes!("lb-queue-fill", full.then_some("full"))} x={n1(queue_x)} y={n1(qy)} width={n1(qw * fill(s.queue, s.queue_limit))} height={n1(bar_h)} rx="2" />
            { for partner_bar }
            if !dense {
                { text(cols.queue_text_x, r.cy() + 4.5, "lb-count", s.queue.to_string()) }
                if let Some(util_x) = cols.util_x {
                    <text x={n1(util_x)} y={n1(r.cy() + 4.5)} class="lb-util">{ format!("{}%", util / 10) }</text>
                }
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
        <circle key={format!("m{}", msg.0)} class={classes!("lb-dot", class)} cx={n1(x)} cy={n1(y)} r="4.5"
            role="button" aria-label={label.clone()} data-msg={msg.0.to_string()} {onclick}><title>{ label }</title></circle>
    })
}

#[function_component(BalanceStage)]
pub fn balance_stage(p: &BalanceStageProps) -> Html {
    let (view, ctx) = (&p.view, &p.ctx);
    // On a phone (the shell's own test for its generic stage) the same flow is drawn in a
    // narrower frame. So it is in a narrow embed (a 420-pixel iframe), whose stage scrolls
    // down to the latency chart (the stylesheet): the full frame fitted there read at 7
    // pixels. A wider embed keeps the full frame, drawn to its size.
    let narrow = crate::ui::hooks::prefers(NARROW_QUERY);
    let rows = view.live.servers.len().max(view.live.balancers.len()) as u32;
    let frame = if narrow {
        Frame::phone(1 + u32::from(view.compare.is_some()), rows)
    } else {
        Frame::new(ctx.compact)
    };
    let cols = frame.columns;
    let layout = layout(
        frame,
        view.live.balancers.len() as u32,
        view.live.servers.len() as u32,
    );
    let wires = layout
        .balancers
        .iter()
        .flat_map(|b| {
            let mut lines = vec![
                wire(&layout.client, b, false),
                wire(&layout.client, b, true),
            ];
            for s in &layout.servers {
                lines.push(wire(b, s, false));
                lines.push(wire(b, s, true));
            }
            lines
        })
        .map(|((x1, y1), (x2, y2))| {
            html! {
                <line class="lb-wire" x1={n1(x1)} y1={n1(y1)} x2={n1(x2)} y2={n1(y2)} />
            }
        });
    let client_id = NodeId(0);
    let c = layout.client;
    let client_click = node_click(ctx, client_id);
    let offered = view.live.offered_per_second;
    let load = (offered * 1_000)
        .checked_div(view.capacity_per_second)
        .unwrap_or(0);
    let pad = if cols.short_names { 6.0 } else { 8.0 };
    let client = html! {
        <g class={node_classes(ctx, client_id, "lb-client")} role="button" tabindex="0" data-node="0"
           aria-label={trf("clients: {r} requests per second offered. Activate for actions.", &[("r", &offered)])}
           onclick={client_click.clone()} onkeydown={node_key(client_click)}>
            <rect class="lb-box" x={n1(c.x)} y={n1(c.y)} width={n1(c.w)} height={n1(c.h)} rx="6" />
            { text(c.x + pad, c.y + 20.0, "lb-name", ctx.snapshot.name(0)) }
            { text(c.x + pad, c.y + 36.0, "lb-state", trf("{r}/s", &[("r", &offered)])) }
            if cols.short_names {
                { text(c.x + pad, c.y + 52.0, "lb-state", tr("load").to_string()) }
                { text(c.x + pad, c.y + 68.0, "lb-state", percent_text(load)) }
            } else {
                { text(c.x + pad, c.y + 52.0, "lb-state", trf("{p} load", &[("p", &percent_text(load))])) }
            }
        </g>
    };
    let balancers = view.live.balancers.iter().zip(&layout.balancers).map(|(b, r)| {
        let click = node_click(ctx, b.node);
        let picks: u64 = b.picks.iter().sum();
        let full_name = ctx.snapshot.name(b.node.0);
        let label = trf("{name}: {n} requests routed. Activate for actions.", &[("name", &full_name), ("n", &picks)]);
        let name = if cols.short_names { format!("#{}", b.index + 1) } else { full_name };
        html! {
            <g key={format!("lb-{}", b.index)} class={node_classes(ctx, b.node, "lb-balancer")} role="button" tabindex="0"
               data-node={b.node.0.to_string()} onclick={click.clone()} onkeydown={node_key(click)}
               aria-label={label.clone()}>
                if cols.short_names { <title>{ label }</title> }
                <rect class="lb-box" x={n1(r.x)} y={n1(r.y)} width={n1(r.w)} height={n1(r.h)} rx="5" />
                { text(r.x + 7.0, r.cy() + 4.5, "lb-name", name) }
            </g>
        }
    });
    let servers = view
        .live
        .servers
        .iter()
        .map(|s| server_row(view, ctx, &layout, &cols, s));
    let dots = view
        .live
        .requests
        .iter()
        .filter_map(|r| dot(ctx, &layout, r));
    let menu = ctx.selected.and_then(|id| ctx.snapshot.nodes.iter().find(|n| n.id == id)).map(|node| html! {
        <NodeMenu node={node.clone()} commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()} />
    });
    // The title: one line, or on a phone a comparison's two sides on two lines. The numbers
    // beside the servers are the solid side's: the title says so.
    let titles: Vec<String> = match &view.compare {
        Some(c) if narrow => vec![
            trf("Solid, and the numbers: {a}", &[("a", &c.a.label)]),
            trf(
                "thin bars, dashed: {b} (same requests)",
                &[("b", &c.b.label)],
            ),
        ],
        Some(c) => vec![trf(
            "Solid, and the numbers: {a} · thin bars, dashed: {b} (same requests)",
            &[("a", &c.a.label), ("b", &c.b.label)],
        )],
        None => vec![trf(
            "Strategy: {s}",
            &[("s", &strategy_name(view.strategy))],
        )],
    };
    // On a phone the sampling note has a line of its own, under the title.
    let note_y = if narrow {
        15.0 + 16.0 * titles.len() as f64
    } else {
        15.0
    };
    let head_y = frame.flow_top - 7.0;
    let width = frame.width;
    let sampled = (view.on_wire > view.live.requests.len()).then(|| {
        trf(
            "{n} of {all} requests on the wires drawn",
            &[("n", &view.live.requests.len()), ("all", &view.on_wire)],
        )
    });
    let bound = view.live.servers.first().map_or(0, |s| s.queue_limit);
    html! {
        <div class={classes!("lb-stage", narrow.then_some("narrow"), narrow.then_some("stage-scrolls"))}>
            <svg class="lb-svg" viewBox={format!("0 0 {width} {:.0}", frame.height())} role="img"
                 aria-label={trf("Load balancing at {t}: {n} requests on the wires", &[("t", &ctx.playhead), ("n", &view.on_wire)])}>
                { for titles.into_iter().enumerate().map(|(i, t)| text(12.0, 15.0 + 16.0 * i as f64, "lb-title", t)) }
                if let Some(s) = sampled { <text x={n1(width - 8.0)} y={n1(note_y)} class="lb-note">{ s }</text> }
                { text(cols.client.0, head_y, "lb-head", tr("traffic").to_string()) }
                { text(cols.balancer.0, head_y, "lb-head", tr("balancers").to_string()) }
                { text(cols.server.0, head_y, "lb-head", tr("servers").to_string()) }
                { text(cols.slots_x, head_y, "lb-head", tr("busy").to_string()) }
                if cols.util_x.is_some() {
                    { text(cols.queue.0, head_y, "lb-head", trf("queue (bound {n})", &[("n", &bound)])) }
                } else {
                    // A phone: a shorter head, ending at the drawing's edge.
                    <text x={n1(width - 4.0)} y={n1(head_y)} class="lb-head lb-util">{ trf("queue ≤ {n}", &[("n", &bound)]) }<title>{ trf("queue (bound {n})", &[("n", &bound)]) }</title></text>
                }
                if let Some(util_x) = cols.util_x.filter(|_| !dense(layout.row)) {
                    <text x={n1(util_x)} y={n1(head_y)} class="lb-head lb-util">{ tr("util") }</text>
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
