//! One simulated node: the roles it plays, wired to the kernel.
//!
//! A node holds a proposer, an acceptor, a learner (with its key-value replica), a failure
//! detector and a client, each optional, and routes every message, timer and command to
//! the roles concerned. The glue between roles lives here: an acceptance reaches the
//! node's proposer (its own ballot's tally) before its learner; a slot learned is applied
//! to the replica and answered to the client; a new leader wakes the proposer.
use super::acceptor::Acceptor;
use super::ballot::Slot;
use super::client::Client;
use super::config::{Mode, PaxosConfig, Proposal, Roles, Setup};
use super::election::FailureDetector;
use super::io::Io;
use super::learner::Learner;
use super::messages::{Cmd, Msg, MsgCounts, Timer};
use super::notes::{IgnoreReason, Note, StartReason};
use super::proposer::{Around, Proposer, ProposerPhase};
use super::replica::Replica;
use super::value::{CmdId, Value};
use crate::sim::{Ctx, Line, NodeId, Protocol, SimRng, Time};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PaxosNode {
    setup: Setup,
    proposer: Option<Proposer>,
    acceptor: Option<Acceptor>,
    learner: Option<Learner>,
    replica: Option<Replica>,
    detector: Option<FailureDetector>,
    client: Option<Client>,
    /// The configured proposals this node makes.
    proposals: Vec<Proposal>,
    sent: MsgCounts,
}

impl PaxosNode {
    /// Node `id` of `config` (ids past the Paxos nodes are clients).
    pub fn new(config: &PaxosConfig, id: NodeId) -> Self {
        let setup = Setup::new(config);
        let roles = config.roles.get(id.index()).copied();
        let is_client = roles.is_none();
        let roles = roles.unwrap_or_default();
        PaxosNode {
            proposer: roles.proposer.then(Proposer::new),
            acceptor: roles.acceptor.then(Acceptor::new),
            learner: roles.learner.then(Learner::new),
            replica: (roles.learner && config.mode == Mode::Multi).then(Replica::new),
            detector: config.leader_election.then(FailureDetector::new),
            client: is_client.then(|| Client::new(&setup)),
            proposals: config
                .proposals
                .iter()
                .filter(|p| p.node == id)
                .copied()
                .collect(),
            sent: MsgCounts::default(),
            setup,
        }
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    pub fn roles(&self) -> Roles {
        Roles {
            proposer: self.proposer.is_some(),
            acceptor: self.acceptor.is_some(),
            learner: self.learner.is_some(),
        }
    }

    pub fn proposer(&self) -> Option<&Proposer> {
        self.proposer.as_ref()
    }

    pub fn acceptor(&self) -> Option<&Acceptor> {
        self.acceptor.as_ref()
    }

    pub fn learner(&self) -> Option<&Learner> {
        self.learner.as_ref()
    }

    pub fn replica(&self) -> Option<&Replica> {
        self.replica.as_ref()
    }

    pub fn detector(&self) -> Option<&FailureDetector> {
        self.detector.as_ref()
    }

    pub fn client(&self) -> Option<&Client> {
        self.client.as_ref()
    }

    /// Messages this node sent, by family.
    pub fn sent(&self) -> &MsgCounts {
        &self.sent
    }

    fn proposer_and_around(&mut self) -> Option<(&mut Proposer, Around<'_>)> {
        let around = Around {
            setup: &self.setup,
            learner: self.learner.as_ref(),
            leader: self.detector.as_ref().map(FailureDetector::leader),
        };
        self.proposer.as_mut().map(|p| (p, around))
    }

    fn handle_message(&mut self, io: &mut NodeIo, from: NodeId, msg: Msg) {
        match msg {
            Msg::Prepare { ballot, from_slot } => {
                if let Some(a) = &mut self.acceptor {
                    a.on_prepare(io, from, ballot, from_slot);
                }
            }
            Msg::Accept {
                ballot,
                slot,
                value,
            } => {
                if let Some(a) = &mut self.acceptor {
                    a.on_accept(io, &self.setup, ballot, slot, value);
                }
            }
            Msg::Promise { ballot, accepted } => {
                if let Some((p, around)) = self.proposer_and_around() {
                    p.on_promise(io, &around, from, ballot, &accepted);
                }
            }
            Msg::Nack { ballot, promised } => {
                if let Some((p, around)) = self.proposer_and_around() {
                    p.on_nack(io, &around, ballot, promised);
                }
            }
            Msg::Accepted {
                ballot,
                slot,
                value,
            } => {
                // The proposer first: it counts its own ballot's quorum, so that it knows
                // its value was chosen before its learner tells it.
                if let Some((p, around)) = self.proposer_and_around() {
                    p.on_accepted(io, &around, from, (ballot, slot, value));
                }
                let learned = self
                    .learner
                    .as_mut()
                    .and_then(|l| l.on_accepted(io, &self.setup, from, (ballot, slot, value)));
                if let Some(slot) = learned {
                    self.after_learning(io, slot);
                }
            }
            Msg::Heartbeat { learned_prefix } => {
                if let Some(l) = &mut self.learner {
                    l.hear_learned(learned_prefix);
                }
                let changed = self
                    .detector
                    .as_mut()
                    .and_then(|d| d.on_heartbeat(io, &self.setup, from));
                if let Some(leader) = changed {
                    self.leader_changed(io, leader);
                }
            }
            Msg::Request { value, hops } => match self.proposer_and_around() {
                Some((p, around)) => p.on_value(io, &around, value, hops),
                None => io.note(Note::Ignored {
                    reason: IgnoreReason::NotAProposer,
                }),
            },
            Msg::Reply { id, result } => {
                if let Some(c) = &mut self.client {
                    c.on_reply(io, &self.setup, id, result);
                }
            }
            Msg::AskDecided { slot } => {
                if let Some(l) = &self.learner {
                    l.on_ask(io, from, slot);
                }
            }
            Msg::Decided { slot, value } => {
                let learned = self
                    .learner
                    .as_mut()
                    .and_then(|l| l.on_decided(io, from, slot, value));
                if let Some(slot) = learned {
                    self.after_learning(io, slot);
                }
            }
        }
        if let Some(l) = &mut self.learner {
            l.arm_catch_up(io, &self.setup);
        }
    }

    /// A slot was learned: apply what follows in order, answer clients, tell the proposer.
    fn after_learning(&mut self, io: &mut NodeIo, slot: Slot) {
        let leading = self.setup.mode == Mode::Multi
            && self
                .proposer
                .as_ref()
                .is_some_and(|p| matches!(p.phase(), ProposerPhase::Accepting { .. }));
        if let (Some(replica), Some(learner)) = (&mut self.replica, &self.learner) {
            for entry in replica.apply_learned(learner) {
                let id = entry.value.cmd_id();
                match id {
                    Some(id) if entry.duplicate => io.note(Note::DuplicateSkipped {
                        slot: entry.slot,
                        id,
                    }),
                    _ => io.note(Note::Applied {
                        slot: entry.slot,
                        value: entry.value,
                        result: entry.result,
                    }),
                }
                if let Some(id) = id.filter(|id| leading && self.setup.clients.contains(&id.client))
                {
                    io.note(Note::Replied { id, to: id.client });
                    let result = entry.result;
                    io.send(id.client, Msg::Reply { id, result });
                }
            }
        }
        if let Some((p, around)) = self.proposer_and_around() {
            p.on_learned(io, &around, slot);
        }
    }

    fn leader_changed(&mut self, io: &mut NodeIo, leader: NodeId) {
        if let Some((p, around)) = self.proposer_and_around() {
            p.on_leader_change(io, &around, leader);
        }
        if let Some(c) = &mut self.client {
            c.follow(leader);
        }
    }

    fn handle_timer(&mut self, io: &mut NodeIo, timer: Timer) {
        match timer {
            Timer::Proposal(i) => {
                let value = self
                    .proposals
                    .get(i as usize)
                    .map(|p| Value::Plain(p.value));
                if let (Some(value), Some((p, around))) = (value, self.proposer_and_around()) {
                    p.on_value(io, &around, value, 0);
                }
            }
            Timer::PhaseTimeout => {
                if let Some((p, around)) = self.proposer_and_around() {
                    p.on_phase_timeout(io, &around);
                }
            }
            Timer::Retry => {
                if let Some((p, around)) = self.proposer_and_around() {
                    p.on_retry(io, &around);
                }
            }
            Timer::Heartbeat => {
                let prefix = self.learner.as_ref().map_or(0, Learner::prefix);
                let nodes = io.cx.node_count();
                let changed = self
                    .detector
                    .as_mut()
                    .and_then(|d| d.on_tick(io, &self.setup, nodes, prefix));
                if let Some(leader) = changed {
                    self.leader_changed(io, leader);
                }
            }
            Timer::CatchUp => {
                if let Some(l) = &mut self.learner {
                    l.on_catch_up(io, &self.setup);
                }
            }
            Timer::ClientNext => {
                if let Some(c) = &mut self.client {
                    c.on_next(io, &self.setup);
                }
            }
            Timer::ClientTimeout => {
                if let Some(c) = &mut self.client {
                    c.on_timeout(io, &self.setup);
                }
            }
        }
    }

    fn handle_command(&mut self, io: &mut NodeIo, cmd: Cmd) {
        let me = io.id();
        let ignore = |io: &mut NodeIo, reason| io.note(Note::Ignored { reason });
        match cmd {
            Cmd::Put(..) | Cmd::Get(..) if self.setup.mode != Mode::Multi => {
                ignore(io, IgnoreReason::NeedsMulti)
            }
            Cmd::Put(..) | Cmd::Get(..) if self.client.is_some() => {
                if let Some(c) = &mut self.client {
                    let id = c.next_cmd_id(me);
                    if let Some(value) = kv_value(cmd, id) {
                        c.submit(io, &self.setup, value);
                    }
                }
            }
            _ => {
                let Some((p, around)) = self.proposer_and_around() else {
                    return ignore(io, IgnoreReason::NotAProposer);
                };
                match cmd {
                    Cmd::Propose(word) => p.on_value(io, &around, Value::Plain(word), 0),
                    Cmd::StartBallot => p.start_ballot(io, &around, StartReason::Asked),
                    Cmd::Put(..) | Cmd::Get(..) => {
                        let id = p.next_cmd_id(me);
                        if let Some(value) = kv_value(cmd, id) {
                            p.on_value(io, &around, value, 0);
                        }
                    }
                }
            }
        }
    }

    fn start(&mut self, io: &mut NodeIo, restart: bool) {
        if let Some(d) = &mut self.detector {
            d.on_start(io, &self.setup);
            // The first leader needs no change of mind to start leading.
            let leader = d.leader();
            if let Some((p, around)) = self.proposer_and_around() {
                p.on_leader_change(io, &around, leader);
            }
        }
        if let Some(c) = &mut self.client {
            c.on_start(io, &self.setup);
        }
        if restart {
            if let Some(a) = &mut self.acceptor {
                a.on_restart(io, &self.setup);
            }
            if let Some(p) = &mut self.proposer {
                p.on_restart(io);
            }
            if let Some(l) = &mut self.learner {
                // Single-decree: a restarted learner that has not learned the decree asks
                // about it (it may have missed every acceptance while it was down).
                if self.setup.mode == Mode::Single {
                    l.hear_of(1);
                }
                l.arm_catch_up(io, &self.setup);
            }
        } else {
            for (i, p) in self.proposals.iter().enumerate() {
                io.set_timer(Timer::Proposal(i as u32), p.at);
            }
        }
    }

    /// The short state shown on the node.
    fn label(&self) -> &'static str {
        if let Some(c) = &self.client {
            return if c.outstanding().is_some() {
                "WAITING"
            } else {
                "CLIENT"
            };
        }
        let decided = self.setup.mode == Mode::Single
            && self.learner.as_ref().is_some_and(|l| l.is_learned(0));
        match self.proposer.as_ref().map(Proposer::phase) {
            Some(ProposerPhase::Preparing { .. }) => "PREPARING",
            Some(ProposerPhase::Accepting { .. }) if self.setup.mode == Mode::Multi => "LEADER",
            Some(ProposerPhase::Accepting { .. }) => "ACCEPTING",
            Some(ProposerPhase::Waiting) => "BACKING OFF",
            _ if decided => "LEARNED",
            Some(ProposerPhase::Idle) => "IDLE",
            None if self.acceptor.is_some() => "ACCEPTOR",
            None => "LEARNER",
        }
    }

    fn details(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(p) = &self.proposer {
            if let Some(b) = p.ballot() {
                lines.push(Line::tr("ballot {ballot}").with("ballot", b));
            }
            if let Some(v) = p.pending().next() {
                lines.push(Line::tr("wants {value}").with("value", v));
            }
        }
        if let Some(a) = &self.acceptor {
            lines.push(Line::tr("promised {ballot}").with("ballot", a.promised()));
            match self.setup.mode {
                Mode::Single => {
                    if let Some(acc) = a.accepted_in(0) {
                        lines.push(
                            Line::tr("accepted {value} in {ballot}")
                                .with("value", acc.value)
                                .with("ballot", acc.ballot),
                        );
                    }
                }
                Mode::Multi => {
                    lines.push(Line::tr("accepted in {n} slots").with("n", a.accepted().len()))
                }
            }
        }
        if let Some(l) = &self.learner {
            match self.setup.mode {
                Mode::Single => {
                    if let Some(v) = l.learned_in(0) {
                        lines.push(Line::tr("learned {value}").with("value", v));
                    }
                }
                Mode::Multi => {
                    let log: Vec<String> = l
                        .learned()
                        .iter()
                        .rev()
                        .take(4)
                        .rev()
                        .map(|(s, e)| format!("{s}:{}", e.value))
                        .collect();
                    lines.push(Line::tr("log {log}").with("log", log.join(", ")));
                }
            }
        }
        if let Some(r) = &self.replica {
            let kv: Vec<String> = r.store().iter().map(|(k, v)| format!("{k}={v}")).collect();
            lines.push(
                Line::tr("applied {n} · {store}")
                    .with("n", r.applied())
                    .with("store", kv.join(" ")),
            );
        }
        if let Some(c) = &self.client {
            lines.push(Line::tr("{n} answers").with("n", c.completed()));
        }
        lines
    }
}

/// The store command a put or get asks for.
fn kv_value(cmd: Cmd, id: CmdId) -> Option<Value> {
    match cmd {
        Cmd::Put(key, val) => Some(Value::Put { id, key, val }),
        Cmd::Get(key) => Some(Value::Get { id, key }),
        Cmd::Propose(_) | Cmd::StartBallot => None,
    }
}

/// The roles' view of the kernel context, counting what the node sends.
struct NodeIo<'a, 'b> {
    cx: &'a mut Ctx<'b, PaxosNode>,
    sent: MsgCounts,
}

impl Io for NodeIo<'_, '_> {
    fn id(&self) -> NodeId {
        self.cx.id()
    }
    fn now(&self) -> Time {
        self.cx.now()
    }
    fn send(&mut self, to: NodeId, msg: Msg) {
        self.sent.count(msg.kind());
        self.cx.send(to, msg);
    }
    fn set_timer(&mut self, timer: Timer, after: Time) {
        self.cx.set_timer(timer, after);
    }
    fn cancel_timer(&mut self, timer: Timer) {
        self.cx.cancel_timer(timer);
    }
    fn note(&mut self, note: Note) {
        self.cx.note(note);
    }
    fn rng(&mut self) -> &mut SimRng {
        self.cx.rng()
    }
}

impl PaxosNode {
    fn with_io(&mut self, cx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut Self, &mut NodeIo)) {
        let mut io = NodeIo {
            cx,
            sent: MsgCounts::default(),
        };
        f(self, &mut io);
        self.sent.add(&io.sent);
    }
}

impl Protocol for PaxosNode {
    type Msg = Msg;
    type Timer = Timer;
    type Cmd = Cmd;
    type Note = Note;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        self.with_io(cx, |n, io| n.start(io, false));
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        self.with_io(cx, |n, io| n.handle_message(io, from, msg));
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Timer) {
        self.with_io(cx, |n, io| n.handle_timer(io, timer));
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        self.with_io(cx, |n, io| n.handle_command(io, cmd));
    }

    fn on_crash(&mut self) {
        if let Some(p) = &mut self.proposer {
            p.on_crash();
        }
        if let Some(a) = &mut self.acceptor {
            a.on_crash(&self.setup);
        }
        if let Some(l) = &mut self.learner {
            l.on_crash();
        }
        if let Some(c) = &mut self.client {
            c.on_crash();
        }
    }

    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        self.with_io(cx, |n, io| n.start(io, true));
    }

    fn state_label(&self) -> &'static str {
        self.label()
    }

    fn detail_lines(&self) -> Vec<Line> {
        self.details()
    }

    fn msg_label(msg: &Msg) -> Line {
        msg.label()
    }

    fn timer_label(timer: &Timer) -> Line {
        timer.label()
    }
}
