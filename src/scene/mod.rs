//! Scenes: what a person picks in the app. Pure Rust, so links, parameters and view models
//! are tested natively.
//!
//! **The scene contract.** A scene is one type implementing [`Scene`], in its own file
//! `scene/<topic>.rs`, with its protocol in `algo/<topic>/` and its views in `ui/<topic>/`.
//! It says what its nodes are, which parameters it reads, which scenarios it offers, and
//! what its views draw (a typed view model); everything else (reading a link, checking
//! every parameter, resolving a scenario's triggers, building the run, time travel, the
//! generic views) is shared. Adding a scene adds one line to the registry in
//! `crate::registry`. See `ARCHITECTURE.md` for the checklist.
#[cfg(feature = "balance")]
pub mod balance;
#[cfg(all(feature = "two-pc", feature = "locks"))]
pub mod bench;
pub mod fields;
#[cfg(feature = "locks")]
pub mod locks;
pub mod narration;
pub mod params;
#[cfg(feature = "paxos")]
pub mod paxos;
#[cfg(feature = "queue")]
pub mod queue;
#[cfg(feature = "raft")]
pub mod raft;
#[cfg(feature = "ring")]
pub mod ring;
pub mod scene_run;
pub mod spec;
pub mod teaching;
pub mod tour;
#[cfg(feature = "two-pc")]
pub mod two_pc;

pub use fields::{Field, FieldKind, NET_FIELDS};
pub use params::ParamReader;
pub use scene_run::SceneRun;
pub use spec::{RunSpec, SceneId};
pub use teaching::{At, Focus, LegendEntry, Names, Swatch, TourStop};

use crate::algo::text::shorten;
use crate::i18n::{tr, trf};
use crate::sim::run::Run;
use crate::sim::scenario::{resolve, Trigger};
use crate::sim::sorted::SortedMap;
use crate::sim::{Action, Invariant, NetConfig, NodeId, Protocol, Scheduled, Sim, Timeline};
use std::marker::PhantomData;

pub use crate::sim::scenario::ScenarioInfo;

/// The furthest step a link may name (for an action or the step shown): computing a
/// million steps takes about a second, which bounds the work a link can ask for. Runs
/// themselves go on as long as they are played.
pub const MAX_LINK_STEP: u64 = 1_000_000;

/// How many steps a run computes ahead of what is shown.
pub const LOOKAHEAD: u64 = 2_000;

/// How many steps the page computes before its first picture (see
/// [`build_scene_opening`]): enough to draw the opening step, while the rest of
/// [`LOOKAHEAD`] waits until the scene is on screen. Some scenes take tens of milliseconds
/// for 2,000 steps (the load balancer's traffic, Raft's heartbeats).
pub const OPENING_STEPS: u64 = 100;

/// The most steps building a run from a link computes.
pub const MAX_STEPS: u64 = MAX_LINK_STEP + LOOKAHEAD;

/// Scene parameters by name, as text (their link form).
pub type Params = SortedMap<String, String>;

/// What a scene's nodes are: one per `NodeId`, with a name for people, and the safety
/// properties checked after every step.
pub struct World<P: Protocol> {
    pub nodes: Vec<P>,
    pub names: Vec<String>,
    pub invariants: Vec<Invariant<P>>,
}

/// How a ready-made scenario places its inputs and faults.
pub enum Plan<P: Protocol> {
    /// "When this holds, do that": resolved by running the world once (see
    /// [`crate::sim::scenario`]).
    Triggers(Vec<Trigger<P>>),
    /// Actions at fixed steps and times.
    Actions(Vec<Scheduled<P::Cmd>>),
}

/// A ready-made scenario: the configuration it runs and what happens in it.
pub struct Scenario<S: Scene> {
    pub config: S::Config,
    pub plan: Plan<S::Node>,
}

/// A command a person can give a node from its menu: a label and the typed action.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCommand<C> {
    pub label: String,
    pub action: Action<C>,
}

/// The contract every scene implements (see the module documentation).
pub trait Scene: Sized + 'static {
    type Node: Protocol + 'static;
    type Config: Clone + PartialEq + 'static;
    /// What the scene's own views draw, at one step. Typed: views never parse text.
    type View: Clone + PartialEq + 'static;

    /// The scene's name in links (`?scene=...`).
    const SLUG: &'static str;
    const TITLE: &'static str;
    /// One paragraph on what the scene shows.
    const BLURB: &'static str;
    /// The scene's own parameters. Network parameters ([`NET_FIELDS`]) are added for
    /// scenes whose nodes talk over the simulated network.
    const FIELDS: &'static [Field];
    /// The Chinese catalogue of the scene's texts (`include_str!("<topic>.zh.txt")`; see
    /// `crate::i18n` for the format).
    const CATALOGUE_ZH: &'static str = "";
    /// Whether the nodes talk over the network (the network fields apply; the topology
    /// view and the space-time diagram are drawn).
    const NETWORKED: bool = true;
    /// Whether the Explore panel searches the scene's runs for a broken invariant (seed
    /// sweeps and an exhaustive search over the kernel's choices; see `crate::explore`).
    const EXPLORABLE: bool = true;

    /// The network a run of this scene uses unless the link says otherwise.
    fn default_net() -> NetConfig {
        NetConfig::default()
    }

    /// The network a ready-made scenario runs on (a scenario may need its own, e.g. one
    /// where every message takes equally long).
    fn scenario_net(_config: &Self::Config) -> NetConfig {
        Self::default_net()
    }

    /// Reads the configuration from the link's parameters. Each reader falls back to its
    /// default with a message; an `Err` (a combination that cannot run) falls back to the
    /// default configuration.
    fn read(r: &mut ParamReader) -> Result<Self::Config, String>;

    /// The link form of a configuration (the inverse of [`Scene::read`]).
    fn write(config: &Self::Config, out: &mut Params);

    /// The nodes of a run. An `Err` (only for configurations `read` let through but that
    /// cannot be built) falls back to the default configuration with that message.
    fn world(config: &Self::Config, seed: u64) -> Result<World<Self::Node>, String>;

    fn scenarios() -> Vec<ScenarioInfo>;

    fn scenario(id: &str) -> Option<Scenario<Self>>;

    /// The view model at the cursor.
    fn view(run: &SceneRun<Self>) -> Self::View;

    /// What a person can tell `node` to do (besides the kernel's own faults).
    fn node_commands(
        run: &SceneRun<Self>,
        node: NodeId,
    ) -> Vec<NodeCommand<<Self::Node as Protocol>::Cmd>>;

    /// A sentence for what a node narrated (see `Ctx::note`), for captions and the log:
    /// "P2 forced PREPARED t1 to its log and voted YES".
    fn describe(_names: &Names<'_>, node: NodeId, note: &<Self::Node as Protocol>::Note) -> String {
        format!("{node}: {note:?}")
    }

    /// Whether a note is routine bookkeeping (a timer set, a write reaching the disk)
    /// rather than a decision: the log keeps it, but a step's caption explains the step
    /// with a decision when there is one.
    fn routine_note(_note: &<Self::Node as Protocol>::Note) -> bool {
        false
    }

    /// Whether a note is itself a change on the stage, so that "step to the next change"
    /// stops at its step. Most scenes show a decision through a message or a state that
    /// changes with it; a scene whose nodes change the picture with no message (the ring's
    /// membership changes, drawn from churn's timer) says so here.
    fn note_changes_stage(_note: &<Self::Node as Protocol>::Note) -> bool {
        false
    }

    /// Whether a note tells a broken variant breaking a rule of the protocol ("Broken
    /// variant: P1 votes YES without logging PREPARED"): it explains the bug the variant
    /// shows, so a step's caption leads with it, before the step's event and decisions.
    fn broken_variant_note(_note: &<Self::Node as Protocol>::Note) -> bool {
        false
    }

    /// A command in words, for captions and the log ("look up key user:42"); by default
    /// its link form.
    fn describe_command(cmd: &<Self::Node as Protocol>::Cmd) -> String {
        cmd.to_string()
    }

    /// Where each node sits in the topology view (servers in the middle, clients around);
    /// missing entries are the core.
    fn node_groups(_config: &Self::Config) -> Vec<crate::sim::run::NodeGroup> {
        Vec::new()
    }

    /// Marks under each node's state on the stage ("blocked", "holds the lock"), by node.
    fn node_marks(_run: &SceneRun<Self>) -> Vec<Vec<crate::sim::run::NodeMark>> {
        Vec::new()
    }

    /// The scene's guided tour, in order.
    fn tour() -> Vec<TourStop<Self>> {
        Vec::new()
    }

    /// What the scene's states, colours and marks mean.
    fn legend() -> Vec<LegendEntry> {
        Vec::new()
    }
}

/// A run built from a spec, with the messages about what in the spec could not be used.
pub struct Built<R: ?Sized> {
    pub run: Box<R>,
    pub problems: Vec<String>,
}

/// The fields the settings panel shows for scene `S`: its own, then the network's.
pub fn all_fields<S: Scene>() -> Vec<Field> {
    let mut fields = S::FIELDS.to_vec();
    if S::NETWORKED {
        fields.extend_from_slice(NET_FIELDS);
    }
    fields
}

/// Reads a configuration and network from parameters: unusable ones are reported and
/// replaced by defaults; `params` is rewritten to what was really used.
pub fn read_config<S: Scene>(params: &mut Params) -> (S::Config, NetConfig, Vec<String>) {
    let mut r = ParamReader::new(params);
    let config = S::read(&mut r);
    let net = if S::NETWORKED {
        r.network(S::default_net())
    } else {
        S::default_net()
    };
    let mut problems = std::mem::take(&mut r.problems);
    let config = config.unwrap_or_else(|e| {
        problems.push(default_setup_used(&e));
        default_config::<S>()
    });
    *params = write_params::<S>(&config, &net);
    (config, net, problems)
}

/// The configuration a link with no parameters gets.
pub fn default_config<S: Scene>() -> S::Config {
    S::read(&mut ParamReader::new(&Params::new()))
        .unwrap_or_else(|e| panic!("{}: the default configuration is refused: {e}", S::SLUG))
}

/// The link form of a configuration and network.
pub fn write_params<S: Scene>(config: &S::Config, net: &NetConfig) -> Params {
    let mut out = Params::new();
    S::write(config, &mut out);
    if S::NETWORKED {
        params::write_network(net, &mut out);
    }
    out
}

/// Builds the run a spec describes, for scene `S`. `spec` is rewritten to what was really
/// used (unusable parameters and actions removed), so the next link written from it is
/// clean. A spec naming a scenario but carrying no actions asks for the scenario itself.
pub fn build_scene<S: Scene>(spec: &mut RunSpec) -> Built<SceneRun<S>> {
    build_scene_opening(spec, LOOKAHEAD)
}

/// [`build_scene`], computing only `ahead` steps past the step shown (at least one, and
/// never fewer than the link's step needs): the page opens with [`OPENING_STEPS`] and
/// computes the rest once it has drawn.
pub fn build_scene_opening<S: Scene>(spec: &mut RunSpec, ahead: u64) -> Built<SceneRun<S>> {
    // Only what needs the scene's types is written here; the rest is in plain functions,
    // one copy for every scene (each generic line is repeated in the bundle per scene).
    let mut problems = Vec::new();
    if let (Some(id), true) = (spec.scenario.clone(), spec.actions.is_empty()) {
        let full = scenario_spec_of::<S>(&id, spec.seed);
        use_scenario(spec, &id, full, S::TITLE, &mut problems);
    }
    let (mut config, net, mut read_problems) = read_config::<S>(&mut spec.params);
    problems.append(&mut read_problems);
    let world = match S::world(&config, spec.seed) {
        Ok(world) => world,
        Err(e) => {
            problems.push(default_setup_used(&e));
            config = default_config::<S>();
            spec.params = write_params::<S>(&config, &net);
            S::world(&config, spec.seed)
                .unwrap_or_else(|e| panic!("{}: the default world cannot be built: {e}", S::SLUG))
        }
    };
    let node_count = world.nodes.len() as u32;
    let sim = Sim::new(spec.seed, world.nodes, net, world.invariants);
    let mut actions = Vec::new();
    keep_link_actions(spec, &mut problems, &mut |text| {
        let action = Scheduled::<<S::Node as Protocol>::Cmd>::parse(text, node_count)
            .map_err(|e| crate::i18n::line(&e.0))?;
        let kept = action.at <= MAX_LINK_STEP;
        if kept {
            actions.push(action);
        }
        Ok(kept)
    });
    let mut timeline = Timeline::new(sim, actions, u64::MAX);
    if spec.scenario.is_some() {
        // A scenario's link holds only the scenario's actions (acting on it drops `sc`):
        // its faults are the scenario's, not the person's.
        timeline.mark_scripted();
    }
    let mut run = SceneRun::<S>::new(config, timeline, world.names);
    open_at_link_step(&mut run, spec, ahead, &mut problems);
    Built {
        run: Box::new(run),
        problems,
    }
}

fn default_setup_used(problem: &str) -> String {
    trf(
        "{problem}; using the default setup.",
        &[("problem", &problem)],
    )
}

/// A spec naming a scenario and no actions takes the scenario's parameters and actions
/// (`full`, or a message if the scene has no such scenario).
fn use_scenario(
    spec: &mut RunSpec,
    id: &str,
    full: Option<RunSpec>,
    title: &'static str,
    problems: &mut Vec<String>,
) {
    match full {
        Some(full) => {
            spec.params = full.params;
            spec.actions = full.actions;
        }
        None => {
            problems.push(trf(
                "There is no scenario \"{id}\" in {scene}; showing the plain scene.",
                &[("id", &shorten(id, 60)), ("scene", &tr(title))],
            ));
            spec.scenario = None;
        }
    }
}

/// Keeps the link's actions that `read` accepts (it answers whether the action is within
/// the furthest step a link may name) and reports the others.
fn keep_link_actions(
    spec: &mut RunSpec,
    problems: &mut Vec<String>,
    read: &mut dyn FnMut(&str) -> Result<bool, String>,
) {
    let mut kept = Vec::new();
    for text in &spec.actions {
        match read(text) {
            Ok(true) => kept.push(text.clone()),
            Ok(false) => problems.push(trf(
                "Action \"{action}\" is past the furthest step a link may name ({max}); ignored.",
                &[("action", &shorten(text, 60)), ("max", &MAX_LINK_STEP)],
            )),
            Err(e) => problems.push(trf(
                "Action \"{action}\" ignored: {why}.",
                &[("action", &shorten(text, 60)), ("why", &e)],
            )),
        }
    }
    spec.actions = kept;
}

/// Runs the first steps and opens the run at the link's step, if it names one.
fn open_at_link_step(
    run: &mut dyn Run,
    spec: &mut RunSpec,
    ahead: u64,
    problems: &mut Vec<String>,
) {
    run.extend(ahead.max(1));
    if let Some(step) = spec.step {
        let step = if step > MAX_LINK_STEP {
            problems.push(trf(
                "A link may show at most step {max}, not {step}; showing that step.",
                &[("max", &MAX_LINK_STEP), ("step", &step)],
            ));
            MAX_LINK_STEP
        } else {
            step
        };
        if step > run.horizon() {
            run.extend(step - run.horizon());
        }
        if step > run.horizon() {
            problems.push(trf(
                "The run has only {n} steps; showing the last one instead of step {step}.",
                &[("n", &run.horizon()), ("step", &step)],
            ));
        }
        spec.step = Some(step.min(run.horizon()));
        run.seek(step);
    }
}

/// The spec of a ready-made scenario: its parameters written out and its faults resolved
/// into actions, so the link it makes is explicit and stays exact.
pub fn scenario_spec_of<S: Scene>(id: &str, seed: u64) -> Option<RunSpec> {
    let scenario = S::scenario(id)?;
    let net = S::scenario_net(&scenario.config);
    let mut spec = RunSpec::new(SceneId::of::<S>());
    spec.seed = seed;
    spec.scenario = Some(id.to_string());
    spec.params = write_params::<S>(&scenario.config, &net);
    let actions = match scenario.plan {
        Plan::Actions(actions) => actions,
        Plan::Triggers(triggers) => {
            let world = S::world(&scenario.config, seed).ok()?;
            let sim = Sim::new(seed, world.nodes, net, world.invariants);
            resolve(sim, &triggers, MAX_LINK_STEP)
        }
    };
    spec.actions = actions.iter().map(|a| a.to_string()).collect();
    Some(spec)
}

/// A scene without its types: what the shell, the link reader and the settings panel use.
pub trait DynScene: Sync {
    fn slug(&self) -> &'static str;
    fn title(&self) -> &'static str;
    fn blurb(&self) -> &'static str;
    fn networked(&self) -> bool;
    /// Built in natively only: the browser loads the catalogues on demand (see `crate::i18n`).
    #[cfg(not(target_arch = "wasm32"))]
    fn catalogue_zh(&self) -> &'static str;
    fn fields(&self) -> Vec<Field>;
    fn scenarios(&self) -> Vec<ScenarioInfo>;
    fn scenario_spec(&self, id: &str, seed: u64) -> Option<RunSpec>;
    fn build(&self, spec: &mut RunSpec) -> Built<dyn Run>;
    /// How many stops the scene's tour has (cheap: nothing is placed).
    fn tour_len(&self) -> usize;
    /// The scene's tour, each stop placed in its run (runs the scenarios: not cheap).
    fn tour(&self) -> Vec<tour::PlacedStop>;
    fn legend(&self) -> Vec<LegendEntry>;
}

/// The registry's entry for scene `S`.
pub struct Entry<S>(PhantomData<fn() -> S>);

impl<S> Entry<S> {
    pub const NEW: Self = Entry(PhantomData);
}

impl<S: Scene> DynScene for Entry<S> {
    fn slug(&self) -> &'static str {
        S::SLUG
    }

    fn title(&self) -> &'static str {
        S::TITLE
    }

    fn blurb(&self) -> &'static str {
        S::BLURB
    }

    fn networked(&self) -> bool {
        S::NETWORKED
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn catalogue_zh(&self) -> &'static str {
        S::CATALOGUE_ZH
    }

    fn fields(&self) -> Vec<Field> {
        all_fields::<S>()
    }

    fn scenarios(&self) -> Vec<ScenarioInfo> {
        S::scenarios()
    }

    fn scenario_spec(&self, id: &str, seed: u64) -> Option<RunSpec> {
        scenario_spec_of::<S>(id, seed)
    }

    fn tour_len(&self) -> usize {
        S::tour().len()
    }

    fn tour(&self) -> Vec<tour::PlacedStop> {
        tour::place_tour::<S>()
    }

    fn legend(&self) -> Vec<LegendEntry> {
        S::legend()
    }

    fn build(&self, spec: &mut RunSpec) -> Built<dyn Run> {
        let built = build_scene::<S>(spec);
        Built {
            run: built.run,
            problems: built.problems,
        }
    }
}

/// Builds the run a spec describes, whatever its scene.
pub fn build(spec: &mut RunSpec) -> Built<dyn Run> {
    spec.scene.def().build(spec)
}

/// The spec of a ready-made scenario of any scene (see [`scenario_spec_of`]).
pub fn scenario_spec(scene: SceneId, id: &str, seed: u64) -> Option<RunSpec> {
    scene.def().scenario_spec(id, seed)
}
