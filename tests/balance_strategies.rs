//! Pick sequences of the strategies, checked against their definitions: nginx's smooth
//! weighted round robin and `least_conn`, Finagle's distinct pair for power of two choices
//! and Peak EWMA, consistent hashing and bounded loads.
use dsviz::algo::balance::messages::PickReason;
use dsviz::algo::balance::picker::{distinct_pair, Picker, ServerView};
use dsviz::algo::balance::smooth_wrr::{sequence, SmoothWrr};
use dsviz::algo::balance::sticky::{bounded_capacity, SharedRing};
use dsviz::algo::balance::{BalanceConfig, ServerSpec, Strategy};
use dsviz::sim::{SimRng, Time};

fn config(strategy: Strategy, weights: &[u32]) -> BalanceConfig {
    BalanceConfig {
        strategy,
        servers: weights
            .iter()
            .map(|&weight| ServerSpec {
                weight,
                ..ServerSpec::default()
            })
            .collect(),
        ..BalanceConfig::default()
    }
}

fn picker(strategy: Strategy, weights: &[u32]) -> Picker {
    let c = config(strategy, weights);
    Picker::new(&c, SharedRing::new(weights, c.vnodes))
}

/// Picks `count` times with fixed open counts; returns the chosen servers.
fn picks(
    p: &mut Picker,
    available: &[bool],
    open: &[u32],
    weights: &[u32],
    count: usize,
) -> Vec<u32> {
    let mut rng = SimRng::new(1);
    let view = ServerView {
        available,
        open,
        weights,
    };
    (0..count)
        .map(|i| {
            p.pick(&mut rng, Time(i as u64), &view, i as u32)
                .expect("a server")
                .0
        })
        .collect()
}

#[test]
fn smooth_weighted_round_robin_5_1_1_gives_nginx_sequence() {
    // nginx's own example: weights a=5, b=1, c=1 give "a a b a c a a", then repeat.
    let cycle = [0, 0, 1, 0, 2, 0, 0];
    let got = sequence(&[5, 1, 1], 14);
    assert_eq!(got[..7], cycle);
    assert_eq!(got[7..], cycle);
}

#[test]
fn smooth_weighted_round_robin_small_weights() {
    // a=2, b=1: a b a (current weights 2,1 -> -1,1 -> 1,-1 -> 0,0).
    assert_eq!(sequence(&[2, 1], 6), vec![0, 1, 0, 0, 1, 0]);
    // Equal weights are plain round robin; ties go to the earlier server.
    assert_eq!(sequence(&[1, 1, 1], 6), vec![0, 1, 2, 0, 1, 2]);
    // Each server wins exactly its weight's share of every `total` picks.
    let got = sequence(&[3, 2, 4, 1], 100);
    let count = |i| got.iter().filter(|&&g| g == i).count();
    assert_eq!((count(0), count(1), count(2), count(3)), (30, 20, 40, 10));
}

#[test]
fn a_failure_lowers_the_effective_weight_and_it_grows_back() {
    // nginx: effective_weight -= weight / max_fails on a failure, +1 per pick taken part
    // in. With max_fails 1, a drops to 0 and the next picks (worked by hand from
    // ngx_http_upstream_get_peer) are b c a a b.
    let mut wrr = SmoothWrr::new(&[5, 1, 1]);
    wrr.failed(0, 1);
    assert_eq!(wrr.peers()[0].effective_weight, 0);
    let got: Vec<usize> = (0..5)
        .filter_map(|_| wrr.pick(|_| true).map(|p| p.index))
        .collect();
    assert_eq!(got, vec![1, 2, 0, 0, 1]);
    assert_eq!(wrr.peers()[0].effective_weight, 5, "back to full weight");
}

#[test]
fn servers_out_of_the_pick_keep_their_current_weight() {
    let mut wrr = SmoothWrr::new(&[5, 1, 1]);
    let first = wrr.pick(|i| i != 0).expect("b or c");
    assert_eq!((first.index, first.current_weight, first.total), (1, 1, 2));
    assert_eq!(wrr.peers()[0].current_weight, 0, "a took no part");
}

#[test]
fn round_robin_cycles_and_skips_unavailable_servers() {
    let w = [1, 1, 1, 1];
    let mut p = picker(Strategy::RoundRobin, &w);
    assert_eq!(
        picks(&mut p, &[true; 4], &[0; 4], &w, 6),
        vec![0, 1, 2, 3, 0, 1]
    );
    let some = [true, false, true, true];
    assert_eq!(picks(&mut p, &some, &[0; 4], &w, 4), vec![2, 3, 0, 2]);
}

#[test]
fn least_connections_takes_the_fewest_per_weight_and_breaks_ties_in_turn() {
    let w = [1, 1, 1];
    let mut p = picker(Strategy::LeastConnections, &w);
    // Server 1 has the fewest open requests.
    assert_eq!(picks(&mut p, &[true; 3], &[3, 1, 2], &w, 3), vec![1, 1, 1]);
    // A tie between 1 and 2 is broken by smooth weighted round robin over the tied ones.
    assert_eq!(
        picks(&mut p, &[true; 3], &[3, 1, 1], &w, 4),
        vec![1, 2, 1, 2]
    );
    // Weights: 4 open on weight 4 is fewer per weight than 2 open on weight 1.
    let heavy = [4, 1, 1];
    let mut q = picker(Strategy::LeastConnections, &heavy);
    assert_eq!(picks(&mut q, &[true; 3], &[4, 2, 2], &heavy, 2), vec![0, 0]);
}

#[test]
fn a_distinct_pair_is_never_the_same_server_and_covers_every_pair() {
    let mut rng = SimRng::new(9);
    for k in 2..=8u64 {
        let mut seen = vec![vec![0u32; k as usize]; k as usize];
        for _ in 0..(2_000 * k) {
            let (a, b) = distinct_pair(&mut rng, k);
            assert!(a < k && b < k);
            assert_ne!(a, b, "k = {k}");
            seen[a as usize][b as usize] += 1;
        }
        // Every ordered pair of distinct servers comes up, roughly uniformly.
        let expected = 2_000.0 * k as f64 / (k * (k - 1)) as f64;
        for (a, row) in seen.iter().enumerate() {
            for (b, &n) in row.iter().enumerate() {
                if a != b {
                    assert!(
                        (f64::from(n) - expected).abs() < expected * 0.35,
                        "k={k} {a},{b}: {n}"
                    );
                }
            }
        }
    }
}

#[test]
fn two_choices_takes_the_less_loaded_of_two_distinct_servers() {
    let w = [1, 1, 1, 1];
    let mut p = picker(Strategy::TwoChoices, &w);
    let open = [5, 0, 3, 9];
    let mut rng = SimRng::new(4);
    let view = ServerView {
        available: &[true; 4],
        open: &open,
        weights: &w,
    };
    let mut chose_loaded = 0;
    for i in 0..2_000 {
        let (server, why) = p.pick(&mut rng, Time(i), &view, 0).expect("a server");
        let PickReason::TwoChoices {
            other,
            load,
            other_load,
        } = why
        else {
            panic!("{why:?}");
        };
        assert_ne!(server, other, "the pair is two distinct servers");
        assert_eq!(
            (load, other_load),
            (open[server as usize], open[other as usize])
        );
        assert!(load <= other_load);
        chose_loaded += u32::from(server == 3);
    }
    // Server 3 is the busiest: it loses every comparison.
    assert_eq!(chose_loaded, 0);
}

#[test]
fn peak_ewma_prefers_the_faster_server_at_equal_open_requests() {
    let w = [1, 1];
    let mut p = picker(Strategy::PeakEwma, &w);
    // Server 0 answered in 50 ms, server 1 in 5 ms.
    p.on_end(0, Time::from_millis(10), Time::from_millis(50), false);
    p.on_end(1, Time::from_millis(10), Time::from_millis(5), false);
    let got = picks(&mut p, &[true; 2], &[1, 1], &w, 20);
    assert_eq!(got, vec![1; 20]);
    // Ten times as many open requests on the faster one tip the balance.
    let got = picks(&mut p, &[true; 2], &[0, 10], &w, 5);
    assert_eq!(got, vec![0; 5]);
}

#[test]
fn consistent_hashing_keeps_sessions_and_moves_only_the_lost_servers() {
    let w = [1, 1, 1, 1];
    let ring = SharedRing::new(&w, 100);
    let all = [true; 4];
    let without_2 = [true, true, false, true];
    let mut moved = 0;
    for session in 0..1_000 {
        let home = ring.pick(session, &all).expect("a server").0;
        assert_eq!(
            ring.pick(session, &all).expect("a server").0,
            home,
            "sticky"
        );
        let now = ring.pick(session, &without_2).expect("a server").0;
        if home == 2 {
            moved += 1;
            assert_ne!(now, 2);
        } else {
            assert_eq!(now, home, "session {session} moved without cause");
        }
    }
    assert!(
        (150..350).contains(&moved),
        "about a quarter are on server 2: {moved}"
    );
}

#[test]
fn bounded_loads_never_exceed_the_capacity() {
    let w = [1, 1, 1, 1];
    let ring = SharedRing::new(&w, 100);
    let mut open = [0u32; 4];
    let mut rng = SimRng::new(2);
    let mut spilled = 0;
    for _ in 0..5_000 {
        let session = rng.below(50) as u32;
        let total: u64 = open.iter().map(|&o| u64::from(o)).sum();
        let (server, why) = ring
            .pick_bounded(session, &[true; 4], &open, 1_250)
            .expect("some server has room");
        let capacity = bounded_capacity(total + 1, 1, 4, 1_250);
        assert!(u64::from(open[server as usize]) < capacity);
        if let PickReason::Bounded { skipped_full, .. } = why {
            spilled += u32::from(skipped_full > 0);
        }
        open[server as usize] += 1;
        // Requests finish at random.
        let done = rng.below(4) as usize;
        if rng.below(2) == 0 && open[done] > 0 {
            open[done] -= 1;
        }
    }
    assert!(spilled > 0, "some sessions were sent past a full home");
}
