//! The Paxos scene's parameters: their declarations (what the settings panel shows) and
//! their link form, read with a message for every value that cannot be used.
//!
//! Link forms: `mode=single|multi`; `roles=pal.pal.pal.al.al` (one group of letters per
//! node: p proposer, a acceptor, l learner); `q1`, `q2` (0 means a majority of the
//! acceptors); `props=0:red@0.1:green@15` (node, value and time in ms of each initial
//! proposal, or `none`); `challenge=1` for the "break consensus" mode.
use crate::algo::paxos::config::{MAX_CLIENTS, MAX_CLIENT_REQUESTS, MAX_NODES, MAX_PIPELINE};
use crate::algo::paxos::{Mode, PaxosConfig, Proposal, Roles, Variant, Word};
use crate::i18n::{line, tr, trf};
use crate::scene::{Field, FieldKind, ParamReader, Params};
use crate::sim::{NodeId, Time};

/// The scene's configuration: the protocol's, plus what only the scene knows.
#[derive(Clone, Debug, PartialEq)]
pub struct PaxosSetup {
    pub paxos: PaxosConfig,
    /// The link asked for "a majority" (0) rather than a number, for each phase.
    pub q1_majority: bool,
    pub q2_majority: bool,
    /// The "break consensus" challenge: a crash budget, and a live verdict.
    pub challenge: bool,
}

impl PaxosSetup {
    /// How many crashes the challenge allows: f = n - max(q1, q2), the most acceptors that
    /// can be down while both phases still find a quorum.
    pub fn crash_budget(&self) -> u32 {
        let p = &self.paxos;
        p.acceptor_count()
            .saturating_sub(p.phase1_quorum.max(p.phase2_quorum))
    }
}

pub const MODES: &[(&str, &str)] = &[
    ("single", "Single-decree: agree on one value"),
    ("multi", "Multi-Paxos: agree on a log of commands"),
];

/// Layouts the panel offers; a link may give any other list of roles.
pub const ROLE_LAYOUTS: &[(&str, &str)] = &[
    (
        "pal.pal.pal.al.al",
        "3 proposer-acceptor-learners, 2 acceptor-learners",
    ),
    (
        "pal.pal.pal",
        "3 nodes, each proposer, acceptor and learner",
    ),
    ("pal.pal.al.al.al", "2 proposers among 5 acceptors"),
    ("pal.pal.pal.al.al.al.al", "3 proposers among 7 acceptors"),
    (
        "pl.pl.a.a.a.l",
        "Roles apart: 2 proposers, 3 acceptors, 1 learner",
    ),
];

pub const VARIANTS: &[(&str, &str)] = &[
    ("correct", "Correct: Paxos as published"),
    ("keep-own-value", "Broken: the proposer keeps its own value"),
    (
        "forget-promise",
        "Broken: an acceptor forgets its promise on restart",
    ),
    (
        "mix-ballots",
        "Broken: a learner adds up acceptances from different ballots",
    ),
];

/// Initial proposals the panel offers; a link may give any other list.
pub const PROPOSAL_SETS: &[(&str, &str)] = &[
    ("0:red@0", "n0 proposes red"),
    ("0:red@0.1:green@15", "n0 red, then n1 green 15 ms later"),
    (
        "0:red@0.1:green@30.2:blue@60",
        "Three proposers, 30 ms apart",
    ),
    ("none", "None: propose from a node's menu"),
];

pub const MODE: Field = Field {
    key: "mode",
    label: "Mode",
    help: "One value (single-decree Paxos) or a replicated log of key-value commands (Multi-Paxos)",
    default: "single",
    kind: FieldKind::Choice(MODES),
};
pub const ROLES: Field = Field {
    key: "roles",
    label: "Roles",
    help: "Which roles each node plays: p proposer, a acceptor, l learner (a link may list any, e.g. pal.al.al)",
    default: "pal.pal.pal.al.al",
    kind: FieldKind::Choice(ROLE_LAYOUTS),
};
pub const Q1: Field = Field {
    key: "q1",
    label: "Phase-1 quorum (promises)",
    help: "Promises a proposer needs before it proposes (0: a majority). Safe only if q1 + q2 > n acceptors: then every phase-1 quorum meets every phase-2 quorum, so a new proposer always hears of a chosen value",
    default: "0",
    kind: FieldKind::Number {
        min: 0,
        max: MAX_NODES as u64,
    },
};
pub const Q2: Field = Field {
    key: "q2",
    label: "Phase-2 quorum (acceptances)",
    help: "Acceptances of one ballot that make its value chosen (0: a majority). A setting with q1 + q2 <= n is allowed but flagged: two values can then be chosen",
    default: "0",
    kind: FieldKind::Number {
        min: 0,
        max: MAX_NODES as u64,
    },
};
pub const VARIANT: Field = Field {
    key: "variant",
    label: "Variant",
    help: "The protocol as published, or with one deliberate bug",
    default: "correct",
    kind: FieldKind::Choice(VARIANTS),
};
pub const BACKOFF: Field = Field {
    key: "backoff",
    label: "Random back-off",
    help: "A refused proposer waits a random, doubling time before its next ballot",
    default: "1",
    kind: FieldKind::Flag,
};
pub const LEADER: Field = Field {
    key: "leader",
    label: "Leader election",
    help: "Only the live proposer with the lowest id runs ballots; the others forward their values to it",
    default: "0",
    kind: FieldKind::Flag,
};
pub const PROPOSALS: Field = Field {
    key: "props",
    label: "Initial proposals",
    help: "Who proposes what, and when (a link may list any, e.g. 0:red@0.1:green@15)",
    default: "0:red@0",
    kind: FieldKind::Choice(PROPOSAL_SETS),
};
pub const CLIENTS: Field = Field {
    key: "clients",
    label: "Clients (Multi-Paxos)",
    help: "Client nodes sending put and get commands, one at a time",
    default: "0",
    kind: FieldKind::Number {
        min: 0,
        max: MAX_CLIENTS as u64,
    },
};
pub const REQUESTS: Field = Field {
    key: "requests",
    label: "Commands per client",
    help: "How many commands each client sends",
    default: "10",
    kind: FieldKind::Number {
        min: 0,
        max: MAX_CLIENT_REQUESTS as u64,
    },
};
pub const PIPELINE: Field = Field {
    key: "pipeline",
    label: "Pipeline (slots)",
    help: "Most log slots a Multi-Paxos leader keeps in phase 2 at once",
    default: "4",
    kind: FieldKind::Number {
        min: 1,
        max: MAX_PIPELINE as u64,
    },
};
pub const TIMEOUT: Field = Field {
    key: "timeout",
    label: "Phase timeout (ms)",
    help: "How long a proposer waits for a quorum before it retries",
    default: "150",
    kind: FieldKind::Number {
        min: 1,
        max: 60_000,
    },
};
pub const RETRY: Field = Field {
    key: "retry",
    label: "Retry delay without back-off (ms)",
    help: "The fixed wait before a refused proposer tries again, when back-off is off (0: at once)",
    default: "0",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};
pub const CHALLENGE: Field = Field {
    key: "challenge",
    label: "Break consensus challenge",
    help:
        "Crash at most f nodes, drop and delay messages, and try to get two different values chosen",
    default: "0",
    kind: FieldKind::Flag,
};

pub const FIELDS: &[Field] = &[
    MODE, ROLES, Q1, Q2, VARIANT, BACKOFF, LEADER, PROPOSALS, CLIENTS, REQUESTS, PIPELINE, TIMEOUT,
    RETRY, CHALLENGE,
];

/// Most characters of a list a message repeats.
fn short(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// `pal.pal.al` -> roles, node 0 first.
pub fn parse_roles(text: &str) -> Result<Vec<Roles>, String> {
    let roles = text
        .split('.')
        .map(|r| r.parse::<Roles>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| line(&e))?;
    if roles.is_empty() || roles.len() > MAX_NODES as usize {
        return Err(trf(
            "there must be 1 to {max} nodes",
            &[("max", &MAX_NODES)],
        ));
    }
    Ok(roles)
}

pub fn roles_text(roles: &[Roles]) -> String {
    let parts: Vec<String> = roles.iter().map(Roles::to_string).collect();
    parts.join(".")
}

/// `0:red@0.1:green@15` -> proposals; `none` -> no proposal.
pub fn parse_proposals(text: &str) -> Result<Vec<Proposal>, String> {
    if text == "none" || text.is_empty() {
        return Ok(Vec::new());
    }
    let bad = |part: &str| {
        trf(
            "\"{part}\" should look like node:value@ms (e.g. 1:green@15)",
            &[("part", &short(part))],
        )
    };
    text.split('.')
        .take(MAX_NODES as usize + 1)
        .map(|part| {
            let (node, rest) = part.split_once(':').ok_or_else(|| bad(part))?;
            let (value, at) = rest.split_once('@').ok_or_else(|| bad(part))?;
            let node: u32 = node.parse().map_err(|_| bad(part))?;
            let at: u64 = at.parse().map_err(|_| bad(part))?;
            if at > 60_000 {
                return Err(trf(
                    "a proposal must start within 60000 ms, not {at}",
                    &[("at", &at)],
                ));
            }
            Ok(Proposal {
                node: NodeId(node),
                value: Word::new(value).map_err(|e| line(&e))?,
                at: Time::from_millis(at),
            })
        })
        .collect()
}

pub fn proposals_text(proposals: &[Proposal]) -> String {
    if proposals.is_empty() {
        return "none".into();
    }
    let parts: Vec<String> = proposals
        .iter()
        .map(|p| format!("{}:{}@{}", p.node.0, p.value, p.at.0 / 1000))
        .collect();
    parts.join(".")
}

/// A majority of `n` acceptors.
pub fn majority(n: u32) -> u32 {
    n / 2 + 1
}

/// Reads the configuration; unusable values fall back with a message in `r.problems`.
pub fn read(r: &mut ParamReader) -> Result<PaxosSetup, String> {
    let mode = match r.choice_field(&MODE) {
        "multi" => Mode::Multi,
        _ => Mode::Single,
    };
    let multi = mode == Mode::Multi;
    let mut paxos = if multi {
        PaxosConfig::multi()
    } else {
        PaxosConfig::default()
    };
    if let Some(text) = r.text(ROLES.key) {
        match parse_roles(text) {
            Ok(roles) => paxos.roles = roles,
            Err(e) => r.problems.push(trf(
                "Roles \"{roles}\" cannot be used: {e}; using the default roles.",
                &[("roles", &short(text)), ("e", &e)],
            )),
        }
    }
    let n = paxos.acceptor_count();
    let mut quorum = |field: &Field| -> u32 {
        let q = r.number_field(field) as u32;
        if q > n {
            r.problems.push(trf(
                "{label} must be 0 (a majority) to {n}, the number of acceptors, not {q}; using a majority.",
                &[("label", &tr(field.label)), ("n", &n), ("q", &q)],
            ));
            return 0;
        }
        q
    };
    let (q1, q2) = (quorum(&Q1), quorum(&Q2));
    paxos.phase1_quorum = if q1 == 0 { majority(n) } else { q1 };
    paxos.phase2_quorum = if q2 == 0 { majority(n) } else { q2 };
    paxos.variant = Variant::from_slug(r.choice_field(&VARIANT)).unwrap_or_default();
    paxos.backoff = r.flag_field(&BACKOFF);
    paxos.leader_election = r.flag(LEADER.key, LEADER.label, multi);
    if let Some(text) = r.text(PROPOSALS.key) {
        match parse_proposals(text) {
            Ok(list) => {
                let (kept, refused): (Vec<Proposal>, Vec<Proposal>) = list
                    .into_iter()
                    .partition(|p| paxos.roles.get(p.node.index()).is_some_and(|r| r.proposer));
                for p in refused {
                    r.problems.push(trf(
                        "{node} cannot propose {value}: it is not a proposer; that proposal is left out.",
                        &[("node", &p.node), ("value", &p.value)],
                    ));
                }
                paxos.proposals = kept;
            }
            Err(e) => r.problems.push(trf(
                "Initial proposals \"{proposals}\" cannot be used: {e}; using the default.",
                &[("proposals", &short(text)), ("e", &e)],
            )),
        }
    }
    let clients = r.number_field_or(&CLIENTS, u64::from(paxos.clients)) as u32;
    if multi {
        paxos.clients = clients;
    } else if clients > 0 {
        r.problems.push(
            tr("Clients send key-value commands, which need Multi-Paxos (mode multi); running with no clients.")
                .into(),
        );
    }
    paxos.client_requests = r.number_field(&REQUESTS) as u32;
    paxos.pipeline = r.number_field(&PIPELINE) as u32;
    paxos.timing.phase_timeout = Time::from_millis(r.number_field(&TIMEOUT));
    paxos.timing.retry_delay = Time::from_millis(r.number_field(&RETRY));
    let challenge = r.flag_field(&CHALLENGE);
    paxos.validate().map_err(|e| line(&e))?;
    Ok(PaxosSetup {
        paxos,
        q1_majority: q1 == 0,
        q2_majority: q2 == 0,
        challenge,
    })
}

pub fn write(setup: &PaxosSetup, out: &mut Params) {
    let p = &setup.paxos;
    let mut put = |k: &str, v: String| {
        out.insert(k.into(), v);
    };
    put(MODE.key, p.mode.slug().into());
    put(ROLES.key, roles_text(&p.roles));
    let quorum = |q: u32, majority: bool| if majority { 0 } else { q };
    put(
        Q1.key,
        quorum(p.phase1_quorum, setup.q1_majority).to_string(),
    );
    put(
        Q2.key,
        quorum(p.phase2_quorum, setup.q2_majority).to_string(),
    );
    put(VARIANT.key, p.variant.slug().into());
    put(BACKOFF.key, u8::from(p.backoff).to_string());
    put(LEADER.key, u8::from(p.leader_election).to_string());
    put(PROPOSALS.key, proposals_text(&p.proposals));
    put(CLIENTS.key, p.clients.to_string());
    put(REQUESTS.key, p.client_requests.to_string());
    put(PIPELINE.key, p.pipeline.to_string());
    put(TIMEOUT.key, (p.timing.phase_timeout.0 / 1000).to_string());
    put(RETRY.key, (p.timing.retry_delay.0 / 1000).to_string());
    put(CHALLENGE.key, u8::from(setup.challenge).to_string());
}

/// The scene's setup for a scenario's protocol configuration: quorums written as
/// "majority" when they are one, no challenge.
pub fn setup_of(paxos: PaxosConfig) -> PaxosSetup {
    let n = paxos.acceptor_count();
    PaxosSetup {
        q1_majority: paxos.phase1_quorum == majority(n),
        q2_majority: paxos.phase2_quorum == majority(n),
        challenge: false,
        paxos,
    }
}
