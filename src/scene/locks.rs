//! The distributed-locks scene: link parameters <-> [`LocksConfig`], scenarios, commands.
use super::params::{write_network, ParamReader};
use super::{assemble, resolved_scenario, Built, Field, FieldKind, Parts, RunSpec, ScenarioInfo};
use crate::algo::locks::{self, LockKind, LockNode, LocksConfig, MAX_CLIENTS};
use crate::sim::run::Snapshot;
use crate::sim::{NetConfig, Time};
use std::collections::BTreeMap;

pub const BLURB: &str =
    "Clients take a lock, write to shared storage inside the critical section, \
and release it. Pause a holder longer than its lease (a GC pause) and two clients believe they \
hold the lock; fencing tokens are what keep the storage safe.";

const KINDS: &[(&str, &str)] = &[
    ("lease", "Lease lock (Redis SET NX PX)"),
    ("queue", "Queue lock, watch the predecessor (ZooKeeper)"),
    ("herd", "Queue lock, watch the lock node (herd effect)"),
    ("redlock", "Redlock over 5 servers"),
];

pub const FIELDS: [Field; 7] = [
    Field {
        key: "kind",
        label: "Lock",
        help: "Which lock service the clients use",
        default: "lease",
        kind: FieldKind::Choice(KINDS),
    },
    Field {
        key: "clients",
        label: "Clients",
        help: "1 to 8 clients looping acquire, write, release",
        default: "3",
        kind: FieldKind::Number {
            min: 1,
            max: MAX_CLIENTS as u64,
        },
    },
    Field {
        key: "ttl",
        label: "Lease TTL (ms)",
        help: "How long a lease (or a session) lasts without renewal",
        default: "100",
        kind: FieldKind::Number {
            min: 1,
            max: 60_000,
        },
    },
    Field {
        key: "fencing",
        label: "Fencing tokens",
        help: "Storage rejects writes carrying a token older than one it has seen",
        default: "1",
        kind: FieldKind::Flag,
    },
    Field {
        key: "rounds",
        label: "Rounds per client",
        help: "Critical sections each client runs (0: forever)",
        default: "5",
        kind: FieldKind::Number {
            min: 0,
            max: 10_000,
        },
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

fn ms(t: Time) -> u64 {
    t.0 / 1000
}

/// Reads the scene's parameters; unusable ones are reported and replaced by defaults.
pub fn read(params: &BTreeMap<String, String>) -> (LocksConfig, NetConfig, Vec<String>) {
    let mut r = ParamReader::new(params);
    let mut config = LocksConfig::default();
    let kinds: Vec<(&str, LockKind)> = LockKind::ALL.iter().map(|k| (k.slug(), *k)).collect();
    config.kind = r.choice("kind", "The lock", &kinds, config.kind);
    config.clients = r.number(
        "clients",
        "The number of clients",
        1,
        u64::from(MAX_CLIENTS),
        u64::from(config.clients),
    ) as u32;
    config.ttl =
        Time::from_millis(r.number("ttl", "The lease TTL (ms)", 1, 60_000, ms(config.ttl)));
    config.fencing = r.flag("fencing", "Fencing", config.fencing);
    config.rounds = r.number(
        "rounds",
        "Rounds per client",
        0,
        10_000,
        u64::from(config.rounds),
    ) as u32;
    config.work =
        Time::from_millis(r.number("work", "The work time (ms)", 0, 60_000, ms(config.work)));
    config.think =
        Time::from_millis(r.number("think", "The think time (ms)", 0, 60_000, ms(config.think)));
    let net = r.network(locks::net_config());
    let mut problems = r.problems;
    if let Err(e) = config.validate() {
        problems.push(format!(
            "This lock setup cannot run: {e}; using the default setup."
        ));
        config = LocksConfig::default();
    }
    (config, net, problems)
}

/// The link form of a configuration (the inverse of [`read`]).
pub fn write(config: &LocksConfig, net: &NetConfig) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("kind".into(), config.kind.slug().into());
    out.insert("clients".into(), config.clients.to_string());
    out.insert("ttl".into(), ms(config.ttl).to_string());
    out.insert("fencing".into(), u8::from(config.fencing).to_string());
    out.insert("rounds".into(), config.rounds.to_string());
    out.insert("work".into(), ms(config.work).to_string());
    out.insert("think".into(), ms(config.think).to_string());
    write_network(net, &mut out);
    out
}

pub fn build(spec: &mut RunSpec) -> Built {
    let (config, net, mut problems) = read(&spec.params);
    spec.params = write(&config, &net);
    let parts = Parts {
        nodes: locks::nodes(&config),
        names: locks::node_names(&config),
        net,
        invariants: locks::invariants(),
    };
    let run = assemble(spec, parts, Vec::new(), &mut problems);
    Built { run, problems }
}

pub fn scenarios() -> Vec<ScenarioInfo> {
    locks::scenarios()
}

pub fn scenario_spec(id: &str, seed: u64) -> Option<RunSpec> {
    let (config, triggers) = locks::scenario(id)?;
    let net = locks::net_config();
    let sim = crate::sim::Sim::new(
        seed,
        locks::nodes(&config),
        net.clone(),
        locks::invariants(),
    );
    let params = write(&config, &net);
    Some(resolved_scenario(
        super::SceneId::Locks,
        params,
        sim,
        &triggers,
    ))
}

/// Clients can be stopped, started, or told to release the lock now.
pub fn node_commands(node: u32, snapshot: &Snapshot) -> Vec<(String, String)> {
    let is_client = snapshot
        .nodes
        .get(node as usize)
        .is_some_and(|n| n.name.starts_with("client"));
    if !is_client {
        return Vec::new();
    }
    vec![
        ("Release the lock now".into(), format!("cmd:{node}:release")),
        ("Stop looping".into(), format!("cmd:{node}:stop")),
        ("Start looping".into(), format!("cmd:{node}:start")),
    ]
}

/// The lock-queue view's data at the cursor, if the run is a locks run.
pub fn view(state: &dyn std::any::Any) -> Option<locks::LockView> {
    state
        .downcast_ref::<crate::sim::Sim<LockNode>>()
        .map(locks::lock_view)
}
