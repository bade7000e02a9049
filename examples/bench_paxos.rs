//! Figures for the Paxos scene; prints them, asserts nothing.
//!
//! Run with `cargo run --profile bench --example bench_paxos`.
//!
//! 1. Message delays and messages per chosen value: single-decree Paxos (one ballot, from
//!    the proposal) and Multi-Paxos in steady state (a stable leader, one client).
//! 2. How often dueling proposers are still without a decision after 1 simulated second,
//!    over 1,000 seeds, with and without back-off and leader election.
//! 3. Simulated events per second natively, with every invariant checked.
// Timing needs the wall clock; the library itself never reads it.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use dsviz::algo::paxos::duel::{duel_setup, livelock_table, time_to_choose, DuelReport};
use dsviz::algo::paxos::scenarios;
use dsviz::algo::paxos::views::{self, ballot_timeline};
use dsviz::algo::paxos::{new_sim, PaxosConfig, PaxosNode};
use dsviz::sim::{Sim, Time};

/// One message delay on the lockstep network used for counting delays.
const DELAY: Time = Time::from_millis(10);

fn lockstep(config: PaxosConfig) -> PaxosConfig {
    PaxosConfig {
        latency_min: DELAY,
        latency_max: DELAY,
        ..config
    }
}

fn run_until(sim: &mut Sim<PaxosNode>, until: Time) {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step(None);
    }
}

fn delays(t: Time) -> f64 {
    t.0 as f64 / DELAY.0 as f64
}

fn single_decree() {
    let config = lockstep(PaxosConfig::default());
    let chosen = time_to_choose(1, &config, Time::from_millis(1_000)).unwrap_or_default();
    let mut sim = new_sim(1, &config);
    run_until(&mut sim, Time::from_millis(1_000));
    let nodes = sim.nodes();
    let stats = views::stats(&nodes);
    let record = ballot_timeline(&nodes)[0].record;
    let chosen_at = match record.outcome {
        dsviz::algo::paxos::ghost::BallotOutcome::Chosen { at } => at,
        other => panic!("the happy path ends {other:?}"),
    };
    println!("   single-decree, 5 acceptors, 5 learners, majority quorums:");
    println!(
        "     phase 1 done after {:.0} delays; the value is chosen after {:.0} (the third \
         acceptance); the proposer and every learner know after {:.0}",
        delays(record.phase1_done.unwrap_or_default()),
        delays(chosen),
        delays(chosen_at)
    );
    println!(
        "     {} consensus messages for 1 chosen value ({} prepare, {} promise, {} accept, {} \
         accepted)",
        stats.messages.paxos(),
        stats.messages.prepare,
        stats.messages.promise,
        stats.messages.accept,
        stats.messages.accepted
    );
}

fn multi_paxos(q1: u32, q2: u32, jitter: bool) {
    let mut config = PaxosConfig {
        client_requests: 200,
        phase1_quorum: q1,
        phase2_quorum: q2,
        ..PaxosConfig::multi()
    };
    if !jitter {
        config = lockstep(config);
    }
    let mut sim = new_sim(1, &config);
    // Steady state: once phase 1 is done, count from then on.
    run_until(&mut sim, Time::from_millis(200));
    let before = views::stats(&sim.nodes());
    run_until(&mut sim, Time::from_millis(60_000));
    let after = views::stats(&sim.nodes());
    let chosen = after.chosen_slots - before.chosen_slots;
    let paxos = after.messages.paxos() - before.messages.paxos();
    let client = after.messages.client - before.messages.client;
    let latency = sim
        .nodes()
        .iter()
        .find_map(|(_, n, _)| n.client()?.mean_latency())
        .unwrap_or_default();
    let network = if jitter { "10-30 ms" } else { "10 ms" };
    println!(
        "   Multi-Paxos steady state, q1 = {q1}, q2 = {q2}, {network} per message: {chosen} \
         commands"
    );
    println!(
        "     {:.1} consensus messages per chosen command (+{:.1} client request and reply); \
         {} ballot in all",
        paxos as f64 / chosen as f64,
        client as f64 / chosen as f64,
        after.ballots_started
    );
    if jitter {
        println!("     mean client latency {latency}");
    } else {
        println!(
            "     client latency {:.1} delays: request, accept, accepted (to the leader), reply; \
             consensus itself takes 2",
            delays(latency)
        );
    }
}

fn print_duels(title: &str, base: &PaxosConfig) {
    println!("   {title}");
    println!(
        "     {:>9} {:>7} | {:>16} {:>14} {:>10}",
        "back-off", "leader", "livelocked > 1 s", "mean to choose", "slowest"
    );
    let show = |r: &DuelReport| {
        (
            format!("{} of {}", r.livelocked, r.runs),
            r.mean_time_to_choose.map_or("-".into(), |t| t.to_string()),
            r.slowest.map_or("-".into(), |t| t.to_string()),
        )
    };
    for row in livelock_table(base, 1_000, Time::from_millis(1_000)) {
        let (livelocked, mean, slowest) = show(&row.report);
        println!(
            "     {:>9} {:>7} | {livelocked:>16} {mean:>14} {slowest:>10}",
            if row.backoff { "on" } else { "off" },
            if row.leader_election { "on" } else { "off" },
        );
    }
}

/// Runs seeds 1 to 10 of `config` to `until`; prints events per wall-clock second.
fn events_per_second(title: &str, config: &PaxosConfig, until: Time) {
    let (mut events, mut seconds) = (0, 0.0);
    for seed in 1..=10 {
        let mut sim = new_sim(seed, config);
        let start = Instant::now();
        run_until(&mut sim, until);
        seconds += start.elapsed().as_secs_f64();
        events += sim.step_count();
    }
    println!(
        "   {title}: {events} events in {seconds:.3} s = {:.0} events/s",
        events as f64 / seconds
    );
}

fn main() {
    println!("dsviz Paxos benchmark\n");
    println!("1. Message delays and messages per chosen value (one delay = one message)");
    single_decree();
    multi_paxos(3, 3, false);
    multi_paxos(3, 3, true);
    multi_paxos(4, 2, true);
    println!();
    println!("2. Dueling proposers: three proposers get values one after the other; 1,000 seeds");
    print_duels(
        "random latency 10-30 ms, no retry wait without back-off:",
        &duel_setup(&PaxosConfig::default()),
    );
    let (lockstep_duel, _) = scenarios::livelock();
    print_duels(
        "lockstep network, 20 ms per message, values 30 ms apart (the livelock scenario):",
        &lockstep_duel,
    );
    println!();
    println!("3. Simulated events per second natively, every invariant checked");
    let multi = PaxosConfig {
        clients: 3,
        client_requests: 200,
        ..PaxosConfig::multi()
    };
    events_per_second(
        "Multi-Paxos, 3 clients x 200 commands, 10 seeds",
        &multi,
        Time::from_millis(60_000),
    );
    let (livelock, _) = scenarios::livelock();
    events_per_second(
        "single-decree livelock, 60 simulated s, 10 seeds",
        &livelock,
        Time::from_millis(60_000),
    );
}
