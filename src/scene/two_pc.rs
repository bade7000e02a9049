//! The two-phase commit scene: link parameters <-> [`TwoPcConfig`], scenarios, commands.
use super::params::{write_network, ParamReader};
use super::{assemble, resolved_scenario, Built, Field, FieldKind, Parts, RunSpec, ScenarioInfo};
use crate::algo::two_phase_commit::{self as tpc, TwoPcConfig, Variant, Vote};
use crate::sim::run::Snapshot;
use crate::sim::{NetConfig, Sim};
use std::collections::BTreeMap;

pub const BLURB: &str =
    "A coordinator asks every participant to prepare; if all vote yes it commits, \
otherwise it aborts. Crash the coordinator after the prepares and watch the participants block, \
in doubt, holding their locks.";

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

pub const FIELDS: [Field; 7] = [
    Field {
        key: "n",
        label: "Participants",
        help: "2 to 7 participants besides the coordinator",
        default: "3",
        kind: FieldKind::Number { min: 2, max: 7 },
    },
    Field {
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
    },
    Field {
        key: "variant",
        label: "Variant",
        help: "The correct protocol, or a deliberately broken one",
        default: "correct",
        kind: FieldKind::Choice(VARIANTS),
    },
    Field {
        key: "coop",
        label: "Cooperative termination",
        help: "In-doubt participants ask each other for the outcome",
        default: "0",
        kind: FieldKind::Flag,
    },
    Field {
        key: "txns",
        label: "Transactions",
        help: "How many transactions the coordinator runs, one after another",
        default: "1",
        kind: FieldKind::Number { min: 1, max: 1000 },
    },
    Field {
        key: "loss",
        label: "Message loss (%)",
        help: "Probability that the network loses a message",
        default: "0",
        kind: FieldKind::Number { min: 0, max: 90 },
    },
    Field {
        key: "dup",
        label: "Duplication (%)",
        help: "Probability that the network delivers a message twice",
        default: "0",
        kind: FieldKind::Number { min: 0, max: 90 },
    },
];

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

/// Reads the scene's parameters; unusable ones are reported and replaced by defaults.
pub fn read(params: &BTreeMap<String, String>) -> (TwoPcConfig, NetConfig, Vec<String>) {
    let mut r = ParamReader::new(params);
    let mut config = TwoPcConfig::default();
    config.participants = r.number(
        "n",
        "The number of participants",
        2,
        7,
        u64::from(config.participants),
    ) as u32;
    let count = config.participants as usize;
    config.votes = vec![Vote::Yes; count];
    if let Some(text) = r.text("votes") {
        let letters: Vec<char> = text.chars().collect();
        let valid = letters.iter().all(|c| VOTES.iter().any(|(v, _)| v == c));
        if !valid || letters.len() > count {
            r.problems.push(format!(
                "Votes must be up to {count} letters, y (yes), n (no) or r (random), one per participant, \
                 not \"{}\"; everyone votes yes.",
                text.chars().take(20).collect::<String>()
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
    config.variant = r.choice(
        "variant",
        "The variant",
        &[
            ("correct", Variant::Correct),
            ("send-before-log", Variant::SendBeforeLog),
            ("forget-vote", Variant::ForgetVoteOnCrash),
        ],
        config.variant,
    );
    config.cooperative_termination = r.flag(
        "coop",
        "Cooperative termination",
        config.cooperative_termination,
    );
    config.transactions = r.number(
        "txns",
        "The number of transactions",
        1,
        1000,
        u64::from(config.transactions),
    ) as u32;
    let net = r.network(tpc::net_config());
    let mut problems = r.problems;
    if let Err(e) = config.validate() {
        problems.push(format!("{e}; using the default setup."));
        config = TwoPcConfig::default();
    }
    (config, net, problems)
}

/// The link form of a configuration (the inverse of [`read`]).
pub fn write(config: &TwoPcConfig, net: &NetConfig) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
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
    write_network(net, &mut out);
    out
}

pub fn build(spec: &mut RunSpec) -> Built {
    let (config, net, mut problems) = read(&spec.params);
    spec.params = write(&config, &net);
    let parts = Parts {
        nodes: tpc::nodes(&config),
        names: tpc::node_names(&config),
        net,
        invariants: tpc::invariants(),
    };
    let run = assemble(spec, parts, Vec::new(), &mut problems);
    Built { run, problems }
}

pub fn scenarios() -> Vec<ScenarioInfo> {
    tpc::scenarios()
}

pub fn scenario_spec(id: &str, seed: u64) -> Option<RunSpec> {
    let (config, triggers) = tpc::scenario(id)?;
    let net = tpc::net_config();
    let sim = Sim::new(seed, tpc::nodes(&config), net.clone(), tpc::invariants());
    let params = write(&config, &net);
    Some(resolved_scenario(
        super::SceneId::TwoPhaseCommit,
        params,
        sim,
        &triggers,
    ))
}

/// Participants can be told how to vote on the next prepare.
pub fn node_commands(node: u32, _snapshot: &Snapshot) -> Vec<(String, String)> {
    if node == 0 {
        return Vec::new();
    }
    vec![
        (
            "Vote yes on the next prepare".into(),
            format!("cmd:{node}:vote-yes"),
        ),
        (
            "Vote no on the next prepare".into(),
            format!("cmd:{node}:vote-no"),
        ),
    ]
}
