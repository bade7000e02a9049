//! Benchmark of the placement library: prints figures, asserts nothing.
//!
//! Run with `cargo run --profile bench --example bench_ring`.
//!
//! 1. Ring lookup cost (ns per lookup) for 10, 100, 1000 nodes x 100 and 1000 virtual
//!    nodes, over 1,000,000 random key hashes.
//! 2. Time to hash and place 1,000,000 keys on a 100 x 100 ring.
//! 3. Balance: spread of the per-node ring share for 10, 100, 1000 virtual nodes, next
//!    to the `1/sqrt(v)` rule of thumb.
//! 4. The algorithm comparison (keys moved on join and leave, peak/mean, memory, lookup
//!    cost) from `compare_algorithms`, the same table the app shows.
// Timing needs the wall clock; the library itself never reads it.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

use dsviz::algo::placement::hash_fn::key_hash;
use dsviz::algo::placement::{
    compare_algorithms, CompareSetup, HashRing, NodeSpec, Placement, PlacementConfig,
};

fn nodes(count: u32) -> Vec<NodeSpec> {
    (0..count)
        .map(|i| NodeSpec::new(format!("node-{i}"), 1))
        .collect()
}

fn main() {
    let key_hashes: Vec<u64> = (0..1_000_000u64)
        .map(|i| key_hash(&i.to_le_bytes()))
        .collect();

    println!("== Ring lookup (1,000,000 random key hashes, best of 3 passes) ==");
    println!(
        "{:>6} {:>7} {:>10} {:>12}",
        "nodes", "vnodes", "points", "ns/lookup"
    );
    for node_count in [10u32, 100, 1000] {
        for vnodes in [100u32, 1000] {
            let ring = HashRing::new(&nodes(node_count), vnodes).expect("valid ring");
            let mut best = f64::INFINITY;
            for _pass in 0..3 {
                let start = Instant::now();
                let mut checksum = 0u64;
                for &h in &key_hashes {
                    checksum = checksum.wrapping_add(u64::from(ring.owner(h).map_or(0, |n| n.0)));
                }
                black_box(checksum);
                let ns = start.elapsed().as_nanos() as f64 / key_hashes.len() as f64;
                best = best.min(ns);
            }
            println!(
                "{node_count:>6} {vnodes:>7} {:>10} {best:>12.1}",
                ring.point_count()
            );
        }
    }

    println!();
    println!("== Placing 1,000,000 keys (\"key-0\"..), 100 nodes x 100 vnodes ==");
    let ring = HashRing::new(&nodes(100), 100).expect("valid ring");
    let keys: Vec<String> = (0..1_000_000).map(|i| format!("key-{i}")).collect();
    let start = Instant::now();
    let hashes: Vec<u64> = keys.iter().map(|k| ring.hash_key(k.as_bytes())).collect();
    let hashed = start.elapsed();
    let owners = ring.place_all(&hashes).expect("within the key limit");
    let total = start.elapsed();
    black_box(&owners);
    println!(
        "hash: {:.1} ms, place: {:.1} ms, total: {:.1} ms",
        hashed.as_secs_f64() * 1e3,
        (total - hashed).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );

    println!();
    println!("== Balance, 100 nodes, 1,000,000 keys ==");
    println!(
        "{:>7} {:>16} {:>10} {:>14} {:>10}",
        "vnodes", "share std dev", "1/sqrt(v)", "key std dev", "peak/mean"
    );
    for vnodes in [10u32, 100, 1000] {
        let ring = HashRing::new(&nodes(100), vnodes).expect("valid ring");
        let stats = ring.load_stats(&hashes).expect("within the key limit");
        println!(
            "{vnodes:>7} {:>16.4} {:>10.4} {:>14.1} {:>10.3}",
            stats.arc_relative_std_dev.unwrap_or(f64::NAN),
            1.0 / f64::from(vnodes).sqrt(),
            stats.key_std_dev,
            stats.peak_to_mean
        );
    }

    println!();
    let key_count = 200_000;
    println!(
        "== Algorithms compared: 100 nodes, {key_count} keys, node-100 joins, node-50 leaves =="
    );
    let setup = CompareSetup::uniform(100, key_count, PlacementConfig::default());
    let origin = Instant::now();
    let mut clock = || origin.elapsed().as_nanos() as f64;
    let comparison = compare_algorithms(&setup, Some(&mut clock)).expect("valid setup");
    println!(
        "{:<13} {:>9} {:>9} {:>10} {:>11} {:>10}  lookup cost",
        "algorithm", "join", "leave", "peak/mean", "memory", "ns/key"
    );
    println!(
        "{:<13} {:>9.0} {:>9.0} {:>10} {:>11} {:>10}",
        "(ideal)",
        comparison.ideal_moves_on_join,
        comparison.ideal_moves_on_leave.unwrap_or(f64::NAN),
        "1.000",
        "",
        ""
    );
    for row in &comparison.reports {
        println!(
            "{:<13} {:>9} {:>9} {:>10.3} {:>11} {:>10.1}  {}",
            row.name,
            row.moved_on_join,
            row.moved_on_leave
                .map_or_else(|| "-".to_string(), |m| m.to_string()),
            row.peak_to_mean,
            format!("{} B", row.memory_bytes),
            row.lookup_ns.unwrap_or(f64::NAN),
            row.lookup_complexity
        );
    }
}
