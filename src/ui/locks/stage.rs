//! The queue lock's stage: ZooKeeper on the left with the children of `/lock` beside it as a
//! queue (the holder, the lowest number, at the head), the clients in a row below, the
//! storage at the row's left end (where everything goes: `geometry.rs`). Each waiter's
//! watch is an arrow under the queue to what it watches (its predecessor, or `/lock`
//! itself in herd mode); a deleted child rises and fades in its own slot; watch
//! notifications in flight are arcs over the queue from what changed to whom they wake, so
//! the herd's burst of notifications at a delete shows as a fan.
//!
//! On a phone and in a narrow embed (the topology's `NARROW_QUERY`) the stage takes its phone
//! frame (`phone.rs`): the queue on two rows, the clients on two, messages as dots. A lease
//! lock in a narrow embed takes its own frame (`geometry.rs`, `lease_narrow_layout`).
//!
//! Nodes, links, messages and menus are the generic topology's, with this stage's layout.
use super::geometry::{
    lease_layout, lease_narrow_layout, lease_narrow_under, mark_shift, message_labels,
    queue_layout, queue_obstacles, slots, stage_labels, Side, StageLayout, Words, BOX_H, MARK_STEP,
};
use super::phone::{phone_layout, wrap, QueueGeo, CAPTION_FONT, CAPTION_LINE, CAPTION_MAX};
use crate::algo::locks::WatchTarget;
use crate::i18n::{tr, trf};
use crate::scene::locks::{DepartureReason, QueueStage, DEPARTURE_WINDOW};
use crate::sim::NodeId;
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::{n1, n2, translate};
use crate::ui::topology::{progress, Topology, TopologyLayout, WordsOutside};
use crate::ui::topology_geometry::{mark_width, text_width, Rect};
use std::rc::Rc;
use yew::prelude::*;

/// The topology's layout: the nodes where `l` puts them with their words outside their
/// circles, and the message labels placed (`obstacles`: what else they keep off), unless
/// the stage shows dots only.
fn topology_layout(
    l: StageLayout,
    ctx: &ViewCtx,
    obstacles: &[Rect],
    dense: bool,
) -> TopologyLayout {
    let labels = (!dense).then(|| stage_labels(&l, &ctx.snapshot, ctx.playhead, obstacles));
    let words = l
        .sides
        .iter()
        .zip(&l.positions)
        .zip(&ctx.snapshot.nodes)
        .map(|((&side, &(x, _)), node)| {
            let w = Words::on(side);
            let widest = node
                .marks
                .iter()
                .map(|m| mark_width(&m.text))
                .fold(0.0, f64::max);
            WordsOutside {
                state_y: w.state_y,
                marks_y: w.marks_y,
                mark_step: if side == Side::Below {
                    MARK_STEP
                } else {
                    -MARK_STEP
                },
                paused_y: w.paused_y,
                marks_x: mark_shift(x, widest, l.width),
            }
        })
        .collect();
    TopologyLayout {
        width: l.width,
        height: l.height,
        positions: l.positions,
        words,
        labels,
        // Dots without labels pass under the nodes' words rather than over them.
        messages_under: dense,
    }
}

#[derive(Properties, PartialEq)]
pub struct QueueLockStageProps {
    pub queue: QueueStage,
    pub ctx: ViewCtx,
}

#[function_component(QueueLockStage)]
pub fn queue_lock_stage(p: &QueueLockStageProps) -> Html {
    let ctx = &p.ctx;
    let caption = caption(&p.queue);
    // A phone gets its own frame (`phone.rs`): the full one would be drawn at half size. So
    // does a narrow embed (a 420-pixel iframe), drawn at its width in a stage that scrolls
    // down to the clients (the stylesheet).
    let phone = crate::ui::hooks::prefers(crate::ui::topology::NARROW_QUERY);
    let obstacles = queue_obstacles(text_width(&caption, 12.0));
    // Dots only in a crowded embed and on a phone (the stylesheet hides the labels of
    // `.dense`).
    let dense = phone || !message_labels(ctx.compact, ctx.snapshot.nodes.len());
    let nodes = ctx.snapshot.nodes.len() as u32;
    let frame = if phone {
        phone_layout(nodes)
    } else {
        queue_layout(nodes)
    };
    let layout = Rc::new(topology_layout(frame, ctx, &obstacles, dense));
    let overlay = overlay(&p.queue, ctx, &layout, caption, phone);
    html! {
        <div class={classes!("locks-stage", dense.then_some("dense"), phone.then_some("phone"), phone.then_some("stage-scrolls"))}>
            <Topology snapshot={(*ctx.snapshot).clone()} playhead={ctx.playhead}
                selected={ctx.selected} partition={ctx.partition.clone()}
                commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()}
                highlights={ctx.highlights.clone()} layout={Some(layout)} overlay={overlay} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LeaseStageProps {
    /// How many lock servers the run has (the first nodes).
    pub servers: u32,
    pub ctx: ViewCtx,
}

/// A lease lock's stage: the generic topology with the servers along the top and the
/// clients along the bottom; in an embed of many nodes, messages as dots; in a narrow
/// embed, its own frame (`lease_narrow_layout`).
#[function_component(LeaseStage)]
pub fn lease_stage(p: &LeaseStageProps) -> Html {
    let ctx = &p.ctx;
    let nodes = ctx.snapshot.nodes.len() as u32;
    let clients = nodes.saturating_sub(p.servers + 1);
    // A narrow embed (a 420-pixel iframe) takes its own frame: the full one would be drawn
    // at 0.6, its words at 6.6 pixels.
    let narrow = ctx.compact && crate::ui::hooks::prefers(crate::ui::topology::NARROW_QUERY);
    let dense = !message_labels(ctx.compact, ctx.snapshot.nodes.len())
        || (narrow && lease_narrow_under(p.servers, clients));
    let frame = if narrow {
        lease_narrow_layout(p.servers, clients)
    } else {
        lease_layout(p.servers, clients)
    };
    let layout = Rc::new(topology_layout(frame, ctx, &[], dense));
    html! {
        <div class={classes!("locks-stage", dense.then_some("dense"))}>
            <Topology snapshot={(*ctx.snapshot).clone()} playhead={ctx.playhead}
                selected={ctx.selected} partition={ctx.partition.clone()}
                commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()}
                highlights={ctx.highlights.clone()} layout={Some(layout)} min_scale={narrow} />
        </div>
    }
}

/// Under the queue: what the arrows are, or, while notifications fly, how many.
fn caption(q: &QueueStage) -> String {
    match q.notifications.len() {
        0 if q.herd => tr("children of /lock · every waiter watches /lock").to_string(),
        0 => tr("children of /lock · each waiter watches its predecessor").to_string(),
        1 => tr("a watch fired: 1 notification").to_string(),
        n => trf(
            "a change of /lock: {n} notifications at once (the herd)",
            &[("n", &n)],
        ),
    }
}

fn overlay(
    q: &QueueStage,
    ctx: &ViewCtx,
    layout: &TopologyLayout,
    caption: String,
    phone: bool,
) -> Html {
    // Every child, and every child still fading out, has its own slot in sequence order.
    let present: Vec<u64> = q.entries.iter().map(|e| e.seq).collect();
    let leaving: Vec<u64> = q.departures.iter().map(|d| d.seq).collect();
    let placed = slots(&present, &leaving);
    let geo = QueueGeo::new(phone, placed.len());
    let slot_of = |seq: u64| placed.iter().find(|p| p.0 == seq).map(|p| p.1);
    let centre_of = |seq: u64| slot_of(seq).map(|i| geo.anchor(i));
    let client_x = |id: NodeId| layout.positions.get(id.index()).map(|p| geo.client(p.0));
    let (lock, lock_w) = geo.lock();
    let (box_w, box_h) = (geo.box_w(), BOX_H);

    let watches = q.entries.iter().filter_map(|e| {
        let from = centre_of(e.seq)?;
        let target = match e.watching {
            WatchTarget::Predecessor(seq) => centre_of(seq)?,
            WatchTarget::LockNode => lock,
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
                  d={geo.watch(from, target)} marker-end="url(#stage-watch-arrow)">
                <title>{ title }</title>
            </path>
        })
    });

    let entries = q.entries.iter().map(|e| {
        let (x, y) = geo.slot(slot_of(e.seq).unwrap_or_default());
        html! {
            <g key={e.seq.to_string()} class="znode-slot" style={format!("transform: translate({x:.1}px, {y:.1}px)")}
               data-seq={e.seq.to_string()}>
                <g class={classes!("znode", e.holds.then_some("holds"), (e.holds && !e.told).then_some("untold"))}>
                    <title>{ if e.holds && e.told { trf("child #{seq} of {who}, the lowest: {who} holds the lock", &[("seq", &e.seq), ("who", &e.owner_name)]) }
                             else if e.holds { trf("child #{seq} of {who}, the lowest; {who} does not believe it holds the lock", &[("seq", &e.seq), ("who", &e.owner_name)]) }
                             else { trf("child #{seq} of {who}, waiting", &[("seq", &e.seq), ("who", &e.owner_name)]) } }</title>
                    <rect width={n1(box_w)} height={box_h.to_string()} rx="6" />
                    <text class="seq" x={n1(box_w / 2.0)} y="17">{ format!("#{}", e.seq) }</text>
                    <text class="who" x={n1(box_w / 2.0)} y="33">{ &e.owner_name }</text>
                </g>
            </g>
        }
    });

    let departures = q.departures.iter().map(|d| {
        let age = ctx.playhead.max(q.now).0.saturating_sub(d.at.0);
        let t = (age as f64 / DEPARTURE_WINDOW.0.max(1) as f64).clamp(0.0, 1.0);
        let (x, top) = geo.slot(slot_of(d.seq).unwrap_or_default());
        let y = top - 26.0 * t;
        let reason = match d.reason {
            DepartureReason::Released => tr("released"),
            DepartureReason::Expired => tr("expired"),
        };
        html! {
            <g key={format!("gone{}", d.seq)} class={classes!("znode", "leaving", (d.reason == DepartureReason::Expired).then_some("expired"))}
               transform={translate(x, y)} opacity={n2(1.0 - 0.85 * t)} data-gone={d.seq.to_string()}>
                <title>{ trf("child #{seq} of {who} deleted: {reason}", &[("seq", &d.seq), ("who", &d.owner_name), ("reason", &reason)]) }</title>
                <rect width={n1(box_w)} height={box_h.to_string()} rx="6" />
                <text class="seq" x={n1(box_w / 2.0)} y="17">{ format!("#{}", d.seq) }</text>
                <text class="who" x={n1(box_w / 2.0)} y="33">{ reason }</text>
            </g>
        }
    });

    let notifications = q.notifications.iter().filter_map(|n| {
        let from = match n.deleted {
            // A child gone from the picture: where it stood, among those still there.
            Some(seq) => centre_of(seq)
                .unwrap_or_else(|| geo.anchor(placed.iter().filter(|p| p.0 < seq).count())),
            None => lock,
        };
        let to = match q.entries.iter().find(|e| e.owner == n.to) {
            Some(e) => centre_of(e.seq)?,
            None => client_x(n.to)?,
        };
        let t = progress(n.sent, n.arrives, ctx.playhead);
        let (path, (x, y)) = geo.notify(from, to, t);
        Some(html! {
            <g key={format!("n{}", n.id)} class="notify" data-notify={n.id.to_string()}>
                <path d={path} marker-end="url(#notify-arrow)" />
                <circle cx={n1(x)} cy={n1(y)} r="4" />
            </g>
        })
    });
    let burst = q.notifications.len();
    let at = geo.caption();
    // On a phone the caption is centred between ZooKeeper and the storage, on its lines.
    let caption = if at.centred {
        let lines = wrap(&caption, CAPTION_FONT, CAPTION_MAX);
        let lines = lines.iter().enumerate().map(|(i, l)| {
            html! { <tspan x={at.x.to_string()} y={n1(at.y + i as f64 * CAPTION_LINE)}>{ l }</tspan> }
        });
        html! { <>{ for lines }</> }
    } else {
        html! { <>{ caption }</> }
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
            <text class={classes!("queue-caption", (burst > 0).then_some("burst"))} x={at.x.to_string()} y={at.y.to_string()}
                  text-anchor={at.centred.then_some("middle")}>{ caption }</text>
            <g class="lock-node" transform={format!("translate({:.1},{:.1})", lock.x - lock_w / 2.0, lock.top + 2.0)}>
                <rect width={lock_w.to_string()} height={(BOX_H - 4.0).to_string()} rx="18" />
                <text x={(lock_w / 2.0).to_string()} y="23">{ "/lock" }</text>
            </g>
            <g class="watches">{ for watches }</g>
            <g class="znodes">{ for entries }</g>
            <g class="departures">{ for departures }</g>
            <g class="notifications">{ for notifications }</g>
        </g>
    }
}
