//! Running a handler and carrying out what it recorded: sends (through the network
//! model), timers, notes, and the state-label changes the trace shows.
use super::in_flight::{Flying, InFlight};
use super::{record, Pending, Recorder, Sim};
use crate::sim::protocol::{Ctx, Effect, NodeId, Protocol};
use crate::sim::time::Time;
use crate::sim::trace::{DropReason, MsgId, TraceKind};

impl<P: Protocol> Sim<P> {
    /// Runs one handler on a node and carries out the effects it recorded.
    pub(super) fn call(
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
                    let at = self.now.saturating_add(after);
                    let set = self.now;
                    match timers.binary_search_by(|t| t.0.cmp(&timer)) {
                        Ok(i) => (timers[i].1, timers[i].2, timers[i].3) = (generation, at, set),
                        Err(i) => timers.insert(i, (timer, generation, at, set)),
                    }
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

    pub(super) fn note_state(&mut self, node: NodeId, rec: &mut Recorder<'_, P>) {
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

    pub(super) fn send(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        rec: &mut Recorder<'_, P>,
    ) {
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
                        msg: msg.take().expect("one message per copy"),
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
                    delayed: Time::ZERO,
                    msg: body.expect("one message per copy"),
                },
                lost,
            });
            self.schedule(arrives, Pending::Arrive(id));
            first = first.or(Some(id));
        }
    }
}
