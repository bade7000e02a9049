//! The ring's controls: the moved-keys counter, the forms (look up a key, add a node,
//! change a node) and the algorithm picker.
use super::panel::Histogram;
use super::text::*;
use crate::algo::ring_cluster::{key_problem, Algorithm, Cmd, MAX_WEIGHT};
use crate::i18n::{tr, trf};
use crate::scene::ring::{join_refusal_words, rejection_words, RingView};
use crate::ui::model::Msg;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub node: RingView,
    pub compact: bool,
    /// The histogram's animation progress (see [`Histogram`]).
    pub hist_progress: f64,
    pub picked: Option<String>,
    pub on_pick: Callback<Option<String>>,
    pub on_msg: Callback<Msg>,
}

/// The counter, the forms (look up a key, add a node, change a node) and the algorithm.
#[function_component(RingControls)]
pub fn ring_controls(p: &ControlsProps) -> Html {
    let node = &p.node.0;
    let config = node.config();
    let key_input = use_node_ref();
    let join_name = use_node_ref();
    let join_weight = use_node_ref();
    let key_error = use_state(|| None::<String>);
    let join_error = use_state(|| None::<String>);
    let act = {
        let on_msg = p.on_msg.clone();
        move |cmd: Cmd| on_msg.emit(Msg::Act(format!("cmd:0:{cmd}")))
    };
    let on_lookup = {
        let key_input = key_input.clone();
        let key_error = key_error.clone();
        let act = act.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let key = key_input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match key_problem(&key) {
                Ok(()) => {
                    key_error.set(None);
                    act(Cmd::Lookup { key });
                }
                Err(e) => key_error.set(Some(capitalise(&crate::i18n::line(&e)))),
            }
        })
    };
    // The name a join would accept, or (a full ring) why none would.
    let suggested = match node.join_suggestion() {
        Ok(name) => name,
        Err(refusal) => capitalise(&join_refusal_words(&refusal)),
    };
    let live_names: Vec<String> = node.live_nodes().map(|(_, n)| n.name.clone()).collect();
    let failed_names: Vec<String> = node.failed().iter().map(|n| n.name.clone()).collect();
    let on_join = {
        let join_name = join_name.clone();
        let join_weight = join_weight.clone();
        let join_error = join_error.clone();
        let act = act.clone();
        let cluster = node.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // An empty field takes the suggested name shown as its placeholder.
            let typed = join_name
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let weight = join_weight
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u32>().ok())
                .unwrap_or(1);
            // The ring's own check: the form refuses exactly what the join would.
            match cluster.join_from_form(&typed, weight) {
                Err(refusal) => join_error.set(Some(capitalise(&join_refusal_words(&refusal)))),
                Ok(cmd) => {
                    join_error.set(None);
                    if let Some(input) = join_name.cast::<HtmlInputElement>() {
                        input.set_value("");
                    }
                    act(cmd);
                }
            }
        })
    };
    let chosen = p
        .picked
        .clone()
        .filter(|n| live_names.contains(n) || failed_names.contains(n));
    let on_pick = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            on_pick.emit((!value.is_empty()).then_some(value));
        })
    };
    let chosen_live = chosen.as_ref().filter(|n| live_names.contains(n)).cloned();
    let chosen_failed = chosen
        .as_ref()
        .filter(|n| failed_names.contains(n))
        .cloned();
    let chosen_weight = chosen_live
        .as_ref()
        .and_then(|n| node.ring().index_of(n))
        .and_then(|i| node.ring().node(i))
        .map_or(1, |n| n.weight);
    // Jump hash can only remove its last bucket cleanly: say so before a person removes
    // another server (the ring's list order is the algorithm's bucket order).
    let jump_hint = chosen_live
        .as_ref()
        .filter(|_| config.algorithm == Algorithm::Jump)
        .and_then(|name| {
            let order = node.list_order();
            let at = order
                .iter()
                .position(|&s| node.node_name(s) == Some(name.as_str()))?;
            let after = order.len() - at - 1;
            let last = node.node_name(*order.last()?)?;
            (after > 0).then(|| {
                trf(
                    "Jump hash can only remove its last bucket cleanly ({last}): removing {node} renumbers the {n} servers after it, and keys move between them.",
                    &[("last", &last), ("node", name), ("n", &after)],
                )
            })
        });
    let button = |id: &'static str, label: &str, cmd: Option<Cmd>| {
        let act = act.clone();
        let disabled = cmd.is_none();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(cmd) = cmd.clone() {
                act(cmd);
            }
        });
        html! { <button type="button" id={id} {disabled} {onclick}>{ label }</button> }
    };
    let on_weight = {
        let act = act.clone();
        let name = chosen_live.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let (Some(name), Ok(weight)) = (name.clone(), select.value().parse::<u32>()) {
                act(Cmd::Weight { name, weight });
            }
        })
    };
    let on_algorithm = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_msg.emit(Msg::Param("algo".into(), select.value()));
        })
    };
    let weights = |selected: u32| {
        (1..=MAX_WEIGHT)
            .map(|w| html! { <option value={w.to_string()} selected={w == selected}>{ trf("weight {w}", &[("w", &w)]) }</option> })
            .collect::<Html>()
    };
    let example_key = if node.key_count() > 0 {
        node.key_name(node.key_count() / 3)
    } else {
        "user:42".into()
    };
    let rejection = node
        .rejection()
        .filter(|r| r.handled_at == node.handled())
        .map(|r| {
            html! {
                <p class="ring-rejection" id="ring-rejection" role="alert">
                    { rejection_words(r) }
                </p>
            }
        });
    let lookup_form = html! {
        <form class="ring-form" id="lookup-form" onsubmit={on_lookup}>
            <label for="lookup-key">{ tr("Find a key's owner") }</label>
            <div class="row">
                <input id="lookup-key" ref={key_input} type="text" autocomplete="off" spellcheck="false"
                    placeholder={trf("e.g. {key} or user:42", &[("key", &example_key)])}
                    aria-invalid={key_error.is_some().then_some("true")}
                    aria-describedby="lookup-error" />
                <button id="lookup-go" type="submit" class="primary">{ tr("Look up") }</button>
            </div>
            <p class="field-error" id="lookup-error" role="alert">{ (*key_error).clone().unwrap_or_default() }</p>
        </form>
    };
    if p.compact {
        return html! {
            <div class="ring-side">
                { readout(node, true) }
                { for rejection }
                { lookup_form }
                <Histogram node={p.node.clone()} progress={p.hist_progress} compact=true />
            </div>
        };
    }
    html! {
        <div class="ring-side">
            { readout(node, false) }
            { for rejection }
            { lookup_form }
            // The suggested name is a placeholder, not a value: a value would be written
            // back on every re-render, over what the person is typing.
            <form class="ring-form" id="join-form" onsubmit={on_join}>
                <label for="join-name">{ tr("Add a node") }</label>
                <div class="row">
                    <input id="join-name" ref={join_name} type="text" autocomplete="off" spellcheck="false"
                        placeholder={suggested} aria-describedby="join-error"
                        aria-invalid={join_error.is_some().then_some("true")} />
                    <select id="join-weight" ref={join_weight} aria-label={tr("Weight of the new node")}>{ weights(1) }</select>
                    <button id="join-go" type="submit">{ tr("Add") }</button>
                </div>
                <p class="field-error" id="join-error" role="alert">{ (*join_error).clone().unwrap_or_default() }</p>
            </form>
            <div class="ring-form" id="node-form">
                <label for="node-pick">{ tr("Change a node") }</label>
                <div class="row">
                    <select id="node-pick" onchange={on_pick} aria-label={tr("The node to change")}>
                        <option value="" selected={chosen.is_none()}>{ tr("choose a node (or click one)") }</option>
                        { for live_names.iter().map(|n| html! { <option value={n.clone()} selected={chosen.as_ref() == Some(n)}>{ n }</option> }) }
                        { for failed_names.iter().map(|n| html! { <option value={n.clone()} selected={chosen.as_ref() == Some(n)}>{ trf("{node} (failed)", &[("node", n)]) }</option> }) }
                    </select>
                    if chosen_failed.is_some() {
                        { button("node-recover", tr("Recover"), chosen_failed.clone().map(|name| Cmd::Recover { name })) }
                    } else {
                        { button("node-leave", tr("Remove"), chosen_live.clone().map(|name| Cmd::Leave { name })) }
                        { button("node-fail", tr("Fail"), chosen_live.clone().map(|name| Cmd::Fail { name })) }
                        <select id="node-weight" aria-label={tr("Weight of the chosen node")} disabled={chosen_live.is_none()} onchange={on_weight}>
                            { weights(chosen_weight) }
                        </select>
                    }
                </div>
                if let Some(hint) = jump_hint {
                    <p class="field-hint muted small" id="node-hint">{ hint }</p>
                }
            </div>
            <label class="algo-pick">
                <span>{ tr("Algorithm") }</span>
                <select id="ring-algo" onchange={on_algorithm} aria-label={tr("Placement algorithm (starts a new run)")}>
                    { for Algorithm::ALL.iter().map(|a| html! {
                        <option value={a.slug()} selected={*a == config.algorithm}>{ tr(a.label()) }</option>

                    }) }
                </select>
            </label>
        </div>
    }
}
