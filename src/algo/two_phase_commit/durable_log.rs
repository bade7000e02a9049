//! The durable log: records on disk, and the write buffers a crash loses.
use super::config::{TxId, LOG_KEEP};
use super::messages::{Decision, Timer};
use super::TwoPcNode;
use crate::sim::{Ctx, Line, Time};
use std::fmt;

/// One record of a node's durable log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Record {
    /// Coordinator: the transaction exists (so its number is never reused). Participant:
    /// it did the transaction's work (and could undo it).
    Begin(TxId),
    /// Participant: it voted yes and can commit whatever happens to it.
    Prepared(TxId),
    Commit(TxId),
    Abort(TxId),
    /// Coordinator: every participant acknowledged the decision.
    End(TxId),
}

impl Decision {
    /// The log record of this decision on `tx`.
    pub(super) fn record(self, tx: TxId) -> Record {
        match self {
            Decision::Commit => Record::Commit(tx),
            Decision::Abort => Record::Abort(tx),
        }
    }
}

impl Record {
    pub fn tx(self) -> TxId {
        match self {
            Record::Begin(t)
            | Record::Prepared(t)
            | Record::Commit(t)
            | Record::Abort(t)
            | Record::End(t) => t,
        }
    }
}

impl Record {
    /// The record's kind, as written in the log: `BEGIN`, `PREPARED`, ...
    pub fn kind(self) -> &'static str {
        match self {
            Record::Begin(_) => "BEGIN",
            Record::Prepared(_) => "PREPARED",
            Record::Commit(_) => "COMMIT",
            Record::Abort(_) => "ABORT",
            Record::End(_) => "END",
        }
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} t{}", self.kind(), self.tx())
    }
}

/// A node's log: the durable records, and the volatile write buffers a crash loses.
///
/// One flush is in progress at a time: records appended meanwhile wait for the next one
/// (a disk does one write at a time; batching the waiting records is "group commit").
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(super) struct Storage {
    /// On disk: survives crashes.
    pub(super) log: Vec<Record>,
    /// Being written now (volatile).
    pub(super) writing: Vec<Record>,
    /// Waiting for the next flush (volatile).
    pub(super) queued: Vec<Record>,
    /// Statistics (they survive crashes): forced writes of transactions whose outcome this
    /// node does not know yet, and the forced writes counted by outcome.
    pub(super) forced_pending: Vec<(TxId, u32)>,
    pub(super) forced: ForcedWrites,
}

/// Forced log writes, by the outcome of the transaction they were made for. A write is
/// *forced* when something waits for it to reach the disk: a vote, a decision, an
/// acknowledgement, an answer to a peer. Presumed abort exists to make the abort column
/// small: no node waits for an `ABORT` record, except a participant that is about to tell
/// a peer "abort" on its own authority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ForcedWrites {
    pub commit: u64,
    pub abort: u64,
}

impl ForcedWrites {
    pub fn plus(self, other: ForcedWrites) -> ForcedWrites {
        ForcedWrites {
            commit: self.commit + other.commit,
            abort: self.abort + other.abort,
        }
    }
}

impl Storage {
    pub(super) fn append(&mut self, record: Record, cx: &mut Ctx<'_, TwoPcNode>, flush_time: Time) {
        if self.writing.is_empty() {
            self.writing.push(record);
            cx.set_timer(Timer::Flush, flush_time);
        } else {
            self.queued.push(record);
        }
    }

    /// The flush in progress reached the disk: returns the records now durable.
    pub(super) fn complete_flush(
        &mut self,
        cx: &mut Ctx<'_, TwoPcNode>,
        flush_time: Time,
    ) -> Vec<Record> {
        let done = std::mem::take(&mut self.writing);
        self.log.extend_from_slice(&done);
        let latest = self.latest_tx();
        self.log.retain(|r| r.tx() + LOG_KEEP > latest);
        if !self.queued.is_empty() {
            self.writing = std::mem::take(&mut self.queued);
            cx.set_timer(Timer::Flush, flush_time);
        }
        done
    }

    /// Counts one forced write made for `tx`, whose outcome here is `known` (or not yet).
    pub(super) fn count_forced(&mut self, tx: TxId, known: Option<Decision>) {
        match known {
            Some(decision) => self.add_forced(decision, 1),
            None => match self.forced_pending.iter_mut().find(|(t, _)| *t == tx) {
                Some((_, n)) => *n += 1,
                None => {
                    self.forced_pending.push((tx, 1));
                    // Only recent transactions can still learn their outcome.
                    self.forced_pending.retain(|(t, _)| t + LOG_KEEP + 1 > tx);
                }
            },
        }
    }

    /// Forced writes made for transactions whose outcome this node does not know yet.
    pub(super) fn forced_undecided(&self) -> u64 {
        self.forced_pending.iter().map(|(_, n)| u64::from(*n)).sum()
    }

    /// This node now knows `tx`'s outcome: its forced writes count for that outcome.
    pub(super) fn settle(&mut self, tx: TxId, decision: Decision) {
        if let Some(at) = self.forced_pending.iter().position(|(t, _)| *t == tx) {
            let (_, n) = self.forced_pending.remove(at);
            self.add_forced(decision, u64::from(n));
        }
    }

    fn add_forced(&mut self, decision: Decision, n: u64) {
        match decision {
            Decision::Commit => self.forced.commit += n,
            Decision::Abort => self.forced.abort += n,
        }
    }

    pub(super) fn crash(&mut self) {
        self.writing.clear();
        self.queued.clear();
    }

    pub(super) fn has(&self, record: Record) -> bool {
        self.log.contains(&record)
    }

    pub(super) fn pending(&self) -> impl Iterator<Item = &Record> {
        self.writing.iter().chain(&self.queued)
    }

    /// The newest transaction the durable log mentions (0 if none).
    pub(super) fn latest_tx(&self) -> TxId {
        self.log.iter().map(|r| r.tx()).max().unwrap_or(0)
    }

    pub(super) fn describe(&self, lines: &mut Vec<Line>) {
        if self.log.is_empty() {
            lines.push(Line::tr("log: (empty)"));
        }
        lines.extend(
            self.log
                .iter()
                .map(|r| Line::tr("log: {record}").with("record", r)),
        );
        lines.extend(
            self.pending()
                .map(|r| Line::tr("writing: {record} (not on disk yet)").with("record", r)),
        );
    }
}
