//! The app's state and its reducer: what the person sees and every gesture as a [`Msg`].
//! No Yew and no browser types: the browser is reached through [`Host`], so the reducer is
//! tested natively like the rest of the model.
mod msg;
mod navigation;
mod speeds;
mod status;

pub use msg::Msg;
pub use speeds::{Speed, SPEEDS};
pub use status::step_status;

use crate::i18n::{tr, trf};
use crate::scene::tour::PlacedStop;
use crate::scene::{Built, RunSpec, SceneId, LOOKAHEAD};
use crate::sim::run::Run;
use crate::sim::Time;
use std::cell::RefCell;
use std::rc::Rc;

/// What the model asks of the page around it.
pub trait Host {
    /// Shows `query` in the address bar (replacing the current history entry).
    fn replace_query(&self, query: &str);
    /// Shows `query` in the address bar as a new history entry, so that the browser's Back
    /// undoes the gesture that made it.
    fn push_query(&self, query: &str);
    /// The page's address without its query: where links and embeds point.
    fn base_url(&self) -> String;
    fn copy_to_clipboard(&self, text: &str);
    /// A fresh seed from outside the simulation.
    fn random_seed(&self) -> u64;
}

/// The speed a run starts at.
pub const DEFAULT_SPEED: usize = 2;

/// At "max" speed, how many steps one frame advances.
pub const MAX_SPEED_STEPS_PER_FRAME: u64 = 5_000;

/// While a run plays, the panels beside the stage (the diagram, node cards, the scene's
/// panel) follow it at most this often: faster than a person reads them, slow enough that
/// drawing them does not take the frames the stage's animation needs.
pub const PANEL_REFRESH_MS: f64 = 100.0;

/// Most gestures "Undo" can take back.
pub const UNDO_DEPTH: usize = 100;

/// How many steps "step to the next visible change" looks ahead before it stops anyway.
pub const VISIBLE_STEP_LIMIT: u64 = 5_000;

/// The app's state. `R` is the run type: `dyn Run` natively, the UI's run (which can also
/// draw its scene's views) in the browser.
pub struct Model<R: ?Sized + Run> {
    pub spec: RunSpec,
    pub run: Rc<RefCell<Box<R>>>,
    pub problems: Vec<String>,
    pub playing: bool,
    pub speed: usize,
    /// The simulated time being shown: at or after the cursor step's time, before the next.
    pub playhead: Time,
    pub selected: Option<u32>,
    pub partition: Option<Vec<u32>>,
    pub notice: Option<String>,
    pub share_text: Option<String>,
    /// Keep the address bar in step with the run (off when mounted into a host page).
    pub sync_url: bool,
    /// Changes whenever the panels beside the stage should be drawn again (see
    /// [`PANEL_REFRESH_MS`]); views key their expensive parts on it.
    pub panels_tick: u64,
    /// Whether the page has painted its first picture (`Msg::Settle`): until then only the
    /// stage and its controls are drawn.
    pub settled: bool,
    /// The cursor step the panels last showed, and wall-clock ms since they were drawn.
    panels_step: u64,
    panels_age_ms: f64,
    /// The scene's tour, placed in its runs (computed when first opened).
    pub tour_stops: Option<Rc<Vec<PlacedStop>>>,
    /// The tour stop the person left with "Try it yourself".
    pub tour_left: Option<usize>,
    /// The runs before each gesture, for Undo (the newest last).
    pub undo: Rc<Vec<RunSpec>>,
    /// The step at which the person's last action changed a run they had rewound.
    pub branched_from: Option<u64>,
    host: Rc<dyn Host>,
    builder: fn(&mut RunSpec) -> Built<R>,
}

impl<R: ?Sized + Run> Clone for Model<R> {
    fn clone(&self) -> Self {
        Model {
            spec: self.spec.clone(),
            run: self.run.clone(),
            problems: self.problems.clone(),
            playing: self.playing,
            speed: self.speed,
            playhead: self.playhead,
            selected: self.selected,
            partition: self.partition.clone(),
            notice: self.notice.clone(),
            share_text: self.share_text.clone(),
            sync_url: self.sync_url,
            panels_tick: self.panels_tick,
            settled: self.settled,
            panels_step: self.panels_step,
            panels_age_ms: self.panels_age_ms,
            tour_stops: self.tour_stops.clone(),
            tour_left: self.tour_left,
            undo: self.undo.clone(),
            branched_from: self.branched_from,
            host: self.host.clone(),
            builder: self.builder,
        }
    }
}

impl<R: ?Sized + Run> Model<R> {
    pub fn new(
        mut spec: RunSpec,
        mut problems: Vec<String>,
        sync_url: bool,
        host: Rc<dyn Host>,
        builder: fn(&mut RunSpec) -> Built<R>,
    ) -> Self {
        if let Some(lang) = spec.show.lang {
            crate::i18n::set_lang(lang);
        }
        let tour_stops = spec.tour.map(|_| Rc::new(spec.scene.def().tour()));
        if let (Some(stop), Some(stops)) = (spec.tour, &tour_stops) {
            match stops.get(stop) {
                Some(placed) => spec = Self::tour_spec(&spec, placed, stop),
                None => {
                    problems.push(trf(
                        "The tour of {scene} has {n} stops; there is no stop {stop}.",
                        &[
                            ("scene", &tr(spec.scene.title())),
                            ("n", &stops.len()),
                            ("stop", &(stop + 1)),
                        ],
                    ));
                    spec.tour = None;
                }
            }
        }
        let built = builder(&mut spec);
        problems.extend(built.problems);
        let run = built.run;
        let playhead = run.time_of(run.cursor());
        let model = Model {
            playing: spec.show.autoplay,
            speed: spec
                .show
                .speed
                .unwrap_or(DEFAULT_SPEED)
                .min(SPEEDS.len() - 1),
            spec,
            run: Rc::new(RefCell::new(run)),
            problems,
            playhead,
            selected: None,
            partition: None,
            notice: None,
            share_text: None,
            sync_url,
            panels_tick: 0,
            settled: false,
            panels_step: 0,
            panels_age_ms: 0.0,
            tour_stops,
            tour_left: None,
            undo: Rc::new(Vec::new()),
            branched_from: None,
            host,
            builder,
        };
        // The address bar gets the run's exact link once the page has painted
        // (`Msg::Settle`): nothing before the first picture that need not be.
        model
    }

    pub fn scene(&self) -> SceneId {
        self.spec.scene
    }

    fn rebuild(&mut self) {
        self.spec.step = None;
        self.spec.tour = None;
        self.branched_from = None;
        let built = (self.builder)(&mut self.spec);
        self.problems = built.problems;
        self.playhead = built.run.time_of(built.run.cursor());
        *self.run.borrow_mut() = built.run;
        self.compute_ahead();
        self.playing = false;
        self.selected = None;
    }

    /// Keeps [`LOOKAHEAD`] steps computed past the cursor (a run opened by the page's
    /// builder may have computed fewer).
    fn compute_ahead(&mut self) {
        let mut run = self.run.borrow_mut();
        let wanted = run.cursor() + LOOKAHEAD;
        if wanted > run.horizon() && !run.is_finished() {
            let missing = wanted - run.horizon();
            run.extend(missing);
        }
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

    /// The address of this run at this step, for "Copy link".
    pub fn link(&self) -> String {
        format!("{}{}", self.host.base_url(), self.query())
    }

    /// The HTML that embeds this run.
    pub fn embed_code(&self) -> String {
        format!(
            "<iframe src=\"{}&embed=1\" title=\"dsviz: {}\" width=\"720\" height=\"460\" \
             style=\"border:1px solid #ccc;border-radius:8px\" loading=\"lazy\"></iframe>",
            self.link(),
            self.spec.scene.title()
        )
    }

    /// The query of the page's own address: the run, and how the page shows it.
    fn page_query(&self) -> String {
        let mut query = self.query();
        if self.spec.embed {
            query.push_str("&embed=1");
        }
        query
    }

    fn write_url(&self) {
        if self.sync_url {
            self.host.replace_query(&self.page_query());
        }
    }

    /// Keeps computed steps ahead of the cursor.
    fn ensure_ahead(run: &mut R, step: u64) {
        if step + LOOKAHEAD / 2 > run.horizon() && !run.is_finished() {
            run.extend(LOOKAHEAD.max(step + LOOKAHEAD / 2 - run.horizon()));
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
        match speed.sim_ms_per_s {
            None => {
                // As fast as the machine goes: a fixed batch of steps per frame.
                let target = run.cursor() + MAX_SPEED_STEPS_PER_FRAME;
                Self::ensure_ahead(&mut run, target);
                run.seek(target);
                self.playhead = run.time_of(run.cursor());
            }
            Some(rate) => {
                let advance = (wall_ms.clamp(0.0, 100.0) * rate) as u64; // µs of simulated time
                self.playhead = self.playhead.saturating_add(Time(advance.max(1)));
                let target = run.step_at_time(self.playhead);
                Self::ensure_ahead(&mut run, target);
                let target = run.step_at_time(self.playhead);
                run.seek(target);
            }
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
        match crate::scene::scenario_spec(self.spec.scene, id, seed) {
            Some(spec) => {
                self.spec = RunSpec {
                    embed: self.spec.embed,
                    ..spec
                };
                self.rebuild();
            }
            None => {
                self.problems = vec![trf(
                    "There is no scenario \"{id}\" in this scene.",
                    &[("id", &id)],
                )]
            }
        }
    }

    fn act(&mut self, action: &str) {
        // Acting before the end of what was already played changes the rest of the run:
        // it is a branch of the scenario, not the scenario any more.
        let (cursor, rewound) = {
            let run = self.run.borrow();
            let last_action = run
                .actions_text()
                .iter()
                .filter_map(|a| a.split('@').next()?.parse::<u64>().ok())
                .max()
                .unwrap_or(0);
            (
                run.cursor(),
                run.cursor() < last_action || self.spec.scenario.is_some(),
            )
        };
        let result = self.run.borrow_mut().take(action, self.playhead);
        match result {
            Ok(()) => {
                let run = self.run.borrow();
                self.playhead = run.time_of(run.cursor());
                if rewound {
                    self.branched_from = Some(cursor);
                    self.spec.scenario = None;
                }
                self.spec.tour = None;
                self.tour_left = None;
            }
            Err(e) => {
                self.problems = vec![trf(
                    "That action could not be taken: {why}.",
                    &[("why", &e)],
                )]
            }
        }
    }

    fn finished_at_end(&self) -> bool {
        let mut run = self.run.borrow_mut();
        run.cursor() >= run.horizon() && run.is_finished()
    }

    /// Asks the panels to be drawn again now.
    fn refresh_panels(&mut self) {
        self.panels_tick += 1;
        self.panels_step = self.run.borrow().cursor();
        self.panels_age_ms = 0.0;
    }

    /// Carries out one message. Returns false when nothing changed (the view need not be
    /// drawn again).
    pub fn update(&mut self, msg: Msg) -> bool {
        let mut url_changed = true;
        // Gestures that make a new run get their own browser-history entry.
        let mut new_entry = false;
        match msg {
            Msg::Frame(wall_ms) => {
                if !self.playing {
                    return false;
                }
                self.frame(wall_ms);
                url_changed = !self.playing;
                self.panels_age_ms += wall_ms.max(0.0);
                let moved = self.run.borrow().cursor() != self.panels_step;
                if !self.playing || (moved && self.panels_age_ms >= PANEL_REFRESH_MS) {
                    self.refresh_panels();
                }
                if url_changed {
                    self.write_url();
                }
                return true;
            }
            Msg::TogglePlay => {
                if !self.playing && self.finished_at_end() {
                    self.seek(0);
                }
                self.playing = !self.playing;
                url_changed = !self.playing;
            }
            Msg::Pause => self.playing = false,
            Msg::StepForward => {
                self.playing = false;
                let next = {
                    let mut run = self.run.borrow_mut();
                    let here = run.cursor();
                    run.next_visible(here, VISIBLE_STEP_LIMIT)
                };
                self.seek(next);
            }
            Msg::StepOne => {
                self.playing = false;
                let next = self.run.borrow().cursor() + 1;
                self.seek(next);
            }
            Msg::StepBack => {
                self.playing = false;
                let here = self.run.borrow().cursor();
                self.seek(here.saturating_sub(1));
            }
            Msg::Seek(step) => self.seek(step),
            Msg::Settle => {
                self.settled = true;
                self.compute_ahead();
                self.refresh_panels();
            }
            Msg::Speed(index) => {
                self.speed = index.min(SPEEDS.len() - 1);
                url_changed = false;
            }
            Msg::Seed(seed) => {
                self.remember();
                self.reseed(seed);
                new_entry = true;
            }
            Msg::NewSeed => {
                self.remember();
                self.reseed(self.host.random_seed());
                new_entry = true;
            }
            Msg::Act(action) => {
                self.remember();
                self.act(&action);
                self.selected = None;
                new_entry = true;
            }
            Msg::Param(key, value) => {
                self.remember();
                self.spec.params.insert(key, value);
                self.spec.actions.clear();
                self.spec.scenario = None;
                self.rebuild();
                new_entry = true;
            }
            Msg::Scenario(id) => {
                self.remember();
                self.load_scenario(&id, self.spec.seed);
                new_entry = true;
            }
            Msg::TourOpen(stop) => {
                self.remember();
                self.open_stop(stop);
                new_entry = true;
            }
            Msg::TourNext | Msg::TourBack => {
                let here = self.spec.tour.or(self.tour_left).unwrap_or(0);
                let len = self.tour().len();
                let stop = if msg == Msg::TourNext {
                    (here + 1).min(len.saturating_sub(1))
                } else {
                    here.saturating_sub(1)
                };
                self.open_stop(stop);
            }
            Msg::TourLeave => {
                self.tour_left = self.spec.tour.take();
            }
            Msg::TourReturn => {
                if let Some(stop) = self.tour_left {
                    self.remember();
                    self.open_stop(stop);
                    new_entry = true;
                }
            }
            Msg::Undo => {
                let last = Rc::make_mut(&mut self.undo).pop();
                if let Some(spec) = last {
                    self.open(spec);
                }
            }
            Msg::Navigate(query) => {
                let (spec, problems) = RunSpec::from_query(&query);
                let undo = Rc::make_mut(&mut self.undo);
                if undo.last().map(|s| s.to_query()) == Some(spec.to_query()) {
                    undo.pop();
                }
                self.open(spec);
                self.problems.extend(problems);
                url_changed = false;
            }
            Msg::TextsLoaded => url_changed = false,
            Msg::Lang(lang) => {
                crate::i18n::set_lang(lang);
                self.spec.show.lang = Some(lang);
            }
            Msg::Select(node) => {
                self.selected = node;
                url_changed = false;
            }
            Msg::TogglePartitionMode => {
                self.partition = match self.partition {
                    Some(_) => None,
                    None => Some(Vec::new()),
                };
                url_changed = false;
            }
            Msg::TogglePartitionNode(node) => {
                if let Some(group) = self.partition.as_mut() {
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
                let link = self.link();
                self.host.copy_to_clipboard(&link);
                self.share_text = Some(link);
                self.notice = Some(tr("Link copied: it opens this exact run at this step.").into());
                url_changed = false;
            }
            Msg::CopyEmbed => {
                let snippet = self.embed_code();
                self.host.copy_to_clipboard(&snippet);
                self.share_text = Some(snippet);
                self.notice = Some(tr("Embed code copied: paste it into any HTML page.").into());

                url_changed = false;
            }
            Msg::Open(spec) => {
                let step = spec.step;
                self.spec = RunSpec {
                    embed: self.spec.embed,
                    ..spec
                };
                self.rebuild();
                if let Some(step) = step {
                    self.update(Msg::Seek(step));
                }
            }
            Msg::DismissProblems => {
                self.problems.clear();
                url_changed = false;
            }
            Msg::Notice(notice) => {
                self.notice = notice;
                url_changed = false;
            }
        }
        // Anything but a frame is a person's gesture: the panels show its result at once.
        self.refresh_panels();
        if new_entry && self.sync_url {
            self.host.push_query(&self.page_query());
        } else if url_changed {
            self.write_url();
        }
        true
    }
}
