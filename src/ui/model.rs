//! The app's state and its reducer: what the person sees and every gesture as a [`Msg`].
//! No Yew and no browser types: the browser is reached through [`Host`], so the reducer is
//! tested natively like the rest of the model.
use crate::scene::{Built, RunSpec, SceneId, LOOKAHEAD};
use crate::sim::run::Run;
use crate::sim::Time;
use std::cell::RefCell;
use std::rc::Rc;

/// What the model asks of the page around it.
pub trait Host {
    /// Shows `query` in the address bar (replacing the current history entry).
    fn replace_query(&self, query: &str);
    /// The page's address without its query: where links and embeds point.
    fn base_url(&self) -> String;
    fn copy_to_clipboard(&self, text: &str);
    /// A fresh seed from outside the simulation.
    fn random_seed(&self) -> u64;
}

/// A playback speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speed {
    pub label: &'static str,
    /// Simulated milliseconds per wall-clock second; `None` is as fast as the machine goes.
    pub sim_ms_per_s: Option<f64>,
}

pub const SPEEDS: [Speed; 8] = [
    Speed {
        label: "0.002× (slow motion)",
        sim_ms_per_s: Some(2.0),
    },
    Speed {
        label: "0.005×",
        sim_ms_per_s: Some(5.0),
    },
    Speed {
        label: "0.02×",
        sim_ms_per_s: Some(20.0),
    },
    Speed {
        label: "0.05×",
        sim_ms_per_s: Some(50.0),
    },
    Speed {
        label: "0.2×",
        sim_ms_per_s: Some(200.0),
    },
    Speed {
        label: "1× (real time)",
        sim_ms_per_s: Some(1000.0),
    },
    Speed {
        label: "5×",
        sim_ms_per_s: Some(5000.0),
    },
    Speed {
        label: "max",
        sim_ms_per_s: None,
    },
];

/// The speed a run starts at.
pub const DEFAULT_SPEED: usize = 2;

/// At "max" speed, how many steps one frame advances.
pub const MAX_SPEED_STEPS_PER_FRAME: u64 = 5_000;

/// While a run plays, the panels beside the stage (the diagram, node cards, the scene's
/// panel) follow it at most this often: faster than a person reads them, slow enough that
/// drawing them does not take the frames the stage's animation needs.
pub const PANEL_REFRESH_MS: f64 = 100.0;

/// Every gesture and timer tick the app reacts to.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// An animation frame, with the wall-clock milliseconds since the last one.
    Frame(f64),
    TogglePlay,
    Pause,
    StepForward,
    StepBack,
    Seek(u64),
    Speed(usize),
    Seed(u64),
    NewSeed,
    /// An action in link form (`crash:0`, `cmd:1:vote-no`, ...), taken at the playhead.
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
    /// Open a whole run (a link's spec), at its step: what the Explore panel found.
    Open(RunSpec),
}

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
    /// The cursor step the panels last showed, and wall-clock ms since they were drawn.
    panels_step: u64,
    panels_age_ms: f64,
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
            panels_step: self.panels_step,
            panels_age_ms: self.panels_age_ms,
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
        let built = builder(&mut spec);
        problems.extend(built.problems);
        let run = built.run;
        let playhead = run.time_of(run.cursor());
        let model = Model {
            spec,
            run: Rc::new(RefCell::new(run)),
            problems,
            playing: false,
            speed: DEFAULT_SPEED,
            playhead,
            selected: None,
            partition: None,
            notice: None,
            share_text: None,
            sync_url,
            panels_tick: 0,
            panels_step: 0,
            panels_age_ms: 0.0,
            host,
            builder,
        };
        model.write_url();
        model
    }

    pub fn scene(&self) -> SceneId {
        self.spec.scene
    }

    fn rebuild(&mut self) {
        self.spec.step = None;
        let built = (self.builder)(&mut self.spec);
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

    fn write_url(&self) {
        if self.sync_url {
            let mut query = self.query();
            if self.spec.embed {
                query.push_str("&embed=1");
            }
            self.host.replace_query(&query);
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
                let next = self.run.borrow().cursor() + 1;
                self.seek(next);
            }
            Msg::StepBack => {
                self.playing = false;
                let here = self.run.borrow().cursor();
                self.seek(here.saturating_sub(1));
            }
            Msg::Seek(step) => self.seek(step),
            Msg::Speed(index) => {
                self.speed = index.min(SPEEDS.len() - 1);
                url_changed = false;
            }
            Msg::Seed(seed) => self.reseed(seed),
            Msg::NewSeed => self.reseed(self.host.random_seed()),
            Msg::Act(action) => {
                self.act(&action);
                self.selected = None;
            }
            Msg::Param(key, value) => {
                self.spec.params.insert(key, value);
                self.spec.actions.clear();
                self.spec.scenario = None;
                self.rebuild();
            }
            Msg::Scenario(id) => self.load_scenario(&id, self.spec.seed),
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
                self.notice = Some("Link copied: it opens this exact run at this step.".into());
                url_changed = false;
            }
            Msg::CopyEmbed => {
                let snippet = self.embed_code();
                self.host.copy_to_clipboard(&snippet);
                self.share_text = Some(snippet);
                self.notice = Some("Embed code copied: paste it into any HTML page.".into());
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
        if url_changed {
            self.write_url();
        }
        true
    }
}
