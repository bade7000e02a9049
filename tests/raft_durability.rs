//! What a Raft server keeps across a crash: Figure 2's "persistent state on all servers",
//! `currentTerm`, `votedFor` and `log[]`, "updated on stable storage before responding to
//! RPCs" (plus the latest snapshot, §7). Everything else is volatile.
//!
//! - Scripted: a server that voted in term t, crashed and restarted still has
//!   currentTerm = t and votedFor set before it hears any message, so it refuses a second
//!   candidate of term t; the broken `volatile-vote` variant grants that second vote.
//! - Scripted: a follower that acknowledged entries and crashed before its reply arrived
//!   still stores them after the restart, so the leader's count of replicas is true.
//! - Over random runs: whatever the moment of a crash, the durable state after the restart
//!   equals the durable state before it (the model writes before it sends, so no write
//!   can be lost), and every volatile field starts afresh.
use dsviz::algo::raft::{
    invariants, net_config, nodes, Cmd, Msg, RaftConfig, RaftNode, Role, Server, Variant,
};
use dsviz::sim::{Action, NetChange, NodeId, NodeStatus, Sim, Time};

fn server(sim: &Sim<RaftNode>, id: u32) -> &Server {
    sim.node(NodeId(id))
        .and_then(RaftNode::as_server)
        .expect("a server")
}

/// Runs events until `done` holds, at most until `limit`; whether it held.
fn run_until(sim: &mut Sim<RaftNode>, limit: Time, done: impl Fn(&Sim<RaftNode>) -> bool) -> bool {
    while !done(sim) {
        if sim.next_event_time().is_none_or(|t| t > limit) || !sim.step(None) {
            return false;
        }
    }
    true
}

fn apply(sim: &mut Sim<RaftNode>, action: Action<Cmd>) {
    let now = sim.now();
    sim.apply(&action, now, None);
}

/// The durable part of a server (Figure 2 plus the snapshot).
fn durable(s: &Server) -> (u64, Option<NodeId>, dsviz::algo::raft::Log, String) {
    (
        s.current_term(),
        s.voted_for(),
        s.log().clone(),
        format!("{:?}", s.snapshot_store()),
    )
}

/// What the voter n3 does with a second candidate of the term it voted in, after a crash
/// and restart between the two requests. Five servers; n1 times out at 5 ms and wins term 1
/// with the votes of n0, n3 and n4; n2 cannot hear n1 (the link is cut), so it stays in
/// term 0 and times out at 100 ms into term 1 too. n3 crashes at 60 ms and restarts at
/// 70 ms, before n2's request. Returns n3 right after the restart and after n2's request.
fn vote_across_a_crash(variant: Variant) -> (Server, Server, Server) {
    let config = RaftConfig {
        servers: 5,
        clients: 0,
        // Empty logs all along, so that the vote is the only reason to refuse n2.
        leader_no_op: false,
        variant,
        ..RaftConfig::default()
    };
    assert_eq!(config.validate(), Ok(()));
    let mut sim = Sim::new(1, nodes(&config), net_config(), invariants());
    // Every server starts (and arms its random timer) before the script sets the timers.
    assert!(run_until(&mut sim, Time::from_millis(1), |s| {
        (0..5).all(|i| server(s, i).election_due().is_some())
    }));
    apply(
        &mut sim,
        Action::Network(NetChange::Cut {
            from: NodeId(1),
            to: NodeId(2),
        }),
    );
    apply(&mut sim, Action::Command(NodeId(1), Cmd::ElectionTimer(5)));
    apply(
        &mut sim,
        Action::Command(NodeId(2), Cmd::ElectionTimer(100)),
    );
    assert!(run_until(&mut sim, Time::from_millis(60), |s| {
        server(s, 3).voted_for() == Some(NodeId(1))
    }));
    assert_eq!(server(&sim, 3).current_term(), 1);
    run_until(&mut sim, Time::from_millis(60), |_| false);
    assert_eq!(
        server(&sim, 2).current_term(),
        0,
        "n2 has not timed out yet"
    );
    assert_eq!(server(&sim, 1).role(), Role::Leader, "n1 leads term 1");
    apply(&mut sim, Action::Crash(NodeId(3)));
    run_until(&mut sim, Time::from_millis(70), |_| false);
    apply(&mut sim, Action::Restart(NodeId(3)));
    assert_eq!(sim.status(NodeId(3)), Some(NodeStatus::Up));
    let restarted = server(&sim, 3).clone();
    // n2's request for term 1 reaches n3, and n3 answers.
    let answered = run_until(&mut sim, Time::from_millis(200), |s| {
        let (ayes, noes) = server(s, 2).votes();
        server(s, 2).current_term() == 1 && (ayes.contains(NodeId(3)) || noes.contains(NodeId(3)))
    });
    assert!(
        answered,
        "n2 asked n3 for its vote in term 1 and heard back"
    );
    (restarted, server(&sim, 3).clone(), server(&sim, 2).clone())
}

#[test]
fn a_vote_survives_a_crash_so_no_server_votes_twice_in_a_term() {
    let (restarted, later, candidate) = vote_across_a_crash(Variant::Correct);
    // Before hearing any message, the restarted n3 remembers its term and its vote.
    assert_eq!(restarted.current_term(), 1);
    assert_eq!(restarted.voted_for(), Some(NodeId(1)));
    assert_eq!(restarted.role(), Role::Follower);
    // So it refuses n2, the second candidate of term 1.
    assert_eq!(later.current_term(), 1);
    assert_eq!(later.voted_for(), Some(NodeId(1)));
    let (ayes, noes) = candidate.votes();
    assert!(noes.contains(NodeId(3)) && !ayes.contains(NodeId(3)));
}

#[test]
fn the_volatile_vote_variant_votes_twice_in_a_term() {
    let (restarted, later, candidate) = vote_across_a_crash(Variant::VolatileVote);
    assert_eq!(restarted.current_term(), 1, "the term is still durable");
    assert_eq!(
        restarted.voted_for(),
        None,
        "the vote was lost in the crash"
    );
    assert_eq!(
        later.voted_for(),
        Some(NodeId(2)),
        "n3 voted for n1, then n2"
    );
    assert!(candidate.votes().0.contains(NodeId(3)));
}

#[test]
fn an_acknowledged_entry_survives_the_followers_crash() {
    let config = RaftConfig {
        servers: 3,
        clients: 1,
        workload: 5,
        think_time: Time::from_millis(20),
        ..RaftConfig::default()
    };
    let mut sim = Sim::new(2, nodes(&config), net_config(), invariants());
    // A follower's success reply acknowledging a client's entry, still in flight.
    let ack = |s: &Sim<RaftNode>| {
        s.in_flight().find_map(|m| match m.msg {
            Msg::AppendReply {
                success: true,
                index,
                ..
            } if index >= 2 => Some((m.from, index)),
            _ => None,
        })
    };
    assert!(run_until(&mut sim, Time::from_millis(2_000), |s| ack(s).is_some()));
    let (follower, index) = ack(&sim).expect("an acknowledgement");
    let before = durable(server(&sim, follower.0));
    let term = server(&sim, follower.0).log().term_at(index);
    assert!(term.is_some());
    apply(&mut sim, Action::Crash(follower));
    apply(&mut sim, Action::Restart(follower));
    let after = server(&sim, follower.0);
    assert_eq!(durable(after), before, "{follower} lost nothing");
    assert_eq!(after.log().term_at(index), term);
    assert_eq!(after.commit_index(), 0, "the commit index is volatile");
    // The leader counts the acknowledgement, commits, and the follower learns it.
    assert!(run_until(&mut sim, Time::from_millis(3_000), |s| {
        server(s, follower.0).commit_index() >= index
    }));
    assert!(sim.violations().iter().all(Option::is_none));
}

/// Crashes and restarts every server, in a copy of the run, at many moments of busy runs
/// with faults of every kind and snapshots: the durable state is never changed by a crash.
#[test]
fn a_crash_at_any_moment_loses_no_durable_write() {
    let mut checked = 0u32;
    for seed in 0..40u64 {
        let config = RaftConfig {
            servers: [3, 5, 7][(seed % 3) as usize],
            clients: 2,
            workload: 20,
            think_time: Time::from_millis(15),
            snapshot_threshold: if seed % 2 == 0 { 4 } else { 0 },
            pre_vote: seed % 4 < 2,
            ..RaftConfig::default()
        };
        let mut sim = Sim::new(seed, nodes(&config), net_config(), invariants());
        let mut step = 0u64;
        while sim.now() < Time::from_millis(3_000) && sim.step(None) {
            step += 1;
            // Faults now and then, so that crashes meet elections and repairs too.
            if step % 400 == 0 {
                let victim = NodeId((step / 400 % u64::from(config.servers)) as u32);
                let action = if sim.status(victim) == Some(NodeStatus::Crashed) {
                    Action::Restart(victim)
                } else {
                    Action::Crash(victim)
                };
                apply(&mut sim, action);
            }
            if step % 37 != 0 {
                continue;
            }
            for id in 0..config.servers {
                if sim.status(NodeId(id)) != Some(NodeStatus::Up) {
                    continue;
                }
                let before = durable(server(&sim, id));
                let mut copy = sim.clone();
                apply(&mut copy, Action::Crash(NodeId(id)));
                assert_eq!(
                    durable(server(&copy, id)),
                    before,
                    "seed {seed}, step {step}: n{id}'s crash"
                );
                apply(&mut copy, Action::Restart(NodeId(id)));
                let back = server(&copy, id);
                assert_eq!(
                    durable(back),
                    before,
                    "seed {seed}, step {step}: n{id}'s restart"
                );
                assert_eq!(back.role(), Role::Follower);
                assert_eq!(back.leader(), None);
                assert_eq!(back.commit_index(), back.log().snapshot_index());
                checked += 1;
            }
        }
        assert!(sim.violations().iter().all(Option::is_none), "seed {seed}");
    }
    assert!(checked > 1_000, "only {checked} crashes checked");
}
