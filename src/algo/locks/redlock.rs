//! Redlock: the lease lock on five independent Redis servers.
//!
//! One Redis server is a single point of failure, and replicating it does not help
//! (replication is asynchronous: a lock granted by the primary can vanish in a
//! fail-over). Redlock instead uses N = 5 servers that know nothing of each other:
//!
//! 1. The client notes the time and sends `SET lock <value> NX PX <ttl>` to all five,
//!    with the same random value, waiting only a short time for each. Each server is a
//!    Redis running the shared model (see `lease_server`), with no fencing counter.
//! 2. If a majority (3) said yes, it computes how much of the lease is left:
//!    validity = ttl − time elapsed since step 1 − an allowance for clock drift. If that
//!    is positive it holds the lock, for that long.
//! 3. Otherwise it deletes its value from every server with the compare-and-delete
//!    script (`EVAL "if redis.call("get",KEYS[1]) == ARGV[1] then return
//!    redis.call("del",KEYS[1]) else return 0 end" 1 lock <value>`, which leaves another
//!    client's lock alone) and retries after a random backoff. Releasing after the work
//!    sends the same script to all five.
//!
//! Two majorities always share a server, so two clients cannot hold a majority at once
//! *as long as every clock and every process behaves*. That is the catch. Redlock's safety
//! rests on timing: a client paused after step 2 (a long GC) for longer than the validity
//! wakes up believing it still holds the lock while the leases have expired on every
//! server and someone else holds a majority. And unlike the single-server lease there is
//! no fencing token to save the storage: the random token is not ordered, and five
//! independent counters do not add up to one increasing sequence. The "redlock-pause"
//! scenario shows the paused client's write accepted over the newer holder's.
//!
//! Other failure modes, not all shown: a server that restarts without persistence (or
//! with `appendfsync everysec`, within a second of the grant) forgets the leases it
//! granted, so a second majority can form (Redis advises delaying restarts by a TTL);
//! clock jumps on a server shorten leases the same way.
use super::contract::{random_token, short_token, Held, Progress};
use super::lease_lock::LeaseMsg;
use super::{send, LockMsg, LockNode, LockTimer, MsgStats};
use crate::sim::{Ctx, Line, NodeId, Time};

/// The drift allowance: 1% of the TTL plus 2 ms, as in the Redlock description.
pub fn drift_allowance(ttl: Time) -> Time {
    Time(ttl.0 / 100).saturating_add(Time::from_millis(2))
}

/// One attempt: who has answered so far.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Round {
    token: u64,
    started: Time,
    granted: Vec<NodeId>,
    refused: Vec<NodeId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RedlockClient {
    servers: Vec<NodeId>,
    ttl: Time,
    request_timeout: Time,
    round: Option<Round>,
    /// The token of the lock this client holds.
    owned: Option<u64>,
    /// How the last attempt ended, for the view.
    last_outcome: Option<Line>,
}

impl RedlockClient {
    pub(crate) fn new(servers: Vec<NodeId>, ttl: Time, request_timeout: Time) -> Self {
        RedlockClient {
            servers,
            ttl,
            request_timeout,
            round: None,
            owned: None,
            last_outcome: None,
        }
    }

    fn majority(&self) -> usize {
        self.servers.len() / 2 + 1
    }

    fn release_everywhere(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats, token: u64) {
        for server in self.servers.clone() {
            send(
                cx,
                sent,
                server,
                LockMsg::Lease(LeaseMsg::Release { token }),
            );
        }
    }

    /// The attempt failed: undo it on every server, then back off.
    fn fail(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats, why: Line) -> Progress {
        if let Some(round) = self.round.take() {
            cx.cancel_timer(LockTimer::Request);
            self.release_everywhere(cx, sent, round.token);
        }
        self.last_outcome = Some(why);
        Progress::Failed
    }

    pub(crate) fn begin(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) -> Progress {
        let token = random_token(cx);
        self.round = Some(Round {
            token,
            started: cx.now(),
            granted: Vec::new(),
            refused: Vec::new(),
        });
        let ttl = self.ttl;
        for server in self.servers.clone() {
            send(
                cx,
                sent,
                server,
                LockMsg::Lease(LeaseMsg::Acquire {
                    token,
                    ttl,
                    incr: false,
                }),
            );
        }
        cx.set_timer(LockTimer::Request, self.request_timeout);
        Progress::Nothing
    }

    pub(crate) fn on_message(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        from: NodeId,
        msg: LeaseMsg,
        sent: &mut MsgStats,
    ) -> Progress {
        let LeaseMsg::AcquireReply { token, granted, .. } = msg else {
            return Progress::Nothing; // release replies need no answer
        };
        let majority = self.majority();
        let server_count = self.servers.len();
        let Some(round) = self.round.as_mut().filter(|r| r.token == token) else {
            if granted && self.owned != Some(token) {
                // A late yes to an attempt already abandoned: give it back.
                send(cx, sent, from, LockMsg::Lease(LeaseMsg::Release { token }));
            }
            return Progress::Nothing;
        };
        let answered = |r: &Round| r.granted.contains(&from) || r.refused.contains(&from);
        if !answered(round) {
            if granted {
                round.granted.push(from);
            } else {
                round.refused.push(from);
            }
        }
        let yes = round.granted.len();
        let unanswered = server_count - yes - round.refused.len();
        if yes >= majority {
            let elapsed = cx.now().saturating_sub(round.started);
            let spent = elapsed.saturating_add(drift_allowance(self.ttl));
            if spent >= self.ttl {
                let why = Line::tr("majority came too late ({elapsed} of a {ttl} TTL)")
                    .with("elapsed", elapsed)
                    .with("ttl", self.ttl);
                return self.fail(cx, sent, why);
            }
            let validity = self.ttl.saturating_sub(spent);
            self.round = None;
            cx.cancel_timer(LockTimer::Request);
            self.owned = Some(token);
            self.last_outcome = Some(
                Line::tr("{yes} of {servers} said yes")
                    .with("yes", yes)
                    .with("servers", server_count),
            );
            return Progress::Acquired(Held {
                token: None,
                // Ghost grant order: the moment the majority was reached.
                grant: cx.now().micros(),
                lease_value: Some(token),
                since: cx.now(),
                believed_expiry: Some(cx.now().saturating_add(validity)),
            });
        }
        if yes + unanswered < majority {
            let why = Line::tr("only {yes} of {servers} said yes")
                .with("yes", yes)
                .with("servers", server_count);
            return self.fail(cx, sent, why);
        }
        Progress::Nothing
    }

    pub(crate) fn on_timer(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        timer: LockTimer,
        sent: &mut MsgStats,
    ) -> Progress {
        match (&self.round, timer) {
            (Some(round), LockTimer::Request) => {
                let why = Line::tr("timed out with {yes} of {servers} yes")
                    .with("yes", round.granted.len())
                    .with("servers", self.servers.len());
                self.fail(cx, sent, why)
            }
            _ => Progress::Nothing,
        }
    }

    /// Deletes the token everywhere. Nothing to wait for: a server that misses the release
    /// lets the lease run out.
    pub(crate) fn release(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) -> Progress {
        if let Some(token) = self.owned.take() {
            self.release_everywhere(cx, sent, token);
        }
        Progress::Released
    }

    pub(crate) fn on_crash(&mut self) {
        *self = RedlockClient::new(self.servers.clone(), self.ttl, self.request_timeout);
    }

    pub(crate) fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(round) = &self.round {
            lines.push(
                Line::tr("asking with value {value}: {yes} yes, {no} no")
                    .with("value", short_token(round.token))
                    .with("yes", round.granted.len())
                    .with("no", round.refused.len()),
            );
        }
        if let Some(outcome) = &self.last_outcome {
            lines.push(Line::tr("last attempt: {outcome}").text("outcome", outcome.clone()));
        }
        lines
    }
}
