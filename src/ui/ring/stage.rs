//! The ring stage: the three layers (ring, key canvas, overlay) and the controls below.
use super::animation::*;
use super::canvas::*;
use super::chips::*;
use super::controls::RingControls;
use super::geometry::*;
use super::keys::*;
use super::overlay::{table_strip, Overlay};
use crate::algo::ring_cluster::RingNode;
use crate::scene::ring::picture::{maglev_table, picture, Picture};
use crate::scene::ring::RingView;
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::n1;
use crate::ui::topology::NARROW_QUERY;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

// ---------------------------------------------------------------------------------------
// The stage
//
// Split into child components whose props stay equal during an animation, so that an
// animation frame re-renders only what moves: the key canvas (and the lookup overlay
// while a lookup animates). The ring's thousands of path segments, the chips and the
// forms are left alone.

#[derive(Properties, PartialEq)]
pub struct RingStageProps {
    pub view: RingView,
    pub ctx: ViewCtx,
}

#[function_component(RingStage)]
pub fn ring_stage(p: &RingStageProps) -> Html {
    let node = Some(p.view.0.clone());
    let props = &p.ctx;
    let dark = prefers("(prefers-color-scheme: dark)");
    // A phone (the width at which the shell takes its phone layout): the figure is drawn
    // about as small as in an embed, so it takes the embed's drawing (bigger labels that
    // drop the shared prefix, the middle's words scaled up); the forms stay whole.
    let phone = !props.compact && prefers(NARROW_QUERY);
    let picked = use_state(|| None::<String>);
    let on_pick = {
        let picked = picked.clone();
        use_callback((), move |name: Option<String>, _| picked.set(name))
    };

    // The latest event (change or lookup), when the latest handler call made it.
    let latest = node.as_ref().and_then(|n| {
        let change = n
            .last_change()
            .filter(|c| c.handled_at == n.handled())
            .map(|c| c.time);
        let lookup = n
            .lookup()
            .filter(|l| l.handled_at == n.handled())
            .map(|l| l.time);
        change.or(lookup)
    });
    let tween_key = latest
        .filter(|&t| props.playhead <= t)
        .and_then(|_| node.as_ref().map(|n| (props.cursor, n.handled())));
    let tween = use_tween(tween_key);

    let handle = node.clone().map(RingView);
    // The pictures without a ring lay the servers out as a list (see `ListLayout`).
    let layout = use_memo(handle.clone(), |h| {
        h.as_ref()
            .filter(|h| picture(h.0.config().algorithm) != Picture::Ring)
            .map(|h| Rc::new(ListLayout::of(&h.0)))
    });
    let key_place = node.as_ref().map(|n| KeyPlace {
        keys: KeysVersion(n.key_hashes().clone(), n.config().hash),
        by_owner: (*layout)
            .as_ref()
            .map(|l| (n.owners().clone(), l.slot_sectors())),
    });
    let by_owner = layout.is_some();
    let positions = use_memo(key_place, |v| {
        Rc::new(v.as_ref().map(KeyPlace::positions).unwrap_or_default())
    });
    let chips = use_memo(handle.clone(), |h| {
        Rc::new(h.as_ref().map(|h| chips_for(&h.0)).unwrap_or_default())
    });
    let chip_points = use_memo((handle.clone(), chips.clone()), |(h, chips)| {
        Rc::new(chip_positions(
            chips,
            h.as_ref().and_then(|h| h.0.last_change()),
        ))
    });
    // Maglev's table, built by the algorithm once per membership.
    let table = {
        let node = node.clone();
        let version = node
            .as_ref()
            .map(|n| RingVersion(n.ring_rc().clone(), n.config().hash));
        let pic = node.as_ref().map(|n| picture(n.config().algorithm));
        use_memo((version, pic), move |(_, pic)| {
            Rc::new(match (&node, pic) {
                (Some(node), Some(Picture::Table)) => maglev_table(node),
                _ => Vec::new(),
            })
        })
    };
    let colours = use_memo((handle.clone(), dark), |(h, dark)| {
        Rc::new(
            h.as_ref()
                .map(|h| slot_colours(&h.0, *dark))
                .unwrap_or_default(),
        )
    });

    let canvas_ref = use_node_ref();
    let canvas_frame = node.as_ref().and_then(|node| {
        let change_current = node
            .last_change()
            .is_some_and(|c| c.handled_at == node.handled());
        let progress = node.last_change().map_or(1.0, |c| {
            event_progress(change_current, c.time, props.playhead, tween)
        });
        (node.key_count() > SVG_KEY_LIMIT).then(|| KeyFrame {
            positions: (*positions).clone(),
            owners: node.owners().clone(),
            change: node.last_change_rc().cloned(),
            change_current,
            progress: quantize(progress),
            chips: (*chip_points).clone(),
            colours: (*colours).clone(),
            dark,
            by_owner,
        })
    });
    {
        // The keys' canvas is redrawn from Rust only when its picture changes.
        let canvas_ref = canvas_ref.clone();
        use_effect_with(canvas_frame, move |frame| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                match frame {
                    Some(frame) => draw_keys(&canvas, frame),
                    None => clear_canvas(&canvas),
                }
            }
        });
    }

    let Some(node) = node else {
        return html! { <div class="ring-stage"><p>{ crate::i18n::tr("This run is not a consistent-hashing run.") }</p>
        </div> };
    };
    let change_current = node
        .last_change()
        .is_some_and(|c| c.handled_at == node.handled());
    let change_progress = node.last_change().map_or(1.0, |c| {
        event_progress(change_current, c.time, props.playhead, tween)
    });
    let lookup_current = node
        .lookup()
        .is_some_and(|l| l.handled_at == node.handled());
    let lookup_progress = node.lookup().map_or(1.0, |l| {
        event_progress(lookup_current, l.time, props.playhead, tween)
    });
    let frame = KeyFrame {
        positions: (*positions).clone(),
        owners: node.owners().clone(),
        change: node.last_change_rc().cloned(),
        change_current,
        progress: quantize(change_progress),
        chips: (*chip_points).clone(),
        colours: (*colours).clone(),
        dark,
        by_owner,
    };
    let on_canvas = node.key_count() > SVG_KEY_LIMIT;
    let handle = RingView(node.clone());
    let ring = RingVersion(node.ring_rc().clone(), node.config().hash);
    let figure = html! {
        <div class="ring-figure">
            // Three layers, each its own compositor layer: the ring (thousands of path
            // segments, changed only by a membership change), the keys' canvas (redrawn
            // on animation frames) and the overlay (chips, lookup, text). Redrawing one
            // never repaints the others.
            <StaticRing ring={ring} layout={(*layout).clone()} picture={picture(node.config().algorithm)} dark={dark} />
            if !table.is_empty() {
                // Maglev's table window, under the keys: it hides none of them.
                <svg class="ring-svg ring-table" viewBox={format!("0 0 {VIEW} {VIEW}")} aria-hidden="true">
                    { table_strip(&table, node.lookup(), |slot| node_colour(node.node_name(slot).unwrap_or("?"), dark)) }
                </svg>
            }
            <canvas ref={canvas_ref} class="ring-keys" aria-hidden="true" />
            <Overlay node={handle.clone()} dark={dark} chips={(*chips).clone()}
                lookup_progress={quantize(lookup_progress)}
                change_current={change_current} lookup_current={lookup_current}
                svg_keys={(!on_canvas).then_some(frame)}
                picked={(*picked).clone()} on_pick={on_pick.clone()} small={props.compact || phone}
                layout={(*layout).clone()} table={(*table).clone()} />
        </div>
    };
    html! {
        <div class={classes!("ring-stage", props.compact.then_some("compact"), phone.then_some("phone"))}>
            { figure }
            <RingControls node={handle} compact={props.compact} hist_progress={quantize(change_progress)}
                picked={(*picked).clone()} on_pick={on_pick} on_msg={props.on_msg.clone()} />
        </div>
    }
}

/// Each slot's colour (a departed node's slot keeps its colour for its keys' flight).
pub fn slot_colours(node: &RingNode, dark: bool) -> Vec<String> {
    let mut colours = vec![String::from("#888"); node.loads().len().max(1)];
    for (slot, spec) in node.live_nodes() {
        if let Some(c) = colours.get_mut(usize::from(slot)) {
            *c = node_colour(&spec.name, dark);
        }
    }
    if let Some(change) = node.last_change() {
        let slot = usize::from(change.slot);
        if colours.len() <= slot {
            colours.resize(slot + 1, "#888".into());
        }
        if node.node_name(change.slot).is_none() {
            colours[slot] = node_colour(&change.node, dark);
        }
    }
    colours
}

#[derive(Properties, PartialEq)]
pub struct StaticRingProps {
    pub ring: RingVersion,
    /// The list pictures' layout (no ring); `None` draws the ring.
    pub layout: Option<Rc<ListLayout>>,
    pub picture: Picture,
    pub dark: bool,
}

/// The ring's arcs and ticks (rebuilt only when the ring changes), or jump hash's and hash
/// mod N's numbered buckets; rendezvous and Maglev have neither. The list pictures' room
/// for servers that join is a dashed arc after the last server.
#[function_component(StaticRing)]
pub fn static_ring(p: &StaticRingProps) -> Html {
    let paths = use_memo(p.ring.clone(), |v| ring_paths(&v.0, v.1));
    let ring = &p.ring.0;
    let layer = match p.layout.as_deref() {
        None => {
            let slots = paths.slots.iter().map(|(slot, arcs, ticks)| {
                let name = ring
                    .node(crate::algo::placement::NodeIndex(u32::from(*slot)))
                    .map_or("", |n| n.name.as_str());
                let colour = node_colour(name, p.dark);
                html! {
                    <g key={name.to_string()} class="ring-slot" data-node={name.to_string()}>
                        <path class="arc" d={arcs.clone()} stroke={colour.clone()} />
                        <path class="tick" d={ticks.clone()} stroke={colour} />
                    </g>
                }
            });
            html! {
                <>
                    <circle class="ring-base" cx={CENTRE.to_string()} cy={CENTRE.to_string()} r={RING_R.to_string()} />
                    { for slots }
                </>
            }
        }
        Some(layout) => {
            // The rest of the circle is room for servers that join: a faint dashed arc.
            let room = layout.room().map(|(start, width)| {
                let mut d = String::new();
                arc_path_at(&mut d, start + 0.004, start + width - 0.004, RING_R);
                html! { <path class="list-room" d={d} /> }
            });
            html! {
                <>
                    { for room }
                    if p.picture == Picture::Buckets {
                        { bucket_cells(layout, p.dark) }
                    }
                </>
            }
        }
    };
    html! {
        <svg class="ring-svg ring-static" viewBox={format!("0 0 {VIEW} {VIEW}")} aria-hidden="true">
            { layer }
        </svg>
    }
}

/// Bucket cells drawn beyond this many have no number (they would be too narrow for one).
pub const NUMBERED_BUCKETS: u32 = 36;

/// Jump hash's and hash mod N's buckets `0 .. n-1`: a cell each on the circle, in its
/// server's colour, numbered (unless there are very many); a failed or departed server's
/// sector keeps empty dashed cells without numbers, where its buckets were.
fn bucket_cells(layout: &ListLayout, dark: bool) -> Html {
    let numbered = layout.buckets <= NUMBERED_BUCKETS;
    let names: crate::sim::sorted::SortedMap<u16, &str> = layout
        .entries
        .iter()
        .map(|e| (e.slot, e.name.as_str()))
        .collect();
    let cells = layout
        .bucket_owners()
        .into_iter()
        .enumerate()
        .map(|(b, slot)| {
            let (start, end) = layout.bucket_cell(b as u32);
            let gap = ((end - start) * 0.06).min(0.004);
            let mut d = String::new();
            arc_path_at(&mut d, start + gap, end - gap, RING_R);
            let name = names.get(&slot).copied().unwrap_or("");
            let (x, y) = point_at((start + end) / 2.0, RING_R);
            html! {
                <g class="bucket" data-bucket={b.to_string()} data-node={name.to_string()}>
                    <path class="bucket-cell" d={d} stroke={node_colour(name, dark)} />
                    if numbered {
                        <text class="bucket-number" x={n1(x)} y={n1(y)} dy="0.35em">{ b }</text>
                    }
                </g>
            }
        });
    let ghosts = layout.sectors.iter().filter(|s| s.slot.is_none()).map(|s| {
        let mut d = String::new();
        for unit in s.start..s.start + s.width {
            let (start, end) = (
                layout.frac(f64::from(unit)),
                layout.frac(f64::from(unit) + 1.0),
            );
            let gap = ((end - start) * 0.06).min(0.004);
            arc_path_at(&mut d, start + gap, end - gap, RING_R);
        }
        html! {
            <g class="bucket ghost" data-node={s.name.clone()}>
                <path class="bucket-cell" d={d} stroke={node_colour(&s.name, dark)} />
            </g>
        }
    });
    html! { <g class="buckets">{ for cells }{ for ghosts }</g> }
}
