//! The panel component: mode, bounds, Start/Stop, progress, and the violation found.
//!
//! A search runs in a Web Worker when one can start ([`BackgroundSearch`]), else on the
//! page in slices, one per animation frame ([`super::slices`]); the panel says which (and marks it on its element as
//! `data-runner="worker"`, `"starting"` or `"slices"`). The page always builds the search
//! itself first: for the problems with the bounds, the first status, and as the fallback
//! when the worker fails.
//!
//! Test-only: `ex_worker=0` in the page's address forces the slices on the page, so that
//! the frame-time benchmark (`tests/e2e/explore_frames.mjs`) compares both.
use super::slices::{next_slice, NextSlice};
use super::words;
use super::worker::{BackgroundSearch, Report};
use crate::explore::wire::Job;
use crate::explore::{driver, ExploreBounds, ExploreRequest, Mode, Status, SweepBounds};
use crate::i18n::tr;
use crate::scene::{FieldKind, Params, RunSpec, SceneId};
use crate::ui::browser;
use crate::ui::model::Msg as AppMsg;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// While searching on the page, the panel shows the search's figures this often, not at
/// every slice (each is a re-render on the page's main thread).
const SHOW_EVERY_MS: f64 = 100.0;

#[derive(Properties, PartialEq)]
pub struct ExplorePanelProps {
    /// The run as configured (its scene and parameters are explored).
    pub spec: RunSpec,
    pub on_msg: Callback<AppMsg>,
}

pub enum Msg {
    Mode(Mode),
    Bound(&'static str, String),
    Start,
    Stop,
    /// Run one slice of the search on the page, for this many milliseconds.
    Slice(f64),
    Background(Report),
    Open,
}

/// Where the current (or last) search runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Runner {
    /// A worker is loading the module.
    Starting,
    Worker,
    /// On the page, because no worker could start.
    Slices,
    /// On the page, because the address says `ex_worker=0`.
    SlicesAsked,
}

impl Runner {
    fn attribute(self) -> &'static str {
        match self {
            Runner::Starting => "starting",
            Runner::Worker => "worker",
            Runner::Slices | Runner::SlicesAsked => "slices",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Runner::Starting => tr("Starting a background worker..."),
            Runner::Worker => tr("The search runs in a background worker."),
            Runner::Slices => {
                tr("The search runs on the page, in slices: workers are unavailable here.")
            }
            Runner::SlicesAsked => tr("The search runs on the page, in slices, as the link asks."),
        }
    }
}

/// The query of the address the page was opened at. The app soon rewrites the address bar
/// to the run's own link (the scene's parameters only), so this reads the page's
/// navigation entry, which keeps the address it was loaded from.
fn opened_query() -> String {
    browser::window()
        .and_then(|w| w.performance())
        .map(|p| p.get_entries_by_type("navigation").get(0))
        .and_then(|entry| js_sys::Reflect::get(&entry, &"name".into()).ok())
        .and_then(|name| name.as_string())
        .and_then(|name| web_sys::Url::new(&name).ok())
        .map(|url| url.search())
        .unwrap_or_else(browser::location_query)
}

/// Whether the address the page was opened at forbids the worker (`ex_worker=0`, for
/// benchmarks and tests).
fn worker_forbidden() -> bool {
    let (spec, _) = RunSpec::from_query(&opened_query());
    spec.params.get("ex_worker").map(String::as_str) == Some("0")
}

pub struct ExplorePanel {
    /// The bounds as typed (link form), read and capped on Start.
    params: Params,
    mode: Mode,
    search: Option<Box<dyn driver::Search>>,
    status: Option<Status>,
    problems: Vec<String>,
    /// The bounds (and mode) of the last Start, to say its problems again in another
    /// language.
    started_with: Option<Params>,
    running: bool,
    runner: Option<Runner>,
    /// The page's address said `ex_worker=0`.
    worker_forbidden: bool,
    /// The worker running the search, if it runs in one (dropping it stops it).
    background: Option<BackgroundSearch>,
    /// The next slice on the page, asked for (dropping it cancels it).
    next: Option<NextSlice>,
    /// When the figures were last shown (the page's clock), while searching on the page.
    shown_at: f64,
}

/// A panel's search and what it shows, kept while the page rebuilds its panels (it does on
/// a change of language: see `texts_key` in `ui/app.rs`), so that the rebuilt panel of the
/// same scene and setup takes the search over, running, rather than losing it.
struct Kept {
    scene: SceneId,
    setup: Params,
    params: Params,
    mode: Mode,
    search: Option<Box<dyn driver::Search>>,
    status: Option<Status>,
    problems: Vec<String>,
    started_with: Option<Params>,
    running: bool,
    runner: Option<Runner>,
    background: Option<BackgroundSearch>,
}

thread_local! {
    /// Panels gone in this task, in order; a panel built in the same task for the same
    /// scene and setup takes the first. What is left is dropped (its worker stopped) by a
    /// zero-delay timeout.
    static KEPT: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
}

/// Drops what no rebuilt panel took, once the page's rebuild is over.
fn forget_kept_later() {
    Timeout::new(0, || KEPT.with(|k| k.borrow_mut().clear())).forget();
}

/// Explore bounds the address the page was opened at carries (`explore=bfs&ex_depth=20`),
/// when it opened this scene: a course can link "press Explore and watch it find the bug".
fn linked_request(current: &RunSpec) -> Option<(Params, Mode)> {
    let (spec, _) = RunSpec::from_query(&opened_query());
    (spec.scene == current.scene && ExploreRequest::requested(&spec.params)).then(|| {
        let (request, _) = ExploreRequest::read(&spec.params);
        let params = crate::sim::sorted::SortedMap::from_iter(
            spec.params
                .into_iter()
                .filter(|(k, _)| k.starts_with("ex_")),
        );
        (params, request.mode)
    })
}

/// What Start begins: the request, the run from its start, the search (`None` for a scene
/// that cannot be explored), and what in them could not be used.
type Begun = (
    ExploreRequest,
    RunSpec,
    Option<Box<dyn driver::Search>>,
    Vec<String>,
);

/// Begins a search of the run `spec` with the bounds `params` (the mode among them); its
/// problems are in the page's language.
fn begin(spec: &RunSpec, params: &Params) -> Begun {
    let (request, mut problems) = ExploreRequest::read(params);
    let mut spec = spec.clone();
    spec.actions.clear();
    spec.step = None;
    let search = match driver::start(&spec, &request) {
        Some((search, more)) => {
            problems.extend(more);
            Some(search)
        }
        None => {
            problems.push(tr("This scene cannot be explored.").to_string());
            None
        }
    };
    (request, spec, search, problems)
}

impl ExplorePanel {
    fn fields(&self) -> &'static [crate::scene::Field] {
        match self.mode {
            Mode::Sweep => SweepBounds::FIELDS,
            Mode::Exhaustive => ExploreBounds::FIELDS,
        }
    }

    fn schedule(&mut self, ctx: &Context<Self>) {
        self.next = Some(next_slice(ctx.link().callback(Msg::Slice)));
    }

    /// Stops whatever runs the search (the worker is terminated).
    fn halt(&mut self) {
        self.running = false;
        self.background = None;
        self.next = None;
    }

    /// Hands the search to a worker; `None` when none can start (the reason is logged).
    fn start_worker(ctx: &Context<Self>, job: &Job) -> Option<BackgroundSearch> {
        let text = job.encode().or_else(|| {
            web_sys::console::warn_1(&"dsviz: this run cannot travel to a worker".into());
            None
        })?;
        BackgroundSearch::start(text, ctx.link().callback(Msg::Background))
            .map_err(|why| {
                web_sys::console::info_1(&format!("dsviz: searching on the page: {why}").into())
            })
            .ok()
    }

    /// Searches on the page, in slices, from the page's own (not yet run) search.
    fn fall_back(&mut self, ctx: &Context<Self>, why: &str) {
        web_sys::console::warn_1(&format!("dsviz: searching on the page: {why}").into());
        self.background = None;
        self.runner = Some(Runner::Slices);
        self.status = self.search.as_ref().map(|s| s.status());
        self.schedule(ctx);
    }
}

impl Component for ExplorePanel {
    type Message = Msg;
    type Properties = ExplorePanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let spec = &ctx.props().spec;
        let kept = KEPT.with(|k| {
            let mut k = k.borrow_mut();
            let i = k
                .iter()
                .position(|kept| kept.scene == spec.scene && kept.setup == spec.params)?;
            Some(k.remove(i))
        });
        if let Some(kept) = kept {
            // The page rebuilds its panels when its language changes: the problems with
            // the last Start's bounds are said again, in the language of the page now.
            let problems = match kept.started_with.as_ref() {
                Some(params) if !kept.problems.is_empty() => begin(spec, params).3,
                _ => kept.problems,
            };
            let mut panel = ExplorePanel {
                params: kept.params,
                mode: kept.mode,
                search: kept.search,
                status: kept.status,
                problems,
                started_with: kept.started_with,
                running: kept.running,
                runner: kept.runner,
                worker_forbidden: worker_forbidden(),
                background: kept.background,
                next: None,
                shown_at: 0.0,
            };
            match &panel.background {
                Some(background) => background.redirect(ctx.link().callback(Msg::Background)),
                None if panel.running => panel.schedule(ctx),
                None => {}
            }
            return panel;
        }
        let (params, mode) = linked_request(spec).unwrap_or_default();
        ExplorePanel {
            params,
            mode,
            search: None,
            status: None,
            problems: Vec::new(),
            started_with: None,
            running: false,
            runner: None,
            worker_forbidden: worker_forbidden(),
            background: None,
            next: None,
            shown_at: 0.0,
        }
    }

    fn destroy(&mut self, ctx: &Context<Self>) {
        self.next = None;
        let kept = Kept {
            scene: ctx.props().spec.scene,
            setup: ctx.props().spec.params.clone(),
            params: std::mem::take(&mut self.params),
            mode: self.mode,
            search: self.search.take(),
            status: self.status.take(),
            problems: std::mem::take(&mut self.problems),
            started_with: self.started_with.take(),
            running: self.running,
            runner: self.runner,
            background: self.background.take(),
        };
        KEPT.with(|k| k.borrow_mut().push(kept));
        forget_kept_later();
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &Self::Properties) -> bool {
        // Another scene or setup: what was found no longer applies.
        if ctx.props().spec.scene != old.spec.scene || ctx.props().spec.params != old.spec.params {
            self.search = None;
            self.status = None;
            self.runner = None;
            self.halt();
        }
        true
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Mode(mode) => {
                self.mode = mode;
                self.status = None;
                self.search = None;
                self.runner = None;
                self.halt();
            }
            Msg::Bound(key, value) => {
                self.params.insert(key.to_string(), value);
            }
            Msg::Start => {
                let mut params = self.params.clone();
                params.insert(
                    crate::explore::request::MODE_KEY.into(),
                    self.mode.slug().into(),
                );
                let (request, spec, search, problems) = begin(&ctx.props().spec, &params);
                if let Some(search) = search {
                    self.status = Some(search.status());
                    self.search = Some(search);
                    self.running = true;
                    let forbidden = self.worker_forbidden;
                    self.background = if forbidden {
                        None
                    } else {
                        Self::start_worker(ctx, &Job { spec, request })
                    };
                    self.runner = Some(match (&self.background, forbidden) {
                        (Some(_), _) => Runner::Starting,
                        (None, true) => Runner::SlicesAsked,
                        (None, false) => Runner::Slices,
                    });
                    if self.background.is_none() {
                        self.schedule(ctx);
                    }
                }
                self.problems = problems;
                self.started_with = Some(params);
            }
            Msg::Stop => self.halt(),
            Msg::Background(report) => {
                if !self.running || self.background.is_none() {
                    return false;
                }
                match report {
                    Report::Ready => self.runner = Some(Runner::Worker),
                    Report::Status(status) => {
                        self.runner = Some(Runner::Worker);
                        if status.done {
                            self.halt();
                        }
                        self.status = Some(*status);
                    }
                    Report::Failed(why) => self.fall_back(ctx, &why),
                }
            }
            Msg::Slice(budget_ms) => {
                if !self.running {
                    return false;
                }
                let Some(search) = self.search.as_mut() else {
                    return false;
                };
                let mut clock = browser::now_ms;
                let status = search.run_for(&mut clock, budget_ms);
                self.running = !status.done;
                self.status = Some(status);
                if self.running {
                    self.schedule(ctx);
                }
                let now = browser::now_ms();
                if self.running && now - self.shown_at < SHOW_EVERY_MS {
                    return false;
                }
                self.shown_at = now;
            }
            Msg::Open => {
                let found = self.status.as_ref().and_then(|s| s.found.as_ref());
                if let Some(spec) = found.and_then(|f| f.spec.clone()) {
                    ctx.props().on_msg.emit(AppMsg::Open(spec));
                }
                return false;
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let mode_button = |mode: Mode, label: &'static str, id: &'static str| {
            let current = self.mode == mode;
            html! {
                <button id={id} class={classes!("ex-mode", current.then_some("current"))}
                    aria-pressed={if current { "true" } else { "false" }}
                    disabled={self.running}
                    onclick={link.callback(move |_| Msg::Mode(mode))}>{ tr(label) }</button>
            }
        };
        let fields = self.fields().iter().map(|field| {
            let key = field.key;
            let id = format!("explore-{key}");
            let current = self.params.get(key).cloned().unwrap_or_else(|| field.default.to_string());
            let control = match field.kind {
                FieldKind::Number { min, max } => {
                    let onchange = link.callback(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        Msg::Bound(key, input.value())
                    });
                    html! { <input id={id.clone()} type="number" min={min.to_string()} max={max.to_string()}
                        value={current} disabled={self.running} {onchange} /> }
                }
                FieldKind::Flag => {
                    let onchange = link.callback(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        Msg::Bound(key, if input.checked() { "1".into() } else { "0".into() })
                    });
                    html! { <input id={id.clone()} type="checkbox" checked={current == "1"} disabled={self.running} {onchange} /> }
                }
                _ => html! {},
            };
            html! {
                <div class="field">
                    <label for={id.clone()} title={tr(field.help)}>{ tr(field.label) }</label>
                    { control }
                </div>
            }
        });
        let status = self.status.as_ref().map(|s| {
            let percent = (s.fraction * 100.0).round();
            let rate_label = match self.mode {
                Mode::Sweep => tr("runs/s"),
                Mode::Exhaustive => tr("states/s"),
            };
            let found = s.found.as_ref().map(|f| html! {
                <div class="ex-found" role="alert">
                    <p><strong>{ words::found_heading(f) }</strong></p>
                    <p class="ex-message">{ words::found_message(f) }</p>
                    if let Some(place) = words::found_where(f) {
                        <p id="explore-where">{ place }</p>
                    }
                    if f.spec.is_some() {
                        <button id="explore-open" class="primary" onclick={link.callback(|_| Msg::Open)}>
                            { words::open_label(f) }</button>
                    }
                </div>
            });
            html! {
                <div class="ex-status" aria-live="polite">
                    <progress id="explore-progress" max="100" value={percent.to_string()}
                        aria-label={tr("Search progress")}></progress>
                    <p id="explore-message">{ words::progress_sentence(s) }</p>
                    <dl class="ex-figures">
                        <dt>{ rate_label }</dt><dd id="explore-rate">{ format!("{:.0}", s.rate) }</dd>
                        if let Some(d) = s.distinct {
                            <dt>{ tr("distinct states") }</dt><dd id="explore-distinct">{ d }</dd>
                        }
                        if let Some(d) = s.depth {
                            <dt>{ tr("depth") }</dt><dd id="explore-depth">{ d }</dd>
                        }
                        if let Some(outcome) = words::outcome(s) {
                            <dt>{ tr("result") }</dt><dd id="explore-outcome">{ outcome }</dd>
                        }
                    </dl>
                    { for found }
                </div>
            }
        });
        html! {
            <section class="explore-panel" aria-label={tr("Explore")}
                data-runner={self.runner.map(Runner::attribute)}>
                <details open=true>
                    <summary>{ tr("Explore: find a run that breaks a property") }</summary>
                    <div class="ex-modes" role="group" aria-label={tr("How to search")}>
                        { mode_button(Mode::Sweep, "Seed sweep", "explore-mode-sweep") }
                        { mode_button(Mode::Exhaustive, "Exhaustive search", "explore-mode-bfs") }
                    </div>
                    <p class="ex-help">{ match self.mode {
                        Mode::Sweep => tr("Runs many seeds, each with random faults within these budgets, and shrinks the first violation."),
                        Mode::Exhaustive => tr("Tries every order of deliveries, losses, timers, crashes and restarts within these bounds, breadth first."),
                    } }</p>
                    <div class="fields">{ for fields }</div>
                    <div class="ex-actions">
                        if self.running {
                            <button id="explore-stop" onclick={link.callback(|_| Msg::Stop)}>{ tr("Stop") }</button>
                        } else {
                            <button id="explore-start" class="primary" onclick={link.callback(|_| Msg::Start)}>{ tr("Start") }</button>
                        }
                    </div>
                    { for self.problems.iter().map(|p| html! { <p class="ex-problem">{ p }</p> }) }
                    if let Some(runner) = self.runner {
                        <p id="explore-runner" class="ex-runner">{ runner.text() }</p>
                    }
                    { for status }
                </details>
            </section>
        }
    }
}
