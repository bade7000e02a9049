//! Ready-made scenarios: a fault placed at a moment defined by the run itself ("crash the
//! coordinator right after it sent its prepares") rather than at a step number that would
//! break whenever the protocol changes.
//!
//! Triggers are resolved once, by running the simulation and firing each trigger (in
//! order) at the first step where its condition holds. The result is a plain list of
//! scheduled actions, so a scenario is an ordinary run: it can be rewound, forked and
//! shared as a link like any other.
use super::action::{Action, Scheduled};
use super::kernel::Sim;
use super::protocol::Protocol;

/// A named, ready-made situation within a scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// Short and URL-safe: it appears in links as `sc=...`.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

/// Whether a trigger's moment has come.
pub type Condition<P> = Box<dyn Fn(&Sim<P>) -> bool>;
/// The action a trigger takes, chosen when it fires (e.g. the message then in flight).
pub type ActionMaker<P> = Box<dyn Fn(&Sim<P>) -> Action<<P as Protocol>::Cmd>>;

/// "When `when` first holds, take `action`." Triggers of one scenario fire in order.
pub struct Trigger<P: Protocol> {
    pub when: Condition<P>,
    pub action: ActionMaker<P>,
}

impl<P: Protocol> Trigger<P> {
    pub fn new(
        when: impl Fn(&Sim<P>) -> bool + 'static,
        action: impl Fn(&Sim<P>) -> Action<P::Cmd> + 'static,
    ) -> Self {
        Trigger {
            when: Box::new(when),
            action: Box::new(action),
        }
    }

    /// A trigger that fires right away (at step `at` or the first step after it).
    pub fn at_step(at: u64, action: Action<P::Cmd>) -> Self
    where
        P::Cmd: 'static,
        P: 'static,
    {
        Trigger::new(move |sim| sim.step_count() >= at, move |_| action.clone())
    }
}

/// Runs `sim` until every trigger has fired (or `max_steps`), and returns the actions the
/// triggers took, each scheduled at the step where it fired.
pub fn resolve<P: Protocol>(
    mut sim: Sim<P>,
    triggers: &[Trigger<P>],
    max_steps: u64,
) -> Vec<Scheduled<P::Cmd>> {
    let mut actions = Vec::new();
    let mut pending = triggers.iter().peekable();
    while let Some(trigger) = pending.peek() {
        if (trigger.when)(&sim) {
            let action = (trigger.action)(&sim);
            let time = sim.now();
            actions.push(Scheduled {
                at: sim.step_count(),
                time,
                action: action.clone(),
            });
            sim.apply(&action, time, None);
            pending.next();
            continue;
        }
        if sim.step_count() >= max_steps || !sim.step(None) {
            break;
        }
    }
    actions
}
