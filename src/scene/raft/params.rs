//! The Raft scene's parameters: one declaration each (link key, label, help, default,
//! range), read from a link with a message for every value that cannot be used, and
//! written back so that a link names exactly the run it shows.
use crate::algo::raft::{RaftConfig, ReadMode, Term, Variant, MAX_CLIENTS, MAX_SPARES};
use crate::i18n::{line, tr, trf};
use crate::scene::{Field, FieldKind, ParamReader, Params};
use crate::sim::Time;

const SERVER_CHOICES: &[(&str, &str)] = &[("3", "3"), ("5", "5"), ("7", "7"), ("9", "9")];

const VARIANTS: &[(&str, &str)] = &[
    ("correct", "Correct (as in the paper)"),
    (
        "commit-old-term",
        "Broken: commits old-term entries by counting replicas",
    ),
    (
        "vote-any-log",
        "Broken: votes without the up-to-date log check",
    ),
    ("volatile-vote", "Broken: forgets its vote in a crash"),
    (
        "change-early",
        "Broken: changes membership before its first commit",
    ),
    (
        "local-reads",
        "Broken: leader reads without confirming leadership",
    ),
];

const READ_MODES: &[(&str, &str)] = &[
    ("log", "Through the log"),
    ("read-index", "ReadIndex (confirm leadership, no log write)"),
];

pub const SERVERS: Field = Field {
    key: "n",
    label: "Servers",
    help: "Servers in the cluster: 3, 5, 7 or 9 (a majority must be up to make progress)",
    default: "5",
    kind: FieldKind::Choice(SERVER_CHOICES),
};
pub const SPARES: Field = Field {
    key: "spares",
    label: "Spare servers",
    help: "0 to 2 extra servers outside the cluster, which the leader can add",
    default: "0",
    kind: FieldKind::Number {
        min: 0,
        max: MAX_SPARES as u64,
    },
};
pub const CLIENTS: Field = Field {
    key: "clients",
    label: "Clients",
    help: "0 to 3 clients that send reads and writes to the leader",
    default: "1",
    kind: FieldKind::Number {
        min: 0,
        max: MAX_CLIENTS as u64,
    },
};
pub const TIMEOUT_MIN: Field = Field {
    key: "tmin",
    label: "Election timeout min (ms)",
    help: "Each election timeout is drawn between min and max; the paper uses 150 to 300 ms",
    default: "150",
    kind: FieldKind::Number {
        min: 1,
        max: 10_000,
    },
};
pub const TIMEOUT_MAX: Field = Field {
    key: "tmax",
    label: "Election timeout max (ms)",
    help: "Equal to min, every server times out together and votes split again and again",
    default: "300",
    kind: FieldKind::Number {
        min: 1,
        max: 10_000,
    },
};
pub const HEARTBEAT: Field = Field {
    key: "hb",
    label: "Heartbeat interval (ms)",
    help: "How often an idle leader sends empty AppendEntries; shorter than the minimum election timeout",
    default: "50",
    kind: FieldKind::Number { min: 1, max: 10_000 },
};
pub const VARIANT: Field = Field {
    key: "variant",
    label: "Variant",
    help: "Raft as in the paper, or a version with one rule removed",
    default: "correct",
    kind: FieldKind::Choice(VARIANTS),
};
pub const PRE_VOTE: Field = Field {
    key: "prevote",
    label: "PreVote",
    help: "Before an election, ask whether the others would vote, so a cut-off server does not raise its term",
    default: "0",
    kind: FieldKind::Flag,
};
pub const CHECK_QUORUM: Field = Field {
    key: "cq",
    label: "CheckQuorum",
    help: "A leader that has not heard from a majority for an election timeout steps down",
    default: "0",
    kind: FieldKind::Flag,
};
pub const NO_OP: Field = Field {
    key: "noop",
    label: "No-op on election",
    help: "A new leader appends an empty entry of its term, so earlier entries commit at once",
    default: "1",
    kind: FieldKind::Flag,
};
pub const HINT: Field = Field {
    key: "hint",
    label: "Conflict-term hint",
    help: "A follower that refuses AppendEntries names the conflicting term, so the leader skips a term at a time",
    default: "0",
    kind: FieldKind::Flag,
};
pub const READS: Field = Field {
    key: "reads",
    label: "Reads",
    help: "How the leader serves reads",
    default: "log",
    kind: FieldKind::Choice(READ_MODES),
};
pub const SNAPSHOT: Field = Field {
    key: "snap",
    label: "Snapshot threshold",
    help: "Snapshot once this many entries are applied after the last snapshot (0: never; else 2 to 1000)",
    default: "0",
    kind: FieldKind::Number { min: 0, max: 1000 },
};
pub const WORKLOAD: Field = Field {
    key: "work",
    label: "Workload per client",
    help: "Operations each client issues by itself (0: only when you ask)",
    default: "0",
    kind: FieldKind::Number { min: 0, max: 1000 },
};
/// Not in the panel; read from links and scenarios.
const BATCH: Field = Field {
    key: "batch",
    label: "Entries per AppendEntries",
    help: "Most entries one AppendEntries carries",
    default: "8",
    kind: FieldKind::Number { min: 1, max: 64 },
};
const CLIENT_TIMEOUT: Field = Field {
    key: "ctimeout",
    label: "Client timeout (ms)",
    help: "A client that hears nothing for this long tries another server",
    default: "400",
    kind: FieldKind::Number {
        min: 1,
        max: 10_000,
    },
};
const THINK: Field = Field {
    key: "think",
    label: "Think time (ms)",
    help: "A client's pause between two operations of its workload",
    default: "100",
    kind: FieldKind::Number {
        min: 1,
        max: 10_000,
    },
};

/// The panel's fields, in order.
pub const FIELDS: &[Field] = &[
    SERVERS,
    SPARES,
    CLIENTS,
    TIMEOUT_MIN,
    TIMEOUT_MAX,
    HEARTBEAT,
    VARIANT,
    PRE_VOTE,
    CHECK_QUORUM,
    NO_OP,
    HINT,
    READS,
    SNAPSHOT,
    WORKLOAD,
];

/// The longest `logs` parameter read (64 entries of 4-digit terms on 11 servers fit).
const MAX_LOGS_TEXT: usize = 4_000;

fn ms(t: Time) -> u64 {
    t.0 / 1000
}

fn millis(r: &mut ParamReader, field: &Field, default: Time) -> Time {
    Time::from_millis(r.number_field_or(field, ms(default)))
}

/// Reads the configuration; a value out of range falls back to its default with a message.
pub fn read(r: &mut ParamReader) -> Result<RaftConfig, String> {
    let mut config = RaftConfig {
        servers: r.choice_field(&SERVERS).parse().unwrap_or(5),
        spares: r.number_field(&SPARES) as u32,
        clients: r.number_field(&CLIENTS) as u32,
        ..RaftConfig::default()
    };
    config.election_timeout_min = millis(r, &TIMEOUT_MIN, config.election_timeout_min);
    config.election_timeout_max = millis(r, &TIMEOUT_MAX, config.election_timeout_max);
    config.heartbeat_interval = millis(r, &HEARTBEAT, config.heartbeat_interval);
    config.variant = r.choice_field(&VARIANT).parse().unwrap_or_default();
    config.pre_vote = r.flag_field(&PRE_VOTE);
    config.check_quorum = r.flag_field(&CHECK_QUORUM);
    config.leader_no_op = r.flag_field(&NO_OP);
    config.conflict_hint = r.flag_field(&HINT);
    config.read_mode = r.choice_field(&READS).parse().unwrap_or_default();
    config.snapshot_threshold = r.number_field(&SNAPSHOT) as u32;
    if config.snapshot_threshold == 1 {
        r.problems.push(
            tr("A snapshot threshold of 1 would snapshot after every entry: use 0 (never) or 2 to 1000; using 0.")
                .into(),
        );
        config.snapshot_threshold = 0;
    }
    config.workload = r.number_field(&WORKLOAD) as u32;
    config.max_batch = r.number_field(&BATCH) as u32;
    config.client_timeout = millis(r, &CLIENT_TIMEOUT, config.client_timeout);
    config.think_time = millis(r, &THINK, config.think_time);
    if let Some(text) = r.text("logs") {
        match parse_logs(text) {
            Ok(logs) => config.initial_logs = logs,
            Err(e) => r.problems.push(trf(
                "{problem}; every server starts with an empty log.",
                &[("problem", &e)],
            )),
        }
    }
    config
        .validate()
        .map(|()| config)
        .map_err(|e| trf("This Raft setup cannot run: {e}", &[("e", &line(&e))]))
}

/// `logs=1.1.4_1.1_` : each server's initial entry terms, servers separated by `_`.
pub fn parse_logs(text: &str) -> Result<Vec<Vec<Term>>, String> {
    if text.len() > MAX_LOGS_TEXT {
        return Err(trf(
            "The initial logs are too long ({n} characters; at most {max})",
            &[("n", &text.len()), ("max", &MAX_LOGS_TEXT)],
        ));
    }
    let mut logs: Vec<Vec<Term>> = text
        .split('_')
        .map(|server| {
            server
                .split('.')
                .filter(|t| !t.is_empty())
                .map(|t| {
                    t.parse::<Term>().map_err(|_| {
                        let shown: String = t.chars().take(12).collect();
                        trf(
                            "Initial logs are terms like 1.1.4_1.1, not \"{shown}\"",
                            &[("shown", &shown)],
                        )
                    })
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    while logs.last().is_some_and(Vec::is_empty) {
        logs.pop();
    }
    Ok(logs)
}

/// The link form of initial logs (the inverse of [`parse_logs`]).
pub fn write_logs(logs: &[Vec<Term>]) -> String {
    let servers: Vec<String> = logs
        .iter()
        .map(|log| {
            let terms: Vec<String> = log.iter().map(Term::to_string).collect();
            terms.join(".")
        })
        .collect();
    servers.join("_")
}

pub fn write(config: &RaftConfig, out: &mut Params) {
    let mut put = |key: &str, value: String| {
        out.insert(key.into(), value);
    };
    put("n", config.servers.to_string());
    put("spares", config.spares.to_string());
    put("clients", config.clients.to_string());
    put("tmin", ms(config.election_timeout_min).to_string());
    put("tmax", ms(config.election_timeout_max).to_string());
    put("hb", ms(config.heartbeat_interval).to_string());
    put("variant", config.variant.as_str().into());
    put("prevote", u8::from(config.pre_vote).to_string());
    put("cq", u8::from(config.check_quorum).to_string());
    put("noop", u8::from(config.leader_no_op).to_string());
    put("hint", u8::from(config.conflict_hint).to_string());
    put("reads", config.read_mode.as_str().into());
    put("snap", config.snapshot_threshold.to_string());
    put("work", config.workload.to_string());
    put("batch", config.max_batch.to_string());
    put("ctimeout", ms(config.client_timeout).to_string());
    put("think", ms(config.think_time).to_string());
    if !config.initial_logs.is_empty() {
        put("logs", write_logs(&config.initial_logs));
    }
}

/// The variant a link names, for the view (the `Variant` the config carries).
pub fn variant_label(variant: Variant) -> &'static str {
    VARIANTS
        .iter()
        .find(|(id, _)| *id == variant.as_str())
        .map_or("", |(_, label)| label)
}

/// How reads are served, as the panel names it.
pub fn read_mode_label(mode: ReadMode) -> &'static str {
    READ_MODES
        .iter()
        .find(|(id, _)| *id == mode.as_str())
        .map_or("", |(_, label)| label)
}
