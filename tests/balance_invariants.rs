//! The load-balancing scene's live invariants (request and attempt conservation, open
//! counts, server limits, no traffic to an unavailable server):
//! - they hold at every step of every scenario under every strategy, with random faults
//!   (servers and balancers crashed, restarted and paused, links cut and healed, messages
//!   dropped, a lossy and duplicating network), and each run, drained, ends every request;
//! - beyond what the invariants can see (node states only), the kernel's own view agrees:
//!   every request in progress is in exactly one place (a message on its way to a
//!   balancer, an attempt open at one, or an answer on its way back) when nothing was lost,
//!   and the timers the node flags promise are really set;
//! - each invariant can fail: a node's books broken on purpose (`tamper`) is reported by
//!   the invariant meant to catch it, and an untouched copy of the same state is not.
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort
use dsviz::algo::balance::scenarios::{scenario, scenarios, Scenario};
use dsviz::algo::balance::tamper::Tamper;
use dsviz::algo::balance::{
    invariants, layout, net_config, new_sim, nodes, BalanceConfig, BalanceNode, Cmd, Msg, Note,
    Strategy, Timer, BALANCER_ATTEMPTS, BALANCER_REQUESTS, CONSERVATION, NO_TRAFFIC_TO_KNOWN_DOWN,
    NO_TRAFFIC_TO_UNAVAILABLE, OPEN_COUNTS, SERVER_ATTEMPTS, SERVER_LIMITS,
};
use dsviz::sim::{Action, NetChange, NetConfig, NodeId, NodeStatus, Sim, SimRng, Time, TraceKind};
use std::collections::BTreeMap;

/// How long each property run lasts before its traffic stops (the scenarios' faults all
/// come within their first five seconds).
const RUN_FOR: Time = Time::from_millis(7_000);

/// What kinds of fault a run gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Faults {
    /// Servers crash, restart and pause, balancer-server links are cut and healed: nothing
    /// between the clients and the balancers is ever lost.
    BehindTheBalancers,
    /// Everything, including balancers crashed, restarted and paused, dropped messages
    /// anywhere and a network that loses and duplicates.
    Anywhere,
}

/// Random faults at random moments of the run.
fn random_actions(
    rng: &mut SimRng,
    config: &BalanceConfig,
    faults: Faults,
) -> Vec<(Time, Action<Cmd>)> {
    let l = layout(config);
    let mut out = Vec::new();
    for _ in 0..8 {
        let server = l.servers[rng.below(l.servers.len() as u64) as usize];
        let balancer = l.balancers[rng.below(l.balancers.len() as u64) as usize];
        let kinds = if faults == Faults::Anywhere { 10 } else { 7 };
        let pause = Some(Time::from_millis(rng.between(50, 1_500)));
        let action = match rng.below(kinds) {
            0 => Action::Crash(server),
            1 => Action::Restart(server),
            2 => Action::Network(NetChange::Cut {
                from: balancer,
                to: server,
            }),
            3 => Action::Network(NetChange::Cut {
                from: server,
                to: balancer,
            }),
            4 => Action::Network(NetChange::HealAll),
            5 => Action::Command(server, Cmd::Slow(rng.between(1, 6) as u32)),
            6 => Action::Pause(server, pause),
            7 => Action::Crash(balancer),
            8 => Action::Pause(balancer, pause),
            _ => Action::Restart(balancer),
        };
        out.push((Time::from_millis(rng.between(0, 6_000)), action));
    }
    out.sort_by_key(|a| a.0);
    out
}

/// Where each request the clients still wait for is, in the kernel's view: how many
/// places hold it (a request message to a balancer, an open attempt, an answer on its way
/// back).
fn places_of_requests_in_progress(sim: &Sim<BalanceNode>) -> BTreeMap<u64, u32> {
    let client = sim
        .node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .expect("client");
    let mut places: BTreeMap<u64, u32> = client.outstanding().map(|(id, _)| (id, 0)).collect();
    let mut count = |id: u64| {
        if let Some(n) = places.get_mut(&id) {
            *n += 1;
        }
    };
    for m in sim.in_flight() {
        match &m.msg {
            Msg::Request { request: r, .. } => count(r.id),
            Msg::Answer { id, .. } => count(*id),
            _ => {}
        }
    }
    for (_, node, _) in sim.nodes().iter() {
        if let Some(b) = node.as_balancer() {
            for f in b.forwarded() {
                count(f.request.id);
            }
        }
    }
    places
}

/// The kernel's timers agree with what the nodes' flags promise (the invariants read the
/// flags): the clients' deadline while requests are in progress, a balancer's timeout while
/// attempts are open, and a service timer for every request in service; and no server
/// holds one attempt twice (too costly for a live invariant with queues of thousands).
fn check_timers(sim: &Sim<BalanceNode>, what: &str) {
    for (id, node, status) in sim.nodes().iter() {
        if status != NodeStatus::Up {
            continue;
        }
        let timers: Vec<&Timer> = sim.timers_of(id).collect();
        match node {
            BalanceNode::Client(c) if c.in_progress() > 0 => assert!(
                timers.contains(&&Timer::Deadline),
                "{what}: {} requests in progress and no deadline timer",
                c.in_progress()
            ),
            BalanceNode::Balancer(b) if b.forwarded().next().is_some() => assert!(
                timers.contains(&&Timer::Upstream),
                "{what}: balancer {} awaits attempts with no timeout timer",
                b.index() + 1
            ),
            BalanceNode::Server(s) => {
                let mut held = std::collections::BTreeSet::new();
                let jobs = s.queued().chain(s.running().iter().map(|r| &r.job));
                for job in jobs {
                    assert!(
                        held.insert((job.balancer, job.request.id)),
                        "{what}: server {} holds request {} twice",
                        s.index() + 1,
                        job.request.id
                    );
                }
                for r in s.running() {
                    assert!(
                        timers.contains(&&Timer::Done(r.job.request.id)),
                        "{what}: server {} serves request {} with no timer to end it",
                        s.index() + 1,
                        r.job.request.id
                    );
                }
            }
            _ => {}
        }
    }
}

fn assert_no_violation(sim: &Sim<BalanceNode>, what: &str) {
    for (inv, v) in sim.invariants().iter().zip(sim.violations()) {
        if let Some(v) = v {
            panic!(
                "{what}: \"{}\" violated at step {} ({}): {}",
                inv.name, v.step, v.time, v.message
            );
        }
    }
}

#[derive(Default)]
struct Seen {
    runs: u64,
    located: u64,
    lost_somewhere: u64,
    retries: u64,
    duplicates: u64,
    lost_in_balancer_crash: u64,
}

/// One run: the scenario's configuration under `strategy`, its own actions and `faults`,
/// stopped at [`RUN_FOR`] and drained. Checks the invariants and the kernel's view.
fn run(sc: &Scenario, strategy: Strategy, seed: u64, faults: Faults, seen: &mut Seen) {
    let what = format!(
        "scenario {} with {strategy:?}, {faults:?}, seed {seed}",
        sc.info.id
    );
    let config = BalanceConfig {
        strategy,
        ..sc.config.clone()
    };
    let mut rng = SimRng::new(seed ^ 0x1a7a);
    let mut actions: Vec<(Time, Action<Cmd>)> = sc
        .actions
        .iter()
        .map(|a| (a.at, a.action.clone()))
        .filter(|a| a.0 < RUN_FOR)
        .collect();
    actions.extend(random_actions(&mut rng, &config, faults));
    actions.sort_by_key(|a| a.0);
    let net = match faults {
        Faults::BehindTheBalancers => net_config(&config),
        Faults::Anywhere => NetConfig {
            loss: 0.02,
            duplicate: 0.05,
            ..net_config(&config)
        },
    };
    let mut sim = Sim::new(seed, nodes(seed, &config), net, invariants());
    let stop = Action::Command(NodeId(0), Cmd::Stop);
    actions.push((RUN_FOR, stop));
    let drained = RUN_FOR
        .saturating_add(config.client_timeout)
        .saturating_add(Time::from_millis(100));
    let mut pending = actions.into_iter().peekable();
    let mut steps = 0u64;
    while let Some(t) = sim.next_event_time().filter(|&t| t <= drained) {
        while let Some((at, action)) = pending.next_if(|a| a.0 <= t) {
            sim.apply(&action, at, None);
        }
        sim.step(None);
        steps += 1;
        if faults == Faults::Anywhere && rng.below(400) == 0 {
            // Drop one message in flight, any kind, on any link.
            let flying: Vec<_> = sim.in_flight().map(|m| m.id).collect();
            if !flying.is_empty() {
                let id = flying[rng.below(flying.len() as u64) as usize];
                sim.apply(&Action::DropMessage(id), sim.now(), None);
            }
        }
        if steps % 64 == 0 {
            assert_no_violation(&sim, &what);
            check_timers(&sim, &what);
            for (id, n) in places_of_requests_in_progress(&sim) {
                if faults == Faults::BehindTheBalancers {
                    assert_eq!(n, 1, "{what}: request {id} in progress is in {n} places");
                    seen.located += 1;
                } else if n == 0 {
                    // Lost on its way: only the clients' deadline (checked above) ends it.
                    seen.lost_somewhere += 1;
                }
            }
        }
    }
    assert_no_violation(&sim, &what);
    let client = sim
        .node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .expect("client");
    assert_eq!(
        client.in_progress(),
        0,
        "{what}: requests still in progress"
    );
    let t = client.totals();
    assert!(
        t.arrived > 100,
        "{what}: too little traffic ({})",
        t.arrived
    );
    assert_eq!(t.arrived, t.ended(), "{what}: {t:?}");
    for (_, node, _) in sim.nodes().iter() {
        if let Some(b) = node.as_balancer() {
            let l = b.ledger();
            seen.retries += l.retries;
            seen.duplicates += l.duplicates_ignored;
            seen.lost_in_balancer_crash += l.lost_in_crash;
        }
        if let Some(s) = node.as_server() {
            seen.duplicates += s.stats().duplicates_ignored;
        }
    }
    seen.runs += 1;
}

#[test]
fn the_invariants_hold_in_every_scenario_and_strategy_under_faults() {
    let mut seen = Seen::default();
    let all = scenarios();
    assert!(all.len() >= 8, "only {} scenarios", all.len());
    for (k, info) in all.iter().enumerate() {
        let sc = scenario(info.id).expect("a listed scenario");
        for (j, strategy) in Strategy::ALL.into_iter().enumerate() {
            let seed = (k * 8 + j) as u64;
            let faults = if seed % 2 == 0 {
                Faults::BehindTheBalancers
            } else {
                Faults::Anywhere
            };
            run(&sc, strategy, seed, faults, &mut seen);
        }
    }
    assert_eq!(seen.runs, all.len() as u64 * 8);
    // The runs did reach what the properties are about.
    assert!(
        seen.located > 1_000,
        "too few requests located: {}",
        seen.located
    );
    assert!(
        seen.lost_somewhere > 0,
        "no request was ever lost on its way"
    );
    assert!(seen.retries > 0, "no request was retried");
    assert!(
        seen.duplicates > 0,
        "the network never duplicated a request"
    );
    assert!(
        seen.lost_in_balancer_crash > 0,
        "no balancer crash forgot an open request"
    );
}

/// A network that duplicates every message: each request reaches its balancer twice and
/// each attempt its server twice. The copies are ignored (TCP would never deliver them),
/// so no request is served twice nor holds a slot for ever.
#[test]
fn a_network_that_duplicates_everything_serves_each_attempt_once() {
    let config = BalanceConfig {
        strategy: Strategy::LeastConnections,
        ..BalanceConfig::default()
    };
    let net = NetConfig {
        duplicate: 1.0,
        ..net_config(&config)
    };
    let mut sim = Sim::new(5, nodes(5, &config), net, invariants());
    let stop_at = Time::from_millis(3_000);
    while sim.next_event_time().is_some_and(|t| t <= stop_at) {
        sim.step(None);
        check_timers(&sim, "duplicating network");
    }
    sim.apply(&Action::Command(NodeId(0), Cmd::Stop), stop_at, None);
    while sim
        .next_event_time()
        .is_some_and(|t| t <= Time::from_millis(7_000))
    {
        sim.step(None);
    }
    assert_no_violation(&sim, "duplicating network");
    let mut held = 0;
    let (mut copies, mut served, mut received) = (0, 0, 0);
    for (_, node, _) in sim.nodes().iter() {
        if let Some(s) = node.as_server() {
            let st = s.stats();
            copies += st.duplicates_ignored;
            served += st.served;
            received += st.received;
            held += s.in_service() + s.queue_len();
        }
        if let Some(b) = node.as_balancer() {
            copies += b.ledger().duplicates_ignored;
        }
    }
    let client = sim
        .node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .expect("client");
    let t = client.totals();
    assert!(
        copies > t.arrived,
        "only {copies} copies for {} requests",
        t.arrived
    );
    assert_eq!(
        held, 0,
        "servers still hold requests long after the traffic stopped"
    );
    assert_eq!(served, received, "a server did not serve what it received");
    assert_eq!(t.completed, t.arrived, "{t:?}");
}

/// A copy the network duplicated that arrives *after* the request was answered (issue 13):
/// TCP discards it however late it comes, so neither a balancer nor a server takes it for a
/// new request. Every message is duplicated, each copy with its own latency of 1 to 400
/// ms, so many copies arrive long after their request was served and answered. Each
/// request is still received once by one balancer, each attempt once by one server, and
/// every attempt received ends once; late copies were seen at both.
#[test]
fn a_copy_that_arrives_after_the_answer_is_ignored_too() {
    let config = BalanceConfig {
        strategy: Strategy::LeastConnections,
        ..BalanceConfig::default()
    };
    let net = NetConfig {
        duplicate: 1.0,
        latency_min: Time::from_millis(1),
        latency_max: Time::from_millis(400),
        ..net_config(&config)
    };
    let mut sim = Sim::new(9, nodes(9, &config), net, invariants());
    let stop_at = Time::from_millis(2_000);
    let mut trace = Vec::new();
    let (mut late_at_balancers, mut late_at_servers) = (0, 0);
    while sim
        .next_event_time()
        .is_some_and(|t| t <= Time::from_millis(8_000))
    {
        if sim.next_event_time().is_some_and(|t| t > stop_at) && !stopped(&sim) {
            sim.apply(&Action::Command(NodeId(0), Cmd::Stop), stop_at, None);
        }
        sim.step(Some(&mut trace));
        for e in trace.drain(..) {
            let TraceKind::Note {
                node,
                note: Note::DuplicateIgnored { id },
            } = e.kind
            else {
                continue;
            };
            // Ignoring a copy changes nothing held, so the world after the step tells
            // whether the node still held the request when the copy came.
            match sim.node(node) {
                Some(BalanceNode::Balancer(b)) if b.forwarded().all(|f| f.request.id != id) => {
                    late_at_balancers += 1
                }
                Some(BalanceNode::Server(s))
                    if s.queued()
                        .chain(s.running().iter().map(|r| &r.job))
                        .all(|j| j.request.id != id) =>
                {
                    late_at_servers += 1
                }
                _ => {}
            }
        }
    }
    assert_no_violation(&sim, "late copies");
    let t = sim
        .node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .expect("client")
        .totals();
    let (mut routed, mut attempts, mut received, mut ended) = (0, 0, 0, 0);
    for (_, node, _) in sim.nodes().iter() {
        if let Some(b) = node.as_balancer() {
            routed += b.ledger().received;
            attempts += b.ledger().attempts_sent;
        }
        if let Some(s) = node.as_server() {
            received += s.stats().received;
            ended += s.stats().ended();
        }
    }
    println!(
        "{} requests; late copies ignored: {late_at_balancers} at balancers, \
         {late_at_servers} at servers",
        t.arrived
    );
    assert!(t.arrived > 100, "too little traffic: {t:?}");
    assert!(
        late_at_balancers > 0 && late_at_servers > 0,
        "no copy came after its answer: {late_at_balancers} {late_at_servers}"
    );
    assert_eq!(routed, t.arrived, "each request is routed once");
    assert_eq!(received, attempts, "each attempt is received once");
    assert_eq!(ended, received, "each attempt received ends once");
    assert_eq!(t.ended(), t.arrived, "{t:?}");
}

fn stopped(sim: &Sim<BalanceNode>) -> bool {
    sim.node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .is_some_and(|c| c.is_stopped())
}

/// The base for breaking books: round robin with per-try timeouts and retries, no passive
/// ejection, two balancers, the fourth server slowed: at 3.5 s there are queues, retries,
/// open attempts and answers.
fn busy_world() -> (BalanceConfig, Sim<BalanceNode>) {
    let sc = scenario("slow-eject").expect("slow-eject");
    let mut config = sc.config.clone();
    config.outlier.enabled = false;
    config.balancers = 2;
    let mut sim = new_sim(7, &config);
    let until = Time::from_millis(3_500);
    let mut pending = sc.actions.iter().peekable();
    while let Some(t) = sim.next_event_time().filter(|&t| t <= until) {
        while let Some(a) = pending.next_if(|a| a.at <= t) {
            sim.apply(&a.action, a.at, None);
        }
        sim.step(None);
    }
    assert_no_violation(&sim, "the busy world");
    (config, sim)
}

/// The invariants' verdicts (name, violated) on `nodes` after one step of a fresh kernel:
/// the first step only starts the clients, which changes none of their books.
fn verdicts(config: &BalanceConfig, nodes: Vec<BalanceNode>) -> BTreeMap<&'static str, bool> {
    let mut sim = Sim::new(7, nodes, net_config(config), invariants());
    assert!(sim.step(None), "nothing to step");
    sim.invariants()
        .iter()
        .zip(sim.violations())
        .map(|(inv, v)| (inv.name, v.is_some()))
        .collect()
}

/// Breaks the first node (or every node, with `all`) that `tamper` fits and returns the
/// invariants that fire; asserts the same state untouched fires none.
fn fired_after(tamper: Tamper, all: bool) -> Vec<&'static str> {
    let (config, sim) = busy_world();
    let clean: Vec<BalanceNode> = sim.nodes().iter().map(|(_, n, _)| n.clone()).collect();
    let untouched = verdicts(&config, clean.clone());
    assert!(
        untouched.values().all(|v| !v) && untouched.len() == 8,
        "the untouched state already fails: {untouched:?}"
    );
    let mut broken = clean;
    let mut done = 0;
    for node in &mut broken {
        if (all || done == 0) && node.tamper(tamper) {
            done += 1;
        }
    }
    assert!(done > 0, "{tamper:?}: nothing in the busy world to break");
    verdicts(&config, broken)
        .into_iter()
        .filter_map(|(name, fired)| fired.then_some(name))
        .collect()
}

#[test]
fn a_lost_or_double_counted_request_breaks_request_conservation() {
    for tamper in [
        Tamper::ForgetRequest,
        Tamper::CountCompletionTwice,
        Tamper::DisarmDeadline,
    ] {
        assert_eq!(fired_after(tamper, false), [CONSERVATION], "{tamper:?}");
    }
}

#[test]
fn an_answer_counted_twice_or_a_retry_counted_as_a_request_breaks_the_balancers_request_books() {
    for tamper in [Tamper::CountAnswerTwice, Tamper::RetryCountedAsRequest] {
        assert_eq!(
            fired_after(tamper, false),
            [BALANCER_REQUESTS],
            "{tamper:?}"
        );
    }
}

#[test]
fn a_retry_that_sent_no_attempt_breaks_attempt_conservation() {
    assert_eq!(
        fired_after(Tamper::RetryWithoutAttempt, false),
        [BALANCER_ATTEMPTS]
    );
}

#[test]
fn a_miscounted_open_request_or_a_forgotten_deadline_breaks_the_open_counts() {
    for tamper in [Tamper::MiscountOpen, Tamper::ForgetDeadline] {
        assert_eq!(fired_after(tamper, false), [OPEN_COUNTS], "{tamper:?}");
    }
}

#[test]
fn a_request_lost_from_a_queue_breaks_the_servers_books() {
    assert_eq!(fired_after(Tamper::LoseQueued, false), [SERVER_ATTEMPTS]);
}

#[test]
fn a_request_served_beyond_the_slots_breaks_the_limits() {
    assert_eq!(
        fired_after(Tamper::StartBeyondSlots, false),
        [SERVER_LIMITS]
    );
}

/// One balancer sending to a server it holds unavailable breaks the per-balancer
/// invariant only: the other balancer still uses the server, so it is not known down
/// everywhere. When both do it, the server-side invariant fires too.
#[test]
fn traffic_to_a_server_its_balancer_holds_unavailable_is_reported() {
    assert_eq!(
        fired_after(Tamper::BackdateUnavailable { server: 0 }, false),
        [NO_TRAFFIC_TO_UNAVAILABLE]
    );
    let mut both = fired_after(Tamper::BackdateUnavailable { server: 0 }, true);
    both.sort_unstable();
    let mut expected = [NO_TRAFFIC_TO_KNOWN_DOWN, NO_TRAFFIC_TO_UNAVAILABLE];
    expected.sort_unstable();
    assert_eq!(both, expected);
}
