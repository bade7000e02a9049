//! Every scenario does what its description says, on a few seeds, with no invariant
//! violated.
use dsviz::algo::balance::compare::{compare, Comparison, Series};
use dsviz::algo::balance::scenarios::{scenario, scenarios, triggers, Scenario};
use dsviz::algo::balance::{new_sim, BalanceConfig, BalanceNode, Note};
use dsviz::sim::scenario::resolve;
use dsviz::sim::{Time, TraceKind};

const SEEDS: [u64; 3] = [1, 2, 3];

fn get(id: &str) -> Scenario {
    scenario(id).unwrap_or_else(|| panic!("scenario {id}"))
}

fn run(s: &Scenario, seed: u64) -> Comparison {
    let (label, partner) = s.partner.clone().expect("a partner");
    let c = compare(
        seed,
        (s.label, &s.config),
        (label, &partner),
        &s.actions,
        s.run_for,
        Time::from_millis(1_000),
    )
    .expect("valid");
    for side in [&c.a, &c.b] {
        assert!(
            side.violations.is_empty(),
            "{} seed {seed}: {:?}",
            s.info.id,
            side.violations
        );
    }
    assert_eq!(
        c.a.arrival_digest, c.b.arrival_digest,
        "{} seed {seed}",
        s.info.id
    );
    c
}

fn unserved(series: &Series) -> u64 {
    let last = series.samples.last().expect("samples");
    last.dropped + last.failed
}

/// The worst windowed p99 from `from_s` seconds on.
fn worst_p99(series: &Series, from_s: u64) -> u64 {
    series
        .samples
        .iter()
        .filter(|s| s.at >= Time::from_millis(from_s * 1000))
        .map(|s| s.latency.p99)
        .max()
        .unwrap_or(0)
}

#[test]
fn every_scenario_is_listed_valid_and_resolves_to_its_actions() {
    let list = scenarios();
    assert_eq!(list.len(), 8);
    for info in list {
        let s = get(info.id);
        s.config.validate().expect("valid config");
        let (_, partner) = s.partner.clone().expect("a partner");
        partner.validate().expect("valid partner");
        let sim = new_sim(1, &s.config);
        let resolved = resolve(sim, &triggers(&s), 2_000_000);
        assert_eq!(resolved.len(), s.actions.len(), "{}", info.id);
        for (r, a) in resolved.iter().zip(&s.actions) {
            assert_eq!(r.action, a.action);
            // Fired at the first event at or after its moment: within a few ms.
            assert!(
                r.time >= a.at && r.time.0 - a.at.0 < 50_000,
                "{}: {:?}",
                info.id,
                r.time
            );
        }
    }
    assert!(scenario("no-such").is_none());
}

#[test]
fn rising_load_two_choices_rejects_fewer_and_keeps_a_lower_tail_near_capacity() {
    let s = get("rising-load");
    for seed in SEEDS {
        let c = run(&s, seed);
        let (rr, p2c) = (&c.a, &c.b);
        assert!(unserved(p2c) < unserved(rr), "seed {seed}");
        // 90% to 100% load: from 10 s to 20 s.
        assert!(worst_p99(p2c, 11) <= worst_p99(rr, 11), "seed {seed}");
        // At half load they are alike: both serve everything in the first 5 s.
        let early = |x: &Series| x.samples[5].dropped + x.samples[5].failed;
        assert_eq!((early(rr), early(p2c)), (0, 0), "seed {seed}");
    }
}

#[test]
fn slow_server_round_robin_loses_requests_and_two_choices_none() {
    let s = get("slow-server");
    for seed in SEEDS {
        let c = run(&s, seed);
        assert!(unserved(&c.a) > 100, "round robin, seed {seed}");
        assert!(
            c.a.samples.iter().any(|x| x.latency.p99_all.is_none()),
            "round robin's p99 over all requests is infinite at some point"
        );
        assert_eq!(unserved(&c.b), 0, "two choices, seed {seed}");
        let last = c.a.samples.last().expect("sample");
        assert!(last.servers[3].queue > 50, "the slow server's queue filled");
    }
}

#[test]
fn weighted_round_robin_keeps_every_server_at_the_same_utilisation() {
    let s = get("weighted");
    for seed in SEEDS {
        let c = run(&s, seed);
        let (swrr, rr) = (&c.a, &c.b);
        assert_eq!(unserved(swrr), 0, "seed {seed}");
        assert!(unserved(rr) > 500, "seed {seed}: {}", unserved(rr));
        // Mean utilisation per server over the second half of the run (the queues take a
        // few seconds to fill).
        let mean = |x: &Series, i: usize| {
            let u: Vec<u32> = x.samples[10..]
                .iter()
                .map(|s| s.servers[i].utilisation_permille)
                .collect();
            u.iter().sum::<u32>() / u.len() as u32
        };
        for i in 0..4 {
            let u = mean(swrr, i);
            assert!((700..900).contains(&u), "seed {seed} server {i}: {u}");
        }
        assert!(mean(rr, 0) < 500, "the fast server idles under round robin");
        assert!(
            mean(rr, 1) > 950,
            "the slow ones are saturated: {}",
            mean(rr, 1)
        );
    }
}

#[test]
fn herd_eight_balancers_doing_least_connections_have_a_longer_tail_than_one() {
    let s = get("herd");
    assert_eq!(s.config.balancers, 8);
    for seed in SEEDS {
        let c = run(&s, seed);
        let (eight, one) = (worst_p99(&c.a, 4), worst_p99(&c.b, 4));
        assert!(
            eight * 2 > one * 3,
            "seed {seed}: eight {eight} against one {one}"
        );
        let queue = |x: &Series| {
            x.samples
                .iter()
                .map(|s| s.servers[3].queue)
                .max()
                .unwrap_or(0)
        };
        assert!(queue(&c.a) > queue(&c.b), "seed {seed}");
    }
}

/// Runs a configuration with the scenario's actions, recording the notes.
fn notes(config: &BalanceConfig, s: &Scenario, seed: u64) -> Vec<(Time, Note)> {
    let mut sim = new_sim(seed, config);
    let mut trace = Vec::new();
    let mut found = Vec::new();
    let mut collect = |sim: &mut dsviz::sim::Sim<BalanceNode>, until: Time| {
        while sim.next_event_time().is_some_and(|t| t <= until) {
            sim.step(Some(&mut trace));
            for e in trace.drain(..) {
                if let TraceKind::Note { note, .. } = e.kind {
                    if !matches!(
                        note,
                        Note::Picked { .. }
                            | Note::Started { .. }
                            | Note::Finished { .. }
                            | Note::Arrived { .. }
                            | Note::Completed { .. }
                            | Note::Queued { .. }
                    ) {
                        found.push((e.time, note));
                    }
                }
            }
        }
    };
    for a in &s.actions {
        collect(&mut sim, a.at);
        sim.apply(&a.action, a.at, None);
    }
    collect(&mut sim, s.run_for);
    found
}

#[test]
fn crash_active_checks_mark_down_in_fall_intervals_passive_ejects_for_3_then_6_seconds() {
    let s = get("crash-health");
    let (_, passive) = s.partner.clone().expect("partner");
    let crash = Time::from_millis(3_000);
    let restart = Time::from_millis(10_000);
    for seed in SEEDS {
        let active = notes(&s.config, &s, seed);
        let down: Vec<Time> = active
            .iter()
            .filter(|(_, n)| *n == Note::MarkedDown { server: 1 })
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(down.len(), 1, "seed {seed}: {down:?}");
        // fall = 3 missed checks, 500 ms apart: between 1 and 1.5 s after the crash.
        let after = down[0].0 - crash.0;
        assert!(
            (1_000_000..=1_500_000).contains(&after),
            "seed {seed}: {after} us"
        );
        let up: Vec<Time> = active
            .iter()
            .filter(|(_, n)| *n == Note::MarkedUp { server: 1 })
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(up.len(), 1, "seed {seed}");
        assert!(
            up[0] > restart && up[0].0 - restart.0 <= 1_000_000 + 2_000,
            "seed {seed}"
        );

        let passive = notes(&passive, &s, seed);
        assert!(!passive
            .iter()
            .any(|(_, n)| matches!(n, Note::MarkedDown { .. })));
        let ejections: Vec<(Time, Time)> = passive
            .iter()
            .filter_map(|(t, n)| match n {
                Note::Ejected {
                    server: 1, until, ..
                } => Some((*t, *until)),
                _ => None,
            })
            .collect();
        assert_eq!(ejections.len(), 2, "seed {seed}: {ejections:?}");
        assert_eq!(ejections[0].1 .0 - ejections[0].0 .0, 3_000_000);
        assert_eq!(ejections[1].1 .0 - ejections[1].0 .0, 6_000_000);
        // The first ejection needs five upstream timeouts of 1 s: not before 4 s.
        assert!(ejections[0].0 >= Time::from_millis(4_000), "seed {seed}");
        // Still ejected a while after the restart.
        assert!(ejections[1].1 > restart.saturating_add(Time::from_millis(2_000)));
    }
}

#[test]
fn sticky_loss_ring_moves_only_what_it_must_bounded_moves_many_more() {
    let s = get("sticky-loss");
    for seed in SEEDS {
        let c = run(&s, seed);
        let (ring, bounded) = (c.a.session_moves, c.b.session_moves);
        // The ring: forced moves away from the dead server, then moves back home.
        assert!(ring.forced > 50, "seed {seed}: {ring:?}");
        assert!(
            ring.moved >= ring.forced && ring.moved <= 3 * ring.forced,
            "seed {seed}: {ring:?}"
        );
        assert!(
            bounded.moved > 3 * ring.moved,
            "seed {seed}: {bounded:?} against {ring:?}"
        );
        assert!(unserved(&c.b) < unserved(&c.a), "seed {seed}");
    }
}

#[test]
fn surge_short_queues_reject_long_queues_time_out() {
    let s = get("surge");
    for seed in SEEDS {
        let c = run(&s, seed);
        let (short, long) = (
            c.a.samples.last().expect("a"),
            c.b.samples.last().expect("b"),
        );
        assert!(
            short.dropped > 500 && short.failed == 0,
            "seed {seed}: {short:?}"
        );
        assert!(
            long.dropped == 0 && long.failed > short.dropped,
            "seed {seed}"
        );
        assert!(long.completed < short.completed, "seed {seed}");
        // The backlog outlasts the surge (over at 7 s) by many seconds.
        let backlog =
            c.b.samples
                .iter()
                .find(|x| x.at == Time::from_millis(12_000));
        assert!(backlog.is_some_and(|x| x.servers.iter().any(|v| v.queue > 100)));
        assert!(worst_p99(&c.a, 3) < 300_000, "seed {seed}: bounded latency");
    }
}
