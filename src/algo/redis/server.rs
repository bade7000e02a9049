//! A Redis server: one database, its append-only file, and the clients blocked on keys.
//!
//! Redis runs one command at a time, so each command is atomic. A blocking command
//! (`BRPOP`, `BLMOVE`, `XREADGROUP ... BLOCK`) that finds no data parks its client on the
//! keys it named. After every command, the keys that received data are served in the order
//! they received it, and the clients parked on a key in the order they blocked (the first
//! to block is served first), until a key has nothing left to give; a `BLMOVE` served this
//! way pushes onto its destination, which may serve clients parked there in turn. A client
//! whose timeout runs out gets a nil (`*-1`, for all three commands in Redis 7.0).
//!
//! Not modelled: a key deleted or overwritten under a blocked list client (Redis leaves it
//! blocked; so does this model), `MULTI`, and the up-to-100 ms lateness of Redis's
//! timeout checks (the model answers exactly at the deadline).
use super::changes::{changed_data, creates_consumer};
use super::command::{Command, ReadFrom};
use super::keyspace::{millis, Redis};
use super::persistence::{Aof, Persistence};
use super::reply::Reply;
use super::stream_cmd::BLOCKED_READ_DEFAULT_COUNT;
use crate::sim::Time;

/// A client parked on the keys of its blocking command.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Waiter<C> {
    pub client: C,
    pub command: Command,
    pub blocked_at: Time,
    /// When it gives up; `None` waits forever.
    pub deadline: Option<Time>,
}

/// A Redis server for clients identified by `C`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Server<C> {
    db: Redis,
    aof: Aof,
    waiters: Vec<Waiter<C>>,
}

impl<C: Clone + PartialEq> Server<C> {
    pub fn new(persistence: Persistence) -> Self {
        Server {
            db: Redis::new(),
            aof: Aof::new(persistence),
            waiters: Vec::new(),
        }
    }

    pub fn db(&self) -> &Redis {
        &self.db
    }

    pub fn aof(&self) -> &Aof {
        &self.aof
    }

    /// The parked clients, in the order they blocked.
    pub fn waiters(&self) -> &[Waiter<C>] {
        &self.waiters
    }

    /// The same server with every client it knows renamed by `rename` (the explorer's
    /// symmetry reduction renames interchangeable clients). The keyspace and the
    /// append-only file name no client (Redis stores values, not who wrote them), so only
    /// the parked clients change.
    pub fn with_clients_renamed(&self, rename: impl Fn(&C) -> C) -> Self {
        Server {
            db: self.db.clone(),
            aof: self.aof.clone(),
            waiters: self
                .waiters
                .iter()
                .map(|w| Waiter {
                    client: rename(&w.client),
                    ..w.clone()
                })
                .collect(),
        }
    }

    /// Runs `cmd` for `client` at `now`. Returns the replies to send, in order: the
    /// client's own (unless it blocked) and those of parked clients the command served.
    pub fn execute(&mut self, client: C, cmd: Command, now: Time) -> Vec<(C, Reply)> {
        let new_consumer = creates_consumer(&self.db, &cmd, now);
        let reply = self.db.execute(&cmd, now);
        let mut out = Vec::new();
        if reply == Reply::WouldBlock {
            let timeout = cmd.block_timeout_ms().unwrap_or(0);
            self.waiters.push(Waiter {
                client,
                deadline: (timeout > 0).then(|| now.saturating_add(Time::from_millis(timeout))),
                command: cmd,
                blocked_at: now,
            });
        } else {
            if changed_data(&cmd, &reply, new_consumer) {
                self.aof.append(cmd, now);
            }
            out.push((client, reply));
        }
        self.serve_ready(now, &mut out);
        out
    }

    /// Serves parked clients on every key that received data, until none can be served.
    fn serve_ready(&mut self, now: Time, out: &mut Vec<(C, Reply)>) {
        loop {
            let ready = self.db.take_ready_keys();
            if ready.is_empty() {
                return;
            }
            for key in ready {
                let mut i = 0;
                while i < self.waiters.len() {
                    let waits_here = self.waiters[i]
                        .command
                        .blocking_keys()
                        .contains(&key.as_str());
                    let served = if waits_here {
                        self.serve(i, &key, now)
                    } else {
                        None
                    };
                    match served {
                        Some((reply, effect)) => {
                            let waiter = self.waiters.remove(i);
                            if let Some(effect) = effect {
                                self.aof.append(effect, now);
                            }
                            out.push((waiter.client, reply));
                        }
                        None => i += 1,
                    }
                }
            }
        }
    }

    /// Serves waiter `i` from `key`, if there is data for it.
    fn serve(&mut self, i: usize, key: &str, now: Time) -> Option<(Reply, Option<Command>)> {
        let cmd = self.waiters[i].command.clone();
        if let Command::Xreadgroup {
            group,
            consumer,
            count,
            noack,
            ..
        } = &cmd
        {
            let reply = self.db.serve_blocked_read(&cmd, key, millis(now))?;
            let effect = (!reply.is_error()).then(|| Command::Xreadgroup {
                group: group.clone(),
                consumer: consumer.clone(),
                count: Some(count.unwrap_or(BLOCKED_READ_DEFAULT_COUNT)),
                block_ms: None,
                noack: *noack,
                streams: vec![(key.to_string(), ReadFrom::New)],
            });
            return Some((reply, effect));
        }
        self.db.serve_blocked_list(&cmd, key)
    }

    /// Answers every parked client whose deadline has come with a nil.
    pub fn expire_waiters(&mut self, now: Time) -> Vec<(C, Reply)> {
        let mut out = Vec::new();
        self.waiters.retain(|w| {
            let expired = w.deadline.is_some_and(|d| d <= now);
            if expired {
                out.push((w.client.clone(), Reply::NilArray));
            }
            !expired
        });
        out
    }

    /// The earliest deadline of a parked client.
    pub fn next_deadline(&self) -> Option<Time> {
        self.waiters.iter().filter_map(|w| w.deadline).min()
    }

    /// Forgets a client's parked command (its connection closed).
    pub fn disconnect(&mut self, client: &C) {
        self.waiters.retain(|w| w.client != *client);
    }

    /// The background fsync (every second under `everysec`).
    pub fn fsync(&mut self) {
        self.aof.fsync();
    }

    /// The machine goes down: the database becomes what the disk holds (what a restart
    /// replays), and every connection is gone.
    pub fn crash(&mut self) {
        self.db = self.aof.crash();
        self.waiters.clear();
    }
}
