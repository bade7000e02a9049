//! The lock's Redis: a node that runs the shared Redis model ([`crate::algo::redis`]) and
//! answers the lease lock's requests with real Redis commands on it. The lease lock has
//! one; Redlock has five, which hand out no fencing token.
//!
//! What each request runs, in one turn of the server (Redis runs one command at a time
//! and nothing else runs between these, as if they were one Lua script):
//!
//! - acquire: `SET lock <value> NX PX <ttl>` sets the key only if it does not exist, with
//!   an expiry `ttl` milliseconds away; the reply is `OK` or nil. On `OK`, the lease server
//!   also runs `INCR lock:fencing`, and the new value of that counter is the grant's
//!   fencing token. The counter lives in the same dataset as the key.
//! - release: the compare-and-delete script of the Redis lock docs,
//!   `EVAL "if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1])
//!   else return 0 end" 1 lock <value>`: delete the key only if it still holds this
//!   client's value (1), else leave it (0). A plain `DEL` could delete a lock that expired
//!   and was since taken by someone else.
//! - expiry: Redis reads its clock in whole milliseconds and keeps a key while the clock
//!   is not past the key's expiry, so a key set at 12.3 ms with `PX 100` is gone from
//!   113 ms on. The server's timer stands for Redis's active expiry: at that moment Redis
//!   deletes the key and writes a `DEL lock` to its append-only file, so that a replay
//!   after a crash does not bring the key back.
//!
//! What a crash of the machine loses is what the persistence setting loses (see
//! [`crate::algo::redis::persistence`]): nothing with `appendfsync always`; with
//! `appendfsync everysec` the writes of the last second, which may be a `SET` (the lock is
//! free again), an `INCR` (the counter goes back and hands out old tokens again) or a
//! release (a released key comes back until it expires); with no persistence, everything.
//!
//! Redis stores the value, not who set it. To name the holder in captions and views, the
//! server keeps a record of who sent the `SET` of each value the dataset (or the disk)
//! still holds; no decision reads it.
use super::contract::short_token;
use super::lease_lock::LeaseMsg;
use super::notes::{LockNote, OwnValue};
use super::{client_label, send, LockMsg, LockNode, LockTimer, MsgStats};
use crate::algo::redis::{Command, Entry, Persistence, Redis, Reply, Server, SetCondition, Value};
use crate::sim::protocol::Renaming;
use crate::sim::{Ctx, Line, NodeId, Time};

/// The lock's key.
pub const LOCK_KEY: &str = "lock";
/// The key of the fencing-token counter (`INCR`).
pub const FENCING_KEY: &str = "lock:fencing";

/// The value a client's random token is stored as.
pub fn lease_value(token: u64) -> String {
    format!("{token:016x}")
}

/// A TTL as `PX` takes it: whole milliseconds, rounded up, at least 1.
pub fn px_millis(ttl: Time) -> u64 {
    ttl.micros().div_ceil(1000).max(1)
}

/// The lock key, while the dataset holds it, with who set it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    /// The holder's random value.
    pub token: u64,
    pub owner: NodeId,
    /// The fencing token handed out with this grant (none on Redlock's servers).
    pub fence: Option<u64>,
    pub granted_at: Time,
    /// The first moment the key is gone: the millisecond after its `PX` deadline.
    pub expires_at: Time,
}

/// Who sent the `SET` of a value (the simulator's record, not Redis state).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SetBy {
    token: u64,
    owner: NodeId,
    fence: Option<u64>,
    granted_at: Time,
}

/// A client's value that was set here and is gone, and how it went (the simulator's
/// record, not Redis state; no decision reads it): a refused release names the reason.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct GoneValue {
    owner: NodeId,
    token: u64,
    how: OwnValue,
}

/// What the last crash lost, for the restart's caption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct CrashLoss {
    counter_before: u64,
}

/// A Redis server holding one lock key (and, for the lease lock, the token counter).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeaseServer {
    /// Whether grants come with a fencing token (Redlock's servers have none).
    hands_out_fencing_tokens: bool,
    /// The first client's node number (for names in the details).
    first_client: u32,
    redis: Server<NodeId>,
    /// Who set each lock value the dataset or its disk still holds.
    set_by: Vec<SetBy>,
    /// Ghost: the last of each client's values that was set here and then expired or was
    /// lost in a crash (one per client, so it stays small), so that a refused release can
    /// say why the key is not the client's. No decision reads it.
    gone: Vec<GoneValue>,
    /// Set by a crash that lost writes, until the restart narrates it.
    crash_loss: Option<CrashLoss>,
    /// Ghost (and a statistic): how many grants this server ever made. Not Redis state:
    /// the simulator's record, which no crash resets whatever the persistence, and which
    /// no decision reads. Each grant's number orders it independently of the fencing
    /// token, so that "no stale writes" can see a token that was handed out twice.
    grants: u64,
    pub sent: MsgStats,
}

fn string_of(entry: Option<&Entry>) -> Option<&str> {
    match entry.map(|e| &e.value) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
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
            redis: Server::new(persistence),
            set_by: Vec::new(),
            gone: Vec::new(),
            crash_loss: None,
            grants: 0,
            sent: MsgStats::default(),
        }
    }

    /// The Redis dataset as it is in memory.
    pub fn db(&self) -> &Redis {
        self.redis.db()
    }

    pub fn persistence(&self) -> Persistence {
        self.redis.aof().persistence()
    }

    /// The lock key as stored (it may be past its expiry if the server is paused).
    pub fn lease(&self) -> Option<Lease> {
        let entry = self.redis.db().stored(LOCK_KEY)?;
        let value = string_of(Some(entry))?;
        let set = self.set_by.iter().find(|s| lease_value(s.token) == value)?;
        Some(Lease {
            token: set.token,
            owner: set.owner,
            fence: set.fence,
            granted_at: set.granted_at,
            expires_at: gone_at(entry)?,
        })
    }

    /// The fencing-token counter as stored (0 before the first `INCR`).
    pub fn fencing_counter(&self) -> u64 {
        string_of(self.redis.db().stored(FENCING_KEY))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    pub fn grants(&self) -> u64 {
        self.grants
    }

    /// The server with the client ids it keeps renamed by `r` (symmetry reduction, see
    /// `locks::symmetry`): who set each lock value, and the clients parked in its Redis
    /// (none: the lock's commands never block). The Redis data itself names no client:
    /// the lock's value is the holder's random token and the counter a number.
    pub(crate) fn renamed(&self, r: &Renaming) -> LeaseServer {
        LeaseServer {
            redis: self.redis.with_clients_renamed(|c| r.of(*c)),
            set_by: self
                .set_by
                .iter()
                .map(|s| SetBy {
                    owner: r.of(s.owner),
                    ..s.clone()
                })
                .collect(),
            gone: {
                let mut gone: Vec<GoneValue> = self
                    .gone
                    .iter()
                    .map(|g| GoneValue {
                        owner: r.of(g.owner),
                        ..g.clone()
                    })
                    .collect();
                crate::sim::sort::sort_by_key(&mut gone, |g| g.owner);
                gone
            },
            ..self.clone()
        }
    }

    /// Runs one command as Redis would for `client`, and arms the background fsync when
    /// a write starts waiting for one.
    fn run(&mut self, cx: &mut Ctx<'_, LockNode>, client: NodeId, cmd: Command) -> Reply {
        let was_synced = self.redis.aof().unsynced().is_empty();
        let replies = self.redis.execute(client, cmd, cx.now());
        if was_synced && !self.redis.aof().unsynced().is_empty() {
            if let Some(every) = self.persistence().fsync_interval() {
                cx.set_timer(LockTimer::Fsync, every);
            }
        }
        // A command that cannot block is answered at once, first.
        replies.into_iter().next().map_or(Reply::Nil, |(_, r)| r)
    }

    /// Forgets who set values that neither the dataset nor its disk holds any more.
    fn prune_records(&mut self) {
        let in_memory = string_of(self.redis.db().stored(LOCK_KEY)).map(str::to_string);
        let on_disk = string_of(self.redis.aof().disk().stored(LOCK_KEY)).map(str::to_string);
        self.set_by.retain(|s| {
            let value = lease_value(s.token);
            in_memory.as_ref() == Some(&value) || on_disk.as_ref() == Some(&value)
        });
    }

    /// Records that `owner`'s value `token` left the dataset, and how.
    fn record_gone(&mut self, owner: NodeId, token: u64, how: OwnValue) {
        self.gone.retain(|g| g.owner != owner);
        self.gone.push(GoneValue { owner, token, how });
        crate::sim::sort::sort_by_key(&mut self.gone, |g| g.owner);
    }

    /// What became of `client`'s value `token` here, for a release that found the key
    /// not holding it.
    fn fate_of(&self, client: NodeId, token: u64) -> OwnValue {
        self.gone
            .iter()
            .find(|g| g.owner == client && g.token == token)
            .map_or(OwnValue::NeverSet, |g| g.how)
    }

    fn owner_of(&self, value: &str) -> Option<NodeId> {
        self.set_by
            .iter()
            .find(|s| lease_value(s.token) == value)
            .map(|s| s.owner)
    }

    pub(crate) fn on_message(&mut self, cx: &mut Ctx<'_, LockNode>, from: NodeId, msg: LeaseMsg) {
        // Like Redis, a key past its expiry counts as gone even before the timer ran.
        self.expire_if_due(cx);
        match msg {
            LeaseMsg::Acquire { token, ttl, .. } => self.acquire(cx, from, token, ttl),
            LeaseMsg::Release { token } => {
                let release = Command::EvalCompareAndDelete {
                    key: LOCK_KEY.into(),
                    value: lease_value(token),
                };
                // Read before the script runs: whose value the key holds, if any.
                let key_holder = string_of(self.redis.db().stored(LOCK_KEY))
                    .and_then(|v| self.owner_of(v))
                    .filter(|owner| *owner != from);
                let deleted = self.run(cx, from, release) == Reply::Integer(1);
                let redlock = !self.hands_out_fencing_tokens;
                if deleted {
                    cx.cancel_timer(LockTimer::LeaseExpiry);
                    cx.note(LockNote::Released {
                        client: from,
                        redlock,
                    });
                } else {
                    cx.note(LockNote::NotYours {
                        client: from,
                        key_holder,
                        own: self.fate_of(from, token),
                        redlock,
                    });
                }
                self.prune_records();
                let reply = LeaseMsg::ReleaseReply { token, deleted };
                send(cx, &mut self.sent, from, LockMsg::Lease(reply));
            }
            LeaseMsg::AcquireReply { .. } | LeaseMsg::ReleaseReply { .. } => {}
        }
    }

    /// `SET lock <value> NX PX <ttl>`, then `INCR lock:fencing` if the key was set.
    fn acquire(&mut self, cx: &mut Ctx<'_, LockNode>, from: NodeId, token: u64, ttl: Time) {
        let set = Command::Set {
            key: LOCK_KEY.into(),
            value: lease_value(token),
            condition: SetCondition::IfAbsent,
            px: Some(px_millis(ttl)),
        };
        let granted = self.run(cx, from, set) == Reply::OK;
        let mut fence = None;
        if granted {
            self.grants += 1;
            if self.hands_out_fencing_tokens {
                let incr = Command::Incr {
                    key: FENCING_KEY.into(),
                };
                if let Reply::Integer(n) = self.run(cx, from, incr) {
                    fence = u64::try_from(n).ok();
                }
            }
            self.set_by.push(SetBy {
                token,
                owner: from,
                fence,
                granted_at: cx.now(),
            });
            self.prune_records();
            let expires_at = self
                .redis
                .db()
                .stored(LOCK_KEY)
                .and_then(gone_at)
                .unwrap_or_else(|| cx.now().saturating_add(ttl));
            cx.set_timer(LockTimer::LeaseExpiry, expires_at.saturating_sub(cx.now()));
            cx.note(LockNote::Granted {
                client: from,
                fence,
                expires_at,
            });
        } else if let Some(holder) = self.lease().map(|l| l.owner) {
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

    pub(crate) fn on_timer(&mut self, cx: &mut Ctx<'_, LockNode>, timer: LockTimer) {
        match timer {
            LockTimer::LeaseExpiry => self.expire_if_due(cx),
            LockTimer::Fsync => {
                self.redis.fsync();
                self.prune_records();
                cx.note(LockNote::Fsynced);
            }
            _ => {}
        }
    }

    /// Redis's expiry: once its millisecond clock is past the key's deadline the key is
    /// deleted, and a `DEL lock` goes to the append-only file.
    fn expire_if_due(&mut self, cx: &mut Ctx<'_, LockNode>) {
        let Some(entry) = self.redis.db().stored(LOCK_KEY) else {
            return;
        };
        if gone_at(entry).is_none_or(|at| cx.now() < at) {
            return;
        }
        let set = string_of(Some(entry))
            .and_then(|v| self.set_by.iter().find(|s| lease_value(s.token) == v))
            .map(|s| (s.owner, s.token));
        if let Some((holder, token)) = set {
            cx.note(LockNote::LeaseExpired { holder });
            self.record_gone(holder, token, OwnValue::Expired);
        }
        let del = Command::Del {
            keys: vec![LOCK_KEY.into()],
        };
        self.run(cx, cx.id(), del);
        self.prune_records();
    }

    pub(crate) fn on_crash(&mut self) {
        let counter_before = self.fencing_counter();
        let lost_before = self.redis.aof().lost_count();
        let in_memory = string_of(self.redis.db().stored(LOCK_KEY)).map(str::to_string);
        // The dataset becomes what a replay of the disk's append-only file gives.
        self.redis.crash();
        let lost = self.redis.aof().lost_count() > lost_before;
        self.crash_loss = lost.then_some(CrashLoss { counter_before });
        // A key that was in memory and is not after the replay was lost in the crash.
        let after = string_of(self.redis.db().stored(LOCK_KEY)).map(str::to_string);
        if in_memory != after {
            let set = in_memory
                .and_then(|v| self.set_by.iter().find(|s| lease_value(s.token) == v))
                .map(|s| (s.owner, s.token));
            if let Some((owner, token)) = set {
                self.record_gone(owner, token, OwnValue::LostInCrash);
            }
        }
        self.prune_records();
    }

    /// Back from a crash with what persistence kept. Redis stores a key's expiry as an
    /// absolute time, so a kept lease that ran out while the server was down is gone, and
    /// one still running expires when it would have.
    pub(crate) fn on_restart(&mut self, cx: &mut Ctx<'_, LockNode>) {
        let kept_lease = self.redis.db().stored(LOCK_KEY).is_some();
        let counter = self.fencing_counter();
        match self.crash_loss.take() {
            Some(loss) => cx.note(LockNote::RestartedLosingWrites {
                kept_lease,
                counter,
                counter_before: loss.counter_before,
            }),
            None => cx.note(LockNote::Restarted {
                kept_lease,
                counter,
            }),
        }
        self.expire_if_due(cx);
        if let Some(l) = self.lease() {
            cx.set_timer(
                LockTimer::LeaseExpiry,
                l.expires_at.saturating_sub(cx.now()),
            );
        }
    }

    pub fn state_label(&self) -> &'static str {
        if self.redis.db().stored(LOCK_KEY).is_some() {
            "HELD"
        } else {
            "FREE"
        }
    }

    pub fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        match self.lease() {
            Some(l) => {
                let held = match l.fence {
                    Some(f) => Line::tr("held by {client} (value {value}, fencing token {fence})")
                        .with("fence", f),
                    None => Line::tr("held by {client} (value {value})"),
                };
                lines.push(
                    held.text("client", client_label(self.first_client, l.owner))
                        .with("value", short_token(l.token)),
                );
                lines.push(Line::tr("lease expires at {time}").with("time", l.expires_at));
            }
            None => lines.push(Line::tr("free")),
        }
        if self.hands_out_fencing_tokens {
            lines.push(
                Line::tr("last fencing token: {token}").with("token", self.fencing_counter()),
            );
        }
        // The simulator's count, which no crash resets (unlike the token counter).
        lines.push(Line::tr("{n} grants in this run").with("n", self.grants));
        if let Some((_, since)) = self.redis.aof().unsynced().first() {
            lines.push(Line::tr("writes since {time} not yet fsynced").with("time", since));
        }
        lines
    }
}

/// The first moment a key with this entry's expiry is gone: Redis keeps a key while its
/// millisecond clock is not past the deadline.
fn gone_at(entry: &Entry) -> Option<Time> {
    entry
        .expires_at_ms
        .map(|at| Time::from_millis(at.saturating_add(1)))
}
