//! The ring's overlay: server chips, the lookup's clockwise walk, SVG keys (when few) and
//! the text in the middle.
use super::chips::*;
use super::geometry::*;
use super::keys::*;
use super::text::*;
use crate::algo::ring_cluster::{ring_fraction, Algorithm, HashChoice, Lookup};
use crate::i18n::trf;
use crate::scene::ring::picture::{
    lookup_buckets, picture, rendezvous_scores, score_decimals, score_text, table_window, Picture,
};
use crate::scene::ring::RingView;
use crate::ui::svg_attr::n1;
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
    /// The list pictures' layout (buckets, scores, table): `None` for the ring.
    pub layout: Option<Rc<ListLayout>>,
    /// Maglev's lookup table (empty for the other pictures): its window's cells are drawn
    /// under the keys (see [`table_strip`]), its words and the line from the key's entry
    /// to its server here.
    pub table: Rc<Vec<u16>>,
}

/// How much larger the middle's words are drawn in a small drawing (an embed, a phone).
pub const SMALL_SCALE: f64 = 1.8;

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
        let near_axis = chip.frac < 0.06 || (chip.frac - 0.5).abs() < 0.06 || chip.frac > 0.94;
        // Near the top, a small drawing's label (24 units) is centred over its chip, whose
        // halo (18 units, a replica's rank inside) it touched at LABEL_R; the others sit
        // beside or under theirs.
        let on_top = near_axis && (chip.frac < 0.06 || chip.frac > 0.94);
        let label_r = if p.small && !radial && on_top { LABEL_R + 12.0 } else { LABEL_R };
        let (lx, ly) = point_at(chip.frac, label_r);
        let angle = chip.frac * 360.0 - 90.0;
        let right = chip.frac < 0.5;
        let label_transform = match (radial, right) {
            (true, true) => format!("translate({lx:.1},{ly:.1}) rotate({angle:.1})"),
            (true, false) => format!("translate({lx:.1},{ly:.1}) rotate({:.1})", angle + 180.0),
            (false, _) => format!("translate({lx:.1},{ly:.1})"),
        };
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
                    ("n", &fmt_count(chip.slot.and_then(|s| node.loads().get(usize::from(s))).copied().unwrap_or(0).into())),
                ],
            ),
            ChipKind::Failed => trf("{node} failed. Click to choose it, then recover it.", &[("node", &chip.name)]),
            ChipKind::Gone => trf("{node} left the cluster.", &[("node", &chip.name)]),
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
                // Not when the labels are cut to numbers ("1" for node-1): a rank in the chip
                // beside them read as another node's name. The middle lists the replicas.
                if let Some(rank) = replica_rank.filter(|_| cut == 0) {
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
    let pic = picture(config.algorithm);
    let lookup_layer = match (pic, &p.layout) {
        (Picture::Buckets, Some(layout)) => node
            .lookup()
            .map(|l| bucket_lookup(l, layout, config.algorithm, p.lookup_progress, chip_at)),
        (Picture::Scores, _) => node
            .lookup()
            .map(|l| score_bars(node, l, chips, p.lookup_progress, p.small)),
        (Picture::Table, _) => Some(html! {
            <>
                { for node.lookup().and_then(|l| table_link(&p.table, l, chip_at)) }
                { table_words(&p.table, node.lookup()) }
            </>
        }),
        _ => node
            .lookup()
            .map(|lookup| lookup_view(lookup, config.hash, uses_ring, p.lookup_progress, chip_at)),
    };

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
                <circle key={key} class={class} cx={n1(x)} cy={n1(y)} r={r}
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
                <g transform={format!("translate({CENTRE},{CENTRE}) scale({SMALL_SCALE}) translate(-{CENTRE},-{CENTRE})")}>
                    { centre_text(node, p.lookup_current, SMALL_SCALE, cut) }
                </g>
            } else {
                { centre_text(node, p.lookup_current, 1.0, 0) }
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
                  stroke-dashoffset={n1(length * (1.0 - p))} />
        });
        let marked = thin_stops(&spans);
        for (rank, (&span, &slot)) in spans.iter().zip(&lookup.replicas).enumerate() {
            let reached = total <= 0.0 || span / total <= p + 1e-9;
            let (tx, ty) = point_at(key_frac + span, WALK_R);
            let (cx, cy) = chip_at(slot).unwrap_or((tx, ty));
            let (tx, ty) = (format!("{tx:.1}"), format!("{ty:.1}"));
            let mark = marked.get(rank).copied().unwrap_or(true);
            walk_html.push(html! {
                <g class={classes!("walk-stop", reached.then_some("reached"), (rank == 0).then_some("primary"))}>
                    <line x1={tx.clone()} y1={ty.clone()} x2={n1(cx)} y2={n1(cy)} />
                    if mark {
                        <circle cx={tx.clone()} cy={ty.clone()} r="6" />
                        <text x={tx} y={ty} dy="0.35em">{ rank + 1 }</text>
                    }
                </g>
            });
        }
    } else if let Some((cx, cy)) = lookup.replicas.first().and_then(|&o| chip_at(o)) {
        let (ex, ey) = (kx + (cx - kx) * p, ky + (cy - ky) * p);
        walk_html.push(html! {
            <line class="walk straight" x1={n1(kx)} y1={n1(ky)} x2={n1(ex)} y2={n1(ey)} />
        });
    }
    html! {
        <g class="lookup-layer">
            { for walk_html }
            <line class="key-needle" x1={n1(kx2)} y1={n1(ky2)} x2={n1(kx)} y2={n1(ky)} />
            <circle class="key-mark" cx={n1(kx)} cy={n1(ky)} r="6" />
        </g>
    }
}

/// Jump hash's jumps (or hash mod N's one bucket): a stop at each bucket the key visits,
/// a hop over the rim from each to the next (always forward: clockwise), and a line from
/// the last, the key's bucket, to its server.
pub fn bucket_lookup(
    lookup: &Lookup,
    layout: &ListLayout,
    algorithm: Algorithm,
    progress: f64,
    chip_at: impl Fn(u16) -> Option<(f64, f64)>,
) -> Html {
    let path = lookup_buckets(algorithm, lookup.hash, layout.buckets);
    let middle = |b: u32| {
        let (start, end) = layout.bucket_cell(b);
        (start + end) / 2.0
    };
    let p = smooth(progress);
    let steps = path.len().max(1) as f64;
    let reached = |i: usize| (i as f64) / steps <= p + 1e-9;
    let hops = path.windows(2).enumerate().map(|(i, pair)| {
        let mut d = String::new();
        arc_path_at(&mut d, middle(pair[0]), middle(pair[1]), WALK_R);
        html! { <path class={classes!("walk", "hop", reached(i + 1).then_some("reached"))} d={d} /> }
    });
    let last = path.len().saturating_sub(1);
    let stops = path.iter().enumerate().map(|(i, &b)| {
        let (x, y) = point_at(middle(b), WALK_R);
        let line = (i == last).then(|| {
            let (cx, cy) = lookup.replicas.first().and_then(|&s| chip_at(s)).unwrap_or((x, y));
            html! { <line x1={n1(x)} y1={n1(y)} x2={n1(cx)} y2={n1(cy)} /> }
        });
        html! {
            <g class={classes!("walk-stop", reached(i).then_some("reached"), (i == last).then_some("primary"))} data-bucket={b.to_string()}>
                { for line }
                <circle cx={n1(x)} cy={n1(y)} r="6" />
            </g>
        }
    });
    html! { <g class="lookup-layer buckets-lookup">{ for hops }{ for stops }</g> }
}

/// Rendezvous: each server's score for the key as a bar from the rim inward beside its
/// chip (a faint track is the highest possible score), stopping at the keys' band so as
/// to stay clear of the words in the middle, and its score written beside the bar's
/// outer end, clockwise of it (the pair centred on the chip); the highest wins (its
/// number in bold), and the next highest are the replicas (ranked on their chips).
pub fn score_bars(
    node: &crate::algo::ring_cluster::RingNode,
    lookup: &Lookup,
    chips: &[Chip],
    progress: f64,
    small: bool,
) -> Html {
    const LENGTH: f64 = RING_R - BAND_OUTER + BAND_WIDTH - 2.0;
    let p = smooth(progress);
    let scores = rendezvous_scores(node, lookup.hash);
    let decimals = score_decimals(&scores.iter().map(|s| s.1).collect::<Vec<_>>());
    // The number's size (style.css's `.score-value`), its radius, and how far round from
    // the bar its middle sits: half its width, half the bar's and a gap.
    let font = if small { 24.0 } else { 14.0 };
    let radius = RING_R - font * 0.9;
    let bars = scores.into_iter().filter_map(|(slot, score)| {
        let chip = chips.iter().find(|c| c.slot == Some(slot))?;
        let rank = lookup.replicas.iter().position(|&r| r == slot);
        let text = score_text(score, decimals);
        let half = text.chars().count() as f64 * 0.3 * font;
        let turn = (half + font * 0.35 + 6.0) / (TAU * radius);
        // The bar and its number side by side, centred on the chip's angle: with many
        // servers a number then sits under its own server, not between two.
        let at = chip.frac - turn / 2.0;
        let (x0, y0) = point_at(at, RING_R);
        let (x1, y1) = point_at(at, RING_R - LENGTH);
        let (xs, ys) = point_at(at, RING_R - LENGTH * score * p);
        let (xt, yt) = point_at(at + turn, radius);
        let title = trf("{node}: score {score}", &[("node", &chip.name), ("score", &text)]);
        Some(html! {
            <g class={classes!("score", rank.is_some().then_some("replica"), (rank == Some(0)).then_some("winner"))}
               data-node={chip.name.clone()} data-score={format!("{score:.6}")}>
                <title>{ title }</title>
                <line class="score-track" x1={n1(x0)} y1={n1(y0)} x2={n1(x1)} y2={n1(y1)} />
                <line class="score-bar" x1={n1(x0)} y1={n1(y0)} x2={n1(xs)} y2={n1(ys)} />
                <text class="score-value" x={n1(xt)} y={n1(yt)} dy="0.35em">{ text }</text>
            </g>
        })
    });
    html! { <g class="lookup-layer scores-lookup">{ for bars }</g> }
}

/// The window of Maglev's table the stage shows: its entries, centred on the key's entry
/// (`hash mod M`) when a key was looked up, and where the window's first cell starts.
const TABLE_HALF: u32 = 2;
const TABLE_CELL: f64 = 56.0;
const TABLE_HIGH: f64 = 26.0;
const TABLE_TOP: f64 = CENTRE - 140.0;

fn table_cells(table: &[u16], lookup: Option<&Lookup>) -> (Vec<(u32, u16)>, u32, f64) {
    let (window, at) = match lookup {
        Some(l) => table_window(table, l.hash, TABLE_HALF),
        None => table_window(table, u64::from(TABLE_HALF), TABLE_HALF),
    };
    let left = CENTRE - TABLE_CELL * window.len() as f64 / 2.0;
    (window, at, left)
}

/// Maglev: a window of its lookup table, entries coloured by the server that filled
/// them; with a lookup it is centred on the key's entry (`hash mod M`), outlined. The
/// window reaches into the keys' band and must hide none of them: the stage draws these
/// cells in a layer under the keys, and their words ([`table_words`]) over them.
pub fn table_strip(table: &[u16], lookup: Option<&Lookup>, colour: impl Fn(u16) -> String) -> Html {
    if table.is_empty() {
        return Html::default();
    }
    let (window, at, left) = table_cells(table, lookup);
    let (cell, high, top) = (TABLE_CELL, TABLE_HIGH, TABLE_TOP);
    let cells = window.iter().enumerate().map(|(k, &(entry, slot))| {
        let x = left + k as f64 * cell;
        let key = lookup.is_some() && entry == at;
        html! {
            <g class={classes!("table-cell", key.then_some("key-entry"))} data-entry={entry.to_string()}>
                <rect x={n1(x)} y={n1(top)} width={n1(cell - 2.0)} height={high.to_string()} fill={colour(slot)} />
            </g>
        }
    });
    html! {
        <g class="table-strip">
            <rect class="table-back" x={n1(left - 4.0)} y={n1(top - 4.0)}
                width={n1(cell * window.len() as f64 + 6.0)} height={n1(high + 26.0)} />
            { for cells }
        </g>
    }
}

/// The words of Maglev's table window, over the keys: each entry's number (written as
/// every count on the page, "4,804") and the caption under the entries (above them it
/// reached into the keys' band). Their halos hide only the dots right under a glyph.
pub fn table_words(table: &[u16], lookup: Option<&Lookup>) -> Html {
    if table.is_empty() {
        return Html::default();
    }
    let (window, _, left) = table_cells(table, lookup);
    let numbers = window.iter().enumerate().map(|(k, &(entry, _))| {
        let x = left + k as f64 * TABLE_CELL + TABLE_CELL / 2.0 - 1.0;
        html! {
            <text class="entry-number" data-entry={entry.to_string()} x={n1(x)}
                y={n1(TABLE_TOP + TABLE_HIGH / 2.0)} dy="0.35em">{ fmt_count(u64::from(entry)) }</text>
        }
    });
    let caption = trf(
        "Maglev's lookup table: {m} entries",
        &[("m", &fmt_count(table.len() as u64))],
    );
    html! {
        <g class="table-words">
            <text class="table-caption" x={CENTRE.to_string()} y={n1(TABLE_TOP + TABLE_HIGH + 16.0)}>{ caption }</text>
            { for numbers }
        </g>
    }
}

/// From the top of the key's entry up to the rim, round the rim to its server's chip: a
/// straight line would cross the words in the middle (or, leaving the strip's bottom edge
/// far from its entry, seem to start from another entry).
pub fn table_link(
    table: &[u16],
    lookup: &Lookup,
    chip_at: impl Fn(u16) -> Option<(f64, f64)>,
) -> Option<Html> {
    if table.is_empty() {
        return None;
    }
    let (window, at, left) = table_cells(table, Some(lookup));
    let chip = chip_at(*lookup.replicas.first()?)?;
    let k = window.iter().position(|&(e, _)| e == at)? as f64;
    let x = left + k * TABLE_CELL + TABLE_CELL / 2.0 - 1.0;
    Some(html! {
        <g class="lookup-layer table-link-layer">
            <path class="walk straight table-link" d={table_link_path((x, TABLE_TOP), chip)} />
        </g>
    })
}
