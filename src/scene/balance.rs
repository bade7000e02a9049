//! The load-balancing scene: why real balancers do more than `random.choice(servers)`, on
//! seeded traffic a person can replay, comparing strategies on exactly the same requests.
//! Parameters in `setup`, the view model in `view` (with the chart's history and the
//! comparison's second run from `replay`), captions, tour and legend in `teach`.
pub mod fields;
pub mod replay;
pub mod setup;
pub mod teach;
pub mod view;

use super::{
    Field, LegendEntry, Names, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo,
    Scene, SceneRun, TourStop, World,
};
use crate::algo::balance::{
    self as lb, scenarios, BalanceConfig, BalanceNode, Cmd, Note, RateStep, Role, Strategy,
};
use crate::i18n::tr;
use crate::sim::{Action, NetConfig, NodeId, Time};
pub use setup::{BalanceSetup, HealthChecks, Partner};
pub use view::{BalanceSceneView, ChartPoint, CompareView, SideView};

pub struct Balance;

/// The scene's own scenario: the seed articles' balancer under the rising load.
const RANDOM_LOAD: ScenarioInfo = ScenarioInfo {
    id: "random-load",
    title: "random.choice under rising load",
    description: "Four equal servers behind one balancer that picks a server at random, as \
                  the textbook balancer does; every five seconds the load steps up, from half \
                  of the servers' capacity to 70%, 90%, 100% and 110%. Power of two choices \
                  runs beside it on the same requests. At half load they are alike. At 90% \
                  the luck of the draw leaves some queues long while other servers idle, and \
                  random's p99 is one and a half to two times that of two choices; past 100% \
                  both fill their queues and turn the excess away, random more of it.",
};

/// A scenario of the algorithm as the scene runs it: its traffic ends when the scenario
/// does, and its partner is written as changes to its configuration.
fn setup_of(sc: &scenarios::Scenario) -> BalanceSetup {
    let partner = sc
        .partner
        .as_ref()
        .and_then(|(_, p)| Partner::between(&sc.config, p));
    let mut config = sc.config.clone();
    config.traffic.rate.retain(|s| s.from < sc.run_for);
    config.traffic.rate.push(RateStep {
        from: sc.run_for,
        per_second: 0,
    });
    BalanceSetup {
        config,
        traffic_for: sc.run_for,
        partner,
    }
}

fn algo_scenario(id: &str) -> Option<scenarios::Scenario> {
    if id == RANDOM_LOAD.id {
        let mut sc = scenarios::scenario("rising-load")?;
        sc.config.strategy = Strategy::Random;
        sc.partner = Some((
            "two choices",
            BalanceConfig {
                strategy: Strategy::TwoChoices,
                ..sc.config.clone()
            },
        ));
        return Some(sc);
    }
    scenarios::scenario(id)
}

impl Scene for Balance {
    type Node = BalanceNode;
    type Config = BalanceSetup;
    type View = BalanceSceneView;

    const SLUG: &'static str = "balance";
    const TITLE: &'static str = "Load balancing";
    const BLURB: &'static str = "Requests flow from the clients through balancers to server \
queues and back. random.choice(servers) is where most explanations stop; slow a server, crash \
one, add balancers or surge the traffic, and compare two strategies on exactly the same \
requests to see why real balancers count, sample two, weigh, check health and bound queues.";
    const FIELDS: &'static [Field] = fields::FIELDS;
    const CATALOGUE_ZH: &'static str = include_str!("balance.zh.txt");

    fn default_net() -> NetConfig {
        lb::net_config(&BalanceConfig::default())
    }

    fn read(r: &mut ParamReader) -> Result<BalanceSetup, String> {
        setup::read(r)
    }

    fn write(config: &BalanceSetup, out: &mut Params) {
        setup::write(config, out)
    }

    fn world(setup: &BalanceSetup, seed: u64) -> Result<World<BalanceNode>, String> {
        setup.config.validate().map_err(|e| crate::i18n::line(&e))?;
        Ok(World {
            nodes: lb::nodes(seed, &setup.config),
            names: lb::node_names(&setup.config),
            invariants: lb::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        let mut all = vec![RANDOM_LOAD];
        all.extend(scenarios::scenarios());
        all
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let sc = algo_scenario(id)?;
        Some(Scenario {
            config: setup_of(&sc),
            plan: Plan::Triggers(scenarios::triggers(&sc)),
        })
    }

    fn view(run: &SceneRun<Self>) -> BalanceSceneView {
        view::build(&run.config, run.sim(), run.timeline().actions())
    }

    /// Servers can be slowed down or made to flap; the clients can surge, stop and go.
    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<Cmd>> {
        let layout = lb::layout(&run.config.config);
        let command = |label: &str, cmd: Cmd| NodeCommand {
            label: label.to_string(),
            action: Action::Command(node, cmd),
        };
        match (layout.role(node), run.sim().node(node)) {
            (Some(Role::Server(_)), Some(BalanceNode::Server(s))) => {
                let mut out = Vec::new();
                if s.slow_factor() > 1 {
                    out.push(command(tr("Back to normal speed"), Cmd::Slow(1)));
                } else {
                    out.push(command(tr("Slow down 5×"), Cmd::Slow(5)));
                }
                if s.is_flapping() {
                    out.push(command(tr("Stop flapping"), Cmd::Flap(Time::ZERO)));
                } else {
                    let flap = Cmd::Flap(Time::from_millis(1_000));
                    out.push(command(tr("Flap: down 1 s, up 1 s"), flap));
                }
                out
            }
            (Some(Role::Client), Some(BalanceNode::Client(c))) => {
                let surge = Cmd::Surge {
                    factor: 3,
                    duration: Time::from_millis(4_000),
                };
                let mut out = vec![command(tr("Surge: 3× the rate for 4 s"), surge)];
                if c.is_stopped() {
                    out.push(command(tr("Start sending again"), Cmd::Go));
                } else {
                    out.push(command(tr("Stop sending"), Cmd::Stop));
                }
                out
            }
            _ => Vec::new(),
        }
    }

    fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
        teach::describe(names, node, note)
    }

    fn tour() -> Vec<TourStop<Self>> {
        teach::tour()
    }

    fn legend() -> Vec<LegendEntry> {
        teach::legend()
    }
}
