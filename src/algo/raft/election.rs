//! Leader election (§5.2, §5.4.1), with pre-vote (dissertation §9.6) and CheckQuorum
//! (dissertation §6.2) as options.
//!
//! A follower that hears nothing from a leader for a whole election timeout (drawn at
//! random, so that usually one server times out first) becomes a candidate: it increments
//! its term, votes for itself and asks every member for its vote. Each server votes at most
//! once per term, first come first served, and only for a candidate whose log is at least
//! as up to date as its own (§5.4.1): a later last term, or the same last term and a log at
//! least as long. Since any two majorities share a server, at most one candidate wins a
//! term (Election Safety), and a winner holds every committed entry (Leader Completeness).
//!
//! Pre-vote: a server that was cut off would otherwise come back with a high term and force
//! the working leader to step down. With pre-vote it first asks "would you vote for me?";
//! the others say no while they hear from a leader, and its term does not move.
//!
//! CheckQuorum: a leader that has not heard from a majority for an election timeout steps
//! down, so clients stop talking to a leader that cannot commit anything; and a server that
//! heard from a leader recently ignores vote requests (§4.2.3), so a removed or cut-off
//! server cannot disrupt a working cluster.
use super::config::Variant;
use super::log::{Entry, Index, LastEntry, Term};
use super::members::Members;
use super::messages::{Host, Msg, Timer};
use super::notes::{LogsCompared, Note, StepDown, VoteRefusal};
use super::server::{Peer, Role, Server};
use crate::sim::{Ctx, NodeId};

impl Server {
    pub(crate) fn on_election_timer<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        self.election_due = None;
        if self.role == Role::Leader {
            self.check_quorum(cx);
            return;
        }
        let members = self.log.members();
        if !members.contains(self.id) {
            cx.note(Note::NotAMember { members });
            return;
        }
        self.sent.timeouts += 1;
        cx.note(Note::ElectionTimeout {
            term: self.current_term,
        });
        if self.settings.pre_vote {
            self.start_pre_vote(cx);
        } else {
            self.start_election(cx, false);
        }
    }

    fn ask_for_votes<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        term: Term,
        pre_vote: bool,
        transfer: bool,
    ) {
        let request = Msg::RequestVote {
            term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre_vote,
            transfer,
        };
        for peer in self.log.members().without(self.id).iter() {
            self.send(cx, peer, request.clone());
        }
    }

    fn start_pre_vote<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        self.role = Role::PreCandidate;
        self.ghost.touch();
        self.leader = None;
        self.ayes = Members::default().with(self.id);
        self.noes = Members::default();
        let term = self.current_term + 1;
        cx.note(Note::PreVoteStarted { term });
        self.reset_election_timer(cx);
        if self.log.members().is_quorum(self.ayes) {
            self.start_election(cx, false);
        } else {
            self.ask_for_votes(cx, term, true, false);
        }
    }

    /// Becomes a candidate for the next term (also on a "time out now" command, which
    /// skips the pre-vote and asks voters not to ignore it).
    pub(crate) fn start_election<P: Host>(&mut self, cx: &mut Ctx<'_, P>, transfer: bool) {
        self.leave_leadership(cx);
        self.current_term += 1;
        self.ghost.touch();
        self.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.leader = None;
        self.ayes = self.self_if_member();
        self.noes = Members::default();
        cx.note(Note::ElectionStarted {
            term: self.current_term,
            transfer,
        });
        self.reset_election_timer(cx);
        if self.log.members().is_quorum(self.ayes) {
            self.become_leader(cx);
        } else {
            self.ask_for_votes(cx, self.current_term, false, transfer);
        }
    }

    pub(crate) fn on_request_vote<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        candidate: NodeId,
        term: Term,
        last: (Term, Index),
        pre_vote: bool,
        transfer: bool,
    ) {
        let (last_term, last_index) = last;
        let candidate_last = LastEntry {
            term: last_term,
            index: last_index,
        };
        let own = self.log.last_entry();
        let checked = self.settings.variant != Variant::VoteWithoutLogCheck;
        let logs = LogsCompared {
            candidate: candidate_last,
            own,
            checked,
        };
        // The election restriction (§5.4.1); the broken variant skips it.
        let log_ok = !checked || candidate_last.at_least_as_up_to_date_as(own);
        let log_behind = VoteRefusal::LogBehind {
            candidate: candidate_last,
            own,
        };
        if pre_vote {
            // A pre-vote changes nothing here: no term, no vote, no timer.
            let refusal = if term < self.current_term {
                Some(VoteRefusal::StaleTerm)
            } else if self.leader_recently_heard(cx.now()) {
                Some(VoteRefusal::LeaderAlive)
            } else if !log_ok {
                Some(log_behind)
            } else {
                None
            };
            self.answer_vote(cx, candidate, term, true, refusal, logs);
            return;
        }
        if self.settings.check_quorum
            && !transfer
            && term > self.current_term
            && self.leader_recently_heard(cx.now())
        {
            // §4.2.3: a leader is alive, so this candidate is disruptive (removed, or
            // cut off and back); keep the term and do not answer.
            cx.note(Note::VoteRequestIgnored { candidate, term });
            return;
        }
        self.adopt_term(cx, term, candidate);
        let refusal = match self.voted_for {
            _ if term < self.current_term => Some(VoteRefusal::StaleTerm),
            Some(other) if other != candidate => Some(VoteRefusal::AlreadyVoted(other)),
            _ if !log_ok => Some(log_behind),
            _ => None,
        };
        if refusal.is_none() {
            // Durable before the reply leaves (Figure 2: votedFor is persistent).
            self.voted_for = Some(candidate);
        }
        self.answer_vote(cx, candidate, term, false, refusal, logs);
    }

    fn answer_vote<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        candidate: NodeId,
        term: Term,
        pre_vote: bool,
        refusal: Option<VoteRefusal>,
        logs: LogsCompared,
    ) {
        let granted = refusal.is_none();
        // The volatile-vote variant forgot, in a crash, a vote it cast in this term for
        // another candidate: this grant is its second vote there (the bug).
        let forgotten = self
            .ghost
            .lost_vote
            .filter(|&(t, first)| !pre_vote && t == term && first != candidate);
        match refusal {
            None if forgotten.is_some() => cx.note(Note::SecondVote {
                candidate,
                term,
                first: forgotten.map_or(candidate, |(_, first)| first),
            }),
            None => cx.note(Note::VoteGranted {
                candidate,
                term,
                pre_vote,
                logs,
            }),
            Some(reason) => cx.note(Note::VoteRefused {
                candidate,
                term,
                pre_vote,
                reason,
            }),
        }
        if granted && !pre_vote {
            // Granting a vote restarts the election timer (Figure 2, followers); after the
            // grant is narrated, so that the step's caption tells the grant.
            self.reset_election_timer(cx);
        }
        // A granted pre-vote echoes the term it was asked about; any other answer carries
        // the voter's term, so that a candidate that is behind learns it.
        let term = if granted && pre_vote {
            term
        } else {
            self.current_term
        };
        let reply = Msg::VoteReply {
            term,
            granted,
            pre_vote,
        };
        self.send(cx, candidate, reply);
    }

    pub(crate) fn on_vote_reply<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        from: NodeId,
        term: Term,
        granted: bool,
        pre_vote: bool,
    ) {
        // A granted pre-vote carries the term it was asked about, not the voter's own, so
        // it never moves this server's term; every other answer carries the voter's term.
        let real_term = !(pre_vote && granted);
        if real_term && term > self.current_term {
            self.adopt_term(cx, term, from);
            return;
        }
        let counts = if pre_vote {
            self.role == Role::PreCandidate && (!granted || term == self.current_term + 1)
        } else {
            self.role == Role::Candidate && term == self.current_term
        };
        if !counts {
            return;
        }
        if granted {
            self.ayes = self.ayes.with(from);
        } else {
            self.noes = self.noes.with(from);
        }
        let members = self.log.members();
        cx.note(Note::VoteCounted {
            from,
            granted,
            pre_vote,
            ayes: (self.ayes.bits() & members.bits()).count_ones(),
            needed: members.quorum(),
        });
        if members.is_quorum(self.ayes) {
            if pre_vote {
                self.start_election(cx, false);
            } else {
                self.become_leader(cx);
            }
        }
    }

    fn become_leader<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.ghost
            .record_leadership(self.current_term, self.log.removed());
        cx.note(Note::BecameLeader {
            term: self.current_term,
            ayes: self.ayes.len(),
        });
        let next_index = self.log.last_index() + 1;
        self.peers.fill(Peer {
            next_index,
            match_index: 0,
            round_acked: 0,
        });
        self.reads.clear();
        self.heard = Members::default();
        self.old_term_noted = 0;
        if self.settings.check_quorum {
            self.arm_election_timer(cx, self.settings.election_timeout_min);
        } else {
            cx.cancel_timer(Timer::Election);
            self.election_due = None;
        }
        if self.settings.leader_no_op {
            let index = self.log.append(Entry {
                term: self.current_term,
                command: super::log::Command::Noop,
            });
            cx.note(Note::NoOpAppended {
                index,
                term: self.current_term,
            });
        }
        self.broadcast_append(cx);
        // A single-member configuration commits on its own.
        self.advance_commit(cx);
    }

    /// CheckQuorum, once per election timeout while leading.
    fn check_quorum<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        let members = self.log.members();
        let heard = self.heard.union(self.self_if_member());
        cx.note(Note::QuorumChecked {
            heard: (heard.bits() & members.bits()).count_ones(),
            needed: members.quorum(),
        });
        if members.is_quorum(heard) {
            self.heard = Members::default();
            self.arm_election_timer(cx, self.settings.election_timeout_min);
        } else {
            self.become_follower(cx, StepDown::LostQuorum);
        }
    }
}
