//! Scenarios about the dissertation's additions: pre-vote, CheckQuorum, membership
//! changes, snapshots and reads; and a lost reply.
use super::config::{RaftConfig, ReadMode, Variant};
use super::members::Members;
use super::messages::{Cmd, Msg};
use super::node::RaftNode;
use super::scenario::Scenario;
use super::server::Role;
use super::triggers::{
    completed, completed_before_now, crash, get, heal_all, isolate, last_client_entry, now,
    on_settled_leader, put, restart, server, settled_leader, started, when,
};
use crate::sim::scenario::Trigger;
use crate::sim::{Action, MsgId, NodeId, Sim};

fn n0_times_out() -> Trigger<RaftNode> {
    started(Action::Command(NodeId(0), Cmd::TimeoutNow))
}

/// n4 is cut off until it has timed out three times, then comes back.
fn rejoin(pre_vote: bool) -> Scenario {
    let config = RaftConfig {
        pre_vote,
        ..RaftConfig::default()
    };
    let triggers = vec![
        n0_times_out(),
        on_settled_leader(|_| isolate(&[4])),
        when(
            |sim| server(sim, 4).is_some_and(|s| s.sent().timeouts >= 3),
            heal_all(),
        ),
    ];
    (config, triggers)
}

pub fn rejoin_disruptive() -> Scenario {
    rejoin(false)
}

pub fn rejoin_pre_vote() -> Scenario {
    rejoin(true)
}

/// With CheckQuorum, n0 is cut off from everyone once it leads.
pub fn check_quorum() -> Scenario {
    let config = RaftConfig {
        check_quorum: true,
        ..RaftConfig::default()
    };
    let triggers = vec![n0_times_out(), on_settled_leader(|_| isolate(&[0]))];
    (config, triggers)
}

/// n1's successful reply to the AppendEntries that carries the client's write.
fn lost_reply_id(sim: &Sim<RaftNode>) -> Option<MsgId> {
    let (index, _) = server(sim, 0).and_then(last_client_entry)?;
    sim.in_flight()
        .find(|m| {
            m.from == NodeId(1)
                && m.to == NodeId(0)
                && matches!(m.msg, Msg::AppendReply { success: true, index: i, .. } if i >= index)
        })
        .map(|m| m.id)
}

/// Three servers; n0 leads; a client writes; n1's reply is lost.
pub fn lost_reply() -> Scenario {
    let config = RaftConfig {
        servers: 3,
        ..RaftConfig::default()
    };
    let triggers = vec![
        n0_times_out(),
        on_settled_leader(|_| put(3, 'x', 1)),
        Trigger::new(
            |sim| completed(sim, 3) == 0 && lost_reply_id(sim).is_some(),
            |sim| Action::DropMessage(lost_reply_id(sim).unwrap_or(MsgId(0))),
        ),
    ];
    (config, triggers)
}

/// Whether n0 has committed a configuration equal to `members`.
fn n0_committed_config(sim: &Sim<RaftNode>, members: Members) -> bool {
    server(sim, 0)
        .is_some_and(|s| s.members() == members && s.log().members_index() <= s.commit_index())
}

/// Five servers and a spare n5: n0 adds n5, removes n4, then removes itself.
pub fn membership() -> Scenario {
    let config = RaftConfig {
        spares: 1,
        pre_vote: true,
        check_quorum: true,
        ..RaftConfig::default()
    };
    let six = Members::first(6);
    let five = six.without(NodeId(4));
    let triggers = vec![
        n0_times_out(),
        on_settled_leader(|_| Action::Command(NodeId(0), Cmd::AddServer(NodeId(5)))),
        when(
            move |sim| n0_committed_config(sim, six),
            Action::Command(NodeId(0), Cmd::RemoveServer(NodeId(4))),
        ),
        when(
            move |sim| n0_committed_config(sim, five),
            Action::Command(NodeId(0), Cmd::RemoveServer(NodeId(0))),
        ),
        when(
            |sim| {
                server(sim, 0).is_some_and(|s| s.role() == Role::Follower)
                    && settled_leader(sim).is_some()
            },
            put(6, 'x', 1),
        ),
    ];
    (config, triggers)
}

/// Three servers snapshot every 4 entries; n2 is down while the client writes, so n0 has
/// compacted the entries n2 needs and sends its snapshot.
pub fn snapshot_catch_up() -> Scenario {
    let config = RaftConfig {
        servers: 3,
        snapshot_threshold: 4,
        workload: 12,
        think_time: crate::sim::Time::from_millis(20),
        ..RaftConfig::default()
    };
    let triggers = vec![
        n0_times_out(),
        on_settled_leader(|_| crash(2)),
        when(
            |sim| server(sim, 0).is_some_and(|s| s.log().snapshot_index() >= 8),
            restart(2),
        ),
    ];
    (config, triggers)
}

/// n0 leads; c2 writes x=1; n0 and c1 are cut off; c2 writes x=2 on the new leader;
/// then c1 reads x from n0; the partition heals once c1 has retried.
fn read_under_partition(read_mode: ReadMode, variant: Variant) -> Scenario {
    let config = RaftConfig {
        clients: 2,
        read_mode,
        variant,
        ..RaftConfig::default()
    };
    let triggers = vec![
        n0_times_out(),
        on_settled_leader(|_| put(6, 'x', 1)),
        when(|sim| completed(sim, 6) >= 1, isolate(&[0, 5])),
        now(put(6, 'x', 2)),
        when(|sim| completed_before_now(sim, 6, 2), get(5, 'x')),
        when(
            |sim| {
                sim.node(NodeId(5))
                    .and_then(RaftNode::as_client)
                    .is_some_and(|c| c.attempts() >= 2 || c.completed() >= 1)
            },
            heal_all(),
        ),
    ];
    (config, triggers)
}

/// The broken variant: n0 answers from its own state machine.
pub fn stale_read() -> Scenario {
    read_under_partition(ReadMode::Log, Variant::LocalReads)
}

/// The same run with ReadIndex: n0 cannot confirm it still leads, so it never answers.
pub fn read_index() -> Scenario {
    read_under_partition(ReadMode::ReadIndex, Variant::Correct)
}
