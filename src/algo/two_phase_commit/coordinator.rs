//! The coordinator (node 0): runs the transactions and decides their outcome.
use super::config::{Settings, TxId, Variant};
use super::durable_log::{Record, Storage};
use super::messages::{Cmd, Decision, Msg, Timer};
use super::{node_name, TwoPcNode};
use crate::sim::{Ctx, NodeId};

/// Where the coordinator is with its current transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoordinatorPhase {
    /// Between transactions.
    Idle,
    /// Writing the transaction's `BEGIN` record.
    Starting,
    /// `BEGIN` sent; the participants are doing the work.
    Executing,
    /// `PREPARE` sent; waiting for the votes.
    Collecting,
    /// Decided commit; writing the `COMMIT` record before telling anyone.
    LoggingCommit,
    /// Decision sent; resending it until every participant acknowledges.
    Finishing(Decision),
    /// Ran every configured transaction.
    Done,
    /// Restarted; reading the log.
    Recovering,
    Crashed,
}

/// Node 0: runs the transactions and decides their outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Coordinator {
    pub(super) settings: Settings,
    pub(super) storage: Storage,
    // Everything below is volatile.
    pub(super) phase: CoordinatorPhase,
    /// The current transaction (0 before the first one, and after a crash).
    pub(super) tx: TxId,
    /// Bit `i` is set when participant `i` voted yes on `tx`.
    pub(super) yes_votes: u8,
    /// Bit `i` is set when participant `i` acknowledged the decision on `tx`.
    pub(super) acks: u8,
    /// How many times the decision on `tx` was resent.
    pub(super) retransmissions: u32,
}

impl Coordinator {
    pub(super) fn new(settings: Settings) -> Self {
        Coordinator {
            settings,
            storage: Storage::default(),
            phase: CoordinatorPhase::Idle,
            tx: 0,
            yes_votes: 0,
            acks: 0,
            retransmissions: 0,
        }
    }

    pub fn phase(&self) -> CoordinatorPhase {
        self.phase
    }

    pub fn tx(&self) -> TxId {
        self.tx
    }

    /// The durable log.
    pub fn log(&self) -> &[Record] {
        &self.storage.log
    }

    /// Whether participant `node` voted yes on the current transaction.
    pub fn has_yes_vote(&self, node: NodeId) -> bool {
        self.settings.is_participant(node) && self.yes_votes & (1 << node.0) != 0
    }

    /// Whether participant `node` acknowledged the decision on the current transaction.
    pub fn has_ack(&self, node: NodeId) -> bool {
        self.settings.is_participant(node) && self.acks & (1 << node.0) != 0
    }

    pub fn retransmissions(&self) -> u32 {
        self.retransmissions
    }

    pub(super) fn append(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        self.storage.append(record, cx, self.settings.flush_time);
    }

    /// Starts the transaction after the last one in the log, if the workload wants more.
    pub(super) fn start_next(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let next = self.storage.latest_tx() + 1;
        if self.settings.transactions != 0 && next > self.settings.transactions {
            self.phase = CoordinatorPhase::Done;
        } else {
            self.start(next, cx);
        }
    }

    pub(super) fn start(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        self.tx = tx;
        self.yes_votes = 0;
        self.acks = 0;
        self.retransmissions = 0;
        self.phase = CoordinatorPhase::Starting;
        // Logged before anyone hears of it, so that a restart never reuses the number.
        self.append(Record::Begin(tx), cx);
    }

    pub(super) fn decide(&mut self, decision: Decision, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        cx.cancel_timer(Timer::VoteTimeout(tx));
        match (decision, self.settings.variant) {
            (Decision::Commit, Variant::SendBeforeLog) => {
                // The bug: the decision leaves while its record is still on its way to
                // the disk. A crash in between loses the only trace of the commit.
                self.phase = CoordinatorPhase::Finishing(Decision::Commit);
                self.append(Record::Commit(tx), cx);
                self.announce(Decision::Commit, cx);
            }
            (Decision::Commit, _) => {
                // The commit record must be on disk before anyone may act on it.
                self.phase = CoordinatorPhase::LoggingCommit;
                self.append(Record::Commit(tx), cx);
            }
            (Decision::Abort, _) => {
                // Presumed abort: losing this record is harmless (no record means abort),
                // so the decision need not wait for the disk.
                self.phase = CoordinatorPhase::Finishing(Decision::Abort);
                self.append(Record::Abort(tx), cx);
                self.announce(Decision::Abort, cx);
            }
        }
    }

    /// Sends the decision to every participant that has not acknowledged it yet.
    pub(super) fn announce(&mut self, decision: Decision, cx: &mut Ctx<'_, TwoPcNode>) {
        for p in self.settings.participant_ids() {
            if self.acks & (1 << p.0) == 0 {
                cx.send(p, decision.message(self.tx));
            }
        }
        cx.set_timer(
            Timer::Retransmit(self.tx),
            self.settings.retransmit_interval,
        );
    }

    /// Every participant acknowledged: the transaction is over.
    pub(super) fn finish(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        cx.cancel_timer(Timer::Retransmit(self.tx));
        self.append(Record::End(self.tx), cx);
        self.after_end(cx);
    }

    pub(super) fn after_end(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let limit = self.settings.transactions;
        if limit != 0 && self.tx >= limit {
            self.phase = CoordinatorPhase::Done;
        } else {
            self.phase = CoordinatorPhase::Idle;
            cx.set_timer(Timer::NextTransaction, self.settings.think_time);
        }
    }

    /// What to tell a participant that asks about `tx`, if anything.
    pub(super) fn answer(&self, tx: TxId) -> Option<Decision> {
        if self.storage.has(Record::Commit(tx)) {
            return Some(Decision::Commit);
        }
        if tx > self.tx {
            return None;
        }
        if tx == self.tx {
            return match self.phase {
                CoordinatorPhase::Finishing(decision) => Some(decision),
                // Still undecided (or the commit record is not on disk yet): the asker
                // will hear the decision when there is one.
                CoordinatorPhase::Starting
                | CoordinatorPhase::Executing
                | CoordinatorPhase::Collecting
                | CoordinatorPhase::LoggingCommit
                | CoordinatorPhase::Recovering
                | CoordinatorPhase::Crashed => None,
                CoordinatorPhase::Idle | CoordinatorPhase::Done => Some(Decision::Abort),
            };
        }
        // Presumed abort: no commit record for an older transaction means it aborted.
        Some(Decision::Abort)
    }

    pub(super) fn recover(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let latest = self.storage.latest_tx();
        if latest == 0 {
            self.start_next(cx);
            return;
        }
        self.tx = latest;
        self.yes_votes = 0;
        self.acks = 0;
        self.retransmissions = 0;
        if self.storage.has(Record::End(latest)) {
            self.after_end(cx);
        } else if self.storage.has(Record::Commit(latest)) {
            self.phase = CoordinatorPhase::Finishing(Decision::Commit);
            self.announce(Decision::Commit, cx);
        } else {
            // No decision on disk: presumed abort. Any participant still waiting is told.
            if !self.storage.has(Record::Abort(latest)) {
                self.append(Record::Abort(latest), cx);
            }
            self.phase = CoordinatorPhase::Finishing(Decision::Abort);
            self.announce(Decision::Abort, cx);
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, TwoPcNode>, from: NodeId, msg: Msg) {
        if !self.settings.is_participant(from) || self.phase == CoordinatorPhase::Recovering {
            // While reading its log the coordinator ignores messages: senders retry.
            return;
        }
        let bit = 1u8 << from.0;
        let collecting = self.phase == CoordinatorPhase::Collecting;
        match msg {
            Msg::VoteYes(t) if collecting && t == self.tx => {
                self.yes_votes |= bit;
                if self.yes_votes == self.settings.everyone() {
                    self.decide(Decision::Commit, cx);
                }
            }
            Msg::VoteNo(t) if collecting && t == self.tx => self.decide(Decision::Abort, cx),
            Msg::Ack(t) if t == self.tx && matches!(self.phase, CoordinatorPhase::Finishing(_)) => {
                self.acks |= bit;
                if self.acks == self.settings.everyone() {
                    self.finish(cx);
                }
            }
            Msg::Inquire(t) => {
                if let Some(decision) = self.answer(t) {
                    cx.send(from, decision.message(t));
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, TwoPcNode>, timer: Timer) {
        let current = |t: TxId, phase: CoordinatorPhase, me: &Self| t == me.tx && me.phase == phase;
        match timer {
            Timer::Flush => {
                for record in self.storage.complete_flush(cx, self.settings.flush_time) {
                    self.after_flush(record, cx);
                }
            }
            Timer::Recover if self.phase == CoordinatorPhase::Recovering => self.recover(cx),
            Timer::NextTransaction if self.phase == CoordinatorPhase::Idle => self.start_next(cx),
            Timer::WorkDone(t) if current(t, CoordinatorPhase::Executing, self) => {
                self.phase = CoordinatorPhase::Collecting;
                for p in self.settings.participant_ids() {
                    cx.send(p, Msg::Prepare(t));
                }
                cx.set_timer(Timer::VoteTimeout(t), self.settings.vote_timeout);
            }
            Timer::VoteTimeout(t) if current(t, CoordinatorPhase::Collecting, self) => {
                self.decide(Decision::Abort, cx);
            }
            Timer::Retransmit(t) if t == self.tx => {
                if let CoordinatorPhase::Finishing(decision) = self.phase {
                    self.retransmissions += 1;
                    self.announce(decision, cx);
                }
            }
            _ => {}
        }
    }

    /// A record reached the disk: send what was waiting for it.
    pub(super) fn after_flush(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        match record {
            Record::Begin(t) if t == self.tx && self.phase == CoordinatorPhase::Starting => {
                self.phase = CoordinatorPhase::Executing;
                for p in self.settings.participant_ids() {
                    cx.send(p, Msg::Begin(t));
                }
                cx.set_timer(Timer::WorkDone(t), self.settings.work_time);
            }
            Record::Commit(t) if t == self.tx && self.phase == CoordinatorPhase::LoggingCommit => {
                self.phase = CoordinatorPhase::Finishing(Decision::Commit);
                self.announce(Decision::Commit, cx);
            }
            _ => {}
        }
    }

    pub(super) fn on_command(&mut self, cx: &mut Ctx<'_, TwoPcNode>, cmd: Cmd) {
        if cmd == Cmd::Begin
            && matches!(self.phase, CoordinatorPhase::Idle | CoordinatorPhase::Done)
        {
            cx.cancel_timer(Timer::NextTransaction);
            let next = self.storage.latest_tx().max(self.tx) + 1;
            self.start(next, cx);
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.storage.crash();
        self.phase = CoordinatorPhase::Crashed;
        self.tx = 0;
        self.yes_votes = 0;
        self.acks = 0;
        self.retransmissions = 0;
    }

    pub(super) fn state_label(&self) -> &'static str {
        match self.phase {
            CoordinatorPhase::Idle => "IDLE",
            CoordinatorPhase::Starting => "STARTING",
            CoordinatorPhase::Executing => "EXECUTING",
            CoordinatorPhase::Collecting => "COLLECTING",
            CoordinatorPhase::LoggingCommit => "LOGGING COMMIT",
            CoordinatorPhase::Finishing(Decision::Commit) => "COMMITTING",
            CoordinatorPhase::Finishing(Decision::Abort) => "ABORTING",
            CoordinatorPhase::Done => "DONE",
            CoordinatorPhase::Recovering => "RECOVERING",
            CoordinatorPhase::Crashed => "CRASHED",
        }
    }

    pub(super) fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.tx != 0 {
            let of = match self.settings.transactions {
                0 => String::new(),
                n => format!(" of {n}"),
            };
            lines.push(format!("transaction t{}{of}", self.tx));
        }
        let names = |mask: u8| -> Vec<String> {
            self.settings
                .participant_ids()
                .filter(|p| mask & (1 << p.0) != 0)
                .map(node_name)
                .collect()
        };
        match self.phase {
            CoordinatorPhase::Collecting => {
                let yes = names(self.yes_votes);
                let waiting = names(!self.yes_votes);
                lines.push(format!(
                    "yes votes: {}; waiting for {}",
                    list_or_none(&yes),
                    list_or_none(&waiting)
                ));
            }
            CoordinatorPhase::Finishing(_) => {
                let acked = names(self.acks);
                let waiting = names(!self.acks);
                lines.push(format!(
                    "acks: {}; waiting for {}",
                    list_or_none(&acked),
                    list_or_none(&waiting)
                ));
                if self.retransmissions > 0 {
                    lines.push(format!("decision resent {} times", self.retransmissions));
                }
            }
            _ => {}
        }
        self.storage.describe(&mut lines);
        lines
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}
