//! The app shell: holds the run, maps animation frames to simulated time, and lays out the
//! scene picker, views and controls.
use super::browser;
use super::controls::{Controls, SPEEDS};
use super::diagram::Diagram;
use super::invariants::InvariantPanel;
use super::nodes::NodeDetails;
use super::scene_panel::ScenePanel;
use super::stage::{scene_panel, scene_stage, uses_message_views, RunRef, StageProps};
use super::topology::Topology;
use crate::scene::{self, RunSpec, SceneId};
use crate::sim::run::Run;
use crate::sim::Time;
use std::cell::RefCell;
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

/// Everything the app shows, plus the run it drives.
#[derive(Clone)]
pub struct Model {
    pub spec: RunSpec,
    pub run: Rc<RefCell<Box<dyn Run>>>,
    pub problems: Vec<String>,
    pub playing: bool,
    pub speed: usize,
    /// The simulated time being shown: at or after the cursor step's time, before the next.
    pub playhead: Time,
    pub selected: Option<u32>,
    pub partition: Option<Vec<u32>>,
    pub notice: Option<String>,
    pub share_text: Option<String>,
    sync_url: bool,
}

impl PartialEq for Model {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

pub enum Msg {
    Frame(f64),
    TogglePlay,
    Pause,
    StepForward,
    StepBack,
    Seek(u64),
    Speed(usize),
    Seed(u64),
    NewSeed,
    Act(String),
    Param(String, String),
    Scenario(String),
    Select(Option<u32>),
    TogglePartitionMode,
    TogglePartitionNode(u32),
    CopyLink,
    CopyEmbed,
    DismissProblems,
    Notice(Option<String>),
}

impl Model {
    fn new(mut spec: RunSpec, mut problems: Vec<String>, sync_url: bool) -> Self {
        let built = scene::build(&mut spec);
        problems.extend(built.problems);
        let run = built.run;
        let playhead = run.time_of(run.cursor());
        let model = Model {
            spec,
            run: Rc::new(RefCell::new(run)),
            problems,
            playing: false,
            speed: 2,
            playhead,
            selected: None,
            partition: None,
            notice: None,
            share_text: None,
            sync_url,
        };
        model.write_url();
        model
    }

    fn rebuild(&mut self) {
        self.spec.step = None;
        let built = scene::build(&mut self.spec);
        self.problems = built.problems;
        self.playhead = built.run.time_of(built.run.cursor());
        *self.run.borrow_mut() = built.run;
        self.playing = false;
        self.selected = None;
    }

    /// The link form of the run as it is now.
    pub fn query(&self) -> String {
        let mut spec = self.spec.clone();
        let run = self.run.borrow();
        spec.actions = run.actions_text();
        spec.step = Some(run.cursor()).filter(|s| *s > 0);
        spec.embed = false;
        spec.to_query()
    }

    fn write_url(&self) {
        if self.sync_url {
            let mut query = self.query();
            if self.spec.embed {
                query.push_str("&embed=1");
            }
            browser::replace_query(&query);
        }
    }

    /// Keeps computed steps ahead of the cursor.
    fn ensure_ahead(run: &mut Box<dyn Run>, step: u64) {
        if step + scene::LOOKAHEAD / 2 > run.horizon() && !run.is_finished() {
            run.extend(scene::LOOKAHEAD);
        }
    }

    fn seek(&mut self, step: u64) {
        let mut run = self.run.borrow_mut();
        Self::ensure_ahead(&mut run, step);
        run.seek(step);
        self.playhead = run.time_of(run.cursor());
    }

    fn frame(&mut self, wall_ms: f64) {
        let mut run = self.run.borrow_mut();
        let speed = SPEEDS[self.speed.min(SPEEDS.len() - 1)];
        if speed.sim_ms_per_s.is_none() {
            // As fast as the machine goes: a fixed batch of steps per frame.
            let target = run.cursor() + 5_000;
            Self::ensure_ahead(&mut run, target);
            run.seek(target);
            self.playhead = run.time_of(run.cursor());
        } else {
            let rate = speed.sim_ms_per_s.unwrap_or(1.0);
            let advance = (wall_ms.clamp(0.0, 100.0) * rate) as u64; // µs of simulated time
            self.playhead = self.playhead.saturating_add(Time(advance.max(1)));
            let target = run.step_at_time(self.playhead);
            Self::ensure_ahead(&mut run, target);
            let target = run.step_at_time(self.playhead);
            run.seek(target);
        }
        let at_end = run.cursor() >= run.horizon() && run.is_finished();
        if at_end && self.playhead >= run.time_of(run.horizon()) {
            self.playhead = run.time_of(run.horizon());
            self.playing = false;
        }
    }

    /// A new seed: the same scene and parameters; a scenario's faults are placed again for
    /// the new run, other actions are dropped (their steps meant something in the old run).
    fn reseed(&mut self, seed: u64) {
        match self.spec.scenario.clone() {
            Some(id) => self.load_scenario(&id, seed),
            None => {
                self.spec.seed = seed;
                self.spec.actions.clear();
                self.rebuild();
            }
        }
    }

    fn load_scenario(&mut self, id: &str, seed: u64) {
        match scene::scenario_spec(self.spec.scene, id, seed) {
            Some(spec) => {
                self.spec = RunSpec {
                    embed: self.spec.embed,
                    ..spec
                };
                self.rebuild();
            }
            None => self.problems = vec![format!("There is no scenario \"{id}\" in this scene.")],
        }
    }

    fn act(&mut self, action: &str) {
        let result = self.run.borrow_mut().take(action, self.playhead);
        match result {
            Ok(()) => {
                let run = self.run.borrow();
                self.playhead = run.time_of(run.cursor());
            }
            Err(e) => self.problems = vec![format!("That action could not be taken: {e}.")],
        }
    }
}

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut m = (*self).clone();
        let mut url_changed = true;
        match msg {
            Msg::Frame(wall_ms) => {
                if !m.playing {
                    return self;
                }
                m.frame(wall_ms);
                url_changed = !m.playing;
            }
            Msg::TogglePlay => {
                let finished_at_end = {
                    let mut run = m.run.borrow_mut();
                    run.cursor() >= run.horizon() && run.is_finished()
                };
                if !m.playing && finished_at_end {
                    m.seek(0);
                }
                m.playing = !m.playing;
                url_changed = !m.playing;
            }
            Msg::Pause => m.playing = false,
            Msg::StepForward => {
                m.playing = false;
                let next = m.run.borrow().cursor() + 1;
                m.seek(next);
            }
            Msg::StepBack => {
                m.playing = false;
                let here = m.run.borrow().cursor();
                m.seek(here.saturating_sub(1));
            }
            Msg::Seek(step) => m.seek(step),
            Msg::Speed(index) => {
                m.speed = index.min(SPEEDS.len() - 1);
                url_changed = false;
            }
            Msg::Seed(seed) => m.reseed(seed),
            Msg::NewSeed => m.reseed(browser::random_seed()),
            Msg::Act(action) => {
                m.act(&action);
                m.selected = None;
            }
            Msg::Param(key, value) => {
                m.spec.params.insert(key, value);
                m.spec.actions.clear();
                m.spec.scenario = None;
                m.rebuild();
            }
            Msg::Scenario(id) => m.load_scenario(&id, m.spec.seed),
            Msg::Select(node) => {
                m.selected = node;
                url_changed = false;
            }
            Msg::TogglePartitionMode => {
                m.partition = if m.partition.is_some() {
                    None
                } else {
                    Some(Vec::new())
                };
                url_changed = false;
            }
            Msg::TogglePartitionNode(node) => {
                if let Some(group) = m.partition.as_mut() {
                    match group.iter().position(|n| *n == node) {
                        Some(i) => {
                            group.remove(i);
                        }
                        None => group.push(node),
                    }
                }
                url_changed = false;
            }
            Msg::CopyLink => {
                let link = format!("{}{}", browser::location_base(), m.query());
                browser::copy_to_clipboard(&link);
                m.share_text = Some(link);
                m.notice = Some("Link copied: it opens this exact run at this step.".into());
                url_changed = false;
            }
            Msg::CopyEmbed => {
                let snippet = format!(
                    "<iframe src=\"{}{}&embed=1\" title=\"dsviz: {}\" width=\"720\" height=\"480\" \
                     style=\"border:1px solid #ccc;border-radius:8px\" loading=\"lazy\"></iframe>",
                    browser::location_base(),
                    m.query(),
                    m.spec.scene.title()
                );
                browser::copy_to_clipboard(&snippet);
                m.share_text = Some(snippet);
                m.notice = Some("Embed code copied: paste it into any HTML page.".into());
                url_changed = false;
            }
            Msg::DismissProblems => {
                m.problems.clear();
                url_changed = false;
            }
            Msg::Notice(notice) => {
                m.notice = notice;
                url_changed = false;
            }
        }
        if url_changed {
            m.write_url();
        }
        Rc::new(m)
    }
}

/// The requestAnimationFrame callback, kept alive while the loop runs.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Runs `on_frame(elapsed wall ms)` on every animation frame while `active`.
#[hook]
fn use_animation_frames(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |active| {
        let stop = Rc::new(RefCell::new(false));
        if *active {
            let stop = stop.clone();
            let holder: FrameCallback = Rc::new(RefCell::new(None));
            let holder_inner = holder.clone();
            let last = Rc::new(RefCell::new(None::<f64>));
            *holder.borrow_mut() = Some(Closure::new(move |now: f64| {
                if *stop.borrow() {
                    holder_inner.borrow_mut().take();
                    return;
                }
                let elapsed = last.borrow().map_or(16.0, |prev| now - prev);
                *last.borrow_mut() = Some(now);
                on_frame.emit(elapsed);
                if let (Some(w), Some(cb)) = (browser::window(), holder_inner.borrow().as_ref()) {
                    let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                }
            }));
            let first = holder.borrow();
            if let (Some(w), Some(cb)) = (browser::window(), first.as_ref()) {
                let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
            }
        }
        move || *stop.borrow_mut() = true
    });
}

/// Space plays or pauses; the arrow keys step. Keys typed into a form field are left alone.
#[hook]
fn use_keyboard(dispatch: UseReducerDispatcher<Model>) {
    use_effect_with((), move |_| {
        let document = browser::window().and_then(|w| w.document());
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                // Form fields keep their keys; a focused button or node already acts on space.
                let in_field = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
                let activates =
                    matches!(tag.as_str(), "BUTTON" | "A" | "g" | "G") && e.key() == " ";
                if in_field || activates || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                match e.key().as_str() {
                    " " => {
                        e.prevent_default();
                        dispatch.dispatch(Msg::TogglePlay);
                    }
                    "ArrowRight" => {
                        e.prevent_default();
                        dispatch.dispatch(Msg::StepForward);
                    }
                    "ArrowLeft" => {
                        e.prevent_default();
                        dispatch.dispatch(Msg::StepBack);
                    }
                    _ => {}
                }
            });
        if let Some(doc) = &document {
            let _ =
                doc.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(doc) = &document {
                let _ = doc.remove_event_listener_with_callback(
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
fn use_notice_timeout(notice: Option<String>, dispatch: UseReducerDispatcher<Model>) {
    use_effect_with(notice, move |notice| {
        let timer = notice.is_some().then(|| {
            gloo_timers::callback::Timeout::new(NOTICE_MS, move || {
                dispatch.dispatch(Msg::Notice(None))
            })
        });
        move || drop(timer)
    });
}

/// How long a notice stays up.
const NOTICE_MS: u32 = 12_000;

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let model = {
        let props = props.clone();
        use_reducer(move || Model::new(props.spec, props.problems, props.sync_url))
    };
    let dispatch = model.dispatcher();
    use_animation_frames(model.playing, {
        let dispatch = dispatch.clone();
        Callback::from(move |ms| dispatch.dispatch(Msg::Frame(ms)))
    });
    use_keyboard(dispatch.clone());
    use_notice_timeout(model.notice.clone(), dispatch.clone());

    let send = |make: fn() -> Msg| {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(make()))
    };
    let on_msg = {
        let dispatch = dispatch.clone();
        Callback::from(move |msg: Msg| dispatch.dispatch(msg))
    };

    let (snapshot, cursor, horizon, finished, limit) = {
        let mut run = model.run.borrow_mut();
        let finished = run.is_finished();
        (
            run.snapshot(),
            run.cursor(),
            run.horizon(),
            finished,
            run.at_step_limit(),
        )
    };
    let embed = model.spec.embed;

    let problems = (!model.problems.is_empty()).then(|| {
        html! {
            <div class="problems" role="alert">
                <ul>{ for model.problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                <button class="ghost" aria-label="Dismiss these messages" onclick={send(|| Msg::DismissProblems)}>{ "Dismiss" }</button>
            </div>
        }
    });
    let notice = model.notice.as_ref().map(|n| {
        html! {
            <div class="notice" role="status">
                <span>{ n }</span>
                if let Some(text) = &model.share_text {
                    <input id="share-text" class="share-text" readonly=true value={text.clone()} aria-label="Text to share" />
                }
                <button class="ghost" aria-label="Close" onclick={send(|| Msg::Notice(None))}>{ "×" }</button>
            </div>
        }
    });

    let controls = html! {
        <Controls
            cursor={cursor} horizon={horizon} finished={finished} at_limit={limit}
            playing={model.playing} speed={model.speed} seed={model.spec.seed}
            time={model.playhead} compact={embed} on_msg={on_msg.clone()} />
    };
    let stage_props = StageProps {
        run: RunRef(model.run.clone()),
        cursor,
        playhead: model.playhead,
        compact: embed,
        params: model.spec.params.clone(),
        on_msg: on_msg.clone(),
    };
    let message_views = uses_message_views(model.spec.scene);
    let rows = if !message_views {
        Vec::new()
    } else {
        let run = model.run.borrow();
        let from = cursor
            .saturating_sub(super::diagram::WINDOW_STEPS / 2)
            .max(1);
        run.rows(from, (from + super::diagram::WINDOW_STEPS).min(horizon))
    };
    let extra_panel = scene_panel(model.spec.scene, stage_props.clone());
    let topology = scene_stage(model.spec.scene, stage_props).unwrap_or_else(|| html! {
        <Topology snapshot={snapshot.clone()} playhead={model.playhead}
            selected={model.selected} partition={model.partition.clone()}
            commands={model.selected.map(|n| scene::node_commands(model.spec.scene, n, &snapshot)).unwrap_or_default()}
            on_msg={on_msg.clone()} />
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
            <div class="dsviz embed">
                { for problems }
                <div class="embed-stage">{ topology }</div>
                <div class="embed-bar">
                    { controls }
                    <InvariantPanel invariants={snapshot.invariants.clone()} compact=true on_msg={on_msg.clone()} />
                    if props.sync_url {
                        <a class="open-full" href={open_full} target="_blank" rel="noopener">{ "Open in dsviz ↗" }</a>
                    }
                </div>
            </div>
        };
    }

    html! {
        <div class="dsviz">
            <header class="topbar">
                <a class="brand" href="?">{ "dsviz" }</a>
                <nav class="scenes" aria-label="Scenes">
                    { for SceneId::ALL.iter().map(|s| html! {
                        <a href={format!("?scene={}", s.slug())}
                           class={classes!("scene-link", (*s == model.spec.scene).then_some("current"))}
                           aria-current={(*s == model.spec.scene).then_some("page")}>{ s.title() }</a>
                    }) }
                </nav>
                <div class="share">
                    <button id="copy-link" onclick={send(|| Msg::CopyLink)} aria-label="Copy a link to this exact run and step">{ "Copy link" }</button>
                    <button id="copy-embed" onclick={send(|| Msg::CopyEmbed)} aria-label="Copy HTML code that embeds this run">{ "Copy embed code" }</button>
                </div>
            </header>
            { for problems }
            { for notice }
            <main class="layout">
                <div class="main-col">
                    <section class="stage" aria-label="Topology">{ topology }</section>
                    <div class="controls-row">{ controls }</div>
                </div>
                <aside class="side">
                    <InvariantPanel invariants={snapshot.invariants.clone()} compact=false on_msg={on_msg.clone()} />
                    <ScenePanel scene={model.spec.scene} params={model.spec.params.clone()} scenario={model.spec.scenario.clone()} on_msg={on_msg.clone()} />
                    { for extra_panel }
                    if message_views {
                        <NodeDetails nodes={snapshot.nodes.clone()} />
                    }
                </aside>
            </main>
            if message_views {
                <Diagram rows={rows} cursor={cursor} playhead={model.playhead}
                    node_names={snapshot.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>()}
                    file_stem={format!("dsviz-{}-seed{}", model.spec.scene.slug(), model.spec.seed)}
                    on_msg={on_msg.clone()} />
            }
        </div>
    }
}
