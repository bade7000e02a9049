//! Scenes: what a person picks in the app. A scene turns a [`RunSpec`] (from a link or
//! from the controls) into a [`Run`] the UI can drive, checking every parameter and
//! reporting what it could not use.
//!
//! Pure Rust: links are read and written here, so they are tested natively.
pub mod bench;
pub mod locks;
pub mod params;
pub mod ring;
pub mod spec;
pub mod two_pc;

pub use spec::{RunSpec, SceneId};

use crate::sim::run::{ProtocolRun, Run};
use crate::sim::scenario::{resolve, Trigger};
use crate::sim::{Invariant, NetConfig, Protocol, Scheduled, Sim, Timeline};

/// The most steps one run may take: bounds the memory of the trace (about 20 MB for
/// the two-phase commit scene).
pub const MAX_STEPS: u64 = 100_000;

/// How many steps a run computes ahead of what is shown.
pub const LOOKAHEAD: u64 = 2_000;

pub use crate::sim::scenario::ScenarioInfo;

/// A run built from a spec, with the messages about what in the spec could not be used.
pub struct Built {
    pub run: Box<dyn Run>,
    pub problems: Vec<String>,
}

/// Builds the run a spec describes. `spec` is rewritten to what was really used (unusable
/// parameters and actions removed), so the next link written from it is clean.
pub fn build(spec: &mut RunSpec) -> Built {
    let mut early_problems = Vec::new();
    // A link that names a scenario but carries no actions asks for the scenario itself
    // (a short, hand-written link such as `?scene=2pc&sc=coord-crash`).
    if let (Some(id), true) = (spec.scenario.clone(), spec.actions.is_empty()) {
        match scenario_spec(spec.scene, &id, spec.seed) {
            Some(full) => {
                spec.params = full.params;
                spec.actions = full.actions;
            }
            None => {
                early_problems.push(format!(
                    "There is no scenario \"{}\" in {}; showing the plain scene.",
                    shorten(&id),
                    spec.scene.title()
                ));
                spec.scenario = None;
            }
        }
    }
    let mut built = match spec.scene {
        SceneId::TwoPhaseCommit => two_pc::build(spec),
        SceneId::Locks => locks::build(spec),
        SceneId::Ring => ring::build(spec),
    };
    early_problems.append(&mut built.problems);
    built.problems = early_problems;
    built.run.extend(LOOKAHEAD);
    if let Some(step) = spec.step {
        if step > built.run.horizon() {
            built.run.extend(step - built.run.horizon());
        }
        if step > built.run.horizon() {
            built.problems.push(format!(
                "The run has only {} steps; showing the last one instead of step {step}.",
                built.run.horizon()
            ));
            spec.step = Some(built.run.horizon());
        }
        built.run.seek(step);
    }
    built
}

/// The parts every kernel-based scene is made of.
pub struct Parts<P: Protocol> {
    pub nodes: Vec<P>,
    pub names: Vec<String>,
    pub net: NetConfig,
    pub invariants: Vec<Invariant<P>>,
}

/// Turns a scene's parts, the spec's actions (or, when the link has none, the scenario's
/// triggers) into a run. Unusable actions are dropped with a message.
pub fn assemble<P: Protocol + 'static>(
    spec: &mut RunSpec,
    parts: Parts<P>,
    triggers: Vec<Trigger<P>>,
    problems: &mut Vec<String>,
) -> Box<dyn Run> {
    let node_count = parts.nodes.len() as u32;
    let sim = Sim::new(spec.seed, parts.nodes, parts.net, parts.invariants);
    let mut actions: Vec<Scheduled<P::Cmd>> = Vec::new();
    if spec.actions.is_empty() && !triggers.is_empty() {
        actions = resolve(sim.clone(), &triggers, MAX_STEPS);
        spec.actions = actions.iter().map(|a| a.to_string()).collect();
    } else {
        let mut kept = Vec::new();
        for text in &spec.actions {
            match Scheduled::<P::Cmd>::parse(text, node_count) {
                Ok(action) if action.at <= MAX_STEPS => {
                    kept.push(text.clone());
                    actions.push(action);
                }
                Ok(_) => problems.push(format!(
                    "Action \"{text}\" is past the step limit ({MAX_STEPS}); ignored."
                )),
                Err(e) => problems.push(format!("Action \"{}\" ignored: {e}.", shorten(text))),
            }
        }
        spec.actions = kept;
    }
    Box::new(ProtocolRun::new(
        Timeline::new(sim, actions, MAX_STEPS),
        parts.names,
    ))
}

fn shorten(text: &str) -> String {
    spec::shorten_to(text, 60)
}

/// The link form of a kernel-scene scenario: its parameters written out and its triggers
/// resolved, by running the scenario's world once, into plain scheduled actions.
pub fn resolved_scenario<P: Protocol>(
    scene: SceneId,
    params: std::collections::BTreeMap<String, String>,
    sim: Sim<P>,
    triggers: &[Trigger<P>],
) -> RunSpec {
    let mut spec = RunSpec::new(scene);
    spec.params = params;
    spec.actions = resolve(sim, triggers, MAX_STEPS)
        .iter()
        .map(|a| a.to_string())
        .collect();
    spec
}

/// How a parameter is edited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    Number {
        min: u64,
        max: u64,
    },
    Flag,
    /// One of (value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// One letter per node (e.g. a vote per participant); the count comes from another field.
    PerNode {
        count_key: &'static str,
        count_default: usize,
        first_label: &'static str,
        options: &'static [(char, &'static str)],
    },
}

/// A scene parameter as the settings panel shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub default: &'static str,
    pub kind: FieldKind,
}

pub fn fields(scene: SceneId) -> Vec<Field> {
    match scene {
        SceneId::TwoPhaseCommit => two_pc::FIELDS.to_vec(),
        SceneId::Locks => locks::FIELDS.to_vec(),
        SceneId::Ring => ring::FIELDS.to_vec(),
    }
}

pub fn scenarios(scene: SceneId) -> Vec<ScenarioInfo> {
    match scene {
        SceneId::TwoPhaseCommit => two_pc::scenarios(),
        SceneId::Locks => locks::scenarios(),
        SceneId::Ring => ring::scenarios(),
    }
}

/// One paragraph on what the scene shows.
pub fn blurb(scene: SceneId) -> &'static str {
    match scene {
        SceneId::TwoPhaseCommit => two_pc::BLURB,
        SceneId::Locks => locks::BLURB,
        SceneId::Ring => ring::BLURB,
    }
}

/// The spec of a ready-made scenario: its parameters written out and its faults resolved
/// into actions, so the link it makes is explicit and stays exact.
pub fn scenario_spec(scene: SceneId, id: &str, seed: u64) -> Option<RunSpec> {
    let mut spec = match scene {
        SceneId::TwoPhaseCommit => two_pc::scenario_spec(id, seed)?,
        SceneId::Locks => locks::scenario_spec(id, seed)?,
        SceneId::Ring => ring::scenario_spec(id, seed)?,
    };
    spec.scene = scene;
    spec.seed = seed;
    spec.scenario = Some(id.to_string());
    Some(spec)
}

/// The scene's commands for one node, as (button label, action text).
pub fn node_commands(
    scene: SceneId,
    node: u32,
    snapshot: &crate::sim::run::Snapshot,
) -> Vec<(String, String)> {
    match scene {
        SceneId::TwoPhaseCommit => two_pc::node_commands(node, snapshot),
        SceneId::Locks => locks::node_commands(node, snapshot),
        SceneId::Ring => ring::node_commands(node, snapshot),
    }
}
