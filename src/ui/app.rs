//! The app shell: holds the model, maps animation frames to simulated time, and lays out
//! the scene picker, views and controls. What happens on each gesture is decided by
//! [`super::model`]; this file only draws and dispatches.
use super::browser;
use super::caption::CaptionBar;
use super::controls::Controls;
use super::diagram::Diagram;
use super::hooks::{use_after_first_paint, use_animation_frames};
use super::invariants::InvariantPanel;
use super::model::{Host, Model, Msg};
use super::nodes::NodeDetails;
use super::scene_panel::ScenePanel;
use super::scenes::{UiRun, ViewCtx};
use super::teach::{wide_narrow, EmbedLegend, EventLog, LangPicker, Legend, TourBar, TourReturn};
use super::topology::Topology;
use crate::i18n::{tr, trf};
use crate::scene::narration::{caption, Weight};
use crate::scene::RunSpec;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub spec: RunSpec,
    /// Problems found while reading the link, shown on the first render.
    pub problems: Vec<String>,
    /// Keep the address bar in step with the run (off when mounted into a host page).
    pub sync_url: bool,
}

/// The browser, as the model sees it.
struct BrowserHost;

impl Host for BrowserHost {
    fn replace_query(&self, query: &str) {
        browser::replace_query(query);
    }

    fn push_query(&self, query: &str) {
        browser::push_query(query);
    }

    fn base_url(&self) -> String {
        browser::location_base()
    }

    fn copy_to_clipboard(&self, text: &str) {
        browser::copy_to_clipboard(text);
    }

    fn random_seed(&self) -> u64 {
        browser::random_seed()
    }
}

/// The model in a Yew reducer.
pub struct AppState(pub Model<dyn UiRun>);

impl Reducible for AppState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut model = self.0.clone();
        if model.update(msg) {
            Rc::new(AppState(model))
        } else {
            self
        }
    }
}

/// Space plays or pauses; the arrow keys step; other keys go to the scene's views (see
/// `SceneViews::on_key`). Keys typed into a form field are left alone. On the app's own
/// page the keys are the document's; a scene mounted into a host page listens only while
/// the focus is inside it (`scope`), so several scenes on one page do not all play at once.
#[hook]
fn use_keyboard(
    dispatch: UseReducerDispatcher<AppState>,
    run: Rc<std::cell::RefCell<Box<dyn UiRun>>>,
    scope: Option<NodeRef>,
    touring: Rc<std::cell::Cell<bool>>,
) {
    use_effect_with((), move |_| {
        let target: Option<web_sys::EventTarget> = match &scope {
            Some(node) => node.get().map(Into::into),
            None => browser::window().and_then(|w| w.document()).map(Into::into),
        };
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let tag = e
                    .composed_path()
                    .get(0)
                    .dyn_into::<web_sys::Element>()
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                // Form fields keep their keys; a focused button or node already acts on space.
                let in_field = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
                let activates =
                    matches!(tag.as_str(), "BUTTON" | "A" | "g" | "G") && e.key() == " ";
                if in_field || activates {
                    return;
                }
                if (e.ctrl_key() || e.meta_key()) && !e.shift_key() && e.key() == "z" {
                    e.prevent_default();
                    dispatch.dispatch(Msg::Undo);
                    return;
                }
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let in_tour = touring.get();
                let msg = match e.key().as_str() {
                    " " => Some(Msg::TogglePlay),
                    // The arrow steps to the next change on the stage; with Shift, one step.
                    "ArrowRight" if e.shift_key() => Some(Msg::StepOne),
                    "ArrowRight" => Some(Msg::StepForward),
                    "ArrowLeft" => Some(Msg::StepBack),
                    "n" | "N" | "PageDown" if in_tour => Some(Msg::TourNext),
                    "b" | "B" | "PageUp" if in_tour => Some(Msg::TourBack),
                    key => run.borrow().on_key(key),
                };
                if let Some(msg) = msg {
                    e.prevent_default();
                    dispatch.dispatch(msg);
                }
            });
        if let Some(target) = &target {
            let _ = target
                .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(target) = &target {
                let _ = target.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

/// A notice ("Link copied") goes away by itself after a while; a newer notice restarts
/// the wait, and dropping the timer on cleanup cancels the old one.
#[hook]
fn use_notice_timeout(notice: Option<String>, dispatch: UseReducerDispatcher<AppState>) {
    use_effect_with(notice, move |notice| {
        let timer = notice.is_some().then(|| {
            gloo_timers::callback::Timeout::new(NOTICE_MS, move || {
                dispatch.dispatch(Msg::Notice(None))
            })
        });
        move || drop(timer)
    });
}

/// The browser's Back and Forward move through the app's own history entries (each action,
/// scenario or parameter change made one): the model opens the run of the entry.
#[hook]
fn use_history(dispatch: UseReducerDispatcher<AppState>, enabled: bool) {
    use_effect_with(enabled, move |enabled| {
        let window = browser::window().filter(|_| *enabled);
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            dispatch.dispatch(Msg::Navigate(browser::location_query()));
        });
        if let Some(window) = &window {
            let _ = window
                .add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(window) = &window {
                let _ = window.remove_event_listener_with_callback(
                    "popstate",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

/// Chinese texts load the first time they are needed; the page is drawn again when they
/// arrive, or says why they could not be loaded (and stays in English).
#[hook]
fn use_texts(lang: crate::i18n::Lang, dispatch: UseReducerDispatcher<AppState>) {
    use_effect_with(lang, move |lang| {
        if *lang == crate::i18n::Lang::Zh && !crate::i18n::zh_available() {
            browser::load_zh(move |outcome| {
                dispatch.dispatch(match outcome {
                    Ok(()) => Msg::TextsLoaded,
                    Err(why) => Msg::Notice(Some(format!(
                        "The Chinese texts could not be loaded ({why}); the page stays in English."
                    ))),
                })
            });
        }
    });
}

#[derive(Properties)]
struct ThrottleProps {
    /// The children are drawn again only when this changes.
    tick: u64,
    children: Html,
}

impl PartialEq for ThrottleProps {
    fn eq(&self, other: &Self) -> bool {
        self.tick == other.tick
    }
}

/// Keeps its children as they were until `tick` changes: for panels that need not follow
/// every animation frame.
#[function_component(Throttle)]
fn throttle(p: &ThrottleProps) -> Html {
    p.children.clone()
}

/// The event log shows the sentences of this many steps before the current one, and a few
/// after it (dimmed), at most [`LOG_MAX_LINES`] lines.
const LOG_STEPS_BEFORE: u64 = 120;
const LOG_STEPS_AFTER: u64 = 12;
const LOG_MAX_LINES: usize = 300;

/// How long a notice stays up.
const NOTICE_MS: u32 = 12_000;

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = {
        let props = props.clone();
        use_reducer(move || {
            AppState(Model::new(
                props.spec,
                props.problems,
                props.sync_url,
                Rc::new(BrowserHost),
                super::scenes::build,
            ))
        })
    };
    let model = &state.0;
    let dispatch = state.dispatcher();
    use_animation_frames(model.playing, {
        let dispatch = dispatch.clone();
        Rc::new(move |ms| {
            dispatch.dispatch(Msg::Frame(ms));
            true
        })
    });
    let root = use_node_ref();
    let scope = (!props.sync_url).then(|| root.clone());
    let in_tour = use_memo((), |_| Rc::new(std::cell::Cell::new(false)));
    in_tour.set(model.spec.tour.is_some());
    use_keyboard(
        dispatch.clone(),
        model.run.clone(),
        scope,
        (*in_tour).clone(),
    );
    use_notice_timeout(model.notice.clone(), dispatch.clone());
    use_history(dispatch.clone(), props.sync_url);
    use_texts(crate::i18n::lang(), dispatch.clone());
    // The stage and its controls are drawn first; the panels around them (legend,
    // invariants, node cards, event log, diagram, Explore) once the scene is on screen, so
    // that what teaches around the scene adds nothing to the time before its first picture.
    use_after_first_paint({
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(Msg::Settle))
    });
    let settled = model.settled;

    let send = |make: fn() -> Msg| {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(make()))
    };
    let on_msg = {
        let dispatch = dispatch.clone();
        Callback::from(move |msg: Msg| dispatch.dispatch(msg))
    };

    let (snapshot, cursor, horizon, finished) = {
        let mut run = model.run.borrow_mut();
        let finished = run.is_finished();
        (run.snapshot(), run.cursor(), run.horizon(), finished)
    };
    let embed = model.spec.embed;
    let show = &model.spec.show;
    // The panels around the stage wait for the first picture (`Msg::Settle`).
    let show_log = settled && show.log.unwrap_or(!embed);
    let show_diagram = settled && show.diagram.unwrap_or(!embed);
    let show_explore =
        settled && show.explore.unwrap_or(!embed) && crate::explore::explorable(model.spec.scene);
    // The caption of the current step: the weightiest of its sentences.
    let (caption_text, caption_weight) = {
        let lines = model.run.borrow().log(cursor, cursor);
        let weight = lines
            .iter()
            .map(|l| l.weight)
            .max()
            .unwrap_or(Weight::Minor);
        ((cursor > 0).then(|| caption(&lines)).flatten(), weight)
    };
    // An embedded tour has no room for a second caption: at the stop's own step its
    // explanation is the caption (the same room, and "more" when it is longer); a step away
    // from the stop says what that step did, as anywhere else.
    let embed_stop = match (model.spec.embed, model.spec.tour, &model.tour_stops) {
        (true, Some(stop), Some(stops)) => stops.get(stop),
        _ => None,
    };
    let (caption_text, caption_weight) = match embed_stop {
        Some(stop) if stop.spec.step.unwrap_or(0) == cursor => {
            (Some(tr(stop.caption).to_string()), caption_weight)
        }
        _ => (caption_text, caption_weight),
    };
    let highlights = match (model.spec.tour, &model.tour_stops) {
        (Some(stop), Some(stops)) => stops
            .get(stop)
            .map(|s| s.highlights.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let legend = use_memo(model.spec.scene, |scene| Rc::new(scene.def().legend()));

    // Problems found before the Chinese texts arrived, put into Chinese once they are here:
    // once, not at every frame (`retranslate` reads the whole catalogue).
    let shown_problems = use_memo(
        (
            model.problems.clone(),
            crate::i18n::lang(),
            crate::i18n::zh_available(),
        ),
        |(problems, ..)| {
            problems
                .iter()
                .map(|p| crate::i18n::retranslate(p))
                .collect::<Vec<_>>()
        },
    );
    let problems = (!shown_problems.is_empty()).then(|| {
        html! {
            <div class="problems" role="alert">
                <ul>{ for shown_problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                <button class="ghost" aria-label={tr("Dismiss these messages")} onclick={send(|| Msg::DismissProblems)}>{ tr("Dismiss") }</button>
            </div>
        }
    });
    let notice = model.notice.as_ref().map(|n| {
        html! {
            <div class="notice" role="status">
                <span>{ n }</span>
                if let Some(text) = &model.share_text {
                    <input id="share-text" class="share-text" readonly=true value={text.clone()} aria-label={tr("Text to share")} />
                }
                <button class="ghost" aria-label={tr("Close")} onclick={send(|| Msg::Notice(None))}>{ "×" }</button>
            </div>
        }
    });

    let controls = html! {
        <Controls
            cursor={cursor} horizon={horizon} finished={finished}
            playing={model.playing} speed={model.speed} seed={model.spec.seed}
            time={model.playhead} compact={embed} on_msg={on_msg.clone()} />
    };
    let commands = {
        let run = model.run.borrow();
        model
            .selected
            .map(|n| run.node_commands(n))
            .unwrap_or_default()
    };
    let ctx = ViewCtx {
        snapshot: Rc::new(snapshot.clone()),
        selected: model.selected,
        selected_commands: commands.clone(),
        partition: model.partition.clone(),
        cursor,
        playhead: model.playhead,
        compact: embed,
        highlights: highlights.clone(),
        on_msg: on_msg.clone(),
    };
    let message_views = model.spec.scene.def().networked();
    // The panels beside the stage are built only when the model asks (see
    // `model::PANEL_REFRESH_MS`), and drawn again only then.
    let panels = {
        let run = model.run.clone();
        let ctx = ctx.clone();
        let snapshot = snapshot.clone();
        use_memo(model.panels_tick, move |_| {
            let run = run.borrow();
            let log = if show_log {
                let from = cursor.saturating_sub(LOG_STEPS_BEFORE);
                let mut lines = run.log(from, (cursor + LOG_STEPS_AFTER).min(horizon));
                let cut = lines.len().saturating_sub(LOG_MAX_LINES);
                lines.drain(..cut);
                lines
            } else {
                Vec::new()
            };
            let rows = if message_views && show_diagram {
                let from = cursor
                    .saturating_sub(super::diagram::WINDOW_STEPS / 2)
                    .max(1);
                run.rows(from, (from + super::diagram::WINDOW_STEPS).min(horizon))
            } else {
                Vec::new()
            };
            (
                rows,
                settled.then(|| run.panel(ctx.clone())).flatten(),
                snapshot,
                ctx.playhead,
                Rc::new(log),
            )
        })
    };
    let scene_stage = model.run.borrow().stage(ctx);
    let (rows, extra_panel, panel_snapshot, panel_playhead, log_lines) = &*panels;
    let topology = scene_stage.unwrap_or_else(|| {
        html! {
            <Topology snapshot={snapshot.clone()} playhead={model.playhead}
                selected={model.selected} partition={model.partition.clone()}
                highlights={highlights.clone()}
                commands={commands}
                compact={embed}
                on_msg={on_msg.clone()} />
        }
    });

    let caption_bar = (show.caption || embed_stop.is_some()).then(|| {
        html! { <CaptionBar step={cursor} text={caption_text.clone()} weight={caption_weight} /> }
    });
    let tour_bar = match (model.spec.tour, &model.tour_stops) {
        (Some(stop), Some(stops)) => Some(html! {
            <TourBar stops={stops.clone()} current={stop} compact={embed} on_msg={on_msg.clone()} />
        }),
        _ => model
            .tour_left
            .map(|stop| html! { <TourReturn stop={stop} on_msg={on_msg.clone()} /> }),
    };
    let branched = model.branched_from.map(|step| {
        html! {
            <span class="branched" id="branched" title={tr("You acted at an earlier moment of the run: what follows was computed again from there, and the scenario's own run is left behind.")}>
                { trf("branched from step {n}", &[("n", &step)]) }
            </span>
        }
    });
    let undo_button = (!model.undo.is_empty()).then(|| {
        html! {
            <button id="undo" onclick={send(|| Msg::Undo)} title={tr("Undo the last action, scenario or setting (Ctrl+Z)")}>{ tr("↶ Undo") }</button>
        }
    });
    let tour_len = model.spec.scene.def().tour_len();
    let tour_button = (tour_len > 0 && model.spec.tour.is_none()).then(|| {
        html! {
            <button id="tour-open" onclick={send(|| Msg::TourOpen(0))}
                title={tr("A guided tour of this scene: each idea told from the failure that motivates it")}>
                { trf("Take the tour ({n} stops)", &[("n", &tour_len)]) }
            </button>
        }
    });
    let event_log = show_log.then(|| {
        html! { <EventLog lines={log_lines.clone()} cursor={panel_snapshot.step} on_msg={on_msg.clone()} /> }
    });

    // The space-time diagram and the Explore panel: below the stage in both layouts, when
    // shown (by default in the full app; in an embed when its link or `mount()` asks).
    // When the language changes, or the Chinese texts arrive (they load after the first
    // drawing), the page is built afresh: panels that keep their drawing while their own
    // inputs stay the same (node cards, legend, invariants) would otherwise stay in the
    // old language until the next step.
    let texts_key = format!(
        "texts-{}-{}",
        crate::i18n::lang().code(),
        crate::i18n::zh_available()
    );
    super::embed_focus::use_focus_on_stop(
        root.clone(),
        embed_stop.map(|_| (model.spec.tour.unwrap_or(0), texts_key.clone(), settled)),
        embed_stop.map(|s| (s.focus, s.highlights.clone())),
    );
    // The language the page is written in now, for the root's `lang` attribute (screen
    // readers, and the CJK glyph forms a font picks): English until the Chinese texts arrive.
    let shown_lang = match crate::i18n::lang() {
        crate::i18n::Lang::Zh if !crate::i18n::zh_available() => "en",
        lang => lang.code(),
    };
    let diagram = (message_views && show_diagram).then(|| html! {
        <Throttle tick={model.panels_tick}>
            <Diagram rows={rows.clone()} cursor={panel_snapshot.step} playhead={*panel_playhead}
                node_names={panel_snapshot.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>()}
                file_stem={format!("dsviz-{}-seed{}", model.spec.scene.slug(), model.spec.seed)}
                on_msg={on_msg.clone()} />
        </Throttle>
    });
    let explore_panel = show_explore.then(|| {
        html! {
            <super::explore::ExplorePanel spec={model.spec.clone()} on_msg={on_msg.clone()} />
        }
    });

    if embed {
        let open_full = format!(
            "{}{}",
            if props.sync_url {
                browser::location_base()
            } else {
                String::new()
            },
            model.query()
        );
        return html! {
            <div key={texts_key.clone()} lang={shown_lang} class={classes!("dsviz", "embed", (diagram.is_some() || explore_panel.is_some()).then_some("with-extras"))} ref={root.clone()} tabindex={(!props.sync_url).then_some("0")}>
                { for problems }
                { for tour_bar }
                { for caption_bar }
                <div class={classes!("embed-main", show_log.then_some("with-log"))}>
                    <div class="embed-stage">{ topology }</div>
                    { for event_log }
                </div>
                <div class="embed-bar">
                    <div class="embed-row">
                        { controls }
                        <EmbedLegend entries={(*legend).clone()} scene={model.spec.scene.slug()} />
                        if props.sync_url {
                            <a class="open-full" href={open_full} target="_blank" rel="noopener" aria-label={tr("Open in dsviz ↗")}>{ wide_narrow(tr("Open in dsviz ↗"), "dsviz ↗") }</a>
                        }
                    </div>
                    { for branched }
                    <InvariantPanel invariants={snapshot.invariants.clone()} compact=true tight={embed_stop.is_some()} on_msg={on_msg.clone()} />
                </div>
                { for diagram }
                { for explore_panel }
            </div>
        };
    }

    html! {
        <div key={texts_key} lang={shown_lang} class="dsviz" ref={root}>
            <header class="topbar">
                <a class="brand" href="?">{ "dsviz" }</a>
                <nav class="scenes" aria-label={tr("Scenes")}>
                    // Every scene, also those a lean module lacks: a link is a page load,
                    // and the page loads the module of the scene it names.
                    { for crate::registry::EVERY_SCENE.iter().map(|&(slug, title)| {
                        let current = slug == model.spec.scene.slug();
                        html! {
                            <a href={format!("?scene={slug}")}
                               class={classes!("scene-link", current.then_some("current"))}
                               aria-current={current.then_some("page")}>{ tr(title) }</a>
                        }
                    }) }
                </nav>
                <div class="share">
                    { for tour_button }
                    { for undo_button }
                    <LangPicker lang={crate::i18n::lang()} on_msg={on_msg.clone()} />
                    <button id="copy-link" onclick={send(|| Msg::CopyLink)} aria-label={tr("Copy a link to this exact run and step")}>{ tr("Copy link") }</button>
                    <button id="copy-embed" onclick={send(|| Msg::CopyEmbed)} aria-label={tr("Copy HTML code that embeds this run")}>{ tr("Copy embed code") }</button>
                </div>
            </header>
            { for problems }
            { for notice }
            <main class="layout">
                <div class="main-col">
                    { for tour_bar }
                    <section class="stage" aria-label={tr("Topology")}>

                        { for caption_bar }
                        { topology }
                    </section>
                    <div class="controls-row">{ controls }{ for branched }</div>
                    { for event_log }
                </div>
                <aside class="side">
                    if settled {
                        <Throttle tick={model.panels_tick}>
                            <InvariantPanel invariants={panel_snapshot.invariants.clone()} compact=false tight=false on_msg={on_msg.clone()} />
                        </Throttle>
                        <Legend entries={(*legend).clone()} scene={model.spec.scene.slug()} />
                        <ScenePanel scene={model.spec.scene} params={model.spec.params.clone()} scenario={model.spec.scenario.clone()} on_msg={on_msg.clone()} />
                        { for explore_panel }
                        <Throttle tick={model.panels_tick}>
                            { extra_panel.clone().unwrap_or_default() }
                            if message_views {
                                <NodeDetails nodes={panel_snapshot.nodes.clone()} />
                            }
                        </Throttle>
                    }
                </aside>
            </main>
            { for diagram }
        </div>
    }
}
