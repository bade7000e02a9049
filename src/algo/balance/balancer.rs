//! A balancer: it takes requests from the client, picks a server with its strategy,
//! forwards, and relays the answer; it watches the servers' health actively (checks) and
//! passively (errors on real requests).
//!
//! Each balancer keeps its own books: its open requests per server, its own health view,
//! its own strategy state. Several balancers in front of the same servers therefore
//! disagree, and each balances only its own share of the traffic.
//!
//! **Timeouts.** A forwarded request that gets no answer within the upstream timeout is
//! answered to the client as failed (a 504) and counted as an error against the server;
//! an answer that turns up later is ignored. This is how a crashed server, a cut link or a
//! silently full queue shows up to the balancer.
//!
//! **Books.** The [`Ledger`] records what became of every request and attempt (the
//! invariants check it). A copy of a request that the network duplicated, open or answered
//! long ago, is ignored as TCP would discard it (`connection`): routing it counts it twice.
//!
//! **Sessions.** The balancer remembers the last server each session went to. When a
//! request of the session goes elsewhere, the session *moved*; the move was *forced* if
//! the previous server is no longer available. Forced moves are the minimum any strategy
//! must make; a sticky strategy aims to make no others.
use super::config::{ActiveHealth, BalanceConfig, OutlierDetection, MAX_RETRIES};
use super::health::{ejection_limit, ServerHealth, Transition};
use super::ledger::Ledger;
use super::messages::{Answer, Msg, Note, Request, Timer};
use super::picker::{Picker, ServerView};
use super::sticky::SharedRing;
use super::tamper::Tamper;
use super::BalanceNode;
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{Ctx, NodeId, Time};

/// A request forwarded and not answered yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Forwarded {
    pub request: Request,
    pub server: u32,
    /// When this attempt was sent.
    pub sent: Time,
    pub pick: u64,
    /// 0 for the first attempt, 1 for a retry after a per-try timeout.
    pub attempt: u32,
    /// When the first attempt was sent (the upstream timeout counts from there).
    pub first_sent: Time,
    /// When this attempt times out: its per-try deadline, or the upstream deadline.
    pub deadline: Time,
}

/// One server as this balancer sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ServerBook {
    /// Requests forwarded and not answered (nor timed out) yet.
    pub open: u32,
    pub picks: u64,
    pub served: u64,
    pub errors: u64,
    /// The pick number of the last request sent there (0: none).
    pub last_pick: u64,
    /// While the server is unavailable: the number of picks made before it became so.
    /// Every later pick must go elsewhere.
    pub unavailable_after: Option<u64>,
}

/// Sessions that changed server at this balancer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SessionMoves {
    pub moved: u64,
    /// Moves whose previous server was unavailable: unavoidable.
    pub forced: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Balancer {
    index: u32,
    client: NodeId,
    servers: Vec<NodeId>,
    weights: Vec<u32>,
    picker: Picker,
    /// A fresh picker, to start again from after a crash.
    initial_picker: Picker,
    health: Vec<ServerHealth>,
    books: Vec<ServerBook>,
    forwarded: SortedMap<u64, Forwarded>,
    /// The numbers of the requests received from the clients, to drop copies (`connection`).
    from_client: super::connection::Inbox,
    /// (deadline, id) of every forwarded request, earliest first.
    deadlines: SortedSet<(Time, u64)>,
    /// Whether the upstream timer is set (see `Timer::Upstream`).
    upstream_set: bool,
    sessions: SortedMap<u32, u32>,
    moves: SessionMoves,
    picks: u64,
    /// What became of every request and attempt (`ledger`); boxed: node variants stay small.
    ledger: Box<Ledger>,
    check_seq: u64,
    upstream_timeout: Time,
    /// The per-try timeout, or the upstream timeout when there is none (kept as one
    /// `Time` to keep node states small): attempts are retried when it is shorter.
    attempt_timeout: Time,
    active: ActiveHealth,
    outlier: OutlierDetection,
}

impl Balancer {
    pub fn new(
        index: u32,
        config: &BalanceConfig,
        client: NodeId,
        servers: Vec<NodeId>,
        ring: SharedRing,
    ) -> Self {
        let picker = Picker::new(config, ring);
        let n = servers.len();
        Balancer {
            index,
            client,
            weights: config.servers.iter().map(|s| s.weight).collect(),
            servers,
            initial_picker: picker.clone(),
            picker,
            health: vec![ServerHealth::default(); n],
            books: vec![ServerBook::default(); n],
            forwarded: SortedMap::new(),
            from_client: Default::default(),
            deadlines: SortedSet::new(),
            upstream_set: false,
            sessions: SortedMap::new(),
            moves: SessionMoves::default(),
            picks: 0,
            ledger: Box::default(),
            check_seq: 0,
            upstream_timeout: config.upstream_timeout,
            attempt_timeout: config.per_try_timeout.unwrap_or(config.upstream_timeout),
            active: config.active_health,
            outlier: config.outlier,
        }
    }

    pub fn index(&self) -> u32 {
        self.index
    }

    pub fn picker(&self) -> &Picker {
        &self.picker
    }

    pub fn health(&self) -> &[ServerHealth] {
        &self.health
    }

    pub fn books(&self) -> &[ServerBook] {
        &self.books
    }

    /// Whether this balancer would send a request to server `i` now.
    pub fn is_available(&self, server: u32) -> bool {
        self.health
            .get(server as usize)
            .is_some_and(ServerHealth::available)
    }

    pub fn forwarded(&self) -> impl Iterator<Item = &Forwarded> + '_ {
        self.forwarded.values()
    }

    /// How many attempts are open (one per open request).
    pub fn open_attempts(&self) -> u64 {
        self.forwarded.len() as u64
    }

    pub fn session_moves(&self) -> SessionMoves {
        self.moves
    }

    /// The server each session last went to.
    pub fn sessions(&self) -> &SortedMap<u32, u32> {
        &self.sessions
    }

    pub fn picks(&self) -> u64 {
        self.picks
    }

    /// Requests answered "no server available".
    pub fn no_server(&self) -> u64 {
        self.ledger.answered_no_server
    }

    /// What became of every request and attempt that passed through this balancer.
    pub fn ledger(&self) -> Ledger {
        *self.ledger
    }

    /// The deadline of every open attempt, as (when, request id), earliest first: the
    /// upstream timer fires at the first.
    pub fn deadlines(&self) -> impl Iterator<Item = (Time, u64)> + '_ {
        self.deadlines.iter().copied()
    }

    /// Whether the upstream timer is set (it must be while any attempt is open, or an
    /// unanswered attempt would wait for ever).
    pub fn upstream_timer_armed(&self) -> bool {
        self.upstream_set
    }

    fn server_index(&self, node: NodeId) -> Option<u32> {
        self.servers
            .iter()
            .position(|&s| s == node)
            .map(|i| i as u32)
    }

    /// Keeps `unavailable_after` in step with the health view after any change.
    fn refresh(&mut self, server: u32) {
        let i = server as usize;
        let available = self.health[i].available();
        let book = &mut self.books[i];
        match (available, book.unavailable_after) {
            (false, None) => book.unavailable_after = Some(self.picks),
            (true, Some(_)) => book.unavailable_after = None,
            _ => {}
        }
    }

    pub(super) fn on_start(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        if self.active.enabled {
            self.send_checks(cx);
        }
    }

    fn send_checks(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        for i in 0..self.servers.len() {
            self.check_seq += 1;
            self.health[i].active.awaiting = Some(self.check_seq);
            cx.send(
                self.servers[i],
                Msg::Check {
                    seq: self.check_seq,
                },
            );
        }
        cx.set_timer(Timer::HealthTick, self.active.interval);
    }

    fn check_result(&mut self, cx: &mut Ctx<'_, BalanceNode>, server: u32, ok: bool) {
        let (rise, fall) = (self.active.rise, self.active.fall);
        let health = &mut self.health[server as usize];
        health.active.awaiting = None;
        let change = health.check_result(ok, rise, fall);
        let streak = health.active.streak;
        if !ok && health.active.up {
            cx.note(Note::CheckFailed { server, streak });
        }
        match change {
            Some(Transition::MarkedDown) => cx.note(Note::MarkedDown { server }),
            Some(Transition::MarkedUp) => cx.note(Note::MarkedUp { server }),
            None => {}
        }
        self.refresh(server);
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, BalanceNode>, timer: Timer) {
        match timer {
            Timer::HealthTick => {
                for i in 0..self.servers.len() as u32 {
                    if self.health[i as usize].active.awaiting.is_some() {
                        self.check_result(cx, i, false);
                    }
                }
                self.send_checks(cx);
            }
            Timer::Upstream => {
                self.upstream_set = false;
                let now = cx.now();
                // Take every due deadline out first: a retry adds a later one.
                let mut due_ids = Vec::new();
                while let Some(&(due, id)) = self.deadlines.first() {
                    if due > now {
                        break;
                    }
                    self.deadlines.pop_first();
                    due_ids.push(id);
                }
                for id in due_ids {
                    let Some(f) = self.forwarded.remove(&id) else {
                        continue;
                    };
                    if now < f.first_sent.saturating_add(self.upstream_timeout) {
                        self.per_try_timed_out(cx, f);
                        continue;
                    }
                    cx.note(Note::UpstreamTimedOut {
                        id,
                        server: f.server,
                    });
                    self.ledger.attempts_timed_out += 1;
                    self.finish(cx, f, false);
                    self.answer(cx, id, Answer::UpstreamTimeout);
                }
                self.set_upstream_timer(cx);
            }
            Timer::Uneject(server) => {
                if let Some(h) = self.health.get_mut(server as usize) {
                    h.return_to_service();
                    cx.note(Note::Returned { server });
                    self.refresh(server);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, BalanceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Request { request, seq } => {
                if !self.from_client.first_arrival(seq) {
                    // A copy the network duplicated (open or answered): TCP drops it.
                    self.ledger.duplicates_ignored += 1;
                    cx.note(Note::DuplicateIgnored { id: request.id });
                    return;
                }
                self.ledger.received += 1;
                let now = cx.now();
                self.route(cx, request, 0, now, None);
            }
            Msg::Reply { id, served } => {
                // The answer of the attempt in progress, from the server it went to; an
                // abandoned attempt's answer (timed out, or retried elsewhere) comes late.
                let current = self
                    .forwarded
                    .get(&id)
                    .is_some_and(|f| self.servers.get(f.server as usize) == Some(&from));
                let Some(f) = current.then(|| self.forwarded.remove(&id)).flatten() else {
                    if let Some(server) = self.server_index(from) {
                        cx.note(Note::LateReply { id, server });
                    }
                    return;
                };
                self.deadlines.remove(&(f.deadline, id));
                self.ledger.attempts_replied += 1;
                if !served && self.retry_elsewhere(&f) {
                    // Envoy's `retry_on: gateway-error` retries a 503 too.
                    self.finish(cx, f, false);
                    cx.note(Note::RejectionRetried {
                        id,
                        server: f.server,
                    });
                    self.route(cx, f.request, f.attempt + 1, f.first_sent, Some(f.server));
                    return;
                }
                self.finish(cx, f, served);
                let answer = if served {
                    Answer::Served
                } else {
                    Answer::QueueFull
                };
                self.answer(cx, id, answer);
            }
            Msg::CheckOk { seq } => {
                if let Some(server) = self.server_index(from) {
                    if self.health[server as usize].active.awaiting == Some(seq) {
                        self.check_result(cx, server, true);
                    }
                }
            }
            _ => {}
        }
    }

    /// An attempt outlived the per-try timeout: Envoy resets it, reports a gateway failure
    /// (504) to outlier detection, and retries once on another host if one is available
    /// and the retry budget is not spent; otherwise the client gets the 504. The server
    /// is not told: it goes on serving the abandoned request, whose answer comes late.
    fn per_try_timed_out(&mut self, cx: &mut Ctx<'_, BalanceNode>, f: Forwarded) {
        let (id, server) = (f.request.id, f.server);
        self.ledger.attempts_timed_out += 1;
        self.finish(cx, f, false);
        let retried = self.retry_elsewhere(&f);
        cx.note(Note::PerTryTimedOut {
            id,
            server,
            retried,
        });
        if retried {
            self.route(cx, f.request, f.attempt + 1, f.first_sent, Some(server));
        } else {
            self.answer(cx, id, Answer::UpstreamTimeout);
        }
    }

    /// Answers the client about request `id`, and writes the answer in the ledger: each
    /// request is answered once, by this one function.
    fn answer(&mut self, cx: &mut Ctx<'_, BalanceNode>, id: u64, answer: Answer) {
        let l = &mut self.ledger;
        match answer {
            Answer::Served => l.answered_served += 1,
            Answer::QueueFull => l.answered_queue_full += 1,
            Answer::NoServer => l.answered_no_server += 1,
            Answer::UpstreamTimeout => l.answered_timeout += 1,
        }
        cx.send(self.client, Msg::Answer { id, answer });
    }

    /// Whether a failed attempt is retried: only under the retry policy (a per-try timeout
    /// is set), with retries left, and with another server available.
    fn retry_elsewhere(&self, f: &Forwarded) -> bool {
        self.attempt_timeout < self.upstream_timeout
            && f.attempt < MAX_RETRIES
            && (0..self.servers.len() as u32)
                .any(|i| i != f.server && self.health[i as usize].available())
    }

    /// Picks a server for `request` and forwards it: attempt number `attempt`, the first
    /// of which was sent at `first_sent`; a retry avoids the server that failed
    /// (`exclude`, Envoy's `previous_hosts` predicate).
    fn route(
        &mut self,
        cx: &mut Ctx<'_, BalanceNode>,
        request: Request,
        attempt: u32,
        first_sent: Time,
        exclude: Option<u32>,
    ) {
        let now = cx.now();
        if attempt > 0 {
            self.ledger.retries += 1;
        }
        let available: Vec<bool> = self.health.iter().map(ServerHealth::available).collect();
        let mut candidates = available.clone();
        if let Some(i) = exclude {
            candidates[i as usize] = false;
        }
        let open: Vec<u32> = self.books.iter().map(|b| b.open).collect();
        let view = ServerView {
            available: &candidates,
            open: &open,
            weights: &self.weights,
        };
        let Some((server, why)) = self.picker.pick(cx.rng(), now, &view, request.session) else {
            cx.note(Note::NoServer { id: request.id });
            self.answer(cx, request.id, Answer::NoServer);
            return;
        };
        // Safety: the picker only chooses among `available` servers, so a server this
        // balancer knows is unavailable never gets a request (the invariant checks it).
        self.picks += 1;
        self.ledger.attempts_sent += 1;
        let book = &mut self.books[server as usize];
        book.open += 1;
        book.picks += 1;
        book.last_pick = self.picks;
        cx.note(Note::Picked {
            id: request.id,
            server,
            why,
        });
        if let Some(from) = self.sessions.insert(request.session, server) {
            if from != server {
                let forced = !available[from as usize];
                self.moves.moved += 1;
                self.moves.forced += u64::from(forced);
                cx.note(Note::SessionMoved {
                    session: request.session,
                    from,
                    to: server,
                    forced,
                    sticky: self.picker.strategy().is_sticky(),
                });
            }
        }
        let upstream_deadline = first_sent.saturating_add(self.upstream_timeout);
        let deadline = now
            .saturating_add(self.attempt_timeout)
            .min(upstream_deadline);
        self.forwarded.insert(
            request.id,
            Forwarded {
                request,
                server,
                sent: now,
                pick: self.picks,
                attempt,
                first_sent,
                deadline,
            },
        );
        let to = self.servers[server as usize];
        cx.send(
            to,
            Msg::Forward {
                request,
                pick: self.picks,
                seq: self.books[server as usize].picks,
            },
        );
        self.deadlines.insert((deadline, request.id));
        self.set_upstream_timer(cx);
    }

    /// Sets the upstream timer for the earliest deadline, unless it is set already (one
    /// timer for all requests, as the client does for its own deadlines).
    fn set_upstream_timer(&mut self, cx: &mut Ctx<'_, BalanceNode>) {
        if self.upstream_set {
            return;
        }
        if let Some(&(due, _)) = self.deadlines.first() {
            cx.set_timer(Timer::Upstream, due.saturating_sub(cx.now()));
            self.upstream_set = true;
        }
    }

    /// A forwarded request ended (answered, or timed out): books, latency, passive health.
    fn finish(&mut self, cx: &mut Ctx<'_, BalanceNode>, f: Forwarded, ok: bool) {
        let now = cx.now();
        let i = f.server as usize;
        let book = &mut self.books[i];
        book.open = book.open.saturating_sub(1);
        if ok {
            book.served += 1;
        } else {
            book.errors += 1;
        }
        self.picker
            .on_end(f.server, now, now.saturating_sub(f.sent), !ok);
        if !self.outlier.enabled {
            return;
        }
        if ok {
            self.health[i].request_succeeded();
            return;
        }
        if !self.health[i].request_failed(self.outlier.consecutive_errors) {
            return;
        }
        let ejected = self.health.iter().filter(|h| h.is_ejected()).count() as u32;
        let limit = ejection_limit(self.servers.len() as u32, self.outlier.max_ejection_percent);
        if ejected >= limit {
            cx.note(Note::EjectionRefused {
                server: f.server,
                ejected,
            });
            return;
        }
        let (base, max) = (self.outlier.base_ejection, self.outlier.max_ejection);
        let until = self.health[i].eject(now, base, max);
        let times = self.health[i].outlier.times_ejected;
        cx.note(Note::Ejected {
            server: f.server,
            until,
            times,
        });
        cx.set_timer(Timer::Uneject(f.server), until.saturating_sub(now));
        self.refresh(f.server);
    }

    pub(super) fn tamper(&mut self, tamper: Tamper) -> bool {
        let l = &mut self.ledger;
        match tamper {
            Tamper::CountAnswerTwice if l.answered_served > 0 => l.answered_served += 1,
            Tamper::RetryWithoutAttempt => l.retries += 1,
            Tamper::RetryCountedAsRequest if l.retries > 0 => {
                l.retries -= 1;
                l.received += 1;
            }
            Tamper::MiscountOpen => self.books[0].open += 1,
            Tamper::ForgetDeadline if self.deadlines.pop_first().is_some() => {}
            Tamper::BackdateUnavailable { server } => {
                let i = server as usize;
                let last = self.books.get(i).map_or(0, |b| b.last_pick);
                if last == 0 {
                    return false;
                }
                self.health[i].outlier.ejected_until = Some(Time(u64::MAX));
                self.books[i].unavailable_after = Some(last - 1);
            }
            _ => return false,
        }
        true
    }

    /// A crash loses the balancer's volatile state: its open requests (the client's
    /// timeouts will count them), its health view (servers start up again) and its
    /// strategy state. Statistics (picks, session moves, the ledger) are kept; the ledger
    /// writes the open requests down as lost in the crash.
    pub(super) fn on_crash(&mut self) {
        self.ledger.lost_in_crash += self.forwarded.len() as u64;
        self.forwarded.clear();
        self.deadlines.clear();
        self.upstream_set = false;
        self.sessions.clear();
        self.picker = self.initial_picker.clone();
        for h in &mut self.health {
            *h = ServerHealth::default();
        }
        for b in &mut self.books {
            b.open = 0;
            b.unavailable_after = None;
        }
    }
}
