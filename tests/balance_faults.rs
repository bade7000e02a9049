//! Targeted faults, each with what a person would check:
//! - passive ejection of a *slow* server: with a per-try timeout (Envoy's
//!   `per_try_timeout` with one retry on another host), slow answers count as gateway
//!   failures, consecutive failures eject the server for a time that grows with each
//!   ejection, and never more than the allowed share of servers is ejected at once;
//! - a cut link between one balancer and one server: only that balancer gives up on it;
//! - a server flapping faster than the health checks run;
//! - a queue that drops silently when full: its requests end in timeouts;
//! - the traffic: Poisson arrivals with the right mean in each step of the rate schedule;
//! - a connection's receiver takes each message number once, in any order, and forgets no
//!   more than its gap limit allows (a copy the network duplicated is dropped however late
//!   it comes; see `connection`).
use dsviz::algo::balance::compare::run_until;
use dsviz::algo::balance::compare::TimedAction;
use dsviz::algo::balance::connection::{Inbox, MAX_GAPS};
use dsviz::algo::balance::health::ejection_limit;
use dsviz::algo::balance::scenarios::{scenario, Scenario};
use dsviz::algo::balance::QueueFull;
use dsviz::algo::balance::{new_sim, BalanceConfig, BalanceNode, Cmd, Note, RateStep};
use dsviz::sim::{Action, NetChange, NodeId, Sim, Time, TraceKind};

const SEEDS: [u64; 3] = [1, 2, 3];
/// The scenario's main claim holds on more seeds (each run takes a tenth of a second).
const MORE: [u64; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

fn slow_eject() -> Scenario {
    scenario("slow-eject").expect("the slow-eject scenario")
}

/// Everything a run narrates, with when, and the run at its end (no invariant may fire).
fn run(
    config: &BalanceConfig,
    actions: &[TimedAction],
    until: Time,
    seed: u64,
    mut each_step: impl FnMut(&Sim<BalanceNode>),
) -> (Vec<(Time, NodeId, Note)>, Sim<BalanceNode>) {
    let mut sim = new_sim(seed, config);
    let mut trace = Vec::new();
    let mut found = Vec::new();
    let mut pending = actions.iter().peekable();
    while let Some(t) = sim.next_event_time().filter(|&t| t <= until) {
        while let Some(a) = pending.next_if(|a| a.at <= t) {
            sim.apply(&a.action, a.at, None);
        }
        sim.step(Some(&mut trace));
        for e in trace.drain(..) {
            if let TraceKind::Note { node, note } = e.kind {
                found.push((e.time, node, note));
            }
        }
        each_step(&sim);
        let fired: Vec<_> = sim.violations().iter().flatten().collect();
        assert!(fired.is_empty(), "seed {seed}: {fired:?}");
    }
    (found, sim)
}

/// Requests picked for `server` between `from` and `to`.
fn picks_of(notes: &[(Time, NodeId, Note)], server: u32, from: Time, to: Time) -> (u64, u64) {
    let picked = notes.iter().filter_map(|(t, _, n)| match n {
        Note::Picked { server: s, .. } if *t >= from && *t < to => Some(*s),
        _ => None,
    });
    picked.fold((0, 0), |(mine, all), s| {
        (mine + u64::from(s == server), all + 1)
    })
}

fn ejections(notes: &[(Time, NodeId, Note)], server: u32) -> Vec<(Time, Time, u32)> {
    notes
        .iter()
        .filter_map(|(t, _, n)| match n {
            Note::Ejected {
                server: s,
                until,
                times,
            } if *s == server => Some((*t, *until, *times)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_slow_server_is_ejected_by_per_try_timeouts_and_traffic_moves_away() {
    let s = slow_eject();
    let slow = 3;
    let slowed = Time::from_millis(2_000);
    for seed in MORE {
        let (notes, sim) = run(&s.config, &s.actions, s.run_for, seed, |_| {});
        let ejected = ejections(&notes, slow);
        assert!(!ejected.is_empty(), "seed {seed}: never ejected");
        // Five attempts of 200 ms in a row: well within a second of the slow-down.
        let first = ejected[0].0;
        assert!(
            first > slowed && first < slowed.saturating_add(Time::from_millis(1_000)),
            "seed {seed}: first ejection at {first}"
        );
        // Only the slow server fails its attempts: no other is ever ejected.
        assert!(
            notes
                .iter()
                .all(|(_, _, n)| !matches!(n, Note::Ejected { server, .. } if *server != slow)),
            "seed {seed}"
        );
        // Traffic moved away: from the first ejection on, the slow server gets far less
        // than round robin's quarter; before the slow-down it had its quarter.
        let (before, all_before) = picks_of(&notes, slow, Time::ZERO, slowed);
        assert!(
            before * 4 >= all_before - 4 && before * 4 <= all_before + 4,
            "seed {seed}: {before} of {all_before}"
        );
        let (after, all_after) = picks_of(&notes, slow, first, s.run_for);
        assert!(
            after * 10 < all_after,
            "seed {seed}: the slow server still got {after} of {all_after} picks"
        );
        // The retries rescue the requests: hardly any fails.
        let client = sim
            .node(NodeId(0))
            .and_then(BalanceNode::as_client)
            .expect("the client");
        let t = client.totals();
        assert!(
            t.failed() + t.dropped() <= t.arrived / 200,
            "seed {seed}: {} of {} unserved",
            t.failed() + t.dropped(),
            t.arrived
        );
    }
}

#[test]
fn without_ejection_the_slow_server_keeps_its_quarter_and_its_attempts_fail_over() {
    let s = slow_eject();
    let (_, partner) = s.partner.clone().expect("a partner");
    for seed in SEEDS {
        let (notes, _) = run(&partner, &s.actions, s.run_for, seed, |_| {});
        assert!(ejections(&notes, 3).is_empty(), "seed {seed}");
        let (slow, all) = picks_of(&notes, 3, Time::from_millis(3_000), s.run_for);
        // Round robin gives it its quarter of first attempts (retries go elsewhere).
        assert!(slow * 5 > all, "seed {seed}: {slow} of {all}");
        // Its attempts time out (or, once its queue is full, are rejected) and are
        // retried elsewhere.
        let retried = notes
            .iter()
            .filter(|(_, _, n)| {
                matches!(
                    n,
                    Note::PerTryTimedOut { server: 3, .. }
                        | Note::RejectionRetried { server: 3, .. }
                )
            })
            .count() as u64;
        assert!(retried * 10 > slow * 9, "seed {seed}: {retried} of {slow}");
    }
}

#[test]
fn an_ejected_server_returns_exactly_when_its_ejection_time_is_over_and_it_grows() {
    let s = slow_eject();
    let base = s.config.outlier.base_ejection;
    for seed in SEEDS {
        let (notes, _) = run(&s.config, &s.actions, s.run_for, seed, |_| {});
        let ejected = ejections(&notes, 3);
        assert!(ejected.len() >= 2, "seed {seed}: {ejected:?}");
        for (k, &(at, until, times)) in ejected.iter().enumerate() {
            assert_eq!(times, k as u32 + 1, "seed {seed}");
            assert_eq!(
                until.0 - at.0,
                base.0 * u64::from(times),
                "seed {seed}: ejection {times} lasts base x {times}"
            );
            if until >= s.run_for {
                continue;
            }
            let returned = notes
                .iter()
                .find(|(t, _, n)| *t >= at && *n == Note::Returned { server: 3 })
                .map(|(t, _, _)| *t);
            assert_eq!(returned, Some(until), "seed {seed}: ejection {times}");
            // Re-admitted: it is picked again before it can be ejected again.
            let next = ejected.get(k + 1).map_or(s.run_for, |e| e.0);
            let (picked, _) = picks_of(&notes, 3, until, next);
            assert!(picked > 0, "seed {seed}: not picked after return {times}");
        }
    }
}

/// Four servers of which `slow` are 6x slower from 1 s, round robin with per-try timeouts.
fn several_slow(max_ejection_percent: u32, slow: u32) -> (BalanceConfig, Vec<TimedAction>) {
    let mut config = BalanceConfig {
        per_try_timeout: Some(Time::from_millis(150)),
        ..BalanceConfig::default()
    };
    config.traffic.rate = vec![RateStep {
        from: Time::ZERO,
        per_second: 200,
    }];
    config.outlier.max_ejection_percent = max_ejection_percent;
    config.active_health.enabled = false;
    let actions = (0..slow)
        .map(|i| TimedAction {
            at: Time::from_millis(1_000),
            action: Action::Command(NodeId(2 + i), Cmd::Slow(6)),
        })
        .collect();
    (config, actions)
}

#[test]
fn never_more_than_the_max_ejection_share_is_ejected_at_once() {
    for (percent, slow) in [(10, 2), (50, 3)] {
        let (config, actions) = several_slow(percent, slow);
        let limit = ejection_limit(4, percent) as usize;
        for seed in SEEDS {
            let mut most = 0;
            let (notes, _) = run(&config, &actions, Time::from_millis(12_000), seed, |sim| {
                let b = sim
                    .node(NodeId(1))
                    .and_then(BalanceNode::as_balancer)
                    .expect("balancer 1");
                let now = b.health().iter().filter(|h| h.is_ejected()).count();
                assert!(now <= limit, "seed {seed}: {now} ejected, limit {limit}");
                most = most.max(now);
            });
            assert_eq!(most, limit, "{percent}% seed {seed}: the cap is reached");
            let refused = notes
                .iter()
                .any(|(_, _, n)| matches!(n, Note::EjectionRefused { .. }));
            assert!(refused, "{percent}% seed {seed}: an ejection was refused");
        }
    }
}

#[test]
fn the_per_try_timeout_is_bounded_by_the_upstream_timeout() {
    let mut config = BalanceConfig {
        per_try_timeout: Some(Time::from_millis(1_000)),
        ..BalanceConfig::default()
    };
    let err = config
        .validate()
        .expect_err("as long as the upstream timeout")
        .to_string();
    assert!(err.contains("per-try timeout"), "{err}");
    assert!(err.contains("shorter than the upstream timeout"), "{err}");
    config.per_try_timeout = Some(Time(0));
    assert!(config.validate().is_err());
    config.per_try_timeout = Some(Time::from_millis(999));
    config.validate().expect("below the upstream timeout");
    config.per_try_timeout = None;
    config.validate().expect("off");
    // Sanitizing never builds an unbounded or zero per-try timeout.
    config.per_try_timeout = Some(Time(u64::MAX));
    let clean = config.sanitized();
    assert_eq!(clean.per_try_timeout, Some(clean.upstream_timeout));
}

fn count(notes: &[(Time, NodeId, Note)], node: NodeId, want: impl Fn(&Note) -> bool) -> usize {
    notes
        .iter()
        .filter(|(_, n, note)| *n == node && want(note))
        .count()
}

#[test]
fn a_cut_link_makes_only_its_balancer_give_up_on_the_server() {
    // Two balancers (nodes 1 and 2) and four servers (nodes 3 to 6); at 2 s the link
    // between balancer 1 and server 2 (node 4) is cut both ways.
    let config = BalanceConfig {
        balancers: 2,
        ..BalanceConfig::default()
    };
    let (b1, b2, s2) = (NodeId(1), NodeId(2), NodeId(4));
    let cut = |from, to| TimedAction {
        at: Time::from_millis(2_000),
        action: Action::Network(NetChange::Cut { from, to }),
    };
    let actions = [cut(b1, s2), cut(s2, b1)];
    for seed in SEEDS {
        let (notes, sim) = run(&config, &actions, Time::from_millis(8_000), seed, |_| {});
        let gave_up = |n: &Note| {
            matches!(
                n,
                Note::MarkedDown { server: 1 } | Note::Ejected { server: 1, .. }
            )
        };
        assert!(count(&notes, b1, gave_up) >= 1, "seed {seed}: balancer 1");
        assert_eq!(count(&notes, b2, gave_up), 0, "seed {seed}: balancer 2");
        // Balancer 1's checks mark it down within fall = 3 intervals and keep it down.
        let down = notes
            .iter()
            .find(|(_, n, note)| *n == b1 && *note == Note::MarkedDown { server: 1 })
            .map(|(t, _, _)| *t)
            .expect("marked down by the checks");
        assert!(down <= Time::from_millis(3_600), "seed {seed}: {down}");
        let balancer = |id| sim.node(id).and_then(BalanceNode::as_balancer).unwrap();
        assert!(!balancer(b1).is_available(1), "seed {seed}");
        assert!(balancer(b2).is_available(1), "seed {seed}");
        // Balancer 2 goes on using it, and it goes on serving.
        let after_cut = notes.iter().filter(|(t, n, note)| {
            *n == b2 && *t > down && matches!(note, Note::Picked { server: 1, .. })
        });
        assert!(after_cut.count() > 100, "seed {seed}");
        // Only the requests balancer 1 sent before it learned were lost.
        let lost = count(&notes, b1, |n| {
            matches!(n, Note::UpstreamTimedOut { server: 1, .. })
        });
        assert!(lost > 0 && lost < 200, "seed {seed}: {lost}");
        assert_eq!(
            count(&notes, b2, |n| matches!(n, Note::UpstreamTimedOut { .. })),
            0,
            "seed {seed}"
        );
    }
}

/// Server 2 (node 3) flaps down 200 ms, up 200 ms from 2 s, faster than the 500 ms checks.
fn flapping(active: bool, passive: bool) -> (BalanceConfig, Vec<TimedAction>) {
    let mut config = BalanceConfig::default();
    config.active_health.enabled = active;
    config.outlier.enabled = passive;
    let flap = TimedAction {
        at: Time::from_millis(2_000),
        action: Action::Command(NodeId(3), Cmd::Flap(Time::from_millis(200))),
    };
    (config, vec![flap])
}

#[test]
fn a_server_flapping_faster_than_the_checks_is_never_marked_down_yet_loses_requests() {
    // Checks every 500 ms against a 400 ms cycle: they see down, up, up, down, down, up,
    // up, ... never the three failures in a row that fall = 3 needs.
    let (config, actions) = flapping(true, false);
    for seed in SEEDS {
        let (notes, sim) = run(&config, &actions, Time::from_millis(10_000), seed, |_| {});
        let failed_checks = count(&notes, NodeId(1), |n| {
            matches!(n, Note::CheckFailed { server: 1, .. })
        });
        assert!(failed_checks >= 6, "seed {seed}: {failed_checks}");
        let down = count(&notes, NodeId(1), |n| *n == Note::MarkedDown { server: 1 });
        assert_eq!(down, 0, "seed {seed}");
        let server = sim
            .node(NodeId(3))
            .and_then(BalanceNode::as_server)
            .unwrap();
        assert!(
            server.stats().lost > 100,
            "seed {seed}: {:?}",
            server.stats()
        );
        let client = sim
            .node(NodeId(0))
            .and_then(BalanceNode::as_client)
            .unwrap();
        assert!(client.totals().failed_upstream > 100, "seed {seed}");
    }
}

#[test]
fn passive_ejection_catches_the_flapping_server_only_after_its_lost_requests_time_out() {
    // Its lost requests fail one upstream timeout (1 s) after they were sent, while the
    // requests it serves in its up phases succeed in between and break the streak: the
    // five failures in a row come late, but they come.
    let (config, actions) = flapping(false, true);
    for seed in SEEDS {
        let (notes, _) = run(&config, &actions, Time::from_millis(10_000), seed, |_| {});
        let ejected = ejections(&notes, 1);
        let first = ejected.first().map(|e| e.0);
        assert!(
            first.is_some_and(|t| t >= Time::from_millis(2_900)),
            "seed {seed}: {ejected:?}"
        );
        let others = notes
            .iter()
            .filter(|(_, _, n)| matches!(n, Note::Ejected { server, .. } if *server != 1))
            .count();
        assert_eq!(others, 0, "seed {seed}");
    }
}

/// Four servers with queues of 2 that drop silently when full, under a 4 s surge to 3x.
fn dropping(upstream_ms: u64) -> (BalanceConfig, Vec<TimedAction>) {
    let mut config = BalanceConfig {
        queue_full: QueueFull::Drop,
        upstream_timeout: Time::from_millis(upstream_ms),
        ..BalanceConfig::default()
    };
    config.outlier.enabled = false;
    for s in &mut config.servers {
        s.queue_limit = 2;
    }
    config.traffic.rate = vec![
        RateStep {
            from: Time::ZERO,
            per_second: 240,
        },
        RateStep {
            from: Time::from_millis(8_000),
            per_second: 0,
        },
    ];
    let surge = Cmd::Surge {
        factor: 3,
        duration: Time::from_millis(4_000),
    };
    let actions = vec![TimedAction {
        at: Time::from_millis(1_000),
        action: Action::Command(NodeId(0), surge),
    }];
    (config, actions)
}

/// The client's totals and the servers' silently discarded requests after the run has
/// drained.
fn drained(config: &BalanceConfig, actions: &[TimedAction], seed: u64) -> (u64, u64, u64, u64) {
    let (_, sim) = run(config, actions, Time::from_millis(20_000), seed, |_| {});
    let client = sim
        .node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .unwrap();
    let t = client.totals();
    assert_eq!(client.in_progress(), 0, "seed {seed}: drained");
    assert_eq!(t.dropped_queue_full, 0, "seed {seed}: nothing is rejected");
    let discarded = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_server())
        .map(|s| {
            assert_eq!(s.stats().rejected, 0, "seed {seed}");
            s.stats().discarded
        })
        .sum();
    (
        discarded,
        t.failed_client_timeout,
        t.failed_upstream,
        t.arrived,
    )
}

#[test]
fn a_full_queue_that_drops_makes_its_requests_end_in_timeouts() {
    for seed in SEEDS {
        // The client waits longer (3 s) than the balancer (1 s): the balancer's 504 tells
        // the client first.
        let (config, actions) = dropping(1_000);
        let (discarded, client_timeouts, upstream, arrived) = drained(&config, &actions, seed);
        assert!(discarded > 50, "seed {seed}: {discarded} of {arrived}");
        assert_eq!(upstream, discarded, "seed {seed}");
        assert_eq!(client_timeouts, 0, "seed {seed}");
        // The balancer waits longer (5 s) than the client: every silently dropped request
        // ends as a client timeout.
        let (config, actions) = dropping(5_000);
        let (discarded, client_timeouts, upstream, arrived) = drained(&config, &actions, seed);
        assert!(discarded > 50, "seed {seed}: {discarded} of {arrived}");
        assert_eq!(client_timeouts, discarded, "seed {seed}");
        assert_eq!(upstream, 0, "seed {seed}");
    }
}

#[test]
fn poisson_arrivals_have_the_schedules_mean_in_every_step() {
    // 100/s for 10 s, then 1000/s, then 300/s; the counts in each step are Poisson with
    // means 1000, 10000 and 3000. The seeds are pinned, so the tolerance (5 standard
    // deviations per seed, 3 for the sum over seeds) cannot flake; a wrong rate (10% off
    // is 3 to 10 deviations at these counts) fails.
    let steps = [(0u64, 100u32), (10_000, 1_000), (20_000, 300), (30_000, 0)];
    let mut config = BalanceConfig::default();
    config.traffic.rate = steps
        .iter()
        .map(|&(ms, per_second)| RateStep {
            from: Time::from_millis(ms),
            per_second,
        })
        .collect();
    config.traffic.mean_demand = Time::from_millis(1);
    config.active_health.enabled = false;
    for s in &mut config.servers {
        s.slots = 8;
    }
    let seeds = 1..=5u64;
    let mut sums = [0u64; 3];
    for seed in seeds.clone() {
        let mut sim = new_sim(seed, &config);
        let mut before = 0;
        for (k, pair) in steps.windows(2).enumerate() {
            run_until(&mut sim, Time::from_millis(pair[1].0));
            let client = sim
                .node(NodeId(0))
                .and_then(BalanceNode::as_client)
                .unwrap();
            let arrived = client.totals().arrived - before;
            before += arrived;
            sums[k] += arrived;
            let mean = f64::from(pair[0].1) * (pair[1].0 - pair[0].0) as f64 / 1_000.0;
            let off = (arrived as f64 - mean).abs() / mean.sqrt();
            assert!(
                off < 5.0,
                "seed {seed}, step {k}: {arrived} arrivals for a mean of {mean}"
            );
        }
    }
    let n = seeds.count() as f64;
    for (k, pair) in steps.windows(2).enumerate() {
        let mean = n * f64::from(pair[0].1) * (pair[1].0 - pair[0].0) as f64 / 1_000.0;
        let off = (sums[k] as f64 - mean).abs() / mean.sqrt();
        assert!(off < 3.0, "step {k}: {} over the seeds for {mean}", sums[k]);
    }
}

#[test]
fn a_connection_takes_each_message_number_once_in_any_order() {
    let mut inbox = Inbox::default();
    for seq in [3, 1, 2, 5] {
        assert!(inbox.first_arrival(seq), "{seq} arrives first");
    }
    for seq in [1, 2, 3, 5] {
        assert!(!inbox.first_arrival(seq), "a copy of {seq}");
    }
    assert_eq!(inbox.gaps(), 1, "4 is missing");
    assert!(!inbox.has(4));
    assert!(inbox.first_arrival(4), "4 comes late, but first");
    assert_eq!(inbox.gaps(), 0);
    assert!(!inbox.first_arrival(4), "and its copy is dropped");
}

#[test]
fn past_its_gap_limit_a_connection_gives_up_the_oldest_gaps_only() {
    let mut inbox = Inbox::default();
    // 2, 4, 6, ...: every odd number is lost.
    let last = 2 * (MAX_GAPS as u64 + 5);
    for seq in (2..=last).step_by(2) {
        assert!(inbox.first_arrival(seq), "{seq}");
    }
    assert_eq!(inbox.gaps(), MAX_GAPS);
    // The five oldest gaps (1, 3, 5, 7, 9) were given up; the newer ones are kept.
    assert!((1..=9).step_by(2).all(|seq| inbox.has(seq)));
    assert!(!inbox.has(11) && !inbox.has(last - 1));
    assert!(
        inbox.first_arrival(last - 1),
        "a recent gap is still filled"
    );
}
