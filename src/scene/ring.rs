//! The consistent-hashing scene: its parameters, scenarios, node commands and view model.
//! The whole cluster is one simulated node (the control plane), changed by commands.
use super::{
    Field, FieldKind, Names, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo, Scene,
    SceneRun, World,
};
use crate::algo::placement::NodeSpec;
use crate::algo::ring_cluster::{
    self as rc, Algorithm, Cmd, HashChoice, JoinRefusal, RingConfig, RingNode, RingNote, MAX_KEYS,
    MAX_NODES, MAX_REPLICAS, MAX_VNODES,
};
use crate::i18n::{line, tr, trf};
use crate::sim::{Action, NodeId, Scheduled, Time};
use std::rc::Rc;

pub struct Ring;

mod notes;
pub mod picture;
mod teach;

const HASHES: &[(&str, &str)] = &[
    ("xxh3", "xxh3 (fast, 64-bit)"),
    ("ketama", "ketama MD5 (memcached)"),
];

const ALGORITHMS: &[(&str, &str)] = &[
    ("ring", "Consistent-hash ring"),
    ("bounded", "Ring with bounded loads"),
    ("modulo", "hash mod N"),
    ("jump", "Jump hash"),
    ("rendezvous", "Rendezvous hashing"),
    ("maglev", "Maglev"),
];

const WEIGHTS: &[(char, &str)] = &[
    ('1', "1"),
    ('2', "2"),
    ('3', "3"),
    ('4', "4"),
    ('5', "5"),
    ('6', "6"),
    ('7', "7"),
    ('8', "8"),
    ('9', "9"),
];

/// Defaults, as the settings panel shows them.
const DEFAULT_NODES: u64 = 6;
const DEFAULT_VNODES: u64 = 100;
const DEFAULT_KEYS: u64 = 2_000;
const DEFAULT_REPLICAS: u64 = 3;
const DEFAULT_CAPACITY: u64 = 125;

const FIELDS: [Field; 9] = [
    Field {
        key: "n",
        label: "Nodes",
        help: "How many servers the ring starts with (1 to 64)",
        default: "6",
        kind: FieldKind::Number { min: 1, max: 64 },
    },
    Field {
        key: "weights",
        label: "Weights",
        help: "Each server's weight (capacity): weight 2 gets twice the points and keys",
        default: "111111",
        kind: FieldKind::PerNode {
            count_key: "n",
            count_default: 6,
            first_label: "node-",
            options: WEIGHTS,
        },
    },
    Field {
        key: "vnodes",
        label: "Virtual nodes per node",
        help: "Points on the ring per unit of weight (1 to 1000): more points, more even loads",
        default: "100",
        kind: FieldKind::Number { min: 1, max: 1000 },
    },
    Field {
        key: "keys",
        label: "Keys",
        help: "How many keys are placed (0 to 100,000); their names come from the seed",
        default: "2000",
        kind: FieldKind::Number {
            min: 0,
            max: 100_000,
        },
    },
    Field {
        key: "r",
        label: "Replication factor",
        help: "How many distinct servers hold each key (1 to 5)",
        default: "3",
        kind: FieldKind::Number { min: 1, max: 5 },
    },
    Field {
        key: "hash",
        label: "Hash function",
        help: "xxh3 with virtual nodes, or libketama's MD5 ring (160 points per server)",
        default: "xxh3",
        kind: FieldKind::Choice(HASHES),
    },
    Field {
        key: "algo",
        label: "Algorithm",
        help: "How each key's owner is chosen; the ring is the star, the others compare",
        default: "ring",
        kind: FieldKind::Choice(ALGORITHMS),
    },
    Field {
        key: "c",
        label: "Bounded-load cap c (%)",
        help: "With bounded loads no server holds more than c% of its fair share (100 to 400)",
        default: "125",
        kind: FieldKind::Number { min: 100, max: 400 },
    },
    Field {
        key: "churn",
        label: "Churn",
        help: "While playing, a random server joins, leaves, fails or recovers every 40 ms",
        default: "1",
        kind: FieldKind::Flag,
    },
];

/// The scene's view model: the cluster at the cursor, read through its accessors. Cloning
/// it is cheap (its large parts are shared `Rc`s), and two views are equal when they hold
/// the same state (the same `Rc`s and the same count of handled events), so comparing them
/// costs nothing and an unchanged picture is not drawn again.
#[derive(Clone, Debug)]
pub struct RingView(pub RingNode);

fn same_rc<T>(a: Option<&Rc<T>>, b: Option<&Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl PartialEq for RingView {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        Rc::ptr_eq(a.owners(), b.owners())
            && Rc::ptr_eq(a.ring_rc(), b.ring_rc())
            && Rc::ptr_eq(a.config_rc(), b.config_rc())
            && a.handled() == b.handled()
            && same_rc(a.last_change_rc(), b.last_change_rc())
            && same_rc(a.lookup_rc(), b.lookup_rc())
            && same_rc(a.rejection_rc(), b.rejection_rc())
            && a.failed() == b.failed()
    }
}

impl Scene for Ring {
    type Node = RingNode;
    type Config = RingConfig;
    type View = RingView;

    const SLUG: &'static str = "ring";
    const TITLE: &'static str = "Consistent hashing";
    const BLURB: &'static str = "Place keys on servers so that a change moves few of them. \
The ring hashes servers and keys onto one circle, and a key belongs to the first server point \
clockwise; jump hash, rendezvous and Maglev need no ring. Add, remove or fail a server and \
only about K/N keys move; hash mod N would move almost all of them. Type a key to see how its \
owner is found.";
    const FIELDS: &'static [Field] = &FIELDS;
    const NETWORKED: bool = false;
    /// The ring is a data structure with no messages and no invariant to break: nothing to
    /// explore.
    const EXPLORABLE: bool = false;
    const CATALOGUE_ZH: &'static str = include_str!("ring.zh.txt");

    fn tour() -> Vec<super::TourStop<Self>> {
        teach::tour()
    }

    fn legend() -> Vec<super::LegendEntry> {
        teach::legend()
    }

    fn read(r: &mut ParamReader) -> Result<RingConfig, String> {
        let too_many_keys = r
            .text("keys")
            .and_then(|k| k.parse::<u64>().ok())
            .filter(|&k| k > u64::from(MAX_KEYS));
        // The commonest mistakes get a message that says why, instead of the generic range.
        let empty_ring = (r.text("n") == Some("0")).then(|| {
            trf(
                "An empty ring has no owner for any key: the ring needs at least 1 node; using {n}.",
                &[("n", &DEFAULT_NODES)],
            )
        });
        let no_vnodes = (r.text("vnodes") == Some("0")).then(|| {
            trf(
                "0 virtual nodes would put no server on the ring: use 1 to {max}; using {n}.",
                &[("max", &MAX_VNODES), ("n", &DEFAULT_VNODES)],
            )
        });
        let huge_keys = too_many_keys.map(|keys| {
            trf(
                "{keys} keys is more than this scene holds (at most {max}, to keep memory bounded); using {n}.",
                &[("keys", &keys), ("max", &MAX_KEYS), ("n", &DEFAULT_KEYS)],
            )
        });
        let n = number(
            r,
            "n",
            "The number of nodes",
            (1, u64::from(MAX_NODES)),
            DEFAULT_NODES,
            empty_ring,
        ) as u32;
        let vnodes = number(
            r,
            "vnodes",
            "Virtual nodes per node",
            (1, u64::from(MAX_VNODES)),
            DEFAULT_VNODES,
            no_vnodes,
        ) as u32;
        let key_count = number(
            r,
            "keys",
            "The number of keys",
            (0, u64::from(MAX_KEYS)),
            DEFAULT_KEYS,
            huge_keys,
        ) as u32;
        let replicas = number(
            r,
            "r",
            "The replication factor",
            (1, u64::from(MAX_REPLICAS)),
            DEFAULT_REPLICAS,
            None,
        ) as u32;
        let capacity_percent = number(
            r,
            "c",
            "The bounded-load cap c (%)",
            (100, 400),
            DEFAULT_CAPACITY,
            None,
        ) as u32;
        let hash = r.choice(
            "hash",
            "The hash function",
            &[("xxh3", HashChoice::Xxh3), ("ketama", HashChoice::Ketama)],
            HashChoice::Xxh3,
        );
        let algorithm = r.choice(
            "algo",
            "The algorithm",
            &Algorithm::ALL.map(|a| (a.slug(), a)),
            Algorithm::Ring,
        );
        let churn = r.flag("churn", "Churn", true);

        let mut weights = vec![1u32; n as usize];
        if let Some(text) = r.text("weights") {
            if text.contains('0') {
                r.problems.push(
                    tr("A weight of 0 would give a node no points (remove the node instead): weights run from 1 to 9; using 1 for every node.")
                        .to_string(),
                );
            } else if !text.chars().all(|c| c.is_ascii_digit()) {
                r.problems.push(trf(
                    "Weights must be digits from 1 to 9, one per node, not \"{text}\"; using 1 for every node.",
                    &[("text", &text.chars().take(20).collect::<String>())],
                ));
            } else {
                // Extra digits (left over after lowering the node count) are simply unused.
                for (slot, digit) in weights.iter_mut().zip(text.bytes()) {
                    *slot = u32::from(digit - b'0');
                }
            }
        }
        let mut config = RingConfig {
            nodes: weights
                .iter()
                .enumerate()
                .map(|(i, &w)| NodeSpec::new(format!("node-{}", i + 1), w))
                .collect(),
            vnodes,
            hash,
            algorithm,
            key_count,
            replicas,
            capacity_percent,
            churn,
        };
        if config.algorithm == Algorithm::BoundedLoad && config.hash == HashChoice::Ketama {
            r.problems.push(
                tr("Bounded loads run on the xxh3 ring, not on ketama's MD5 ring; using xxh3.")
                    .into(),
            );
            config.hash = HashChoice::Xxh3;
        }
        config.validate().map(|()| config).map_err(|e| line(&e))
    }

    fn write(config: &RingConfig, out: &mut Params) {
        out.insert("n".into(), config.nodes.len().to_string());
        out.insert(
            "weights".into(),
            config
                .nodes
                .iter()
                .map(|n| char::from_digit(n.weight.min(9), 10).unwrap_or('1'))
                .collect(),
        );
        out.insert("vnodes".into(), config.vnodes.to_string());
        out.insert("keys".into(), config.key_count.to_string());
        out.insert("r".into(), config.replicas.to_string());
        out.insert("hash".into(), config.hash.slug().into());
        out.insert("algo".into(), config.algorithm.slug().into());
        out.insert("c".into(), config.capacity_percent.to_string());
        out.insert("churn".into(), u8::from(config.churn).to_string());
    }

    fn world(config: &RingConfig, seed: u64) -> Result<World<RingNode>, String> {
        config.validate().map_err(|e| line(&e))?;
        Ok(World {
            nodes: vec![RingNode::new(config, seed)?],
            names: vec!["cluster".into()],
            invariants: rc::invariants(config),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        rc::scenarios()
    }

    /// Each command is its own step after the start (step 1), at its own simulated time,
    /// so that playing the scenario shows one change after another.
    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let scenario = rc::scenario(id)?;
        let actions = scenario
            .commands
            .into_iter()
            .enumerate()
            .map(|(i, (ms, cmd))| Scheduled {
                at: i as u64 + 1,
                time: Time::from_millis(ms),
                action: Action::Command(NodeId(0), cmd),
            })
            .collect();
        Some(Scenario {
            config: scenario.config,
            plan: Plan::Actions(actions),
        })
    }

    fn view(run: &SceneRun<Self>) -> RingView {
        RingView(
            run.sim()
                .node(NodeId(0))
                .cloned()
                .expect("the ring scene has its cluster node"),
        )
    }

    fn describe_command(cmd: &Cmd) -> String {
        command_words(cmd)
    }

    fn describe(_names: &Names<'_>, _node: NodeId, note: &RingNote) -> String {
        notes::describe(note)
    }

    /// The cluster changes the picture with no message: each change and lookup is the
    /// step's change on the stage (churn's steps would otherwise be skipped by "next").
    fn note_changes_stage(_note: &RingNote) -> bool {
        true
    }

    /// A join, and a leave and a failure for each live server.
    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<Cmd>> {
        let Some(cluster) = run.sim().node(node) else {
            return Vec::new();
        };
        let command = |label: String, cmd: Cmd| NodeCommand {
            label,
            action: Action::Command(node, cmd),
        };
        let mut commands = Vec::new();
        if let Some(next) = cluster.addable_name() {
            commands.push(command(
                trf("Add {name}", &[("name", &next)]),
                Cmd::Join {
                    name: next,
                    weight: 1,
                },
            ));
        }
        for (_, spec) in cluster.live_nodes() {
            let name = spec.name.clone();
            commands.push(command(
                trf("{name} leaves", &[("name", &name)]),
                Cmd::Leave { name: name.clone() },
            ));
            let fails = trf("{name} fails", &[("name", &name)]);
            commands.push(command(fails, Cmd::Fail { name }));
        }
        commands
    }
}

/// A command in words, for captions and the log: "look up key user:42", not its link
/// form "lookup:user%3A42".
pub fn command_words(cmd: &Cmd) -> String {
    match cmd {
        Cmd::Join { name, weight } => trf(
            "add {node} with weight {weight}",
            &[("node", name), ("weight", weight)],
        ),
        Cmd::Leave { name } => trf("let {node} leave the cluster", &[("node", name)]),
        Cmd::Fail { name } => trf("make {node} fail", &[("node", name)]),
        Cmd::Recover { name } => trf("recover {node}", &[("node", name)]),
        Cmd::Weight { name, weight } => trf(
            "set {node}'s weight to {weight}",
            &[("node", name), ("weight", weight)],
        ),
        Cmd::Lookup { key } => trf("look up key {key}", &[("key", key)]),
    }
}

/// A refused command and why, in the page's language (the panel's alert): the command as
/// a link writes it, and the ring's reason.
pub fn rejection_words(rejection: &rc::Rejection) -> String {
    trf(
        "\"{command}\" was refused: {why}.",
        &[
            ("command", &rejection.command),
            ("why", &line(&rejection.reason)),
        ],
    )
}

/// Why the "add a node" form cannot add this node, in the page's language: the refusal
/// [`RingNode::join_from_form`] (that is, the ring's own `check_join`) gives, worded for
/// the form (a failed server is recovered from the node picker below it).
pub fn join_refusal_words(refusal: &JoinRefusal) -> String {
    match refusal {
        // The naming and weight rules' own messages, as the form showed them before.
        JoinRefusal::BadName(why) | JoinRefusal::BadWeight(why) => line(why),
        JoinRefusal::NameTaken(name) => trf(
            "there is already a node named \"{name}\": names must be unique",
            &[("name", name)],
        ),
        JoinRefusal::NameFailed(name) => trf(
            "\"{name}\" failed earlier: choose it below and recover it",
            &[("name", name)],
        ),
        JoinRefusal::Full => trf(
            "the ring is full: it holds at most {max} nodes, so remove one first",
            &[("max", &MAX_NODES)],
        ),
    }
}

/// A whole number in `range`, or `default` with `explained` (a clearer message than the
/// generic one) or the generic message.
fn number(
    r: &mut ParamReader,
    key: &str,
    label: &'static str,
    (min, max): (u64, u64),
    default: u64,
    explained: Option<String>,
) -> u64 {
    match explained {
        Some(message) => {
            r.problems.push(message);
            default
        }
        None => r.number(key, label, min, max, default),
    }
}
