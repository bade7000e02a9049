//! A participant's card on the stage: what it is doing, how it will vote, and its log.
use super::participant::{Participant, ParticipantPhase};
use crate::sim::Line;

impl Participant {
    /// How it votes: on the current transaction once its PREPARE comes, or (settled, or
    /// none yet) on the next one; nothing once the workload has no transaction left (its
    /// last one settled here: a next one would come only from a person's "begin").
    fn vote_line(&self) -> Option<Line> {
        let tx = self.tx;
        Some(match self.phase {
            ParticipantPhase::Working => Line::tr("votes {vote} when PREPARE t{tx} comes")
                .text("vote", self.vote.word())
                .with("tx", tx),
            ParticipantPhase::Preparing => {
                Line::tr("votes yes on t{tx} once PREPARED t{tx} is on disk").with("tx", tx)
            }
            _ if self.no_transaction_left() => return None,
            _ => Line::tr("votes {vote} on the next prepare").text("vote", self.vote.word()),
        })
    }

    /// The workload is finite and this participant has seen its last transaction.
    fn no_transaction_left(&self) -> bool {
        let limit = self.settings.transactions;
        limit != 0 && self.latest_known() >= limit
    }

    pub(super) fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if self.tx != 0 {
            lines.push(Line::tr("transaction t{tx}").with("tx", self.tx));
        }
        // In doubt, the line below says it voted yes.
        if !self.is_in_doubt() {
            lines.extend(self.vote_line());
        }
        if self.holds_locks() {
            lines.push(
                Line::tr("holding locks for t{tx}: other transactions on this data wait")
                    .with("tx", self.tx),
            );
        }
        if self.is_blocked() {
            lines.push(match self.inquiries {
                1 => Line::tr("blocked: cannot commit or abort alone; asked once"),
                n => {
                    Line::tr("blocked: cannot commit or abort alone; asked {n} times").with("n", n)
                }
            });
        } else if self.is_in_doubt() {
            lines.push(
                Line::tr("in doubt: voted yes on t{tx}, waiting for the outcome")
                    .with("tx", self.tx),
            );
        }
        self.storage.describe(&mut lines);
        lines
    }
}
