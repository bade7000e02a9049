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
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

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
    timers: Vec<(P::Timer, u64)>,
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
    Timer { node: NodeId, generation: u64 },
    Resume { node: NodeId, generation: u64 },
}

/// An event that reached a paused node. A message keeps its sender, for the trace entry
/// of its drop should the node crash before it resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Parked {
    Event(Pending),
    Message { id: MsgId, from: NodeId },
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

/// A message in flight and whether the network will lose it.
#[derive(Clone, Debug)]
struct Flying<M> {
    info: InFlight<M>,
    lost: bool,
}

/// The messages in flight, in id order. Ids are handed out in sequence, so the table is a
/// ring indexed by `id - base`, with a hole for each id that is no longer (or never was)
/// in flight; holes at the front are trimmed. A straggler, a message that stays in flight
/// while thousands of later ones come and go (one held by a paused node, say), moves to a
/// small ordered map so that the ring stays about as long as what is in flight.
#[derive(Clone, Debug)]
struct InFlightTable<M> {
    /// Messages with ids from `base` on, at index `id - base`.
    ring: VecDeque<Option<Flying<M>>>,
    base: u64,
    /// How many messages the ring holds.
    live: usize,
    /// Stragglers, all with ids below `base`.
    old: BTreeMap<MsgId, Flying<M>>,
}

impl<M> InFlightTable<M> {
    fn new() -> Self {
        InFlightTable {
            ring: VecDeque::new(),
            base: 0,
            live: 0,
            old: BTreeMap::new(),
        }
    }

    fn get(&self, id: MsgId) -> Option<&Flying<M>> {
        match id.0.checked_sub(self.base) {
            Some(index) => self.ring.get(usize::try_from(index).ok()?)?.as_ref(),
            None => self.old.get(&id),
        }
    }

    fn contains(&self, id: MsgId) -> bool {
        self.get(id).is_some()
    }

    /// `flying.info.id` must be greater than every id inserted before.
    fn insert(&mut self, flying: Flying<M>) {
        let id = flying.info.id.0;
        if !self.ring.is_empty() && id - self.base > self.longest() as u64 {
            // A long run of ids that never flew (sends into a cut link): rather than fill
            // the ring with holes, start it afresh and keep what it held as stragglers.
            for straggler in self.ring.drain(..).flatten() {
                self.old.insert(straggler.info.id, straggler);
            }
            self.live = 0;
        }
        if self.ring.is_empty() {
            self.base = id;
        }
        let index = usize::try_from(id - self.base).expect("at most the ring's length");
        debug_assert!(index >= self.ring.len(), "ids only grow");
        self.ring.resize_with(index, || None);
        self.ring.push_back(Some(flying));
        self.live += 1;
        if self.mostly_holes() {
            self.tidy();
        }
    }

    fn remove(&mut self, id: MsgId) -> Option<Flying<M>> {
        let Some(index) = id.0.checked_sub(self.base) else {
            return self.old.remove(&id);
        };
        let slot = self.ring.get_mut(usize::try_from(index).ok()?)?;
        let flying = slot.take()?;
        self.live -= 1;
        if index == 0 || self.mostly_holes() {
            self.tidy();
        }
        Some(flying)
    }

    /// How long the ring may grow before it counts as mostly holes.
    fn longest(&self) -> usize {
        2 * self.live + 64
    }

    fn mostly_holes(&self) -> bool {
        self.ring.len() > self.longest()
    }

    /// Trims the holes at the front, and moves stragglers out while the ring is mostly
    /// holes.
    fn tidy(&mut self) {
        loop {
            match self.ring.front() {
                Some(None) => {}
                Some(Some(_)) if self.mostly_holes() => {
                    let straggler = self.ring.front_mut().and_then(Option::take);
                    let straggler = straggler.expect("checked");
                    self.old.insert(straggler.info.id, straggler);
                    self.live -= 1;
                }
                _ => return,
            }
            self.ring.pop_front();
            self.base += 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = &InFlight<M>> {
        let ring = self.ring.iter().filter_map(|f| f.as_ref());
        self.old.values().chain(ring).map(|f| &f.info)
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
            .flat_map(|s| s.timers.iter().map(|(timer, _)| timer))
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
                Pending::Start(node) => (true, Some(node)),
                Pending::Arrive(id) => match self.in_flight.get(id) {
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
                        Pending::Arrive(id) => Parked::Message {
                            id,
                            from: self.in_flight.get(id).expect("live").info.from,
                        },
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
        let (at, event) = (queued.at(), queued.event);
        self.now = at;
        self.step += 1;
        match event {
            Pending::Start(node) => {
                record(&mut rec, self.step, at, TraceKind::Start { node });
                self.call(node, &mut rec, |p, cx| p.on_start(cx));
            }
            Pending::Arrive(id) => {
                let Flying {
                    info: InFlight { from, to, msg, .. },
                    lost,
                } = self.in_flight.remove(id).expect("a live message");
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
            Pending::Timer { node, generation } => {
                let timers = &mut self.slots[node.index()].timers;
                let index = timers.iter().position(|t| t.1 == generation);
                let (timer, _) = timers.remove(index.expect("a live timer"));
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
        self.settled = false;
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
            Action::DropMessage(id) if self.in_flight.contains(*id) => {
                let m = self.in_flight.remove(*id).expect("checked").info;
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
            if let Parked::Message { id, from } = event {
                self.in_flight.remove(id);
                let kind = TraceKind::Drop {
                    id,
                    from,
                    to: node,
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
            let event = match event {
                Parked::Event(event) => event,
                Parked::Message { id, .. } => Pending::Arrive(id),
            };
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
                    let timers = &mut self.slots[node.index()].timers;
                    // Setting a timer that is set replaces it (keeping the name it had).
                    match timers.binary_search_by(|t| t.0.cmp(&timer)) {
                        Ok(i) => timers[i].1 = generation,
                        Err(i) => timers.insert(i, (timer, generation)),
                    }
                    let at = self.now.saturating_add(after);
                    self.schedule(at, Pending::Timer { node, generation });
                }
                Effect::CancelTimer { timer } => {
                    let timers = &mut self.slots[node.index()].timers;
                    if let Ok(i) = timers.binary_search_by(|t| t.0.cmp(&timer)) {
                        timers.remove(i);
                    }
                }
                Effect::Note(note) => {
                    record(rec, self.step, self.now, TraceKind::Note { node, note });
                }
            }
        }
        self.scratch = effects;
        self.note_state(node, rec);
    }

    fn note_state(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
        let slot = &mut self.slots[node.index()];
        let now_label = slot.proto.state_label();
        // The same literal is the same pointer: only compare the text when it is not.
        let same = std::ptr::eq(now_label, slot.label) || now_label == slot.label;
        if !same {
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
        // The last copy takes the message itself; earlier ones take clones.
        let mut msg = Some(msg);
        for copy in 1..=copies {
            self.next_msg += 1;
            let id = MsgId(self.next_msg);
            let (now, step) = (self.now, self.step);
            let body = msg.as_ref().expect("one message per copy");
            if self.links.is_cut(from, to) {
                if rec.is_some() {
                    let kind = TraceKind::Send {
                        id,
                        from,
                        to,
                        msg: body.clone(),
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
                    msg: body.clone(),
                    arrives,
                    copy_of: first,
                };
                record(rec, step, now, kind);
            }
            let body = if copy == copies {
                msg.take()
            } else {
                msg.clone()
            };
            self.in_flight.insert(Flying {
                info: InFlight {
                    id,
                    from,
                    to,
                    sent: now,
                    arrives,
                    msg: body.expect("one message per copy"),
                },
                lost,
            });
            self.schedule(arrives, Pending::Arrive(id));
            first = first.or(Some(id));
        }
    }

    fn check_invariants(&mut self, rec: &mut Recorder<'_, P>) {
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

/// Hashing for fingerprints (see `super::fingerprint`).
impl<P: Protocol> Sim<P> {
    pub(super) fn hash_exact<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        (self.now, self.step, self.seq, self.next_msg).hash(h);
        let mut rng = self.rng.clone();
        (rng.next_u64(), rng.next_u64()).hash(h);
        self.links.hash(h);
        for slot in &self.slots {
            (&slot.proto, slot.status, &slot.timers).hash(h);
            (&slot.parked, slot.pause_generation).hash(h);
        }
        let mut queue: Vec<(u128, Pending)> = self.queue.iter().map(|q| (q.key, q.event)).collect();
        queue.sort_unstable_by_key(|q| q.0);
        queue.hash(h);
        for m in self.in_flight.iter() {
            (m.id, m.from, m.to, m.sent, m.arrives, &m.msg).hash(h);
        }
    }

    pub(super) fn hash_abstract<H: std::hash::Hasher>(&self, h: &mut H) {
        use super::fingerprint::stable_hash;
        use std::hash::Hash;
        self.links.hash(h);
        for slot in &self.slots {
            (&slot.proto, slot.status).hash(h);
            for (timer, _) in &slot.timers {
                timer.hash(h);
            }
            for parked in &slot.parked {
                match parked {
                    Parked::Message { id, from } => {
                        let body = self.in_flight.get(*id).map(|f| stable_hash(&f.info.msg));
                        (0u8, from, body).hash(h);
                    }
                    Parked::Event(Pending::Timer { .. }) => 1u8.hash(h),
                    Parked::Event(_) => 2u8.hash(h),
                }
            }
        }
        // Messages in flight as a multiset: sorted, with no ids or times.
        let mut flying: Vec<(NodeId, NodeId, u128)> = self
            .in_flight
            .iter()
            .map(|m| (m.from, m.to, stable_hash(&m.msg)))
            .collect();
        flying.sort_unstable();
        flying.hash(h);
    }
}

fn record<P: Protocol>(rec: &mut Recorder<'_, P>, step: u64, time: Time, kind: TraceKind<P>) {
    if let Some(trace) = rec.as_deref_mut() {
        trace.push(TraceEntry { step, time, kind });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flying(id: u64) -> Flying<u64> {
        let info = InFlight {
            id: MsgId(id),
            from: NodeId(0),
            to: NodeId(1),
            sent: Time(id),
            arrives: Time(id + 1),
            msg: id * 10,
        };
        Flying { info, lost: false }
    }

    /// The table against an ordered map: same messages, same order, while messages come
    /// and go, some stay in flight for very long and long runs of ids never fly.
    #[test]
    fn in_flight_table_behaves_like_an_ordered_map() {
        let mut rng = SimRng::new(3);
        let mut table = InFlightTable::new();
        let mut model = BTreeMap::new();
        let mut next = 0u64;
        for round in 0..20_000 {
            if model.len() < 40 || rng.below(2) == 0 {
                next += match rng.below(100) {
                    0 => 1 + rng.below(5_000),
                    1..=10 => 2,
                    _ => 1,
                };
                table.insert(flying(next));
                model.insert(next, flying(next).info.msg);
            } else {
                // Mostly recent messages leave, so that old ones become stragglers.
                let count = model.len() as u64;
                let back = if rng.below(10) == 0 {
                    rng.below(count)
                } else {
                    rng.below(count.min(8))
                };
                let id = *model.keys().rev().nth(back as usize).expect("in range");
                assert_eq!(
                    table.remove(MsgId(id)).map(|f| f.info.msg),
                    model.remove(&id)
                );
            }
            let probe = rng.below(next + 2);
            assert_eq!(table.contains(MsgId(probe)), model.contains_key(&probe));
            assert_eq!(table.remove(MsgId(next + 1)).map(|f| f.lost), None);
            assert!(table.ring.len() <= table.longest() + 1, "round {round}");
            if round % 97 == 0 {
                let ids: Vec<u64> = table.iter().map(|m| m.id.0).collect();
                assert_eq!(
                    ids,
                    model.keys().copied().collect::<Vec<_>>(),
                    "round {round}"
                );
            }
        }
        assert!(!table.old.is_empty(), "stragglers were exercised");
    }
}
