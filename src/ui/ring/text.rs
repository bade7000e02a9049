//! The words on the ring: the title of the last change, the text in the middle of the ring
//! and the readout of loads.
use super::geometry::*;
use crate::algo::ring_cluster::{Algorithm, Change, ChangeKind, RingNode};
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
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + stop,
        None => String::new(),
    }
}

pub fn change_title(change: &Change) -> String {
    match change.kind {
        ChangeKind::Join => trf("{node} joined", &[("node", &change.node)]),
        ChangeKind::Leave => trf("{node} left", &[("node", &change.node)]),
        ChangeKind::Fail => trf("{node} failed", &[("node", &change.node)]),
        ChangeKind::Recover => trf("{node} recovered", &[("node", &change.node)]),
        ChangeKind::Weight { from, to } => trf(
            "{node}: weight {from} → {to}",
            &[("node", &change.node), ("from", &from), ("to", &to)],
        ),
    }
}

/// How much of a looked-up key the middle of the ring shows, full size and scaled up for a
/// small drawing (where it must stay inside the band of keys).
pub const KEY_CHARS: usize = 22;
pub const KEY_CHARS_COMPACT: usize = 12;

/// The text in the middle of the ring: the latest lookup, else the latest change, else a
/// summary, with at most `key_chars` characters of a key.
pub fn centre_text(node: &RingNode, lookup_current: bool, key_chars: usize) -> Html {
    let line = |y: f64, class: &'static str, text: String| {
        html! { <text class={classes!("centre-line", class)} x={CENTRE.to_string()} y={(CENTRE + y).to_string()}>{ text }</text> }
    };
    let lookup_newer = match (node.lookup(), node.last_change()) {
        (Some(l), Some(c)) => l.handled_at > c.handled_at,
        (Some(_), None) => true,
        _ => false,
    };
    let mut lines = Vec::new();
    if let (true, Some(l)) = (lookup_newer || lookup_current, node.lookup()) {
        let owner = l
            .replicas
            .first()
            .and_then(|s| node.node_name(*s))
            .unwrap_or("?");
        let key: String = l.key.chars().take(key_chars).collect();
        lines.push(line(-44.0, "small", tr("key").into()));
        lines.push(line(-20.0, "key", key));
        lines.push(line(
            4.0,
            "small",
            trf("hash {hash}", &[("hash", &format!("{:016x}", l.hash))]),
        ));
        lines.push(line(34.0, "big", format!("→ {owner}")));
        if l.replicas.len() > 1 {
            let rest: Vec<&str> = l.replicas[1..]
                .iter()
                .filter_map(|s| node.node_name(*s))
                .collect();
            lines.push(line(
                58.0,
                "small",
                trf("replicas: {nodes}", &[("nodes", &rest.join(", "))]),
            ));
        }
    } else if let Some(c) = node.last_change() {
        lines.push(line(-40.0, "small", change_title(c)));
        lines.push(line(0.0, "big", fmt_count(c.moves.len() as u64)));
        lines.push(line(
            24.0,
            "small",
            trf(
                "of {n} keys moved",
                &[("n", &fmt_count(node.key_count().into()))],
            ),
        ));
        lines.push(line(
            46.0,
            "small",
            trf(
                "ideal ≈ {n}",
                &[("n", &fmt_count(c.ideal_moves.round() as u64))],
            ),
        ));
    } else {
        lines.push(line(-18.0, "big", fmt_count(node.key_count().into())));
        lines.push(line(6.0, "small", tr("keys").into()));
        // Points only for the ring-based algorithms: the others have none.
        lines.push(line(30.0, "small", super::words::size_line(node)));
    }
    html! { <g class="centre" aria-hidden="true">{ for lines }</g> }
}

/// "keys moved: X of K" beside the ideal K/N and what hash mod N would have moved.
pub fn readout(node: &RingNode) -> Html {
    let keys = u64::from(node.key_count());
    let algorithm = node.config().algorithm;
    let Some(change) = node.last_change() else {
        return html! {
            <div class="ring-readout" id="ring-readout">
                <p class="moved" id="moved-count" data-moved="0" data-keys={keys.to_string()}>
                    { trf("{keys} keys on {nodes} nodes ({algorithm}). No membership change yet: add, remove or fail a node.",
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
        </div>
    }
}

// ---------------------------------------------------------------------------------------
