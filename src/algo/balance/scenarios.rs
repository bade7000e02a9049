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

const SCENARIOS: [ScenarioInfo; 8] = [
    ScenarioInfo {
        id: "rising-load",
        title: "Even servers under rising load",
        description: "Four equal servers behind one balancer; every five seconds the offered \
                      load steps up, from half of their capacity to 70%, 90%, 100% and 110%. \
                      Round robin is compared with power of two choices on the same \
                      requests. At half load they are alike. From 90% on, where a long \
                      request lands starts to matter: two choices evens out the queues, so \
                      its p99 stays lower and it rejects fewer requests; past 100% both fill \
                      their bounded queues and reject the excess.",
    },
    ScenarioInfo {
        id: "slow-server",
        title: "One slow server of four: round robin against power of two choices",
        description: "At 60% load, the fourth server becomes five times slower at 2 s. It \
                      still answers its health checks, so nothing marks it down (passive \
                      ejection is off here). Round robin keeps giving it a quarter of the \
                      requests: its queue fills, and its requests are rejected or time out \
                      after a second, so round robin's p99 counting unserved requests is \
                      infinite. Power of two choices compares open requests, sees the queue \
                      and sends it less: nothing is lost, though the requests it does send \
                      there still wait longer (Peak EWMA, which weighs latency itself, does \
                      better).",
    },
    ScenarioInfo {
        id: "weighted",
        title: "Heterogeneous servers with smooth weighted round robin",
        description: "One server is three times as fast as the other three, and has weight \
                      3. nginx's smooth weighted round robin gives it three requests in six, \
                      interleaved (a, b, a, c, d, a) rather than in a burst, and every server \
                      runs at about 80%. Plain round robin gives every server a quarter: the \
                      three slower ones are pushed past their capacity, their queues fill and \
                      they reject requests, while the fast one runs at about 40% (passive \
                      ejection is off here).",
    },
    ScenarioInfo {
        id: "herd",
        title: "Many balancers with least connections (the herd)",
        description: "Eight balancers share four servers, and each counts only its own open \
                      requests. At 60% load the fourth server becomes five times slower at \
                      2 s. Each balancer holds only an eighth of the requests piling up on \
                      the slow server, so for a while its counts look like everyone else's \
                      and all eight keep sending it their share, each making the same locally \
                      sensible choice; the slow server's queue must grow about eight times \
                      longer before every balancer notices. Compared with one balancer doing \
                      least connections on the same requests, the p99 is about twice as high. \
                      (Power of two choices suffers the same way: any strategy that counts \
                      only its own requests does.)",
    },
    ScenarioInfo {
        id: "crash-health",
        title: "A crash with active versus passive health checks",
        description: "The second server crashes at 3 s and comes back at 10 s. With active \
                      checks every 500 ms and fall 3, the balancer marks it down within about \
                      1.5 s, and the requests sent to it before then fail after the 1 s \
                      upstream timeout: this balancer retries nothing, as Envoy with no \
                      retry policy (nginx would pass each to the next server, its default \
                      `proxy_next_upstream error timeout`). After the restart, rise 2 brings it back within about \
                      a second. With passive ejection only, nothing happens until requests \
                      time out: five failures in a row eject the server for 3 s; when it is \
                      tried again it is still down, and the next five failures eject it for \
                      6 s, so it is only used again a few seconds after its restart.",
    },
    ScenarioInfo {
        id: "slow-eject",
        title: "A slow server ejected passively: per-try timeouts turn slowness into failures",
        description: "Round robin at half load; the fourth server becomes four times slower at \
                      2 s. It answers every request, eventually, and passes its health \
                      checks. Each balancer gives an attempt 200 ms (Envoy's per-try \
                      timeout): a slower attempt is abandoned, counted as a 504 against the \
                      server and retried once on another server. Five such failures in a row \
                      eject the slow server for 3 s, then 6 s, then 9 s: it gets almost \
                      nothing, and the clients barely notice. Without passive ejection \
                      (dashed), the same retries rescue the requests, but every fourth one \
                      still waits 200 ms on the slow server first, and its abandoned \
                      requests pile up in its queue.",
    },
    ScenarioInfo {
        id: "sticky-loss",
        title: "Sticky sessions through a server loss, with bounded loads",
        description: "Requests carry one of 1000 session keys and are routed by consistent \
                      hashing of the key. The third server crashes at 4 s and restarts at \
                      10 s. Plain consistent hashing moves only the lost server's sessions \
                      while it is down (every such move is forced) and moves them back when \
                      it returns. Bounded loads (c = 1.25) caps each server at 1.25 times the \
                      balancer's mean load, counted in its own open requests, which are only \
                      a handful here: the cap is often 1 or 2, so sessions spill over to the \
                      next server many times more often than they are forced to. It loses \
                      fewer requests to the crash, though: the dead server's unanswered \
                      requests fill its cap, so the walk passes it before the health checks \
                      mark it down.",
    },
    ScenarioInfo {
        id: "surge",
        title: "A surge against bounded queues",
        description: "At 3 s the traffic triples for 4 s, well past the servers' capacity. \
                      With queues of 8 per server the excess is rejected at once (503s), and \
                      the requests that are accepted keep a bounded latency. With queues of \
                      1000 nothing is rejected, but every request waits behind the backlog: \
                      most time out, the servers go on serving requests whose clients have \
                      already given up, and the backlog outlasts the surge by many seconds.",
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
            let mut config = BalanceConfig {
                traffic: traffic_at(240),
                ..base
            };
            // With passive ejection on, round robin's rejections would eventually eject the
            // slow server; off, the scenario shows the strategies alone.
            config.outlier.enabled = false;
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
            let mut config = BalanceConfig {
                strategy: Strategy::SmoothWeighted,
                servers,
                traffic: traffic_at(480),
                ..base
            };
            // Passive ejection would eject the overloaded servers now and then and blur
            // the comparison of weights.
            config.outlier.enabled = false;
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
            let mut config = BalanceConfig {
                strategy: Strategy::LeastConnections,
                balancers: 8,
                traffic: traffic_at(240),
                ..base
            };
            // Passive ejection would hide the lesson by ejecting the overloaded server.
            config.outlier.enabled = false;
            let l = layout(&config);
            let actions = vec![at_ms(2_000, Action::Command(server(&l, 3), Cmd::Slow(5)))];
            let partner = BalanceConfig {
                balancers: 1,
                ..config.clone()
            };
            (
                "eight balancers",
                config,
                Some(("one balancer", partner)),
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
        "slow-eject" => {
            // At half load the three other servers absorb the slow one's share at about
            // 67%; much higher, and attempts abandoned on them (which they still serve)
            // plus the retries can overload them in turn.
            let mut config = BalanceConfig {
                traffic: traffic_at(200),
                per_try_timeout: Some(Time::from_millis(200)),
                ..base
            };
            config.outlier.enabled = true;
            let l = layout(&config);
            let actions = vec![at_ms(2_000, Action::Command(server(&l, 3), Cmd::Slow(4)))];
            let mut partner = config.clone();
            partner.outlier.enabled = false;
            (
                "passive ejection",
                config,
                Some(("no ejection", partner)),
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
