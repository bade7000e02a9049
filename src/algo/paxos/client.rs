//! A client of the replicated key-value store (Multi-Paxos).
//!
//! It sends one command at a time to the proposer it believes leads, alternating a put
//! and a get over a few keys, and waits for the answer the leader sends once the command
//! is chosen and applied. With no answer in time it sends the same command (same number)
//! to the next proposer; replicas apply a number once, so a command chosen twice after a
//! retry still takes effect once. With leader election on, heartbeats tell it who leads.
use super::config::Setup;
use super::io::Io;
use super::messages::{Msg, Timer};
use super::notes::Note;
use super::value::{CmdId, Value, Word};
use crate::sim::{NodeId, Time};
use std::collections::VecDeque;

const KEYS: [&str; 3] = ["x", "y", "z"];

/// A command waiting for its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outstanding {
    pub value: Value,
    pub first_sent: Time,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Client {
    /// Durable: the last command number used, so numbers never repeat.
    seq: u32,
    /// Commands sent by itself (the automatic workload), at most `client_requests`.
    generated: u32,
    target: NodeId,
    outstanding: Option<Outstanding>,
    /// Commands a person gave it, waiting their turn.
    queue: VecDeque<Value>,
    /// Answers received, and their total latency (first send to answer).
    completed: u32,
    total_latency: Time,
    last_result: Option<(CmdId, Option<Word>)>,
}

impl Client {
    pub fn new(setup: &Setup) -> Self {
        Client {
            target: setup.proposers.first().copied().unwrap_or_default(),
            ..Client::default()
        }
    }

    pub fn outstanding(&self) -> Option<Outstanding> {
        self.outstanding
    }

    pub fn completed(&self) -> u32 {
        self.completed
    }

    /// Mean time from sending a command to its answer.
    pub fn mean_latency(&self) -> Option<Time> {
        (self.completed > 0).then(|| Time(self.total_latency.0 / u64::from(self.completed)))
    }

    pub fn last_result(&self) -> Option<(CmdId, Option<Word>)> {
        self.last_result
    }

    pub fn target(&self) -> NodeId {
        self.target
    }

    pub(crate) fn on_start(&mut self, io: &mut impl Io, setup: &Setup) {
        self.outstanding = None;
        io.set_timer(Timer::ClientNext, setup.timing.client_think);
    }

    /// A fresh command id (numbers never repeat, even across crashes).
    pub(crate) fn next_cmd_id(&mut self, me: NodeId) -> CmdId {
        self.seq += 1;
        CmdId {
            client: me,
            seq: self.seq,
        }
    }

    /// A person's put or get: sent now if nothing is outstanding, else queued.
    pub(crate) fn submit(&mut self, io: &mut impl Io, setup: &Setup, value: Value) {
        self.queue.push_back(value);
        if self.outstanding.is_none() {
            self.send_next(io, setup);
        }
    }

    pub(crate) fn on_next(&mut self, io: &mut impl Io, setup: &Setup) {
        if self.outstanding.is_none() {
            self.send_next(io, setup);
        }
    }

    fn send_next(&mut self, io: &mut impl Io, setup: &Setup) {
        let value = match self.queue.pop_front() {
            Some(v) => v,
            None if self.generated < setup.client_requests => {
                self.generated += 1;
                let id = self.next_cmd_id(io.id());
                let key = Word::lit(KEYS[(self.generated as usize / 2) % KEYS.len()]);
                if self.generated % 2 == 1 {
                    let val = Word::new(&self.generated.to_string()).unwrap_or(key);
                    Value::Put { id, key, val }
                } else {
                    Value::Get { id, key }
                }
            }
            None => return,
        };
        self.outstanding = Some(Outstanding {
            value,
            first_sent: io.now(),
        });
        self.send(io, setup, value);
    }

    fn send(&mut self, io: &mut impl Io, setup: &Setup, value: Value) {
        let to = self.target;
        if let Some(id) = value.cmd_id() {
            io.note(Note::ClientSent { id, to, value });
        }
        io.send(to, Msg::Request { value, hops: 0 });
        io.set_timer(Timer::ClientTimeout, setup.timing.client_timeout);
    }

    pub(crate) fn on_reply(
        &mut self,
        io: &mut impl Io,
        setup: &Setup,
        id: CmdId,
        result: Option<Word>,
    ) {
        let Some(out) = self.outstanding else { return };
        if out.value.cmd_id() != Some(id) {
            return;
        }
        io.note(Note::ClientGotReply { id, result });
        self.outstanding = None;
        self.completed += 1;
        self.total_latency = self
            .total_latency
            .saturating_add(io.now().saturating_sub(out.first_sent));
        self.last_result = Some((id, result));
        io.cancel_timer(Timer::ClientTimeout);
        io.set_timer(Timer::ClientNext, setup.timing.client_think);
    }

    pub(crate) fn on_timeout(&mut self, io: &mut impl Io, setup: &Setup) {
        let Some(out) = self.outstanding else { return };
        let proposers = &setup.proposers;
        let at = proposers
            .iter()
            .position(|p| *p == self.target)
            .unwrap_or(0);
        if let Some(next) = proposers.get((at + 1) % proposers.len().max(1)) {
            self.target = *next;
        }
        if let Some(id) = out.value.cmd_id() {
            io.note(Note::ClientTimedOut {
                id,
                next: self.target,
            });
        }
        self.send(io, setup, out.value);
    }

    /// The failure detector names a new leader: send there from now on.
    pub(crate) fn follow(&mut self, leader: NodeId) {
        self.target = leader;
    }

    pub(crate) fn on_crash(&mut self) {
        self.outstanding = None;
    }
}
