//! Raft under random faults: the correct protocol keeps every invariant over ten thousand
//! seeded runs, and a seed search finds each broken variant's violation.
//!
//! A run draws a configuration (servers, toggles, read mode, snapshots, batch size), a
//! network (latency, loss, duplication) and a stream of faults (crashes, restarts,
//! partitions, pauses, forced elections, membership changes) from its seed, lets the
//! clients run their workloads, then heals everything and lets the cluster settle. A failure
//! prints the seed; `chaos_run(seed, ...)` replays it exactly.
use dsviz::algo::raft::invariants;
use dsviz::algo::raft::{
    leader, nodes, Cmd, RaftConfig, RaftNode, ReadMode, Role, Variant, ELECTION_SAFETY,
    LEADER_APPEND_ONLY, LEADER_COMPLETENESS, LINEARIZABILITY, LOG_MATCHING, STATE_MACHINE_SAFETY,
};
use dsviz::sim::{Action, NetChange, NetConfig, NodeId, NodeStatus, Sim, SimRng, Time};

const MS: u64 = 1000;

/// The fault kinds a nemesis draws from, in the order of [`Chaos::weights`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Crash,
    Restart,
    Partition,
    Heal,
    Pause,
    TimeoutNow,
    Membership,
    CutLink,
    /// Cut the leader off together with one client.
    IsolateLeaderWithClient,
}

const FAULTS: [Fault; 9] = [
    Fault::Crash,
    Fault::Restart,
    Fault::Partition,
    Fault::Heal,
    Fault::Pause,
    Fault::TimeoutNow,
    Fault::Membership,
    Fault::CutLink,
    Fault::IsolateLeaderWithClient,
];

/// What a random run exercises.
#[derive(Clone, Copy, Debug)]
struct Chaos {
    /// Simulated length of the faulty part.
    length: Time,
    /// Mean gap between two faults, in ms.
    gap: u64,
    /// Relative weight of each fault kind (see [`FAULTS`]).
    weights: [u64; 9],
    /// Fixed servers and spares, instead of drawn ones.
    servers: Option<(u32, u32)>,
    no_op: Option<bool>,
    clients: Option<u32>,
    /// Clients' mean think time in ms, instead of a drawn one.
    think: Option<u64>,
    /// Whenever a server becomes leader, send it a membership change at once with this
    /// probability (reconfiguration during leader changes is where single-server changes
    /// are fragile).
    reconfigure_on_election: f64,
    /// Then cut one of its followers off with this probability.
    isolate_follower_on_election: f64,
    /// When a leader appends a configuration entry, cut it off (with the server it adds, if
    /// any) with this probability: a leader losing contact right after proposing a change.
    cut_after_change: f64,
}

/// The general nemesis of the property test.
const CHAOS: Chaos = Chaos {
    length: Time(1_200 * MS),
    gap: 60,
    weights: [2, 2, 1, 1, 1, 1, 1, 1, 1],
    servers: None,
    no_op: None,
    clients: None,
    think: None,
    reconfigure_on_election: 0.0,
    isolate_follower_on_election: 0.0,
    cut_after_change: 0.0,
};

fn random_config(rng: &mut SimRng, variant: Variant, chaos: Chaos) -> RaftConfig {
    // Every cluster size the scene offers, 9 included (its majorities of five are where
    // 3-3-3 and 5-2-2 splits differ).
    let servers = [3, 3, 5, 5, 5, 7, 9][rng.below(7) as usize];
    let spares = rng.below(2) as u32;
    let (servers, spares) = chaos.servers.unwrap_or((servers, spares));
    let no_op = rng.below(4) != 0;
    let clients = 1 + rng.below(2) as u32;
    let think = rng.between(10, 60);
    RaftConfig {
        servers,
        spares,
        clients: chaos.clients.unwrap_or(clients),
        pre_vote: rng.chance(0.5),
        check_quorum: rng.chance(0.5),
        conflict_hint: rng.chance(0.5),
        leader_no_op: chaos.no_op.unwrap_or(no_op),
        read_mode: if rng.chance(0.5) {
            ReadMode::Log
        } else {
            ReadMode::ReadIndex
        },
        snapshot_threshold: if rng.chance(0.5) {
            0
        } else {
            rng.between(3, 8) as u32
        },
        max_batch: rng.between(1, 8) as u32,
        workload: 30,
        think_time: Time(chaos.think.unwrap_or(think) * MS),
        variant,
        ..RaftConfig::default()
    }
}

fn random_net(rng: &mut SimRng) -> NetConfig {
    NetConfig {
        latency_min: Time(rng.between(2, 10) * MS),
        latency_max: Time(rng.between(10, 25) * MS),
        loss: [0.0, 0.02, 0.1][rng.below(3) as usize],
        duplicate: [0.0, 0.02, 0.1][rng.below(3) as usize],
    }
}

fn leads(sim: &Sim<RaftNode>, n: NodeId) -> bool {
    sim.status(n) == Some(NodeStatus::Up)
        && sim
            .node(n)
            .and_then(RaftNode::as_server)
            .is_some_and(|s| s.role() == Role::Leader)
}

/// Adds or removes a random server, sent to `to`.
fn membership_change(
    rng: &mut SimRng,
    sim: &Sim<RaftNode>,
    config: &RaftConfig,
    to: NodeId,
) -> Action<Cmd> {
    let target = NodeId(rng.below(u64::from(config.server_nodes())) as u32);
    let members = sim
        .node(to)
        .and_then(RaftNode::as_server)
        .map(|s| s.members());
    let cmd = match members {
        Some(m) if m.contains(target) && m.len() > 2 => Cmd::RemoveServer(target),
        _ => Cmd::AddServer(target),
    };
    Action::Command(to, cmd)
}

/// A fault chosen from the run's current state.
fn random_action(
    rng: &mut SimRng,
    sim: &Sim<RaftNode>,
    config: &RaftConfig,
    chaos: &Chaos,
) -> Action<Cmd> {
    let servers = u64::from(config.server_nodes());
    let any_server = NodeId(rng.below(servers) as u32);
    let mut pick = rng.below(chaos.weights.iter().sum());
    let index = chaos
        .weights
        .iter()
        .position(|w| {
            let hit = pick < *w;
            pick = pick.saturating_sub(*w);
            hit
        })
        .unwrap_or(0);
    let crashed: Vec<NodeId> = (0..config.server_nodes())
        .map(NodeId)
        .filter(|n| sim.status(*n) == Some(NodeStatus::Crashed))
        .collect();
    match FAULTS[index] {
        Fault::Crash => match leader(sim) {
            Some((l, _)) if rng.chance(0.6) => Action::Crash(l),
            _ => Action::Crash(any_server),
        },
        Fault::Restart if !crashed.is_empty() => {
            Action::Restart(crashed[rng.below(crashed.len() as u64) as usize])
        }
        Fault::Restart | Fault::Heal => Action::Network(NetChange::HealAll),
        Fault::Partition => {
            let group: Vec<NodeId> = (0..config.node_count())
                .map(NodeId)
                .filter(|_| rng.chance(0.4))
                .collect();
            Action::Network(NetChange::Partition { group })
        }
        Fault::Pause => Action::Pause(any_server, Some(Time(rng.between(20, 400) * MS))),
        Fault::TimeoutNow => Action::Command(any_server, Cmd::TimeoutNow),
        Fault::Membership => {
            // Any server that believes it leads, stale leaders included.
            let leaders: Vec<NodeId> = (0..config.server_nodes())
                .map(NodeId)
                .filter(|n| leads(sim, *n))
                .collect();
            let to = match leaders.len() as u64 {
                0 => any_server,
                n => leaders[rng.below(n) as usize],
            };
            membership_change(rng, sim, config, to)
        }
        Fault::CutLink => Action::Network(NetChange::Cut {
            from: any_server,
            to: NodeId(rng.below(u64::from(config.node_count())) as u32),
        }),
        Fault::IsolateLeaderWithClient => {
            let client = config.server_nodes() + rng.below(u64::from(config.clients.max(1))) as u32;
            let group = match leader(sim) {
                Some((l, _)) => vec![l, NodeId(client)],
                None => vec![any_server],
            };
            Action::Network(NetChange::Partition { group })
        }
    }
}

/// One seeded run, to its end or its first violation.
fn chaos_run(seed: u64, variant: Variant, chaos: Chaos) -> Sim<RaftNode> {
    let mut rng = SimRng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let config = random_config(&mut rng, variant, chaos);
    assert_eq!(config.validate(), Ok(()));
    let net = random_net(&mut rng);
    let mut sim = Sim::new(seed, nodes(&config), net, invariants());
    let mut next_fault = Time(rng.between(0, 2 * chaos.gap) * MS);
    let mut leaders_seen: Vec<(NodeId, u64)> = Vec::new();
    let mut changes_seen: Vec<(NodeId, u64)> = Vec::new();
    while sim.now() < chaos.length && sim.violations().iter().all(Option::is_none) {
        if sim.next_event_time().is_none_or(|t| t > next_fault) {
            let action = random_action(&mut rng, &sim, &config, &chaos);
            sim.apply(&action, next_fault, None);
            next_fault = next_fault.saturating_add(Time(rng.between(1, 2 * chaos.gap) * MS));
            continue;
        }
        sim.step(None);
        if chaos.cut_after_change > 0.0 {
            for n in (0..config.server_nodes()).map(NodeId) {
                let Some(s) = sim.node(n).and_then(RaftNode::as_server) else {
                    continue;
                };
                let index = s.log().members_index();
                if leads(&sim, n) && index > s.commit_index() && !changes_seen.contains(&(n, index))
                {
                    changes_seen.push((n, index));
                    if rng.chance(chaos.cut_after_change) {
                        let added = s
                            .members()
                            .iter()
                            .find(|m| s.log().previous_members().is_some_and(|p| !p.contains(*m)));
                        let group: Vec<NodeId> = std::iter::once(n).chain(added).collect();
                        let action = Action::Network(NetChange::Partition { group });
                        let now = sim.now();
                        sim.apply(&action, now, None);
                    }
                }
            }
        }
        if chaos.reconfigure_on_election + chaos.isolate_follower_on_election > 0.0 {
            for n in (0..config.server_nodes()).map(NodeId) {
                let term = sim
                    .node(n)
                    .and_then(RaftNode::as_server)
                    .map_or(0, |s| s.current_term());
                if leads(&sim, n) && !leaders_seen.contains(&(n, term)) {
                    leaders_seen.push((n, term));
                    if rng.chance(chaos.reconfigure_on_election) {
                        let action = membership_change(&mut rng, &sim, &config, n);
                        let now = sim.now();
                        sim.apply(&action, now, None);
                    }
                    if rng.chance(chaos.isolate_follower_on_election) {
                        let others = u64::from(config.server_nodes() - 1);
                        let mut follower = NodeId(rng.below(others) as u32);
                        if follower >= n {
                            follower.0 += 1;
                        }
                        let group = vec![follower];
                        let action = Action::Network(NetChange::Partition { group });
                        let now = sim.now();
                        sim.apply(&action, now, None);
                    }
                }
            }
        }
    }
    // Heal, restart everyone, and let the cluster settle, so that late commits and reads
    // are checked too.
    let now = sim.now();
    sim.apply(&Action::Network(NetChange::HealAll), now, None);
    for n in (0..config.node_count()).map(NodeId) {
        if sim.status(n) == Some(NodeStatus::Crashed) {
            let now = sim.now();
            sim.apply(&Action::Restart(n), now, None);
        }
    }
    let end = sim.now().saturating_add(Time(500 * MS));
    while sim.next_event_time().is_some_and(|t| t <= end) {
        sim.step(None);
    }
    sim
}

/// The names of the invariants that failed, and the first message.
fn violations(sim: &Sim<RaftNode>) -> (Vec<&'static str>, Option<String>) {
    let mut names = Vec::new();
    let mut first = None;
    for (inv, v) in sim.invariants().iter().zip(sim.violations()) {
        if let Some(v) = v {
            names.push(inv.name);
            first.get_or_insert_with(|| v.message.to_string());
        }
    }
    (names, first)
}

#[test]
fn the_correct_protocol_keeps_every_invariant_under_random_faults() {
    let runs = 10_000u64;
    let (mut committed_runs, mut operations, mut nine_runs) = (0, 0, 0);
    for seed in 0..runs {
        let sim = chaos_run(seed, Variant::Correct, CHAOS);
        if let (names, Some(message)) = violations(&sim) {
            panic!("seed {seed}: {names:?} violated: {message}");
        }
        // Nine servers (and a spare or not): nine or ten server nodes.
        let server_nodes = sim
            .nodes()
            .iter()
            .filter(|(_, n, _)| n.as_server().is_some())
            .count();
        if server_nodes >= 9 {
            nine_runs += 1;
        }
        let servers = sim
            .nodes()
            .iter()
            .filter_map(|(_, n, _)| n.as_server().cloned());
        if servers.map(|s| s.commit_index()).max() > Some(1) {
            committed_runs += 1;
        }
        operations += sim
            .nodes()
            .iter()
            .filter_map(|(_, n, _)| n.as_client().map(|c| c.completed()))
            .sum::<usize>();
    }
    assert!(
        nine_runs > runs / 10,
        "only {nine_runs} runs had nine servers"
    );
    // The runs did real work under the faults, not just elections.
    assert!(
        committed_runs > runs * 9 / 10,
        "only {committed_runs} runs committed an entry"
    );
    assert!(
        operations as u64 > runs * 3,
        "only {operations} operations completed"
    );
}

/// The nemeses that find each broken variant, how many seeds each may need, and what must
/// go red. Measured first hits: commit-old-term seed 48 (about 1 run in 50 fails),
/// vote-any-log 16, volatile-vote 23, local-reads 334; change-early, the subtlest, needs an
/// even configuration and two overlapping changes from leaders of different terms: about
/// 1 run in 1,000 fails, first at seed 432.
fn searches() -> Vec<(Variant, Chaos, u64, &'static [&'static str])> {
    let figure_3: &[&str] = &[
        ELECTION_SAFETY,
        LEADER_APPEND_ONLY,
        LOG_MATCHING,
        LEADER_COMPLETENESS,
        STATE_MACHINE_SAFETY,
    ];
    // Few writes and no no-op: leaders often hold entries of older terms only.
    let quiet = Chaos {
        length: Time(8_000 * MS),
        no_op: Some(false),
        clients: Some(1),
        think: Some(200),
        ..CHAOS
    };
    vec![
        (
            Variant::CommitOldTerm,
            Chaos {
                servers: Some((3, 0)),
                weights: [1, 2, 0, 2, 0, 0, 0, 0, 4],
                gap: 80,
                ..quiet
            },
            1_000,
            &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
        ),
        (
            Variant::VoteWithoutLogCheck,
            CHAOS,
            1_000,
            &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
        ),
        (
            Variant::VolatileVote,
            Chaos {
                weights: [4, 4, 0, 0, 0, 2, 0, 0, 0],
                gap: 30,
                ..CHAOS
            },
            1_000,
            &[ELECTION_SAFETY],
        ),
        (
            Variant::ChangeWithoutTermRule,
            Chaos {
                servers: Some((3, 2)),
                no_op: Some(true),
                weights: [2, 2, 1, 2, 0, 1, 2, 0, 0],
                gap: 50,
                reconfigure_on_election: 0.7,
                cut_after_change: 0.5,
                ..quiet
            },
            5_000,
            figure_3,
        ),
        (Variant::LocalReads, CHAOS, 1_000, &[LINEARIZABILITY]),
    ]
}

#[test]
fn a_seed_search_finds_every_broken_variant() {
    for (variant, chaos, limit, expected) in searches() {
        let found = (0..limit).find_map(|seed| {
            let (names, _) = violations(&chaos_run(seed, variant, chaos));
            (!names.is_empty()).then_some((seed, names))
        });
        let Some((seed, names)) = found else {
            panic!("{variant}: no violation within {limit} seeds");
        };
        println!("{variant}: seed {seed} breaks {names:?}");
        assert!(
            names.iter().any(|n| expected.contains(n)),
            "{variant}: seed {seed} broke {names:?}, expected one of {expected:?}"
        );
    }
}

/// The targeted nemeses are not unfair: under them the correct protocol stays safe.
#[test]
fn the_targeted_nemeses_do_not_break_the_correct_protocol() {
    for (variant, chaos, _, _) in searches() {
        for seed in 0..150 {
            let sim = chaos_run(seed, Variant::Correct, chaos);
            if let (names, Some(message)) = violations(&sim) {
                panic!("nemesis for {variant}, seed {seed}: {names:?} violated: {message}");
            }
        }
    }
}

#[test]
fn a_seed_replays_the_same_run() {
    for seed in [3, 77] {
        let a = chaos_run(seed, Variant::Correct, CHAOS);
        let b = chaos_run(seed, Variant::Correct, CHAOS);
        assert_eq!(a.step_count(), b.step_count());
        assert_eq!(a.fingerprint(), b.fingerprint(), "seed {seed}");
    }
}
