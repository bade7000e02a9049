//! The invariant panel: each safety property green or red; a violation shows its step and
//! a button that jumps there.
use super::model::Msg;
use crate::i18n::{tr, trf};
use crate::sim::run::InvariantView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantProps {
    pub invariants: Vec<InvariantView>,
    pub compact: bool,
    pub on_msg: Callback<Msg>,
}

#[function_component(InvariantPanel)]
pub fn invariant_panel(p: &InvariantProps) -> Html {
    let items = p.invariants.iter().map(|inv| {
        let ok = inv.violation.is_none();
        let detail = inv.violation.as_ref().map(|v| {
            let step = v.step;
            let on_msg = p.on_msg.clone();
            let jump = Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Seek(step)));
            html! {
                <div class="violation-detail">
                    <span>{ trf("violated at step {n} ({time}): {why}", &[("n", &v.step), ("time", &v.time), ("why", &v.message)]) }</span>
                    <button class="jump" onclick={jump}
                        aria-label={trf("Jump to step {n}, where {name} was violated", &[("n", &step), ("name", &tr(inv.name))])}>
                        { trf("Jump to step {n}", &[("n", &step)]) }
                    </button>
                </div>
            }
        });
        html! {
            <li class={classes!("invariant", if ok { "ok" } else { "violated" })} title={tr(inv.description)}
                data-invariant={inv.name}>
                <span class="light" aria-hidden="true">{ if ok { "✓" } else { "✗" } }</span>
                <span class="inv-name">{ tr(inv.name) }</span>
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
        <section class={classes!("invariants", p.compact.then_some("compact"))} aria-label={tr("Safety invariants")}>
            if !p.compact { <h2>{ tr("Invariants") }</h2> }

            <ul>{ for items }</ul>
        </section>
    }
}
