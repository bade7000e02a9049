//! The participants (nodes 1 to n): do the work, vote, and apply the decision.
use super::config::{Settings, TxId, Variant, Vote, COORDINATOR, VOTE_HISTORY_KEEP};
use super::durable_log::{Record, Storage};
use super::messages::{Decision, Msg, Timer};
use super::notes::{CannotHelp, NoReason, Note};
use super::TwoPcNode;
use crate::sim::{Ctx, NodeId};

/// Where a participant is with its current transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParticipantPhase {
    /// No transaction yet.
    Init,
    /// Doing the transaction's work, holding its locks; has not voted.
    Working,
    /// Decided to vote yes; writing `PREPARED` before sending the vote.
    Preparing,
    /// Voted yes; waiting for the decision, holding its locks: *in doubt*, the textbook's
    /// word for this window. `blocked` once it has waited past its decision timeout and
    /// started asking.
    Prepared {
        blocked: bool,
    },
    Committed,
    Aborted,
    /// Restarted; reading the log.
    Recovering,
    Crashed,
}

/// Nodes 1 to n: do the work, vote, and apply the decision.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Participant {
    pub(super) settings: Settings,
    /// How it votes on the next prepares (set by the configuration or a command; an
    /// operator's setting, so a crash does not change it).
    pub(super) vote: Vote,
    pub(super) storage: Storage,
    /// Not node state: the observer's record of the transactions this participant ever
    /// voted yes on (recent ones only), which a crash does not erase. The protocol never
    /// reads it; the validity invariant does, since a forgotten vote was still cast.
    pub(super) yes_votes_cast: Vec<TxId>,
    // Everything below is volatile.
    pub(super) phase: ParticipantPhase,
    /// The current transaction (0 when none).
    pub(super) tx: TxId,
    /// The coordinator sent a decision that must be acknowledged once it is on disk.
    pub(super) ack_owed: bool,
    /// Peers (bit `i` for node `i`) that asked about `tx` and will be told ABORT once its
    /// record is on disk.
    pub(super) peers_owed_abort: u8,
    /// How many times it asked for the outcome of `tx`.
    pub(super) inquiries: u32,
}

impl Participant {
    pub(super) fn new(settings: Settings, vote: Vote) -> Self {
        Participant {
            settings,
            vote,
            storage: Storage::default(),
            yes_votes_cast: Vec::new(),
            phase: ParticipantPhase::Init,
            tx: 0,
            ack_owed: false,
            peers_owed_abort: 0,
            inquiries: 0,
        }
    }

    pub fn phase(&self) -> ParticipantPhase {
        self.phase
    }

    pub fn tx(&self) -> TxId {
        self.tx
    }

    /// The durable log.
    pub fn log(&self) -> &[Record] {
        &self.storage.log
    }

    /// How it will vote on the next prepare.
    pub fn vote(&self) -> Vote {
        self.vote
    }

    /// In doubt: it voted yes and does not know the outcome yet (from the vote on).
    pub fn is_in_doubt(&self) -> bool {
        matches!(self.phase, ParticipantPhase::Prepared { .. })
    }

    /// Blocked: in doubt past its decision timeout, asking for the outcome (the view's
    /// separate mark).
    pub fn is_blocked(&self) -> bool {
        self.phase == (ParticipantPhase::Prepared { blocked: true })
    }

    /// How many times it has asked for the outcome of its current transaction.
    pub fn inquiries(&self) -> u32 {
        self.inquiries
    }

    /// Whether it ever voted yes on `tx` (among its recent transactions), even if a crash
    /// made it forget.
    pub fn voted_yes_on(&self, tx: TxId) -> bool {
        self.yes_votes_cast.contains(&tx)
    }

    /// Whether it holds the current transaction's locks: from the work until its decision
    /// is known (a commit: until the commit is on disk). This is what blocking costs.
    pub fn holds_locks(&self) -> bool {
        match self.phase {
            ParticipantPhase::Working
            | ParticipantPhase::Preparing
            | ParticipantPhase::Prepared { .. } => true,
            ParticipantPhase::Committed => !self.storage.has(Record::Commit(self.tx)),
            _ => false,
        }
    }

    pub(super) fn append(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) {
        self.storage.append(record, cx, self.settings.flush_time);
    }

    pub(super) fn latest_known(&self) -> TxId {
        self.tx.max(self.storage.latest_tx())
    }

    /// Takes up `tx`, which it had never heard of, as already aborted (its work never
    /// arrived, so it cannot promise anything about it).
    pub(super) fn adopt_aborted(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        self.tx = tx;
        self.ack_owed = false;
        self.peers_owed_abort = 0;
        self.inquiries = 0;
        self.phase = ParticipantPhase::Aborted;
        self.storage.settle(tx, Decision::Abort);
        self.append(Record::Abort(tx), cx);
    }

    pub(super) fn abort_current(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        cx.cancel_timer(Timer::WorkTimeout(self.tx));
        cx.cancel_timer(Timer::DecisionTimeout(self.tx));
        self.phase = ParticipantPhase::Aborted;
        self.storage.settle(self.tx, Decision::Abort);
        // Presumed abort: nothing waits for this record (unless a peer asked: see
        // `on_inquiry`).
        self.append(Record::Abort(self.tx), cx);
    }

    pub(super) fn on_begin(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        if tx <= self.latest_known() || self.holds_locks() {
            return; // a duplicate, or an old message
        }
        self.tx = tx;
        self.phase = ParticipantPhase::Working;
        self.ack_owed = false;
        self.peers_owed_abort = 0;
        self.inquiries = 0;
        // The work's undo information; nothing waits for it.
        self.append(Record::Begin(tx), cx);
        cx.note(Note::WorkStarted { tx });
        cx.set_timer(Timer::WorkTimeout(tx), self.settings.work_timeout);
    }

    pub(super) fn on_prepare(&mut self, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        if tx == self.tx {
            match self.phase {
                ParticipantPhase::Working => self.cast_vote(cx),
                // The first vote may have been lost: say it again.
                ParticipantPhase::Prepared { .. } => cx.send(COORDINATOR, Msg::VoteYes(tx)),
                ParticipantPhase::Aborted => {
                    let reason = NoReason::AlreadyAborted;
                    cx.note(Note::VotedNo { tx, reason });
                    cx.send(COORDINATOR, Msg::VoteNo(tx));
                }
                // Preparing: the vote leaves once the record is on disk.
                _ => {}
            }
        } else if tx > self.latest_known() {
            // Its work never reached us (BEGIN lost, or we were down): we cannot commit it.
            let reason = if self.holds_locks() {
                NoReason::Busy
            } else {
                self.adopt_aborted(tx, cx);
                NoReason::NeverDidTheWork
            };
            cx.note(Note::VotedNo { tx, reason });
            cx.send(COORDINATOR, Msg::VoteNo(tx));
        }
    }

    pub(super) fn cast_vote(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        cx.cancel_timer(Timer::WorkTimeout(tx));
        let yes = match self.vote {
            Vote::Yes => true,
            Vote::No => false,
            Vote::Random => cx.rng().below(4) != 0,
        };
        if !yes {
            // Presumed abort: a no vote needs nothing on disk first.
            self.phase = ParticipantPhase::Aborted;
            self.storage.settle(tx, Decision::Abort);
            self.append(Record::Abort(tx), cx);
            let reason = NoReason::ItsVote;
            cx.note(Note::VotedNo { tx, reason });
            cx.send(COORDINATOR, Msg::VoteNo(tx));
        } else if self.settings.variant == Variant::ForgetVoteOnCrash {
            // The bug: the promise is only in memory.
            cx.note(Note::VotedYesWithoutLogging { tx });
            self.become_prepared(false, cx);
        } else {
            // The promise must be on disk before it is made.
            self.phase = ParticipantPhase::Preparing;
            self.storage.count_forced(tx, None);
            self.append(Record::Prepared(tx), cx);
            cx.note(Note::PreparedForcing { tx });
        }
    }

    /// Votes yes. `logged`: `PREPARED` is on disk (the forget-vote variant votes without
    /// it, and has already said so).
    pub(super) fn become_prepared(&mut self, logged: bool, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        self.phase = ParticipantPhase::Prepared { blocked: false };
        if !self.yes_votes_cast.contains(&tx) {
            self.yes_votes_cast.push(tx);
        }
        self.yes_votes_cast.retain(|t| t + VOTE_HISTORY_KEEP > tx);
        if logged {
            cx.note(Note::VotedYes { tx });
        }
        cx.send(COORDINATOR, Msg::VoteYes(tx));
        cx.set_timer(Timer::DecisionTimeout(tx), self.settings.decision_timeout);
    }

    pub(super) fn on_decision(
        &mut self,
        from: NodeId,
        tx: TxId,
        decision: Decision,
        cx: &mut Ctx<'_, TwoPcNode>,
    ) {
        // Only a commit from the coordinator is acknowledged: a peer's answer is just
        // information, and presumed abort acknowledges no abort (a coordinator asked later
        // about a transaction it has forgotten answers abort anyway).
        let ack_wanted = from == COORDINATOR && decision == Decision::Commit;
        if tx == self.tx {
            match (self.phase, decision) {
                (ParticipantPhase::Prepared { .. }, Decision::Commit) => {
                    cx.cancel_timer(Timer::DecisionTimeout(tx));
                    self.phase = ParticipantPhase::Committed;
                    // The ack waits for this record: after the acks the coordinator forgets.
                    self.storage.count_forced(tx, Some(Decision::Commit));
                    self.storage.settle(tx, Decision::Commit);
                    self.append(Record::Commit(tx), cx);
                    self.ack_owed |= ack_wanted;
                    cx.note(Note::Learned { tx, decision, from });
                }
                (
                    ParticipantPhase::Working
                    | ParticipantPhase::Preparing
                    | ParticipantPhase::Prepared { .. },
                    Decision::Abort,
                ) => {
                    self.abort_current(cx);
                    cx.note(Note::Learned { tx, decision, from });
                }
                // Already committed: a resent commit, or the answer to its inquiry. It changes
                // nothing; the ack tells the coordinator to stop resending.
                (ParticipantPhase::Committed, _) if ack_wanted => {
                    let on_disk = self.storage.has(Record::Commit(tx));
                    cx.note(Note::DuplicateCommit { tx, on_disk });
                    if on_disk {
                        self.ack_owed = false;
                        cx.send(COORDINATOR, Msg::Ack(tx));
                    } else {
                        self.ack_owed = true;
                    }
                }
                // A broken variant: the opposite decision (the ack only says "stop
                // resending").
                (ParticipantPhase::Aborted, _) if ack_wanted => {
                    if self.storage.has(Record::Abort(tx)) {
                        self.acknowledge(cx);
                    } else {
                        self.ack_owed = true;
                    }
                }
                // A commit before our yes vote cannot happen.
                _ => {}
            }
        } else if tx > self.latest_known() {
            if decision == Decision::Abort && !self.holds_locks() {
                self.adopt_aborted(tx, cx);
                cx.note(Note::Learned { tx, decision, from });
            }
        } else if ack_wanted {
            // An older transaction, settled long ago.
            cx.send(COORDINATOR, Msg::Ack(tx));
        }
    }

    /// Sends the ACK owed for the coordinator's COMMIT of the current transaction, its own
    /// outcome being on disk, and says what it acknowledges.
    fn acknowledge(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let tx = self.tx;
        self.ack_owed = false;
        if self.phase == ParticipantPhase::Aborted {
            // Only a broken variant gets here: the coordinator committed what it aborted.
            // Only the send-before-log coordinator sends COMMIT before it is durable.
            let commit_durable = self.settings.variant != Variant::SendBeforeLog;
            cx.note(Note::AcknowledgedCommitAfterAbort { tx, commit_durable });
        } else {
            cx.note(Note::Acknowledged { tx });
        }
        cx.send(COORDINATOR, Msg::Ack(tx));
    }

    /// A peer in doubt asks what happened to `tx` (cooperative termination).
    ///
    /// An answer is a promise the asker acts on, so it must survive this node's crash. A
    /// commit does (the coordinator logged it before anyone heard of it, and this node, if
    /// it forgets, is prepared again and asks). An abort this node decided itself does not,
    /// until its ABORT record is on disk: answered from memory and then lost in a crash, it
    /// would let this node, restarted and knowing nothing of `tx`, do the work when a slow
    /// BEGIN arrives and vote yes, while the asker has already aborted. So ABORT is only
    /// ever told from the log, and a fresh abort is forced to the disk before the reply
    /// leaves (see `after_flush`).
    pub(super) fn on_inquiry(&mut self, from: NodeId, tx: TxId, cx: &mut Ctx<'_, TwoPcNode>) {
        let committed = self.storage.has(Record::Commit(tx))
            || (tx == self.tx && self.phase == ParticipantPhase::Committed);
        if committed {
            cx.note(Note::ToldPeer {
                peer: from,
                tx,
                decision: Decision::Commit,
            });
            cx.send(from, Msg::Commit(tx));
            return;
        }
        if self.storage.has(Record::Abort(tx)) {
            cx.note(Note::ToldPeer {
                peer: from,
                tx,
                decision: Decision::Abort,
            });
            cx.send(from, Msg::Abort(tx));
            return;
        }
        let aborting = tx == self.tx && self.phase == ParticipantPhase::Aborted;
        let working_on_it = tx == self.tx && self.phase == ParticipantPhase::Working;
        let never_heard = tx > self.latest_known() && !self.holds_locks();
        // Not having voted, it is still free to abort, and once it has, the coordinator
        // cannot commit: so it can give the asker a safe answer, once it is durable. A
        // prepared peer knows no more than the asker and stays silent.
        if working_on_it {
            self.abort_current(cx);
        } else if never_heard {
            self.adopt_aborted(tx, cx);
        } else if !aborting {
            let why = if tx == self.tx {
                // Preparing or prepared: it is voting yes, or has, and knows no outcome.
                CannotHelp::InDoubtToo
            } else if tx > self.latest_known() {
                CannotHelp::Busy
            } else {
                CannotHelp::NoRecord
            };
            cx.note(Note::CannotHelpPeer {
                peer: from,
                tx,
                why,
            });
            return;
        }
        if self.peers_owed_abort == 0 {
            // The ABORT record is now waited for: a forced write, for an abort.
            self.storage.count_forced(tx, Some(Decision::Abort));
        }
        self.peers_owed_abort |= 1 << from.0;
        cx.note(Note::AbortForcedBeforeTellingPeer { peer: from, tx });
    }

    pub(super) fn recover(&mut self, cx: &mut Ctx<'_, TwoPcNode>) {
        let latest = self.storage.latest_tx();
        self.tx = latest;
        self.ack_owed = false;
        self.peers_owed_abort = 0;
        self.inquiries = 0;
        if latest == 0 {
            self.phase = ParticipantPhase::Init;
        } else if self.storage.has(Record::Commit(latest)) {
            self.phase = ParticipantPhase::Committed;
            self.storage.settle(latest, Decision::Commit);
        } else if self.storage.has(Record::Abort(latest)) {
            self.phase = ParticipantPhase::Aborted;
            self.storage.settle(latest, Decision::Abort);
        } else if self.storage.has(Record::Prepared(latest)) {
            // It promised: take the locks again and find out what was decided.
            self.phase = ParticipantPhase::Prepared { blocked: false };
            cx.note(Note::RecoveredInDoubt { tx: latest });
            self.inquiries = 1;
            cx.send(COORDINATOR, Msg::Inquire(latest));
            cx.set_timer(
                Timer::DecisionTimeout(latest),
                self.settings.decision_timeout,
            );
        } else {
            // Only the work is logged, so it never voted yes (a yes vote is logged first):
            // it is free to abort. (In the forget-vote variant this is where it goes wrong.)
            self.phase = ParticipantPhase::Aborted;
            self.storage.settle(latest, Decision::Abort);
            self.append(Record::Abort(latest), cx);
            // The observer's record, for the narration only: the node cannot know.
            let forgot_yes_vote = self.voted_yes_on(latest);
            cx.note(Note::RestartedWithOnlyBegin {
                tx: latest,
                forgot_yes_vote,
            });
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, TwoPcNode>, from: NodeId, msg: Msg) {
        if self.phase == ParticipantPhase::Recovering {
            // Reading the log; senders retry.
            cx.note(Note::IgnoredWhileRecovering { from, msg });
            return;
        }
        match msg {
            Msg::Begin(t) => self.on_begin(t, cx),
            Msg::Prepare(t) => self.on_prepare(t, cx),
            Msg::Commit(t) => self.on_decision(from, t, Decision::Commit, cx),
            Msg::Abort(t) => self.on_decision(from, t, Decision::Abort, cx),
            Msg::Inquire(t) => self.on_inquiry(from, t, cx),
            Msg::VoteYes(_) | Msg::VoteNo(_) | Msg::Ack(_) => {}
        }
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, TwoPcNode>, timer: Timer) {
        match timer {
            Timer::Flush => {
                let mut quiet = Vec::new();
                for record in self.storage.complete_flush(cx, self.settings.flush_time) {
                    if !self.after_flush(record, cx) {
                        quiet.push(record);
                    }
                }
                if !quiet.is_empty() {
                    // Its locks were held until this record was on disk.
                    let released_locks = self.phase == ParticipantPhase::Committed
                        && quiet.contains(&Record::Commit(self.tx));
                    cx.note(Note::LogWritten {
                        records: quiet,
                        released_locks,
                    });
                }
            }
            Timer::Recover if self.phase == ParticipantPhase::Recovering => self.recover(cx),
            Timer::WorkTimeout(t) if t == self.tx && self.phase == ParticipantPhase::Working => {
                // No prepare came. Not having voted, it may give up on its own.
                self.abort_current(cx);
                cx.note(Note::AbortedOnItsOwn { tx: t });
            }
            Timer::DecisionTimeout(t)
                if t == self.tx && matches!(self.phase, ParticipantPhase::Prepared { .. }) =>
            {
                // Blocked: it may neither commit nor abort. All it can do is ask.
                self.phase = ParticipantPhase::Prepared { blocked: true };
                self.inquiries += 1;
                cx.send(COORDINATOR, Msg::Inquire(t));
                let mut asked = 1u8 << COORDINATOR.0;
                if self.settings.cooperative_termination {
                    let me = cx.id();
                    for peer in self.settings.participant_ids().filter(|p| *p != me) {
                        cx.send(peer, Msg::Inquire(t));
                        asked |= 1 << peer.0;
                    }
                }
                let times = self.inquiries;
                cx.note(Note::Blocked {
                    tx: t,
                    asked,
                    times,
                });
                cx.set_timer(Timer::DecisionTimeout(t), self.settings.decision_timeout);
            }
            _ => {}
        }
    }

    /// A record reached the disk: send what was waiting for it. Returns whether something
    /// was (and was narrated).
    pub(super) fn after_flush(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>) -> bool {
        if record.tx() != self.tx {
            return false;
        }
        let mut told = false;
        if record == Record::Abort(self.tx) && self.peers_owed_abort != 0 {
            told = true;
            // The abort is durable now: the peers that asked may be told.
            let owed = std::mem::take(&mut self.peers_owed_abort);
            for peer in self.settings.participant_ids() {
                if owed & (1 << peer.0) != 0 {
                    cx.note(Note::ToldPeer {
                        peer,
                        tx: self.tx,
                        decision: Decision::Abort,
                    });
                    cx.send(peer, Msg::Abort(self.tx));
                }
            }
        }
        match (record, self.phase) {
            (Record::Prepared(_), ParticipantPhase::Preparing) => self.become_prepared(true, cx),
            (Record::Commit(_), ParticipantPhase::Committed)
            | (Record::Abort(_), ParticipantPhase::Aborted)
                if self.ack_owed =>
            {
                self.acknowledge(cx)
            }
            _ => return told,
        }
        true
    }

    pub(super) fn on_crash(&mut self) {
        self.storage.crash();
        self.phase = ParticipantPhase::Crashed;
        self.tx = 0;
        self.ack_owed = false;
        self.peers_owed_abort = 0;
        self.inquiries = 0;
    }

    pub(super) fn state_label(&self) -> &'static str {
        match self.phase {
            ParticipantPhase::Init => "INIT",
            ParticipantPhase::Working => "WORKING",
            ParticipantPhase::Preparing => "PREPARING",
            ParticipantPhase::Prepared { .. } => "IN DOUBT",
            ParticipantPhase::Committed => "COMMITTED",
            ParticipantPhase::Aborted => "ABORTED",
            ParticipantPhase::Recovering => "RECOVERING",
            ParticipantPhase::Crashed => "CRASHED",
        }
    }
}
