//! The caption of the current step: the sentence that says what the step did and why, the
//! main teaching text on the stage. It is never cut without a way to read the rest:
//! - it takes the lines it needs, up to a limit set in `shell.css` (four lines); a longer
//!   one ends its last line with "…" and a **more** button (a real button, so keys and
//!   screen readers reach it) that opens the whole text over the top of the stage, without
//!   moving the stage; a new step's caption starts closed again, and Escape closes it;
//! - its room only grows while the reader steps at one width: a caption that shrank back at
//!   every shorter sentence would rescale the stage below it at every step and make the
//!   nodes jump (or, on the full page, move the controls under the pointer). It keeps the
//!   height of the longest caption drawn so far and starts again when its width changes.
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
    let slot = use_node_ref();
    let body = use_node_ref();
    // The text the reader opened in full: another step's caption starts closed.
    let opened = use_state_eq(|| None::<String>);
    let expanded = opened.as_deref() == Some(text.as_str());
    // Whether the text needs more lines than the bar shows (measured once drawn).
    let clipped = use_state_eq(|| false);
    // The room kept for the caption: (the slot's width, its tallest height at that width).
    let kept = use_mut_ref(|| (0, 0));
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
        let (slot, body, clipped, kept) = (slot.clone(), body.clone(), clipped.clone(), kept);
        use_effect(move || {
            // While the whole text is open over the stage, the slot keeps the closed
            // caption's height, so nothing below it moves.
            if expanded {
                return;
            }
            let (Some(slot), Some(body)) = (
                slot.cast::<web_sys::HtmlElement>(),
                body.cast::<web_sys::HtmlElement>(),
            ) else {
                return;
            };
            let _ = slot.remove_attribute("style");
            let (width, height) = (slot.client_width(), slot.offset_height());
            let mut kept = kept.borrow_mut();
            *kept = if kept.0 == width {
                (width, kept.1.max(height))
            } else {
                (width, height)
            };
            let _ = slot.set_attribute("style", &format!("min-height: {}px", kept.1));
            clipped.set(body.scroll_height() > body.client_height() + 1);
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
        <div class="caption-slot" ref={slot}>
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
