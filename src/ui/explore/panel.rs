//! The panel component: mode, bounds, Start/Stop, progress, and the violation found.
//!
//! A search runs in a Web Worker when one can start ([`BackgroundSearch`]), else on the
//! page in slices of [`SLICE_MS`]; the panel says which (and marks it on its element as
//! `data-runner="worker"`, `"starting"` or `"slices"`). The page always builds the search
//! itself first: for the problems with the bounds, the first status, and as the fallback
//! when the worker fails.
//!
//! Test-only: `ex_worker=0` in the page's address forces the slices on the page, so that
//! the frame-time benchmark (`tests/e2e/explore_frames.mjs`) compares both.
use super::worker::{BackgroundSearch, Report};
use crate::explore::wire::Job;
use crate::explore::{driver, ExploreBounds, ExploreRequest, Mode, Status, SweepBounds};
use crate::i18n::tr;
use crate::scene::{FieldKind, Params, RunSpec};
use crate::ui::browser;
use crate::ui::model::Msg as AppMsg;
use gloo_timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How long one slice of search may take, in milliseconds: well under a frame.
const SLICE_MS: f64 = 8.0;

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
    Tick,
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
    running: bool,
    runner: Option<Runner>,
    /// The page's address said `ex_worker=0`.
    worker_forbidden: bool,
    /// The worker running the search, if it runs in one (dropping it stops it).
    background: Option<BackgroundSearch>,
    _timer: Option<Timeout>,
}

/// Explore bounds the address the page was opened at carries (`explore=bfs&ex_depth=20`),
/// when it opened this scene: a course can link "press Explore and watch it find the bug".
fn linked_request(current: &RunSpec) -> Option<(Params, Mode)> {
    let (spec, _) = RunSpec::from_query(&opened_query());
    (spec.scene == current.scene && ExploreRequest::requested(&spec.params)).then(|| {
        let (request, _) = ExploreRequest::read(&spec.params);
        let params = spec
            .params
            .into_iter()
            .filter(|(k, _)| k.starts_with("ex_"))
            .collect();
        (params, request.mode)
    })
}

impl ExplorePanel {
    fn fields(&self) -> &'static [crate::scene::Field] {
        match self.mode {
            Mode::Sweep => SweepBounds::FIELDS,
            Mode::Exhaustive => ExploreBounds::FIELDS,
        }
    }

    fn schedule(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self._timer = Some(Timeout::new(0, move || link.send_message(Msg::Tick)));
    }

    /// Stops whatever runs the search (the worker is terminated).
    fn halt(&mut self) {
        self.running = false;
        self.background = None;
        self._timer = None;
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
        let (params, mode) = linked_request(&ctx.props().spec).unwrap_or_default();
        ExplorePanel {
            params,
            mode,
            search: None,
            status: None,
            problems: Vec::new(),
            running: false,
            runner: None,
            worker_forbidden: worker_forbidden(),
            background: None,
            _timer: None,
        }
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
                let (request, mut problems) = ExploreRequest::read(&params);
                let mut spec = ctx.props().spec.clone();
                spec.actions.clear();
                spec.step = None;
                match driver::start(&spec, &request) {
                    Some((search, more)) => {
                        problems.extend(more);
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
                    None => problems.push("This scene cannot be explored.".to_string()),
                }
                self.problems = problems;
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
                        self.status = Some(status);
                    }
                    Report::Failed(why) => self.fall_back(ctx, &why),
                }
            }
            Msg::Tick => {
                if !self.running {
                    return false;
                }
                let Some(search) = self.search.as_mut() else {
                    return false;
                };
                let mut clock = browser::now_ms;
                let status = search.run_for(&mut clock, SLICE_MS);
                self.running = !status.done;
                self.status = Some(status);
                if self.running {
                    self.schedule(ctx);
                }
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
                    <p><strong>{ tr("Violation:") }</strong>{ " " }{ &f.invariant_name }</p>
                    <p class="ex-message">{ &f.message }</p>
                    if let Some(steps) = f.path_steps {
                        <p>{ tr("Shortest path, in steps:") }{ " " }{ steps }</p>
                    }
                    if f.spec.is_some() {
                        <button id="explore-open" class="primary" onclick={link.callback(|_| Msg::Open)}>
                            { tr("Open at the violating step") }</button>
                    }
                </div>
            });
            html! {
                <div class="ex-status" aria-live="polite">
                    <progress id="explore-progress" max="100" value={percent.to_string()}
                        aria-label={tr("Search progress")}></progress>
                    <p id="explore-message">{ &s.message }</p>
                    <dl class="ex-figures">
                        <dt>{ rate_label }</dt><dd id="explore-rate">{ format!("{:.0}", s.rate) }</dd>
                        if let Some(d) = s.distinct {
                            <dt>{ tr("distinct states") }</dt><dd id="explore-distinct">{ d }</dd>
                        }
                        if let Some(d) = s.depth {
                            <dt>{ tr("depth") }</dt><dd id="explore-depth">{ d }</dd>
                        }
                        if s.done && self.mode == Mode::Exhaustive {
                            <dt>{ tr("complete") }</dt>
                            <dd>{ if s.complete { tr("yes, within the bounds") } else { tr("no, the bounds stopped it") } }</dd>
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
