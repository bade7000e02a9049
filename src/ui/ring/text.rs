//! The words on the ring: the title of the last change, the text in the middle of the ring
//! and the readout of loads.
use super::geometry::*;
use super::words::{centre_lines, change_title};
use crate::algo::ring_cluster::{Algorithm, ChangeKind, RingNode};
use crate::i18n::{tr, trf};
use yew::prelude::*;

/// A message as a sentence: a capital first letter and a full stop (a Chinese one after
/// Chinese text).
pub fn capitalise(text: &str) -> String {
    let stop = if text.chars().last().is_some_and(|c| !c.is_ascii()) {
        "。"
    } else {
        "."
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str() + stop,
        None => String::new(),
    }
}

/// The text in the middle of the figure ([`centre_lines`]), drawn `scale` times larger
/// about the centre in a small drawing, each line fitted inside the keys' band.
pub fn centre_text(node: &RingNode, lookup_current: bool, scale: f64, cut: usize) -> Html {
    let lines = centre_lines(node, lookup_current, scale, cut).into_iter().map(|l| {
        html! { <text class={classes!("centre-line", l.class)} x={CENTRE.to_string()} y={(CENTRE + l.y).to_string()}>{ l.text }</text> }
    });
    html! { <g class="centre" aria-hidden="true">{ for lines }</g> }
}

/// "keys moved: X of K" beside the ideal K/N and what hash mod N would have moved. An embed
/// (`compact`) has no membership controls, so before any change it does not offer them.
pub fn readout(node: &RingNode, compact: bool) -> Html {
    let keys = u64::from(node.key_count());
    let algorithm = node.config().algorithm;
    let Some(change) = node.last_change() else {
        return html! {
            <div class="ring-readout" id="ring-readout">
                <p class="moved" id="moved-count" data-moved="0" data-keys={keys.to_string()}>
                    { trf(if compact { "{keys} keys on {nodes} nodes ({algorithm}). No membership change yet." }
                          else { "{keys} keys on {nodes} nodes ({algorithm}). No membership change yet: add, remove or fail a node." },
                        &[("keys", &fmt_count(keys)), ("nodes", &node.ring().node_count()), ("algorithm", &tr(algorithm.label()))]) }
                </p>
            </div>
        };
    };
    let moved = change.moves.len() as u64;
    let ideal = change.ideal_moves.round() as u64;
    let bar = |id: &'static str, label: String, value: u64, class: &'static str| {
        let width = if keys == 0 {
            0.0
        } else {
            value as f64 / keys as f64 * 100.0
        };
        html! {
            <div class={classes!("bar-row", class)} id={id}>
                <span class="bar-label">{ label }</span>
                <span class="bar-track"><span class="bar-fill" style={format!("width:{width:.1}%")}></span></span>
                <span class="bar-value">{ fmt_count(value) }</span>
            </div>
        }
    };
    let this = if algorithm == Algorithm::Ring {
        tr("the ring").to_string()
    } else {
        tr(algorithm.label()).to_string()
    };
    let failure_note = (change.kind == ChangeKind::Fail).then(|| {
        let r = node.config().replicas;
        let text = if r <= 1 {
            tr("With R = 1 these keys had no other copy: their data is lost until it is restored.")
                .to_string()
        } else if algorithm == Algorithm::Rendezvous {
            trf(
                "Each still has {n} other copies on the servers with the next-highest scores, which take over.",
                &[("n", &(r - 1))],
            )
        } else if !algorithm.uses_ring() {
            trf(
                "This scene keeps replicas only on the ring and with rendezvous: {algorithm} places these keys again over the servers left.",
                &[("algorithm", &tr(algorithm.label()))],
            )
        } else if r == 2 {
            tr("Each still has 1 other copy on the next node clockwise, which takes over.")
                .to_string()
        } else {
            trf(
                "Each still has {n} other copies on the next nodes clockwise, which take over.",
                &[("n", &(r - 1))],
            )
        };
        html! { <p class="failure-note">{ text }</p> }
    });
    // Jump hash's buckets are positions: a server that was not last renumbers the rest.
    let jump_note = (change.renumbered > 0).then(|| {
        let others = change
            .moves
            .iter()
            .filter(|m| m.from != change.slot && m.to != change.slot)
            .count();
        html! {
            <p class="failure-note" id="jump-note">
                { trf("Jump hash numbers buckets in join order and only adds or removes them cleanly at the end: {node} was not the last server, so the {n} servers after it were renumbered and {others} keys moved between them.",
                    &[("node", &change.node), ("n", &change.renumbered), ("others", &fmt_count(others as u64))]) }
            </p>
        }
    });
    // Hash mod N's failure, said where it happens: N changed, every bucket number with it.
    let modulo_note = super::words::modulo_note(node)
        .map(|text| html! { <p class="failure-note" id="modulo-note">{ text }</p> });
    html! {
        <div class="ring-readout" id="ring-readout">
            <p class="change-title">{ change_title(change) }</p>
            <p class="moved" id="moved-count" data-moved={moved.to_string()} data-keys={keys.to_string()}
               data-modulo={change.modulo_moves.to_string()} data-ideal={ideal.to_string()}>
                { tr("keys moved:") }{ " " }<strong>{ fmt_count(moved) }</strong>{ " " }{ trf("of {n}", &[("n", &fmt_count(keys))]) }

            </p>
            <div class="bars">
                { bar("bar-this", this, moved, "this") }
                { bar("bar-ideal", tr("ideal K/N").into(), ideal, "ideal") }
                if algorithm != Algorithm::Ring {
                    { bar("bar-ring", tr("the ring").into(), change.ring_moves, "ring") }
                }
                if algorithm != Algorithm::Modulo {
                    { bar("bar-modulo", tr(Algorithm::Modulo.label()).into(), change.modulo_moves, "modulo") }

                }
            </div>
            { for failure_note }
            { for jump_note }
            { for modulo_note }
        </div>
    }
}

// ---------------------------------------------------------------------------------------
