//! The client loop every lock algorithm shares: think, acquire, work, write, release.
//!
//! The loop is the same whatever the lock; only "acquire" and "release" differ, and those
//! are delegated to the algorithm's own client part (in `lease_lock`, `queue_lock` and
//! `redlock`), which reports back with a [`Progress`].
//!
//! A client *believes* it holds the lock from the moment a grant reaches it until it
//! releases, or until its lease ends by its own estimate (a timer), or until it learns its
//! session is gone. A paused client's timers wait with it: it cannot notice the lease
//! ended, and when it wakes its pending "work done" timer fires first and it writes. That
//! gap between "I checked I hold the lock" and "my write arrives" is exactly what fencing
//! tokens close.
use super::config::{Layout, LockKind, LocksConfig};
use super::contract::{Held, Progress};
use super::fencing::StorageMsg;
use super::lease_lock::LeaseClient;
use super::notes::LockNote;
use super::queue_lock::QueueClient;
use super::redlock::RedlockClient;
use super::{send, LockCmd, LockMsg, LockNode, LockTimer, MsgStats};
use crate::sim::protocol::Renaming;
use crate::sim::{Ctx, Line, NodeId, Time};

/// Where a client is in its loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Crashed, not yet started again.
    Idle,
    Thinking,
    /// Asking for the lock (or, in the queue lock, waiting in line).
    Acquiring,
    /// The last attempt failed; waiting before the next one.
    Backoff,
    /// Believes it holds the lock; working inside the critical section.
    Holding,
    /// Believes it holds the lock; its write is on its way to the storage.
    Writing,
    Releasing,
    /// Made all its rounds (or was told to stop).
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ClientAlgo {
    Lease(LeaseClient),
    Queue(QueueClient),
    Redlock(RedlockClient),
}

type Cx<'a, 'b> = &'a mut Ctx<'b, LockNode>;

impl ClientAlgo {
    fn begin(&mut self, cx: Cx, sent: &mut MsgStats) -> Progress {
        match self {
            ClientAlgo::Lease(a) => a.begin(cx, sent),
            ClientAlgo::Queue(a) => a.begin(cx, sent),
            ClientAlgo::Redlock(a) => a.begin(cx, sent),
        }
    }

    fn on_message(&mut self, cx: Cx, from: NodeId, msg: LockMsg, sent: &mut MsgStats) -> Progress {
        match (self, msg) {
            (ClientAlgo::Lease(a), LockMsg::Lease(m)) => a.on_message(cx, m, sent),
            (ClientAlgo::Queue(a), LockMsg::Queue(m)) => a.on_message(cx, m, sent),
            (ClientAlgo::Redlock(a), LockMsg::Lease(m)) => a.on_message(cx, from, m, sent),
            _ => Progress::Nothing,
        }
    }

    fn on_timer(&mut self, cx: Cx, timer: LockTimer, sent: &mut MsgStats) -> Progress {
        match self {
            ClientAlgo::Lease(a) => a.on_timer(cx, timer),
            ClientAlgo::Queue(a) => a.on_timer(cx, timer, sent),
            ClientAlgo::Redlock(a) => a.on_timer(cx, timer, sent),
        }
    }

    fn release(&mut self, cx: Cx, sent: &mut MsgStats) -> Progress {
        match self {
            ClientAlgo::Lease(a) => a.release(cx, sent),
            ClientAlgo::Queue(a) => a.release(cx, sent),
            ClientAlgo::Redlock(a) => a.release(cx, sent),
        }
    }

    /// The client is done with the lock for good (queue lock: close the session).
    fn finish(&mut self, cx: Cx, sent: &mut MsgStats) {
        if let ClientAlgo::Queue(a) = self {
            a.finish(cx, sent);
        }
    }

    fn on_crash(&mut self) {
        match self {
            ClientAlgo::Lease(a) => a.on_crash(),
            ClientAlgo::Queue(a) => a.on_crash(),
            ClientAlgo::Redlock(a) => a.on_crash(),
        }
    }

    fn waiting_in_line(&self) -> bool {
        matches!(self, ClientAlgo::Queue(a) if a.is_watching())
    }

    fn detail_lines(&self) -> Vec<Line> {
        match self {
            ClientAlgo::Lease(_) => Vec::new(),
            ClientAlgo::Queue(a) => a.detail_lines(),
            ClientAlgo::Redlock(a) => a.detail_lines(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Settings {
    storage: NodeId,
    work: Time,
    think: Time,
    rounds: u32,
    backoff: Time,
    request_timeout: Time,
}

/// A client's totals. Statistics, not state: they survive crashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClientStats {
    pub acquisitions: u64,
    /// Attempts that failed and led to a backoff.
    pub failed_attempts: u64,
    /// Times the client found its lease or session had ended while it held the lock.
    pub leases_lost: u64,
    pub writes_accepted: u64,
    pub writes_rejected: u64,
    pub writes_unanswered: u64,
    pub sent: MsgStats,
}

/// The last write a client made and what became of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct LastWrite {
    token: Option<u64>,
    accepted: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Client {
    /// 1-based, for names ("client 2").
    number: u32,
    settings: Settings,
    algo: ClientAlgo,
    phase: Phase,
    held: Option<Held>,
    /// Failed attempts in a row, for the exponential backoff.
    failures: u32,
    rounds_done: u32,
    stopped: bool,
    next_write: u64,
    pending_write: Option<u64>,
    last_write: Option<LastWrite>,
    pub stats: ClientStats,
}

/// Longest backoff, as a multiple of the first one.
const BACKOFF_CAP_DOUBLINGS: u32 = 5;

impl Client {
    pub(crate) fn new(number: u32, config: &LocksConfig, layout: &Layout) -> Client {
        let server = layout.servers[0];
        let algo = match config.kind {
            LockKind::Lease => {
                ClientAlgo::Lease(LeaseClient::new(server, config.ttl, config.request_timeout))
            }
            LockKind::QueuePredecessor | LockKind::QueueHerd => {
                ClientAlgo::Queue(QueueClient::new(
                    server,
                    config.ttl,
                    config.request_timeout,
                    config.kind == LockKind::QueueHerd,
                ))
            }
            LockKind::Redlock => ClientAlgo::Redlock(RedlockClient::new(
                layout.servers.clone(),
                config.ttl,
                config.request_timeout,
            )),
        };
        Client {
            number,
            settings: Settings {
                storage: layout.storage,
                work: config.work,
                think: config.think,
                rounds: config.rounds,
                backoff: config.backoff,
                request_timeout: config.request_timeout,
            },
            algo,
            phase: Phase::Idle,
            held: None,
            failures: 0,
            rounds_done: 0,
            stopped: false,
            next_write: 0,
            pending_write: None,
            last_write: None,
            stats: ClientStats::default(),
        }
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    /// The client as the node `r` renames it to (symmetry reduction, see
    /// `locks::symmetry`). The only id a client keeps is its own, as its number: the
    /// clients sit right after the storage, so client `k` is node `storage + k`. Its
    /// servers and the storage are not renamed (they are in no class).
    pub(crate) fn renamed(&self, r: &Renaming) -> Client {
        let first = self.settings.storage.0 + 1;
        let me = NodeId(first + self.number - 1);
        Client {
            number: r.of(me).0.saturating_sub(first) + 1,
            ..self.clone()
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn rounds_done(&self) -> u32 {
        self.rounds_done
    }

    /// The grant the client holds or is releasing.
    pub fn held(&self) -> Option<&Held> {
        self.held.as_ref()
    }

    /// The grant, if the client believes it holds the lock right now.
    pub fn believed_hold(&self) -> Option<&Held> {
        match self.phase {
            Phase::Holding | Phase::Writing => self.held.as_ref(),
            _ => None,
        }
    }

    /// Whether `cmd` would change anything now, as [`Client::on_command`] handles it:
    /// Release only while it believes it holds the lock, Start only when it has finished
    /// its rounds or was told to stop, Stop only while it loops (or is about to: a client
    /// not started yet starts looping on its own, so it is not offered Start). A menu
    /// offers just these.
    pub fn heeds(&self, cmd: LockCmd) -> bool {
        let done = self.phase == Phase::Done;
        match cmd {
            LockCmd::Release => self.believed_hold().is_some(),
            LockCmd::Start => done || (self.stopped && self.phase != Phase::Idle),
            LockCmd::Stop => !self.stopped && !done,
        }
    }

    /// The sequence number of its node in the queue lock, if it has one.
    pub fn queue_seq(&self) -> Option<u64> {
        match &self.algo {
            ClientAlgo::Queue(q) => q.my_seq(),
            _ => None,
        }
    }

    pub(crate) fn on_start(&mut self, cx: Cx) {
        self.phase = Phase::Thinking;
        // A random start, so that the clients do not all ask at the same instant.
        let delay = cx.rng().between(0, self.settings.think.0);
        cx.set_timer(LockTimer::Think, Time(delay));
    }

    pub(crate) fn on_crash(&mut self) {
        self.phase = Phase::Idle;
        self.held = None;
        self.failures = 0;
        self.pending_write = None;
        self.algo.on_crash();
    }

    pub(crate) fn on_command(&mut self, cx: Cx, cmd: LockCmd) {
        match cmd {
            LockCmd::Start => {
                self.stopped = false;
                if matches!(self.phase, Phase::Done | Phase::Idle) {
                    self.rounds_done = 0;
                    self.begin_round(cx);
                }
            }
            LockCmd::Stop => self.stopped = true,
            LockCmd::Release => {
                if matches!(self.phase, Phase::Holding | Phase::Writing) {
                    self.release(cx);
                }
            }
        }
    }

    pub(crate) fn on_timer(&mut self, cx: Cx, timer: LockTimer) {
        match timer {
            LockTimer::Think if self.phase == Phase::Thinking => self.begin_round(cx),
            LockTimer::Retry if self.phase == Phase::Backoff => {
                if self.stopped {
                    self.finish(cx);
                } else {
                    self.phase = Phase::Acquiring;
                    let progress = self.algo.begin(cx, &mut self.stats.sent);
                    self.progress(cx, progress);
                }
            }
            LockTimer::Work if self.phase == Phase::Holding => self.write(cx),
            LockTimer::WriteTimeout if self.phase == Phase::Writing => {
                self.stats.writes_unanswered += 1;
                self.pending_write = None;
                self.release(cx);
            }
            LockTimer::LeaseEnd if matches!(self.phase, Phase::Holding | Phase::Writing) => {
                // By its own clock the lease is over: stop believing, and hand the lock
                // back in case the server still has it.
                cx.note(LockNote::LeaseOverByItsOwnClock);
                self.stats.leases_lost += 1;
                self.release(cx);
            }
            LockTimer::Think
            | LockTimer::Retry
            | LockTimer::Work
            | LockTimer::WriteTimeout
            | LockTimer::LeaseEnd => {}
            other => {
                let progress = self.algo.on_timer(cx, other, &mut self.stats.sent);
                self.progress(cx, progress);
            }
        }
    }

    pub(crate) fn on_message(&mut self, cx: Cx, from: NodeId, msg: LockMsg) {
        match msg {
            LockMsg::Storage(StorageMsg::WriteReply {
                write, accepted, ..
            }) => {
                if self.pending_write != Some(write) {
                    return; // a reply to a write it already gave up on
                }
                self.pending_write = None;
                cx.cancel_timer(LockTimer::WriteTimeout);
                if accepted {
                    self.stats.writes_accepted += 1;
                } else {
                    self.stats.writes_rejected += 1;
                }
                if let Some(last) = &mut self.last_write {
                    last.accepted = Some(accepted);
                }
                if self.phase == Phase::Writing {
                    self.release(cx);
                }
            }
            other => {
                let progress = self.algo.on_message(cx, from, other, &mut self.stats.sent);
                self.progress(cx, progress);
            }
        }
    }

    fn begin_round(&mut self, cx: Cx) {
        let rounds_over = self.settings.rounds > 0 && self.rounds_done >= self.settings.rounds;
        if self.stopped || rounds_over {
            self.finish(cx);
            return;
        }
        self.phase = Phase::Acquiring;
        let progress = self.algo.begin(cx, &mut self.stats.sent);
        self.progress(cx, progress);
    }

    fn finish(&mut self, cx: Cx) {
        self.phase = Phase::Done;
        self.algo.finish(cx, &mut self.stats.sent);
    }

    fn write(&mut self, cx: Cx) {
        let Some(held) = &self.held else { return };
        self.next_write += 1;
        let write = self.next_write;
        let msg = StorageMsg::Write {
            write,
            token: held.token,
            grant: held.grant,
        };
        self.last_write = Some(LastWrite {
            token: held.token,
            accepted: None,
        });
        self.pending_write = Some(write);
        self.phase = Phase::Writing;
        cx.note(LockNote::Wrote { token: held.token });
        send(
            cx,
            &mut self.stats.sent,
            self.settings.storage,
            LockMsg::Storage(msg),
        );
        cx.set_timer(LockTimer::WriteTimeout, self.settings.request_timeout);
    }

    fn release(&mut self, cx: Cx) {
        self.phase = Phase::Releasing;
        cx.cancel_timer(LockTimer::Work);
        cx.cancel_timer(LockTimer::LeaseEnd);
        let progress = self.algo.release(cx, &mut self.stats.sent);
        self.progress(cx, progress);
    }

    fn think(&mut self, cx: Cx) {
        self.phase = Phase::Thinking;
        let think = self.settings.think.0;
        let delay = cx.rng().between(think / 2, think);
        cx.set_timer(LockTimer::Think, Time(delay));
    }

    fn back_off(&mut self, cx: Cx) {
        self.phase = Phase::Backoff;
        self.stats.failed_attempts += 1;
        // Exponential backoff with "equal jitter": half the delay is fixed, half random,
        // so that clients which failed together do not retry together.
        let doublings = self.failures.min(BACKOFF_CAP_DOUBLINGS);
        let ceiling = self.settings.backoff.0.saturating_mul(1 << doublings);
        let delay = cx.rng().between(ceiling / 2, ceiling);
        self.failures = self.failures.saturating_add(1);
        cx.note(LockNote::BackedOff {
            delay: Time(delay),
            failures: self.failures,
        });
        cx.set_timer(LockTimer::Retry, Time(delay));
    }

    fn progress(&mut self, cx: Cx, progress: Progress) {
        match progress {
            Progress::Nothing => {}
            Progress::Acquired(held) => {
                if self.phase != Phase::Acquiring {
                    return;
                }
                self.failures = 0;
                self.stats.acquisitions += 1;
                self.phase = Phase::Holding;
                cx.note(LockNote::Acquired {
                    token: held.token,
                    believed_expiry: held.believed_expiry,
                });
                cx.set_timer(LockTimer::Work, self.settings.work);
                if let Some(expiry) = held.believed_expiry {
                    cx.set_timer(LockTimer::LeaseEnd, expiry.saturating_sub(cx.now()));
                }
                self.held = Some(held);
            }
            Progress::Failed => {
                if self.phase == Phase::Acquiring {
                    self.back_off(cx);
                }
            }
            Progress::Released => {
                if self.phase == Phase::Releasing {
                    self.held = None;
                    self.rounds_done = self.rounds_done.saturating_add(1);
                    self.think(cx);
                }
            }
            Progress::Lost => {
                cx.note(LockNote::SessionLost);
                match self.phase {
                    Phase::Holding | Phase::Writing => {
                        self.stats.leases_lost += 1;
                        self.held = None;
                        cx.cancel_timer(LockTimer::Work);
                        cx.cancel_timer(LockTimer::LeaseEnd);
                        cx.cancel_timer(LockTimer::WriteTimeout);
                        self.phase = Phase::Acquiring;
                        self.back_off(cx);
                    }
                    Phase::Acquiring => self.back_off(cx),
                    // Its node went with the session: the release is done.
                    Phase::Releasing => self.progress(cx, Progress::Released),
                    _ => {}
                }
            }
        }
    }

    pub fn state_label(&self) -> &'static str {
        match self.phase {
            Phase::Idle => "IDLE",
            Phase::Thinking => "THINKING",
            Phase::Acquiring if self.algo.waiting_in_line() => "WAITING",
            Phase::Acquiring => "ACQUIRING",
            Phase::Backoff => "BACKOFF",
            Phase::Holding => "HOLDING",
            Phase::Writing => "WRITING",
            Phase::Releasing => "RELEASING",
            Phase::Done => "DONE",
        }
    }

    pub fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(held) = &self.held {
            let holding = if self.believed_hold().is_some() {
                Line::tr("holds the lock: {how}")
            } else {
                Line::tr("releasing the lock: {how}")
            };
            lines.push(holding.text("how", held.line()));
            if let Some(expiry) = held.believed_expiry {
                lines
                    .push(Line::tr("lease ends at {time} (its own estimate)").with("time", expiry));
            }
        }
        lines.extend(self.algo.detail_lines());
        if let Some(last) = self.last_write {
            let token = last.token.map_or(Line::tr("no token"), |t| {
                Line::tr("token {token}").with("token", t)
            });
            let outcome = Line::tr(match last.accepted {
                Some(true) => "accepted",
                Some(false) => "rejected",
                None => "no answer yet",
            });
            lines.push(
                Line::tr("last write ({token}): {outcome}")
                    .text("token", token)
                    .text("outcome", outcome),
            );
        }
        lines.push(if self.settings.rounds == 0 {
            Line::tr("{n} rounds done").with("n", self.rounds_done)
        } else {
            Line::tr("{n} of {rounds} rounds done")
                .with("n", self.rounds_done)
                .with("rounds", self.settings.rounds)
        });
        if self.stopped {
            lines.push(Line::tr("stopped by command"));
        }
        lines
    }
}
