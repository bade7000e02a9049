//! The Raft scene: its parameters, its 22 scenarios, the node menu's commands, the typed
//! view model its stage and panel draw, a sentence for every note, a tour and a legend.
mod describe;
mod params;
mod teach;
mod view;

pub use describe::{change_refusal_text, members_text, op_text, result_text};
pub use params::{parse_logs, read_mode_label, variant_label, write_logs, FIELDS};
pub use view::{
    flight_kind, log_window, Cell, CellKind, ClientView, Flight, FlightKind, OpView, PeerView,
    RaftView, ServerView, Verdict, HISTORY_SHOWN, LOG_WINDOW, LOG_WINDOW_MAX,
};

use super::{
    LegendEntry, Names, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo, Scene,
    SceneRun, TourStop, World,
};
use crate::algo::raft::{
    self as raft, ChangeRefusal, Cmd, Key, Note, Op, RaftConfig, RaftNode, Role,
};
use crate::i18n::{line, tr, trf};
use crate::sim::{Action, NetConfig, NodeId, NodeStatus};

pub struct Raft;

impl Scene for Raft {
    type Node = RaftNode;
    type Config = RaftConfig;
    type View = RaftView;

    const SLUG: &'static str = "raft";
    const TITLE: &'static str = "Raft";
    const BLURB: &'static str = "Servers elect a leader with randomized timeouts; the leader replicates a log of client commands and commits each entry once a majority stores it. Crash the leader, split the votes, cut the network: safety holds, and each broken variant shows which rule keeps it.";
    const FIELDS: &'static [crate::scene::Field] = FIELDS;
    const CATALOGUE_ZH: &'static str = include_str!("raft.zh.txt");

    fn default_net() -> NetConfig {
        raft::net_config()
    }

    fn read(r: &mut ParamReader) -> Result<RaftConfig, String> {
        params::read(r)
    }

    fn write(config: &RaftConfig, out: &mut Params) {
        params::write(config, out)
    }

    fn world(config: &RaftConfig, _seed: u64) -> Result<World<RaftNode>, String> {
        config.validate().map_err(|e| line(&e))?;
        Ok(World {
            nodes: raft::nodes(config),
            names: raft::node_names(config),
            invariants: raft::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        raft::scenarios()
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let (config, triggers) = raft::scenario(id)?;
        Some(Scenario {
            config,
            plan: Plan::Triggers(triggers),
        })
    }

    fn view(run: &SceneRun<Self>) -> RaftView {
        view::build(run.sim(), run.names(), &run.config)
    }

    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<Cmd>> {
        commands(run, node)
    }

    fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
        describe::describe(names, node, note)
    }

    /// Setting the election timer is bookkeeping: the decision that restarted it (a vote, an
    /// append) explains the step.
    fn routine_note(note: &Note) -> bool {
        // A tally (a vote counted, a follower's matchIndex, an entry applied) is told by the
        // decision it leads to (a leader elected, an entry committed) in the same step, and
        // the stage draws it (vote dots, matchIndex bars, the store).
        matches!(
            note,
            Note::ElectionTimerSet { .. }
                | Note::VoteCounted { .. }
                | Note::MatchAdvanced { .. }
                | Note::Applied { .. }
        )
    }

    fn tour() -> Vec<TourStop<Self>> {
        teach::tour()
    }

    fn legend() -> Vec<LegendEntry> {
        teach::legend()
    }
}

fn command(label: String, node: NodeId, cmd: Cmd) -> NodeCommand<Cmd> {
    NodeCommand {
        label,
        action: Action::Command(node, cmd),
    }
}

/// The next value the client menu and the C key write: one more than the operations
/// started so far, so every write is told apart in the history.
pub fn next_write(view: &RaftView) -> Op {
    let count = view.operations_started();
    let letter = raft::WORKLOAD_KEYS[count % raft::WORKLOAD_KEYS.len()];
    Op::Put {
        key: Key::new(letter).unwrap_or_else(|| unreachable!("workload keys are letters")),
        value: count as u32 + 1,
    }
}

/// The node menu: a client writes or reads; a follower or candidate times out now; the
/// leader adds or removes servers (with the reason it would refuse, if it would).
fn commands(run: &SceneRun<Raft>, node: NodeId) -> Vec<NodeCommand<Cmd>> {
    let sim = run.sim();
    let names = Names(run.names());
    match sim.node(node) {
        Some(RaftNode::Client(_)) => {
            let view = view::build(sim, run.names(), &run.config);
            let write = next_write(&view);
            let key = write.key();
            vec![
                command(
                    trf("Write: {op}", &[("op", &op_text(write))]),
                    node,
                    Cmd::Client(write),
                ),
                command(
                    trf("Read: {op}", &[("op", &op_text(Op::Get { key }))]),
                    node,
                    Cmd::Client(Op::Get { key }),
                ),
            ]
        }
        Some(RaftNode::Server(s)) if s.role() == Role::Leader => {
            let mut out = Vec::new();
            for other in (0..run.config.server_nodes()).map(NodeId) {
                let add = !s.members().contains(other);
                let refusal = s.change_refusal(other, add);
                if matches!(
                    refusal,
                    Some(
                        ChangeRefusal::AlreadyMember
                            | ChangeRefusal::NotAMember
                            | ChangeRefusal::NotAServer
                    )
                ) {
                    continue;
                }
                let who = names.of(other);
                let mut label = if add {
                    trf("Add {s} to the cluster", &[("s", &who)])
                } else if other == node {
                    trf("Remove {s} (itself) from the cluster", &[("s", &who)])
                } else {
                    trf("Remove {s} from the cluster", &[("s", &who)])
                };
                if let Some(reason) = refusal {
                    label = trf(
                        "{action} (refused now: {why})",
                        &[
                            ("action", &label),
                            ("why", &change_refusal_text(&names, reason)),
                        ],
                    );
                }
                let cmd = if add {
                    Cmd::AddServer(other)
                } else {
                    Cmd::RemoveServer(other)
                };
                out.push(command(label, node, cmd));
            }
            out
        }
        Some(RaftNode::Server(s)) if s.is_member() && sim.status(node) == Some(NodeStatus::Up) => {
            vec![command(
                tr("Time out now (start an election)").into(),
                node,
                Cmd::TimeoutNow,
            )]
        }
        _ => Vec::new(),
    }
}
