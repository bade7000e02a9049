//! A client of the replicated key-value store.
//!
//! A client has one operation in flight at a time (further commands wait in a short queue).
//! It sends the request to the server it believes leads, at first n0. A server that is not
//! the leader answers with the leader it knows of, and the client goes there; with no hint it
//! tries the next server after a short pause. A client that hears nothing within its
//! timeout tries the next server with the *same* serial number, so that the state machine
//! can recognise a repeat (dissertation §6.3).
//!
//! Every client also keeps the history the linearizability check reads: when each operation
//! was invoked and when (and with what result) it returned. This is the observer's record,
//! kept across crashes; an operation whose client crashed stays pending forever, since it
//! may or may not have taken effect.
use super::config::Settings;
use super::kv::{Key, Op, OpResult};
use super::messages::{Answer, Host, Msg, Timer};
use super::notes::{Ignored, Note};
use crate::sim::{Ctx, NodeId, Time};

/// How many commands may wait while an operation is in flight.
pub const QUEUE_LIMIT: usize = 8;
/// The keys a client's own workload uses.
pub const WORKLOAD_KEYS: [char; 3] = ['x', 'y', 'z'];

/// One invoke or return event of a client's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HistoryEvent {
    pub serial: u64,
    pub time: Time,
    pub kind: EventKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Invoke(Op),
    Return(OpResult),
}

/// The operation in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outstanding {
    pub op: Op,
    pub serial: u64,
    pub invoked: Time,
    /// Sent to a server that knew no leader: waiting a moment before the next try.
    pub pausing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Client {
    id: NodeId,
    settings: Settings,
    /// The server it believes leads.
    target: NodeId,
    /// The last serial number used. Kept across crashes: reusing a serial would make the
    /// state machine take a new request for a repeat.
    serial: u64,
    current: Option<Outstanding>,
    queue: Vec<Op>,
    workload_left: u32,
    history: Vec<HistoryEvent>,
    attempts: u64,
}

impl Client {
    pub(crate) fn new(id: NodeId, settings: Settings) -> Client {
        Client {
            id,
            settings,
            target: NodeId(0),
            serial: 0,
            current: None,
            queue: Vec::new(),
            workload_left: settings.workload,
            history: Vec::new(),
            attempts: 0,
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The server it will send its next request to.
    pub fn target(&self) -> NodeId {
        self.target
    }
    pub fn outstanding(&self) -> Option<&Outstanding> {
        self.current.as_ref()
    }
    pub fn queue(&self) -> &[Op] {
        &self.queue
    }
    pub fn history(&self) -> &[HistoryEvent] {
        &self.history
    }
    /// Requests sent, retries included.
    pub fn attempts(&self) -> u64 {
        self.attempts
    }
    pub fn completed(&self) -> usize {
        self.history
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Return(_)))
            .count()
    }
    pub fn workload_left(&self) -> u32 {
        self.workload_left
    }

    pub fn state_label(&self) -> &'static str {
        if self.current.is_some() {
            "WAITING"
        } else {
            "IDLE"
        }
    }

    pub(crate) fn on_start<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        self.target = NodeId(0);
        if self.workload_left > 0 {
            self.think(cx);
        }
    }

    fn think<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        let base = self.settings.think_time.0;
        let pause = cx.rng().between(base / 2, base + base / 2);
        cx.set_timer(Timer::ClientThink, Time(pause));
    }

    pub(crate) fn on_command<P: Host>(&mut self, cx: &mut Ctx<'_, P>, op: Op) {
        if self.current.is_none() {
            self.begin(cx, op);
        } else if self.queue.len() < QUEUE_LIMIT {
            self.queue.push(op);
            cx.note(Note::Queued { op });
        } else {
            cx.note(Note::CommandIgnored {
                reason: Ignored::QueueFull,
            });
        }
    }

    fn begin<P: Host>(&mut self, cx: &mut Ctx<'_, P>, op: Op) {
        self.serial += 1;
        let serial = self.serial;
        self.current = Some(Outstanding {
            op,
            serial,
            invoked: cx.now(),
            pausing: false,
        });
        self.history.push(HistoryEvent {
            serial,
            time: cx.now(),
            kind: EventKind::Invoke(op),
        });
        cx.note(Note::Invoked { op, serial });
        self.send_request(cx);
    }

    fn send_request<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        current.pausing = false;
        let (serial, op) = (current.serial, current.op);
        self.attempts += 1;
        cx.note(Note::RequestSent {
            to: self.target,
            serial,
        });
        cx.send(self.target, Msg::Request { serial, op });
        cx.set_timer(Timer::ClientRetry, self.settings.client_timeout);
    }

    fn next_server(&self, after: NodeId) -> NodeId {
        NodeId((after.0 + 1) % self.settings.server_nodes.max(1))
    }

    pub(crate) fn on_message<P: Host>(&mut self, cx: &mut Ctx<'_, P>, from: NodeId, msg: Msg) {
        let Msg::Reply { serial, answer } = msg else {
            return;
        };
        let Some(current) = self.current else {
            return;
        };
        if current.serial != serial {
            return;
        }
        match answer {
            Answer::Done(result) => {
                self.current = None;
                cx.cancel_timer(Timer::ClientRetry);
                self.history.push(HistoryEvent {
                    serial,
                    time: cx.now(),
                    kind: EventKind::Return(result),
                });
                cx.note(Note::Returned {
                    op: current.op,
                    result,
                });
                self.target = from;
                self.next(cx);
            }
            Answer::NotLeader(Some(leader)) if leader != from && !current.pausing => {
                self.target = leader;
                self.send_request(cx);
            }
            Answer::NotLeader(_) => {
                // Nobody knows a leader (an election is on): try the next server shortly.
                self.target = self.next_server(from);
                if let Some(c) = self.current.as_mut() {
                    c.pausing = true;
                }
                cx.set_timer(Timer::ClientRetry, self.settings.heartbeat_interval);
            }
        }
    }

    fn next<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        if !self.queue.is_empty() {
            let op = self.queue.remove(0);
            self.begin(cx, op);
        } else if self.workload_left > 0 {
            self.think(cx);
        }
    }

    pub(crate) fn on_timer<P: Host>(&mut self, cx: &mut Ctx<'_, P>, timer: Timer) {
        match timer {
            Timer::ClientRetry => {
                let Some(current) = self.current else {
                    return;
                };
                if !current.pausing {
                    cx.note(Note::RequestTimedOut {
                        serial: current.serial,
                    });
                    self.target = self.next_server(self.target);
                }
                self.send_request(cx);
            }
            Timer::ClientThink if self.current.is_none() && self.workload_left > 0 => {
                self.workload_left -= 1;
                let letter = WORKLOAD_KEYS[cx.rng().below(WORKLOAD_KEYS.len() as u64) as usize];
                let key = Key::new(letter).expect("workload keys are letters");
                let op = if cx.rng().chance(0.5) {
                    // Unique values make the linearizability search fast and its verdicts
                    // easy to read.
                    let value = self.id.0 * 100_000 + (self.serial as u32 + 1);
                    Op::Put { key, value }
                } else {
                    Op::Get { key }
                };
                self.begin(cx, op);
            }
            _ => {}
        }
    }

    /// A crash forgets the operation in flight (it stays pending in the history) and the
    /// queue.
    pub(crate) fn on_crash(&mut self) {
        self.current = None;
        self.queue.clear();
    }
}
