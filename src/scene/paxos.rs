//! The Paxos scene: its parameters, scenarios, node commands, view model, captions, tour
//! and legend. The protocol is in `crate::algo::paxos`; the views in `crate::ui::paxos`.
//!
//! **The "break consensus" challenge** (`challenge=1`). A person may crash at most
//! f = n - max(q1, q2) nodes, drop or hold back messages (`delay:<id>:<micros>`, the stage's
//! message tool), cut links and pause nodes, and tries to get two different values chosen.
//! Drops and delays have no budget: Paxos assumes an asynchronous network that may lose,
//! reorder and delay any message for any time, so its safety must (and does) survive any
//! number of them; only crashes are bounded, because a quorum must stay alive for progress. The verdict is the simulator's global fact
//! (`views::safety_report`), not any node's opinion. The budget is the scene's to enforce:
//! its node commands offer "Crash (k left)" only while the budget lasts, and the stage then
//! draws its own node menu without the shell's Crash entry. A link that crashes more is
//! still played (links never fail), but its verdict says the run is over budget.
pub mod describe;
pub mod fields;
pub mod teaching;
pub mod view;

pub use fields::PaxosSetup;
pub use view::{
    AcceptorRow, ChallengeView, Flight, FlightKind, LogRow, NodeCard, PaxosView, ProposerState,
    QuorumRow,
};

use super::{
    Field, LegendEntry, Names, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo,
    Scene, SceneRun, TourStop, World,
};
use crate::algo::paxos::{self as px, scenarios, Cmd, Mode, Note, PaxosConfig, PaxosNode, Word};
use crate::i18n::{line, tr, trf};
use crate::sim::{Action, NetConfig, NodeId, NodeStatus};

pub struct Paxos;

/// The values a node's menu offers to propose.
pub const MENU_VALUES: [&str; 3] = ["red", "green", "blue"];

impl Scene for Paxos {
    type Node = PaxosNode;
    type Config = PaxosSetup;
    type View = PaxosView;

    const SLUG: &'static str = "paxos";
    const TITLE: &'static str = "Paxos";
    const BLURB: &'static str = "Proposers run numbered ballots; acceptors promise to ignore \
lower ballots and report what they accepted; a proposer must adopt the highest-ballot value \
it hears of. That rule makes a chosen value stick, whatever crashes and delays you inject. \
Watch dueling proposers livelock, a leader end the duel, and Multi-Paxos run phase 1 once.";
    const FIELDS: &'static [Field] = fields::FIELDS;
    const CATALOGUE_ZH: &'static str = include_str!("paxos.zh.txt");

    fn default_net() -> NetConfig {
        px::net_config(&PaxosConfig::default())
    }

    fn scenario_net(config: &PaxosSetup) -> NetConfig {
        px::net_config(&config.paxos)
    }

    fn read(r: &mut ParamReader) -> Result<PaxosSetup, String> {
        fields::read(r)
    }

    fn write(config: &PaxosSetup, out: &mut Params) {
        fields::write(config, out)
    }

    fn world(config: &PaxosSetup, _seed: u64) -> Result<World<PaxosNode>, String> {
        config.paxos.validate().map_err(|e| line(&e))?;
        Ok(World {
            nodes: px::nodes(&config.paxos),
            names: px::node_names(&config.paxos),
            invariants: px::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        scenarios::scenarios()
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let (config, triggers) = scenarios::scenario(id)?;
        Some(Scenario {
            config: fields::setup_of(config),
            plan: Plan::Triggers(triggers),
        })
    }

    fn view(run: &SceneRun<Self>) -> PaxosView {
        let timeline = run.timeline();
        let crashes = view::crashes(timeline, timeline.cursor().step());
        view::build(&run.config, run.sim(), crashes)
    }

    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<Cmd>> {
        let sim = run.sim();
        let (Some(n), Some(status)) = (sim.node(node), sim.status(node)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let command = |label: String, cmd: Cmd| NodeCommand {
            label,
            action: Action::Command(node, cmd),
        };
        if run.config.challenge && status != NodeStatus::Crashed {
            let timeline = run.timeline();
            let (used, _) = view::crashes(timeline, timeline.cursor().step());
            let left = run.config.crash_budget().saturating_sub(used);
            if left > 0 {
                out.push(NodeCommand {
                    label: trf(
                        "Crash ({left} of {budget} crashes left)",
                        &[("left", &left), ("budget", &run.config.crash_budget())],
                    ),
                    action: Action::Crash(node),
                });
            }
        }
        if status != NodeStatus::Up {
            return out;
        }
        let multi = run.config.paxos.mode == Mode::Multi;
        let word = Word::lit;
        if n.proposer().is_some() && !multi {
            for v in MENU_VALUES {
                out.push(command(
                    trf("Propose {value}", &[("value", &v)]),
                    Cmd::Propose(word(v)),
                ));
            }
        }
        if multi && (n.proposer().is_some() || n.client().is_some()) {
            out.push(command(
                tr("Put x=1").into(),
                Cmd::Put(word("x"), word("1")),
            ));
            out.push(command(
                tr("Put x=2").into(),
                Cmd::Put(word("x"), word("2")),
            ));
            out.push(command(tr("Get x").into(), Cmd::Get(word("x"))));
        }
        if n.proposer().is_some() {
            out.push(command(
                tr("Start a higher ballot now").into(),
                Cmd::StartBallot,
            ));
        }
        out
    }

    fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
        describe::describe(names, node, note)
    }

    /// A catch-up check that finds nothing missing is bookkeeping.
    fn routine_note(note: &Note) -> bool {
        // A tally (a promise or an acceptance counted, a slot applied) is told by the
        // decision it leads to (a quorum, a value proposed or chosen) in the same step, and
        // the stage draws it (the quorum table, the learner's log).
        matches!(
            note,
            Note::NothingToAsk
                | Note::PromiseCounted { .. }
                | Note::Phase1Done { .. }
                | Note::AcceptCounted { .. }
                | Note::AcceptedCounted { .. }
                | Note::Applied { .. }
        )
    }

    fn tour() -> Vec<TourStop<Self>> {
        teaching::tour()
    }

    fn legend() -> Vec<LegendEntry> {
        teaching::legend()
    }
}
