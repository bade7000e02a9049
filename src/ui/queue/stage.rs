//! The queue stage: the counters, then producers, Redis (its queue, one lane per consumer
//! and the dead letters), consumers and the database, with message chips in flight; below,
//! the command Redis just ran and, at full size, the depth chart and the command log.
use super::geometry::*;
use super::nodes::{chip, consumer, database, node_group, on_enter, producer, reaper};
use super::parts::{CommandLog, CommandStrip, CounterTiles, DepthChart};
use crate::algo::queue::message::{consumer_name, processing_key};
use crate::algo::queue::Design;
use crate::i18n::{line, tr, trf};
use crate::scene::queue::view::{Chip, FlightKind, QueueSceneView};
use crate::sim::action::KernelAction;
use crate::sim::kernel::NodeStatus;
use crate::sim::{MsgId, NodeId, Time};
use crate::ui::lost::lost_glyph;
use crate::ui::model::Msg;
use crate::ui::node_menu::{NodeMenu, PartitionBar};
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::{n1, translate};
use crate::ui::topology::{progress, NARROW_QUERY};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QueueStageProps {
    pub view: QueueSceneView,
    pub ctx: ViewCtx,
}

/// A lane of chips (the next out at the right), "+N" when they do not all fit.
fn lane(
    rect: Rect,
    name: String,
    chips: Vec<(Chip, Option<f64>)>,
    kind: &'static str,
    empty: Option<String>,
) -> Html {
    let extra = if kind == "q-lane-progress" {
        "in-progress"
    } else {
        ""
    };
    // A name longer than its lane ("queue · stream (XADD in, XREADGROUP out →)" at an
    // embed's 12 px) is drawn a little narrower rather than out of the broker's box, over
    // the chips flying to the consumers.
    let squeeze = (lane_name_width(&name) > rect.w).then_some(rect.w);
    let (shown, more) = visible_chips(rect, chips.len());
    let drawn = chips.iter().take(shown).enumerate().map(|(i, (c, age))| {
        let (x, y) = chip_slot(rect, i);
        chip(c, x, y, extra, *age)
    });
    let more = (more > 0).then(|| {
        let (x, y) = chip_slot(rect, shown);
        html! { <text class="more" x={(x + CHIP_W / 2.0).to_string()} y={(y + 14.5).to_string()}>{ format!("+{more}") }</text> }
    });
    html! {
        <g class={classes!("q-lane", kind)} data-lane={kind} data-count={chips.len().to_string()}>
            <text class="lane-name" x={rect.x.to_string()} y={(rect.y - 4.0).to_string()}
                  textLength={squeeze.map(|w| format!("{w:.0}"))} lengthAdjust={squeeze.map(|_| "spacingAndGlyphs")}>{ name }</text>
            <rect class="lane-body" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="6" />
            if chips.is_empty() {
                if let Some(text) = empty {
                    <text class="lane-empty" x={(rect.x + 8.0).to_string()} y={(rect.y + rect.h / 2.0 + 4.0).to_string()}>{ text }</text>
                }
            }
            { for drawn }
            { for more }
        </g>
    }
}

/// About how wide a lane's name is at the embed's 12 px (semi-bold; CJK a full em).
fn lane_name_width(name: &str) -> f64 {
    name.chars()
        .map(|c| if c.is_ascii() { 7.0 } else { 12.5 })
        .sum()
}

/// Every node's shape, by node id.
fn shapes(view: &QueueSceneView, layout: &StageLayout) -> Vec<(NodeId, Shape)> {
    let mut out = vec![
        (view.broker, Shape::Box(layout.broker)),
        (view.db.node, layout.db),
    ];
    out.extend(
        view.producers
            .iter()
            .zip(&layout.producers)
            .map(|(p, s)| (p.node, *s)),
    );
    out.extend(
        view.consumers
            .iter()
            .zip(&layout.consumers)
            .map(|(c, s)| (c.node, *s)),
    );
    if let (Some(r), Some(s)) = (&view.reaper, layout.reaper) {
        out.push((r.node, s));
    }
    out
}

fn flights(
    view: &QueueSceneView,
    ctx: &ViewCtx,
    layout: &StageLayout,
    shapes: &[(NodeId, Shape)],
) -> Html {
    let shape = |id: u32| shapes.iter().find(|(n, _)| n.0 == id).map(|(_, s)| *s);
    // Where a message from `from` to `to` is, `at` of the way along: beside its link, on
    // the side of its direction (so that a request and its reply do not overlap).
    let point = |from: u32, to: u32, at: f64| {
        let (a, b) = layout.link(shape(from)?, shape(to)?);
        let going_back = to == view.broker.0 || to == view.db.node.0;
        let (dx, dy) = layout.beside(a, b, going_back);
        let (x, y) = layout.flight_point(a, b, at);
        Some((x + dx, y + dy))
    };
    let items = ctx.snapshot.messages.iter().filter_map(|m| {
        let flight = view.flights.iter().find(|f| f.id == m.id);
        let (x, y) = point(m.from, m.to, progress(m.sent, m.arrives, ctx.playhead))?;
        let label = trf(
            "Message {id}: {label} from {from} to {to}. Activate to drop it.",
            &[("id", &m.id), ("label", &line(&m.label)), ("from", &ctx.snapshot.name(m.from)), ("to", &ctx.snapshot.name(m.to))],
        );
        let kind = match flight.map(|f| f.kind) {
            Some(FlightKind::Command(_)) => "request",
            Some(FlightKind::Reply) => "reply",
            Some(FlightKind::Apply) => "apply",
            Some(FlightKind::Applied) | None => "applied",
        };
        let action = KernelAction::DropMessage(MsgId(m.id)).to_string();
        let on_msg = ctx.on_msg.clone();
        let click = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_msg.emit(Msg::Act(action.clone()));
        });
        let body = match flight.and_then(|f| f.carries) {
            Some(id) => html! {
                <>
                    <rect x={(-CHIP_W / 2.0).to_string()} y={(-CHIP_H / 2.0).to_string()} width={CHIP_W.to_string()} height={CHIP_H.to_string()} rx="5" />
                    <text y="4.5">{ id.to_string() }</text>
                </>
            },
            None => html! { <circle r="5.5" /> },
        };
        Some(html! {
            <g key={m.id.to_string()} class={classes!("message", "flight", kind)} transform={translate(x, y)}
               role="button" tabindex="0" aria-label={label.clone()} data-msg={m.id.to_string()}
               onkeydown={on_enter(click.clone())} onclick={click}>
                <title>{ label }</title>
                { body }
            </g>
        })
    });
    let lost = ctx.snapshot.lost.iter().filter_map(|l| {
        let at = point(l.from, l.to, l.at)?;
        let (from, to) = (ctx.snapshot.name(l.from), ctx.snapshot.name(l.to));
        Some(lost_glyph(l, at, 12.0, &from, &to))
    });
    html! { <g class="flights">{ for items }{ for lost }</g> }
}

fn lanes(view: &QueueSceneView, layout: &StageLayout) -> Html {
    let delivery = view.design.delivery();
    let queue_name = match delivery {
        Design::ConsumerGroup => tr("queue · stream (XADD in, XREADGROUP out →)"),
        Design::ReliableList => tr("queue · list (LPUSH in, BLMOVE out →)"),
        _ => tr("queue · list (LPUSH in, BRPOP out →)"),
    };
    let queue_chips = view.queue.iter().map(|c| (*c, None)).collect();
    let queue = lane(
        layout.queue_lane,
        queue_name.into(),
        queue_chips,
        "q-lane-queue",
        Some(tr("empty").into()),
    );
    let fraction = |t: Time, limit: Time| Some(t.0 as f64 / limit.0.max(1) as f64);
    let per_consumer =
        view.consumers
            .iter()
            .zip(&layout.consumer_lanes)
            .map(|(c, rect)| {
                let (name, chips, empty): (String, Vec<(Chip, Option<f64>)>, &str) =
                    match delivery {
                        Design::ConsumerGroup => (
                            trf("pending entries of {c}", &[("c", &consumer_name(c.number))]),
                            c.pending
                                .iter()
                                .map(|p| (p.chip, fraction(p.idle, view.settings.min_idle)))
                                .collect(),
                            tr("nothing pending"),
                        ),
                        Design::ReliableList => {
                            let age = |chip: &Chip| {
                                let (_, _, since) =
                                    view.reaper.as_ref()?.watching.iter().find(|(n, m, _)| {
                                        *n == c.number && m.id == chip.message.id
                                    })?;
                                fraction(
                                    view.now.saturating_sub(*since),
                                    view.settings.visibility_timeout,
                                )
                            };
                            (
                                processing_key(c.number),
                                c.processing.iter().map(|chip| (*chip, age(chip))).collect(),
                                tr("empty"),
                            )
                        }
                        _ => (
                            trf("{c}'s copy in Redis", &[("c", &consumer_name(c.number))]),
                            Vec::new(),
                            tr("nothing: BRPOP keeps no copy in Redis"),
                        ),
                    };
                lane(*rect, name, chips, "q-lane-progress", Some(empty.into()))
            });
    let dead = layout.dead_lane.map(|rect| {
        let chips = view.dead.iter().map(|c| (*c, None)).collect();
        lane(
            rect,
            tr("queue:dead · dead-letter stream").into(),
            chips,
            "q-lane-dead",
            Some(tr("empty").into()),
        )
    });
    html! { <g class="lanes">{ queue }{ for per_consumer }{ for dead }</g> }
}

fn persistence_text(view: &QueueSceneView) -> String {
    use crate::algo::redis::Persistence;
    match view.persistence {
        Persistence::None => tr("no persistence").into(),
        Persistence::AofEverySec => trf(
            "AOF every 1 s · {n} not on disk",
            &[("n", &view.unsynced_writes)],
        ),
        Persistence::AofAlways => tr("AOF always (fsync per write)").into(),
    }
}

fn broker(view: &QueueSceneView, ctx: &ViewCtx, layout: &StageLayout) -> Html {
    let b = layout.broker;
    let name = ctx.snapshot.name(view.broker.0);
    let label = trf(
        "{name}: the Redis broker, {q} waiting, {p} in progress. Activate for actions.",
        &[
            ("name", &name),
            ("q", &view.depth.queued),
            ("p", &view.depth.in_progress),
        ],
    );
    let body = html! {
        <>
            <rect class="body" x={b.x.to_string()} y={b.y.to_string()} width={b.w.to_string()} height={b.h.to_string()} rx="10" />
            <text class="name left" x={(b.x + 10.0).to_string()} y={(b.y + 18.0).to_string()}>{ &name }</text>
            <text class="sub right" x={(b.right() - 10.0).to_string()} y={(b.y + 18.0).to_string()}>{ persistence_text(view) }</text>
            { lanes(view, layout) }
            if view.broker_status == NodeStatus::Crashed {
                <text class="down-note" x={(b.x + b.w / 2.0).to_string()} y={(b.bottom() - 8.0).to_string()}>
                    { tr("crashed: what is drawn is what the disk holds") }
                </text>
            }
        </>
    };
    node_group(
        ctx,
        view.broker,
        view.broker_status,
        classes!("broker"),
        label,
        body,
    )
}

fn links(view: &QueueSceneView, layout: &StageLayout, shapes: &[(NodeId, Shape)]) -> Html {
    let broker = Shape::Box(layout.broker);
    let line = |a: (f64, f64), b: (f64, f64), class: Classes| {
        html! { <line class={class} x1={n1(a.0)} y1={n1(a.1)} x2={n1(b.0)} y2={n1(b.1)} /> }
    };
    let mut out = Vec::new();
    for (id, shape) in shapes
        .iter()
        .filter(|(id, _)| *id != view.broker && *id != view.db.node)
    {
        let (a, b) = layout.link(*shape, broker);
        let blocked = view.consumers.iter().any(|c| c.node == *id && c.blocked);
        out.push(line(a, b, classes!("link", blocked.then_some("blocked"))));
        if view.consumers.iter().any(|c| c.node == *id) {
            let (a, b) = layout.link(*shape, layout.db);
            out.push(line(a, b, classes!("link")));
        }
    }
    html! { <g class="links">{ for out }</g> }
}

#[function_component(QueueStage)]
pub fn queue_stage(p: &QueueStageProps) -> Html {
    let (view, ctx) = (&p.view, &p.ctx);
    // On a phone (the shell's own test for its generic stage) the parts stack top to
    // bottom in the screen's width. So they do in a narrow embed (a 420-pixel iframe), whose
    // stage scrolls down to the consumers and the database (the stylesheet): the full
    // layout fitted there read at 8 pixels. A wider embed keeps the full layout.
    let narrow = crate::ui::hooks::prefers(NARROW_QUERY);
    let lay_out = if narrow { phone_layout } else { stage_layout };
    let layout = lay_out(
        view.producers.len(),
        view.consumers.len(),
        view.reaper.is_some(),
        view.design.uses_stream(),
    );
    let vertical = layout.vertical;
    let shapes = shapes(view, &layout);
    let producers = view
        .producers
        .iter()
        .zip(&layout.producers)
        .map(|(p, s)| producer(ctx, p, *s, vertical));
    let consumers = view
        .consumers
        .iter()
        .zip(&layout.consumers)
        .map(|(c, s)| match s {
            Shape::Box(r) => consumer(ctx, c, *r, vertical),
            Shape::Circle { .. } => html! {},
        });
    let reaper = view
        .reaper
        .as_ref()
        .zip(layout.reaper)
        .map(|(r, s)| reaper(ctx, r, s, vertical));
    let menu = ctx
        .selected
        .and_then(|id| ctx.snapshot.nodes.iter().find(|n| n.id == id))
        .map(|node| html! {
            <NodeMenu node={node.clone()} commands={ctx.selected_commands.clone()} on_msg={ctx.on_msg.clone()} />
        });
    let names: Vec<String> = ctx.snapshot.nodes.iter().map(|n| n.name.clone()).collect();
    let aria = trf(
        "Message queue at {t}: {q} waiting, {p} in progress, {m} messages in flight",
        &[
            ("t", &ctx.playhead),
            ("q", &view.depth.queued),
            ("p", &view.depth.in_progress),
            ("m", &ctx.snapshot.messages.len()),
        ],
    );
    html! {
        <div class={classes!("queue-stage", ctx.compact.then_some("compact"), narrow.then_some("narrow"), (narrow && ctx.compact).then_some("stage-scrolls"))}>
            <CounterTiles counters={view.counters} />
            <div class="queue-figure">
                <svg class="queue-svg" viewBox={format!("0 0 {} {:.0}", layout.width, layout.height)} role="group" aria-label={aria}>
                    { links(view, &layout, &shapes) }
                    { broker(view, ctx, &layout) }
                    { for producers }
                    { for consumers }
                    { database(ctx, &view.db, layout.db, view.design.is_idempotent()) }
                    { for reaper }
                    { flights(view, ctx, &layout, &shapes) }
                </svg>
                { for menu }
            </div>
            <CommandStrip line={view.log.last().cloned()} names={names.clone()} cursor={ctx.cursor} />
            if !ctx.compact {
                <div class="queue-lower">
                    <DepthChart history={view.history.clone()} from={view.chart_from} now={view.now} />
                    <CommandLog log={view.log.clone()} names={names} cursor={ctx.cursor} />
                </div>
                <PartitionBar snapshot={(*ctx.snapshot).clone()} partition={ctx.partition.clone()} on_msg={ctx.on_msg.clone()} />
            }
        </div>
    }
}
