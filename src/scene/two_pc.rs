//! The two-phase commit scene: its parameters, scenarios, node commands and view model.
use super::{
    Field, FieldKind, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo, Scene,
    SceneRun, World,
};
use crate::algo::two_phase_commit::{
    self as tpc, Cmd, CoordinatorPhase, ForcedWrites, ParticipantPhase, TwoPcConfig, TwoPcNode,
    Variant, Vote,
};
use crate::i18n::{line, tr, trf};
use crate::sim::run::{NodeMark, Tone};
use crate::sim::{Action, NetConfig, NodeId, NodeStatus};

pub struct TwoPc;

mod describe;
mod teach;

const VARIANTS: &[(&str, &str)] = &[
    ("correct", "Correct"),
    (
        "send-before-log",
        "Broken: decision sent before it is logged",
    ),
    (
        "forget-vote",
        "Broken: participant forgets its vote on a crash",
    ),
];

const VOTES: &[(char, &str)] = &[('y', "yes"), ('n', "no"), ('r', "random")];

const PARTICIPANTS: Field = Field {
    key: "n",
    label: "Participants",
    help: "2 to 7 participants besides the coordinator",
    default: "3",
    kind: FieldKind::Number { min: 2, max: 7 },
};
const VOTES_FIELD: Field = Field {
    key: "votes",
    label: "Votes",
    help: "Each participant's vote; random is drawn from the seed",
    default: "yyy",
    kind: FieldKind::PerNode {
        count_key: "n",
        count_default: 3,
        first_label: "P",
        options: VOTES,
    },
};
const VARIANT: Field = Field {
    key: "variant",
    label: "Variant",
    help: "The correct protocol, or a deliberately broken one",
    default: "correct",
    kind: FieldKind::Choice(VARIANTS),
};
const COOPERATIVE: Field = Field {
    key: "coop",
    label: "Cooperative termination",
    help: "In-doubt participants ask each other for the outcome",
    default: "0",
    kind: FieldKind::Flag,
};
const TRANSACTIONS: Field = Field {
    key: "txns",
    label: "Transactions",
    help: "How many transactions the coordinator runs, one after another",
    default: "1",
    kind: FieldKind::Number { min: 1, max: 1000 },
};

fn variant_from(name: &str) -> Variant {
    match name {
        "send-before-log" => Variant::SendBeforeLog,
        "forget-vote" => Variant::ForgetVoteOnCrash,
        _ => Variant::Correct,
    }
}

fn variant_name(variant: Variant) -> &'static str {
    match variant {
        Variant::Correct => "correct",
        Variant::SendBeforeLog => "send-before-log",
        Variant::ForgetVoteOnCrash => "forget-vote",
    }
}

fn vote_letter(vote: Vote) -> char {
    match vote {
        Vote::Yes => 'y',
        Vote::No => 'n',
        Vote::Random => 'r',
    }
}

/// One participant, as the scene's views draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantView {
    pub node: NodeId,
    pub phase: ParticipantPhase,
    /// From its yes vote until it learns the outcome.
    pub in_doubt: bool,
    /// In doubt past its decision timeout, asking for the outcome.
    pub blocked: bool,
    pub holds_locks: bool,
    pub status: NodeStatus,
}

/// The scene's view model.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoPcView {
    pub coordinator: Option<CoordinatorPhase>,
    pub participants: Vec<ParticipantView>,
    /// The coordinator's forced log writes so far, by the outcome they were for.
    pub coordinator_forced: ForcedWrites,
    /// Every participant's forced log writes so far, added up, by outcome.
    pub participants_forced: ForcedWrites,
    /// The coordinator's forced log writes for a transaction it has not decided yet.
    pub coordinator_undecided: u64,
    /// The participants' forced log writes for transactions whose outcome they do not know
    /// yet (an in-doubt participant's `PREPARED`), added up.
    pub participants_undecided: u64,
}

/// The mark under a blocked participant's state.
pub const BLOCKED_MARK: &str = "blocked";

impl Scene for TwoPc {
    type Node = TwoPcNode;
    type Config = TwoPcConfig;
    type View = TwoPcView;

    const SLUG: &'static str = "2pc";
    const CATALOGUE_ZH: &'static str = include_str!("two_pc.zh.txt");
    const TITLE: &'static str = "Two-phase commit";
    const BLURB: &'static str = "A coordinator asks every participant to prepare; if all vote \
yes it commits, otherwise it aborts. Crash the coordinator after the prepares and watch the \
participants block, in doubt, holding their locks.";
    const FIELDS: &'static [Field] = &[
        PARTICIPANTS,
        VOTES_FIELD,
        VARIANT,
        COOPERATIVE,
        TRANSACTIONS,
    ];

    fn default_net() -> NetConfig {
        tpc::net_config()
    }

    fn describe(names: &super::Names<'_>, node: NodeId, note: &tpc::Note) -> String {
        describe::describe(names, node, note)
    }

    /// A log write nobody waited for is bookkeeping; one that releases locks is not.
    fn routine_note(note: &tpc::Note) -> bool {
        matches!(
            note,
            tpc::Note::LogWritten {
                released_locks: false,
                ..
            }
        )
    }

    /// The notes that begin "Broken variant:": where a broken variant skips the rule that
    /// its scenario shows failing.
    fn broken_variant_note(note: &tpc::Note) -> bool {
        matches!(
            note,
            tpc::Note::CommitSentBeforeLogged { .. }
                | tpc::Note::VotedYesWithoutLogging { .. }
                | tpc::Note::RestartedWithOnlyBegin {
                    forgot_yes_vote: true,
                    ..
                }
        )
    }

    fn tour() -> Vec<super::TourStop<Self>> {
        teach::tour()
    }

    fn legend() -> Vec<super::LegendEntry> {
        teach::legend()
    }

    fn read(r: &mut ParamReader) -> Result<TwoPcConfig, String> {
        let mut config = TwoPcConfig {
            participants: r.number_field(&PARTICIPANTS) as u32,
            ..TwoPcConfig::default()
        };
        let count = config.participants as usize;
        config.votes = vec![Vote::Yes; count];
        if let Some(text) = r.text("votes") {
            let letters: Vec<char> = text.chars().collect();
            let valid = letters.iter().all(|c| VOTES.iter().any(|(v, _)| v == c));
            if !valid || letters.len() > count {
                r.problems.push(trf(
                    "Votes must be up to {count} letters, y (yes), n (no) or r (random), one per participant, not \"{text}\"; everyone votes yes.",
                    &[
                        ("count", &count),
                        ("text", &text.chars().take(20).collect::<String>()),
                    ],
                ));
            } else {
                for (slot, letter) in config.votes.iter_mut().zip(letters) {
                    *slot = match letter {
                        'n' => Vote::No,
                        'r' => Vote::Random,
                        _ => Vote::Yes,
                    };
                }
            }
        }
        config.variant = variant_from(r.choice_field(&VARIANT));
        config.cooperative_termination = r.flag_field(&COOPERATIVE);
        config.transactions = r.number_field(&TRANSACTIONS) as u32;
        config.validate().map(|()| config).map_err(|e| line(&e))
    }

    fn write(config: &TwoPcConfig, out: &mut Params) {
        out.insert("n".into(), config.participants.to_string());
        out.insert(
            "votes".into(),
            config.votes.iter().map(|v| vote_letter(*v)).collect(),
        );
        out.insert("variant".into(), variant_name(config.variant).into());
        out.insert(
            "coop".into(),
            u8::from(config.cooperative_termination).to_string(),
        );
        out.insert("txns".into(), config.transactions.to_string());
    }

    fn world(config: &TwoPcConfig, _seed: u64) -> Result<World<TwoPcNode>, String> {
        Ok(World {
            nodes: tpc::nodes(config),
            names: tpc::node_names(config),
            invariants: tpc::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        tpc::scenarios()
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let (config, triggers) = tpc::scenario(id)?;
        Some(Scenario {
            config,
            plan: Plan::Triggers(triggers),
        })
    }

    fn view(run: &SceneRun<Self>) -> TwoPcView {
        let nodes = run.sim().nodes();
        let mut view = TwoPcView {
            coordinator: None,
            participants: Vec::new(),
            coordinator_forced: ForcedWrites::default(),
            participants_forced: ForcedWrites::default(),
            coordinator_undecided: 0,
            participants_undecided: 0,
        };
        for (id, node, status) in nodes.iter() {
            if let Some(c) = node.as_coordinator() {
                view.coordinator = Some(c.phase());
                view.coordinator_forced = view.coordinator_forced.plus(node.forced_writes());
                view.coordinator_undecided += node.forced_writes_undecided();
            }
            if let Some(p) = node.as_participant() {
                view.participants.push(ParticipantView {
                    node: id,
                    phase: p.phase(),
                    in_doubt: p.is_in_doubt(),
                    blocked: p.is_blocked(),
                    holds_locks: p.holds_locks(),
                    status,
                });
                view.participants_forced = view.participants_forced.plus(node.forced_writes());
                view.participants_undecided += node.forced_writes_undecided();
            }
        }
        view
    }

    /// A participant whose decision timeout fired while in doubt is marked "blocked"
    /// (its state already says IN DOUBT, from its yes vote on). Every node shows the newest
    /// record of its durable log, which a crash keeps ("log: BEGIN t1" is what a restarted
    /// coordinator reads as "no decision"), or, while one is being written, that record,
    /// which a crash loses.
    fn node_marks(run: &SceneRun<Self>) -> Vec<Vec<NodeMark>> {
        run.sim()
            .nodes()
            .iter()
            .map(|(_, node, status)| {
                let blocked = status != NodeStatus::Crashed
                    && node.as_participant().is_some_and(|p| p.is_blocked());
                let mut marks = Vec::new();
                if blocked {
                    marks.push(NodeMark {
                        text: tr(BLOCKED_MARK).into(),
                        tone: Tone::Bad,
                    });
                }
                // While a record is being written, that is what a crash would change:
                // it shows instead of the newest durable one (two marks at most). With one
                // transaction, its number goes: seven nodes' marks must fit a narrow embed.
                let record = |r: &tpc::Record| {
                    if node.runs_one_transaction() {
                        r.kind().to_string()
                    } else {
                        r.to_string()
                    }
                };
                if let Some(writing) = node.log_pending().last() {
                    marks.push(NodeMark {
                        text: trf("writing {record}", &[("record", &record(writing))]),
                        tone: Tone::Warn,
                    });
                } else if let Some(newest) = node.log().last() {
                    marks.push(NodeMark {
                        text: trf("log: {record}", &[("record", &record(newest))]),
                        tone: Tone::Info,
                    });
                }
                marks
            })
            .collect()
    }

    /// Participants can be told how to vote on the next prepare.
    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<Cmd>> {
        let is_participant = run
            .sim()
            .node(node)
            .is_some_and(|n| n.as_participant().is_some());
        if !is_participant {
            return Vec::new();
        }
        vec![
            NodeCommand {
                label: crate::i18n::tr("Vote yes on the next prepare").into(),
                action: Action::Command(node, Cmd::SetVote(Vote::Yes)),
            },
            NodeCommand {
                label: crate::i18n::tr("Vote no on the next prepare").into(),
                action: Action::Command(node, Cmd::SetVote(Vote::No)),
            },
        ]
    }
}
