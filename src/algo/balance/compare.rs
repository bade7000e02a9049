//! Compare mode: two runs on the same seed, the same arrivals and the same faults, sampled
//! into time series the page draws on top of each other.
//!
//! Both runs draw their traffic from the client's own stream (see `stream`) and the
//! network has a fixed latency, so the requests, their arrival times, sessions and
//! service demands are identical; only what the balancers decide differs (the two sides
//! may even have different numbers of balancers: each request's balancer is drawn in both,
//! from the same draw). Each series
//! carries the client's fingerprint of its arrivals, so the page (and the tests) can show
//! that both sides really saw the same traffic.
use super::config::BalanceConfig;
use super::messages::{Cmd, Layout, Role};
use super::window::{Percentiles, WindowCounts};
use super::{new_sim, BalanceNode, SessionMoves};
use crate::sim::{Action, NetChange, NodeId, NodeStatus, Sim, Time};

/// Longest run compare mode will simulate.
pub const MAX_RUN: Time = Time::from_millis(600_000);
/// Most samples one series may hold.
pub const MAX_SAMPLES: u64 = 10_000;

/// A user action at a moment of simulated time (scenarios are written this way, so that
/// both sides of a comparison get their faults at the same moment).
#[derive(Clone, Debug, PartialEq)]
pub struct TimedAction {
    pub at: Time,
    pub action: Action<Cmd>,
}

/// One server at one sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerSample {
    pub queue: u32,
    pub in_service: u32,
    /// Busy slot-time over the interval since the previous sample, per thousand.
    pub utilisation_permille: u32,
    pub up: bool,
}

/// The state of a run at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    pub at: Time,
    pub arrived: u64,
    pub completed: u64,
    pub dropped: u64,
    pub failed: u64,
    pub in_progress: u64,
    /// Offered rate at this moment (requests per second, surge included).
    pub offered_per_second: u64,
    /// Latency percentiles over the sliding window ending here.
    pub latency: Percentiles,
    /// How requests ended over the window ending here.
    pub window: WindowCounts,
    /// Completed requests per second over the window.
    pub throughput_per_second: u64,
    pub servers: Vec<ServerSample>,
}

/// A run sampled over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    pub label: String,
    pub samples: Vec<Sample>,
    /// The client's fingerprint of every arrival (equal for runs with the same traffic).
    pub arrival_digest: u64,
    /// Invariants that failed: (name, first message).
    pub violations: Vec<(&'static str, String)>,
    /// Events handled.
    pub steps: u64,
    /// Session moves over the run, summed over the balancers (moved, and forced: the
    /// minimum).
    pub session_moves: SessionMoves,
}

/// Two runs side by side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub a: Series,
    pub b: Series,
}

/// Runs `sim` up to `until` (every event at or before it).
pub fn run_until(sim: &mut Sim<BalanceNode>, until: Time) {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step(None);
    }
}

/// The sample of `sim` at `now` (at or after its last event, before its next);
/// `previous` (if any) gives the interval for utilisation. Returns each server's busy
/// time too, for the next sample's `previous`.
pub fn sample(
    sim: &Sim<BalanceNode>,
    now: Time,
    previous: Option<(Time, &[u64])>,
) -> (Sample, Vec<u64>) {
    let now = now.max(sim.now());
    let mut s = Sample {
        at: now,
        ..Sample::default()
    };
    let mut busy = Vec::new();
    for (_, node, status) in sim.nodes().iter() {
        if let Some(c) = node.as_client() {
            let t = c.totals();
            s.arrived = t.arrived;
            s.completed = t.completed;
            s.dropped = t.dropped();
            s.failed = t.failed();
            s.in_progress = c.in_progress();
            s.offered_per_second = if status == NodeStatus::Up {
                c.rate_at(now)
            } else {
                0
            };
            s.latency = c.percentiles(now);
            s.window = c.window_counts(now);
            let span = c.window_span().0.min(now.0).max(1);
            s.throughput_per_second = s.window.completed * 1_000_000 / span;
        }
        if let Some(server) = node.as_server() {
            let busy_now = server.busy_us_at(now);
            let i = busy.len();
            let utilisation = match previous {
                Some((then, before)) if now > then => {
                    let done = busy_now.saturating_sub(before.get(i).copied().unwrap_or(0));
                    let room = (now.0 - then.0) * u64::from(server.spec().slots.max(1));
                    (done * 1000 / room) as u32
                }
                _ => server.utilisation_permille(),
            };
            busy.push(busy_now);
            let up = status == NodeStatus::Up && !server.is_down();
            s.servers.push(ServerSample {
                queue: server.queue_len(),
                in_service: server.in_service(),
                utilisation_permille: utilisation,
                up,
            });
        }
    }
    (s, busy)
}

/// Checks a run's length and sampling interval.
pub fn check_run(until: Time, every: Time) -> Result<(), String> {
    if until > MAX_RUN {
        return Err(format!("A run may last at most {MAX_RUN}, not {until}"));
    }
    if every < Time(10_000) {
        return Err(format!("Samples must be at least 10 ms apart, not {every}"));
    }
    if until.0 / every.0 > MAX_SAMPLES {
        return Err(format!(
            "{until} sampled every {every} makes more than {MAX_SAMPLES} samples"
        ));
    }
    Ok(())
}

/// The same action on another layout, nodes mapped by role (the client, balancer `i`,
/// server `i`). `None` when the other layout has no such node (a fifth balancer when it has
/// one). A message id means nothing in another run, so a message drop is kept as it is.
pub fn translate(action: &Action<Cmd>, from: &Layout, to: &Layout) -> Option<Action<Cmd>> {
    let map = |n: NodeId| -> Option<NodeId> {
        match from.role(n)? {
            Role::Client => Some(to.client),
            Role::Balancer(i) => to.balancers.get(i as usize).copied(),
            Role::Server(i) => to.servers.get(i as usize).copied(),
        }
    };
    Some(match action {
        Action::Crash(n) => Action::Crash(map(*n)?),
        Action::Restart(n) => Action::Restart(map(*n)?),
        Action::Pause(n, d) => Action::Pause(map(*n)?, *d),
        Action::Resume(n) => Action::Resume(map(*n)?),
        Action::DropMessage(m) => Action::DropMessage(*m),
        Action::DelayMessage(m, by) => Action::DelayMessage(*m, *by),
        Action::Network(change) => Action::Network(match change {
            NetChange::Cut { from, to } => NetChange::Cut {
                from: map(*from)?,
                to: map(*to)?,
            },
            NetChange::Heal { from, to } => NetChange::Heal {
                from: map(*from)?,
                to: map(*to)?,
            },
            NetChange::Partition { group } => NetChange::Partition {
                group: group.iter().map(|n| map(*n)).collect::<Option<Vec<_>>>()?,
            },
            NetChange::HealAll => NetChange::HealAll,
        }),
        Action::Command(n, cmd) => Action::Command(map(*n)?, *cmd),
        // A forced step names one run's message or timer: nothing to move.
        Action::Force(_) => return None,
    })
}

/// The nodes an action names.
fn named_nodes(action: &Action<Cmd>) -> Vec<NodeId> {
    match action {
        Action::Crash(n)
        | Action::Restart(n)
        | Action::Pause(n, _)
        | Action::Resume(n)
        | Action::Command(n, _) => vec![*n],
        Action::Force(_) => action.nodes(),
        Action::Network(NetChange::Cut { from, to } | NetChange::Heal { from, to }) => {
            vec![*from, *to]
        }
        Action::Network(NetChange::Partition { group }) => group.clone(),
        Action::DropMessage(_) | Action::DelayMessage(..) | Action::Network(NetChange::HealAll) => {
            Vec::new()
        }
    }
}

/// Runs one configuration from `seed` to `until`, taking `actions` at their times and a
/// sample every `every`.
pub fn run_series(
    label: &str,
    seed: u64,
    config: &BalanceConfig,
    actions: &[TimedAction],
    until: Time,
    every: Time,
) -> Result<Series, String> {
    config.validate().map_err(|e| e.to_string())?;
    check_run(until, every)?;
    let node_count = super::layout(config).servers.last().map_or(0, |s| s.0 + 1);
    for a in actions {
        if let Some(n) = named_nodes(&a.action)
            .into_iter()
            .find(|n| n.0 >= node_count)
        {
            return Err(format!(
                "The action \"{}\" names node {}, but this run has nodes 0 to {}",
                a.action,
                n.0,
                node_count.saturating_sub(1)
            ));
        }
    }
    let mut actions: Vec<&TimedAction> = actions.iter().filter(|a| a.at <= until).collect();
    crate::sim::sort::sort_by_key(&mut actions, |a| a.at);
    let mut sim = new_sim(seed, config);
    let mut samples = Vec::new();
    let mut busy: Vec<u64> = Vec::new();
    let mut next_action = actions.into_iter().peekable();
    let mut at = Time::ZERO;
    loop {
        // Actions due before (or at) this sample happen first, at their own moment.
        while let Some(a) = next_action.next_if(|a| a.at <= at) {
            run_until(&mut sim, a.at);
            sim.apply(&a.action, a.at, None);
        }
        run_until(&mut sim, at);
        let previous = samples.last().map(|s: &Sample| (s.at, busy.as_slice()));
        let (s, b) = sample(&sim, at, previous);
        samples.push(s);
        busy = b;
        if at >= until {
            break;
        }
        at = Time((at.0 + every.0).min(until.0));
    }
    let violations = sim
        .invariants()
        .iter()
        .zip(sim.violations())
        .filter_map(|(inv, v)| v.as_ref().map(|v| (inv.name, v.message.to_string())))
        .collect();
    let digest = sim
        .nodes()
        .iter()
        .find_map(|(_, n, _)| n.as_client().map(|c| c.arrival_digest()))
        .unwrap_or(0);
    Ok(Series {
        label: label.to_string(),
        samples,
        arrival_digest: digest,
        violations,
        steps: sim.step_count(),
        session_moves: super::views::session_moves(&sim),
    })
}

/// Runs two configurations (usually two strategies) on the same seed, arrivals and
/// actions. The actions name nodes of `a`'s layout; `b` gets them translated by role (see
/// [`translate`]). A pure function: the same inputs always give the same two series.
pub fn compare(
    seed: u64,
    a: (&str, &BalanceConfig),
    b: (&str, &BalanceConfig),
    actions: &[TimedAction],
    until: Time,
    every: Time,
) -> Result<Comparison, String> {
    if a.1.traffic != b.1.traffic {
        return Err(
            "Both sides of a comparison need the same traffic, or their arrivals would differ"
                .into(),
        );
    }
    let (layout_a, layout_b) = (super::layout(a.1), super::layout(b.1));
    let actions_b: Vec<TimedAction> = actions
        .iter()
        .filter_map(|t| {
            translate(&t.action, &layout_a, &layout_b)
                .map(|action| TimedAction { at: t.at, action })
        })
        .collect();
    Ok(Comparison {
        a: run_series(a.0, seed, a.1, actions, until, every)?,
        b: run_series(b.0, seed, b.1, &actions_b, until, every)?,
    })
}
