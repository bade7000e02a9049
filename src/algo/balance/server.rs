//! A server: a few parallel slots, a bounded queue in front of them, and a speed.
//!
//! A request that arrives while a slot is free starts at once; otherwise it waits in the
//! queue, first come first served. Its service time is its demand divided by the server's
//! speed, times the slow-down factor while the server is slow. A request that finds the
//! queue full is turned away: rejected with an immediate error (like an HTTP 503, so the
//! client learns quickly) or dropped silently (like a full accept backlog: the client only
//! learns from a timeout), as the configuration says. This is the "bounded queue" lesson:
//! an unbounded queue never drops anything but lets latency grow without limit under
//! overload; a bounded one keeps latency bounded and sheds the excess.
//!
//! Faults: *slow* (`slow:F`) makes every request started from then on take `F` times longer
//! (a noisy neighbour, a failing disk, garbage collection); its health checks still pass,
//! which is exactly why slow servers hurt. *Flapping* (`flap:MS`) takes the server's
//! process down for `MS` milliseconds and up for `MS`, over and over: while down it
//! answers nothing and what it held is lost. A kernel *crash* loses the queue and the
//! requests in service the same way, until a restart.
//!
//! A copy of a request that the network duplicated is ignored, whether the server still
//! holds the request or answered it long ago, as TCP would have discarded it (see
//! `connection`): a real server never sees it. (Serving a copy while the first is held
//! would also leave a slot busy for ever, since the copy's service timer would replace the
//! original's.)
use super::config::{QueueFull, ServerSpec};
use super::connection::Inbox;
use super::messages::{Cmd, Msg, Note, Request, Timer};
use super::tamper::Tamper;
use super::BalanceNode;
use crate::sim::sorted::SortedMap;
use crate::sim::{Ctx, NodeId, Time};
use std::collections::VecDeque;

/// A request at a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Job {
    pub request: Request,
    /// The balancer that sent it (and gets the reply).
    pub balancer: NodeId,
    pub arrived: Time,
}

/// A request in service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Running {
    pub job: Job,
    pub started: Time,
    pub ends: Time,
}

/// What a server did, over the whole run (kept across crashes: these are statistics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ServerStats {
    pub received: u64,
    pub served: u64,
    /// Turned away with an error because the queue was full.
    pub rejected: u64,
    /// Discarded silently because the queue was full.
    pub discarded: u64,
    /// Lost in a crash or while flapping down (queued or in service, or arriving while
    /// down).
    pub lost: u64,
    /// Slot-microseconds spent serving requests that finished.
    pub busy_us: u64,
    /// Copies of a request received before (held here still, or answered) that the network
    /// duplicated, ignored (not counted as received: TCP would have discarded them).
    pub duplicates_ignored: u64,
}

impl ServerStats {
    /// Requests received that have ended here: served, rejected, discarded or lost.
    pub fn ended(&self) -> u64 {
        self.served + self.rejected + self.discarded + self.lost
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Server {
    index: u32,
    spec: ServerSpec,
    policy: QueueFull,
    slow_factor: u32,
    /// Half-period while flapping.
    flap: Option<Time>,
    /// Down because of flapping (a crash is the kernel's status instead).
    down: bool,
    queue: VecDeque<Job>,
    running: Vec<Running>,
    stats: ServerStats,
    /// The highest pick number received from each balancer (kept across crashes), for
    /// the invariant that a server every balancer knows is down receives nothing new.
    highest_pick: SortedMap<NodeId, u64>,
    /// The numbers of the attempts received on each balancer's connection, to discard a
    /// copy the network duplicated (see `connection`). Kept across a crash: a copy of a
    /// message sent before the crash belongs to a connection that is gone, and TCP
    /// discards it.
    received_from: SortedMap<NodeId, Inbox>,
}

impl Server {
    pub fn new(index: u32, spec: ServerSpec, policy: QueueFull) -> Self {
        Server {
            index,
            spec,
            policy,
            slow_factor: 1,
            flap: None,
            down: false,
            queue: VecDeque::new(),
            running: Vec::new(),
            stats: ServerStats::default(),
            highest_pick: SortedMap::new(),
            received_from: SortedMap::new(),
        }
    }

    pub fn index(&self) -> u32 {
        self.index
    }

    pub fn spec(&self) -> ServerSpec {
        self.spec
    }

    pub fn queue_len(&self) -> u32 {
        self.queue.len() as u32
    }

    pub fn in_service(&self) -> u32 {
        self.running.len() as u32
    }

    /// Busy slots per thousand slots, right now.
    pub fn utilisation_permille(&self) -> u32 {
        self.in_service() * 1000 / self.spec.slots.max(1)
    }

    /// Slot-microseconds of service done up to `now`, including the part of requests
    /// still in service; the difference between two moments over `slots x elapsed` is the
    /// utilisation in between.
    pub fn busy_us_at(&self, now: Time) -> u64 {
        let partial: u64 = self
            .running
            .iter()
            .map(|r| now.min(r.ends).saturating_sub(r.started).0)
            .sum();
        self.stats.busy_us + partial
    }

    /// The highest pick number among the requests received from `balancer` (0: none).
    pub fn highest_pick_from(&self, balancer: NodeId) -> u64 {
        self.highest_pick.get(&balancer).copied().unwrap_or(0)
    }

    pub fn stats(&self) -> ServerStats {
        self.stats
    }

    pub fn slow_factor(&self) -> u32 {
        self.slow_factor
    }

    pub fn is_flapping(&self) -> bool {
        self.flap.is_some()
    }

    /// Down because of flapping (not answering anything).
    pub fn is_down(&self) -> bool {
        self.down
    }

    pub fn queued(&self) -> impl Iterator<Item = &Job> + '_ {
        self.queue.iter()
    }

    pub fn running(&self) -> &[Running] {
        &self.running
    }

    /// Whether request `id` from `balancer` is queued or in service here.
    pub fn holds(&self, balancer: NodeId, id: u64) -> bool {
        let same = |j: &Job| j.balancer == balancer && j.request.id == id;
        self.queue.iter().any(same) || self.running.iter().any(|r| same(&r.job))
    }

    /// How long a request of `demand_us` takes here now.
    pub fn service_time(&self, demand_us: u64) -> Time {
        let scaled = u128::from(demand_us) * 1000 * u128::from(self.slow_factor);
        let us = scaled.div_ceil(u128::from(self.spec.speed_permille.max(1)));
        Time((us.min(u128::from(u64::MAX))) as u64).max(Time(1))
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        if let Some(half) = self.flap {
            cx.set_timer(Timer::Flap, half);
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, BalanceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Check { seq } if !self.down => cx.send(from, Msg::CheckOk { seq }),
            Msg::Forward { request, pick, seq } => {
                let highest = self.highest_pick.entry(from).or_insert(0);
                *highest = (*highest).max(pick);
                if !self
                    .received_from
                    .entry(from)
                    .or_default()
                    .first_arrival(seq)
                {
                    // A copy the network duplicated, of a request held here or answered
                    // already: a real connection (TCP) would have discarded it. Serving it
                    // again would do work nobody asked for; while the first is held, it
                    // would also hold one request twice, its second service timer
                    // replacing the first (both are `Done(id)`) and leaving a slot busy
                    // for ever.
                    self.stats.duplicates_ignored += 1;
                    cx.note(Note::DuplicateIgnored { id: request.id });
                    return;
                }
                self.receive(cx, from, request);
            }
            _ => {}
        }
    }

    fn receive(&mut self, cx: &mut Ctx<'_, BalanceNode>, from: NodeId, request: Request) {
        self.stats.received += 1;
        let id = request.id;
        if self.down {
            self.stats.lost += 1;
            cx.note(Note::IgnoredWhileDown);
            return;
        }
        let job = Job {
            request,
            balancer: from,
            arrived: cx.now(),
        };
        if (self.running.len() as u32) < self.spec.slots {
            self.start(cx, job);
        } else if (self.queue.len() as u32) < self.spec.queue_limit {
            self.queue.push_back(job);
            let waiting = self.queue.len() as u32;
            cx.note(Note::Queued { id, waiting });
        } else {
            match self.policy {
                QueueFull::Reject => {
                    self.stats.rejected += 1;
                    cx.note(Note::QueueFullRejected { id });
                    cx.send(from, Msg::Reply { id, served: false });
                }
                QueueFull::Drop => {
                    self.stats.discarded += 1;
                    cx.note(Note::QueueFullDropped { id });
                }
            }
        }
    }

    fn start(&mut self, cx: &mut Ctx<'_, BalanceNode>, job: Job) {
        let service = self.service_time(job.request.demand_us);
        let now = cx.now();
        self.running.push(Running {
            job,
            started: now,
            ends: now.saturating_add(service),
        });
        cx.set_timer(Timer::Done(job.request.id), service);
        cx.note(Note::Started {
            id: job.request.id,
            service,
        });
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, BalanceNode>, timer: Timer) {
        match timer {
            Timer::Done(id) => {
                let Some(at) = self.running.iter().position(|r| r.job.request.id == id) else {
                    return;
                };
                let done = self.running.swap_remove(at);
                self.stats.busy_us += done.ends.saturating_sub(done.started).0;
                self.stats.served += 1;
                cx.note(Note::Finished { id });
                cx.send(done.job.balancer, Msg::Reply { id, served: true });
                if let Some(next) = self.queue.pop_front() {
                    self.start(cx, next);
                }
            }
            Timer::Flap => {
                let Some(half) = self.flap else {
                    return;
                };
                if self.down {
                    self.down = false;
                    cx.note(Note::CameBack);
                } else {
                    self.go_down(cx);
                }
                cx.set_timer(Timer::Flap, half);
            }
            _ => {}
        }
    }

    /// Loses everything held (the process died), cancelling the service timers.
    fn lose_all(&mut self) -> u32 {
        let lost = (self.queue.len() + self.running.len()) as u32;
        self.stats.lost += u64::from(lost);
        // The requests in service stop here; count the service they got.
        self.queue.clear();
        self.running.clear();
        lost
    }

    fn go_down(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        for r in &self.running {
            cx.cancel_timer(Timer::Done(r.job.request.id));
        }
        let lost = self.lose_all();
        self.down = true;
        cx.note(Note::WentDown { lost });
    }

    pub(super) fn on_command(&mut self, cx: &mut Ctx<'_, BalanceNode>, cmd: Cmd) {
        match cmd {
            Cmd::Slow(factor) => {
                self.slow_factor = factor.max(1);
                cx.note(Note::Slowed { factor });
            }
            Cmd::Flap(half) if half == Time::ZERO => {
                self.flap = None;
                cx.cancel_timer(Timer::Flap);
                if self.down {
                    self.down = false;
                    cx.note(Note::CameBack);
                }
            }
            Cmd::Flap(half) => {
                self.flap = Some(half);
                if !self.down {
                    self.go_down(cx);
                }
                cx.set_timer(Timer::Flap, half);
            }
            _ => {}
        }
    }

    pub(super) fn tamper(&mut self, tamper: Tamper) -> bool {
        match tamper {
            Tamper::LoseQueued => self.queue.pop_front().is_some(),
            Tamper::StartBeyondSlots => {
                let Some(job) = self.queue.pop_front() else {
                    return false;
                };
                let (started, ends) = (job.arrived, job.arrived);
                self.running.push(Running { job, started, ends });
                true
            }
            _ => false,
        }
    }

    /// A crash loses the queue and the requests in service (the kernel drops the timers).
    /// A flapping server comes back up when restarted, and keeps flapping.
    pub(super) fn on_crash(&mut self) {
        self.lose_all();
        self.down = false;
    }
}
