//! What the shell adds to every stage so that it teaches, besides the caption of the current
//! step (`caption.rs`): the event log (click a line to go to its step), the tour bar (Next,
//! Back, progress dots, "Try it yourself"), the legend (a side panel, or a sheet over an
//! embed's stage), and the language picker. The sentences come from the
//! scene layer (`scene::narration`, `scene::tour`); this file only draws them.
use super::model::Msg;
use crate::i18n::{tr, trf, Lang};
use crate::scene::narration::{LogLine, Weight};
use crate::scene::tour::PlacedStop;
use crate::scene::{LegendEntry, Swatch};
use std::rc::Rc;
use yew::prelude::*;

pub(super) fn weight_class(weight: Weight) -> &'static str {
    match weight {
        Weight::Minor => "minor",
        Weight::Event | Weight::Routine => "event",
        Weight::Decision | Weight::Flaw => "decision",
        Weight::Loss | Weight::Command | Weight::Fault => "fault",
        Weight::Violation => "violation",
    }
}

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lines: Rc<Vec<LogLine>>,
    pub cursor: u64,
    pub on_msg: Callback<Msg>,
}

/// The sentences of the steps around the current one; the future is dimmed. Clicking a
/// line goes to its step.
#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    let list = use_node_ref();
    {
        // Keep the current step in view, inside the log only (the page does not scroll).
        let list = list.clone();
        use_effect_with((p.cursor, p.lines.len()), move |_| {
            if let Some(list) = list.cast::<web_sys::HtmlElement>() {
                if let Ok(Some(current)) = list.query_selector(".current") {
                    if let Ok(current) =
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(current)
                    {
                        let top = current.offset_top() - list.client_height() / 2;
                        list.set_scroll_top(top.max(0));
                    }
                }
            }
        });
    }
    let mut first_of_step = None;
    let items = p.lines.iter().enumerate().map(|(i, line)| {
        let step = line.step;
        let on_msg = p.on_msg.clone();
        let go = Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Seek(step)));
        let new_step = first_of_step != Some(step);
        first_of_step = Some(step);
        let when = match step.cmp(&p.cursor) {
            std::cmp::Ordering::Less => "past",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "future",
        };
        html! {
            <li key={i} class={classes!("log-line", weight_class(line.weight), when, (!line.visible).then_some("quiet"))}>
                <button class="log-jump" onclick={go} data-step={step.to_string()}
                    aria-label={trf("Go to step {n}: {text}", &[("n", &step), ("text", &line.text)])}>
                    <span class="log-step">{ if new_step { step.to_string() } else { String::new() } }</span>
                    <span class="log-text">{ &line.text }</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="event-log" aria-label={tr("Event log")}>
            <h2>{ tr("What happened") }</h2>
            <ol class="log-lines" ref={list}>{ for items }</ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TourProps {
    pub stops: Rc<Vec<PlacedStop>>,
    pub current: usize,
    pub compact: bool,
    pub on_msg: Callback<Msg>,
}

/// The tour: the stop's title and explanation, Back and Next, a dot per stop, and a way out.
/// Embedded (`compact`), it is one line (the count, the title, Back, Next, the way out): the
/// stop's explanation is then the caption of its step, in the caption's room (`app.rs`), so
/// that the stage keeps the height its labels need.
#[function_component(TourBar)]
pub fn tour_bar(p: &TourProps) -> Html {
    let Some(stop) = p.stops.get(p.current) else {
        return html! {};
    };
    let send = |msg: Msg| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(msg.clone()))
    };
    let last = p.stops.len().saturating_sub(1);
    let dots = p.stops.iter().enumerate().map(|(i, s)| {
        html! {
            <button key={i} class={classes!("tour-dot", (i == p.current).then_some("current"), (i < p.current).then_some("seen"))}
                onclick={send(Msg::TourOpen(i))} title={tr(s.title)}
                aria-label={trf("Tour stop {n}: {title}", &[("n", &(i + 1)), ("title", &tr(s.title))])}
                aria-current={(i == p.current).then_some("step")}></button>
        }
    });
    html! {
        <section class={classes!("tour", p.compact.then_some("compact"))} id="tour" aria-label={tr("Guided tour")}>
            <div class="tour-head">
                <span class="tour-count">{ wide_narrow(
                    trf("Tour {n}/{total}", &[("n", &(p.current + 1)), ("total", &p.stops.len())]),
                    format!("{}/{}", p.current + 1, p.stops.len()),
                ) }</span>
                <strong class="tour-title" title={tr(stop.title)}>{ tr(stop.title) }</strong>
            </div>
            if !p.compact { <p class="tour-caption">{ tr(stop.caption) }</p> }
            <div class="tour-nav">
                <button id="tour-back" onclick={send(Msg::TourBack)} disabled={p.current == 0}
                    title={tr("Back (B or Page Up)")} aria-label={tr("← Back")}>{ wide_narrow(tr("← Back"), "←") }</button>
                if !p.compact { <span class="tour-dots">{ for dots }</span> }
                <button id="tour-next" class="primary" onclick={send(Msg::TourNext)} disabled={p.current >= last}
                    title={tr("Next (N or Page Down)")} aria-label={tr("Next →")}>{ wide_narrow(tr("Next →"), "→") }</button>
                <button id="tour-leave" class="ghost" onclick={send(Msg::TourLeave)}
                    title={tr("Leave the tour and try things in this run; you can come back to this stop")}
                    aria-label={tr("Try it yourself")}>{ wide_narrow(tr("Try it yourself"), tr("Try it")) }</button>
            </div>
        </section>
    }
}

/// A button's words in two lengths: a narrow embed's tour bar shows the short ones, so
/// that the stop's title keeps its room (the stylesheet's `.wide` and `.narrow`).
/// Two wordings of one label: the first for a wide frame, the second (shorter, hidden from
/// screen readers, so the element needs its own label) for a narrow embed's (the stylesheet
/// shows one of them in a tour bar or an embed's bar).
pub fn wide_narrow(wide: impl Into<Html>, narrow: impl Into<Html>) -> Html {
    html! { <><span class="wide">{ wide.into() }</span><span class="narrow" aria-hidden="true">{ narrow.into() }</span></> }
}

#[derive(Properties, PartialEq)]
pub struct TourReturnProps {
    pub stop: usize,
    pub on_msg: Callback<Msg>,
}

/// After "Try it yourself": the way back to the tour stop the person left.
#[function_component(TourReturn)]
pub fn tour_return(p: &TourReturnProps) -> Html {
    let on_msg = p.on_msg.clone();
    html! {
        <div class="tour-return">
            <button id="tour-return" onclick={Callback::from(move |_: MouseEvent| on_msg.emit(Msg::TourReturn))}>
                { trf("↩ Back to the tour (stop {n})", &[("n", &(p.stop + 1))]) }
            </button>
        </div>
    }
}

fn swatch(swatch: Swatch) -> Html {
    match swatch {
        Swatch::NodeState(state) => html! {
            <svg class="swatch" viewBox="0 0 16 16" aria-hidden="true">
                <g class={classes!("node", format!("state-{state}"))}><circle class="body" cx="8" cy="8" r="6" /></g>
            </svg>
        },
        Swatch::Message => html! {
            <svg class="swatch" viewBox="0 0 16 16" aria-hidden="true"><g class="message"><circle cx="8" cy="8" r="4" /></g></svg>
        },
        Swatch::CutLink => html! {
            <svg class="swatch" viewBox="0 0 16 16" aria-hidden="true"><line class="cut" x1="1" y1="8" x2="15" y2="8" /></svg>
        },
        Swatch::DiagramMark(mark) => html! {
            <svg class="swatch" viewBox="0 0 16 16" aria-hidden="true">
                <line class={mark} x1="2" y1="13" x2="14" y2="3" /><circle class={mark} cx="8" cy="8" r="2.5" />
            </svg>
        },
        Swatch::Class(class) => {
            html! { <span class={classes!("swatch", class)} aria-hidden="true"></span> }
        }
        Swatch::TimerArc => html! {
            <svg class="swatch" viewBox="0 0 16 16" aria-hidden="true">
                <circle class="timer-arc" cx="8" cy="8" r="6" pathLength="100" stroke-dasharray="65 100" transform="rotate(-90 8 8)" />
            </svg>
        },
        Swatch::Highlight => html! {
            <svg class="swatch" viewBox="0 0 16 16" aria-hidden="true">
                <g class="node highlighted"><circle class="halo" cx="8" cy="8" r="5.5" /></g>
            </svg>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub entries: Rc<Vec<LegendEntry>>,
    /// The scene's slug, as the legend's `data-scene`: a scene's stylesheet draws its own
    /// states' swatches as its stage draws them (`[data-scene="queue"] .state-working`).
    pub scene: &'static str,
}

/// What each state name, colour and mark on the stage means.
#[function_component(Legend)]
pub fn legend(p: &LegendProps) -> Html {
    // The swatches are drawn only while the legend is open: they borrow the stage's own
    // classes (`node state-…`), and a closed legend should add nothing a query of the
    // stage could mistake for it.
    let open = use_state(|| false);
    if p.entries.is_empty() {
        return html! {};
    }
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            open.set(details.open());
        })
    };
    html! {
        <details class="legend" id="legend" data-scene={p.scene} ontoggle={on_toggle}>
            <summary>{ tr("Legend: what the colours and marks mean") }</summary>
            if *open {
                { legend_list(&p.entries) }
            }
        </details>
    }
}

/// The legend's entries as a list (each swatch, its label, what it means).
fn legend_list(entries: &[LegendEntry]) -> Html {
    html! {
        <ul>
            { for entries.iter().map(|e| html! {
                <li><span class="legend-swatch">{ swatch(e.swatch) }</span>
                    <span class="legend-label">{ tr(e.label) }</span>
                    <span class="legend-meaning">{ tr(e.meaning) }</span></li>
            }) }
        </ul>
    }
}

/// An embed's legend: a "?" button in its bar that lays the legend over the stage (a
/// sheet drawn into the embed's `.embed-main`, so that it covers the drawing and not the
/// controls), and takes it away again. An embed has no side panel, and without this its
/// marks (delivery counts, match bars, "PAL") would be explained nowhere.
#[function_component(EmbedLegend)]
pub fn embed_legend(p: &LegendProps) -> Html {
    let sheet_host = use_state(|| None::<web_sys::Element>);
    let button = use_node_ref();
    let close_button = use_node_ref();
    // Once open, the keyboard is in the sheet (its ×), where Escape closes it; once closed
    // again, back on the "?".
    let was_open = use_mut_ref(|| false);
    {
        let (close_button, button) = (close_button.clone(), button.clone());
        use_effect_with(sheet_host.is_some(), move |&open| {
            let target = if open { &close_button } else { &button };
            if open != *was_open.borrow() {
                if let Some(b) = target.cast::<web_sys::HtmlElement>() {
                    b.focus().ok();
                }
            }
            *was_open.borrow_mut() = open;
        });
    }
    if p.entries.is_empty() {
        return html! {};
    }
    let toggle = {
        let (sheet_host, button) = (sheet_host.clone(), button.clone());
        Callback::from(move |_: MouseEvent| {
            let host = button
                .cast::<web_sys::Element>()
                .and_then(|b| b.closest(".dsviz").ok().flatten())
                .and_then(|root| root.query_selector(".embed-main").ok().flatten());
            sheet_host.set(if sheet_host.is_some() { None } else { host });
        })
    };
    let open = sheet_host.is_some();
    let sheet = (*sheet_host).clone().map(|host| {
        let close = {
            let sheet_host = sheet_host.clone();
            Callback::from(move |_: MouseEvent| sheet_host.set(None))
        };
        let on_key = {
            let sheet_host = sheet_host.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Escape" {
                    e.stop_propagation();
                    sheet_host.set(None);
                }
            })
        };
        create_portal(
            html! {
                <section class="legend legend-sheet" id="embed-legend" data-scene={p.scene} aria-label={tr("Legend: what the colours and marks mean")} onkeydown={on_key}>
                    <button class="legend-close" ref={close_button.clone()} onclick={close} aria-label={tr("Close the legend")}>{ "×" }</button>
                    <h2>{ tr("Legend: what the colours and marks mean") }</h2>
                    { legend_list(&p.entries) }
                </section>
            },
            host,
        )
    });
    html! {
        <>
            <button class={classes!("legend-toggle", open.then_some("open"))} id="embed-legend-toggle" ref={button}
                onclick={toggle} aria-expanded={open.to_string()} aria-label={tr("Legend: what the colours and marks mean")}
                title={tr("Legend: what the colours and marks mean")}><span aria-hidden="true">{ "?" }</span></button>
            { for sheet }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct LangProps {
    pub lang: Lang,
    pub on_msg: Callback<Msg>,
}

/// English or 简体中文.
#[function_component(LangPicker)]
pub fn lang_picker(p: &LangProps) -> Html {
    let on_msg = p.on_msg.clone();
    let on_change = Callback::from(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Some(lang) = Lang::from_code(&select.value()) {
            on_msg.emit(Msg::Lang(lang));
        }
    });
    html! {
        <select id="lang" class="lang" onchange={on_change} aria-label="Language / 语言">
            { for Lang::ALL.iter().map(|l| html! {
                <option value={l.code()} selected={*l == p.lang} lang={l.code()}>{ l.native_name() }</option>
            }) }
        </select>
    }
}
