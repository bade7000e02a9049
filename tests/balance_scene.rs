//! The load-balancing scene: links and parameters (every bad value gets a message, work is
//! bounded), ready-made scenarios as the tour tells them, the chart's replay against the
//! run itself, comparisons on the same arrivals, captions for every note, the Chinese
//! catalogue.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::balance::views::{RequestPath, Stage};
use dsviz::algo::balance::{
    scenarios, Answer, BalanceConfig, BalanceNode, Cmd, Note, PickReason, Strategy,
};
use dsviz::scene::balance::setup::{offered_requests, option_labels, MAX_REQUESTS};
use dsviz::scene::balance::view::{wire_dots, MAX_DOTS};
use dsviz::scene::balance::{fields, Balance, BalanceSceneView, BalanceSetup};
use dsviz::scene::{self, At, Names, Params, RunSpec, Scene, SceneId, SceneRun, Swatch};
use dsviz::sim::run::Run;
use dsviz::sim::{NodeId, Time, TraceKind};
use proptest::prelude::*;

mod i18n_scan;
use i18n_scan::{algo_dir, literals_under, wrapped_literals};

fn build(query: &str) -> (RunSpec, Vec<String>, Box<SceneRun<Balance>>) {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    let built = scene::build_scene::<Balance>(&mut spec);
    (spec, built.problems, built.run)
}

fn scenario_run(id: &str, seed: u64) -> Box<SceneRun<Balance>> {
    let mut spec = scene::scenario_spec(SceneId::of::<Balance>(), id, seed).expect(id);
    let built = scene::build_scene::<Balance>(&mut spec);
    assert!(built.problems.is_empty(), "{id}: {:?}", built.problems);
    built.run
}

/// Moves the cursor to the last step at or before `t`, computing the run that far.
fn go_to(run: &mut SceneRun<Balance>, t: Time) {
    while run.time_of(run.horizon()) <= t {
        if run.extend(5_000) == 0 {
            break;
        }
    }
    let step = run.step_at_time(t);
    run.seek(step);
}

fn view_at(id: &str, seed: u64, ms: u64) -> BalanceSceneView {
    let mut run = scenario_run(id, seed);
    go_to(&mut run, Time::from_millis(ms));
    run.view()
}

const ALL_SCENARIOS: [&str; 9] = [
    "random-load",
    "rising-load",
    "slow-server",
    "weighted",
    "herd",
    "crash-health",
    "slow-eject",
    "sticky-loss",
    "surge",
];

#[test]
fn every_scenario_is_offered_and_its_link_rebuilds_its_setup_and_partner() {
    let offered: Vec<&str> = Balance::scenarios().iter().map(|s| s.id).collect();
    assert_eq!(offered, ALL_SCENARIOS);
    for id in ALL_SCENARIOS {
        let expected = Balance::scenario(id).expect(id).config;
        let run = scenario_run(id, 7);
        assert_eq!(run.config, expected, "{id}");
        let partner = expected.partner_config().expect("every scenario compares");
        assert_eq!(
            partner.traffic, expected.config.traffic,
            "{id}: same traffic"
        );
        if let Some(algo) = scenarios::scenario(id) {
            let (_, mut want) = algo.partner.expect("a partner");
            want.traffic = expected.config.traffic.clone();
            assert_eq!(partner, want, "{id}: the partner written in the link");
        }
        // The shared link reproduces both sides exactly.
        let mut spec = scene::scenario_spec(SceneId::of::<Balance>(), id, 7).unwrap();
        let query = spec.to_query();
        let (_, problems, mut again) = build(&query);
        assert!(problems.is_empty(), "{id}: {problems:?}");
        let mut first = scene::build_scene::<Balance>(&mut spec).run;
        go_to(&mut first, Time::from_millis(6_000));
        go_to(&mut again, Time::from_millis(6_000));
        assert_eq!(first.fingerprint(), again.fingerprint(), "{id}");
        assert_eq!(first.view(), again.view(), "{id}: both sides reproduced");
    }
}

/// The claims of the tour's captions and the scenario descriptions, on three seeds.
#[test]
fn scenarios_show_what_the_tour_says() {
    for seed in 1..=3u64 {
        let ctx = |id: &str| format!("{id}, seed {seed}");
        let sides = |v: &BalanceSceneView| {
            let c = v.compare.clone().expect("a comparison");
            (c.a.last.expect("a sample"), c.b.last.expect("a sample"))
        };
        let unserved =
            |s: &dsviz::algo::balance::compare::Sample| s.window.dropped + s.window.failed;

        let v = view_at("random-load", seed, 14_500);
        let (a, b) = sides(&v);
        assert!(
            a.latency.p99 > b.latency.p99 * 5 / 4,
            "{}: {} vs {}",
            ctx("random-load"),
            a.latency.p99,
            b.latency.p99
        );

        let v = view_at("slow-server", seed, 9_000);
        let (a, b) = sides(&v);
        assert!(
            a.servers[3].queue >= 48,
            "{}: round robin fills the slow queue",
            ctx("slow-server")
        );
        assert!(
            a.latency.p99_all.is_none() && unserved(&a) > 0,
            "{}",
            ctx("slow-server")
        );
        assert_eq!(
            unserved(&b),
            0,
            "{}: two choices loses nothing",
            ctx("slow-server")
        );
        assert!(b.servers[3].queue <= 8, "{}", ctx("slow-server"));
        assert!(b.latency.p99_all.is_some(), "{}", ctx("slow-server"));

        let v = view_at("weighted", seed, 10_000);
        let (a, b) = sides(&v);
        assert_eq!(unserved(&a), 0, "{}", ctx("weighted"));
        assert!(
            unserved(&b) > 0,
            "{}: round robin overflows the slow three",
            ctx("weighted")
        );
        let util_b = &v.compare.as_ref().unwrap().b.utilisation;
        assert!(
            util_b[0] < 600 && util_b[1] > 900,
            "{}: {util_b:?}",
            ctx("weighted")
        );

        let v = view_at("herd", seed, 8_000);
        let (a, b) = sides(&v);
        assert!(
            a.servers[3].queue >= 2 * b.servers[3].queue.max(1),
            "{}: {} vs {}",
            ctx("herd"),
            a.servers[3].queue,
            b.servers[3].queue
        );
        assert!(a.latency.p99 > b.latency.p99, "{}", ctx("herd"));

        let v = view_at("crash-health", seed, 5_000);
        assert!(
            !v.live.balancers[0].available[1],
            "{}: active checks mark server 2 down",
            ctx("crash-health")
        );
        let v = view_at("crash-health", seed, 12_000);
        assert!(
            v.live.balancers[0].available[1],
            "{}: back after rise 2",
            ctx("crash-health")
        );
        let c = v.compare.as_ref().unwrap();
        assert!(
            c.a.utilisation[1] > 0 && c.b.utilisation[1] == 0,
            "{}: passive brings it back late",
            ctx("crash-health")
        );

        let v = view_at("sticky-loss", seed, 8_000);
        let c = v.compare.as_ref().unwrap();
        assert_eq!(
            c.a.moves.moved,
            c.a.moves.forced,
            "{}: consistent hashing moves only what it must",
            ctx("sticky-loss")
        );
        assert!(
            c.a.moves.moved > 0 && c.b.moves.moved > 3 * c.a.moves.moved,
            "{}: {:?} {:?}",
            ctx("sticky-loss"),
            c.a.moves,
            c.b.moves
        );

        let v = view_at("surge", seed, 11_000);
        let (a, b) = sides(&v);
        assert!(
            unserved(&a) * 10 < a.window.total(),
            "{}: bounded queues recover",
            ctx("surge")
        );
        assert!(
            unserved(&b) * 2 > b.window.total(),
            "{}: the backlog outlasts the surge",
            ctx("surge")
        );
    }
}

#[test]
fn tour_stops_are_reachable_and_point_at_servers() {
    let tour = Balance::tour();
    assert_eq!(tour.len(), 8);
    for stop in &tour {
        let mut run = scenario_run(stop.scenario, 1);
        let reached = match &stop.at {
            At::When(holds) => {
                // Within the scenario's first minute.
                while !holds(run.sim()) && run.time_of(run.cursor()) < Time::from_millis(60_000) {
                    if run.cursor() == run.horizon() {
                        run.extend(1_000);
                    }
                    run.seek(run.cursor() + 1);
                }
                holds(run.sim())
            }
            At::Step(s) => run.extend(*s) > 0,
            At::End => true,
        };
        assert!(reached, "{}", stop.title);
        assert!(!stop.highlights.is_empty());
        for node in stop.highlights {
            let server = run.sim().node(*node).and_then(BalanceNode::as_server);
            assert!(server.is_some(), "{}: {node:?} is not a server", stop.title);
        }
    }
}

/// The chart is drawn from a replay of the run; it must show what the run itself shows at
/// every sample, user actions included.
#[test]
fn the_chart_replays_the_run_exactly_with_user_actions() {
    let (_, problems, mut run) = build("scene=balance&seed=5&rate=300&dur=6");
    assert!(problems.is_empty(), "{problems:?}");
    go_to(&mut run, Time::from_millis(1_000));
    run.take("crash:4", Time::from_millis(1_000)).unwrap();
    go_to(&mut run, Time::from_millis(2_500));
    run.take("cmd:5:slow:5", Time::from_millis(2_500)).unwrap();
    go_to(&mut run, Time::from_millis(4_000));
    run.take("restart:4", Time::from_millis(4_000)).unwrap();
    for ms in (0..=6_000).step_by(500) {
        let t = Time::from_millis(ms);
        go_to(&mut run, t);
        let view = run.view();
        let point = view
            .points
            .iter()
            .find(|p| p.at == t)
            .expect("a sample at every 100 ms");
        let client = run
            .sim()
            .node(NodeId(0))
            .and_then(BalanceNode::as_client)
            .unwrap();
        let p = client.percentiles(t);
        assert_eq!(
            (point.p50, point.p99, point.p99_all),
            (p.p50, p.p99, p.p99_all),
            "at {t}"
        );
    }
}

#[test]
fn both_sides_of_every_comparison_see_the_same_arrivals() {
    for id in ALL_SCENARIOS {
        let v = view_at(id, 3, 9_000);
        let c = v.compare.expect(id);
        assert!(c.a.digest.is_some(), "{id}");
        assert_eq!(c.a.digest, c.b.digest, "{id}");
        let (a, b) = (c.a.last.unwrap(), c.b.last.unwrap());
        assert_eq!(a.arrived, b.arrived, "{id}");
        assert_eq!(c.not_mirrored, 0, "{id}");
    }
}

#[test]
fn a_dropped_message_is_not_repeated_on_the_second_side() {
    let (_, _, mut run) = build("scene=balance&vs=p2c&dur=3");
    go_to(&mut run, Time::from_millis(500));
    let msg = run.view().live.requests.first().and_then(|r| r.msg);
    let msg = match msg {
        Some(m) => m,
        None => {
            run.extend(1);
            run.seek(run.cursor() + 1);
            let snap = run.snapshot();
            dsviz::sim::MsgId(snap.messages.first().expect("a message in flight").id)
        }
    };
    run.take(&format!("drop:{}", msg.0), run.time_of(run.cursor()))
        .unwrap();
    go_to(&mut run, Time::from_millis(1_000));
    assert_eq!(run.view().compare.unwrap().not_mirrored, 1);
}

#[test]
fn bad_parameters_get_messages_and_the_run_still_builds() {
    let cases = [
        "strategy=fastest",
        "servers=0",
        "servers=99",
        "speed=1z11",
        "slots=2x",
        "weight=-",
        "lb=9",
        "rate=-1",
        "rate=99999",
        "dur=0",
        "dur=601",
        "cost=0",
        "heavy=101",
        "heavyx=0",
        "sessions=0",
        "queue=1001",
        "full=maybe",
        "health=sometimes",
        "vs=faster",
        "vs=p2c&vslb=9",
        "vs=p2c&vsqueue=7",
        "vs=p2c&vshealth=x",
        "ramp=lots",
        "ramp=100@0",
        "ramp=100@5000,90@4000",
        "dur=5&ramp=100@6000",
        "ramp=6000@1000",
        "inter=5",
        "rise=0",
        "fall=11",
        "errors=0",
        "eject=0",
        "upstream=0",
        "ctimeout=999999999",
        "c=999",
        "window=5",
        "burst=1001",
        "burstn=0",
        "decay=1",
        "vnodes=0",
    ];
    for case in cases {
        let (spec, problems, run) = build(&format!("scene=balance&{case}"));
        assert!(!problems.is_empty(), "{case}: no message");
        assert!(
            problems.iter().all(|p| p.len() > 20),
            "{case}: {problems:?}"
        );
        assert!(run.config.config.validate().is_ok(), "{case}");
        // The link written back is clean.
        let (_, again, _) = build(&spec.to_query());
        assert!(again.is_empty(), "{case}: {again:?}");
    }
}

#[test]
fn a_link_may_not_ask_for_more_than_half_a_million_requests() {
    let (_, problems, run) = build("scene=balance&rate=5000&dur=600");
    assert!(
        problems.iter().any(|p| p.contains("500000")),
        "{problems:?}"
    );
    assert_eq!(run.config.traffic_for, Time::from_millis(100_000));
    assert!(
        offered_requests(&run.config.config.traffic.rate, run.config.traffic_for) <= MAX_REQUESTS
    );
    let (_, problems, run) = build("scene=balance&rate=200&ramp=5000@1000&dur=600");
    assert!(!problems.is_empty());
    assert!(
        offered_requests(&run.config.config.traffic.rate, run.config.traffic_for) <= MAX_REQUESTS
    );
}

fn write(setup: &BalanceSetup) -> Params {
    let mut p = Params::new();
    Balance::write(setup, &mut p);
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any value for any parameter is read without a panic into a configuration that
    /// validates, and written back to a link that reads to the same setup.
    #[test]
    fn any_parameter_value_reads_to_a_valid_setup_that_round_trips(
        key in prop::sample::select(fields::FIELDS.iter().map(|f| f.key).chain(["ramp", "inter", "c", "window", "eject"]).collect::<Vec<_>>()),
        value in "[-0-9a-z@,.]{0,12}",
    ) {
        let mut params = Params::new();
        params.insert(key.to_string(), value.clone());
        let mut r = dsviz::scene::ParamReader::new(&params);
        let setup = Balance::read(&mut r);
        if let Ok(setup) = setup {
            prop_assert!(setup.config.validate().is_ok());
            let out = write(&setup);
            let mut again = dsviz::scene::ParamReader::new(&out);
            let back = Balance::read(&mut again).expect("a written setup reads");
            prop_assert!(again.problems.is_empty(), "{key}={value}: {:?}", again.problems);
            prop_assert_eq!(back, setup);
        }
    }
}

#[test]
fn the_request_dots_are_capped_and_stay_the_same_requests() {
    let path = |id| RequestPath {
        id,
        balancer: Some(0),
        server: Some(0),
        stage: Stage::ToServer,
        wire: Some((Time(0), Time(10))),
        msg: Some(dsviz::sim::MsgId(id)),
        answer: None,
    };
    let many: Vec<RequestPath> = (1..=1_000).map(path).collect();
    let (drawn, total) = wire_dots(many.clone());
    assert_eq!(total, 1_000);
    assert!(drawn.len() <= MAX_DOTS && drawn.len() >= MAX_DOTS / 2);
    let (shifted, _) = wire_dots(many[1..].to_vec());
    let kept = drawn.iter().filter(|r| shifted.contains(r)).count();
    assert!(kept + 1 >= drawn.len(), "the same ids stay drawn");
    // Under heavy traffic on slow wires the view says it samples.
    let (_, _, mut run) =
        build("scene=balance&rate=3000&servers=16&slots=9999999999999999&lat=40-40&dur=2");
    go_to(&mut run, Time::from_millis(1_000));
    let v = run.view();
    assert!(v.on_wire > MAX_DOTS, "{}", v.on_wire);
    assert!(v.live.requests.len() <= MAX_DOTS);
}

#[test]
fn node_commands_are_typed_actions_that_links_read_back() {
    let (_, _, mut run) = build("scene=balance");
    let texts = |run: &SceneRun<Balance>, node: u32| -> Vec<String> {
        run.node_commands(node)
            .into_iter()
            .map(|c| c.action)
            .collect()
    };
    assert_eq!(texts(&run, 0), ["cmd:0:surge:3:4000", "cmd:0:stop"]);
    assert!(
        texts(&run, 1).is_empty(),
        "balancers take kernel faults only"
    );
    assert_eq!(texts(&run, 2), ["cmd:2:slow:5", "cmd:2:flap:1000"]);
    run.take("cmd:2:slow:5", Time::ZERO).unwrap();
    run.take("cmd:2:flap:1000", Time::ZERO).unwrap();
    run.take("cmd:0:stop", Time::ZERO).unwrap();
    assert_eq!(texts(&run, 2), ["cmd:2:slow:1", "cmd:2:flap:0"]);
    assert_eq!(texts(&run, 0), ["cmd:0:surge:3:4000", "cmd:0:go"]);
    for cmd in [
        "slow:1",
        "slow:5",
        "flap:0",
        "flap:1000",
        "surge:3:4000",
        "stop",
        "go",
    ] {
        assert_eq!(cmd.parse::<Cmd>().unwrap().to_string(), cmd);
    }
}

fn every_note() -> Vec<Note> {
    let answers = [
        Answer::Served,
        Answer::QueueFull,
        Answer::NoServer,
        Answer::UpstreamTimeout,
    ];
    let reasons = [
        PickReason::Random,
        PickReason::RoundRobin,
        PickReason::SmoothWeighted {
            current_weight: 3,
            total: 6,
        },
        PickReason::LeastConnections { open: 2, tied: 1 },
        PickReason::LeastConnections { open: 2, tied: 3 },
        PickReason::OnlyChoice,
        PickReason::TwoChoices {
            other: 2,
            load: 1,
            other_load: 4,
        },
        PickReason::PeakEwma {
            other: 1,
            load: 2_000_000,
            other_load: 9_000_000,
        },
        PickReason::Ring {
            skipped_unavailable: 0,
        },
        PickReason::Ring {
            skipped_unavailable: 100,
        },
        PickReason::Bounded {
            capacity: 2,
            skipped_full: 1,
            skipped_unavailable: 0,
        },
    ];
    let mut notes = vec![
        Note::Arrived {
            id: 1,
            balancer: 0,
            burst: false,
        },
        Note::Arrived {
            id: 2,
            balancer: 1,
            burst: true,
        },
        Note::Completed {
            id: 1,
            latency: Time::from_millis(23),
        },
        Note::ClientTimeout { id: 3 },
        Note::SurgeStarted {
            factor: 3,
            until: Time::from_millis(7_000),
        },
        Note::TrafficStopped,
        Note::TrafficStarted,
        Note::SessionMoved {
            session: 4,
            from: 0,
            to: 1,
            forced: true,
            sticky: true,
        },
        Note::SessionMoved {
            session: 4,
            from: 1,
            to: 0,
            forced: false,
            sticky: true,
        },
        Note::SessionMoved {
            session: 4,
            from: 0,
            to: 1,
            forced: false,
            sticky: false,
        },
        Note::NoServer { id: 5 },
        Note::UpstreamTimedOut { id: 6, server: 2 },
        Note::LateReply { id: 6, server: 2 },
        Note::DuplicateIgnored { id: 6 },
        Note::CheckFailed {
            server: 1,
            streak: 2,
        },
        Note::MarkedDown { server: 1 },
        Note::MarkedUp { server: 1 },
        Note::Ejected {
            server: 1,
            until: Time::from_millis(9_000),
            times: 2,
        },
        Note::EjectionRefused {
            server: 2,
            ejected: 1,
        },
        Note::Returned { server: 1 },
        Note::Queued { id: 7, waiting: 3 },
        Note::Started {
            id: 7,
            service: Time::from_millis(20),
        },
        Note::Finished { id: 7 },
        Note::QueueFullRejected { id: 8 },
        Note::QueueFullDropped { id: 9 },
        Note::Slowed { factor: 5 },
        Note::Slowed { factor: 1 },
        Note::WentDown { lost: 4 },
        Note::CameBack,
        Note::IgnoredWhileDown,
    ];
    for answer in answers {
        notes.push(Note::Dropped { id: 1, answer });
        notes.push(Note::Failed { id: 1, answer });
    }
    for why in reasons {
        notes.push(Note::Picked {
            id: 1,
            server: 0,
            why,
        });
    }
    notes
}

#[test]
fn every_note_reads_as_a_sentence() {
    let names: Vec<String> = dsviz::algo::balance::node_names(&BalanceConfig {
        balancers: 2,
        ..BalanceConfig::default()
    });
    let names = Names(&names);
    let mut seen = std::collections::BTreeSet::new();
    for note in every_note() {
        let text = Balance::describe(&names, NodeId(1), &note);
        assert!(text.ends_with('.') && text.len() > 15, "{note:?}: {text}");
        assert!(
            !text.contains('{') && !text.contains("Note") && !text.contains("::"),
            "{note:?}: {text}"
        );
        assert!(seen.insert(text.clone()), "two notes read the same: {text}");
    }
    let picked = Balance::describe(
        &names,
        NodeId(1),
        &Note::Picked {
            id: 9,
            server: 2,
            why: PickReason::RoundRobin,
        },
    );
    assert_eq!(
        picked,
        "balancer 1 sends request 9 to server 3: it is next in the cycle."
    );
    // Every note the runs of a few scenarios make is described by a sentence.
    for id in ["crash-health", "sticky-loss", "surge"] {
        let mut run = scenario_run(id, 1);
        go_to(&mut run, Time::from_millis(5_000));
        let names = run.names().to_vec();
        let names = Names(&names);
        let entries = run.timeline().entries(1, run.cursor());
        let mut described = 0;
        for e in entries.iter() {
            if let TraceKind::Note { node, note } = &e.kind {
                let text = Balance::describe(&names, *node, note);
                assert!(
                    text.ends_with('.') && !text.contains('{'),
                    "{id}: {note:?}: {text}"
                );
                described += 1;
            }
        }
        assert!(described > 1_000, "{id}: {described}");
    }
}

/// Texts the scene shows, besides the `tr`/`trf` calls in its code.
fn declared_texts() -> Vec<&'static str> {
    let mut out = vec![Balance::TITLE, Balance::BLURB];
    for f in fields::FIELDS {
        out.push(f.label);
        out.push(f.help);
    }
    out.extend(option_labels());
    for s in Balance::scenarios() {
        out.push(s.title);
        out.push(s.description);
    }
    for stop in Balance::tour() {
        out.push(stop.title);
        out.push(stop.caption);
    }
    for entry in Balance::legend() {
        out.push(entry.label);
        out.push(entry.meaning);
    }
    out.extend(Strategy::ALL.iter().map(|s| s.title()));
    // The invariants panel shows each invariant's name and description through `tr`.
    for inv in dsviz::algo::balance::invariants() {
        out.push(inv.name);
        out.push(inv.description);
    }
    out
}

fn placeholders(text: &str) -> std::collections::BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(p, _)| p.to_string()))
        .collect()
}

#[test]
fn the_chinese_catalogue_covers_every_text_and_nothing_else() {
    let catalogue = dsviz::i18n::parse_catalogue(Balance::CATALOGUE_ZH).expect("well formed");
    let zh: std::collections::BTreeMap<&str, &str> = catalogue.iter().copied().collect();
    assert_eq!(zh.len(), catalogue.len(), "an English text appears twice");
    let mut wanted: Vec<String> = declared_texts().into_iter().map(String::from).collect();
    let dirs = ["src/scene/balance", "src/ui/balance"];
    let mut files = vec![std::path::PathBuf::from("src/scene/balance.rs")];
    for dir in dirs {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in files {
        wanted.extend(wrapped_literals(&std::fs::read_to_string(&file).unwrap()));
    }
    // Numbers (option labels such as "2") read the same in every language.
    wanted.retain(|t| t.chars().any(char::is_alphabetic));
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|t| !zh.contains_key(t.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} texts have no Chinese: {missing:#?}",
        missing.len()
    );
    // The algorithm's lines (detail lines, message and timer labels) are its literals.
    let algo = literals_under(algo_dir(Balance::SLUG));
    let stale: Vec<&&str> = zh
        .keys()
        .filter(|k| !wanted.iter().any(|w| w == *k) && !algo.contains(**k))
        .collect();
    assert!(stale.is_empty(), "stale entries: {stale:#?}");
    for (en, cn) in &catalogue {
        assert_eq!(placeholders(en), placeholders(cn), "{en} / {cn}");
    }
}

#[test]
fn the_legend_names_every_class_the_stage_draws() {
    let css = include_str!("../src/ui/balance/style.css");
    for entry in Balance::legend() {
        match entry.swatch {
            Swatch::Class(class) => assert!(css.contains(&format!(".{class}")), "{class}"),
            Swatch::NodeState(state) => {
                assert!(css.contains(&format!(".state-{state}")), "{state}")
            }
            other => panic!("unexpected swatch {other:?}"),
        }
    }
}

#[test]
fn a_session_move_is_explained_by_the_strategy_and_by_what_the_balancer_knows() {
    use dsviz::sim::run::Run;
    // Smooth weighted round robin keeps no session anywhere: its moves are by design.
    let mut run = scenario_run("weighted", 1);
    run.extend(400);
    let text: Vec<String> = run.log(1, 400).into_iter().map(|l| l.text).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("this strategy is not sticky")),
        "round robin's moves are explained as its design"
    );
    assert!(
        !text.iter().any(|t| t.contains("extra move")),
        "a strategy that keeps no session makes no \"extra\" move: {:?}",
        text.iter().find(|t| t.contains("extra move"))
    );
}
