//! Log replication (§5.3) and the commit rule (§5.4.2).
//!
//! The leader sends each follower the entries from that follower's `nextIndex` on, together
//! with the index and term of the entry just before them. A follower accepts only if its own
//! log has that entry (the *consistency check*); then it deletes any entry that conflicts
//! with a new one (same index, other term) and everything after it, and appends the new
//! entries. By induction, if two logs hold an entry with the same index and term, they are
//! identical up to it (Log Matching). When the check fails, the leader moves `nextIndex`
//! back one entry and tries again; with the conflict hint (end of §5.3) the follower tells
//! it the conflicting term and where that term starts, and the leader skips the whole term.
//! Heartbeats are the same message with no entries.
//!
//! An entry is committed once the leader has stored it on a majority, *and it is from the
//! leader's current term*: Figure 8 shows an entry from an older term, stored on a majority,
//! being overwritten by a later leader. Older entries are committed indirectly, when an
//! entry of the current term after them is. Followers learn the commit index from the
//! leader's messages.
use super::config::Variant;
use super::log::{Entry, Index, Term};
use super::members::Members;
use super::messages::{ConflictHint, Host, Msg, Timer};
use super::notes::{AppendRefusal, Note, StepDown};
use super::server::{Role, Server};
use crate::sim::{Ctx, NodeId};

impl Server {
    /// Who the leader replicates to: its configuration, plus, while the latest
    /// configuration is not committed, the previous one (so that a server being removed
    /// still learns of its removal).
    pub(crate) fn replication_targets(&self) -> Members {
        let mut targets = self.log.members();
        if self.log.members_index() > self.commit_index {
            if let Some(previous) = self.log.previous_members() {
                targets = targets.union(previous);
            }
        }
        targets.without(self.id)
    }

    /// Sends AppendEntries (or a snapshot) to every target, as a new heartbeat round.
    pub(crate) fn broadcast_append<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        self.round += 1;
        for peer in self.replication_targets().iter() {
            self.send_append(cx, peer);
        }
        cx.set_timer(Timer::Heartbeat, self.settings.heartbeat_interval);
        self.heartbeat_due = Some(cx.now().saturating_add(self.settings.heartbeat_interval));
    }

    pub(crate) fn send_append<P: Host>(&mut self, cx: &mut Ctx<'_, P>, peer: NodeId) {
        let Some(next_index) = self.peers.get(peer.index()).map(|p| p.next_index) else {
            return;
        };
        if next_index <= self.log.snapshot_index() {
            // The entries it needs were compacted away: send the snapshot (§7).
            self.send_snapshot(cx, peer);
            return;
        }
        let prev_index = next_index - 1;
        let msg = Msg::AppendEntries {
            term: self.current_term,
            prev_index,
            prev_term: self.log.term_at(prev_index).unwrap_or_default(),
            entries: self.log.entries_from(next_index, self.settings.max_batch),
            leader_commit: self.commit_index,
            round: self.round,
        };
        self.send(cx, peer, msg);
    }

    pub(crate) fn on_heartbeat<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        if self.role == Role::Leader {
            self.broadcast_append(cx);
        }
    }

    /// The checks AppendEntries and InstallSnapshot share: refuse an old term (`None`);
    /// otherwise recognise `leader` as the leader of this term. `Some(true)`: the election
    /// timer must still be restarted, which the caller does just before its reply, after
    /// narrating what it did with the message (so that a step's caption leads with the
    /// decision, not the routine timer); `Some(false)`: stepping down restarted it already,
    /// and restarting it twice would draw two timeouts and narrate both.
    pub(crate) fn accept_leader<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        term: Term,
    ) -> Option<bool> {
        if term < self.current_term {
            return None;
        }
        let was_follower = self.role == Role::Follower;
        self.adopt_term(cx, term, leader);
        if self.role != Role::Follower {
            let reason = if self.role == Role::PreCandidate {
                StepDown::PreVoteEnded
            } else {
                StepDown::LeaderExists
            };
            self.become_follower(cx, reason);
        }
        self.leader = Some(leader);
        self.leader_contact = Some(cx.now());
        Some(was_follower)
    }

    /// Restarts the election timer if a follower heard from its leader (see
    /// [`Server::accept_leader`]).
    pub(crate) fn restart_timer_if<P: Host>(&mut self, cx: &mut Ctx<'_, P>, restart: bool) {
        if restart {
            self.reset_election_timer(cx);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_append_entries<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        term: Term,
        prev: (Index, Term),
        mut entries: Vec<Entry>,
        leader_commit: Index,
        round: u64,
    ) {
        let (mut prev_index, mut prev_term) = prev;
        let Some(restart_timer) = self.accept_leader(cx, leader, term) else {
            let reason = AppendRefusal::StaleTerm;
            self.refuse_append(cx, leader, prev_index, reason, None, round);
            return;
        };
        let snapshot_index = self.log.snapshot_index();
        if prev_index < snapshot_index {
            // Entries up to the snapshot are committed, so they match the leader's: skip them.
            let skip = (snapshot_index - prev_index).min(entries.len() as u64) as usize;
            entries.drain(..skip);
            prev_index += skip as Index;
            if prev_index < snapshot_index {
                self.restart_timer_if(cx, restart_timer);
                self.reply_success(cx, leader, prev_index, round);
                return;
            }
            prev_term = self.log.snapshot_term();
        }
        match self.log.term_at(prev_index) {
            None => {
                let hint = ConflictHint {
                    term: None,
                    first_index: self.log.last_index() + 1,
                };
                let reason = AppendRefusal::LogTooShort;
                self.note_refusal(cx, leader, prev_index, reason);
                self.restart_timer_if(cx, restart_timer);
                self.send_refusal(cx, leader, prev_index, Some(hint), round);
                return;
            }
            Some(ours) if ours != prev_term => {
                let hint = ConflictHint {
                    term: Some(ours),
                    first_index: self.log.first_index_of_term_at(prev_index),
                };
                let reason = AppendRefusal::TermMismatch {
                    ours,
                    theirs: prev_term,
                };
                self.note_refusal(cx, leader, prev_index, reason);
                self.restart_timer_if(cx, restart_timer);
                self.send_refusal(cx, leader, prev_index, Some(hint), round);
                return;
            }
            Some(_) => {}
        }
        let last_new = prev_index + entries.len() as Index;
        let mut truncated_from = None;
        let mut first_stored = None;
        for (k, entry) in entries.into_iter().enumerate() {
            let index = prev_index + 1 + k as Index;
            match self.log.term_at(index) {
                // Already there: a repeat must not cut off what follows it.
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    self.log.truncate_from(index);
                    truncated_from = Some(index);
                }
                None => {}
            }
            first_stored.get_or_insert(index);
            self.log.append(entry);
        }
        match first_stored {
            Some(from) => cx.note(Note::EntriesAccepted {
                from,
                to: last_new,
                truncated_from,
            }),
            None => cx.note(Note::LogAlreadyMatches { up_to: last_new }),
        }
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        let learned = leader_commit.min(last_new);
        if learned > self.commit_index {
            cx.note(Note::CommitLearned { index: learned });
            self.commit_to(cx, learned);
        }
        self.restart_timer_if(cx, restart_timer);
        self.reply_success(cx, leader, last_new, round);
    }

    fn reply_success<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        index: Index,
        round: u64,
    ) {
        let reply = Msg::AppendReply {
            term: self.current_term,
            success: true,
            index,
            hint: None,
            round,
        };
        self.send(cx, leader, reply);
    }

    fn refuse_append<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        prev_index: Index,
        reason: AppendRefusal,
        hint: Option<ConflictHint>,
        round: u64,
    ) {
        self.note_refusal(cx, leader, prev_index, reason);
        self.send_refusal(cx, leader, prev_index, hint, round);
    }

    fn note_refusal<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        prev_index: Index,
        reason: AppendRefusal,
    ) {
        cx.note(Note::AppendRefused {
            leader,
            prev_index,
            reason,
        });
    }

    fn send_refusal<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        prev_index: Index,
        hint: Option<ConflictHint>,
        round: u64,
    ) {
        let hint = hint.filter(|_| self.settings.conflict_hint);
        let reply = Msg::AppendReply {
            term: self.current_term,
            success: false,
            index: prev_index,
            hint,
            round,
        };
        self.send(cx, leader, reply);
    }

    /// Whether a reply from `from` in `term` is for this leader; adopts a newer term.
    pub(crate) fn reply_is_current<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        from: NodeId,
        term: Term,
    ) -> bool {
        if term > self.current_term {
            self.adopt_term(cx, term, from);
            return false;
        }
        if self.role != Role::Leader || term < self.current_term {
            return false;
        }
        self.heard = self.heard.with(from);
        true
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_append_reply<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        from: NodeId,
        term: Term,
        success: bool,
        index: Index,
        hint: Option<ConflictHint>,
        round: u64,
    ) {
        if !self.reply_is_current(cx, from, term) {
            return;
        }
        let Some(peer) = self.peers.get_mut(from.index()) else {
            return;
        };
        peer.round_acked = peer.round_acked.max(round);
        if success {
            self.note_match(cx, from, index);
        } else if index + 1 == peer.next_index {
            // A refusal of the entry just before nextIndex: move back (stale refusals of
            // earlier probes are ignored).
            let (next_index, used_hint) = match hint {
                Some(ConflictHint {
                    term: Some(t),
                    first_index,
                }) => (
                    self.log
                        .last_index_of_term(t)
                        .map_or(first_index, |last| last + 1),
                    true,
                ),
                Some(ConflictHint {
                    term: None,
                    first_index,
                }) => (first_index, true),
                None => (index, false),
            };
            let peer = &mut self.peers[from.index()];
            // Back, but never to or below an index known to match, and never below 1.
            let highest = index.max(1);
            peer.next_index = next_index.clamp((peer.match_index + 1).min(highest), highest);
            let next_index = peer.next_index;
            cx.note(Note::NextIndexBackedOff {
                peer: from,
                next_index,
                used_hint,
            });
            self.send_append(cx, from);
        }
        self.serve_reads(cx);
    }

    /// `peer`'s log matches up to `index`: advance its indexes, maybe commit, and send it
    /// what follows.
    pub(crate) fn note_match<P: Host>(&mut self, cx: &mut Ctx<'_, P>, peer: NodeId, index: Index) {
        let state = &mut self.peers[peer.index()];
        state.next_index = state.next_index.max(index + 1);
        if index <= state.match_index {
            return;
        }
        state.match_index = index;
        cx.note(Note::MatchAdvanced {
            peer,
            match_index: index,
        });
        self.advance_commit(cx);
        if self.role == Role::Leader && self.peers[peer.index()].next_index <= self.log.last_index()
        {
            self.send_append(cx, peer);
        }
    }

    /// The commit rule (§5.4.2): the highest index stored on a majority of the
    /// configuration commits if its entry is from the current term.
    pub(crate) fn advance_commit<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        if self.role != Role::Leader {
            return;
        }
        let members = self.log.members();
        let mut matched: Vec<Index> = members
            .iter()
            .map(|m| {
                if m == self.id {
                    self.log.last_index()
                } else {
                    self.peers[m.index()].match_index
                }
            })
            .collect();
        if matched.is_empty() {
            return;
        }
        crate::sim::sort::sort_by(&mut matched, |a, b| b.cmp(a));
        let majority_index = matched[members.quorum() as usize - 1];
        if majority_index <= self.commit_index {
            return;
        }
        let term = self.log.term_at(majority_index).unwrap_or_default();
        if term == self.current_term || self.settings.variant == Variant::CommitOldTerm {
            cx.note(Note::Committed {
                index: majority_index,
                term,
            });
            self.commit_to(cx, majority_index);
        } else if majority_index > self.old_term_noted {
            self.old_term_noted = majority_index;
            cx.note(Note::OldTermNotCommitted {
                index: majority_index,
                term,
            });
        }
        // A leader that committed a configuration without itself steps down (§4.2.2).
        if self.role == Role::Leader
            && !members.contains(self.id)
            && self.log.members_index() <= self.commit_index
        {
            self.become_follower(cx, StepDown::RemovedFromConfig);
        }
    }
}
