//! What a setup that cannot run says, in Chinese. Each scene's configuration checks itself
//! (`validate()` in `src/algo/*/config.rs`) and answers with a typed line (`sim::Line`: an
//! English template and its values); the scene puts it in the page's language when a link
//! or the settings panel asks for bad parameters ("Servers must be 3, 5, 7 or 9, not 4").
//! This test:
//! - opens links with bad parameters, one for each check a link can reach, and reads the
//!   page's message in both languages: in English it is word for word what it was before
//!   the messages were typed (old links and tests compare it); in Chinese it is Chinese,
//!   names the offending value and keeps no English word but protocol vocabulary;
//! - breaks each check directly (most cannot be reached from a link, because the link's
//!   fields are bounded first), with the same demands on the message;
//! - scans every `Line::tr("…")` in the configurations' source, so that a check added
//!   later without its Chinese fails here;
//! - reads the load-balancing strategies' names as the balance scene shows them in
//!   Chinese (panel title, labels of a comparison, the settings' choices): Chinese names.
use dsviz::algo::balance::{BalanceConfig, RateStep, Strategy};
use dsviz::algo::locks::{LockKind, LocksConfig};
use dsviz::algo::paxos::{Mode, PaxosConfig, Proposal, Roles, Word};
use dsviz::algo::queue::QueueConfig;
use dsviz::algo::raft::RaftConfig;
use dsviz::algo::ring_cluster::{key_problem, RingConfig, MAX_KEY_LEN};
use dsviz::algo::two_phase_commit::TwoPcConfig;
use dsviz::i18n::{line, tr, with_lang, Lang};
use dsviz::scene::balance::setup::strategy_name;
use dsviz::scene::RunSpec;
use dsviz::sim::{Line, NodeId, Time};
use std::collections::{BTreeMap, BTreeSet};

mod i18n_scan;
use i18n_scan::{
    assert_none_without_chinese, catalogue_entries, chinese_message_for, english_words,
    has_chinese, literals, without_chinese, ALLOWED,
};

/// Words a Chinese message may keep besides `ALLOWED`: nginx's health-check parameters
/// (`rise=2 fall=3`, named as the catalogue names them), the mode a link writes, and names
/// the catalogues keep (TTL, EWMA, Finagle, Linkerd, ASCII).
const ALSO_ALLOWED: &[&str] = &[
    "rise", "fall", "multi", "TTL", "EWMA", "Finagle", "Linkerd", "ASCII",
];

/// Code a Chinese text may quote as it is.
const CODE: &[&str] = &["random.choice(servers)"];

/// The English words of a Chinese text that are neither names nor protocol vocabulary.
fn stray_english(zh: &str) -> Vec<String> {
    let zh = CODE
        .iter()
        .fold(zh.to_string(), |text, code| text.replace(code, ""));
    english_words(&zh)
        .into_iter()
        .filter(|w| !ALLOWED.contains(&w.as_str()) && !ALSO_ALLOWED.contains(&w.as_str()))
        .collect()
}

/// Opens `query` and checks its message: in English exactly `english`, in Chinese Chinese
/// with `value` in it and no stray English word.
fn check_link(query: &str, english: &str, value: &str) {
    let message = chinese_message_for(query, english, value);
    // What the link wrote is quoted as it is.
    let stray = stray_english(&message.replace(value, ""));
    assert!(
        stray.is_empty(),
        "{query}: English words {stray:?} in {message}"
    );
}

#[test]
fn a_link_with_a_setup_that_cannot_run_says_why_in_the_pages_language() {
    let default = "; using the default setup.";
    let cases: &[(&str, &str, &str)] = &[
        (
            "?scene=raft&tmin=300&tmax=150",
            "This Raft setup cannot run: The minimum election timeout (300 ms) must not exceed the maximum (150 ms)",
            "300 ms",
        ),
        (
            "?scene=raft&hb=200&tmin=150&tmax=300",
            "This Raft setup cannot run: The heartbeat interval (200 ms) must be shorter than the minimum election timeout (150 ms), or followers would start elections against a live leader",
            "200 ms",
        ),
        (
            "?scene=raft&n=3&logs=1_1_1_1",
            "This Raft setup cannot run: There are 4 initial logs but only 3 servers",
            "4",
        ),
        (
            "?scene=raft&logs=1.3.2",
            "This Raft setup cannot run: The terms in the initial log of n0 must never decrease (a log only ever grows with entries of newer terms)",
            "n0",
        ),
        (
            "?scene=raft&logs=1.1001",
            "This Raft setup cannot run: The terms in the initial log of n0 must be between 1 and 1000",
            "1000",
        ),
        (
            "?scene=paxos&roles=al.al.al",
            "at least one node must be a proposer",
            "提议者",
        ),
        (
            "?scene=paxos&roles=pl.pl.pl",
            "at least one node must be an acceptor",
            "接受者",
        ),
        (
            "?scene=paxos&roles=pa.pa.pa",
            "at least one node must be a learner",
            "学习者",
        ),
        (
            "?scene=paxos&mode=multi&roles=pa.pal.pal",
            "in Multi-Paxos every proposer must also be a learner: a leader needs to know which slots are chosen and to answer its clients",
            "Multi-Paxos",
        ),
        (
            "?scene=locks&kind=redlock&ttl=2",
            "This lock setup cannot run: with a TTL of 2 ms Redlock can never hold the lock: its clock-drift allowance (2 ms: 1% of the TTL plus 2 ms) uses it all up",
            "2 ms",
        ),
    ];
    for (query, english, value) in cases {
        check_link(query, &format!("{english}{default}"), value);
    }
}

#[test]
fn a_scenes_own_messages_about_a_links_parameters_read_in_chinese_too() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "?scene=raft&snap=1",
            "A snapshot threshold of 1 would snapshot after every entry: use 0 (never) or 2 to 1000; using 0.",
            "1",
        ),
        (
            "?scene=raft&logs=1.x",
            "Initial logs are terms like 1.1.4_1.1, not \"x\"; every server starts with an empty log.",
            "“x”",
        ),
        (
            "?scene=ring&n=0",
            "An empty ring has no owner for any key: the ring needs at least 1 node; using 6.",
            "6",
        ),
        (
            "?scene=ring&weights=102",
            "A weight of 0 would give a node no points (remove the node instead): weights run from 1 to 9; using 1 for every node.",
            "0",
        ),
        (
            "?scene=2pc&votes=yyyyx",
            "Votes must be up to 3 letters, y (yes), n (no) or r (random), one per participant, not \"yyyyx\"; everyone votes yes.",
            "yyyyx",
        ),
        (
            "?scene=paxos&roles=pal.pal.pal&q1=5",
            "Phase-1 quorum (promises) must be 0 (a majority) to 3, the number of acceptors, not 5; using a majority.",
            "5",
        ),
        (
            "?scene=paxos&roles=pal.pal.pal.x",
            "Roles \"pal.pal.pal.x\" cannot be used: \"x\" is not a set of roles: use the letters p (proposer), a (acceptor) and l (learner); using the default roles.",
            "pal.pal.pal.x",
        ),
    ];
    for (query, english, value) in cases {
        check_link(query, english, value);
    }
}

/// A check broken on purpose, with the English it must give and a value its Chinese names.
struct Broken {
    source: &'static str,
    error: Line,
    english: String,
    value: &'static str,
}

fn broken(
    source: &'static str,
    result: Result<(), Line>,
    english: &str,
    value: &'static str,
) -> Broken {
    Broken {
        source,
        error: result.expect_err(source),
        english: english.to_string(),
        value,
    }
}

fn raft_cases() -> Vec<Broken> {
    let base = RaftConfig::default;
    let ms = Time::from_millis;
    vec![
        broken(
            "raft servers",
            RaftConfig {
                servers: 4,
                ..base()
            }
            .validate(),
            "Servers must be 3, 5, 7 or 9, not 4",
            "4",
        ),
        broken(
            "raft spares",
            RaftConfig {
                spares: 3,
                ..base()
            }
            .validate(),
            "There can be at most 2 spare servers, not 3",
            "3",
        ),
        broken(
            "raft clients",
            RaftConfig {
                clients: 4,
                ..base()
            }
            .validate(),
            "There can be at most 3 clients, not 4",
            "4",
        ),
        broken(
            "raft think time",
            RaftConfig {
                think_time: ms(10_001),
                ..base()
            }
            .validate(),
            "The clients' think time must be between 1 ms and 10000 ms, not 10001 ms",
            "10001 ms",
        ),
        broken(
            "raft batch",
            RaftConfig {
                max_batch: 0,
                ..base()
            }
            .validate(),
            "Entries per AppendEntries must be between 1 and 64, not 0",
            "0",
        ),
        broken(
            "raft snapshot",
            RaftConfig {
                snapshot_threshold: 1,
                ..base()
            }
            .validate(),
            "The snapshot threshold must be 0 (never) or between 2 and 1000 entries, not 1",
            "1",
        ),
        broken(
            "raft workload",
            RaftConfig {
                workload: 1001,
                ..base()
            }
            .validate(),
            "A client's workload can be at most 1000 operations, not 1001",
            "1001",
        ),
        broken(
            "raft long log",
            RaftConfig {
                initial_logs: vec![vec![1; 65]],
                ..base()
            }
            .validate(),
            "The initial log of n0 has 65 entries; at most 64",
            "65",
        ),
    ]
}

fn two_pc_cases() -> Vec<Broken> {
    let base = TwoPcConfig::default;
    vec![
        broken(
            "2pc participants",
            TwoPcConfig::with_participants(1).validate(),
            "two-phase commit here takes 2 to 7 participants, not 1",
            "1",
        ),
        broken(
            "2pc votes",
            TwoPcConfig { votes: Vec::new(), ..base() }.validate(),
            "there are 3 participants but 0 votes: give exactly one vote per participant",
            "0",
        ),
        broken(
            "2pc zero",
            TwoPcConfig { flush_time: Time::ZERO, ..base() }.validate(),
            "the disk flush time must be longer than zero",
            "落盘",
        ),
        broken(
            "2pc long",
            TwoPcConfig { decision_timeout: Time::from_millis(60_001), ..base() }.validate(),
            "the participants' decision timeout of 60001 ms is longer than the 60000 ms this scene allows",
            "60001 ms",
        ),
        broken(
            "2pc work timeout",
            TwoPcConfig {
                work_timeout: Time::from_millis(1),
                work_time: Time::from_millis(5),
                ..base()
            }
            .validate(),
            "the participants' work timeout (1 ms) must be longer than the work time (5 ms), or every participant would give up before the prepare arrives",
            "5 ms",
        ),
    ]
}

fn locks_cases() -> Vec<Broken> {
    let base = LocksConfig::default;
    vec![
        broken(
            "locks no client",
            LocksConfig {
                clients: 0,
                ..base()
            }
            .validate(),
            "a lock needs at least one client (got 0)",
            "0",
        ),
        broken(
            "locks clients",
            LocksConfig {
                clients: 9,
                ..base()
            }
            .validate(),
            "at most 8 clients fit in this scene (got 9)",
            "9",
        ),
        broken(
            "locks zero ttl",
            LocksConfig {
                ttl: Time::ZERO,
                ..base()
            }
            .validate(),
            "the lease TTL must be longer than 0 ms",
            "TTL",
        ),
        broken(
            "locks long think",
            LocksConfig {
                think: Time::from_millis(60_001),
                ..base()
            }
            .validate(),
            "the think time of 60001 ms is longer than the 60000 ms this scene allows",
            "60001 ms",
        ),
        broken(
            "locks session",
            LocksConfig {
                kind: LockKind::ALL
                    .into_iter()
                    .find(|k| k.is_queue())
                    .expect("a queue lock"),
                ttl: Time(2),
                ..base()
            }
            .validate(),
            "the session timeout must be at least 3 µs (heartbeats go every third of it)",
            "3 µs",
        ),
    ]
}

fn paxos_cases() -> Vec<Broken> {
    let base = PaxosConfig::default;
    let pal: Roles = "pal".parse().expect("roles");
    let mut timing = base().timing;
    timing.failure_timeout = timing.heartbeat_interval;
    let mut slow_retry = base().timing;
    slow_retry.retry_delay = Time::from_millis(60_001);
    let mut no_catch_up = base().timing;
    no_catch_up.catch_up_interval = Time::ZERO;
    vec![
        broken(
            "paxos nodes",
            PaxosConfig {
                roles: vec![pal; 10],
                ..base()
            }
            .validate(),
            "Paxos nodes must be 1 to 9, not 10 (clients are counted apart)",
            "10",
        ),
        broken(
            "paxos quorum",
            PaxosConfig {
                phase2_quorum: 7,
                ..base()
            }
            .validate(),
            "the phase-2 quorum must be 1 to 5 acceptors (there are 5), not 7",
            "7",
        ),
        broken(
            "paxos clients",
            PaxosConfig {
                mode: Mode::Multi,
                clients: 4,
                ..base()
            }
            .validate(),
            "clients must be 0 to 3, not 4",
            "4",
        ),
        broken(
            "paxos requests",
            PaxosConfig {
                client_requests: 201,
                ..base()
            }
            .validate(),
            "each client sends at most 200 commands, not 201",
            "201",
        ),
        broken(
            "paxos single with clients",
            PaxosConfig {
                mode: Mode::Single,
                clients: 1,
                ..base()
            }
            .validate(),
            "clients send key-value commands, which need Multi-Paxos: use mode multi or no clients",
            "Multi-Paxos",
        ),
        broken(
            "paxos pipeline",
            PaxosConfig {
                pipeline: 17,
                ..base()
            }
            .validate(),
            "the pipeline must be 1 to 16 slots, not 17",
            "17",
        ),
        broken(
            "paxos not a proposer",
            PaxosConfig {
                roles: vec![pal, "al".parse().expect("roles"), pal],
                proposals: vec![Proposal {
                    node: NodeId(1),
                    value: Word::new("red").expect("a word"),
                    at: Time::ZERO,
                }],
                ..base()
            }
            .validate(),
            "n1 cannot propose red: it is not a proposer",
            "n1",
        ),
        broken(
            "paxos latency",
            PaxosConfig {
                latency_max: Time::from_millis(1_001),
                ..base()
            }
            .validate(),
            "message latency must be between 1 ms and 1000 ms, not 10 ms to 1001 ms",
            "1001 ms",
        ),
        broken(
            "paxos retry",
            PaxosConfig {
                timing: slow_retry,
                ..base()
            }
            .validate(),
            "the retry delay must be at most 60000 ms, not 60001 ms",
            "60001 ms",
        ),
        broken(
            "paxos catch-up",
            PaxosConfig {
                timing: no_catch_up,
                ..base()
            }
            .validate(),
            "the catch-up interval must be between 1 ms and 60000 ms, not 0 ms",
            "0 ms",
        ),
        broken(
            "paxos failure timeout",
            PaxosConfig { timing, ..base() }.validate(),
            &format!(
                "the failure timeout ({t}) must be longer than the heartbeat interval ({t}), or \
                 every proposer would be suspected between two heartbeats",
                t = base().timing.heartbeat_interval
            ),
            "故障超时",
        ),
    ]
}

fn queue_cases() -> Vec<Broken> {
    let base = QueueConfig::default;
    vec![
        broken(
            "queue consumers",
            QueueConfig {
                consumers: 5,
                ..base()
            }
            .validate(),
            "there must be 1 to 4 consumers, not 5",
            "5",
        ),
        broken(
            "queue messages",
            QueueConfig {
                messages: 501,
                ..base()
            }
            .validate(),
            "each producer sends at most 500 messages on its own, not 501",
            "501",
        ),
        broken(
            "queue attempts",
            QueueConfig {
                max_attempts: 11,
                ..base()
            }
            .validate(),
            "a producer may send a message 1 to 10 times, not 11",
            "11",
        ),
        broken(
            "queue dead letter",
            QueueConfig {
                max_deliveries: 0,
                ..base()
            }
            .validate(),
            "the dead-letter limit must be 1 to 10 deliveries, not 0",
            "0",
        ),
        broken(
            "queue zero",
            QueueConfig {
                visibility_timeout: Time::ZERO,
                ..base()
            }
            .validate(),
            "the visibility timeout must be at least 1 ms, not 0 ms",
            "0 ms",
        ),
        broken(
            "queue long",
            QueueConfig {
                min_idle: Time::from_millis(60_001),
                ..base()
            }
            .validate(),
            "the minimum idle time of 60001 ms is longer than the 60000 ms this scene allows",
            "60001 ms",
        ),
    ]
}

fn ring_cases() -> Vec<Broken> {
    let base = RingConfig::default;
    let mut twins = base();
    twins.nodes[1].name = twins.nodes[0].name.clone();
    let twin = twins.nodes[0].name.clone();
    let mut heavy = base();
    heavy.nodes[0].weight = 10;
    let mut nameless = base();
    nameless.nodes[0].name = "a b".into();
    vec![
        broken(
            "ring empty",
            RingConfig {
                nodes: Vec::new(),
                ..base()
            }
            .validate(),
            "the ring is empty: it needs at least one node",
            "环",
        ),
        broken(
            "ring vnodes",
            RingConfig {
                vnodes: 1001,
                ..base()
            }
            .validate(),
            "virtual nodes per node must be from 1 to 1000, not 1001",
            "1001",
        ),
        broken(
            "ring keys",
            RingConfig {
                key_count: 100_001,
                ..base()
            }
            .validate(),
            "at most 100000 keys in this scene, not 100001",
            "100001",
        ),
        broken(
            "ring replicas",
            RingConfig {
                replicas: 6,
                ..base()
            }
            .validate(),
            "the replication factor must be from 1 to 5, not 6",
            "6",
        ),
        broken(
            "ring c",
            RingConfig {
                capacity_percent: 99,
                ..base()
            }
            .validate(),
            "the bounded-load factor c must be from 100% to 400%, not 99%",
            "99%",
        ),
        broken(
            "ring weight",
            heavy.validate(),
            "weights run from 1 to 9, not 10",
            "10",
        ),
        broken(
            "ring name",
            nameless.validate(),
            "\"a b\": node names may use only letters, digits, - _ and .",
            "a b",
        ),
        Broken {
            english: format!("two nodes are named \"{twin}\": names must be unique"),
            ..broken("ring twins", twins.validate(), "", "唯一")
        },
        // The key a person types to look up (the ring's lookup form).
        broken("ring key empty", key_problem(""), "type a key first", "键"),
        broken(
            "ring key non-ASCII",
            key_problem("clé"),
            "\"clé\" has non-ASCII characters: keys here are plain ASCII text",
            "clé",
        ),
        broken(
            "ring key control",
            key_problem("a\tb"),
            "keys may not contain control characters",
            "控制字符",
        ),
        broken(
            "ring key long",
            key_problem(&"k".repeat(MAX_KEY_LEN + 1)),
            &format!("keys are at most {MAX_KEY_LEN} characters long"),
            "键最长",
        ),
    ]
}

fn balance_cases() -> Vec<Broken> {
    let base = BalanceConfig::default;
    let mut slow = base();
    slow.servers[1].speed_permille = 1;
    let mut late_start = base();
    late_start.traffic.rate = vec![RateStep {
        from: Time::from_millis(5),
        per_second: 10,
    }];
    let mut unordered = base();
    unordered.traffic.rate = vec![
        RateStep {
            from: Time::ZERO,
            per_second: 10,
        },
        RateStep {
            from: Time::from_millis(9),
            per_second: 10,
        },
        RateStep {
            from: Time::from_millis(8),
            per_second: 10,
        },
    ];
    let mut flood = base();
    flood.traffic.rate = vec![RateStep {
        from: Time::ZERO,
        per_second: 5_001,
    }];
    let mut ejection = base();
    ejection.outlier.max_ejection_percent = 101;
    let mut rise = base();
    rise.active_health.rise = 11;
    vec![
        broken(
            "balance balancers",
            BalanceConfig {
                balancers: 9,
                ..base()
            }
            .validate(),
            "Balancers must be between 1 and 8, not 9",
            "9",
        ),
        broken(
            "balance speed",
            slow.validate(),
            &format!(
                "Server 2's speed must be between {} and {}‰, not 1‰",
                dsviz::algo::balance::config::SPEED_RANGE.0,
                dsviz::algo::balance::config::SPEED_RANGE.1
            ),
            "1‰",
        ),
        broken(
            "balance per-try",
            BalanceConfig {
                per_try_timeout: Some(Time::from_millis(5_000)),
                ..base()
            }
            .validate(),
            &format!(
                "The per-try timeout must be at least 1 ms and shorter than the upstream \
                 timeout ({}), not 5000 ms",
                base().upstream_timeout
            ),
            "5000 ms",
        ),
        broken(
            "balance rise",
            rise.validate(),
            "Health checks' rise must be between 1 and 10, not 11",
            "11",
        ),
        broken(
            "balance ejection",
            ejection.validate(),
            "The ejection limit must be between 0 and 100%, not 101%",
            "101%",
        ),
        broken(
            "balance window",
            BalanceConfig {
                window: Time::from_millis(1),
                ..base()
            }
            .validate(),
            &format!(
                "The latency window must be between 10 ms and {}, not 1 ms",
                dsviz::algo::balance::config::MAX_WINDOW
            ),
            "1 ms",
        ),
        broken(
            "balance first step",
            late_start.validate(),
            "The rate schedule's first step must start at 0 ms",
            "0 ms",
        ),
        broken(
            "balance order",
            unordered.validate(),
            "Rate steps must start in order: 8 ms comes after 9 ms",
            "8 ms",
        ),
        broken(
            "balance rate",
            flood.validate(),
            "A rate must be between 0 and 5000 per second, not 5001 per second",
            "5001",
        ),
        broken(
            "balance hop",
            BalanceConfig {
                hop_latency: Time::from_millis(1_000_000),
                ..base()
            }
            .validate(),
            &format!(
                "The hop latency must be between 0 ms and {}, not 1000000 ms",
                dsviz::algo::balance::config::MAX_SPAN
            ),
            "1000000 ms",
        ),
    ]
}

#[test]
fn each_broken_check_reads_in_chinese_and_is_unchanged_in_english() {
    let mut all = raft_cases();
    all.extend(two_pc_cases());
    all.extend(locks_cases());
    all.extend(paxos_cases());
    all.extend(queue_cases());
    all.extend(ring_cases());
    all.extend(balance_cases());
    let mut templates: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut wrong = Vec::new();
    for b in &all {
        let zh = with_lang(Lang::Zh, || line(&b.error));
        println!("[{}] {}\n    {zh}", b.source, b.error);
        for t in b.error.templates() {
            templates
                .entry(t)
                .or_insert_with(|| format!("[{}] {}", b.source, b.error));
        }
        if b.error.to_string() != b.english {
            wrong.push(format!(
                "[{}] English changed:\n    was {:?}\n    now {:?}",
                b.source,
                b.english,
                b.error.to_string()
            ));
        }
        assert_eq!(with_lang(Lang::En, || line(&b.error)), b.error.to_string());
        let stray = stray_english(&zh);
        if !has_chinese(&zh) || !zh.contains(b.value) || !stray.is_empty() {
            wrong.push(format!(
                "[{}] {zh} (wanted Chinese naming {:?}; English words {stray:?})",
                b.source, b.value
            ));
        }
    }
    assert!(all.len() >= 50, "only {} broken checks", all.len());
    assert_none_without_chinese(without_chinese(&templates), "");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The files whose checks speak in typed lines.
const CONFIG_FILES: &[&str] = &[
    "src/algo/raft/config.rs",
    "src/algo/two_phase_commit/config.rs",
    "src/algo/locks/config.rs",
    "src/algo/paxos/config.rs",
    "src/algo/queue/config.rs",
    "src/algo/ring_cluster/config.rs",
    "src/algo/balance/config.rs",
];

#[test]
fn every_template_the_configurations_can_answer_with_has_its_chinese() {
    let known = catalogue_entries();
    let mut found = 0;
    let mut missing = Vec::new();
    for file in CONFIG_FILES {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let text = std::fs::read_to_string(&path).expect("a configuration's source");
        let templates: Vec<String> = literals(&text)
            .into_iter()
            .filter(|(_, callee, before)| {
                callee.as_deref() == Some("tr") && before.ends_with("Line::tr(")
            })
            .map(|(value, _, _)| value)
            .collect();
        assert!(
            templates.len() >= 5,
            "{file}: only {} templates found",
            templates.len()
        );
        found += templates.len();
        missing.extend(
            templates
                .into_iter()
                .filter(|t| !known.contains(t.as_str()))
                .map(|t| (file, t)),
        );
    }
    assert!(found >= 100, "only {found} templates in the configurations");
    let missing: Vec<String> = missing.iter().map(|(f, t)| format!("{f}: {t:?}")).collect();
    assert!(
        missing.is_empty(),
        "{} templates have no Chinese entry (add each to its scene's src/scene/<topic>.zh.txt):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn balancer_names_read_in_chinese_wherever_the_balance_scene_shows_them() {
    let mut wrong = Vec::new();
    let mut look = |what: String, zh: String| {
        let stray = stray_english(&zh);
        if !has_chinese(&zh) || !stray.is_empty() {
            wrong.push(format!("{what}: {zh} ({stray:?})"));
        }
    };
    for s in Strategy::ALL {
        with_lang(Lang::Zh, || {
            look(
                format!("{} short name", s.slug()),
                strategy_name(s).to_string(),
            );
            look(format!("{} title", s.slug()), tr(s.title()).to_string());
            look(
                format!("{} panel title", s.slug()),
                dsviz::i18n::trf("Load balancing · {s}", &[("s", &tr(s.title()))]),
            );
        });
    }
    // The settings' choices (strategy, and the second side's), as the panel lists them.
    let fields = dsviz::registry::SCENES
        .iter()
        .find(|s| s.slug() == "balance")
        .expect("the balance scene")
        .fields();
    for key in ["strategy", "vs"] {
        let field = fields.iter().find(|f| f.key == key).expect("a field");
        let dsviz::scene::FieldKind::Choice(options) = field.kind else {
            panic!("{key} is a choice");
        };
        assert!(options.len() >= 8, "{key}: {options:?}");
        for (value, label) in options {
            look(
                format!("{key}={value}"),
                with_lang(Lang::Zh, || tr(label).to_string()),
            );
        }
    }
    // A comparison's labels name both sides, in the caption and the panel.
    for (a, b) in [
        ("rr", "p2c"),
        ("random", "p2c"),
        ("leastconn", "pewma"),
        ("ring", "bounded"),
        ("swrr", "rr"),
    ] {
        let query = format!("?scene=balance&strategy={a}&vs={b}");
        let (labels, problems) = with_lang(Lang::Zh, || {
            let (spec, problems) = RunSpec::from_query(&query);
            let mut params = spec.params.clone();
            let (setup, _, more) =
                dsviz::scene::read_config::<dsviz::scene::balance::Balance>(&mut params);
            (setup.labels(), [problems, more].concat())
        });
        assert!(problems.is_empty(), "{query}: {problems:?}");
        look(format!("{query} first side"), labels.0);
        look(format!("{query} second side"), labels.1);
    }
    // The scenarios, the legend and the tour never leave a strategy's English name in a
    // Chinese sentence.
    use dsviz::scene::Scene;
    type B = dsviz::scene::balance::Balance;
    let mut texts: Vec<(String, &'static str)> = Vec::new();
    for info in B::scenarios() {
        texts.push((format!("scenario {} title", info.id), info.title));
        texts.push((format!("scenario {}", info.id), info.description));
    }
    for entry in B::legend() {
        texts.push((format!("legend {}", entry.label), entry.label));
        texts.push((format!("legend {}", entry.label), entry.meaning));
    }
    for stop in B::tour() {
        texts.push((format!("tour {}", stop.title), stop.title));
        texts.push((format!("tour {}", stop.title), stop.caption));
    }
    assert!(texts.len() >= 30, "only {} texts", texts.len());
    let english_names = [
        "random choice",
        "round robin",
        "round-robin",
        "smooth weighted",
        "least connections",
        "least outstanding",
        "two choices",
        "power of two",
        "peak ewma",
        "p2c",
        "pewma",
        "swrr",
        "leastconn",
        "consistent hashing",
        "bounded load",
    ];
    let mut named = 0;
    for (what, text) in &texts {
        let en = text.to_lowercase();
        if english_names.iter().any(|n| en.contains(n)) {
            named += 1;
        }
        let zh = with_lang(Lang::Zh, || tr(text)).to_lowercase();
        if let Some(name) = english_names.iter().find(|n| zh.contains(*n)) {
            wrong.push(format!("{what}: \"{name}\" left in English: {zh}"));
        }
    }
    assert!(named >= 10, "only {named} texts name a strategy");
    // The links keep their short ids.
    let ids: BTreeSet<&str> = Strategy::ALL.iter().map(|s| s.slug()).collect();
    assert_eq!(
        ids,
        [
            "bounded",
            "leastconn",
            "p2c",
            "pewma",
            "random",
            "ring",
            "rr",
            "swrr"
        ]
        .into()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// What a person typed (a value, a message id, a command) and the ring's refusals of a
// command: the texts a link or the page's forms get back when what they ask cannot be.

/// One refusal: its line, the English it must keep, and the text a person or a link wrote
/// that it quotes as it is (left out when looking for English words).
struct Refused {
    source: String,
    error: Line,
    english: String,
    quoted: String,
}

fn refused(source: &str, error: Line, english: &str, quoted: &str) -> Refused {
    Refused {
        source: source.to_string(),
        error,
        english: english.to_string(),
        quoted: quoted.to_string(),
    }
}

/// Words of the link syntax that a message may list as they are written in a link.
const LINK_VERBS: &[&str] = &[
    "propose", "ballot", "put", "get", "produce", "poison", "slow", "fast", "join", "leave",
    "fail", "recover", "weight", "lookup",
];

/// Checks each refusal: English word for word as before, Chinese naming the quoted text
/// and with no English word besides it (and, with `verbs`, the link syntax's verbs).
fn check_refusals(cases: &[Refused], verbs: &[&str]) {
    let mut wrong = Vec::new();
    let mut templates: BTreeMap<&'static str, String> = BTreeMap::new();
    for r in cases {
        let zh = with_lang(Lang::Zh, || line(&r.error));
        println!("[{}] {}\n    {zh}", r.source, r.error);
        for t in r.error.templates() {
            templates
                .entry(t)
                .or_insert_with(|| format!("[{}] {}", r.source, r.error));
        }
        if r.error.to_string() != r.english {
            wrong.push(format!(
                "[{}] English changed:\n    was {:?}\n    now {:?}",
                r.source, r.english, r.error
            ));
        }
        let rest = verbs.iter().fold(zh.replace(&r.quoted, ""), |text, verb| {
            text.replace(verb, "")
        });
        let stray = stray_english(&rest);
        if !has_chinese(&zh) || !zh.contains(&r.quoted) || !stray.is_empty() {
            wrong.push(format!(
                "[{}] {zh} (wanted Chinese quoting {:?}; English words {stray:?})",
                r.source, r.quoted
            ));
        }
    }
    assert_none_without_chinese(without_chinese(&templates), "");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_value_or_message_id_a_link_cannot_use_is_explained_in_chinese() {
    // Paxos: a proposal's value that is not a word (upper case, too long, a colon).
    check_link(
        "?scene=paxos&props=0:toolongword@0",
        "Initial proposals \"0:toolongword@0\" cannot be used: \"toolongword\" is not a value here: use 1 to 8 lowercase letters, digits or dashes; using the default.",
        "toolongword",
    );
    check_link(
        "?scene=paxos&props=0:Qx@0",
        "Initial proposals \"0:Qx@0\" cannot be used: \"Qx\" is not a value here: use 1 to 8 lowercase letters, digits or dashes; using the default.",
        "Qx",
    );
    // The queue: a poison message that is not a message id.
    check_link(
        "?scene=queue&poison=p1.x",
        "Poison messages: \"p1.x\" is not a message id (expected p<producer>.<number>); ignored.",
        "p1.x",
    );
    check_link(
        "?scene=queue&poison=message",
        "Poison messages: \"message\" is not a message id (expected p<producer>.<number>); ignored.",
        "message",
    );
}

#[test]
fn commands_that_do_not_parse_say_why_in_chinese() {
    use dsviz::algo::paxos::Cmd as PaxosCmd;
    use dsviz::algo::queue::{MessageId, QueueCmd};
    use dsviz::algo::ring_cluster::Cmd as RingCmd;
    let paxos = |text: &str| text.parse::<PaxosCmd>().expect_err(text);
    let queue = |text: &str| text.parse::<QueueCmd>().expect_err(text);
    let ring = |text: &str| text.parse::<RingCmd>().expect_err(text);
    let word = "\"{}\" is not a value here: use 1 to 8 lowercase letters, digits or dashes";
    let cases = [
        refused(
            "paxos word",
            Word::new("Blue").expect_err("upper case"),
            &word.replace("{}", "Blue"),
            "Blue",
        ),
        refused(
            "paxos propose",
            paxos("propose:Blue"),
            &word.replace("{}", "Blue"),
            "Blue",
        ),
        refused(
            "paxos put",
            paxos("put:x:toolongword"),
            &word.replace("{}", "toolongword"),
            "toolongword",
        ),
        refused(
            "paxos unknown",
            paxos("elect"),
            "unknown command \"elect\" (expected propose:value, ballot, put:key:value or get:key)",
            "elect",
        ),
        refused(
            "queue id",
            "p1.x".parse::<MessageId>().expect_err("p1.x"),
            "\"p1.x\" is not a message id (expected p<producer>.<number>)",
            "p1.x",
        ),
        refused(
            "queue produce",
            queue("produce:101"),
            "\"produce:101\": a producer can be asked for 1 to 100 messages at once",
            "produce:101",
        ),
        refused(
            "queue unknown",
            queue("explode"),
            "unknown command \"explode\" (expected produce, produce:<n>, poison, slow or fast)",
            "explode",
        ),
        refused(
            "ring missing name",
            ring("leave"),
            "\"leave\" is missing its name",
            "leave",
        ),
        refused(
            "ring missing weight",
            ring("join:n1"),
            "\"join:n1\" is missing its weight",
            "join:n1",
        ),
        refused(
            "ring missing key",
            ring("lookup"),
            "\"lookup\" is missing its key",
            "lookup",
        ),
        refused(
            "ring name encoding",
            ring("fail:%ZZ"),
            "the name \"%ZZ\" is badly encoded",
            "%ZZ",
        ),
        refused(
            "ring weight encoding",
            ring("join:n1:%FF"),
            "the weight \"%FF\" is badly encoded",
            "%FF",
        ),
        refused(
            "ring key encoding",
            ring("lookup:%C3"),
            "the key \"%C3\" is badly encoded",
            "%C3",
        ),
        refused(
            "ring weight number",
            ring("weight:n1:heavy"),
            "a weight must be a whole number, not \"heavy\"",
            "heavy",
        ),
        refused(
            "ring unknown",
            ring("explode:n1"),
            "unknown command \"explode\" (join, leave, fail, recover, weight or lookup)",
            "explode",
        ),
        refused(
            "ring too many parts",
            ring("leave:n1:now"),
            "\"leave:n1:now\" has too many parts",
            "leave:n1:now",
        ),
    ];
    check_refusals(&cases, LINK_VERBS);
}

#[test]
fn the_rings_refusals_of_a_command_read_in_chinese() {
    use dsviz::algo::ring_cluster::{self as rc, Cmd, RingNode, MAX_NODES};
    use dsviz::scene::ring::rejection_words;
    use dsviz::sim::{Action, NetConfig, Sim, Timeline};
    let run = |config: &RingConfig, cmds: &[Cmd]| -> RingNode {
        let node = RingNode::new(config, 1).expect("a valid ring");
        let sim = Sim::new(1, vec![node], NetConfig::default(), rc::invariants(config));
        let mut t = Timeline::new(sim, Vec::new(), 10_000);
        for (i, cmd) in cmds.iter().enumerate() {
            t.take(
                Action::Command(NodeId(0), cmd.clone()),
                Time::from_millis(10 + i as u64),
            );
        }
        t.sim().node(NodeId(0)).cloned().expect("the cluster")
    };
    let name = |n: &str| n.to_string();
    let join = |n: &str, weight| Cmd::Join {
        name: name(n),
        weight,
    };
    let two = RingConfig::uniform(2, 10, 200);
    let fail = Cmd::Fail {
        name: name("node-2"),
    };
    // (what, the ring, the commands, the last one's refusal in English, a value it names)
    let cases = vec![
        (
            "join a live name",
            two.clone(),
            vec![join("node-1", 1)],
            "there is already a node named \"node-1\"",
            "node-1",
        ),
        (
            "join a failed name",
            two.clone(),
            vec![fail.clone(), join("node-2", 1)],
            "\"node-2\" failed earlier: recover it, or choose another name",
            "node-2",
        ),
        (
            "join a full ring",
            RingConfig::uniform(MAX_NODES, 1, 200),
            vec![join("node-99", 1)],
            "the scene holds at most 64 nodes",
            "64",
        ),
        (
            "join with weight 0",
            two.clone(),
            vec![join("node-9", 0)],
            "a weight of 0 would give the node no points: use 1 to 9, or remove the node",
            "0",
        ),
        (
            "recover a live node",
            two.clone(),
            vec![Cmd::Recover {
                name: name("node-1"),
            }],
            "\"node-1\" has not failed",
            "node-1",
        ),
        (
            "leave an unknown node",
            two.clone(),
            vec![Cmd::Leave {
                name: name("node-42"),
            }],
            "there is no live node named \"node-42\"",
            "node-42",
        ),
        (
            "the same weight",
            two.clone(),
            vec![Cmd::Weight {
                name: name("node-1"),
                weight: 1,
            }],
            "\"node-1\" already has weight 1",
            "node-1",
        ),
        (
            "weight too large",
            two.clone(),
            vec![Cmd::Weight {
                name: name("node-1"),
                weight: 12,
            }],
            "weights run from 1 to 9, not 12",
            "12",
        ),
        (
            "remove the last node",
            two.clone(),
            vec![
                fail.clone(),
                Cmd::Leave {
                    name: name("node-1"),
                },
            ],
            "\"node-1\" is the last node: the ring needs at least one",
            "node-1",
        ),
        (
            "look up nothing",
            two.clone(),
            vec![Cmd::Lookup { key: String::new() }],
            "type a key first",
            "键",
        ),
    ];
    let mut refusals = Vec::new();
    for (source, config, cmds, english, quoted) in cases {
        let node = run(&config, &cmds);
        let last = cmds.last().expect("a command");
        let rejection = node
            .rejection()
            .unwrap_or_else(|| panic!("{source}: {last} was not refused"));
        assert_eq!(rejection.command, last.to_string(), "{source}");
        refusals.push(refused(source, rejection.reason.clone(), english, quoted));
        // The panel's alert: the command as the link writes it, then the reason.
        let en = with_lang(Lang::En, || rejection_words(rejection));
        assert_eq!(
            en,
            format!("\"{last}\" was refused: {english}."),
            "{source}"
        );
        let zh = with_lang(Lang::Zh, || rejection_words(rejection));
        println!("[{source}] {zh}");
        let stray = stray_english(&zh.replace(&last.to_string(), "").replace(quoted, ""));
        assert!(
            has_chinese(&zh) && stray.is_empty(),
            "[{source}] {zh}: English words {stray:?}"
        );
    }
    check_refusals(&refusals, &[]);
}

#[test]
fn a_comparisons_labels_list_their_differences_as_chinese_lists_them() {
    let query = "?scene=balance&strategy=rr&vs=p2c&vslb=3&vsqueue=8&vshealth=none";
    let labels = |lang| {
        with_lang(lang, || {
            let (spec, problems) = RunSpec::from_query(query);
            let mut params = spec.params.clone();
            let (setup, _, more) =
                dsviz::scene::read_config::<dsviz::scene::balance::Balance>(&mut params);
            assert!(
                problems.is_empty() && more.is_empty(),
                "{problems:?} {more:?}"
            );
            setup.labels()
        })
    };
    let (en_a, en_b) = labels(Lang::En);
    assert_eq!(
        en_b,
        "two choices, 3 balancers, queues of 8, no health checks"
    );
    assert_eq!(en_a.matches(", ").count(), 3, "{en_a}");
    let (zh_a, zh_b) = labels(Lang::Zh);
    println!("{zh_a}\n{zh_b}");
    for zh in [&zh_a, &zh_b] {
        assert_eq!(zh.matches('、').count(), 3, "{zh}");
        assert!(!zh.contains(',') && !zh.contains('，'), "{zh}");
        assert!(has_chinese(zh), "{zh}");
        let stray = stray_english(zh);
        assert!(stray.is_empty(), "{zh}: {stray:?}");
    }
}
