//! Fencing: the storage service that makes a lock safe to use.
//!
//! A lock service can only promise that at most one client *holds* the lock according to
//! the service. It cannot stop a client from *believing* it still holds a lock it lost:
//! a client paused for longer than its lease, or cut off from a ZooKeeper whose session
//! expired, wakes up and goes on as the holder. Whatever that client writes then races
//! with the writes of the real holder.
//!
//! The remedy lives in the resource itself. Every grant comes with a *fencing token*, a
//! number that grows with each grant (the lease server's counter, the queue lock's
//! sequence number). Each write carries its token, and the storage remembers the highest
//! token it has accepted: a write with an older token comes from a holder that has since
//! been replaced, so it is rejected. The late writer is harmless, even though it still
//! believes it holds the lock.
//!
//! With fencing off the storage accepts everything, and a late writer can overwrite the
//! newer holder's work: the "no stale writes" invariant catches it. Redlock hands out no
//! token at all (its random values are not ordered), so a storage behind Redlock has
//! nothing to check.
//!
//! The storage keeps a short log of recent writes (client, token, accepted or rejected)
//! for the view. To check "no stale writes" whether or not fencing is on, each write also
//! carries a *ghost* grant number (known to the simulator, never read by the storage's
//! decision): the grant's true place among all grants. It must not be the token itself,
//! or the invariant would make the very comparison the storage makes and could never see
//! fencing fail. The lock server keeps it in a ghost counter beside the real one: the
//! real counter is Redis state and may be lost in a crash (without persistence it restarts
//! from 0, with `appendfsync everysec` it loses its last second of `INCR`s, and either way
//! it hands old tokens out again); the ghost is the simulator's record of the
//! order of grants and is never lost. It travels to the holder in a ghost field of the
//! grant's reply, and with each write to the storage.
use super::notes::LockNote;
use super::{send, LockMsg, LockNode, MsgStats};
use crate::sim::protocol::Renaming;
use crate::sim::{Ctx, Line, NodeId, Time};
use std::collections::VecDeque;

/// How many recent writes the storage shows.
pub const STORAGE_LOG_LEN: usize = 48;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StorageMsg {
    /// A write made inside the critical section, with the lock's token.
    /// (The storage knows the writer from the connection, not from the message: a client's
    /// write names no client, so a renamed client sends the very same message.)
    Write {
        write: u64,
        token: Option<u64>,
        /// Ghost: the grant's place in the order of grants (see the module header).
        grant: u64,
    },
    WriteReply {
        write: u64,
        accepted: bool,
        /// For a rejected write: its token and the higher one the storage had accepted, so
        /// that the reply says why ("token 1 < 7").
        rejected_for: Option<(u64, u64)>,
    },
}

impl StorageMsg {
    pub fn label(&self) -> Line {
        match self {
            StorageMsg::Write {
                token: Some(token), ..
            } => Line::tr("write (token {token})").with("token", token),
            StorageMsg::Write { token: None, .. } => Line::tr("write (no token)"),
            StorageMsg::WriteReply { accepted: true, .. } => Line::tr("write accepted"),
            StorageMsg::WriteReply {
                accepted: false,
                rejected_for: Some((token, highest)),
                ..
            } => Line::tr("write rejected: token {token} < {highest}")
                .with("token", token)
                .with("highest", highest),
            StorageMsg::WriteReply {
                accepted: false, ..
            } => Line::tr("write rejected: stale token"),
        }
    }
}

/// One write as the storage saw it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StorageEntry {
    pub at: Time,
    pub client: NodeId,
    /// The client's number (for names: "client 2").
    pub client_number: u32,
    pub token: Option<u64>,
    /// Ghost: the grant's place in the order of grants.
    pub grant: u64,
    pub accepted: bool,
    /// For a rejected write: the highest token the storage had accepted.
    pub newest_token: Option<u64>,
}

impl StorageEntry {
    /// "token 3", or "no token" (Redlock).
    pub fn token_line(&self) -> Line {
        self.token.map_or(Line::tr("no token"), |t| {
            Line::tr("token {token}").with("token", t)
        })
    }

    /// The entry as the storage's detail lines show it.
    pub fn line(&self) -> Line {
        let outcome = match (self.accepted, self.newest_token) {
            (true, _) => Line::tr("accepted"),
            (false, Some(newest)) => {
                Line::tr("rejected (token {token} seen)").with("token", newest)
            }
            (false, None) => Line::tr("rejected"),
        };
        Line::tr("{time}: client {client}, {token}: {outcome}")
            .with("time", self.at)
            .with("client", self.client_number)
            .text("token", self.token_line())
            .text("outcome", outcome)
    }
}

impl std::fmt::Display for StorageEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.line(), f)
    }
}

/// A write accepted under an earlier grant than one accepted before it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StaleWrite {
    pub stale: StorageEntry,
    pub newer: StorageEntry,
    grant_is_time: bool,
}

impl StaleWrite {
    /// What the "no stale writes" invariant says when it breaks.
    pub fn line(&self) -> Line {
        let grant = |e: &StorageEntry| {
            if self.grant_is_time {
                Line::tr("locked at {time}").with("time", Time(e.grant))
            } else {
                Line::tr("grant {grant}").with("grant", e.grant)
            }
        };
        Line::tr(
            "storage accepted client {stale}'s write ({stale_token}, {stale_grant}) after client \
             {newer}'s ({newer_token}, {newer_grant}): a holder that had lost the lock overwrote \
             a newer one",
        )
        .with("stale", self.stale.client_number)
        .text("stale_token", self.stale.token_line())
        .text("stale_grant", grant(&self.stale))
        .with("newer", self.newer.client_number)
        .text("newer_token", self.newer.token_line())
        .text("newer_grant", grant(&self.newer))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Storage {
    fencing: bool,
    /// The first client's node number (for the clients' names in the log).
    first_client: u32,
    /// Redlock: the ghost grant is a time, not a counter (only changes how it reads).
    grant_is_time: bool,
    highest_token: Option<u64>,
    log: VecDeque<StorageEntry>,
    accepted: u64,
    rejected: u64,
    /// Ghost: the accepted write with the latest grant so far.
    newest_accepted: Option<StorageEntry>,
    /// Ghost: the first stale write accepted, if any.
    first_stale: Option<StaleWrite>,
    pub sent: MsgStats,
}

impl Storage {
    pub fn new(fencing: bool, grant_is_time: bool, first_client: u32) -> Self {
        Storage {
            fencing,
            first_client,
            grant_is_time,
            highest_token: None,
            log: VecDeque::new(),
            accepted: 0,
            rejected: 0,
            newest_accepted: None,
            first_stale: None,
            sent: MsgStats::default(),
        }
    }

    pub fn fencing(&self) -> bool {
        self.fencing
    }

    pub fn highest_token(&self) -> Option<u64> {
        self.highest_token
    }

    /// The most recent writes, oldest first.
    pub fn recent(&self) -> impl Iterator<Item = &StorageEntry> {
        self.log.iter()
    }

    pub fn accepted_count(&self) -> u64 {
        self.accepted
    }

    pub fn rejected_count(&self) -> u64 {
        self.rejected
    }

    pub fn first_stale_write(&self) -> Option<&StaleWrite> {
        self.first_stale.as_ref()
    }

    /// The fencing check: a token older than the newest accepted one is stale. Writes
    /// without a token (Redlock) cannot be checked.
    fn admits(&self, token: Option<u64>) -> bool {
        match (self.fencing, token, self.highest_token) {
            (true, Some(token), Some(highest)) => token >= highest,
            _ => true,
        }
    }

    pub(crate) fn on_message(&mut self, cx: &mut Ctx<'_, LockNode>, from: NodeId, msg: StorageMsg) {
        let StorageMsg::Write {
            write,
            token,
            grant,
        } = msg
        else {
            return;
        };
        let client = client_number(self.first_client, from);
        let accepted = self.admits(token);
        let entry = StorageEntry {
            at: cx.now(),
            client: from,
            client_number: client,
            token,
            grant,
            accepted,
            newest_token: if accepted { None } else { self.highest_token },
        };
        if accepted {
            self.accepted += 1;
            if let Some(token) = token {
                self.highest_token = Some(self.highest_token.map_or(token, |h| h.max(token)));
            }
            match &self.newest_accepted {
                Some(newer) if newer.grant > grant => {
                    if self.first_stale.is_none() {
                        self.first_stale = Some(StaleWrite {
                            stale: entry.clone(),
                            newer: newer.clone(),
                            grant_is_time: self.grant_is_time,
                        });
                    }
                }
                _ => self.newest_accepted = Some(entry.clone()),
            }
            cx.note(LockNote::WriteAccepted {
                client: from,
                token,
            });
        } else {
            self.rejected += 1;
            cx.note(LockNote::WriteRejected {
                client: from,
                token,
                newest: self.highest_token,
            });
        }
        let rejected_for = token.zip(entry.newest_token).filter(|_| !accepted);
        if self.log.len() >= STORAGE_LOG_LEN {
            self.log.pop_front();
        }
        self.log.push_back(entry);
        let reply = StorageMsg::WriteReply {
            write,
            accepted,
            rejected_for,
        };
        send(cx, &mut self.sent, from, LockMsg::Storage(reply));
    }

    /// The storage with the client ids in its log renamed by `r` (symmetry reduction, see
    /// `locks::symmetry`): each entry's writer, and its number with it.
    pub(crate) fn renamed(&self, r: &Renaming) -> Storage {
        let first = self.first_client;
        let rename = |e: &StorageEntry| {
            let client = r.of(e.client);
            StorageEntry {
                client,
                client_number: client_number(first, client),
                ..e.clone()
            }
        };
        Storage {
            log: self.log.iter().map(rename).collect(),
            newest_accepted: self.newest_accepted.as_ref().map(rename),
            first_stale: self.first_stale.as_ref().map(|s| StaleWrite {
                stale: rename(&s.stale),
                newer: rename(&s.newer),
                grant_is_time: s.grant_is_time,
            }),
            ..self.clone()
        }
    }

    /// What the storage does with tokens, and what it has done: a rejection is only named
    /// once one happened.
    pub fn state_label(&self) -> &'static str {
        if self.first_stale.is_some() {
            "STALE WRITE"
        } else if !self.fencing {
            "NO TOKEN CHECK"
        } else if self.rejected > 0 {
            "REJECTED STALE"
        } else {
            "CHECKS TOKENS"
        }
    }

    pub fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if self.fencing {
            let highest = self
                .highest_token
                .map_or_else(|| Line::tr("none yet"), Line::value);
            lines.push(Line::tr("fencing on: highest token {token}").text("token", highest));
        } else {
            lines.push(Line::tr("fencing off: accepts every write"));
        }
        lines.push(
            Line::tr("{accepted} writes accepted, {rejected} rejected")
                .with("accepted", self.accepted)
                .with("rejected", self.rejected),
        );
        lines.extend(self.log.iter().rev().take(5).map(StorageEntry::line));
        lines
    }
}

/// A client's number ("client 2") from its node id: the clients come right after the
/// storage, the first being node `first_client`.
fn client_number(first_client: u32, client: NodeId) -> u32 {
    client.0.saturating_sub(first_client) + 1
}
