//! Figures for the distributed-locks scene; prints them, asserts nothing.
//!
//! Run with `cargo run --profile bench --example bench_locks`.
//!
//! 1. Messages per acquisition in the queue lock, watching the lock node (herd effect)
//!    against watching the predecessor, for 2 to 8 contending clients.
//! 2. Acquisitions per simulated second for every lock kind with 8 contending clients.
//! 3. Simulated events per second natively (invariants checked after every step).
// Timing needs the wall clock; the library itself never reads it.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use dsviz::algo::locks::{lock_stats, new_sim, LockKind, LockStats, LocksConfig};
use dsviz::sim::Time;

/// Simulated time each measured run covers.
const RUN_FOR: Time = Time::from_millis(20_000);

/// Runs `clients` clients looping forever on `kind` for [`RUN_FOR`]; returns the totals, the
/// steps taken and the wall-clock seconds it took.
fn run(kind: LockKind, clients: u32, seed: u64) -> (LockStats, u64, f64) {
    let config = LocksConfig {
        clients,
        kind,
        rounds: 0,
        ..LocksConfig::default()
    };
    let mut sim = new_sim(seed, &config);
    let start = Instant::now();
    while sim.next_event_time().is_some_and(|t| t <= RUN_FOR) {
        sim.step(None);
    }
    let seconds = start.elapsed().as_secs_f64();
    (lock_stats(&sim), sim.step_count(), seconds)
}

fn main() {
    let simulated_seconds = RUN_FOR.as_millis_f64() / 1000.0;
    println!("dsviz locks benchmark: {simulated_seconds} simulated seconds per run, seed 1\n");

    println!("1. Queue lock: messages per acquisition (lock requests, replies and watch");
    println!("   notifications; heartbeats counted apart)");
    println!(
        "   {:>7} | {:>28} | {:>28}",
        "clients", "watch the lock node (herd)", "watch the predecessor"
    );
    println!(
        "   {:>7} | {:>12} {:>15} | {:>12} {:>15}",
        "", "msgs/acq", "notif./acq", "msgs/acq", "notif./acq"
    );
    for clients in [2, 4, 6, 8] {
        let (herd, _, _) = run(LockKind::QueueHerd, clients, 1);
        let (pred, _, _) = run(LockKind::QueuePredecessor, clients, 1);
        let per = |s: &LockStats| s.messages_per_acquisition().unwrap_or(f64::NAN);
        let notes = |s: &LockStats| s.notifications_per_acquisition().unwrap_or(f64::NAN);
        println!(
            "   {clients:>7} | {:>12.1} {:>15.2} | {:>12.1} {:>15.2}",
            per(&herd),
            notes(&herd),
            per(&pred),
            notes(&pred)
        );
    }

    println!("\n2. Eight contending clients, every lock kind");
    println!(
        "   {:<20} {:>10} {:>12} {:>12} {:>12} {:>14}",
        "kind", "acq/sim s", "msgs/acq", "retries/acq", "heartbeats", "events/s"
    );
    let mut total_steps = 0u64;
    let mut total_seconds = 0.0;
    for kind in LockKind::ALL {
        // Warm the caches once, then measure.
        let _ = run(kind, 8, 2);
        let (stats, steps, seconds) = run(kind, 8, 1);
        total_steps += steps;
        total_seconds += seconds;
        println!(
            "   {:<20} {:>10.1} {:>12.1} {:>12.2} {:>12} {:>14.0}",
            kind.slug(),
            stats.acquisitions as f64 / simulated_seconds,
            stats.messages_per_acquisition().unwrap_or(f64::NAN),
            stats.failed_attempts as f64 / stats.acquisitions.max(1) as f64,
            stats.messages.heartbeats,
            steps as f64 / seconds
        );
    }
    println!(
        "   (retries: failed attempts that backed off; events/s: simulated events per wall second)"
    );

    println!(
        "\n3. Native speed: {total_steps} events in {:.3} s = {:.2} M events/s \
         (with both invariants checked after every event)",
        total_seconds,
        total_steps as f64 / total_seconds / 1e6
    );
}
