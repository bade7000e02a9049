//! The invariant panel: each safety property green or red; a violation shows its step and
//! a button that jumps there.
use super::model::Msg;
use crate::i18n::{line, tr, trf};
use crate::sim::run::InvariantView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantProps {
    pub invariants: Vec<InvariantView>,
    pub compact: bool,
    /// An embed whose stage shares its height with a tour: the properties that hold are
    /// lights with their count, on one line, as in a crowded embed.
    pub tight: bool,
    pub on_msg: Callback<Msg>,
}

/// Names wider than this in all (in Latin characters; a Chinese character is about two)
/// do not fit an embed's bar in two rows.
const CROWDED_NAMES_CHARS: usize = 140;

#[function_component(InvariantPanel)]
pub fn invariant_panel(p: &InvariantProps) -> Html {
    // An embed keeps a violation to one line (the stage keeps its room): the broken
    // property and its step as a button that jumps there, the reason folded under "why?",
    // and the properties that hold as lights whose names are read on hover. An embed of a
    // scene with many properties (names that would take more than about two rows under a
    // 720 px stage, as the balance scene's eight) shows them that way too, with their count.
    let violated = p.invariants.iter().any(|i| i.violation.is_some());
    let names_len: usize = p
        .invariants
        .iter()
        .flat_map(|i| tr(i.name).chars())
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    let one_line = p.compact && (violated || p.tight || names_len > CROWDED_NAMES_CHARS);
    // On one line, only the first property broken (the earliest step: the others followed
    // from it) is named; the others are red lights whose names are read on hover, as the
    // green ones. Two named badges cut each other to a word apiece ("agree…", "chosen
    // val…") and pushed the link to the full app onto a line the stage needed.
    let first_broken = p
        .invariants
        .iter()
        .filter_map(|i| i.violation.as_ref().map(|v| (v.step, i.name)))
        .min_by_key(|(step, _)| *step)
        .map(|(_, name)| name);
    let items = p.invariants.iter().map(|inv| {
        let ok = inv.violation.is_none();
        let named = !one_line || first_broken == Some(inv.name);
        let jump_to = |step: u64| {
            let on_msg = p.on_msg.clone();
            Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Seek(step)))
        };
        let detail = inv.violation.as_ref().filter(|_| named).map(|v| {
            let jump_label = trf("Jump to step {n}, where {name} was violated", &[("n", &v.step), ("name", &tr(inv.name))]);
            if one_line {
                return html! {
                    <>
                        <button class="inv-badge" onclick={jump_to(v.step)} aria-label={jump_label}>
                            // "violated" stays at every width: without it a narrow
                            // frame's badge read as if the property held.
                            { badge_words("{name} violated at step {n}", inv.name, v.step) }
                        </button>
                        <details class="inv-why">
                            <summary>{ tr("why?") }</summary>
                            <p>{ trf("violated at step {n} ({time}): {why}", &[("n", &v.step), ("time", &v.time), ("why", &line(&v.message))]) }</p>
                        </details>
                    </>
                };
            }
            html! {
                <div class="violation-detail">
                    <span>{ trf("violated at step {n} ({time}): {why}", &[("n", &v.step), ("time", &v.time), ("why", &line(&v.message))]) }</span>
                    <button class="jump" onclick={jump_to(v.step)} aria-label={jump_label}>
                        { trf("Jump to step {n}", &[("n", &v.step)]) }
                    </button>
                </div>
            }
        });
        let name_shown = !one_line;
        html! {
            <li class={classes!("invariant", if ok { "ok" } else { "violated" })}
                title={if one_line && (ok || !named) { format!("{}: {}", tr(inv.name), tr(inv.description)) } else { tr(inv.description).to_string() }}
                data-invariant={inv.name}>
                <span class="light" aria-hidden="true">{ if ok { "✓" } else { "✗" } }</span>
                if name_shown {
                    <span class="inv-name">{ tr(inv.name) }</span>
                } else if ok || !named {
                    <span class="visually-hidden">{ tr(inv.name) }</span>
                }
                <span class="visually-hidden">{ format!(" {}", if ok { tr("holds") } else { tr("violated") }) }
</span>
                if !p.compact {
                    <span class="inv-desc">{ tr(inv.description) }</span>
                }
                { for detail }
            </li>
        }
    });
    html! {
        <section class={classes!("invariants", p.compact.then_some("compact"), one_line.then_some("one-line"))} aria-label={tr("Safety invariants")}>
            if !p.compact { <h2>{ tr("Invariants") }</h2> }

            <ul>
                if one_line && !violated {
                    <li class="inv-count">{ trf("{n} invariants hold", &[("n", &p.invariants.len())]) }</li>
                }
                { for items }
            </ul>
        </section>
    }
}

/// A broken property's badge words, with the property's name in a span of its own: where
/// the bar is short of room, the name is cut ("single ho… at step 37") and the step, which
/// the button jumps to, stays whole. The words around the name are the template's, in the
/// page's language, so a Chinese badge keeps its own order.
fn badge_words(template: &'static str, name: &'static str, step: u64) -> Html {
    let name = tr(name);
    let words = trf(template, &[("name", &name), ("n", &step)]);
    let Some(at) = words.find(name) else {
        return html! { { words } };
    };
    let (before, rest) = words.split_at(at);
    let after = &rest[name.len()..];
    html! {
        <>
            if !before.is_empty() { <span class="inv-badge-step">{ before }</span> }
            <span class="inv-badge-name">{ name }</span>
            if !after.is_empty() { <span class="inv-badge-step">{ after }</span> }
        </>
    }
}
