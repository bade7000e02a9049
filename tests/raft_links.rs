//! Fuzzing the Raft scene's links: whatever text a link carries in any parameter, action or
//! command, the scene builds a run, never panics, and answers a value it cannot use with a
//! message and a clamped or default value; the link it writes back reads cleanly.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::raft::{Cmd, RaftConfig};
use dsviz::scene::raft::Raft;
use dsviz::scene::{self, RunSpec, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::Time;
use proptest::prelude::*;

/// Every parameter the Raft scene reads from a link.
const KEYS: [&str; 18] = [
    "n", "spares", "clients", "tmin", "tmax", "hb", "variant", "prevote", "cq", "noop", "hint",
    "reads", "snap", "work", "batch", "ctimeout", "think", "logs",
];

/// The link's problems (the shell's and the scene's) and the run it builds.
fn build(query: &str) -> (RunSpec, Box<SceneRun<Raft>>, Vec<String>) {
    let (mut spec, mut problems) = RunSpec::from_query(query);
    let built = scene::build_scene::<Raft>(&mut spec);
    problems.extend(built.problems);
    (spec, built.run, problems)
}

/// Builds `query`, runs a little of it, and checks that the link written back reads
/// without a problem and opens the same configuration.
fn builds_cleanly(query: &str) -> Result<Vec<String>, TestCaseError> {
    let (spec, mut run, problems) = build(query);
    prop_assert_eq!(run.config.validate(), Ok(()), "{}", query);
    run.extend(300);
    let (_, again, more) = build(&spec.to_query());
    prop_assert!(
        more.is_empty(),
        "{}: the written link has problems {:?}",
        query,
        more
    );
    prop_assert_eq!(&again.config, &run.config, "{}", query);
    Ok(problems)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any text in any parameter: a run, and the link it writes reads cleanly.
    #[test]
    fn any_parameter_text_builds_a_run(
        key in prop::sample::select(KEYS.to_vec()),
        value in "[a-z0-9:@._%-]{0,24}",
    ) {
        builds_cleanly(&format!("?scene=raft&{key}={value}"))?;
    }

    /// Numbers of any size in any parameter: in range they are taken, out of it there is a
    /// message.
    #[test]
    fn any_number_in_any_parameter_is_taken_or_answered(
        key in prop::sample::select(KEYS.to_vec()),
        value in prop_oneof![0u64..20, 0u64..20_000, any::<u64>()],
    ) {
        builds_cleanly(&format!("?scene=raft&{key}={value}"))?;
    }

    /// Any action key with any text after it: taken, or dropped with a message.
    #[test]
    fn any_action_text_is_taken_or_dropped_with_a_message(
        kind in prop::sample::select(vec!["crash:", "restart:", "pause:", "resume:", "drop:",
            "cut:", "heal:", "partition:", "cmd:0:", "cmd:5:", "cmd:", "net:", ""]),
        tail in "[a-z0-9:@._%,-]{0,20}",
        at in 0u64..400,
    ) {
        let action = format!("{at}@0:{kind}{tail}");
        let (spec, mut run, problems) = build(&format!("?scene=raft&a={action}"));
        prop_assert!(
            !spec.actions.is_empty() || !problems.is_empty(),
            "{}: neither taken nor answered", action
        );
        run.extend(300);
        let (_, _, again) = build(&spec.to_query());
        prop_assert!(again.is_empty(), "{}: {:?}", action, again);
    }

    /// Any command text: parsed and written back the same, or refused with a message.
    #[test]
    fn any_command_text_round_trips_or_is_refused(text in "[a-z0-9:._-]{0,16}") {
        match text.parse::<Cmd>() {
            Ok(cmd) => prop_assert_eq!(cmd.to_string().parse::<Cmd>(), Ok(cmd)),
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }
}

/// Whether a run's configuration holds the value a bad parameter falls back to.
type Clamped = fn(&RaftConfig) -> bool;

/// Named cases of the parameters the panel does not show, and of odd `logs`: each is
/// answered with a message, and the run uses the default or a clamped value.
#[test]
fn hidden_parameters_out_of_range_fall_back_with_messages() {
    let defaults = RaftConfig::default();
    let cases: [(&str, &str, Clamped); 9] = [
        (
            "batch=0",
            "Entries per AppendEntries must be a whole number from 1 to 64",
            |c| c.max_batch == 8,
        ),
        (
            "batch=65",
            "Entries per AppendEntries must be a whole number from 1 to 64",
            |c| c.max_batch == 8,
        ),
        ("batch=lots", "Entries per AppendEntries", |c| {
            c.max_batch == 8
        }),
        (
            "ctimeout=0",
            "Client timeout (ms) must be a whole number from 1 to 10,000",
            |c| c.client_timeout == Time::from_millis(400),
        ),
        (
            "ctimeout=99999999999999999999",
            "Client timeout (ms)",
            |c| c.client_timeout == Time::from_millis(400),
        ),
        (
            "think=0",
            "Think time (ms) must be a whole number from 1 to 10,000",
            |c| c.think_time == Time::from_millis(100),
        ),
        ("think=-5", "Think time (ms)", |c| {
            c.think_time == Time::from_millis(100)
        }),
        (
            "work=1001",
            "Workload per client must be a whole number from 0 to 1,000",
            |c| c.workload == 0,
        ),
        ("work=1e3", "Workload per client", |c| c.workload == 0),
    ];
    for (params, expected, clamped) in cases {
        let (_, run, problems) = build(&format!("?scene=raft&{params}"));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{params}: expected \"{expected}\" in {problems:?}"
        );
        assert!(clamped(&run.config), "{params}: {:?}", run.config);
        assert_eq!(run.config.validate(), Ok(()));
    }
    // In range, they are taken as written.
    let (_, run, problems) = build("?scene=raft&batch=64&ctimeout=10000&think=1&work=1000");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(run.config.max_batch, 64);
    assert_eq!(run.config.client_timeout, Time::from_millis(10_000));
    assert_eq!(run.config.think_time, Time::from_millis(1));
    assert_eq!(run.config.workload, 1_000);
    assert_ne!(run.config, defaults);
}

#[test]
fn overlong_or_odd_logs_are_answered_and_the_servers_start_empty() {
    let long = vec!["1"; 2_500].join(".");
    let many_servers = ["1.1"; 12].join("_");
    let huge_term = "99999999999999999999999";
    let cases = [
        (long.as_str(), "too long"),
        (many_servers.as_str(), "cannot run"),
        (huge_term, "Initial logs are terms like"),
        ("1..x", "Initial logs are terms like"),
        ("2.1", "never decrease"),
    ];
    for (logs, expected) in cases {
        let (_, run, problems) = build(&format!("?scene=raft&logs={logs}"));
        let shown: String = logs.chars().take(30).collect();
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "logs={shown}: expected \"{expected}\" in {problems:?}"
        );
        assert!(run.config.initial_logs.is_empty(), "logs={shown}");
        assert_eq!(run.config.validate(), Ok(()));
        for p in &problems {
            assert!(p.len() < 400, "a message a person can read: {p}");
        }
    }
}

#[test]
fn malformed_remove_and_get_commands_are_dropped_with_messages() {
    // Client c1 is node 5 of five servers; n0 is a server.
    let cases = [
        "0@0:cmd:0:remove:",
        "0@0:cmd:0:remove:x",
        "0@0:cmd:0:remove:-1",
        "0@0:cmd:0:remove:99",
        "0@0:cmd:0:remove:1:2",
        "0@0:cmd:5:get:",
        "0@0:cmd:5:get:X",
        "0@0:cmd:5:get:xy",
        "0@0:cmd:5:get:x:1",
        "0@0:cmd:5:get",
        "0@0:cmd:5:put:x:",
    ];
    for action in cases {
        let (spec, mut run, problems) = build(&format!("?scene=raft&a={action}"));
        assert!(spec.actions.is_empty(), "{action} is dropped");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("not a command this scene knows")),
            "{action}: {problems:?}"
        );
        run.extend(200);
    }
}
