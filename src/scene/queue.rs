//! The message-queue scene: producers, a Redis broker and consumers, and exactly when a
//! queue built on Redis loses or duplicates messages, design by design (see
//! `crate::algo::queue`). Its parameters, scenarios, node commands, view model, captions,
//! tour and legend.
mod describe;
pub mod fields;
mod teaching;
pub mod view;

use super::{
    Field, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo, Scene, SceneRun, World,
};
use crate::algo::queue::{self, QueueCmd, QueueConfig, QueueNode, QueueNote};
use crate::i18n::{line, tr};
use crate::scene::{LegendEntry, Names, TourStop};
use crate::sim::{Action, NetConfig, NodeId, NodeStatus};
pub use view::QueueSceneView;

pub struct QueueScene;

impl Scene for QueueScene {
    type Node = QueueNode;
    type Config = QueueConfig;
    type View = QueueSceneView;

    const SLUG: &'static str = "queue";
    const TITLE: &'static str = "Message queue on Redis";
    const BLURB: &'static str = "Producers push messages into Redis, consumers take them out and apply each effect to a database. Crash a consumer after BRPOP and a confirmed message is gone; each step up (BLMOVE with a processing list, a stream consumer group, idempotent consumers) removes one failure and shows what it costs.";
    const FIELDS: &'static [Field] = fields::FIELDS;
    const CATALOGUE_ZH: &'static str = include_str!("queue.zh.txt");

    fn default_net() -> NetConfig {
        queue::net_config()
    }

    fn read(r: &mut ParamReader) -> Result<QueueConfig, String> {
        fields::read(r)
    }

    fn write(config: &QueueConfig, out: &mut Params) {
        fields::write(config, out)
    }

    fn world(config: &QueueConfig, _seed: u64) -> Result<World<QueueNode>, String> {
        config.validate().map_err(|e| line(&e))?;
        Ok(World {
            nodes: queue::nodes(config),
            names: queue::node_names(config),
            invariants: queue::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        queue::scenarios()
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let (config, triggers) = queue::scenario(id)?;
        Some(Scenario {
            config,
            plan: Plan::Triggers(triggers),
        })
    }

    fn view(run: &SceneRun<Self>) -> QueueSceneView {
        view::view(run)
    }

    /// Producers can be asked for more messages or a poison one; consumers made slow or fast.
    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<QueueCmd>> {
        if run.sim().status(node) != Some(NodeStatus::Up) {
            return Vec::new();
        }
        let command = |label: &'static str, cmd| NodeCommand {
            label: tr(label).into(),
            action: Action::Command(node, cmd),
        };
        match run.sim().node(node) {
            Some(QueueNode::Producer(_)) => vec![
                command("Send one more message", QueueCmd::Produce(1)),
                command("Send 10 more messages", QueueCmd::Produce(10)),
                command("Make the next message poison", QueueCmd::Poison),
            ],
            Some(QueueNode::Consumer(c)) if c.is_slow() => {
                vec![command("Back to normal speed", QueueCmd::Fast)]
            }
            Some(QueueNode::Consumer(_)) => vec![command(
                "Make slow (longer than the timeouts)",
                QueueCmd::Slow,
            )],
            _ => Vec::new(),
        }
    }

    fn describe(names: &Names<'_>, node: NodeId, note: &QueueNote) -> String {
        describe::describe(names, node, note)
    }

    /// A blocked client served by a write: the write's own sentence already names it (the
    /// message went straight to that client), so this one stays in the log only.
    fn routine_note(note: &QueueNote) -> bool {
        matches!(note, QueueNote::BrokerServedWaiter { .. })
    }

    fn tour() -> Vec<TourStop<Self>> {
        teaching::tour()
    }

    fn legend() -> Vec<LegendEntry> {
        teaching::legend()
    }
}
