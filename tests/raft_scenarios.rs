//! The Raft scenarios, replayed the way the timeline replays them, with their exact
//! outcomes for the scene's default seed, and their robustness over other seeds.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::raft::{
    bug_scenario, new_sim, scenario, scenarios, Cmd, Command, EventKind, Members, Note, OpResult,
    RaftConfig, RaftNode, Role, Scenario, Server, StepDown, Term, Variant, ELECTION_SAFETY,
    LEADER_COMPLETENESS, LINEARIZABILITY, STATE_MACHINE_SAFETY,
};
use dsviz::sim::scenario::resolve;
use dsviz::sim::{NodeId, NodeStatus, Scheduled, Sim, Time, TraceEntry, TraceKind};

const SEED: u64 = 1;
const HORIZON: Time = Time::from_millis(3_000);

struct Run {
    actions: Vec<Scheduled<Cmd>>,
    triggers: usize,
    sim: Sim<RaftNode>,
    trace: Vec<TraceEntry<RaftNode>>,
}

/// Resolves the triggers, then replays the actions (recording the trace) up to the horizon.
fn replay((config, triggers): Scenario, seed: u64) -> Run {
    assert_eq!(config.validate(), Ok(()));
    let sim = new_sim(seed, &config);
    let actions = resolve(sim.clone(), &triggers, 200_000);
    let mut sim = sim;
    let mut trace = Vec::new();
    let mut next = 0;
    loop {
        if let Some(a) = actions.get(next).filter(|a| a.at <= sim.step_count()) {
            sim.apply(&a.action, a.time, Some(&mut trace));
            next += 1;
            continue;
        }
        if sim.next_event_time().is_none_or(|t| t > HORIZON) {
            break;
        }
        sim.step(Some(&mut trace));
    }
    assert_eq!(next, actions.len(), "every action was replayed");
    Run {
        actions,
        triggers: triggers.len(),
        sim,
        trace,
    }
}

fn run(id: &str) -> Run {
    replay(scenario(id).expect("scenario exists"), SEED)
}

/// The scenario with another variant.
fn with_variant(id: &str, variant: Variant) -> Scenario {
    let (config, triggers) = scenario(id).expect("scenario exists");
    (RaftConfig { variant, ..config }, triggers)
}

impl Run {
    fn server(&self, id: u32) -> &Server {
        self.sim
            .node(NodeId(id))
            .and_then(RaftNode::as_server)
            .expect("a server")
    }

    fn servers(&self) -> Vec<(NodeId, &Server)> {
        (0..self.sim.node_count())
            .filter_map(|i| {
                self.sim
                    .node(NodeId(i))
                    .and_then(RaftNode::as_server)
                    .map(|s| (NodeId(i), s))
            })
            .collect()
    }

    /// The one server that is up and leads, with its term.
    fn leader(&self) -> (u32, Term) {
        let leaders: Vec<(u32, Term)> = self
            .servers()
            .into_iter()
            .filter(|(id, s)| {
                s.role() == Role::Leader && self.sim.status(*id) == Some(NodeStatus::Up)
            })
            .map(|(id, s)| (id.0, s.current_term()))
            .collect();
        assert_eq!(leaders.len(), 1, "exactly one leader: {leaders:?}");
        leaders[0]
    }

    fn terms(&self, id: u32) -> Vec<Term> {
        self.server(id)
            .log()
            .entries()
            .map(|(_, e)| e.term)
            .collect()
    }

    fn red(&self) -> Vec<&'static str> {
        self.sim
            .invariants()
            .iter()
            .zip(self.sim.violations())
            .filter(|(_, v)| v.is_some())
            .map(|(i, _)| i.name)
            .collect()
    }

    fn notes(&self) -> impl Iterator<Item = (u64, NodeId, &Note)> + '_ {
        self.trace.iter().filter_map(|e| match &e.kind {
            TraceKind::Note { node, note } => Some((e.step, *node, note)),
            _ => None,
        })
    }

    fn value(&self, id: u32, key: char) -> Option<u32> {
        self.server(id)
            .store()
            .get(dsviz::algo::raft::Key::new(key).expect("a letter"))
    }

    fn client_results(&self, id: u32) -> Vec<OpResult> {
        let client = self
            .sim
            .node(NodeId(id))
            .and_then(RaftNode::as_client)
            .expect("a client");
        client
            .history()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Return(r) => Some(r),
                EventKind::Invoke(_) => None,
            })
            .collect()
    }
}

#[test]
fn scenario_ids_are_unique_and_every_one_builds() {
    let all = scenarios();
    assert_eq!(all.len(), 22);
    let mut ids: Vec<&str> = all.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "unique ids");
    for info in &all {
        assert!(
            info.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            info.id
        );
        assert!(scenario(info.id).is_some());
        assert!(
            !info.title.is_empty() && info.description.len() > 80,
            "{}",
            info.id
        );
    }
    for variant in Variant::ALL.into_iter().skip(1) {
        let id = bug_scenario(variant).expect("a scenario per broken variant");
        assert_eq!(scenario(id).map(|(c, _)| c.variant), Some(variant), "{id}");
    }
}

/// Over a dozen seeds every trigger fires, the correct scenarios stay green and every bug
/// scenario turns red.
#[test]
fn scenarios_are_robust_across_seeds() {
    for info in scenarios() {
        for seed in 1..=12 {
            let built = scenario(info.id).expect("exists");
            let broken = built.0.variant != Variant::Correct;
            let r = replay(built, seed);
            assert_eq!(
                r.actions.len(),
                r.triggers,
                "{} seed {seed}: a trigger never fired",
                info.id
            );
            assert_eq!(
                !r.red().is_empty(),
                broken,
                "{} seed {seed}: {:?}",
                info.id,
                r.red()
            );
        }
    }
}

#[test]
fn first_election() {
    let r = run("first-election");
    assert_eq!(r.leader(), (2, 1));
    let elections = r
        .notes()
        .filter(|(_, _, n)| matches!(n, Note::ElectionStarted { .. }))
        .count();
    assert_eq!(elections, 1, "one candidate, no split");
    for (_, s) in r.servers() {
        assert_eq!(
            (s.current_term(), s.commit_index()),
            (1, 1),
            "the no-op committed"
        );
    }
}

#[test]
fn split_vote() {
    let r = run("split-vote");
    let candidates_in_term_1 = r
        .notes()
        .filter(|(_, _, n)| matches!(n, Note::ElectionStarted { term: 1, .. }))
        .count();
    assert_eq!(candidates_in_term_1, 4);
    assert!(
        r.servers().iter().all(|(_, s)| !s.ghost().led(1)),
        "nobody won term 1"
    );
    assert_eq!(r.leader(), (2, 2));
}

#[test]
fn leader_crash() {
    let r = run("leader-crash");
    assert_eq!(r.leader(), (2, 2));
    assert_eq!(r.server(0).role(), Role::Follower);
    assert_eq!(r.server(0).current_term(), 2);
    for id in 0..5 {
        assert_eq!(r.terms(id), [1, 1, 2]);
        assert_eq!(r.value(id, 'x'), Some(1));
    }
    assert_eq!(r.client_results(5), [OpResult::Written]);
}

#[test]
fn crash_with_the_entry_on_a_minority() {
    let r = run("crash-minority");
    assert_eq!(r.leader(), (4, 3));
    // n2 held the write; the new leader's log overwrote it.
    let truncated = r.notes().any(|(_, node, n)| {
        node == NodeId(2)
            && matches!(
                n,
                Note::EntriesAccepted {
                    truncated_from: Some(2),
                    ..
                }
            )
    });
    assert!(truncated, "n2's copy of the uncommitted write was deleted");
    for id in 0..5 {
        assert_eq!(r.terms(id), [1, 3, 3], "n{id}");
        assert_eq!(r.value(id, 'x'), Some(1));
    }
    assert_eq!(r.client_results(5), [OpResult::Written], "one write, once");
}

#[test]
fn crash_with_the_entry_on_a_majority() {
    let r = run("crash-majority");
    assert_eq!(r.leader(), (2, 3));
    for id in 0..5 {
        assert_eq!(
            r.terms(id),
            [1, 1, 3],
            "the term-1 write survives at index 2"
        );
        assert_eq!(r.value(id, 'x'), Some(1));
    }
    assert_eq!(r.client_results(5), [OpResult::Written]);
}

#[test]
fn figure_8_correct_and_broken() {
    let r = run("figure-8");
    assert!(r.red().is_empty());
    let not_committed = r.notes().any(|(_, node, n)| {
        node == NodeId(0) && matches!(n, Note::OldTermNotCommitted { index: 2, term: 2 })
    });
    assert!(not_committed, "S1 refuses to commit index 2 by counting");
    assert_eq!(r.leader(), (4, 5));
    for id in 1..5 {
        assert_eq!(
            r.terms(id),
            [1, 3, 5],
            "S5's entry replaced index 2 on n{id}"
        );
    }
    assert_eq!(r.server(0).commit_index(), 0, "S1 never committed anything");

    let bug = replay(with_variant("figure-8", Variant::CommitOldTerm), SEED);
    assert_eq!(bug.red(), [LEADER_COMPLETENESS, STATE_MACHINE_SAFETY]);
    let committed = bug.notes().any(|(_, node, n)| {
        node == NodeId(0) && matches!(n, Note::Committed { index: 2, term: 2 })
    });
    assert!(
        committed,
        "S1 committed its term-2 entry by counting replicas"
    );
    // Leader Completeness turns red at the very step S5 wins term 5.
    let violation = bug.sim.violations()[3].clone().expect("red");
    let elected = bug
        .notes()
        .find(|(_, node, n)| *node == NodeId(4) && matches!(n, Note::BecameLeader { term: 5, .. }))
        .map(|(step, _, _)| step);
    assert_eq!(Some(violation.step), elected);
}

#[test]
fn figure_7_logs_are_repaired() {
    let r = run("figure-7");
    assert!(r.red().is_empty());
    assert_eq!(r.leader(), (0, 8));
    for id in 0..7 {
        assert_eq!(r.terms(id), [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8], "n{id}");
        assert_eq!(r.server(id).commit_index(), 11);
    }
    // The conflict hint saves refusals: count the leader's back-offs with and without it.
    let back_offs = |hint: bool| {
        let (config, triggers) = scenario("figure-7").expect("exists");
        let r = replay(
            (
                RaftConfig {
                    conflict_hint: hint,
                    ..config
                },
                triggers,
            ),
            SEED,
        );
        r.notes()
            .filter(|(_, _, n)| matches!(n, Note::NextIndexBackedOff { .. }))
            .count()
    };
    let (plain, hinted) = (back_offs(false), back_offs(true));
    assert_eq!((plain, hinted), (19, 6));
}

#[test]
fn a_partitioned_leader_rolls_back() {
    let r = run("partitioned-leader");
    assert!(r.red().is_empty());
    assert_eq!(r.leader(), (4, 3));
    let rolled_back = r.notes().any(|(_, node, n)| {
        node == NodeId(0)
            && matches!(
                n,
                Note::EntriesAccepted {
                    truncated_from: Some(2),
                    ..
                }
            )
    });
    assert!(rolled_back, "n0's uncommitted term-1 write was deleted");
    for id in 0..5 {
        assert_eq!(r.terms(id), [1, 3, 3, 3]);
        assert_eq!(r.value(id, 'x'), Some(1), "c1's retried write came last");
    }
    assert_eq!(r.client_results(5), [OpResult::Written]);
    assert_eq!(r.client_results(6), [OpResult::Written]);
}

#[test]
fn quorums_under_a_nine_way_split() {
    let r = run("no-quorum");
    assert!(
        r.servers().iter().all(|(_, s)| s.commit_index() <= 1),
        "nothing commits"
    );
    assert_eq!(r.client_results(9), []);
    let r = run("workable-split");
    assert_eq!(r.server(0).role(), Role::Leader);
    assert_eq!(r.server(0).commit_index(), 2);
    assert_eq!(r.client_results(9), [OpResult::Written]);
}

#[test]
fn rejoin_with_and_without_pre_vote() {
    let r = run("rejoin");
    assert_eq!(r.leader(), (4, 5), "n4's high term deposed n0");
    let r = run("rejoin-prevote");
    assert_eq!(r.leader(), (0, 1));
    assert!(
        r.servers().iter().all(|(_, s)| s.current_term() == 1),
        "no term moved"
    );
    assert!(
        r.server(4).sent().timeouts >= 3,
        "n4 did time out while cut off"
    );
}

#[test]
fn check_quorum_deposes_an_isolated_leader() {
    let r = run("check-quorum");
    let stepped_down = r.notes().any(|(_, node, n)| {
        node == NodeId(0)
            && matches!(
                n,
                Note::SteppedDown {
                    term: 1,
                    reason: StepDown::LostQuorum
                }
            )
    });
    assert!(stepped_down);
    assert_ne!(r.server(0).role(), Role::Leader);
    assert_eq!(r.leader(), (3, 2));
}

#[test]
fn a_lost_reply_delays_the_follower_not_the_commit() {
    let r = run("lost-reply");
    assert!(r.red().is_empty());
    let committed = r
        .notes()
        .find(|(_, node, n)| *node == NodeId(0) && matches!(n, Note::Committed { index: 2, .. }))
        .map(|(s, _, _)| s)
        .expect("n0 committed the write");
    let learned = r
        .notes()
        .find(|(_, node, n)| *node == NodeId(1) && matches!(n, Note::CommitLearned { index: 2 }))
        .map(|(s, _, _)| s)
        .expect("n1 learned the commit");
    let n1_matched = r
        .notes()
        .find(|(_, node, n)| {
            *node == NodeId(0)
                && matches!(
                    n,
                    Note::MatchAdvanced {
                        peer: NodeId(1),
                        match_index: 2
                    }
                )
        })
        .map(|(s, _, _)| s)
        .expect("n0 learned n1 stores the entry");
    assert!(committed < learned && committed < n1_matched);
    assert!(
        r.notes()
            .any(|(_, node, n)| node == NodeId(1)
                && matches!(n, Note::LogAlreadyMatches { up_to: 2 }))
    );
    assert_eq!(r.server(1).commit_index(), 2);
}

#[test]
fn membership_changes_including_the_leader() {
    let r = run("membership");
    assert!(r.red().is_empty());
    let remaining = Members::first(6).without(NodeId(0)).without(NodeId(4));
    assert_eq!(r.leader(), (2, 2));
    for id in [1, 2, 3, 5] {
        assert_eq!(r.server(id).members(), remaining, "n{id}");
    }
    assert_eq!(r.server(0).state_label(), "NON-MEMBER");
    let removed_self = r.notes().any(|(_, node, n)| {
        node == NodeId(0)
            && matches!(
                n,
                Note::SteppedDown {
                    reason: StepDown::RemovedFromConfig,
                    ..
                }
            )
    });
    assert!(removed_self);
    assert_eq!(r.client_results(6), [OpResult::Written]);
}

#[test]
fn a_lagging_follower_catches_up_by_snapshot() {
    let r = run("snapshot");
    assert!(r.red().is_empty());
    let installed = r
        .notes()
        .any(|(_, node, n)| node == NodeId(2) && matches!(n, Note::SnapshotInstalled { .. }));
    assert!(installed);
    assert_eq!(r.client_results(3).len(), 12);
    for id in 1..3 {
        assert_eq!(r.server(id).store(), r.server(0).store());
        assert_eq!(r.server(id).commit_index(), 13);
    }
}

#[test]
fn stale_read_and_read_index() {
    let r = run("stale-read");
    assert_eq!(r.red(), [LINEARIZABILITY]);
    assert_eq!(
        r.client_results(5),
        [OpResult::Read(Some(1))],
        "the stale value"
    );
    let r = run("read-index");
    assert!(r.red().is_empty());
    assert_eq!(r.client_results(5), [OpResult::Read(Some(2))]);
    let waited = r
        .notes()
        .any(|(_, node, n)| node == NodeId(0) && matches!(n, Note::ReadIndexRecorded { .. }));
    assert!(
        waited,
        "n0 recorded the read but could not confirm its leadership"
    );
    assert!(!r
        .notes()
        .any(|(_, node, n)| node == NodeId(0) && matches!(n, Note::ReadServed { .. })));
}

#[test]
fn bug_scenarios_go_red_and_their_correct_runs_stay_green() {
    let expectations: [(&str, &[&str]); 4] = [
        (
            "bug-vote-any-log",
            &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
        ),
        ("bug-volatile-vote", &[ELECTION_SAFETY]),
        (
            "bug-change-early",
            &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
        ),
        ("bug-figure-8", &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY]),
    ];
    for (id, red) in expectations {
        assert_eq!(run(id).red(), red, "{id}");
        let fixed = replay(with_variant(id, Variant::Correct), SEED);
        assert!(
            fixed.red().is_empty(),
            "{id} with the correct protocol: {:?}",
            fixed.red()
        );
    }
    // The correct rule makes n1 refuse the early change.
    let fixed = replay(with_variant("bug-change-early", Variant::Correct), SEED);
    let refused = fixed.notes().any(|(_, node, n)| {
        node == NodeId(1)
            && matches!(
                n,
                Note::ChangeRefused {
                    reason: dsviz::algo::raft::ChangeRefusal::NoEntryOfTermCommitted
                }
            )
    });
    assert!(refused);
}

/// The violation is pinned to the step where n2 wins term 1, and the step before is clean.
#[test]
fn volatile_vote_violation_is_pinned_to_its_step() {
    let r = run("bug-volatile-vote");
    let violation = r.sim.violations()[0]
        .clone()
        .expect("Election Safety is red");
    let elected = r
        .notes()
        .find(|(_, node, n)| *node == NodeId(2) && matches!(n, Note::BecameLeader { term: 1, .. }))
        .map(|(s, _, _)| s);
    assert_eq!(Some(violation.step), elected);
    // Replay to the step before: still green.
    let (config, triggers) = scenario("bug-volatile-vote").expect("exists");
    let mut sim = new_sim(SEED, &config);
    let actions = resolve(sim.clone(), &triggers, 10_000);
    let mut next = 0;
    while sim.step_count() + 1 < violation.step {
        match actions.get(next).filter(|a| a.at <= sim.step_count()) {
            Some(a) => {
                sim.apply(&a.action, a.time, None);
                next += 1;
            }
            None => {
                sim.step(None);
            }
        }
    }
    assert!(sim.violations().iter().all(Option::is_none));
    let both: Vec<u32> = [0u32, 2]
        .into_iter()
        .filter(|i| {
            sim.node(NodeId(*i))
                .and_then(RaftNode::as_server)
                .is_some_and(|s| s.role() == Role::Leader)
        })
        .collect();
    assert_eq!(both, [0], "only n0 leads term 1 before that step");
}

#[test]
fn durable_state_survives_a_crash_and_volatile_state_does_not() {
    let r = run("leader-crash");
    let s = r.server(0);
    // n0 crashed as leader with commit 2 and restarted: its log and term survived, and its
    // commit index was learned again from the new leader.
    assert_eq!(s.log().last_index(), 3);
    assert_eq!(s.commit_index(), 3);
    let entries: Vec<bool> = s
        .log()
        .entries()
        .map(|(_, e)| matches!(e.command, Command::Client { .. }))
        .collect();
    assert_eq!(entries, [false, true, false]);
}
