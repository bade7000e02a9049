//! The message-queue scene: links and parameters (every bad value explained, never a
//! panic, the work a link may ask for bounded), the view model of each scenario, a sentence
//! for every note, the tour's stops, the legend, the Chinese catalogue, and the stage's
//! geometry.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::queue::note::Step;
use dsviz::algo::queue::{
    layout, scenario, Design, MessageId, Phase, QueueConfig, QueueNode, QueueNote,
};
use dsviz::algo::redis::{Persistence, RedisError};
use dsviz::i18n::{parse_catalogue, set_lang, Lang};
use dsviz::scene::queue::view::{phase_look, BrokerEvent, QueueSceneView};
use dsviz::scene::queue::QueueScene;
use dsviz::scene::{self, At, Built, Names, RunSpec, Scene, SceneRun, Swatch};
use dsviz::sim::run::Run;
use dsviz::sim::scenario::resolve;
use dsviz::sim::trace::TraceKind;
use dsviz::sim::{NodeId, Sim};
use dsviz::ui::queue::geometry::*;
use std::collections::BTreeSet;

mod i18n_scan;
use i18n_scan::{algo_dir, literals_under, wrapped_literals};

fn build(query: &str) -> (RunSpec, Built<SceneRun<QueueScene>>) {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let built = scene::build_scene::<QueueScene>(&mut spec);
    (spec, built)
}

/// A scenario's run, computed `steps` steps ahead and shown at its last step.
fn scenario_run(id: &str, steps: u64) -> SceneRun<QueueScene> {
    let (_, built) = build(&format!("?scene=queue&sc={id}&seed=1"));
    assert!(built.problems.is_empty(), "{id}: {:?}", built.problems);
    let mut run = *built.run;
    run.extend(steps);
    run.seek(run.horizon());
    run
}

#[test]
fn the_default_link_builds_the_lpush_brpop_queue_with_named_nodes() {
    let (spec, built) = build("?scene=queue");
    assert!(built.problems.is_empty(), "{:?}", built.problems);
    assert_eq!(built.run.names(), ["redis", "db", "p1", "p2", "c1", "c2"]);
    assert_eq!(built.run.config, QueueConfig::default());
    assert_eq!(spec.param("design"), Some("brpop"));
    assert_eq!(spec.param("persist"), Some("everysec"));
}

#[test]
fn every_scenario_link_round_trips_to_the_same_configuration_and_run() {
    for info in QueueScene::scenarios() {
        let spec = scene::scenario_spec_of::<QueueScene>(info.id, 3).expect("scenario");
        let (config, _) = scenario(info.id).expect("scenario");
        let (mut again, problems) = RunSpec::from_query(&spec.to_query());
        assert!(problems.is_empty(), "{}: {problems:?}", info.id);
        let built = scene::build_scene::<QueueScene>(&mut again);
        assert!(
            built.problems.is_empty(),
            "{}: {:?}",
            info.id,
            built.problems
        );
        assert_eq!(built.run.config, config, "{}", info.id);
        assert_eq!(again.params, spec.params, "{}", info.id);
        assert_eq!(again.actions, spec.actions, "{}", info.id);
    }
}

#[test]
fn every_parameter_is_read_back_from_its_link_form() {
    let query = "?scene=queue&design=idem-stream&persist=always&producers=3&consumers=4&messages=7\
                 &wait=0&attempts=5&vis=250&idle=120&maxdel=2&service=45&every=15&timeout=70\
                 &slow=900&block=400&reap=60&claim=80&poison=p2.4,p1.1";
    let (spec, built) = build(query);
    assert!(built.problems.is_empty(), "{:?}", built.problems);
    let c = &built.run.config;
    assert_eq!(c.design, Design::from_slug("idem-stream").unwrap());
    assert_eq!(c.persistence, Persistence::AofAlways);
    assert_eq!((c.producers, c.consumers, c.messages), (3, 4, 7));
    assert!(!c.producer_waits);
    assert_eq!((c.max_attempts, c.max_deliveries), (5, 2));
    let ms = |t: dsviz::sim::Time| t.micros() / 1000;
    assert_eq!(
        [
            c.visibility_timeout,
            c.min_idle,
            c.service_time,
            c.produce_every,
            c.request_timeout
        ]
        .map(ms),
        [250, 120, 45, 15, 70]
    );
    assert_eq!(
        [c.slow_service_time, c.block, c.reap_every, c.claim_every].map(ms),
        [900, 400, 60, 80]
    );
    let p = |producer, seq| MessageId { producer, seq };
    assert_eq!(c.poison, vec![p(1, 1), p(2, 4)]);
    assert_eq!(spec.param("poison"), Some("p1.1,p2.4"));
    // 3 producers, 4 consumers, the database and Redis; no reaper in a stream design.
    assert_eq!(built.run.node_count(), 9);
}

#[test]
fn bad_parameters_are_explained_and_replaced_never_a_panic() {
    let cases: &[(&str, &str)] = &[
        (
            "design=kafka",
            "Queue design must be one of brpop, blmove, stream, idem-blmove, idem-stream",
        ),
        (
            "persist=rdb",
            "Redis persistence must be one of none, everysec, always",
        ),
        (
            "producers=9",
            "Producers must be a whole number from 1 to 4, not \"9\"",
        ),
        (
            "consumers=0",
            "Consumers must be a whole number from 1 to 4, not \"0\"",
        ),
        (
            "messages=100000",
            "Messages per producer must be a whole number from 0 to 500",
        ),
        (
            "wait=maybe",
            "Producers wait for confirmation must be 1 (on) or 0 (off)",
        ),
        (
            "attempts=11",
            "Send attempts must be a whole number from 1 to 10",
        ),
        (
            "vis=0",
            "Visibility timeout (ms) must be a whole number from 1 to 60,000, not \"0\"",
        ),
        (
            "idle=-5",
            "Min idle before a claim (ms) must be a whole number from 0 to 60,000",
        ),
        (
            "maxdel=99",
            "Max deliveries must be a whole number from 1 to 10",
        ),
        (
            "service=1e9",
            "Consumer service time (ms) must be a whole number from 0 to 60,000",
        ),
        (
            "every=0",
            "Time between messages (ms) must be a whole number from 1 to 60,000",
        ),
        (
            "poison=p1.x",
            "Poison messages: \"p1.x\" is not a message id",
        ),
        (
            "poison=p3.1",
            "Poison message p3.1 names producer 3, but there are only 2; ignored.",
        ),
    ];
    for (param, expected) in cases {
        let (spec, built) = build(&format!("?scene=queue&{param}"));
        assert!(
            built.problems.iter().any(|p| p.contains(expected)),
            "{param}: {:?}",
            built.problems
        );
        // The link written back holds only usable values.
        let (_, again) = build(&spec.to_query());
        assert!(again.problems.is_empty(), "{param}: {:?}", again.problems);
    }
    let many: Vec<String> = (1..=20).map(|i| format!("p1.{i}")).collect();
    let (_, built) = build(&format!("?scene=queue&poison={}", many.join(",")));
    assert!(built
        .problems
        .iter()
        .any(|p| p.starts_with("At most 16 poison messages")));
    assert_eq!(built.run.config.poison.len(), 16);
}

#[test]
fn commands_in_links_are_bounded_and_checked() {
    let (_, built) =
        build("?scene=queue&a=1@0:cmd:2:produce:100,2@0:cmd:2:produce:101,3@0:cmd:4:fly");
    let problems = built.problems.join(" | ");
    assert!(
        problems.contains("\"produce:101\" is not a command this scene knows"),
        "{problems}"
    );
    assert!(
        problems.contains("\"fly\" is not a command this scene knows"),
        "{problems}"
    );
    assert_eq!(
        built.run.actions_text(),
        vec!["1@0:cmd:2:produce:100".to_string()]
    );
}

#[test]
fn node_menus_offer_the_scene_commands_of_each_role() {
    let (_, built) = build("?scene=queue");
    let run = &built.run;
    let labels =
        |n: u32| -> Vec<String> { run.node_commands(n).into_iter().map(|c| c.action).collect() };
    assert_eq!(
        labels(2),
        ["cmd:2:produce", "cmd:2:produce:10", "cmd:2:poison"]
    );
    assert_eq!(labels(4), ["cmd:4:slow"]);
    assert!(labels(0).is_empty() && labels(1).is_empty());
}

fn view_at_end(id: &str, steps: u64) -> QueueSceneView {
    scenario_run(id, steps).view()
}

#[test]
fn the_happy_path_view_ends_with_every_message_processed_once_and_nothing_waiting() {
    let v = view_at_end("happy", 3_000);
    assert_eq!(
        (v.counters.sent, v.counters.processed, v.counters.duplicated),
        (20, 20, 0)
    );
    assert!(v.queue.is_empty());
    assert!(v
        .consumers
        .iter()
        .all(|c| c.processing.is_empty() && c.pending.is_empty()));
    assert!(v.consumers.iter().all(|c| c.phase == Phase::Fetching));
    // The command log speaks Redis: consumers' BRPOPs.
    assert!(v.log.iter().any(|l| matches!(&l.event,
        BrokerEvent::Ran { command, .. } | BrokerEvent::Parked { command, .. } if command.starts_with("BRPOP queue "))),
        "{:?}", v.log);
    // A quiet end: the chart's window holds only the value it starts with.
    assert_eq!(v.history.len(), 1);
    assert_eq!(v.history[0].depth.queued, 0);
    let mut run = scenario_run("happy", 3_000);
    run.seek(150);
    let v = run.view();
    assert!(v.history.len() >= 4, "{:?}", v.history);
    assert!(v.history.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(v.history.iter().all(|s| s.at <= v.now));
}

#[test]
fn after_the_brpop_crash_the_view_counts_one_lost_message() {
    let v = view_at_end("brpop-crash", 3_000);
    assert_eq!(v.counters.lost, 1);
    let crashed: Vec<_> = v
        .consumers
        .iter()
        .filter(|c| c.status == dsviz::sim::NodeStatus::Crashed)
        .collect();
    assert_eq!(crashed.len(), 1);
    assert!(
        crashed[0].holding.is_none(),
        "a crash empties the consumer's memory"
    );
}

#[test]
fn with_blmove_the_message_sits_in_the_processing_list_and_the_reaper_watches_it() {
    let (_, built) = build("?scene=queue&sc=blmove-crash&seed=1");
    let mut run = *built.run;
    run.extend(3_000);
    // The first step at which a crashed consumer's processing list holds a watched message.
    let found = (1..run.horizon()).find_map(|step| {
        run.seek(step);
        let v = run.view();
        let dead = v
            .consumers
            .iter()
            .find(|c| c.status == dsviz::sim::NodeStatus::Crashed)?;
        let chip = dead.processing.first()?;
        let watched = v
            .reaper
            .as_ref()?
            .watching
            .iter()
            .any(|(n, m, _)| *n == dead.number && m.id == chip.message.id);
        watched.then_some((chip.deliveries, v.counters.lost))
    });
    assert_eq!(
        found,
        Some((1, 0)),
        "handed out once, watched, and not counted lost"
    );
    run.seek(run.horizon());
    let v = run.view();
    assert_eq!(
        (
            v.counters.lost,
            v.counters.redelivered,
            v.counters.duplicated
        ),
        (0, 1, 0)
    );
    assert_eq!(v.reaper.as_ref().map(|r| r.requeued), Some(1));
}

#[test]
fn the_poison_message_ends_as_a_dead_letter_chip_with_its_delivery_count() {
    let v = view_at_end("poison", 3_000);
    assert_eq!(v.dead.len(), 1);
    assert!(v.dead[0].message.poison);
    assert_eq!(
        v.dead[0].deliveries, 4,
        "handed out 4 times: 1 read and 3 claims"
    );
    assert_eq!(v.counters.dead_lettered, 1);
    assert!(v.log.iter().all(
        |l| !matches!(&l.event, BrokerEvent::Ran { command, .. } if command.starts_with("BRPOP"))
    ));
}

#[test]
fn pending_entries_are_drawn_on_their_consumer_with_redis_delivery_counts() {
    let (_, built) = build("?scene=queue&sc=poison&seed=1");
    let mut run = *built.run;
    run.extend(3_000);
    let mut seen_redelivered_pending = false;
    for step in 1..run.horizon() {
        run.seek(step);
        let v = run.view();
        let pending: usize = v.consumers.iter().map(|c| c.pending.len()).sum();
        assert_eq!(
            pending as u64, v.depth.in_progress,
            "step {step}: every pending entry has a lane"
        );
        seen_redelivered_pending |= v
            .consumers
            .iter()
            .flat_map(|c| &c.pending)
            .any(|p| p.chip.deliveries >= 2);
    }
    assert!(
        seen_redelivered_pending,
        "the poison message shows a delivery count of 2 or more"
    );
}

/// Every `QueueNote` variant's name: a new variant fails to compile here until it is
/// described and covered.
fn kind(note: &QueueNote) -> &'static str {
    match note {
        QueueNote::BrokerRan { .. } => "BrokerRan",
        QueueNote::BrokerParked { .. } => "BrokerParked",
        QueueNote::BrokerServedWaiter { .. } => "BrokerServedWaiter",
        QueueNote::BrokerTimedOutWaiter { .. } => "BrokerTimedOutWaiter",
        QueueNote::BrokerFsynced { .. } => "BrokerFsynced",
        QueueNote::BrokerRecovered { .. } => "BrokerRecovered",
        QueueNote::ProducerSent { .. } => "ProducerSent",
        QueueNote::ProducerConfirmed { .. } => "ProducerConfirmed",
        QueueNote::ProducerRefused { .. } => "ProducerRefused",
        QueueNote::ProducerTimedOut { .. } => "ProducerTimedOut",
        QueueNote::ConsumerReceived { .. } => "ConsumerReceived",
        QueueNote::ConsumerFoundNothing { .. } => "ConsumerFoundNothing",
        QueueNote::ConsumerWorking { .. } => "ConsumerWorking",
        QueueNote::ConsumerFailed { .. } => "ConsumerFailed",
        QueueNote::ConsumerApplying { .. } => "ConsumerApplying",
        QueueNote::ConsumerSkippedDuplicate { .. } => "ConsumerSkippedDuplicate",
        QueueNote::ConsumerAcked { .. } => "ConsumerAcked",
        QueueNote::ConsumerDeadLettering { .. } => "ConsumerDeadLettering",
        QueueNote::ConsumerIgnoredLateReply { .. } => "ConsumerIgnoredLateReply",
        QueueNote::ConsumerTimedOut { .. } => "ConsumerTimedOut",
        QueueNote::ConsumerGotError { .. } => "ConsumerGotError",
        QueueNote::ConsumerRejoining => "ConsumerRejoining",
        QueueNote::ConsumerSpeed { .. } => "ConsumerSpeed",
        QueueNote::DbApplied { .. } => "DbApplied",
        QueueNote::DbSkippedDuplicate { .. } => "DbSkippedDuplicate",
        QueueNote::ReaperScanned { .. } => "ReaperScanned",
        QueueNote::ReaperRequeueing { .. } => "ReaperRequeueing",
        QueueNote::ReaperRemoved { .. } => "ReaperRemoved",
        QueueNote::ReaperTimedOut => "ReaperTimedOut",
    }
}
const NOTE_KINDS: usize = 29;

fn assert_sentence(text: &str, names: &[String], context: &str) {
    assert!(text.len() > 15, "{context}: too short: {text}");
    assert!(text.ends_with('.'), "{context}: {text}");
    assert!(
        !text.contains('{') && !text.contains("Some(") && !text.contains("NodeId"),
        "{context}: {text}"
    );
    assert!(
        names.iter().any(|n| text.contains(n.as_str())) || text.contains("Redis"),
        "{context}: names no node: {text}"
    );
}

#[test]
fn every_note_is_described_in_a_sentence_that_names_its_nodes() {
    set_lang(Lang::En);
    let mut kinds = BTreeSet::new();
    for info in QueueScene::scenarios() {
        let run = scenario_run(info.id, 4_000);
        let names = run.names().to_vec();
        for entry in run.timeline().trace() {
            if let TraceKind::Note { node, note } = &entry.kind {
                let text = QueueScene::describe(&Names(&names), *node, note);
                assert_sentence(&text, &names, info.id);
                kinds.insert(kind(note));
            }
        }
    }
    // Notes the scenarios do not reach, written out.
    let names: Vec<String> = ["redis", "db", "p1", "p2", "c1", "c2", "reaper"]
        .map(String::from)
        .to_vec();
    let m = MessageId {
        producer: 1,
        seq: 2,
    };
    let rare = [
        (2, QueueNote::ProducerRefused { message: m }),
        (
            2,
            QueueNote::ProducerSent {
                message: m,
                attempt: 1,
                waits: false,
            },
        ),
        (
            2,
            QueueNote::ProducerTimedOut {
                message: m,
                attempt: 3,
                retry: false,
            },
        ),
        (
            4,
            QueueNote::ConsumerGotError {
                error: RedisError::WrongType,
            },
        ),
        (4, QueueNote::ConsumerRejoining),
        (
            4,
            QueueNote::ConsumerIgnoredLateReply {
                req: 3,
                carried: Some(m),
            },
        ),
        (
            4,
            QueueNote::ConsumerIgnoredLateReply {
                req: 3,
                carried: None,
            },
        ),
        (
            4,
            QueueNote::ConsumerTimedOut {
                step: Step::CountDeliveries,
            },
        ),
        (4, QueueNote::ConsumerSpeed { slow: false }),
        (
            4,
            QueueNote::ConsumerAcked {
                message: m,
                removed: false,
                stream: false,
                duplicate: false,
            },
        ),
        (6, QueueNote::ReaperTimedOut),
        (
            6,
            QueueNote::ReaperRemoved {
                consumer: 1,
                message: m,
                was_there: false,
            },
        ),
        (
            0,
            QueueNote::BrokerRecovered {
                persistence: Persistence::AofAlways,
                keys: 2,
                lost_writes: 0,
            },
        ),
    ];
    for (node, note) in &rare {
        let text = QueueScene::describe(&Names(&names), NodeId(*node), note);
        assert_sentence(&text, &names, kind(note));
        kinds.insert(kind(note));
    }
    assert_eq!(kinds.len(), NOTE_KINDS, "{kinds:?}");
}

#[test]
fn describing_a_crash_after_brpop_says_the_message_left_redis() {
    set_lang(Lang::En);
    let run = scenario_run("brpop-crash", 400);
    let names = run.names().to_vec();
    let texts: Vec<String> = run
        .timeline()
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Note { node, note } => {
                Some(QueueScene::describe(&Names(&names), *node, note))
            }
            _ => None,
        })
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("redis runs BRPOP queue 1.000 for c")
                && t.contains("the message has left Redis: only c")),
        "{:#?}",
        &texts[..texts.len().min(30)]
    );
}

/// Runs scenario `id` (seed 1) until `holds`, at most `limit` steps; the step, if reached.
fn first_step_where(id: &str, holds: fn(&Sim<QueueNode>) -> bool, limit: u64) -> Option<u64> {
    let (config, triggers) = scenario(id)?;
    let world = QueueScene::world(&config, 1).ok()?;
    let sim = Sim::new(1, world.nodes, QueueScene::default_net(), world.invariants);
    let actions = resolve(sim.clone(), &triggers, limit);
    let mut sim = sim;
    let mut next = 0;
    while sim.step_count() < limit {
        if holds(&sim) {
            return Some(sim.step_count());
        }
        if let Some(a) = actions.get(next).filter(|a| a.at <= sim.step_count()) {
            sim.apply(&a.action, a.time, None);
            next += 1;
            continue;
        }
        if !sim.step(None) {
            break;
        }
    }
    None
}

#[test]
fn every_tour_stop_is_reached_in_its_scenario_and_points_at_real_nodes() {
    let tour = QueueScene::tour();
    assert!(
        (8..=10).contains(&tour.len()),
        "about 8 stops, not {}",
        tour.len()
    );
    let ids: Vec<&str> = QueueScene::scenarios().iter().map(|s| s.id).collect();
    for stop in &tour {
        assert!(ids.contains(&stop.scenario), "{}", stop.scenario);
        assert!(
            !stop.title.is_empty() && stop.caption.len() > 80,
            "{}",
            stop.title
        );
        let (config, _) = scenario(stop.scenario).expect("scenario");
        let count = layout(&config).consumers.last().map_or(0, |c| c.0 + 1)
            + u32::from(layout(&config).reaper.is_some());
        assert!(
            stop.highlights.iter().all(|n| n.0 < count),
            "{}: {:?}",
            stop.title,
            stop.highlights
        );
        match stop.at {
            At::When(holds) => assert!(
                first_step_where(stop.scenario, holds, 20_000).is_some(),
                "{}: never reached",
                stop.title
            ),
            At::Step(_) | At::End => {}
        }
    }
    // The story's order: the failure of each design comes before the step that removes it.
    let order: Vec<&str> = tour.iter().map(|s| s.scenario).collect();
    assert_eq!(
        order,
        [
            "happy",
            "brpop-crash",
            "blmove-crash",
            "slow-consumer",
            "poison",
            "broker-crash-none",
            "broker-crash-everysec",
            "broker-crash-always",
            "idempotent"
        ]
    );
}

/// Fails to compile when `Phase` gains a variant, until it is listed in `Phase::ALL`
/// (and so checked against the legend below).
fn listed(phase: Phase) -> bool {
    match phase {
        Phase::JoiningGroup
        | Phase::Fetching
        | Phase::Claiming
        | Phase::CountingDeliveries
        | Phase::Working
        | Phase::Applying
        | Phase::Acking
        | Phase::DeadLettering
        | Phase::Resting => Phase::ALL.contains(&phase),
    }
}

/// The literals between `open` and the next `"` in a source file.
fn literals_after<'a>(source: &'a str, open: &str) -> BTreeSet<&'a str> {
    source
        .split(open)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn the_legend_explains_every_consumer_state_and_chart_line_the_stage_draws() {
    let legend = QueueScene::legend();
    let labels: BTreeSet<&str> = legend.iter().map(|e| e.label).collect();
    assert_eq!(labels.len(), legend.len(), "no label twice");
    // Every phase, with the word and colour the stage gives it.
    for phase in Phase::ALL {
        assert!(listed(phase));
        let (word, class) = phase_look(phase);
        let entry = legend.iter().find(|e| e.label == word);
        assert!(
            entry.is_some_and(|e| e.swatch == Swatch::NodeState(class)),
            "{phase:?} is drawn as {word} in state-{class}: legend has {entry:?}"
        );
    }
    // Every other state word the stage writes on a consumer (BLOCKED, CRASHED, PAUSED...).
    let dir = env!("CARGO_MANIFEST_DIR");
    let stage = ["stage", "nodes"]
        .map(|f| std::fs::read_to_string(format!("{dir}/src/ui/queue/{f}.rs")).expect(f))
        .concat();
    let words: Vec<&str> = literals_after(&stage, "tr(\"")
        .into_iter()
        .filter(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '-'))
        .collect();
    assert!(words.len() >= 3, "the stage's state words: {words:?}");
    for word in words {
        assert!(
            labels.contains(word),
            "the stage writes {word}: no legend entry"
        );
    }
    // Every line of the depth chart.
    let parts = std::fs::read_to_string(format!("{dir}/src/ui/queue/parts.rs")).expect("parts");
    let lines = literals_after(&parts, "class=\"line-");
    assert!(lines.len() >= 3, "the chart's lines: {lines:?}");
    for line in lines {
        let class = format!("line-{line}");
        assert!(
            legend
                .iter()
                .any(|e| matches!(e.swatch, Swatch::Class(c) if c == class)),
            "the chart draws {class}: no legend entry"
        );
    }
    assert!(legend.iter().any(|e| e.swatch == Swatch::Message));
    assert!(legend
        .iter()
        .all(|e| e.meaning.ends_with('.') && e.meaning.len() > 20));
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(p, _)| p.to_string()))
        .collect()
}

#[test]
fn every_text_the_scene_shows_has_its_chinese_and_no_entry_is_stale() {
    let catalogue = parse_catalogue(QueueScene::CATALOGUE_ZH).expect("well-formed catalogue");
    let zh: std::collections::BTreeMap<&str, &str> = catalogue.iter().copied().collect();
    assert_eq!(zh.len(), catalogue.len(), "no English text twice");
    let mut needed: BTreeSet<String> = BTreeSet::new();
    let dir = env!("CARGO_MANIFEST_DIR");
    let files = [
        "src/scene/queue.rs",
        "src/scene/queue/describe.rs",
        "src/scene/queue/fields.rs",
        "src/scene/queue/teaching.rs",
        "src/scene/queue/view.rs",
        "src/ui/queue/stage.rs",
        "src/ui/queue/nodes.rs",
        "src/ui/queue/parts.rs",
        "src/ui/queue/panel.rs",
    ];
    for file in files {
        let source = std::fs::read_to_string(format!("{dir}/{file}")).expect("source file");
        needed.extend(wrapped_literals(&source));
    }
    needed.insert(QueueScene::TITLE.into());
    needed.insert(QueueScene::BLURB.into());
    for field in scene::all_fields::<QueueScene>()
        .iter()
        .filter(|f| QueueScene::FIELDS.contains(f))
    {
        needed.insert(field.label.into());
        needed.insert(field.help.into());
        if let scene::FieldKind::Choice(options) = field.kind {
            needed.extend(options.iter().map(|(_, label)| label.to_string()));
        }
    }
    for info in QueueScene::scenarios() {
        needed.insert(info.title.into());
        needed.insert(info.description.into());
    }
    for stop in QueueScene::tour() {
        needed.insert(stop.title.into());
        needed.insert(stop.caption.into());
    }
    for entry in QueueScene::legend() {
        needed.insert(entry.label.into());
        needed.insert(entry.meaning.into());
    }
    let missing: Vec<&String> = needed
        .iter()
        .filter(|t| !zh.contains_key(t.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} texts lack Chinese:\n{}",
        missing.len(),
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The algorithm's lines (detail lines, message and timer labels) are its literals.
    let algo = literals_under(algo_dir(QueueScene::SLUG));
    let stale: Vec<&&str> = zh
        .keys()
        .filter(|k| !needed.contains(**k) && !algo.contains(**k))
        .collect();
    assert!(stale.is_empty(), "stale entries: {stale:?}");
    for (en, cn) in &catalogue {
        assert_eq!(
            placeholders(en),
            placeholders(cn),
            "placeholders of \"{en}\""
        );
    }
    // And the page really speaks it.
    set_lang(Lang::Zh);
    let names: Vec<String> = ["redis", "db", "p1"].map(String::from).to_vec();
    let m = MessageId {
        producer: 1,
        seq: 1,
    };
    let text = QueueScene::describe(
        &Names(&names),
        NodeId(2),
        &QueueNote::ProducerConfirmed { message: m },
    );
    set_lang(Lang::En);
    assert!(
        text.contains("p1.1") && !text.contains("confirms"),
        "{text}"
    );
}

#[test]
fn the_stage_layout_keeps_nodes_apart_lanes_level_and_flights_off_node_centres() {
    for producers in 1..=4 {
        for consumers in 1..=4 {
            for (reaper, dead) in [(false, false), (true, false), (false, true)] {
                let l = stage_layout(producers, consumers, reaper, dead);
                let case = format!("{producers}p {consumers}c reaper={reaper} dead={dead}");
                let mut shapes: Vec<Shape> = l.producers.clone();
                shapes.extend(l.consumers.iter().copied());
                shapes.push(l.db);
                shapes.extend(l.reaper);
                shapes.push(Shape::Box(l.broker));
                // Everything inside the stage.
                for s in &shapes {
                    let (x, y) = s.centre();
                    assert!(
                        x > 0.0 && x < WIDTH && y > 0.0 && y < l.height,
                        "{case}: {s:?}"
                    );
                }
                // No two circles or cards overlap.
                let extent = |s: &Shape| match *s {
                    Shape::Circle { centre, r } => {
                        (centre.0 - r, centre.1 - r, centre.0 + r, centre.1 + r)
                    }
                    Shape::Box(b) => (b.x, b.y, b.right(), b.bottom()),
                };
                for (i, a) in shapes.iter().enumerate() {
                    for b in &shapes[i + 1..] {
                        let (a, b) = (extent(a), extent(b));
                        let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
                        assert!(apart, "{case}: {a:?} overlaps {b:?}");
                    }
                }
                // Lanes inside Redis, apart from each other, each level with its consumer.
                let mut lanes = vec![l.queue_lane];
                lanes.extend(l.consumer_lanes.iter().copied());
                lanes.extend(l.dead_lane);
                for w in lanes.windows(2) {
                    assert!(
                        w[0].bottom() + 12.0 <= w[1].y,
                        "{case}: room for a lane's name"
                    );
                }
                for lane in &lanes {
                    assert!(
                        lane.x >= l.broker.x
                            && lane.right() <= l.broker.right()
                            && lane.bottom() <= l.broker.bottom(),
                        "{case}"
                    );
                }
                for (lane, card) in l.consumer_lanes.iter().zip(&l.consumers) {
                    let y = card.centre().1;
                    assert!(
                        lane.y <= y && y <= lane.bottom(),
                        "{case}: lane level with its consumer"
                    );
                }
                // A chip in flight never covers a node's centre, wherever it is on its link.
                let broker = Shape::Box(l.broker);
                let mut links: Vec<(Shape, Shape)> =
                    l.producers.iter().map(|p| (*p, broker)).collect();
                links.extend(l.consumers.iter().flat_map(|c| [(*c, broker), (*c, l.db)]));
                links.extend(l.reaper.map(|r| (r, broker)));
                for (a, b) in links {
                    let (p, q) = link(a, b);
                    for i in 0..=20 {
                        let (x, y) = flight_point(p, q, f64::from(i) / 20.0);
                        for s in &shapes {
                            let (cx, cy) = s.centre();
                            let covers = (x - cx).abs() < CHIP_W / 2.0
                                && (y - cy).abs() < CHIP_H / 2.0 + 11.0;
                            assert!(!covers, "{case}: a chip at ({x:.0},{y:.0}) covers {s:?}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn lanes_show_what_fits_and_count_the_rest() {
    let lane = stage_layout(2, 2, false, false).queue_lane;
    let cap = lane_capacity(lane);
    assert!(cap >= 5, "{cap}");
    assert_eq!(visible_chips(lane, cap), (cap, 0));
    assert_eq!(visible_chips(lane, cap + 3), (cap - 1, 4));
    for i in 0..cap {
        let (x, _) = chip_slot(lane, i);
        assert!(
            x >= lane.x && x + CHIP_W <= lane.right(),
            "slot {i} inside the lane"
        );
    }
    assert!(
        chip_slot(lane, 0).0 > chip_slot(lane, 1).0,
        "the next out is at the right"
    );
}

#[test]
fn the_depth_chart_draws_steps_within_its_box() {
    let d = step_path(
        &[(0.0, 0.0), (500.0, 3.0), (1000.0, 1.0)],
        0.0,
        1000.0,
        4.0,
        300.0,
        80.0,
    );
    assert_eq!(d, "M0.0,80.0H150.0V20.0H300.0V60.0");
    assert_eq!(step_path(&[], 0.0, 1.0, 4.0, 300.0, 80.0), "");
    assert_eq!(
        (axis_max(0), axis_max(5), axis_max(13), axis_max(2001)),
        (4, 8, 20, 3000)
    );
}
