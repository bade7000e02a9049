//! The clients, as one traffic source: it draws arrivals and requests from its own seeded
//! stream, sends each request to a balancer, and keeps the books on every request's fate.
//!
//! **The books.** Every request that arrives is, at any moment, exactly one of: completed
//! (a reply came back), dropped (turned away with an answer: a full queue or no available
//! server), failed (no useful answer: the balancer's upstream timeout, or the client's own
//! timeout when nothing came back at all), or in progress. The client's own timeout is what
//! guarantees that a request lost anywhere (a crashed server, a cut link, a queue that
//! drops silently, a crashed balancer) is eventually counted instead of vanishing. An
//! answer that arrives after the client gave up is ignored: the request was already
//! counted as failed, and counting it again would break the books.
use super::config::TrafficConfig;
use super::connection::Outbox;
use super::messages::{Answer, Cmd, Msg, Note, Request, Timer};
use super::stream::TrafficStream;
use super::tamper::Tamper;
use super::traffic::{RateSchedule, Surge};
use super::window::{Outcome, Percentiles, SlidingWindow, WindowCounts};
use super::BalanceNode;
use crate::sim::sorted::SortedMap;
use crate::sim::{Ctx, NodeId, Time};

/// A request the client is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outstanding {
    pub born: Time,
    pub balancer: u32,
    pub session: u32,
}

/// Every request's fate so far. `arrived = completed + dropped + failed + in progress`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Totals {
    pub arrived: u64,
    pub completed: u64,
    /// Rejected by a server with a full queue.
    pub dropped_queue_full: u64,
    /// No available server at the balancer.
    pub dropped_no_server: u64,
    /// The balancer's upstream timeout answered.
    pub failed_upstream: u64,
    /// Nothing came back before the client's timeout.
    pub failed_client_timeout: u64,
}

impl Totals {
    pub fn dropped(&self) -> u64 {
        self.dropped_queue_full + self.dropped_no_server
    }

    pub fn failed(&self) -> u64 {
        self.failed_upstream + self.failed_client_timeout
    }

    pub fn ended(&self) -> u64 {
        self.completed + self.dropped() + self.failed()
    }
}

/// Where the pending arrival's draw started: walking `e_q32` expected arrivals from
/// `from` gives the arrival time (see `traffic`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Pending {
    from: Time,
    e_q32: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Client {
    balancers: Vec<NodeId>,
    traffic: TrafficConfig,
    schedule: RateSchedule,
    stream: TrafficStream,
    pending: Option<Pending>,
    stopped: bool,
    timeout: Time,
    next_id: u64,
    /// By id, which is also by arrival time, so also by deadline.
    outstanding: SortedMap<u64, Outstanding>,
    /// Whether the deadline timer is set.
    deadline_set: bool,
    totals: Totals,
    window: SlidingWindow,
    /// A running fingerprint of every arrival (time, id, session, demand), so that two
    /// runs can show they offered exactly the same traffic. Which balancer receives a
    /// request is left out: it is drawn in every run (one draw, whatever the number of
    /// balancers), so runs with different numbers of balancers still see the same
    /// requests at the same times.
    digest: u64,
    /// The numbers of the requests sent on each balancer's connection (see `connection`).
    /// Kept across a restart: the run's books never go back.
    sent: Outbox<u32>,
    /// The run's seed, kept so that the page can replay the same arrivals beside this run
    /// (the comparison and the latency chart); never read by the protocol.
    run_seed: u64,
}

fn mix(digest: u64, value: u64) -> u64 {
    (digest ^ value).wrapping_mul(0x0000_0100_0000_01b3)
}

impl Client {
    pub fn new(
        run_seed: u64,
        traffic: &TrafficConfig,
        balancers: Vec<NodeId>,
        timeout: Time,
        window: Time,
    ) -> Self {
        Client {
            balancers,
            schedule: RateSchedule::new(traffic.rate.clone()),
            traffic: traffic.clone(),
            stream: TrafficStream::new(run_seed),
            pending: None,
            stopped: false,
            timeout,
            next_id: 1,
            outstanding: SortedMap::new(),
            deadline_set: false,
            totals: Totals::default(),
            window: SlidingWindow::new(window),
            digest: 0xcbf2_9ce4_8422_2325,
            sent: Outbox::default(),
            run_seed,
        }
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    pub fn in_progress(&self) -> u64 {
        self.outstanding.len() as u64
    }

    /// How many requests the clients have sent: their ids are 1 to this number.
    pub fn issued(&self) -> u64 {
        self.next_id - 1
    }

    /// Whether the deadline timer is set. It must be while any request is in progress:
    /// it is what ends a request lost anywhere (see the module's header).
    pub fn deadline_armed(&self) -> bool {
        self.deadline_set
    }

    /// The requests waiting for an answer, by id.
    pub fn outstanding(&self) -> impl Iterator<Item = (u64, &Outstanding)> + '_ {
        self.outstanding.iter().map(|(id, o)| (*id, o))
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// The offered rate (requests per second) at `now`, surge included.
    pub fn rate_at(&self, now: Time) -> u64 {
        if self.stopped {
            0
        } else {
            self.schedule.rate_at(now)
        }
    }

    pub fn surge(&self) -> Option<Surge> {
        self.schedule.surge()
    }

    /// The seed the run (and this client's traffic) was built from.
    pub fn run_seed(&self) -> u64 {
        self.run_seed
    }

    pub fn arrival_digest(&self) -> u64 {
        self.digest
    }

    /// Exact latency percentiles of the requests completed in the window ending at `now`.
    pub fn percentiles(&self, now: Time) -> Percentiles {
        self.window.percentiles(now)
    }

    /// How requests ended in the window ending at `now` (drop and failure rates).
    pub fn window_counts(&self, now: Time) -> WindowCounts {
        self.window.counts(now)
    }

    /// The sorted latencies (microseconds) completed in the window ending at `now`.
    pub fn window_latencies(&self, now: Time) -> Vec<u64> {
        self.window.latencies(now)
    }

    pub fn window_span(&self) -> Time {
        self.window.span()
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        if !self.stopped && self.pending.is_none() {
            self.draw_next(cx, cx.now());
        }
    }

    /// Draws the next inter-arrival and sets the arrival timer.
    fn draw_next(&mut self, cx: &mut Ctx<'_, BalanceNode>, from: Time) {
        let pending = Pending {
            from,
            e_q32: self.stream.exponential_q32(),
        };
        self.pending = Some(pending);
        self.arm(cx, pending);
    }

    fn arm(&mut self, cx: &mut Ctx<'_, BalanceNode>, pending: Pending) {
        match self.schedule.arrival_after(pending.from, pending.e_q32) {
            Some(at) => cx.set_timer(Timer::Arrival, at.saturating_sub(cx.now())),
            // The rate is 0 for good: no more arrivals.
            None => self.pending = None,
        }
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, BalanceNode>, timer: Timer) {
        match timer {
            Timer::Arrival => self.arrive(cx),
            Timer::Deadline => {
                self.deadline_set = false;
                let now = cx.now();
                // Requests are kept in arrival order, so the expired ones come first.
                while let Some((&id, request)) = self.outstanding.first_key_value() {
                    if request.born.saturating_add(self.timeout) > now {
                        break;
                    }
                    self.outstanding.pop_first();
                    self.totals.failed_client_timeout += 1;
                    self.window.push(now, self.timeout, Outcome::Failed);
                    cx.note(Note::ClientTimeout { id });
                }
                self.set_deadline(cx);
            }
            _ => {}
        }
    }

    /// Sets the deadline timer for the oldest request waiting, unless it is set already
    /// (a timer set for an older request that has since been answered simply finds
    /// nothing due when it fires, and sets itself again).
    fn set_deadline(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        if self.deadline_set {
            return;
        }
        if let Some((_, oldest)) = self.outstanding.first_key_value() {
            let due = oldest.born.saturating_add(self.timeout);
            cx.set_timer(Timer::Deadline, due.saturating_sub(cx.now()));
            self.deadline_set = true;
        }
    }

    /// An arrival event: one request, or a burst; then the next draw. The draws always
    /// come in the same order, so the traffic depends only on the seed and the commands.
    fn arrive(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        let now = cx.now();
        let t = &self.traffic;
        let burst = self.stream.chance_permille(t.burst_permille);
        let count = if burst { t.burst_size } else { 1 };
        for _ in 0..count {
            let balancer = self.stream.below(self.balancers.len() as u64) as u32;
            let session = self.stream.below(u64::from(t.sessions)) as u32;
            let drawn = u128::from(self.stream.exponential_q32());
            let mut demand = ((u128::from(t.mean_demand.0) * drawn) >> 32) as u64;
            if self.stream.chance_permille(t.heavy_permille) {
                demand = demand.saturating_mul(u64::from(t.heavy_factor));
            }
            let request = Request {
                id: self.next_id,
                session,
                demand_us: demand.max(1),
            };
            self.next_id += 1;
            for value in [now.0, request.id, session.into(), request.demand_us] {
                self.digest = mix(self.digest, value);
            }
            self.totals.arrived += 1;
            self.outstanding.insert(
                request.id,
                Outstanding {
                    born: now,
                    balancer,
                    session,
                },
            );
            cx.note(Note::Arrived {
                id: request.id,
                balancer,
                burst,
            });
            let to = self.balancers[balancer as usize];
            let seq = self.sent.next(balancer);
            cx.send(to, Msg::Request { request, seq });
        }
        self.set_deadline(cx);
        self.draw_next(cx, now);
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, BalanceNode>, msg: Msg) {
        let Msg::Answer { id, answer } = msg else {
            return;
        };
        // A late answer to a request the client already gave up on changes nothing.
        let Some(request) = self.outstanding.remove(&id) else {
            return;
        };
        let now = cx.now();
        let latency = now.saturating_sub(request.born);
        let outcome = match answer {
            Answer::Served => {
                self.totals.completed += 1;
                cx.note(Note::Completed { id, latency });
                Outcome::Completed
            }
            Answer::QueueFull | Answer::NoServer => {
                if answer == Answer::QueueFull {
                    self.totals.dropped_queue_full += 1;
                } else {
                    self.totals.dropped_no_server += 1;
                }
                cx.note(Note::Dropped { id, answer });
                Outcome::Dropped
            }
            Answer::UpstreamTimeout => {
                self.totals.failed_upstream += 1;
                cx.note(Note::Failed { id, answer });
                Outcome::Failed
            }
        };
        self.window.push(now, latency, outcome);
    }

    pub(super) fn on_command(&mut self, cx: &mut Ctx<'_, BalanceNode>, cmd: Cmd) {
        let now = cx.now();
        match cmd {
            Cmd::Surge { factor, duration } => {
                let until = now.saturating_add(duration);
                self.schedule.set_surge(Surge {
                    from: now,
                    until,
                    factor,
                });
                cx.note(Note::SurgeStarted { factor, until });
                // The rate only changes from now on, so the pending draw still holds:
                // walk it again under the new rate.
                if let Some(pending) = self.pending {
                    self.arm(cx, pending);
                }
            }
            Cmd::Stop if !self.stopped => {
                self.stopped = true;
                self.pending = None;
                cx.cancel_timer(Timer::Arrival);
                cx.note(Note::TrafficStopped);
            }
            Cmd::Go if self.stopped => {
                self.stopped = false;
                cx.note(Note::TrafficStarted);
                self.draw_next(cx, now);
            }
            _ => {}
        }
    }

    pub(super) fn tamper(&mut self, tamper: Tamper) -> bool {
        match tamper {
            Tamper::ForgetRequest => self.outstanding.pop_first().is_some(),
            Tamper::CountCompletionTwice => {
                self.totals.completed += 1;
                true
            }
            Tamper::DisarmDeadline if !self.outstanding.is_empty() => {
                self.deadline_set = false;
                true
            }
            _ => false,
        }
    }

    /// The client is the measuring harness more than a machine: a crash keeps its books.
    /// Its timers are gone, so on restart every request still waiting is counted as failed
    /// (its deadline can no longer fire) and arrivals start again.
    pub(super) fn on_restart(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        let now = cx.now();
        for (id, request) in std::mem::take(&mut self.outstanding) {
            self.totals.failed_client_timeout += 1;
            let latency = now.saturating_sub(request.born);
            self.window.push(now, latency, Outcome::Failed);
            cx.note(Note::ClientTimeout { id });
        }
        self.pending = None;
        self.deadline_set = false;
        self.on_start(cx);
    }
}
