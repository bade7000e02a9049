//! Figure 8, and one scenario per broken variant in which its invariant goes red.
use super::config::{RaftConfig, Variant};
use super::members::Members;
use super::messages::Cmd;
use super::node::RaftNode;
use super::scenario::Scenario;
use super::server::Role;
use super::triggers::{
    completed, crash, cut, heal_all, isolate, leads, now, on_settled_leader, put, restart, server,
    started, when,
};
use crate::sim::{Action, NodeId, Sim};

fn timeout(id: u32) -> Action<Cmd> {
    Action::Command(NodeId(id), Cmd::TimeoutNow)
}

/// The logs of Figure 8 after step (b): S1..S5 are n0..n4. S1 led term 2 and stored
/// index 2 on S2; S5 led term 3 and stored its own index 2 alone.
pub fn figure_8_logs() -> Vec<Vec<u64>> {
    vec![vec![1, 2], vec![1, 2], vec![1], vec![1], vec![1, 3]]
}

/// Whether leader n0 counts index 2 on a majority (itself and two followers).
fn n0_counts_index_2_on_majority(sim: &Sim<RaftNode>) -> bool {
    let Some(s) = server(sim, 0).filter(|s| s.role() == Role::Leader) else {
        return false;
    };
    let copies = (1..5)
        .filter_map(|i| s.peer(NodeId(i)))
        .filter(|p| p.match_index >= 2)
        .count();
    copies >= 2
}

/// Figure 8, (c) to (d): S5 is down; S1 wins term 4 and replicates the term-2 entry to a
/// majority (one entry per message, as in the figure); then S1 is cut off and crashes;
/// S5 returns and times out twice (its first try, in term 4, meets votes already given)
/// to win term 5, and overwrites index 2. With `commit-old-term`, S1 had committed it.
pub fn figure_8(variant: Variant) -> Scenario {
    let config = RaftConfig {
        clients: 0,
        max_batch: 1,
        initial_logs: figure_8_logs(),
        variant,
        ..RaftConfig::default()
    };
    let triggers = vec![
        started(crash(4)),
        now(timeout(0)),
        when(n0_counts_index_2_on_majority, isolate(&[0])),
        now(crash(0)),
        now(restart(4)),
        now(timeout(4)),
        when(
            |sim| {
                server(sim, 4).is_some_and(|s| {
                    s.role() == Role::Candidate && s.current_term() == 4 && s.votes().1.len() >= 2
                })
            },
            timeout(4),
        ),
    ];
    (config, triggers)
}

/// Three servers; n2 is down while n0 and n1 commit a write; then n0 crashes and n2
/// returns and times out: n1 votes for it although n2's log lacks the committed write.
pub fn vote_any_log() -> Scenario {
    let config = RaftConfig {
        servers: 3,
        variant: Variant::VoteWithoutLogCheck,
        ..RaftConfig::default()
    };
    let triggers = vec![
        started(timeout(0)),
        on_settled_leader(|_| crash(2)),
        now(put(3, 'x', 1)),
        when(|sim| completed(sim, 3) >= 1, crash(0)),
        now(restart(2)),
        now(timeout(2)),
    ];
    (config, triggers)
}

/// Three servers; n0 and n2 cannot hear each other. n1 votes for n0 in term 1, crashes at
/// once and restarts; n2 then asks for n1's vote in term 1 too.
pub fn volatile_vote() -> Scenario {
    let config = RaftConfig {
        servers: 3,
        clients: 0,
        variant: Variant::VolatileVote,
        ..RaftConfig::default()
    };
    let triggers = vec![
        started(cut(0, 2)),
        now(cut(2, 0)),
        now(timeout(0)),
        when(
            |sim| server(sim, 1).is_some_and(|s| s.voted_for() == Some(NodeId(0))),
            crash(1),
        ),
        now(restart(1)),
        now(timeout(2)),
        when(
            |sim| leads(sim, 2) || server(sim, 2).is_some_and(|s| s.sent().timeouts >= 3),
            heal_all(),
        ),
    ];
    (config, triggers)
}

fn committed_config(sim: &Sim<RaftNode>, id: u32, members: Members) -> bool {
    server(sim, id)
        .is_some_and(|s| s.members() == members && s.log().members_index() <= s.commit_index())
}

/// The 2015 bug. Servers n0..n4 and a spare n5; n0 leads term 1 and removes n4, leaving
/// the even configuration {n0..n3}. Cut off from n1..n3, n0 adds n4 back: only n4 gets
/// that entry, then n0 crashes. n1 wins term 2 with n2's and n3's votes, loses n3 at once,
/// and (in the broken variant) adds n5 before committing anything of its term: n1, n2, n5
/// are a majority of {n0..n3, n5} and commit it. Then n0 returns with n3 and n4, a
/// majority of {n0..n4}, and commits its own entry at the same index.
pub fn change_early(variant: Variant) -> Scenario {
    let config = RaftConfig {
        spares: 1,
        clients: 0,
        conflict_hint: true,
        variant,
        ..RaftConfig::default()
    };
    let four = Members::first(4);
    let with_n4 = Members::first(5);
    let with_n5 = four.with(NodeId(5));
    let triggers = vec![
        started(timeout(0)),
        on_settled_leader(|_| Action::Command(NodeId(0), Cmd::RemoveServer(NodeId(4)))),
        when(
            move |sim| {
                committed_config(sim, 0, four) && (1..4).all(|i| committed_config(sim, i, four))
            },
            cut(0, 1),
        ),
        now(cut(0, 2)),
        now(cut(0, 3)),
        now(Action::Command(NodeId(0), Cmd::AddServer(NodeId(4)))),
        when(
            move |sim| server(sim, 4).is_some_and(|s| s.members() == with_n4),
            crash(0),
        ),
        now(timeout(1)),
        when(|sim| leads(sim, 1), isolate(&[3])),
        now(Action::Command(NodeId(1), Cmd::AddServer(NodeId(5)))),
        when(move |sim| committed_config(sim, 1, with_n5), heal_all()),
        now(isolate(&[1, 2, 5])),
        now(restart(0)),
        now(timeout(0)),
    ];
    (config, triggers)
}
