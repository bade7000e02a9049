//! The queue stage's nodes: producers, consumers (as cards), the database and the reaper,
//! each a clickable, focusable group, and the message chips they and Redis's lanes hold.
//! On a phone ([`StageLayout::vertical`]) a producer's count sits above it, out of the way
//! of the chips flying down to Redis, and a consumer's card stacks its name, its state and
//! the message it holds.
use super::geometry::*;
use crate::algo::queue::Phase;
use crate::i18n::{tr, trf};
use crate::scene::queue::view::{
    phase_look, Chip, ConsumerState, DbState, ProducerState, ReaperState,
};
use crate::sim::kernel::NodeStatus;
use crate::sim::NodeId;
use crate::ui::model::Msg;
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::{n1, translate};
use crate::ui::topology::state_class;
use yew::prelude::*;

fn status_class(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Up => "up",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Paused => "paused",
    }
}

/// The consumer's state as the stage shows it (the words of the node's state label).
fn phase_label(phase: Phase) -> &'static str {
    tr(phase_look(phase).0)
}

/// About how wide a consumer's state is in bold capitals at a phone's 12 px (CJK a full
/// em).
/// About how wide a small node name is (12 units, bold, as an embed sets it).
fn name_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 7.2 } else { 12.0 })
        .sum()
}

fn phase_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 8.0 } else { 12.5 })
        .sum()
}

/// The CSS class of a consumer phase (English, so the legend's classes match).
fn phase_class(phase: Phase) -> String {
    state_class(phase_look(phase).1)
}

/// A message chip at `(x, y)` (its top left). `age` draws a bar under it: how far its
/// wait has gone towards a timeout (0 to 1).
/// The delivery count is drawn on chips in progress always, elsewhere once it is 2 or more.
pub(super) fn chip(c: &Chip, x: f64, y: f64, extra: &'static str, age: Option<f64>) -> Html {
    let show_count = c.deliveries >= 2 || (extra == "in-progress" && c.deliveries >= 1);
    let redelivered = c.deliveries >= 2;
    let title = trf(
        "{msg}: deliveries to a consumer so far: {n}",
        &[("msg", &c.message.id), ("n", &c.deliveries)],
    );
    html! {
        <g key={format!("{}", c.message.id)} transform={translate(x, y)}
           class={classes!("q-chip", extra, c.message.poison.then_some("poison"), redelivered.then_some("redelivered"))}
           data-msg-id={c.message.id.to_string()} data-deliveries={c.deliveries.to_string()}>
            <title>{ title }</title>
            <rect width={CHIP_W.to_string()} height={CHIP_H.to_string()} rx="5" />
            <text x={(CHIP_W / 2.0).to_string()} y="14.5">{ c.message.id.to_string() }</text>
            if show_count {
                <g class="count" transform={format!("translate({CHIP_W},0)")}>
                    <circle r="8" />
                    <text y="4">{ c.deliveries.to_string() }</text>
                </g>
            }
            if let Some(age) = age {
                <rect class={classes!("age", (age >= 1.0).then_some("over"))} y={(CHIP_H + 1.0).to_string()} height="3"
                      width={n1(CHIP_W * age.clamp(0.0, 1.0))} />
            }
        </g>
    }
}

pub(super) fn select(ctx: &ViewCtx, id: NodeId) -> Callback<MouseEvent> {
    let on_msg = ctx.on_msg.clone();
    let partition = ctx.partition.is_some();
    let selected = ctx.selected;
    let id = id.0;
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        on_msg.emit(if partition {
            Msg::TogglePartitionNode(id)
        } else {
            Msg::Select(if selected == Some(id) { None } else { Some(id) })
        });
    })
}

pub(super) fn on_enter(click: Callback<MouseEvent>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            if let Ok(ev) = MouseEvent::new("click") {
                click.emit(ev);
            }
        }
    })
}

/// A node's group: clickable, focusable, with its classes and an accessible name.
pub(super) fn node_group(
    ctx: &ViewCtx,
    id: NodeId,
    status: NodeStatus,
    classes: Classes,
    label: String,
    body: Html,
) -> Html {
    let click = select(ctx, id);
    let grouped = ctx.partition.as_ref().is_some_and(|g| g.contains(&id.0));
    html! {
        <g class={classes!("node", status_class(status), classes, (ctx.selected == Some(id.0)).then_some("selected"), grouped.then_some("grouped"))}
           role="button" tabindex="0" aria-label={label} data-node={id.0.to_string()}
           onkeydown={on_enter(click.clone())} onclick={click}>
            { body }
        </g>
    }
}

pub(super) fn crash_mark(x: f64, y: f64, size: f64) -> Html {
    html! { <path class="crash-mark" d={format!("M{:.1},{:.1} l{s},{s} m0,-{s} l-{s},{s}", x - size / 2.0, y - size / 2.0, s = size)} /> }
}

/// A producer: its count under it, or on a phone above it (the chips it sends fly down).
pub(super) fn producer(ctx: &ViewCtx, p: &ProducerState, shape: Shape, vertical: bool) -> Html {
    let (x, y) = shape.centre();
    let name = ctx.snapshot.name(p.node.0);
    let state = if p.sending.is_some() {
        "sending"
    } else if p.to_send == 0 {
        "done"
    } else {
        "idle"
    };
    let retry = p.sending.filter(|(_, attempt)| *attempt > 1);
    let label = trf(
        "{name}: producer, {sent} messages sent, {ok} confirmed. Activate for actions.",
        &[("name", &name), ("sent", &p.produced), ("ok", &p.confirmed)],
    );
    let body = html! {
        <>
            <circle class="body" cx={x.to_string()} cy={y.to_string()} r={NODE_R.to_string()} />
            <text class="name" x={x.to_string()} y={(y + 4.0).to_string()}>{ &name }</text>
            <text class="sub" x={x.to_string()} y={(y + if vertical { -NODE_R - 8.0 } else { NODE_R + 13.0 }).to_string()}>{ trf("sent: {n}", &[("n", &p.produced)]) }</text>
            if let Some((_, attempt)) = retry {
                <text class="badge warn" x={x.to_string()} y={(y - NODE_R - if vertical { 24.0 } else { 4.0 }).to_string()}>{ trf("try {n}", &[("n", &attempt)]) }</text>
            }
            if p.status == NodeStatus::Crashed { { crash_mark(x, y, 22.0) } }
        </>
    };
    node_group(
        ctx,
        p.node,
        p.status,
        classes!("producer", state_class(state)),
        label,
        body,
    )
}

/// A consumer's card: its name, its state, the message it holds (at the right, or on a
/// phone's narrow card under its state).
pub(super) fn consumer(ctx: &ViewCtx, c: &ConsumerState, rect: Rect, vertical: bool) -> Html {
    let name = ctx.snapshot.name(c.node.0);
    let phase = match c.status {
        NodeStatus::Crashed => tr("CRASHED"),
        NodeStatus::Paused => tr("PAUSED"),
        NodeStatus::Up if c.phase == Phase::Fetching && c.blocked => tr("BLOCKED"),
        NodeStatus::Up => phase_label(c.phase),
    };
    let label = trf(
        "{name}: consumer, {state}. Activate for actions.",
        &[("name", &name), ("state", &phase)],
    );
    let (x, y) = (rect.x, rect.y);
    let (held_at, name_y, phase_y, mark) = if vertical {
        (
            (x + 8.0, y + 44.0),
            y + 17.0,
            y + 35.0,
            (rect.right() - 14.0, y + 13.0, 12.0),
        )
    } else {
        (
            (rect.right() - 6.0 - CHIP_W, y + 4.0),
            y + 18.0,
            y + 37.0,
            // Beside the name, clear of the state under it ("CRASHED" ran under the cross).
            (rect.right() - 18.0, y + 16.0, 12.0),
        )
    };
    let held = c
        .holding
        .as_ref()
        .map(|h| chip(h, held_at.0, held_at.1, "held", None));
    // A card may be narrower than "DEAD-LETTER" in bold (a phone's, and the wide stage's
    // with a message on its edge): set a little tighter rather than over the card's edge.
    let room = rect.w - 14.0;
    let squeeze = (phase_width(phase) > room).then_some(room);
    let body = html! {
        <>
            <rect class="body" x={x.to_string()} y={y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="8" />
            <text class="name left" x={(x + 8.0).to_string()} y={name_y.to_string()}>{ &name }</text>
            if c.slow {
                { slow_tag(x, y, name_y, vertical) }
            }
            <text class="phase left" x={(x + 8.0).to_string()} y={phase_y.to_string()}
                  textLength={squeeze.map(|w| format!("{w:.0}"))} lengthAdjust={squeeze.map(|_| "spacingAndGlyphs")}>{ phase }</text>
            { for held }
            if c.status == NodeStatus::Crashed { { crash_mark(mark.0, mark.1, mark.2) } }
        </>
    };
    let classes = if c.status == NodeStatus::Up {
        classes!("consumer", phase_class(c.phase))
    } else {
        classes!("consumer")
    };
    node_group(ctx, c.node, c.status, classes, label, body)
}

/// A slow consumer's tag. On a phone's card, after its name; on the full layout's card, on
/// its top edge (a fieldset's legend), because beside the name it lay under the message the
/// consumer holds, drawn in the card's top-right corner.
fn slow_tag(x: f64, y: f64, name_y: f64, vertical: bool) -> Html {
    let (at, class) = if vertical {
        ((x + 29.0, name_y), None)
    } else {
        ((x + 10.0, y + 4.0), Some("on-edge"))
    };
    html! {
        <text class={classes!("badge", "warn", "left", class)} x={at.0.to_string()} y={at.1.to_string()}>{ tr("slow") }</text>
    }
}

pub(super) fn database(ctx: &ViewCtx, db: &DbState, shape: Shape, idempotent: bool) -> Html {
    let (x, y) = shape.centre();
    let state = if db.duplicated.is_empty() {
        "ok"
    } else {
        "duplicates"
    };
    let twice: u32 = db.duplicated.iter().map(|(_, n)| n - 1).sum();
    let label = trf(
        "{name}: database, {n} messages applied. Activate for actions.",
        &[
            ("name", &ctx.snapshot.name(db.node.0)),
            ("n", &db.processed),
        ],
    );
    // A circle on a phone; on the full layout a column beside every consumer, drawn as a
    // cylinder (the usual sign of a database).
    let (outline, bottom) = match shape {
        Shape::Circle { r, .. } => (
            html! { <circle class="body" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} /> },
            y + r,
        ),
        Shape::Box(b) => (html! { <path class="body" d={cylinder(b)} /> }, b.bottom()),
    };
    let body = html! {
        <>
            { outline }
            <text class="name" x={x.to_string()} y={(y + 4.0).to_string()}>{ ctx.snapshot.name(db.node.0) }</text>
            <text class="sub" x={x.to_string()} y={(bottom + 14.0).to_string()}>{ trf("applied: {n}", &[("n", &db.processed)]) }</text>
            if twice > 0 {
                <text class="sub bad" x={x.to_string()} y={(bottom + 28.0).to_string()}>{ trf("duplicates: {n}", &[("n", &twice)]) }</text>
            }
            if idempotent {
                <text class="sub" x={x.to_string()} y={(bottom + if twice > 0 { 42.0 } else { 28.0 }).to_string()}>{ trf("dedupe: {n}", &[("n", &db.dedupe)]) }</text>
            }
        </>
    };
    node_group(
        ctx,
        db.node,
        db.status,
        classes!("db", state_class(state)),
        label,
        body,
    )
}

pub(super) fn reaper(ctx: &ViewCtx, r: &ReaperState, shape: Shape, vertical: bool) -> Html {
    let (x, y) = shape.centre();
    let name = ctx.snapshot.name(r.node.0);
    let label = trf(
        "{name}: requeues what stays in a processing list past the visibility timeout; {n} requeued. Activate for actions.",
        &[("name", &name), ("n", &r.requeued)],
    );
    // "reaper" in bold ran over the circle's edge: set tighter to stay inside it.
    let inside = 2.0 * (NODE_R + 3.0) - 8.0;
    let fit = (name_width(&name) > inside).then_some(inside);
    let body = html! {
        <>
            <circle class="body" cx={x.to_string()} cy={y.to_string()} r={(NODE_R + 3.0).to_string()} />
            <text class="name small" x={x.to_string()} y={(y + 4.0).to_string()}
                  textLength={fit.map(|w| format!("{w:.0}"))} lengthAdjust={fit.map(|_| "spacingAndGlyphs")}>{ &name }</text>
            <text class="sub" x={x.to_string()} y={(y + if vertical { -NODE_R - 10.0 } else { NODE_R + 17.0 }).to_string()}>{ trf("requeued: {n}", &[("n", &r.requeued)]) }</text>
            if r.status == NodeStatus::Crashed { { crash_mark(x, y, 22.0) } }
        </>
    };
    node_group(ctx, r.node, r.status, classes!("reaper"), label, body)
}
