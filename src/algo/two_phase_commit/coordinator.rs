//! The coordinator (node 0): runs the transactions and decides their outcome.
use super::config::{Settings, TxId, Variant};
use super::durable_log::{Record, Storage};
use super::messages::{Cmd, Decision, Msg, Timer};
use super::notes::{DecisionReason, Note};
use super::{node_name, TwoPcNode};
use crate::sim::{Ctx, Line, NodeId};

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
        // Forced before anyone hears of it, so that a restart never reuses the number.
        self.storage.count_forced(tx, None);
        self.append(Record::Begin(tx), cx);
        cx.note(Note::BeginForced { tx });
    }

    pub(super) fn decide(
        &mut self,
        decision: Decision,
        reason: DecisionReason,
        cx: &mut Ctx<'_, TwoPcNode>,
    ) {
        let tx = self.tx;
        cx.cancel_timer(Timer::VoteTimeout(tx));
        cx.note(Note::Decided {
            tx,
            decision,
            reason,
        });
        match (decision, self.settings.variant) {
            (Decision::Commit, Variant::SendBeforeLog) => {
                // The bug: the decision leaves while its record is still on its way to
                // the disk. A crash in between loses the only trace of the commit.
                self.phase = CoordinatorPhase::Finishing(Decision::Commit);
                self.storage.settle(tx, Decision::Commit);
                self.append(Record::Commit(tx), cx);
                cx.note(Note::CommitSentBeforeLogged { tx });
                self.announce(Decision::Commit, false, cx);
            }
            (Decision::Commit, _) => {
                // The commit record must be on disk before anyone may act on it.
                self.phase = CoordinatorPhase::LoggingCommit;
                self.storage.count_forced(tx, Some(Decision::Commit));
                self.storage.settle(tx, Decision::Commit);
                self.append(Record::Commit(tx), cx);
                cx.note(Note::CommitForcing { tx });
            }
            (Decision::Abort, _) => self.abort_and_forget(cx),
        }
    }

    /// Presumed abort (Mohan, Lindsay and Obermarck, 1986): losing the abort record is
    /// harmless (no record means abort), so nothing waits for it; and since a participant
    /// that asks about a forgotten transaction is told "abort", the coordinator sends the
    /// decision once and forgets the transaction, with no acknowledgements and no `END`.
    fn abort_and_forget(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        self.storage.settle(tx, Decision::Abort);
        self.append(Record::Abort(tx), cx);
        let everyone = self.settings.everyone();
        for p in self.settings.participant_ids() {
            cx.send(p, Msg::Abort(tx));
        }
        cx.note(Note::DecisionSent {
            tx,
            decision: Decision::Abort,
            to: everyone,
        });
        cx.note(Note::AbortForgotten { tx });
        self.after_end(cx);
    }

    /// Sends the commit to every participant that has not acknowledged it yet, and again
    /// every retransmit interval until all have (`resend`: this is such a retransmission).
    pub(super) fn announce(
        &mut self,
        decision: Decision,
        resend: bool,
        cx: &mut Ctx<'_, TwoPcNode>,
    ) {
        let mut to = 0u8;
        for p in self.settings.participant_ids() {
            if self.acks & (1 << p.0) == 0 {
                cx.send(p, decision.message(self.tx));
                to |= 1 << p.0;
            }
        }
        let tx = self.tx;
        cx.note(if resend {
            Note::DecisionResent { tx, decision, to }
        } else {
            Note::DecisionSent { tx, decision, to }
        });
        cx.set_timer(
            Timer::Retransmit(self.tx),
            self.settings.retransmit_interval,
        );
    }

    /// Every participant acknowledged: the transaction is over.
    pub(super) fn finish(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        cx.cancel_timer(Timer::Retransmit(self.tx));
        self.append(Record::End(self.tx), cx);
        cx.note(Note::Ended { tx: self.tx });
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

    /// Whether `tx` is over here and forgotten: an older transaction, or the current one
    /// once it ended (or aborted) and the coordinator is between transactions.
    fn has_forgotten(&self, tx: TxId) -> bool {
        tx < self.tx
            || (tx == self.tx
                && matches!(self.phase, CoordinatorPhase::Idle | CoordinatorPhase::Done))
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
            cx.note(Note::Recovered {
                tx: latest,
                found: Some(Decision::Commit),
            });
            self.after_end(cx);
        } else if self.storage.has(Record::Commit(latest)) {
            cx.note(Note::Recovered {
                tx: latest,
                found: Some(Decision::Commit),
            });
            self.phase = CoordinatorPhase::Finishing(Decision::Commit);
            self.announce(Decision::Commit, false, cx);
        } else if self.storage.has(Record::Abort(latest)) {
            cx.note(Note::Recovered {
                tx: latest,
                found: Some(Decision::Abort),
            });
            self.after_end(cx);
        } else {
            // No decision on disk: presumed abort. Any participant still waiting is told
            // (once: the others will ask, and be told abort).
            cx.note(Note::Recovered {
                tx: latest,
                found: None,
            });
            self.decide(Decision::Abort, DecisionReason::NothingInTheLog, cx);
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, TwoPcNode>, from: NodeId, msg: Msg) {
        if !self.settings.is_participant(from) {
            return;
        }
        if self.phase == CoordinatorPhase::Recovering {
            // While reading its log the coordinator ignores messages: senders retry.
            cx.note(Note::IgnoredWhileRecovering { from, msg });
            return;
        }
        let bit = 1u8 << from.0;
        let collecting = self.phase == CoordinatorPhase::Collecting;
        match msg {
            Msg::VoteYes(t) if collecting && t == self.tx => {
                self.yes_votes |= bit;
                let waiting = self.settings.everyone() & !self.yes_votes;
                cx.note(Note::VoteCounted {
                    tx: t,
                    from,
                    yes: true,
                    waiting,
                });
                if waiting == 0 {
                    self.decide(Decision::Commit, DecisionReason::AllVotedYes, cx);
                }
            }
            Msg::VoteNo(t) if collecting && t == self.tx => {
                let reason = DecisionReason::VotedNo(from);
                self.decide(Decision::Abort, reason, cx);
            }
            Msg::Ack(t) if t == self.tx && matches!(self.phase, CoordinatorPhase::Finishing(_)) => {
                self.acks |= bit;
                if self.acks == self.settings.everyone() {
                    self.finish(cx);
                }
            }
            // It resent COMMIT until every ACK was in, so a copy can arrive after it wrote
            // END and forgot the transaction: nothing waits for it.
            Msg::Ack(t) if self.has_forgotten(t) => {
                cx.note(Note::LateAckIgnored { tx: t, from });
            }
            Msg::Inquire(t) => {
                if let Some(decision) = self.answer(t) {
                    cx.note(Note::Answered {
                        tx: t,
                        to: from,
                        decision,
                    });
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
                let mut quiet = Vec::new();
                for record in self.storage.complete_flush(cx, self.settings.flush_time) {
                    if !self.after_flush(record, cx) {
                        quiet.push(record);
                    }
                }
                if !quiet.is_empty() {
                    cx.note(Note::LogWritten {
                        records: quiet,
                        released_locks: false,
                    });
                }
            }
            Timer::Recover if self.phase == CoordinatorPhase::Recovering => self.recover(cx),
            Timer::NextTransaction if self.phase == CoordinatorPhase::Idle => self.start_next(cx),
            Timer::WorkDone(t) if current(t, CoordinatorPhase::Executing, self) => {
                self.phase = CoordinatorPhase::Collecting;
                for p in self.settings.participant_ids() {
                    cx.send(p, Msg::Prepare(t));
                }
                let to = self.settings.everyone();
                cx.note(Note::PrepareSent { tx: t, to });
                cx.set_timer(Timer::VoteTimeout(t), self.settings.vote_timeout);
            }
            Timer::VoteTimeout(t) if current(t, CoordinatorPhase::Collecting, self) => {
                self.decide(Decision::Abort, DecisionReason::VoteTimeout, cx);
            }
            Timer::Retransmit(t) if t == self.tx => {
                if let CoordinatorPhase::Finishing(decision) = self.phase {
                    self.retransmissions += 1;
                    self.announce(decision, true, cx);
                }
            }
            _ => {}
        }
    }

    /// A record reached the disk: send what was waiting for it. Returns whether something
    /// was (and was narrated).
    pub(super) fn after_flush(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) -> bool {
        match record {
            Record::Begin(t) if t == self.tx && self.phase == CoordinatorPhase::Starting => {
                self.phase = CoordinatorPhase::Executing;
                for p in self.settings.participant_ids() {
                    cx.send(p, Msg::Begin(t));
                }
                cx.note(Note::WorkSent { tx: t });
                cx.set_timer(Timer::WorkDone(t), self.settings.work_time);
            }
            Record::Commit(t) if t == self.tx && self.phase == CoordinatorPhase::LoggingCommit => {
                self.phase = CoordinatorPhase::Finishing(Decision::Commit);
                self.announce(Decision::Commit, false, cx);
            }
            _ => return false,
        }
        true
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
            // The outcome of its last transaction: an abort must not look like a success.
            CoordinatorPhase::Done if self.committed(self.tx) => "COMMITTED",
            CoordinatorPhase::Done => "ABORTED",
            CoordinatorPhase::Recovering => "RECOVERING",
            CoordinatorPhase::Crashed => "CRASHED",
        }
    }

    /// Whether `tx` committed: its COMMIT record is in the log or on its way to the disk
    /// (presumed abort: an aborted transaction leaves no record).
    fn committed(&self, tx: TxId) -> bool {
        let commit = Record::Commit(tx);
        self.storage.has(commit) || self.storage.pending().any(|r| *r == commit)
    }

    pub(super) fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if self.tx != 0 {
            lines.push(match self.settings.transactions {
                0 => Line::tr("transaction t{tx}").with("tx", self.tx),
                n => Line::tr("transaction t{tx} of {n}")
                    .with("tx", self.tx)
                    .with("n", n),
            });
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
                lines.push(
                    Line::tr("yes votes: {yes}; waiting for {waiting}")
                        .text("yes", list_or_none(&names(self.yes_votes)))
                        .text("waiting", list_or_none(&names(!self.yes_votes))),
                );
            }
            CoordinatorPhase::Finishing(_) => {
                lines.push(
                    Line::tr("acks: {acked}; waiting for {waiting}")
                        .text("acked", list_or_none(&names(self.acks)))
                        .text("waiting", list_or_none(&names(!self.acks))),
                );
                match self.retransmissions {
                    0 => {}
                    1 => lines.push(Line::tr("decision resent once")),
                    n => lines.push(Line::tr("decision resent {n} times").with("n", n)),
                }
            }
            _ => {}
        }
        self.storage.describe(&mut lines);
        lines
    }
}

fn list_or_none(names: &[String]) -> Line {
    if names.is_empty() {
        Line::tr("none")
    } else {
        Line::value(names.join(", "))
    }
}
