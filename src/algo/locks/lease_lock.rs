//! A lease lock on a single Redis server.
//!
//! The lock is one key. To acquire it, a client picks a fresh random value (its "token"
//! for this attempt) and sends `SET lock <value> NX PX <ttl>`: set the key only if it does
//! Not eXist, and let it eXpire after `ttl` milliseconds. The reply says whether it was
//! set (`OK`) or not (nil). To release, the client deletes the key *only if it still
//! holds the client's value*: the compare-and-delete Lua script of the Redis lock docs,
//! `EVAL "if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1])
//! else return 0 end" 1 lock <value>`, which Redis runs atomically. A plain `DEL` could
//! delete a lock that expired and was since taken by someone else. A client whose attempt
//! fails backs off (exponentially, with jitter, so that failed clients do not all retry
//! together) and tries again with a new value. The server side, the Redis that runs these
//! commands on the shared Redis model, is [`super::lease_server`].
//!
//! The lease is what makes the lock survive a crashed holder: Redis deletes the key when
//! the TTL runs out on *its* clock, whatever the holder is doing. That is also its
//! weakness. A holder that is paused (a long GC, a swapped-out VM) for longer than the TTL
//! loses the lock without knowing it; another client takes it; the first wakes up and
//! carries on, believing it still holds the lock. Two clients then act as the holder at
//! once. The client here never checks the lease before it writes (a `GET lock`): it
//! trusts a timer set to its own estimate of the lease's end, and a paused client's timers
//! wait with it. A client that did check right before writing would be no safer, because
//! the pause can just as well fall between the check and the write.
//!
//! The cure is a *fencing token*: with every grant the server also runs
//! `INCR lock:fencing` and hands out the counter's new value. The client sends it with
//! every write, and the storage refuses any token older than the newest it has seen (see
//! `fencing`). That only works if the counter never goes back, and so depends on Redis
//! persistence ([`crate::algo::redis::Persistence`]): with `appendfsync always` the
//! counter and the key both survive a crash; with `appendfsync everysec` the writes of
//! the last second are lost, and with them the last `INCR`s; without persistence both are
//! lost, the counter restarts from 0, old tokens are handed out again, and the storage can
//! accept an old holder's late write (the "counter-reset" scenario).
//!
//! Other failure modes shown here: a lost reply to a successful `SET` leaves a lease that
//! nobody uses until it expires (the client hands it back if the reply turns up late);
//! a server crash that loses the key (no persistence, or a `SET` not yet fsynced) makes
//! the lock free again while the old holder still believes it holds it.
use super::contract::{random_token, short_token, Held, Progress};
use super::notes::LockNote;
use super::{send, LockMsg, LockNode, LockTimer, MsgStats};
use crate::sim::{Ctx, Line, NodeId, Time};

/// Messages of the lease lock (Redlock uses the same ones with each of its servers).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LeaseMsg {
    /// `SET lock <value> NX PX <ttl>`, and with `incr` (the lease lock's server, which
    /// hands out fencing tokens) `INCR lock:fencing` in the same script if the key was set.
    /// Redlock's servers run the `SET` alone.
    Acquire {
        token: u64,
        ttl: Time,
        incr: bool,
    },
    /// Whether the key was set; with a fencing token when the server hands them out.
    AcquireReply {
        token: u64,
        granted: bool,
        fence: Option<u64>,
        /// Ghost (never read by the client's decisions): the grant's place in the order
        /// of this server's grants, for the "no stale writes" check.
        ghost: u64,
    },
    /// Delete the key if it still holds `token`'s value: `EVAL` of the compare-and-delete
    /// script.
    Release {
        token: u64,
    },
    ReleaseReply {
        token: u64,
        deleted: bool,
    },
}

impl LeaseMsg {
    /// Redis's own words (`SET lock … NX PX …`, `OK`) read the same in every language.
    pub fn label(&self) -> Line {
        match self {
            // SET replies only OK or nil: the token is the INCR's reply, run in the same
            // script, and the labels say so.
            LeaseMsg::Acquire {
                token,
                ttl,
                incr: true,
            } => Line::value(format_args!(
                "EVAL: SET lock {} NX PX {ttl} + INCR lock:fencing",
                short_token(*token)
            )),
            LeaseMsg::Acquire { token, ttl, .. } => {
                Line::value(format_args!("SET lock {} NX PX {ttl}", short_token(*token)))
            }
            LeaseMsg::AcquireReply {
                granted: true,
                fence: Some(fence),
                ..
            } => Line::tr("OK, token {token} (from {command})")
                .with("token", fence)
                // Redis's own word, shown as it is in every language.
                .with("command", "INCR"),
            LeaseMsg::AcquireReply { granted: true, .. } => Line::value("OK"),
            LeaseMsg::AcquireReply { granted: false, .. } => Line::tr("busy (nil)"),
            LeaseMsg::Release { token } => {
                Line::value(format_args!("DEL lock if = {}", short_token(*token)))
            }
            LeaseMsg::ReleaseReply { deleted: true, .. } => Line::tr("deleted"),
            LeaseMsg::ReleaseReply { deleted: false, .. } => Line::tr("not yours: kept"),
        }
    }
}

/// The client's side of the lease lock.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct LeaseClient {
    server: NodeId,
    ttl: Time,
    request_timeout: Time,
    /// The attempt waiting for its reply: its token and when it was sent.
    pending: Option<(u64, Time)>,
    /// The token of the lease this client holds.
    owned: Option<u64>,
    /// The token being released, while waiting for the reply.
    releasing: Option<u64>,
}

impl LeaseClient {
    pub(crate) fn new(server: NodeId, ttl: Time, request_timeout: Time) -> Self {
        LeaseClient {
            server,
            ttl,
            request_timeout,
            pending: None,
            owned: None,
            releasing: None,
        }
    }

    pub(crate) fn begin(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) -> Progress {
        let token = random_token(cx);
        self.pending = Some((token, cx.now()));
        let ttl = self.ttl;
        send(
            cx,
            sent,
            self.server,
            LockMsg::Lease(LeaseMsg::Acquire {
                token,
                ttl,
                incr: true,
            }),
        );
        cx.set_timer(LockTimer::Request, self.request_timeout);
        Progress::Nothing
    }

    pub(crate) fn on_message(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        msg: LeaseMsg,
        sent: &mut MsgStats,
    ) -> Progress {
        match msg {
            LeaseMsg::AcquireReply {
                token,
                granted,
                fence,
                ghost,
            } => match self.pending {
                Some((pending, asked_at)) if pending == token => {
                    self.pending = None;
                    cx.cancel_timer(LockTimer::Request);
                    if !granted {
                        return Progress::Failed;
                    }
                    let believed_expiry = asked_at.saturating_add(self.ttl);
                    if cx.now() >= believed_expiry {
                        // The reply waited (in a pause, say) until the lease it grants
                        // may already be over: hand it back rather than trust it.
                        cx.note(LockNote::GaveBackLateGrant);
                        let release = LeaseMsg::Release { token };
                        send(cx, sent, self.server, LockMsg::Lease(release));
                        return Progress::Failed;
                    }
                    self.owned = Some(token);
                    Progress::Acquired(Held {
                        token: fence,
                        grant: ghost,
                        lease_value: Some(token),
                        since: cx.now(),
                        // The server started the TTL after the request left, so counting
                        // from the send time errs on the safe side.
                        believed_expiry: Some(believed_expiry),
                    })
                }
                _ => {
                    if granted && self.owned != Some(token) {
                        // The grant of an attempt this client gave up on: hand it back
                        // instead of blocking everyone until it expires.
                        let release = LeaseMsg::Release { token };
                        send(cx, sent, self.server, LockMsg::Lease(release));
                    }
                    Progress::Nothing
                }
            },
            LeaseMsg::ReleaseReply { token, .. } if self.releasing == Some(token) => {
                self.releasing = None;
                cx.cancel_timer(LockTimer::Request);
                Progress::Released
            }
            _ => Progress::Nothing,
        }
    }

    pub(crate) fn on_timer(&mut self, _cx: &mut Ctx<'_, LockNode>, timer: LockTimer) -> Progress {
        if timer != LockTimer::Request {
            return Progress::Nothing;
        }
        if self.pending.take().is_some() {
            Progress::Failed
        } else if self.releasing.take().is_some() {
            // No answer: the lease will run out by itself.
            Progress::Released
        } else {
            Progress::Nothing
        }
    }

    pub(crate) fn release(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) -> Progress {
        let Some(token) = self.owned.take() else {
            return Progress::Released;
        };
        self.releasing = Some(token);
        send(
            cx,
            sent,
            self.server,
            LockMsg::Lease(LeaseMsg::Release { token }),
        );
        cx.set_timer(LockTimer::Request, self.request_timeout);
        Progress::Nothing
    }

    pub(crate) fn on_crash(&mut self) {
        *self = LeaseClient::new(self.server, self.ttl, self.request_timeout);
    }
}
