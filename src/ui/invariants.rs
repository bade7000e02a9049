//! The invariant panel: each safety property green or red; a violation shows its step and
//! a button that jumps there.
use super::model::Msg;
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
                    <span>{ format!("violated at step {} ({}): {}", v.step, v.time, v.message) }</span>
                    <button class="jump" onclick={jump} aria-label={format!("Jump to step {step}, where {} was violated", inv.name)}>{ format!("Jump to step {step}") }</button>
                </div>
            }
        });
        html! {
            <li class={classes!("invariant", if ok { "ok" } else { "violated" })} title={inv.description}
                data-invariant={inv.name}>
                <span class="light" aria-hidden="true">{ if ok { "✓" } else { "✗" } }</span>
                <span class="inv-name">{ inv.name }</span>
                <span class="visually-hidden">{ if ok { " holds" } else { " violated" } }</span>
                if !p.compact {
                    <span class="inv-desc">{ inv.description }</span>
                }
                { for detail }
            </li>
        }
    });
    html! {
        <section class={classes!("invariants", p.compact.then_some("compact"))} aria-label="Safety invariants">
            if !p.compact { <h2>{ "Invariants" }</h2> }
            <ul>{ for items }</ul>
        </section>
    }
}
