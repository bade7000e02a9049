//! The designs side by side: each runs under the same seeded fault schedule, and the table
//! shows what each one lost and duplicated. A pure function of the seed, so the page can
//! compute it and a test can pin it.
use super::config::{Design, QueueConfig};
use super::stats::{counters, Counters};
use super::{invariants, layout, nodes, QueueNode};
use crate::algo::redis::Persistence;
use crate::sim::{Action, NetConfig, Sim, SimRng, Time};

/// One design's results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DesignRow {
    pub design: Design,
    pub counters: Counters,
}

/// Simulated time each comparison run covers: the faults, then time to drain.
pub const COMPARISON_RUN: Time = Time::from_millis(12_000);

/// Runs `sim` until `until`, taking each action when its time comes.
pub fn run_with_actions(
    sim: &mut Sim<QueueNode>,
    actions: &[(Time, Action<super::QueueCmd>)],
    until: Time,
) {
    let mut actions = actions.iter().peekable();
    loop {
        let next_event = sim.next_event_time().filter(|t| *t <= until);
        match (actions.peek(), next_event) {
            (Some((at, action)), next) if next.is_none_or(|t| *at <= t) && *at <= until => {
                sim.apply(action, *at, None);
                actions.next();
            }
            (_, Some(_)) => {
                sim.step(None);
            }
            _ => return,
        }
    }
}

/// The comparison's configuration for one design: two producers, two consumers, AOF every
/// second, and a network that loses one message in fifty.
pub fn comparison_config(design: Design) -> QueueConfig {
    QueueConfig {
        design,
        persistence: Persistence::AofEverySec,
        producers: 2,
        consumers: 2,
        messages: 40,
        ..QueueConfig::default()
    }
}

/// A fault schedule drawn from `seed`, the same for every design (node numbers coincide:
/// the broker is 0 and the consumers follow the producers): each consumer crashes once and
/// is paused once, and the broker crashes once.
pub fn fault_schedule(seed: u64) -> Vec<(Time, Action<super::QueueCmd>)> {
    let mut rng = SimRng::new(seed);
    let config = comparison_config(Design::AtMostOnce);
    let layout = layout(&config);
    let mut faults = Vec::new();
    for &c in &layout.consumers {
        let crash = Time::from_millis(rng.between(200, 2_500));
        faults.push((crash, Action::Crash(c)));
        faults.push((
            crash.saturating_add(Time::from_millis(rng.between(100, 800))),
            Action::Restart(c),
        ));
        let pause = Time::from_millis(rng.between(200, 2_500));
        faults.push((
            pause,
            Action::Pause(c, Some(Time::from_millis(rng.between(300, 900)))),
        ));
    }
    let crash = Time::from_millis(rng.between(500, 2_500));
    faults.push((crash, Action::Crash(layout.broker)));
    faults.push((
        crash.saturating_add(Time::from_millis(200)),
        Action::Restart(layout.broker),
    ));
    crate::sim::sort::sort_by_key(&mut faults, |(t, _)| *t);
    faults
}

/// Every design under the fault schedule of `seed`, in menu order.
pub fn design_comparison(seed: u64) -> Vec<DesignRow> {
    let faults = fault_schedule(seed);
    Design::ALL
        .into_iter()
        .map(|design| {
            let config = comparison_config(design);
            let net = NetConfig {
                loss: 0.02,
                ..super::net_config()
            };
            let mut sim = Sim::new(seed, nodes(&config), net, invariants());
            run_with_actions(&mut sim, &faults, COMPARISON_RUN);
            DesignRow {
                design,
                counters: counters(&sim),
            }
        })
        .collect()
}
