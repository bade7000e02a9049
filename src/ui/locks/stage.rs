//! The queue lock's stage: ZooKeeper on the left with the children of `/lock` beside it as a
//! queue (the holder, the lowest number, at the head), the clients above, the storage
//! below. Each waiter's watch is an arrow under the queue to what it watches (its
//! predecessor, or `/lock` itself in herd mode); a deleted child rises and fades; watch
//! notifications in flight are arcs over the queue from what changed to whom they wake, so
//! the herd's burst of notifications at a delete shows as a fan.
//!
//! Nodes, links, messages and menus are the generic topology's, with this stage's layout.
use crate::algo::locks::WatchTarget;
use crate::i18n::{tr, trf};
use crate::scene::locks::{DepartureReason, QueueStage, DEPARTURE_WINDOW};
use crate::sim::NodeId;
use crate::ui::scenes::ViewCtx;
use crate::ui::topology::{progress, Topology, TopologyLayout};
use std::rc::Rc;
use yew::prelude::*;

pub const WIDTH: f64 = 700.0;
pub const HEIGHT: f64 = 350.0;
const SERVER: (f64, f64) = (62.0, 180.0);
/// The `/lock` node's pill, centred at `LOCK_X`.
pub const LOCK_X: f64 = 135.0;
const LOCK_W: f64 = 52.0;
/// The queue row: the top of its boxes, their size and spacing.
pub const ROW_Y: f64 = 160.0;
pub const BOX_W: f64 = 56.0;
pub const BOX_H: f64 = 40.0;
pub const FIRST_X: f64 = 176.0;
pub const PITCH: f64 = 62.0;
const CLIENT_Y: f64 = 55.0;
const STORAGE: (f64, f64) = (640.0, 305.0);

/// Where the nodes sit: ZooKeeper (node 0) on the left, storage (node 1) bottom right,
/// the clients in a row along the top.
pub fn layout(node_count: u32) -> TopologyLayout {
    let clients = node_count.saturating_sub(2).max(1);
    let span = WIDTH - 160.0;
    let mut positions = vec![SERVER, STORAGE];
    positions.extend((0..clients).map(|i| {
        (
            150.0 + (f64::from(i) + 0.5) * span / f64::from(clients),
            CLIENT_Y,
        )
    }));
    TopologyLayout {
        width: WIDTH,
        height: HEIGHT,
        positions,
    }
}

/// The left edge of queue slot `i` (0: the head).
pub fn slot_x(i: usize) -> f64 {
    FIRST_X + i as f64 * PITCH
}

/// The centre of slot `i`.
fn slot_centre(i: usize) -> f64 {
    slot_x(i) + BOX_W / 2.0
}

/// An arrow under the queue from `x1` to `x2`, deeper the farther it goes.
pub fn watch_path(x1: f64, x2: f64) -> String {
    let bottom = ROW_Y + BOX_H;
    let depth = (14.0 + (x1 - x2).abs() * 0.12).min(58.0);
    format!(
        "M{x1:.1},{bottom:.1} C{x1:.1},{:.1} {x2:.1},{:.1} {x2:.1},{:.1}",
        bottom + depth,
        bottom + depth,
        bottom + 3.0
    )
}

/// An arc over the queue from `x1` to `x2`, and the point at fraction `t` along it.
pub fn notify_arc(x1: f64, x2: f64, t: f64) -> (String, (f64, f64)) {
    let top = ROW_Y;
    let lift = (22.0 + (x1 - x2).abs() * 0.1).min(44.0);
    let cy = top - lift * 2.0;
    let path = format!(
        "M{x1:.1},{top:.1} Q{:.1},{cy:.1} {x2:.1},{:.1}",
        (x1 + x2) / 2.0,
        top - 3.0
    );
    let u = 1.0 - t;
    let x = u * u * x1 + 2.0 * u * t * (x1 + x2) / 2.0 + t * t * x2;
    let y = u * u * top + 2.0 * u * t * cy + t * t * (top - 3.0);
    (path, (x, y))
}

#[derive(Properties, PartialEq)]
pub struct QueueLockStageProps {
    pub queue: QueueStage,
    pub ctx: ViewCtx,
}

#[function_component(QueueLockStage)]
pub fn queue_lock_stage(p: &QueueLockStageProps) -> Html {
    let ctx = &p.ctx;
    let layout = Rc::new(layout(ctx.snapshot.nodes.len() as u32));
    let overlay = overlay(&p.queue, ctx, &layout);
    html! {
        <div class="locks-stage">
            <Topology snapshot={(*ctx.snapshot).clone()} playhead={ctx.playhead}
                selected={ctx.selected} partition={ctx.partition.clone()}
                commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()}
                layout={Some(layout)} overlay={overlay} />
        </div>
    }
}

fn overlay(q: &QueueStage, ctx: &ViewCtx, layout: &TopologyLayout) -> Html {
    let index_of = |seq: u64| q.entries.iter().position(|e| e.seq == seq);
    // A deleted child's slot: where it stood, among the children still there.
    let former_slot = |seq: u64| q.entries.iter().filter(|e| e.seq < seq).count();
    let client_x = |id: NodeId| layout.positions.get(id.index()).map(|p| p.0);

    let watches = q.entries.iter().enumerate().filter_map(|(i, e)| {
        let target = match e.watching {
            WatchTarget::Predecessor(seq) => slot_centre(index_of(seq)?),
            WatchTarget::LockNode => LOCK_X,
            WatchTarget::Nothing => return None,
        };
        let herd = e.watching == WatchTarget::LockNode;
        let title = match e.watching {
            WatchTarget::Predecessor(seq) => trf(
                "{who} watches #{seq}",
                &[("who", &e.owner_name), ("seq", &seq)],
            ),
            _ => trf("{who} watches /lock", &[("who", &e.owner_name)]),
        };
        Some(html! {
            <path key={format!("w{}", e.seq)} class={classes!("watch", herd.then_some("herd"))}
                  d={watch_path(slot_centre(i), target)} marker-end="url(#stage-watch-arrow)">
                <title>{ title }</title>
            </path>
        })
    });

    let entries = q.entries.iter().enumerate().map(|(i, e)| {
        let x = slot_x(i);
        html! {
            <g key={e.seq.to_string()} class="znode-slot" style={format!("transform: translate({x:.1}px, {ROW_Y:.1}px)")}
               data-seq={e.seq.to_string()}>
                <g class={classes!("znode", e.holds.then_some("holds"))}>
                    <title>{ if e.holds && e.told { trf("child #{seq} of {who}, the lowest: {who} holds the lock", &[("seq", &e.seq), ("who", &e.owner_name)]) }
                             else if e.holds { trf("child #{seq} of {who}, the lowest; {who} does not believe it holds the lock", &[("seq", &e.seq), ("who", &e.owner_name)]) }
                             else { trf("child #{seq} of {who}, waiting", &[("seq", &e.seq), ("who", &e.owner_name)]) } }</title>
                    <rect width={BOX_W.to_string()} height={BOX_H.to_string()} rx="6" />
                    <text class="seq" x={(BOX_W / 2.0).to_string()} y="17">{ format!("#{}", e.seq) }</text>
                    <text class="who" x={(BOX_W / 2.0).to_string()} y="33">{ &e.owner_name }</text>
                </g>
            </g>
        }
    });

    let departures = q.departures.iter().map(|d| {
        let age = ctx.playhead.max(q.now).0.saturating_sub(d.at.0);
        let t = (age as f64 / DEPARTURE_WINDOW.0.max(1) as f64).clamp(0.0, 1.0);
        let x = slot_x(former_slot(d.seq));
        let y = ROW_Y - 26.0 * t;
        let reason = match d.reason {
            DepartureReason::Released => tr("released"),
            DepartureReason::Expired => tr("expired"),
        };
        html! {
            <g key={format!("gone{}", d.seq)} class={classes!("znode", "leaving", (d.reason == DepartureReason::Expired).then_some("expired"))}
               transform={format!("translate({x:.1},{y:.1})")} opacity={format!("{:.2}", 1.0 - 0.85 * t)} data-gone={d.seq.to_string()}>
                <title>{ trf("child #{seq} of {who} deleted: {reason}", &[("seq", &d.seq), ("who", &d.owner_name), ("reason", &reason)]) }</title>
                <rect width={BOX_W.to_string()} height={BOX_H.to_string()} rx="6" />
                <text class="seq" x={(BOX_W / 2.0).to_string()} y="17">{ format!("#{}", d.seq) }</text>
                <text class="who" x={(BOX_W / 2.0).to_string()} y="33">{ reason }</text>
            </g>
        }
    });

    let notifications = q.notifications.iter().filter_map(|n| {
        let from = match n.deleted {
            Some(seq) => slot_centre(former_slot(seq)),
            None => LOCK_X,
        };
        let to = match q.entries.iter().position(|e| e.owner == n.to) {
            Some(i) => slot_centre(i),
            None => client_x(n.to)?,
        };
        let t = progress(n.sent, n.arrives, ctx.playhead);
        let (path, (x, y)) = notify_arc(from, to, t);
        Some(html! {
            <g key={format!("n{}", n.id)} class="notify" data-notify={n.id.to_string()}>
                <path d={path} marker-end="url(#notify-arrow)" />
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4" />
            </g>
        })
    });
    // Under the queue: what the arrows are, or, while notifications fly, how many.
    let burst = q.notifications.len();
    let caption = match burst {
        0 if q.herd => tr("children of /lock · every waiter watches /lock").to_string(),
        0 => tr("children of /lock · each waiter watches its predecessor").to_string(),
        1 => tr("a watch fired: 1 notification").to_string(),
        n => trf(
            "a change of /lock: {n} notifications at once (the herd)",
            &[("n", &n)],
        ),
    };
    html! {
        <g class="lock-queue-stage" aria-label={trf("The lock queue: {n} children of /lock", &[("n", &q.entries.len())])}>
            <defs>
                <marker id="stage-watch-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="watch-head" />
                </marker>
                <marker id="notify-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="notify-head" />
                </marker>
            </defs>
            <text class={classes!("queue-caption", (burst > 0).then_some("burst"))} x={FIRST_X.to_string()} y={(ROW_Y + BOX_H + 78.0).to_string()}>{ caption }</text>
            <g class="lock-node" transform={format!("translate({:.1},{:.1})", LOCK_X - LOCK_W / 2.0, ROW_Y + 2.0)}>
                <rect width={LOCK_W.to_string()} height={(BOX_H - 4.0).to_string()} rx="18" />
                <text x={(LOCK_W / 2.0).to_string()} y="23">{ "/lock" }</text>
            </g>
            <g class="watches">{ for watches }</g>
            <g class="znodes">{ for entries }</g>
            <g class="departures">{ for departures }</g>
            <g class="notifications">{ for notifications }</g>
        </g>
    }
}
