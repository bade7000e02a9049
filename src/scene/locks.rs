//! The distributed-locks scene: its parameters, scenarios, node commands and view model.
use super::{
    Field, FieldKind, NodeCommand, ParamReader, Params, Plan, Scenario, ScenarioInfo, Scene,
    SceneRun, World,
};
use crate::algo::locks::{self, LockCmd, LockKind, LockNode, LockView, LocksConfig, MAX_CLIENTS};
use crate::sim::{Action, NetConfig, NodeId, Time};

pub struct Locks;

mod describe;
mod teach;

/// The scene's view model: the lock as its panel draws it, with the setting it needs.
#[derive(Clone, Debug, PartialEq)]
pub struct LocksView {
    pub lock: LockView,
    /// The lease (or session) length the run uses.
    pub ttl: Time,
}

const KINDS: &[(&str, &str)] = &[
    ("lease", "Lease lock (Redis SET NX PX)"),
    ("queue", "Queue lock, watch the predecessor (ZooKeeper)"),
    ("herd", "Queue lock, watch the lock node (herd effect)"),
    ("redlock", "Redlock over 5 servers"),
];

const KIND: Field = Field {
    key: "kind",
    label: "Lock",
    help: "Which lock service the clients use",
    default: "lease",
    kind: FieldKind::Choice(KINDS),
};
const CLIENTS: Field = Field {
    key: "clients",
    label: "Clients",
    help: "1 to 8 clients looping acquire, write, release",
    default: "3",
    kind: FieldKind::Number {
        min: 1,
        max: MAX_CLIENTS as u64,
    },
};
const TTL: Field = Field {
    key: "ttl",
    label: "Lease TTL (ms)",
    help: "How long a lease (or a session) lasts without renewal",
    default: "100",
    kind: FieldKind::Number {
        min: 1,
        max: 60_000,
    },
};
const FENCING: Field = Field {
    key: "fencing",
    label: "Fencing tokens",
    help: "Storage rejects writes carrying a token older than one it has seen",
    default: "1",
    kind: FieldKind::Flag,
};
const ROUNDS: Field = Field {
    key: "rounds",
    label: "Rounds per client",
    help: "Critical sections each client runs (0: forever)",
    default: "5",
    kind: FieldKind::Number {
        min: 0,
        max: 10_000,
    },
};
/// Not in the panel; read from links and scenarios.
const WORK: Field = Field {
    key: "work",
    label: "The work time (ms)",
    help: "Time spent inside the critical section before the write",
    default: "10",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};
const THINK: Field = Field {
    key: "think",
    label: "The think time (ms)",
    help: "Longest pause between two rounds",
    default: "20",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};

fn ms(t: Time) -> u64 {
    t.0 / 1000
}

impl Scene for Locks {
    type Node = LockNode;
    type Config = LocksConfig;
    type View = LocksView;

    const SLUG: &'static str = "locks";
    const TITLE: &'static str = "Distributed locks";
    const BLURB: &'static str = "Clients take a lock, write to shared storage inside the \
critical section, and release it. Pause a holder longer than its lease (a GC pause) and two \
clients believe they hold the lock; fencing tokens are what keep the storage safe.";
    const FIELDS: &'static [Field] = &[KIND, CLIENTS, TTL, FENCING, ROUNDS];

    fn default_net() -> NetConfig {
        locks::net_config()
    }

    const CATALOGUE_ZH: &'static str = include_str!("locks.zh.txt");

    fn describe(names: &super::Names<'_>, node: NodeId, note: &locks::LockNote) -> String {
        describe::describe(names, node, note)
    }

    fn tour() -> Vec<super::TourStop<Self>> {
        teach::tour()
    }

    fn legend() -> Vec<super::LegendEntry> {
        teach::legend()
    }

    fn read(r: &mut ParamReader) -> Result<LocksConfig, String> {
        let mut config = LocksConfig::default();
        let kind = r.choice_field(&KIND);
        config.kind = LockKind::ALL
            .into_iter()
            .find(|k| k.slug() == kind)
            .unwrap_or(config.kind);
        config.clients = r.number_field(&CLIENTS) as u32;
        config.ttl = Time::from_millis(r.number_field_or(&TTL, ms(config.ttl)));
        config.fencing = r.flag_field(&FENCING);
        config.rounds = r.number_field(&ROUNDS) as u32;
        config.work = Time::from_millis(r.number_field_or(&WORK, ms(config.work)));
        config.think = Time::from_millis(r.number_field_or(&THINK, ms(config.think)));
        config
            .validate()
            .map(|()| config)
            .map_err(|e| format!("This lock setup cannot run: {e}"))
    }

    fn write(config: &LocksConfig, out: &mut Params) {
        out.insert("kind".into(), config.kind.slug().into());
        out.insert("clients".into(), config.clients.to_string());
        out.insert("ttl".into(), ms(config.ttl).to_string());
        out.insert("fencing".into(), u8::from(config.fencing).to_string());
        out.insert("rounds".into(), config.rounds.to_string());
        out.insert("work".into(), ms(config.work).to_string());
        out.insert("think".into(), ms(config.think).to_string());
    }

    fn world(config: &LocksConfig, _seed: u64) -> Result<World<LockNode>, String> {
        Ok(World {
            nodes: locks::nodes(config),
            names: locks::node_names(config),
            invariants: locks::invariants(),
        })
    }

    fn scenarios() -> Vec<ScenarioInfo> {
        locks::scenarios()
    }

    fn scenario(id: &str) -> Option<Scenario<Self>> {
        let (config, triggers) = locks::scenario(id)?;
        Some(Scenario {
            config,
            plan: Plan::Triggers(triggers),
        })
    }

    fn view(run: &SceneRun<Self>) -> LocksView {
        LocksView {
            lock: locks::lock_view(run.sim()),
            ttl: run.config.ttl,
        }
    }

    /// Clients can be stopped, started, or told to release the lock now.
    fn node_commands(run: &SceneRun<Self>, node: NodeId) -> Vec<NodeCommand<LockCmd>> {
        if !locks::layout(&run.config).clients.contains(&node) {
            return Vec::new();
        }
        [
            ("Release the lock now", LockCmd::Release),
            ("Stop looping", LockCmd::Stop),
            ("Start looping", LockCmd::Start),
        ]
        .into_iter()
        .map(|(label, cmd)| NodeCommand {
            label: label.into(),
            action: Action::Command(node, cmd),
        })
        .collect()
    }
}
