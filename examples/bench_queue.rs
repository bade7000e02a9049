//! Figures for the message-queue scene; prints them, asserts nothing.
//!
//! Run with `cargo run --profile bench --example bench_queue`.
//!
//! 1. Messages per second through the simulated pipeline (producers, Redis, consumers, the
//!    database), natively, for each design: wall-clock throughput of the simulator, with
//!    every invariant checked after every step.
//! 2. What each design loses and duplicates under one seeded fault schedule (consumer
//!    crashes and pauses, a Redis crash with AOF every second, 2% message loss): the table
//!    the page shows, from `design_comparison`.
// Timing needs the wall clock; the library itself never reads it.
#![allow(clippy::disallowed_methods)]

use dsviz::algo::queue::{counters, design_comparison, new_sim, Design, QueueConfig};
use dsviz::sim::Time;
use std::time::Instant;

/// Simulated time of each throughput run.
const RUN_FOR: Time = Time::from_millis(30_000);

fn main() {
    println!("dsviz message-queue benchmark\n");
    println!("1. Simulated pipeline throughput (4 producers sending 50 messages/s each, 4 consumers, no faults)");
    println!(
        "   {:<12} | {:>9} | {:>9} | {:>12} | {:>13}",
        "design", "messages", "steps", "wall ms", "messages/s"
    );
    for design in Design::ALL {
        let config = QueueConfig {
            design,
            producers: 4,
            consumers: 4,
            messages: 500,
            produce_every: Time::from_millis(20),
            service_time: Time::from_millis(2),
            ..QueueConfig::default()
        };
        let mut sim = new_sim(1, &config);
        let start = Instant::now();
        while sim.next_event_time().is_some_and(|t| t <= RUN_FOR) {
            sim.step(None);
        }
        let wall = start.elapsed().as_secs_f64();
        let processed = counters(&sim).processed;
        println!(
            "   {:<12} | {:>9} | {:>9} | {:>12.1} | {:>13.0}",
            design.slug(),
            processed,
            sim.step_count(),
            wall * 1000.0,
            processed as f64 / wall
        );
    }

    let seed = 7;
    println!("\n2. One seeded fault schedule (seed {seed}), every design");
    println!(
        "   {:<12} | {:>5} | {:>9} | {:>9} | {:>11} | {:>9} | {:>10} | {:>4} | {:>4}",
        "design",
        "sent",
        "confirmed",
        "delivered",
        "redelivered",
        "processed",
        "duplicated",
        "lost",
        "dead"
    );
    for row in design_comparison(seed) {
        let c = row.counters;
        println!(
            "   {:<12} | {:>5} | {:>9} | {:>9} | {:>11} | {:>9} | {:>10} | {:>4} | {:>4}",
            row.design.slug(),
            c.sent,
            c.confirmed,
            c.delivered,
            c.redelivered,
            c.processed,
            c.duplicated,
            c.lost,
            c.dead_lettered
        );
    }
}
