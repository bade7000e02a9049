//! The ring's overlay: server chips, the lookup's clockwise walk, SVG keys (when few) and
//! the text in the middle.
use super::chips::*;
use super::geometry::*;
use super::keys::*;
use super::text::*;
use crate::algo::ring_cluster::{ring_fraction, HashChoice};
use crate::i18n::trf;
use crate::scene::ring::RingView;
use std::f64::consts::TAU;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OverlayProps {
    pub node: RingView,
    pub dark: bool,
    pub chips: Rc<Vec<Chip>>,
    pub lookup_progress: f64,
    pub change_current: bool,
    pub lookup_current: bool,
    /// For few keys: the frame to draw them as SVG circles.
    pub svg_keys: Option<KeyFrame>,
    pub picked: Option<String>,
    pub on_pick: Callback<Option<String>>,
    /// Drawn small (an embed, a phone): labels are set larger and drop the prefix every
    /// server's name shares, so that they read at 11 px or more and still fit beside the
    /// ring.
    pub small: bool,
}

/// Chips, the lookup's walk, SVG keys (when few) and the text in the middle.
#[function_component(Overlay)]
pub fn overlay(p: &OverlayProps) -> Html {
    let node = &p.node.0;
    let config = node.config();
    let dark = p.dark;
    let uses_ring = config.algorithm.uses_ring();
    let chips = &p.chips;
    let radial = chips.len() > 16;
    let cut = if p.small { shared_prefix_len(chips) } else { 0 };
    let chip_views = chips.iter().map(|chip| {
        let (x, y) = point_at(chip.frac, CHIP_R);
        let (lx, ly) = point_at(chip.frac, LABEL_R);
        let angle = chip.frac * 360.0 - 90.0;
        let right = chip.frac < 0.5;
        let label_transform = match (radial, right) {
            (true, true) => format!("translate({lx:.1},{ly:.1}) rotate({angle:.1})"),
            (true, false) => format!("translate({lx:.1},{ly:.1}) rotate({:.1})", angle + 180.0),
            (false, _) => format!("translate({lx:.1},{ly:.1})"),
        };
        let near_axis = chip.frac < 0.06 || (chip.frac - 0.5).abs() < 0.06 || chip.frac > 0.94;
        let anchor = match (radial, right) {
            (false, _) if near_axis => "middle",
            (_, true) => "start",
            (_, false) => "end",
        };
        let dy = if !radial && chip.frac > 0.25 && chip.frac < 0.75 { "0.9em" } else { "0.32em" };
        let replica_rank = node
            .lookup()
            .and_then(|l| chip.slot.and_then(|s| l.replicas.iter().position(|r| *r == s)));
        let changed = p.change_current && node.last_change().is_some_and(|c| c.node == chip.name);
        let weight = chip
            .slot
            .and_then(|s| node.ring().node(crate::algo::placement::NodeIndex(u32::from(s))))
            .map_or(0, |n| n.weight);
        let kind = match chip.kind {
            ChipKind::Live => "live",
            ChipKind::Failed => "failed",
            ChipKind::Gone => "gone",
        };
        let onclick = {
            let on_pick = p.on_pick.clone();
            let name = chip.name.clone();
            Callback::from(move |_: MouseEvent| on_pick.emit(Some(name.clone())))
        };
        let title = match chip.kind {
            ChipKind::Live => trf(
                "{node} (weight {weight}): {n} keys. Click to choose it below.",
                &[
                    ("node", &chip.name),
                    ("weight", &weight),
                    ("n", &chip.slot.and_then(|s| node.loads().get(usize::from(s))).copied().unwrap_or(0)),
                ],
            ),
            ChipKind::Failed => trf("{node} failed. Click to choose it, then recover it.", &[("node", &chip.name)]),
            ChipKind::Gone => trf("{node} left the ring.", &[("node", &chip.name)]),
        };
        let name = &chip.name[cut..];
        let label = if weight > 1 { format!("{name} ×{weight}") } else { name.to_string() };
        let (cx, cy) = (format!("{x:.1}"), format!("{y:.1}"));
        html! {
            <g key={chip.name.clone()} class={classes!("chip", kind,
                    changed.then_some("changed"), replica_rank.is_some().then_some("replica"),
                    (p.picked.as_deref() == Some(chip.name.as_str())).then_some("picked"))}
               data-node={chip.name.clone()} onclick={onclick}>
                <title>{ title }</title>
                <circle class="chip-halo" cx={cx.clone()} cy={cy.clone()} r="13" />
                <circle class="chip-dot" cx={cx.clone()} cy={cy.clone()} r="8" fill={node_colour(&chip.name, dark)} />
                if chip.kind != ChipKind::Live {
                    <path class="chip-x" d={format!("M{:.1},{:.1}l8,8m0,-8l-8,8", x - 4.0, y - 4.0)} />
                }
                if let Some(rank) = replica_rank {
                    <text class="chip-rank" x={cx} y={cy} dy="0.35em">{ rank + 1 }</text>
                }
                <text class="chip-label" transform={label_transform} text-anchor={anchor} dy={dy}>{ label }</text>
            </g>
        }
    });

    let chip_at = |slot: u16| {
        chips
            .iter()
            .find(|c| c.slot == Some(slot))
            .map(|c| point_at(c.frac, CHIP_R))
    };
    let lookup_layer = node
        .lookup()
        .map(|lookup| lookup_view(lookup, config.hash, uses_ring, p.lookup_progress, chip_at));

    // Few keys: SVG circles with a tooltip each (the canvas takes over beyond).
    let svg_keys = p.svg_keys.as_ref().map(|frame| {
        let mut circles = Vec::new();
        frame.for_each(|key, mark| {
            let (x, y, slot, class, r) = match mark {
                KeyMark::Rest { x, y, slot, moved } => (
                    x,
                    y,
                    slot,
                    if moved { "key moved" } else { "key" },
                    if moved { "3.2" } else { "2.6" },
                ),
                KeyMark::Flying { x, y, slot } => (x, y, slot, "key flying", "3.4"),
            };
            let owner = node.node_name(slot).unwrap_or("?");
            circles.push(html! {
                <circle key={key} class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={r}
                    fill={frame.colour(slot).to_string()}>
                    <title>{ format!("{} → {owner}", node.key_name(key)) }</title>
                </circle>
            });
        });
        html! { <g class="svg-keys">{ for circles }</g> }
    });
    let aria = super::words::ring_label(node);

    html! {
        <svg class="ring-svg ring-overlay" viewBox={format!("0 0 {VIEW} {VIEW}")} role="img" aria-label={aria}>
            { for svg_keys }
            { for lookup_layer }
            <g class="chips">{ for chip_views }</g>
            if p.small {
                // Small drawing: the middle's words scaled up together, lines and all.
                <g transform={format!("translate({CENTRE},{CENTRE}) scale(1.8) translate(-{CENTRE},-{CENTRE})")}>
                    { centre_text(node, p.lookup_current, KEY_CHARS_COMPACT) }
                </g>
            } else {
                { centre_text(node, p.lookup_current, KEY_CHARS) }
            }
        </svg>
    }
}

/// The lookup: the key's mark, the clockwise walk to each replica, lines to their chips.
pub fn lookup_view(
    lookup: &crate::algo::ring_cluster::Lookup,
    hash: HashChoice,
    uses_ring: bool,
    progress: f64,
    chip_at: impl Fn(u16) -> Option<(f64, f64)>,
) -> Html {
    let key_frac = ring_fraction(lookup.hash, hash);
    let (kx, ky) = point_at(key_frac, RING_R);
    let (kx2, ky2) = point_at(key_frac, BAND_OUTER - BAND_WIDTH - 6.0);
    let p = smooth(progress);
    let mut walk_html = Vec::new();
    if uses_ring && !lookup.walk.is_empty() {
        // Clockwise distance from the key to each replica's point, in turns.
        let spans: Vec<f64> = lookup
            .walk
            .iter()
            .map(|&pos| (ring_fraction(pos, hash) - key_frac).rem_euclid(1.0))
            .collect();
        let total = spans.iter().copied().fold(0.0, f64::max);
        let mut d = String::new();
        arc_path_at(&mut d, key_frac, key_frac + total.max(1e-6), WALK_R);
        let length = (total * TAU * WALK_R).max(0.1);
        walk_html.push(html! {
            <path class="walk" d={d} stroke-dasharray={format!("{length:.1} {length:.1}")}
                  stroke-dashoffset={format!("{:.1}", length * (1.0 - p))} />
        });
        for (rank, (&span, &slot)) in spans.iter().zip(&lookup.replicas).enumerate() {
            let reached = total <= 0.0 || span / total <= p + 1e-9;
            let (tx, ty) = point_at(key_frac + span, WALK_R);
            let (cx, cy) = chip_at(slot).unwrap_or((tx, ty));
            let (tx, ty) = (format!("{tx:.1}"), format!("{ty:.1}"));
            walk_html.push(html! {
                <g class={classes!("walk-stop", reached.then_some("reached"), (rank == 0).then_some("primary"))}>
                    <line x1={tx.clone()} y1={ty.clone()} x2={format!("{cx:.1}")} y2={format!("{cy:.1}")} />
                    <circle cx={tx.clone()} cy={ty.clone()} r="6" />
                    <text x={tx} y={ty} dy="0.35em">{ rank + 1 }</text>
                </g>
            });
        }
    } else if let Some((cx, cy)) = lookup.replicas.first().and_then(|&o| chip_at(o)) {
        let (ex, ey) = (kx + (cx - kx) * p, ky + (cy - ky) * p);
        walk_html.push(html! {
            <line class="walk straight" x1={format!("{kx:.1}")} y1={format!("{ky:.1}")} x2={format!("{ex:.1}")} y2={format!("{ey:.1}")} />
        });
    }
    html! {
        <g class="lookup-layer">
            { for walk_html }
            <line class="key-needle" x1={format!("{kx2:.1}")} y1={format!("{ky2:.1}")} x2={format!("{kx:.1}")} y2={format!("{ky:.1}")} />
            <circle class="key-mark" cx={format!("{kx:.1}")} cy={format!("{ky:.1}")} r="6" />
        </g>
    }
}
