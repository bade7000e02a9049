//! Ready-made runs of the scene. Each has a configuration, faults at fixed moments of
//! simulated time (so both sides of a comparison get them at the same moment), and the
//! configuration it is best compared with.
use super::compare::TimedAction;
use super::config::{BalanceConfig, RateStep, ServerSpec, TrafficConfig};
use super::messages::{Cmd, Layout};
use super::strategy::Strategy;
use super::{layout, BalanceNode};
use crate::sim::scenario::Trigger;
use crate::sim::{Action, Time};

pub use crate::sim::scenario::ScenarioInfo;

const SCENARIOS: [ScenarioInfo; 7] = [
    ScenarioInfo {
        id: "rising-load",
        title: "Even servers under rising load",
        description: "Four equal servers behind one balancer; the offered load climbs every \
                      five seconds from half of their capacity to 110%. Round robin is \
                      compared with power of two choices on the same requests: both are \
                      fine at half load, but as utilisation nears 100% the random bad luck \
                      of where a long request lands decides the tail, and choosing the less \
                      loaded of two keeps the p99 down until the servers are simply full, \
                      when the bounded queues start rejecting.",
    },
    ScenarioInfo {
        id: "slow-server",
        title: "One slow server of four: round robin against power of two choices",
        description: "At 60% load, the fourth server becomes five times slower at 2 s. It \
                      still answers its health checks, so nothing marks it down. Round robin \
                      keeps giving it a quarter of the requests; its queue fills and its \
                      requests wait seconds or are rejected. Power of two choices compares \
                      open requests, sees its queue, and sends it only what it can serve.",
    },
    ScenarioInfo {
        id: "weighted",
        title: "Heterogeneous servers with smooth weighted round robin",
        description: "One server is three times as fast as the other three, and has weight \
                      3. nginx's smooth weighted round robin gives it three requests in six, \
                      interleaved (a, b, a, c, a, d, ...) rather than in a burst, and every \
                      server runs at the same utilisation. Compared with plain round robin, \
                      which gives every server a quarter: the three slow ones are pushed past \
                      their capacity while the fast one idles.",
    },
    ScenarioInfo {
        id: "herd",
        title: "Many balancers with least connections (the herd)",
        description: "Eight balancers share four servers and each counts only its own open \
                      requests. The fourth server becomes five times slower at 2 s. With one \
                      balancer, least connections would see the slow server's requests pile \
                      up; here each balancer holds an eighth of them, its counts are mostly \
                      zero for every server, and its ties are broken in turn, so all eight \
                      keep sending the slow server its full share, each making the same \
                      locally sensible choice. Compare power of two choices on the same eight \
                      balancers, and least connections with one balancer.",
    },
    ScenarioInfo {
        id: "crash-health",
        title: "A crash with active versus passive health checks",
        description: "The second server crashes at 3 s and comes back at 10 s. With active \
                      checks every 500 ms and fall 3, the balancer stops sending to it about \
                      1.5 s after the crash, and requests sent before then fail after the 1 s \
                      upstream timeout; after the restart, rise 2 brings it back within a \
                      second. With passive ejection only, five timed-out requests eject it \
                      for 3 s, then 6 s, then 9 s: between ejections it is tried again with \
                      real requests, which fail.",
    },
    ScenarioInfo {
        id: "sticky-loss",
        title: "Sticky sessions through a server loss, with bounded loads",
        description: "Requests carry one of 1000 session keys and are routed by consistent \
                      hashing of the key. The third server crashes at 4 s and restarts at \
                      10 s. Plain consistent hashing moves only the lost server's sessions \
                      (every move is forced) and moves them back when it returns. Bounded \
                      loads (c = 1.25) also caps every server at 1.25 times the balancer's \
                      mean load, which moves sessions whose home is busy: compare its moves \
                      with the forced minimum.",
    },
    ScenarioInfo {
        id: "surge",
        title: "A surge against bounded queues",
        description: "At 3 s the traffic triples for 4 s, well past the servers' capacity. \
                      With queues of 8 per server, the excess is rejected at once (503s) and \
                      the requests that are accepted keep a bounded latency. Compared with \
                      queues of 1000: nothing is rejected, but every request waits behind the \
                      backlog, latencies climb for seconds after the surge ends, and many \
                      time out, which is worse for everyone.",
    },
];

pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.to_vec()
}

/// A ready-made run.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub info: ScenarioInfo,
    pub config: BalanceConfig,
    /// The configuration to compare with, and a short label for each side.
    pub label: &'static str,
    pub partner: Option<(&'static str, BalanceConfig)>,
    pub actions: Vec<TimedAction>,
    /// How long the scenario is meant to run.
    pub run_for: Time,
}

fn traffic_at(per_second: u32) -> TrafficConfig {
    TrafficConfig {
        rate: vec![RateStep {
            from: Time::ZERO,
            per_second,
        }],
        ..TrafficConfig::default()
    }
}

fn with(strategy: Strategy, base: &BalanceConfig) -> BalanceConfig {
    BalanceConfig {
        strategy,
        ..base.clone()
    }
}

fn at_ms(ms: u64, action: Action<Cmd>) -> TimedAction {
    TimedAction {
        at: Time::from_millis(ms),
        action,
    }
}

fn server(layout: &Layout, index: u32) -> crate::sim::NodeId {
    layout.server(index)
}

/// The scenario called `id`.
pub fn scenario(id: &str) -> Option<Scenario> {
    let info = *SCENARIOS.iter().find(|s| s.id == id)?;
    let base = BalanceConfig::default();
    let (label, config, partner, actions, run_for) = match id {
        "rising-load" => {
            let rate = [200, 280, 360, 400, 440]
                .iter()
                .enumerate()
                .map(|(i, &per_second)| RateStep {
                    from: Time::from_millis(5_000 * i as u64),
                    per_second,
                })
                .collect();
            let config = BalanceConfig {
                traffic: TrafficConfig {
                    rate,
                    ..TrafficConfig::default()
                },
                ..base
            };
            let partner = with(Strategy::TwoChoices, &config);
            (
                "round robin",
                config,
                Some(("two choices", partner)),
                vec![],
                25_000,
            )
        }
        "slow-server" => {
            let config = BalanceConfig {
                traffic: traffic_at(240),
                ..base
            };
            let l = layout(&config);
            let actions = vec![at_ms(2_000, Action::Command(server(&l, 3), Cmd::Slow(5)))];
            let partner = with(Strategy::TwoChoices, &config);
            (
                "round robin",
                config,
                Some(("two choices", partner)),
                actions,
                20_000,
            )
        }
        "weighted" => {
            let mut servers = vec![ServerSpec::default(); 4];
            servers[0].speed_permille = 3_000;
            servers[0].weight = 3;
            let config = BalanceConfig {
                strategy: Strategy::SmoothWeighted,
                servers,
                traffic: traffic_at(420),
                ..base
            };
            let partner = with(Strategy::RoundRobin, &config);
            (
                "smooth weighted",
                config,
                Some(("round robin", partner)),
                vec![],
                20_000,
            )
        }
        "herd" => {
            let config = BalanceConfig {
                strategy: Strategy::LeastConnections,
                balancers: 8,
                traffic: traffic_at(240),
                ..base
            };
            let l = layout(&config);
            let actions = vec![at_ms(2_000, Action::Command(server(&l, 3), Cmd::Slow(5)))];
            let partner = with(Strategy::TwoChoices, &config);
            (
                "least connections",
                config,
                Some(("two choices", partner)),
                actions,
                20_000,
            )
        }
        "crash-health" => {
            let mut active = BalanceConfig {
                traffic: traffic_at(240),
                ..base
            };
            active.outlier.enabled = false;
            let mut passive = active.clone();
            passive.active_health.enabled = false;
            passive.outlier.enabled = true;
            let l = layout(&active);
            let actions = vec![
                at_ms(3_000, Action::Crash(server(&l, 1))),
                at_ms(10_000, Action::Restart(server(&l, 1))),
            ];
            (
                "active checks",
                active,
                Some(("passive ejection", passive)),
                actions,
                20_000,
            )
        }
        "sticky-loss" => {
            let config = BalanceConfig {
                strategy: Strategy::Ring,
                traffic: traffic_at(240),
                ..base
            };
            let l = layout(&config);
            let actions = vec![
                at_ms(4_000, Action::Crash(server(&l, 2))),
                at_ms(10_000, Action::Restart(server(&l, 2))),
            ];
            let partner = with(Strategy::BoundedLoad, &config);
            (
                "consistent hashing",
                config,
                Some(("bounded loads", partner)),
                actions,
                16_000,
            )
        }
        "surge" => {
            let mut config = BalanceConfig {
                strategy: Strategy::TwoChoices,
                traffic: traffic_at(280),
                ..base
            };
            for s in &mut config.servers {
                s.queue_limit = 8;
            }
            let mut partner = config.clone();
            for s in &mut partner.servers {
                s.queue_limit = 1_000;
            }
            let l = layout(&config);
            let surge = Cmd::Surge {
                factor: 3,
                duration: Time::from_millis(4_000),
            };
            let actions = vec![at_ms(3_000, Action::Command(l.client, surge))];
            (
                "queues of 8",
                config,
                Some(("queues of 1000", partner)),
                actions,
                16_000,
            )
        }
        _ => return None,
    };
    Some(Scenario {
        info,
        config,
        label,
        partner,
        actions,
        run_for: Time::from_millis(run_for),
    })
}

/// The scenario's actions as kernel triggers: each fires at the first step at or after
/// its moment (for the timeline, which records actions by step).
pub fn triggers(scenario: &Scenario) -> Vec<Trigger<BalanceNode>> {
    scenario
        .actions
        .iter()
        .map(|a| {
            let (at, action) = (a.at, a.action.clone());
            Trigger::new(move |sim| sim.now() >= at, move |_| action.clone())
        })
        .collect()
}
