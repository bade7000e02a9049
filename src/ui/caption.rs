//! The caption of the current step: the sentence that says what the step did and why, the
//! main teaching text on the stage. It is never cut without a way to read the rest:
//! - it has a room of a fixed number of lines (`--caption-lines` in `shell.css`: four on
//!   the full page and on a phone, three embedded); a longer sentence ends its last line
//!   with "…" and a **more** button (a real button, so keys and screen readers reach it)
//!   that opens the whole text over the top of the stage, without moving the stage; a new
//!   step's caption starts closed again, and Escape closes it;
//! - the room is the same at every step, whatever the sentence: the stage under it never
//!   moves while the reader steps;
//! - in an embedded tour, the stop's explanation is the caption of the stop's step (the tour
//!   bar is then one line, `teach.rs`): one room and one "more" for both, so that a 720×460
//!   frame keeps the stage's labels at 11 px.
//!
//! Why a fixed room. A learner steps through a run watching the nodes and reading the
//! caption in turn; what calms that is that both stay where the eye left them. The room was
//! once as tall as the longest caption drawn so far at a width: the stage then jumped (and
//! the nodes moved from under the pointer) the first time a longer sentence came, in the
//! middle of the run, where the learner looks hardest. The other ways were weighed:
//! - a room as tall as the run's longest caption, reserved up front: the run is computed
//!   ahead only so far (`scene::LOOKAHEAD`), so a later, longer caption would still move the
//!   stage; a fault or a command computes a new run with other captions; and the line count
//!   of a sentence is only known from the DOM at a width, so the room would be guessed from
//!   a character count that fonts and Chinese text make wrong either way;
//! - a caption laid over the top of the stage: it would cover what the stage draws there
//!   (Raft's top server and its vote tally, for one) exactly when the sentence is long,
//!   which is when it has most to say about them.
//!
//! The numbers come from the longest captions, Raft's votes with both logs compared
//! (`tests/e2e/caption_survey.mjs`): they take four lines on the full page at 1280 px and
//! three embedded at 720 px, and read whole there. A phone, with half the width, would need
//! up to nine: it keeps four, as before, and offers "more" beyond. A one-line caption
//! leaves the rest of its room empty: the price of a still stage, paid in the place where a
//! reader expects the next, longer sentence.
//!
//! The live region (`role="status"`) holds the whole text, clipped or not, so a screen
//! reader always reads all of it; the button sits outside it, so opening is not announced
//! as a new caption.
use super::browser;
use super::teach::weight_class;
use crate::i18n::{tr, trf};
use crate::scene::narration::Weight;
use wasm_bindgen::{closure::Closure, JsCast};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CaptionProps {
    pub step: u64,
    /// The caption of the step, or `None` at the start of the run.
    pub text: Option<String>,
    pub weight: Weight,
}

/// What the caption says at the start of the run, before any step.
fn at_start() -> String {
    tr("The run is at its start. Press Play, or → to step to the next change.").to_string()
}

/// The caption bar: the step, its sentence, and "more" when the sentence is longer than
/// the lines the bar shows.
#[function_component(CaptionBar)]
pub fn caption_bar(p: &CaptionProps) -> Html {
    let text = p.text.clone().unwrap_or_else(at_start);
    let body = use_node_ref();
    // The text the reader opened in full: another step's caption starts closed.
    let opened = use_state_eq(|| None::<String>);
    let expanded = opened.as_deref() == Some(text.as_str());
    // Whether the text needs more lines than the room shows (measured once drawn).
    let clipped = use_state_eq(|| false);
    let redraw = use_force_update();
    // Lines depend on the width: measure again when the window (or the iframe) resizes.
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn()>::new(move || redraw.force_update());
        let window = browser::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = &window {
                let _ = w.remove_event_listener_with_callback(
                    "resize",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
    {
        let (body, clipped) = (body.clone(), clipped.clone());
        use_effect(move || {
            // While the whole text is open, the "less" button stays.
            if expanded {
                return;
            }
            if let Some(body) = body.cast::<web_sys::HtmlElement>() {
                clipped.set(body.scroll_height() > body.client_height() + 1);
            }
        });
    }
    let toggle = {
        let (opened, text) = (opened.clone(), text.clone());
        Callback::from(move |_: MouseEvent| opened.set((!expanded).then(|| text.clone())))
    };
    let on_key = {
        let opened = opened.clone();
        Callback::from(move |e: KeyboardEvent| {
            if expanded && e.key() == "Escape" {
                e.prevent_default();
                opened.set(None);
            }
        })
    };
    let more = (*clipped || expanded).then(|| {
        let (label, hint) = if expanded {
            (tr("less"), tr("Show less of the caption (Escape)"))
        } else {
            (tr("more"), tr("Show the whole caption"))
        };
        html! {
            <button class="caption-more" id="caption-more" aria-expanded={expanded.to_string()}
                aria-controls="caption-text" title={hint} onclick={toggle} onkeydown={on_key.clone()}>{ label }</button>
        }
    });
    html! {
        <div class="caption-slot">
            <div class={classes!("caption", weight_class(p.weight), expanded.then_some("expanded"))} id="caption" onkeydown={on_key}>
                <p class="caption-line" role="status" aria-live="polite">
                    if p.step > 0 { <span class="caption-step">{ trf("step {n}", &[("n", &p.step)]) }</span> }
                    <span class="caption-text" id="caption-text" ref={body}>{ text }</span>
                </p>
                { for more }
            </div>
        </div>
    }
}
