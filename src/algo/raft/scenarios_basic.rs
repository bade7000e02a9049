//! Scenarios of the normal protocol: elections, crashes, repair of divergent logs,
//! partitions and quorums.
use super::config::RaftConfig;
use super::measure::leader;
use super::messages::Cmd;
use super::node::RaftNode;
use super::scenario::Scenario;
use super::triggers::{
    completed, crash, heal_all, holders, isolate, last_client_entry, now, on_settled_leader, put,
    restart_crashed_when_settled, server, settled_leader, started, when,
};
use crate::sim::scenario::Trigger;
use crate::sim::{Action, NodeId, Sim};

/// Nothing but the run itself: the first timer to fire starts the first election.
pub fn first_election() -> Scenario {
    (RaftConfig::default(), Vec::new())
}

/// Four of five servers time out at the same instant.
pub fn split_vote() -> Scenario {
    let mut triggers: Vec<Trigger<RaftNode>> = (0..4)
        .map(|i| started(Action::Command(NodeId(i), Cmd::ElectionTimer(150))))
        .collect();
    triggers.push(started(Action::Command(NodeId(4), Cmd::ElectionTimer(300))));
    (RaftConfig::default(), triggers)
}

/// n0 leads, commits a write, crashes; the others elect a new leader; n0 comes back.
pub fn leader_crash() -> Scenario {
    let triggers = vec![
        started(Action::Command(NodeId(0), Cmd::TimeoutNow)),
        on_settled_leader(|_| put(5, 'x', 1)),
        when(|sim| completed(sim, 5) >= 1, crash(0)),
        restart_crashed_when_settled(),
    ];
    (RaftConfig::default(), triggers)
}

/// The leader's latest client entry and the servers that store it, once exactly `copies`
/// servers (the leader included) do.
fn client_entry_holders(sim: &Sim<RaftNode>, copies: usize) -> Option<Vec<u32>> {
    let (id, _) = leader(sim)?;
    let (index, term) = server(sim, id.0).and_then(last_client_entry)?;
    (holders(sim, index, term) == copies).then(|| {
        (0..sim.node_count())
            .filter(|i| server(sim, *i).is_some_and(|s| s.log().term_at(index) == Some(term)))
            .collect()
    })
}

/// n0 leads; a client writes. When the entry is on the leader and one follower, both are
/// cut off (messages still on the way are lost) and n0 crashes: the others elect a leader
/// without the entry. The partition heals once that leader has committed; n0 returns.
pub fn crash_minority() -> Scenario {
    let triggers = vec![
        started(Action::Command(NodeId(0), Cmd::TimeoutNow)),
        on_settled_leader(|_| put(5, 'x', 1)),
        Trigger::new(
            |sim| client_entry_holders(sim, 2).is_some(),
            |sim| isolate(&client_entry_holders(sim, 2).unwrap_or_default()),
        ),
        now(crash(0)),
        when(|sim| settled_leader(sim).is_some(), heal_all()),
        restart_crashed_when_settled(),
    ];
    (RaftConfig::default(), triggers)
}

/// As above, but the entry is on three of the five servers when n0 alone is cut off and
/// crashes: every server that can win the next election holds it.
pub fn crash_majority() -> Scenario {
    let triggers = vec![
        started(Action::Command(NodeId(0), Cmd::TimeoutNow)),
        on_settled_leader(|_| put(5, 'x', 1)),
        when(|sim| client_entry_holders(sim, 3).is_some(), isolate(&[0])),
        now(crash(0)),
        when(|sim| settled_leader(sim).is_some(), heal_all()),
        restart_crashed_when_settled(),
    ];
    (RaftConfig::default(), triggers)
}

/// The logs of Figure 7 (n0 is the figure's leader, n1..n6 its followers a to f).
pub fn figure_7_logs() -> Vec<Vec<u64>> {
    vec![
        vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
        vec![1, 1, 1, 4, 4, 5, 5, 6, 6],
        vec![1, 1, 1, 4],
        vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        vec![1, 1, 1, 4, 4, 4, 4],
        vec![1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ]
}

/// Figure 7: seven servers start from the figure's logs; n0 times out first and becomes
/// leader of term 8, then repairs every follower's log.
pub fn figure_7() -> Scenario {
    let config = RaftConfig {
        servers: 7,
        clients: 0,
        initial_logs: figure_7_logs(),
        ..RaftConfig::default()
    };
    let triggers = vec![started(Action::Command(NodeId(0), Cmd::TimeoutNow))];
    (config, triggers)
}

/// n0 leads and is cut off with client c1; c1's write reaches n0 but can never commit;
/// c2's write commits on the majority's new leader; the partition heals.
pub fn partitioned_leader() -> Scenario {
    let config = RaftConfig {
        clients: 2,
        ..RaftConfig::default()
    };
    let triggers = vec![
        started(Action::Command(NodeId(0), Cmd::TimeoutNow)),
        on_settled_leader(|_| isolate(&[0, 5])),
        now(put(5, 'x', 1)),
        now(put(6, 'x', 2)),
        when(|sim| completed(sim, 6) >= 1, heal_all()),
    ];
    (config, triggers)
}

/// Nine servers, cut into groups of the given sizes (the first group holds the leader n0;
/// the client stays with the last group).
fn nine_way_split(groups: [&'static [u32]; 2]) -> Scenario {
    let config = RaftConfig {
        servers: 9,
        ..RaftConfig::default()
    };
    let triggers = vec![
        started(Action::Command(NodeId(0), Cmd::TimeoutNow)),
        on_settled_leader(move |_| isolate(groups[0])),
        now(isolate(groups[1])),
        now(put(9, 'x', 1)),
    ];
    (config, triggers)
}

/// 3-3-3: no group holds a majority of nine.
pub fn no_quorum() -> Scenario {
    nine_way_split([&[0, 1, 2], &[3, 4, 5]])
}

/// 5-2-2: the leader's group of five still holds a majority; the client is with it.
pub fn workable_split() -> Scenario {
    nine_way_split([&[5, 6], &[7, 8]])
}
