//! Any kernel scene as a [`Model`]: the state is the whole world (a [`Sim`]), the actions
//! are the kernel's choices (deliver any message in flight, however late; lose it; fire any
//! set timer) plus crashing and restarting nodes, within the bounds a person sets.
//!
//! **What "one state" means here.** States are deduplicated by
//! [`Sim::state_fingerprint`]: the nodes' states, which nodes are up or crashed, which
//! timers are set, and the messages in flight as a multiset of (sender, receiver, body),
//! plus how many crashes, restarts and losses the path has used. It leaves out the clock,
//! message ids, when each message or timer is due, and the random generator. So two worlds
//! that differ only in *when* things are due are merged, and the search goes on from the
//! first one found. For protocols that never compare the clock with a time they stored
//! (two-phase commit: its timers only say "this much later") that loses nothing. For
//! protocols that do (a lease that expires at a time), two merged worlds can have different
//! futures, so the search then covers fewer runs than it seems: every violation it reports
//! is real (it is a path of real steps), but "no violation" is weaker than a proof.
//!
//! The network's own randomness is switched off (no random loss or duplication): losses are
//! the explorer's choices, counted against the loss budget. A message to a crashed node may
//! be lost for free (that is what the network does with it) or delivered after a restart.
//! Latencies are the scene's as configured (they decide only when things are due).
//!
//! **A path is a link.** Every step of a path has a link form ([`SceneModel::exact_run`]):
//! a delivery, loss or timer is a forced action (`deliver:<msg>`, `lose:<msg>`,
//! `fire:<node>:<n>`, see [`crate::sim::action::Forced`]), a crash or restart the ordinary
//! one. The link's run has the same seed and network, so its first steps (the nodes
//! starting) are the explorer's initial state, and each action then does exactly what the
//! explorer did: the timeline opens the very path, at the violating step.
//!
//! **Symmetry** (opt-in, [`Protocol::symmetry`]). A protocol may declare classes of
//! interchangeable nodes (two-phase commit: its participants; the locks: their clients)
//! and say how to rename the node ids kept inside its states, messages and timers. With
//! symmetry on, two worlds that differ only by such a renaming are one state: the kernel
//! hashes the world under every renaming within the classes and keeps the smallest hash
//! ([`Sim::symmetric_fingerprint`]), which is the same for every renaming of a world and
//! (up to hash collisions) different for worlds that are not renamings of each other.
//!
//! Why this loses no violation: if renaming commutes with the protocol (a renamed node in
//! a renamed world does the renamed thing; the protocol's [`crate::sim::Symmetry`] doc
//! says what an implementation must make true) and the invariants give the same verdict
//! on a renamed world, then whatever can happen from one world can happen, renamed, from
//! any renaming of it. So exploring one world per class reaches, up to renaming, every
//! world the full search reaches, and a violation in one is a violation in its renaming.
//! The path reported is still a path of real steps from the real initial world (it is
//! rebuilt from the states actually explored), so it replays as a link. What is lost is
//! only the count: fewer distinct states are reported, each standing for its renamings.
//! A class too large to try every renaming (more than
//! [`crate::sim::kernel::symmetry::MAX_RENAMINGS`]) is not reduced, and the panel says so.
use super::bounds::ExploreBounds;
use super::model::Model;
use crate::scene::{read_config, write_params, RunSpec, Scene};
use crate::sim::action::Forced;
use crate::sim::kernel::symmetry::renamings;
use crate::sim::protocol::{Renaming, Symmetry};
use crate::sim::{Action, Choice, Line, NetConfig, NodeId, NodeStatus, Protocol, Scheduled, Sim};
use std::fmt;
use std::hash::Hasher;

/// A world on the explorer's path, with the faults the path has used.
#[derive(Clone)]
pub struct SceneState<P: Protocol> {
    pub sim: Sim<P>,
    pub crashes: u32,
    pub restarts: u32,
    pub losses: u32,
}

impl<P: Protocol> fmt::Debug for SceneState<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "world after {} steps (state {:032x}; {} crashes, {} restarts, {} losses)",
            self.sim.step_count(),
            self.sim.state_fingerprint(),
            self.crashes,
            self.restarts,
            self.losses
        )
    }
}

/// One step the explorer takes in a scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SceneAction {
    Choice(Choice),
    Crash(NodeId),
    Restart(NodeId),
}

impl SceneAction {
    /// The step as a user action (what a link carries).
    pub fn as_action<C>(&self) -> Action<C> {
        match *self {
            SceneAction::Choice(Choice::Deliver(id)) => Action::Force(Forced::Deliver(id)),
            SceneAction::Choice(Choice::Lose(id)) => Action::Force(Forced::Lose(id)),
            SceneAction::Choice(Choice::Fire { node, timer }) => {
                Action::Force(Forced::Fire(node, timer))
            }
            SceneAction::Crash(node) => Action::Crash(node),
            SceneAction::Restart(node) => Action::Restart(node),
        }
    }
}

/// A step of a counterexample, typed for the panel (which labels messages and timers with
/// `Protocol::msg_label` and `timer_label`).
#[derive(Clone, Debug, PartialEq)]
pub enum PathStep<P: Protocol> {
    Deliver {
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
    },
    Lose {
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
    },
    Fire {
        node: NodeId,
        timer: P::Timer,
    },
    Crash(NodeId),
    Restart(NodeId),
}

pub struct SceneModel<S: Scene> {
    pub config: S::Config,
    /// The spec the model was built from, with its parameters as really used.
    pub spec: RunSpec,
    pub bounds: ExploreBounds,
    pub names: Vec<String>,
    invariant_names: Vec<String>,
    /// The network explored: the scene's, with no random loss or duplication.
    net: NetConfig,
    initial: Sim<S::Node>,
    /// The one invariant to look for (its index), or any.
    watch: Option<usize>,
    /// The protocol's interchangeable nodes and every renaming of them, when it declares
    /// some and they are few enough to try every renaming.
    symmetry: Option<(Symmetry<S::Node>, Vec<Renaming>)>,
    /// The protocol declares interchangeable nodes (whether or not they are used).
    declares_symmetry: bool,
}

impl<S: Scene> SceneModel<S> {
    /// The scene as `spec` configures it (its parameters and seed; its actions are not
    /// used). Parameters that cannot be used are replaced by defaults, with messages.
    pub fn from_spec(spec: &RunSpec, bounds: ExploreBounds) -> (Self, Vec<String>) {
        let mut spec = spec.clone();
        let (config, net, mut problems) = read_config::<S>(&mut spec.params);
        spec.actions.clear();
        spec.step = None;
        let world = match S::world(&config, spec.seed) {
            Ok(world) => world,
            Err(e) => {
                problems.push(crate::i18n::trf(
                    "{problem}; exploring the default setup.",
                    &[("problem", &e)],
                ));
                let mut params = Default::default();
                let (config, net, _) = read_config::<S>(&mut params);
                spec.params = params;
                return Self::build(config, net, spec, bounds, problems);
            }
        };
        let model = Self::with_world(config, net, spec, bounds, world);
        (model, problems)
    }

    fn build(
        config: S::Config,
        net: NetConfig,
        spec: RunSpec,
        bounds: ExploreBounds,
        problems: Vec<String>,
    ) -> (Self, Vec<String>) {
        let world = S::world(&config, spec.seed)
            .unwrap_or_else(|e| panic!("{}: the default world cannot be built: {e}", S::SLUG));
        (Self::with_world(config, net, spec, bounds, world), problems)
    }

    fn with_world(
        config: S::Config,
        net: NetConfig,
        spec: RunSpec,
        bounds: ExploreBounds,
        world: crate::scene::World<S::Node>,
    ) -> Self {
        let invariant_names = world
            .invariants
            .iter()
            .map(|i| i.name.to_string())
            .collect();
        // The network's randomness is off: losses are the explorer's choices.
        let net = NetConfig {
            loss: 0.0,
            duplicate: 0.0,
            ..net
        };
        let declared = {
            let nodes: Vec<&S::Node> = world.nodes.iter().collect();
            <S::Node as Protocol>::symmetry(&nodes)
        };
        let declares_symmetry = declared
            .as_ref()
            .is_some_and(|s| s.classes.iter().any(|c| c.len() > 1));
        let node_count = world.nodes.len() as u32;
        let symmetry = declared
            .filter(|_| declares_symmetry)
            .and_then(|s| renamings(node_count, &s.classes).map(|all| (s, all)));
        let mut initial = Sim::new(spec.seed, world.nodes, net.clone(), world.invariants);
        initial.start_all();
        SceneModel {
            config,
            spec,
            bounds,
            names: world.names,
            invariant_names,
            net,
            initial,
            watch: None,
            symmetry,
            declares_symmetry,
        }
    }

    /// Whether the protocol declares interchangeable nodes, but too many of them for the
    /// reduction to try every renaming (so none is done).
    pub fn symmetry_too_large(&self) -> bool {
        self.declares_symmetry && self.symmetry.is_none()
    }

    /// The path `actions` (from the initial state) as a link: the scene as explored (its
    /// parameters, with the network's random loss and duplication off, and its seed), one
    /// action per step of the path, opened at the path's last step. `None` when a link
    /// cannot carry this configuration (the run it opens would not be the one explored).
    pub fn exact_run(
        &self,
        states: &[SceneState<S::Node>],
        actions: &[SceneAction],
    ) -> Option<RunSpec> {
        let params = write_params::<S>(&self.config, &self.net);
        let mut read_back = params.clone();
        let (config, net, _) = read_config::<S>(&mut read_back);
        if config != self.config || net != self.net {
            return None;
        }
        let first = self.initial.step_count();
        let mut spec = RunSpec::new(self.spec.scene);
        spec.seed = self.spec.seed;
        spec.params = params;
        spec.actions = states
            .iter()
            .zip(actions)
            .enumerate()
            .map(|(i, (before, action))| {
                let scheduled: Scheduled<<S::Node as Protocol>::Cmd> = Scheduled {
                    at: first + i as u64,
                    time: before.sim.now(),
                    action: action.as_action(),
                };
                scheduled.to_string()
            })
            .collect();
        spec.step = Some(first + actions.len() as u64);
        Some(spec)
    }

    /// How many steps the nodes' start takes: a path's step `i` is the run's step
    /// `start_steps() + i + 1`.
    pub fn start_steps(&self) -> u64 {
        self.initial.step_count()
    }

    /// Looks for a violation of invariant `watch` only (an index into
    /// [`Model::properties`]), or of any when `None`. States that break another one are
    /// explored on.
    pub fn watching(mut self, watch: Option<usize>) -> Self {
        self.watch = watch;
        self
    }

    /// A counterexample's steps, typed.
    pub fn describe(
        &self,
        states: &[SceneState<S::Node>],
        actions: &[SceneAction],
    ) -> Vec<PathStep<S::Node>> {
        states
            .iter()
            .zip(actions)
            .filter_map(|(before, action)| describe_step(&before.sim, action))
            .collect()
    }

    /// The violation's message in the last state of a path.
    pub fn violation_message(&self, state: &SceneState<S::Node>) -> Option<Line> {
        let index = self.violated(state)?;
        state
            .sim
            .violations()
            .get(index)?
            .as_ref()
            .map(|v| v.message.clone())
    }
}

fn describe_step<P: Protocol>(sim: &Sim<P>, action: &SceneAction) -> Option<PathStep<P>> {
    let flying = |id| sim.in_flight().find(|m| m.id == id);
    Some(match *action {
        SceneAction::Choice(Choice::Deliver(id)) => {
            let m = flying(id)?;
            PathStep::Deliver {
                from: m.from,
                to: m.to,
                msg: m.msg.clone(),
            }
        }
        SceneAction::Choice(Choice::Lose(id)) => {
            let m = flying(id)?;
            PathStep::Lose {
                from: m.from,
                to: m.to,
                msg: m.msg.clone(),
            }
        }
        SceneAction::Choice(Choice::Fire { node, timer }) => PathStep::Fire {
            node,
            timer: sim.timers_of(node).nth(timer as usize)?.clone(),
        },
        SceneAction::Crash(node) => PathStep::Crash(node),
        SceneAction::Restart(node) => PathStep::Restart(node),
    })
}

impl<S: Scene> Model for SceneModel<S> {
    type State = SceneState<S::Node>;
    type Action = SceneAction;

    fn init_states(&self) -> Vec<Self::State> {
        vec![SceneState {
            sim: self.initial.clone(),
            crashes: 0,
            restarts: 0,
            losses: 0,
        }]
    }

    fn actions(&self, s: &Self::State, out: &mut Vec<SceneAction>) {
        let b = &self.bounds;
        for choice in s.sim.choices() {
            if let Choice::Lose(id) = choice {
                if s.losses >= b.max_losses && !to_crashed_node(&s.sim, id) {
                    continue;
                }
            }
            out.push(SceneAction::Choice(choice));
        }
        for (node, _, status) in s.sim.nodes().iter() {
            match status {
                NodeStatus::Up if s.crashes < b.max_crashes => out.push(SceneAction::Crash(node)),
                NodeStatus::Crashed if s.restarts < b.max_restarts => {
                    out.push(SceneAction::Restart(node))
                }
                _ => {}
            }
        }
    }

    fn next_state(&self, s: &Self::State, action: &SceneAction) -> Option<Self::State> {
        let mut next = s.clone();
        match *action {
            SceneAction::Choice(choice) => {
                if let Choice::Lose(id) = choice {
                    if !to_crashed_node(&s.sim, id) {
                        next.losses += 1;
                    }
                }
                if !next.sim.choose(choice, None) {
                    return None;
                }
            }
            SceneAction::Crash(node) => {
                next.crashes += 1;
                let now = next.sim.now();
                next.sim.apply(&Action::Crash(node), now, None);
            }
            SceneAction::Restart(node) => {
                next.restarts += 1;
                let now = next.sim.now();
                next.sim.apply(&Action::Restart(node), now, None);
            }
        }
        Some(next)
    }

    fn properties(&self) -> Vec<String> {
        self.invariant_names.clone()
    }

    fn violated(&self, s: &Self::State) -> Option<usize> {
        match self.watch {
            Some(w) => s.sim.violations().get(w)?.as_ref().map(|_| w),
            None => s.sim.violations().iter().position(Option::is_some),
        }
    }

    fn identity<H: Hasher>(&self, s: &Self::State, out: &mut H) {
        out.write_u128(s.sim.state_fingerprint());
        out.write_u32(s.crashes);
        out.write_u32(s.restarts);
        out.write_u32(s.losses);
    }

    fn symmetric_identity<H: Hasher>(&self, s: &Self::State, out: &mut H) -> bool {
        let Some((symmetry, renamings)) = &self.symmetry else {
            return false;
        };
        let Some(fingerprint) = s.sim.symmetric_fingerprint(symmetry, renamings) else {
            return false;
        };
        out.write_u8(1);
        out.write_u128(fingerprint);
        out.write_u32(s.crashes);
        out.write_u32(s.restarts);
        out.write_u32(s.losses);
        true
    }

    fn has_symmetry(&self) -> bool {
        self.symmetry.is_some()
    }
}

fn to_crashed_node<P: Protocol>(sim: &Sim<P>, id: crate::sim::MsgId) -> bool {
    sim.in_flight()
        .find(|m| m.id == id)
        .is_some_and(|m| sim.status(m.to) == Some(NodeStatus::Crashed))
}
