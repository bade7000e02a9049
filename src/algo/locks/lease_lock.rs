//! A lease lock on a single Redis-like server.
//!
//! The lock is one key. To acquire it, a client picks a fresh random value (its "token"
//! for this attempt) and asks the server to `SET lock <token> NX PX <ttl>`: set the key
//! only if it does Not eXist, and let it eXpire after `ttl` milliseconds. The reply says
//! whether it was set. To release, the client asks the server to delete the key *only if
//! it still holds the client's token* (compare-and-delete, a small Lua script in real
//! Redis); a plain `DEL` could delete a lock that expired and was since taken by someone
//! else. A client whose attempt fails backs off (exponentially, with jitter, so that
//! failed clients do not all retry together) and tries again with a new token.
//!
//! The lease is what makes the lock survive a crashed holder: the server deletes the key
//! when the TTL runs out on *its* clock, whatever the holder is doing. That is also its
//! weakness. A holder that is paused (a long GC, a swapped-out VM) for longer than the TTL
//! loses the lock without knowing it; another client takes it; the first wakes up and
//! carries on, believing it still holds the lock. Two clients then act as the holder at
//! once. The client here never checks the lease before it writes: it trusts a timer set
//! to its own estimate of the lease's end, and a paused client's timers wait with it. A
//! client that did check right before writing would be no safer, because the pause can
//! just as well fall between the check and the write.
//!
//! The cure is a *fencing token*: with every grant the server also hands out the next
//! value of a counter (think `INCR`). The client sends it with every write, and the storage
//! refuses any token older than the newest it has seen (see `fencing`). That only works if
//! the counter never goes back, and so depends on Redis persistence (see
//! `Persistence`): with `appendfsync always` the counter and the key both survive a
//! crash; without persistence both are lost, the counter restarts from 0, old tokens are
//! handed out again, and the storage can accept an old holder's late write (the
//! "counter-reset" scenario).
//!
//! Other failure modes shown here: a lost reply to a successful `SET` leaves a lease that
//! nobody uses until it expires (the client hands it back if the reply turns up late);
//! without persistence a server crash loses the key, so the lock is free again while the
//! old holder still believes it holds it.
use super::contract::{random_token, short_token, Held, Progress};
use super::notes::LockNote;
use super::{client_label, send, LockMsg, LockNode, LockTimer, MsgStats};
use crate::sim::{Ctx, NodeId, Time};

/// What a Redis lock server keeps across a crash (Redlock's servers included). Redis either
/// persists its whole dataset or none of it: the lock key and the `INCR` counter of fencing
/// tokens live in the same dataset, so they survive or vanish together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Persistence {
    /// Broken for fencing: no persistence, so a restarted server has forgotten the lock
    /// key (the lock is free again while its holder still believes it holds it) and the
    /// token counter starts again from 0 (new grants reuse old tokens, and the storage
    /// can accept a late write from an old holder).
    None,
    /// `appendonly yes` with `appendfsync always`: every write is on disk before Redis
    /// answers, so the lock key (with its expiry time) and the counter both survive.
    #[default]
    AofAlways,
}

impl Persistence {
    pub const ALL: [Persistence; 2] = [Persistence::None, Persistence::AofAlways];

    /// The name in links and commands.
    pub fn slug(self) -> &'static str {
        match self {
            Persistence::None => "none",
            Persistence::AofAlways => "aof-always",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Persistence::None => "No persistence (key and token counter lost in a crash)",
            Persistence::AofAlways => "AOF, fsync always (key and token counter survive)",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Persistence> {
        Persistence::ALL.into_iter().find(|p| p.slug() == slug)
    }
}

/// Messages of the lease lock (Redlock uses the same ones with each of its servers).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LeaseMsg {
    /// `SET lock <token> NX PX <ttl>`.
    Acquire {
        token: u64,
        ttl: Time,
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
    /// Delete the key if it still holds `token`.
    Release {
        token: u64,
    },
    ReleaseReply {
        token: u64,
        deleted: bool,
    },
}

impl LeaseMsg {
    pub fn label(&self) -> String {
        match self {
            LeaseMsg::Acquire { token, ttl } => {
                format!("SET lock {} NX PX {ttl}", short_token(*token))
            }
            LeaseMsg::AcquireReply {
                granted: true,
                fence: Some(fence),
                ..
            } => format!("OK, fencing token {fence}"),
            LeaseMsg::AcquireReply { granted: true, .. } => "OK".into(),
            LeaseMsg::AcquireReply { granted: false, .. } => "busy (nil)".into(),
            LeaseMsg::Release { token } => format!("DEL lock if = {}", short_token(*token)),
            LeaseMsg::ReleaseReply { deleted: true, .. } => "deleted".into(),
            LeaseMsg::ReleaseReply { deleted: false, .. } => "not yours: kept".into(),
        }
    }
}

/// The key, while it exists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    /// The holder's random value.
    pub token: u64,
    pub owner: NodeId,
    /// The fencing token handed out with this grant (none on Redlock's servers).
    pub fence: Option<u64>,
    pub granted_at: Time,
    pub expires_at: Time,
}

/// A Redis-like server holding one lock key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeaseServer {
    /// Whether grants come with a fencing token (Redlock's servers have none).
    hands_out_fencing_tokens: bool,
    /// The first client's node number (for names in the details).
    first_client: u32,
    /// Whether the dataset (the key and the counter together) survives a crash.
    persistence: Persistence,
    /// The lock key.
    lease: Option<Lease>,
    /// The fencing counter (`INCR`), in the same dataset as the key.
    last_fence: u64,
    /// Ghost (and a statistic): how many grants this server ever made. Not Redis state:
    /// the simulator's record, which no crash resets whatever the persistence, and which
    /// no decision reads. Each grant's number orders it independently of the fencing
    /// token, so that "no stale writes" can see a token that was handed out twice.
    grants: u64,
    pub sent: MsgStats,
}

impl LeaseServer {
    pub fn new(
        hands_out_fencing_tokens: bool,
        first_client: u32,
        persistence: Persistence,
    ) -> Self {
        LeaseServer {
            hands_out_fencing_tokens,
            first_client,
            persistence,
            lease: None,
            last_fence: 0,
            grants: 0,
            sent: MsgStats::default(),
        }
    }

    /// The key as stored (it may be past its expiry if the server is paused).
    pub fn lease(&self) -> Option<&Lease> {
        self.lease.as_ref()
    }

    pub fn grants(&self) -> u64 {
        self.grants
    }

    pub(crate) fn on_message(&mut self, cx: &mut Ctx<'_, LockNode>, from: NodeId, msg: LeaseMsg) {
        // Like Redis, a key past its expiry counts as gone even before the timer ran.
        self.expire_if_due(cx);
        match msg {
            LeaseMsg::Acquire { token, ttl } => {
                let granted = self.lease.is_none();
                let mut fence = None;
                if granted {
                    self.grants += 1;
                    if self.hands_out_fencing_tokens {
                        self.last_fence += 1;
                        fence = Some(self.last_fence);
                    }
                    self.lease = Some(Lease {
                        token,
                        owner: from,
                        fence,
                        granted_at: cx.now(),
                        expires_at: cx.now().saturating_add(ttl),
                    });
                    cx.set_timer(LockTimer::LeaseExpiry, ttl);
                    let expires_at = cx.now().saturating_add(ttl);
                    cx.note(LockNote::Granted {
                        client: from,
                        fence,
                        expires_at,
                    });
                } else if let Some(l) = &self.lease {
                    let holder = l.owner;
                    cx.note(LockNote::Refused {
                        client: from,
                        holder,
                    });
                }
                let reply = LeaseMsg::AcquireReply {
                    token,
                    granted,
                    fence,
                    ghost: self.grants,
                };
                send(cx, &mut self.sent, from, LockMsg::Lease(reply));
            }
            LeaseMsg::Release { token } => {
                let deleted = self.lease.as_ref().is_some_and(|l| l.token == token);
                if deleted {
                    self.lease = None;
                    cx.cancel_timer(LockTimer::LeaseExpiry);
                    cx.note(LockNote::Released { client: from });
                } else {
                    cx.note(LockNote::NotYours { client: from });
                }
                let reply = LeaseMsg::ReleaseReply { token, deleted };
                send(cx, &mut self.sent, from, LockMsg::Lease(reply));
            }
            LeaseMsg::AcquireReply { .. } | LeaseMsg::ReleaseReply { .. } => {}
        }
    }

    pub(crate) fn on_timer(&mut self, cx: &mut Ctx<'_, LockNode>, timer: LockTimer) {
        if timer == LockTimer::LeaseExpiry {
            self.expire_if_due(cx);
        }
    }

    /// Deletes the key if its TTL has run out, and says so.
    fn expire_if_due(&mut self, cx: &mut Ctx<'_, LockNode>) {
        if let Some(l) = self.lease.as_ref().filter(|l| l.expires_at <= cx.now()) {
            cx.note(LockNote::LeaseExpired { holder: l.owner });
            self.lease = None;
        }
    }

    pub(crate) fn on_crash(&mut self) {
        if self.persistence == Persistence::None {
            // The whole dataset is gone: the key, and the counter with it.
            self.lease = None;
            self.last_fence = 0;
        }
    }

    /// Back from a crash with what persistence kept. Redis stores a key's expiry as an
    /// absolute time, so a kept lease that ran out while the server was down is gone, and
    /// one still running expires when it would have.
    pub(crate) fn on_restart(&mut self, cx: &mut Ctx<'_, LockNode>) {
        let kept_lease = self.lease.is_some();
        cx.note(LockNote::Restarted {
            kept_lease,
            counter: self.last_fence,
        });
        self.expire_if_due(cx);
        if let Some(l) = &self.lease {
            cx.set_timer(
                LockTimer::LeaseExpiry,
                l.expires_at.saturating_sub(cx.now()),
            );
        }
    }

    pub fn state_label(&self) -> &'static str {
        if self.lease.is_some() {
            "HELD"
        } else {
            "FREE"
        }
    }

    pub fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match &self.lease {
            Some(l) => {
                let fence = l
                    .fence
                    .map_or(String::new(), |f| format!(", fencing token {f}"));
                lines.push(format!(
                    "held by {} (value {}{fence})",
                    client_label(self.first_client, l.owner),
                    short_token(l.token)
                ));
                lines.push(format!("lease expires at {}", l.expires_at));
            }
            None => lines.push("free".into()),
        }
        if self.hands_out_fencing_tokens {
            lines.push(format!("last fencing token: {}", self.last_fence));
        }
        lines.push(format!("{} grants", self.grants));
        lines
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
            LockMsg::Lease(LeaseMsg::Acquire { token, ttl }),
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
