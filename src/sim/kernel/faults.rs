//! User actions and faults: crash, restart, pause, resume, dropping or delaying a message,
//! cutting links, commands, and the explorer's forced deliveries, losses and timers. Each
//! is a step of its own.
use super::{record, Choice, NodeStatus, Parked, Pending, Recorder, Sim};
use crate::sim::action::{Action, Forced};
use crate::sim::protocol::{NodeId, Protocol};
use crate::sim::time::Time;
use crate::sim::trace::{DropReason, MsgId, TraceKind};

impl<P: Protocol> Sim<P> {
    /// Applies a user action as its own step, at `time` (clamped between now and the next
    /// event, so that an action never reorders what already happened).
    ///
    /// A forced step ([`Action::Force`]) ignores `time`: it happens when the explorer's
    /// path had it happen, at the later of now and when the message or timer was due
    /// (exactly as [`Sim::choose`], which it is).
    pub fn apply(&mut self, action: &Action<P::Cmd>, time: Time, mut rec: Recorder<'_, P>) {
        if let Action::Force(forced) = action {
            if self.choose(forced_choice(forced), rec.as_deref_mut()) {
                return;
            }
        }
        // (Before `settled` is reset: finding the next event settles the queue's head, and
        // the action may make that head stale again.)
        let at = self.clamped(time);
        self.settled = false;
        self.now = at;
        self.step += 1;
        let (step, now) = (self.step, self.now);
        if let Some(missing) = action
            .nodes()
            .into_iter()
            .find(|n| n.index() >= self.slots.len())
        {
            let why = format!("there is no node {missing} in this run");
            record(&mut rec, step, now, TraceKind::Ignored { why });
            self.check_invariants(&mut rec);
            return;
        }
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
                    msg: m.msg,
                };
                record(&mut rec, step, now, kind);
            }
            Action::DelayMessage(id, by) if self.delayable(*id) => {
                let flying = self.in_flight.get_mut(*id).expect("checked");
                let info = &mut flying.info;
                info.arrives = info.arrives.saturating_add(*by);
                info.delayed = info.delayed.saturating_add(*by);
                let (from, to, arrives) = (info.from, info.to, info.arrives);
                let msg = rec.is_some().then(|| info.msg.clone());
                // Queued again; the event at the old time is now stale (`discard_stale`).
                self.schedule(arrives, Pending::Arrive(*id));
                if let Some(msg) = msg {
                    let kind = TraceKind::Delay {
                        id: *id,
                        from,
                        to,
                        by: *by,
                        arrives,
                        msg,
                    };
                    record(&mut rec, step, now, kind);
                }
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
                    Action::DropMessage(id) => Ignored::NotInFlight(*id),
                    Action::DelayMessage(id, _) => match self.in_flight.get(*id) {
                        Some(m) => Ignored::ParkedAt(*id, m.info.to),
                        None => Ignored::NotInFlight(*id),
                    },
                    Action::Crash(n) => Ignored::AlreadyDown(*n),
                    Action::Restart(n) => Ignored::NotCrashed(*n),
                    Action::Pause(n, _) => Ignored::NotRunning(*n),
                    Action::Resume(n) => Ignored::NotPaused(*n),
                    Action::Command(n, _) => Ignored::CommandToStopped(*n),
                    Action::Network(_) => unreachable!("network changes always apply"),
                    Action::Force(forced) => self.why_not_forced(forced),
                };
                let why = why.to_string();
                record(&mut rec, step, now, TraceKind::Ignored { why });
            }
        }
        self.check_invariants(&mut rec);
    }

    /// When [`Sim::apply`] would make `action`, given at `time`, happen if applied now: a
    /// forced step when its message or timer is due (or now, if that has passed), like the
    /// explorer's choice it is; any other action, or a forced step that cannot happen (an
    /// ignored step), at `time` kept between now and the next event.
    pub fn action_time(&mut self, action: &Action<P::Cmd>, time: Time) -> Time {
        if let Action::Force(forced) = action {
            if let Some(at) = self.choice_time(forced_choice(forced)) {
                return at;
            }
        }
        self.clamped(time)
    }

    /// `time` kept between now and the next event, so that an action never reorders what
    /// already happened.
    fn clamped(&mut self, time: Time) -> Time {
        let latest = self.next_event_time().unwrap_or(Time(u64::MAX));
        time.max(self.now).min(latest.max(self.now))
    }

    /// Why a forced step could not happen (the world is as it was before it).
    fn why_not_forced(&self, forced: &Forced) -> Ignored {
        match *forced {
            Forced::Deliver(id) | Forced::Lose(id) => match self.in_flight.get(id) {
                Some(m) => Ignored::CannotDeliver(id, m.info.to),
                None => Ignored::ForcedNotInFlight(id),
            },
            Forced::Fire(node, timer) => {
                let slot = &self.slots[node.index()];
                if slot.status != NodeStatus::Up {
                    Ignored::TimersStopped(node)
                } else {
                    Ignored::NoSuchTimer(node, timer, slot.timers.len())
                }
            }
        }
    }

    /// A message can be held back while it is on its way: not once it reached a paused
    /// node, which holds it (parked) until it resumes.
    fn delayable(&self, id: MsgId) -> bool {
        let Some(m) = self.in_flight.get(id) else {
            return false;
        };
        !self.slots[m.info.to.index()]
            .parked
            .iter()
            .any(|p| matches!(p, Parked::Message { id: parked, .. } if *parked == id))
    }

    pub(super) fn crash(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
        let slot = &mut self.slots[node.index()];
        slot.status = NodeStatus::Crashed;
        slot.timers.clear();
        slot.proto.on_crash();
        let parked = std::mem::take(&mut slot.parked);
        self.note_state(node, rec);
        for event in parked {
            // A parked message a person already dropped by hand is not dropped twice.
            let Parked::Message { id, from, .. } = event else {
                continue;
            };
            if let Some(flying) = self.in_flight.remove(id) {
                let kind = TraceKind::Drop {
                    id,
                    from,
                    to: node,
                    reason: DropReason::NodeDown,
                    msg: flying.info.msg,
                };
                record(rec, self.step, self.now, kind);
            }
        }
    }

    pub(super) fn resume(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
        let slot = &mut self.slots[node.index()];
        slot.status = NodeStatus::Up;
        let parked = std::mem::take(&mut slot.parked);
        record(rec, self.step, self.now, TraceKind::Resume { node });
        // Everything that waited is handled now, late, in the order it arrived.
        let now = self.now;
        for event in parked {
            let event = match event {
                Parked::Event(event) => event,
                Parked::Message { id, dropped, .. } => Pending::Unpark { id, dropped },
            };
            self.schedule(now, event);
        }
    }
}

/// The explorer's choice a forced step makes.
fn forced_choice(forced: &Forced) -> Choice {
    match *forced {
        Forced::Deliver(id) => Choice::Deliver(id),
        Forced::Lose(id) => Choice::Lose(id),
        Forced::Fire(node, timer) => Choice::Fire { node, timer },
    }
}

/// Why an action was ignored: the trace's words for it. Worded here, once, rather than in
/// each protocol's copy of the kernel.
enum Ignored {
    NotInFlight(MsgId),
    ParkedAt(MsgId, NodeId),
    AlreadyDown(NodeId),
    NotCrashed(NodeId),
    NotRunning(NodeId),
    NotPaused(NodeId),
    CommandToStopped(NodeId),
    CannotDeliver(MsgId, NodeId),
    ForcedNotInFlight(MsgId),
    TimersStopped(NodeId),
    NoSuchTimer(NodeId, u32, usize),
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ignored::NotInFlight(id) => write!(f, "message {} is no longer in flight", id.0),
            Ignored::ParkedAt(id, to) => write!(
                f,
                "message {} already reached {to}, which is paused: it waits there",
                id.0
            ),
            Ignored::AlreadyDown(n) => write!(f, "{n} is already down"),
            Ignored::NotCrashed(n) => write!(f, "{n} is not crashed"),
            Ignored::NotRunning(n) => write!(f, "{n} is not running"),
            Ignored::NotPaused(n) => write!(f, "{n} is not paused"),
            Ignored::CommandToStopped(n) => {
                write!(f, "{n} is not running, so it ignores the command")
            }
            Ignored::CannotDeliver(id, to) => write!(
                f,
                "message {} cannot be delivered now: {to} is not running",
                id.0
            ),
            Ignored::ForcedNotInFlight(id) => write!(f, "message {} is not in flight", id.0),
            Ignored::TimersStopped(n) => {
                write!(f, "{n} is not running, so its timers do not fire")
            }
            Ignored::NoSuchTimer(n, timer, set) => {
                write!(f, "{n} has no timer number {timer} set (it has {set})")
            }
        }
    }
}
