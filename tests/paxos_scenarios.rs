//! Paxos scenarios, scripted: each ends as its description says, for every seed a person
//! might pick, with exact outcomes (what is chosen, in which ballot) where the story fixes
//! them; plus the configuration's checks, determinism, the views and the duel measure.
use dsviz::algo::paxos::duel::{duel, duel_config, time_to_choose};
use dsviz::algo::paxos::ghost::{BallotOutcome, ValueSource};
use dsviz::algo::paxos::invariants::{AGREEMENT, CHOSEN_STICKS, LEARNED_IS_CHOSEN, PROMISES_KEPT};
use dsviz::algo::paxos::notes::LearnedHow;
use dsviz::algo::paxos::proposer::ProposerPhase;
use dsviz::algo::paxos::scenarios::{self, play, Scenario};
use dsviz::algo::paxos::views::{self, full_check, safety_report, QuorumPhase};
use dsviz::algo::paxos::{
    self as paxos, Ballot, Cmd, PaxosConfig, PaxosNode, Roles, Value, Variant, Word,
};
use dsviz::sim::scenario::resolve;
use dsviz::sim::{NodeId, Sim, Time};
use std::collections::BTreeSet;

const SEEDS: std::ops::Range<u64> = 0..8;
const HORIZON: Time = Time::from_millis(3_000);

fn b(round: u32, proposer: u32) -> Ballot {
    Ballot::new(round, NodeId(proposer))
}

fn red() -> Value {
    Value::Plain(Word::lit("red"))
}

fn green() -> Value {
    Value::Plain(Word::lit("green"))
}

fn run(id: &str, seed: u64) -> Sim<PaxosNode> {
    let scenario = scenarios::scenario(id).expect("a known scenario");
    let (sim, fired) = play(seed, &scenario, HORIZON);
    assert_eq!(
        fired,
        scenario.1.len(),
        "{id}, seed {seed}: every trigger fired"
    );
    sim
}

/// (ballot, value) of every chosen pair in slot 0, lowest ballot first.
fn chosen(sim: &Sim<PaxosNode>) -> Vec<(Ballot, Value)> {
    paxos::invariants::chosen_in(&sim.nodes(), 0)
        .into_iter()
        .map(|c| (c.ballot, c.value))
        .collect()
}

/// Each value chosen in slot 0 with the first ballot that chose it, in ballot order
/// (later ballots that choose the same value again are left out).
fn decisions(sim: &Sim<PaxosNode>) -> Vec<(Ballot, Value)> {
    let mut seen = BTreeSet::new();
    chosen(sim)
        .into_iter()
        .filter(|(_, v)| seen.insert(*v))
        .collect()
}

fn violated(sim: &Sim<PaxosNode>) -> BTreeSet<&'static str> {
    sim.violations()
        .iter()
        .zip(sim.invariants())
        .filter(|(v, _)| v.is_some())
        .map(|(_, i)| i.name)
        .collect()
}

fn learned(sim: &Sim<PaxosNode>, node: u32) -> Option<Value> {
    sim.node(NodeId(node))?.learner()?.learned_in(0)
}

fn node(sim: &Sim<PaxosNode>, i: u32) -> &PaxosNode {
    sim.node(NodeId(i)).expect("a node")
}

/// What every seed must show, per scenario (the descriptions' promises).
fn check_story(id: &str, seed: u64, sim: &Sim<PaxosNode>) {
    let ctx = format!("{id}, seed {seed}");
    let safe = violated(sim).is_empty();
    let everyone_learned = |v: Value| (0..5).all(|i| learned(sim, i) == Some(v));
    match id {
        "happy" => {
            assert_eq!(decisions(sim), vec![(b(1, 0), red())], "{ctx}");
            assert!(everyone_learned(red()), "{ctx}");
            assert!(safe, "{ctx}");
        }
        "race" => {
            let values: BTreeSet<Value> = chosen(sim).into_iter().map(|c| c.1).collect();
            assert_eq!(values.len(), 1, "{ctx}: exactly one value chosen");
            let value = values.into_iter().next().expect("one");
            assert!(value == red() || value == green(), "{ctx}");
            assert!(everyone_learned(value) && safe, "{ctx}");
        }
        "livelock" => {
            assert!(chosen(sim).is_empty(), "{ctx}: nothing chosen in 3 s");
            let stats = views::stats(&sim.nodes());
            assert!(
                stats.ballots_started >= 100,
                "{ctx}: {} ballots",
                stats.ballots_started
            );
            assert!(safe, "{ctx}");
        }
        "leader" => {
            assert_eq!(decisions(sim), vec![(b(1, 0), red())], "{ctx}");
            for follower in [1, 2] {
                let p = node(sim, follower).proposer().expect("a proposer");
                assert_eq!(
                    p.history().started_count(),
                    0,
                    "{ctx}: n{follower} ran no ballot"
                );
            }
            assert!(everyone_learned(red()) && safe, "{ctx}");
        }
        "backoff" => {
            let values: BTreeSet<Value> = chosen(sim).into_iter().map(|c| c.1).collect();
            assert_eq!(values.len(), 1, "{ctx}: the duel ends with one value");
            assert!(safe, "{ctx}");
        }
        "crash-minority" => {
            assert_eq!(decisions(sim), vec![(b(1, 1), green())], "{ctx}");
            let red_voters: Vec<u32> = (0..5)
                .filter(|i| {
                    let votes = node(sim, *i)
                        .acceptor()
                        .expect("acceptor")
                        .history()
                        .votes_in(0);
                    votes.iter().any(|v| v.value == red())
                })
                .collect();
            assert_eq!(red_voters, vec![0, 4], "{ctx}: red reached a minority only");
            assert!((1..5).all(|i| learned(sim, i) == Some(green())), "{ctx}");
            assert!(safe, "{ctx}");
        }
        "crash-majority" | "flexible" => {
            let chooser = if id == "flexible" { 2 } else { 1 };
            let first = decisions(sim).first().copied();
            assert_eq!(first, Some((b(1, 0), red())), "{ctx}");
            let timeline = node(sim, chooser)
                .proposer()
                .expect("proposer")
                .history()
                .ballots()
                .to_vec();
            assert_eq!(timeline.len(), 1, "{ctx}");
            assert_eq!(
                timeline[0].first_value,
                Some((red(), ValueSource::Adopted { from: b(1, 0) })),
                "{ctx}: n{chooser} adopted red instead of proposing green"
            );
            assert!((1..5).all(|i| learned(sim, i) == Some(red())), "{ctx}");
            assert!(safe, "{ctx}");
        }
        "acceptor-restart" => {
            assert_eq!(decisions(sim), vec![(b(1, 2), green())], "{ctx}");
            let n3 = node(sim, 3).acceptor().expect("acceptor");
            assert!(
                n3.history().votes_in(0).iter().all(|v| v.ballot != b(1, 0)),
                "{ctx}: n3 refused 1.0"
            );
            assert!(everyone_learned(green()) && safe, "{ctx}");
        }
        "multi" => {
            let stats = views::stats(&sim.nodes());
            assert_eq!(stats.client_answers, 10, "{ctx}");
            assert_eq!(stats.ballots_started, 1, "{ctx}: phase 1 once");
            let logs = views::logs(&sim.nodes());
            assert!(
                logs.iter()
                    .all(|l| l.applied == 10 && l.store == logs[0].store),
                "{ctx}"
            );
            assert!(safe, "{ctx}");
        }
        "leader-change" => {
            let report = safety_report(&sim.nodes());
            let slot = |s: u32| report.chosen.get(&s).map(|c| (c.ballot, c.value));
            assert_eq!(slot(0), Some((b(1, 1), Value::Noop)), "{ctx}");
            assert!(
                matches!(slot(1), Some((ballot, Value::Put { .. })) if ballot == b(1, 0)),
                "{ctx}"
            );
            let logs = views::logs(&sim.nodes());
            let y2 = vec![(Word::lit("y"), Word::lit("2"))];
            assert!(
                logs.iter().all(|l| l.applied == 2 && l.store == y2),
                "{ctx}: {logs:?}"
            );
            let n0 = node(sim, 0).proposer().expect("proposer");
            assert_eq!(
                n0.phase(),
                &ProposerPhase::Accepting { ballot: b(2, 0) },
                "{ctx}: n0 leads again"
            );
            assert!(safe, "{ctx}");
        }
        "split-quorums" => {
            assert_eq!(
                decisions(sim),
                vec![(b(1, 1), red()), (b(1, 2), green())],
                "{ctx}"
            );
            assert!(violated(sim).contains(AGREEMENT), "{ctx}");
        }
        "keep-own-value" => {
            assert_eq!(
                decisions(sim),
                vec![(b(1, 0), red()), (b(1, 1), green())],
                "{ctx}"
            );
            assert!(
                violated(sim).is_superset(&BTreeSet::from([AGREEMENT, CHOSEN_STICKS])),
                "{ctx}"
            );
        }
        "forget-promise" => {
            assert_eq!(
                decisions(sim),
                vec![(b(1, 0), red()), (b(1, 2), green())],
                "{ctx}"
            );
            assert!(
                violated(sim).is_superset(&BTreeSet::from([AGREEMENT, PROMISES_KEPT])),
                "{ctx}"
            );
        }
        "mix-ballots" => {
            assert_eq!(decisions(sim), vec![(b(2, 0), green())], "{ctx}");
            let how = node(sim, 4)
                .learner()
                .and_then(|l| l.learned().get(&0).copied());
            assert!(
                how.is_some_and(|l| l.value == red() && l.how == LearnedHow::MixedBallots),
                "{ctx}: n4 learned red by mixing ballots: {how:?}"
            );
            assert!(violated(sim).contains(LEARNED_IS_CHOSEN), "{ctx}");
        }
        other => panic!("no story check for scenario {other}"),
    }
}

#[test]
fn every_scenario_ends_as_its_description_says_for_every_seed() {
    let infos = scenarios::scenarios();
    assert_eq!(infos.len(), 15);
    for info in &infos {
        assert!(
            info.id.bytes().all(|c| c.is_ascii_lowercase() || c == b'-'),
            "{} is URL-safe",
            info.id
        );
        for seed in SEEDS {
            check_story(info.id, seed, &run(info.id, seed));
        }
    }
}

#[test]
fn happy_path_takes_four_message_delays_and_forty_messages() {
    // Every message takes exactly 10 ms here, so times count message delays.
    let config = PaxosConfig {
        latency_min: Time::from_millis(10),
        latency_max: Time::from_millis(10),
        ..PaxosConfig::default()
    };
    let (sim, _) = play(7, &(config, Vec::new()), HORIZON);
    let stats = views::stats(&sim.nodes());
    // 5 prepares, 5 promises, 5 accepts, 5 acceptors x 5 learners acceptances.
    assert_eq!(stats.messages.paxos(), 40);
    assert_eq!(stats.chosen_slots, 1);
    let timeline = views::ballot_timeline(&sim.nodes());
    assert_eq!(timeline.len(), 1);
    let record = timeline[0].record;
    assert_eq!(record.phase1_done, Some(Time::from_millis(20)));
    assert_eq!(
        record.outcome,
        BallotOutcome::Chosen {
            at: Time::from_millis(40)
        }
    );
}

#[test]
fn exact_outcomes_for_seed_seven() {
    let expected: [(&str, &[(Ballot, Value)]); 4] = [
        // n1's 1.1 wins; n0, not yet knowing, retries with 2.0 and must adopt green.
        ("race", &[(b(1, 1), green()), (b(2, 0), green())]),
        ("backoff", &[(b(2, 1), green()), (b(3, 0), green())]),
        ("crash-majority", &[(b(1, 0), red()), (b(1, 1), red())]),
        ("flexible", &[(b(1, 0), red()), (b(1, 2), red())]),
    ];
    for (id, want) in expected {
        let sim = run(id, 7);
        // Every (ballot, value) accepted by a phase-2 quorum.
        let all: Vec<(Ballot, Value)> = views::accept_quorums(&sim.nodes(), 0)
            .into_iter()
            .filter(|q| q.formed)
            .map(|q| (q.ballot, q.value.expect("phase 2")))
            .collect();
        println!("{id}: {all:?}");
        assert_eq!(all, want, "{id}");
    }
}

/// Replays a scenario for `seed` to just before `step` and returns the world.
fn replay_to(scenario: &Scenario, seed: u64, step: u64) -> Sim<PaxosNode> {
    let (config, triggers) = scenario;
    let start = paxos::new_sim(seed, config);
    let actions = resolve(start.clone(), triggers, scenarios::PLAY_STEP_LIMIT);
    let mut sim = start;
    let mut next = actions.iter().peekable();
    while sim.step_count() < step {
        if let Some(a) = next.next_if(|a| a.at <= sim.step_count()) {
            sim.apply(&a.action, a.time, None);
        } else if !sim.step(None) {
            break;
        }
    }
    sim
}

#[test]
fn a_violation_is_pinned_to_the_step_where_the_chosen_value_changes() {
    let scenario = scenarios::scenario("keep-own-value").expect("known");
    let sim = run("keep-own-value", 7);
    let index = sim
        .invariants()
        .iter()
        .position(|i| i.name == CHOSEN_STICKS)
        .expect("named");
    let violation = sim.violations()[index].clone().expect("violated");
    let before = replay_to(&scenario, 7, violation.step - 1);
    assert!(
        full_check(&before.nodes()).is_empty(),
        "clean one step before"
    );
    let at = replay_to(&scenario, 7, violation.step);
    let names: Vec<&str> = full_check(&at.nodes()).into_iter().map(|v| v.0).collect();
    assert!(names.contains(&CHOSEN_STICKS), "{names:?}");
    assert!(
        violation
            .message
            .to_string()
            .contains("red was chosen in ballot 1.0"),
        "{}",
        violation.message
    );
}

#[test]
fn quorum_views_show_who_promised_and_who_accepted() {
    let sim = run("crash-majority", 7);
    let prepares = views::prepare_quorums(&sim.nodes());
    let first = prepares
        .iter()
        .find(|q| q.ballot == b(1, 0))
        .expect("1.0 was promised");
    assert!(first.formed && first.needed == 3 && first.phase == QuorumPhase::Prepare);
    let accepts = views::accept_quorums(&sim.nodes(), 0);
    let red_quorum = accepts
        .iter()
        .find(|q| q.ballot == b(1, 0))
        .expect("1.0 was accepted");
    assert_eq!(red_quorum.members, vec![NodeId(0), NodeId(3), NodeId(4)]);
    assert!(red_quorum.formed);
    let acceptors = views::acceptors(&sim.nodes());
    assert_eq!(acceptors.len(), 5);
    assert!(acceptors
        .iter()
        .all(|a| a.promised == a.highest_promise_ever));
}

#[test]
fn the_safety_report_names_the_two_values_of_a_broken_run() {
    let sim = run("split-quorums", 3);
    let report = safety_report(&sim.nodes());
    assert!(!report.holds() && !report.quorums_intersect);
    let conflict = &report.conflicts[0];
    assert_eq!(
        (conflict.first.value, conflict.second.value),
        (red(), green())
    );
    let sim = run("happy", 3);
    let report = safety_report(&sim.nodes());
    assert!(report.holds() && report.quorums_intersect);
    assert_eq!(report.chosen.get(&0).map(|c| c.value), Some(red()));
}

#[test]
fn a_run_is_determined_by_its_seed() {
    for id in ["race", "multi", "backoff"] {
        let a = run(id, 11);
        let c = run(id, 11);
        assert_eq!(a.fingerprint(), c.fingerprint(), "{id}");
        assert_eq!(a.step_count(), c.step_count(), "{id}");
    }
    assert_ne!(run("race", 1).fingerprint(), run("race", 2).fingerprint());
}

#[test]
fn the_configuration_rejects_what_it_cannot_run_and_accepts_unsafe_quorums() {
    let ok = PaxosConfig::default();
    assert_eq!(ok.validate(), Ok(()));
    let bad = |f: fn(&mut PaxosConfig)| {
        let mut c = PaxosConfig::default();
        f(&mut c);
        c.validate().expect_err("rejected").to_string()
    };
    assert!(bad(|c| c.roles = vec![Roles::PAL; 10]).contains("1 to 9"));
    assert!(bad(|c| c.roles = vec![Roles::AL; 3]).contains("proposer"));
    assert!(bad(|c| c.phase1_quorum = 6).contains("phase-1 quorum"));
    assert!(bad(|c| c.phase2_quorum = 0).contains("phase-2 quorum"));
    assert!(bad(|c| c.clients = 1).contains("Multi-Paxos"));
    assert!(bad(|c| c.proposals[0].node = NodeId(4)).contains("not a proposer"));
    assert!(bad(|c| c.latency_min = Time::from_millis(50)).contains("must not exceed"));
    assert!(bad(|c| c.timing.failure_timeout = Time::from_millis(10)).contains("heartbeat"));
    assert!(bad(|c| c.timing.phase_timeout = Time::ZERO).contains("phase timeout"));
    let mut multi = PaxosConfig::multi();
    multi.roles[0] = Roles {
        learner: false,
        ..Roles::PAL
    };
    assert!(multi
        .validate()
        .expect_err("rejected")
        .to_string()
        .contains("learner"));
    let split = PaxosConfig {
        phase1_quorum: 2,
        phase2_quorum: 3,
        ..PaxosConfig::default()
    };
    assert_eq!(split.validate(), Ok(()), "unsafe quorums are allowed");
    assert!(!split.quorums_intersect());
    assert!(split.quorum_warning().is_some_and(|w| w.contains("unsafe")));
    assert!(PaxosConfig {
        phase1_quorum: 4,
        phase2_quorum: 2,
        ..ok
    }
    .quorum_warning()
    .is_none());
}

#[test]
fn roles_variants_and_commands_read_back_from_text() {
    for roles in [Roles::PAL, Roles::AL, Roles::A, Roles::L, Roles::PL] {
        assert_eq!(roles.to_string().parse::<Roles>(), Ok(roles));
    }
    assert!("x".parse::<Roles>().is_err() && "".parse::<Roles>().is_err());
    for variant in Variant::ALL {
        assert_eq!(variant.to_string().parse::<Variant>(), Ok(variant));
    }
    assert_eq!(
        "put:x:1".parse::<Cmd>(),
        Ok(Cmd::Put(Word::lit("x"), Word::lit("1")))
    );
}

#[test]
fn a_client_command_given_by_hand_is_applied_and_read_back() {
    let config = PaxosConfig {
        client_requests: 0,
        ..PaxosConfig::multi()
    };
    let mut sim = paxos::new_sim(5, &config);
    let client = NodeId(5);
    let step_until = |sim: &mut Sim<PaxosNode>, t: u64| {
        while sim
            .next_event_time()
            .is_some_and(|n| n <= Time::from_millis(t))
        {
            sim.step(None);
        }
    };
    step_until(&mut sim, 100);
    let now = sim.now();
    sim.apply(
        &dsviz::sim::Action::Command(client, Cmd::Put(Word::lit("k"), Word::lit("v1"))),
        now,
        None,
    );
    step_until(&mut sim, 300);
    let now = sim.now();
    sim.apply(
        &dsviz::sim::Action::Command(client, Cmd::Get(Word::lit("k"))),
        now,
        None,
    );
    step_until(&mut sim, 600);
    let c = node(&sim, 5).client().expect("a client");
    assert_eq!(c.completed(), 2);
    assert_eq!(c.last_result().map(|r| r.1), Some(Some(Word::lit("v1"))));
}

#[test]
fn duels_livelock_without_cures_and_end_with_back_off_or_a_leader() {
    let (livelock, _) = scenarios::livelock();
    assert_eq!(time_to_choose(3, &livelock, Time::from_millis(1_000)), None);
    let (leader, _) = scenarios::leader();
    assert_eq!(
        time_to_choose(3, &leader, Time::from_millis(1_000)),
        Some(Time::from_millis(60))
    );
    // On the default network (10 to 30 ms), over 200 seeds.
    let base = PaxosConfig::default();
    let horizon = Time::from_millis(1_000);
    let naive = duel(&duel_config(&base, false, false), 200, horizon);
    let backoff = duel(&duel_config(&base, true, false), 200, horizon);
    let leader = duel(&duel_config(&base, false, true), 200, horizon);
    assert_eq!(
        (leader.livelocked, backoff.livelocked),
        (0, 0),
        "{leader:?} {backoff:?}"
    );
    assert!(
        naive.mean_time_to_choose > backoff.mean_time_to_choose,
        "{naive:?} {backoff:?}"
    );
    assert!(
        backoff.mean_time_to_choose > leader.mean_time_to_choose,
        "{backoff:?} {leader:?}"
    );
}
