//! Stepping a world by choice instead of by the clock, for the state-space explorer.
//!
//! [`Sim::step`] always takes the earliest event. A model checker instead asks "what could
//! happen next?" and tries every answer: any message in flight may be delivered (however
//! late) or lost, any set timer may fire. [`Sim::choices`] lists those answers, and
//! [`Sim::choose`] makes one happen.
//!
//! Time never goes backwards: delivering a message or firing a timer moves the clock to at
//! least when it was due, so an event can happen late but never early. Delivering a later
//! message first is how reordering and arbitrary delays arise. Faults (crash, restart) are
//! the ordinary actions of [`Sim::apply`].
use super::{record, NodeStatus, Recorder, Sim};
use crate::sim::protocol::{NodeId, Protocol};
use crate::sim::time::Time;
use crate::sim::trace::{DropReason, MsgId, TraceKind};

/// One thing that could happen next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// Hand a message in flight to its receiver now.
    Deliver(MsgId),
    /// The network loses a message in flight.
    Lose(MsgId),
    /// A node's timer fires (the index of the timer in the node's timers, in order).
    Fire { node: NodeId, timer: u32 },
}

impl<P: Protocol> Sim<P> {
    /// Runs every node's start event, so that exploring begins from a world where each node
    /// has started (as every run does).
    pub fn start_all(&mut self) {
        while self
            .queue
            .iter()
            .any(|q| matches!(q.event, super::Pending::Start(_)))
        {
            if !self.step(None) {
                break;
            }
        }
    }

    /// Everything that could happen next, in a fixed order (messages by id, then timers by
    /// node and name). Messages to a crashed node can only be lost; a crashed node's timers
    /// are gone. Paused nodes are not part of exploring.
    pub fn choices(&self) -> Vec<Choice> {
        let mut out = Vec::new();
        for m in self.in_flight.iter() {
            if self.slots[m.to.index()].status == NodeStatus::Up {
                out.push(Choice::Deliver(m.id));
            }
            out.push(Choice::Lose(m.id));
        }
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.status == NodeStatus::Up {
                for t in 0..slot.timers.len() {
                    out.push(Choice::Fire {
                        node: NodeId(i as u32),
                        timer: t as u32,
                    });
                }
            }
        }
        out
    }

    /// When `choice` would happen if it were made now: when its message arrives or its
    /// timer is due, or now if that has passed (time never goes back). `None` when it is
    /// not one of [`Sim::choices`] (so [`Sim::choose`] would refuse it).
    pub fn choice_time(&self, choice: Choice) -> Option<Time> {
        let due = match choice {
            Choice::Deliver(id) | Choice::Lose(id) => {
                let flying = self.in_flight.get(id)?;
                let deliver = matches!(choice, Choice::Deliver(_));
                if deliver && self.slots[flying.info.to.index()].status != NodeStatus::Up {
                    return None;
                }
                flying.info.arrives
            }
            Choice::Fire { node, timer } => {
                let slot = self.slots.get(node.index())?;
                if slot.status != NodeStatus::Up {
                    return None;
                }
                slot.timers.get(timer as usize)?.2
            }
        };
        Some(self.now.max(due))
    }

    /// Makes `choice` happen as the next step. Returns false (and changes nothing) when it
    /// is not one of [`Sim::choices`].
    pub fn choose(&mut self, choice: Choice, mut rec: Recorder<'_, P>) -> bool {
        match choice {
            Choice::Deliver(id) | Choice::Lose(id) => {
                let Some(flying) = self.in_flight.get(id) else {
                    return false;
                };
                let (from, to, arrives) = (flying.info.from, flying.info.to, flying.info.arrives);
                let deliver = matches!(choice, Choice::Deliver(_));
                if deliver && self.slots[to.index()].status != NodeStatus::Up {
                    return false;
                }
                let flying = self.in_flight.remove(id).expect("checked");
                self.begin_step(arrives);
                let msg = flying.info.msg;
                if deliver {
                    if rec.is_some() {
                        let kind = TraceKind::Deliver {
                            id,
                            from,
                            to,
                            msg: msg.clone(),
                        };
                        record(&mut rec, self.step, self.now, kind);
                    }
                    self.call(to, &mut rec, |p, cx| p.on_message(cx, from, msg));
                } else {
                    let kind = TraceKind::Drop {
                        id,
                        from,
                        to,
                        reason: DropReason::Lost,
                        msg,
                    };
                    record(&mut rec, self.step, self.now, kind);
                }
            }
            Choice::Fire { node, timer } => {
                let Some(slot) = self.slots.get_mut(node.index()) else {
                    return false;
                };
                if slot.status != NodeStatus::Up || timer as usize >= slot.timers.len() {
                    return false;
                }
                let (timer, _, due, _) = slot.timers.remove(timer as usize);
                self.begin_step(due);
                if rec.is_some() {
                    let kind = TraceKind::Timer {
                        node,
                        timer: timer.clone(),
                    };
                    record(&mut rec, self.step, self.now, kind);
                }
                self.call(node, &mut rec, |p, cx| p.on_timer(cx, timer));
            }
        }
        self.check_invariants(&mut rec);
        true
    }

    /// A step that happens no earlier than `due`.
    fn begin_step(&mut self, due: Time) {
        self.settled = false;
        self.now = self.now.max(due);
        self.step += 1;
    }
}
