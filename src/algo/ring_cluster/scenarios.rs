//! Ready-made scenarios: a configuration and the commands to take.
use super::commands::Cmd;
use super::config::{Algorithm, HashChoice, RingConfig};
use crate::sim::scenario::ScenarioInfo;

/// A ready-made scenario: its configuration and the commands to take, each at a
/// simulated time (milliseconds).
pub struct Scenario {
    pub config: RingConfig,
    pub commands: Vec<(u64, Cmd)>,
}

const SCENARIOS: &[ScenarioInfo] = &[
    ScenarioInfo {
        id: "modulo-vs-ring",
        title: "Modulo vs ring: one server joins",
        description:
            "Four servers place 4,000 keys with hash mod N; a fifth joins and about 80% of \
                      all keys move, though the newcomer should take only 20%. The counter shows \
                      what the ring would have moved for the same join. Switch the algorithm to \
                      ring to watch only the newcomer's share fly.",
    },
    ScenarioInfo {
        id: "ring-join",
        title: "Ring: one server joins",
        description:
            "Five servers with 100 virtual nodes each; node-6 joins and takes about a sixth \
                      of the keys, a little from every server, and nothing else moves.",
    },
    ScenarioInfo {
        id: "one-vnode",
        title: "1 virtual node: lopsided",
        description:
            "Five servers with one point each: arcs of random length, so some server owns \
                      two or three times its share (see the histogram's peak / fair share). Compare with \
                      100 virtual nodes.",
    },
    ScenarioInfo {
        id: "many-vnodes",
        title: "Virtual nodes even out the load",
        description: "The same five servers with 100 virtual nodes each: every server's share is \
                      the sum of many small arcs, within about 10% of the mean.",
    },
    ScenarioInfo {
        id: "node-fails",
        title: "A node fails: only its keys move",
        description: "Six servers, three replicas. node-3 fails: only its keys move, each to the \
                      next server clockwise, spread over many servers thanks to virtual nodes. \
                      A lookup shows a key that lived on node-3 and its new preference list.",
    },
    ScenarioInfo {
        id: "weights",
        title: "Weights: bigger servers take more",
        description:
            "Servers of weight 1, 1, 2 and 4 get keys in proportion; then node-1's weight \
                      goes from 1 to 3 and it pulls keys in from everyone, nothing else moves.",
    },
    ScenarioInfo {
        id: "bounded",
        title: "Bounded loads: nobody above 1.25× the mean",
        description: "Ten virtual nodes per server give an uneven ring, but with bounded loads no \
                      server takes more than 1.25 times its share: keys walk past full servers. \
                      The price: a join moves more keys than the plain ring would.",
    },
    ScenarioInfo {
        id: "ketama",
        title: "ketama (memcached): a join reshuffles unequal servers",
        description: "libketama gives each server floor(40 × servers × weight ÷ total weight) \
                      MD5 digests, four points each. With weights 1, 1, 2 and 4 the four \
                      servers get 20, 20, 40 and 80 digests; when node-5 (weight 1) joins they \
                      get 22, 22, 44, 88 and 22. Every server's points are derived again, so \
                      keys also move between servers that did not change, and minimal \
                      disruption turns red. (With equal weights every server keeps exactly \
                      40 digests, and a join moves keys only to the newcomer.)",
    },
    ScenarioInfo {
        id: "churn",
        title: "Churn: servers come and go",
        description: "Press play: every 40 ms of simulated time a random server joins, leaves, \
                      fails or recovers (drawn from the seed). Watch the keys fly and the \
                      histogram stay level.",
    },
];

pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.to_vec()
}

/// The configuration and commands of a scenario.
pub fn scenario(id: &str) -> Option<Scenario> {
    let join = |name: &str, weight: u32| Cmd::Join {
        name: name.into(),
        weight,
    };
    let scenario = match id {
        "modulo-vs-ring" => Scenario {
            config: RingConfig {
                algorithm: Algorithm::Modulo,
                ..RingConfig::uniform(4, 100, 4_000)
            },
            commands: vec![(20, join("node-5", 1))],
        },
        "ring-join" => Scenario {
            config: RingConfig::uniform(5, 100, 4_000),
            commands: vec![(20, join("node-6", 1))],
        },
        "one-vnode" => Scenario {
            config: RingConfig::uniform(5, 1, 4_000),
            commands: vec![(
                20,
                Cmd::Lookup {
                    key: "user:42".into(),
                },
            )],
        },
        "many-vnodes" => Scenario {
            config: RingConfig::uniform(5, 100, 4_000),
            commands: vec![(
                20,
                Cmd::Lookup {
                    key: "user:42".into(),
                },
            )],
        },
        "node-fails" => Scenario {
            config: RingConfig::uniform(6, 100, 4_000),
            commands: vec![
                (
                    20,
                    Cmd::Fail {
                        name: "node-3".into(),
                    },
                ),
                (
                    60,
                    Cmd::Lookup {
                        key: "user:6".into(),
                    },
                ),
            ],
        },
        "weights" => {
            let mut config = RingConfig::uniform(4, 100, 4_000);
            for (node, weight) in config.nodes.iter_mut().zip([1, 1, 2, 4]) {
                node.weight = weight;
            }
            Scenario {
                config,
                commands: vec![(
                    20,
                    Cmd::Weight {
                        name: "node-1".into(),
                        weight: 3,
                    },
                )],
            }
        }
        "bounded" => Scenario {
            config: RingConfig {
                algorithm: Algorithm::BoundedLoad,
                ..RingConfig::uniform(5, 10, 5_000)
            },
            commands: vec![(20, join("node-6", 1))],
        },
        "ketama" => {
            // Unequal weights: with equal ones libketama's digest counts never change.
            let mut config = RingConfig {
                hash: HashChoice::Ketama,
                ..RingConfig::uniform(4, 100, 4_000)
            };
            for (node, weight) in config.nodes.iter_mut().zip([1, 1, 2, 4]) {
                node.weight = weight;
            }
            Scenario {
                config,
                commands: vec![(20, join("node-5", 1))],
            }
        }
        "churn" => Scenario {
            config: RingConfig {
                churn: true,
                ..RingConfig::uniform(6, 100, 3_000)
            },
            commands: Vec::new(),
        },
        _ => return None,
    };
    Some(scenario)
}
