//! The scene's own controls: its parameters (drawn from the scene's field list) and its
//! ready-made scenarios. Changing a parameter starts a new run.
use super::model::Msg;
use crate::i18n::{tr, trf};
use crate::scene::fields::{per_node_count, with_node_choice};
use crate::scene::{FieldKind, SceneId};
use crate::sim::sorted::SortedMap;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenePanelProps {
    pub scene: SceneId,
    pub params: SortedMap<String, String>,
    /// The scenario the run came from.
    pub scenario: Option<String>,
    pub on_msg: Callback<Msg>,
}

#[function_component(ScenePanel)]
pub fn scene_panel(p: &ScenePanelProps) -> Html {
    let set = |key: &'static str| {
        let on_msg = p.on_msg.clone();
        move |value: String| on_msg.emit(Msg::Param(key.to_string(), value))
    };
    let all_fields = p.scene.def().fields();
    let fields = all_fields.iter().map(|field| {
        let current = p.params.get(field.key).cloned().unwrap_or_else(|| field.default.to_string());
        let id = format!("param-{}", field.key);
        let control = match field.kind {
            FieldKind::Number { min, max } => {
                let set = set(field.key);
                let onchange = Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    set(input.value());
                });
                html! { <input id={id.clone()} type="number" min={min.to_string()} max={max.to_string()} value={current} {onchange} /> }
            }
            FieldKind::Flag => {
                let set = set(field.key);
                let checked = current == "1";
                let onchange = Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    set(if input.checked() { "1".into() } else { "0".into() });
                });
                html! { <input id={id.clone()} type="checkbox" {checked} {onchange} /> }
            }
            FieldKind::Choice(options) => {
                let set = set(field.key);
                let onchange = Callback::from(move |e: Event| {
                    let select: HtmlSelectElement = e.target_unchecked_into();
                    set(select.value());
                });
                html! {
                    <select id={id.clone()} {onchange}>
                        { for options.iter().map(|(value, label)| html! { <option value={*value} selected={current == *value}>{ tr(label) }</option> }) }
                    </select>
                }
            }
            FieldKind::PerNode { count_key, count_default, first_label, options } => {
                let count = per_node_count(&all_fields, &p.params, count_key, count_default);
                let letters: Vec<char> = current.chars().collect();
                let selects = (0..count).map(|i| {
                    let letter = letters.get(i).copied().unwrap_or(options[0].0);
                    let set = set(field.key);
                    let current = current.clone();
                    let default_letter = options[0].0;
                    let onchange = Callback::from(move |e: Event| {
                        let select: HtmlSelectElement = e.target_unchecked_into();
                        let chosen = select.value().chars().next().unwrap_or(default_letter);
                        set(with_node_choice(&current, count, i, chosen, default_letter));
                    });
                    html! {
                        <label class="per-node">
                            <span>{ format!("{first_label}{}", i + 1) }</span>
                            <select id={format!("{id}-{}", i + 1)} {onchange} aria-label={trf("{field} for {node}", &[("field", &tr(field.label)), ("node", &format!("{first_label}{}", i + 1))])}>
                                { for options.iter().map(|(c, label)| html! { <option value={c.to_string()} selected={letter == *c}>{ tr(label) }</option> }) }
                            </select>
                        </label>
                    }
                });
                html! { <div class="per-node-row" id={id.clone()}>{ for selects }</div> }
            }
        };
        html! {
            <div class="field">
                <label for={id.clone()} title={tr(field.help)}>{ tr(field.label) }</label>
                { control }
            </div>
        }
    });
    let all = p.scene.def().scenarios();
    let active = all.iter().find(|s| p.scenario.as_deref() == Some(s.id));
    let scenarios = all.iter().map(|s| {
        let on_msg = p.on_msg.clone();
        let id = s.id.to_string();
        let onclick = Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Scenario(id.clone())));
        let current = p.scenario.as_deref() == Some(s.id);
        html! {
            <li><button class={classes!("scenario", current.then_some("current"))} id={format!("scenario-{}", s.id)} {onclick}
                title={tr(s.description)} aria-pressed={if current { "true" } else { "false" }}>{ tr(s.title) }</button></li>
        }
    });
    html! {
        <section class="scene-panel" aria-label={tr("Scene settings")}>
            <h2>{ tr(p.scene.title()) }</h2>
            <p class="blurb">{ tr(p.scene.def().blurb()) }</p>
            <details open=true>
                <summary>{ tr("Scenarios") }</summary>
                <ul class="scenarios">{ for scenarios }</ul>
                if let Some(s) = active {
                    <p class="scenario-desc" id="scenario-description">{ tr(s.description) }</p>
                }
            </details>
            <details>
                <summary>{ tr("Parameters") }</summary>

                <div class="fields">{ for fields }</div>
            </details>
        </section>
    }
}
