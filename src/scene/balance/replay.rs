//! The history behind the latency chart, and the second side of a comparison.
//!
//! The view model is computed from the run at the cursor, but a chart of percentiles over
//! time needs the past, and a comparison needs a second run. Both are replays: the run's
//! own world (same seed, same network, same actions, applied at the same steps) sampled at
//! fixed moments, and the partner's world (same seed, hence the same arrivals, with the
//! actions moved onto its nodes and applied at the same moments). Replays only go forward
//! and are kept between frames (one per thread), so playing a run costs each replay about
//! as much as the run itself; rewinding only shows fewer samples.
use crate::algo::balance::compare::{sample, translate, Sample};
use crate::algo::balance::views::session_moves;
use crate::algo::balance::{layout, nodes, BalanceConfig, BalanceNode, Cmd, SessionMoves};
use crate::sim::{Action, NetConfig, Scheduled, Sim, Time};
use std::cell::RefCell;

/// The most samples a replay keeps (past it the chart stops growing).
pub const MAX_SAMPLES: usize = 2_400;

/// The time between two samples, for traffic that lasts `traffic_for`: a tenth of a
/// second, or longer so that the traffic fits in about 300 samples.
pub fn sample_every(traffic_for: Time) -> Time {
    let ms = (traffic_for.0 / 1_000 / 300).div_ceil(50) * 50;
    Time::from_millis(ms.max(100))
}

/// One world run forward and sampled every `every`.
pub struct Replay {
    sim: Sim<BalanceNode>,
    actions: Vec<Scheduled<Cmd>>,
    next_action: usize,
    /// Apply each action after the step it was taken at (the run itself), or at its time
    /// (a partner, whose steps differ).
    by_step: bool,
    every: Time,
    pub samples: Vec<Sample>,
    /// The client's arrival digest at each sample.
    pub digests: Vec<u64>,
    /// Session moves (summed over the balancers) at each sample.
    pub moves: Vec<SessionMoves>,
    busy: Vec<u64>,
}

impl Replay {
    pub fn new(
        seed: u64,
        config: &BalanceConfig,
        net: NetConfig,
        actions: Vec<Scheduled<Cmd>>,
        by_step: bool,
        every: Time,
    ) -> Self {
        Replay {
            // No invariants: the run itself checks them.
            sim: Sim::new(seed, nodes(seed, config), net, Vec::new()),
            actions,
            next_action: 0,
            by_step,
            every,
            samples: Vec::new(),
            digests: Vec::new(),
            moves: Vec::new(),
            busy: Vec::new(),
        }
    }

    /// Runs the world until just before the first event after `until`.
    fn run_to(&mut self, until: Time) {
        loop {
            if let Some(a) = self.actions.get(self.next_action) {
                let due = if self.by_step {
                    a.at <= self.sim.step_count() || self.sim.is_quiescent()
                } else {
                    self.sim.next_event_time().is_none_or(|t| t > a.time)
                };
                if due && a.time <= until {
                    self.sim.apply(&a.action, a.time, None);
                    self.next_action += 1;
                    continue;
                }
            }
            match self.sim.next_event_time() {
                Some(t) if t <= until => {
                    self.sim.step(None);
                }
                _ => break,
            }
        }
    }

    /// Takes every sample due at or before `now`.
    pub fn sample_until(&mut self, now: Time) {
        while self.samples.len() < MAX_SAMPLES {
            let at = Time(self.every.0 * self.samples.len() as u64);
            if at > now {
                break;
            }
            self.run_to(at);
            let previous = self.samples.last().map(|s| (s.at, self.busy.as_slice()));
            let (s, busy) = sample(&self.sim, at, previous);
            let digest = self
                .sim
                .nodes()
                .iter()
                .find_map(|(_, n, _)| n.as_client().map(|c| c.arrival_digest()))
                .unwrap_or(0);
            self.samples.push(s);
            self.digests.push(digest);
            self.moves.push(session_moves(&self.sim));
            self.busy = busy;
        }
    }

    /// The samples taken at or before `now`.
    pub fn upto(&self, now: Time) -> &[Sample] {
        let n = self.samples.partition_point(|s| s.at <= now);
        &self.samples[..n]
    }
}

/// What identifies a replay: everything the run depends on.
#[derive(Clone, PartialEq)]
struct Key {
    seed: u64,
    config: BalanceConfig,
    partner: Option<BalanceConfig>,
    net: NetConfig,
    actions: Vec<Scheduled<Cmd>>,
    every: Time,
}

/// The run's replay and its partner's.
pub struct Replays {
    key: Key,
    pub own: Replay,
    pub partner: Option<Replay>,
    /// Actions of the run that the partner cannot repeat (a dropped message: the partner's
    /// messages are different ones).
    pub not_mirrored: usize,
}

/// The partner's actions: the run's, moved onto the partner's nodes, without message drops.
fn partner_actions(
    actions: &[Scheduled<Cmd>],
    own: &BalanceConfig,
    partner: &BalanceConfig,
) -> (Vec<Scheduled<Cmd>>, usize) {
    let (from, to) = (layout(own), layout(partner));
    let mut skipped = 0;
    let moved = actions
        .iter()
        .filter_map(|a| {
            let action = match &a.action {
                Action::DropMessage(_) | Action::DelayMessage(..) => None,
                other => translate(other, &from, &to),
            };
            if action.is_none() {
                skipped += 1;
            }
            action.map(|action| Scheduled {
                at: a.at,
                time: a.time,
                action,
            })
        })
        .collect();
    (moved, skipped)
}

thread_local! {
    static CACHE: RefCell<Option<Replays>> = const { RefCell::new(None) };
}

/// What a run's replays depend on.
pub struct Inputs<'a> {
    pub seed: u64,
    pub config: &'a BalanceConfig,
    pub partner: Option<&'a BalanceConfig>,
    pub net: &'a NetConfig,
    pub actions: &'a [Scheduled<Cmd>],
    pub every: Time,
}

impl Inputs<'_> {
    fn key(&self) -> Key {
        Key {
            seed: self.seed,
            config: self.config.clone(),
            partner: self.partner.cloned(),
            net: self.net.clone(),
            actions: self.actions.to_vec(),
            every: self.every,
        }
    }

    fn matches(&self, k: &Key) -> bool {
        k.seed == self.seed
            && k.every == self.every
            && k.config == *self.config
            && k.partner.as_ref() == self.partner
            && k.net == *self.net
            && k.actions == self.actions
    }
}

/// Runs `f` on the replays of a run, sampled up to `now` (built or rebuilt as needed).
pub fn with_replays<T>(inputs: Inputs<'_>, now: Time, f: impl FnOnce(&Replays) -> T) -> T {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.as_ref().is_some_and(|r| inputs.matches(&r.key)) {
            let Inputs {
                seed,
                config,
                partner,
                net,
                actions,
                every,
            } = inputs;
            let own = Replay::new(seed, config, net.clone(), actions.to_vec(), true, every);
            let (partner_replay, not_mirrored) = match partner {
                Some(p) => {
                    let (moved, skipped) = partner_actions(actions, config, p);
                    let replay = Replay::new(seed, p, net.clone(), moved, false, every);
                    (Some(replay), skipped)
                }
                None => (None, 0),
            };
            *cache = Some(Replays {
                key: inputs.key(),
                own,
                partner: partner_replay,
                not_mirrored,
            });
        }
        let replays = cache.as_mut().expect("just filled");
        replays.own.sample_until(now);
        if let Some(p) = &mut replays.partner {
            p.sample_until(now);
        }
        f(replays)
    })
}
