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
mod effects;
mod explore;
mod faults;
mod hashing;
mod in_flight;
pub mod invariant;
pub mod symmetry;

pub use explore::Choice;
pub use in_flight::InFlight;
pub use invariant::{Invariant, Violation};

use super::network::{Links, NetConfig};
use super::protocol::{Effect, NodeId, Protocol};
use super::rng::SimRng;
use super::time::Time;
use super::trace::{DropReason, MsgId, TraceEntry, TraceKind};
use in_flight::{Flying, InFlightTable};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// Each set timer with its live generation, sorted by timer (a node sets a handful, so
    /// a sorted vector beats a map). A queued timer event whose generation is no longer
    /// here was cancelled or replaced.
    /// Each entry: the timer, its live generation, when it is due and when it was set.
    timers: Vec<(P::Timer, u64, Time, Time)>,
    /// Events that reached the node while it was paused, in arrival order.
    parked: Vec<Parked>,
    pause_generation: u64,
}

/// A queued event. It is small and holds no payload: a message waits in the in-flight
/// table and a timer's name in its node's timer list, so the queue moves few bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pending {
    Start(NodeId),
    Arrive(MsgId),
    Timer {
        node: NodeId,
        generation: u64,
    },
    Resume {
        node: NodeId,
        generation: u64,
    },
    /// A parked message handed to its node when it resumes.
    Unpark {
        id: MsgId,
        dropped: Option<DropReason>,
    },
}

/// An event that reached a paused node. A message keeps its sender, for the trace entry
/// of its drop should the node crash before it resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Parked {
    Event(Pending),
    /// A message that arrived while the node was paused, with what happened to it on
    /// arrival: the network may have lost it, or its link was cut when it arrived. A later
    /// cut does not take back a message that already arrived.
    Message {
        id: MsgId,
        from: NodeId,
        dropped: Option<DropReason>,
    },
}

/// A queued event, keyed by (time, sequence number) packed into one integer so that the
/// heap compares keys without branching.
#[derive(Clone, Copy, Debug)]
struct Queued {
    key: u128,
    event: Pending,
}

impl Queued {
    fn new(at: Time, seq: u64, event: Pending) -> Self {
        Queued {
            key: (u128::from(at.0) << 64) | u128::from(seq),
            event,
        }
    }

    fn at(&self) -> Time {
        Time((self.key >> 64) as u64)
    }
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
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
    queue: BinaryHeap<Queued>,
    in_flight: InFlightTable<P::Msg>,
    /// True while the head of the queue is known to be an event that will really happen
    /// (see [`Sim::discard_stale`]); every step and action clears it.
    settled: bool,
    invariants: Vec<Invariant<P>>,
    violations: Vec<Option<Violation>>,
    /// For each invariant with a change key: the key when it was last checked.
    checked_at: Vec<Option<u64>>,
    scratch: Vec<Effect<P>>,
}

impl<P: Protocol> Sim<P> {
    /// A world of `nodes` (node `i` gets `NodeId(i)`), each started at time 0 in id order.
    pub fn new(seed: u64, nodes: Vec<P>, net: NetConfig, invariants: Vec<Invariant<P>>) -> Self {
        let violations = vec![None; invariants.len()];
        let checked_at = vec![None; invariants.len()];
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
                    timers: Vec::new(),
                    parked: Vec::new(),
                    pause_generation: 0,
                })
                .collect(),
            queue: BinaryHeap::new(),
            in_flight: InFlightTable::new(),
            settled: false,
            invariants,
            violations,
            checked_at,
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

    /// The messages in flight, in id order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight<P::Msg>> {
        self.in_flight.iter()
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

    /// Names of the timers each node has set, in order.
    pub fn timers_of(&self, id: NodeId) -> impl Iterator<Item = &P::Timer> {
        self.slots
            .get(id.index())
            .into_iter()
            .flat_map(|s| s.timers.iter().map(|(timer, ..)| timer))
    }

    /// The timers a node has set, each with when it was set and when it is due (for
    /// drawing a timer running down).
    pub fn timer_deadlines(&self, id: NodeId) -> impl Iterator<Item = (&P::Timer, Time, Time)> {
        self.slots.get(id.index()).into_iter().flat_map(|s| {
            s.timers
                .iter()
                .map(|(timer, _, due, set)| (timer, *set, *due))
        })
    }

    /// When the next event will happen, if any.
    pub fn next_event_time(&mut self) -> Option<Time> {
        self.discard_stale();
        self.queue.peek().map(Queued::at)
    }

    /// True when nothing is scheduled any more: the run has come to rest.
    pub fn is_quiescent(&mut self) -> bool {
        self.next_event_time().is_none()
    }

    fn schedule(&mut self, at: Time, event: Pending) {
        self.seq += 1;
        self.queue.push(Queued::new(at, self.seq, event));
    }

    /// Pops dead events, and parks events addressed to paused nodes, until the head of the
    /// queue is an event that will really happen. Cancelled timers and messages dropped by
    /// hand are removed lazily, when they reach the head of the queue.
    fn discard_stale(&mut self) {
        if self.settled {
            return;
        }
        while let Some(head) = self.queue.peek() {
            // Whether the event still means anything, and to which node it goes.
            let (live, target) = match head.event {
                // A node crashed before it started starts when it is restarted.
                Pending::Start(node) => (
                    self.slots[node.index()].status != NodeStatus::Crashed,
                    Some(node),
                ),
                // A message a person delayed was queued again for its new arrival: the
                // event at the old time is stale.
                Pending::Arrive(id) => match self.in_flight.get(id) {
                    Some(m) if m.info.arrives == head.at() => (true, Some(m.info.to)),
                    _ => (false, None),
                },
                Pending::Unpark { id, .. } => match self.in_flight.get(id) {
                    Some(m) => (true, Some(m.info.to)),
                    None => (false, None),
                },
                Pending::Timer { node, generation } => {
                    let timers = &self.slots[node.index()].timers;
                    (timers.iter().any(|t| t.1 == generation), Some(node))
                }
                Pending::Resume { node, generation } => {
                    let slot = &self.slots[node.index()];
                    let live =
                        slot.status == NodeStatus::Paused && slot.pause_generation == generation;
                    (live, None)
                }
            };
            if !live {
                self.queue.pop();
                continue;
            }
            match target.filter(|n| self.slots[n.index()].status == NodeStatus::Paused) {
                Some(node) => {
                    let event = self.queue.pop().expect("peeked").event;
                    let parked = match event {
                        Pending::Arrive(id) => {
                            let flying = self.in_flight.get(id).expect("live");
                            let (from, to) = (flying.info.from, flying.info.to);
                            let dropped = if flying.lost {
                                Some(DropReason::Lost)
                            } else if self.links.is_cut(from, to) {
                                Some(DropReason::Partition)
                            } else {
                                None
                            };
                            Parked::Message { id, from, dropped }
                        }
                        other => Parked::Event(other),
                    };
                    self.slots[node.index()].parked.push(parked);
                }
                None => break,
            }
        }
        self.settled = true;
    }

    /// Handles the next event. Returns false when there is nothing left to do.
    pub fn step(&mut self, mut rec: Recorder<'_, P>) -> bool {
        self.discard_stale();
        self.settled = false;
        let Some(queued) = self.queue.pop() else {
            return false;
        };
        // An event is never handled before now: a forced step (`Action::Force`) may have
        // moved the clock past events that were due earlier, and they happen late.
        let (at, event) = (queued.at().max(self.now), queued.event);
        self.now = at;
        self.step += 1;
        match event {
            Pending::Start(node) => {
                record(&mut rec, self.step, at, TraceKind::Start { node });
                self.call(node, &mut rec, |p, cx| p.on_start(cx));
            }
            Pending::Arrive(id) | Pending::Unpark { id, .. } => {
                let Flying {
                    info: InFlight { from, to, msg, .. },
                    lost,
                } = self.in_flight.remove(id).expect("a live message");
                let reason = match event {
                    // Judged when it arrived, before the node's pause.
                    Pending::Unpark { dropped, .. } => dropped,
                    _ if lost => Some(DropReason::Lost),
                    _ if self.links.is_cut(from, to) => Some(DropReason::Partition),
                    _ if self.slots[to.index()].status == NodeStatus::Crashed => {
                        Some(DropReason::NodeDown)
                    }
                    _ => None,
                };
                match reason {
                    Some(reason) => {
                        let kind = TraceKind::Drop {
                            id,
                            from,
                            to,
                            reason,
                            msg,
                        };
                        record(&mut rec, self.step, at, kind);
                    }
                    None => {
                        if rec.is_some() {
                            let msg = msg.clone();
                            let kind = TraceKind::Deliver { id, from, to, msg };
                            record(&mut rec, self.step, at, kind);
                        }
                        self.call(to, &mut rec, |p, cx| p.on_message(cx, from, msg));
                    }
                }
            }
            Pending::Timer { node, generation } => {
                let timers = &mut self.slots[node.index()].timers;
                let index = timers.iter().position(|t| t.1 == generation);
                let (timer, ..) = timers.remove(index.expect("a live timer"));
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

    /// Checks every invariant not yet violated (skipping those whose change key has not
    /// changed), and records the first violation of each.
    pub(super) fn check_invariants(&mut self, rec: &mut Recorder<'_, P>) {
        for (index, invariant) in self.invariants.iter().enumerate() {
            if self.violations[index].is_some() {
                continue;
            }
            let nodes = NodeSet { slots: &self.slots };
            if let Some(key) = invariant.changes_with {
                let key = Some(key(&nodes));
                if self.checked_at[index] == key {
                    continue;
                }
                self.checked_at[index] = key;
            }
            if let Err(message) = (invariant.check)(&nodes) {
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
