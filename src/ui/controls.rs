//! Play/pause, step, scrubber, speed and seed. Every control has an accessible label.
use super::model::{step_status, Msg, SPEEDS};
use crate::i18n::{tr, trf};
use crate::sim::Time;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Inline icons: symbol fonts are not everywhere (headless Chromium has none of ⏮ ⏭).
fn icon(path: &'static str) -> Html {
    html! { <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path d={path} /></svg> }
}
const ICON_BACK: &str = "M3 3h2v10H3zM14 3v10L6 8z";
const ICON_FORWARD: &str = "M11 3h2v10h-2zM2 3v10l8-5z";
const ICON_PLAY: &str = "M4 2v12l10-6z";
const ICON_PAUSE: &str = "M3 2h4v12H3zM9 2h4v12H9z";

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub cursor: u64,
    pub horizon: u64,
    pub finished: bool,
    pub playing: bool,
    pub speed: usize,
    pub seed: u64,
    pub time: Time,
    pub compact: bool,
    pub on_msg: Callback<Msg>,
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let emit = |make: fn() -> Msg| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(make()))
    };
    let on_scrub = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(step) = input.value().parse::<u64>() {
                on_msg.emit(Msg::Seek(step));
            }
        })
    };
    let on_speed = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                on_msg.emit(Msg::Speed(i));
            }
        })
    };
    let seed_error = use_state(|| None::<String>);
    let on_seed = {
        let on_msg = p.on_msg.clone();
        let seed_error = seed_error.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(seed) => {
                    seed_error.set(None);
                    on_msg.emit(Msg::Seed(seed));
                }
                Err(_) => seed_error.set(Some(trf(
                    "A seed is a whole number from 0 to {max}; \"{text}\" is not.",
                    &[
                        ("max", &u64::MAX),
                        ("text", &input.value().chars().take(30).collect::<String>()),
                    ],
                ))),
            }
        })
    };
    // The total only once the run has ended: before, it is how far the run has been
    // computed, which grows as it plays (`step_status`).
    let (status, status_title) = step_status(p.cursor, p.horizon, p.finished, p.time);
    let on_step = {
        let on_msg = p.on_msg.clone();
        Callback::from(move |e: MouseEvent| {
            on_msg.emit(if e.shift_key() {
                Msg::StepOne
            } else {
                Msg::StepForward
            })
        })
    };
    html! {
        <div class={classes!("controls", p.compact.then_some("compact"))} role="group" aria-label={tr("Playback controls")}>
            <button id="step-back" onclick={emit(|| Msg::StepBack)} disabled={p.cursor == 0}
                aria-label={tr("Step back (left arrow)")} title={tr("Step back (←)")}>{ icon(ICON_BACK) }</button>
            <button id="play" class="primary" onclick={emit(|| Msg::TogglePlay)}
                aria-label={if p.playing { tr("Pause (space)") } else { tr("Play (space)") }}
                aria-pressed={if p.playing { "true" } else { "false" }}
                title={tr("Play / pause (space)")}>{ icon(if p.playing { ICON_PAUSE } else { ICON_PLAY }) }</button>
            <button id="step-forward" onclick={on_step} disabled={p.finished && p.cursor >= p.horizon}
                aria-label={tr("Step to the next change on the stage (right arrow; with Shift, exactly one step)")}
                title={tr("Next change (→) · one step: Shift+→ or Shift+click")}>{ icon(ICON_FORWARD) }</button>
            <input id="scrubber" class="scrubber" type="range" min="0" max={p.horizon.to_string()}
                value={p.cursor.to_string()} oninput={on_scrub} aria-label={tr("Scrub through the run: step")}
                aria-valuetext={status.clone()} />
            <output id="step-status" class="status" aria-live="off" title={status_title}>{ status }</output>
            if !p.compact {
                <label class="speed">
                    <span>{ tr("Speed") }</span>
                    <select id="speed" onchange={on_speed} aria-label={tr("Playback speed")}>
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == p.speed}>{ tr(s.label) }</option>
                        }) }
                    </select>
                </label>
                <label class="seed">
                    <span>{ tr("Seed") }</span>
                    <input id="seed" type="text" inputmode="numeric" value={p.seed.to_string()} onchange={on_seed}
                        aria-label={tr("Seed of the run")} aria-invalid={if seed_error.is_some() { "true" } else { "false" }} />
                </label>
                <button id="new-seed" onclick={emit(|| Msg::NewSeed)} aria-label={tr("Start a run with a new random seed")}>{ tr("New seed") }</button>

                if let Some(err) = &*seed_error {
                    <span class="field-error" role="alert">{ err }</span>
                }
            }
        </div>
    }
}
