//! The discrete-event kernel: nodes, the event queue, the network and faults.
//!
//! Events wait in a priority queue ordered by (time, sequence number); the sequence number
//! breaks ties in the order events were scheduled, so two runs of the same seed handle the
//! same events in the same order. [`Sim::step`] takes the next event, advances virtual time
//! to it, calls the node's handler, carries out the effects the handler recorded, appends
//! to the trace and checks every invariant. [`Sim::apply`] does the same for a user action.
//!
//! Faults:
//! - crash: the node's volatile state is lost (`Protocol::on_crash`), its timers are
//!   cancelled and messages that reach it are dropped; restart calls `on_restart`.
//! - pause: a stop-the-world pause (a long GC, a frozen VM). The node's timers and messages
//!   wait; when it resumes it handles them all at once, late. This is how a lock holder can
//!   go on writing after its lease expired.
//! - the network loses, duplicates and delays messages, and cut links drop them.
use super::action::Action;
use super::invariant::{Invariant, Violation};
use super::network::{Links, NetConfig};
use super::protocol::{Ctx, Effect, NodeId, Protocol};
use super::rng::SimRng;
use super::time::Time;
use super::trace::{DropReason, MsgId, TraceEntry, TraceKind};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    Up,
    Crashed,
    Paused,
}

/// One node and the kernel's bookkeeping for it.
#[derive(Clone)]
struct Slot<P: Protocol> {
    proto: P,
    status: NodeStatus,
    label: &'static str,
    /// The live generation of each set timer; a queued timer event whose generation no
    /// longer matches was cancelled or replaced.
    timers: BTreeMap<P::Timer, u64>,
    /// Events that reached the node while it was paused, in arrival order.
    parked: Vec<Pending<P>>,
    pause_generation: u64,
}

#[derive(Clone)]
enum Pending<P: Protocol> {
    Start(NodeId),
    Arrive {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        lost: bool,
    },
    Timer {
        node: NodeId,
        timer: P::Timer,
        generation: u64,
    },
    Resume {
        node: NodeId,
        generation: u64,
    },
}

#[derive(Clone)]
struct Queued<P: Protocol> {
    at: Time,
    seq: u64,
    event: Pending<P>,
}

impl<P: Protocol> PartialEq for Queued<P> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<P: Protocol> Eq for Queued<P> {}
impl<P: Protocol> PartialOrd for Queued<P> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<P: Protocol> Ord for Queued<P> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A message on its way.
#[derive(Clone, Debug)]
pub struct InFlight<M> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    pub msg: M,
}

/// Where the trace goes: the timeline records while it computes a run for the first time
/// and replays without recording when it travels back.
pub type Recorder<'a, P> = Option<&'a mut Vec<TraceEntry<P>>>;

/// Read access to every node, for invariants and views.
pub struct NodeSet<'a, P: Protocol> {
    slots: &'a [Slot<P>],
}

impl<'a, P: Protocol> NodeSet<'a, P> {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn get(&self, id: NodeId) -> Option<&'a P> {
        self.slots.get(id.index()).map(|s| &s.proto)
    }

    pub fn status(&self, id: NodeId) -> Option<NodeStatus> {
        self.slots.get(id.index()).map(|s| s.status)
    }

    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &'a P, NodeStatus)> + 'a {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, s)| (NodeId(i as u32), &s.proto, s.status))
    }
}

/// The whole simulated world at one step. Cloning it is how the timeline checkpoints.
#[derive(Clone)]
pub struct Sim<P: Protocol> {
    now: Time,
    step: u64,
    seq: u64,
    next_msg: u64,
    rng: SimRng,
    net: NetConfig,
    links: Links,
    slots: Vec<Slot<P>>,
    queue: BinaryHeap<Queued<P>>,
    in_flight: BTreeMap<MsgId, InFlight<P::Msg>>,
    invariants: Vec<Invariant<P>>,
    violations: Vec<Option<Violation>>,
    scratch: Vec<Effect<P>>,
}

impl<P: Protocol> Sim<P> {
    /// A world of `nodes` (node `i` gets `NodeId(i)`), each started at time 0 in id order.
    pub fn new(seed: u64, nodes: Vec<P>, net: NetConfig, invariants: Vec<Invariant<P>>) -> Self {
        let violations = vec![None; invariants.len()];
        let mut sim = Sim {
            now: Time::ZERO,
            step: 0,
            seq: 0,
            next_msg: 0,
            rng: SimRng::new(seed),
            net,
            links: Links::default(),
            slots: nodes
                .into_iter()
                .map(|proto| Slot {
                    label: proto.state_label(),
                    proto,
                    status: NodeStatus::Up,
                    timers: BTreeMap::new(),
                    parked: Vec::new(),
                    pause_generation: 0,
                })
                .collect(),
            queue: BinaryHeap::new(),
            in_flight: BTreeMap::new(),
            invariants,
            violations,
            scratch: Vec::new(),
        };
        for i in 0..sim.slots.len() {
            sim.schedule(Time::ZERO, Pending::Start(NodeId(i as u32)));
        }
        sim
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// How many steps (events and user actions) have happened.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    pub fn node_count(&self) -> u32 {
        self.slots.len() as u32
    }

    pub fn nodes(&self) -> NodeSet<'_, P> {
        NodeSet { slots: &self.slots }
    }

    pub fn node(&self, id: NodeId) -> Option<&P> {
        self.slots.get(id.index()).map(|s| &s.proto)
    }

    pub fn status(&self, id: NodeId) -> Option<NodeStatus> {
        self.slots.get(id.index()).map(|s| s.status)
    }

    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight<P::Msg>> {
        self.in_flight.values()
    }

    pub fn links(&self) -> &Links {
        &self.links
    }

    pub fn net_config(&self) -> &NetConfig {
        &self.net
    }

    pub fn invariants(&self) -> &[Invariant<P>] {
        &self.invariants
    }

    /// The first violation of each invariant, in declaration order.
    pub fn violations(&self) -> &[Option<Violation>] {
        &self.violations
    }

    /// Names of the timers each node has set.
    pub fn timers_of(&self, id: NodeId) -> impl Iterator<Item = &P::Timer> {
        self.slots
            .get(id.index())
            .into_iter()
            .flat_map(|s| s.timers.keys())
    }

    /// When the next event will happen, if any.
    pub fn next_event_time(&mut self) -> Option<Time> {
        self.discard_stale();
        self.queue.peek().map(|q| q.at)
    }

    /// True when nothing is scheduled any more: the run has come to rest.
    pub fn is_quiescent(&mut self) -> bool {
        self.next_event_time().is_none()
    }

    fn schedule(&mut self, at: Time, event: Pending<P>) {
        self.seq += 1;
        self.queue.push(Queued {
            at,
            seq: self.seq,
            event,
        });
    }

    /// Whether a queued event still means anything (cancelled timers and messages dropped
    /// by hand are removed lazily, when they reach the head of the queue).
    fn is_live(&self, event: &Pending<P>) -> bool {
        match event {
            Pending::Start(_) => true,
            Pending::Arrive { id, .. } => self.in_flight.contains_key(id),
            Pending::Timer {
                node,
                timer,
                generation,
            } => self.slots[node.index()].timers.get(timer) == Some(generation),
            Pending::Resume { node, generation } => {
                let slot = &self.slots[node.index()];
                slot.status == NodeStatus::Paused && slot.pause_generation == *generation
            }
        }
    }

    fn target(event: &Pending<P>) -> Option<NodeId> {
        match event {
            Pending::Start(node) => Some(*node),
            Pending::Arrive { to, .. } => Some(*to),
            Pending::Timer { node, .. } => Some(*node),
            Pending::Resume { .. } => None,
        }
    }

    /// Pops dead events, and parks events addressed to paused nodes, until the head of the
    /// queue is an event that will really happen.
    fn discard_stale(&mut self) {
        while let Some(head) = self.queue.peek() {
            if !self.is_live(&head.event) {
                self.queue.pop();
                continue;
            }
            let parked_at = Self::target(&head.event)
                .filter(|n| self.slots[n.index()].status == NodeStatus::Paused);
            match parked_at {
                Some(node) => {
                    let queued = self.queue.pop().expect("peeked");
                    self.slots[node.index()].parked.push(queued.event);
                }
                None => return,
            }
        }
    }

    /// Handles the next event. Returns false when there is nothing left to do.
    pub fn step(&mut self, mut rec: Recorder<'_, P>) -> bool {
        self.discard_stale();
        let Some(Queued { at, event, .. }) = self.queue.pop() else {
            return false;
        };
        self.now = at;
        self.step += 1;
        match event {
            Pending::Start(node) => {
                record(&mut rec, self.step, at, TraceKind::Start { node });
                self.call(node, &mut rec, |p, cx| p.on_start(cx));
            }
            Pending::Arrive {
                id,
                from,
                to,
                msg,
                lost,
            } => {
                self.in_flight.remove(&id);
                let reason = if lost {
                    Some(DropReason::Lost)
                } else if self.links.is_cut(from, to) {
                    Some(DropReason::Partition)
                } else if self.slots[to.index()].status == NodeStatus::Crashed {
                    Some(DropReason::NodeDown)
                } else {
                    None
                };
                match reason {
                    Some(reason) => {
                        record(
                            &mut rec,
                            self.step,
                            at,
                            TraceKind::Drop {
                                id,
                                from,
                                to,
                                reason,
                            },
                        );
                    }
                    None => {
                        record(&mut rec, self.step, at, TraceKind::Deliver { id, from, to });
                        self.call(to, &mut rec, |p, cx| p.on_message(cx, from, msg));
                    }
                }
            }
            Pending::Timer { node, timer, .. } => {
                self.slots[node.index()].timers.remove(&timer);
                if rec.is_some() {
                    record(
                        &mut rec,
                        self.step,
                        at,
                        TraceKind::Timer {
                            node,
                            timer: timer.clone(),
                        },
                    );
                }
                self.call(node, &mut rec, |p, cx| p.on_timer(cx, timer));
            }
            Pending::Resume { node, .. } => self.resume(node, &mut rec),
        }
        self.check_invariants(&mut rec);
        true
    }

    /// Applies a user action as its own step, at `time` (clamped between now and the next
    /// event, so that an action never reorders what already happened).
    pub fn apply(&mut self, action: &Action<P::Cmd>, time: Time, mut rec: Recorder<'_, P>) {
        let latest = self.next_event_time().unwrap_or(Time(u64::MAX));
        self.now = time.max(self.now).min(latest.max(self.now));
        self.step += 1;
        let (step, now) = (self.step, self.now);
        let status = |sim: &Self, n: NodeId| sim.slots[n.index()].status;
        match action {
            Action::Crash(node) if status(self, *node) != NodeStatus::Crashed => {
                record(&mut rec, step, now, TraceKind::Crash { node: *node });
                self.crash(*node, &mut rec);
            }
            Action::Restart(node) if status(self, *node) == NodeStatus::Crashed => {
                self.slots[node.index()].status = NodeStatus::Up;
                record(&mut rec, step, now, TraceKind::Restart { node: *node });
                self.call(*node, &mut rec, |p, cx| p.on_restart(cx));
            }
            Action::Pause(node, duration) if status(self, *node) == NodeStatus::Up => {
                let slot = &mut self.slots[node.index()];
                slot.status = NodeStatus::Paused;
                slot.pause_generation += 1;
                let generation = slot.pause_generation;
                record(&mut rec, step, now, TraceKind::Pause { node: *node });
                if let Some(d) = duration {
                    self.schedule(
                        now.saturating_add(*d),
                        Pending::Resume {
                            node: *node,
                            generation,
                        },
                    );
                }
            }
            Action::Resume(node) if status(self, *node) == NodeStatus::Paused => {
                self.resume(*node, &mut rec);
            }
            Action::DropMessage(id) if self.in_flight.contains_key(id) => {
                let m = self.in_flight.remove(id).expect("checked");
                let kind = TraceKind::Drop {
                    id: *id,
                    from: m.from,
                    to: m.to,
                    reason: DropReason::ByUser,
                };
                record(&mut rec, step, now, kind);
            }
            Action::Network(change) => {
                self.links.apply(change, self.node_count());
                record(
                    &mut rec,
                    step,
                    now,
                    TraceKind::Network {
                        change: change.clone(),
                    },
                );
            }
            Action::Command(node, cmd) if status(self, *node) == NodeStatus::Up => {
                record(
                    &mut rec,
                    step,
                    now,
                    TraceKind::Command {
                        node: *node,
                        cmd: cmd.clone(),
                    },
                );
                let cmd = cmd.clone();
                self.call(*node, &mut rec, |p, cx| p.on_command(cx, cmd));
            }
            other => {
                let why = match other {
                    Action::DropMessage(id) => format!("message {} is no longer in flight", id.0),
                    Action::Crash(n) => format!("{n} is already down"),
                    Action::Restart(n) => format!("{n} is not crashed"),
                    Action::Pause(n, _) => format!("{n} is not running"),
                    Action::Resume(n) => format!("{n} is not paused"),
                    Action::Command(n, _) => {
                        format!("{n} is not running, so it ignores the command")
                    }
                    Action::Network(_) => unreachable!("network changes always apply"),
                };
                record(&mut rec, step, now, TraceKind::Ignored { why });
            }
        }
        self.check_invariants(&mut rec);
    }

    fn crash(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
        let slot = &mut self.slots[node.index()];
        slot.status = NodeStatus::Crashed;
        slot.timers.clear();
        slot.proto.on_crash();
        let parked = std::mem::take(&mut slot.parked);
        self.note_state(node, rec);
        for event in parked {
            if let Pending::Arrive { id, from, to, .. } = event {
                self.in_flight.remove(&id);
                let kind = TraceKind::Drop {
                    id,
                    from,
                    to,
                    reason: DropReason::NodeDown,
                };
                record(rec, self.step, self.now, kind);
            }
        }
    }

    fn resume(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
        let slot = &mut self.slots[node.index()];
        slot.status = NodeStatus::Up;
        let parked = std::mem::take(&mut slot.parked);
        record(rec, self.step, self.now, TraceKind::Resume { node });
        // Everything that waited is handled now, late, in the order it arrived.
        let now = self.now;
        for event in parked {
            self.schedule(now, event);
        }
    }

    /// Runs one handler on a node and carries out the effects it recorded.
    fn call(
        &mut self,
        node: NodeId,
        rec: &mut Recorder<'_, P>,
        handler: impl FnOnce(&mut P, &mut Ctx<'_, P>),
    ) {
        let mut effects = std::mem::take(&mut self.scratch);
        {
            let node_count = self.slots.len() as u32;
            let slot = &mut self.slots[node.index()];
            let mut cx = Ctx {
                id: node,
                now: self.now,
                node_count,
                rng: &mut self.rng,
                effects: &mut effects,
            };
            handler(&mut slot.proto, &mut cx);
        }
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(node, to, msg, rec),
                Effect::SetTimer { timer, after } => {
                    self.seq += 1;
                    let generation = self.seq;
                    self.slots[node.index()]
                        .timers
                        .insert(timer.clone(), generation);
                    let at = self.now.saturating_add(after);
                    self.schedule(
                        at,
                        Pending::Timer {
                            node,
                            timer,
                            generation,
                        },
                    );
                }
                Effect::CancelTimer { timer } => {
                    self.slots[node.index()].timers.remove(&timer);
                }
            }
        }
        self.scratch = effects;
        self.note_state(node, rec);
    }

    fn note_state(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
        let slot = &mut self.slots[node.index()];
        let now_label = slot.proto.state_label();
        if now_label != slot.label {
            let kind = TraceKind::State {
                node,
                from: slot.label,
                to: now_label,
            };
            slot.label = now_label;
            record(rec, self.step, self.now, kind);
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg, rec: &mut Recorder<'_, P>) {
        if to.index() >= self.slots.len() {
            let why = format!("{from} sent a message to {to}, which does not exist");
            record(rec, self.step, self.now, TraceKind::Ignored { why });
            return;
        }
        let copies = if self.rng.chance(self.net.duplicate) {
            2
        } else {
            1
        };
        let mut first = None;
        for _ in 0..copies {
            self.next_msg += 1;
            let id = MsgId(self.next_msg);
            let (now, step) = (self.now, self.step);
            if self.links.is_cut(from, to) {
                if rec.is_some() {
                    let kind = TraceKind::Send {
                        id,
                        from,
                        to,
                        msg: msg.clone(),
                        arrives: now,
                        copy_of: first,
                    };
                    record(rec, step, now, kind);
                }
                record(
                    rec,
                    step,
                    now,
                    TraceKind::Drop {
                        id,
                        from,
                        to,
                        reason: DropReason::Partition,
                    },
                );
                return;
            }
            let latency = self
                .rng
                .between(self.net.latency_min.0, self.net.latency_max.0);
            let lost = self.rng.chance(self.net.loss);
            let arrives = now.saturating_add(Time(latency));
            if rec.is_some() {
                let kind = TraceKind::Send {
                    id,
                    from,
                    to,
                    msg: msg.clone(),
                    arrives,
                    copy_of: first,
                };
                record(rec, step, now, kind);
            }
            self.in_flight.insert(
                id,
                InFlight {
                    id,
                    from,
                    to,
                    sent: now,
                    arrives,
                    msg: msg.clone(),
                },
            );
            self.schedule(
                arrives,
                Pending::Arrive {
                    id,
                    from,
                    to,
                    msg: msg.clone(),
                    lost,
                },
            );
            first = first.or(Some(id));
        }
    }

    fn check_invariants(&mut self, rec: &mut Recorder<'_, P>) {
        for (index, invariant) in self.invariants.iter().enumerate() {
            if self.violations[index].is_some() {
                continue;
            }
            if let Err(message) = (invariant.check)(&NodeSet { slots: &self.slots }) {
                let kind = TraceKind::Violation {
                    invariant: index as u32,
                    message: message.clone(),
                };
                record(rec, self.step, self.now, kind);
                self.violations[index] = Some(Violation {
                    step: self.step,
                    time: self.now,
                    message,
                });
            }
        }
    }
}

fn record<P: Protocol>(rec: &mut Recorder<'_, P>, step: u64, time: Time, kind: TraceKind<P>) {
    if let Some(trace) = rec.as_deref_mut() {
        trace.push(TraceEntry { step, time, kind });
    }
}
