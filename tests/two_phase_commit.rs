//! Two-phase commit: the scenarios end as they say, blocking and presumed abort behave as
//! the textbook says, the correct protocol stays safe under random faults, and a search
//! finds the atomicity violation each deliberately broken variant allows.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::two_phase_commit::{
    self as tpc, Cmd, CoordinatorPhase, Decision, Msg, Participant, ParticipantPhase, Record,
    TwoPcConfig, TwoPcNode, Variant, Vote,
};
use dsviz::sim::network::NetChange;
use dsviz::sim::run::{ProtocolRun, RowKind, Run};
use dsviz::sim::scenario::{resolve, Trigger};
use dsviz::sim::{
    Action, DropReason, NetConfig, NodeId, NodeStatus, Scheduled, Sim, SimRng, Time, Timeline,
    TraceKind,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const SEED: u64 = 7;
const STEP_LIMIT: u64 = 20_000;
const ATOMICITY: usize = 0;
const VALIDITY: usize = 1;

fn new_sim(seed: u64, config: &TwoPcConfig, net: NetConfig) -> Sim<TwoPcNode> {
    config.validate().expect("a valid configuration");
    Sim::new(seed, tpc::nodes(config), net, tpc::invariants())
}

/// Resolves the triggers and runs the result as the app does: through a timeline, to the
/// end, with the cursor on the last step.
fn run_triggers(
    seed: u64,
    config: &TwoPcConfig,
    triggers: &[Trigger<TwoPcNode>],
) -> ProtocolRun<TwoPcNode> {
    let sim = new_sim(seed, config, tpc::net_config());
    let actions = resolve(sim.clone(), triggers, STEP_LIMIT);
    assert_eq!(
        actions.len(),
        triggers.len(),
        "every trigger fired: {actions:?}"
    );
    let mut run = ProtocolRun::new(
        Timeline::new(sim, actions, STEP_LIMIT),
        tpc::node_names(config),
    );
    while !run.is_finished() {
        run.extend(1_000);
    }
    run.seek(run.horizon());
    run
}

fn run_scenario(id: &str) -> ProtocolRun<TwoPcNode> {
    run_scenario_with_seed(id, SEED)
}

fn run_scenario_with_seed(id: &str, seed: u64) -> ProtocolRun<TwoPcNode> {
    let (config, triggers) = tpc::scenario(id).expect("a known scenario");
    run_triggers(seed, &config, &triggers)
}

fn coordinator(sim: &Sim<TwoPcNode>) -> &tpc::Coordinator {
    sim.node(NodeId(0))
        .and_then(TwoPcNode::as_coordinator)
        .expect("node 0 coordinates")
}

fn participant(sim: &Sim<TwoPcNode>, index: u32) -> &Participant {
    sim.node(NodeId(index))
        .and_then(TwoPcNode::as_participant)
        .expect("a participant")
}

fn participants(sim: &Sim<TwoPcNode>) -> impl Iterator<Item = &Participant> {
    (1..sim.node_count()).map(move |i| participant(sim, i))
}

fn assert_no_violation(sim: &Sim<TwoPcNode>) {
    assert_eq!(sim.violations(), &[None, None], "no invariant is violated");
}

/// Every participant ended `phase` on t1 and holds no lock.
fn assert_all_participants(sim: &Sim<TwoPcNode>, phase: ParticipantPhase) {
    for (i, p) in participants(sim).enumerate() {
        assert_eq!(p.phase(), phase, "P{} ended {phase:?}", i + 1);
        assert!(!p.holds_locks(), "P{} released its locks", i + 1);
    }
}

fn has_record(node: &TwoPcNode, record: Record) -> bool {
    node.log().contains(&record)
}

/// The steps at which `node` sent a message `test` accepts, with the receiver.
fn sends(run: &ProtocolRun<TwoPcNode>, test: impl Fn(NodeId, &Msg) -> bool) -> Vec<(u64, NodeId)> {
    run.timeline
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Send { from, to, msg, .. } if test(*from, msg) => Some((e.step, *to)),
            _ => None,
        })
        .collect()
}

fn label_rows(run: &ProtocolRun<TwoPcNode>, kind: RowKind) -> Vec<String> {
    run.rows(1, run.horizon())
        .into_iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.label.to_string())
        .collect()
}

#[test]
fn happy_path_commits_everywhere() {
    let run = run_scenario("happy");
    let sim = run.timeline.sim();
    assert_no_violation(sim);
    assert_eq!(coordinator(sim).phase(), CoordinatorPhase::Done);
    assert_eq!(
        coordinator(sim).log(),
        [Record::Begin(1), Record::Commit(1), Record::End(1)]
    );
    assert_all_participants(sim, ParticipantPhase::Committed);
    for p in participants(sim) {
        assert_eq!(
            p.log(),
            [Record::Begin(1), Record::Prepared(1), Record::Commit(1)]
        );
    }
    let snapshot = run.snapshot();
    assert_eq!(snapshot.nodes[0].state, "COMMITTED");
    assert!(snapshot.nodes[1]
        .details
        .iter()
        .any(|d| d == "log: PREPARED t1"));
}

#[test]
fn each_record_reaches_the_disk_before_the_message_that_depends_on_it() {
    let run = run_scenario("happy");
    let flush = TwoPcConfig::default().flush_time;
    let trace = run.timeline.trace();
    let message = |wanted: dsviz::sim::MsgId| {
        trace.iter().find_map(|e| match &e.kind {
            TraceKind::Send { id, msg, .. } if *id == wanted => Some(*msg),
            _ => None,
        })
    };
    // (time, receiver, message) of every delivery, and (time, sender, message) of every send.
    let delivered: Vec<(Time, NodeId, Msg)> = trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Deliver { id, to, .. } => Some((e.time, *to, message(*id)?)),
            _ => None,
        })
        .collect();
    let sent: Vec<(Time, NodeId, Msg)> = trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Send { from, msg, .. } => Some((e.time, *from, *msg)),
            _ => None,
        })
        .collect();
    for i in 1..=3 {
        let me = NodeId(i);
        let prepare_in = delivered
            .iter()
            .find(|(_, to, m)| *to == me && *m == Msg::Prepare(1));
        let vote_out = sent
            .iter()
            .find(|(_, from, m)| *from == me && *m == Msg::VoteYes(1));
        let (prepare_in, vote_out) = (
            prepare_in.expect("a prepare").0,
            vote_out.expect("a vote").0,
        );
        assert_eq!(
            vote_out,
            prepare_in.saturating_add(flush),
            "P{i} votes once PREPARED is on disk"
        );
        let commit_in = delivered
            .iter()
            .find(|(_, to, m)| *to == me && *m == Msg::Commit(1));
        let ack_out = sent
            .iter()
            .find(|(_, from, m)| *from == me && *m == Msg::Ack(1));
        let (commit_in, ack_out) = (commit_in.expect("a commit").0, ack_out.expect("an ack").0);
        assert_eq!(
            ack_out,
            commit_in.saturating_add(flush),
            "P{i} acks once COMMIT is on disk"
        );
    }
    let commit_out = sent
        .iter()
        .find(|(_, from, m)| *from == NodeId(0) && *m == Msg::Commit(1))
        .expect("the coordinator sent COMMIT")
        .0;
    let last_vote_in = delivered
        .iter()
        .filter(|(t, to, _)| *to == NodeId(0) && *t <= commit_out)
        .map(|(t, _, _)| *t)
        .max()
        .expect("votes arrived");
    assert_eq!(
        commit_out,
        last_vote_in.saturating_add(flush),
        "COMMIT leaves once logged"
    );
}

#[test]
fn a_no_vote_aborts_everywhere() {
    let run = run_scenario("vote-no");
    let sim = run.timeline.sim();
    assert_no_violation(sim);
    let c = coordinator(sim);
    assert_eq!(c.phase(), CoordinatorPhase::Done);
    assert!(c.log().contains(&Record::Abort(1)));
    assert!(!c.log().contains(&Record::Commit(1)));
    assert_all_participants(sim, ParticipantPhase::Aborted);
    assert!(!has_record(
        sim.node(NodeId(2)).unwrap(),
        Record::Prepared(1)
    ));
}

#[test]
fn coordinator_crash_after_prepare_blocks_the_participants_until_it_restarts() {
    let mut run = run_scenario("coord-crash");
    let actions = run.timeline.actions().to_vec();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0].action, Action::Crash(NodeId(0)));
    assert_eq!(actions[1].action, Action::Restart(NodeId(0)));

    // Just before the restart: every participant is in doubt, holding its locks, and has
    // asked over and over (into the void: the coordinator is down).
    run.seek(actions[1].at);
    let sim = run.timeline.sim();
    assert_eq!(sim.status(NodeId(0)), Some(NodeStatus::Crashed));
    for p in participants(sim) {
        assert!(p.is_in_doubt() && p.holds_locks() && p.inquiries() >= 3);
        assert!(p.log().contains(&Record::Prepared(1)));
    }
    let snapshot = run.snapshot();
    for node in &snapshot.nodes[1..] {
        assert_eq!(node.state, "IN DOUBT");
        assert!(node
            .details
            .iter()
            .any(|d| d.to_string().starts_with("holding locks for t1")));
    }

    // Nothing was decided while the coordinator was down.
    let decided_while_down = run
        .rows(actions[0].at + 1, actions[1].at)
        .into_iter()
        .any(|r| r.kind == RowKind::State && r.state == Some("ABORTED"));
    assert!(!decided_while_down);

    // After the restart: presumed abort, and everyone finishes.
    let end = run.horizon();
    run.seek(end);
    let sim = run.timeline.sim();
    assert_no_violation(sim);
    let c = coordinator(sim);
    assert_eq!(c.phase(), CoordinatorPhase::Done);
    // Presumed abort: the abort record is not waited for, and no END: nobody acks.
    assert_eq!(c.log(), [Record::Begin(1), Record::Abort(1)]);
    assert_all_participants(sim, ParticipantPhase::Aborted);
}

#[test]
fn presumed_abort_when_the_coordinator_crashes_before_its_commit_record_is_on_disk() {
    // The correct coordinator decided commit but crashed while writing the record: no
    // COMMIT left it, so recovery may (and does) abort.
    let triggers = vec![
        Trigger::new(
            |sim: &Sim<TwoPcNode>| coordinator(sim).phase() == CoordinatorPhase::LoggingCommit,
            |_| Action::Crash(NodeId(0)),
        ),
        Trigger::new(
            |sim: &Sim<TwoPcNode>| participants(sim).all(|p| p.is_in_doubt()),
            |_| Action::Restart(NodeId(0)),
        ),
    ];
    let run = run_triggers(SEED, &TwoPcConfig::default(), &triggers);
    let sim = run.timeline.sim();
    assert_no_violation(sim);
    assert_eq!(coordinator(sim).log(), [Record::Begin(1), Record::Abort(1)]);
    assert_all_participants(sim, ParticipantPhase::Aborted);
    assert!(sends(&run, |_, m| matches!(m, Msg::Commit(_))).is_empty());
}

#[test]
fn a_coordinator_that_logged_commit_finishes_the_commit_after_a_crash() {
    let triggers = vec![
        Trigger::new(
            |sim: &Sim<TwoPcNode>| {
                coordinator(sim).phase() == CoordinatorPhase::Finishing(Decision::Commit)
            },
            |_| Action::Crash(NodeId(0)),
        ),
        Trigger::new(
            |sim: &Sim<TwoPcNode>| {
                participants(sim).all(|p| p.phase() == ParticipantPhase::Committed)
            },
            |_| Action::Restart(NodeId(0)),
        ),
    ];
    let run = run_triggers(SEED, &TwoPcConfig::default(), &triggers);
    let sim = run.timeline.sim();
    assert_no_violation(sim);
    let c = coordinator(sim);
    assert_eq!(c.phase(), CoordinatorPhase::Done);
    assert_eq!(
        c.log(),
        [Record::Begin(1), Record::Commit(1), Record::End(1)]
    );
    assert_all_participants(sim, ParticipantPhase::Committed);
    // Recovery found COMMIT without END in the log and announced the decision again.
    let commits = sends(&run, |from, m| from == NodeId(0) && *m == Msg::Commit(1));
    assert!(
        commits.len() >= 6,
        "COMMIT sent to each participant twice: {commits:?}"
    );
}

#[test]
fn a_participant_that_has_not_voted_aborts_on_its_own_after_a_timeout() {
    // The coordinator crashes while the participants work: no PREPARE ever comes.
    let triggers = vec![Trigger::new(
        |sim: &Sim<TwoPcNode>| coordinator(sim).phase() == CoordinatorPhase::Executing,
        |_| Action::Crash(NodeId(0)),
    )];
    let run = run_triggers(SEED, &TwoPcConfig::default(), &triggers);
    let sim = run.timeline.sim();
    assert_no_violation(sim);
    assert_all_participants(sim, ParticipantPhase::Aborted);
    let timeouts = label_rows(&run, RowKind::Timer);
    assert_eq!(
        timeouts
            .iter()
            .filter(|l| l.contains("work timeout t1"))
            .count(),
        3,
        "{timeouts:?}"
    );
}

#[test]
fn votes_can_be_set_by_hand() {
    let config = TwoPcConfig::default();
    let sim = new_sim(SEED, &config, tpc::net_config());
    let mut run = ProtocolRun::new(
        Timeline::new(sim, Vec::new(), STEP_LIMIT),
        tpc::node_names(&config),
    );
    run.take("cmd:2:vote-no", Time::ZERO)
        .expect("a valid command");
    assert_eq!(run.actions_text(), ["0@0:cmd:2:vote-no"]);
    assert!(run.take("cmd:2:vote-maybe", Time::ZERO).is_err());
    while !run.is_finished() {
        run.extend(1_000);
    }
    run.seek(run.horizon());
    let sim = run.timeline.sim();
    assert_eq!(participant(sim, 2).vote(), Vote::No);
    assert_all_participants(sim, ParticipantPhase::Aborted);
    assert_no_violation(sim);
    for text in ["begin", "vote-yes", "vote-no", "vote-random"] {
        assert_eq!(
            text.parse::<Cmd>().map(|c| c.to_string()),
            Ok(text.to_string())
        );
    }
}

#[test]
fn transactions_run_one_after_another_and_logs_stay_short() {
    let config = TwoPcConfig {
        participants: 4,
        votes: vec![Vote::Yes, Vote::Random, Vote::Yes, Vote::Random],
        transactions: 12,
        ..TwoPcConfig::default()
    };
    let mut sim = new_sim(SEED, &config, tpc::net_config());
    let mut longest_log = 0;
    while sim.step(None) {
        assert!(sim.step_count() < STEP_LIMIT);
        longest_log = longest_log.max(
            sim.nodes()
                .iter()
                .map(|(_, n, _)| n.log().len())
                .max()
                .unwrap(),
        );
    }
    assert_no_violation(&sim);
    let c = coordinator(&sim);
    assert_eq!((c.phase(), c.tx()), (CoordinatorPhase::Done, 12));
    assert!(
        longest_log <= 9,
        "logs keep three transactions, not {longest_log} records"
    );
    let committed = c.log().contains(&Record::Commit(12));
    for p in participants(&sim) {
        assert_eq!(p.tx(), 12);
        let expected = if committed {
            ParticipantPhase::Committed
        } else {
            ParticipantPhase::Aborted
        };
        assert_eq!(p.phase(), expected);
    }
}

/// What each ready-made scenario promises in its description, whatever the seed (the app
/// resolves a scenario's triggers with the seed the person picked).
#[test]
fn every_scenario_ends_as_its_description_says() {
    let infos = tpc::scenarios();
    assert!(infos.len() >= 5);
    let cases = infos
        .iter()
        .flat_map(|info| (0..8).map(move |seed| (info, seed)));
    for (info, seed) in cases {
        assert!(
            info.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is URL-safe",
            info.id
        );
        let run = run_scenario_with_seed(info.id, seed);
        let sim = run.timeline.sim();
        let c = coordinator(sim);
        println!(
            "scenario {} with seed {seed}: {:?}",
            info.id,
            run.actions_text()
        );
        let violated = sim.violations()[ATOMICITY].is_some();
        match info.id {
            "happy" | "loss" => {
                assert!(!violated);
                assert_all_participants(sim, ParticipantPhase::Committed);
                assert_eq!(c.phase(), CoordinatorPhase::Done);
                if info.id == "loss" {
                    let trace = run.timeline.trace();
                    let drops = trace.iter().filter(|e| {
                        matches!(
                            e.kind,
                            TraceKind::Drop {
                                reason: DropReason::ByUser,
                                to: NodeId(2),
                                ..
                            }
                        )
                    });
                    assert_eq!(drops.count(), 1);
                    let commits_to_p2 =
                        sends(&run, |from, m| from == NodeId(0) && *m == Msg::Commit(1))
                            .into_iter()
                            .filter(|(_, to)| *to == NodeId(2));
                    assert!(
                        commits_to_p2.count() >= 2,
                        "the COMMIT to P2 was sent again"
                    );
                }
            }
            "vote-no" | "coord-crash" | "participant-crash" | "coop-blocked" => {
                assert!(!violated);
                assert_all_participants(sim, ParticipantPhase::Aborted);
                assert_eq!(c.phase(), CoordinatorPhase::Done);
                if info.id == "participant-crash" {
                    assert_eq!(
                        participant(sim, 2).log(),
                        [Record::Begin(1), Record::Abort(1)]
                    );
                }
                if info.id == "coop-blocked" {
                    // They asked each other, and nobody could answer.
                    let peer_asks = sends(&run, |from, m| {
                        from != NodeId(0) && matches!(m, Msg::Inquire(1))
                    })
                    .into_iter()
                    .filter(|(_, to)| *to != NodeId(0));
                    assert!(peer_asks.count() >= 6);
                    let restart = run.timeline.actions()[1].at;
                    let peer_answers = sends(&run, |from, m| {
                        from != NodeId(0) && matches!(m, Msg::Commit(_) | Msg::Abort(_))
                    });
                    assert!(
                        peer_answers.iter().all(|(step, _)| *step > restart),
                        "{peer_answers:?}"
                    );
                }
            }
            "coop" => {
                assert!(!violated);
                assert_all_participants(sim, ParticipantPhase::Committed);
                let from_p1 = sends(&run, |from, m| from == NodeId(1) && *m == Msg::Commit(1));
                let told: Vec<NodeId> = from_p1.iter().map(|(_, to)| *to).collect();
                assert!(
                    told.contains(&NodeId(2)) && told.contains(&NodeId(3)),
                    "{told:?}"
                );
                // P2 and P3 committed before the coordinator came back.
                let restart = run.timeline.actions().last().unwrap().at;
                let committed_early = run
                    .rows(1, restart)
                    .into_iter()
                    .filter(|r| r.kind == RowKind::State && r.state == Some("COMMITTED"))
                    .count();
                assert_eq!(committed_early, 3);
                assert_eq!(c.phase(), CoordinatorPhase::Done);
            }
            "send-before-log" => {
                // The participants themselves disagree: P3 aborted, the others committed.
                assert!(violated);
                for i in [1, 2] {
                    assert_eq!(participant(sim, i).phase(), ParticipantPhase::Committed);
                }
                assert_eq!(participant(sim, 3).phase(), ParticipantPhase::Aborted);
                assert!(participant(sim, 3).log().contains(&Record::Abort(1)));
                assert!(c.log().contains(&Record::Abort(1)));
                assert!(!c.log().contains(&Record::Commit(1)));
            }
            "forget-vote" => {
                assert!(violated);
                assert_eq!(participant(sim, 1).phase(), ParticipantPhase::Aborted);
                assert!(c.log().contains(&Record::Commit(1)));
                for i in [2, 3] {
                    assert_eq!(participant(sim, i).phase(), ParticipantPhase::Committed);
                }
            }
            other => panic!("scenario {other} has no expectation here: add one"),
        }
        if !violated {
            assert_no_violation(sim);
        } else {
            let message = sim.violations()[ATOMICITY]
                .as_ref()
                .unwrap()
                .message
                .to_string();
            assert!(
                message.starts_with("transaction t1 is committed at"),
                "{message}"
            );
            assert!(sim.violations()[VALIDITY].is_none());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Random fault schedules.

/// A fault, with node numbers taken modulo the node count when it is applied.
#[derive(Clone, Debug)]
enum Fault {
    Crash(u32),
    Restart(u32),
    Pause(u32, u64),
    /// Drop the k-th message in flight (modulo how many there are).
    DropInFlight(u32),
    Cut(u32, u32),
    HealAll,
}

fn to_action(sim: &Sim<TwoPcNode>, fault: &Fault) -> Option<Action<Cmd>> {
    let n = sim.node_count();
    let node = |i: u32| NodeId(i % n);
    Some(match *fault {
        Fault::Crash(i) => Action::Crash(node(i)),
        Fault::Restart(i) => Action::Restart(node(i)),
        Fault::Pause(i, ms) => Action::Pause(node(i), Some(Time::from_millis(ms))),
        Fault::DropInFlight(k) => {
            let count = sim.in_flight().count() as u32;
            let id = sim.in_flight().nth((k % count.max(1)) as usize)?.id;
            Action::DropMessage(id)
        }
        Fault::Cut(a, b) if node(a) != node(b) => Action::Network(NetChange::Cut {
            from: node(a),
            to: node(b),
        }),
        Fault::Cut(..) => return None,
        Fault::HealAll => Action::Network(NetChange::HealAll),
    })
}

/// A run with faults at given steps, recorded as the actions a timeline would replay.
struct FaultyRun {
    sim: Sim<TwoPcNode>,
    actions: Vec<Scheduled<Cmd>>,
}

impl FaultyRun {
    fn new(seed: u64, config: &TwoPcConfig, net: NetConfig) -> Self {
        FaultyRun {
            sim: new_sim(seed, config, net),
            actions: Vec::new(),
        }
    }

    fn take(&mut self, action: Action<Cmd>) {
        let time = self.sim.now();
        self.actions.push(Scheduled {
            at: self.sim.step_count(),
            time,
            action: action.clone(),
        });
        self.sim.apply(&action, time, None);
    }

    /// Applies each fault when its step comes (or when the run comes to rest first, as a
    /// timeline does), stepping in between; returns once the last fault is applied.
    fn inject(&mut self, faults: &[(u64, Fault)]) {
        for (at, fault) in faults {
            while self.sim.step_count() < *at && self.sim.step(None) {}
            if let Some(action) = to_action(&self.sim, fault) {
                self.take(action);
            }
        }
    }

    /// Ends every fault: restarts crashed nodes, resumes paused ones, heals the network.
    fn heal(&mut self) {
        for i in 0..self.sim.node_count() {
            match self.sim.status(NodeId(i)) {
                Some(NodeStatus::Crashed) => self.take(Action::Restart(NodeId(i))),
                Some(NodeStatus::Paused) => self.take(Action::Resume(NodeId(i))),
                _ => {}
            }
        }
        self.take(Action::Network(NetChange::HealAll));
    }

    fn run_to_rest(&mut self, limit: u64) -> bool {
        while self.sim.step_count() < limit {
            if !self.sim.step(None) {
                return true;
            }
        }
        false
    }

    fn actions_text(&self) -> Vec<String> {
        self.actions.iter().map(|a| a.to_string()).collect()
    }
}

fn fault_strategy() -> impl Strategy<Value = Fault> {
    prop_oneof![
        3 => (0u32..8).prop_map(Fault::Crash),
        3 => (0u32..8).prop_map(Fault::Restart),
        1 => (0u32..8, 1u64..300).prop_map(|(n, ms)| Fault::Pause(n, ms)),
        2 => (0u32..64).prop_map(Fault::DropInFlight),
        1 => (0u32..8, 0u32..8).prop_map(|(a, b)| Fault::Cut(a, b)),
        1 => Just(Fault::HealAll),
    ]
}

fn vote_strategy() -> impl Strategy<Value = Vote> {
    prop_oneof![4 => Just(Vote::Yes), 1 => Just(Vote::No), 2 => Just(Vote::Random)]
}

fn config_strategy() -> impl Strategy<Value = TwoPcConfig> {
    (2u32..=7, 1u32..=3, any::<bool>()).prop_flat_map(|(n, transactions, coop)| {
        proptest::collection::vec(vote_strategy(), n as usize).prop_map(move |votes| TwoPcConfig {
            participants: n,
            votes,
            transactions,
            cooperative_termination: coop,
            ..TwoPcConfig::default()
        })
    })
}

fn net_strategy() -> impl Strategy<Value = NetConfig> {
    (0u32..=25, 0u32..=25).prop_map(|(loss, dup)| NetConfig {
        loss: f64::from(loss) / 100.0,
        duplicate: f64::from(dup) / 100.0,
        ..tpc::net_config()
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 160,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x2bc_2bc),
        ..ProptestConfig::default()
    })]

    /// Safety under any faults, and, once the faults stop, every transaction finishes.
    #[test]
    fn correct_variant_stays_atomic_and_valid_under_random_faults(
        seed in any::<u64>(),
        config in config_strategy(),
        net in net_strategy(),
        mut faults in proptest::collection::vec((1u64..300, fault_strategy()), 0..12),
    ) {
        faults.sort_by_key(|(at, _)| *at);
        let mut run = FaultyRun::new(seed, &config, net);
        run.inject(&faults);
        run.heal();
        let at_rest = run.run_to_rest(STEP_LIMIT * 2);
        let context = format!("seed {seed}, config {config:?}, actions {:?}", run.actions_text());
        prop_assert_eq!(run.sim.violations(), &[None, None], "{}", context);

        // Liveness once every node is back and the network whole.
        prop_assert!(at_rest, "the run came to rest: {}", context);
        let c = coordinator(&run.sim);
        prop_assert_eq!(c.phase(), CoordinatorPhase::Done, "{}", context);
        let last = c.tx();
        for p in participants(&run.sim) {
            prop_assert!(!p.holds_locks(), "{}", context);
            if c.log().contains(&Record::Commit(last)) {
                prop_assert_eq!((p.tx(), p.phase()), (last, ParticipantPhase::Committed), "{}", context);
            } else {
                // Presumed abort sends ABORT once: a participant that never heard of the
                // last transaction may still sit on an older one, finished.
                prop_assert!(
                    matches!(
                        p.phase(),
                        ParticipantPhase::Init
                            | ParticipantPhase::Committed
                            | ParticipantPhase::Aborted
                    ),
                    "{}", context
                );
                prop_assert!(p.tx() < last || p.phase() == ParticipantPhase::Aborted, "{}", context);
            }
        }
    }
}

/// A violation found by [`search_for_violation`], with what reproduces it.
struct Found {
    seed: u64,
    config: TwoPcConfig,
    actions: Vec<String>,
    step: u64,
    message: String,
}

/// Tries seeds and crash schedules (one or two crashes of random nodes at random steps,
/// each followed by a restart) until the atomicity invariant fails.
fn search_for_violation(variant: Variant, max_tries: u64) -> Option<(u64, Found)> {
    for attempt in 0..max_tries {
        let mut rng = SimRng::new(attempt);
        let config = TwoPcConfig {
            variant,
            transactions: 2,
            ..TwoPcConfig::default()
        };
        let node_count = u64::from(config.participants) + 1;
        let mut faults = Vec::new();
        for _ in 0..rng.between(1, 2) {
            let node = rng.below(node_count) as u32;
            let crash_at = rng.between(1, 60);
            faults.push((crash_at, Fault::Crash(node)));
            faults.push((crash_at + rng.between(1, 60), Fault::Restart(node)));
        }
        faults.sort_by_key(|(at, _)| *at);
        let mut run = FaultyRun::new(attempt, &config, tpc::net_config());
        run.inject(&faults);
        run.heal();
        run.run_to_rest(3_000);
        if let Some(v) = &run.sim.violations()[ATOMICITY] {
            let found = Found {
                seed: attempt,
                config,
                actions: run.actions_text(),
                step: v.step,
                message: v.message.to_string(),
            };
            return Some((attempt + 1, found));
        }
    }
    None
}

/// Replays a found violation from its link form (seed + action texts) and checks that the
/// violation is recorded exactly at the step where the state first breaks the property.
fn check_reproduction(found: &Found) {
    let node_count = found.config.participants + 1;
    let actions = ProtocolRun::<TwoPcNode>::parse_actions(&found.actions, node_count)
        .expect("the actions parse back");
    let sim = new_sim(found.seed, &found.config, tpc::net_config());
    let mut run = ProtocolRun::new(
        Timeline::new(sim, actions, 5_000),
        tpc::node_names(&found.config),
    );
    run.extend(found.step + 10);

    run.seek(found.step);
    let sim = run.timeline.sim();
    let violation = sim.violations()[ATOMICITY].clone().expect("reproduced");
    assert_eq!(
        (violation.step, &violation.message.to_string()),
        (found.step, &found.message)
    );
    assert_eq!(sim.violations()[VALIDITY], None);
    let check = sim.invariants()[ATOMICITY].check;
    assert!(check(&sim.nodes()).is_err());
    let rows = run.rows(found.step, found.step);
    assert!(
        rows.iter().any(|r| r.kind == RowKind::Violation
            && r.label.to_string().starts_with("atomicity is violated")),
        "{rows:?}"
    );
    assert!(run.snapshot().invariants[ATOMICITY].violation.is_some());

    // One step earlier the nodes were still consistent.
    run.seek(found.step - 1);
    let sim = run.timeline.sim();
    assert_eq!(sim.violations()[ATOMICITY], None);
    assert!(check(&sim.nodes()).is_ok());
}

#[test]
fn send_before_log_loses_atomicity_and_a_search_finds_it() {
    let (tries, found) = search_for_violation(Variant::SendBeforeLog, 2_000)
        .expect("a crash between sending COMMIT and logging it");
    println!(
        "send-before-log: atomicity violated after {tries} tries at step {}: {}\n  \
         reproduce with seed {} and actions {:?}",
        found.step, found.message, found.seed, found.actions
    );
    assert!(
        found.message.contains("aborted at coordinator"),
        "{}",
        found.message
    );
    check_reproduction(&found);
}

#[test]
fn forget_vote_on_crash_loses_atomicity_and_a_search_finds_it() {
    let (tries, found) = search_for_violation(Variant::ForgetVoteOnCrash, 2_000)
        .expect("a participant crash after its unlogged yes vote");
    println!(
        "forget-vote: atomicity violated after {tries} tries at step {}: {}\n  \
         reproduce with seed {} and actions {:?}",
        found.step, found.message, found.seed, found.actions
    );
    check_reproduction(&found);
}

#[test]
fn the_same_search_finds_nothing_in_the_correct_variant() {
    assert!(search_for_violation(Variant::Correct, 300).is_none());
}

// ---------------------------------------------------------------------------------------
// Random timeouts: safety must not depend on them.

/// Any timeouts the configuration accepts, from 1 µs up: flushes, work, vote and decision
/// timeouts, retransmissions and think time, in every order relative to each other and to
/// the network's latency.
fn timeouts_strategy() -> impl Strategy<Value = TwoPcConfig> {
    let micros = |hi: u64| (1u64..hi).prop_map(Time);
    (
        (2u32..=5, 1u32..=3),
        (micros(5_000), micros(60_000), micros(120_000)),
        (
            micros(200_000),
            micros(200_000),
            micros(200_000),
            micros(50_000),
        ),
    )
        .prop_map(
            |((n, transactions), (flush, work, extra), (vote, decision, retransmit, think))| {
                TwoPcConfig {
                    participants: n,
                    votes: vec![Vote::Yes; n as usize],
                    transactions,
                    cooperative_termination: true,
                    flush_time: flush,
                    work_time: work,
                    work_timeout: work.saturating_add(extra),
                    vote_timeout: vote,
                    decision_timeout: decision,
                    retransmit_interval: retransmit,
                    think_time: think,
                    ..TwoPcConfig::default()
                }
            },
        )
}

fn wide_net_strategy() -> impl Strategy<Value = NetConfig> {
    (0u32..=15, 0u32..=25, 1u64..40).prop_map(|(loss, dup, max_ms)| NetConfig {
        latency_min: Time(100),
        latency_max: Time::from_millis(max_ms),
        loss: f64::from(loss) / 100.0,
        duplicate: f64::from(dup) / 100.0,
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x71_3e07),
        ..ProptestConfig::default()
    })]

    /// Atomicity and validity hold whatever the timeouts, with cooperative termination on
    /// and crashes, pauses, drops and cuts at random steps.
    #[test]
    fn safety_holds_under_any_valid_timeouts(
        seed in any::<u64>(),
        config in timeouts_strategy(),
        net in wide_net_strategy(),
        mut faults in proptest::collection::vec((1u64..400, fault_strategy()), 0..14),
    ) {
        prop_assert_eq!(config.validate(), Ok(()));
        faults.sort_by_key(|(at, _)| *at);
        let mut run = FaultyRun::new(seed, &config, net);
        run.inject(&faults);
        run.heal();
        run.run_to_rest(STEP_LIMIT);
        let context = format!("seed {seed}, config {config:?}, actions {:?}", run.actions_text());
        prop_assert_eq!(run.sim.violations(), &[None, None], "{}", context);
    }
}

// ---------------------------------------------------------------------------------------
// Cooperative termination must not tell an outcome it could forget.

/// P3 has not heard of t1 yet (its BEGIN is slow) when P1, in doubt, asks it. P3 may abort
/// and answer ABORT; if it answered before its ABORT record was on disk and then crashed,
/// it would restart knowing nothing of t1, do t1's work when the slow BEGIN arrives, and
/// vote yes: the coordinator commits while P1 has already aborted on P3's word. The crash
/// here falls right after P3 adopted ABORT, before the record reached the disk. The race
/// needs P3's BEGIN to be slower than P1's whole prepare round, so many seeds are tried.
#[test]
fn a_peer_that_answers_abort_has_it_on_disk_first() {
    let config = TwoPcConfig {
        cooperative_termination: true,
        flush_time: Time::from_millis(1),
        work_time: Time::from_millis(20),
        decision_timeout: Time::from_millis(1),
        vote_timeout: Time::from_millis(300),
        ..TwoPcConfig::default()
    };
    let net = NetConfig {
        latency_min: Time::from_millis(1),
        latency_max: Time::from_millis(40),
        ..tpc::net_config()
    };
    let adopted_abort_without_work = |sim: &Sim<TwoPcNode>| {
        let p = participant(sim, 3);
        coordinator(sim).phase() == CoordinatorPhase::Collecting
            && p.tx() == 1
            && p.phase() == ParticipantPhase::Aborted
            && !p.log().contains(&Record::Begin(1))
            && !p.log().contains(&Record::Abort(1))
    };
    let triggers = vec![
        Trigger::new(adopted_abort_without_work, |_| Action::Crash(NodeId(3))),
        Trigger::new(|_: &Sim<TwoPcNode>| true, |_| Action::Restart(NodeId(3))),
    ];
    let mut raced = 0;
    for seed in 0..10_000 {
        let sim = new_sim(seed, &config, net.clone());
        let actions = resolve(sim.clone(), &triggers, STEP_LIMIT);
        if actions.len() < 2 {
            continue;
        }
        let mut timeline = Timeline::new(sim, actions, STEP_LIMIT);
        timeline.extend(STEP_LIMIT);
        timeline.seek(timeline.horizon());
        let sim = timeline.sim();
        // The race happened: P3 did t1's work after its restart and voted yes on it.
        raced += u32::from(participant(sim, 3).voted_yes_on(1));
        assert_eq!(
            sim.violations()[ATOMICITY],
            None,
            "seed {seed}: {:?}",
            timeline.actions()
        );
    }
    assert!(raced >= 5, "the slow-BEGIN race happened in {raced} runs");
}

/// In doubt is the textbook's word for the whole window from the yes vote to the outcome;
/// blocked is the separate mark once the decision timeout has fired and it starts asking.
#[test]
fn a_participant_is_in_doubt_from_its_yes_vote_and_blocked_only_after_its_timeout() {
    let mut run = run_scenario("coord-crash");
    let trace = run.timeline.trace().to_vec();
    let voted_at = trace
        .iter()
        .find(|e| matches!(&e.kind, TraceKind::Send { from, msg: Msg::VoteYes(1), .. } if *from == NodeId(1)))
        .expect("P1 voted yes")
        .step;
    run.seek(voted_at);
    let p1 = participant(run.timeline.sim(), 1).clone();
    assert!(p1.is_in_doubt() && !p1.is_blocked(), "{:?}", p1.phase());
    let snapshot = run.snapshot();
    assert_eq!(snapshot.nodes[1].state, "IN DOUBT");
    let blocked_at = trace
        .iter()
        .find(|e| {
            matches!(&e.kind, TraceKind::Timer { node, timer: tpc::Timer::DecisionTimeout(1) } if *node == NodeId(1))
        })
        .expect("P1's decision timeout fired")
        .step;
    run.seek(blocked_at);
    let p1 = participant(run.timeline.sim(), 1).clone();
    assert!(p1.is_in_doubt() && p1.is_blocked());
    assert_eq!(run.snapshot().nodes[1].state, "IN DOUBT");
}

/// Presumed abort's point: a committed transaction pays forced writes at every node, an
/// aborted one only for the work already promised. Here: BEGIN at the coordinator always
/// (it keeps transaction numbers unique across its crashes), COMMIT at the coordinator and
/// PREPARED and COMMIT at each participant for a commit; for an abort, BEGIN and the
/// PREPARED records of the participants that voted yes before the no arrived. No ABORT
/// record is waited for, and no abort is acknowledged.
#[test]
fn forced_writes_by_outcome_show_what_presumed_abort_saves() {
    let happy = run_scenario("happy");
    let sim = happy.timeline.sim();
    let forced = tpc::forced_writes(&sim.nodes());
    assert_eq!((forced.commit, forced.abort), (2 + 3 * 2, 0));
    assert_eq!(sim.node(NodeId(0)).unwrap().forced_writes().commit, 2);

    let no = run_scenario("vote-no");
    let sim = no.timeline.sim();
    let forced = tpc::forced_writes(&sim.nodes());
    let prepared = participants(sim)
        .filter(|p| p.log().contains(&Record::Prepared(1)))
        .count() as u64;
    assert!(prepared <= 2, "P2 voted no");
    assert_eq!((forced.commit, forced.abort), (0, 1 + prepared));
    let acks = sends(&no, |_, m| matches!(m, Msg::Ack(_)));
    assert!(acks.is_empty(), "aborts are not acknowledged: {acks:?}");
    assert_eq!(coordinator(sim).log(), [Record::Begin(1), Record::Abort(1)]);
}

/// The notes narrate each decision, in order, with typed data the scene captions.
#[test]
fn notes_narrate_each_decision_in_order() {
    use tpc::{DecisionReason, Note};
    let run = run_scenario("happy");
    let notes_of = |node: NodeId| -> Vec<Note> {
        run.timeline
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                TraceKind::Note { node: n, note } if *n == node => Some(note.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        notes_of(NodeId(2)),
        [
            Note::WorkStarted { tx: 1 },
            Note::LogWritten {
                records: vec![Record::Begin(1)],
                released_locks: false,
            },
            Note::PreparedForcing { tx: 1 },
            Note::VotedYes { tx: 1 },
            Note::Learned {
                tx: 1,
                decision: Decision::Commit,
                from: NodeId(0),
            },
            Note::Acknowledged { tx: 1 },
        ]
    );
    let coordinator_notes = notes_of(NodeId(0));
    assert_eq!(coordinator_notes[0], Note::BeginForced { tx: 1 });
    assert!(coordinator_notes.contains(&Note::PrepareSent { tx: 1, to: 0b1110 }));
    assert!(coordinator_notes.contains(&Note::Decided {
        tx: 1,
        decision: Decision::Commit,
        reason: DecisionReason::AllVotedYes,
    }));
    // The last decision is END; then its record reaches the disk, which nothing waits for.
    assert_eq!(
        coordinator_notes[coordinator_notes.len() - 2..],
        [
            Note::Ended { tx: 1 },
            Note::LogWritten {
                records: vec![Record::End(1)],
                released_locks: false,
            },
        ]
    );

    // "The coordinator crashed after sending PREPARE to P1 to P3": the crash is the
    // kernel's; the note before it says what the coordinator had done.
    let crashed = run_scenario("coord-crash");
    let trace = crashed.timeline.trace();
    let crash = trace
        .iter()
        .position(|e| matches!(e.kind, TraceKind::Crash { node } if node == NodeId(0)))
        .expect("the coordinator crashed");
    let last_note = trace[..crash].iter().rev().find_map(|e| match &e.kind {
        TraceKind::Note { node, note } if *node == NodeId(0) => Some(note.clone()),
        _ => None,
    });
    assert_eq!(last_note, Some(Note::PrepareSent { tx: 1, to: 0b1110 }));
}
